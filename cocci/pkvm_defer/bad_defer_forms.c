// Misuse: other shapes of the same wait on the hypervisor's state.
static int tee_probe(struct device *dev)
{
	if (!is_pkvm_initialized()) {
		dev_dbg(dev, "waiting for pKVM\n");
		return dev_err_probe(dev, -EPROBE_DEFER, "pKVM not final\n");
	}
	return tee_register(dev);
}

static struct tee_ctx *tee_get_ctx(void)
{
	return is_pkvm_initialized() ? tee_ctx : ERR_PTR(-EPROBE_DEFER);
}

static int stmm_probe(struct platform_device *pdev)
{
	int ret = 0;

	if (is_protected_kvm_enabled())
		ret = -EPROBE_DEFER;
	else
		ret = stmm_init(pdev);
	return ret;
}

static int __init wait_pkvm(void)
{
	while (!is_pkvm_initialized())
		msleep(10);
	return 0;
}
