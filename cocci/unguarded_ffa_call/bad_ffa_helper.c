// Misuse: the initcall reaches FF-A through a helper of the same file.
static int version_check(u32 *v)
{
	ffa_value_t ret;

	invoke_ffa_fn((ffa_value_t){ .a0 = FFA_VERSION, .a1 = FFA_DRIVER_VERSION }, &ret);
	*v = ret.a0;
	return 0;
}

static int __init tiny_ffa_init(void)
{
	u32 v;

	return version_check(&v);
}
module_init(tiny_ffa_init);
