// Misuse: v7.3's IMA moved to late_initcall_sync by a config option, for a
// TPM whose probe is deferred (a TPM behind FF-A under pKVM).
static int __init init_ima(void)
{
	return ima_init();
}

static int __init init_ima_lsm(void)
{
	security_add_hooks(ima_hooks, ARRAY_SIZE(ima_hooks), &ima_lsmid);
	return 0;
}

DEFINE_LSM(ima) = {
	.id = &ima_lsmid,
	.init = init_ima_lsm,
	.order = LSM_ORDER_LAST,
	/* Start IMA after the TPM is available */
#ifndef CONFIG_IMA_INIT_LATE_SYNC
	.initcall_late = init_ima,
#else
	.initcall_late_sync = init_ima,
#endif
};
