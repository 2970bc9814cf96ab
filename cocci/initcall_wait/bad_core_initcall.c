// Misuse: waits in initcalls that run before device_initcall_sync.
static int __init early_fw_probe(void)
{
	int ret = wait_for_conduit(CONDUIT_HOST_SMC);

	if (ret)
		pr_warn("no firmware path: %d\n", ret);
	return 0;
}
core_initcall(early_fw_probe);

static int __init sub_init(void)
{
	if (wait_for_conduit_timeout(CONDUIT_FFA, 5 * HZ))
		return -ENODEV;
	return 0;
}
subsys_initcall_sync(sub_init);
