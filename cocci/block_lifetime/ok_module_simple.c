// Correct: unregister on the error path right after a failed step, and in
// module_exit().
static struct conduit_ready_block echo_crb = { .ready = echo_ready };

static int __init echo_init(void)
{
	int ret;

	ret = conduit_ready_register(CONDUIT_FFA, &echo_crb);
	if (ret) {
		pr_err("echo: %d\n", ret);
		return ret;
	}
	ret = misc_register(&echo_misc);
	if (ret)
		conduit_ready_unregister(&echo_crb);
	return ret;
}
module_init(echo_init);

static void __exit echo_exit(void)
{
	misc_deregister(&echo_misc);
	conduit_ready_unregister(&echo_crb);
}
module_exit(echo_exit);
