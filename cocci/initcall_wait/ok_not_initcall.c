// Correct: an early initcall that registers a callback, a probe that defers,
// and a wait in a function that is not an initcall (runs from a workqueue).
static void keys_ready(struct conduit_ready_block *crb, int status)
{
	if (!status)
		read_keys();
}

static struct conduit_ready_block keys_crb = { .ready = keys_ready };

static int __init keys_init(void)
{
	return conduit_ready_register(CONDUIT_FFA, &keys_crb);
}
subsys_initcall(keys_init);

static int tpm_probe(struct platform_device *pdev)
{
	return conduit_ready_or_defer(CONDUIT_FFA);
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
