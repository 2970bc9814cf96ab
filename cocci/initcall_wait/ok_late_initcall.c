// Correct: late_initcall() and later run after both conduits are final.
static int __init load_keys(void)
{
	int ret = wait_for_conduit(CONDUIT_FFA);

	if (ret)
		return 0;
	return read_keys();
}
late_initcall(load_keys);

static int __init load_more(void)
{
	return wait_for_conduit(CONDUIT_FFA);
}
late_initcall_sync(load_more);
