// Correct: consumers at their natural levels, ordered by the conduit API.
static void ffa_ready(struct conduit_ready_block *crb, int status)
{
	u32 v;

	if (!status)
		ffa_version_check(&v);
}

static struct conduit_ready_block ffa_crb = { .ready = ffa_ready };

static int __init ffa_init(void)
{
	return conduit_ready_register(CONDUIT_HOST_SMC, &ffa_crb);
}
module_init(ffa_init);

static int __init load_uefi_certs(void)
{
	return conduit_ready_register(CONDUIT_FFA, &certs_crb);
}
late_initcall(load_uefi_certs);
