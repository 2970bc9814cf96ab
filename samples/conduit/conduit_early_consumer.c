// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test-only early consumer of the firmware conduits.
 *
 * Booted with conduit_early_consumer.enable=1, it waits for the FF-A proxy
 * conduit from an early initcall, in the init task, long before pKVM can
 * publish it from finalize_pkvm(). Waiting there could only hang the boot,
 * so the core must return -EDEADLK at once. Before that it reports what
 * conduit_status() says of the FF-A conduit: with FF-A built in it must
 * be pending (-EAGAIN), whatever the link order. The boot harness checks
 * the lines printed here and that the boot reaches userspace.
 *
 * Booted with conduit_early_consumer.efi_vars=1, it asks EFI for the first
 * variable name right after efisubsys_init(), once from the init task and
 * once from a kthread, and prints the status and what the FF-A conduit
 * said before and after. While FF-A holds its conduit pending (pKVM), the
 * init task must get EFI_NOT_READY without a firmware call and the kthread
 * must wait for the publish; without pKVM both must simply succeed.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/conduit.h>
#include <linux/efi.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/secure_boot.h>

static bool enable;
module_param(enable, bool, 0444);
MODULE_PARM_DESC(enable, "Wait for the FF-A proxy conduit from an early initcall");

static bool efi_vars;
module_param(efi_vars, bool, 0444);
MODULE_PARM_DESC(efi_vars, "Read the first EFI variable name from the init task and a kthread");

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

	ret = wait_for_conduit(CONDUIT_FFA_PROXY);
	pr_info("wait_for_conduit(ffa-proxy) = %d (%s)\n", ret, errno_name(ret));
	return 0;
}
early_initcall(conduit_early_consumer);

/*
 * conduit_early_wait on the command line: wait from an early_param, before
 * the scheduler runs. The core must refuse it instead of calling schedule().
 */
static int __init conduit_early_wait(char *unused)
{
	int ret = wait_for_conduit(CONDUIT_FFA_PROXY);

	pr_info("early_param: wait_for_conduit(ffa-proxy) = %d (%s)\n", ret,
		errno_name(ret));
	return 0;
}
early_param("conduit_early_wait", conduit_early_wait);

/*
 * GetNextVariable() from an empty name: the first variable of the store.
 * Each caller has its own name buffer: the two calls may run at once.
 */
static efi_status_t efi_first_variable(efi_char16_t *name, unsigned long size)
{
	efi_guid_t guid = NULL_GUID;

	name[0] = 0;
	return efi.get_next_variable(&size, name, &guid);
}

static efi_char16_t efi_name_kthread[128], efi_name_init[128];

static int efi_var_reader(void *unused)
{
	int before = conduit_status(CONDUIT_FFA);
	efi_status_t status = efi_first_variable(efi_name_kthread,
						 sizeof(efi_name_kthread));

	pr_info("kthread: get_next_variable = 0x%lx, ffa conduit %d before, %d after\n",
		status, before, conduit_status(CONDUIT_FFA));
	return 0;
}

/* After efisubsys_init() (subsys_initcall), long before FF-A publishes. */
static int __init conduit_early_efi_vars(void)
{
	struct task_struct *task;
	efi_status_t status;
	int before;

	if (!efi_vars || !efi_enabled(EFI_RUNTIME_SERVICES))
		return 0;

	task = kthread_run(efi_var_reader, NULL, "conduit-efivar");
	if (IS_ERR(task))
		pr_err("kthread: %ld\n", PTR_ERR(task));

	before = conduit_status(CONDUIT_FFA);
	status = efi_first_variable(efi_name_init, sizeof(efi_name_init));
	pr_info("init task: get_next_variable = 0x%lx, ffa conduit %d before, %d after\n",
		status, before, conduit_status(CONDUIT_FFA));
	return 0;
}
subsys_initcall_sync(conduit_early_efi_vars);

static bool secureboot;
module_param(secureboot, bool, 0444);
MODULE_PARM_DESC(secureboot, "Ask for the secure boot mode from the init task while FF-A may be pending");

static void __init conduit_ask_secureboot(const char *where)
{
	int before;
	bool on;

	if (!secureboot || !efi_enabled(EFI_RUNTIME_SERVICES))
		return;
	before = conduit_status(CONDUIT_FFA);
	on = arch_get_secureboot();
	pr_info("secureboot: %s: arch_get_secureboot() = %d, ffa conduit %d before, %d after\n",
		where, on, before, conduit_status(CONDUIT_FFA));
}

/*
 * Booted with conduit_early_consumer.secureboot=1, the init task asks for
 * the secure boot mode twice while the FF-A conduit may be pending, as
 * IMA's policy and module signature enforcement do. Right after
 * efisubsys_init() no re-probe runs, so EFI refuses the read: the answer
 * is "unknown" and must not be cached. After finalize_pkvm() the conduit
 * core re-probes FF-A, so the read waits for it and gets the real mode.
 */
static int __init conduit_secureboot_subsys(void)
{
	conduit_ask_secureboot("subsys");
	return 0;
}
subsys_initcall_sync(conduit_secureboot_subsys);

static int __init conduit_secureboot_device(void)
{
	conduit_ask_secureboot("device");
	return 0;
}
device_initcall_sync(conduit_secureboot_device);
