/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Firmware conduit readiness: one place where a gatekeeper says that a path
 * to firmware is final, and where consumers wait for it or are called back.
 *
 * See Documentation/core-api/firmware-conduit.rst for the rules.
 */
#ifndef _LINUX_CONDUIT_H
#define _LINUX_CONDUIT_H

#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/types.h>
#include <asm/barrier.h>

struct conduit;
struct device;
struct task_struct;

/**
 * enum conduit_id - the firmware conduits
 * @CONDUIT_HOST_SMC: the host's SMC path to secure firmware is final. Its
 *	gatekeeper is KVM on arm64 (pKVM traps host SMCs); gated when KVM is
 *	built in (CONFIG_FIRMWARE_CONDUIT_GATE_HOST_SMC).
 * @CONDUIT_FFA: the host's FF-A driver has negotiated FF-A and FF-A is
 *	usable. Its gatekeeper is the FF-A driver; gated when it is built in
 *	(CONFIG_FIRMWARE_CONDUIT_GATE_FFA).
 * @CONDUIT_NR: number of conduits; not a conduit.
 *
 * The set is fixed and lives in the core, so that a consumer can name a
 * conduit whether or not its gatekeeper is built. A new conduit is a new
 * entry here, a line in the table of kernel/conduit/conduit.c and a
 * CONFIG_FIRMWARE_CONDUIT_GATE_* symbol that is y when its gatekeeper is
 * built in.
 */
enum conduit_id {
	CONDUIT_HOST_SMC,
	CONDUIT_FFA,
	CONDUIT_NR,
};

struct conduit_ready_block;
struct conduit_gate;

/**
 * typedef conduit_ready_fn - callback run once a conduit is final
 * @crb: the block that was registered
 * @status: the published status: 0 when the conduit is usable, or the
 *	negative errno the gatekeeper published, or -ENOLINK if it never
 *	published by the end of initcalls
 *
 * Runs exactly once per registration, in process context, and may sleep.
 * It may register further blocks and publish other conduits. It must not
 * unregister its own block: that returns -EDEADLK.
 */
typedef void (*conduit_ready_fn)(struct conduit_ready_block *crb, int status);

/**
 * struct conduit_ready_block - a consumer's registration on a conduit
 * @ready: callback run once the conduit is final
 * @priority: callbacks with a higher priority run first at publish time
 *
 * The members after @priority are private to the core and must be zero
 * when the block is first registered: define it with
 * DEFINE_CONDUIT_READY_BLOCK() or CONDUIT_READY_BLOCK_INIT(), or allocate
 * it zeroed. Blocks of equal priority run in registration order.
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
	struct conduit *conduit;
	struct task_struct *runner;
	unsigned int state;
};

/**
 * CONDUIT_READY_BLOCK_INIT() - static initialiser for a conduit_ready_block
 * @_ready: the callback
 * @_priority: its priority
 */
#define CONDUIT_READY_BLOCK_INIT(_ready, _priority)			\
	{ .ready = (_ready), .priority = (_priority) }

/**
 * DEFINE_CONDUIT_READY_BLOCK() - define and initialise a conduit_ready_block
 * @_name: the variable
 * @_ready: the callback
 * @_priority: its priority
 */
#define DEFINE_CONDUIT_READY_BLOCK(_name, _ready, _priority)		\
	struct conduit_ready_block _name =				\
		CONDUIT_READY_BLOCK_INIT(_ready, _priority)

#if IS_ENABLED(CONFIG_FIRMWARE_CONDUIT)

/*
 * Private: one word per conduit, 0 or a negative errno once final, and
 * CONDUIT_PENDING before that. Its initial value is decided at build time
 * from the gatekeeper's configuration; it only changes during initcalls and
 * is read-only after them. Read it through conduit_word() only.
 */
#define CONDUIT_PENDING		1
extern int __conduit_words[CONDUIT_NR] __ro_after_init;

/* Private: the out-of-line parts of the inline helpers below. */
#define CONDUIT_WAIT_KILLABLE	0x1
#define CONDUIT_WAIT_TIMEOUT	0x2
int __wait_for_conduit(enum conduit_id id, unsigned int flags,
		       unsigned long timeout);
int __conduit_bad_id(enum conduit_id id);
void __conduit_might_sleep(void);

static __always_inline int conduit_word(enum conduit_id id)
{
	/* Pairs with the release store of the publisher in the core. */
	return smp_load_acquire(&__conduit_words[id]);
}

static __always_inline void conduit_might_sleep(void)
{
	if (IS_ENABLED(CONFIG_DEBUG_ATOMIC_SLEEP))
		__conduit_might_sleep();
}

struct conduit_gate *conduit_claim(enum conduit_id id);
int conduit_publish(struct conduit_gate *gate, int status);
int conduit_ready_register(enum conduit_id id, struct conduit_ready_block *crb);
int conduit_ready_unregister(struct conduit_ready_block *crb);
int conduit_ready_or_defer(struct device *dev, enum conduit_id id);

/**
 * conduit_status() - non-blocking readiness check
 * @id: the conduit
 *
 * One acquire load. Never sleeps and may be called in any context.
 *
 * Return: 0 if the conduit is ready, the negative errno it failed with,
 * -EAGAIN while it is pending, -EINVAL for a bad @id.
 */
static __always_inline int conduit_status(enum conduit_id id)
{
	int word;

	if (unlikely((unsigned int)id >= CONDUIT_NR))
		return __conduit_bad_id(id);
	word = conduit_word(id);
	return likely(word <= 0) ? word : -EAGAIN;
}

/**
 * wait_for_conduit() - sleep until a conduit is final
 * @id: the conduit
 *
 * On a final conduit this is one acquire load. Otherwise the caller sleeps
 * uninterruptibly until the gatekeeper publishes, or until the end of
 * initcalls fails the conduit with -ENOLINK.
 *
 * Context: process context, may sleep.
 * Return: the published status (0 or a negative errno), -ENOLINK if the
 * gatekeeper never published, -EINVAL for a bad @id, or -EDEADLK when the
 * wait can never end (see the documentation).
 */
static __always_inline int wait_for_conduit(enum conduit_id id)
{
	int word;

	conduit_might_sleep();
	if (likely((unsigned int)id < CONDUIT_NR)) {
		word = conduit_word(id);
		if (likely(word <= 0))
			return word;
	}
	return __wait_for_conduit(id, 0, 0);
}

/**
 * wait_for_conduit_timeout() - wait_for_conduit() with a time limit
 * @id: the conduit
 * @timeout: the limit, in jiffies; 0 only checks
 *
 * Context: process context, may sleep.
 * Return: as wait_for_conduit(), or -ETIMEDOUT if @timeout expired first.
 */
static __always_inline int wait_for_conduit_timeout(enum conduit_id id,
						    unsigned long timeout)
{
	conduit_might_sleep();
	return __wait_for_conduit(id, CONDUIT_WAIT_TIMEOUT, timeout);
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
	conduit_might_sleep();
	return __wait_for_conduit(id, CONDUIT_WAIT_KILLABLE, 0);
}

#else /* !CONFIG_FIRMWARE_CONDUIT */

/* Without the core no conduit has a gatekeeper: every one is ready. */
static inline struct conduit_gate *conduit_claim(enum conduit_id id)
{
	return ERR_PTR(-ENODEV);
}

static inline int conduit_publish(struct conduit_gate *gate, int status)
{
	return -EINVAL;
}

static inline int conduit_status(enum conduit_id id) { return 0; }
static inline int wait_for_conduit(enum conduit_id id) { return 0; }
static inline int wait_for_conduit_timeout(enum conduit_id id,
					   unsigned long timeout) { return 0; }
static inline int wait_for_conduit_killable(enum conduit_id id) { return 0; }

static inline int conduit_ready_or_defer(struct device *dev,
					 enum conduit_id id)
{
	return 0;
}

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
	return crb ? 0 : -EINVAL;
}

#endif /* CONFIG_FIRMWARE_CONDUIT */

#endif /* _LINUX_CONDUIT_H */
