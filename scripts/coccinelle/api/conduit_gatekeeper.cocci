// SPDX-License-Identifier: GPL-2.0-only
/// Find conduit_publish() calls outside the conduit's gatekeeper, or in
/// code built only as a module.
///
/// Only the built-in gatekeeper of a conduit says when it is final:
/// CONDUIT_FFA_PROXY is pKVM's, CONDUIT_FFA the FF-A core's. A publish from
/// anywhere else tells every consumer that a path to firmware is final
/// when its owner has not decided, and the gatekeeper's own publish then
/// fails with -EALREADY. The gatekeeper is the file that defines the
/// conduit's gated() function (see conduits[] in kernel/conduit/conduit.c;
/// the table below must follow it). conduit_publish() is not exported, so
/// a call in an #ifdef MODULE branch cannot link either.
///
/// Limits: a conduit given by an expression rather than its name, and
/// module builds of files without an #ifdef MODULE branch (modpost finds
/// those), are not checked.
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
GATED = {"CONDUIT_FFA_PROXY": "pkvm_ffa_proxy_gated",
         "CONDUIT_FFA": "ffa_conduit_gated"}
defined = set()

def emit(p, msg):
    msg = "conduit_gatekeeper: " + msg
    if MODE == "org":
        coccilib.org.print_todo(p[0], msg)
    elif MODE == "report":
        coccilib.report.print_report(p[0], "ERROR: " + msg)

# Is line n of the file compiled only when MODULE is defined?
def module_only(path, n):
    stack = []
    with open(path, errors="replace") as f:
        lines = f.readlines()[:n - 1]
    for line in lines:
        m = re.match(r"\s*#\s*(ifdef|ifndef|if|elif|else|endif)\b(.*)", line)
        if not m:
            continue
        d, cond = m.group(1), m.group(2)
        if d == "endif":
            if stack:
                stack.pop()
        elif d == "else":
            if stack:
                stack[-1] = (stack[-1][0], not stack[-1][1])
        elif d == "elif":
            if stack:
                stack[-1] = (cond, True)
        else:
            neg = d == "ifndef" or re.search(r"!\s*(defined\s*\(\s*)?MODULE|!\s*IS_MODULE", cond)
            stack.append((cond, not neg))
    return any(pos and re.search(r"\bMODULE\b|\bIS_MODULE\s*\(", c)
               for c, pos in stack)

@initialize:python depends on org@
@@
MODE = "org"

@initialize:python depends on context@
@@
MODE = "context"

// Only files that publish are parsed (spatch's token prefilter).
@gate@
@@

conduit_publish(...)

@gk depends on gate@
identifier gated =~ "_gated$";
position p;
@@

gated@p(...) { ... }

@script:python depends on gate@
gated << gk.gated;
p << gk.p;
@@
defined.add((p[0].file, gated))

@pub depends on gate@
identifier id;
expression st;
position p;
@@

conduit_publish@p(id, st)

@script:python bad depends on gate@
id << pub.id;
p << pub.p;
ok;
@@
gated = GATED.get(id)
if module_only(p[0].file, int(p[0].line)):
    emit(p, "conduit_publish(%s) in code built only as a module; it is not exported, gatekeepers are built in" % id)
elif gated and (p[0].file, gated) not in defined:
    emit(p, "conduit_publish(%s) outside its gatekeeper; only the file that defines %s() may publish it" % (id, gated))
else:
    cocci.include_match(False)
coccinelle.ok = cocci.make_ident(id)

@depends on gate && context@
identifier bad.ok;
expression st;
position pub.p;
@@

* conduit_publish@p(ok, st)
