# SPDX-License-Identifier: GPL-2.0
"""Per-commit builds for `make lint`: every upstream commit builds for
arm64, and sparse (C=2) and W=1 add no warnings.

The builds happen in build/bisect, a git worktree of build/linux with
O=out inside it, so ccache sees the same command lines and nothing
disturbs the kernels in build/linux and build/stock. Each commit compiles
the objects it touches and the users of the headers it changes, with the
patched kernel's config; an object that config leaves out at that commit
is compiled with its guard symbols forced on.
"""

import os
import re
import shutil
import time

from lint_tree import (BISECT, Fail, FRAGMENTS, KBUILD_LOCK, KTREE, LINTDIR, TOP, file_hash, git,
                       gitout, kernel_sources, kmake, lint_sources, log, changed_files, run,
                       series_files, subject)


# --------------------------------------------------------------------------
# Configs and enabled objects


def patched_config(tree):
    """The config of `make kernel` (the Makefile's kconfig-tree target);
    returns the path of a saved copy. Symbols the tree does not define (the
    test-only samples at an upstream commit) are dropped by olddefconfig."""
    run(KBUILD_LOCK + ["make", "--no-print-directory", "-C", TOP, "kconfig-tree",
                       f"CONFIG_TREE={tree}"])
    saved = os.path.join(tree, "out", "conduit-lint.config")
    shutil.copy(os.path.join(tree, "out", ".config"), saved)
    return saved


def use_config(tree, saved):
    """Make SAVED the .config of TREE/out."""
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
    """The obj-y/obj-m/<composite>-y variables of directory D's Makefile
    with TREE's config (and the symbols FORCE set to y)."""
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
    """The objects and subdirectories directory D builds, composite
    objects' parts included."""
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
    """Kbuild descends into directory D with this config."""
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
    """(file, kind, message, line) of each compiler or sparse diagnostic."""
    res = []
    for line in output.splitlines():
        m = WARN_RE.match(line.strip())
        if m:
            res.append((m.group(1), m.group(3), m.group(4).strip(), line.strip()))
    return res


# --------------------------------------------------------------------------
# The bisect tree


def ensure_bisect_tree():
    """build/bisect: a worktree of build/linux, made again if it is not."""
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
    """Check COMMIT out in the bisect tree."""
    git(["checkout", "--quiet", "--detach", "-f", commit], cwd=BISECT)



def commit_targets(commit, all_c):
    """Objects that COMMIT touches: its .c files and the users of its headers."""
    files = [p for _, p in changed_files(commit)]
    cs = kernel_sources(files)
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


def build_note(objs, forced, skipped):
    """What a commit's build compiled, for its PASS line."""
    note = f"{len(objs) - len(skipped)} objects"
    if forced:
        note += (f" ({', '.join(o for v in forced.values() for o in v)} with "
                 f"{', '.join(sorted(set(s for k in forced for s in k)))} forced on)")
    if skipped:
        note += f"; not buildable in this config: {', '.join(skipped)}"
    if not objs:
        note += "; no C objects touched"
    return note


def build_commit(c, all_c):
    """Check C out and compile what it touches: (ok, note or errors)."""
    checkout(c)
    use_config(BISECT, saved_config())
    objs, _ = commit_targets(c, all_c)
    ok, forced, skipped, out = build_objects(objs)
    if ok:
        return True, build_note(objs, forced, skipped)
    errs = [w[3] for w in warnings_of(out) if w[1] == "error"]
    return False, " | ".join(errs or (out.strip().splitlines() or ["make failed"])[-8:])


def gate_bisect(r, base, tip, commits, cache, cfgkey):
    """Every upstream commit builds for arm64 (one line each)."""
    good, built, t0 = 0, 0, time.time()
    all_c = [f for f in series_files(base, tip) if f.endswith(".c")]
    for i, c in enumerate(commits, 1):
        name = f"build {i:02}/{len(commits)} {subject(c)}"
        key = f"build:{c}:{cfgkey}"
        hit = cache.get(key)
        if hit:
            good += 1
            r.add(True, f"{name}: {hit}")
            continue
        built += 1
        ok, note = build_commit(c, all_c)
        if ok:
            good += 1
            cache.put(key, note)
            r.add(True, f"{name}: {note}")
        else:
            r.add(False, name, note[:1500])
    log(f"lint: bisect builds {time.time() - t0:.0f}s ({built} of {len(commits)} commits built)")
    return f"build {good}/{len(commits)}"


def saved_config():
    """The patched kernel's config as the lint saved it in the bisect tree."""
    return os.path.join(BISECT, "out", "conduit-lint.config")


def prepare_config(tip, cache):
    """Make the patched kernel's config at TIP once per TIP and fragments;
    returns the key that per-commit verdicts are cached under (a change
    of the config or of this file invalidates them)."""
    ensure_bisect_tree()
    cfgkey = f"{tip}:{file_hash(FRAGMENTS)}"
    if cache.get("config") != cfgkey or not os.path.exists(saved_config()):
        checkout(tip)
        patched_config(BISECT)
        cache.put("config", cfgkey)
    return file_hash([saved_config()] + lint_sources("lint_builds.py", "lint_tree.py"))


def sparse_w1_at(commit, objs):
    """sparse and W=1 diagnostics of OBJS at COMMIT: (ok, warnings, skipped)."""
    checkout(commit)
    use_config(BISECT, saved_config())
    ok, _, skipped, out = build_objects(objs, ["C=2", "W=1", f"CHECK={sparse_binary()}"])
    if "is not available or not up to date" in out:
        raise Fail(f"the kernel refused sparse {sparse_binary()} and built without it: "
                   "run 'make sparse'")
    return ok, warnings_of(out), skipped


def sparse_binary():
    """The sparse that v7.3 accepts (make sparse, tools/testing/conduit/
    sparse-build.sh); bookworm's 0.6.4 makes the kernel drop C= silently."""
    path = os.environ.get("SPARSE", "")
    if not path or not os.access(path, os.X_OK):
        raise Fail(f"no usable sparse at {path or '$SPARSE'}: run 'make sparse'")
    return path


def is_w1(w):
    """A compiler warning ("[-Wfoo]" at its end) rather than a sparse one."""
    return re.search(r"\[-W[a-z0-9=-]+\]$", w[2]) is not None


def new_warnings(before, after):
    """The lines of the warnings in AFTER that BEFORE does not have (line
    numbers left out of the comparison)."""
    old = [(w[0], w[2]) for w in before]
    new = []
    for w in after:
        k = (w[0], w[2])
        if k in old:
            old.remove(k)
        else:
            new.append(w[3])
    return sorted(set(new))


def sparse_objects(base, files):
    """The objects sparse and W=1 compile at the tip, and those of them
    that exist at BASE."""
    cs = sorted(kernel_sources(files))
    existing = set(gitout(["ls-tree", "-r", "--name-only", base, "--"] + cs).splitlines())
    return [c[:-2] + ".o" for c in cs], [c[:-2] + ".o" for c in cs if c in existing]


def gate_sparse(r, base, tip, commits, cache, cfgkey):
    """sparse (C=2) and W=1 on the changed objects, at base and at the tip:
    no warning is new."""
    key = f"sparse:{base}:{tip}:{cfgkey}"
    hit = cache.get(key)
    if hit:
        r.add(True, f"sparse {hit['sparse']}")
        r.add(True, f"W=1 {hit['w1']}")
        return "sparse ok", "W=1 ok"
    files = series_files(base, tip)
    objs, old_objs = sparse_objects(base, files)
    checkout(base)
    use_config(BISECT, saved_config())
    _, before, _ = sparse_w1_at(base, [o for o in old_objs if obj_enabled(BISECT, o)])
    # At the tip every changed object, the ones this config leaves out
    # compiled with their guard symbols forced on, as in the bisect gate.
    ok, after, skipped = sparse_w1_at(tip, objs)
    on = len(objs) - len(skipped)
    errs = [w[3] for w in after if w[1] == "error"]
    # Only warnings in files the series touches are its own: C=2 also
    # checks whatever the prepare stage happens to rebuild (the vDSO).
    before = [w for w in before if w[0] in files and w[1] == "warning"]
    after = [w for w in after if w[0] in files and w[1] == "warning"]
    res = []
    for kind, pick in (("sparse", lambda w: not is_w1(w)), ("W=1", is_w1)):
        b, a = [w for w in before if pick(w)], [w for w in after if pick(w)]
        new = new_warnings(b, a)
        note = (f"{on} objects, {len(b)} warnings at base, {len(a)} with the series, "
                f"{len(new)} new" + (f" (not in this config: {', '.join(skipped)})"
                                     if skipped else ""))
        r.add(not new, f"{kind} {note}" if not new else kind,
              note + ": " + " | ".join(new)[:2000])
        res.append(f"{kind} {len(new)} new" if new else f"{kind} ok")
    if not ok:
        r.add(False, "sparse/W=1 build", " | ".join(errs)[:1000] or "make failed")
    elif res == ["sparse ok", "W=1 ok"]:
        cache.put(key, {"sparse": r.last_text(2), "w1": r.last_text(1)})
    return res[0], res[1]
