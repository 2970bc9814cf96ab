// Correct: the wait happens before the lock and after the unlock; under the
// lock only the non-blocking conduit_status() is used.
static int send_request(struct req *r)
{
	unsigned long flags;
	int ret;

	ret = wait_for_conduit(CONDUIT_FFA);
	if (ret)
		return ret;
	spin_lock_irqsave(&req_lock, flags);
	if (conduit_status(CONDUIT_FFA))
		r->flags |= REQ_STALE;
	list_add(&r->node, &pending);
	spin_unlock_irqrestore(&req_lock, flags);
	return wait_for_conduit(CONDUIT_FFA);
}

static int lookup(u16 id)
{
	rcu_read_lock();
	if (!find_part(id)) {
		rcu_read_unlock();
		return wait_for_conduit(CONDUIT_FFA);
	}
	rcu_read_unlock();
	return 0;
}
