// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the firmware conduit readiness core.
 *
 * The cases drive the core's internals (internal.h) on conduits of their
 * own, set up afresh for every case: two gated ones, pending until the case
 * publishes them, and one without a gatekeeper. The real conduits are final
 * by the time the suite runs, after the initcalls; the cases only read them
 * and make calls that the core refuses.
 *
 * Nothing here sleeps for a fixed time to let something happen. Waiters,
 * publishers and registrants run in kthreads, and a case waits for them on
 * completions, on flush_work(), or by polling a condition; TEST_TIMEOUT only
 * bounds a failure. A case that needs a task asleep in wait_for_conduit()
 * polls the conduit's waiter count and then wait_task_inactive().
 *
 * The exit of every case fails what a case left pending and in use with
 * -ENOLINK, as the end of initcalls would, and waits for the callbacks and
 * the re-probe that this starts.
 *
 * The suite firmware_conduit_lockdep, at the end, provokes a real lockdep
 * report and turns lockdep off; it is built only with
 * CONFIG_FIRMWARE_CONDUIT_KUNIT_LOCKDEP_TEST, never by KUNIT_ALL_TESTS.
 */

#include <kunit/device.h>
#include <kunit/platform_device.h>
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/conduit.h>
#include <linux/debug_locks.h>
#include <linux/device.h>
#include <linux/errno.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kref.h>
#include <linux/kthread.h>
#include <linux/lockdep.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uio.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>
#include <trace/events/conduit.h>

#include "internal.h"

/* Bounds a failure only: every wait that succeeds ends on a condition. */
#define TEST_TIMEOUT		(10 * HZ)
#define TEST_TIMEOUT_MS		10000
#define LOG_MAX			32

static bool test_gated(void)
{
	return true;
}

static int test_words[3];
static struct conduit test_a = {
	.name = "test-a", .gated = test_gated, .word = &test_words[0],
};

static struct conduit test_b = {
	.name = "test-b", .gated = test_gated, .word = &test_words[1],
};

static struct conduit test_u = {
	.name = "test-u", .word = &test_words[2],
};

#define A (&test_a)
#define B (&test_b)
#define U (&test_u)

static struct conduit *const test_conduits[] = { A, B, U };

/* Misuse counted since the case started. */
static int misuse_base;

/* The caller the core names when it refuses a call. */
#define HERE	((const void *)_THIS_IP_)

static int misuse(void)
{
	return atomic_read(&conduit_nr_misuse) - misuse_base;
}

static int word_of(struct conduit *c)
{
	/* Pairs with the publisher's release store. */
	return smp_load_acquire(c->word);
}

/* Poll until @cond holds; TEST_TIMEOUT only bounds a failure. */
#define poll_until(cond)						\
({									\
	unsigned long __end = jiffies + TEST_TIMEOUT;			\
	bool __met;							\
									\
	while (!(__met = (cond)) && time_before(jiffies, __end))	\
		cond_resched();						\
	__met;								\
})

/* Is @t asleep in a wait on @c (one of at least @n waiters)? */
static bool asleep_on(struct conduit *c, int n, struct task_struct *t)
{
	return atomic_read(&c->nr_waiters) >= n &&
	       wait_task_inactive(t, TASK_UNINTERRUPTIBLE);
}

static bool on_the_boot_path(void)
{
	return true;
}

/* The case's own task is the init task during initcalls from here on. */
static void be_on_the_boot_path(struct kunit *test)
{
	kunit_activate_static_stub(test, conduit_boot_path, on_the_boot_path);
}

/* ---- callback blocks ---- */

struct order_log {
	atomic_t n;
	int tags[LOG_MAX];
};

static void log_tag(struct order_log *log, int tag)
{
	int i = atomic_inc_return(&log->n) - 1;

	if (i < LOG_MAX)
		log->tags[i] = tag;
}

/* A callback block that records how, where and with what it ran. */
struct test_block {
	struct conduit_ready_block crb;
	int tag;
	struct order_log *log;
	atomic_t calls;
	int status;
	struct task_struct *task;
	struct work_struct *work;
	bool atomic;
	bool lock_held;
	/* optional: more work in the callback, on @other or @child */
	void (*action)(struct test_block *tb);
	struct conduit *other;
	int other_status;
	struct test_block *child;
	int ret;
	/* optional: after @entered, the callback waits for @release */
	struct completion entered;
	struct completion *release;
	bool returned;
};

static void test_block_ready(struct conduit_ready_block *crb, int status)
{
	struct test_block *tb = container_of(crb, struct test_block, crb);

	atomic_inc(&tb->calls);
	tb->status = status;
	tb->task = current;
	tb->work = current_work();
	tb->atomic = in_atomic() || irqs_disabled();
	tb->lock_held = IS_ENABLED(CONFIG_LOCKDEP) &&
			lockdep_is_held(&conduit_lock);
	if (tb->log)
		log_tag(tb->log, tb->tag);
	if (tb->action)
		tb->action(tb);
	if (tb->release) {
		complete(&tb->entered);
		wait_for_completion_timeout(tb->release, TEST_TIMEOUT);
	}
	/* Read after flush_work() or by the caller of an at-once callback. */
	WRITE_ONCE(tb->returned, true);
}

static struct test_block *new_block(struct kunit *test, int tag,
				    struct order_log *log)
{
	struct test_block *tb = kunit_kzalloc(test, sizeof(*tb), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, tb);
	tb->crb.ready = test_block_ready;
	tb->tag = tag;
	tb->log = log;
	init_completion(&tb->entered);
	return tb;
}

static int calls_of(struct test_block *tb)
{
	return atomic_read(&tb->calls);
}

/* ---- kthreads ---- */

struct bg {
	int (*fn)(struct bg *bg);
	struct conduit *c;
	int status;
	struct completion *go;
	/* bg_publish_when_asleep(): publish once @sleeper waits on @c */
	struct task_struct *sleeper;
	/* bg_initcalls_end(): @tb had returned when the flush did */
	struct test_block *tb;
	bool saw_returned;
	void *priv;
	int ret;
	struct task_struct *task;
	struct completion started;
	struct completion locked;
	struct completion done;
};

static int bg_thread(void *data)
{
	struct bg *bg = data;

	complete(&bg->started);
	if (bg->go)
		wait_for_completion_timeout(bg->go, TEST_TIMEOUT);
	bg->ret = bg->fn(bg);
	complete_all(&bg->done);
	return 0;
}

static void bg_release(void *data)
{
	struct bg *bg = data;

	/* Never free what a thread that is still running may use. */
	if (!completion_done(&bg->done))
		return;
	put_task_struct(bg->task);
	kfree(bg);
}

/* A kthread that runs @fn once woken by bg_run(), after @go if set. */
static struct bg *bg_new(struct kunit *test, int (*fn)(struct bg *bg),
			 struct conduit *c, int status, struct completion *go)
{
	struct task_struct *task;
	struct bg *bg;

	bg = kzalloc_obj(*bg);
	KUNIT_ASSERT_NOT_NULL(test, bg);
	bg->fn = fn;
	bg->c = c;
	bg->status = status;
	bg->go = go;
	init_completion(&bg->started);
	init_completion(&bg->locked);
	init_completion(&bg->done);
	task = kthread_create(bg_thread, bg, "conduit-kunit");
	if (IS_ERR(task)) {
		kfree(bg);
		KUNIT_FAIL_AND_ABORT(test, "kthread_create: %pe", task);
	}
	get_task_struct(task);
	bg->task = task;
	if (kunit_add_action(test, bg_release, bg)) {
		/* Not started: the task exits without running bg_thread(). */
		kthread_stop(task);
		put_task_struct(task);
		kfree(bg);
		KUNIT_FAIL_AND_ABORT(test, "kunit_add_action failed");
	}
	return bg;
}

static void bg_run(struct bg *bg)
{
	wake_up_process(bg->task);
}

static struct bg *bg_start(struct kunit *test, int (*fn)(struct bg *bg),
			   struct conduit *c, int status,
			   struct completion *go)
{
	struct bg *bg = bg_new(test, fn, c, status, go);

	bg_run(bg);
	return bg;
}

static bool bg_join(struct bg *bg)
{
	return wait_for_completion_timeout(&bg->done, TEST_TIMEOUT) > 0;
}

static int bg_wait(struct bg *bg)
{
	return conduit_wait_one(bg->c, HERE);
}

static int bg_publish(struct bg *bg)
{
	return conduit_publish_one(bg->c, bg->status, HERE);
}

static int bg_publish_when_asleep(struct bg *bg)
{
	bool asleep = poll_until(asleep_on(bg->c, 1, bg->sleeper));
	int ret = conduit_publish_one(bg->c, bg->status, HERE);

	/* Published either way: the case fails rather than hangs. */
	return asleep ? ret : -ETIMEDOUT;
}

/* Start a kthread that waits on @c; return once it sleeps in the wait. */
static struct bg *sleeping_waiter(struct kunit *test, struct conduit *c,
				  int n)
{
	struct bg *bg = bg_start(test, bg_wait, c, 0, NULL);

	KUNIT_ASSERT_TRUE(test, poll_until(asleep_on(c, n, bg->task)));
	return bg;
}

/* ---- devices and their probes ---- */

struct probe_ctl {
	/* the probe defers on @on, and once it is final: */
	struct conduit *on;
	/* waits for @release after completing @entered, if @hold */
	bool hold;
	struct completion entered;
	struct completion release;
	/* publishes @publish with @publish_status (a gatekeeper's probe) */
	struct conduit *publish;
	int publish_status;
	int publish_ret;
	/* waits on @wait */
	struct conduit *wait;
	int wait_ret;
	atomic_t calls;
	int last_ret;
	struct work_struct *last_work;
	struct task_struct *last_task;
};

static struct probe_ctl probe_ctl;

static int conduit_test_probe(struct platform_device *pdev)
{
	struct probe_ctl *p = &probe_ctl;
	int ret;

	atomic_inc(&p->calls);
	p->last_work = current_work();
	p->last_task = current;
	ret = conduit_defer_one(p->on, &pdev->dev);
	if (!ret && p->hold) {
		complete(&p->entered);
		wait_for_completion_timeout(&p->release, TEST_TIMEOUT);
	}
	if (!ret && p->publish)
		p->publish_ret = conduit_publish_one(p->publish,
						     p->publish_status, HERE);
	if (!ret && p->wait)
		p->wait_ret = conduit_wait_one(p->wait, HERE);
	p->last_ret = ret;
	return ret;
}

static struct platform_driver conduit_test_driver = {
	.probe = conduit_test_probe,
	.driver = {
		.name = "conduit-kunit",
	},
};

/* Register the driver and one device, whose first probe defers on @on. */
static struct platform_device *deferred_pdev(struct kunit *test,
					     struct conduit *on)
{
	struct platform_device *pdev;

	probe_ctl.on = on;
	KUNIT_ASSERT_EQ(test, kunit_platform_driver_register(test,
							     &conduit_test_driver),
			0);
	pdev = kunit_platform_device_alloc(test, "conduit-kunit",
					   PLATFORM_DEVID_NONE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pdev);
	KUNIT_ASSERT_EQ(test, kunit_platform_device_add(test, pdev), 0);
	KUNIT_ASSERT_EQ(test, atomic_read(&probe_ctl.calls), 1);
	KUNIT_ASSERT_EQ(test, probe_ctl.last_ret, -EPROBE_DEFER);
	KUNIT_ASSERT_FALSE(test, device_is_bound(&pdev->dev));
	return pdev;
}

/* A device of the KUnit bus; its probe is KUnit's and never runs again. */
static struct device *plain_device(struct kunit *test, const char *name)
{
	struct device *dev = kunit_device_register(test, name);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	return dev;
}

/* ---- trace events ---- */

struct cb_trace {
	const char *name;
	atomic_t n;
	bool at_once[LOG_MAX];
	int status[LOG_MAX];
};

static void cb_trace_probe(void *data, const char *name, void *fn,
			   int status, bool at_once)
{
	struct cb_trace *t = data;
	int i;

	if (name != t->name)
		return;
	i = atomic_inc_return(&t->n) - 1;
	if (i < LOG_MAX) {
		t->at_once[i] = at_once;
		t->status[i] = status;
	}
}

static void cb_trace_stop(void *data)
{
	unregister_trace_conduit_callback(cb_trace_probe, data);
	tracepoint_synchronize_unregister();
}

/* Record the conduit_callback events of @c until the case ends. */
static struct cb_trace *cb_trace_start(struct kunit *test, struct conduit *c)
{
	struct cb_trace *t;

	if (!IS_ENABLED(CONFIG_TRACEPOINTS))
		kunit_skip(test, "needs CONFIG_TRACEPOINTS");
	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->name = c->name;
	KUNIT_ASSERT_EQ(test, register_trace_conduit_callback(cb_trace_probe, t),
			0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, cb_trace_stop, t),
			0);
	return t;
}

/* ---- suite set-up ---- */

static int conduit_test_init(struct kunit *test)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(test_conduits); i++) {
		test_conduits[i]->published_ns = 0;
		conduit_setup(test_conduits[i]);
	}
	memset(&probe_ctl, 0, sizeof(probe_ctl));
	init_completion(&probe_ctl.entered);
	init_completion(&probe_ctl.release);
	misuse_base = atomic_read(&conduit_nr_misuse);
	return 0;
}

static bool conduit_in_use(struct conduit *c)
{
	bool used;

	mutex_lock(&conduit_lock);
	used = !list_empty(&c->blocks) || !list_empty(&c->devices) ||
	       atomic_read(&c->nr_waiters);
	mutex_unlock(&conduit_lock);
	return used;
}

/*
 * What the end of initcalls does, on the conduits of the case: fail those
 * still pending and in use, run their callbacks and probe their devices
 * again, while the blocks and devices of the case still exist.
 */
static void conduit_test_exit(struct kunit *test)
{
	int i;

	complete_all(&probe_ctl.release);
	for (i = 0; i < ARRAY_SIZE(test_conduits); i++) {
		if (conduit_in_use(test_conduits[i]))
			conduit_expire(test_conduits[i]);
		flush_work(&test_conduits[i]->run_work);
	}
	KUNIT_EXPECT_TRUE(test, conduit_reprobe_wait(TEST_TIMEOUT_MS));
}

/* ---- status and wait: fast paths and bad IDs ---- */

static void gated_conduit_starts_pending(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, word_of(A), CONDUIT_PENDING);
	KUNIT_EXPECT_EQ(test, atomic_read(&A->nr_waiters), 0);
}

static void ungated_conduit_is_ready_from_the_start(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, word_of(U), 0);
	KUNIT_EXPECT_EQ(test, conduit_wait_one(U, HERE), 0);
}

static void real_conduits_are_final_after_initcalls(struct kunit *test)
{
	int id;

	for (id = 0; id < CONDUIT_NR; id++) {
		KUNIT_EXPECT_LE(test, conduit_status(id), 0);
		KUNIT_EXPECT_EQ(test, conduit_status(id), conduit_word(id));
		if (!conduits[id].gated)
			KUNIT_EXPECT_EQ(test, conduit_status(id), 0);
	}
	KUNIT_EXPECT_EQ(test, misuse(), 0);
}

static void wait_on_a_final_real_conduit_returns_its_status(struct kunit *test)
{
	int id;

	for (id = 0; id < CONDUIT_NR; id++) {
		KUNIT_EXPECT_EQ(test, wait_for_conduit(id), conduit_status(id));
		/* The slow path of a final conduit returns at once too. */
		KUNIT_EXPECT_EQ(test, __wait_for_conduit(id),
				conduit_status(id));
	}
	KUNIT_EXPECT_EQ(test, misuse(), 0);
}

static void status_of_a_bad_id_is_einval(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, conduit_status(CONDUIT_NR), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_status((enum conduit_id)-1), -EINVAL);
	KUNIT_EXPECT_EQ(test, misuse(), 2);
}

static void wait_on_a_bad_id_is_einval(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, wait_for_conduit(CONDUIT_NR), -EINVAL);
	KUNIT_EXPECT_EQ(test, wait_for_conduit((enum conduit_id)-1), -EINVAL);
	KUNIT_EXPECT_EQ(test, misuse(), 2);
}

static void wait_on_a_failed_conduit_returns_its_error_at_once(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, -EIO, HERE), 0);
	KUNIT_EXPECT_EQ(test, conduit_wait_one(A, HERE), -EIO);
	KUNIT_EXPECT_EQ(test, atomic_read(&A->nr_waiters), 0);
	KUNIT_EXPECT_EQ(test, misuse(), 0);
}

/* ---- publish ---- */

static void publish_of_zero_makes_the_conduit_ready(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	KUNIT_EXPECT_EQ(test, word_of(A), 0);
	KUNIT_EXPECT_EQ(test, conduit_wait_one(A, HERE), 0);
	KUNIT_EXPECT_EQ(test, word_of(B), CONDUIT_PENDING);
}

static void published_errno_is_forwarded_unchanged(struct kunit *test)
{
	static const int errnos[] = {
		-ENOLINK, -EPERM, -EIO, -ENODEV, -EAGAIN, -EINVAL,
		-EPROBE_DEFER, -EDEADLK, -ETIMEDOUT, -EOPNOTSUPP, -MAX_ERRNO,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(errnos); i++) {
		conduit_setup(A);
		KUNIT_EXPECT_EQ(test, conduit_publish_one(A, errnos[i], HERE),
				0);
		KUNIT_EXPECT_EQ(test, conduit_wait_one(A, HERE), errnos[i]);
	}
	KUNIT_EXPECT_EQ(test, misuse(), 0);
}

static void published_enolink_reaches_a_callback_unchanged(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);

	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, -ENOLINK, HERE), 0);
	flush_work(&A->run_work);
	KUNIT_EXPECT_EQ(test, calls_of(tb), 1);
	KUNIT_EXPECT_EQ(test, tb->status, -ENOLINK);
}

static void publish_of_a_positive_status_returns_einval(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, conduit_publish_one(A, 1, HERE), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_publish_one(A, CONDUIT_PENDING + 1,
						  HERE), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_publish_one(A, INT_MAX, HERE), -EINVAL);
	KUNIT_EXPECT_EQ(test, word_of(A), CONDUIT_PENDING);
	KUNIT_EXPECT_EQ(test, misuse(), 3);
}

static void publish_of_an_out_of_range_errno_returns_einval(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, conduit_publish_one(A, -MAX_ERRNO - 1, HERE),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_publish_one(A, INT_MIN, HERE), -EINVAL);
	KUNIT_EXPECT_EQ(test, word_of(A), CONDUIT_PENDING);
	KUNIT_EXPECT_EQ(test, misuse(), 2);
}

static void refused_publish_leaves_the_conduit_to_a_valid_one(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, conduit_publish_one(A, 1, HERE), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_publish_one(A, -EHOSTDOWN, HERE), 0);
	KUNIT_EXPECT_EQ(test, conduit_wait_one(A, HERE), -EHOSTDOWN);
}

static void publish_of_an_ungated_conduit_returns_enodev(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, conduit_publish_one(U, 0, HERE), -ENODEV);
	KUNIT_EXPECT_EQ(test, conduit_publish_one(U, -EIO, HERE), -ENODEV);
	KUNIT_EXPECT_EQ(test, word_of(U), 0);
	KUNIT_EXPECT_EQ(test, misuse(), 2);
}

static void second_publish_returns_ealready_and_keeps_the_first(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, -EIO, HERE), 0);
	KUNIT_EXPECT_EQ(test, conduit_publish_one(A, 0, HERE), -EALREADY);
	KUNIT_EXPECT_EQ(test, conduit_publish_one(A, -EIO, HERE), -EALREADY);
	KUNIT_EXPECT_EQ(test, word_of(A), -EIO);
	KUNIT_EXPECT_EQ(test, misuse(), 2);
}

static void publish_after_expire_returns_ealready(struct kunit *test)
{
	conduit_expire(A);
	KUNIT_EXPECT_EQ(test, conduit_publish_one(A, 0, HERE), -EALREADY);
	KUNIT_EXPECT_EQ(test, word_of(A), -ENOLINK);
}

static void expect_no_lock_held(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, mutex_is_locked(&conduit_lock));
	if (IS_ENABLED(CONFIG_LOCKDEP))
		KUNIT_EXPECT_FALSE(test, lockdep_is_held(&conduit_lock));
}

static void refused_publish_leaves_no_lock_held(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, conduit_publish_one(A, 1, HERE), -EINVAL);
	expect_no_lock_held(test);
	KUNIT_EXPECT_EQ(test, conduit_publish_one(U, 0, HERE), -ENODEV);
	expect_no_lock_held(test);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	expect_no_lock_held(test);
	KUNIT_EXPECT_EQ(test, conduit_publish_one(A, 0, HERE), -EALREADY);
	expect_no_lock_held(test);
	KUNIT_EXPECT_EQ(test, conduit_publish(CONDUIT_NR, 0), -EINVAL);
	expect_no_lock_held(test);
}

static void public_publish_refuses_a_bad_id(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, conduit_publish(CONDUIT_NR, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_publish((enum conduit_id)-1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, misuse(), 2);
}

static void public_publish_refuses_real_conduits_after_initcalls(struct kunit *test)
{
	int id, before;

	for (id = 0; id < CONDUIT_NR; id++) {
		before = conduit_status(id);
		KUNIT_EXPECT_EQ(test, conduit_publish(id, 0),
				conduits[id].gated ? -EALREADY : -ENODEV);
		KUNIT_EXPECT_EQ(test, conduit_status(id), before);
	}
	KUNIT_EXPECT_EQ(test, misuse(), CONDUIT_NR);
}

static void publish_records_when_the_conduit_became_final(struct kunit *test)
{
	u64 before, after;

	KUNIT_EXPECT_EQ(test, A->published_ns, 0ULL);
	before = ktime_get_boottime_ns();
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	after = ktime_get_boottime_ns();
	KUNIT_EXPECT_GE(test, A->published_ns, before);
	KUNIT_EXPECT_LE(test, A->published_ns, after);
}

/* ---- sleeping waiters ---- */

static void wait_is_woken_by_a_publish_from_another_kthread(struct kunit *test)
{
	struct bg *p = bg_new(test, bg_publish_when_asleep, A, -ECHILD, NULL);

	/* It publishes only once this task sleeps in the wait. */
	p->sleeper = current;
	bg_run(p);
	KUNIT_EXPECT_EQ(test, conduit_wait_one(A, HERE), -ECHILD);
	KUNIT_ASSERT_TRUE(test, bg_join(p));
	KUNIT_EXPECT_EQ(test, p->ret, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&A->nr_waiters), 0);
	KUNIT_EXPECT_EQ(test, misuse(), 0);
}

static void sleeping_kthread_waiter_gets_the_published_status(struct kunit *test)
{
	struct bg *w = sleeping_waiter(test, A, 1);

	KUNIT_EXPECT_FALSE(test, completion_done(&w->done));
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, -EIO, HERE), 0);
	KUNIT_ASSERT_TRUE(test, bg_join(w));
	KUNIT_EXPECT_EQ(test, w->ret, -EIO);
}

static void one_publish_wakes_every_waiter(struct kunit *test)
{
	struct bg *w[8];
	int i;

	for (i = 0; i < ARRAY_SIZE(w); i++)
		w[i] = sleeping_waiter(test, A, i + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&A->nr_waiters), (int)ARRAY_SIZE(w));
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		KUNIT_ASSERT_TRUE(test, bg_join(w[i]));
		KUNIT_EXPECT_EQ(test, w[i]->ret, 0);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&A->nr_waiters), 0);
}

static void publish_of_one_conduit_leaves_waiters_of_another_asleep(struct kunit *test)
{
	struct bg *wa = sleeping_waiter(test, A, 1);
	struct bg *wb = sleeping_waiter(test, B, 1);

	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	KUNIT_ASSERT_TRUE(test, bg_join(wa));
	/* Woken by the shared wait queue, it went back to sleep. */
	KUNIT_EXPECT_TRUE(test, poll_until(asleep_on(B, 1, wb->task)));
	KUNIT_EXPECT_FALSE(test, completion_done(&wb->done));
	KUNIT_ASSERT_EQ(test, conduit_publish_one(B, -EIO, HERE), 0);
	KUNIT_ASSERT_TRUE(test, bg_join(wb));
	KUNIT_EXPECT_EQ(test, wb->ret, -EIO);
}

static void waiters_are_counted_only_while_they_wait(struct kunit *test)
{
	struct bg *w1 = sleeping_waiter(test, A, 1);
	struct bg *w2 = sleeping_waiter(test, A, 2);

	KUNIT_EXPECT_EQ(test, atomic_read(&A->nr_waiters), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&B->nr_waiters), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	KUNIT_ASSERT_TRUE(test, bg_join(w1));
	KUNIT_ASSERT_TRUE(test, bg_join(w2));
	KUNIT_EXPECT_EQ(test, atomic_read(&A->nr_waiters), 0);
}

static void expire_wakes_waiters_with_enolink(struct kunit *test)
{
	struct bg *w = sleeping_waiter(test, A, 1);

	conduit_expire(A);
	KUNIT_ASSERT_TRUE(test, bg_join(w));
	KUNIT_EXPECT_EQ(test, w->ret, -ENOLINK);
}

/* ---- refused waits ---- */

static void kunit_thread_is_not_on_the_boot_path(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, conduit_boot_path());
}

static void wait_on_the_boot_path_returns_edeadlk(struct kunit *test)
{
	be_on_the_boot_path(test);
	KUNIT_EXPECT_EQ(test, conduit_wait_one(A, HERE), -EDEADLK);
	KUNIT_EXPECT_EQ(test, atomic_read(&A->nr_waiters), 0);
	KUNIT_EXPECT_EQ(test, word_of(A), CONDUIT_PENDING);
}

/* A caller such as EFI learns from the refusal not to use the path yet. */
static void boot_path_refusal_is_not_counted_as_misuse(struct kunit *test)
{
	be_on_the_boot_path(test);
	KUNIT_ASSERT_EQ(test, conduit_wait_one(A, HERE), -EDEADLK);
	KUNIT_EXPECT_EQ(test, misuse(), 0);
}

static void boot_path_wait_on_a_final_conduit_returns_its_status(struct kunit *test)
{
	be_on_the_boot_path(test);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, -EIO, HERE), 0);
	KUNIT_EXPECT_EQ(test, conduit_wait_one(A, HERE), -EIO);
	KUNIT_EXPECT_EQ(test, conduit_wait_one(U, HERE), 0);
	KUNIT_EXPECT_EQ(test, misuse(), 0);
}

/* Publish @on and return once the re-probe holds its device's probe. */
static void hold_a_reprobe(struct kunit *test, struct conduit *on)
{
	probe_ctl.hold = true;
	deferred_pdev(test, on);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(on, 0, HERE), 0);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&probe_ctl.entered,
							    TEST_TIMEOUT));
}

static int bg_release_probe_when_asleep(struct bg *bg)
{
	bool asleep = poll_until(asleep_on(bg->c, 1, bg->sleeper));

	complete_all(&probe_ctl.release);
	/* Should the wait never end, end it: the case fails, not hangs. */
	if (!poll_until(!atomic_read(&bg->c->nr_waiters)))
		conduit_expire(bg->c);
	return asleep ? 0 : -ETIMEDOUT;
}

/*
 * The FF-A pattern: the init task waits for a conduit whose gatekeeper is a
 * device being probed again; the wait is not refused, and ends with what
 * that probe publishes.
 */
static void boot_path_wait_during_a_reprobe_waits_for_the_publish(struct kunit *test)
{
	struct bg *r;

	probe_ctl.publish = B;
	probe_ctl.publish_status = -ECHILD;
	hold_a_reprobe(test, A);
	be_on_the_boot_path(test);
	r = bg_new(test, bg_release_probe_when_asleep, B, 0, NULL);
	r->sleeper = current;
	bg_run(r);
	KUNIT_EXPECT_EQ(test, conduit_wait_one(B, HERE), -ECHILD);
	KUNIT_ASSERT_TRUE(test, bg_join(r));
	KUNIT_EXPECT_EQ(test, r->ret, 0);
	KUNIT_EXPECT_TRUE(test, conduit_reprobe_wait(TEST_TIMEOUT_MS));
	KUNIT_EXPECT_EQ(test, probe_ctl.publish_ret, 0);
	KUNIT_EXPECT_EQ(test, misuse(), 0);
}

static void boot_path_wait_ends_with_edeadlk_when_the_reprobe_ends(struct kunit *test)
{
	struct bg *r;

	hold_a_reprobe(test, A);
	be_on_the_boot_path(test);
	r = bg_new(test, bg_release_probe_when_asleep, B, 0, NULL);
	r->sleeper = current;
	bg_run(r);
	/* The re-probed device does not publish B: nobody is left who could. */
	KUNIT_EXPECT_EQ(test, conduit_wait_one(B, HERE), -EDEADLK);
	KUNIT_ASSERT_TRUE(test, bg_join(r));
	KUNIT_EXPECT_EQ(test, r->ret, 0);
	KUNIT_EXPECT_EQ(test, word_of(B), CONDUIT_PENDING);
	KUNIT_EXPECT_EQ(test, misuse(), 0);
}

/* ---- callbacks ---- */

static void registration_on_a_final_conduit_runs_the_callback_at_once(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);

	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, -EIO, HERE), 0);
	KUNIT_EXPECT_EQ(test, conduit_register_one(A, &tb->crb, HERE), 0);
	KUNIT_EXPECT_EQ(test, calls_of(tb), 1);
	KUNIT_EXPECT_EQ(test, tb->status, -EIO);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(tb->returned));
}

static void callback_run_at_once_runs_in_the_caller(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);

	KUNIT_ASSERT_EQ(test, conduit_register_one(U, &tb->crb, HERE), 0);
	KUNIT_EXPECT_PTR_EQ(test, tb->task, current);
	KUNIT_EXPECT_NULL(test, tb->work);
}

static void callback_run_at_once_is_traced_as_at_once(struct kunit *test)
{
	struct cb_trace *t = cb_trace_start(test, A);
	struct test_block *tb = new_block(test, 0, NULL);

	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, -EIO, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb, HERE), 0);
	KUNIT_ASSERT_EQ(test, atomic_read(&t->n), 1);
	KUNIT_EXPECT_TRUE(test, t->at_once[0]);
	KUNIT_EXPECT_EQ(test, t->status[0], -EIO);
}

static void queued_callback_is_traced_as_not_at_once(struct kunit *test)
{
	struct cb_trace *t = cb_trace_start(test, A);
	struct test_block *tb = new_block(test, 0, NULL);

	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb, HERE), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->n), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, -EIO, HERE), 0);
	flush_work(&A->run_work);
	KUNIT_ASSERT_EQ(test, atomic_read(&t->n), 1);
	KUNIT_EXPECT_FALSE(test, t->at_once[0]);
	KUNIT_EXPECT_EQ(test, t->status[0], -EIO);
}

static void registration_on_an_ungated_conduit_runs_with_zero(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);

	KUNIT_EXPECT_EQ(test, conduit_register_one(U, &tb->crb, HERE), 0);
	KUNIT_EXPECT_EQ(test, calls_of(tb), 1);
	KUNIT_EXPECT_EQ(test, tb->status, 0);
}

static void registration_on_a_pending_conduit_queues_the_callback(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);

	KUNIT_EXPECT_EQ(test, conduit_register_one(A, &tb->crb, HERE), 0);
	KUNIT_EXPECT_EQ(test, calls_of(tb), 0);
	KUNIT_EXPECT_FALSE(test, list_empty(&A->blocks));
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	flush_work(&A->run_work);
	KUNIT_EXPECT_EQ(test, calls_of(tb), 1);
	KUNIT_EXPECT_TRUE(test, list_empty(&A->blocks));
}

static void queued_callbacks_run_from_the_conduits_run_work(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);

	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	flush_work(&A->run_work);
	KUNIT_ASSERT_EQ(test, calls_of(tb), 1);
	KUNIT_EXPECT_PTR_EQ(test, tb->work, &A->run_work);
}

static void queued_callbacks_run_in_registration_order(struct kunit *test)
{
	struct order_log *log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);
	struct test_block *tb;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, log);
	for (i = 0; i < 8; i++) {
		tb = new_block(test, i, log);
		KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb, HERE),
				0);
	}
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	flush_work(&A->run_work);
	KUNIT_ASSERT_EQ(test, atomic_read(&log->n), 8);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, log->tags[i], i);
}

static void queued_callback_never_runs_in_the_publishers_context(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);
	struct bg *p;

	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb, HERE), 0);
	p = bg_start(test, bg_publish, A, 0, NULL);
	KUNIT_ASSERT_TRUE(test, bg_join(p));
	KUNIT_ASSERT_EQ(test, p->ret, 0);
	flush_work(&A->run_work);
	KUNIT_ASSERT_EQ(test, calls_of(tb), 1);
	KUNIT_EXPECT_PTR_NE(test, tb->task, p->task);
	KUNIT_EXPECT_PTR_NE(test, tb->task, current);
}

static void callback_runs_without_the_conduit_lock(struct kunit *test)
{
	struct test_block *now = new_block(test, 0, NULL);
	struct test_block *later = new_block(test, 1, NULL);

	if (!IS_ENABLED(CONFIG_LOCKDEP))
		kunit_skip(test, "needs CONFIG_LOCKDEP");
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &later->crb, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &now->crb, HERE), 0);
	flush_work(&A->run_work);
	KUNIT_ASSERT_EQ(test, calls_of(now), 1);
	KUNIT_ASSERT_EQ(test, calls_of(later), 1);
	KUNIT_EXPECT_FALSE(test, now->lock_held);
	KUNIT_EXPECT_FALSE(test, later->lock_held);
}

static void queued_callback_gets_the_published_status(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);

	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, -EHOSTDOWN, HERE), 0);
	flush_work(&A->run_work);
	KUNIT_EXPECT_EQ(test, tb->status, -EHOSTDOWN);
}

static void every_callback_runs_exactly_once(struct kunit *test)
{
	struct test_block *tb[24];
	int i;

	for (i = 0; i < ARRAY_SIZE(tb); i++) {
		tb[i] = new_block(test, i, NULL);
		KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb[i]->crb,
							   HERE), 0);
	}
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	flush_work(&A->run_work);
	/* Nothing runs them again: not a second flush, not an expire. */
	conduit_expire(A);
	flush_work(&A->run_work);
	for (i = 0; i < ARRAY_SIZE(tb); i++)
		KUNIT_EXPECT_EQ(test, calls_of(tb[i]), 1);
}

static void registering_a_queued_block_again_returns_eexist(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);

	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb, HERE), 0);
	KUNIT_EXPECT_EQ(test, conduit_register_one(A, &tb->crb, HERE), -EEXIST);
	KUNIT_EXPECT_EQ(test, conduit_register_one(B, &tb->crb, HERE), -EEXIST);
	KUNIT_EXPECT_EQ(test, misuse(), 2);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	flush_work(&A->run_work);
	KUNIT_EXPECT_EQ(test, calls_of(tb), 1);
}

static void registering_a_block_whose_callback_ran_returns_eexist(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);

	KUNIT_ASSERT_EQ(test, conduit_register_one(U, &tb->crb, HERE), 0);
	KUNIT_EXPECT_EQ(test, conduit_register_one(U, &tb->crb, HERE), -EEXIST);
	KUNIT_EXPECT_EQ(test, conduit_register_one(A, &tb->crb, HERE), -EEXIST);
	KUNIT_EXPECT_EQ(test, calls_of(tb), 1);
	KUNIT_EXPECT_EQ(test, misuse(), 2);
}

static void registering_a_null_block_returns_einval(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, conduit_register_one(A, NULL, HERE), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_register_one(U, NULL, HERE), -EINVAL);
	KUNIT_EXPECT_EQ(test, misuse(), 2);
}

static void registering_a_block_without_a_callback_returns_einval(struct kunit *test)
{
	struct conduit_ready_block crb = {};

	KUNIT_EXPECT_EQ(test, conduit_register_one(A, &crb, HERE), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_register_one(U, &crb, HERE), -EINVAL);
	KUNIT_EXPECT_TRUE(test, list_empty(&A->blocks));
	KUNIT_EXPECT_NULL(test, crb.node.next);
	KUNIT_EXPECT_EQ(test, misuse(), 2);
}

static void public_register_refuses_a_bad_id(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);

	KUNIT_EXPECT_EQ(test, conduit_ready_register(CONDUIT_NR, &tb->crb),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, calls_of(tb), 0);
	KUNIT_EXPECT_EQ(test, misuse(), 1);
}

static void public_register_on_a_real_conduit_runs_at_once(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);

	KUNIT_EXPECT_EQ(test, conduit_ready_register(CONDUIT_FFA, &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, calls_of(tb), 1);
	KUNIT_EXPECT_EQ(test, tb->status, conduit_status(CONDUIT_FFA));
	KUNIT_EXPECT_PTR_EQ(test, tb->task, current);
	KUNIT_EXPECT_EQ(test, conduit_ready_register(CONDUIT_NR, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_ready_register(CONDUIT_FFA, NULL),
			-EINVAL);
}

static int static_block_calls;
static int static_block_status;

static void static_block_ready(struct conduit_ready_block *crb, int status)
{
	static_block_calls++;
	static_block_status = status;
}

static DEFINE_CONDUIT_READY_BLOCK(static_block, static_block_ready);

/*
 * A block of static storage is registered once for good; the case makes it
 * fresh again only so that the suite can be run again through KUnit's
 * debugfs, long after the callback of the first run has returned.
 */
static void block_defined_by_the_macro_is_usable(struct kunit *test)
{
	memset(&static_block.node, 0, sizeof(static_block.node));
	static_block_calls = 0;
	KUNIT_EXPECT_TRUE(test, static_block.ready == static_block_ready);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &static_block, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, -EIO, HERE), 0);
	flush_work(&A->run_work);
	KUNIT_EXPECT_EQ(test, static_block_calls, 1);
	KUNIT_EXPECT_EQ(test, static_block_status, -EIO);
}

static void register_child(struct test_block *tb)
{
	tb->ret = conduit_register_one(tb->other, &tb->child->crb, HERE);
}

static void callback_may_register_a_block_on_its_own_conduit(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);

	tb->child = new_block(test, 1, NULL);
	tb->other = A;
	tb->action = register_child;
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, -EIO, HERE), 0);
	flush_work(&A->run_work);
	KUNIT_EXPECT_EQ(test, tb->ret, 0);
	/* A is final: the child runs at once, in the parent's context. */
	KUNIT_EXPECT_EQ(test, calls_of(tb->child), 1);
	KUNIT_EXPECT_EQ(test, tb->child->status, -EIO);
	KUNIT_EXPECT_PTR_EQ(test, tb->child->work, &A->run_work);
}

static void callback_may_register_a_block_on_a_pending_conduit(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);

	tb->child = new_block(test, 1, NULL);
	tb->other = B;
	tb->action = register_child;
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	flush_work(&A->run_work);
	KUNIT_EXPECT_EQ(test, tb->ret, 0);
	KUNIT_EXPECT_EQ(test, calls_of(tb->child), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(B, -ENODEV, HERE), 0);
	flush_work(&B->run_work);
	KUNIT_EXPECT_EQ(test, calls_of(tb->child), 1);
	KUNIT_EXPECT_EQ(test, tb->child->status, -ENODEV);
	KUNIT_EXPECT_PTR_EQ(test, tb->child->work, &B->run_work);
}

static void publish_other(struct test_block *tb)
{
	tb->ret = conduit_publish_one(tb->other, tb->other_status, HERE);
}

static void callback_may_publish_another_conduit(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);
	struct test_block *on_b = new_block(test, 1, NULL);

	tb->other = B;
	tb->other_status = -ECHILD;
	tb->action = publish_other;
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_register_one(B, &on_b->crb, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	flush_work(&A->run_work);
	KUNIT_EXPECT_EQ(test, tb->ret, 0);
	KUNIT_EXPECT_EQ(test, word_of(B), -ECHILD);
	flush_work(&B->run_work);
	KUNIT_EXPECT_EQ(test, calls_of(on_b), 1);
	KUNIT_EXPECT_EQ(test, on_b->status, -ECHILD);
	/* From B's own work, not from inside the callback that published. */
	KUNIT_EXPECT_PTR_EQ(test, on_b->work, &B->run_work);
}

static DEFINE_MUTEX(callback_mutex);

static void sleep_in_callback(struct test_block *tb)
{
	might_sleep();
	cond_resched();
	tb->ret = mutex_lock_interruptible(&callback_mutex);
	if (!tb->ret)
		mutex_unlock(&callback_mutex);
}

static void callback_may_sleep(struct kunit *test)
{
	struct test_block *now = new_block(test, 0, NULL);
	struct test_block *later = new_block(test, 1, NULL);

	now->action = sleep_in_callback;
	later->action = sleep_in_callback;
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &later->crb, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &now->crb, HERE), 0);
	flush_work(&A->run_work);
	KUNIT_EXPECT_FALSE(test, now->atomic);
	KUNIT_EXPECT_FALSE(test, later->atomic);
	KUNIT_EXPECT_EQ(test, now->ret, 0);
	KUNIT_EXPECT_EQ(test, later->ret, 0);
}

static void wait_other(struct test_block *tb)
{
	tb->ret = conduit_wait_one(tb->other, HERE);
}

static void callback_may_wait_for_another_conduit(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);

	tb->other = B;
	tb->action = wait_other;
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	KUNIT_ASSERT_TRUE(test, poll_until(atomic_read(&B->nr_waiters) == 1));
	KUNIT_EXPECT_EQ(test, calls_of(tb), 1);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(B, -EIO, HERE), 0);
	flush_work(&A->run_work);
	KUNIT_EXPECT_EQ(test, tb->ret, -EIO);
}

static void publish_runs_only_the_callbacks_of_its_conduit(struct kunit *test)
{
	struct test_block *on_a = new_block(test, 0, NULL);
	struct test_block *on_b = new_block(test, 1, NULL);

	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &on_a->crb, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_register_one(B, &on_b->crb, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	flush_work(&A->run_work);
	flush_work(&B->run_work);
	KUNIT_EXPECT_EQ(test, calls_of(on_a), 1);
	KUNIT_EXPECT_EQ(test, calls_of(on_b), 0);
	KUNIT_EXPECT_FALSE(test, list_empty(&B->blocks));
}

#define RACE_THREADS	4
#define RACE_BLOCKS	32

struct racer {
	struct test_block **tb;
	int n;
	int refused;
};

static int bg_register_many(struct bg *bg)
{
	struct racer *r = bg->priv;
	int i;

	for (i = 0; i < r->n; i++) {
		if (conduit_register_one(bg->c, &r->tb[i]->crb, HERE))
			r->refused++;
		cond_resched();
	}
	return 0;
}

static void registrations_racing_a_publish_run_each_callback_once(struct kunit *test)
{
	struct cb_trace *t = IS_ENABLED(CONFIG_TRACEPOINTS) ?
			     cb_trace_start(test, A) : NULL;
	struct bg *reg[RACE_THREADS], *pub;
	struct racer *r;
	struct completion go;
	int i, j, at_once = 0;

	init_completion(&go);
	r = kunit_kcalloc(test, RACE_THREADS, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; i < RACE_THREADS; i++) {
		r[i].n = RACE_BLOCKS;
		r[i].tb = kunit_kcalloc(test, RACE_BLOCKS, sizeof(*r[i].tb),
					GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, r[i].tb);
		for (j = 0; j < RACE_BLOCKS; j++)
			r[i].tb[j] = new_block(test, j, NULL);
	}
	for (i = 0; i < RACE_THREADS; i++) {
		reg[i] = bg_new(test, bg_register_many, A, 0, &go);
		reg[i]->priv = &r[i];
		bg_run(reg[i]);
	}
	pub = bg_start(test, bg_publish, A, 0, &go);
	for (i = 0; i < RACE_THREADS; i++)
		KUNIT_ASSERT_TRUE(test,
				  wait_for_completion_timeout(&reg[i]->started,
							      TEST_TIMEOUT));
	complete_all(&go);
	for (i = 0; i < RACE_THREADS; i++)
		KUNIT_ASSERT_TRUE(test, bg_join(reg[i]));
	KUNIT_ASSERT_TRUE(test, bg_join(pub));
	KUNIT_EXPECT_EQ(test, pub->ret, 0);
	flush_work(&A->run_work);
	for (i = 0; i < RACE_THREADS; i++) {
		KUNIT_EXPECT_EQ(test, r[i].refused, 0);
		for (j = 0; j < RACE_BLOCKS; j++) {
			KUNIT_EXPECT_EQ(test, calls_of(r[i].tb[j]), 1);
			at_once += !r[i].tb[j]->work;
		}
	}
	if (t)
		KUNIT_EXPECT_EQ(test, atomic_read(&t->n),
				RACE_THREADS * RACE_BLOCKS);
	kunit_info(test, "%d of %d callbacks ran at once\n", at_once,
		   RACE_THREADS * RACE_BLOCKS);
}

/* ---- the end of initcalls ---- */

static void expire_fails_a_pending_conduit_with_enolink(struct kunit *test)
{
	conduit_expire(A);
	KUNIT_EXPECT_EQ(test, word_of(A), -ENOLINK);
	KUNIT_EXPECT_EQ(test, conduit_wait_one(A, HERE), -ENOLINK);
	KUNIT_EXPECT_NE(test, A->published_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, word_of(B), CONDUIT_PENDING);
	KUNIT_EXPECT_EQ(test, misuse(), 0);
}

static void expire_runs_the_queued_callbacks_with_enolink(struct kunit *test)
{
	struct order_log *log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);
	struct test_block *tb[3];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, log);
	for (i = 0; i < ARRAY_SIZE(tb); i++) {
		tb[i] = new_block(test, i, log);
		KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb[i]->crb,
							   HERE), 0);
	}
	conduit_expire(A);
	flush_work(&A->run_work);
	for (i = 0; i < ARRAY_SIZE(tb); i++) {
		KUNIT_EXPECT_EQ(test, calls_of(tb[i]), 1);
		KUNIT_EXPECT_EQ(test, tb[i]->status, -ENOLINK);
		KUNIT_EXPECT_PTR_EQ(test, tb[i]->work, &A->run_work);
		KUNIT_EXPECT_EQ(test, log->tags[i], i);
	}
}

static void expire_leaves_a_final_conduit_untouched(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);
	u64 published;

	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, -EIO, HERE), 0);
	flush_work(&A->run_work);
	published = A->published_ns;
	conduit_expire(A);
	flush_work(&A->run_work);
	KUNIT_EXPECT_EQ(test, word_of(A), -EIO);
	KUNIT_EXPECT_EQ(test, A->published_ns, published);
	KUNIT_EXPECT_EQ(test, calls_of(tb), 1);
	KUNIT_EXPECT_EQ(test, tb->status, -EIO);
}

static void expire_leaves_an_ungated_conduit_ready(struct kunit *test)
{
	conduit_expire(U);
	KUNIT_EXPECT_EQ(test, word_of(U), 0);
	KUNIT_EXPECT_EQ(test, U->published_ns, 0ULL);
}

static void registration_after_expire_runs_at_once_with_enolink(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);

	conduit_expire(A);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb, HERE), 0);
	KUNIT_EXPECT_EQ(test, calls_of(tb), 1);
	KUNIT_EXPECT_EQ(test, tb->status, -ENOLINK);
	KUNIT_EXPECT_PTR_EQ(test, tb->task, current);
}

/* conduit_initcalls_end() on one conduit, in a kthread. */
static int bg_initcalls_end(struct bg *bg)
{
	conduit_expire(bg->c);
	flush_work(&bg->c->run_work);
	bg->saw_returned = READ_ONCE(bg->tb->returned);
	return 0;
}

/*
 * A consumer registers during initcalls, its gatekeeper publishes late from
 * another kthread, and the callback is still running when initcalls end:
 * the end of initcalls returns only once the callback has.
 */
static void end_of_initcalls_waits_for_a_callback_running_late(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);
	struct completion release;
	struct bg *pub, *end;

	init_completion(&release);
	tb->release = &release;
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb, HERE), 0);
	pub = bg_start(test, bg_publish, A, -ECHILD, NULL);
	KUNIT_ASSERT_TRUE(test, bg_join(pub));
	KUNIT_ASSERT_EQ(test, pub->ret, 0);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&tb->entered,
							    TEST_TIMEOUT));

	end = bg_new(test, bg_initcalls_end, A, 0, NULL);
	end->tb = tb;
	bg_run(end);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&end->started,
							    TEST_TIMEOUT));
	/* Asleep in flush_work(), and not back while the callback is held. */
	KUNIT_EXPECT_TRUE(test, poll_until(wait_task_inactive(end->task,
							      TASK_UNINTERRUPTIBLE)));
	KUNIT_EXPECT_FALSE(test, completion_done(&end->done));
	complete(&release);
	KUNIT_ASSERT_TRUE(test, bg_join(end));
	KUNIT_EXPECT_TRUE(test, end->saw_returned);
	KUNIT_EXPECT_EQ(test, calls_of(tb), 1);
	KUNIT_EXPECT_EQ(test, tb->status, -ECHILD);
	KUNIT_EXPECT_PTR_EQ(test, tb->work, &A->run_work);
	KUNIT_EXPECT_EQ(test, word_of(A), -ECHILD);
}

static void end_of_initcalls_returns_after_every_expired_callback(struct kunit *test)
{
	struct test_block *first = new_block(test, 0, NULL);
	struct test_block *held = new_block(test, 1, NULL);
	struct completion release;
	struct bg *end;

	init_completion(&release);
	held->release = &release;
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &first->crb, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &held->crb, HERE), 0);
	end = bg_new(test, bg_initcalls_end, A, 0, NULL);
	end->tb = held;
	bg_run(end);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&held->entered,
							    TEST_TIMEOUT));
	KUNIT_EXPECT_EQ(test, calls_of(first), 1);
	KUNIT_EXPECT_FALSE(test, completion_done(&end->done));
	complete(&release);
	KUNIT_ASSERT_TRUE(test, bg_join(end));
	KUNIT_EXPECT_TRUE(test, end->saw_returned);
	KUNIT_EXPECT_EQ(test, held->status, -ENOLINK);
}

/* ---- deferred probes ---- */

static void ready_or_defer_on_a_real_conduit_returns_its_status(struct kunit *test)
{
	struct device *dev = plain_device(test, "real");
	int id;

	for (id = 0; id < CONDUIT_NR; id++) {
		KUNIT_EXPECT_EQ(test, conduit_ready_or_defer(dev, id),
				conduit_status(id));
		KUNIT_EXPECT_EQ(test, list_count_nodes(&conduits[id].devices), 0U);
	}
	KUNIT_EXPECT_EQ(test, misuse(), 0);
}

static void ready_or_defer_refuses_a_bad_id(struct kunit *test)
{
	struct device *dev = plain_device(test, "bad-id");

	KUNIT_EXPECT_EQ(test, conduit_ready_or_defer(dev, CONDUIT_NR), -EINVAL);
	KUNIT_EXPECT_EQ(test, misuse(), 1);
}

static void ready_or_defer_refuses_a_missing_device(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, conduit_ready_or_defer(NULL, CONDUIT_FFA),
			-EINVAL);
	KUNIT_EXPECT_EQ_MSG(test, misuse(), 1,
			    "a refused call that is not counted as misuse");
}

static void defer_on_a_pending_conduit_returns_eprobe_defer(struct kunit *test)
{
	struct device *dev = plain_device(test, "pending");

	KUNIT_EXPECT_EQ(test, conduit_defer_one(A, dev), -EPROBE_DEFER);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&A->devices), 1U);
	KUNIT_EXPECT_EQ(test, misuse(), 0);
}

static void deferred_device_is_recorded_once(struct kunit *test)
{
	struct device *dev = plain_device(test, "once");
	unsigned int refs = kref_read(&dev->kobj.kref);

	KUNIT_EXPECT_EQ(test, conduit_defer_one(A, dev), -EPROBE_DEFER);
	KUNIT_EXPECT_EQ(test, conduit_defer_one(A, dev), -EPROBE_DEFER);
	KUNIT_EXPECT_EQ(test, conduit_defer_one(A, dev), -EPROBE_DEFER);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&A->devices), 1U);
	KUNIT_EXPECT_EQ(test, kref_read(&dev->kobj.kref), refs + 1);
}

static void deferred_devices_are_each_recorded(struct kunit *test)
{
	struct device *one = plain_device(test, "one");
	struct device *two = plain_device(test, "two");

	KUNIT_EXPECT_EQ(test, conduit_defer_one(A, one), -EPROBE_DEFER);
	KUNIT_EXPECT_EQ(test, conduit_defer_one(A, two), -EPROBE_DEFER);
	KUNIT_EXPECT_EQ(test, conduit_defer_one(B, one), -EPROBE_DEFER);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&A->devices), 2U);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&B->devices), 1U);
}

static void defer_on_a_final_conduit_returns_its_status(struct kunit *test)
{
	struct device *dev = plain_device(test, "final");
	unsigned int refs = kref_read(&dev->kobj.kref);

	KUNIT_EXPECT_EQ(test, conduit_defer_one(U, dev), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, -EIO, HERE), 0);
	KUNIT_EXPECT_EQ(test, conduit_defer_one(A, dev), -EIO);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&A->devices), 0U);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&U->devices), 0U);
	KUNIT_EXPECT_EQ(test, kref_read(&dev->kobj.kref), refs);
}

static int bg_defer(struct bg *bg)
{
	return conduit_defer_one(bg->c, bg->priv);
}

/* Hold conduit_lock, asleep, until @priv is completed. */
static int bg_hold_the_lock(struct bg *bg)
{
	mutex_lock(&conduit_lock);
	complete(&bg->locked);
	wait_for_completion_timeout(bg->priv, TEST_TIMEOUT);
	mutex_unlock(&conduit_lock);
	return 0;
}

static bool blocked_on_the_lock(struct task_struct *t)
{
	return wait_task_inactive(t, TASK_UNINTERRUPTIBLE);
}

/*
 * A probe sees the conduit pending, and the publish takes conduit_lock
 * before the probe does: the probe returns the published status and
 * records nothing. conduit_lock goes to its sleeping waiters in turn, so
 * the publisher, queued first, runs first. The lock is held by a task
 * that sleeps, so that neither waiter spins on it instead of queueing.
 */
static void defer_racing_a_publish_returns_the_published_status(struct kunit *test)
{
	struct device *dev = plain_device(test, "race");
	unsigned int refs = kref_read(&dev->kobj.kref);
	struct bg *holder, *pub, *def;
	struct completion unlock;

	init_completion(&unlock);
	holder = bg_new(test, bg_hold_the_lock, A, 0, NULL);
	holder->priv = &unlock;
	bg_run(holder);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&holder->locked,
							    TEST_TIMEOUT));
	pub = bg_start(test, bg_publish, A, -ECHILD, NULL);
	KUNIT_EXPECT_TRUE(test, poll_until(blocked_on_the_lock(pub->task)));
	def = bg_new(test, bg_defer, A, 0, NULL);
	def->priv = dev;
	bg_run(def);
	KUNIT_EXPECT_TRUE(test, poll_until(blocked_on_the_lock(def->task)));
	KUNIT_EXPECT_EQ(test, word_of(A), CONDUIT_PENDING);
	complete(&unlock);
	KUNIT_ASSERT_TRUE(test, bg_join(holder));
	KUNIT_ASSERT_TRUE(test, bg_join(pub));
	KUNIT_ASSERT_TRUE(test, bg_join(def));
	KUNIT_EXPECT_EQ(test, pub->ret, 0);
	KUNIT_EXPECT_EQ(test, def->ret, -ECHILD);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&A->devices), 0U);
	KUNIT_EXPECT_EQ(test, kref_read(&dev->kobj.kref), refs);
}

static void publish_probes_a_deferred_device_again_from_a_work_item(struct kunit *test)
{
	struct platform_device *pdev = deferred_pdev(test, A);

	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	KUNIT_EXPECT_TRUE(test, conduit_reprobe_wait(TEST_TIMEOUT_MS));
	KUNIT_EXPECT_TRUE(test, device_is_bound(&pdev->dev));
	KUNIT_EXPECT_EQ(test, probe_ctl.last_ret, 0);
	KUNIT_EXPECT_NOT_NULL(test, probe_ctl.last_work);
	KUNIT_EXPECT_PTR_NE(test, probe_ctl.last_task, current);
}

static void publish_hands_the_recorded_devices_over(struct kunit *test)
{
	struct device *dev = plain_device(test, "handed");
	unsigned int refs = kref_read(&dev->kobj.kref);

	KUNIT_ASSERT_EQ(test, conduit_defer_one(A, dev), -EPROBE_DEFER);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&A->devices), 0U);
	KUNIT_EXPECT_TRUE(test, list_empty(&A->devices));
	KUNIT_EXPECT_TRUE(test, conduit_reprobe_wait(TEST_TIMEOUT_MS));
	/* The re-probe dropped the reference the record held. */
	KUNIT_EXPECT_EQ(test, kref_read(&dev->kobj.kref), refs);
}

static void failed_publish_ends_the_deferral_with_the_error(struct kunit *test)
{
	struct platform_device *pdev = deferred_pdev(test, A);

	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, -EHOSTDOWN, HERE), 0);
	KUNIT_EXPECT_TRUE(test, conduit_reprobe_wait(TEST_TIMEOUT_MS));
	KUNIT_EXPECT_FALSE(test, device_is_bound(&pdev->dev));
	KUNIT_EXPECT_EQ(test, probe_ctl.last_ret, -EHOSTDOWN);
	KUNIT_EXPECT_GE(test, atomic_read(&probe_ctl.calls), 2);
}

static void expire_probes_deferred_devices_again_with_enolink(struct kunit *test)
{
	struct platform_device *pdev = deferred_pdev(test, A);

	conduit_expire(A);
	KUNIT_EXPECT_TRUE(test, conduit_reprobe_wait(TEST_TIMEOUT_MS));
	KUNIT_EXPECT_FALSE(test, device_is_bound(&pdev->dev));
	KUNIT_EXPECT_EQ(test, probe_ctl.last_ret, -ENOLINK);
	KUNIT_EXPECT_GE(test, atomic_read(&probe_ctl.calls), 2);
}

static void removed_device_is_not_probed_again(struct kunit *test)
{
	struct platform_device *pdev = deferred_pdev(test, A);

	kunit_platform_device_unregister(test, pdev);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&A->devices), 1U);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	KUNIT_EXPECT_TRUE(test, conduit_reprobe_wait(TEST_TIMEOUT_MS));
	KUNIT_EXPECT_EQ(test, atomic_read(&probe_ctl.calls), 1);
}

static void reprobed_gatekeeper_may_publish_another_conduit(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);
	struct platform_device *pdev;

	probe_ctl.publish = B;
	probe_ctl.publish_status = -ECHILD;
	pdev = deferred_pdev(test, A);
	KUNIT_ASSERT_EQ(test, conduit_register_one(B, &tb->crb, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	KUNIT_EXPECT_TRUE(test, conduit_reprobe_wait(TEST_TIMEOUT_MS));
	KUNIT_EXPECT_TRUE(test, device_is_bound(&pdev->dev));
	KUNIT_EXPECT_EQ(test, probe_ctl.publish_ret, 0);
	flush_work(&B->run_work);
	KUNIT_EXPECT_EQ(test, calls_of(tb), 1);
	KUNIT_EXPECT_EQ(test, tb->status, -ECHILD);
}

static void reprobe_wait_is_true_at_once_when_no_reprobe_runs(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, conduit_reprobe_wait(0));
}

static void reprobe_wait_is_true_once_the_reprobe_is_done(struct kunit *test)
{
	hold_a_reprobe(test, A);
	complete_all(&probe_ctl.release);
	KUNIT_EXPECT_TRUE(test, conduit_reprobe_wait(TEST_TIMEOUT_MS));
	KUNIT_EXPECT_EQ(test, probe_ctl.last_ret, 0);
	KUNIT_EXPECT_TRUE(test, conduit_reprobe_wait(0));
}

static void reprobe_wait_times_out_while_a_probe_is_held(struct kunit *test)
{
	hold_a_reprobe(test, A);
	KUNIT_EXPECT_FALSE(test, conduit_reprobe_wait(1));
	KUNIT_EXPECT_FALSE(test, conduit_reprobe_wait(0));
	complete_all(&probe_ctl.release);
	KUNIT_EXPECT_TRUE(test, conduit_reprobe_wait(TEST_TIMEOUT_MS));
}

/* Nothing probes asynchronously after boot: the wait ends with time left. */
static void async_wait_ends_with_time_left_once_async_probes_are_done(struct kunit *test)
{
	unsigned long left = msecs_to_jiffies(TEST_TIMEOUT_MS);

	KUNIT_EXPECT_GT(test, conduit_async_wait(left), 0UL);
}

/* ---- debugfs ---- */

#if IS_ENABLED(CONFIG_DEBUG_FS)
static void expect_debugfs_line(struct kunit *test, struct conduit *c,
				const char *state, int status,
				unsigned int blocks, int waiters,
				unsigned int devices)
{
	struct seq_file m = { .size = 256 };
	char want[128];

	m.buf = kunit_kzalloc(test, m.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.buf);
	snprintf(want, sizeof(want), "%s %s %s %d %llu %u %d %u\n", c->name,
		 c->gated ? "gated" : "ungated", state, status,
		 c->published_ns, blocks, waiters, devices);
	mutex_lock(&conduit_lock);
	conduit_show(&m, c);
	mutex_unlock(&conduit_lock);
	KUNIT_ASSERT_LT(test, m.count, m.size);
	KUNIT_EXPECT_STREQ(test, m.buf, want);
}

static void debugfs_shows_a_pending_gated_conduit(struct kunit *test)
{
	expect_debugfs_line(test, A, "pending", -EAGAIN, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, A->published_ns, 0ULL);
}

static void debugfs_shows_an_ungated_conduit_as_ready(struct kunit *test)
{
	expect_debugfs_line(test, U, "ready", 0, 0, 0, 0);
}

static void debugfs_shows_a_failed_conduit_with_its_status_and_time(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, -EIO, HERE), 0);
	KUNIT_EXPECT_NE(test, A->published_ns, 0ULL);
	expect_debugfs_line(test, A, "failed", -EIO, 0, 0, 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(B, 0, HERE), 0);
	expect_debugfs_line(test, B, "ready", 0, 0, 0, 0);
}

static void debugfs_counts_queued_callbacks(struct kunit *test)
{
	struct test_block *one = new_block(test, 0, NULL);
	struct test_block *two = new_block(test, 1, NULL);

	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &one->crb, HERE), 0);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &two->crb, HERE), 0);
	expect_debugfs_line(test, A, "pending", -EAGAIN, 2, 0, 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	flush_work(&A->run_work);
	expect_debugfs_line(test, A, "ready", 0, 0, 0, 0);
}

static void debugfs_counts_sleeping_waiters(struct kunit *test)
{
	struct bg *w = sleeping_waiter(test, A, 1);

	expect_debugfs_line(test, A, "pending", -EAGAIN, 0, 1, 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	KUNIT_ASSERT_TRUE(test, bg_join(w));
	expect_debugfs_line(test, A, "ready", 0, 0, 0, 0);
}

static void debugfs_counts_deferred_devices(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, conduit_defer_one(A, plain_device(test, "one")),
			-EPROBE_DEFER);
	KUNIT_ASSERT_EQ(test, conduit_defer_one(A, plain_device(test, "two")),
			-EPROBE_DEFER);
	expect_debugfs_line(test, A, "pending", -EAGAIN, 0, 0, 2);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	expect_debugfs_line(test, A, "ready", 0, 0, 0, 0);
}

/*
 * Read an open seq_file into @buf. kernel_read() refuses a file without
 * ->read_iter, which the debugfs proxy of a DEFINE_SHOW_ATTRIBUTE() file
 * has not; seq_read_iter() is what its ->read calls.
 */
static ssize_t read_seq_file(struct file *f, char *buf, size_t size)
{
	struct kvec kv = { .iov_base = buf, .iov_len = size };
	struct iov_iter iter;
	struct kiocb kiocb;

	init_sync_kiocb(&kiocb, f);
	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, size);
	return seq_read_iter(&kiocb, &iter);
}

#define DEBUGFS_HEADER \
	"# name gatekeeper state status published_ns callbacks waiters devices\n"

/* The file itself: a header, then one line per real conduit. */
static void debugfs_file_has_a_line_per_real_conduit(struct kunit *test)
{
	struct file_system_type *type = get_fs_type("debugfs");
	char *buf, line[128];
	struct vfsmount *mnt;
	struct conduit *c;
	struct file *f;
	ssize_t n;
	int id;

	KUNIT_ASSERT_NOT_NULL(test, type);
	mnt = kern_mount(type);
	put_filesystem(type);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mnt));
	f = file_open_root_mnt(mnt, "firmware_conduit", O_RDONLY, 0);
	if (IS_ERR(f)) {
		kern_unmount(mnt);
		KUNIT_FAIL_AND_ABORT(test, "open: %pe", f);
	}
	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	n = buf ? read_seq_file(f, buf, PAGE_SIZE - 1) : -ENOMEM;
	fput(f);
	kern_unmount(mnt);
	KUNIT_ASSERT_GT(test, n, 0);
	KUNIT_EXPECT_TRUE(test, str_has_prefix(buf, DEBUGFS_HEADER));
	for (id = 0; id < CONDUIT_NR; id++) {
		c = &conduits[id];
		/* Final after initcalls: nothing on the lines changes now. */
		snprintf(line, sizeof(line), "\n%s %s %s %d %llu 0 0 0\n",
			 c->name, c->gated ? "gated" : "ungated",
			 conduit_status(id) ? "failed" : "ready",
			 conduit_status(id), c->published_ns);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, line),
					  "no line %s in %s", line + 1, buf);
	}
}
#endif /* CONFIG_DEBUG_FS */

/* ---- misuse ---- */

/*
 * Each refused call counts once, whether or not its warning got through
 * the ratelimit. Not a wait refused on the boot path: that refusal is an
 * answer, not a misuse (boot_path_refusal_is_not_counted_as_misuse).
 */
static void every_refused_call_counts_as_misuse(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, NULL);
	struct conduit_ready_block no_callback = {};
	struct device *dev = plain_device(test, "misuse");
	int n = 0;

	KUNIT_EXPECT_EQ(test, conduit_status(CONDUIT_NR), -EINVAL);
	KUNIT_EXPECT_EQ(test, misuse(), ++n);
	KUNIT_EXPECT_EQ(test, wait_for_conduit(CONDUIT_NR), -EINVAL);
	KUNIT_EXPECT_EQ(test, misuse(), ++n);
	KUNIT_EXPECT_EQ(test, conduit_ready_register(CONDUIT_NR, &tb->crb),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, misuse(), ++n);
	KUNIT_EXPECT_EQ(test, conduit_ready_or_defer(dev, CONDUIT_NR), -EINVAL);
	KUNIT_EXPECT_EQ(test, misuse(), ++n);
	KUNIT_EXPECT_EQ(test, conduit_publish(CONDUIT_NR, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, misuse(), ++n);
	KUNIT_EXPECT_EQ(test, conduit_publish_one(A, 1, HERE), -EINVAL);
	KUNIT_EXPECT_EQ(test, misuse(), ++n);
	KUNIT_EXPECT_EQ(test, conduit_publish_one(U, 0, HERE), -ENODEV);
	KUNIT_EXPECT_EQ(test, misuse(), ++n);
	KUNIT_EXPECT_EQ(test, conduit_register_one(A, NULL, HERE), -EINVAL);
	KUNIT_EXPECT_EQ(test, misuse(), ++n);
	KUNIT_EXPECT_EQ(test, conduit_register_one(A, &no_callback, HERE),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, misuse(), ++n);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb, HERE), 0);
	KUNIT_EXPECT_EQ(test, misuse(), n);
	KUNIT_EXPECT_EQ(test, conduit_register_one(A, &tb->crb, HERE), -EEXIST);
	KUNIT_EXPECT_EQ(test, misuse(), ++n);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	KUNIT_EXPECT_EQ(test, misuse(), n);
	KUNIT_EXPECT_EQ(test, conduit_publish_one(A, 0, HERE), -EALREADY);
	KUNIT_EXPECT_EQ(test, misuse(), ++n);
	/* The refused conduit_ready_or_defer(NULL, id): its own case. */
}

static void accepted_calls_do_not_count_as_misuse(struct kunit *test)
{
	struct test_block *queued = new_block(test, 0, NULL);
	struct test_block *now = new_block(test, 1, NULL);
	struct device *dev = plain_device(test, "accepted");
	int id;

	for (id = 0; id < CONDUIT_NR; id++) {
		conduit_status(id);
		wait_for_conduit(id);
		conduit_ready_or_defer(dev, id);
	}
	KUNIT_EXPECT_EQ(test, conduit_register_one(A, &queued->crb, HERE), 0);
	KUNIT_EXPECT_EQ(test, conduit_defer_one(A, dev), -EPROBE_DEFER);
	KUNIT_EXPECT_EQ(test, conduit_publish_one(A, -EIO, HERE), 0);
	KUNIT_EXPECT_EQ(test, conduit_wait_one(A, HERE), -EIO);
	KUNIT_EXPECT_EQ(test, conduit_register_one(A, &now->crb, HERE), 0);
	conduit_expire(A);
	conduit_expire(B);
	KUNIT_EXPECT_EQ(test, conduit_wait_one(B, HERE), -ENOLINK);
	flush_work(&A->run_work);
	KUNIT_EXPECT_EQ(test, misuse(), 0);
}

/* ---- last: the suite leaves lockdep on ---- */

static void lockdep_is_still_on_after_the_suite(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_PROVE_LOCKING))
		kunit_skip(test, "needs CONFIG_PROVE_LOCKING");
	KUNIT_EXPECT_EQ(test, debug_locks, 1);
}

static struct kunit_case conduit_test_cases[] = {
	/* status and wait: fast paths and bad IDs */
	KUNIT_CASE(gated_conduit_starts_pending),
	KUNIT_CASE(ungated_conduit_is_ready_from_the_start),
	KUNIT_CASE(real_conduits_are_final_after_initcalls),
	KUNIT_CASE(wait_on_a_final_real_conduit_returns_its_status),
	KUNIT_CASE(status_of_a_bad_id_is_einval),
	KUNIT_CASE(wait_on_a_bad_id_is_einval),
	KUNIT_CASE(wait_on_a_failed_conduit_returns_its_error_at_once),
	/* publish */
	KUNIT_CASE(publish_of_zero_makes_the_conduit_ready),
	KUNIT_CASE(published_errno_is_forwarded_unchanged),
	KUNIT_CASE(published_enolink_reaches_a_callback_unchanged),
	KUNIT_CASE(publish_of_a_positive_status_returns_einval),
	KUNIT_CASE(publish_of_an_out_of_range_errno_returns_einval),
	KUNIT_CASE(refused_publish_leaves_the_conduit_to_a_valid_one),
	KUNIT_CASE(publish_of_an_ungated_conduit_returns_enodev),
	KUNIT_CASE(second_publish_returns_ealready_and_keeps_the_first),
	KUNIT_CASE(publish_after_expire_returns_ealready),
	KUNIT_CASE(refused_publish_leaves_no_lock_held),
	KUNIT_CASE(public_publish_refuses_a_bad_id),
	KUNIT_CASE(public_publish_refuses_real_conduits_after_initcalls),
	KUNIT_CASE(publish_records_when_the_conduit_became_final),
	/* sleeping waiters */
	KUNIT_CASE(wait_is_woken_by_a_publish_from_another_kthread),
	KUNIT_CASE(sleeping_kthread_waiter_gets_the_published_status),
	KUNIT_CASE(one_publish_wakes_every_waiter),
	KUNIT_CASE(publish_of_one_conduit_leaves_waiters_of_another_asleep),
	KUNIT_CASE(waiters_are_counted_only_while_they_wait),
	KUNIT_CASE(expire_wakes_waiters_with_enolink),
	/* refused waits */
	KUNIT_CASE(kunit_thread_is_not_on_the_boot_path),
	KUNIT_CASE(wait_on_the_boot_path_returns_edeadlk),
	KUNIT_CASE(boot_path_refusal_is_not_counted_as_misuse),
	KUNIT_CASE(boot_path_wait_on_a_final_conduit_returns_its_status),
	KUNIT_CASE(boot_path_wait_during_a_reprobe_waits_for_the_publish),
	KUNIT_CASE(boot_path_wait_ends_with_edeadlk_when_the_reprobe_ends),
	/* callbacks */
	KUNIT_CASE(registration_on_a_final_conduit_runs_the_callback_at_once),
	KUNIT_CASE(callback_run_at_once_runs_in_the_caller),
	KUNIT_CASE(callback_run_at_once_is_traced_as_at_once),
	KUNIT_CASE(queued_callback_is_traced_as_not_at_once),
	KUNIT_CASE(registration_on_an_ungated_conduit_runs_with_zero),
	KUNIT_CASE(registration_on_a_pending_conduit_queues_the_callback),
	KUNIT_CASE(queued_callbacks_run_from_the_conduits_run_work),
	KUNIT_CASE(queued_callbacks_run_in_registration_order),
	KUNIT_CASE(queued_callback_never_runs_in_the_publishers_context),
	KUNIT_CASE(callback_runs_without_the_conduit_lock),
	KUNIT_CASE(queued_callback_gets_the_published_status),
	KUNIT_CASE(every_callback_runs_exactly_once),
	KUNIT_CASE(registering_a_queued_block_again_returns_eexist),
	KUNIT_CASE(registering_a_block_whose_callback_ran_returns_eexist),
	KUNIT_CASE(registering_a_null_block_returns_einval),
	KUNIT_CASE(registering_a_block_without_a_callback_returns_einval),
	KUNIT_CASE(public_register_refuses_a_bad_id),
	KUNIT_CASE(public_register_on_a_real_conduit_runs_at_once),
	KUNIT_CASE(block_defined_by_the_macro_is_usable),
	KUNIT_CASE(callback_may_register_a_block_on_its_own_conduit),
	KUNIT_CASE(callback_may_register_a_block_on_a_pending_conduit),
	KUNIT_CASE(callback_may_publish_another_conduit),
	KUNIT_CASE(callback_may_sleep),
	KUNIT_CASE(callback_may_wait_for_another_conduit),
	KUNIT_CASE(publish_runs_only_the_callbacks_of_its_conduit),
	KUNIT_CASE(registrations_racing_a_publish_run_each_callback_once),
	/* the end of initcalls */
	KUNIT_CASE(expire_fails_a_pending_conduit_with_enolink),
	KUNIT_CASE(expire_runs_the_queued_callbacks_with_enolink),
	KUNIT_CASE(expire_leaves_a_final_conduit_untouched),
	KUNIT_CASE(expire_leaves_an_ungated_conduit_ready),
	KUNIT_CASE(registration_after_expire_runs_at_once_with_enolink),
	KUNIT_CASE(end_of_initcalls_waits_for_a_callback_running_late),
	KUNIT_CASE(end_of_initcalls_returns_after_every_expired_callback),
	/* deferred probes */
	KUNIT_CASE(ready_or_defer_on_a_real_conduit_returns_its_status),
	KUNIT_CASE(ready_or_defer_refuses_a_bad_id),
	KUNIT_CASE(ready_or_defer_refuses_a_missing_device),
	KUNIT_CASE(defer_on_a_pending_conduit_returns_eprobe_defer),
	KUNIT_CASE(deferred_device_is_recorded_once),
	KUNIT_CASE(deferred_devices_are_each_recorded),
	KUNIT_CASE(defer_on_a_final_conduit_returns_its_status),
	KUNIT_CASE(defer_racing_a_publish_returns_the_published_status),
	KUNIT_CASE(publish_probes_a_deferred_device_again_from_a_work_item),
	KUNIT_CASE(publish_hands_the_recorded_devices_over),
	KUNIT_CASE(failed_publish_ends_the_deferral_with_the_error),
	KUNIT_CASE(expire_probes_deferred_devices_again_with_enolink),
	KUNIT_CASE(removed_device_is_not_probed_again),
	KUNIT_CASE(reprobed_gatekeeper_may_publish_another_conduit),
	KUNIT_CASE(reprobe_wait_is_true_at_once_when_no_reprobe_runs),
	KUNIT_CASE(reprobe_wait_is_true_once_the_reprobe_is_done),
	KUNIT_CASE(reprobe_wait_times_out_while_a_probe_is_held),
	KUNIT_CASE(async_wait_ends_with_time_left_once_async_probes_are_done),
#if IS_ENABLED(CONFIG_DEBUG_FS)
	/* debugfs */
	KUNIT_CASE(debugfs_shows_a_pending_gated_conduit),
	KUNIT_CASE(debugfs_shows_an_ungated_conduit_as_ready),
	KUNIT_CASE(debugfs_shows_a_failed_conduit_with_its_status_and_time),
	KUNIT_CASE(debugfs_counts_queued_callbacks),
	KUNIT_CASE(debugfs_counts_sleeping_waiters),
	KUNIT_CASE(debugfs_counts_deferred_devices),
	KUNIT_CASE(debugfs_file_has_a_line_per_real_conduit),
#endif
	/* misuse */
	KUNIT_CASE(every_refused_call_counts_as_misuse),
	KUNIT_CASE(accepted_calls_do_not_count_as_misuse),
	/* must stay last */
	KUNIT_CASE(lockdep_is_still_on_after_the_suite),
	{}
};

static struct kunit_suite conduit_test_suite = {
	.name = "firmware_conduit",
	.init = conduit_test_init,
	.exit = conduit_test_exit,
	.test_cases = conduit_test_cases,
};

#if IS_ENABLED(CONFIG_FIRMWARE_CONDUIT_KUNIT_LOCKDEP_TEST)
/*
 * A driver whose probe waits for a conduit while the re-probe work runs it:
 * if only another deferred device could publish that conduit, the re-probe
 * would never end. The wait takes the re-probe's lockdep map inside the
 * re-probe work, which holds it: lockdep reports recursive locking, and is
 * off for the rest of the boot. Here the case publishes the conduit itself,
 * so the wait ends.
 */
static void wait_in_a_reprobed_probe_is_reported_by_lockdep(struct kunit *test)
{
	struct platform_device *pdev;

	if (!debug_locks)
		kunit_skip(test, "lockdep is already off");
	probe_ctl.wait = B;
	pdev = deferred_pdev(test, A);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(A, 0, HERE), 0);
	KUNIT_ASSERT_TRUE(test, poll_until(atomic_read(&B->nr_waiters) == 1));
	KUNIT_EXPECT_EQ(test, debug_locks, 0);
	KUNIT_ASSERT_EQ(test, conduit_publish_one(B, -EIO, HERE), 0);
	KUNIT_EXPECT_TRUE(test, conduit_reprobe_wait(TEST_TIMEOUT_MS));
	KUNIT_EXPECT_EQ(test, probe_ctl.wait_ret, -EIO);
	KUNIT_EXPECT_TRUE(test, device_is_bound(&pdev->dev));
}

static struct kunit_case conduit_lockdep_cases[] = {
	KUNIT_CASE(wait_in_a_reprobed_probe_is_reported_by_lockdep),
	{}
};

static struct kunit_suite conduit_lockdep_suite = {
	.name = "firmware_conduit_lockdep",
	.init = conduit_test_init,
	.exit = conduit_test_exit,
	.test_cases = conduit_lockdep_cases,
};

kunit_test_suites(&conduit_test_suite, &conduit_lockdep_suite);
#else
kunit_test_suite(conduit_test_suite);
#endif

MODULE_DESCRIPTION("KUnit tests for firmware conduit readiness");
MODULE_LICENSE("GPL");
