// Misuse: a gatekeeper publishes with its own spinlock held.
bool ffa_conduit_gated(void)
{
	return is_protected_kvm_enabled();
}

static void ffa_done(int status)
{
	spin_lock(&drv_info->lock);
	drv_info->state = status;
	conduit_publish(CONDUIT_FFA, status);
	spin_unlock(&drv_info->lock);
}
