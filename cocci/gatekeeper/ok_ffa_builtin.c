// Correct: the FF-A core publishes only when built in.
#if !defined(MODULE)
bool ffa_conduit_gated(void)
{
	return is_protected_kvm_enabled();
}

static void ffa_publish(int status)
{
	conduit_publish(CONDUIT_FFA, status);
}
#else
static void ffa_publish(int status)
{
}
#endif
