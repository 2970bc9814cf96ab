// SPDX-License-Identifier: GPL-2.0-only
/// Find blocking waits for a firmware conduit in atomic context.
///
/// wait_for_conduit(), wait_for_conduit_timeout() and
/// wait_for_conduit_killable() may sleep until the conduit's publisher runs.
/// Calling them with a spinlock or rwlock held, inside an RCU read-side
/// critical section, with interrupts or preemption disabled is a
/// sleeping-in-atomic bug even when the conduit happens to be published
/// already (might_sleep() fires). Use the non-blocking conduit_status(), or
/// move the wait before the critical section, or register a
/// conduit_ready_block and do the work from its callback.
///
/// Limits: only waits that are lexically inside the critical section of
/// the same function are found; the lock and unlock are paired by family,
/// and a guard() is taken to last to the end of its block.
///
// Confidence: High
// URL: https://coccinelle.gitlabpages.inria.fr/website
// Options: --no-includes --include-headers

virtual context
virtual org
virtual report

// Only files that wait on a conduit are parsed (spatch's token prefilter).
@gate@
@@

\(wait_for_conduit\|wait_for_conduit_timeout\|wait_for_conduit_killable\)(...)

@initialize:python@
@@

def in_guard_scope(p1, p2):
    """True if p2 lies before the close of the block that holds p1.

    The control-flow match above may leave the guard's block; a guard
    only covers the rest of its own block, so count braces from p1.
    """
    try:
        with open(p1.file, errors="replace") as f:
            lines = f.readlines()
    except OSError:
        return True
    l1, c1 = int(p1.line), int(p1.column)
    l2, c2 = int(p2.line), int(p2.column)
    depth = 0
    for n in range(l1, len(lines) + 1):
        text = lines[n - 1]
        start = c1 if n == l1 else 0
        for c in range(start, len(text)):
            if n == l2 and c >= c2:
                return True
            if text[c] == "{":
                depth += 1
            elif text[c] == "}":
                depth -= 1
                if depth < 0:
                    return False
    return False

@r depends on gate exists@
identifier lock =~ "^(spin_lock|spin_lock_irq|spin_lock_irqsave|spin_lock_bh|spin_lock_nested|spin_lock_irqsave_nested|raw_spin_lock|raw_spin_lock_irq|raw_spin_lock_irqsave|raw_spin_lock_bh|raw_spin_lock_nested|raw_spin_lock_irqsave_nested)$";
identifier unlock =~ "^(raw_)?spin_unlock(_irq|_irqrestore|_bh)?$";
identifier wait =~ "^wait_for_conduit(_timeout|_killable)?$";
position p1, p2;
@@

* lock@p1(...);
  ... when != unlock(...)
* wait@p2(...)

@rw depends on gate exists@
identifier lock =~ "^(read|write)_lock(_irq|_irqsave|_bh)?$";
identifier unlock =~ "^(read|write)_unlock(_irq|_irqrestore|_bh)?$";
identifier wait =~ "^wait_for_conduit(_timeout|_killable)?$";
position p1, p2;
@@

* lock@p1(...);
  ... when != unlock(...)
* wait@p2(...)

@rcu depends on gate exists@
identifier lock =~ "^rcu_read_lock(_bh|_sched)?$";
identifier unlock =~ "^rcu_read_unlock(_bh|_sched)?$";
identifier wait =~ "^wait_for_conduit(_timeout|_killable)?$";
position p1, p2;
@@

* lock@p1(...);
  ... when != unlock(...)
* wait@p2(...)

@irq depends on gate exists@
identifier lock =~ "^local_irq_(disable|save)$";
identifier unlock =~ "^local_irq_(enable|restore)$";
identifier wait =~ "^wait_for_conduit(_timeout|_killable)?$";
position p1, p2;
@@

* lock@p1(...);
  ... when != unlock(...)
* wait@p2(...)

@pre depends on gate exists@
identifier lock =~ "^preempt_disable(_notrace)?$";
identifier unlock =~ "^preempt_enable(_no_resched|_notrace)?$";
identifier wait =~ "^wait_for_conduit(_timeout|_killable)?$";
position p1, p2;
@@

* lock@p1(...);
  ... when != unlock(...)
* wait@p2(...)

@grd depends on gate exists@
identifier cls =~ "^(spinlock|spinlock_irq|spinlock_irqsave|spinlock_bh|raw_spinlock|raw_spinlock_irq|raw_spinlock_irqsave|raw_spinlock_bh|read_lock|read_lock_irq|read_lock_irqsave|write_lock|write_lock_irq|write_lock_irqsave|rcu|irq|irqsave|preempt|preempt_notrace)$";
identifier wait =~ "^wait_for_conduit(_timeout|_killable)?$";
position p1, p2;
@@

  guard(cls)@p1(...);
  ...
  wait@p2(...)

// a guard only covers the rest of its own block
@script:python gscope depends on gate@
p1 << grd.p1;
p2 << grd.p2;
ok;
@@

if in_guard_scope(p1[0], p2[0]):
    coccinelle.ok = cocci.make_ident("in_scope")
else:
    cocci.include_match(False)

@depends on gate && context@
identifier gscope.ok;
identifier grd.cls, grd.wait;
position grd.p1, grd.p2;
@@

* guard(cls)@p1(...);
  ...
* wait@p2(...)

@script:python depends on gate && org@
p1 << r.p1;
p2 << r.p2;
lock << r.lock;
wait << r.wait;
@@

cocci.print_main("conduit_atomic_wait: %s() under %s()" % (wait, lock), p2)
cocci.print_secs(lock, p1)

@script:python depends on gate && org@
p1 << rw.p1;
p2 << rw.p2;
lock << rw.lock;
wait << rw.wait;
@@

cocci.print_main("conduit_atomic_wait: %s() under %s()" % (wait, lock), p2)
cocci.print_secs(lock, p1)

@script:python depends on gate && org@
p1 << rcu.p1;
p2 << rcu.p2;
lock << rcu.lock;
wait << rcu.wait;
@@

cocci.print_main("conduit_atomic_wait: %s() under %s()" % (wait, lock), p2)
cocci.print_secs(lock, p1)

@script:python depends on gate && org@
p1 << irq.p1;
p2 << irq.p2;
lock << irq.lock;
wait << irq.wait;
@@

cocci.print_main("conduit_atomic_wait: %s() under %s()" % (wait, lock), p2)
cocci.print_secs(lock, p1)

@script:python depends on gate && org@
p1 << pre.p1;
p2 << pre.p2;
lock << pre.lock;
wait << pre.wait;
@@

cocci.print_main("conduit_atomic_wait: %s() under %s()" % (wait, lock), p2)
cocci.print_secs(lock, p1)

@script:python depends on gate && org@
ok << gscope.ok;
p1 << grd.p1;
p2 << grd.p2;
cls << grd.cls;
wait << grd.wait;
@@

cocci.print_main("conduit_atomic_wait: %s() under guard(%s)" % (wait, cls), p2)
cocci.print_secs("guard", p1)

@script:python depends on gate && report@
p1 << r.p1;
p2 << r.p2;
lock << r.lock;
wait << r.wait;
@@

coccilib.report.print_report(p2[0], "ERROR: conduit_atomic_wait: blocking %s() with a spinlock held (%s() on line %s); use conduit_status() or wait before taking the lock" % (wait, lock, p1[0].line))

@script:python depends on gate && report@
p1 << rw.p1;
p2 << rw.p2;
lock << rw.lock;
wait << rw.wait;
@@

coccilib.report.print_report(p2[0], "ERROR: conduit_atomic_wait: blocking %s() with an rwlock held (%s() on line %s); use conduit_status() or wait before taking the lock" % (wait, lock, p1[0].line))

@script:python depends on gate && report@
p1 << rcu.p1;
p2 << rcu.p2;
lock << rcu.lock;
wait << rcu.wait;
@@

coccilib.report.print_report(p2[0], "ERROR: conduit_atomic_wait: blocking %s() inside an RCU read-side critical section (%s() on line %s); use conduit_status() or wait before entering it" % (wait, lock, p1[0].line))

@script:python depends on gate && report@
p1 << irq.p1;
p2 << irq.p2;
lock << irq.lock;
wait << irq.wait;
@@

coccilib.report.print_report(p2[0], "ERROR: conduit_atomic_wait: blocking %s() with interrupts disabled (%s() on line %s); use conduit_status() or wait before disabling them" % (wait, lock, p1[0].line))

@script:python depends on gate && report@
p1 << pre.p1;
p2 << pre.p2;
lock << pre.lock;
wait << pre.wait;
@@

coccilib.report.print_report(p2[0], "ERROR: conduit_atomic_wait: blocking %s() with preemption disabled (%s() on line %s); use conduit_status() or wait before disabling it" % (wait, lock, p1[0].line))

@script:python depends on gate && report@
ok << gscope.ok;
p1 << grd.p1;
p2 << grd.p2;
cls << grd.cls;
wait << grd.wait;
@@

coccilib.report.print_report(p2[0], "ERROR: conduit_atomic_wait: blocking %s() in the scope of guard(%s) on line %s; use conduit_status() or wait before entering the guarded scope" % (wait, cls, p1[0].line))
