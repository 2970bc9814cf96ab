// Misuse: the FF-A core moved to rootfs_initcall to run "early enough".
static int ffa_version_check(u32 *version)
{
	ffa_value_t ver;

	invoke_ffa_fn((ffa_value_t){ .a0 = FFA_VERSION, .a1 = FFA_DRIVER_VERSION }, &ver);
	*version = ver.a0;
	return 0;
}

static int __init ffa_init(void)
{
	u32 v;

	return ffa_version_check(&v);
}
rootfs_initcall(ffa_init);

static void __exit ffa_exit(void)
{
	ffa_rxtx_unmap();
}
module_exit(ffa_exit);
