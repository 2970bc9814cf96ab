// Misuse: a consumer publishes a conduit it does not own, to get going
// early; pKVM's and FF-A's own publishes then fail with -EALREADY.
static int __init tee_early_init(void)
{
	if (!is_protected_kvm_enabled())
		conduit_publish(CONDUIT_FFA_PROXY, 0);
	return tee_register();
}
subsys_initcall(tee_early_init);

static int stmm_probe(struct platform_device *pdev)
{
	int ret = stmm_negotiate(pdev);

	conduit_publish(CONDUIT_FFA, ret);
	return ret;
}
