// Misuse: the goto error path skips the unregistration (block in a struct).
static struct echo_drv *drv;

static int __init echo_init(void)
{
	int ret;

	drv = kzalloc(sizeof(*drv), GFP_KERNEL);
	if (!drv)
		return -ENOMEM;
	drv->crb.ready = echo_ready;
	if (conduit_ready_register(CONDUIT_FFA, &drv->crb))
		goto free;
	ret = misc_register(&drv->misc);
	if (ret)
		goto free;
	return 0;
free:
	kfree(drv);
	return -ENODEV;
}
module_init(echo_init);

static void __exit echo_exit(void)
{
	misc_deregister(&drv->misc);
	conduit_ready_unregister(&drv->crb);
	kfree(drv);
}
module_exit(echo_exit);
