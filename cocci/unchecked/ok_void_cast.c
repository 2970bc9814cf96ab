// Correct: deliberate discard with (void), and non-blocking helpers whose
// values need not be used.
static void fw_shutdown(void)
{
	(void)wait_for_conduit_timeout(CONDUIT_FFA, HZ / 10);
	conduit_status(CONDUIT_FFA);
	conduit_ready_unregister(&crb);
	conduit_publish(CONDUIT_FFA, -ENODEV);
}
