// Correct: EFI variables read after waiting for the FF-A conduit.
static int __init load_platform_keys(void)
{
	unsigned long size = 0;
	efi_status_t status;

	if (wait_for_conduit(CONDUIT_FFA))
		return 0;
	status = efi.get_variable(L"db", &secure_var, NULL, &size, NULL);
	return status == EFI_BUFFER_TOO_SMALL ? 0 : -ENOENT;
}
late_initcall(load_platform_keys);
