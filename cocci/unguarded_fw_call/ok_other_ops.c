// Correct: ->mem_ops and ->cpu_ops of other subsystems are not FF-A.
static int __init vb2_selftest(void)
{
	void *buf = q->mem_ops->alloc(q, q->dev, PAGE_SIZE);

	return buf ? 0 : -ENOMEM;
}
late_initcall(vb2_selftest);
