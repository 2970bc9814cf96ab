/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Firmware conduit readiness: one place where a gatekeeper says that a path
 * to firmware is final, and where consumers wait for it or are called back.
 *
 * See Documentation/core-api/firmware-conduit.rst for the rules.
 */
#ifndef _LINUX_CONDUIT_H
#define _LINUX_CONDUIT_H

#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <asm/barrier.h>

/**
 * enum conduit_id - well-known firmware conduits
 * @CONDUIT_HOST_SMC: the host's SMC path to secure firmware is final. A
 *	hypervisor that traps host SMCs (pKVM) claims and publishes it.
 * @CONDUIT_FFA: FF-A has been negotiated and is usable. The FF-A driver
 *	claims and publishes it.
 * @CONDUIT_TEST_A: reserved for the KUnit suite.
 * @CONDUIT_TEST_B: reserved for the KUnit suite.
 * @CONDUIT_NR: number of conduits; not a conduit.
 *
 * Like CPU hotplug states, conduits are a small fixed set: a new one is a
 * new entry here and a name in kernel/conduit/conduit.c.
 */
enum conduit_id {
	CONDUIT_HOST_SMC,
	CONDUIT_FFA,
#if IS_ENABLED(CONFIG_FIRMWARE_CONDUIT_KUNIT_TEST)
	CONDUIT_TEST_A,
	CONDUIT_TEST_B,
#endif
	CONDUIT_NR,
};

struct conduit_ready_block;

/**
 * typedef conduit_ready_fn - callback run once a conduit is published
 * @crb: the block that was registered
 * @status: the published status: 0 when the conduit is usable, or the
 *	negative errno the publisher reported
 *
 * Runs exactly once per registration, in process context, and may sleep.
 * It may register further blocks and publish other conduits, but must not
 * unregister its own block.
 */
typedef void (*conduit_ready_fn)(struct conduit_ready_block *crb, int status);

/**
 * struct conduit_ready_block - a consumer's registration on a conduit
 * @ready: callback run once the conduit is published
 * @priority: callbacks with a higher priority run first at publish time
 *
 * The members after @priority are private to the core. They must be zero
 * when the block is first registered: define it static or with an
 * initialiser, or allocate it zeroed. Blocks of equal priority run in
 * registration order.
 *
 * The core owns the block from conduit_ready_register() until
 * conduit_ready_unregister() returns, so it lives in static or heap storage,
 * never on the stack, and its owner unregisters it before freeing it.
 */
struct conduit_ready_block {
	conduit_ready_fn ready;
	int priority;
	/* private: */
	struct list_head node;
	enum conduit_id id;
	unsigned int state;
};

#if IS_ENABLED(CONFIG_FIRMWARE_CONDUIT)

/*
 * Private: one word per conduit. Zero or a negative errno once published;
 * one of the positive values below before that. Read it with an acquire
 * load only through the helpers in this header.
 */
#define CONDUIT_PENDING		1
#define CONDUIT_UNCLAIMED	2
extern int __conduit_word[CONDUIT_NR];

int conduit_claim(enum conduit_id id);
int conduit_publish(enum conduit_id id, int status);
int __wait_for_conduit(enum conduit_id id, unsigned int task_state,
		       long timeout);
int __conduit_status(enum conduit_id id);
int conduit_ready_register(enum conduit_id id, struct conduit_ready_block *crb);
int conduit_ready_unregister(struct conduit_ready_block *crb);

/**
 * conduit_status() - non-blocking readiness check
 * @id: the conduit
 *
 * Never sleeps and may be called in any context. Marks an unclaimed conduit
 * as observed, so a later conduit_claim() is refused.
 *
 * Return: 0 if the conduit is ready, the negative errno it was published
 * with if it failed, -EAGAIN while it is pending, -EINVAL for a bad @id.
 */
static __always_inline int conduit_status(enum conduit_id id)
{
	int word;

	if ((unsigned int)id < CONDUIT_NR) {
		/* Pairs with the release store in conduit_publish(). */
		word = smp_load_acquire(&__conduit_word[id]);
		if (likely(word <= 0))
			return word;
	}
	return __conduit_status(id);
}

/**
 * wait_for_conduit() - sleep until a conduit is published
 * @id: the conduit
 *
 * On a published conduit this is one acquire load. Otherwise the caller
 * sleeps uninterruptibly until the publisher reports a status. Marks an
 * unclaimed conduit as observed, so a later conduit_claim() is refused.
 *
 * Context: process context, may sleep.
 * Return: the published status (0 or a negative errno), -EINVAL for a bad
 * @id, or -EDEADLK when the init task asks during initcalls for a conduit
 * that is still pending: its publisher could never run.
 */
static __always_inline int wait_for_conduit(enum conduit_id id)
{
	int word;

	might_sleep();
	if ((unsigned int)id < CONDUIT_NR) {
		/* Pairs with the release store in conduit_publish(). */
		word = smp_load_acquire(&__conduit_word[id]);
		if (likely(word <= 0))
			return word;
	}
	return __wait_for_conduit(id, TASK_UNINTERRUPTIBLE,
				  MAX_SCHEDULE_TIMEOUT);
}

/**
 * wait_for_conduit_timeout() - wait_for_conduit() with a time limit
 * @id: the conduit
 * @timeout: the limit, in jiffies; 0 only checks
 *
 * Context: process context, may sleep.
 * Return: as wait_for_conduit(), or -ETIME if @timeout expired first.
 */
static __always_inline int wait_for_conduit_timeout(enum conduit_id id,
						    unsigned long timeout)
{
	might_sleep();
	return __wait_for_conduit(id, TASK_UNINTERRUPTIBLE,
				  min_t(unsigned long, timeout,
					MAX_SCHEDULE_TIMEOUT));
}

/**
 * wait_for_conduit_killable() - wait_for_conduit() that a fatal signal ends
 * @id: the conduit
 *
 * Context: process context, may sleep.
 * Return: as wait_for_conduit(), or -ERESTARTSYS if a fatal signal arrived
 * first.
 */
static __always_inline int wait_for_conduit_killable(enum conduit_id id)
{
	might_sleep();
	return __wait_for_conduit(id, TASK_KILLABLE, MAX_SCHEDULE_TIMEOUT);
}

/**
 * conduit_ready_or_defer() - probe helper for device consumers
 * @id: the conduit
 *
 * Publishing a conduit re-triggers deferred probing, so a driver that
 * returns this value from its probe routine needs no other code.
 *
 * Return: 0 if the conduit is ready, -EPROBE_DEFER while it is pending, the
 * published error if it failed, -EINVAL for a bad @id.
 */
static inline int conduit_ready_or_defer(enum conduit_id id)
{
	int status = conduit_status(id);

	return status == -EAGAIN ? -EPROBE_DEFER : status;
}

#else /* !CONFIG_FIRMWARE_CONDUIT */

static inline int conduit_claim(enum conduit_id id) { return 0; }
static inline int conduit_publish(enum conduit_id id, int status) { return 0; }
static inline int conduit_status(enum conduit_id id) { return 0; }
static inline int wait_for_conduit(enum conduit_id id) { return 0; }
static inline int wait_for_conduit_timeout(enum conduit_id id,
					   unsigned long timeout) { return 0; }
static inline int wait_for_conduit_killable(enum conduit_id id) { return 0; }
static inline int conduit_ready_or_defer(enum conduit_id id) { return 0; }

static inline int conduit_ready_register(enum conduit_id id,
					 struct conduit_ready_block *crb)
{
	if (!crb || !crb->ready)
		return -EINVAL;
	crb->ready(crb, 0);
	return 0;
}

static inline int conduit_ready_unregister(struct conduit_ready_block *crb)
{
	return 0;
}

#endif /* CONFIG_FIRMWARE_CONDUIT */

#endif /* _LINUX_CONDUIT_H */
