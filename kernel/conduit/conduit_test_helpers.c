// SPDX-License-Identifier: GPL-2.0
/*
 * What the firmware conduit KUnit suite needs from the core and the core
 * itself does not: conduits of the suite's own, and putting them and the
 * misuse counters back between cases. Linked into the suite's module, so a
 * kernel without the suite carries none of it.
 */

#include <linux/device.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "internal.h"

/* Make a conduit of the KUnit suite's own, pending if @gated. */
void __conduit_init(struct conduit *c, const char *name, bool gated,
		    struct lock_class_key *gate_key,
		    struct lock_class_key *cb_key)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->word = &c->test_word;
	c->gated = gated;
	c->test_word = gated ? CONDUIT_PENDING : 0;
	c->gate.conduit = c;
	INIT_LIST_HEAD(&c->blocks);
	INIT_LIST_HEAD(&c->devices);
	lockdep_init_map(&c->gate_map, "conduit-test-gate", gate_key, 0);
	lockdep_init_map(&c->cb_map, "conduit-test-callbacks", cb_key, 0);
}

/*
 * Forget a conduit of the KUnit suite between cases: its blocks and device
 * records. A gate still held is the case's bug; lockdep reports it when the
 * case's task exits.
 */
void conduit_reset(struct conduit *c)
{
	struct conduit_ready_block *crb, *tmp;
	struct conduit_dev *cd, *cdt;

	flush_work(&conduit_reprobe_work);
	mutex_lock(&conduit_lock);
	list_for_each_entry_safe(crb, tmp, &c->blocks, node) {
		list_del(&crb->node);
		WRITE_ONCE(crb->state, CONDUIT_CRB_IDLE);
	}
	list_for_each_entry_safe(cd, cdt, &c->devices, node) {
		list_del(&cd->node);
		put_device(cd->dev);
		kfree(cd);
	}
	c->nr_devices = 0;
	mutex_unlock(&conduit_lock);
}

/* Reset the misuse counters and the ratelimit between cases. */
void conduit_test_reset(void)
{
	mutex_lock(&conduit_lock);
	conduit_nr_misuse = 0;
	conduit_nr_warnings = 0;
	ratelimit_state_init(&conduit_ratelimit, CONDUIT_RATELIMIT_INTERVAL,
			     CONDUIT_RATELIMIT_BURST);
	mutex_unlock(&conduit_lock);
}
