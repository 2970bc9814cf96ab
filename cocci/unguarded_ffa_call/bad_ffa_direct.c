// Misuse: FF-A version negotiation from a device initcall, no conduit.
static int __init my_ffa_init(void)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_smc(FFA_VERSION, FFA_DRIVER_VERSION, 0, 0, 0, 0, 0, 0, &res);
	if (res.a0 == FFA_RET_NOT_SUPPORTED)
		return -EOPNOTSUPP;
	return 0;
}
device_initcall(my_ffa_init);
