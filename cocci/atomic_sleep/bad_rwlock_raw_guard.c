// Misuse: raw spinlock, write lock, a scope-based guard and a scoped_guard.
static int a(void)
{
	int ret;

	raw_spin_lock(&hw_lock);
	ret = wait_for_conduit(CONDUIT_FFA);
	raw_spin_unlock(&hw_lock);
	return ret;
}

static int b(void)
{
	int ret;

	write_lock_irq(&tbl_lock);
	ret = wait_for_conduit(CONDUIT_FFA);
	write_unlock_irq(&tbl_lock);
	return ret;
}

static int c(void)
{
	guard(spinlock_irqsave)(&hw_lock);
	return wait_for_conduit(CONDUIT_FFA);
}

static int d(struct part *p)
{
	scoped_guard(rcu) {
		if (p->enabled)
			return wait_for_conduit(CONDUIT_FFA);
	}
	return 0;
}
