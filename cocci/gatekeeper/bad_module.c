// Misuse: a gatekeeper that publishes from its module build too.
bool ffa_conduit_gated(void)
{
	return is_protected_kvm_enabled();
}

static void ffa_publish(int status)
{
#ifdef MODULE
	pr_debug("FF-A as a module: status %d\n", status);
	conduit_publish(CONDUIT_FFA, status);
#else
	conduit_publish(CONDUIT_FFA, status);
#endif
}

#ifndef MODULE
static int __init ffa_early(void)
{
	return 0;
}
#else
static void ffa_mod_publish(void)
{
	conduit_publish(CONDUIT_FFA, 0);
}
#endif
