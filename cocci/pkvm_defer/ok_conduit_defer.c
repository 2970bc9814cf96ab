// Correct: the probe defers through the conduit API (as ffa_probe() does
// with the series), which re-probes the device once pKVM publishes.
static int ffa_probe(struct platform_device *pdev)
{
	int ret;

	ret = conduit_ready_or_defer(&pdev->dev, CONDUIT_HOST_SMC);
	if (ret == -EPROBE_DEFER)
		return ret;
	if (ret)
		dev_warn(&pdev->dev, "host SMC path failed (%d)\n", ret);
	return ffa_transport_init(&invoke_ffa_fn);
}
