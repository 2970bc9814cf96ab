# SPDX-License-Identifier: GPL-2.0
"""The series emails.

  make series        b4-prepared emails of the upstream commits in
                     build/series/ (*.eml and series.mbox); nothing is sent
  make series-check  the emails as written: every @FIELD@ filled in, the
                     notes below each ---, get_maintainer.pl's To: and Cc:
                     in every email; the mbox applies with git am onto a
                     fresh unpack of the base, gives build/linux's tree,
                     and the changed objects build there

The cover letter's and the notes' @FIELD@s are filled in from the last
boot matrix and KUnit run; the claims they make ([check: ...], see
lint_claims.py) get a table of their checks' results.
"""

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

from lint_builds import obj_enabled, patched_config, use_config
from lint_claims import with_claims_table
from lint_tree import (B4WS, BUILD, CHECKDIR, COVER, DEFAULT_BASE, FRAGMENTS, HERE, KTREE, TOP,
                       RESULTS, SERIESDIR, Fail, Results, ERRORS, file_hash, git, gitout,
                       identity, kmake, lint_sources, log, manifest, run, subject,
                       upstream_commits)

B4_BRANCH = "b4/firmware-conduit"
FIXED_DATE = "1700000000 +0000"
GET_MAINTAINER = "--nogit --nogit-fallback --nogit-chief-penguins --norolestats"


# --------------------------------------------------------------------------
# Cover letter and notes


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
    """build/boot-matrix.txt (or the boot results): (text, found)."""
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
    """How many KUnit cases passed in the last run, or None."""
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


def fill_notes(text, source):
    """A commit's notes as its email carries them: results filled in, the
    table of its claims after them."""
    return with_claims_table(fill_results(text), source)


def upstream_notes():
    """(slug, notes text) of the upstream commits of SERIES, in order."""
    return [(c.slug, "\n".join(c.notes).strip("\n")) for c in manifest() if c.upstream]


def add_notes(emls, notes):
    """Put each patch's notes below the --- of its email, before the
    diffstat, where git am drops them."""
    if len(emls) != len(notes):
        raise Fail(f"{len(emls)} patch emails but {len(notes)} upstream commits in SERIES")
    for path, (slug, text) in zip(emls, notes):
        if not text:
            continue
        with open(path) as f:
            head, sep, rest = f.read().partition("\n---\n")
        if not sep:
            raise Fail(f"{path}: no '---' line to put the notes under")
        with open(path, "w") as f:
            f.write(head + sep + fill_notes(text, f"SERIES {slug} notes") + "\n\n" + rest)


def base_text():
    """What the series is based on, for @BASE@ (from build/base.txt)."""
    bt = os.path.join(BUILD, "base.txt")
    if not os.path.exists(bt):
        return "the base tree"
    with open(bt) as f:
        kv = dict(ln.split(": ", 1) for ln in f.read().splitlines() if ": " in ln)
    src = kv.get("base", "?")
    if src.startswith(DEFAULT_BASE):
        where = "(Debian linux-source-7.3)"
    elif " git " in src:
        where = f"(git {src.split(' git ')[1][:12]})"
    else:
        where = f"({src.split(' ')[0]})"
    return f"Linux {kv.get('version', '?')} {where}"


def render_cover(body):
    """The cover letter's body with every @FIELD@ filled in and the table
    of its claims."""
    matrix, have = boot_matrix_text()
    if have:
        table = "The boot matrix, as measured for this posting:\n\n" + matrix
    else:
        table = ("  [No boot results were recorded when these emails were generated:\n"
                 "   run 'make boot' (or 'make test') and then 'make series' again.]")
    for kernel in ("stock", "patched"):
        body = body.replace(f"@TIMELINE_{kernel.upper()}@", timeline_text(kernel))
    body = body.replace("@BOOT_MATRIX@", table).replace("@BASE@", base_text())
    return with_claims_table(fill_results(body), os.path.relpath(COVER, TOP))


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


def check_signoffs(commits):
    """Every upstream commit is authored and signed off by the identity
    the series is signed off with."""
    name, email = identity()
    for c in commits:
        msg = gitout(["log", "-1", "--format=%an <%ae>%n%B", c])
        if not msg.startswith(f"{name} <{email}>") or \
                f"Signed-off-by: {name} <{email}>" not in msg:
            raise Fail(f"commit {c[:12]} ({subject(c)}) is not authored and signed off by "
                       f"{name} <{email}>: run 'make tree' again")


def b4_prepare(base, tip, fields, body):
    """Enroll the b4 branch and hand it the cover letter, its change-id,
    revision and prefixes, and the To:/Cc: of get_maintainer.pl."""
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


def write_mbox(emls, mbox):
    """One mbox for git am: the patches EMLS only, in order."""
    with open(mbox, "w") as out:
        for e in emls:
            out.write("From git@z Thu Jan  1 00:00:00 1970\n")
            with open(e, errors="replace") as f:
                text = re.sub(r"^From ", ">From ", f.read(), flags=re.M)
            out.write(text if text.endswith("\n") else text + "\n")
            out.write("\n")


def header(path, field):
    """The addresses of header FIELD (To, Cc, From) of the email at PATH,
    lower-cased."""
    with open(path, errors="replace") as f:
        hdr = f.read().split("\n\n", 1)[0]
    m = re.search(rf"^{field}: (.*(?:\n\s.*)*)", hdr, re.M)
    return [a.lower() for a in re.findall(r"[\w.+-]+@[\w.-]+\w", m.group(1))] if m else []


def cmd_series(a):
    """make series: the emails in build/series/, nothing sent."""
    base, tip, commits = upstream_commits()
    check_signoffs(commits)
    fields, body = read_cover()
    b4_prepare(base, tip, fields, body)
    shutil.rmtree(SERIESDIR, ignore_errors=True)
    os.makedirs(SERIESDIR)
    log(b4(["send", "--no-sign", "-o", SERIESDIR], B4WS).strip())
    emls = sorted(os.path.join(SERIESDIR, f) for f in os.listdir(SERIESDIR)
                  if f.endswith(".eml"))
    if len(emls) != len(commits) + 1:
        raise Fail(f"expected {len(commits) + 1} messages in {SERIESDIR}, b4 wrote {len(emls)}")
    add_notes(emls[1:], upstream_notes())
    mbox = os.path.join(SERIESDIR, "series.mbox")
    write_mbox(emls[1:], mbox)
    with open(os.path.join(SERIESDIR, "series.info"), "w") as f:
        f.write(f"base {base}\ntip {tip}\ncommits {len(commits)}\n")
    log(f"series: {len(emls)} messages in {SERIESDIR} (cover + {len(commits)} patches), "
        f"mbox {mbox}; nothing sent")
    log(f"series: To: {', '.join(header(emls[0], 'To')) or '-'}")
    log(f"series: Cc: {', '.join(header(emls[0], 'Cc')) or '-'}")
    log(f"series: base-commit {base}, change-id {fields['change-id']}, v{fields['revision']}")


# --------------------------------------------------------------------------
# make series-check


def written_emails():
    """The .eml files of build/series, cover letter first."""
    return sorted(os.path.join(SERIESDIR, e) for e in os.listdir(SERIESDIR)
                  if e.endswith(".eml"))


def check_emails(r, emls):
    """The emails as written: every template field filled in, and each
    patch's notes from SERIES between its --- and its diffstat."""
    left = set()
    for e in emls:
        with open(e, errors="replace") as f:
            left |= {f"{os.path.basename(e)[:4]} {m}" for m in re.findall(r"@[A-Z][A-Z_]+@",
                                                                          f.read())}
    r.add(not left, "series-check emails: every @FIELD@ filled in"
          + (f"; left: {', '.join(sorted(left))}" if left else ""))
    notes = upstream_notes()
    placed = 0
    for path, (slug, text) in zip(emls[1:], notes):
        with open(path, errors="replace") as f:
            below = f.read().partition("\n---\n")[2]
        if not text or below.startswith(fill_results(text).splitlines()[0] + "\n"):
            placed += 1
    r.add(len(emls) == len(notes) + 1 and placed == len(notes),
          f"series-check emails: notes below the --- in {placed} of {len(notes)} patches")


def get_maintainer(path, role):
    """The addresses get_maintainer.pl gives for the patch at PATH, as b4
    asks for them: ROLE "to" the maintainers (--nol), "cc" the lists and
    the others (--nom)."""
    flag = "--nol" if role == "to" else "--nom"
    p = run(["scripts/get_maintainer.pl"] + GET_MAINTAINER.split() + [flag, path], cwd=KTREE)
    return {a.lower() for a in re.findall(r"[\w.+-]+@[\w.-]+\w", p.stdout)}


def check_recipients(r, emls):
    """get_maintainer.pl's To: and Cc: of every patch are in its email's
    To:/Cc:, and those of all patches in the cover letter's (the sender's
    own address aside)."""
    union = {"to": set(), "cc": set()}
    for i, path in [(i, p) for i, p in enumerate(emls) if i] + [(0, emls[0])]:
        want = union if i == 0 else {role: get_maintainer(path, role) for role in union}
        if i:
            for role in union:
                union[role] |= want[role]
        me = set(header(path, "From"))
        to, cc = set(header(path, "To")), set(header(path, "Cc"))
        missing = sorted((want["to"] - to - me) | (want["cc"] - to - cc - me))
        what = "cover letter" if i == 0 else f"patch {i}/{len(emls) - 1}"
        r.add(not missing, f"series-check recipients {what}: get_maintainer.pl's "
              f"{len(want['to'])} To: and {len(want['cc'])} Cc: addresses in its To:/Cc:",
              f"missing: {', '.join(missing)}")


def unpack_base(ident, tree):
    """A fresh unpack of the base into TREE (not the assembled tree),
    committed as one commit."""
    if ident.startswith(DEFAULT_BASE + " "):
        run(["tar", "-xJf", DEFAULT_BASE, "-C", tree, "--strip-components=1"])
    else:
        src = ident.split(" ")[0]
        if " git " in ident:
            cmd = (f"git -C {shlex.quote(src)} archive {ident.split(' git ')[1]} "
                   f"| tar -x -C {shlex.quote(tree)}")
        else:
            cmd = (f"tar -C {shlex.quote(src)} --exclude=.git -cf - . | "
                   f"tar -C {shlex.quote(tree)} -xf -")
        if subprocess.run(cmd, shell=True).returncode:
            raise Fail(f"could not unpack the base {src}")
    env = {"GIT_AUTHOR_DATE": FIXED_DATE, "GIT_COMMITTER_DATE": FIXED_DATE,
           "GIT_AUTHOR_NAME": "base import", "GIT_AUTHOR_EMAIL": "base@import",
           "GIT_COMMITTER_NAME": "base import", "GIT_COMMITTER_EMAIL": "base@import"}
    git(["init", "--quiet"], cwd=tree)
    git(["add", "-A", "-f"], cwd=tree)
    git(["commit", "--quiet", "--no-verify", "-m", "pristine base"], cwd=tree, env=env)
    with open(os.path.join(tree, ".git", "info", "exclude"), "a") as f:
        f.write("/out/\n")


def same_tree(tree, rev, ours, what):
    """(ok, line): the tree of REV in build/linux equals HEAD's in TREE."""
    mine = gitout(["rev-parse", "HEAD^{tree}"], cwd=tree)
    theirs = gitout(["rev-parse", f"{rev}^{{tree}}"])
    ok = mine == theirs
    return ok, (f"series-check {ours} {mine[:12]} " + ("equals" if ok else "differs from")
                + f" {what} {theirs[:12]}")


def apply_mbox(tree, mbox, n):
    """git am of the mbox onto the pristine base in TREE: (ok, line)."""
    name, email = identity()
    am = git(["am", "--quiet", "--whitespace=error-all", mbox], cwd=tree, check=False,
             env={"GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email})
    applied = int(gitout(["rev-list", "--count", "HEAD"], cwd=tree)) - 1
    if am.returncode:
        git(["am", "--abort"], cwd=tree, check=False)
        return False, (f"series-check git am: failed after {applied} of {n} patches: "
                       + (am.stdout + am.stderr).strip().replace("\n", " ")[:400])
    return applied == n, f"series-check git am: {applied} of {n} patches apply to the " \
        "pristine base"


def build_changed(tree, n):
    """Every object the last N commits of TREE touch compiles there, with
    the patched kernel's config: (ok, line)."""
    os.makedirs(os.path.join(tree, "out"), exist_ok=True)
    use_config(tree, patched_config(tree))
    srcs = [f for f in gitout(["diff", "--name-only", "--diff-filter=d", f"HEAD~{n}", "HEAD"],
                              cwd=tree).splitlines() if f.endswith(".c")]
    objs = [s[:-2] + ".o" for s in srcs if obj_enabled(tree, s[:-2] + ".o")]
    skipped = sorted(set(s[:-2] + ".o" for s in srcs) - set(objs))
    if not objs:
        raise Fail("series-check: no changed object is enabled in the patched config")
    p = kmake(tree, objs)
    why = "" if p.returncode == 0 else \
        ": " + "\n".join((p.stdout + p.stderr).splitlines()[-15:])
    return p.returncode == 0, (f"series-check build: {len(objs)} changed objects compile in "
                               "the pristine tree" + (f" (not in this config: "
                                                      f"{' '.join(skipped)})" if skipped else "")
                               + why)


def apply_and_build(base, tip, n, ident):
    """The pristine base, the mbox applied to it, the result built: the
    (ok, line) of each step."""
    shutil.rmtree(CHECKDIR, ignore_errors=True)
    tree = os.path.join(CHECKDIR, "linux")
    os.makedirs(tree)
    unpack_base(ident, tree)
    lines = [same_tree(tree, base, "unpacked base tree", "the assembled base")]
    lines.append(apply_mbox(tree, os.path.join(SERIESDIR, "series.mbox"), n))
    if not lines[-1][0]:
        return lines
    lines.append(same_tree(tree, tip, "result tree", "the last upstream commit of build/linux"))
    lines.append(build_changed(tree, n))
    if all(ok for ok, _ in lines):
        # The unpacked tree is not kept: the next check unpacks afresh.
        shutil.rmtree(tree, ignore_errors=True)
    return lines


def series_check(r):
    """make series-check, its verdicts into R."""
    t0 = time.time()
    info = os.path.join(SERIESDIR, "series.info")
    if not os.path.exists(info) or not os.path.exists(os.path.join(SERIESDIR, "series.mbox")):
        raise Fail("no build/series/series.mbox: run 'make series' first")
    with open(info) as f:
        kv = dict(ln.split(" ", 1) for ln in f.read().splitlines())
    emls = written_emails()
    check_emails(r, emls)
    check_recipients(r, emls)
    with open(os.path.join(KTREE, ".git", "conduit-base")) as f:
        ident = f.read().strip()
    # The mbox differs on every run (Date:, Message-Id:) but is made from
    # the same commits: key the cached verdict on those.
    key = hashlib.sha256(" ".join([kv["base"], kv["tip"], ident, file_hash(FRAGMENTS),
                                   file_hash(lint_sources("lint_emails.py", "lint_builds.py"))])
                         .encode()).hexdigest()[:16]
    stamp = os.path.join(CHECKDIR, "passed." + key)
    if os.path.exists(stamp):
        with open(stamp) as f:
            for line in f:
                ok, _, rest = line.rstrip("\n").partition(" ")
                r.add(ok == "PASS", rest + " (unchanged since the last check)")
        return
    lines = apply_and_build(kv["base"], kv["tip"], int(kv["commits"]), ident)
    for ok, msg in lines:
        r.add(ok, msg)
    log(f"series-check: {time.time() - t0:.0f}s")
    if all(ok for ok, _ in lines) and len(lines) == 4:
        with open(stamp, "w") as f:
            f.writelines(("PASS " if ok else "FAIL ") + msg + "\n" for ok, msg in lines)


def cmd_series_check(a):
    """make series-check: PASS/FAIL lines in build/results/series-check.txt."""
    r = Results("series-check")
    try:
        series_check(r)
    except ERRORS as e:
        r.add(False, "series-check", str(e).replace("\n", " ")[:600])
    r.close()
    return 1 if r.failed else 0
