// Misuse: device level, before pKVM publishes at device_initcall_sync.
static int __init part_init(void)
{
	return wait_for_conduit(CONDUIT_FFA);
}
device_initcall(part_init);
