// Misuse: device level and device_sync level, same level as the publisher.
static int __init part_init(void)
{
	return wait_for_conduit(CONDUIT_FFA);
}
device_initcall(part_init);

static int __init part_sync_init(void)
{
	return wait_for_conduit_killable(CONDUIT_FFA);
}
device_initcall_sync(part_sync_init);
