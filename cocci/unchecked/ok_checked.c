// Correct: every status is checked or returned; the value of
// conduit_ready_register() and conduit_publish() may be ignored (their
// errors are misuse, reported by the core itself).
static int fw_open(struct inode *inode, struct file *f)
{
	int ret;

	ret = wait_for_conduit(CONDUIT_FFA);
	if (ret == -EDEADLK)
		return -EAGAIN;
	if (ret)
		return ret;
	ret = open_channel(f);
	return ret;
}

static int tee_probe(struct platform_device *pdev)
{
	int ret = conduit_ready_or_defer(&pdev->dev, CONDUIT_FFA);

	if (ret)
		return ret;
	return tee_register(pdev);
}

static int stmm_probe(struct platform_device *pdev)
{
	return conduit_ready_or_defer(&pdev->dev, CONDUIT_FFA);
}

static int __init fw_reg(void)
{
	conduit_ready_register(CONDUIT_FFA, &fw_crb);
	return wait_for_conduit(CONDUIT_FFA) ? -EIO : 0;
}
late_initcall(fw_reg);
