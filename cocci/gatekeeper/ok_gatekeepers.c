// Correct: each gatekeeper publishes its own conduit, in built-in code.
bool pkvm_ffa_proxy_gated(void)
{
	return is_protected_kvm_enabled();
}

static int __init finalize_pkvm(void)
{
	int ret = pkvm_finalize_hyp();

	conduit_publish(CONDUIT_FFA_PROXY, ret ? -ENODEV : 0);
	return ret;
}
device_initcall_sync(finalize_pkvm);
