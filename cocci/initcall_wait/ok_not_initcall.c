// Correct: an early initcall that registers a callback, a probe that defers,
// a non-blocking check in an early initcall, and waits in functions that
// are not registered as initcalls (a callback, a work item).
static void keys_ready(struct conduit_ready_block *crb, int status)
{
	if (!status && !wait_for_conduit(CONDUIT_FFA_PROXY))
		read_keys();
}

static DEFINE_CONDUIT_READY_BLOCK(keys_crb, keys_ready);

static int __init keys_init(void)
{
	if (conduit_status(CONDUIT_FFA) == -EAGAIN)
		pr_debug("keys: FF-A pending\n");
	return conduit_ready_register(CONDUIT_FFA, &keys_crb);
}
subsys_initcall(keys_init);

static int tpm_probe(struct platform_device *pdev)
{
	return conduit_ready_or_defer(&pdev->dev, CONDUIT_FFA);
}

static void keys_work(struct work_struct *w)
{
	if (wait_for_conduit(CONDUIT_FFA))
		return;
	read_keys();
}

static int __init helper_not_registered(void)
{
	return wait_for_conduit(CONDUIT_FFA);
}
