// Misuse: sleeping conduit calls with interrupts, bottom halves or
// preemption disabled.
static int percpu_setup(void)
{
	unsigned long flags;
	int ret;

	local_irq_save(flags);
	ret = wait_for_conduit(CONDUIT_FFA_PROXY);
	local_irq_restore(flags);
	return ret;
}

static int percpu_setup2(void)
{
	int ret;

	preempt_disable();
	this_cpu_write(state, 1);
	ret = wait_for_conduit(CONDUIT_FFA);
	preempt_enable();
	return ret;
}

static int tee_probe(struct platform_device *pdev)
{
	int ret;

	local_bh_disable();
	ret = conduit_ready_or_defer(&pdev->dev, CONDUIT_FFA);
	local_bh_enable();
	return ret;
}
