// Misuse: module_init() is device level when built in, and a caller of
// wait_for_conduit(), which is not exported, is built in.
static int __init tpm_ffa_init(void)
{
	int ret;

	ret = wait_for_conduit(CONDUIT_FFA);
	if (ret)
		return ret;
	return platform_driver_register(&tpm_ffa_driver);
}
module_init(tpm_ffa_init);
