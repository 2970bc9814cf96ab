// Correct: the pKVM state used to pick a path, not to wait for it, and an
// -EPROBE_DEFER that does not depend on it.
static bool is_spurious_el2_fault(unsigned long esr)
{
	return is_pkvm_initialized() && (esr & ESR_ELx_S1PTW);
}

static int mem_probe(struct platform_device *pdev)
{
	if (is_protected_kvm_enabled())
		return -EPERM;
	if (!clk_ready)
		return -EPROBE_DEFER;
	return 0;
}

static int hyp_share(phys_addr_t pa)
{
	if (!is_protected_kvm_enabled())
		return 0;
	return kvm_call_hyp_nvhe(__pkvm_host_share_hyp, pa >> PAGE_SHIFT);
}

static int hyp_mode(void)
{
	return is_protected_kvm_enabled() ? KVM_MODE_PROTECTED : KVM_MODE_DEFAULT;
}
