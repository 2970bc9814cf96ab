// Misuse: the FF-A core, gatekeeper of CONDUIT_FFA, also publishes pKVM's
// conduit.
bool ffa_conduit_gated(void)
{
	return is_protected_kvm_enabled();
}

static void ffa_publish(int status)
{
	if (status)
		conduit_publish(CONDUIT_FFA_PROXY, status);
	conduit_publish(CONDUIT_FFA, status);
}
