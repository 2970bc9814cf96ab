/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private interfaces of the firmware conduit core, shared with its debugfs
 * file and its KUnit suite.
 */
#ifndef _KERNEL_CONDUIT_INTERNAL_H
#define _KERNEL_CONDUIT_INTERNAL_H

#include <linux/atomic.h>
#include <linux/conduit.h>
#include <linux/list.h>
#include <linux/lockdep_types.h>
#include <linux/mutex.h>
#include <linux/types.h>

/* Registration states of a struct conduit_ready_block. */
enum {
	CONDUIT_CRB_IDLE,	/* not registered (zero: a fresh block) */
	CONDUIT_CRB_QUEUED,	/* on its conduit's list, waiting for a publish */
	CONDUIT_CRB_RUNNING,	/* its callback is running */
	CONDUIT_CRB_DONE,	/* its callback has returned */
};

/* What the gatekeeper holds: a pointer to it proves the claim. */
struct conduit_gate {
	struct conduit *conduit;
};

/**
 * struct conduit - one firmware conduit
 * @name: shown in warnings, trace events and debugfs
 * @word: its status word: in __conduit_words[] for the conduits of enum
 *	conduit_id, @test_word for the KUnit suite's own
 * @gated: its gatekeeper is built in, so it starts pending
 * @gate: handed to the claimant
 * @owner: the task that claimed it and alone may publish it, or NULL
 * @claimant: return address of the claim, or NULL
 * @held: @owner holds @gate_map for lockdep
 * @blocks: queued callback blocks, by priority
 * @devices: devices whose probe deferred on it (struct conduit_dev)
 * @nr_devices: length of @devices
 * @nr_waiters: tasks sleeping in wait_for_conduit() and variants
 * @published_ns: boot-clock time of the publish; only with CONFIG_DEBUG_FS
 * @gate_map: lockdep: held by @owner from the claim to the publish, taken
 *	by waiters as flush_work() takes a work's map
 * @cb_map: lockdep: held while a callback runs, taken by an unregister that
 *	waits for it
 * @test_word: the word of a conduit the KUnit suite made
 */
struct conduit {
	const char *name;
	int *word;
	bool gated;
	struct conduit_gate gate;
	struct task_struct *owner;
	const void *claimant;
	bool held;
	struct list_head blocks;
	struct list_head devices;
	unsigned int nr_devices;
	atomic_t nr_waiters;
	u64 published_ns;
	struct lockdep_map gate_map;
	struct lockdep_map cb_map;
	int test_word;
};

/* A device whose probe deferred on a conduit. */
struct conduit_dev {
	struct list_head node;
	struct device *dev;
};

/* Misuse warnings: at most 10 every 5 seconds. */
#define CONDUIT_RATELIMIT_INTERVAL	(5 * HZ)
#define CONDUIT_RATELIMIT_BURST		10

extern struct conduit conduits[CONDUIT_NR];
extern struct mutex conduit_lock;

#if IS_ENABLED(CONFIG_KUNIT)
#include <linux/ratelimit_types.h>
#include <linux/workqueue_types.h>

struct seq_file;

/* Made visible to the KUnit suite by conduit.c and debugfs.c */
extern unsigned int conduit_nr_misuse;
extern unsigned int conduit_nr_warnings;
extern struct ratelimit_state conduit_ratelimit;
extern struct work_struct conduit_reprobe_work;
struct conduit_gate *conduit_claim_one(struct conduit *c, const void *caller);
int conduit_wait_one(struct conduit *c, unsigned int flags,
		     unsigned long timeout, const void *caller);
int conduit_register_one(struct conduit *c, struct conduit_ready_block *crb);
int conduit_defer_one(struct conduit *c, struct device *dev);
void conduit_expire(struct conduit *c);
bool conduit_task_runs_initcalls(void);
int conduit_debugfs_show_one(struct seq_file *m, struct conduit *c);

/* In conduit_test_helpers.c, linked into the KUnit suite's module */
void __conduit_init(struct conduit *c, const char *name, bool gated,
		    struct lock_class_key *gate_key,
		    struct lock_class_key *cb_key);
/* Each call site is its own lockdep class, as with mutex_init(). */
#define conduit_init(c, name, gated)					\
	do {								\
		static struct lock_class_key __gate_key, __cb_key;	\
									\
		__conduit_init(c, name, gated, &__gate_key, &__cb_key);	\
	} while (0)
void conduit_reset(struct conduit *c);
void conduit_test_reset(void);
#endif

#endif /* _KERNEL_CONDUIT_INTERNAL_H */
