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
#include <kunit/visibility.h>

#include "internal.h"

/* Under conduit_lock: one line for @c. */
VISIBLE_IF_KUNIT int conduit_debugfs_show_one(struct seq_file *m,
					      struct conduit *c)
{
	struct conduit_ready_block *crb;
	unsigned int nr_blocks = 0;
	int word = READ_ONCE(*c->word);

	list_for_each_entry(crb, &c->blocks, node)
		nr_blocks++;
	seq_printf(m, "%s %s %s %d ", c->name, c->gated ? "gated" : "ungated",
		   word > 0 ? "pending" : word ? "failed" : "ready",
		   word > 0 ? -EAGAIN : word);
	if (c->claimant)
		seq_printf(m, "%ps", c->claimant);
	else
		seq_putc(m, '-');
	seq_printf(m, " %llu %u %d %u\n", c->published_ns, nr_blocks,
		   atomic_read(&c->nr_waiters), c->nr_devices);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(conduit_debugfs_show_one);

static int conduit_debugfs_show(struct seq_file *m, void *unused)
{
	int id;

	seq_puts(m, "# name gatekeeper state status claimant published_ns callbacks waiters devices\n");
	mutex_lock(&conduit_lock);
	for (id = 0; id < CONDUIT_NR; id++)
		conduit_debugfs_show_one(m, &conduits[id]);
	mutex_unlock(&conduit_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(conduit_debugfs);

static int __init conduit_debugfs_init(void)
{
	debugfs_create_file("firmware_conduit", 0444, NULL, NULL,
			    &conduit_debugfs_fops);
	return 0;
}
late_initcall(conduit_debugfs_init);
