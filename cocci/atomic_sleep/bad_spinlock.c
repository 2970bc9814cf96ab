// Misuse: a wait and a registration with a spinlock held.
static DEFINE_SPINLOCK(req_lock);
static DEFINE_CONDUIT_READY_BLOCK(req_crb, req_ready);

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

static int req_init(void)
{
	int ret;

	spin_lock(&req_lock);
	req_count = 0;
	ret = conduit_ready_register(CONDUIT_FFA, &req_crb);
	spin_unlock(&req_lock);
	return ret;
}
