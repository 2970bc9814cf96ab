// Misuse: a module registers a block and never unregisters it on exit.
static void echo_ready(struct conduit_ready_block *crb, int status)
{
	if (!status)
		echo_start();
}

static struct conduit_ready_block echo_crb = { .ready = echo_ready };

static int __init echo_init(void)
{
	return conduit_ready_register(CONDUIT_FFA, &echo_crb);
}
module_init(echo_init);

static void __exit echo_exit(void)
{
	echo_stop();
}
module_exit(echo_exit);
MODULE_LICENSE("GPL");
