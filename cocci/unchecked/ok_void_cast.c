// Correct: deliberate discard with (void), and conduit_status(), which has
// no side effect.
static void fw_shutdown(void)
{
	(void)wait_for_conduit(CONDUIT_FFA);
	conduit_status(CONDUIT_FFA);
}
