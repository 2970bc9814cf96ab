// Correct: every status is checked or returned.
static int fw_open(struct inode *inode, struct file *f)
{
	int ret;

	ret = wait_for_conduit_timeout(CONDUIT_FFA, HZ);
	if (ret == -ETIME)
		return -EAGAIN;
	if (ret)
		return ret;
	ret = open_channel(f);
	return ret;
}

static int fw_reg(struct ctx *c)
{
	return conduit_ready_register(CONDUIT_HOST_SMC, &c->crb);
}

static int fw_reg2(struct ctx *c)
{
	if (conduit_ready_register(CONDUIT_HOST_SMC, &c->crb))
		return -ENODEV;
	return wait_for_conduit(CONDUIT_FFA) ? -EIO : 0;
}
