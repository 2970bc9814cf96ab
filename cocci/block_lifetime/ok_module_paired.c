// Correct: a module that unregisters on the init error path (goto) and
// through a helper called from module_exit().
static struct conduit_ready_block ffa_crb = { .ready = ffa_ready };

static void ffa_cleanup(void)
{
	conduit_ready_unregister(&ffa_crb);
}

static int __init ffa_mod_init(void)
{
	int ret;

	ret = conduit_ready_register(CONDUIT_HOST_SMC, &ffa_crb);
	if (ret)
		return ret;
	ret = bus_register(&ffa_bus);
	if (ret)
		goto unreg;
	ret = platform_driver_register(&ffa_drv);
	if (ret) {
		bus_unregister(&ffa_bus);
		conduit_ready_unregister(&ffa_crb);
		return ret;
	}
	return 0;
unreg:
	conduit_ready_unregister(&ffa_crb);
	return ret;
}
module_init(ffa_mod_init);

static void __exit ffa_mod_exit(void)
{
	platform_driver_unregister(&ffa_drv);
	bus_unregister(&ffa_bus);
	ffa_cleanup();
}
module_exit(ffa_mod_exit);
