// Misuse: wait with interrupts disabled, and with preemption disabled.
static int percpu_setup(void)
{
	unsigned long flags;
	int ret;

	local_irq_save(flags);
	ret = wait_for_conduit_killable(CONDUIT_HOST_SMC);
	local_irq_restore(flags);
	return ret;
}

static int percpu_setup2(void)
{
	int ret;

	preempt_disable();
	this_cpu_write(state, 1);
	ret = wait_for_conduit(CONDUIT_HOST_SMC);
	preempt_enable();
	return ret;
}
