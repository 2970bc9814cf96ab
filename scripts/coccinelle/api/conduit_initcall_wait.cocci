// SPDX-License-Identifier: GPL-2.0-only
/// Find blocking conduit waits in initcalls that run before the conduit can
/// be published.
///
/// Both well-known conduits are published at device_initcall_sync:
/// CONDUIT_HOST_SMC by pKVM's finalize_pkvm(), CONDUIT_FFA by the FF-A
/// driver from its CONDUIT_HOST_SMC callback. Initcalls run one after the
/// other in the init task, so a wait_for_conduit*() in an initcall at or
/// before that level can never be satisfied: the API returns -EDEADLK
/// instead of hanging, and the caller's initialisation fails. The same holds
/// for module_init() in code that is built in (device level), and for
/// early_param() and __setup() handlers. Register a struct
/// conduit_ready_block with conduit_ready_register() and do the work from its
/// callback, return conduit_ready_or_defer() from a probe routine, or move
/// the caller to late_initcall() or later.
///
/// Limits: only a wait in the initcall function itself is found, not one
/// in a function it calls; module_init() waits are reported even in code
/// that can only be built as a module, where the wait would be fine.
///
// Confidence: High
// URL: https://coccinelle.gitlabpages.inria.fr/website
// Options: --no-includes --include-headers

virtual context
virtual org
virtual report

// Only files that mention the API are parsed (spatch's token prefilter).
@gate@
@@

\(wait_for_conduit\|wait_for_conduit_timeout\|wait_for_conduit_killable\)(...)

@ic depends on gate@
declarer level =~ "^(early|pure|core|core_sync|postcore|postcore_sync|arch|arch_sync|subsys|subsys_sync|fs|fs_sync|rootfs|device|device_sync|console|_)_initcall|^(core|postcore|arch|subsys|fs|device)_initcall_sync$|^module_init$";
identifier fn;
@@

level(fn);

@ep depends on gate@
declarer level =~ "^(early_param|__setup)$";
expression str;
identifier fn;
@@

level(str, fn);

@w depends on gate exists@
identifier wait =~ "^wait_for_conduit(_timeout|_killable)?$";
identifier fn = {ic.fn, ep.fn};
position p;
@@

fn(...) {
  <+...
* wait@p(...)
  ...+>
}

@script:python depends on gate && org@
p << w.p;
fn << w.fn;
wait << w.wait;
@@

coccilib.org.print_todo(p[0], "conduit_initcall_wait: %s() in early initcall %s()" % (wait, fn))

@script:python depends on gate && report@
p << w.p;
fn << w.fn;
wait << w.wait;
@@

coccilib.report.print_report(p[0], "ERROR: conduit_initcall_wait: %s() in %s(), which runs at or before device_initcall_sync where the conduit is published: it can only fail with -EDEADLK; use conduit_ready_register() or move the caller to late_initcall()" % (wait, fn))
