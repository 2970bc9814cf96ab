// Correct: plain SMCCC calls (forwarded by pKVM) and FF-A calls outside
// initcalls are not reported.
static int __init soc_id_init(void)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_invoke(ARM_SMCCC_ARCH_SOC_ID, 0, &res);
	return (int)res.a0 < 0 ? -ENODEV : 0;
}
module_init(soc_id_init);

static int ffa_msg(struct ffa_device *dev, struct ffa_send_direct_data *d)
{
	return dev->ops->msg_ops->sync_send_receive(dev, d);
}
