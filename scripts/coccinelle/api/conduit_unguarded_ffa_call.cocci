// SPDX-License-Identifier: GPL-2.0-only
/// Find initcalls that make FF-A calls of their own with no firmware
/// conduit check on the way.
///
/// Behind pKVM's FF-A proxy the host may negotiate FF-A only once
/// CONDUIT_FFA_PROXY is ready, and other FF-A calls are handled only once
/// CONDUIT_FFA is. An initcall that issues an FF-A call itself
/// (invoke_ffa_fn(), or arm_smccc_*() with an FFA_* function ID), directly
/// or through a function of the same file, must pass a conduit check
/// first: wait_for_conduit() (from late_initcall() on), conduit_status()
/// or conduit_ready_or_defer(); or make the call from a callback
/// registered with conduit_ready_register(). Registering a callback does
/// not order a call made next to it.
///
/// Not reported: calls through an FF-A device's ops (the device exists
/// only once CONDUIT_FFA is ready), EFI variable services (the runtime
/// wrappers check CONDUIT_FFA), and plain SMCCC calls such as PSCI, which
/// pKVM forwards at any time.
///
/// Limits: one call level, inside the file; a check counts when it is on
/// the path, whatever conduit it checks and whatever is done with its
/// value, and code that makes the call only without pKVM is reported too.
///
// Confidence: Moderate
// Copyright: (C) 2026 The firmware conduit contributors
// Options: --no-includes --include-headers

virtual org
virtual report

@initialize:python@
@@
MODE = "report"
seen = set()

def emit(p, fn, g):
    if (p[0].file, fn) in seen:
        return
    seen.add((p[0].file, fn))
    how = "calls FF-A" if fn == g else "reaches FF-A through %s()" % g
    msg = "conduit_unguarded_ffa_call: initcall %s() %s with no conduit check on the way; check the conduit first or call FF-A from a conduit_ready_register() callback" % (fn, how)
    if MODE == "org":
        coccilib.org.print_todo(p[0], msg)
    else:
        coccilib.report.print_report(p[0], "WARNING: " + msg)

@initialize:python depends on org@
@@
MODE = "org"

// Only files that make such calls are parsed (spatch's token prefilter).
@gate@
@@

\(invoke_ffa_fn\|arm_smccc_1_1_smc\|arm_smccc_1_1_hvc\|arm_smccc_1_1_invoke\|arm_smccc_smc\|arm_smccc_hvc\)(...)

@ic depends on gate@
declarer lvl =~ "_initcall(_sync)?$|^module_init$";
identifier fn;
@@

lvl(fn);

// a function with an FF-A call that a path from its entry reaches unchecked
@fw depends on gate exists@
identifier g;
identifier smccc =~ "^arm_smccc_(1_1_)?(smc|hvc|invoke)$";
identifier fid =~ "^FFA_";
@@

g(...) {
  ... when != \(wait_for_conduit\|conduit_status\|conduit_ready_or_defer\)(...)
(
  invoke_ffa_fn(...)
|
  smccc(fid, ...)
)
  ... when any
}

@direct depends on gate@
identifier ic.fn;
position p;
@@

fn@p(...) { ... }

@indirect depends on gate exists@
identifier ic.fn, fw.g;
position p;
@@

fn@p(...) {
  ... when != \(wait_for_conduit\|conduit_status\|conduit_ready_or_defer\)(...)
  g(...)
  ... when any
}

@script:python depends on gate@
p << direct.p;
fn << ic.fn;
g << fw.g;
@@
if fn == g:
    emit(p, fn, g)

@script:python depends on gate@
p << indirect.p;
fn << ic.fn;
g << fw.g;
@@
emit(p, fn, g)
