// Misuse: the wait's status is dropped.
static void fw_work(struct work_struct *w)
{
	wait_for_conduit(CONDUIT_FFA);
	ffa_send(w);
}

static long fw_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	wait_for_conduit(CONDUIT_FFA_PROXY);
	return do_ioctl(f, cmd, arg);
}
