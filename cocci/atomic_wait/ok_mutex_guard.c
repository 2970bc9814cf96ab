// Correct: sleeping locks and a spinlock guard in a block the wait is not in.
static int a(void)
{
	int ret;

	mutex_lock(&cfg_mutex);
	ret = wait_for_conduit(CONDUIT_FFA);
	mutex_unlock(&cfg_mutex);
	return ret;
}

static int b(void)
{
	guard(mutex)(&cfg_mutex);
	return wait_for_conduit_killable(CONDUIT_FFA);
}

static int c(void)
{
	if (dirty) {
		guard(spinlock)(&hw_lock);
		dirty = false;
	}
	preempt_disable();
	preempt_enable();
	return wait_for_conduit(CONDUIT_FFA);
}
