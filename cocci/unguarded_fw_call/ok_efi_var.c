// Correct: EFI variables read from an initcall. The EFI runtime wrappers
// order variable calls against CONDUIT_FFA themselves, so the caller need not.
static void *get_list(efi_char16_t *name, efi_guid_t *guid, unsigned long *size)
{
	efi_status_t status;
	void *db;

	status = efi.get_variable(name, guid, NULL, size, NULL);
	if (status != EFI_BUFFER_TOO_SMALL)
		return NULL;
	db = kmalloc(*size, GFP_KERNEL);
	efi.get_variable(name, guid, NULL, size, db);
	return db;
}

static int __init load_platform_keys(void)
{
	unsigned long size;
	void *db = get_list(L"db", &secure_var, &size);

	return db ? parse_db(db, size) : 0;
}
late_initcall(load_platform_keys);
