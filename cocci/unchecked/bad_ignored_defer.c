// Misuse: the probe drops -EPROBE_DEFER and talks to firmware at once.
static int tee_probe(struct platform_device *pdev)
{
	conduit_ready_or_defer(&pdev->dev, CONDUIT_FFA);
	return tee_register(pdev);
}
