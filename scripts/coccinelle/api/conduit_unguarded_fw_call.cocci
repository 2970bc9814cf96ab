// SPDX-License-Identifier: GPL-2.0-only
/// Find initcalls that make FF-A calls in code that neither waits for nor
/// registers on a firmware conduit.
///
/// With protected KVM the host's SMCs are trapped by the hypervisor and the
/// FF-A proxy is only final at device_initcall_sync. An FF-A call made
/// earlier goes to the secure world behind the proxy's back (version
/// negotiation then fails through the proxy). An initcall that makes such a
/// call, directly or through a function of the same file, should be ordered
/// against the conduit: conduit_ready_register() on CONDUIT_HOST_SMC (FF-A
/// transport code) or CONDUIT_FFA (FF-A consumers), conduit_ready_or_defer()
/// in a probe routine, or wait_for_conduit() from late_initcall() or later.
///
/// Firmware calls are: invoke_ffa_fn(), arm_smccc_1_1_{smc,hvc,invoke}() and
/// arm_smccc_{smc,hvc}() with an FFA_* function ID, calls through the FF-A
/// driver's ops (->info_ops, ->msg_ops, ->mem_ops, ->cpu_ops,
/// ->notifier_ops). Plain SMCCC calls (PSCI, SOC_ID, TRNG, ...) are
/// forwarded by pKVM at any time and are not reported. EFI variable calls
/// are not reported either: the EFI runtime wrappers order them against
/// CONDUIT_FFA themselves, whoever the caller is.
/// A file that uses the conduit API anywhere is assumed to be ordered.
///
// Confidence: Low
// Copyright: (C) 2025 The firmware conduit authors.
// URL: https://coccinelle.gitlabpages.inria.fr/website
// Options: --no-includes --include-headers

virtual report

@initialize:python@
@@

seen = set()
# files that use the conduit API somewhere
using = set()

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
  E->info_ops
|
  E->msg_ops
|
  E->mem_ops
|
  E->cpu_ops
|
  E->notifier_ops
)

@uses depends on fwgate@
identifier f =~ "^(wait_for_conduit|wait_for_conduit_timeout|wait_for_conduit_killable|conduit_ready_register|conduit_ready_or_defer|conduit_status)$";
position pu;
@@

f@pu(...)

@script:python depends on fwgate@
pu << uses.pu;
@@

using.add(pu[0].file)

@ic depends on fwgate@
declarer level =~ "_initcall(_sync)?$|^module_init$";
identifier fn;
@@

level(fn);

@fw depends on fwgate@
identifier g;
identifier call =~ "^invoke_ffa_fn$";
identifier smccc =~ "^arm_smccc_(1_1_)?(smc|hvc|invoke)$";
identifier fid =~ "^FFA_";
identifier ops =~ "^(info|msg|mem|cpu|notifier)_ops$";
identifier m;
expression E;
@@

g(...) {
  <+...
(
  call(...)
|
  smccc(fid, ...)
|
  E->ops->m(...)
)
  ...+>
}

@direct depends on fwgate@
identifier fw.g;
position p;
@@

g@p(...) { ... }

@indirect depends on fwgate@
identifier ic.fn, fw.g;
position p;
@@

fn@p(...) {
  <+...
  g(...)
  ...+>
}

@script:python depends on fwgate@
p << direct.p;
fn << ic.fn;
g << fw.g;
@@

if fn == g and p[0].file not in using and (p[0].file, p[0].line) not in seen:
    seen.add((p[0].file, p[0].line))
    coccilib.report.print_report(p[0], "WARNING: conduit_unguarded_fw_call: initcall %s() calls FF-A without ordering against a firmware conduit; use conduit_ready_register() (see Documentation/core-api/firmware-conduit.rst)" % fn)

@script:python depends on fwgate@
p << indirect.p;
fn << ic.fn;
g << fw.g;
@@

if p[0].file not in using and (p[0].file, p[0].line) not in seen:
    seen.add((p[0].file, p[0].line))
    coccilib.report.print_report(p[0], "WARNING: conduit_unguarded_fw_call: initcall %s() reaches FF-A through %s() without ordering against a firmware conduit; use conduit_ready_register() (see Documentation/core-api/firmware-conduit.rst)" % (fn, g))
