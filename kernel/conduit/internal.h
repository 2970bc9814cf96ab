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
#include <linux/mutex.h>
#include <linux/types.h>

/* Registration states of a struct conduit_ready_block. */
enum {
	CONDUIT_CRB_IDLE,	/* not registered (zero: a fresh block) */
	CONDUIT_CRB_QUEUED,	/* on conduit_blocks, waiting for a publish */
	CONDUIT_CRB_RUNNING,	/* its callback is running */
	CONDUIT_CRB_DONE,	/* its callback has returned */
};

/* Misuse warnings, each printed once: bit numbers in conduit_warned. */
enum {
	CONDUIT_WARN_LATE_CLAIM,
	CONDUIT_WARN_REPUBLISH,
	CONDUIT_WARN_UNCLAIMED,
	CONDUIT_WARN_DEADLOCK,
};

/**
 * struct conduit - per-conduit bookkeeping besides its status word
 * @claimant: return address of the successful conduit_claim(), or NULL
 * @nr_waiters: number of tasks sleeping in wait_for_conduit() and variants
 * @published_ns: boot-clock time of the publish, in nanoseconds; recorded
 *	for the debugfs file, so only with CONFIG_DEBUG_FS
 */
struct conduit {
	const void *claimant;
	atomic_t nr_waiters;
	u64 published_ns;
};

extern struct conduit conduits[CONDUIT_NR];
extern const char * const conduit_names[CONDUIT_NR];
extern struct list_head conduit_blocks;
extern struct mutex conduit_lock;

#if IS_ENABLED(CONFIG_KUNIT)
extern unsigned long conduit_warned;
extern unsigned int conduit_nr_warnings;
bool conduit_wait_blocks_boot(void);
void conduit_expire(enum conduit_id id);
void conduit_test_reset(void);
struct seq_file;
int conduit_debugfs_show(struct seq_file *m, void *unused);
#endif

#endif /* _KERNEL_CONDUIT_INTERNAL_H */
