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
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/types.h>
#include <asm/barrier.h>

struct device;

/**
 * enum conduit_id - the firmware conduits
 * @CONDUIT_FFA_PROXY: whether a hypervisor stands between the host and the
 *	SPMC for FF-A, and if it does, that its FF-A proxy forwards the host's
 *	calls, is final. The host may then negotiate its FF-A version. The
 *	gatekeeper is pKVM, built in; the conduit is pending only in protected
 *	mode. A failure means that the hypervisor may trap FF-A calls and will
 *	never forward them.
 * @CONDUIT_FFA: the host's FF-A version is negotiated with whatever answers
 *	its FF-A calls, so an FF-A call made anywhere in the host, by EFI
 *	runtime firmware too, is handled. The gatekeeper is the FF-A driver,
 *	built in; the conduit is pending only behind pKVM's proxy (without a
 *	proxy nothing can call too early). A failure means that no version will
 *	be negotiated on this boot: no FF-A (-ENODEV), the proxy failed (its
 *	status is forwarded), or the driver failed before negotiating. Once
 *	negotiated, the conduit stays ready if setting up partitions fails.
 * @CONDUIT_NR: number of conduits; not a conduit.
 *
 * A new conduit is an entry here, a line in the table of
 * kernel/conduit/conduit.c and a CONFIG_FIRMWARE_CONDUIT_GATE_* symbol that
 * is y when its gatekeeper is built in.
 */
enum conduit_id {
	CONDUIT_FFA_PROXY,
	CONDUIT_FFA,
	CONDUIT_NR,
};

struct conduit_ready_block;

/**
 * typedef conduit_ready_fn - callback run once a conduit is final
 * @crb: the block that was registered
 * @status: 0 when the conduit is usable, the negative errno its gatekeeper
 *	published, or -ENOLINK if it had not published by the end of initcalls
 *
 * Runs exactly once per block, in process context, and may sleep.
 */
typedef void (*conduit_ready_fn)(struct conduit_ready_block *crb, int status);

/**
 * struct conduit_ready_block - a consumer's registration on a conduit
 * @ready: callback run once the conduit is final
 *
 * A block is registered once and for good: it lives in static storage, is
 * never freed and is never __initdata (see the documentation). Its private
 * part is zero before the block is registered.
 */
struct conduit_ready_block {
	conduit_ready_fn ready;
	/* private: */
	struct list_head node;
};

/**
 * DEFINE_CONDUIT_READY_BLOCK() - define a conduit_ready_block
 * @_name: the variable
 * @_ready: the callback
 */
#define DEFINE_CONDUIT_READY_BLOCK(_name, _ready)			\
	struct conduit_ready_block _name = { .ready = (_ready) }

#if IS_ENABLED(CONFIG_FIRMWARE_CONDUIT)

/*
 * Private: one word per conduit, 0 or a negative errno once final, and
 * CONDUIT_PENDING before. It starts pending when the gatekeeper is built
 * in, changes only during initcalls and never after them. Read it through
 * conduit_word() only.
 */
#define CONDUIT_PENDING		1
extern int __conduit_words[CONDUIT_NR] __ro_after_init;

static __always_inline int conduit_word(enum conduit_id id)
{
	/* Pairs with the release store of conduit_publish(). */
	return smp_load_acquire(&__conduit_words[id]);
}

int __wait_for_conduit(enum conduit_id id);
int __conduit_bad_id(enum conduit_id id);
int conduit_ready_register(enum conduit_id id, struct conduit_ready_block *crb);
int conduit_ready_or_defer(struct device *dev, enum conduit_id id);

/* Gatekeepers: built-in code only, not exported. */
int conduit_publish(enum conduit_id id, int status);
bool pkvm_ffa_proxy_gated(void);
bool ffa_conduit_gated(void);

/* Boot hooks: called from init/main.c only. */
void conduit_initcalls_begin(void);
void conduit_before_late_initcalls(void);
void conduit_initcalls_end(void);

/**
 * conduit_status() - non-blocking readiness check
 * @id: the conduit
 *
 * A bound check and one acquire load. Never sleeps; any context.
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

static __always_inline int __wait_for_conduit_fast(enum conduit_id id)
{
	int word;

	if (likely((unsigned int)id < CONDUIT_NR)) {
		word = conduit_word(id);
		if (likely(word <= 0))
			return word;
	}
	return __wait_for_conduit(id);
}

/**
 * wait_for_conduit() - sleep until a conduit is final
 * @id: the conduit
 *
 * On a final conduit this is a bound check and one acquire load; with
 * CONFIG_DEBUG_ATOMIC_SLEEP, __might_sleep() first reports the caller's
 * file and line if it may not sleep. Otherwise the caller sleeps until the
 * gatekeeper publishes, or until the end of initcalls fails the conduit
 * with -ENOLINK. A wait that cannot end is refused with -EDEADLK instead
 * (see the documentation for when).
 *
 * Context: process context, may sleep.
 * Return: the published status (0 or a negative errno), -ENOLINK if the
 * gatekeeper never published, -EINVAL for a bad @id, -EDEADLK.
 */
#define wait_for_conduit(id)						\
({									\
	__might_sleep(__FILE__, __LINE__);				\
	__wait_for_conduit_fast(id);					\
})

#else /* !CONFIG_FIRMWARE_CONDUIT */

/* Without the core no conduit has a gatekeeper: every one is ready. */
static inline int conduit_status(enum conduit_id id) { return 0; }
static inline int wait_for_conduit(enum conduit_id id) { return 0; }
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

static inline void conduit_initcalls_begin(void) { }
static inline void conduit_before_late_initcalls(void) { }
static inline void conduit_initcalls_end(void) { }

#endif /* CONFIG_FIRMWARE_CONDUIT */

#endif /* _LINUX_CONDUIT_H */
