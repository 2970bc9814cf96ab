// Misuse: *_sync level moves on FF-A and EFI variable consumers, in a file
// that already uses the conduit API (the level move is redundant there).
static int __init tee_ffa_init(void)
{
	return ffa_partition_probe(&tee_uuid);
}
device_initcall_sync(tee_ffa_init);

static int __init efivar_cache_init(void)
{
	unsigned long size = 0;

	return efivar_get_variable(L"Boot0000", &guid, NULL, &size, NULL);
}
fs_initcall_sync(efivar_cache_init);

static int __init ordered(void)
{
	return conduit_ready_register(CONDUIT_FFA, &crb);
}
late_initcall(ordered);
