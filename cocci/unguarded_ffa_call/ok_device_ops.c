// Correct: a call through an FF-A device's ops; the device is registered
// by the FF-A core only once CONDUIT_FFA is ready.
static int __init stmm_ping_init(void)
{
	struct ffa_send_direct_data data = { .data0 = PING };
	struct arm_smccc_res res;

	arm_smccc_1_1_invoke(ARM_SMCCC_VERSION_FUNC_ID, &res);
	return stmm_dev->ops->msg_ops->sync_send_receive(stmm_dev, &data);
}
subsys_initcall(stmm_ping_init);
