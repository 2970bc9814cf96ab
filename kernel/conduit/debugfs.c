// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/firmware_conduit: one line per firmware conduit.
 */

#include <linux/atomic.h>
#include <linux/conduit.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <kunit/visibility.h>

#include "internal.h"

static const char *conduit_state_name(int word)
{
	if (word == CONDUIT_UNCLAIMED)
		return "unclaimed";
	if (word == CONDUIT_PENDING)
		return "pending";
	return word ? "failed" : "ready";
}

/* What conduit_status() would return, without sealing an unclaimed one. */
static int conduit_shown_status(int word)
{
	if (word == CONDUIT_UNCLAIMED)
		return 0;
	return word == CONDUIT_PENDING ? -EAGAIN : word;
}

VISIBLE_IF_KUNIT int conduit_debugfs_show(struct seq_file *m, void *unused)
{
	struct conduit_ready_block *crb;
	unsigned int nr_blocks;
	int id, word;

	seq_puts(m, "# name state status claimant published_ns callbacks waiters\n");
	mutex_lock(&conduit_lock);
	for (id = 0; id < CONDUIT_NR; id++) {
		nr_blocks = 0;
		list_for_each_entry(crb, &conduit_blocks, node)
			nr_blocks += crb->id == id;
		word = READ_ONCE(__conduit_word[id]);
		seq_printf(m, "%s %s %d ", conduit_names[id],
			   conduit_state_name(word), conduit_shown_status(word));
		if (conduits[id].claimant)
			seq_printf(m, "%ps", conduits[id].claimant);
		else
			seq_putc(m, '-');
		seq_printf(m, " %llu %u %d\n", conduits[id].published_ns,
			   nr_blocks, atomic_read(&conduits[id].nr_waiters));
	}
	mutex_unlock(&conduit_lock);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(conduit_debugfs_show);
DEFINE_SHOW_ATTRIBUTE(conduit_debugfs);

static int __init conduit_debugfs_init(void)
{
	debugfs_create_file("firmware_conduit", 0444, NULL, NULL,
			    &conduit_debugfs_fops);
	return 0;
}
late_initcall(conduit_debugfs_init);
