// Misuse: a client sends a direct message through the FF-A ops at init.
static int __init stmm_ping_init(void)
{
	struct ffa_send_direct_data data = { .data0 = PING };

	return stmm_dev->ops->msg_ops->sync_send_receive(stmm_dev, &data);
}
subsys_initcall(stmm_ping_init);
