// SPDX-License-Identifier: GPL-2.0-only
/// Find firmware conduit calls that may sleep, made in atomic context.
///
/// wait_for_conduit(), conduit_ready_or_defer(), conduit_ready_register()
/// and conduit_publish() may sleep: wait_for_conduit() calls might_sleep()
/// even when the conduit is final, and the others take a mutex. Calling
/// them with a spinlock, raw spinlock or rwlock held, in an RCU read-side
/// critical section, or with interrupts, bottom halves or preemption
/// disabled is a sleeping-in-atomic bug, whether or not the conduit is
/// pending on the system at hand. Use conduit_status(), which never
/// sleeps, or make the call before entering the critical section.
///
/// Limits: only calls lexically inside the critical section, in the same
/// function, are found. A lock is taken to end at any unlock of its family
/// (spin, rwlock, RCU, irq/bh, preempt), so a call under an outer lock of
/// the same family after an inner unlock is missed, and an unlock made in
/// a called function is not seen; a guard() lasts to the end of its block,
/// a scoped_guard() is followed only with a braced body.
///
// Confidence: High
// Copyright: (C) 2026 The firmware conduit contributors
// Options: --no-includes --include-headers

virtual context
virtual org
virtual report

@initialize:python@
@@
import re

MODE = "report"

def text_at(p):
    with open(p.file, errors="replace") as f:
        line = f.readlines()[int(p.line) - 1]
    return line[int(p.column):int(p.column_end)]

def where(lock):
    for pat, what in ((r"spin", "with a spinlock held"),
                      (r"^(read|write)_", "with an rwlock held"),
                      (r"rcu", "in an RCU read-side critical section"),
                      (r"bh", "with bottom halves disabled"),
                      (r"irq", "with interrupts disabled"),
                      (r"preempt", "with preemption disabled")):
        if re.search(pat, lock):
            return what
    return "in atomic context"

def emit(p1, p2, lock, call):
    fix = ("use conduit_status(), which never sleeps, or wait before it"
           if call == "wait_for_conduit" else "call it outside the critical section")
    msg = "conduit_atomic_sleep: %s() %s (%s on line %s); it may sleep: %s" % (
        call, where(lock), lock, p1[0].line, fix)
    if MODE == "org":
        cocci.print_main(msg, p2)
        cocci.print_secs(lock, p1)
    elif MODE == "report":
        coccilib.report.print_report(p2[0], "ERROR: " + msg)

# in the guard's block only: the matched path may leave it
def in_block(p1, p2):
    if (int(p2.line), int(p2.column)) < (int(p1.line), int(p1.column)):
        return False
    with open(p1.file, errors="replace") as f:
        lines = f.readlines()
    depth = 0
    for n in range(int(p1.line), int(p2.line) + 1):
        text = lines[n - 1]
        lo = int(p1.column) if n == int(p1.line) else 0
        hi = int(p2.column) if n == int(p2.line) else len(text)
        for c in text[lo:hi]:
            depth += {"{": 1, "}": -1}.get(c, 0)
            if depth < 0:
                return False
    return True

@initialize:python depends on org@
@@
MODE = "org"

@initialize:python depends on context@
@@
MODE = "context"

// Only files that call them are parsed (spatch's token prefilter).
@gate@
@@

\(wait_for_conduit\|conduit_ready_or_defer\|conduit_ready_register\|conduit_publish\)(...)

@r depends on gate exists@
identifier sl =~ "^(raw_)?spin_lock(_irq|_irqsave|_bh)?(_nested)?$";
identifier su =~ "^(raw_)?spin_unlock(_irq|_irqrestore|_bh)?$";
identifier wl =~ "^(read|write)_lock(_irq|_irqsave|_bh)?$";
identifier wu =~ "^(read|write)_unlock(_irq|_irqrestore|_bh)?$";
identifier rl =~ "^rcu_read_lock(_bh|_sched)?$";
identifier ru =~ "^rcu_read_unlock(_bh|_sched)?$";
identifier il =~ "^local_(irq_disable|irq_save|bh_disable)$";
identifier iu =~ "^local_(irq_enable|irq_restore|bh_enable)$";
identifier pl =~ "^preempt_disable(_notrace)?$";
identifier pu =~ "^preempt_enable(_no_resched|_notrace)?$";
identifier call =~ "^(wait_for_conduit|conduit_ready_or_defer|conduit_ready_register|conduit_publish)$";
position p1, p2;
@@

(
* sl@p1(...);
  ... when != su(...)
|
* wl@p1(...);
  ... when != wu(...)
|
* rl@p1(...);
  ... when != ru(...)
|
* il@p1(...);
  ... when != iu(...)
|
* pl@p1(...);
  ... when != pu(...)
)
* call@p2(...)

@script:python depends on gate@
p1 << r.p1;
p2 << r.p2;
call << r.call;
@@
emit(p1, p2, text_at(p1[0]) + "()", call)

@g depends on gate exists@
identifier cls =~ "^((raw_)?spinlock(_irq|_irqsave|_bh)?|(read|write)_lock(_irq|_irqsave|_bh)?|rcu|irq|irqsave|preempt|preempt_notrace)$";
identifier call =~ "^(wait_for_conduit|conduit_ready_or_defer|conduit_ready_register|conduit_publish)$";
position p1, p2;
@@

guard(cls)@p1(...);
...
call@p2(...)

@script:python gs depends on gate@
p1 << g.p1;
p2 << g.p2;
cls << g.cls;
call << g.call;
ok;
@@
if in_block(p1[0], p2[0]):
    emit(p1, p2, "guard(%s)" % cls, call)
    coccinelle.ok = cocci.make_ident(cls)
else:
    cocci.include_match(False)

@depends on gate && context@
identifier gs.ok, g.call;
position g.p1, g.p2;
@@

* guard(ok)@p1(...);
  ...
* call@p2(...)

@sg depends on gate@
iterator name scoped_guard;
identifier cls =~ "^((raw_)?spinlock(_irq|_irqsave|_bh)?|(read|write)_lock(_irq|_irqsave|_bh)?|rcu|irq|irqsave|preempt|preempt_notrace)$";
identifier call =~ "^(wait_for_conduit|conduit_ready_or_defer|conduit_ready_register|conduit_publish)$";
position p1, p2;
@@

* scoped_guard@p1(cls, ...) { <+... call@p2(...) ...+> }

@script:python depends on gate@
p1 << sg.p1;
p2 << sg.p2;
cls << sg.cls;
call << sg.call;
@@
emit(p1, p2, "scoped_guard(%s)" % cls, call)
