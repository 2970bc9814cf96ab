// Correct: FF-A calls behind a conduit check, through a helper and through
// a local copy of the FF-A ops.
static int tee_ping(struct ffa_device *ffa_dev)
{
	const struct ffa_msg_ops *msg_ops = ffa_dev->ops->msg_ops;

	if (conduit_status(CONDUIT_FFA))
		return -EAGAIN;
	return msg_ops->sync_send_receive(ffa_dev, &ping);
}

static int __init tee_late(void)
{
	int ret = wait_for_conduit(CONDUIT_FFA);

	if (ret)
		return ret;
	return tee_ping(tee_dev);
}
late_initcall(tee_late);
