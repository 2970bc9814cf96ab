#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Submission tooling for the firmware conduit series.

  lint.py series        b4-prepared patch emails of the upstream commits in
                        build/series/ (nothing is sent)
  lint.py series-check  the mbox applies with git am onto a fresh unpack of
                        the base and the result builds
  lint.py lint          the kernel's own quality gates on every upstream
                        commit: checkpatch, bisectability, sparse and W=1,
                        kernel-doc, htmldocs, MAINTAINERS

Everything works on the tree that `make tree` assembled (build/linux): the
upstream commits are base..upstream there. Builds happen in trees of their
own (build/bisect, a git worktree; build/series-check/linux, a fresh
unpack), each with O=out inside the tree, so ccache sees the same command
lines and nothing disturbs the kernels in build/linux and build/stock.
Results are PASS/FAIL lines in build/results/<suite>.txt.
"""

import argparse
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get("TOP") or os.path.abspath(os.path.join(HERE, "../../.."))
BUILD = os.environ.get("BUILD") or os.path.join(TOP, "build")
KTREE = os.environ.get("KTREE") or os.path.join(BUILD, "linux")
RESULTS = os.environ.get("RESULTS") or os.path.join(BUILD, "results")
BISECT = os.path.join(BUILD, "bisect")
LINTDIR = os.path.join(BUILD, "lint")
SERIESDIR = os.path.join(BUILD, "series")
B4WS = os.path.join(BUILD, "b4")
CHECKDIR = os.path.join(BUILD, "series-check")
COVER = os.path.join(HERE, "cover-letter.txt")
FRAGMENTS = [os.path.join(HERE, "qemu-arm64.config"),
             os.path.join(HERE, "qemu-arm64-patched.config")]
from conduit_common import DEFAULT_BASE  # noqa: E402
JOBS = os.environ.get("JOBS") or str(os.cpu_count() or 2)
B4_BRANCH = "b4/firmware-conduit"
FIXED_DATE = "1700000000 +0000"


class Fail(Exception):
    pass


def log(msg):
    print(msg, flush=True)


def run(args, cwd=None, env=None, input=None, check=True, timeout=None):
    e = dict(os.environ)
    if env:
        e.update(env)
    p = subprocess.run(args, cwd=cwd, env=e, input=input, capture_output=True, text=True,
                       errors="replace", timeout=timeout)
    if check and p.returncode != 0:
        raise Fail(f"{' '.join(args)}: exit {p.returncode}: {(p.stderr or p.stdout).strip()[-2000:]}")
    return p


def git(args, cwd=KTREE, **kw):
    return run(["git"] + args, cwd=cwd, **kw)


def gitout(args, cwd=KTREE):
    return git(args, cwd=cwd).stdout.strip()


def kmake_args(extra=()):
    args = ["make", "--no-print-directory", "O=out", "ARCH=arm64",
            "CROSS_COMPILE=aarch64-linux-gnu-", f"-j{JOBS}"]
    if shutil.which("ccache"):
        args.append("CC=ccache aarch64-linux-gnu-gcc")
    return args + list(extra)


def kmake(tree, targets, extra=(), check=False):
    return run(kmake_args(extra) + list(targets), cwd=tree, check=check)


def upstream_commits():
    if not os.path.isdir(os.path.join(KTREE, ".git")):
        raise Fail(f"{KTREE} is not assembled: run 'make tree'")
    base = gitout(["rev-parse", "base^{commit}"])
    tip = gitout(["rev-parse", "upstream^{commit}"])
    commits = gitout(["rev-list", "--reverse", f"{base}..{tip}"]).split()
    if not commits:
        raise Fail("no upstream commits between base and upstream in build/linux")
    return base, tip, commits


def subject(commit, cwd=KTREE):
    return gitout(["log", "-1", "--format=%s", commit], cwd=cwd)


def changed_files(commit, cwd=KTREE):
    """(status, path) of one commit; deleted files are left out."""
    out = gitout(["diff-tree", "--no-commit-id", "--name-status", "-r", commit], cwd=cwd)
    res = []
    for line in out.splitlines():
        st, path = line.split("\t", 1)
        if st != "D":
            res.append((st, path))
    return res


def series_files(base, tip):
    out = gitout(["diff", "--name-only", "--diff-filter=d", f"{base}..{tip}"])
    return out.splitlines()


def file_hash(paths):
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


class Results:
    def __init__(self, suite):
        os.makedirs(RESULTS, exist_ok=True)
        self.path = os.path.join(RESULTS, suite + ".txt")
        self.f = open(self.path, "w")
        self.failed = 0

    def add(self, ok, name, reason=""):
        line = f"PASS {name}" if ok else f"FAIL {name} {reason}".rstrip()
        if not ok:
            self.failed += 1
        self.f.write(line + "\n")
        self.f.flush()
        log(line)
        return ok

    def close(self):
        self.f.close()


# --------------------------------------------------------------------------
# Identity


_identity = None


def identity():
    """The sign-off identity; the placeholder (said once) if none is set."""
    global _identity
    if _identity:
        return _identity
    name = run(["git", "config", "user.name"], cwd=KTREE, check=False).stdout.strip()
    email = run(["git", "config", "user.email"], cwd=KTREE, check=False).stdout.strip()
    if not name or not email:
        # series.py assembled the tree with the same placeholder sign-off.
        sys.path.insert(0, HERE)
        import series as assembler
        log("series: no git identity configured: the patches are signed off by the "
            f"placeholder '{assembler.PLACEHOLDER_NAME} <{assembler.PLACEHOLDER_EMAIL}>'; "
            "set git config user.name and user.email before sending them")
        name, email = assembler.PLACEHOLDER_NAME, assembler.PLACEHOLDER_EMAIL
    _identity = (name, email)
    return _identity


# --------------------------------------------------------------------------
# Cover letter


def read_cover():
    """Header fields and the cover text (subject line, blank, body)."""
    fields, lines = {}, open(COVER).read().split("\n")
    i = 0
    while i < len(lines) and (lines[i].startswith("#") or not lines[i].strip()):
        i += 1
    while i < len(lines) and re.match(r"^[a-z-]+:", lines[i]):
        k, v = lines[i].split(":", 1)
        fields[k.strip()] = v.strip()
        i += 1
    body = "\n".join(lines[i:]).strip("\n")
    for k in ("change-id", "revision", "subject"):
        if k not in fields:
            raise Fail(f"{COVER}: header field '{k}:' missing")
    return fields, body


def boot_matrix_text():
    for p in (os.path.join(BUILD, "boot-matrix.txt"),):
        if os.path.exists(p) and os.path.getsize(p):
            return open(p).read().rstrip("\n"), True
    boot = os.path.join(RESULTS, "boot.txt")
    if os.path.exists(boot) and os.path.getsize(boot):
        rows = [ln.rstrip("\n") for ln in open(boot) if ln.startswith(("PASS", "FAIL"))]
        if rows:
            return "\n".join("  " + r for r in rows), True
    return None, False


def kunit_text():
    p = os.path.join(RESULTS, "kunit.txt")
    if os.path.exists(p):
        lines = [ln for ln in open(p) if ln.startswith(("PASS", "FAIL"))]
        if lines:
            ok = sum(ln.startswith("PASS") for ln in lines)
            return f"{ok} of {len(lines)} KUnit cases pass"
    return None


# What the cover letter's timelines show of an spmc-pkvm boot: (event
# source, text it starts with, label). The first match of each is shown.
TIMELINE_EVENTS = [
    ("ffa_init", "initcall starts", "ffa_init(): arm-ffa registered"),
    ("finalize_pkvm", "initcall starts", "finalize_pkvm() starts"),
    ("finalize_pkvm", "returned", "finalize_pkvm() returns: pKVM is final"),
    ("kvm", "kvm [1]: host SMC conduit", "host SMC conduit published"),
    ("arm_ffa", "ARM FF-A: Driver version", None),
    ("arm_ffa", "ARM FF-A: FF-A conduit", "FF-A conduit published"),
    ("ffa_echo", "ffa_echo: echo ok", "echo partition driver probed (stands in for a TPM over FF-A)"),
    ("initcalls", "late level begins", "late initcalls begin"),
    ("security_initcall_late", "initcall starts", "security_initcall_late (IMA looks for its TPM)"),
    ("load_uefi_certs", "initcall starts", "load_uefi_certs()"),
    ("deferred_probe_initcall", "initcall starts", "deferred_probe_initcall()"),
]


def boot_result(kernel, scenario="spmc-pkvm"):
    """The recorded result of KERNEL's boot of SCENARIO, or None."""
    p = os.path.join(BUILD, "boots", f"{kernel}-{scenario}.json")
    return json.load(open(p)) if os.path.exists(p) else None


def timeline_text(kernel):
    """The spmc-pkvm timeline of KERNEL as the boot recorded it."""
    events = (boot_result(kernel) or {}).get("events")
    if not events:
        return f"  [no {kernel} spmc-pkvm boot recorded: run 'make boot-matrix']"
    rows = []
    for src, text, label in TIMELINE_EVENTS:
        hit = next(((t, m) for t, s, m in events if s == src and m.startswith(text)), None)
        if hit:
            rows.append((hit[0], label or f'"{hit[1]}"'))
    return "\n".join(f"  {t:.3f}  {label}" for t, label in sorted(rows))


def handoff_text(kernel, what):
    """Guest time from the start of finalize_pkvm() to FF-A up ("ffa") or
    to the first partition driver's probe ("partition") in KERNEL's
    spmc-pkvm boot, measured as `make bench` measures it."""
    sys.path.insert(0, HERE)
    import bench
    res = boot_result(kernel)
    h = bench.handoff(res) if res else None
    if h is None:
        return "[not measured: run 'make boot-matrix']"
    return f"{h['to_' + what + '_s'] * 1000:.0f} ms"


def fill_results(text):
    """@KUNIT@ and the @HANDOFF_*@ figures, from this run's results."""
    for kernel in ("stock", "patched"):
        for what in ("ffa", "partition"):
            text = text.replace(f"@HANDOFF_{kernel.upper()}_{what.upper()}@",
                                handoff_text(kernel, what))
    kunit = kunit_text() or "[no KUnit run recorded: run 'make kunit' first]"
    return text.replace("@KUNIT@", kunit)


def manifest_notes():
    """The notes: of the upstream commits in SERIES, in order."""
    sys.path.insert(0, HERE)
    import series as manifest
    return [c.notes for c in manifest.parse_manifest(TOP) if c.upstream]


def add_notes(emls, notes):
    """Put each patch's notes below the --- of its email, before the
    diffstat, where git am drops them."""
    if len(emls) != len(notes):
        raise Fail(f"{len(emls)} patch emails but {len(notes)} upstream commits in SERIES")
    for path, lines in zip(emls, notes):
        text = "\n".join(lines).strip("\n")
        if not text:
            continue
        msg = open(path).read()
        head, sep, rest = msg.partition("\n---\n")
        if not sep:
            raise Fail(f"{path}: no '---' line to put the notes under")
        open(path, "w").write(head + sep + fill_results(text) + "\n\n" + rest)


def render_cover(body):
    matrix, have = boot_matrix_text()
    if have:
        table = "The boot matrix, as measured for this posting:\n\n" + matrix
    else:
        table = ("  [No boot results were recorded when these emails were generated:\n"
                 "   run 'make boot' (or 'make test') and then 'make series' again.]")
    base = ""
    bt = os.path.join(BUILD, "base.txt")
    if os.path.exists(bt):
        kv = dict(ln.split(": ", 1) for ln in open(bt).read().splitlines() if ": " in ln)
        src = kv.get("base", "?")
        base = f"Linux {kv.get('version', '?')} " + (
            "(Debian linux-source-7.3)" if src.startswith(DEFAULT_BASE) else
            f"(git {src.split(' git ')[1][:12]})" if " git " in src else f"({src.split(' ')[0]})")
    for kernel in ("stock", "patched"):
        body = body.replace(f"@TIMELINE_{kernel.upper()}@", timeline_text(kernel))
    return fill_results(body.replace("@BOOT_MATRIX@", table)
                        .replace("@BASE@", base or "the base tree"))


# --------------------------------------------------------------------------
# make series


COVER_TEMPLATE = """${cover}

---
${shortlog}

${diffstat}
---
base-commit: @BASE_COMMIT@
change-id: ${change_id}

Best regards,
-- 
${signature}
"""


def b4(args, cwd):
    env = {"EDITOR": "false", "GIT_EDITOR": "false"}
    # b4 signs off with git's user.name/user.email: hand it the identity the
    # series is signed off with (the placeholder when none is configured).
    name, email = identity()
    env.update(GIT_CONFIG_COUNT="2", GIT_CONFIG_KEY_0="user.name", GIT_CONFIG_VALUE_0=name,
               GIT_CONFIG_KEY_1="user.email", GIT_CONFIG_VALUE_1=email)
    p = run(["b4", "--offline-mode", "-n", "--no-stdin"] + args, cwd=cwd, check=False,
            env=env)
    if p.returncode != 0:
        raise Fail(f"b4 {' '.join(args)} failed:\n{p.stdout}{p.stderr}")
    return p.stdout + p.stderr


def prepare_b4_workspace(base, tip):
    """A shared clone of build/linux: only MAINTAINERS is checked out (b4
    wants a clean work tree, not a full one), its own branches and config."""
    alt = os.path.join(B4WS, ".git", "objects", "info", "alternates")
    want = os.path.join(KTREE, ".git", "objects")
    if not (os.path.exists(alt) and open(alt).read().strip() == want):
        shutil.rmtree(B4WS, ignore_errors=True)
        git(["clone", "--quiet", "--shared", "--no-checkout", KTREE, B4WS], cwd=BUILD)
    g = lambda *a: git(list(a), cwd=B4WS)
    getm = shlex.quote(os.path.join(KTREE, "scripts", "get_maintainer.pl"))
    ktree = shlex.quote(KTREE)
    common = "--nogit --nogit-fallback --nogit-chief-penguins --norolestats"
    cfg = {
        "b4.prep-cover-strategy": "branch-description",
        # get_maintainer.pl of the assembled tree, run from its top.
        "b4.send-auto-to-cmd": f"sh -c 'cd {ktree} && exec {getm} {common} --nol'",
        "b4.send-auto-cc-cmd": f"sh -c 'cd {ktree} && exec {getm} {common} --nom'",
        "b4.send-no-patatt-sign": "yes",
        # Belt and braces: there is nothing to send with, ever.
        "sendemail.smtpserver": "/bin/false",
        "core.sparseCheckout": "true",
    }
    for k, v in cfg.items():
        g("config", k, v)
    with open(os.path.join(B4WS, ".git", "info", "sparse-checkout"), "w") as f:
        f.write("/MAINTAINERS\n")
    # A fresh prep branch on every run: b4 enrolls it, we fill in the cover.
    git(["symbolic-ref", "HEAD", "refs/heads/conduit-tmp"], cwd=B4WS)
    g("update-ref", "refs/heads/conduit-tmp", tip)
    for ref in gitout(["for-each-ref", "--format=%(refname)", "refs/heads/", "refs/tags/"],
                      cwd=B4WS).split():
        if ref != "refs/heads/conduit-tmp":
            g("update-ref", "-d", ref)
    git(["config", "--remove-section", f"branch.{B4_BRANCH}"], cwd=B4WS, check=False)
    g("update-ref", "refs/heads/base", base)
    g("update-ref", f"refs/heads/{B4_BRANCH}", tip)
    g("symbolic-ref", "HEAD", f"refs/heads/{B4_BRANCH}")
    g("update-ref", "-d", "refs/heads/conduit-tmp")
    g("read-tree", "-u", "--reset", "HEAD")
    st = gitout(["status", "--porcelain", "--untracked-files=no"], cwd=B4WS)
    if st:
        raise Fail(f"b4 workspace {B4WS} is not clean: {st[:200]}")


def cmd_series(a):
    name, email = identity()
    base, tip, commits = upstream_commits()
    for c in commits:
        msg = gitout(["log", "-1", "--format=%an <%ae>%n%B", c])
        if not msg.startswith(f"{name} <{email}>") or \
                f"Signed-off-by: {name} <{email}>" not in msg:
            raise Fail(f"commit {c[:12]} ({subject(c)}) is not authored and signed off by "
                       f"{name} <{email}>: run 'make tree' again")
    fields, body = read_cover()
    prepare_b4_workspace(base, tip)
    # b4 0.12 derives base-commit: as the parent of the fork point with the
    # branch-description strategy; give it the template with the real one.
    tpl = os.path.join(B4WS, ".git", "conduit-cover.template")
    with open(tpl, "w") as f:
        f.write(COVER_TEMPLATE.replace("@BASE_COMMIT@", base))
    git(["config", "b4.prep-cover-template", tpl], cwd=B4WS)
    log(b4(["prep", "-e", "base"], B4WS).strip())
    # The cover letter and the tracking data live in the branch config (the
    # branch-description strategy); the change-id is kept in the repository
    # so that every revision of the series carries the same one.
    bkey = f"branch.{B4_BRANCH}"
    tracking = json.loads(gitout(["config", f"{bkey}.b4-tracking"], cwd=B4WS))
    tracking["series"]["change-id"] = fields["change-id"]
    tracking["series"]["revision"] = int(fields["revision"])
    tracking["series"]["prefixes"] = fields.get("prefixes", "").split()
    cover = fields["subject"] + "\n\n" + render_cover(body) + "\n"
    if "EDITME" in cover:
        raise Fail(f"{COVER} still says EDITME")
    git(["config", f"{bkey}.description", cover], cwd=B4WS)
    git(["config", f"{bkey}.b4-tracking", json.dumps(tracking)], cwd=B4WS)
    log(b4(["prep", "--auto-to-cc"], B4WS).strip())
    shutil.rmtree(SERIESDIR, ignore_errors=True)
    os.makedirs(SERIESDIR)
    log(b4(["send", "--no-sign", "-o", SERIESDIR], B4WS).strip())
    emls = sorted(f for f in os.listdir(SERIESDIR) if f.endswith(".eml"))
    if len(emls) != len(commits) + 1:
        raise Fail(f"expected {len(commits) + 1} messages in {SERIESDIR}, b4 wrote {len(emls)}")
    add_notes([os.path.join(SERIESDIR, e) for e in emls[1:]], manifest_notes())
    # One mbox for git am: the patches only, in order.
    mbox = os.path.join(SERIESDIR, "series.mbox")
    with open(mbox, "w") as out:
        for e in emls[1:]:
            out.write("From git@z Thu Jan  1 00:00:00 1970\n")
            text = open(os.path.join(SERIESDIR, e), errors="replace").read()
            text = re.sub(r"^From ", ">From ", text, flags=re.M)
            out.write(text if text.endswith("\n") else text + "\n")
            out.write("\n")
    with open(os.path.join(SERIESDIR, "series.info"), "w") as f:
        f.write(f"base {base}\ntip {tip}\ncommits {len(commits)}\n")
    hdr = open(os.path.join(SERIESDIR, emls[0])).read().split("\n\n", 1)[0]
    tos = re.search(r"^To: (.*(?:\n\s.*)*)", hdr, re.M)
    ccs = re.search(r"^Cc: (.*(?:\n\s.*)*)", hdr, re.M)
    log(f"series: {len(emls)} messages in {SERIESDIR} (cover + {len(commits)} patches), "
        f"mbox {mbox}; nothing sent")
    flat = lambda m: re.sub(r"\s+", " ", m.group(1)) if m else "-"
    log(f"series: To: {flat(tos)}")
    log(f"series: Cc: {flat(ccs)}")
    log(f"series: base-commit {base}, change-id {fields['change-id']}, v{fields['revision']}")


# --------------------------------------------------------------------------
# Configs and enabled objects


def patched_config(tree):
    """The config of `make kernel` (the Makefile's kconfig-tree target);
    returns the path of a saved copy. Symbols the tree does not define (the
    test-only samples at an upstream commit) are dropped by olddefconfig."""
    run(["make", "--no-print-directory", "-C", TOP, "kconfig-tree", f"CONFIG_TREE={tree}"])
    saved = os.path.join(tree, "out", "conduit-lint.config")
    shutil.copy(os.path.join(tree, "out", ".config"), saved)
    return saved


def use_config(tree, saved):
    shutil.copy(saved, os.path.join(tree, "out", ".config"))
    kmake(tree, ["-s", "syncconfig"], check=True)


OBJS_MK = r"""
include $(AUTOCONF)
srctree := .
src := $(D)
obj := $(D)
include $(if $(wildcard $(D)/Kbuild),$(D)/Kbuild,$(D)/Makefile)
__lint_objs:
	@:
$(foreach v,$(filter obj-y obj-m %-y %-objs %-m,$(.VARIABLES)),$(info $(v)=$($(v))))
"""


def make_vars(tree, d, force=()):
    mk = os.path.join(LINTDIR, "objs.mk")
    os.makedirs(LINTDIR, exist_ok=True)
    with open(mk, "w") as f:
        f.write(OBJS_MK)
    p = run(["make", "-s", "--no-print-directory", "-f", mk, f"D={d}",
             "AUTOCONF=out/include/config/auto.conf", "ARCH=arm64", "SRCARCH=arm64",
             "__lint_objs"] + [f"{s}=y" for s in force], cwd=tree, check=False)
    vars_ = {}
    for line in p.stdout.splitlines():
        k, sep, v = line.partition("=")
        if sep:
            vars_[k] = v.split()
    return vars_


def enabled_in_dir(tree, d, force=()):
    v = make_vars(tree, d, force)
    names, todo, seen = set(), list(v.get("obj-y", []) + v.get("obj-m", [])), set()
    while todo:
        x = todo.pop()
        if x in seen:
            continue
        seen.add(x)
        names.add(x)
        if x.endswith(".o"):
            stem = x[:-2]
            for suf in ("-y", "-objs", "-m"):
                todo += v.get(stem + suf, [])
    return names


def reachable(tree, d, force=()):
    parts = d.split("/")
    if len(parts) == 1 or d == "arch/arm64":
        return True
    parent = "/".join(parts[:-1])
    return parts[-1] + "/" in enabled_in_dir(tree, parent, force) and \
        reachable(tree, parent, force)


def obj_enabled(tree, obj, force=()):
    """OBJ is built with this config: listed in its directory's Makefile,
    or in an ancestor's as part of a composite object (integrity-y +=
    platform_certs/load_uefi.o), and that directory is reached."""
    d = os.path.dirname(obj)
    while d and d != "arch":
        if os.path.relpath(obj, d) in enabled_in_dir(tree, d, force) and \
                reachable(tree, d, force):
            return True
        d = os.path.dirname(d)
    return False


def guard_symbols(tree, obj):
    """CONFIG_ symbols on the Makefile lines that add OBJ or its directory."""
    syms, d, name = set(), *os.path.split(obj)
    while d:
        for mf in ("Kbuild", "Makefile"):
            p = os.path.join(tree, d, mf)
            if os.path.exists(p):
                for line in open(p):
                    if re.search(rf"(^|[\s=/]){re.escape(name)}(?![\w.-])", line):
                        syms.update(re.findall(r"\$\((CONFIG_[A-Za-z0-9_]+)\)", line))
                break
        d, name = os.path.split(d)[0], os.path.basename(d) + "/"
        if d in ("", "arch/arm64"):
            break
    return sorted(syms)


def with_depends(syms):
    """SYMS plus the plain symbols their Kconfig entries depend on."""
    res, todo = [], list(syms)
    while todo:
        s = todo.pop(0)
        if s in res:
            continue
        res.append(s)
        name = s[len("CONFIG_"):]
        p = run(["git", "grep", "-h", "-A12", f"^config {name}$", "--", "*Kconfig*"],
                cwd=BISECT, check=False)
        for ln in p.stdout.splitlines()[1:]:
            if re.match(r"^(config|menuconfig|endmenu|menu|if|endif|source|choice)\b", ln):
                break
            m = re.match(r"^\s+depends on\s+(.*)$", ln)
            # "A && B=y": plain symbols, each possibly required to be y
            sym = r"[A-Z0-9_]+(=y)?"
            if m and re.fullmatch(rf"{sym}(\s*&&\s*{sym})*", m.group(1).strip()):
                todo += ["CONFIG_" + d.strip().removesuffix("=y")
                         for d in m.group(1).split("&&")]
    return res


def header_users(tree, header, candidates):
    """The .c files among CANDIDATES that include HEADER directly."""
    if header.startswith("include/"):
        inc = header[len("include/"):]
        pat = re.compile(rf'#\s*include\s*[<"]{re.escape(inc)}[>"]')
    elif header.startswith("arch/arm64/include/"):
        inc = header[len("arch/arm64/include/"):]
        pat = re.compile(rf'#\s*include\s*[<"]{re.escape(inc)}[>"]')
    else:
        pat = re.compile(rf'#\s*include\s*"{re.escape(os.path.basename(header))}"')
        d = os.path.dirname(header)
        candidates = list(candidates) + [os.path.join(d, f) for f in os.listdir(os.path.join(tree, d))
                                         if f.endswith(".c")]
    users = []
    for c in sorted(set(candidates)):
        p = os.path.join(tree, c)
        if os.path.exists(p) and pat.search(open(p, errors="replace").read()):
            users.append(c)
    return users


WARN_RE = re.compile(r"^(?:\.\./)?([^\s:]+):(\d+):(?:\d+:)? (warning|error): (.*)$")


def warnings_of(output):
    res = []
    for line in output.splitlines():
        m = WARN_RE.match(line.strip())
        if m:
            res.append((m.group(1), m.group(3), m.group(4).strip(), line.strip()))
    return res


# --------------------------------------------------------------------------
# make series-check


def cmd_series_check(a):
    r = Results("series-check")
    try:
        _series_check(r)
    except Fail as e:
        r.add(False, "series-check", str(e).replace("\n", " ")[:600])
    r.close()
    return 1 if r.failed else 0


def check_emails(r):
    """The emails as written: every template field filled in, and each
    patch's notes from SERIES between its --- and its diffstat."""
    emls = sorted(os.path.join(SERIESDIR, e) for e in os.listdir(SERIESDIR)
                  if e.endswith(".eml"))
    left = sorted({f"{os.path.basename(e)[:4]} {m}" for e in emls
                   for m in re.findall(r"@[A-Z][A-Z_]+@", open(e).read())})
    r.add(not left, "series-check emails: every @FIELD@ filled in"
          + (f"; left: {', '.join(left)}" if left else ""))
    notes = manifest_notes()
    placed = 0
    for path, lines in zip(emls[1:], notes):
        text = "\n".join(lines).strip("\n")
        below = open(path).read().partition("\n---\n")[2]
        first = fill_results(text).splitlines()[0] if text else None
        if first is None or below.startswith(first + "\n"):
            placed += 1
    r.add(len(emls) == len(notes) + 1 and placed == len(notes),
          f"series-check emails: notes below the --- in {placed} of {len(notes)} patches")


def _series_check(r):
    t0 = time.time()
    info = os.path.join(SERIESDIR, "series.info")
    mbox = os.path.join(SERIESDIR, "series.mbox")
    if not os.path.exists(info) or not os.path.exists(mbox):
        raise Fail("no build/series/series.mbox: run 'make series' first")
    kv = dict(ln.split(" ", 1) for ln in open(info).read().splitlines())
    base, tip, n = kv["base"], kv["tip"], int(kv["commits"])
    check_emails(r)
    ident = open(os.path.join(KTREE, ".git", "conduit-base")).read().strip()
    # The mbox differs on every run (Date:, Message-Id:) but is made from
    # the same commits: key the cached verdict on those.
    key = hashlib.sha256(" ".join([base, tip, ident, file_hash(FRAGMENTS),
                                   file_hash([os.path.abspath(__file__)])])
                         .encode()).hexdigest()[:16]
    stamp = os.path.join(CHECKDIR, "passed." + key)
    if os.path.exists(stamp):
        for line in open(stamp):
            ok, _, rest = line.rstrip("\n").partition(" ")
            r.add(ok == "PASS", rest + " (unchanged since the last check)")
        return
    shutil.rmtree(CHECKDIR, ignore_errors=True)
    tree = os.path.join(CHECKDIR, "linux")
    os.makedirs(tree)
    # A fresh unpack of the base, not the assembled tree.
    if ident.startswith(DEFAULT_BASE + " "):
        run(["tar", "-xJf", DEFAULT_BASE, "-C", tree, "--strip-components=1"])
    else:
        src = ident.split(" ")[0]
        if " git " in ident:
            p = subprocess.run(f"git -C {shlex.quote(src)} archive {ident.split(' git ')[1]} "
                               f"| tar -x -C {shlex.quote(tree)}", shell=True)
        else:
            p = subprocess.run(f"tar -C {shlex.quote(src)} --exclude=.git -cf - . | "
                               f"tar -C {shlex.quote(tree)} -xf -", shell=True)
        if p.returncode:
            raise Fail(f"could not unpack the base {src}")
    env = {"GIT_AUTHOR_DATE": FIXED_DATE, "GIT_COMMITTER_DATE": FIXED_DATE,
           "GIT_AUTHOR_NAME": "base import", "GIT_AUTHOR_EMAIL": "base@import",
           "GIT_COMMITTER_NAME": "base import", "GIT_COMMITTER_EMAIL": "base@import"}
    git(["init", "--quiet"], cwd=tree)
    git(["add", "-A", "-f"], cwd=tree)
    git(["commit", "--quiet", "--no-verify", "-m", "pristine base"], cwd=tree, env=env)
    with open(os.path.join(tree, ".git", "info", "exclude"), "a") as f:
        f.write("/out/\n")
    lines = []
    ptree = gitout(["rev-parse", "HEAD^{tree}"], cwd=tree)
    btree = gitout(["rev-parse", f"{base}^{{tree}}"])
    ok = ptree == btree
    lines.append((ok, f"series-check unpacked base tree {ptree[:12]} "
                  + ("equals" if ok else "differs from") + f" the assembled base {btree[:12]}"))
    name, email = identity()
    am = git(["am", "--quiet", "--whitespace=error-all", mbox], cwd=tree, check=False,
             env={"GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email})
    applied = int(gitout(["rev-list", "--count", "HEAD"], cwd=tree)) - 1
    if am.returncode:
        git(["am", "--abort"], cwd=tree, check=False)
        lines.append((False, f"series-check git am: failed after {applied} of {n} patches: "
                      + (am.stdout + am.stderr).strip().replace("\n", " ")[:400]))
        for ok, msg in lines:
            r.add(ok, msg)
        return
    lines.append((applied == n, f"series-check git am: {applied} of {n} patches apply to the "
                  "pristine base"))
    atree = gitout(["rev-parse", "HEAD^{tree}"], cwd=tree)
    ttree = gitout(["rev-parse", f"{tip}^{{tree}}"])
    same = atree == ttree
    lines.append((same, f"series-check result tree {atree[:12]} "
                  + ("equals" if same else "differs from")
                  + f" the last upstream commit of build/linux {ttree[:12]}"))
    # The result builds: every object the series touches, against the
    # pristine tree, with the patched kernel's config.
    os.makedirs(os.path.join(tree, "out"), exist_ok=True)
    use_config(tree, patched_config(tree))
    srcs = [f for f in gitout(["diff", "--name-only", "--diff-filter=d", "HEAD~%d" % n, "HEAD"],
                              cwd=tree).splitlines() if f.endswith(".c")]
    objs = [s[:-2] + ".o" for s in srcs if obj_enabled(tree, s[:-2] + ".o")]
    skipped = sorted(set(s[:-2] + ".o" for s in srcs) - set(objs))
    if not objs:
        raise Fail("series-check: no changed object is enabled in the patched config")
    p = kmake(tree, objs)
    built = p.returncode == 0
    why = "" if built else "\n".join((p.stdout + p.stderr).splitlines()[-15:])
    lines.append((built, f"series-check build: {len(objs)} changed objects compile in the "
                  f"pristine tree" + (f" (not in this config: {' '.join(skipped)})" if skipped
                                      else "") + (f": {why}" if why else "")))
    for ok, msg in lines:
        r.add(ok, msg)
    log(f"series-check: {time.time() - t0:.0f}s")
    if all(ok for ok, _ in lines):
        with open(stamp, "w") as f:
            for ok, msg in lines:
                f.write(("PASS " if ok else "FAIL ") + msg + "\n")
        # The unpacked tree is not kept: the next check unpacks afresh.
        shutil.rmtree(tree, ignore_errors=True)


# --------------------------------------------------------------------------
# make lint


def ensure_bisect_tree():
    ok = os.path.isdir(BISECT) and \
        run(["git", "rev-parse", "--git-dir"], cwd=BISECT, check=False).returncode == 0 and \
        os.path.realpath(gitout(["rev-parse", "--git-common-dir"], cwd=BISECT)) == \
        os.path.realpath(os.path.join(KTREE, ".git"))
    if not ok:
        shutil.rmtree(BISECT, ignore_errors=True)
        git(["worktree", "prune"])
        git(["worktree", "add", "--quiet", "--detach", BISECT, "upstream"])
        with open(os.path.join(KTREE, ".git", "info", "exclude"), "a") as f:
            f.write("/out/\n")
    os.makedirs(os.path.join(BISECT, "out"), exist_ok=True)


def checkout(commit):
    git(["checkout", "--quiet", "--detach", "-f", commit], cwd=BISECT)


class Cache:
    def __init__(self):
        self.path = os.path.join(LINTDIR, "cache.json")
        try:
            self.d = json.load(open(self.path))
        except (OSError, ValueError):
            self.d = {}

    def get(self, k):
        return self.d.get(k)

    def put(self, k, v):
        self.d[k] = v
        os.makedirs(LINTDIR, exist_ok=True)
        with open(self.path + ".tmp", "w") as f:
            json.dump(self.d, f, indent=1)
        os.replace(self.path + ".tmp", self.path)


def entry_patterns(commit):
    """F: patterns of the series' MAINTAINERS entry at COMMIT."""
    base = gitout(["rev-parse", "base"])
    tip = gitout(["rev-parse", "upstream"])
    title = maintainers_section(git(["show", f"{tip}:MAINTAINERS"]).stdout.split("\n"),
                                base, tip)[1]
    lines = git(["show", f"{commit}:MAINTAINERS"]).stdout.split("\n")
    pats, inside = [], False
    for ln in lines:
        if ln == title:
            inside = True
        elif inside and not ln.strip():
            break
        elif inside and ln.startswith("F:\t"):
            pats.append(ln[3:].strip())
    return pats


def covered(path, pats):
    for v in pats:
        if v.endswith("/") and path.startswith(v):
            return True
        if re.fullmatch(v.replace(".", r"\.").replace("*", "[^/]*").replace("?", "."), path):
            return True
    return False


# checkpatch exceptions, each one narrow and checked:
#   UNKNOWN_COMMIT_ID fires for a Fixes: tag when the tree has no upstream
#   history. It is accepted only when the base is a root commit (a tarball
#   import); checkpatch's GIT_COMMIT_ID format check still applies.
#   FILE_PATH_CHANGES "does MAINTAINERS need updating?" fires for every patch
#   that adds a file without touching MAINTAINERS. It is accepted only when
#   every file the patch adds is already covered by an F: pattern of the
#   series' own MAINTAINERS entry at that commit.
def base_has_no_history(base):
    """The base is a root commit: imported from a tarball, not a git tree."""
    p = git(["rev-list", "--parents", "-n", "1", base], check=False)
    return p.returncode == 0 and len(p.stdout.split()) == 1


def gate_checkpatch(r, base, tip, commits):
    pdir = os.path.join(LINTDIR, "patches")
    shutil.rmtree(pdir, ignore_errors=True)
    os.makedirs(pdir)
    git(["format-patch", "--quiet", "-o", pdir, f"{base}..{tip}"])
    patches = sorted(os.listdir(pdir))
    good = exceptions = 0
    # Debian's python3 (with python3-ply) for scripts/spdxcheck.py.
    env = {"PATH": "/usr/bin:" + os.environ.get("PATH", "")}
    for i, pfile in enumerate(patches, 1):
        c = commits[i - 1]
        p = run(["scripts/checkpatch.pl", "--strict", "--show-types", "--showfile",
                 os.path.join(pdir, pfile)], cwd=KTREE, check=False, env=env)
        out = p.stdout
        m = re.search(r"total: (\d+) errors, (\d+) warnings, (\d+) checks", out)
        # With --showfile a finding in the commit message has an empty file
        # name: ":304: WARNING:...".
        issues = [ln for ln in out.splitlines()
                  if re.match(r"^\S*:\d+: (ERROR|WARNING|CHECK):", ln) or
                  re.match(r"^(ERROR|WARNING|CHECK):", ln)]
        noise = [ln for ln in p.stderr.splitlines() if "Traceback" in ln or "Error" in ln]
        name = f"checkpatch {i:02}/{len(patches)} {subject(c)}"
        excused = []
        path_changes = [ln for ln in issues if ":FILE_PATH_CHANGES:" in ln]
        commit_ids = [ln for ln in issues if ":UNKNOWN_COMMIT_ID:" in ln]
        if path_changes:
            added = [f for st, f in changed_files(c) if st == "A"]
            pats = entry_patterns(c)
            if added and all(covered(f, pats) for f in added):
                excused += path_changes
        # A Fixes: tag names an upstream commit that a base imported from a
        # tarball (one root commit, no history) cannot know.
        if commit_ids and base_has_no_history(base):
            excused += commit_ids
        if len(excused) != len(issues):
            excused = []
        if m is None:
            r.add(False, name, "checkpatch did not finish: " + (out + p.stderr)[-300:])
        elif noise:
            r.add(False, name, "checkpatch helper failed: " + " | ".join(noise)[:300])
        elif m.groups() == ("0", "0", "0") or (excused and len(excused) == len(issues)):
            good += 1
            if excused:
                exceptions += 1
                kinds = sorted({k for ln in excused
                                for k in ("FILE_PATH_CHANGES", "UNKNOWN_COMMIT_ID")
                                if f":{k}:" in ln})
                r.add(True, name + f" (exception: {', '.join(kinds)}; see lint.py)")
            else:
                r.add(True, name)
        else:
            r.add(False, name, m.group(0) + ": " + " | ".join(issues)[:1500])
    return f"checkpatch {good}/{len(patches)}" + (f" ({exceptions} excepted)" if exceptions
                                                   else "")


def commit_targets(commit, all_c):
    """Objects that COMMIT touches: its .c files and the users of its headers."""
    files = [p for _, p in changed_files(commit)]
    cs = [f for f in files if f.endswith(".c") and not f.startswith(("tools/", "scripts/",
                                                                        "samples/"))]
    hs = [f for f in files if f.endswith(".h") and not f.startswith(("tools/", "scripts/"))]
    objs = set(c[:-2] + ".o" for c in cs)
    users = set()
    for h in hs:
        for u in header_users(BISECT, h, all_c):
            users.add(u[:-2] + ".o")
    # Users of a changed header count when this config builds them; the
    # files the commit touches are compiled even if it does not (below).
    users = set(u for u in users - objs if obj_enabled(BISECT, u))
    return sorted(o for o in objs | users
                  if os.path.exists(os.path.join(BISECT, o[:-2] + ".c"))), files


def build_objects(objs, extra=()):
    """Compile OBJS in the bisect tree: (ok, forced, skipped, log tail)."""
    plain, forced, skipped = [], {}, []
    for o in objs:
        if obj_enabled(BISECT, o):
            plain.append(o)
            continue
        syms = with_depends(guard_symbols(BISECT, o))
        if syms and obj_enabled(BISECT, o, syms):
            forced.setdefault(tuple(syms), []).append(o)
        else:
            skipped.append(o)
    out, ok = "", True
    if plain:
        p = kmake(BISECT, plain, extra)
        ok &= p.returncode == 0
        out += p.stdout + p.stderr
    for syms, os_ in forced.items():
        # Not reachable with this config at this commit (the core's hidden
        # symbol is selected only by a later commit): compile it anyway
        # with its guard symbols forced on for Kbuild and for the compiler.
        # Per-object CFLAGS_<file>.o keep the command lines of everything
        # else (prepare, vdso) unchanged; KCFLAGS only if a Makefile sets
        # its own CFLAGS_<file>.o.
        defs = " ".join(f"-D{s}=1" for s in syms)
        flags = []
        for o in os_:
            mk = open(os.path.join(BISECT, os.path.dirname(o), "Makefile")).read()
            if f"CFLAGS_{os.path.basename(o)}" in mk:
                flags = [f"KCFLAGS={defs}"]
                break
            flags.append(f"CFLAGS_{os.path.basename(o)}={defs}")
        p = kmake(BISECT, os_, list(extra) + [f"{s}=y" for s in syms] + flags)
        ok &= p.returncode == 0
        out += p.stdout + p.stderr
    return ok, forced, skipped, out


def gate_bisect(r, base, tip, commits, cache, cfgkey):
    good, t0 = 0, time.time()
    all_c = [f for f in series_files(base, tip) if f.endswith(".c")]
    todo = [c for c in commits if not cache.get(f"build:{c}:{cfgkey}")]
    for i, c in enumerate(commits, 1):
        name = f"build {i:02}/{len(commits)} {subject(c)}"
        hit = cache.get(f"build:{c}:{cfgkey}")
        if c not in todo:
            good += 1
            r.add(True, name + f": {hit}")
            continue
        checkout(c)
        use_config(BISECT, os.path.join(BISECT, "out", "conduit-lint.config"))
        objs, files = commit_targets(c, all_c)
        ok, forced, skipped, out = build_objects(objs)
        errs = [w[3] for w in warnings_of(out) if w[1] == "error"]
        if not errs and not ok:
            errs = (out.strip().splitlines() or ["make failed"])[-8:]
        note = f"{len(objs) - len(skipped)} objects" + \
            (f" ({', '.join(o for v in forced.values() for o in v)} with "
             f"{', '.join(sorted(set(s for k in forced for s in k)))} forced on)" if forced else "") + \
            (f"; not buildable in this config: {', '.join(skipped)}" if skipped else "") + \
            ("; no C objects touched" if not objs else "")
        if ok:
            good += 1
            cache.put(f"build:{c}:{cfgkey}", note)
            r.add(True, f"{name}: {note}")
        else:
            r.add(False, name, " | ".join(errs)[:1500])
    log(f"lint: bisect builds {time.time() - t0:.0f}s ({len(todo)} of {len(commits)} commits built)")
    return f"build {good}/{len(commits)}"


def sparse_w1(objs, label):
    ok, forced, skipped, out = build_objects(objs, ["C=2", "W=1"])
    return ok, warnings_of(out), skipped


def gate_sparse(r, base, tip, commits, cache, cfgkey):
    """sparse (C=2) and W=1 on the changed objects, at base and at the tip."""
    key = f"sparse:{base}:{tip}:{cfgkey}"
    hit = cache.get(key)
    if hit:
        r.add(True, f"sparse {hit['sparse']}")
        r.add(True, f"W=1 {hit['w1']}")
        return "sparse ok", "W=1 ok"
    files = series_files(base, tip)
    cs = sorted(f for f in files if f.endswith(".c") and not f.startswith(("tools/", "scripts/",
                                                                              "samples/")))
    objs = [c[:-2] + ".o" for c in cs]
    existing = set(gitout(["ls-tree", "-r", "--name-only", base, "--"] + cs).splitlines())
    old_objs = [c[:-2] + ".o" for c in cs if c in existing]
    checkout(base)
    use_config(BISECT, os.path.join(BISECT, "out", "conduit-lint.config"))
    _, before, _ = sparse_w1([o for o in old_objs if obj_enabled(BISECT, o)], "base")
    checkout(tip)
    use_config(BISECT, os.path.join(BISECT, "out", "conduit-lint.config"))
    # At the tip every changed object, the ones this config leaves out
    # compiled with their guard symbols forced on, as in the bisect gate.
    ok, after, skipped = sparse_w1(objs, "tip")
    on = [o for o in objs if o not in skipped]

    # Only warnings in files the series touches are its own: C=2 also
    # checks whatever the prepare stage happens to rebuild (the vDSO).
    before = [w for w in before if w[0] in files]
    after = [w for w in after if w[0] in files]

    def split(ws):
        sp = [w for w in ws if w[1] == "warning" and
              not re.search(r"\[-W[a-z0-9=-]+\]$", w[2])]
        w1 = [w for w in ws if w[1] == "warning" and re.search(r"\[-W[a-z0-9=-]+\]$", w[2])]
        return sp, w1

    res = []
    for kind, idx in (("sparse", 0), ("W=1", 1)):
        old = [(w[0], w[2]) for w in split(before)[idx]]
        new = []
        for w in split(after)[idx]:
            k = (w[0], w[2])
            if k in old:
                old.remove(k)
            else:
                new.append(w[3])
        new = sorted(set(new))
        note = f"{len(on)} objects, {len(split(before)[idx])} warnings at base, " \
               f"{len(split(after)[idx])} with the series, {len(new)} new" + \
               (f" (not in this config: {', '.join(skipped)})" if skipped else "")
        if new:
            r.add(False, f"{kind}", note + ": " + " | ".join(new)[:2000])
            res.append(f"{kind} {len(new)} new")
        else:
            r.add(True, f"{kind} {note}")
            res.append(f"{kind} ok")
    if not ok:
        errs = [w[3] for w in after if w[1] == "error"]
        r.add(False, "sparse/W=1 build", " | ".join(errs)[:1000] or "make failed")
    elif res == ["sparse ok", "W=1 ok"]:
        cache.put(key, {"sparse": r_last(r, 2), "w1": r_last(r, 1)})
    return res[0], res[1]


def r_last(r, n):
    with open(r.path) as f:
        lines = f.read().splitlines()
    return lines[-n].split(" ", 2)[2] if len(lines[-n].split(" ", 2)) > 2 else ""


def gate_kerneldoc(r, base, tip):
    files = [f for f in series_files(base, tip) if f.endswith((".c", ".h"))
             and not f.startswith(("tools/", "scripts/", "samples/"))]
    existing = set(gitout(["ls-tree", "-r", "--name-only", base, "--"] + files).splitlines())
    kdoc = os.path.join(KTREE, "scripts", "kernel-doc")

    def warn(rev, fs):
        if not fs:
            return []
        with tempfile.TemporaryDirectory(prefix="kdoc-") as tmp:
            for f in fs:
                os.makedirs(os.path.join(tmp, os.path.dirname(f)), exist_ok=True)
                with open(os.path.join(tmp, f), "w") as out:
                    out.write(git(["show", f"{rev}:{f}"]).stdout)
            p = run([kdoc, "-none", "-Wall"] + fs, cwd=tmp, check=False)
        return [ln for ln in (p.stdout + p.stderr).splitlines() if ln.strip()]

    # Line numbers move with the series' changes: compare without them
    # ("file:123:" from the perl kernel-doc, "file:123 " from the python one).
    norm = lambda ln: re.sub(r":\d+([: ])", r":\1", ln)
    old = [norm(w) for w in warn(base, sorted(f for f in files if f in existing))]
    new = []
    for w in warn(tip, files):
        if norm(w) in old:
            old.remove(norm(w))
        else:
            new.append(w)
    if new:
        r.add(False, "kernel-doc", f"{len(new)} new warnings in {len(files)} files: "
              + " | ".join(new)[:2000])
        return "kernel-doc FAIL"
    r.add(True, f"kernel-doc -none -Wall: 0 new warnings in {len(files)} files")
    return "kernel-doc ok"


def added_lines(base, tip, path):
    diff = gitout(["diff", "-U0", f"{base}..{tip}", "--", path])
    res = set()
    for m in re.finditer(r"^@@ -\S+ \+(\d+)(?:,(\d+))? @@", diff, re.M):
        start, n = int(m.group(1)), int(m.group(2) or 1)
        res.update(range(start, start + n))
    return res


def docs_warnings_of_series(out, base, tip):
    """Sphinx/kernel-doc warnings that are the series': any in a file it
    adds, and those on lines it adds in files it changes."""
    st = gitout(["diff", "--name-status", f"{base}..{tip}"]).splitlines()
    new = [ln.split("\t")[-1] for ln in st if ln.startswith("A")]
    changed = [ln.split("\t")[-1] for ln in st if ln.startswith("M")]
    lines_of = {}
    res = []
    for ln in out.splitlines():
        if not re.search(r"WARNING|ERROR|warning:|error:", ln):
            continue
        if any(f in ln for f in new) or "firmware-conduit" in ln:
            res.append(ln)
            continue
        for f in changed:
            m = re.search(re.escape(f) + r":(\d+)", ln)
            if m:
                if f not in lines_of:
                    lines_of[f] = added_lines(base, tip, f)
                if int(m.group(1)) in lines_of[f]:
                    res.append(ln)
    return res


def gate_htmldocs(r, base, tip, cache):
    """The core-api book with the kernel's Sphinx setup; warnings are
    filtered to the files the series touches."""
    files = series_files(base, tip)
    rst = [f for f in files if f.startswith("Documentation/core-api/") and f.endswith(".rst")]
    # Sphinx only has to run again when Documentation/ or a file the series
    # touches changed.
    key = "htmldocs:" + hashlib.sha256(" ".join(
        [gitout(["rev-parse", f"{tip}:Documentation"])] +
        [gitout(["rev-parse", f"{tip}:{f}"]) for f in files]).encode()).hexdigest()[:16]
    hit = cache.get(key)
    if hit:
        r.add(True, f"htmldocs {hit}")
        return "htmldocs ok"
    if not shutil.which("sphinx-build"):
        r.add(False, "htmldocs", "sphinx-build not installed (apt-get install python3-sphinx)")
        return "htmldocs FAIL"
    checkout(tip)
    for f in rst:
        os.utime(os.path.join(BISECT, f))   # make Sphinx re-read and re-warn them
    t0 = time.time()
    p = run(["make", "--no-print-directory", "O=out", "htmldocs", "SPHINXDIRS=core-api",
             f"SPHINXOPTS=-j{JOBS} -q", "KDOC_WERROR="], cwd=BISECT, check=False)
    out = p.stdout + p.stderr
    with open(os.path.join(LINTDIR, "htmldocs.log"), "w") as f:
        f.write(out)
    mine = docs_warnings_of_series(out, base, tip)
    html = [os.path.join(BISECT, "out", "Documentation", "output", "core-api",
                         os.path.basename(f)[:-4] + ".html") for f in rst]
    missing = [h for h in html if not os.path.exists(h)]
    total = len([ln for ln in out.splitlines() if re.search(r"WARNING|ERROR", ln)])
    if p.returncode or mine or missing:
        r.add(False, "htmldocs", (f"make htmldocs exit {p.returncode}; " if p.returncode else "")
              + (f"not built: {', '.join(missing)}; " if missing else "")
              + " | ".join(mine)[:2000])
        return "htmldocs FAIL"
    note = (f"SPHINXDIRS=core-api: {', '.join(os.path.basename(h) for h in html)} built, "
            f"0 warnings in the series' files ({total} elsewhere in core-api, see "
            f"build/lint/htmldocs.log), {time.time() - t0:.0f}s")
    cache.put(key, note)
    r.add(True, f"htmldocs {note}")
    return "htmldocs ok"


def maintainers_section(lines, base, tip):
    """(first line index, title, end index) of the entry the series adds."""
    diff = gitout(["diff", "-U0", f"{base}..{tip}", "--", "MAINTAINERS"])
    added = [int(m.group(1)) for m in re.finditer(r"^@@ -\d+(?:,\d+)? \+(\d+)", diff, re.M)]
    if not added:
        raise Fail("the series adds no MAINTAINERS entry")
    i = added[0] - 1
    while i > 0 and lines[i - 1].strip():
        i -= 1
    j = i
    while j < len(lines) and lines[j].strip():
        j += 1
    return i, lines[i], j


def gate_maintainers(r, base, tip):
    checkout(tip)
    lines = open(os.path.join(BISECT, "MAINTAINERS")).read().split("\n")
    i, title, j = maintainers_section(lines, base, tip)
    sec = lines[i:j]
    problems = []
    if title != title.upper() or re.match(r"^[A-Z]:\t", title):
        problems.append(f"title {title!r} is not an upper-case section name")
    order = "MRLSWQBCPTFXNK"
    last = -1
    tracked = gitout(["ls-files"], cwd=BISECT).splitlines()
    for ln in sec[1:]:
        m = re.match(r"^([A-Z]):\t(.+)$", ln)
        if not m:
            problems.append(f"malformed line {ln!r}")
            continue
        t, v = m.groups()
        if t not in order:
            problems.append(f"unknown field {t}:")
        elif order.index(t) < last:
            problems.append(f"{t}: out of order")
        else:
            last = order.index(t)
        if t in ("F", "X"):
            if v.endswith("/"):
                hit = any(f.startswith(v) for f in tracked)
            else:
                hit = any(re.fullmatch(v.replace(".", r"\.").replace("*", "[^/]*")
                                       .replace("?", "."), f) for f in tracked)
            if not hit:
                problems.append(f"{t}: {v} matches no file")
        if t == "S" and v not in ("Supported", "Maintained", "Odd Fixes", "Orphan",
                                  "Obsolete", "Buried"):
            problems.append(f"S: {v} is not a known status")
    # Sections are sorted: the neighbours' titles.
    titles, k = [], 0
    while k < len(lines):
        if k > 0 and not lines[k - 1].strip() and lines[k].strip() and \
                k + 1 < len(lines) and re.match(r"^[A-Z]:\t", lines[k + 1]):
            titles.append((k, lines[k]))
        k += 1
    idx = [n for n, (k, t) in enumerate(titles) if k == i]
    if idx:
        n = idx[0]
        prev_t = titles[n - 1][1] if n else ""
        next_t = titles[n + 1][1] if n + 1 < len(titles) else "\uffff"
        if not (prev_t.upper() <= title.upper() <= next_t.upper()):
            problems.append(f"not sorted between {prev_t!r} and {next_t!r}")
    # And the kernel's own self-test, limited to this section's lines.
    # (--self-test=patterns walks every pattern of the file against every
    # file, minutes on 2 cores; the F: patterns of this entry are checked
    # above instead.)
    p = run(["scripts/get_maintainer.pl", "--self-test=sections"], cwd=BISECT, check=False)
    for ln in (p.stdout + p.stderr).splitlines():
        m = re.search(r"MAINTAINERS:(\d+):", ln)
        if m and i < int(m.group(1)) <= j:
            problems.append(ln.strip())
    if problems:
        r.add(False, "maintainers", f"{title}: " + "; ".join(problems))
        return "maintainers FAIL"
    r.add(True, f"maintainers {title}: {len(sec) - 1} fields well-formed, F: patterns match, "
          "sorted, get_maintainer.pl --self-test=sections clean")
    return "maintainers ok"


def cmd_lint(a):
    t0 = time.time()
    r = Results("lint")
    summary = []
    try:
        base, tip, commits = upstream_commits()
        cache = Cache()
        summary.append(gate_checkpatch(r, base, tip, commits))
        ensure_bisect_tree()
        # The patched kernel's config, made at the last upstream commit.
        cfgkey = f"{tip}:{file_hash(FRAGMENTS)}"
        saved = os.path.join(BISECT, "out", "conduit-lint.config")
        if cache.get("config") != cfgkey or not os.path.exists(saved):
            checkout(tip)
            patched_config(BISECT)
            cache.put("config", cfgkey)
        # Results are cached per commit; a change of this script or the
        # config invalidates them.
        ckey = file_hash([saved, os.path.abspath(__file__)])
        summary.append(gate_bisect(r, base, tip, commits, cache, ckey))
        summary += gate_sparse(r, base, tip, commits, cache, ckey)
        summary.append(gate_kerneldoc(r, base, tip))
        summary.append(gate_htmldocs(r, base, tip, cache))
        summary.append(gate_maintainers(r, base, tip))
    except Fail as e:
        r.add(False, "lint", str(e).replace("\n", " ")[:600])
        summary.append("aborted")
    r.close()
    log(f"lint: {', '.join(summary)} ({time.time() - t0:.0f}s)")
    return 1 if r.failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=["series", "series-check", "lint"])
    a = ap.parse_args()
    try:
        if a.action == "series":
            cmd_series(a)
            return 0
        if a.action == "series-check":
            return cmd_series_check(a)
        return cmd_lint(a)
    except Fail as e:
        print(f"{a.action}: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
