// Correct: FF-A calls behind a conduit check, in the initcall and in a
// helper of the same file.
static int tee_version(void)
{
	ffa_value_t ret;

	if (conduit_status(CONDUIT_FFA))
		return -EAGAIN;
	invoke_ffa_fn((ffa_value_t){ .a0 = FFA_VERSION }, &ret);
	return ret.a0;
}

static int __init tee_late(void)
{
	int ret = wait_for_conduit(CONDUIT_FFA);

	if (ret)
		return ret;
	return tee_version();
}
late_initcall(tee_late);

static int __init tee_early(void)
{
	return tee_version() < 0 ? 0 : tee_setup();
}
subsys_initcall(tee_early);
