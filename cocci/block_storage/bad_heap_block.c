// Misuse: blocks in allocated memory, freed with their owner (on the error
// path here, or at unbind for devm) while they may still be queued.
static int echo_probe(struct platform_device *pdev)
{
	struct echo *e = devm_kzalloc(&pdev->dev, sizeof(*e), GFP_KERNEL);

	if (!e)
		return -ENOMEM;
	e->crb.ready = echo_ready;
	return conduit_ready_register(CONDUIT_FFA, &e->crb);
}

static int stmm_add(void)
{
	struct conduit_ready_block *crb;
	int ret;

	crb = kzalloc_obj(*crb);
	if (!crb)
		return -ENOMEM;
	crb->ready = stmm_ready;
	ret = conduit_ready_register(CONDUIT_FFA, crb);
	if (ret)
		kfree(crb);
	return ret;
}
