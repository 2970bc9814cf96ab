// SPDX-License-Identifier: GPL-2.0
/*
 * Firmware conduit readiness.
 *
 * A gatekeeper (a hypervisor that traps SMCs, a firmware interface driver)
 * publishes a conduit once the path to firmware is final. Consumers sleep
 * in wait_for_conduit(), register a callback with conduit_ready_register(),
 * or defer their probe with conduit_ready_or_defer().
 *
 * Fail closed
 * -----------
 *
 * Whether a conduit has a gatekeeper is decided at build time: its word in
 * __conduit_words[] starts as CONDUIT_PENDING when the gatekeeper is built
 * in (CONFIG_FIRMWARE_CONDUIT_GATE_*), and as 0, ready, when it is not. No
 * consumer can therefore be told "ready" before a built-in gatekeeper
 * publishes, whatever the link order or initcall level of either. A modular
 * or absent gatekeeper cannot claim: its conduit is ready from the start,
 * and conduit_claim(), which is not exported, refuses it with -ENODEV.
 *
 * Ownership
 * ---------
 *
 * conduit_claim() hands the one gate of a pending conduit to the calling
 * task; only that task publishes, through the gate. Every gated conduit is
 * final by the end of initcalls (published, or failed with -ENOLINK by the
 * deadline), so a later claim gets -EALREADY and the words never change
 * after initcalls: they are __ro_after_init.
 *
 * State and memory ordering
 * -------------------------
 *
 *   CONDUIT_PENDING --publish by the owner, or the deadline--> status <= 0
 *
 * The only transition is made under conduit_lock, once. The publisher makes
 * its path to firmware usable with ordinary stores and then stores the
 * status with smp_store_release(). Readers load the word with
 * smp_load_acquire(); a reader that sees a status <= 0 therefore also sees
 * everything the publisher did before publishing. That is why the fast path
 * in <linux/conduit.h> needs no lock and no atomic read-modify-write.
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
 * Callback blocks live on their conduit's list, ordered by priority, and
 * change state only under conduit_lock. Registration reads the word under
 * the same lock, so a block is either queued before the publish and taken
 * off the list by the publisher, or it sees the status and runs at once:
 * never both, never neither. Callbacks run without the lock held, so they
 * may register blocks and publish other conduits. Devices that deferred
 * their probe on a conduit are recorded the same way and handed to
 * conduit_reprobe_work when it becomes final.
 *
 * Waits that cannot end
 * ---------------------
 *
 * A wait returns -EDEADLK only when nobody else can ever end it: the waiter
 * holds the conduit's gate itself, or it is the init task during initcalls
 * and the conduit is unclaimed while no re-probe is running (only a later
 * initcall could claim it). Every other wait is shown to lockdep, the way
 * flush_work() shows a wait for a work item: it takes the lockdep map of
 * what will end it. That is the gate map, which the owner holds from the
 * claim to the publish; or, for an unclaimed conduit, the map of the
 * re-probe work while it runs, else the map the init task holds during
 * initcalls. An unregister that waits for a running callback takes the map
 * that the callbacks of that conduit hold while they run.
 */

#define pr_fmt(fmt) "conduit: " fmt

#include <linux/conduit.h>
#include <linux/device.h>
#include <linux/device/driver.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "internal.h"

#define CREATE_TRACE_POINTS
#include <trace/events/conduit.h>

int __conduit_words[CONDUIT_NR] __ro_after_init = {
	[CONDUIT_HOST_SMC] =
		IS_ENABLED(CONFIG_FIRMWARE_CONDUIT_GATE_HOST_SMC) ? CONDUIT_PENDING : 0,
	[CONDUIT_FFA] =
		IS_ENABLED(CONFIG_FIRMWARE_CONDUIT_GATE_FFA) ? CONDUIT_PENDING : 0,
};
EXPORT_SYMBOL_GPL(__conduit_words);

#ifdef CONFIG_LOCKDEP
static struct lock_class_key conduit_gate_keys[CONDUIT_NR];
static struct lock_class_key conduit_cb_keys[CONDUIT_NR];
#endif

struct conduit conduits[CONDUIT_NR] = {
	[CONDUIT_HOST_SMC] = {
		.name = "host-smc",
		.word = &__conduit_words[CONDUIT_HOST_SMC],
		.gated = IS_ENABLED(CONFIG_FIRMWARE_CONDUIT_GATE_HOST_SMC),
		.gate = { .conduit = &conduits[CONDUIT_HOST_SMC] },
		.blocks = LIST_HEAD_INIT(conduits[CONDUIT_HOST_SMC].blocks),
		.devices = LIST_HEAD_INIT(conduits[CONDUIT_HOST_SMC].devices),
#ifdef CONFIG_LOCKDEP
		.gate_map = STATIC_LOCKDEP_MAP_INIT("host-smc-gate",
					&conduit_gate_keys[CONDUIT_HOST_SMC]),
		.cb_map = STATIC_LOCKDEP_MAP_INIT("host-smc-callbacks",
					&conduit_cb_keys[CONDUIT_HOST_SMC]),
#endif
	},
	[CONDUIT_FFA] = {
		.name = "ffa",
		.word = &__conduit_words[CONDUIT_FFA],
		.gated = IS_ENABLED(CONFIG_FIRMWARE_CONDUIT_GATE_FFA),
		.gate = { .conduit = &conduits[CONDUIT_FFA] },
		.blocks = LIST_HEAD_INIT(conduits[CONDUIT_FFA].blocks),
		.devices = LIST_HEAD_INIT(conduits[CONDUIT_FFA].devices),
#ifdef CONFIG_LOCKDEP
		.gate_map = STATIC_LOCKDEP_MAP_INIT("ffa-gate",
					&conduit_gate_keys[CONDUIT_FFA]),
		.cb_map = STATIC_LOCKDEP_MAP_INIT("ffa-callbacks",
					&conduit_cb_keys[CONDUIT_FFA]),
#endif
	},
};
EXPORT_SYMBOL_IF_KUNIT(conduits);

/* Protects the lists, the block states, the owners and the device records. */
DEFINE_MUTEX(conduit_lock);
EXPORT_SYMBOL_IF_KUNIT(conduit_lock);

/* Waiters of every conduit, and unregister() waiting for a callback. */
static DECLARE_WAIT_QUEUE_HEAD(conduit_waitq);
static bool conduit_initcalls_done;

static LIST_HEAD(conduit_reprobe_list);
#if !IS_ENABLED(CONFIG_KUNIT)
static struct work_struct conduit_reprobe_work;
#endif
/* Devices are on conduit_reprobe_list or being probed again. */
static bool conduit_reprobing;

#ifdef CONFIG_LOCKDEP
static struct lock_class_key conduit_initcalls_key, conduit_reprobe_key;
/* Held by the init task while initcalls run. */
static struct lockdep_map conduit_initcalls_map =
	STATIC_LOCKDEP_MAP_INIT("conduit-initcalls", &conduit_initcalls_key);
/* Held by conduit_reprobe_work while it probes devices again. */
static struct lockdep_map conduit_reprobe_map =
	STATIC_LOCKDEP_MAP_INIT("conduit-reprobe", &conduit_reprobe_key);
#else
static struct lockdep_map conduit_initcalls_map __maybe_unused;
static struct lockdep_map conduit_reprobe_map __maybe_unused;
#endif

/* Every misuse, and the warnings printed for them: ratelimited, not once. */
VISIBLE_IF_KUNIT unsigned int conduit_nr_misuse;
EXPORT_SYMBOL_IF_KUNIT(conduit_nr_misuse);
VISIBLE_IF_KUNIT unsigned int conduit_nr_warnings;
EXPORT_SYMBOL_IF_KUNIT(conduit_nr_warnings);
VISIBLE_IF_KUNIT struct ratelimit_state conduit_ratelimit =
	RATELIMIT_STATE_INIT(conduit_ratelimit, CONDUIT_RATELIMIT_INTERVAL,
			     CONDUIT_RATELIMIT_BURST);
EXPORT_SYMBOL_IF_KUNIT(conduit_ratelimit);

/*
 * Name every offender, not only the first: a second driver that gets the
 * rules wrong must be found as easily. Not WARN(): the bug is in the
 * caller's ordering, and the caller is named.
 */
static noinline void conduit_misuse(struct conduit *c, const char *what,
				    int err, const void *caller)
{
	conduit_nr_misuse++;
	if (!__ratelimit(&conduit_ratelimit))
		return;
	conduit_nr_warnings++;
	pr_warn("%s: %s: %d (caller %pS, task %s/%d)\n", c->name, what, err,
		caller, current->comm, task_pid_nr(current));
}

/**
 * __conduit_bad_id() - report an out-of-range conduit ID
 * @id: the ID
 *
 * Out-of-line part of the helpers in <linux/conduit.h>.
 *
 * Return: -EINVAL.
 */
int __conduit_bad_id(enum conduit_id id)
{
	pr_warn_ratelimited("bad conduit ID %d (caller %pS)\n", id,
			    __builtin_return_address(0));
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(__conduit_bad_id);

/**
 * __conduit_might_sleep() - might_sleep() for the inline helpers
 *
 * Out of line so that <linux/conduit.h> does not need <linux/kernel.h>;
 * called only with CONFIG_DEBUG_ATOMIC_SLEEP.
 */
void __conduit_might_sleep(void)
{
	might_sleep();
}
EXPORT_SYMBOL_GPL(__conduit_might_sleep);

static inline int conduit_read(struct conduit *c)
{
	/* Pairs with smp_store_release() in conduit_settle(). */
	return smp_load_acquire(c->word);
}

/*
 * The statuses the API itself returns for conditions of its own; a
 * gatekeeper cannot publish them, so each keeps one meaning.
 */
static bool conduit_status_valid(int status)
{
	switch (status) {
	case -EINVAL:
	case -EAGAIN:
	case -EPROBE_DEFER:
	case -ETIMEDOUT:
	case -ERESTARTSYS:
	case -EDEADLK:
	case -ENOLINK:
		return false;
	}
	return status <= 0 && status >= -MAX_ERRNO;
}

/* Is the current task the init task, running initcalls? */
VISIBLE_IF_KUNIT bool conduit_task_runs_initcalls(void)
{
	KUNIT_STATIC_STUB_REDIRECT(conduit_task_runs_initcalls);

	return is_global_init(current) && !READ_ONCE(conduit_initcalls_done);
}
EXPORT_SYMBOL_IF_KUNIT(conduit_task_runs_initcalls);

VISIBLE_IF_KUNIT struct conduit_gate *conduit_claim_one(struct conduit *c,
							const void *caller)
{
	int ret = 0;

	might_sleep();
	mutex_lock(&conduit_lock);
	if (!c->gated) {
		ret = -ENODEV;
	} else if (READ_ONCE(*c->word) != CONDUIT_PENDING) {
		ret = -EALREADY;
	} else if (c->owner) {
		ret = -EBUSY;
	} else {
		c->owner = current;
		c->claimant = caller;
		c->held = true;
	}
	mutex_unlock(&conduit_lock);

	trace_conduit_claim(c->name, ret, caller);
	if (ret) {
		conduit_misuse(c, "claim refused", ret, caller);
		return ERR_PTR(ret);
	}
	lock_map_acquire(&c->gate_map);
	return &c->gate;
}
EXPORT_SYMBOL_IF_KUNIT(conduit_claim_one);

/**
 * conduit_claim() - become the one publisher of a conduit
 * @id: the conduit
 *
 * Only the built-in gatekeeper of @id calls this, during initcalls, from the
 * task that will publish: the gate belongs to that task. The conduit is
 * pending from the start of boot whether or not it is claimed yet, so there
 * is no hurry to claim; the task that claims should not wait for anything
 * that waits for the conduit. Not exported: a module cannot be a gatekeeper.
 *
 * Context: process context, may sleep.
 * Return: the gate, to pass to conduit_publish(), or an ERR_PTR():
 * -EINVAL for a bad @id; -ENODEV if @id has no built-in gatekeeper (it is
 * ready from the start); -EALREADY if @id is final, as every gated conduit
 * is once initcalls are done; -EBUSY if another task claimed it. Each
 * error prints a warning naming the caller.
 */
struct conduit_gate *conduit_claim(enum conduit_id id)
{
	if ((unsigned int)id >= CONDUIT_NR)
		return ERR_PTR(__conduit_bad_id(id));
	return conduit_claim_one(&conduits[id], __builtin_return_address(0));
}

/* Run one callback whose block the caller has marked running. */
static noinline void conduit_run(struct conduit *c,
				 struct conduit_ready_block *crb,
				 int status, bool replay)
{
	trace_conduit_callback(c->name, crb->ready, status, replay);
	/* Read-recursive: a callback may register on its own conduit. */
	lock_map_acquire_read(&c->cb_map);
	crb->ready(crb, status);
	lock_map_release(&c->cb_map);

	mutex_lock(&conduit_lock);
	crb->runner = NULL;
	WRITE_ONCE(crb->state, CONDUIT_CRB_DONE);
	mutex_unlock(&conduit_lock);
	wake_up_all(&conduit_waitq);
}

/*
 * Under conduit_lock: store the status of a pending conduit, and hand the
 * devices that deferred on it to the re-probe work.
 */
static void conduit_settle(struct conduit *c, int status)
{
	/* Only the debugfs file shows it. */
	if (IS_ENABLED(CONFIG_DEBUG_FS))
		c->published_ns = ktime_get_boottime_ns();
	/* Pairs with smp_load_acquire() in the readers; see the top comment. */
	smp_store_release(c->word, status);

	if (!list_empty(&c->devices)) {
		list_splice_tail_init(&c->devices, &conduit_reprobe_list);
		c->nr_devices = 0;
		WRITE_ONCE(conduit_reprobing, true);
		queue_work(system_dfl_wq, &conduit_reprobe_work);
	}
}

/*
 * After conduit_settle(): wake the waiters, then run the queued callbacks in
 * priority order. The re-probe work is already on its way.
 */
static void conduit_complete(struct conduit *c, int status)
{
	struct conduit_ready_block *crb;

	wake_up_all(&conduit_waitq);

	for (;;) {
		mutex_lock(&conduit_lock);
		crb = list_first_entry_or_null(&c->blocks,
					       struct conduit_ready_block, node);
		if (crb) {
			list_del(&crb->node);
			crb->runner = current;
			WRITE_ONCE(crb->state, CONDUIT_CRB_RUNNING);
		}
		mutex_unlock(&conduit_lock);
		if (!crb)
			break;
		conduit_run(c, crb, status, false);
	}
}

static int conduit_publish_one(struct conduit *c, int status,
			       const void *caller)
{
	bool release = false;
	int ret = 0;

	might_sleep();
	mutex_lock(&conduit_lock);
	if (c->owner != current)
		ret = -EPERM;
	else if (READ_ONCE(*c->word) != CONDUIT_PENDING)
		ret = -EALREADY;
	else if (!conduit_status_valid(status))
		ret = -EINVAL;
	else
		conduit_settle(c, status);
	/* Done with the gate, unless it may still publish a valid status. */
	if (ret != -EPERM && ret != -EINVAL && c->held) {
		c->held = false;
		release = true;
	}
	mutex_unlock(&conduit_lock);

	if (release)
		lock_map_release(&c->gate_map);
	trace_conduit_publish(c->name, status, ret);
	if (ret) {
		conduit_misuse(c, "publish refused", ret, caller);
		return ret;
	}
	conduit_complete(c, status);
	return 0;
}

/**
 * conduit_publish() - report that a conduit is final
 * @gate: the gate conduit_claim() returned
 * @status: 0 if the path to firmware is usable, or a negative errno saying
 *	why it never will be; not one of the codes the API returns itself
 *	(-EINVAL, -EAGAIN, -EPROBE_DEFER, -ETIMEDOUT, -ERESTARTSYS, -EDEADLK,
 *	-ENOLINK)
 *
 * Only the task that claimed the conduit publishes, exactly once. Waiters
 * are woken first, devices that deferred their probe on the conduit are
 * handed to a work item that probes them again at once, then the
 * registered callbacks run in this context, highest priority first.
 * Callbacks may publish other conduits, so one publish can complete a chain
 * of them.
 *
 * Context: process context, may sleep; must not hold locks a callback takes.
 * Return: 0 on success; -EINVAL for a NULL or foreign @gate, or a @status
 * that is not allowed; -EPERM if the caller is not the task that claimed
 * the conduit; -EALREADY if the conduit is already final (the deadline
 * failed it). Every error but a NULL @gate prints a warning naming the
 * caller.
 */
int conduit_publish(struct conduit_gate *gate, int status)
{
	if (!gate || !gate->conduit || &gate->conduit->gate != gate)
		return -EINVAL;
	return conduit_publish_one(gate->conduit, status,
				   __builtin_return_address(0));
}
EXPORT_SYMBOL_GPL(conduit_publish);

/* Can nobody but the current task, which is about to sleep, end the wait? */
static bool conduit_wait_is_deadlock(struct conduit *c)
{
	struct task_struct *owner = READ_ONCE(c->owner);

	if (owner)
		return owner == current;
	return !READ_ONCE(conduit_reprobing) && conduit_task_runs_initcalls();
}

/* Show lockdep what the wait depends on; see the top comment. */
static void conduit_wait_annotate(struct conduit *c)
{
	if (READ_ONCE(c->owner)) {
		lock_map_acquire(&c->gate_map);
		lock_map_release(&c->gate_map);
	} else if (READ_ONCE(conduit_reprobing)) {
		lock_map_acquire(&conduit_reprobe_map);
		lock_map_release(&conduit_reprobe_map);
	} else if (!READ_ONCE(conduit_initcalls_done)) {
		lock_map_acquire(&conduit_initcalls_map);
		lock_map_release(&conduit_initcalls_map);
	}
}

VISIBLE_IF_KUNIT int conduit_wait_one(struct conduit *c, unsigned int flags,
				      unsigned long timeout, const void *caller)
{
	unsigned int state = flags & CONDUIT_WAIT_KILLABLE ? TASK_KILLABLE :
							     TASK_UNINTERRUPTIBLE;
	long left = MAX_SCHEDULE_TIMEOUT;
	struct wait_queue_entry wq_entry;
	int word;

	word = conduit_read(c);
	if (word <= 0)
		return word;
	if (flags & CONDUIT_WAIT_TIMEOUT) {
		if (!timeout)
			return -ETIMEDOUT;
		left = min_t(unsigned long, timeout, MAX_SCHEDULE_TIMEOUT);
	}
	if (conduit_wait_is_deadlock(c))
		goto deadlock;
	conduit_wait_annotate(c);

	trace_conduit_wait_begin(c->name);
	atomic_inc(&c->nr_waiters);
	init_wait_entry(&wq_entry, 0);
	for (;;) {
		long intr = prepare_to_wait_event(&conduit_waitq, &wq_entry,
						  state);

		/* Ordered after the enqueue; see the top comment. */
		word = conduit_read(c);
		if (word <= 0)
			break;
		if (intr) {
			word = intr;
			break;
		}
		/* A re-probe ended and left the conduit unclaimed. */
		if (conduit_wait_is_deadlock(c)) {
			word = -EDEADLK;
			break;
		}
		if (!left) {
			word = -ETIMEDOUT;
			break;
		}
		left = schedule_timeout(left);
	}
	finish_wait(&conduit_waitq, &wq_entry);
	atomic_dec(&c->nr_waiters);
	trace_conduit_wait_end(c->name, word);
	if (word != -EDEADLK)
		return word;
deadlock:
	conduit_misuse(c, "wait can never end", -EDEADLK, caller);
	return -EDEADLK;
}
EXPORT_SYMBOL_IF_KUNIT(conduit_wait_one);

/**
 * __wait_for_conduit() - slow path of wait_for_conduit() and its variants
 * @id: the conduit
 * @flags: CONDUIT_WAIT_KILLABLE, CONDUIT_WAIT_TIMEOUT
 * @timeout: with CONDUIT_WAIT_TIMEOUT, the limit in jiffies
 *
 * Context: process context, may sleep.
 * Return: as wait_for_conduit(), -ETIMEDOUT when @timeout expires, or
 * -ERESTARTSYS when a fatal signal ends a killable wait.
 */
int __wait_for_conduit(enum conduit_id id, unsigned int flags,
		       unsigned long timeout)
{
	if ((unsigned int)id >= CONDUIT_NR)
		return __conduit_bad_id(id);
	return conduit_wait_one(&conduits[id], flags, timeout,
				__builtin_return_address(0));
}
EXPORT_SYMBOL_GPL(__wait_for_conduit);

VISIBLE_IF_KUNIT int conduit_register_one(struct conduit *c,
					  struct conduit_ready_block *crb)
{
	struct conduit_ready_block *pos;
	int word;

	might_sleep();
	if (!crb || !crb->ready)
		return -EINVAL;

	mutex_lock(&conduit_lock);
	if (crb->state != CONDUIT_CRB_IDLE) {
		mutex_unlock(&conduit_lock);
		return -EEXIST;
	}
	crb->conduit = c;
	word = READ_ONCE(*c->word);
	if (word <= 0) {
		crb->runner = current;
		WRITE_ONCE(crb->state, CONDUIT_CRB_RUNNING);
		mutex_unlock(&conduit_lock);
		conduit_run(c, crb, word, true);
		return 0;
	}

	/* Behind every block of higher or equal priority. */
	list_for_each_entry(pos, &c->blocks, node)
		if (pos->priority < crb->priority)
			break;
	list_add_tail(&crb->node, &pos->node);
	WRITE_ONCE(crb->state, CONDUIT_CRB_QUEUED);
	mutex_unlock(&conduit_lock);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(conduit_register_one);

/**
 * conduit_ready_register() - run a callback once a conduit is final
 * @id: the conduit
 * @crb: the block, with @crb->ready set; see struct conduit_ready_block
 *
 * If @id is already final (ready or failed), @crb->ready runs at once in the
 * caller's context, as cpuhp_setup_state() does for CPUs that are already
 * online. Otherwise it runs when @id is published, in the publisher's
 * context, after the blocks of higher priority and after the blocks of
 * equal priority registered earlier. Either way it runs exactly once with
 * the status.
 *
 * Context: process context, may sleep.
 * Return: 0 on success; -EINVAL for a bad @id, a NULL @crb or a NULL
 * @crb->ready; -EEXIST if @crb is registered and not unregistered since.
 */
int conduit_ready_register(enum conduit_id id, struct conduit_ready_block *crb)
{
	if ((unsigned int)id >= CONDUIT_NR)
		return __conduit_bad_id(id);
	return conduit_register_one(&conduits[id], crb);
}
EXPORT_SYMBOL_GPL(conduit_ready_register);

/**
 * conduit_ready_unregister() - withdraw a callback
 * @crb: a block passed to conduit_ready_register()
 *
 * If the callback is running in another task, waits until it has returned;
 * lockdep sees that wait. Once this returns, the callback does not run and
 * the owner may free @crb.
 *
 * Context: process context, may sleep.
 * Return: 0 if @crb was registered, whether or not its callback has run
 * (so exit paths may unregister unconditionally); -ENOENT if it was not
 * registered; -EINVAL for a NULL @crb; -EDEADLK, with a warning, when
 * called from @crb's own callback, which would wait for itself.
 */
int conduit_ready_unregister(struct conduit_ready_block *crb)
{
	struct conduit *c;
	int ret = 0;

	might_sleep();
	if (!crb)
		return -EINVAL;

	mutex_lock(&conduit_lock);
	while (crb->state == CONDUIT_CRB_RUNNING) {
		c = crb->conduit;
		if (crb->runner == current) {
			mutex_unlock(&conduit_lock);
			conduit_misuse(c, "callback unregisters its own block",
				       -EDEADLK, __builtin_return_address(0));
			return -EDEADLK;
		}
		mutex_unlock(&conduit_lock);
		lock_map_acquire(&c->cb_map);
		lock_map_release(&c->cb_map);
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

/*
 * Probe the devices that deferred on a conduit that is now final, then the
 * devices that deferred on those (a TPM driver on the partition driver that
 * the re-probed FF-A core registers): driver_deferred_probe_flush() retries
 * the deferred list until a pass binds nothing, which works before
 * late_initcall. Only when neither has anything left is the re-probe over.
 */
static void conduit_reprobe_fn(struct work_struct *work)
{
	struct conduit_dev *cd;
	unsigned int passes;
	ktime_t start;
	bool done;

	lock_map_acquire(&conduit_reprobe_map);
	for (;;) {
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

		start = ktime_get();
		passes = driver_deferred_probe_flush();
		pr_debug("dependents probed again: %u passes in %lld us\n",
			 passes, ktime_us_delta(ktime_get(), start));

		mutex_lock(&conduit_lock);
		done = list_empty(&conduit_reprobe_list);
		if (done)
			WRITE_ONCE(conduit_reprobing, false);
		mutex_unlock(&conduit_lock);
		if (done)
			break;
	}
	lock_map_release(&conduit_reprobe_map);
	/* Waiters on conduits still unclaimed look again; see the top comment. */
	wake_up_all(&conduit_waitq);
}

VISIBLE_IF_KUNIT struct work_struct conduit_reprobe_work =
	__WORK_INITIALIZER(conduit_reprobe_work, conduit_reprobe_fn);
EXPORT_SYMBOL_IF_KUNIT(conduit_reprobe_work);

VISIBLE_IF_KUNIT int conduit_defer_one(struct conduit *c, struct device *dev)
{
	struct conduit_dev *cd, *pos;
	int word = conduit_read(c);

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
	/* Out of memory: deferred probing still retries it at late_initcall. */
	if (cd) {
		cd->dev = get_device(dev);
		list_add_tail(&cd->node, &c->devices);
		c->nr_devices++;
	}
	mutex_unlock(&conduit_lock);
	return dev_err_probe(dev, -EPROBE_DEFER,
			     "waiting for firmware conduit %s\n", c->name);
}
EXPORT_SYMBOL_IF_KUNIT(conduit_defer_one);

/**
 * conduit_ready_or_defer() - probe helper for device consumers
 * @dev: the device being probed
 * @id: the conduit
 *
 * While @id is pending, records @dev and returns -EPROBE_DEFER. When @id
 * becomes final, the core probes every recorded device again from a work
 * item, at once, even before late_initcall, when deferred probing is not
 * running yet. A probe routine that returns this value on error needs no
 * other code.
 *
 * Context: process context (a probe routine), may sleep.
 * Return: 0 if @id is ready, -EPROBE_DEFER while it is pending, the status
 * it failed with, -EINVAL for a bad @id or a NULL @dev.
 */
int conduit_ready_or_defer(struct device *dev, enum conduit_id id)
{
	if ((unsigned int)id >= CONDUIT_NR)
		return __conduit_bad_id(id);
	if (!dev)
		return -EINVAL;
	return conduit_defer_one(&conduits[id], dev);
}
EXPORT_SYMBOL_GPL(conduit_ready_or_defer);

/* Fail @c with -ENOLINK if it is still pending. */
VISIBLE_IF_KUNIT void conduit_expire(struct conduit *c)
{
	bool late = false, release = false;

	mutex_lock(&conduit_lock);
	if (READ_ONCE(*c->word) == CONDUIT_PENDING) {
		conduit_settle(c, -ENOLINK);
		late = true;
		if (c->held && c->owner == current) {
			c->held = false;
			release = true;
		}
	}
	mutex_unlock(&conduit_lock);
	if (!late)
		return;

	if (release)
		lock_map_release(&c->gate_map);
	if (c->owner)
		pr_warn("%s: claimed by %pS (task %s/%d) but not published by the end of initcalls; failing it with -ENOLINK\n",
			c->name, c->claimant, c->owner->comm,
			task_pid_nr(c->owner));
	else
		pr_warn("%s: its gatekeeper never claimed it by the end of initcalls; failing it with -ENOLINK\n",
			c->name);
	trace_conduit_publish(c->name, -ENOLINK, 0);
	conduit_complete(c, -ENOLINK);
}
EXPORT_SYMBOL_IF_KUNIT(conduit_expire);

/*
 * How long the init task waits at device_initcall_sync for the re-probes
 * that publishes started; a probe that takes longer goes on in the
 * background, and the boot goes on without it.
 */
#define CONDUIT_REPROBE_BARRIER_MS	1000

/*
 * A publish hands the devices that deferred on the conduit to
 * conduit_reprobe_work, so their probes run neither in the publisher's
 * initcall nor under its locks. But late initcalls such as IMA's look for
 * the devices behind a firmware path (a TPM behind FF-A) once, without
 * waiting. So let the re-probes of the publishes made so far finish before
 * the late initcalls start, at the end of device_initcall_sync: this
 * initcall is in kernel/, which links after arch/, where pKVM publishes
 * from. A re-probe that a later publisher starts is not waited for; it
 * still runs as soon as its conduit is final.
 */
static int __init conduit_reprobe_barrier(void)
{
	long left;

	if (!READ_ONCE(conduit_reprobing))
		return 0;

	/* Like flush_work(): lockdep sees what the init task waits for. */
	lock_map_acquire(&conduit_reprobe_map);
	lock_map_release(&conduit_reprobe_map);
	left = wait_event_timeout(conduit_waitq, !READ_ONCE(conduit_reprobing),
				  msecs_to_jiffies(CONDUIT_REPROBE_BARRIER_MS));
	if (!left)
		pr_warn("re-probing deferred devices still runs after %u ms; late initcalls go on without it\n",
			CONDUIT_REPROBE_BARRIER_MS);
	return 0;
}
device_initcall_sync(conduit_reprobe_barrier);

/* From here on, any wait of the init task is on the initcalls to come. */
static int __init conduit_initcalls_begin(void)
{
	lock_map_acquire(&conduit_initcalls_map);
	return 0;
}
early_initcall(conduit_initcalls_begin);

/*
 * The deadline. Gatekeepers publish during initcalls; after this no
 * initcall is left to do it, so waiting could only hang. Every gated
 * conduit is final from here on and its word never changes again.
 */
static int __init conduit_deadline(void)
{
	int id;

	WRITE_ONCE(conduit_initcalls_done, true);
	for (id = 0; id < CONDUIT_NR; id++)
		conduit_expire(&conduits[id]);
	lock_map_release(&conduit_initcalls_map);
	return 0;
}
late_initcall_sync(conduit_deadline);
