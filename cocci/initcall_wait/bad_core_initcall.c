// Misuse: waits in initcalls that run before any conduit can be published.
static int __init early_fw_probe(void)
{
	int ret = wait_for_conduit(CONDUIT_FFA_PROXY);

	if (ret)
		pr_warn("no firmware path: %d\n", ret);
	return 0;
}
core_initcall(early_fw_probe);

static int __init sub_init(void)
{
	if (wait_for_conduit(CONDUIT_FFA))
		return -ENODEV;
	return 0;
}
subsys_initcall_sync(sub_init);
