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
#include <linux/workqueue.h>

struct seq_file;

/**
 * struct conduit - one firmware conduit
 * @name: shown in warnings, trace events and debugfs
 * @gated: asks the built-in gatekeeper whether it publishes on this boot;
 *	NULL when there is none
 * @word: the status word, in __conduit_words[] or the KUnit suite's own
 * @blocks: callback blocks queued until the publish, oldest first
 * @devices: devices whose probe deferred on the conduit
 * @run_work: runs the queued callbacks once the conduit is final
 * @nr_waiters: tasks sleeping in wait_for_conduit()
 * @published_ns: boot-clock time at which the conduit became final
 *
 * @blocks and @devices are under conduit_lock.
 */
struct conduit {
	const char *name;
	bool (*gated)(void);
	int *word;
	struct list_head blocks;
	struct list_head devices;
	struct work_struct run_work;
	atomic_t nr_waiters;
	u64 published_ns;
};

extern struct conduit conduits[CONDUIT_NR];
extern struct mutex conduit_lock;
extern atomic_t conduit_nr_misuse;
void conduit_show(struct seq_file *m, struct conduit *c);

#if IS_ENABLED(CONFIG_KUNIT)
/* The core on a given conduit, for the KUnit suite (kunit/visibility.h) */
void conduit_setup(struct conduit *c);
int conduit_publish_one(struct conduit *c, int status, const void *caller);
int conduit_wait_one(struct conduit *c, const void *caller);
int conduit_register_one(struct conduit *c, struct conduit_ready_block *crb,
			 const void *caller);
int conduit_defer_one(struct conduit *c, struct device *dev);
void conduit_expire(struct conduit *c);
bool conduit_boot_path(void);
bool conduit_reprobe_wait(unsigned int ms);
unsigned long conduit_async_wait(unsigned long left);
#endif

#endif /* _KERNEL_CONDUIT_INTERNAL_H */
