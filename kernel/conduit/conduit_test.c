// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the firmware conduit readiness core.
 *
 * The cases use conduits of their own: two gated ones, pending until
 * published, and one without a gatekeeper, made afresh for every case.
 * Concurrent cases run waiters, publishers and registrants in kthreads and
 * wait for them with a time limit, so a broken core fails a case instead of
 * hanging the run. A case that claims a conduit publishes it before it
 * returns: the gate is held for lockdep by the claiming task.
 *
 * The last case provokes a real lockdep report, silently, and checks that
 * lockdep made it; lockdep is off after it.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/conduit.h>
#include <linux/debug_locks.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/lockdep.h>
#include <linux/platform_device.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/workqueue.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "internal.h"

static struct conduit test_a, test_b, test_u;
#define A (&test_a)
#define B (&test_b)
#define U (&test_u)
#define TEST_TIMEOUT (5 * HZ)
#define MAX_LOG 16

/* Reserved statuses: a gatekeeper cannot publish them. */
static const int reserved[] = {
	-EINVAL, -EAGAIN, -EPROBE_DEFER, -ETIMEDOUT, -ERESTARTSYS, -EDEADLK,
	-ENOLINK,
};

static int status_of(struct conduit *c)
{
	/* Pairs with the release store of the publisher. */
	int word = smp_load_acquire(c->word);

	return word > 0 ? -EAGAIN : word;
}

static int wait_on(struct conduit *c)
{
	return conduit_wait_one(c, 0, 0, NULL);
}

static struct conduit_gate *claim_or_fail(struct kunit *test, struct conduit *c)
{
	struct conduit_gate *gate = conduit_claim_one(c, NULL);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(gate), "conduit_claim_one(%s): %ld",
			       c->name, PTR_ERR(gate));
	return gate;
}

/* A callback block that records how, when and where it ran. */
struct test_block {
	struct conduit_ready_block crb;
	struct kunit *test;
	int tag;
	int calls;
	int status;
	struct task_struct *task;
	/* optional: shared log of tags in call order */
	int *log;
	int *log_len;
	/* optional: work done inside the callback */
	void (*action)(struct test_block *tb);
	void *arg;
	int ret;
};

static void test_block_ready(struct conduit_ready_block *crb, int status)
{
	struct test_block *tb = container_of(crb, struct test_block, crb);

	tb->calls++;
	tb->status = status;
	tb->task = current;
	if (tb->log && *tb->log_len < MAX_LOG)
		tb->log[(*tb->log_len)++] = tb->tag;
	if (tb->action)
		tb->action(tb);
}

static struct test_block *new_block(struct kunit *test, int priority, int tag)
{
	struct test_block *tb = kunit_kzalloc(test, sizeof(*tb), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, tb);
	tb->crb.ready = test_block_ready;
	tb->crb.priority = priority;
	tb->test = test;
	tb->tag = tag;
	return tb;
}

/* A task that waits on a conduit, in one of the three ways. */
enum wait_kind { WAIT_PLAIN, WAIT_TIMEOUT, WAIT_KILLABLE };

struct waiter {
	struct conduit *c;
	enum wait_kind kind;
	unsigned long timeout;
	int ret;
	atomic_t *woken;
	struct task_struct *task;
	struct completion done;
};

static int waiter_fn(void *data)
{
	struct waiter *w = data;

	switch (w->kind) {
	case WAIT_PLAIN:
		w->ret = conduit_wait_one(w->c, 0, 0, NULL);
		break;
	case WAIT_TIMEOUT:
		w->ret = conduit_wait_one(w->c, CONDUIT_WAIT_TIMEOUT,
					  w->timeout, NULL);
		break;
	case WAIT_KILLABLE:
		/* Let SIGKILL be fatal to this kthread, as to a user task. */
		kernel_sigaction(SIGKILL, SIG_DFL);
		w->ret = conduit_wait_one(w->c, CONDUIT_WAIT_KILLABLE, 0, NULL);
		break;
	}
	if (w->woken)
		atomic_inc(w->woken);
	/* All: both a callback and the test case may wait for it. */
	complete_all(&w->done);
	return 0;
}

static struct waiter *start_waiter(struct kunit *test, struct conduit *c,
				   enum wait_kind kind, atomic_t *woken)
{
	struct waiter *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct task_struct *task;

	KUNIT_ASSERT_NOT_NULL(test, w);
	w->c = c;
	w->kind = kind;
	w->timeout = TEST_TIMEOUT;
	w->woken = woken;
	init_completion(&w->done);
	task = kthread_create(waiter_fn, w, "conduit-waiter");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	get_task_struct(task);
	w->task = task;
	wake_up_process(task);
	return w;
}

static bool waiter_done(struct waiter *w)
{
	bool done = wait_for_completion_timeout(&w->done, TEST_TIMEOUT);

	if (done) {
		put_task_struct(w->task);
		w->task = NULL;
	}
	return done;
}

/* Wait until @n tasks are asleep in the slow path of a wait on @c. */
static bool sleepers_reach(struct conduit *c, int n)
{
	unsigned long end = jiffies + TEST_TIMEOUT;

	while (atomic_read(&c->nr_waiters) < n) {
		if (time_after(jiffies, end))
			return false;
		usleep_range(500, 1000);
	}
	/* Give the last one time to get from the counter into schedule(). */
	msleep(20);
	return true;
}

/*
 * A kthread that claims a conduit and publishes it: the publisher in a
 * kthread. It publishes once @go is completed, or at once without @go.
 */
struct publisher {
	struct conduit *c;
	int status;
	int ret;
	bool claimed_ok;
	struct completion *go;
	struct task_struct *task;
	struct completion claimed;
	struct completion done;
};

static int publisher_fn(void *data)
{
	struct publisher *p = data;
	struct conduit_gate *gate = conduit_claim_one(p->c, NULL);

	p->claimed_ok = !IS_ERR(gate);
	complete(&p->claimed);
	if (p->claimed_ok) {
		if (p->go)
			wait_for_completion_timeout(p->go, TEST_TIMEOUT);
		p->ret = conduit_publish(gate, p->status);
	}
	complete(&p->done);
	return 0;
}

static struct publisher *start_publisher(struct kunit *test, struct conduit *c,
					 int status, struct completion *go)
{
	struct publisher *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct task_struct *task;

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->c = c;
	p->status = status;
	p->go = go;
	init_completion(&p->claimed);
	init_completion(&p->done);
	task = kthread_run(publisher_fn, p, "conduit-publisher");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	p->task = task;
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&p->claimed,
							    TEST_TIMEOUT));
	KUNIT_ASSERT_TRUE(test, p->claimed_ok);
	return p;
}

static bool publisher_done(struct publisher *p)
{
	return wait_for_completion_timeout(&p->done, TEST_TIMEOUT);
}

static bool runs_initcalls(void)
{
	return true;
}

/* Make the case's task look like the init task during initcalls. */
static void be_the_init_task(struct kunit *test)
{
	kunit_activate_static_stub(test, conduit_task_runs_initcalls,
				   runs_initcalls);
}

static int conduit_test_init(struct kunit *test)
{
	conduit_test_reset();
	conduit_init(A, "test-a", true);
	conduit_init(B, "test-b", true);
	conduit_init(U, "test-u", false);
	return 0;
}

static void conduit_test_exit(struct kunit *test)
{
	conduit_reset(A);
	conduit_reset(B);
	conduit_reset(U);
	conduit_test_reset();
}

/* ---- fail closed ---- */

static void gated_conduit_starts_pending(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, status_of(A), -EAGAIN);
	KUNIT_EXPECT_EQ(test, conduit_wait_one(A, CONDUIT_WAIT_TIMEOUT, 0,
					       NULL), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, conduit_wait_one(A, CONDUIT_WAIT_TIMEOUT, 2,
					       NULL), -ETIMEDOUT);
}

static void ungated_conduit_is_ready_from_the_start(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, status_of(U), 0);
	KUNIT_EXPECT_EQ(test, wait_on(U), 0);
	KUNIT_EXPECT_EQ(test, conduit_wait_one(U, CONDUIT_WAIT_TIMEOUT, 0,
					       NULL), 0);
}

static void conduit_words_follow_the_gatekeepers_config(struct kunit *test)
{
	/* After initcalls every conduit is final; ungated ones are 0. */
	KUNIT_EXPECT_LE(test, conduit_status(CONDUIT_HOST_SMC), 0);
	KUNIT_EXPECT_LE(test, conduit_status(CONDUIT_FFA), 0);
	if (!IS_ENABLED(CONFIG_FIRMWARE_CONDUIT_GATE_HOST_SMC))
		KUNIT_EXPECT_EQ(test, conduit_status(CONDUIT_HOST_SMC), 0);
	if (!IS_ENABLED(CONFIG_FIRMWARE_CONDUIT_GATE_FFA))
		KUNIT_EXPECT_EQ(test, wait_for_conduit(CONDUIT_FFA), 0);
	KUNIT_EXPECT_TRUE(test, conduits[CONDUIT_HOST_SMC].gated ==
			  IS_ENABLED(CONFIG_FIRMWARE_CONDUIT_GATE_HOST_SMC));
	KUNIT_EXPECT_TRUE(test, conduits[CONDUIT_FFA].gated ==
			  IS_ENABLED(CONFIG_FIRMWARE_CONDUIT_GATE_FFA));
}

static void consumers_never_see_ready_before_the_publish(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);
	struct conduit_gate *gate;
	int i;

	/* Looking does not open the conduit, however often. */
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, status_of(A), -EAGAIN);
		KUNIT_EXPECT_EQ(test, conduit_wait_one(A, CONDUIT_WAIT_TIMEOUT,
						       0, NULL), -ETIMEDOUT);
	}
	KUNIT_EXPECT_EQ(test, conduit_register_one(A, &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 0);
	gate = claim_or_fail(test, A);
	KUNIT_EXPECT_EQ(test, status_of(A), -EAGAIN);
	KUNIT_EXPECT_EQ(test, conduit_publish(gate, -EIO), 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
	KUNIT_EXPECT_EQ(test, tb->status, -EIO);
}

static void public_api_on_real_conduits(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	KUNIT_EXPECT_EQ(test, conduit_ready_register(CONDUIT_HOST_SMC,
						     &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
	KUNIT_EXPECT_EQ(test, tb->status, conduit_status(CONDUIT_HOST_SMC));
	KUNIT_EXPECT_EQ(test, conduit_ready_unregister(&tb->crb), 0);
	KUNIT_EXPECT_EQ(test, wait_for_conduit_timeout(CONDUIT_FFA, 1),
			conduit_status(CONDUIT_FFA));
	KUNIT_EXPECT_EQ(test, wait_for_conduit_killable(CONDUIT_FFA),
			conduit_status(CONDUIT_FFA));
}

/* ---- claim ---- */

static void claim_makes_the_caller_the_owner(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);

	KUNIT_EXPECT_PTR_EQ(test, A->owner, current);
	KUNIT_EXPECT_PTR_EQ(test, gate->conduit, A);
	KUNIT_EXPECT_EQ(test, status_of(A), -EAGAIN);
	KUNIT_EXPECT_EQ(test, conduit_publish(gate, 0), 0);
	KUNIT_EXPECT_EQ(test, status_of(A), 0);
}

static void claim_of_an_ungated_conduit_returns_enodev(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, PTR_ERR(conduit_claim_one(U, NULL)), -ENODEV);
	KUNIT_EXPECT_EQ(test, conduit_nr_misuse, 1U);
	KUNIT_EXPECT_EQ(test, status_of(U), 0);
}

static void second_claim_returns_ebusy(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);

	KUNIT_EXPECT_EQ(test, PTR_ERR(conduit_claim_one(A, NULL)), -EBUSY);
	KUNIT_EXPECT_EQ(test, conduit_publish(gate, 0), 0);
}

static void claim_by_a_second_task_returns_ebusy(struct kunit *test)
{
	struct completion go;
	struct publisher *p;

	init_completion(&go);
	p = start_publisher(test, A, 0, &go);
	KUNIT_EXPECT_EQ(test, PTR_ERR(conduit_claim_one(A, NULL)), -EBUSY);
	complete(&go);
	KUNIT_ASSERT_TRUE(test, publisher_done(p));
	KUNIT_EXPECT_EQ(test, p->ret, 0);
}

static void claim_of_a_final_conduit_returns_ealready(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);

	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(conduit_claim_one(A, NULL)), -EALREADY);
	/* After the deadline, as after initcalls, too. */
	conduit_expire(B);
	KUNIT_EXPECT_EQ(test, PTR_ERR(conduit_claim_one(B, NULL)), -EALREADY);
}

static void claim_records_its_caller(struct kunit *test)
{
	struct conduit_gate *gate = conduit_claim_one(A, (void *)_RET_IP_);

	KUNIT_ASSERT_FALSE(test, IS_ERR(gate));
	KUNIT_EXPECT_PTR_EQ(test, A->claimant, (const void *)_RET_IP_);
	KUNIT_EXPECT_NULL(test, B->claimant);
	KUNIT_EXPECT_EQ(test, conduit_publish(gate, 0), 0);
}

static void claim_holds_the_gate_for_lockdep(struct kunit *test)
{
	struct conduit_gate *gate;

	if (!IS_ENABLED(CONFIG_LOCKDEP) || !debug_locks)
		kunit_skip(test, "lockdep is off");
	gate = claim_or_fail(test, A);
	KUNIT_EXPECT_TRUE(test, lock_is_held(&A->gate_map));
	KUNIT_EXPECT_FALSE(test, lock_is_held(&B->gate_map));
	KUNIT_EXPECT_EQ(test, conduit_publish(gate, 0), 0);
	KUNIT_EXPECT_FALSE(test, lock_is_held(&A->gate_map));
}

#if IS_BUILTIN(CONFIG_FIRMWARE_CONDUIT_KUNIT_TEST)
static void public_claim_checks_its_id(struct kunit *test)
{
	struct conduit_gate *gate;

	KUNIT_EXPECT_EQ(test, PTR_ERR(conduit_claim(CONDUIT_NR)), -EINVAL);
	/* After initcalls: no gatekeeper, or final. */
	gate = conduit_claim(CONDUIT_HOST_SMC);
	KUNIT_EXPECT_EQ(test, PTR_ERR(gate),
			IS_ENABLED(CONFIG_FIRMWARE_CONDUIT_GATE_HOST_SMC) ?
			-EALREADY : -ENODEV);
}
#endif

/* ---- publish ---- */

static void published_error_reaches_every_consumer(struct kunit *test)
{
	struct test_block *early = new_block(test, 0, 0);
	struct test_block *late = new_block(test, 0, 0);
	struct conduit_gate *gate = claim_or_fail(test, A);
	struct device dev = {};

	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &early->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, -ENODEV), 0);
	KUNIT_EXPECT_EQ(test, early->status, -ENODEV);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &late->crb), 0);
	KUNIT_EXPECT_EQ(test, late->status, -ENODEV);
	KUNIT_EXPECT_EQ(test, status_of(A), -ENODEV);
	KUNIT_EXPECT_EQ(test, wait_on(A), -ENODEV);
	KUNIT_EXPECT_EQ(test, conduit_wait_one(A, CONDUIT_WAIT_KILLABLE, 0,
					       NULL), -ENODEV);
	/* A final conduit records no device: nothing is touched. */
	KUNIT_EXPECT_EQ(test, conduit_defer_one(A, &dev), -ENODEV);
}

static void publish_refuses_reserved_and_out_of_range_statuses(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);
	int i;

	KUNIT_EXPECT_EQ(test, conduit_publish(gate, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_publish(gate, -MAX_ERRNO - 1), -EINVAL);
	for (i = 0; i < ARRAY_SIZE(reserved); i++)
		KUNIT_EXPECT_EQ(test, conduit_publish(gate, reserved[i]),
				-EINVAL);
	KUNIT_EXPECT_EQ(test, status_of(A), -EAGAIN);
	/* The gate is still held: a valid status goes through. */
	KUNIT_EXPECT_EQ(test, conduit_publish(gate, -MAX_ERRNO), 0);
	KUNIT_EXPECT_EQ(test, status_of(A), -MAX_ERRNO);
}

static void second_publish_returns_ealready_and_keeps_the_first(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);

	KUNIT_ASSERT_EQ(test, conduit_publish(gate, -EIO), 0);
	KUNIT_EXPECT_EQ(test, conduit_publish(gate, 0), -EALREADY);
	KUNIT_EXPECT_EQ(test, status_of(A), -EIO);
}

static int publish_from_kthread_fn(void *data)
{
	struct publisher *p = data;

	p->ret = conduit_publish(&p->c->gate, 0);
	complete(&p->done);
	return 0;
}

static void publish_by_another_task_returns_eperm(struct kunit *test)
{
	struct publisher *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct conduit_gate *gate = claim_or_fail(test, A);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->c = A;
	init_completion(&p->done);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(publish_from_kthread_fn, p,
						    "conduit-thief")));
	KUNIT_ASSERT_TRUE(test, publisher_done(p));
	KUNIT_EXPECT_EQ(test, p->ret, -EPERM);
	KUNIT_EXPECT_EQ(test, status_of(A), -EAGAIN);
	/* Nor can anyone publish an unclaimed conduit. */
	KUNIT_EXPECT_EQ(test, conduit_publish(&B->gate, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, status_of(B), -EAGAIN);
	KUNIT_EXPECT_EQ(test, conduit_publish(gate, 0), 0);
}

static void publish_rejects_a_missing_or_forged_gate(struct kunit *test)
{
	struct conduit_gate forged = { .conduit = A };
	struct conduit_gate *gate = claim_or_fail(test, A);

	KUNIT_EXPECT_EQ(test, conduit_publish(NULL, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_publish(&forged, 0), -EINVAL);
	forged.conduit = NULL;
	KUNIT_EXPECT_EQ(test, conduit_publish(&forged, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, status_of(A), -EAGAIN);
	KUNIT_EXPECT_EQ(test, conduit_publish(gate, 0), 0);
}

static void publish_after_the_deadline_returns_ealready(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);

	conduit_expire(A);
	KUNIT_EXPECT_EQ(test, status_of(A), -ENOLINK);
	if (IS_ENABLED(CONFIG_LOCKDEP) && debug_locks)
		KUNIT_EXPECT_FALSE(test, lock_is_held(&A->gate_map));
	KUNIT_EXPECT_EQ(test, conduit_publish(gate, 0), -EALREADY);
	KUNIT_EXPECT_EQ(test, status_of(A), -ENOLINK);
}

static void every_offender_is_named(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);

	KUNIT_EXPECT_EQ(test, PTR_ERR(conduit_claim_one(A, NULL)), -EBUSY);
	KUNIT_EXPECT_EQ(test, PTR_ERR(conduit_claim_one(U, NULL)), -ENODEV);
	KUNIT_EXPECT_EQ(test, conduit_publish(&B->gate, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, PTR_ERR(conduit_claim_one(A, NULL)), -EBUSY);
	KUNIT_EXPECT_EQ(test, conduit_nr_misuse, 4U);
	KUNIT_EXPECT_EQ(test, conduit_nr_warnings, 4U);
	KUNIT_EXPECT_EQ(test, conduit_publish(gate, 0), 0);
}

static void warnings_are_ratelimited(struct kunit *test)
{
	int i;

	for (i = 0; i < 25; i++)
		conduit_claim_one(U, NULL);
	KUNIT_EXPECT_EQ(test, conduit_nr_misuse, 25U);
	KUNIT_EXPECT_GE(test, conduit_nr_warnings, 1U);
	KUNIT_EXPECT_LT(test, conduit_nr_warnings, 25U);
}

/* ---- bad input ---- */

static void bad_id_is_rejected_everywhere(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);
	struct device dev = {};
	enum conduit_id bad = (enum conduit_id)CONDUIT_NR;

	KUNIT_EXPECT_EQ(test, conduit_status(bad), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_status((enum conduit_id)-1), -EINVAL);
	KUNIT_EXPECT_EQ(test, wait_for_conduit(bad), -EINVAL);
	KUNIT_EXPECT_EQ(test, wait_for_conduit_timeout(bad, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, wait_for_conduit_killable(bad), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_ready_or_defer(&dev, bad), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_ready_register(bad, &tb->crb), -EINVAL);
	KUNIT_EXPECT_EQ(test, tb->calls, 0);
}

static void register_rejects_a_missing_block_or_callback(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	KUNIT_EXPECT_EQ(test, conduit_register_one(A, NULL), -EINVAL);
	tb->crb.ready = NULL;
	KUNIT_EXPECT_EQ(test, conduit_register_one(A, &tb->crb), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_ready_unregister(NULL), -EINVAL);
}

static void registering_a_queued_block_again_returns_eexist(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);
	struct conduit_gate *gate = claim_or_fail(test, A);

	KUNIT_EXPECT_EQ(test, conduit_register_one(A, &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, conduit_register_one(A, &tb->crb), -EEXIST);
	KUNIT_EXPECT_EQ(test, conduit_register_one(B, &tb->crb), -EEXIST);
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
}

static void registering_a_block_whose_callback_ran_returns_eexist(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	KUNIT_EXPECT_EQ(test, conduit_register_one(U, &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, conduit_register_one(U, &tb->crb), -EEXIST);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
}

static void unregistering_an_unregistered_block_returns_enoent(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	KUNIT_EXPECT_EQ(test, conduit_ready_unregister(&tb->crb), -ENOENT);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, conduit_ready_unregister(&tb->crb), 0);
	KUNIT_EXPECT_EQ(test, conduit_ready_unregister(&tb->crb), -ENOENT);
}

static void ready_or_defer_rejects_a_missing_device(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, conduit_ready_or_defer(NULL, CONDUIT_FFA),
			-EINVAL);
}

/* ---- waiting ---- */

static void timed_wait_returns_the_status_published_in_time(struct kunit *test)
{
	struct completion go;
	struct publisher *p;
	struct waiter *w;

	init_completion(&go);
	p = start_publisher(test, A, -ENXIO, &go);
	w = start_waiter(test, A, WAIT_TIMEOUT, NULL);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(A, 1));
	complete(&go);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	KUNIT_EXPECT_EQ(test, w->ret, -ENXIO);
	KUNIT_ASSERT_TRUE(test, publisher_done(p));
}

static void sleeping_waiter_is_woken_by_publish(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);
	struct waiter *w;

	w = start_waiter(test, A, WAIT_PLAIN, NULL);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(A, 1));
	KUNIT_EXPECT_FALSE(test, completion_done(&w->done));
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	KUNIT_EXPECT_EQ(test, w->ret, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&A->nr_waiters), 0);
}

static void publish_of_one_conduit_does_not_release_waiters_of_another(struct kunit *test)
{
	struct conduit_gate *ga = claim_or_fail(test, A);
	struct conduit_gate *gb = claim_or_fail(test, B);
	struct waiter *w;

	w = start_waiter(test, B, WAIT_PLAIN, NULL);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(B, 1));
	KUNIT_ASSERT_EQ(test, conduit_publish(ga, 0), 0);
	msleep(20);
	KUNIT_EXPECT_FALSE(test, completion_done(&w->done));
	KUNIT_ASSERT_EQ(test, conduit_publish(gb, -EIO), 0);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	KUNIT_EXPECT_EQ(test, w->ret, -EIO);
}

#define NR_WAITERS 16

static void one_publish_wakes_every_waiter(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);
	struct waiter *w[NR_WAITERS];
	atomic_t woken = ATOMIC_INIT(0);
	int i;

	for (i = 0; i < NR_WAITERS; i++)
		w[i] = start_waiter(test, A, i % 3 == 0 ? WAIT_KILLABLE :
				    i % 3 == 1 ? WAIT_TIMEOUT : WAIT_PLAIN,
				    &woken);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(A, NR_WAITERS));
	KUNIT_EXPECT_EQ(test, atomic_read(&woken), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, -EPIPE), 0);
	for (i = 0; i < NR_WAITERS; i++) {
		KUNIT_ASSERT_TRUE(test, waiter_done(w[i]));
		KUNIT_EXPECT_EQ(test, w[i]->ret, -EPIPE);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&woken), NR_WAITERS);
}

static void killable_wait_ends_with_erestartsys_on_sigkill(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);
	struct waiter *w;

	w = start_waiter(test, A, WAIT_KILLABLE, NULL);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(A, 1));
	send_sig(SIGKILL, w->task, 1);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	KUNIT_EXPECT_EQ(test, w->ret, -ERESTARTSYS);
	KUNIT_EXPECT_EQ(test, status_of(A), -EAGAIN);
	KUNIT_EXPECT_EQ(test, conduit_publish(gate, 0), 0);
}

static void killable_wait_returns_the_published_status(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);
	struct waiter *w;

	w = start_waiter(test, A, WAIT_KILLABLE, NULL);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(A, 1));
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	KUNIT_EXPECT_EQ(test, w->ret, 0);
}

static void huge_timeout_waits_like_no_timeout(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);
	struct waiter *w;

	w = start_waiter(test, A, WAIT_TIMEOUT, NULL);
	w->timeout = ULONG_MAX;
	KUNIT_ASSERT_TRUE(test, sleepers_reach(A, 1));
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, -EREMOTEIO), 0);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	KUNIT_EXPECT_EQ(test, w->ret, -EREMOTEIO);
}

/* ---- waits that cannot end, and lockdep ---- */

static void wait_by_the_gate_holder_returns_edeadlk(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);

	KUNIT_EXPECT_EQ(test, wait_on(A), -EDEADLK);
	KUNIT_EXPECT_EQ(test, conduit_wait_one(A, CONDUIT_WAIT_TIMEOUT, HZ,
					       NULL), -EDEADLK);
	KUNIT_EXPECT_EQ(test, conduit_wait_one(A, CONDUIT_WAIT_KILLABLE, 0,
					       NULL), -EDEADLK);
	KUNIT_EXPECT_EQ(test, conduit_nr_warnings, 3U);
	KUNIT_EXPECT_EQ(test, atomic_read(&A->nr_waiters), 0);
	KUNIT_EXPECT_EQ(test, conduit_publish(gate, 0), 0);
}

static void init_task_wait_on_an_unclaimed_conduit_returns_edeadlk(struct kunit *test)
{
	be_the_init_task(test);
	KUNIT_EXPECT_EQ(test, wait_on(A), -EDEADLK);
	KUNIT_EXPECT_EQ(test, conduit_nr_warnings, 1U);
	/* A final conduit is no deadlock. */
	KUNIT_EXPECT_EQ(test, wait_on(U), 0);
}

static void init_task_waits_for_a_publisher_in_a_kthread(struct kunit *test)
{
	struct completion go;
	struct publisher *p;
	struct waiter *w;

	be_the_init_task(test);
	init_completion(&go);
	p = start_publisher(test, A, -ENOENT, &go);
	/* Let it publish once this task sleeps in the wait below. */
	w = start_waiter(test, B, WAIT_TIMEOUT, NULL);
	w->timeout = HZ / 10;
	complete(&go);
	KUNIT_EXPECT_EQ(test, wait_on(A), -ENOENT);
	KUNIT_ASSERT_TRUE(test, publisher_done(p));
	KUNIT_EXPECT_EQ(test, p->ret, 0);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	KUNIT_EXPECT_EQ(test, conduit_nr_misuse, 0U);
}

static void publisher_in_a_kthread_is_not_misreported(struct kunit *test)
{
	struct completion go;
	struct publisher *p;
	struct waiter *w;

	init_completion(&go);
	p = start_publisher(test, A, 0, &go);
	w = start_waiter(test, A, WAIT_PLAIN, NULL);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(A, 1));
	complete(&go);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	KUNIT_EXPECT_EQ(test, w->ret, 0);
	KUNIT_ASSERT_TRUE(test, publisher_done(p));
	KUNIT_EXPECT_EQ(test, conduit_nr_misuse, 0U);
	KUNIT_EXPECT_TRUE(test, !IS_ENABLED(CONFIG_PROVE_LOCKING) ||
			  debug_locks);
}

struct work_publisher {
	struct work_struct work;
	struct conduit *c;
	int status;
	int ret;
};

static void work_publisher_fn(struct work_struct *work)
{
	struct work_publisher *wp = container_of(work, struct work_publisher,
						 work);
	struct conduit_gate *gate = conduit_claim_one(wp->c, NULL);

	wp->ret = IS_ERR(gate) ? PTR_ERR(gate) :
		  conduit_publish(gate, wp->status);
}

static void publisher_in_a_workqueue_is_not_misreported(struct kunit *test)
{
	struct work_publisher *wp = kunit_kzalloc(test, sizeof(*wp),
						  GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, wp);
	wp->c = A;
	wp->status = -ECONNREFUSED;
	INIT_WORK(&wp->work, work_publisher_fn);
	queue_work(system_dfl_wq, &wp->work);
	KUNIT_EXPECT_EQ(test, wait_on(A), -ECONNREFUSED);
	flush_work(&wp->work);
	KUNIT_EXPECT_EQ(test, wp->ret, 0);
	KUNIT_EXPECT_EQ(test, conduit_nr_misuse, 0U);
	KUNIT_EXPECT_TRUE(test, !IS_ENABLED(CONFIG_PROVE_LOCKING) ||
			  debug_locks);
}

/* ---- callbacks ---- */

static void registration_on_a_final_conduit_runs_at_once(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);
	struct conduit_gate *gate = claim_or_fail(test, A);

	KUNIT_ASSERT_EQ(test, conduit_publish(gate, -EACCES), 0);
	KUNIT_EXPECT_EQ(test, conduit_register_one(A, &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
	KUNIT_EXPECT_EQ(test, tb->status, -EACCES);
	KUNIT_EXPECT_PTR_EQ(test, tb->task, current);
}

static void registration_on_an_ungated_conduit_runs_with_zero(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	tb->status = 1;
	KUNIT_EXPECT_EQ(test, conduit_register_one(U, &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
	KUNIT_EXPECT_EQ(test, tb->status, 0);
}

static void pending_registration_runs_in_the_publisher_context(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);
	struct completion go;
	struct publisher *p;

	init_completion(&go);
	p = start_publisher(test, A, -ENOENT, &go);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 0);
	complete(&go);
	KUNIT_ASSERT_TRUE(test, publisher_done(p));
	KUNIT_EXPECT_EQ(test, p->ret, 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
	KUNIT_EXPECT_EQ(test, tb->status, -ENOENT);
	KUNIT_EXPECT_PTR_EQ(test, tb->task, p->task);
}

static void callbacks_run_highest_priority_first(struct kunit *test)
{
	static const int prio[] = { 0, 10, -5, 3, 100 };
	static const int want[] = { 4, 1, 3, 0, 2 };
	struct conduit_gate *gate = claim_or_fail(test, A);
	int log[MAX_LOG], len = 0, i;

	for (i = 0; i < ARRAY_SIZE(prio); i++) {
		struct test_block *tb = new_block(test, prio[i], i);

		tb->log = log;
		tb->log_len = &len;
		KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb), 0);
	}
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	KUNIT_ASSERT_EQ(test, len, (int)ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++)
		KUNIT_EXPECT_EQ(test, log[i], want[i]);
}

static void callbacks_of_equal_priority_run_in_registration_order(struct kunit *test)
{
	struct conduit_gate *ga = claim_or_fail(test, A);
	struct conduit_gate *gb = claim_or_fail(test, B);
	int log[MAX_LOG], len = 0, i;

	for (i = 0; i < 6; i++) {
		struct test_block *tb = new_block(test, 7, i);

		tb->log = log;
		tb->log_len = &len;
		/* Interleave with blocks on another conduit. */
		KUNIT_ASSERT_EQ(test, conduit_register_one(i & 1 ? B : A,
							   &tb->crb), 0);
	}
	KUNIT_ASSERT_EQ(test, conduit_publish(gb, 0), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(ga, 0), 0);
	KUNIT_ASSERT_EQ(test, len, 6);
	KUNIT_EXPECT_EQ(test, log[0], 1);
	KUNIT_EXPECT_EQ(test, log[1], 3);
	KUNIT_EXPECT_EQ(test, log[2], 5);
	KUNIT_EXPECT_EQ(test, log[3], 0);
	KUNIT_EXPECT_EQ(test, log[4], 2);
	KUNIT_EXPECT_EQ(test, log[5], 4);
}

static void callback_runs_exactly_once(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);
	struct conduit_gate *gate = claim_or_fail(test, A);

	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	KUNIT_EXPECT_EQ(test, conduit_publish(gate, 0), -EALREADY);
	conduit_expire(A);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
}

static void sleep_in_callback(struct test_block *tb)
{
	msleep(20);
	tb->ret = wait_on(tb->crb.conduit);
}

static void callback_may_sleep_and_sees_the_conduit_final(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);
	struct conduit_gate *gate = claim_or_fail(test, A);

	tb->action = sleep_in_callback;
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, -EBADE), 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
	KUNIT_EXPECT_EQ(test, tb->ret, -EBADE);
}

static void register_from_callback(struct test_block *tb)
{
	struct test_block *inner = tb->arg;

	tb->ret = conduit_register_one(inner->tag ? B : A, &inner->crb);
}

static void callback_may_register_another_callback(struct kunit *test)
{
	struct test_block *outer = new_block(test, 0, 0);
	struct test_block *same = new_block(test, 0, 0);
	struct test_block *other = new_block(test, 0, 1);
	struct test_block *outer2 = new_block(test, 0, 0);
	struct conduit_gate *ga = claim_or_fail(test, A);
	struct conduit_gate *gb = claim_or_fail(test, B);

	outer->action = register_from_callback;
	outer->arg = same;
	outer2->action = register_from_callback;
	outer2->arg = other;
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &outer->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &outer2->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(ga, 0), 0);
	KUNIT_EXPECT_EQ(test, outer->ret, 0);
	KUNIT_EXPECT_EQ(test, outer2->ret, 0);
	/* On the published conduit: replayed inside the outer callback. */
	KUNIT_EXPECT_EQ(test, same->calls, 1);
	/* On a pending conduit: queued for its publish. */
	KUNIT_EXPECT_EQ(test, other->calls, 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(gb, -EIO), 0);
	KUNIT_EXPECT_EQ(test, other->calls, 1);
	KUNIT_EXPECT_EQ(test, other->status, -EIO);
}

static void publish_from_callback(struct test_block *tb)
{
	tb->ret = conduit_publish(tb->arg, tb->status);
}

static void callback_may_publish_another_conduit(struct kunit *test)
{
	struct test_block *link = new_block(test, 0, 0);
	struct test_block *end = new_block(test, 0, 0);
	struct conduit_gate *ga = claim_or_fail(test, A);

	link->action = publish_from_callback;
	/* The callback runs in this task, which holds B's gate too. */
	link->arg = claim_or_fail(test, B);
	KUNIT_ASSERT_EQ(test, conduit_register_one(B, &end->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &link->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(ga, -ENODEV), 0);
	KUNIT_EXPECT_EQ(test, link->ret, 0);
	KUNIT_EXPECT_EQ(test, status_of(B), -ENODEV);
	KUNIT_EXPECT_EQ(test, end->calls, 1);
	KUNIT_EXPECT_EQ(test, end->status, -ENODEV);
}

static void wait_for_waiter(struct test_block *tb)
{
	struct waiter *w = tb->arg;

	tb->ret = wait_for_completion_timeout(&w->done, TEST_TIMEOUT) ?
		  1 : -ETIME;
}

static void waiters_are_woken_before_callbacks_run(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);
	struct conduit_gate *gate = claim_or_fail(test, A);
	struct waiter *w;

	w = start_waiter(test, A, WAIT_PLAIN, NULL);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(A, 1));
	tb->action = wait_for_waiter;
	tb->arg = w;
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	/* The callback saw the waiter return while it was still running. */
	KUNIT_EXPECT_EQ(test, tb->ret, 1);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	KUNIT_EXPECT_EQ(test, w->ret, 0);
}

static int static_block_calls;

static void static_block_ready(struct conduit_ready_block *crb, int status)
{
	static_block_calls++;
}

static DEFINE_CONDUIT_READY_BLOCK(static_block, static_block_ready, 3);

static void static_initialiser_makes_a_usable_block(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);

	static_block_calls = 0;
	KUNIT_EXPECT_EQ(test, static_block.priority, 3);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &static_block), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	KUNIT_EXPECT_EQ(test, static_block_calls, 1);
	KUNIT_EXPECT_EQ(test, conduit_ready_unregister(&static_block), 0);
}

/* ---- unregister ---- */

static void unregistered_block_is_not_called(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);
	struct conduit_gate *gate = claim_or_fail(test, A);

	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, conduit_ready_unregister(&tb->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 0);
}

static void unregister_after_the_callback_ran_returns_zero(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);
	struct conduit_gate *gate = claim_or_fail(test, A);

	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	KUNIT_ASSERT_EQ(test, tb->calls, 1);
	KUNIT_EXPECT_EQ(test, conduit_ready_unregister(&tb->crb), 0);
}

static void unregistered_block_may_be_registered_again(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	KUNIT_ASSERT_EQ(test, conduit_register_one(U, &tb->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_ready_unregister(&tb->crb), 0);
	KUNIT_EXPECT_EQ(test, conduit_register_one(U, &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 2);
}

struct blocking_cb {
	struct test_block tb;
	struct completion entered;
	struct completion release;
	bool returned;
};

static void block_in_callback(struct test_block *tb)
{
	struct blocking_cb *bc = container_of(tb, struct blocking_cb, tb);

	complete(&bc->entered);
	wait_for_completion_timeout(&bc->release, TEST_TIMEOUT);
	WRITE_ONCE(bc->returned, true);
}

static struct blocking_cb *new_blocking_cb(struct kunit *test)
{
	struct blocking_cb *bc = kunit_kzalloc(test, sizeof(*bc), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, bc);
	bc->tb.crb.ready = test_block_ready;
	bc->tb.test = test;
	bc->tb.action = block_in_callback;
	init_completion(&bc->entered);
	init_completion(&bc->release);
	return bc;
}

struct unregisterer {
	struct blocking_cb *bc;
	int ret;
	bool callback_returned;
	struct completion done;
};

static int unregister_fn(void *data)
{
	struct unregisterer *u = data;

	u->ret = conduit_ready_unregister(&u->bc->tb.crb);
	u->callback_returned = READ_ONCE(u->bc->returned);
	complete(&u->done);
	return 0;
}

static void unregister_waits_for_a_running_callback(struct kunit *test)
{
	struct blocking_cb *bc = new_blocking_cb(test);
	struct unregisterer *u = kunit_kzalloc(test, sizeof(*u), GFP_KERNEL);
	struct completion go;
	struct publisher *p;

	KUNIT_ASSERT_NOT_NULL(test, u);
	u->bc = bc;
	init_completion(&u->done);
	init_completion(&go);
	p = start_publisher(test, A, 0, &go);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &bc->tb.crb), 0);
	complete(&go);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&bc->entered,
							    TEST_TIMEOUT));
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(unregister_fn, u,
						    "conduit-unreg")));
	msleep(50);
	KUNIT_EXPECT_FALSE(test, completion_done(&u->done));
	complete(&bc->release);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&u->done,
							    TEST_TIMEOUT));
	KUNIT_EXPECT_EQ(test, u->ret, 0);
	KUNIT_EXPECT_TRUE(test, u->callback_returned);
	KUNIT_ASSERT_TRUE(test, publisher_done(p));
	KUNIT_EXPECT_EQ(test, bc->tb.calls, 1);
}

static void unregister_self(struct test_block *tb)
{
	tb->ret = conduit_ready_unregister(&tb->crb);
}

static void callback_unregistering_its_own_block_returns_edeadlk(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);
	struct test_block *replayed = new_block(test, 0, 0);
	struct conduit_gate *gate = claim_or_fail(test, A);

	tb->action = unregister_self;
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	KUNIT_EXPECT_EQ(test, tb->ret, -EDEADLK);
	KUNIT_EXPECT_EQ(test, conduit_nr_warnings, 1U);
	/* The same from a callback replayed at registration. */
	replayed->action = unregister_self;
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &replayed->crb), 0);
	KUNIT_EXPECT_EQ(test, replayed->ret, -EDEADLK);
	/* Afterwards the blocks unregister normally. */
	KUNIT_EXPECT_EQ(test, conduit_ready_unregister(&tb->crb), 0);
	KUNIT_EXPECT_EQ(test, conduit_ready_unregister(&replayed->crb), 0);
}

struct releaser {
	struct blocking_cb *bc;
	struct completion *unregistering;
};

static int release_later_fn(void *data)
{
	struct releaser *r = data;

	wait_for_completion_timeout(r->unregistering, TEST_TIMEOUT);
	msleep(30);
	complete(&r->bc->release);
	return 0;
}

static void unregister_other(struct test_block *tb)
{
	struct releaser *r = tb->arg;

	complete(r->unregistering);
	tb->ret = conduit_ready_unregister(&r->bc->tb.crb);
	tb->status = READ_ONCE(r->bc->returned);
}

static void callback_unregistering_a_block_running_elsewhere_waits(struct kunit *test)
{
	struct blocking_cb *bc = new_blocking_cb(test);
	struct test_block *tb = new_block(test, 0, 0);
	struct releaser *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct completion unregistering, go;
	struct conduit_gate *gate;
	struct publisher *p;

	KUNIT_ASSERT_NOT_NULL(test, r);
	init_completion(&unregistering);
	init_completion(&go);
	r->bc = bc;
	r->unregistering = &unregistering;
	/* B's callback runs, and blocks, in a kthread that published B. */
	p = start_publisher(test, B, 0, &go);
	KUNIT_ASSERT_EQ(test, conduit_register_one(B, &bc->tb.crb), 0);
	complete(&go);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&bc->entered,
							    TEST_TIMEOUT));
	/* A's callback, run by this task, unregisters B's block. */
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(release_later_fn, r,
						    "conduit-release")));
	tb->action = unregister_other;
	tb->arg = r;
	gate = claim_or_fail(test, A);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	KUNIT_EXPECT_EQ(test, tb->ret, 0);
	/* It returned only after the other callback had. */
	KUNIT_EXPECT_EQ(test, tb->status, 1);
	KUNIT_ASSERT_TRUE(test, publisher_done(p));
	KUNIT_EXPECT_EQ(test, conduit_nr_misuse, 0U);
	KUNIT_EXPECT_TRUE(test, !IS_ENABLED(CONFIG_PROVE_LOCKING) ||
			  debug_locks);
}

#define NR_RACERS 4
#define NR_RACE_BLOCKS 64

struct racer {
	struct test_block *tb[NR_RACE_BLOCKS];
	int register_ret[NR_RACE_BLOCKS];
	int calls_at_unregister[NR_RACE_BLOCKS];
	int unregister_ret[NR_RACE_BLOCKS];
	struct completion started;
	struct completion done;
};

static void count_in_callback(struct test_block *tb)
{
	/* Widen the window in which unregister() meets a running callback. */
	usleep_range(10, 30);
}

static int racer_fn(void *data)
{
	struct racer *r = data;
	int i;

	complete(&r->started);
	for (i = 0; i < NR_RACE_BLOCKS; i++) {
		r->register_ret[i] = conduit_register_one(A, &r->tb[i]->crb);
		if (i & 1) {
			r->unregister_ret[i] =
				conduit_ready_unregister(&r->tb[i]->crb);
			r->calls_at_unregister[i] = READ_ONCE(r->tb[i]->calls);
		}
		cond_resched();
	}
	complete(&r->done);
	return 0;
}

static void register_and_unregister_race_publish_safely(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);
	struct racer *r[NR_RACERS];
	int i, j;

	for (i = 0; i < NR_RACERS; i++) {
		r[i] = kunit_kzalloc(test, sizeof(*r[i]), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, r[i]);
		init_completion(&r[i]->started);
		init_completion(&r[i]->done);
		for (j = 0; j < NR_RACE_BLOCKS; j++) {
			r[i]->tb[j] = new_block(test, j % 5, j);
			r[i]->tb[j]->action = count_in_callback;
		}
	}
	for (i = 0; i < NR_RACERS; i++)
		KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(racer_fn, r[i],
							    "conduit-race")));
	for (i = 0; i < NR_RACERS; i++)
		KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&r[i]->started,
								    TEST_TIMEOUT));
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	for (i = 0; i < NR_RACERS; i++)
		KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&r[i]->done,
								    TEST_TIMEOUT));

	for (i = 0; i < NR_RACERS; i++) {
		for (j = 0; j < NR_RACE_BLOCKS; j++) {
			struct test_block *tb = r[i]->tb[j];

			KUNIT_EXPECT_EQ(test, r[i]->register_ret[j], 0);
			if (j & 1) {
				/* Ran at most once, and never after unregister. */
				KUNIT_EXPECT_EQ(test, r[i]->unregister_ret[j], 0);
				KUNIT_EXPECT_LE(test, tb->calls, 1);
				KUNIT_EXPECT_EQ(test, tb->calls,
						r[i]->calls_at_unregister[j]);
			} else {
				KUNIT_EXPECT_EQ(test, tb->calls, 1);
			}
		}
	}
}

/* ---- deadline ---- */

static void deadline_fails_a_claimed_conduit_with_enolink(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);
	struct completion go;
	struct publisher *p;
	struct waiter *w;

	init_completion(&go);
	p = start_publisher(test, A, 0, &go);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb), 0);
	w = start_waiter(test, A, WAIT_PLAIN, NULL);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(A, 1));
	conduit_expire(A);
	KUNIT_EXPECT_EQ(test, status_of(A), -ENOLINK);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
	KUNIT_EXPECT_EQ(test, tb->status, -ENOLINK);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	KUNIT_EXPECT_EQ(test, w->ret, -ENOLINK);
	/* The late publisher then learns that it missed the deadline. */
	complete(&go);
	KUNIT_ASSERT_TRUE(test, publisher_done(p));
	KUNIT_EXPECT_EQ(test, p->ret, -EALREADY);
}

static void deadline_fails_an_unclaimed_conduit(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb->crb), 0);
	conduit_expire(A);
	KUNIT_EXPECT_EQ(test, tb->status, -ENOLINK);
	KUNIT_EXPECT_EQ(test, wait_on(A), -ENOLINK);
}

static void deadline_leaves_final_conduits_alone(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);

	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	conduit_expire(A);
	conduit_expire(U);
	KUNIT_EXPECT_EQ(test, status_of(A), 0);
	KUNIT_EXPECT_EQ(test, status_of(U), 0);
}

/* ---- re-probe of devices that deferred ---- */

struct probe_log {
	struct conduit *on;
	/* optional: a gatekeeper's probe claims and publishes this one */
	struct conduit *gates;
	int publish_status;
	atomic_t calls;
	int last_ret;
	struct work_struct *last_work;
};

static struct probe_log plog;

static int defer_probe(struct platform_device *pdev)
{
	struct conduit_gate *gate;
	int ret;

	atomic_inc(&plog.calls);
	plog.last_work = current_work();
	ret = conduit_defer_one(plog.on, &pdev->dev);
	if (!ret && plog.gates) {
		gate = conduit_claim_one(plog.gates, NULL);
		ret = IS_ERR(gate) ? PTR_ERR(gate) :
		      conduit_publish(gate, plog.publish_status);
	}
	plog.last_ret = ret;
	return ret;
}

static struct platform_driver defer_driver = {
	.probe = defer_probe,
	.driver = {
		.name = "conduit-kunit-defer",
	},
};

static void defer_device_remove(void *pdev)
{
	platform_device_unregister(pdev);
}

static void defer_driver_remove(void *unused)
{
	platform_driver_unregister(&defer_driver);
}

/* Register the driver and a device that defers on @on. */
static struct platform_device *deferred_device(struct kunit *test,
					       struct conduit *on)
{
	struct platform_device *pdev;

	memset(&plog, 0, sizeof(plog));
	plog.on = on;
	KUNIT_ASSERT_EQ(test, platform_driver_register(&defer_driver), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							defer_driver_remove,
							NULL), 0);
	pdev = platform_device_register_simple("conduit-kunit-defer", -1,
					       NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pdev));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							defer_device_remove,
							pdev), 0);
	wait_for_device_probe();
	KUNIT_EXPECT_EQ(test, atomic_read(&plog.calls), 1);
	KUNIT_EXPECT_EQ(test, plog.last_ret, -EPROBE_DEFER);
	KUNIT_EXPECT_FALSE(test, device_is_bound(&pdev->dev));
	return pdev;
}

static void ready_or_defer_follows_the_conduit(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, B);
	struct device dev = {};

	KUNIT_EXPECT_EQ(test, conduit_defer_one(U, &dev), 0);
	KUNIT_EXPECT_EQ(test, conduit_ready_or_defer(&dev, CONDUIT_FFA),
			conduit_status(CONDUIT_FFA));
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, -ENODEV), 0);
	KUNIT_EXPECT_EQ(test, conduit_defer_one(B, &dev), -ENODEV);
	KUNIT_EXPECT_EQ(test, B->nr_devices, 0U);
}

static void publish_probes_a_deferred_device_again_at_once(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);
	struct platform_device *pdev = deferred_device(test, A);

	KUNIT_EXPECT_EQ(test, A->nr_devices, 1U);
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	flush_work(&conduit_reprobe_work);
	KUNIT_EXPECT_TRUE(test, device_is_bound(&pdev->dev));
	KUNIT_EXPECT_EQ(test, atomic_read(&plog.calls), 2);
	KUNIT_EXPECT_EQ(test, plog.last_ret, 0);
	/* By the core's work, not by deferred probing. */
	KUNIT_EXPECT_PTR_EQ(test, plog.last_work, &conduit_reprobe_work);
	KUNIT_EXPECT_EQ(test, A->nr_devices, 0U);
}

static void failed_publish_ends_the_deferral_with_the_error(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);
	struct platform_device *pdev = deferred_device(test, A);

	KUNIT_ASSERT_EQ(test, conduit_publish(gate, -EHOSTDOWN), 0);
	flush_work(&conduit_reprobe_work);
	KUNIT_EXPECT_FALSE(test, device_is_bound(&pdev->dev));
	KUNIT_EXPECT_EQ(test, atomic_read(&plog.calls), 2);
	KUNIT_EXPECT_EQ(test, plog.last_ret, -EHOSTDOWN);
}

static void deferred_device_is_recorded_once(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);
	struct platform_device *pdev = deferred_device(test, A);

	KUNIT_EXPECT_EQ(test, conduit_defer_one(A, &pdev->dev), -EPROBE_DEFER);
	KUNIT_EXPECT_EQ(test, conduit_defer_one(A, &pdev->dev), -EPROBE_DEFER);
	KUNIT_EXPECT_EQ(test, A->nr_devices, 1U);
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	flush_work(&conduit_reprobe_work);
	KUNIT_EXPECT_EQ(test, atomic_read(&plog.calls), 2);
}

static void deadline_probes_deferred_devices_again(struct kunit *test)
{
	struct platform_device *pdev = deferred_device(test, A);

	conduit_expire(A);
	flush_work(&conduit_reprobe_work);
	KUNIT_EXPECT_FALSE(test, device_is_bound(&pdev->dev));
	KUNIT_EXPECT_EQ(test, plog.last_ret, -ENOLINK);
	KUNIT_EXPECT_EQ(test, atomic_read(&plog.calls), 2);
}

static void removed_device_is_not_probed_again(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);
	struct platform_device *pdev;

	memset(&plog, 0, sizeof(plog));
	plog.on = A;
	KUNIT_ASSERT_EQ(test, platform_driver_register(&defer_driver), 0);
	pdev = platform_device_register_simple("conduit-kunit-defer", -1,
					       NULL, 0);
	if (IS_ERR(pdev)) {
		platform_driver_unregister(&defer_driver);
		KUNIT_FAIL(test, "cannot register the test device");
		conduit_publish(gate, 0);
		return;
	}
	wait_for_device_probe();
	platform_device_unregister(pdev);
	KUNIT_EXPECT_EQ(test, A->nr_devices, 1U);
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	flush_work(&conduit_reprobe_work);
	KUNIT_EXPECT_EQ(test, atomic_read(&plog.calls), 1);
	platform_driver_unregister(&defer_driver);
}

/*
 * The FF-A pattern: a gatekeeper's device defers on B, is probed again from
 * the core's work once B is published, and publishes A from there. The init
 * task, waiting on A meanwhile, waits for that work instead of being told
 * -EDEADLK.
 */
static void init_task_waits_for_a_gatekeeper_probed_again(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, B);
	struct platform_device *pdev = deferred_device(test, B);

	plog.gates = A;
	plog.publish_status = -ECHILD;
	be_the_init_task(test);
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	KUNIT_EXPECT_EQ(test, wait_on(A), -ECHILD);
	flush_work(&conduit_reprobe_work);
	KUNIT_EXPECT_TRUE(test, device_is_bound(&pdev->dev));
	KUNIT_EXPECT_PTR_EQ(test, plog.last_work, &conduit_reprobe_work);
	KUNIT_EXPECT_EQ(test, conduit_nr_misuse, 0U);
}

static void init_task_wait_ends_when_a_reprobe_leaves_it_unclaimed(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, B);

	deferred_device(test, B);
	be_the_init_task(test);
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	/* The probe does not claim A: nobody is left who could. */
	KUNIT_EXPECT_EQ(test, wait_on(A), -EDEADLK);
	flush_work(&conduit_reprobe_work);
	KUNIT_EXPECT_EQ(test, atomic_read(&plog.calls), 2);
}

/* ---- debugfs ---- */

#if IS_ENABLED(CONFIG_DEBUG_FS)
/* One line of /sys/kernel/debug/firmware_conduit, split into its fields. */
struct debugfs_line {
	char name[16];
	char gatekeeper[16];
	char state[16];
	int status;
	char claimant[128];
	unsigned long long published_ns;
	unsigned int callbacks;
	int waiters;
	unsigned int devices;
};

static void read_debugfs_line(struct kunit *test, struct conduit *c,
			      struct debugfs_line *l)
{
	struct seq_file m = { .size = PAGE_SIZE };

	m.buf = kunit_kzalloc(test, m.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.buf);
	mutex_lock(&conduit_lock);
	conduit_debugfs_show_one(&m, c);
	mutex_unlock(&conduit_lock);
	KUNIT_ASSERT_LT(test, m.count, m.size);
	KUNIT_ASSERT_EQ_MSG(test,
			    sscanf(m.buf, "%15s %15s %15s %d %127s %llu %u %d %u",
				   l->name, l->gatekeeper, l->state, &l->status,
				   l->claimant, &l->published_ns,
				   &l->callbacks, &l->waiters, &l->devices), 9,
			    "cannot parse: %s", m.buf);
	KUNIT_EXPECT_STREQ(test, l->name, c->name);
}

static void debugfs_shows_a_pending_conduit_and_its_claimant(struct kunit *test)
{
	struct conduit_gate *gate;
	struct debugfs_line l;

	read_debugfs_line(test, A, &l);
	KUNIT_EXPECT_STREQ(test, l.gatekeeper, "gated");
	KUNIT_EXPECT_STREQ(test, l.state, "pending");
	KUNIT_EXPECT_EQ(test, l.status, -EAGAIN);
	KUNIT_EXPECT_STREQ(test, l.claimant, "-");
	gate = conduit_claim_one(A, (void *)_THIS_IP_);
	KUNIT_ASSERT_FALSE(test, IS_ERR(gate));
	read_debugfs_line(test, A, &l);
	KUNIT_EXPECT_STREQ(test, l.claimant, __func__);
	KUNIT_EXPECT_EQ(test, l.published_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, conduit_publish(gate, 0), 0);
	read_debugfs_line(test, U, &l);
	KUNIT_EXPECT_STREQ(test, l.gatekeeper, "ungated");
	KUNIT_EXPECT_STREQ(test, l.state, "ready");
}

static void debugfs_counts_callbacks_waiters_and_devices(struct kunit *test)
{
	struct test_block *tb1 = new_block(test, 0, 1);
	struct test_block *tb2 = new_block(test, 0, 2);
	struct platform_device *pdev =
		platform_device_register_simple("conduit-kunit-x", -1, NULL, 0);
	struct conduit_gate *gate = claim_or_fail(test, A);
	struct debugfs_line l;
	struct waiter *w;

	if (IS_ERR(pdev))
		pdev = NULL;
	KUNIT_EXPECT_NOT_NULL(test, pdev);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb1->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_register_one(A, &tb2->crb), 0);
	if (pdev)
		KUNIT_EXPECT_EQ(test, conduit_defer_one(A, &pdev->dev),
				-EPROBE_DEFER);
	w = start_waiter(test, A, WAIT_PLAIN, NULL);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(A, 1));
	read_debugfs_line(test, A, &l);
	KUNIT_EXPECT_EQ(test, l.callbacks, 2U);
	KUNIT_EXPECT_EQ(test, l.waiters, 1);
	KUNIT_EXPECT_EQ(test, l.devices, pdev ? 1U : 0U);
	/* Drop the record: the device has no driver to probe it. */
	conduit_reset(A);
	if (pdev)
		platform_device_unregister(pdev);

	KUNIT_ASSERT_EQ(test, conduit_publish(gate, 0), 0);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	read_debugfs_line(test, A, &l);
	KUNIT_EXPECT_EQ(test, l.callbacks, 0U);
	KUNIT_EXPECT_EQ(test, l.waiters, 0);
	KUNIT_EXPECT_EQ(test, l.devices, 0U);
}

static void debugfs_shows_the_published_status_and_time(struct kunit *test)
{
	struct conduit_gate *gate = claim_or_fail(test, A);
	struct debugfs_line l;
	u64 before, after;

	before = ktime_get_boottime_ns();
	KUNIT_ASSERT_EQ(test, conduit_publish(gate, -EIO), 0);
	after = ktime_get_boottime_ns();
	read_debugfs_line(test, A, &l);
	KUNIT_EXPECT_STREQ(test, l.state, "failed");
	KUNIT_EXPECT_EQ(test, l.status, -EIO);
	KUNIT_EXPECT_GE(test, l.published_ns, before);
	KUNIT_EXPECT_LE(test, l.published_ns, after);
}
#endif /* CONFIG_DEBUG_FS */

/* ---- lockdep: this case must stay last, lockdep is off after it ---- */

struct flushed_waiter {
	struct work_struct work;
	int ret;
};

static void flushed_waiter_fn(struct work_struct *work)
{
	struct flushed_waiter *fw = container_of(work, struct flushed_waiter,
						 work);

	fw->ret = conduit_wait_one(A, CONDUIT_WAIT_TIMEOUT, HZ / 10, NULL);
}

/*
 * The init task holding pKVM's gate and flushing a worker that waits for
 * the host SMC conduit: the wait could only end by its timeout. lockdep
 * must see the cycle gate -> work -> gate, as it does for flush_work().
 */
static void gate_holder_flushing_a_waiting_worker_is_reported(struct kunit *test)
{
	struct flushed_waiter *fw = kunit_kzalloc(test, sizeof(*fw),
						  GFP_KERNEL);
	struct conduit_gate *gate;
	bool reported;

	if (!IS_ENABLED(CONFIG_PROVE_LOCKING))
		kunit_skip(test, "needs CONFIG_PROVE_LOCKING");
	if (!debug_locks)
		kunit_skip(test, "lockdep is already off");
	KUNIT_ASSERT_NOT_NULL(test, fw);
	INIT_WORK(&fw->work, flushed_waiter_fn);
	gate = claim_or_fail(test, A);

	debug_locks_silent = 1;
	queue_work(system_dfl_wq, &fw->work);
	flush_work(&fw->work);
	reported = !debug_locks;
	debug_locks_silent = 0;

	KUNIT_EXPECT_EQ(test, fw->ret, -ETIMEDOUT);
	KUNIT_EXPECT_TRUE(test, reported);
	KUNIT_EXPECT_EQ(test, conduit_publish(gate, 0), 0);
	if (reported)
		pr_info("conduit test: lockdep reported the cycle and is now off, as expected\n");
}

static struct kunit_case conduit_test_cases[] = {
	KUNIT_CASE(gated_conduit_starts_pending),
	KUNIT_CASE(ungated_conduit_is_ready_from_the_start),
	KUNIT_CASE(conduit_words_follow_the_gatekeepers_config),
	KUNIT_CASE(consumers_never_see_ready_before_the_publish),
	KUNIT_CASE(public_api_on_real_conduits),
	KUNIT_CASE(claim_makes_the_caller_the_owner),
	KUNIT_CASE(claim_of_an_ungated_conduit_returns_enodev),
	KUNIT_CASE(second_claim_returns_ebusy),
	KUNIT_CASE(claim_by_a_second_task_returns_ebusy),
	KUNIT_CASE(claim_of_a_final_conduit_returns_ealready),
	KUNIT_CASE(claim_records_its_caller),
	KUNIT_CASE(claim_holds_the_gate_for_lockdep),
#if IS_BUILTIN(CONFIG_FIRMWARE_CONDUIT_KUNIT_TEST)
	KUNIT_CASE(public_claim_checks_its_id),
#endif
	KUNIT_CASE(published_error_reaches_every_consumer),
	KUNIT_CASE(publish_refuses_reserved_and_out_of_range_statuses),
	KUNIT_CASE(second_publish_returns_ealready_and_keeps_the_first),
	KUNIT_CASE(publish_by_another_task_returns_eperm),
	KUNIT_CASE(publish_rejects_a_missing_or_forged_gate),
	KUNIT_CASE(publish_after_the_deadline_returns_ealready),
	KUNIT_CASE(every_offender_is_named),
	KUNIT_CASE(warnings_are_ratelimited),
	KUNIT_CASE(bad_id_is_rejected_everywhere),
	KUNIT_CASE(register_rejects_a_missing_block_or_callback),
	KUNIT_CASE(registering_a_queued_block_again_returns_eexist),
	KUNIT_CASE(registering_a_block_whose_callback_ran_returns_eexist),
	KUNIT_CASE(unregistering_an_unregistered_block_returns_enoent),
	KUNIT_CASE(ready_or_defer_rejects_a_missing_device),
	KUNIT_CASE(timed_wait_returns_the_status_published_in_time),
	KUNIT_CASE(sleeping_waiter_is_woken_by_publish),
	KUNIT_CASE(publish_of_one_conduit_does_not_release_waiters_of_another),
	KUNIT_CASE(one_publish_wakes_every_waiter),
	KUNIT_CASE(killable_wait_ends_with_erestartsys_on_sigkill),
	KUNIT_CASE(killable_wait_returns_the_published_status),
	KUNIT_CASE(huge_timeout_waits_like_no_timeout),
	KUNIT_CASE(wait_by_the_gate_holder_returns_edeadlk),
	KUNIT_CASE(init_task_wait_on_an_unclaimed_conduit_returns_edeadlk),
	KUNIT_CASE(init_task_waits_for_a_publisher_in_a_kthread),
	KUNIT_CASE(publisher_in_a_kthread_is_not_misreported),
	KUNIT_CASE(publisher_in_a_workqueue_is_not_misreported),
	KUNIT_CASE(registration_on_a_final_conduit_runs_at_once),
	KUNIT_CASE(registration_on_an_ungated_conduit_runs_with_zero),
	KUNIT_CASE(pending_registration_runs_in_the_publisher_context),
	KUNIT_CASE(callbacks_run_highest_priority_first),
	KUNIT_CASE(callbacks_of_equal_priority_run_in_registration_order),
	KUNIT_CASE(callback_runs_exactly_once),
	KUNIT_CASE(callback_may_sleep_and_sees_the_conduit_final),
	KUNIT_CASE(callback_may_register_another_callback),
	KUNIT_CASE(callback_may_publish_another_conduit),
	KUNIT_CASE(waiters_are_woken_before_callbacks_run),
	KUNIT_CASE(static_initialiser_makes_a_usable_block),
	KUNIT_CASE(unregistered_block_is_not_called),
	KUNIT_CASE(unregister_after_the_callback_ran_returns_zero),
	KUNIT_CASE(unregistered_block_may_be_registered_again),
	KUNIT_CASE(unregister_waits_for_a_running_callback),
	KUNIT_CASE(callback_unregistering_its_own_block_returns_edeadlk),
	KUNIT_CASE(callback_unregistering_a_block_running_elsewhere_waits),
	KUNIT_CASE(register_and_unregister_race_publish_safely),
	KUNIT_CASE(deadline_fails_a_claimed_conduit_with_enolink),
	KUNIT_CASE(deadline_fails_an_unclaimed_conduit),
	KUNIT_CASE(deadline_leaves_final_conduits_alone),
	KUNIT_CASE(ready_or_defer_follows_the_conduit),
	KUNIT_CASE(publish_probes_a_deferred_device_again_at_once),
	KUNIT_CASE(failed_publish_ends_the_deferral_with_the_error),
	KUNIT_CASE(deferred_device_is_recorded_once),
	KUNIT_CASE(deadline_probes_deferred_devices_again),
	KUNIT_CASE(removed_device_is_not_probed_again),
	KUNIT_CASE(init_task_waits_for_a_gatekeeper_probed_again),
	KUNIT_CASE(init_task_wait_ends_when_a_reprobe_leaves_it_unclaimed),
#if IS_ENABLED(CONFIG_DEBUG_FS)
	KUNIT_CASE(debugfs_shows_a_pending_conduit_and_its_claimant),
	KUNIT_CASE(debugfs_counts_callbacks_waiters_and_devices),
	KUNIT_CASE(debugfs_shows_the_published_status_and_time),
#endif
	KUNIT_CASE(gate_holder_flushing_a_waiting_worker_is_reported),
	{}
};

static struct kunit_suite conduit_test_suite = {
	.name = "firmware_conduit",
	.init = conduit_test_init,
	.exit = conduit_test_exit,
	.test_cases = conduit_test_cases,
};

kunit_test_suite(conduit_test_suite);

MODULE_DESCRIPTION("KUnit tests for firmware conduit readiness");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
