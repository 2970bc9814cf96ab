// Misuse: v2's platform keyring loader: an __init callback in an
// __initdata block. The callback may run from a work item.
static void __init load_uefi_certs_ready(struct conduit_ready_block *crb,
					 int status)
{
	if (status)
		pr_debug("FF-A conduit status %d, reading UEFI keys anyway\n",
			 status);
	uefi_load_certs();
}

static struct conduit_ready_block load_uefi_certs_crb __initdata = {
	.ready = load_uefi_certs_ready,
};

static int __init load_uefi_certs(void)
{
	return conduit_ready_register(CONDUIT_FFA, &load_uefi_certs_crb);
}
late_initcall(load_uefi_certs);

static __init void tpm_ready(struct conduit_ready_block *crb, int status)
{
	tpm_start(status);
}
static DEFINE_CONDUIT_READY_BLOCK(tpm_crb, tpm_ready);
