// Misuse: blocks on the stack stay queued after the function returns.
static int __init fw_client_init(void)
{
	struct conduit_ready_block crb = {
		.ready = client_ready,
	};

	return conduit_ready_register(CONDUIT_FFA, &crb);
}
late_initcall(fw_client_init);

struct client {
	int id;
	struct conduit_ready_block crb;
};

static int client_start(int id)
{
	struct client c = { .id = id };

	c.crb.ready = client_ready;
	return conduit_ready_register(CONDUIT_FFA, &c.crb);
}

static int client_start2(void)
{
	DEFINE_CONDUIT_READY_BLOCK(tmp, client_ready);

	return conduit_ready_register(CONDUIT_FFA_PROXY, &tmp);
}
