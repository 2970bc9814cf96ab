// SPDX-License-Identifier: GPL-2.0-only
/// Find code that waits for protected KVM by polling its state:
/// -EPROBE_DEFER (or a retry loop) on is_pkvm_initialized() or
/// is_protected_kvm_enabled().
///
/// With protected KVM the host's SMCs are trapped at EL2, and pKVM's FF-A
/// proxy only forwards calls once finalize_pkvm() has run
/// (device_initcall_sync). A probe routine that returns -EPROBE_DEFER until
/// is_pkvm_initialized() is true, as the FF-A core's ffa_probe() does,
/// waits on the hypervisor by polling: nothing re-probes the device when
/// pKVM finalises (the deferred-probe trigger is a no-op before
/// late_initcall), so it first runs again at late_initcall, after the
/// consumers at that level; and if KVM fails after the protected-mode
/// capability is final, is_pkvm_initialized() never becomes true and the
/// device stays deferred forever. pKVM publishes CONDUIT_HOST_SMC when the
/// host's SMC path is final, or fails it: return conduit_ready_or_defer()
/// on CONDUIT_HOST_SMC from the probe routine, or register a
/// conduit_ready_block, instead.
///
/// Found: an if whose condition calls one of the two predicates and whose
/// then branch (a block or one statement) mentions EPROBE_DEFER (return,
/// assignment, ERR_PTR(), dev_err_probe()); a conditional expression on
/// them with EPROBE_DEFER in one operand; a while loop that polls
/// is_pkvm_initialized(). Code that uses the conduit API
/// (conduit_ready_or_defer()) has none of these and is not reported. The
/// predicates alone, as arm64 code uses them to pick a path, are not
/// reported.
///
/// Limits: a predicate whose value was first stored in a variable or is
/// wrapped in a helper, a deferral in the else branch or after the if, and
/// other KVM state (is_kvm_arm_initialised()) are not found. A test that
/// combines is_protected_kvm_enabled() with some other condition it really
/// waits for is reported too, hence Moderate.
///
// Confidence: Moderate
// URL: https://coccinelle.gitlabpages.inria.fr/website
// Options: --no-includes --include-headers

virtual context
virtual org
virtual report

// Only files that call a predicate are parsed (spatch's token prefilter).
@gate@
@@

\(is_pkvm_initialized\|is_protected_kvm_enabled\)()

@initialize:python@
@@

import re

seen = set()

def has_pred(c):
    return re.search(r"\b(is_pkvm_initialized|is_protected_kvm_enabled)\s*\(",
                     c) is not None

def has_defer(e):
    return re.search(r"\bEPROBE_DEFER\b", e) is not None

def pred_of(c):
    # name the state being waited for: is_pkvm_initialized() when tested
    if not has_pred(c):
        return ""
    if re.search(r"\bis_pkvm_initialized\s*\(", c):
        return "is_pkvm_initialized"
    return "is_protected_kvm_enabled"

def msg(p, c, how):
    fn, pred = p[0].current_element, pred_of(c)
    if how == "polls":
        return ("%s() polls %s(); it blocks its caller until pKVM is final "
                "and forever if pKVM fails: wait on CONDUIT_HOST_SMC or "
                "register a conduit_ready_block" % (fn, pred))
    return ("%s() defers on %s(); nothing re-probes when pKVM finalises "
            "and it defers forever if pKVM fails: use "
            "conduit_ready_or_defer() on CONDUIT_HOST_SMC" % (fn, pred))

def once(p):
    key = (p[0].file, p[0].line, p[0].column)
    if key in seen:
        return False
    seen.add(key)
    return True

// if (<pKVM state>) { ... EPROBE_DEFER ... } [else ...]
@defer depends on gate@
expression C : script:python () { has_pred(C) };
statement S2;
position p;
@@

(
  if@p (C) { <+... EPROBE_DEFER ...+> } else S2
|
  if@p (C) { <+... EPROBE_DEFER ...+> }
)

// <pKVM state> ? ... EPROBE_DEFER ... : ..., either way round
@tern depends on gate@
expression C : script:python () { has_pred(C) };
expression E;
expression ED : script:python () { has_defer(ED) };
position p;
@@

(
  C@p ? ED : E
|
  C@p ? E : ED
)

// while (!is_pkvm_initialized()) ...
@loop depends on gate@
expression C : script:python () { pred_of(C) == "is_pkvm_initialized" };
statement S;
position p;
@@

while@p (C) S

@ctx depends on gate && context@
expression defer.C;
position defer.p;
statement S1, S2;
@@

(
* if@p (C) S1 else S2
|
* if@p (C) S1
)

@ctx_tern depends on gate && context@
expression tern.C, tern.ED;
expression E;
position tern.p;
@@

(
* C@p ? ED : E
|
* C@p ? E : ED
)

@ctx_loop depends on gate && context@
expression loop.C;
position loop.p;
statement S;
@@

* while@p (C) S

@script:python depends on org@
c << defer.C;
p << defer.p;
@@

how = "defers"
if once(p):
    cocci.print_main("conduit_pkvm_defer: " + msg(p, c, how), p)

@script:python depends on org@
c << tern.C;
p << tern.p;
@@

how = "defers"
if once(p):
    cocci.print_main("conduit_pkvm_defer: " + msg(p, c, how), p)

@script:python depends on org@
c << loop.C;
p << loop.p;
@@

how = "polls"
if once(p):
    cocci.print_main("conduit_pkvm_defer: " + msg(p, c, how), p)

@script:python depends on report@
c << defer.C;
p << defer.p;
@@

how = "defers"
if once(p):
    coccilib.report.print_report(p[0], "WARNING: conduit_pkvm_defer: " + msg(p, c, how))

@script:python depends on report@
c << tern.C;
p << tern.p;
@@

how = "defers"
if once(p):
    coccilib.report.print_report(p[0], "WARNING: conduit_pkvm_defer: " + msg(p, c, how))

@script:python depends on report@
c << loop.C;
p << loop.p;
@@

how = "polls"
if once(p):
    coccilib.report.print_report(p[0], "WARNING: conduit_pkvm_defer: " + msg(p, c, how))
