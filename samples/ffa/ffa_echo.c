// SPDX-License-Identifier: GPL-2.0
/*
 * FF-A echo client for the conduit test firmware
 * (tools/testing/conduit/firmware/).
 *
 * The test firmware's SPMC exposes one partition, ID 0x8001, UUID
 * 8f3e94b8-1924-4e32-b03a-8d955482cfcc, that answers every direct request
 * with a direct response carrying the same five payload words. At probe
 * this driver does one round trip in the partition's native (64-bit)
 * mode and one with the 32-bit calling convention, and prints exactly one
 * line the boot harness looks for:
 *
 *   ffa_echo: echo ok (partition 0x8001, 5 words, 64+32-bit, <n> ms)
 *   ffa_echo: echo FAILED: <errno> (partition 0x8001, <what>)
 *   ffa_echo: echo FAILED: -19 (no echo partition)
 *
 * The last form is printed by a late_initcall_sync check when built in and
 * no partition matched by then, so a boot where FF-A never came up still
 * reports a status.
 */

#define pr_fmt(fmt) "ffa_echo: " fmt

#include <linux/arm_ffa.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/module.h>

#define ECHO_WORDS	5

static const struct ffa_device_id ffa_echo_ids[] = {
	{ UUID_INIT(0x8f3e94b8, 0x1924, 0x4e32,
		    0xb0, 0x3a, 0x8d, 0x95, 0x54, 0x82, 0xcf, 0xcc) },
	{}
};
MODULE_DEVICE_TABLE(arm_ffa, ffa_echo_ids);

static bool ffa_echo_probed;

static int ffa_echo_once(struct ffa_device *fdev, unsigned long seed,
			 unsigned long mask, const char **what)
{
	struct ffa_send_direct_data req = {
		.data0 = (seed + 0) & mask, .data1 = (seed + 1) & mask,
		.data2 = (seed + 2) & mask, .data3 = (seed + 3) & mask,
		.data4 = (seed + 4) & mask,
	};
	struct ffa_send_direct_data resp = req;
	int ret;

	ret = fdev->ops->msg_ops->sync_send_receive(fdev, &resp);
	if (ret) {
		*what = "direct request";
		return ret;
	}
	if (memcmp(&req, &resp, sizeof(req))) {
		*what = "payload mismatch";
		return -EIO;
	}
	return 0;
}

static int ffa_echo_probe(struct ffa_device *fdev)
{
	const char *what = "";
	ktime_t start = ktime_get();
	int ret;

	ffa_echo_probed = true;

	/* Native mode first: 64-bit if the partition says it is AArch64. */
	ret = ffa_echo_once(fdev, 0x0ec40000c0de0000UL, ~0UL, &what);
	if (!ret) {
		fdev->ops->msg_ops->mode_32bit_set(fdev);
		ret = ffa_echo_once(fdev, 0xec320000UL, 0xffffffffUL, &what);
	}

	if (ret) {
		pr_info("echo FAILED: %d (partition 0x%x, %s)\n",
			ret, fdev->vm_id, what);
		return 0;
	}

	pr_info("echo ok (partition 0x%x, %d words, 64+32-bit, %lld ms)\n",
		fdev->vm_id, ECHO_WORDS,
		ktime_ms_delta(ktime_get(), start));
	return 0;
}

static void ffa_echo_remove(struct ffa_device *fdev)
{
}

static struct ffa_driver ffa_echo_driver = {
	.name		= "ffa_echo",
	.probe		= ffa_echo_probe,
	.remove		= ffa_echo_remove,
	.id_table	= ffa_echo_ids,
};
module_ffa_driver(ffa_echo_driver);

#ifndef MODULE
static int __init ffa_echo_check(void)
{
	if (!ffa_echo_probed)
		pr_info("echo FAILED: %d (no echo partition)\n", -ENODEV);
	return 0;
}
late_initcall_sync(ffa_echo_check);
#endif

MODULE_DESCRIPTION("FF-A echo client for the conduit test firmware");
MODULE_LICENSE("GPL");
