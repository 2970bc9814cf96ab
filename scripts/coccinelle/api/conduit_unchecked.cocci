// SPDX-License-Identifier: GPL-2.0-only
/// The value of wait_for_conduit() and conduit_ready_or_defer() must be
/// checked.
///
/// wait_for_conduit() returns the status the gatekeeper published, which
/// may be a failure, -ENOLINK if it never published, or -EDEADLK when the
/// wait was refused because it could never end: in each case the path to
/// firmware is not usable, or not final yet. conduit_ready_or_defer()
/// returns -EPROBE_DEFER while the conduit is pending, and that value must
/// reach the driver core for the device to be probed again. A caller that
/// drops the value goes on to use firmware as if the conduit were ready.
/// Check it, or cast it to (void) where going on regardless is deliberate.
///
/// Limits: a stored value counts as checked once it is read, whatever the
/// read does with it; a value returned to the caller is left to the caller.
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

def emit(p, msg):
    msg = "conduit_unchecked: " + msg
    if MODE == "org":
        coccilib.org.print_todo(p[0], msg)
    elif MODE == "report":
        coccilib.report.print_report(p[0], "WARNING: " + msg)

@initialize:python depends on org@
@@
MODE = "org"

@initialize:python depends on context@
@@
MODE = "context"

// Only files that call them are parsed (spatch's token prefilter).
@gate@
@@

\(wait_for_conduit\|conduit_ready_or_defer\)(...)

@r depends on gate@
identifier fn =~ "^(wait_for_conduit|conduit_ready_or_defer)$";
position p;
@@

* fn@p(...);

@script:python depends on gate@
p << r.p;
fn << r.fn;
@@
emit(p, "value of %s() ignored; check it (or cast it to (void) if deliberate) before relying on the firmware path" % fn)

@s depends on gate exists@
identifier fn =~ "^(wait_for_conduit|conduit_ready_or_defer)$";
local idexpression ret;
expression E, E2;
position p, p2;
@@

* ret = fn@p(...);
  ... when != ret
(
  return ret;
|
* ret@p2 = E;
|
* return@p2 E2;
)

@script:python depends on gate@
p << s.p;
p2 << s.p2;
fn << s.fn;
@@
emit(p, "value of %s() stored but never read; it is overwritten or dropped on line %s: check it before relying on the firmware path" % (fn, p2[0].line))
