// SPDX-License-Identifier: GPL-2.0
/*
 * Firmware conduit readiness; rules and memory-ordering argument in
 * Documentation/core-api/firmware-conduit.rst. A word goes pending -> final
 * once, under conduit_lock, with smp_store_release() before wake_up_all();
 * readers use smp_load_acquire(), waiters load again after queueing, and
 * registration reads the word under the lock: a block is queued or runs at
 * once, never both, never neither.
 */

#define pr_fmt(fmt) "conduit: " fmt

#include <linux/async.h>
#include <linux/completion.h>
#include <linux/conduit.h>
#include <linux/device.h>
#include <linux/device/driver.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "internal.h"

#define CREATE_TRACE_POINTS
#include <trace/events/conduit.h>

/* Spelled out for fixdep, which rebuilds on whole CONFIG_ names only. */
#define CONDUIT_GATE_FFA_PROXY \
	IS_ENABLED(CONFIG_FIRMWARE_CONDUIT_GATE_FFA_PROXY)
#define CONDUIT_GATE_FFA	IS_ENABLED(CONFIG_FIRMWARE_CONDUIT_GATE_FFA)
#define CONDUIT_GATE(sym)	CONDUIT_GATE_##sym

int __conduit_words[CONDUIT_NR] __ro_after_init = {
	[CONDUIT_FFA_PROXY] = CONDUIT_GATE(FFA_PROXY) ? CONDUIT_PENDING : 0,
	[CONDUIT_FFA] = CONDUIT_GATE(FFA) ? CONDUIT_PENDING : 0,
};

static void conduit_run_fn(struct work_struct *work);
static void conduit_reprobe_fn(struct work_struct *work);
static DECLARE_WORK(conduit_reprobe_work, conduit_reprobe_fn);
static void conduit_async_fn(struct work_struct *work);
static DECLARE_WORK(conduit_async_work, conduit_async_fn);
static DECLARE_COMPLETION(conduit_async_done);

/* The one table of per-conduit data; the words are the public part. */
struct conduit conduits[CONDUIT_NR] = {
	[CONDUIT_FFA_PROXY] = {
		.name = "ffa-proxy",
		.gated = CONDUIT_GATE(FFA_PROXY) ? pkvm_ffa_proxy_gated : NULL,
		.word = &__conduit_words[CONDUIT_FFA_PROXY],
		.blocks = LIST_HEAD_INIT(conduits[CONDUIT_FFA_PROXY].blocks),
		.devices = LIST_HEAD_INIT(conduits[CONDUIT_FFA_PROXY].devices),
		.run_work = __WORK_INITIALIZER(conduits[CONDUIT_FFA_PROXY].run_work,
					       conduit_run_fn),
	},
	[CONDUIT_FFA] = {
		.name = "ffa",
		.gated = CONDUIT_GATE(FFA) ? ffa_conduit_gated : NULL,
		.word = &__conduit_words[CONDUIT_FFA],
		.blocks = LIST_HEAD_INIT(conduits[CONDUIT_FFA].blocks),
		.devices = LIST_HEAD_INIT(conduits[CONDUIT_FFA].devices),
		.run_work = __WORK_INITIALIZER(conduits[CONDUIT_FFA].run_work,
					       conduit_run_fn),
	},
};

#if IS_ENABLED(CONFIG_FIRMWARE_CONDUIT_KUNIT_TEST)
/* Make @c a conduit of the KUnit suite's own, pending if @c->gated. */
void conduit_setup(struct conduit *c)
{
	INIT_LIST_HEAD(&c->blocks);
	INIT_LIST_HEAD(&c->devices);
	INIT_WORK(&c->run_work, conduit_run_fn);
	atomic_set(&c->nr_waiters, 0);
	*c->word = c->gated ? CONDUIT_PENDING : 0;
}
#endif

/* Protects the block lists, the device records and conduit_reprobing. */
DEFINE_MUTEX(conduit_lock);

/* Waiters of every conduit, and the barrier before the late initcalls. */
static DECLARE_WAIT_QUEUE_HEAD(conduit_waitq);
static bool conduit_initcalls_done;

static LIST_HEAD(conduit_reprobe_list);
static bool conduit_reprobing;

/* Held by conduit_reprobe_work while it probes devices again. */
#ifdef CONFIG_LOCKDEP
static struct lock_class_key conduit_reprobe_key;
static struct lockdep_map conduit_reprobe_map =
	STATIC_LOCKDEP_MAP_INIT("conduit-reprobe", &conduit_reprobe_key);
#else
static struct lockdep_map conduit_reprobe_map __maybe_unused;
#endif

/* Every misuse, whether or not the ratelimit let its warning through. */
atomic_t conduit_nr_misuse = ATOMIC_INIT(0);

/* Name every offender, not only the first; not WARN(): the caller is named. */
static noinline void conduit_misuse(struct conduit *c, const char *what,
				    int err, const void *caller)
{
	atomic_inc(&conduit_nr_misuse);
	pr_warn_ratelimited("%s: %s: %d (caller %pS, task %s/%d)\n", c->name,
			    what, err, caller, current->comm,
			    task_pid_nr(current));
}

/**
 * __conduit_bad_id() - warn about an out-of-range conduit ID, naming the caller
 * @id: the ID
 *
 * Return: -EINVAL.
 */
int __conduit_bad_id(enum conduit_id id)
{
	atomic_inc(&conduit_nr_misuse);
	pr_warn_ratelimited("bad conduit ID %d (caller %pS)\n", id,
			    __builtin_return_address(0));
	return -EINVAL;
}

/* Is this the init task running initcalls? Decided here, for every caller. */
VISIBLE_IF_KUNIT bool conduit_boot_path(void)
{
	KUNIT_STATIC_STUB_REDIRECT(conduit_boot_path);

	return system_state == SYSTEM_SCHEDULING && is_global_init(current) &&
	       !READ_ONCE(conduit_initcalls_done);
}

/*
 * Under conduit_lock: make @c final with @status, queue its callbacks and
 * hand the devices that deferred on it to the re-probe work.
 */
static void conduit_settle(struct conduit *c, int status)
{
	lockdep_assert_held(&conduit_lock);

	c->published_ns = ktime_get_boottime_ns();
	/* Pairs with smp_load_acquire() in the readers; see the top comment. */
	smp_store_release(c->word, status);
	pr_debug("%s: final, status %d\n", c->name, status);
	if (!list_empty(&c->blocks))
		queue_work(system_dfl_wq, &c->run_work);
	if (!list_empty(&c->devices)) {
		list_splice_tail_init(&c->devices, &conduit_reprobe_list);
		WRITE_ONCE(conduit_reprobing, true);
		queue_work(system_dfl_wq, &conduit_reprobe_work);
	}
}

/* conduit_publish() on @c; returns with no lock held, refused or not. */
VISIBLE_IF_KUNIT int conduit_publish_one(struct conduit *c, int status,
					 const void *caller)
{
	int ret = 0;

	might_sleep();
	mutex_lock(&conduit_lock);
	if (status > 0 || status < -MAX_ERRNO)
		ret = -EINVAL;
	else if (!c->gated)
		ret = -ENODEV;
	else if (READ_ONCE(*c->word) != CONDUIT_PENDING)
		ret = -EALREADY;
	else
		conduit_settle(c, status);
	mutex_unlock(&conduit_lock);

	trace_conduit_publish(c->name, status, ret);
	if (ret) {
		conduit_misuse(c, "publish refused", ret, caller);
		return ret;
	}
	wake_up_all(&conduit_waitq);
	return 0;
}

/**
 * conduit_publish() - report that a conduit is final
 * @id: the conduit
 * @status: 0 if the path to firmware is usable, or a negative errno saying
 *	why it never will be; consumers get it unchanged
 *
 * Only the built-in gatekeeper of @id calls this, once, during initcalls;
 * it is not exported, a module cannot be a gatekeeper. Waiters are woken,
 * and the registered callbacks run from a work item, in registration order.
 * The devices that deferred their probe on @id are probed again from another.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL for a bad @id or @status; -ENODEV if @id has no
 * built-in gatekeeper; -EALREADY if @id is already final (published, or
 * failed at the end of initcalls). Each error prints a warning naming the
 * caller.
 */
int conduit_publish(enum conduit_id id, int status)
{
	if ((unsigned int)id >= CONDUIT_NR)
		return __conduit_bad_id(id);
	return conduit_publish_one(&conduits[id], status,
				   __builtin_return_address(0));
}

/*
 * Can only the current task end the wait? Exact before the scheduler runs;
 * on the boot path with no re-probe running, a heuristic that holds for both
 * gatekeepers in the tree (only a later initcall of this task publishes).
 */
static bool conduit_wait_cannot_end(void)
{
	if (system_state == SYSTEM_BOOTING)
		return true;
	return !READ_ONCE(conduit_reprobing) && conduit_boot_path();
}

/* Refuse a wait that cannot end; only a wait before the scheduler warns. */
static int conduit_refuse_wait(struct conduit *c, const void *caller)
{
	if (system_state == SYSTEM_BOOTING)
		conduit_misuse(c, "wait before the scheduler runs", -EDEADLK,
			       caller);
	else
		pr_debug("%s: boot-path wait refused (caller %pS)\n", c->name,
			 caller);
	return -EDEADLK;
}

/*
 * __wait_for_conduit() on @c. While a re-probe runs, lockdep sees the wait
 * as flush_work() shows one: a re-probed driver waiting for a conduit that
 * only another deferred device could publish gets a report, not a hang.
 */
VISIBLE_IF_KUNIT int conduit_wait_one(struct conduit *c, const void *caller)
{
	struct wait_queue_entry wq_entry;
	int word;

	might_sleep();
	/* Pairs with smp_store_release() in conduit_settle(). */
	word = smp_load_acquire(c->word);
	if (word <= 0)
		return word;
	if (conduit_wait_cannot_end())
		return conduit_refuse_wait(c, caller);
	if (READ_ONCE(conduit_reprobing)) {
		lock_map_acquire(&conduit_reprobe_map);
		lock_map_release(&conduit_reprobe_map);
	}

	trace_conduit_wait_begin(c->name);
	atomic_inc(&c->nr_waiters);
	init_wait_entry(&wq_entry, 0);
	for (;;) {
		prepare_to_wait_event(&conduit_waitq, &wq_entry,
				      TASK_UNINTERRUPTIBLE);
		/* Ordered after the enqueue; see the top comment. */
		word = smp_load_acquire(c->word);
		if (word <= 0)
			break;
		/* A re-probe ended and left the conduit pending. */
		if (conduit_wait_cannot_end()) {
			word = -EDEADLK;
			break;
		}
		schedule();
	}
	finish_wait(&conduit_waitq, &wq_entry);
	atomic_dec(&c->nr_waiters);
	trace_conduit_wait_end(c->name, word);
	return word == -EDEADLK ? conduit_refuse_wait(c, caller) : word;
}

/**
 * __wait_for_conduit() - slow path of wait_for_conduit()
 * @id: the conduit
 *
 * Context: process context, may sleep.
 * Return: as wait_for_conduit().
 */
int __wait_for_conduit(enum conduit_id id)
{
	if ((unsigned int)id >= CONDUIT_NR)
		return __conduit_bad_id(id);
	return conduit_wait_one(&conduits[id], __builtin_return_address(0));
}

/* A conduit's run_work: run its queued callbacks, oldest first. */
static void conduit_run_fn(struct work_struct *work)
{
	struct conduit *c = container_of(work, struct conduit, run_work);
	struct conduit_ready_block *crb;
	int status;

	for (;;) {
		mutex_lock(&conduit_lock);
		crb = list_first_entry_or_null(&c->blocks,
					       struct conduit_ready_block, node);
		if (crb)
			list_del_init(&crb->node);
		mutex_unlock(&conduit_lock);
		if (!crb)
			return;
		status = READ_ONCE(*c->word);
		pr_debug("%s: running %ps from the work item, status %d\n",
			 c->name, crb->ready, status);
		trace_conduit_callback(c->name, crb->ready, status, false);
		crb->ready(crb, status);
	}
}

/* conduit_ready_register() on @c. */
VISIBLE_IF_KUNIT int conduit_register_one(struct conduit *c,
					  struct conduit_ready_block *crb,
					  const void *caller)
{
	int word;

	might_sleep();
	if (!crb || !crb->ready) {
		conduit_misuse(c, "block without a callback", -EINVAL, caller);
		return -EINVAL;
	}

	mutex_lock(&conduit_lock);
	/* A fresh block has a zero node; a used one never has again. */
	if (crb->node.next) {
		mutex_unlock(&conduit_lock);
		conduit_misuse(c, "block registered twice", -EEXIST, caller);
		return -EEXIST;
	}
	word = READ_ONCE(*c->word);
	if (word > 0) {
		list_add_tail(&crb->node, &c->blocks);
		mutex_unlock(&conduit_lock);
		return 0;
	}
	INIT_LIST_HEAD(&crb->node);
	mutex_unlock(&conduit_lock);
	trace_conduit_callback(c->name, crb->ready, word, true);
	crb->ready(crb, word);
	return 0;
}

/**
 * conduit_ready_register() - run a callback once a conduit is final
 * @id: the conduit
 * @crb: the block, with @crb->ready set; see struct conduit_ready_block
 *
 * If @id is already final (ready or failed), @crb->ready runs at once in
 * the caller's context, as cpuhp_setup_state() does for CPUs that are
 * already online. Otherwise it runs from a work item once @id is final,
 * after the blocks registered earlier, and before the end of initcalls
 * returns. Either way it runs exactly once, with the status.
 *
 * Context: process context, may sleep.
 * Return: 0 on success; -EINVAL for a bad @id, a NULL @crb or a NULL
 * @crb->ready; -EEXIST if @crb was registered before. Each error prints a
 * warning naming the caller.
 */
int conduit_ready_register(enum conduit_id id, struct conduit_ready_block *crb)
{
	if ((unsigned int)id >= CONDUIT_NR)
		return __conduit_bad_id(id);
	return conduit_register_one(&conduits[id], crb,
				    __builtin_return_address(0));
}

/* A device whose probe deferred on a conduit. */
struct conduit_dev {
	struct list_head node;
	struct device *dev;
};

/*
 * Probe again the devices that deferred on a final conduit, then those that
 * deferred on them (a TPM on the partition the FF-A core registers) with
 * driver_deferred_probe_flush(), which works before late_initcall. Over when
 * neither has anything left.
 */
static void conduit_reprobe_fn(struct work_struct *work)
{
	struct conduit_dev *cd;
	bool done = false;

	lock_map_acquire(&conduit_reprobe_map);
	do {
		mutex_lock(&conduit_lock);
		cd = list_first_entry_or_null(&conduit_reprobe_list,
					      struct conduit_dev, node);
		if (cd)
			list_del(&cd->node);
		mutex_unlock(&conduit_lock);
		if (cd) {
			dev_dbg(cd->dev, "probing again, its firmware conduit is final\n");
			driver_deferred_probe_retry(cd->dev);
			put_device(cd->dev);
			kfree(cd);
			continue;
		}
		driver_deferred_probe_flush();

		mutex_lock(&conduit_lock);
		done = list_empty(&conduit_reprobe_list);
		if (done)
			WRITE_ONCE(conduit_reprobing, false);
		mutex_unlock(&conduit_lock);
	} while (cd || !done);
	lock_map_release(&conduit_reprobe_map);
	/* The barrier before the late initcalls, and boot-path waiters, look again. */
	wake_up_all(&conduit_waitq);
}

/* conduit_ready_or_defer() on @c. */
VISIBLE_IF_KUNIT int conduit_defer_one(struct conduit *c, struct device *dev)
{
	struct conduit_dev *cd, *pos;
	/* Pairs with smp_store_release() in conduit_settle(). */
	int word = smp_load_acquire(c->word);

	if (word <= 0)
		return word;

	cd = kmalloc_obj(*cd);
	mutex_lock(&conduit_lock);
	word = READ_ONCE(*c->word);
	if (word <= 0) {
		mutex_unlock(&conduit_lock);
		kfree(cd);
		return word;
	}
	list_for_each_entry(pos, &c->devices, node) {
		if (pos->dev == dev) {
			kfree(cd);
			cd = NULL;
			break;
		}
	}
	if (cd) {
		cd->dev = get_device(dev);
		list_add_tail(&cd->node, &c->devices);
	}
	mutex_unlock(&conduit_lock);
	return dev_err_probe(dev, -EPROBE_DEFER,
			     "waiting for firmware conduit %s\n", c->name);
}

/**
 * conduit_ready_or_defer() - probe helper for device consumers
 * @dev: the device being probed
 * @id: the conduit
 *
 * While @id is pending, records @dev and returns -EPROBE_DEFER. When @id
 * becomes final, the core probes every recorded device again from a work
 * item, at once, even before late_initcall, when deferred probing is not
 * running yet. Out of memory, @dev is not recorded and deferred probing
 * retries it at late_initcall, as for any deferred device.
 *
 * Context: process context (a probe routine), may sleep.
 * Return: 0 if @id is ready, -EPROBE_DEFER while it is pending, the status
 * it failed with, -EINVAL for a bad @id or a NULL @dev.
 */
int conduit_ready_or_defer(struct device *dev, enum conduit_id id)
{
	if ((unsigned int)id >= CONDUIT_NR)
		return __conduit_bad_id(id);
	if (!dev) {
		conduit_misuse(&conduits[id], "no device", -EINVAL,
			       __builtin_return_address(0));
		return -EINVAL;
	}
	return conduit_defer_one(&conduits[id], dev);
}
EXPORT_SYMBOL_GPL(conduit_ready_or_defer);

/* Fail @c with -ENOLINK if it is still pending. */
VISIBLE_IF_KUNIT void conduit_expire(struct conduit *c)
{
	bool expired = false;

	mutex_lock(&conduit_lock);
	if (READ_ONCE(*c->word) == CONDUIT_PENDING) {
		conduit_settle(c, -ENOLINK);
		expired = true;
	}
	mutex_unlock(&conduit_lock);
	if (!expired)
		return;
	pr_warn("%s: its gatekeeper did not publish by the end of initcalls; failing it with -ENOLINK\n",
		c->name);
	trace_conduit_publish(c->name, -ENOLINK, 0);
	wake_up_all(&conduit_waitq);
}

/* Wait up to @ms for the re-probes to end; false if they still run. */
VISIBLE_IF_KUNIT bool conduit_reprobe_wait(unsigned int ms)
{
	if (!READ_ONCE(conduit_reprobing))
		return true;
	/* Like flush_work(): lockdep sees what the caller waits for. */
	lock_map_acquire(&conduit_reprobe_map);
	lock_map_release(&conduit_reprobe_map);
	return wait_event_timeout(conduit_waitq, !READ_ONCE(conduit_reprobing),
				  msecs_to_jiffies(ms)) > 0;
}

/**
 * conduit_initcalls_begin() - make ready the conduits not gated on this boot
 *
 * Called from do_initcalls() before the first level, when the CPU
 * capabilities are final and each gatekeeper can say whether it publishes.
 */
void __init conduit_initcalls_begin(void)
{
	struct conduit *c;

	for (c = conduits; c < conduits + CONDUIT_NR; c++) {
		if (!c->gated || c->gated())
			continue;
		mutex_lock(&conduit_lock);
		conduit_settle(c, 0);
		mutex_unlock(&conduit_lock);
		trace_conduit_publish(c->name, 0, 0);
	}
}

/*
 * How long the late initcalls wait for re-probes (default argued in the
 * docs); when it runs out the re-probes go on and no conduit changes.
 */
static unsigned int settle_ms = 1000;
module_param(settle_ms, uint, 0444);
MODULE_PARM_DESC(settle_ms, "How long the late initcalls wait for re-probes (ms)");

/*
 * Wait for the async probes, for conduit_before_late_initcalls(), which
 * bounds the wait. Queued on the init task's CPU: an unbound worker may sit
 * on a CPU that is stalled in firmware.
 */
static void conduit_async_fn(struct work_struct *work)
{
	async_synchronize_full();
	complete_all(&conduit_async_done);
}

/*
 * Wait up to @left jiffies for the async probes to end; the jiffies left, 0
 * if they still run. Once done, later calls return at once: the boot calls
 * it once, the KUnit suite once after boot.
 */
VISIBLE_IF_KUNIT unsigned long conduit_async_wait(unsigned long left)
{
	queue_work(system_percpu_wq, &conduit_async_work);
	return wait_for_completion_timeout(&conduit_async_done, left);
}

/* Is any conduit still pending? */
static bool conduit_any_pending(void)
{
	struct conduit *c;

	for (c = conduits; c < conduits + CONDUIT_NR; c++)
		if (READ_ONCE(*c->word) == CONDUIT_PENDING)
			return true;
	return false;
}

/**
 * conduit_before_late_initcalls() - let re-probes finish before late_initcall
 *
 * Called from do_initcalls() before the late level, so that the late
 * initcalls find the devices that re-probes bring up. The whole wait is
 * bounded by conduit.settle_ms.
 */
void __init conduit_before_late_initcalls(void)
{
	unsigned long left = msecs_to_jiffies(settle_ms);

	/*
	 * A gatekeeper probed asynchronously (driver_async_probe=) is not on
	 * the re-probe list: while a conduit is pending, let async probes end.
	 */
	if (conduit_any_pending())
		left = conduit_async_wait(left);
	if (!left || !conduit_reprobe_wait(jiffies_to_msecs(left)))
		pr_warn("re-probing deferred devices still runs after %u ms; late initcalls go on without it\n",
			settle_ms);
}

/**
 * conduit_initcalls_end() - fail what is pending, run what is queued
 *
 * Called from do_initcalls() after the last level: every conduit still
 * pending fails with -ENOLINK, and every queued callback has returned
 * before this does, so before free_initmem().
 */
void __init conduit_initcalls_end(void)
{
	struct conduit *c;

	WRITE_ONCE(conduit_initcalls_done, true);
	for (c = conduits; c < conduits + CONDUIT_NR; c++)
		conduit_expire(c);
	for (c = conduits; c < conduits + CONDUIT_NR; c++)
		flush_work(&c->run_work);
}
