// SPDX-License-Identifier: GPL-2.0-only
/// Find ad-hoc initcall level moves on FF-A and EFI variable consumers that
/// the firmware conduit API makes unnecessary.
///
/// Before the conduit API, FF-A and EFI variable consumers were ordered
/// against the firmware path by moving their initcall to an odd level:
/// rootfs_initcall(), or a *_sync level such as late_initcall_sync(). The
/// order that produces depends on link order and on other subsystems' levels,
/// and it is wrong with protected KVM, whose FF-A proxy is final only at
/// device_initcall_sync. conduit_ready_register() expresses the dependency
/// itself, so the consumer can stay at its natural level.
///
/// A consumer is an initcall that calls invoke_ffa_fn(), an FF-A SMCCC
/// call, an ffa_*() function, the FF-A driver's ops, EFI variable services
/// (efi.*_variable*, efivar_*_variable*()), or a function of the same file
/// that does.
///
/// The LSM framework's form of the same move is reported too: an LSM whose
/// struct lsm_info (DEFINE_LSM()) puts its initcall in a *_sync slot, such
/// as IMA's .initcall_late_sync = init_ima under CONFIG_IMA_INIT_LATE_SYNC,
/// which waits for a TPM whose probe is deferred (tpm_crb deferring on the
/// tpm_crb_ffa partition driver, for a TPM behind FF-A). Once a built-in
/// FF-A core is ordered by the conduit, its partitions and the devices
/// deferred on them have probed before late_initcall, with and without
/// pKVM, and IMA measures with the TPM at its natural slot (boot checks
/// patched_tpm_before_ima and patched_ima_boot_aggregate in tpm-pkvm,
/// tpm-nvhe and tpm-el1). With FF-A built as a module, as Debian's 7.3.4
/// arm64 kernel builds it, IMA still finds no TPM (a built-in tpm_crb
/// cannot reach a modular tpm_crb_ffa and fails its probe:
/// tpm-ffa-module-pkvm): the series does not change that. Any *_sync
/// slot is reported, whatever the LSM waits for: the framework has no
/// other reason for it.
///
/// Patch mode undoes the level move: rootfs_initcall() and the *_sync
/// levels up to device_initcall_sync become device_initcall(), or
/// module_init() in a file with module_exit() (the same level when built
/// in); late_initcall_sync() becomes late_initcall(). This only preserves
/// behaviour when the consumer is ordered by the conduit API, so in a file
/// that does not use the API yet the patch also adds a FIXME comment asking
/// for conduit_ready_register(): review every hunk. LSM slots are reported
/// (report, org, context) but not patched.
///
/// Limits: a consumer is found through one call level inside the file. An
/// LSM's fields are read from the file's text (a DEFINE_LSM() block does
/// not parse without the macro, and spatch keeps one branch of an #ifdef in
/// an initialiser), in files that call security_add_hooks(), and the
/// report is put on the function the slot names, which must be defined in
/// the same file.
///
// Confidence: Moderate
// URL: https://coccinelle.gitlabpages.inria.fr/website
// Options: --no-includes --include-headers

virtual patch
virtual context
virtual org
virtual report

// Only files with such initcall levels are parsed (spatch's token prefilter).
@gate@
declarer name rootfs_initcall, core_initcall_sync, postcore_initcall_sync, arch_initcall_sync, subsys_initcall_sync, fs_initcall_sync, device_initcall_sync, late_initcall_sync;
identifier fn;
@@

(
rootfs_initcall(fn);
|
core_initcall_sync(fn);
|
postcore_initcall_sync(fn);
|
arch_initcall_sync(fn);
|
subsys_initcall_sync(fn);
|
fs_initcall_sync(fn);
|
device_initcall_sync(fn);
|
late_initcall_sync(fn);
)

@uses depends on gate@
identifier f =~ "^(wait_for_conduit|wait_for_conduit_timeout|wait_for_conduit_killable|conduit_ready_register|conduit_ready_or_defer|conduit_status)$";
@@

f(...)

@modexit depends on gate@
declarer name module_exit;
identifier e;
@@

module_exit(e);

@ic depends on gate@
declarer level =~ "^(rootfs_initcall|(core|postcore|arch|subsys|fs|device|late)_initcall_sync)$";
identifier fn;
@@

level(fn);

@fw depends on gate@
identifier g;
identifier call =~ "^(invoke_ffa_fn|ffa_[a-z0-9_]+|efivar_get_variable|efivar_get_next_variable|efivar_set_variable|efivar_set_variable_locked|efivar_query_variable_info)$";
identifier smccc =~ "^arm_smccc_(1_1_)?(smc|hvc|invoke)$";
identifier fid =~ "^FFA_";
identifier ops =~ "^(info|msg|mem|cpu|notifier)_ops$";
identifier efim =~ "^(get_variable|get_next_variable|set_variable|set_variable_nonblocking|query_variable_info|query_variable_info_nonblocking)$";
identifier m;
expression E;
symbol efi;
@@

g(...) {
  <+...
(
  invoke_ffa_fn(...)
|
  call(...)
|
  smccc(fid, ...)
|
  E->ops->m(...)
|
  efi.efim(...)
)
  ...+>
}

// the initcall is a consumer itself, or calls one
@direct depends on gate@
identifier ic.fn;
identifier call =~ "^(invoke_ffa_fn|ffa_[a-z0-9_]+|efivar_get_variable|efivar_get_next_variable|efivar_set_variable|efivar_set_variable_locked|efivar_query_variable_info)$";
identifier smccc =~ "^arm_smccc_(1_1_)?(smc|hvc|invoke)$";
identifier fid =~ "^FFA_";
identifier ops =~ "^(info|msg|mem|cpu|notifier)_ops$";
identifier efim =~ "^(get_variable|get_next_variable|set_variable|set_variable_nonblocking|query_variable_info|query_variable_info_nonblocking)$";
identifier m;
expression E;
symbol efi;
@@

fn(...) {
  <+...
(
  invoke_ffa_fn(...)
|
  call(...)
|
  smccc(fid, ...)
|
  E->ops->m(...)
|
  efi.efim(...)
)
  ...+>
}

@indirect depends on gate@
identifier ic.fn, fw.g;
@@

fn(...) {
  <+...
  g(...)
  ...+>
}

@bad depends on gate && !patch && (direct || indirect)@
declarer ic.level;
identifier ic.fn;
position p;
@@

level(fn@p);

// --- patch mode ------------------------------------------------------------

@fix_mod depends on gate && patch && !context && !org && !report && (direct || indirect) && modexit && uses@
declarer name rootfs_initcall, device_initcall_sync, module_init, core_initcall_sync, core_initcall, postcore_initcall_sync, postcore_initcall, arch_initcall_sync, arch_initcall, subsys_initcall_sync, subsys_initcall, fs_initcall_sync, fs_initcall, late_initcall_sync, late_initcall;
identifier ic.fn;
@@

(
- rootfs_initcall(fn);
+ module_init(fn);
|
- device_initcall_sync(fn);
+ module_init(fn);
|
- core_initcall_sync(fn);
+ core_initcall(fn);
|
- postcore_initcall_sync(fn);
+ postcore_initcall(fn);
|
- arch_initcall_sync(fn);
+ arch_initcall(fn);
|
- subsys_initcall_sync(fn);
+ subsys_initcall(fn);
|
- fs_initcall_sync(fn);
+ fs_initcall(fn);
|
- late_initcall_sync(fn);
+ late_initcall(fn);
)

@fix_builtin depends on gate && patch && !context && !org && !report && (direct || indirect) && !modexit && uses@
declarer name rootfs_initcall, device_initcall_sync, device_initcall, core_initcall_sync, core_initcall, postcore_initcall_sync, postcore_initcall, arch_initcall_sync, arch_initcall, subsys_initcall_sync, subsys_initcall, fs_initcall_sync, fs_initcall, late_initcall_sync, late_initcall;
identifier ic.fn;
@@

(
- rootfs_initcall(fn);
+ device_initcall(fn);
|
- device_initcall_sync(fn);
+ device_initcall(fn);
|
- core_initcall_sync(fn);
+ core_initcall(fn);
|
- postcore_initcall_sync(fn);
+ postcore_initcall(fn);
|
- arch_initcall_sync(fn);
+ arch_initcall(fn);
|
- subsys_initcall_sync(fn);
+ subsys_initcall(fn);
|
- fs_initcall_sync(fn);
+ fs_initcall(fn);
|
- late_initcall_sync(fn);
+ late_initcall(fn);
)

@fix_mod_todo depends on gate && patch && !context && !org && !report && (direct || indirect) && modexit && !uses@
declarer name rootfs_initcall, device_initcall_sync, module_init, core_initcall_sync, core_initcall, postcore_initcall_sync, postcore_initcall, arch_initcall_sync, arch_initcall, subsys_initcall_sync, subsys_initcall, fs_initcall_sync, fs_initcall, late_initcall_sync, late_initcall;
identifier ic.fn;
@@

(
- rootfs_initcall(fn);
+/* FIXME: order against the firmware path with conduit_ready_register() */
+ module_init(fn);
|
- device_initcall_sync(fn);
+/* FIXME: order against the firmware path with conduit_ready_register() */
+ module_init(fn);
|
- core_initcall_sync(fn);
+/* FIXME: order against the firmware path with conduit_ready_register() */
+ core_initcall(fn);
|
- postcore_initcall_sync(fn);
+/* FIXME: order against the firmware path with conduit_ready_register() */
+ postcore_initcall(fn);
|
- arch_initcall_sync(fn);
+/* FIXME: order against the firmware path with conduit_ready_register() */
+ arch_initcall(fn);
|
- subsys_initcall_sync(fn);
+/* FIXME: order against the firmware path with conduit_ready_register() */
+ subsys_initcall(fn);
|
- fs_initcall_sync(fn);
+/* FIXME: order against the firmware path with conduit_ready_register() */
+ fs_initcall(fn);
|
- late_initcall_sync(fn);
+/* FIXME: order against the firmware path with conduit_ready_register() */
+ late_initcall(fn);
)

@fix_builtin_todo depends on gate && patch && !context && !org && !report && (direct || indirect) && !modexit && !uses@
declarer name rootfs_initcall, device_initcall_sync, device_initcall, core_initcall_sync, core_initcall, postcore_initcall_sync, postcore_initcall, arch_initcall_sync, arch_initcall, subsys_initcall_sync, subsys_initcall, fs_initcall_sync, fs_initcall, late_initcall_sync, late_initcall;
identifier ic.fn;
@@

(
- rootfs_initcall(fn);
+/* FIXME: order against the firmware path with conduit_ready_register() */
+ device_initcall(fn);
|
- device_initcall_sync(fn);
+/* FIXME: order against the firmware path with conduit_ready_register() */
+ device_initcall(fn);
|
- core_initcall_sync(fn);
+/* FIXME: order against the firmware path with conduit_ready_register() */
+ core_initcall(fn);
|
- postcore_initcall_sync(fn);
+/* FIXME: order against the firmware path with conduit_ready_register() */
+ postcore_initcall(fn);
|
- arch_initcall_sync(fn);
+/* FIXME: order against the firmware path with conduit_ready_register() */
+ arch_initcall(fn);
|
- subsys_initcall_sync(fn);
+/* FIXME: order against the firmware path with conduit_ready_register() */
+ subsys_initcall(fn);
|
- fs_initcall_sync(fn);
+/* FIXME: order against the firmware path with conduit_ready_register() */
+ fs_initcall(fn);
|
- late_initcall_sync(fn);
+/* FIXME: order against the firmware path with conduit_ready_register() */
+ late_initcall(fn);
)

@script:python depends on gate && org@
p << bad.p;
fn << ic.fn;
level << ic.level;
@@

cocci.print_main("conduit_initcall_workaround: %s(%s)" % (level, fn), p)

@script:python depends on gate && report@
p << bad.p;
fn << ic.fn;
level << ic.level;
@@

coccilib.report.print_report(p[0], "WARNING: conduit_initcall_workaround: %s(%s) moves an FF-A/EFI variable consumer to an ad-hoc initcall level; keep the natural level and order it with conduit_ready_register()" % (level, fn))

@ctx depends on gate && context@
declarer ic.level;
identifier ic.fn;
position bad.p;
@@

* level(fn@p);

// --- LSM initcall slots ------------------------------------------------------
//
// An LSM's initcalls are fields of its struct lsm_info: .initcall_late_sync
// runs it at late_initcall_sync. The DEFINE_LSM() block does not parse
// without the macro's definition, and spatch keeps only one branch of an
// #ifdef inside an initialiser, so the fields are read from the file's text
// and the report is put on the function's definition.

@lsm_gate@
@@

security_add_hooks(...)

@initialize:python@
@@

import re

lsm_cache = {}

def lsm_sync_fields(path):
    """{function: (lsm, field, config)} for *_sync fields of lsm_info."""
    if path in lsm_cache:
        return lsm_cache[path]
    out = {}
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        text = ""
    head = re.compile(r"(?:DEFINE_(?:EARLY_)?LSM\s*\(\s*(\w+)\s*\)"
                      r"|struct\s+lsm_info\s+(\w+)[^=;{]*)\s*=\s*\{")
    for m in head.finditer(text):
        lsm = re.sub(r"^__(early_)?lsm_", "", m.group(1) or m.group(2))
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        conds = []
        for line in text[m.end():i].splitlines():
            d = re.match(r"\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)", line)
            if d:
                if d.group(1).startswith("if"):
                    conds.append(d.group(2))
                elif d.group(1) == "endif" and conds:
                    conds.pop()
                continue
            f = re.match(r"\s*\.(initcall_\w+_sync)\s*=\s*&?(\w+)", line)
            if f:
                cfg = [c for c in (re.findall(r"CONFIG_\w+", " ".join(conds)))]
                out.setdefault(f.group(2), (lsm, f.group(1),
                                            cfg[-1] if cfg else ""))
    lsm_cache[path] = out
    return out

@lsm_fn depends on lsm_gate@
identifier fn;
position p;
@@

fn@p(...) { ... }

@script:python lsm_sync depends on lsm_gate@
fn << lsm_fn.fn;
p << lsm_fn.p;
fnl;
what;
@@

b = lsm_sync_fields(p[0].file).get(fn)
if b:
    lsm, field, cfg = b
    coccinelle.fnl = cocci.make_ident(fn)
    coccinelle.what = "LSM %s: .%s = %s%s moves its initcall to %s" % (
        lsm, field, fn, " (%s)" % cfg if cfg else "",
        re.sub(r"^initcall_(\w+)_sync$", r"\1_initcall_sync", field))
else:
    # not an LSM *_sync initcall: bind a name no function has
    coccinelle.fnl = cocci.make_ident("__conduit_lsm_none")
    coccinelle.what = ""

@lsm_bad depends on lsm_gate && !patch@
identifier lsm_sync.fnl;
position lsm_fn.p;
position q;
@@

fnl@p@q(...) { ... }

@script:python depends on lsm_gate && org@
p << lsm_bad.q;
what << lsm_sync.what;
@@

cocci.print_main("conduit_initcall_workaround: " + what, p)

@script:python depends on lsm_gate && report@
p << lsm_bad.q;
what << lsm_sync.what;
@@

coccilib.report.print_report(p[0], "WARNING: conduit_initcall_workaround: %s to wait for a deferred device; once a built-in FF-A core is ordered by the conduit, its partitions and the devices deferred on them (a TPM behind FF-A) have probed before late_initcall: keep the natural slot, and order direct firmware use with conduit_ready_register()" % what)

@lsm_ctx depends on lsm_gate && context@
identifier lsm_sync.fnl;
position lsm_bad.q;
@@

* fnl@q(...) { ... }
