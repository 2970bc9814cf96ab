// Misuse: v7.3's FF-A core defers its probe until pKVM is initialised.
// Nothing re-probes it when finalize_pkvm() runs, and it defers forever
// when KVM fails after the protected-mode capability is final.
static int ffa_probe(struct platform_device *pdev)
{
	int ret;

	if (IS_BUILTIN(CONFIG_ARM_FFA_TRANSPORT) &&
	    is_protected_kvm_enabled() && !is_pkvm_initialized())
		return -EPROBE_DEFER;

	ret = ffa_transport_init(&invoke_ffa_fn);
	if (ret)
		return ret == -EOPNOTSUPP ? -ENODEV : ret;
	return ffa_setup_partitions();
}
