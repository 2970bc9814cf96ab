// Misuse: an LSM that always starts at late_initcall_sync, declared with a
// plain struct lsm_info.
static int __init tpmsec_late(void)
{
	return tpmsec_measure_boot();
}

static int __init tpmsec_init(void)
{
	security_add_hooks(tpmsec_hooks, ARRAY_SIZE(tpmsec_hooks), &tpmsec_lsmid);
	return 0;
}

static struct lsm_info __lsm_tpmsec __used __section(".lsm_info.init") = {
	.id = &tpmsec_lsmid,
	.init = tpmsec_init,
	.initcall_late_sync = tpmsec_late,
};
