// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks for the firmware conduit core. Test-only.
 *
 * Booted with conduit_bench.run=1, the kernel measures at
 * late_initcall_sync the fast path of wait_for_conduit() and
 * conduit_status() on the FF-A proxy conduit, which is final by then (pKVM
 * publishes it at device_initcall_sync, or it is ready from the start of
 * initcalls), next to a plain acquire load, completion_done() and an empty
 * out-of-line call: several rounds of long timed loops, the operations
 * interleaved in each round, every round's time printed. It also records
 * when the FF-A proxy conduit became final, when the first and the last of
 * the bench's callbacks on it started, when the FF-A conduit became final
 * and when the bench's callback on it started. Every figure is one "conduit_bench: " line for
 * the harness to parse; the keys of the boot line still say host_smc for
 * the FF-A proxy conduit, as the harness reads them.
 *
 * With KUnit and the conduit KUnit suite built in, the conduit_bench suite
 * measures the fast path too, and publish and wake-up scaling on a conduit
 * of its own: publish with N empty callbacks queued, until the last of them
 * has returned from the conduit's work item, and publish with M sleeping
 * waiters.
 *
 * Nothing here asserts a timing: the harness compares the figures with
 * their targets.
 */

#define pr_fmt(fmt) "conduit_bench: " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/conduit.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/limits.h>
#include <linux/moduleparam.h>
#include <linux/sched/clock.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "internal.h"

static bool run;
module_param(run, bool, 0444);
MODULE_PARM_DESC(run, "Run the benchmarks at late_initcall_sync");

/*
 * A timed loop runs for at least this long, BENCH_ROUNDS times for each
 * operation: long against the clock's steps and a stray interrupt, and
 * enough rounds for a median and its spread.
 */
#define BENCH_MIN_NS	(20 * NSEC_PER_MSEC)
#define BENCH_ROUNDS	15

/* The fast path is measured on this conduit, final by the time it runs. */
#define BENCH_ID	CONDUIT_FFA_PROXY

static int bench_word;
static DECLARE_COMPLETION(bench_done);

static noinline void bench_empty(void)
{
	barrier();
}

/**
 * conduit_bench_wait() - one wait_for_conduit() on the FF-A proxy conduit
 *
 * Out of line so that its object code shows the fast path of
 * wait_for_conduit() as a consumer gets it.
 *
 * Return: as wait_for_conduit().
 */
static noinline int conduit_bench_wait(void)
{
	return wait_for_conduit(BENCH_ID);
}

/**
 * conduit_bench_status() - one conduit_status() on the FF-A proxy conduit
 *
 * Return: as conduit_status().
 */
static noinline int conduit_bench_status(void)
{
	return conduit_status(BENCH_ID);
}

static noinline int bench_loop_none(unsigned long n)
{
	while (n--)
		barrier();
	return 0;
}

static noinline int bench_loop_load(unsigned long n)
{
	int acc = 0;

	while (n--)
		/* Nothing to pair with: the load itself is measured. */
		acc |= smp_load_acquire(&bench_word);
	return acc;
}

static noinline int bench_loop_status(unsigned long n)
{
	int acc = 0;

	while (n--)
		acc |= conduit_status(BENCH_ID);
	return acc;
}

static noinline int bench_loop_wait(unsigned long n)
{
	int acc = 0;

	while (n--)
		acc |= wait_for_conduit(BENCH_ID);
	return acc;
}

static noinline int bench_loop_completion(unsigned long n)
{
	int acc = 0;

	while (n--)
		acc |= !completion_done(&bench_done);
	return acc;
}

static noinline int bench_loop_call(unsigned long n)
{
	while (n--)
		bench_empty();
	return 0;
}

static const struct {
	const char *name;
	int (*loop)(unsigned long n);
} bench_ops[] = {
	{ "loop_only", bench_loop_none },
	{ "smp_load_acquire", bench_loop_load },
	{ "conduit_status", bench_loop_status },
	{ "wait_for_conduit", bench_loop_wait },
	{ "completion_done", bench_loop_completion },
	{ "empty_call", bench_loop_call },
};

static u64 bench_time(int (*loop)(unsigned long n), unsigned long n, int *acc)
{
	u64 t0 = ktime_get_ns();

	*acc |= loop(n);
	return ktime_get_ns() - t0;
}

/* Calls of @loop that take at least BENCH_MIN_NS. */
static unsigned long bench_size(int (*loop)(unsigned long n), int *acc)
{
	unsigned long n = 8192;

	while (bench_time(loop, n, acc) < BENCH_MIN_NS && n < ULONG_MAX / 4)
		n *= 2;
	return n;
}

/* One line: the time per call of @name in each round, in picoseconds. */
static void bench_print(const char *where, const char *name, const u64 *ps,
			unsigned long n)
{
	char buf[BENCH_ROUNDS * 21];
	int len = 0, rep;

	for (rep = 0; rep < BENCH_ROUNDS; rep++)
		len += scnprintf(buf + len, sizeof(buf) - len, "%s%llu",
				 rep ? "," : "", ps[rep]);
	pr_info("fastpath %s %s calls=%lu ps=%s\n", where, name, n, buf);
}

/*
 * Time every operation in each of BENCH_ROUNDS rounds, the operations
 * interleaved: in every round each one in turn, in the opposite order in
 * the next round, so that a drift of the machine's speed hits them alike
 * and the harness can compare two operations within one round. Print one
 * line per operation with every round's time per call; the harness takes
 * the median and the spread. Return 0 if every operation returned the
 * published status 0.
 */
static int conduit_bench_fastpath(const char *where)
{
	const int nr_ops = ARRAY_SIZE(bench_ops);
	unsigned long n[ARRAY_SIZE(bench_ops)];
	int acc = 0, i, op, rep;
	u64 *ps;

	if (conduit_status(BENCH_ID)) {
		pr_info("fastpath %s skipped: conduit %s status %d\n", where,
			conduits[BENCH_ID].name, conduit_status(BENCH_ID));
		return -EAGAIN;
	}
	complete_all(&bench_done);

	ps = kmalloc_array(nr_ops * BENCH_ROUNDS, sizeof(*ps), GFP_KERNEL);
	if (!ps)
		return -ENOMEM;

	/* Each operation's loop sized on its own, the slow ones shorter. */
	for (i = 0; i < nr_ops; i++)
		n[i] = bench_size(bench_ops[i].loop, &acc);

	for (rep = 0; rep < BENCH_ROUNDS; rep++) {
		for (i = 0; i < nr_ops; i++) {
			op = rep % 2 ? nr_ops - 1 - i : i;
			ps[op * BENCH_ROUNDS + rep] =
				div64_u64(bench_time(bench_ops[op].loop, n[op],
						     &acc) * 1000, (u64)n[op]);
		}
		cond_resched();
	}

	for (i = 0; i < nr_ops; i++)
		bench_print(where, bench_ops[i].name, &ps[i * BENCH_ROUNDS],
			    n[i]);
	kfree(ps);
	if (acc)
		pr_info("fastpath %s: unexpected status %d\n", where, acc);
	return acc ? -EIO : 0;
}

/*
 * Boot latency probes. Callbacks queued on a conduit run from its work item
 * in registration order. The first block on the FF-A proxy conduit is
 * registered at core_initcall, before the consumers of the later levels,
 * so it runs before theirs; the last one at device_initcall, the level
 * before pKVM publishes, so it runs after the callbacks of every consumer
 * registered before. Times are on the boot clock, as the core's publish
 * times.
 */
static u64 bench_host_first_ns, bench_host_last_ns, bench_ffa_first_ns;

static void bench_host_first(struct conduit_ready_block *crb, int status)
{
	bench_host_first_ns = ktime_get_boottime_ns();
}

static void bench_host_last(struct conduit_ready_block *crb, int status)
{
	bench_host_last_ns = ktime_get_boottime_ns();
}

static void bench_ffa_first(struct conduit_ready_block *crb, int status)
{
	bench_ffa_first_ns = ktime_get_boottime_ns();
}

static DEFINE_CONDUIT_READY_BLOCK(bench_host_first_crb, bench_host_first);
static DEFINE_CONDUIT_READY_BLOCK(bench_host_last_crb, bench_host_last);
static DEFINE_CONDUIT_READY_BLOCK(bench_ffa_first_crb, bench_ffa_first);

static int __init conduit_bench_probes(void)
{
	if (!run)
		return 0;
	conduit_ready_register(CONDUIT_FFA_PROXY, &bench_host_first_crb);
	conduit_ready_register(CONDUIT_FFA, &bench_ffa_first_crb);
	return 0;
}
core_initcall(conduit_bench_probes);

static int __init conduit_bench_last_probe(void)
{
	if (run)
		conduit_ready_register(CONDUIT_FFA_PROXY, &bench_host_last_crb);
	return 0;
}
device_initcall(conduit_bench_last_probe);

/*
 * Callbacks run from the conduits' work items, which the end of initcalls
 * flushes only after this level: flush them here before reading the times.
 */
static int __init conduit_bench_boot(void)
{
	u64 local, boot;

	if (!run)
		return 0;

	flush_work(&conduits[CONDUIT_FFA_PROXY].run_work);
	flush_work(&conduits[CONDUIT_FFA].run_work);
	local = local_clock();
	boot = ktime_get_boottime_ns();
	pr_info("boot host_smc_status=%d ffa_status=%d host_smc_published=%llu host_smc_first_cb=%llu host_smc_last_cb=%llu ffa_published=%llu ffa_first_cb=%llu boottime=%llu local_clock=%llu\n",
		conduit_status(CONDUIT_FFA_PROXY), conduit_status(CONDUIT_FFA),
		conduits[CONDUIT_FFA_PROXY].published_ns, bench_host_first_ns,
		bench_host_last_ns, conduits[CONDUIT_FFA].published_ns,
		bench_ffa_first_ns, boot, local);

	conduit_bench_wait();
	conduit_bench_status();
	conduit_bench_fastpath("boot");
	pr_info("done\n");
	return 0;
}
late_initcall_sync(conduit_bench_boot);

#if IS_BUILTIN(CONFIG_FIRMWARE_CONDUIT_KUNIT_TEST)

#include <kunit/test.h>
#include <linux/sort.h>

#define BENCH_TIMEOUT	(30 * HZ)

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * The mean of the runs, leaving out those longer than four times the median
 * plus 1 us: a run hit by an interrupt or a preemption. Not a median or a
 * mean of the middle half: UML's clock counts in steps of 256 ns, so a
 * publish that takes 40 ns reads 0 in most runs and 256 in a few, and only
 * the mean over all of them comes back to 40.
 */
static u64 bench_mean(u64 *v, int n)
{
	u64 sum = 0, cap;
	int i;

	sort(v, n, sizeof(*v), bench_cmp_u64, NULL);
	cap = 4 * v[n / 2] + NSEC_PER_USEC;
	for (i = 0; i < n && v[i] <= cap; i++)
		sum += v[i];
	return div_u64(sum, i);
}

/* Many runs where one is short, as the clock may tick in 256 ns steps. */
static int bench_publish_reps(unsigned int n)
{
	return n <= 10 ? 101 : n <= 100 ? 51 : n <= 1000 ? 7 : 3;
}

static int bench_wake_reps(unsigned int m)
{
	return m <= 100 ? 15 : 7;
}

static void conduit_bench_fastpath_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, conduit_bench_fastpath("kunit"), 0);
}

static atomic_t bench_calls;

static void bench_noop(struct conduit_ready_block *crb, int status)
{
	atomic_inc(&bench_calls);
}

static bool bench_gated(void)
{
	return true;
}

/* The suite's own conduit, gated: pending until the bench publishes it. */
static int bench_conduit_word;
static struct conduit bench_conduit = {
	.name = "bench",
	.gated = bench_gated,
	.word = &bench_conduit_word,
};

/* Pending again, with no callback of the previous run still to run. */
static void bench_fresh_conduit(void)
{
	flush_work(&bench_conduit.run_work);
	conduit_setup(&bench_conduit);
}

/* Poll until @cond holds; BENCH_TIMEOUT only bounds a failure. */
#define bench_poll(cond)						\
({									\
	unsigned long __end = jiffies + BENCH_TIMEOUT;			\
	bool __met;							\
									\
	while (!(__met = (cond)) && time_before(jiffies, __end))	\
		cond_resched();						\
	__met;								\
})

/*
 * Publish the bench conduit with N empty callbacks queued on it, timed
 * until the last of them has returned: the callbacks run from the
 * conduit's work item, not in the publisher, so the publish call alone
 * would not grow with N.
 */
static void conduit_bench_publish_test(struct kunit *test)
{
	static const unsigned int sizes[] = { 1, 10, 100, 1000, 10000 };
	struct conduit_ready_block *blocks;
	u64 t[101], t0;
	int i, j, rep;

	blocks = kvcalloc(10000, sizeof(*blocks), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, blocks);
	/* bench_conduit's run_work is set up by its first conduit_setup(). */
	conduit_setup(&bench_conduit);

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		int reps = bench_publish_reps(sizes[i]);

		for (rep = 0; rep < reps; rep++) {
			bench_fresh_conduit();
			memset(blocks, 0, sizes[i] * sizeof(*blocks));
			atomic_set(&bench_calls, 0);
			for (j = 0; j < sizes[i]; j++) {
				blocks[j].ready = bench_noop;
				KUNIT_EXPECT_EQ(test,
						conduit_register_one(&bench_conduit,
								     &blocks[j],
								     NULL),
						0);
			}
			t0 = ktime_get_ns();
			KUNIT_EXPECT_EQ(test,
					conduit_publish_one(&bench_conduit, 0,
							    NULL), 0);
			flush_work(&bench_conduit.run_work);
			t[rep] = ktime_get_ns() - t0;
			KUNIT_ASSERT_EQ(test, atomic_read(&bench_calls),
					(int)sizes[i]);
			cond_resched();
		}
		pr_info("publish callbacks=%u ns=%llu (mean of %d runs, outliers left out)\n",
			sizes[i], bench_mean(t, reps), reps);
	}
	kvfree(blocks);
}

struct bench_waiters {
	atomic_t left;
	struct completion all_done;
	u64 *woken_ns;
	/* Baseline: wait for this completion instead of the conduit. */
	struct completion *go;
};

struct bench_waiter {
	struct bench_waiters *bw;
	int index;
	int status;
};

static int bench_waiter_fn(void *arg)
{
	struct bench_waiter *w = arg;
	struct bench_waiters *bw = w->bw;

	if (bw->go)
		wait_for_completion(bw->go);
	else
		w->status = conduit_wait_one(&bench_conduit, NULL);
	bw->woken_ns[w->index] = ktime_get_ns();
	if (atomic_dec_and_test(&bw->left))
		complete(&bw->all_done);
	return 0;
}

static bool bench_all_asleep(struct task_struct **tasks, unsigned int n,
			     bool conduit)
{
	unsigned int i;

	if (conduit && atomic_read(&bench_conduit.nr_waiters) < n)
		return false;
	for (i = 0; i < n; i++)
		if (READ_ONCE(tasks[i]->__state) != TASK_UNINTERRUPTIBLE)
			return false;
	return true;
}

/*
 * Publish the bench conduit with M kthreads asleep in wait_for_conduit(),
 * and time it until the last of them has returned. With @go, the baseline:
 * the kthreads sleep in wait_for_completion(@go) and complete_all() wakes
 * them, so the two differ only in the primitive.
 */
static u64 bench_wake_once(struct kunit *test, unsigned int m, u64 *pub_ns,
			   struct completion *go)
{
	struct bench_waiters bw = { .left = ATOMIC_INIT(0), .go = go };
	struct task_struct **tasks;
	struct bench_waiter *w;
	unsigned int i, n;
	u64 t0, last = 0;

	*pub_ns = 0;
	init_completion(&bw.all_done);
	tasks = kvcalloc(m, sizeof(*tasks), GFP_KERNEL);
	w = kvcalloc(m, sizeof(*w), GFP_KERNEL);
	bw.woken_ns = kvcalloc(m, sizeof(*bw.woken_ns), GFP_KERNEL);
	bench_fresh_conduit();
	if (!tasks || !w || !bw.woken_ns) {
		KUNIT_FAIL(test, "out of memory for %u waiters", m);
		goto out;
	}

	/* Nobody returns before the publish: the conduit is pending. */
	for (n = 0; n < m; n++) {
		w[n].bw = &bw;
		w[n].index = n;
		tasks[n] = kthread_create(bench_waiter_fn, &w[n],
					  "conduit-bench/%u", n);
		if (IS_ERR(tasks[n])) {
			KUNIT_FAIL(test, "kthread_create: %ld",
				   PTR_ERR(tasks[n]));
			break;
		}
		get_task_struct(tasks[n]);
		wake_up_process(tasks[n]);
	}
	atomic_set(&bw.left, n);

	/* Every waiter queued and asleep before the publish. */
	KUNIT_EXPECT_TRUE(test, bench_poll(bench_all_asleep(tasks, n, !go)));
	KUNIT_EXPECT_EQ(test, n, m);

	t0 = ktime_get_ns();
	if (go)
		complete_all(go);
	else
		KUNIT_EXPECT_EQ(test, conduit_publish_one(&bench_conduit, 0,
							  NULL), 0);
	*pub_ns = ktime_get_ns() - t0;
	if (n && !wait_for_completion_timeout(&bw.all_done, BENCH_TIMEOUT)) {
		/* Leak rather than free what a stuck waiter may touch. */
		KUNIT_FAIL(test, "%d of %u waiters never woke",
			   atomic_read(&bw.left), n);
		return 0;
	}
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, w[i].status, 0);
		last = max(last, bw.woken_ns[i] - t0);
		put_task_struct(tasks[i]);
	}
out:
	kvfree(bw.woken_ns);
	kvfree(w);
	kvfree(tasks);
	return last;
}

static void conduit_bench_wake_test(struct kunit *test)
{
	static const unsigned int sizes[] = { 1, 10, 100, 1000 };
	struct completion go;
	u64 t[15], p[15];
	int i, rep;

	conduit_setup(&bench_conduit);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		int reps = bench_wake_reps(sizes[i]);

		for (rep = 0; rep < reps; rep++)
			t[rep] = bench_wake_once(test, sizes[i], &p[rep], NULL);
		pr_info("wake waiters=%u ns=%llu publish_ns=%llu (mean of %d runs, outliers left out)\n",
			sizes[i], bench_mean(t, reps), bench_mean(p, reps), reps);

		for (rep = 0; rep < reps; rep++) {
			init_completion(&go);
			t[rep] = bench_wake_once(test, sizes[i], &p[rep], &go);
		}
		pr_info("wake-baseline waiters=%u ns=%llu complete_all_ns=%llu (mean of %d runs, outliers left out)\n",
			sizes[i], bench_mean(t, reps), bench_mean(p, reps), reps);
	}
}

static struct kunit_case conduit_bench_cases[] = {
	KUNIT_CASE_SLOW(conduit_bench_fastpath_test),
	KUNIT_CASE_SLOW(conduit_bench_publish_test),
	KUNIT_CASE_SLOW(conduit_bench_wake_test),
	{}
};

static struct kunit_suite conduit_bench_suite = {
	.name = "conduit_bench",
	.test_cases = conduit_bench_cases,
};

kunit_test_suite(conduit_bench_suite);

#endif /* IS_BUILTIN(CONFIG_FIRMWARE_CONDUIT_KUNIT_TEST) */
