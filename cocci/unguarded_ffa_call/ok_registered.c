// Correct: the same FF-A work, run from a conduit callback.
static void my_ffa_ready(struct conduit_ready_block *crb, int status)
{
	struct arm_smccc_res res;

	if (status)
		return;
	arm_smccc_1_1_smc(FFA_VERSION, FFA_DRIVER_VERSION, 0, 0, 0, 0, 0, 0, &res);
}

static DEFINE_CONDUIT_READY_BLOCK(my_crb, my_ffa_ready);

static int __init my_ffa_init(void)
{
	return conduit_ready_register(CONDUIT_FFA_PROXY, &my_crb);
}
device_initcall(my_ffa_init);
