// Misuse: the value is stored and then overwritten or dropped unread.
static int fw_open(struct inode *inode, struct file *f)
{
	int ret;

	ret = wait_for_conduit_timeout(CONDUIT_FFA, HZ);
	ret = open_channel(f);
	return ret;
}

static int fw_reg(struct ctx *c)
{
	int err;

	err = conduit_ready_register(CONDUIT_HOST_SMC, &c->crb);
	return 0;
}
