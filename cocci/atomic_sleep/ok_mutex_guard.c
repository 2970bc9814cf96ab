// Correct: sleeping locks, and spinlock guards in blocks the call is not in.
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
	return wait_for_conduit(CONDUIT_FFA);
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

static int d(void)
{
	while (wait_for_conduit(CONDUIT_FFA) == 0) {
		guard(rcu)();
		if (!next_part())
			break;
	}
	scoped_guard(spinlock, &hw_lock) {
		dirty = true;
	}
	return conduit_ready_register(CONDUIT_FFA, &d_crb);
}
