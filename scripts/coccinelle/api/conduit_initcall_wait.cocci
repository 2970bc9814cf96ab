// SPDX-License-Identifier: GPL-2.0-only
/// Find waits for a firmware conduit that run before any conduit can be
/// published.
///
/// Both conduits are published at device_initcall_sync or later:
/// CONDUIT_FFA_PROXY at the end of finalize_pkvm(), CONDUIT_FFA from the
/// FF-A core's probe after it. Until then only a later initcall of the init
/// task could publish, so wait_for_conduit() from an initcall at or before
/// device_initcall (module_init() included: the wait is not exported, so
/// its caller is built in) returns -EDEADLK at once wherever the conduit is
/// pending, and is a plain load where it is not. early_param(), __setup()
/// and console_initcall() handlers run before the scheduler, where it
/// returns -EDEADLK on every boot with a built-in gatekeeper. Register a
/// conduit_ready_block, return conduit_ready_or_defer() from a probe
/// routine, or wait from late_initcall() or later.
///
/// Limits: only a wait in the registered function itself is found, not one
/// in a function it calls; device_initcall_sync() is not reported, where
/// the outcome depends on the link order.
///
// Confidence: High
// Copyright: (C) 2026 The firmware conduit contributors
// Options: --no-includes --include-headers

virtual context
virtual org
virtual report

@initialize:python@
@@
MODE = "report"
levels = {}

@initialize:python depends on org@
@@
MODE = "org"

@initialize:python depends on context@
@@
MODE = "context"

// Only files that wait are parsed (spatch's token prefilter).
@gate@
@@

wait_for_conduit(...)

@ic depends on gate@
declarer lvl =~ "^((early|pure|core|postcore|arch|subsys|fs|rootfs|device|console)_initcall|(core|postcore|arch|subsys|fs)_initcall_sync|__initcall|module_init)$";
identifier fn;
@@

lvl(fn);

@script:python depends on gate@
fn << ic.fn;
lvl << ic.lvl;
@@
levels[fn] = lvl

@ep depends on gate@
declarer lvl =~ "^(early_param|__setup)$";
expression str;
identifier fn;
@@

lvl(str, fn);

@script:python depends on gate@
fn << ep.fn;
lvl << ep.lvl;
@@
levels[fn] = lvl

@w depends on gate exists@
identifier fn = {ic.fn, ep.fn};
position p;
@@

fn(...) {
  <+...
* wait_for_conduit@p(...)
  ...+>
}

@script:python depends on gate@
p << w.p;
fn << w.fn;
@@
msg = "conduit_initcall_wait: wait_for_conduit() in %s(), registered with %s(); it returns -EDEADLK wherever the conduit is pending: use conduit_ready_register() or wait from late_initcall() or later" % (fn, levels.get(fn, "boot"))
if MODE == "org":
    coccilib.org.print_todo(p[0], msg)
elif MODE == "report":
    coccilib.report.print_report(p[0], "ERROR: " + msg)
