// SPDX-License-Identifier: GPL-2.0-only
/// Find initcalls that make FF-A calls with no firmware conduit check on
/// the way.
///
/// With protected KVM the host's SMCs are trapped by the hypervisor and the
/// FF-A proxy is only final at device_initcall_sync. An FF-A call made
/// earlier goes to the secure world behind the proxy's back (version
/// negotiation then fails through the proxy). An initcall that makes such a
/// call, directly or through a function of the same file, should be ordered
/// against the conduit: conduit_ready_register() on CONDUIT_HOST_SMC (FF-A
/// transport code) or CONDUIT_FFA (FF-A consumers) with the call in the
/// callback, conduit_ready_or_defer() in a probe routine, or
/// wait_for_conduit() from late_initcall() or later.
///
/// An FF-A call is invoke_ffa_fn(), arm_smccc_1_1_{smc,hvc,invoke}() or
/// arm_smccc_{smc,hvc}() with an FFA_* function ID, or a call through an
/// FF-A device's ops (ffa_dev->ops->msg_ops->..., ops->mem_ops->..., or a
/// local copy such as msg_ops = ffa_dev->ops->msg_ops). It is reported when
/// some path from the initcall's entry reaches it (in the initcall, or in a
/// function of the same file that the initcall calls) without passing a
/// wait_for_conduit*(), conduit_status() or conduit_ready_or_defer() call.
/// Registering a callback does not order a call made next to it.
/// Plain SMCCC calls (PSCI, SOC_ID, TRNG, ...) are forwarded by pKVM at any
/// time and are not reported. EFI variable calls are not reported either:
/// the EFI runtime wrappers order them against CONDUIT_FFA themselves.
///
/// Limits: one call level, inside the file; FF-A ops reached through a
/// pointer of another shape, or a transport's own function pointer, are
/// not seen; a check only counts when it is on the path (a check of the
/// wrong conduit counts too). Code ordered some other ad-hoc way is
/// reported here and by conduit_pkvm_defer or conduit_initcall_workaround.
///
// Confidence: Moderate
// URL: https://coccinelle.gitlabpages.inria.fr/website
// Options: --no-includes --include-headers

virtual report

@initialize:python@
@@

seen = set()

def report_fw(p, fn, g):
    if (p[0].file, p[0].line) in seen:
        return
    seen.add((p[0].file, p[0].line))
    if fn == g:
        what = "calls FF-A"
    else:
        what = "reaches FF-A through %s()" % g
    coccilib.report.print_report(p[0], "WARNING: conduit_unguarded_fw_call: initcall %s() %s with no firmware conduit check on the way; use conduit_ready_register() (see Documentation/core-api/firmware-conduit.rst)" % (fn, what))

// Only files that make such calls are parsed (spatch's token prefilter).
@fwgate@
expression E;
@@

(
  invoke_ffa_fn(...)
|
  arm_smccc_1_1_smc(...)
|
  arm_smccc_1_1_hvc(...)
|
  arm_smccc_1_1_invoke(...)
|
  arm_smccc_smc(...)
|
  arm_smccc_hvc(...)
|
  E->msg_ops
|
  E->mem_ops
|
  E->info_ops
|
  E->cpu_ops
|
  E->notifier_ops
)

@ic depends on fwgate@
declarer level =~ "_initcall(_sync)?$|^module_init$";
identifier fn;
@@

level(fn);

// A function with an FF-A call that some path from its entry reaches
// without a conduit check (a wait, conduit_status() or
// conduit_ready_or_defer()) on the way.
@fw depends on fwgate exists@
identifier g, m;
identifier smccc =~ "^arm_smccc_(1_1_)?(smc|hvc|invoke)$";
identifier fid =~ "^FFA_";
identifier xops =~ "^(info|msg|mem|cpu|notifier)_ops$";
expression E;
symbol ops;
position pc;
@@

g(...) {
  ... when != \(wait_for_conduit\|wait_for_conduit_timeout\|wait_for_conduit_killable\|conduit_status\|conduit_ready_or_defer\)(...)
(
  invoke_ffa_fn@pc(...)
|
  smccc@pc(fid, ...)
|
  E->ops->xops->m@pc(...)
|
  ops->xops->m@pc(...)
)
  ... when any
}

// The same through a local copy of an FF-A ops pointer:
// msg_ops = ffa_dev->ops->msg_ops; ... msg_ops->sync_send_receive(...)
@fw_local depends on fwgate exists@
identifier g, m, v;
identifier xops =~ "^(info|msg|mem|cpu|notifier)_ops$";
expression E;
type T;
position pc;
@@

g(...) {
  ... when != \(wait_for_conduit\|wait_for_conduit_timeout\|wait_for_conduit_killable\|conduit_status\|conduit_ready_or_defer\)(...)
(
  T v = E->ops->xops;
|
  v = E->ops->xops
)
  ... when != \(wait_for_conduit\|wait_for_conduit_timeout\|wait_for_conduit_killable\|conduit_status\|conduit_ready_or_defer\)(...)
  v->m@pc(...)
  ... when any
}

@direct depends on fwgate@
identifier ic.fn;
position p;
@@

fn@p(...) { ... }

@indirect depends on fwgate exists@
identifier ic.fn, fw.g;
position p;
@@

fn@p(...) {
  ... when != \(wait_for_conduit\|wait_for_conduit_timeout\|wait_for_conduit_killable\|conduit_status\|conduit_ready_or_defer\)(...)
  g(...)
  ... when any
}

@indirect_local depends on fwgate exists@
identifier ic.fn, fw_local.g;
position p;
@@

fn@p(...) {
  ... when != \(wait_for_conduit\|wait_for_conduit_timeout\|wait_for_conduit_killable\|conduit_status\|conduit_ready_or_defer\)(...)
  g(...)
  ... when any
}

@script:python depends on fwgate@
p << direct.p;
fn << ic.fn;
g << fw.g;
@@

if fn == g:
    report_fw(p, fn, g)

@script:python depends on fwgate@
p << direct.p;
fn << ic.fn;
g << fw_local.g;
@@

if fn == g:
    report_fw(p, fn, g)

@script:python depends on fwgate@
p << indirect.p;
fn << ic.fn;
g << fw.g;
@@

report_fw(p, fn, g)

@script:python depends on fwgate@
p << indirect_local.p;
fn << ic.fn;
g << fw_local.g;
@@

report_fw(p, fn, g)
