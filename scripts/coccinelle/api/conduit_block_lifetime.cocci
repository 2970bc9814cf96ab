// SPDX-License-Identifier: GPL-2.0-only
/// Find conduit_ready_block registrations whose block can go away while it
/// is still registered.
///
/// conduit_ready_register() links the block on the conduit and the callback
/// may run later, from the publisher's context, so the block must stay valid
/// until conduit_ready_unregister() returns:
///  - a block with automatic (stack) storage is gone when the function
///    returns; make it static or embed it in an allocated object;
///  - a module that registers a block must unregister it in its module_exit()
///    function (or in a function called from there), or the callback and the
///    block are freed with the module text and data;
///  - a module_init() function that fails after the registration succeeded
///    must unregister the block on that error path for the same reason.
///
/// Limits: blocks are matched by the name of the variable or structure
/// member, so a block unregistered through a differently named member is
/// reported, and a block passed around as a plain pointer is not tracked;
/// the module-exit check follows one call from module_exit().
///
// Confidence: High for stack blocks, Moderate for the module paths
// URL: https://coccinelle.gitlabpages.inria.fr/website
// Options: --no-includes --include-headers

virtual org
virtual report

@initialize:python@
@@

# (file, function, block name) of every conduit_ready_unregister() call,
# and (file, exit function, callee) of every call made by a module_exit()
# function; filled in file order by the script rules below.
unregisters = set()
exit_callees = set()


def exit_unregisters(file, exitfn, blk):
    if (file, exitfn, blk) in unregisters:
        return True
    return any((file, h, blk) in unregisters
               for (f, e, h) in exit_callees if f == file and e == exitfn)

// --- automatic storage ------------------------------------------------------

@stack exists@
identifier f, crb;
expression id;
position p;
type T;
identifier fld;
@@

f(...) {
  ... when any
(
  struct conduit_ready_block crb;
|
  struct conduit_ready_block crb = ...;
|
  T crb;
|
  T crb = ...;
)
  ... when any
(
  conduit_ready_register@p(id, &crb)
|
  conduit_ready_register@p(id, &crb.fld)
)
  ... when any
}

@static_blk@
identifier stack.f, stack.crb;
type T;
@@

f(...) {
  ... when any
(
  static struct conduit_ready_block crb;
|
  static struct conduit_ready_block crb = ...;
|
  static T crb;
|
  static T crb = ...;
)
  ... when any
}

@script:python depends on org && !static_blk@
p << stack.p;
crb << stack.crb;
@@

coccilib.org.print_todo(p[0], "conduit_block_lifetime: block %s has automatic storage" % crb)

@script:python depends on report && !static_blk@
p << stack.p;
crb << stack.crb;
@@

coccilib.report.print_report(p[0], "ERROR: conduit_block_lifetime: block in local variable %s has automatic (stack) storage but stays registered after return; make it static or embed it in an allocated object" % crb)

// --- module exit path -------------------------------------------------------

@mexit@
declarer name module_exit;
identifier exitfn;
@@

module_exit(exitfn);

@mreg depends on mexit@
identifier blk;
expression id, E;
position p;
@@

(
conduit_ready_register@p(id, &blk)
|
conduit_ready_register@p(id, &E.blk)
|
conduit_ready_register@p(id, &E->blk)
)

// functions that unregister a block, by block name
@unreg@
identifier blk, g;
expression E;
position pu;
@@

g(...) {
  <+...
(
  conduit_ready_unregister@pu(&blk)
|
  conduit_ready_unregister@pu(&E.blk)
|
  conduit_ready_unregister@pu(&E->blk)
)
  ...+>
}

@script:python depends on mreg@
g << unreg.g;
blk << unreg.blk;
pu << unreg.pu;
@@

unregisters.add((pu[0].file, g, blk))

// functions the exit function calls
@exit_calls depends on mreg@
identifier mexit.exitfn, h;
position pc;
@@

exitfn(...) {
  <+...
  h@pc(...)
  ...+>
}

@script:python@
h << exit_calls.h;
pc << exit_calls.pc;
exitfn << mexit.exitfn;
@@

exit_callees.add((pc[0].file, exitfn, h))

@script:python depends on org@
p << mreg.p;
blk << mreg.blk;
exitfn << mexit.exitfn;
@@

if not exit_unregisters(p[0].file, exitfn, blk):
    coccilib.org.print_todo(p[0], "conduit_block_lifetime: block %s not unregistered in %s()" % (blk, exitfn))

@script:python depends on report@
p << mreg.p;
blk << mreg.blk;
exitfn << mexit.exitfn;
@@

if not exit_unregisters(p[0].file, exitfn, blk):
    coccilib.report.print_report(p[0], "ERROR: conduit_block_lifetime: block %s is registered but never unregistered on the module exit path (%s()); call conduit_ready_unregister() there" % (blk, exitfn))

// --- module_init() error path -----------------------------------------------

@minit@
declarer name module_init;
identifier initfn;
@@

module_init(initfn);

@ierr exists@
identifier minit.initfn;
identifier blk, lbl;
expression id, E, ret, C, R;
statement S;
position p, p2;
@@

initfn(...) {
  ... when any
(
  ret = conduit_ready_register@p(id, \(&blk\|&E.blk\|&E->blk\));
  if (\(ret\|ret < 0\|ret != 0\|unlikely(ret)\)) S
|
  if (\(conduit_ready_register@p(id, \(&blk\|&E.blk\|&E->blk\))\|conduit_ready_register@p(id, \(&blk\|&E.blk\|&E->blk\)) < 0\)) S
)
  ... when != conduit_ready_unregister(\(&blk\|&E.blk\|&E->blk\))
(
  goto@p2 lbl;
  ... when != conduit_ready_unregister(\(&blk\|&E.blk\|&E->blk\))
  return R;
|
  if (C) {
    ... when != conduit_ready_unregister(\(&blk\|&E.blk\|&E->blk\))
    return@p2 R;
  }
)
  ... when any
}

@script:python depends on org@
p << ierr.p;
p2 << ierr.p2;
blk << ierr.blk;
R << ierr.R;
@@

if R.strip() != "0":
    cocci.print_main("conduit_block_lifetime: block %s stays registered on an error path" % blk, p)
    cocci.print_secs("error exit", p2)

@script:python depends on report@
p << ierr.p;
p2 << ierr.p2;
blk << ierr.blk;
R << ierr.R;
initfn << minit.initfn;
@@

if R.strip() != "0":
    coccilib.report.print_report(p[0], "ERROR: conduit_block_lifetime: block %s stays registered on the error exit of %s() at line %s; call conduit_ready_unregister() on that path" % (blk, initfn, p2[0].line))
