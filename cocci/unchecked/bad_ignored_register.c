// Misuse: a failed registration goes unnoticed and the callback never runs.
static struct conduit_ready_block crb = { .ready = cb };

static int __init x_init(void)
{
	conduit_ready_register(CONDUIT_FFA, &crb);
	return 0;
}
late_initcall(x_init);
