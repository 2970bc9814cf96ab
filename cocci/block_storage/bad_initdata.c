// Misuse: blocks in .init.data, in each place the attribute can go; the
// core keeps a pointer to them after boot.
static void certs_ready(struct conduit_ready_block *crb, int status)
{
	queue_work(system_long_wq, &certs_work);
}

static struct conduit_ready_block certs_crb __initdata = {
	.ready = certs_ready,
};
static __initdata struct conduit_ready_block keys_crb = { .ready = certs_ready };
static __initdata DEFINE_CONDUIT_READY_BLOCK(db_crb, certs_ready);

static struct {
	int n;
	struct conduit_ready_block crb;
} mok __initdata = { .crb.ready = certs_ready };

static int __init certs_init(void)
{
	int ret;

	ret = conduit_ready_register(CONDUIT_FFA, &certs_crb);
	if (!ret)
		ret = conduit_ready_register(CONDUIT_FFA, &keys_crb);
	if (!ret)
		ret = conduit_ready_register(CONDUIT_FFA, &db_crb);
	if (!ret)
		ret = conduit_ready_register(CONDUIT_FFA, &mok.crb);
	return ret;
}
late_initcall(certs_init);
