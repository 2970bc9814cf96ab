// Misuse: wait inside an RCU read-side critical section, on one branch.
static int lookup_and_call(u16 id)
{
	struct part *p;
	int ret = 0;

	rcu_read_lock();
	p = find_part(id);
	if (p && wait_for_conduit(CONDUIT_FFA))
		ret = -ENODEV;
	rcu_read_unlock();
	return ret;
}
