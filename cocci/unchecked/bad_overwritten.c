// Misuse: the value is stored and then overwritten or dropped unread.
static int fw_open(struct inode *inode, struct file *f)
{
	int ret;

	ret = wait_for_conduit(CONDUIT_FFA);
	ret = open_channel(f);
	return ret;
}

static int stmm_probe(struct platform_device *pdev)
{
	int err;

	err = conduit_ready_or_defer(&pdev->dev, CONDUIT_FFA);
	return 0;
}
