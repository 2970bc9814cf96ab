// Misuse: blocking wait with a spinlock held (irqsave and plain).
static DEFINE_SPINLOCK(req_lock);

static int send_request(struct req *r)
{
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&req_lock, flags);
	ret = wait_for_conduit(CONDUIT_FFA);
	if (!ret)
		list_add(&r->node, &pending);
	spin_unlock_irqrestore(&req_lock, flags);
	return ret;
}
