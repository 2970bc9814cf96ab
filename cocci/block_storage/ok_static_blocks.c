// Correct: blocks in static storage (file scope, function scope, defined
// with the macro, global, declared extern here), callbacks not __init, and
// __init functions that are not callbacks.
static void cb(struct conduit_ready_block *crb, int status)
{
	struct fw *fw = container_of(crb, struct fw, crb);

	fw->status = status;
}

static struct conduit_ready_block file_crb = { .ready = cb };
static DEFINE_CONDUIT_READY_BLOCK(macro_crb, cb);
DEFINE_CONDUIT_READY_BLOCK(global_crb, cb);
struct conduit_ready_block plain_crb = { .ready = cb };
extern struct conduit_ready_block other_crb;
static struct fw the_fw = { .crb.ready = cb };

static int __init parse_keys(char *s)
{
	return 0;
}

static int __init a_init(void)
{
	static struct conduit_ready_block crb = { .ready = cb };
	static DEFINE_CONDUIT_READY_BLOCK(crb2, cb);
	struct conduit_ready_block *p = &file_crb;
	int ret;

	ret = conduit_ready_register(CONDUIT_FFA, &crb);
	ret = ret ?: conduit_ready_register(CONDUIT_FFA, &crb2);
	ret = ret ?: conduit_ready_register(CONDUIT_FFA_PROXY, &file_crb);
	ret = ret ?: conduit_ready_register(CONDUIT_FFA_PROXY, &macro_crb);
	ret = ret ?: conduit_ready_register(CONDUIT_FFA_PROXY, &global_crb);
	ret = ret ?: conduit_ready_register(CONDUIT_FFA_PROXY, &plain_crb);
	ret = ret ?: conduit_ready_register(CONDUIT_FFA_PROXY, &other_crb);
	ret = ret ?: conduit_ready_register(CONDUIT_FFA, &the_fw.crb);
	return ret;
}
late_initcall(a_init);
