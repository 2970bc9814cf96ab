// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/firmware_conduit: one line per firmware conduit.
 */

#include <linux/atomic.h>
#include <linux/conduit.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>

#include "internal.h"

/**
 * conduit_show() - one line of the debugfs file
 * @m: the file
 * @c: the conduit; the caller holds conduit_lock
 */
void conduit_show(struct seq_file *m, struct conduit *c)
{
	int word = READ_ONCE(*c->word);

	lockdep_assert_held(&conduit_lock);
	seq_printf(m, "%s %s %s %d %llu %zu %d %zu\n", c->name,
		   c->gated ? "gated" : "ungated",
		   word > 0 ? "pending" : word ? "failed" : "ready",
		   word > 0 ? -EAGAIN : word, c->published_ns,
		   list_count_nodes(&c->blocks),
		   atomic_read(&c->nr_waiters), list_count_nodes(&c->devices));
}

/* The whole file: a header line, then every conduit, under conduit_lock. */
static int conduit_debugfs_show(struct seq_file *m, void *unused)
{
	int id;

	seq_puts(m, "# name gatekeeper state status published_ns callbacks waiters devices\n");
	mutex_lock(&conduit_lock);
	for (id = 0; id < CONDUIT_NR; id++)
		conduit_show(m, &conduits[id]);
	mutex_unlock(&conduit_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(conduit_debugfs);

/* Creates the read-only file; nothing reads it before userspace. */
static int __init conduit_debugfs_init(void)
{
	debugfs_create_file("firmware_conduit", 0444, NULL, NULL,
			    &conduit_debugfs_fops);
	return 0;
}
late_initcall(conduit_debugfs_init);
