// Misuse: one initcall of the file waits for the conduit, the other calls
// FF-A with no check; and an initcall that registers a callback but makes
// its first FF-A call right away.
static int __init late_probe(void)
{
	ffa_value_t ret;

	if (wait_for_conduit(CONDUIT_FFA))
		return -ENODEV;
	invoke_ffa_fn((ffa_value_t){ .a0 = FFA_ID_GET }, &ret);
	return 0;
}
late_initcall(late_probe);

static int __init early_probe(void)
{
	ffa_value_t ret;

	invoke_ffa_fn((ffa_value_t){ .a0 = FFA_VERSION }, &ret);
	return 0;
}
subsys_initcall(early_probe);

static int __init stmm_init(void)
{
	struct arm_smccc_res res;
	int ret = conduit_ready_register(CONDUIT_FFA, &stmm_crb);

	if (ret)
		return ret;
	arm_smccc_1_1_invoke(FFA_FEATURES, FFA_MSG_SEND_DIRECT_REQ, 0, 0, 0, 0, 0, 0, &res);
	return res.a0 == FFA_SUCCESS ? 0 : -ENODEV;
}
device_initcall(stmm_init);
