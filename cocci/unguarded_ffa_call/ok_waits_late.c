// Correct: EFI variables read with no check (the EFI runtime wrappers
// check CONDUIT_FFA themselves), next to a plain SMCCC call.
static int __init load_platform_keys(void)
{
	unsigned long size = 0;
	efi_status_t status;
	struct arm_smccc_res res;

	arm_smccc_1_1_invoke(ARM_SMCCC_ARCH_SOC_ID, 0, &res);
	status = efi.get_variable(L"db", &secure_var, NULL, &size, NULL);
	return status == EFI_BUFFER_TOO_SMALL ? 0 : -ENOENT;
}
late_initcall(load_platform_keys);
