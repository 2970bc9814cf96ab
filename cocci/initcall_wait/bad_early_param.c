// Misuse: early_param() handlers and rootfs_initcall run long before publish.
static int __init fw_opt(char *s)
{
	if (wait_for_conduit(CONDUIT_HOST_SMC))
		return 0;
	return parse(s);
}
early_param("fwopt", fw_opt);

static int __init rootfs_thing(void)
{
	return wait_for_conduit(CONDUIT_FFA);
}
rootfs_initcall(rootfs_thing);
