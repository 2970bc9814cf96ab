// Misuse: the platform keyring loader moved to late_initcall_sync.
static __init void *get_cert_list(efi_char16_t *name, efi_guid_t *guid,
				  unsigned long *size, efi_status_t *status)
{
	*status = efi.get_variable(name, guid, NULL, size, NULL);
	return NULL;
}

static int __init load_uefi_certs(void)
{
	unsigned long dbsize = 0;
	efi_status_t status;

	get_cert_list(L"db", &secure_var, &dbsize, &status);
	return 0;
}
late_initcall_sync(load_uefi_certs);
