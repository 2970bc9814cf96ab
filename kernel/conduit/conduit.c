// SPDX-License-Identifier: GPL-2.0
/*
 * Firmware conduit readiness.
 *
 * A gatekeeper (a hypervisor that traps SMCs, a firmware interface driver)
 * claims a conduit early in boot and publishes it once the path to firmware
 * is final. Consumers sleep in wait_for_conduit() or register a callback with
 * conduit_ready_register(); a conduit nobody claimed is ready, so systems
 * without a gatekeeper see no change.
 *
 * State and memory ordering
 * -------------------------
 *
 * Each conduit is one int, __conduit_word[id]:
 *
 *   CONDUIT_UNCLAIMED --claim--> CONDUIT_PENDING --publish--> status <= 0
 *          |
 *          +--first observation (status, wait, register)--> 0
 *
 * Only the two transitions out of CONDUIT_UNCLAIMED race with each other,
 * and both are done with cmpxchg(), so exactly one of them wins: either the
 * claim comes first and every observer sees a pending conduit, or an
 * observer comes first, the conduit is ready for good and the claim is
 * refused. The publish transition is made under conduit_lock by the one
 * claimant.
 *
 * The publisher makes its path to firmware usable with ordinary stores and
 * then stores the status with smp_store_release(). Readers load the word
 * with smp_load_acquire(); a reader that sees a status <= 0 therefore also
 * sees everything the publisher did before publishing. That is why the fast
 * path in <linux/conduit.h> needs no lock and no atomic read-modify-write.
 *
 * A sleeping waiter must not miss the publish. It queues itself on
 * conduit_waitq with prepare_to_wait_event(), which takes the wait queue
 * lock and sets the task state with a full barrier, and only then loads the
 * word again. The publisher stores the word before calling wake_up_all(),
 * which takes the same lock. Either the waiter was queued before the
 * publisher took the lock, and is woken, or it queued itself after the
 * publisher released the lock, and its load is ordered after the store:
 *
 *   waiter                                publisher
 *   prepare_to_wait_event()               smp_store_release(word, status)
 *     lock; enqueue; unlock               wake_up_all()
 *     set_current_state()  (mb)             lock; wake queued tasks; unlock
 *   smp_load_acquire(word)
 *   schedule() unless published
 *
 * Callback blocks live on conduit_blocks, ordered by priority, and change
 * state only under conduit_lock. Registration reads the word under the same
 * lock, so a block is either queued before the publish and taken off the
 * queue by the publisher, or it sees the status and runs at once: never
 * both, never neither. Callbacks run without the lock held, so they may
 * register blocks and publish other conduits.
 */

#define pr_fmt(fmt) "conduit: " fmt

#include <linux/bitops.h>
#include <linux/conduit.h>
#include <linux/device/driver.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/wait.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "internal.h"

#define CREATE_TRACE_POINTS
#include <trace/events/conduit.h>

int __conduit_word[CONDUIT_NR] = {
	[0 ... CONDUIT_NR - 1] = CONDUIT_UNCLAIMED,
};
EXPORT_SYMBOL_GPL(__conduit_word);

const char * const conduit_names[CONDUIT_NR] = {
	[CONDUIT_HOST_SMC]	= "host-smc",
	[CONDUIT_FFA]		= "ffa",
#if IS_ENABLED(CONFIG_FIRMWARE_CONDUIT_KUNIT_TEST)
	[CONDUIT_TEST_A]	= "test-a",
	[CONDUIT_TEST_B]	= "test-b",
#endif
};

struct conduit conduits[CONDUIT_NR];
EXPORT_SYMBOL_IF_KUNIT(conduits);
LIST_HEAD(conduit_blocks);
/* Protects conduit_blocks, the state of every block and the claimants. */
DEFINE_MUTEX(conduit_lock);

/* Waiters of every conduit, and unregister() waiting for a callback. */
static DECLARE_WAIT_QUEUE_HEAD(conduit_waitq);
static bool conduit_initcalls_done;
VISIBLE_IF_KUNIT unsigned long conduit_warned;
EXPORT_SYMBOL_IF_KUNIT(conduit_warned);
VISIBLE_IF_KUNIT unsigned int conduit_nr_warnings;
EXPORT_SYMBOL_IF_KUNIT(conduit_nr_warnings);

/* What each kind of misuse is, by its bit in conduit_warned. */
static const char * const conduit_misuse_what[] = {
	[CONDUIT_WARN_LATE_CLAIM] =
		"claim refused, a consumer was already told it is ready",
	[CONDUIT_WARN_REPUBLISH] =
		"publish refused, the conduit is already published",
	[CONDUIT_WARN_UNCLAIMED] =
		"publish refused, the conduit was never claimed",
	[CONDUIT_WARN_DEADLOCK] =
		"init task waits during initcalls for a conduit a later initcall publishes; -EDEADLK",
};

/*
 * Each kind of misuse is reported once, naming the first offender. Not
 * WARN(): the bug is in the caller's boot ordering, and the caller is named.
 */
static noinline void conduit_misuse(unsigned int bit, enum conduit_id id,
				    const void *caller)
{
	if (test_and_set_bit(bit, &conduit_warned))
		return;
	conduit_nr_warnings++;
	pr_warn("conduit %s: %s (caller %pS)\n", conduit_names[id],
		conduit_misuse_what[bit], caller);
}

static bool conduit_valid(enum conduit_id id)
{
	return (unsigned int)id < CONDUIT_NR;
}

/*
 * Read the word of a valid conduit for a consumer. An unclaimed conduit is
 * sealed ready here, so that a late claim cannot take back what a consumer
 * has already been told. Out of line, like the other slow paths, to keep the
 * core small.
 */
static noinline int conduit_observe(enum conduit_id id)
{
	/* Pairs with smp_store_release() in conduit_settle(). */
	int word = smp_load_acquire(&__conduit_word[id]);

	if (word == CONDUIT_UNCLAIMED) {
		word = cmpxchg(&__conduit_word[id], CONDUIT_UNCLAIMED, 0);
		if (word == CONDUIT_UNCLAIMED)
			word = 0;
	}
	return word;
}

/**
 * conduit_claim() - announce that a conduit is not final yet
 * @id: the conduit
 *
 * A gatekeeper calls this before any consumer can look at @id: from an
 * early_param() handler or an early initcall. Until the gatekeeper calls
 * conduit_publish(), consumers see the conduit as pending. A claimed conduit
 * must be published before late_initcall_sync(); otherwise it is failed with
 * -ETIMEDOUT when initcalls finish.
 *
 * Context: process context, may sleep.
 * Return: 0 on success; -EINVAL for a bad @id; -EBUSY if @id was already
 * claimed; -EALREADY if a consumer has already observed the unclaimed
 * conduit and was told it is ready, in which case a warning naming the
 * caller is printed once.
 */
int conduit_claim(enum conduit_id id)
{
	const void *caller = __builtin_return_address(0);
	int ret = 0;

	if (!conduit_valid(id))
		return -EINVAL;

	mutex_lock(&conduit_lock);
	if (conduits[id].claimant)
		ret = -EBUSY;
	else if (cmpxchg(&__conduit_word[id], CONDUIT_UNCLAIMED,
			 CONDUIT_PENDING) != CONDUIT_UNCLAIMED)
		ret = -EALREADY;
	else
		conduits[id].claimant = caller;
	mutex_unlock(&conduit_lock);

	trace_conduit_claim(id, ret, caller);
	if (ret == -EALREADY)
		conduit_misuse(CONDUIT_WARN_LATE_CLAIM, id, caller);
	return ret;
}
EXPORT_SYMBOL_GPL(conduit_claim);

/* Run one callback whose block the caller has marked running. */
static noinline void conduit_run(struct conduit_ready_block *crb,
				 int status, bool replay)
{
	trace_conduit_callback(crb->id, crb->ready, status, replay);
	crb->ready(crb, status);

	mutex_lock(&conduit_lock);
	WRITE_ONCE(crb->state, CONDUIT_CRB_DONE);
	mutex_unlock(&conduit_lock);
	wake_up_all(&conduit_waitq);
}

/* Under conduit_lock: store the status of a pending conduit. */
static void conduit_settle(enum conduit_id id, int status)
{
	/* Only the debugfs file shows it. */
	if (IS_ENABLED(CONFIG_DEBUG_FS))
		conduits[id].published_ns = ktime_get_boottime_ns();
	/* Pairs with smp_load_acquire() in the readers; see the top comment. */
	smp_store_release(&__conduit_word[id], status);
}

/*
 * After conduit_settle(): wake the waiters, then run the queued callbacks in
 * priority order, then let deferred probing try again.
 */
static void conduit_complete(enum conduit_id id, int status)
{
	struct conduit_ready_block *crb;

	wake_up_all(&conduit_waitq);

	for (;;) {
		struct conduit_ready_block *next = NULL;

		mutex_lock(&conduit_lock);
		list_for_each_entry(crb, &conduit_blocks, node) {
			if (crb->id == id) {
				next = crb;
				list_del(&crb->node);
				WRITE_ONCE(crb->state, CONDUIT_CRB_RUNNING);
				break;
			}
		}
		mutex_unlock(&conduit_lock);
		if (!next)
			break;
		conduit_run(next, status, false);
	}

	driver_deferred_probe_trigger();
}

/**
 * conduit_publish() - report that a claimed conduit is final
 * @id: the conduit
 * @status: 0 if the path to firmware is usable, or a negative errno saying
 *	why it never will be
 *
 * Only the claimant publishes, exactly once. Waiters are woken first, then
 * the registered callbacks run in this context, highest priority first,
 * then deferred probing is triggered again. Callbacks may publish other
 * conduits, so publishing one conduit can complete a chain of them.
 *
 * Context: process context, may sleep; must not hold locks a callback takes.
 * Return: 0 on success; -EINVAL for a bad @id or a @status that is neither 0
 * nor a negative errno; -EPERM if @id was never claimed; -EALREADY if it was
 * already published. The last two print a warning naming the caller once.
 */
int conduit_publish(enum conduit_id id, int status)
{
	const void *caller = __builtin_return_address(0);
	int ret = 0;

	might_sleep();
	if (!conduit_valid(id) || status > 0 || status < -MAX_ERRNO)
		return -EINVAL;

	mutex_lock(&conduit_lock);
	if (!conduits[id].claimant)
		ret = -EPERM;
	else if (__conduit_word[id] != CONDUIT_PENDING)
		ret = -EALREADY;
	else
		conduit_settle(id, status);
	mutex_unlock(&conduit_lock);

	trace_conduit_publish(id, status, ret);
	if (ret) {
		conduit_misuse(ret == -EPERM ? CONDUIT_WARN_UNCLAIMED :
			       CONDUIT_WARN_REPUBLISH, id, caller);
		return ret;
	}

	conduit_complete(id, status);
	return 0;
}
EXPORT_SYMBOL_GPL(conduit_publish);

/**
 * __conduit_status() - slow path of conduit_status()
 * @id: the conduit
 *
 * Return: as conduit_status().
 */
int __conduit_status(enum conduit_id id)
{
	int word;

	if (!conduit_valid(id))
		return -EINVAL;
	word = conduit_observe(id);
	return word > 0 ? -EAGAIN : word;
}
EXPORT_SYMBOL_GPL(__conduit_status);

/*
 * Would a wait by the current task block the boot forever? Initcalls run
 * one after the other in the init task, so while they run, a conduit that
 * is still pending can only be published by an initcall that comes later.
 */
VISIBLE_IF_KUNIT bool conduit_wait_blocks_boot(void)
{
	KUNIT_STATIC_STUB_REDIRECT(conduit_wait_blocks_boot);

	return is_global_init(current) && !READ_ONCE(conduit_initcalls_done);
}
EXPORT_SYMBOL_IF_KUNIT(conduit_wait_blocks_boot);

/**
 * __wait_for_conduit() - slow path of wait_for_conduit() and its variants
 * @id: the conduit
 * @task_state: TASK_UNINTERRUPTIBLE or TASK_KILLABLE
 * @timeout: the limit in jiffies, or MAX_SCHEDULE_TIMEOUT
 *
 * Context: process context, may sleep.
 * Return: as wait_for_conduit(), -ETIME when @timeout expires, or
 * -ERESTARTSYS when a fatal signal ends a %TASK_KILLABLE wait.
 */
int __wait_for_conduit(enum conduit_id id, unsigned int task_state,
		       long timeout)
{
	struct wait_queue_entry wq_entry;
	int word;

	if (!conduit_valid(id))
		return -EINVAL;
	word = conduit_observe(id);
	if (word <= 0)
		return word;

	if (conduit_wait_blocks_boot()) {
		conduit_misuse(CONDUIT_WARN_DEADLOCK, id,
			       __builtin_return_address(0));
		return -EDEADLK;
	}

	trace_conduit_wait_begin(id);
	atomic_inc(&conduits[id].nr_waiters);
	init_wait_entry(&wq_entry, 0);
	for (;;) {
		long intr = prepare_to_wait_event(&conduit_waitq, &wq_entry,
						  task_state);

		/* Ordered after the enqueue; see the top comment. */
		word = smp_load_acquire(&__conduit_word[id]);
		if (word <= 0)
			break;
		if (intr) {
			word = intr;
			break;
		}
		if (!timeout) {
			word = -ETIME;
			break;
		}
		timeout = schedule_timeout(timeout);
	}
	finish_wait(&conduit_waitq, &wq_entry);
	atomic_dec(&conduits[id].nr_waiters);
	trace_conduit_wait_end(id, word);
	return word;
}
EXPORT_SYMBOL_GPL(__wait_for_conduit);

/**
 * conduit_ready_register() - run a callback once a conduit is published
 * @id: the conduit
 * @crb: the block, with @crb->ready set; see struct conduit_ready_block
 *
 * If @id is already published (or unclaimed, which counts as ready),
 * @crb->ready runs at once in the caller's context, as cpuhp_setup_state()
 * does for CPUs that are already online. Otherwise it runs when @id is
 * published, in the publisher's context, after the blocks of higher
 * priority and after the blocks of equal priority registered earlier.
 * Either way it runs exactly once with the published status.
 *
 * Context: process context, may sleep.
 * Return: 0 on success; -EINVAL for a bad @id, a NULL @crb or a NULL
 * @crb->ready; -EBUSY if @crb is registered and not unregistered since.
 */
int conduit_ready_register(enum conduit_id id, struct conduit_ready_block *crb)
{
	struct conduit_ready_block *pos;
	int word;

	might_sleep();
	if (!conduit_valid(id) || !crb || !crb->ready)
		return -EINVAL;

	mutex_lock(&conduit_lock);
	if (crb->state != CONDUIT_CRB_IDLE) {
		mutex_unlock(&conduit_lock);
		return -EBUSY;
	}
	crb->id = id;
	word = conduit_observe(id);
	if (word <= 0) {
		WRITE_ONCE(crb->state, CONDUIT_CRB_RUNNING);
		mutex_unlock(&conduit_lock);
		conduit_run(crb, word, true);
		return 0;
	}

	/* Behind every block of higher or equal priority. */
	list_for_each_entry(pos, &conduit_blocks, node)
		if (pos->priority < crb->priority)
			break;
	list_add_tail(&crb->node, &pos->node);
	WRITE_ONCE(crb->state, CONDUIT_CRB_QUEUED);
	mutex_unlock(&conduit_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(conduit_ready_register);

/**
 * conduit_ready_unregister() - withdraw a callback
 * @crb: a block passed to conduit_ready_register()
 *
 * If the callback is running, waits until it has returned. Once this
 * returns, the callback does not run and the owner may free @crb. The
 * callback must not unregister its own block.
 *
 * Context: process context, may sleep.
 * Return: 0 if @crb was registered, whether or not its callback has run
 * (so exit paths may unregister unconditionally); -ENOENT if it was not
 * registered; -EINVAL for a NULL @crb.
 */
int conduit_ready_unregister(struct conduit_ready_block *crb)
{
	int ret = 0;

	might_sleep();
	if (!crb)
		return -EINVAL;

	mutex_lock(&conduit_lock);
	while (crb->state == CONDUIT_CRB_RUNNING) {
		mutex_unlock(&conduit_lock);
		wait_event(conduit_waitq,
			   READ_ONCE(crb->state) != CONDUIT_CRB_RUNNING);
		mutex_lock(&conduit_lock);
	}
	if (crb->state == CONDUIT_CRB_IDLE)
		ret = -ENOENT;
	else if (crb->state == CONDUIT_CRB_QUEUED)
		list_del(&crb->node);
	WRITE_ONCE(crb->state, CONDUIT_CRB_IDLE);
	mutex_unlock(&conduit_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(conduit_ready_unregister);

/* Fail @id with -ETIMEDOUT if it is claimed and still pending. */
VISIBLE_IF_KUNIT void conduit_expire(enum conduit_id id)
{
	bool late = false;

	mutex_lock(&conduit_lock);
	if (__conduit_word[id] == CONDUIT_PENDING) {
		conduit_settle(id, -ETIMEDOUT);
		late = true;
	}
	mutex_unlock(&conduit_lock);
	if (!late)
		return;

	pr_warn("conduit %s claimed by %pS not published by the end of initcalls; failing it with -ETIMEDOUT\n",
		conduit_names[id], conduits[id].claimant);
	trace_conduit_publish(id, -ETIMEDOUT, 0);
	conduit_complete(id, -ETIMEDOUT);
}
EXPORT_SYMBOL_IF_KUNIT(conduit_expire);

/*
 * The deadline. Publishers run in initcalls up to late_initcall; after this
 * no initcall is left to publish a conduit, so waiting can only hang.
 */
static int __init conduit_deadline(void)
{
	int id;

	WRITE_ONCE(conduit_initcalls_done, true);
	for (id = 0; id < CONDUIT_NR; id++)
		conduit_expire(id);
	return 0;
}
late_initcall_sync(conduit_deadline);

#if IS_ENABLED(CONFIG_FIRMWARE_CONDUIT_KUNIT_TEST)
/* Return the test conduits to their boot state between KUnit cases. */
VISIBLE_IF_KUNIT void conduit_test_reset(void)
{
	struct conduit_ready_block *crb, *tmp;
	int id;

	mutex_lock(&conduit_lock);
	for (id = CONDUIT_TEST_A; id <= CONDUIT_TEST_B; id++) {
		WRITE_ONCE(__conduit_word[id], CONDUIT_UNCLAIMED);
		conduits[id].claimant = NULL;
		conduits[id].published_ns = 0;
	}
	list_for_each_entry_safe(crb, tmp, &conduit_blocks, node) {
		if (crb->id >= CONDUIT_TEST_A) {
			list_del(&crb->node);
			WRITE_ONCE(crb->state, CONDUIT_CRB_IDLE);
		}
	}
	conduit_warned = 0;
	conduit_nr_warnings = 0;
	mutex_unlock(&conduit_lock);
}
EXPORT_SYMBOL_IF_KUNIT(conduit_test_reset);
#endif
