// Correct: static blocks (file scope and function scope) and a block
// embedded in an allocated object, in code that is not a module.
static struct conduit_ready_block file_crb = { .ready = cb };

static int __init a_init(void)
{
	static struct conduit_ready_block crb = { .ready = cb };
	int ret;

	ret = conduit_ready_register(CONDUIT_FFA, &crb);
	if (ret)
		return ret;
	return conduit_ready_register(CONDUIT_HOST_SMC, &file_crb);
}
late_initcall(a_init);

static int client_start(struct client *c)
{
	struct client *n = kzalloc(sizeof(*n), GFP_KERNEL);

	if (!n)
		return -ENOMEM;
	n->crb.ready = client_ready;
	return conduit_ready_register(CONDUIT_FFA, &n->crb);
}
