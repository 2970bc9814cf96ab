// Correct: an LSM at its natural late slot, and a *_sync field of a struct
// that is not an lsm_info.
static int __init init_evm(void)
{
	return evm_init_crypto();
}

static int __init init_evm_lsm(void)
{
	security_add_hooks(evm_hooks, ARRAY_SIZE(evm_hooks), &evm_lsmid);
	return 0;
}

DEFINE_LSM(evm) = {
	.id = &evm_lsmid,
	.init = init_evm_lsm,
	.initcall_late = init_evm,
};

static int __init other_sync(void)
{
	return 0;
}

static const struct boot_hooks hooks = {
	.initcall_late_sync = other_sync,
};
