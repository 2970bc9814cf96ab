// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the firmware conduit readiness core.
 *
 * The cases use the two test conduits only; each case starts and ends with
 * them unclaimed. Concurrent cases run waiters, publishers and registrants
 * in kthreads and wait for them with a time limit, so a broken core fails a
 * case instead of hanging the run.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/conduit.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/device/driver.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/platform_device.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "internal.h"

#define A CONDUIT_TEST_A
#define B CONDUIT_TEST_B
#define BAD_ID ((enum conduit_id)CONDUIT_NR)
#define TEST_TIMEOUT (5 * HZ)
#define MAX_LOG 16

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
	enum conduit_id id;
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
		w->ret = wait_for_conduit(w->id);
		break;
	case WAIT_TIMEOUT:
		w->ret = wait_for_conduit_timeout(w->id, w->timeout);
		break;
	case WAIT_KILLABLE:
		/* Let SIGKILL be fatal to this kthread, as to a user task. */
		kernel_sigaction(SIGKILL, SIG_DFL);
		w->ret = wait_for_conduit_killable(w->id);
		break;
	}
	if (w->woken)
		atomic_inc(w->woken);
	/* All: both a callback and the test case may wait for it. */
	complete_all(&w->done);
	return 0;
}

static struct waiter *start_waiter(struct kunit *test, enum conduit_id id,
				   enum wait_kind kind, atomic_t *woken)
{
	struct waiter *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct task_struct *task;

	KUNIT_ASSERT_NOT_NULL(test, w);
	w->id = id;
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

/* Wait until @n tasks are asleep in the slow path of a wait on @id. */
static bool sleepers_reach(enum conduit_id id, int n)
{
	unsigned long end = jiffies + TEST_TIMEOUT;

	while (atomic_read(&conduits[id].nr_waiters) < n) {
		if (time_after(jiffies, end))
			return false;
		usleep_range(500, 1000);
	}
	/* Give the last one time to get from the counter into schedule(). */
	msleep(20);
	return true;
}

/* A kthread that publishes a conduit. */
struct publisher {
	enum conduit_id id;
	int status;
	int ret;
	struct task_struct *task;
	struct completion done;
};

static int publisher_fn(void *data)
{
	struct publisher *p = data;

	p->ret = conduit_publish(p->id, p->status);
	complete(&p->done);
	return 0;
}

static struct publisher *start_publisher(struct kunit *test,
					 enum conduit_id id, int status)
{
	struct publisher *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct task_struct *task;

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->id = id;
	p->status = status;
	init_completion(&p->done);
	task = kthread_run(publisher_fn, p, "conduit-publisher");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	p->task = task;
	return p;
}

static int conduit_test_init(struct kunit *test)
{
	conduit_test_reset();
	return 0;
}

static void conduit_test_exit(struct kunit *test)
{
	conduit_test_reset();
}

/* ---- unclaimed conduits ---- */

static void unclaimed_conduit_reports_ready(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, conduit_status(A), 0);
}

static void wait_on_unclaimed_conduit_returns_at_once(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, wait_for_conduit(A), 0);
	KUNIT_EXPECT_EQ(test, wait_for_conduit_timeout(A, 0), 0);
	KUNIT_EXPECT_EQ(test, wait_for_conduit_killable(A), 0);
}

static void claim_after_status_was_observed_is_refused(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, conduit_status(A), 0);
	KUNIT_EXPECT_EQ(test, conduit_claim(A), -EALREADY);
	KUNIT_EXPECT_EQ(test, conduit_status(A), 0);
	KUNIT_EXPECT_TRUE(test, test_bit(CONDUIT_WARN_LATE_CLAIM,
					 &conduit_warned));
}

static void claim_after_a_wait_was_observed_is_refused(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, wait_for_conduit(A), 0);
	KUNIT_EXPECT_EQ(test, conduit_claim(A), -EALREADY);
}

static void claim_after_a_registration_was_observed_is_refused(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	KUNIT_EXPECT_EQ(test, conduit_ready_register(A, &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
	KUNIT_EXPECT_EQ(test, conduit_claim(A), -EALREADY);
}

static void late_claim_warning_is_printed_once(struct kunit *test)
{
	conduit_status(A);
	conduit_status(B);
	KUNIT_EXPECT_EQ(test, conduit_claim(A), -EALREADY);
	KUNIT_EXPECT_EQ(test, conduit_nr_warnings, 1);
	KUNIT_EXPECT_EQ(test, conduit_claim(B), -EALREADY);
	KUNIT_EXPECT_EQ(test, conduit_nr_warnings, 1);
}

/* ---- claim ---- */

static void claim_makes_the_conduit_pending(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, conduit_claim(A), 0);
	KUNIT_EXPECT_EQ(test, conduit_status(A), -EAGAIN);
	KUNIT_EXPECT_EQ(test, conduit_status(B), 0);
}

static void second_claim_returns_ebusy(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, conduit_claim(A), 0);
	KUNIT_EXPECT_EQ(test, conduit_claim(A), -EBUSY);
	KUNIT_EXPECT_EQ(test, conduit_status(A), -EAGAIN);
}

static void claim_after_publish_returns_ebusy(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(A, 0), 0);
	KUNIT_EXPECT_EQ(test, conduit_claim(A), -EBUSY);
}

static void claim_records_its_caller(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_EXPECT_NOT_NULL(test, conduits[A].claimant);
	KUNIT_EXPECT_NULL(test, conduits[B].claimant);
}

/* ---- publish ---- */

static void publish_makes_the_conduit_ready(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_EXPECT_EQ(test, conduit_publish(A, 0), 0);
	KUNIT_EXPECT_EQ(test, conduit_status(A), 0);
	KUNIT_EXPECT_EQ(test, wait_for_conduit(A), 0);
}

static void published_error_is_reported_to_consumers(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_EXPECT_EQ(test, conduit_publish(A, -ENODEV), 0);
	KUNIT_EXPECT_EQ(test, conduit_status(A), -ENODEV);
	KUNIT_EXPECT_EQ(test, wait_for_conduit(A), -ENODEV);
}

static void publish_rejects_a_status_that_is_not_an_errno(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_EXPECT_EQ(test, conduit_publish(A, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_publish(A, -MAX_ERRNO - 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_status(A), -EAGAIN);
	KUNIT_EXPECT_EQ(test, conduit_publish(A, -MAX_ERRNO), 0);
	KUNIT_EXPECT_EQ(test, conduit_status(A), -MAX_ERRNO);
}

static void second_publish_returns_ealready_and_keeps_the_first(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(A, -EIO), 0);
	KUNIT_EXPECT_EQ(test, conduit_publish(A, 0), -EALREADY);
	KUNIT_EXPECT_EQ(test, conduit_status(A), -EIO);
	KUNIT_EXPECT_TRUE(test, test_bit(CONDUIT_WARN_REPUBLISH,
					 &conduit_warned));
}

static void second_publish_warning_is_printed_once(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(A, 0), 0);
	KUNIT_EXPECT_EQ(test, conduit_publish(A, 0), -EALREADY);
	KUNIT_EXPECT_EQ(test, conduit_publish(A, 0), -EALREADY);
	KUNIT_EXPECT_EQ(test, conduit_nr_warnings, 1);
}

static void publish_of_an_unclaimed_conduit_returns_eperm(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, conduit_publish(A, 0), -EPERM);
	KUNIT_EXPECT_TRUE(test, test_bit(CONDUIT_WARN_UNCLAIMED,
					 &conduit_warned));
	/* Sealed ready by an observer, still not the caller's to publish. */
	KUNIT_EXPECT_EQ(test, conduit_status(B), 0);
	KUNIT_EXPECT_EQ(test, conduit_publish(B, -EIO), -EPERM);
	KUNIT_EXPECT_EQ(test, conduit_status(B), 0);
	KUNIT_EXPECT_EQ(test, conduit_nr_warnings, 1);
}

/* ---- bad input ---- */

static void invalid_id_is_rejected_everywhere(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	KUNIT_EXPECT_EQ(test, conduit_claim(BAD_ID), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_publish(BAD_ID, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_status(BAD_ID), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_status((enum conduit_id)-1), -EINVAL);
	KUNIT_EXPECT_EQ(test, wait_for_conduit(BAD_ID), -EINVAL);
	KUNIT_EXPECT_EQ(test, wait_for_conduit_timeout(BAD_ID, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, wait_for_conduit_killable(BAD_ID), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_ready_or_defer(BAD_ID), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_ready_register(BAD_ID, &tb->crb),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, tb->calls, 0);
}

static void register_rejects_a_missing_block_or_callback(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	KUNIT_EXPECT_EQ(test, conduit_ready_register(A, NULL), -EINVAL);
	tb->crb.ready = NULL;
	KUNIT_EXPECT_EQ(test, conduit_ready_register(A, &tb->crb), -EINVAL);
	KUNIT_EXPECT_EQ(test, conduit_ready_unregister(NULL), -EINVAL);
	/* A rejected registration is not an observation. */
	KUNIT_EXPECT_EQ(test, conduit_claim(A), 0);
}

static void registering_a_queued_block_again_returns_ebusy(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_EXPECT_EQ(test, conduit_ready_register(A, &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, conduit_ready_register(A, &tb->crb), -EBUSY);
	KUNIT_EXPECT_EQ(test, conduit_ready_register(B, &tb->crb), -EBUSY);
	KUNIT_ASSERT_EQ(test, conduit_publish(A, 0), 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
}

static void registering_a_block_whose_callback_ran_returns_ebusy(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	KUNIT_EXPECT_EQ(test, conduit_ready_register(A, &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, conduit_ready_register(A, &tb->crb), -EBUSY);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
}

static void unregistering_an_unregistered_block_returns_enoent(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	KUNIT_EXPECT_EQ(test, conduit_ready_unregister(&tb->crb), -ENOENT);
	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_ready_register(A, &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, conduit_ready_unregister(&tb->crb), 0);
	KUNIT_EXPECT_EQ(test, conduit_ready_unregister(&tb->crb), -ENOENT);
}

/* ---- waiting ---- */

static void timed_wait_on_a_pending_conduit_expires_with_etime(struct kunit *test)
{
	unsigned long start = jiffies;

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_EXPECT_EQ(test, wait_for_conduit_timeout(A, 2), -ETIME);
	KUNIT_EXPECT_GE(test, jiffies - start, 2UL);
	KUNIT_EXPECT_EQ(test, wait_for_conduit_timeout(A, 0), -ETIME);
	KUNIT_EXPECT_EQ(test, atomic_read(&conduits[A].nr_waiters), 0);
}

static void timed_wait_returns_the_status_published_in_time(struct kunit *test)
{
	struct waiter *w;

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	w = start_waiter(test, A, WAIT_TIMEOUT, NULL);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(A, 1));
	KUNIT_ASSERT_EQ(test, conduit_publish(A, -ENXIO), 0);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	KUNIT_EXPECT_EQ(test, w->ret, -ENXIO);
}

static void sleeping_waiter_is_woken_by_publish(struct kunit *test)
{
	struct waiter *w;

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	w = start_waiter(test, A, WAIT_PLAIN, NULL);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(A, 1));
	KUNIT_EXPECT_FALSE(test, completion_done(&w->done));
	KUNIT_ASSERT_EQ(test, conduit_publish(A, 0), 0);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	KUNIT_EXPECT_EQ(test, w->ret, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&conduits[A].nr_waiters), 0);
}

static void publish_of_one_conduit_does_not_release_waiters_of_another(struct kunit *test)
{
	struct waiter *w;

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_claim(B), 0);
	w = start_waiter(test, B, WAIT_PLAIN, NULL);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(B, 1));
	KUNIT_ASSERT_EQ(test, conduit_publish(A, 0), 0);
	msleep(20);
	KUNIT_EXPECT_FALSE(test, completion_done(&w->done));
	KUNIT_ASSERT_EQ(test, conduit_publish(B, -EIO), 0);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	KUNIT_EXPECT_EQ(test, w->ret, -EIO);
}

#define NR_WAITERS 16

static void one_publish_wakes_every_waiter(struct kunit *test)
{
	struct waiter *w[NR_WAITERS];
	atomic_t woken = ATOMIC_INIT(0);
	int i;

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	for (i = 0; i < NR_WAITERS; i++)
		w[i] = start_waiter(test, A, i % 3 == 0 ? WAIT_KILLABLE :
				    i % 3 == 1 ? WAIT_TIMEOUT : WAIT_PLAIN,
				    &woken);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(A, NR_WAITERS));
	KUNIT_EXPECT_EQ(test, atomic_read(&woken), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(A, -EPIPE), 0);
	for (i = 0; i < NR_WAITERS; i++) {
		KUNIT_ASSERT_TRUE(test, waiter_done(w[i]));
		KUNIT_EXPECT_EQ(test, w[i]->ret, -EPIPE);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&woken), NR_WAITERS);
}

static void killable_wait_ends_with_erestartsys_on_sigkill(struct kunit *test)
{
	struct waiter *w;

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	w = start_waiter(test, A, WAIT_KILLABLE, NULL);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(A, 1));
	send_sig(SIGKILL, w->task, 1);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	KUNIT_EXPECT_EQ(test, w->ret, -ERESTARTSYS);
	KUNIT_EXPECT_EQ(test, conduit_status(A), -EAGAIN);
}

static void killable_wait_returns_the_published_status(struct kunit *test)
{
	struct waiter *w;

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	w = start_waiter(test, A, WAIT_KILLABLE, NULL);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(A, 1));
	KUNIT_ASSERT_EQ(test, conduit_publish(A, 0), 0);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	KUNIT_EXPECT_EQ(test, w->ret, 0);
}

static bool fake_blocks_boot(void)
{
	return true;
}

static void init_task_wait_during_initcalls_returns_edeadlk(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	kunit_activate_static_stub(test, conduit_wait_blocks_boot,
				   fake_blocks_boot);
	KUNIT_EXPECT_EQ(test, wait_for_conduit(A), -EDEADLK);
	KUNIT_EXPECT_EQ(test, wait_for_conduit_timeout(A, HZ), -EDEADLK);
	KUNIT_EXPECT_EQ(test, wait_for_conduit_killable(A), -EDEADLK);
	KUNIT_EXPECT_TRUE(test, test_bit(CONDUIT_WARN_DEADLOCK,
					 &conduit_warned));
	KUNIT_EXPECT_EQ(test, conduit_nr_warnings, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&conduits[A].nr_waiters), 0);
}

static void init_task_wait_on_a_published_conduit_succeeds(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(A, 0), 0);
	kunit_activate_static_stub(test, conduit_wait_blocks_boot,
				   fake_blocks_boot);
	KUNIT_EXPECT_EQ(test, wait_for_conduit(A), 0);
	KUNIT_EXPECT_EQ(test, wait_for_conduit_timeout(B, HZ), 0);
	KUNIT_EXPECT_EQ(test, conduit_nr_warnings, 0);
}

static void other_tasks_are_not_treated_as_blocking_the_boot(struct kunit *test)
{
	/* KUnit runs cases in a kthread, never in the init task. */
	KUNIT_EXPECT_FALSE(test, conduit_wait_blocks_boot());
}

/* ---- callbacks ---- */

static void registration_on_a_published_conduit_runs_at_once(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(A, -EACCES), 0);
	KUNIT_EXPECT_EQ(test, conduit_ready_register(A, &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
	KUNIT_EXPECT_EQ(test, tb->status, -EACCES);
	KUNIT_EXPECT_PTR_EQ(test, tb->task, current);
}

static void registration_on_an_unclaimed_conduit_runs_with_zero(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	tb->status = 1;
	KUNIT_EXPECT_EQ(test, conduit_ready_register(A, &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
	KUNIT_EXPECT_EQ(test, tb->status, 0);
}

static void pending_registration_runs_in_the_publisher_context(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);
	struct publisher *p;

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_ready_register(A, &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 0);
	p = start_publisher(test, A, -ENOENT);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&p->done,
							    TEST_TIMEOUT));
	KUNIT_EXPECT_EQ(test, p->ret, 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
	KUNIT_EXPECT_EQ(test, tb->status, -ENOENT);
	KUNIT_EXPECT_PTR_EQ(test, tb->task, p->task);
}

static void callbacks_run_highest_priority_first(struct kunit *test)
{
	static const int prio[] = { 0, 10, -5, 3, 100 };
	static const int want[] = { 4, 1, 3, 0, 2 };
	int log[MAX_LOG], len = 0, i;

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	for (i = 0; i < ARRAY_SIZE(prio); i++) {
		struct test_block *tb = new_block(test, prio[i], i);

		tb->log = log;
		tb->log_len = &len;
		KUNIT_ASSERT_EQ(test, conduit_ready_register(A, &tb->crb), 0);
	}
	KUNIT_ASSERT_EQ(test, conduit_publish(A, 0), 0);
	KUNIT_ASSERT_EQ(test, len, (int)ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++)
		KUNIT_EXPECT_EQ(test, log[i], want[i]);
}

static void callbacks_of_equal_priority_run_in_registration_order(struct kunit *test)
{
	int log[MAX_LOG], len = 0, i;

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_claim(B), 0);
	for (i = 0; i < 6; i++) {
		struct test_block *tb = new_block(test, 7, i);

		tb->log = log;
		tb->log_len = &len;
		/* Interleave with blocks on another conduit. */
		KUNIT_ASSERT_EQ(test, conduit_ready_register(i & 1 ? B : A,
							     &tb->crb), 0);
	}
	KUNIT_ASSERT_EQ(test, conduit_publish(B, 0), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(A, 0), 0);
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

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_ready_register(A, &tb->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(A, 0), 0);
	KUNIT_EXPECT_EQ(test, conduit_publish(A, 0), -EALREADY);
	conduit_expire(A);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
}

static void sleep_in_callback(struct test_block *tb)
{
	msleep(20);
	tb->status = wait_for_conduit(tb->crb.id);
}

static void callback_may_sleep(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	tb->action = sleep_in_callback;
	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_ready_register(A, &tb->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(A, -EBADE), 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
	/* The conduit is already published when its callbacks run. */
	KUNIT_EXPECT_EQ(test, tb->status, -EBADE);
}

static void register_from_callback(struct test_block *tb)
{
	struct test_block *inner = tb->arg;

	KUNIT_EXPECT_EQ(tb->test, conduit_ready_register(inner->tag ? B : A,
							 &inner->crb), 0);
}

static void callback_may_register_another_callback(struct kunit *test)
{
	struct test_block *outer = new_block(test, 0, 0);
	struct test_block *same = new_block(test, 0, 0);
	struct test_block *other = new_block(test, 0, 1);
	struct test_block *outer2 = new_block(test, 0, 0);

	outer->action = register_from_callback;
	outer->arg = same;
	outer2->action = register_from_callback;
	outer2->arg = other;
	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_claim(B), 0);
	KUNIT_ASSERT_EQ(test, conduit_ready_register(A, &outer->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_ready_register(A, &outer2->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(A, 0), 0);
	/* On the published conduit: replayed inside the outer callback. */
	KUNIT_EXPECT_EQ(test, same->calls, 1);
	/* On a pending conduit: queued for its publish. */
	KUNIT_EXPECT_EQ(test, other->calls, 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(B, -EIO), 0);
	KUNIT_EXPECT_EQ(test, other->calls, 1);
	KUNIT_EXPECT_EQ(test, other->status, -EIO);
}

static void publish_from_callback(struct test_block *tb)
{
	KUNIT_EXPECT_EQ(tb->test, conduit_publish(B, tb->status), 0);
}

static void callback_may_publish_another_conduit(struct kunit *test)
{
	struct test_block *link = new_block(test, 0, 0);
	struct test_block *end = new_block(test, 0, 0);

	link->action = publish_from_callback;
	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_claim(B), 0);
	KUNIT_ASSERT_EQ(test, conduit_ready_register(B, &end->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_ready_register(A, &link->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(A, -ENODEV), 0);
	KUNIT_EXPECT_EQ(test, conduit_status(B), -ENODEV);
	KUNIT_EXPECT_EQ(test, end->calls, 1);
	KUNIT_EXPECT_EQ(test, end->status, -ENODEV);
}

static void wait_for_waiter(struct test_block *tb)
{
	struct waiter *w = tb->arg;

	tb->status = wait_for_completion_timeout(&w->done, TEST_TIMEOUT) ?
		     1 : -ETIME;
}

static void waiters_are_woken_before_callbacks_run(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);
	struct waiter *w;

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	w = start_waiter(test, A, WAIT_PLAIN, NULL);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(A, 1));
	tb->action = wait_for_waiter;
	tb->arg = w;
	KUNIT_ASSERT_EQ(test, conduit_ready_register(A, &tb->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(A, 0), 0);
	/* The callback saw the waiter return while it was still running. */
	KUNIT_EXPECT_EQ(test, tb->status, 1);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	KUNIT_EXPECT_EQ(test, w->ret, 0);
}

/* ---- unregister ---- */

static void unregistered_block_is_not_called(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_ready_register(A, &tb->crb), 0);
	KUNIT_EXPECT_EQ(test, conduit_ready_unregister(&tb->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(A, 0), 0);
	KUNIT_EXPECT_EQ(test, tb->calls, 0);
}

static void unregister_after_the_callback_ran_returns_zero(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_ready_register(A, &tb->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(A, 0), 0);
	KUNIT_ASSERT_EQ(test, tb->calls, 1);
	KUNIT_EXPECT_EQ(test, conduit_ready_unregister(&tb->crb), 0);
}

static void unregistered_block_may_be_registered_again(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);

	KUNIT_ASSERT_EQ(test, conduit_ready_register(A, &tb->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_ready_unregister(&tb->crb), 0);
	KUNIT_EXPECT_EQ(test, conduit_ready_register(A, &tb->crb), 0);
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
	struct blocking_cb *bc = kunit_kzalloc(test, sizeof(*bc), GFP_KERNEL);
	struct unregisterer *u = kunit_kzalloc(test, sizeof(*u), GFP_KERNEL);
	struct publisher *p;

	KUNIT_ASSERT_NOT_NULL(test, bc);
	KUNIT_ASSERT_NOT_NULL(test, u);
	bc->tb.crb.ready = test_block_ready;
	bc->tb.test = test;
	bc->tb.action = block_in_callback;
	init_completion(&bc->entered);
	init_completion(&bc->release);
	u->bc = bc;
	init_completion(&u->done);

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_ready_register(A, &bc->tb.crb), 0);
	p = start_publisher(test, A, 0);
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
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&p->done,
							    TEST_TIMEOUT));
	KUNIT_EXPECT_EQ(test, bc->tb.calls, 1);
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
		r->register_ret[i] = conduit_ready_register(A, &r->tb[i]->crb);
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
	struct racer *r[NR_RACERS];
	int i, j;

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
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
	KUNIT_ASSERT_EQ(test, conduit_publish(A, 0), 0);
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

static void deadline_fails_a_pending_conduit_with_etimedout(struct kunit *test)
{
	struct test_block *tb = new_block(test, 0, 0);
	struct waiter *w;

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_ready_register(A, &tb->crb), 0);
	w = start_waiter(test, A, WAIT_PLAIN, NULL);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(A, 1));
	conduit_expire(A);
	KUNIT_EXPECT_EQ(test, conduit_status(A), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, tb->calls, 1);
	KUNIT_EXPECT_EQ(test, tb->status, -ETIMEDOUT);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	KUNIT_EXPECT_EQ(test, w->ret, -ETIMEDOUT);
	/* The late publisher then learns that it missed the deadline. */
	KUNIT_EXPECT_EQ(test, conduit_publish(A, 0), -EALREADY);
}

static void deadline_leaves_published_and_unclaimed_conduits_alone(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(A, 0), 0);
	conduit_expire(A);
	conduit_expire(B);
	KUNIT_EXPECT_EQ(test, conduit_status(A), 0);
	/* B was neither claimed nor observed: it can still be claimed. */
	KUNIT_EXPECT_EQ(test, conduit_claim(B), 0);
}

/* ---- driver model ---- */

static void ready_or_defer_follows_the_conduit(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_claim(B), 0);
	KUNIT_EXPECT_EQ(test, conduit_ready_or_defer(A), -EPROBE_DEFER);
	KUNIT_ASSERT_EQ(test, conduit_publish(A, 0), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(B, -ENODEV), 0);
	KUNIT_EXPECT_EQ(test, conduit_ready_or_defer(A), 0);
	KUNIT_EXPECT_EQ(test, conduit_ready_or_defer(B), -ENODEV);
}

static atomic_t defer_probe_calls;

static int defer_probe(struct platform_device *pdev)
{
	atomic_inc(&defer_probe_calls);
	return conduit_ready_or_defer(A);
}

static struct platform_driver defer_driver = {
	.probe = defer_probe,
	.driver = {
		.name = "conduit-kunit-defer",
	},
};

static void publish_retriggers_deferred_probing(struct kunit *test)
{
	struct platform_device *pdev;

	atomic_set(&defer_probe_calls, 0);
	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, platform_driver_register(&defer_driver), 0);
	pdev = platform_device_register_simple("conduit-kunit-defer", -1,
					       NULL, 0);
	if (IS_ERR(pdev)) {
		platform_driver_unregister(&defer_driver);
		KUNIT_FAIL(test, "cannot register the test device");
		return;
	}
	wait_for_device_probe();
	KUNIT_EXPECT_GE(test, atomic_read(&defer_probe_calls), 1);
	KUNIT_EXPECT_FALSE(test, device_is_bound(&pdev->dev));

	KUNIT_EXPECT_EQ(test, conduit_publish(A, 0), 0);
	wait_for_device_probe();
	KUNIT_EXPECT_TRUE(test, device_is_bound(&pdev->dev));

	platform_device_unregister(pdev);
	platform_driver_unregister(&defer_driver);
}

/* ---- debugfs ---- */

#if IS_ENABLED(CONFIG_DEBUG_FS)
#define DEBUGFS_HEADER "# name state status claimant published_ns callbacks waiters\n"

/* One line of /sys/kernel/debug/firmware_conduit, split into its fields. */
struct debugfs_line {
	char state[16];
	int status;
	char claimant[128];
	unsigned long long published_ns;
	unsigned int callbacks;
	int waiters;
};

/* Render the debugfs file and parse the line of conduit @name. */
static void read_debugfs_line(struct kunit *test, const char *name,
			      struct debugfs_line *l)
{
	struct seq_file m = { .size = PAGE_SIZE };
	char prefix[32];
	char *line;

	m.buf = kunit_kzalloc(test, m.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.buf);
	KUNIT_ASSERT_EQ(test, conduit_debugfs_show(&m, NULL), 0);
	KUNIT_ASSERT_LT(test, m.count, m.size);
	KUNIT_EXPECT_TRUE(test, str_has_prefix(m.buf, DEBUGFS_HEADER));

	snprintf(prefix, sizeof(prefix), "\n%s ", name);
	line = strstr(m.buf, prefix);
	KUNIT_ASSERT_NOT_NULL_MSG(test, line, "no line for %s in:\n%s", name, m.buf);
	KUNIT_ASSERT_EQ_MSG(test,
			    sscanf(line + strlen(prefix), "%15s %d %127s %llu %u %d",
				   l->state, &l->status, l->claimant,
				   &l->published_ns, &l->callbacks,
				   &l->waiters), 6,
			    "cannot parse: %s", line + 1);
}

static void debugfs_lists_an_unclaimed_conduit_as_ready(struct kunit *test)
{
	struct debugfs_line l;

	read_debugfs_line(test, "test-a", &l);
	KUNIT_EXPECT_STREQ(test, l.state, "unclaimed");
	KUNIT_EXPECT_EQ(test, l.status, 0);
	KUNIT_EXPECT_STREQ(test, l.claimant, "-");
	KUNIT_EXPECT_EQ(test, l.published_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, l.callbacks, 0U);
	KUNIT_EXPECT_EQ(test, l.waiters, 0);
}

static void reading_debugfs_does_not_seal_an_unclaimed_conduit(struct kunit *test)
{
	struct debugfs_line l;

	read_debugfs_line(test, "test-a", &l);
	KUNIT_EXPECT_EQ(test, conduit_claim(A), 0);
}

static void debugfs_names_the_claimant_of_a_pending_conduit(struct kunit *test)
{
	struct debugfs_line l;

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	read_debugfs_line(test, "test-a", &l);
	KUNIT_EXPECT_STREQ(test, l.state, "pending");
	KUNIT_EXPECT_EQ(test, l.status, -EAGAIN);
	KUNIT_EXPECT_STREQ(test, l.claimant, __func__);
	KUNIT_EXPECT_EQ(test, l.published_ns, 0ULL);
}

static void debugfs_counts_queued_callbacks_and_sleeping_waiters(struct kunit *test)
{
	struct test_block *tb1 = new_block(test, 0, 1);
	struct test_block *tb2 = new_block(test, 0, 2);
	struct debugfs_line l;
	struct waiter *w;

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	KUNIT_ASSERT_EQ(test, conduit_ready_register(A, &tb1->crb), 0);
	KUNIT_ASSERT_EQ(test, conduit_ready_register(A, &tb2->crb), 0);
	w = start_waiter(test, A, WAIT_PLAIN, NULL);
	KUNIT_ASSERT_TRUE(test, sleepers_reach(A, 1));
	read_debugfs_line(test, "test-a", &l);
	KUNIT_EXPECT_EQ(test, l.callbacks, 2U);
	KUNIT_EXPECT_EQ(test, l.waiters, 1);

	KUNIT_ASSERT_EQ(test, conduit_publish(A, 0), 0);
	KUNIT_ASSERT_TRUE(test, waiter_done(w));
	read_debugfs_line(test, "test-a", &l);
	KUNIT_EXPECT_EQ(test, l.callbacks, 0U);
	KUNIT_EXPECT_EQ(test, l.waiters, 0);
}

static void debugfs_shows_the_published_status_and_time(struct kunit *test)
{
	struct debugfs_line l;
	u64 before, after;

	KUNIT_ASSERT_EQ(test, conduit_claim(A), 0);
	before = ktime_get_boottime_ns();
	KUNIT_ASSERT_EQ(test, conduit_publish(A, -EIO), 0);
	after = ktime_get_boottime_ns();
	read_debugfs_line(test, "test-a", &l);
	KUNIT_EXPECT_STREQ(test, l.state, "failed");
	KUNIT_EXPECT_EQ(test, l.status, -EIO);
	KUNIT_EXPECT_GE(test, l.published_ns, before);
	KUNIT_EXPECT_LE(test, l.published_ns, after);

	KUNIT_ASSERT_EQ(test, conduit_claim(B), 0);
	KUNIT_ASSERT_EQ(test, conduit_publish(B, 0), 0);
	read_debugfs_line(test, "test-b", &l);
	KUNIT_EXPECT_STREQ(test, l.state, "ready");
	KUNIT_EXPECT_EQ(test, l.status, 0);
}
#endif /* CONFIG_DEBUG_FS */

static struct kunit_case conduit_test_cases[] = {
	KUNIT_CASE(unclaimed_conduit_reports_ready),
	KUNIT_CASE(wait_on_unclaimed_conduit_returns_at_once),
	KUNIT_CASE(claim_after_status_was_observed_is_refused),
	KUNIT_CASE(claim_after_a_wait_was_observed_is_refused),
	KUNIT_CASE(claim_after_a_registration_was_observed_is_refused),
	KUNIT_CASE(late_claim_warning_is_printed_once),
	KUNIT_CASE(claim_makes_the_conduit_pending),
	KUNIT_CASE(second_claim_returns_ebusy),
	KUNIT_CASE(claim_after_publish_returns_ebusy),
	KUNIT_CASE(claim_records_its_caller),
	KUNIT_CASE(publish_makes_the_conduit_ready),
	KUNIT_CASE(published_error_is_reported_to_consumers),
	KUNIT_CASE(publish_rejects_a_status_that_is_not_an_errno),
	KUNIT_CASE(second_publish_returns_ealready_and_keeps_the_first),
	KUNIT_CASE(second_publish_warning_is_printed_once),
	KUNIT_CASE(publish_of_an_unclaimed_conduit_returns_eperm),
	KUNIT_CASE(invalid_id_is_rejected_everywhere),
	KUNIT_CASE(register_rejects_a_missing_block_or_callback),
	KUNIT_CASE(registering_a_queued_block_again_returns_ebusy),
	KUNIT_CASE(registering_a_block_whose_callback_ran_returns_ebusy),
	KUNIT_CASE(unregistering_an_unregistered_block_returns_enoent),
	KUNIT_CASE(timed_wait_on_a_pending_conduit_expires_with_etime),
	KUNIT_CASE(timed_wait_returns_the_status_published_in_time),
	KUNIT_CASE(sleeping_waiter_is_woken_by_publish),
	KUNIT_CASE(publish_of_one_conduit_does_not_release_waiters_of_another),
	KUNIT_CASE(one_publish_wakes_every_waiter),
	KUNIT_CASE(killable_wait_ends_with_erestartsys_on_sigkill),
	KUNIT_CASE(killable_wait_returns_the_published_status),
	KUNIT_CASE(init_task_wait_during_initcalls_returns_edeadlk),
	KUNIT_CASE(init_task_wait_on_a_published_conduit_succeeds),
	KUNIT_CASE(other_tasks_are_not_treated_as_blocking_the_boot),
	KUNIT_CASE(registration_on_a_published_conduit_runs_at_once),
	KUNIT_CASE(registration_on_an_unclaimed_conduit_runs_with_zero),
	KUNIT_CASE(pending_registration_runs_in_the_publisher_context),
	KUNIT_CASE(callbacks_run_highest_priority_first),
	KUNIT_CASE(callbacks_of_equal_priority_run_in_registration_order),
	KUNIT_CASE(callback_runs_exactly_once),
	KUNIT_CASE(callback_may_sleep),
	KUNIT_CASE(callback_may_register_another_callback),
	KUNIT_CASE(callback_may_publish_another_conduit),
	KUNIT_CASE(waiters_are_woken_before_callbacks_run),
	KUNIT_CASE(unregistered_block_is_not_called),
	KUNIT_CASE(unregister_after_the_callback_ran_returns_zero),
	KUNIT_CASE(unregistered_block_may_be_registered_again),
	KUNIT_CASE(unregister_waits_for_a_running_callback),
	KUNIT_CASE(register_and_unregister_race_publish_safely),
	KUNIT_CASE(deadline_fails_a_pending_conduit_with_etimedout),
	KUNIT_CASE(deadline_leaves_published_and_unclaimed_conduits_alone),
	KUNIT_CASE(ready_or_defer_follows_the_conduit),
	KUNIT_CASE(publish_retriggers_deferred_probing),
#if IS_ENABLED(CONFIG_DEBUG_FS)
	KUNIT_CASE(debugfs_lists_an_unclaimed_conduit_as_ready),
	KUNIT_CASE(reading_debugfs_does_not_seal_an_unclaimed_conduit),
	KUNIT_CASE(debugfs_names_the_claimant_of_a_pending_conduit),
	KUNIT_CASE(debugfs_counts_queued_callbacks_and_sleeping_waiters),
	KUNIT_CASE(debugfs_shows_the_published_status_and_time),
#endif
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
