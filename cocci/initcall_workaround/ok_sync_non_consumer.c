// Correct: *_sync and rootfs levels on code that is not a firmware consumer
// (the conduit publisher itself, and an unrelated initcall).
static int __init finalize_pkvm(void)
{
	int ret = pkvm_drop_host_privileges();

	conduit_publish(CONDUIT_HOST_SMC, ret);
	return ret;
}
device_initcall_sync(finalize_pkvm);

static int __init populate_rootfs(void)
{
	return unpack_to_rootfs(__initramfs_start, __initramfs_size);
}
rootfs_initcall(populate_rootfs);

static int __init trace_sync(void)
{
	return ftrace_check_sync();
}
late_initcall_sync(trace_sync);
