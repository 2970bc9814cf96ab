// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test-only early consumer of the firmware conduits.
 *
 * Booted with conduit_early_consumer.enable=1, it waits for the host SMC
 * conduit from an early initcall, in the init task, long before pKVM can
 * publish it from finalize_pkvm(). Waiting there could only hang the boot,
 * so the core must return -EDEADLK at once. Before that it reports what
 * conduit_status() says of the FF-A conduit: with FF-A built in it must
 * be pending (-EAGAIN), whatever the link order. The boot harness checks
 * the lines printed here and that the boot reaches userspace.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/conduit.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

static bool enable;
module_param(enable, bool, 0444);
MODULE_PARM_DESC(enable, "Wait for the host SMC conduit from an early initcall");

static const char *__init errno_name(int err)
{
	switch (err) {
	case 0:
		return "0";
	case -EDEADLK:
		return "-EDEADLK";
	case -EAGAIN:
		return "-EAGAIN";
	case -ETIMEDOUT:
		return "-ETIMEDOUT";
	case -ENODEV:
		return "-ENODEV";
	case -EOPNOTSUPP:
		return "-EOPNOTSUPP";
	case -EINVAL:
		return "-EINVAL";
	default:
		return "?";
	}
}

static int __init conduit_early_consumer(void)
{
	int ret;

	if (!enable)
		return 0;

	ret = conduit_status(CONDUIT_FFA);
	pr_info("conduit_status(ffa) = %d (%s)\n", ret, errno_name(ret));

	ret = wait_for_conduit(CONDUIT_HOST_SMC);
	pr_info("wait_for_conduit(host-smc) = %d (%s)\n", ret, errno_name(ret));
	return 0;
}
early_initcall(conduit_early_consumer);
