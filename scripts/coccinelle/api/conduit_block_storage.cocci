// SPDX-License-Identifier: GPL-2.0-only
/// Find conduit_ready_blocks that do not live for good, and callbacks that
/// are __init.
///
/// conduit_ready_register() keeps the block queued until the conduit is
/// final and there is no way to take it back, so a block lives in static
/// storage, outside .init.data, for the life of the kernel. Its callback
/// may run from a work item, not from the registering initcall, so it is
/// never __init. Reported:
///  - a block in a local variable (or a member of one) that is not static:
///    gone when the function returns, while still queued;
///  - a block in memory from kmalloc() and friends (or embedded in it):
///    freed with its owner, while still queued;
///  - a block, or a variable that embeds one, marked __initdata;
///  - a function with the conduit_ready_fn signature marked __init.
/// Define blocks with static DEFINE_CONDUIT_READY_BLOCK() at file scope.
///
/// Limits: a block handed over as a plain pointer is not followed, and a
/// heap block is found only when the allocation is in the registering
/// function. A heap object that is never freed is safe, though against the
/// rule, hence Moderate for that case.
///
// Confidence: High (stack, __initdata, __init), Moderate (heap)
// Copyright: (C) 2026 The firmware conduit contributors
// Options: --no-includes --include-headers

virtual org
virtual report

@initialize:python@
@@
import re

MODE = "report"

def emit(p, msg):
    msg = "conduit_block_storage: " + msg
    if MODE == "org":
        coccilib.org.print_todo(p[0], msg)
    else:
        coccilib.report.print_report(p[0], "ERROR: " + msg)

# The declaration around p, from the start of its line (or of the line
# before, if the declaration starts there) to its first '=' or ';'.
def decl_text(p):
    with open(p.file, errors="replace") as f:
        lines = f.readlines()
    n = int(p.line) - 1
    text = lines[n]
    prev = lines[n - 1].strip() if n else ";"
    if prev and not prev.startswith("#") and prev[-1] not in ";{}/":
        text = prev + " " + text
    return re.split(r"[=;]", text)[0]

def storage(p, pd, b):
    text = decl_text(pd[0])
    if re.search(r"\bextern\b", text):
        return
    if re.search(r"\b__initdata\b", text):
        emit(p, "block %s is __initdata; a block is registered for good and never __initdata: drop __initdata" % b)
    elif (pd[0].current_element == p[0].current_element
          and not re.search(r"\bstatic\b", text)):
        emit(p, "block %s is a local variable of %s(); it may stay queued after the function returns: make it static" % (b, p[0].current_element))

@initialize:python depends on org@
@@
MODE = "org"

@reg@
expression id;
identifier b, f;
position p;
@@

conduit_ready_register@p(id, \(&b\|&b.f\))

@decl@
identifier reg.b;
type T;
position pd;
@@

(
T b@pd;
|
T b@pd = ...;
)

@script:python@
p << reg.p;
pd << decl.pd;
b << reg.b;
@@
storage(p, pd, b)

@def@
declarer name DEFINE_CONDUIT_READY_BLOCK;
identifier reg.b, fn;
position pd;
@@

DEFINE_CONDUIT_READY_BLOCK@pd(b, fn);

@script:python@
p << reg.p;
pd << def.pd;
b << reg.b;
@@
storage(p, pd, b)

@heap exists@
expression E, E2, id;
identifier f;
identifier alloc =~ "^(devm_)?(kv?[mz]alloc|kv?calloc|kmalloc_array|kmemdup|k[mz]alloc_objs?|kv?zalloc_objs?|vzalloc|vmalloc)(_node)?$";
position p;
@@

E = alloc(...)
... when != E = E2
conduit_ready_register@p(id, \(E\|&E->f\))

@script:python@
p << heap.p;
alloc << heap.alloc;
@@
emit(p, "block in memory from %s(); a block is registered for good, and this memory may be freed while it is queued: make it static" % alloc)

@cb@
attribute name __init;
identifier fn, crb, st;
position p;
@@

void __init fn@p(struct conduit_ready_block *crb, int st) { ... }

@script:python@
p << cb.p;
fn << cb.fn;
@@
emit(p, "callback %s() is __init; callbacks may run from a work item and are never __init: drop __init" % fn)
