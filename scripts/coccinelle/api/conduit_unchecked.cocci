// SPDX-License-Identifier: GPL-2.0-only
/// The return value of wait_for_conduit(), wait_for_conduit_timeout(),
/// wait_for_conduit_killable() and conduit_ready_register() must be checked.
///
/// A wait returns the status the conduit was published with, -EDEADLK when
/// the init task asks during initcalls for a conduit that is still pending,
/// -ETIME or -ERESTARTSYS. A caller that drops the value goes on to issue
/// firmware calls over a path that may have failed or may not be final.
/// conduit_ready_register() fails with a negative errno and then never runs
/// the callback. Check the value, or cast it to (void) where ignoring it is
/// deliberate.
///
/// Limits: a stored value counts as checked once it is read, whatever the
/// read does with it; a value returned to the caller is left to the caller.
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

\(wait_for_conduit\|wait_for_conduit_timeout\|wait_for_conduit_killable\|conduit_ready_register\)(...)

@r depends on gate@
identifier fn =~ "^(wait_for_conduit|wait_for_conduit_timeout|wait_for_conduit_killable|conduit_ready_register)$";
position p;
@@

* fn@p(...);

@s depends on gate exists@
identifier fn =~ "^(wait_for_conduit|wait_for_conduit_timeout|wait_for_conduit_killable|conduit_ready_register)$";
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

@script:python depends on gate && org@
p << s.p;
p2 << s.p2;
fn << s.fn;
@@

coccilib.org.print_todo(p[0], "conduit_unchecked: value of %s() is stored but never read" % fn)

@script:python depends on gate && org@
p << r.p;
fn << r.fn;
@@

coccilib.org.print_todo(p[0], "conduit_unchecked: return value of %s() ignored; check it before using the firmware path" % fn)

@script:python depends on gate && report@
p << s.p;
p2 << s.p2;
fn << s.fn;
@@

coccilib.report.print_report(p[0], "WARNING: conduit_unchecked: value of %s() is stored but never read (overwritten or dropped on line %s); check it before relying on the firmware path" % (fn, p2[0].line))

@script:python depends on gate && report@
p << r.p;
fn << r.fn;
@@

coccilib.report.print_report(p[0], "WARNING: conduit_unchecked: return value of %s() ignored; check it (or cast to (void) if deliberate) before relying on the firmware path" % fn)
