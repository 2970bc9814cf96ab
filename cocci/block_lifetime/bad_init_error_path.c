// Misuse: module_init() fails after registering and leaves the block linked.
static struct conduit_ready_block tpm_crb = { .ready = tpm_ready };

static int __init tpm_ffa_init(void)
{
	int ret;

	ret = conduit_ready_register(CONDUIT_FFA, &tpm_crb);
	if (ret)
		return ret;

	ret = platform_driver_register(&tpm_ffa_driver);
	if (ret) {
		pr_err("tpm_ffa: cannot register driver\n");
		return ret;
	}
	return 0;
}
module_init(tpm_ffa_init);

static void __exit tpm_ffa_exit(void)
{
	platform_driver_unregister(&tpm_ffa_driver);
	conduit_ready_unregister(&tpm_crb);
}
module_exit(tpm_ffa_exit);
