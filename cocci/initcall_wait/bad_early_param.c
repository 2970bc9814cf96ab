// Misuse: early_param() and __setup() handlers run before the scheduler,
// rootfs_initcall() long before the publish.
static int __init fw_opt(char *s)
{
	if (wait_for_conduit(CONDUIT_FFA_PROXY))
		return 0;
	return parse(s);
}
early_param("fwopt", fw_opt);

static int __init fw_setup(char *s)
{
	return wait_for_conduit(CONDUIT_FFA) ? 0 : parse(s);
}
__setup("fwsetup=", fw_setup);

static int __init rootfs_thing(void)
{
	return wait_for_conduit(CONDUIT_FFA);
}
rootfs_initcall(rootfs_thing);
