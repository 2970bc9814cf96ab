# SPDX-License-Identifier: GPL-2.0
"""The series emails: the conduit series, and on its own each commit that
SERIES marks "submission: <name>" (a fix of the base, sent separately).

  make series        b4-prepared emails, one directory per submission:
                     build/series/conduit/ (the conduit series, its commits
                     cherry-picked onto the base without the separate
                     submissions) and build/series/<name>/ (*.eml,
                     series.mbox, series.info in each); nothing is sent
  make series-check  the emails as written: every @FIELD@ filled in, the
                     notes below each ---, get_maintainer.pl's To: and Cc:
                     in every email, a separate submission's Fixes: and
                     Cc: stable trailers and its maintainers in its To:; on
                     a fresh unpack of the base each separate submission
                     applies alone, the conduit series applies without them
                     and builds, and the separate submissions on top of it
                     give build/linux's tree and build there

The cover letters' and the notes' @FIELD@s are filled in from the last
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
from collections import namedtuple

from lint_builds import obj_enabled, patched_config, use_config
from lint_claims import with_claims_table
from lint_tree import (B4WS, BUILD, CHECKDIR, COVER, DEFAULT_BASE, FRAGMENTS, HERE, KTREE, TOP,
                       RESULTS, SERIESDIR, Fail, Results, ERRORS, changed_files, file_hash, git,
                       gitout, identity, kmake, lint_sources, log, manifest, run, subject,
                       upstream_commits)

B4_BRANCH = "b4/firmware-conduit"
# The conduit series' directory under build/series (the separate
# submissions' are their names).
MAIN = "conduit"
FIXED_DATE = "1700000000 +0000"
GET_MAINTAINER = "--nogit --nogit-fallback --nogit-chief-penguins --norolestats"


# --------------------------------------------------------------------------
# Cover letter and notes


def read_cover(path=COVER):
    """Header fields and the cover text (subject line, blank, body) of the
    cover letter at PATH (cover-letter.txt, or a separate submission's
    cover-<name>.txt)."""
    if not os.path.exists(path):
        raise Fail(f"{os.path.relpath(path, TOP)} is missing: every submission: of SERIES "
                   "needs a cover text there")
    with open(path) as f:
        fields, lines = {}, f.read().split("\n")
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
            raise Fail(f"{path}: header field '{k}:' missing")
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


def below_the_line(text, single, path):
    """(head, rest) of the email TEXT at PATH split where its patch's notes
    go: right below the ---; in a single-patch submission, where b4 put the
    cover text below the ---, after that text (before the diffstat's ---)."""
    head, sep, rest = text.partition("\n---\n")
    if not sep:
        raise Fail(f"{path}: no '---' line to put the notes under")
    if not single:
        return head + sep, rest
    j = rest.find("\n---\n")
    if j < 0:
        raise Fail(f"{path}: no '---' line after the cover text to put the notes before")
    return head + sep + rest[:j].rstrip("\n") + "\n\n", rest[j + 1:]


def add_notes(emls, notes, single):
    """Put each patch's notes below the --- of its email, before the
    diffstat, where git am drops them (SINGLE: after the cover text b4 put
    there)."""
    if len(emls) != len(notes):
        raise Fail(f"{len(emls)} patch emails but {len(notes)} commits in SERIES")
    for path, (slug, text) in zip(emls, notes):
        if not text:
            continue
        with open(path) as f:
            head, rest = below_the_line(f.read(), single, path)
        with open(path, "w") as f:
            f.write(head + fill_notes(text, f"SERIES {slug} notes") + "\n\n" + rest)


def notes_placed(path, text, single):
    """The notes TEXT of SERIES are where add_notes() puts them in the
    email at PATH: their first line, filled in, right below the --- (SINGLE:
    a line between the --- and the diffstat's ---, after the cover text)."""
    if not text:
        return True
    with open(path, errors="replace") as f:
        mail = f.read()
    first = fill_results(text).splitlines()[0]
    try:
        _, rest = below_the_line(mail, False, path)
    except Fail:
        return False
    if single:
        cover_part = rest.partition("\n---\n")[0]
        return f"\n{first}\n" in f"\n{cover_part}\n"
    return rest.startswith(first + "\n")


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


def render_cover(body, cover=COVER):
    """The body of the cover letter COVER with every @FIELD@ filled in and
    the table of its claims."""
    matrix, have = boot_matrix_text()
    if have:
        table = "The boot matrix, as measured for this posting:\n\n" + matrix
    else:
        table = ("  [No boot results were recorded when these emails were generated:\n"
                 "   run 'make boot' (or 'make test') and then 'make series' again.]")
    for kernel in ("stock", "patched"):
        body = body.replace(f"@TIMELINE_{kernel.upper()}@", timeline_text(kernel))
    body = body.replace("@BOOT_MATRIX@", table).replace("@BASE@", base_text())
    return with_claims_table(fill_results(body), os.path.relpath(cover, TOP))


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


# A submission: NAME its directory under build/series, COVER its cover
# text, BRANCH its b4 branch, COMMITS its commits in build/linux, NOTES the
# (slug, notes text) of each, SEPARATE whether SERIES sends it on its own.
Submission = namedtuple("Submission", "name cover branch commits notes separate")


def submissions():
    """(base, tip, [Submission]): the separate submissions of SERIES
    (submission: <name>, first in SERIES), then the conduit series of all
    the other upstream commits."""
    base, tip, commits = upstream_commits()
    ups = [c for c in manifest() if c.upstream]
    if len(ups) != len(commits):
        raise Fail(f"build/linux has {len(commits)} upstream commits, SERIES {len(ups)}: "
                   "run 'make tree'")
    for sha, c in zip(commits, ups):
        if subject(sha) != c.subject:
            raise Fail(f"commit {sha[:12]} ({subject(sha)}) is not SERIES's {c.slug}: "
                       "run 'make tree'")

    def sub(name, cover, branch, pick, separate):
        return Submission(name, cover, branch, [sha for sha, _ in pick],
                          [(c.slug, "\n".join(c.notes).strip("\n")) for _, c in pick], separate)
    pairs = list(zip(commits, ups))
    subs = [sub(name, os.path.join(HERE, f"cover-{name}.txt"), f"b4/{name}",
                [p for p in pairs if p[1].submission == name], True)
            for name in dict.fromkeys(c.submission for c in ups if c.submission)]
    main = [p for p in pairs if not p[1].submission]
    if not main:
        raise Fail("every upstream commit of SERIES is a separate submission: no conduit series")
    return base, tip, subs + [sub(MAIN, COVER, B4_BRANCH, main, False)]


def label(sub):
    """How the PASS/FAIL lines of SUB start: "series-check" for the conduit
    series (its lines as they read before there were separate submissions),
    "series-check <name>" for a separate one."""
    return f"series-check {sub.name}" if sub.separate else "series-check"


def prepare_b4_workspace(base):
    """A shared clone of build/linux: only MAINTAINERS is checked out (b4
    wants a clean work tree, not a full one), its own config. Every run
    starts from the base alone: the branches of the last one are gone."""
    alt = os.path.join(B4WS, ".git", "objects", "info", "alternates")
    want = os.path.join(KTREE, ".git", "objects")
    if not (os.path.exists(alt) and open(alt).read().strip() == want):
        shutil.rmtree(B4WS, ignore_errors=True)
        git(["clone", "--quiet", "--shared", "--no-checkout", KTREE, B4WS], cwd=BUILD)
    g = lambda *a: git(list(a), cwd=B4WS)
    getm = shlex.quote(os.path.join(KTREE, "scripts", "get_maintainer.pl"))
    ktree = shlex.quote(KTREE)
    cfg = {
        "b4.prep-cover-strategy": "branch-description",
        # get_maintainer.pl of the assembled tree, run from its top.
        "b4.send-auto-to-cmd": f"sh -c 'cd {ktree} && exec {getm} {GET_MAINTAINER} --nol'",
        "b4.send-auto-cc-cmd": f"sh -c 'cd {ktree} && exec {getm} {GET_MAINTAINER} --nom'",
        "b4.send-no-patatt-sign": "yes",
        # Belt and braces: there is nothing to send with, ever.
        "sendemail.smtpserver": "/bin/false",
        "core.sparseCheckout": "true",
    }
    for k, v in cfg.items():
        g("config", k, v)
    with open(os.path.join(B4WS, ".git", "info", "sparse-checkout"), "w") as f:
        f.write("/MAINTAINERS\n")
    git(["cherry-pick", "--quit"], cwd=B4WS, check=False)
    g("update-ref", "refs/heads/base", base)
    g("symbolic-ref", "HEAD", "refs/heads/base")
    for ref in gitout(["for-each-ref", "--format=%(refname)", "refs/heads/", "refs/tags/"],
                      cwd=B4WS).split():
        if ref != "refs/heads/base":
            g("update-ref", "-d", ref)
    keys = git(["config", "--name-only", "--get-regexp", r"^branch\.b4/"], cwd=B4WS,
               check=False).stdout.split()
    for section in dict.fromkeys(k.rsplit(".", 1)[0] for k in keys):
        git(["config", "--remove-section", section], cwd=B4WS, check=False)
    g("read-tree", "-u", "--reset", "HEAD")


def switch_branch(branch, commit):
    """Check out BRANCH, set to COMMIT, in the b4 workspace (MAINTAINERS
    only); the work tree must then be clean."""
    git(["update-ref", f"refs/heads/{branch}", commit], cwd=B4WS)
    git(["symbolic-ref", "HEAD", f"refs/heads/{branch}"], cwd=B4WS)
    git(["read-tree", "-u", "--reset", "HEAD"], cwd=B4WS)
    st = gitout(["status", "--porcelain", "--untracked-files=no"], cwd=B4WS)
    if st:
        raise Fail(f"b4 workspace {B4WS} is not clean: {st[:200]}")


def submission_tip(sub, base, left_out):
    """Check out SUB's b4 branch and return its tip: SUB's last commit in
    build/linux when its commits follow the base there, else its commits
    cherry-picked onto the base (committed at a fixed date by the sign-off
    identity, so the same commits on every run). A conflict fails, naming
    the commit: SUB would depend on LEFT_OUT, the submissions it goes
    without."""
    if gitout(["rev-list", "--reverse", f"{base}..{sub.commits[-1]}"]).split() == sub.commits:
        switch_branch(sub.branch, sub.commits[-1])
        return sub.commits[-1]
    switch_branch(sub.branch, base)
    name, email = identity()
    env = {"GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
           "GIT_COMMITTER_DATE": FIXED_DATE}
    for c in sub.commits:
        p = git(["cherry-pick", c], cwd=B4WS, check=False, env=env)
        if p.returncode:
            files = gitout(["diff", "--name-only", "--diff-filter=U"], cwd=B4WS).split()
            git(["cherry-pick", "--abort"], cwd=B4WS, check=False)
            why = (p.stderr or p.stdout).strip().splitlines()
            raise Fail(f"the {sub.name} series does not apply to the base without "
                       f"{', '.join(left_out)}: commit {c[:12]} ({subject(c)}) conflicts in "
                       f"{' '.join(files) or (why[0] if why else '?')} when cherry-picked "
                       f"onto the base, so the series depends on {', '.join(left_out)} "
                       "(its cover letter says it does not)")
    return gitout(["rev-parse", "HEAD"], cwd=B4WS)


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


def b4_prepare(sub, base, fields, body):
    """Enroll SUB's b4 branch (checked out, see submission_tip()) and hand
    it its cover letter, change-id, revision and prefixes, and the To:/Cc:
    of get_maintainer.pl."""
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
    bkey = f"branch.{sub.branch}"
    tracking = json.loads(gitout(["config", f"{bkey}.b4-tracking"], cwd=B4WS))
    tracking["series"]["change-id"] = fields["change-id"]
    tracking["series"]["revision"] = int(fields["revision"])
    tracking["series"]["prefixes"] = fields.get("prefixes", "").split()
    cover = fields["subject"] + "\n\n" + render_cover(body, sub.cover) + "\n"
    if "EDITME" in cover:
        raise Fail(f"{sub.cover} still says EDITME")
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


def patch_emails(emls):
    """The patches among EMLS (the emails of one submission, in order):
    all but the cover letter; a single patch has none (b4 puts the cover
    text below its ---)."""
    return emls[1:] if len(emls) > 1 else emls


def write_submission(sub, base, tip, left_out):
    """make series for one submission: its b4 branch, its emails in
    build/series/<name>/, the mbox of its patches, and series.info (what
    series-check applies and compares); returns the info."""
    fields, body = read_cover(sub.cover)
    n = len(sub.commits)
    if n == 1 and fields["subject"] != subject(sub.commits[0]):
        raise Fail(f"{os.path.relpath(sub.cover, TOP)}: subject {fields['subject']!r} is not "
                   f"its patch's {subject(sub.commits[0])!r}: b4 sends a single patch under "
                   "the patch's own subject")
    head = submission_tip(sub, base, left_out)
    b4_prepare(sub, base, fields, body)
    out = os.path.join(SERIESDIR, sub.name)
    os.makedirs(out)
    log(b4(["send", "--no-sign", "-o", out], B4WS).strip())
    emls = written_emails(out)
    if len(emls) != n + (n > 1):
        raise Fail(f"expected {n + (n > 1)} messages in {out}, b4 wrote {len(emls)}")
    add_notes(patch_emails(emls), sub.notes, n == 1)
    write_mbox(patch_emails(emls), os.path.join(out, "series.mbox"))
    info = {"name": sub.name, "base": base, "tip": head, "commits": str(n),
            "tree": gitout(["rev-parse", f"{head}^{{tree}}"], cwd=B4WS), "upstream": tip,
            "change-id": fields["change-id"], "revision": fields["revision"]}
    with open(os.path.join(out, "series.info"), "w") as f:
        f.writelines(f"{k} {v}\n" for k, v in info.items())
    what = f"cover + {n} patches" if n > 1 else "1 patch, the cover text below its ---"
    log(f"series: {sub.name}: {len(emls)} message{'s' if len(emls) > 1 else ''} in "
        f"{os.path.relpath(out, TOP)} ({what}), mbox series.mbox; nothing sent")
    log(f"series: {sub.name}: To: {', '.join(header(emls[0], 'To')) or '-'}")
    log(f"series: {sub.name}: Cc: {', '.join(header(emls[0], 'Cc')) or '-'}")
    log(f"series: {sub.name}: base-commit {base}, change-id {fields['change-id']}, "
        f"v{fields['revision']}" + (f"; cherry-picked onto the base without "
                                    f"{', '.join(left_out)} (tip {head[:12]})"
                                    if head != sub.commits[-1] else ""))
    return info


def cmd_series(a):
    """make series: the emails of every submission in build/series/<name>/,
    nothing sent."""
    base, tip, subs = submissions()
    check_signoffs([c for sub in subs for c in sub.commits])
    prepare_b4_workspace(base)
    shutil.rmtree(SERIESDIR, ignore_errors=True)
    os.makedirs(SERIESDIR)
    for sub in subs:
        write_submission(sub, base, tip,
                         [o.name for o in subs if o.separate and o is not sub])


# --------------------------------------------------------------------------
# make series-check


def written_emails(d):
    """The .eml files of D (one submission's directory), cover letter
    first."""
    return sorted(os.path.join(d, e) for e in os.listdir(d) if e.endswith(".eml"))


def check_emails(r, sub, emls, base):
    """The emails of SUB as written: every template field filled in, each
    patch's notes from SERIES between its --- and its diffstat, and the
    change-id, revision and base-commit of its cover."""
    left = set()
    for e in emls:
        with open(e, errors="replace") as f:
            left |= {f"{os.path.basename(e)[:4]} {m}" for m in re.findall(r"@[A-Z][A-Z_]+@",
                                                                          f.read())}
    r.add(not left, f"{label(sub)} emails: every @FIELD@ filled in"
          + (f"; left: {', '.join(sorted(left))}" if left else ""))
    patches = patch_emails(emls)
    placed = sum(notes_placed(path, text, len(emls) == 1)
                 for path, (slug, text) in zip(patches, sub.notes))
    r.add(len(patches) == len(sub.notes) and placed == len(sub.notes),
          f"{label(sub)} emails: notes below the --- in {placed} of {len(sub.notes)} patches")
    fields, _ = read_cover(sub.cover)
    with open(emls[0], errors="replace") as f:
        first = f.read()
    cid, rev = fields["change-id"], fields["revision"]
    ok = (f"\nchange-id: {cid}\n" in first and f"\nbase-commit: {base}\n" in first
          and re.search(rf"^Message-Id: <[^>@]*-v{rev}-", first, re.M | re.I))
    r.add(bool(ok), f"{label(sub)} emails: change-id {cid}, v{rev} and base-commit "
          f"{base[:12]} in its {'cover letter' if len(emls) > 1 else 'patch'}")


def get_maintainer(path, role):
    """The addresses get_maintainer.pl gives for the patch at PATH, as b4
    asks for them: ROLE "to" the maintainers (--nol), "cc" the lists and
    the others (--nom)."""
    flag = "--nol" if role == "to" else "--nom"
    p = run(["scripts/get_maintainer.pl"] + GET_MAINTAINER.split() + [flag, path], cwd=KTREE)
    return {a.lower() for a in re.findall(r"[\w.+-]+@[\w.-]+\w", p.stdout)}


def check_recipients(r, sub, emls):
    """get_maintainer.pl's To: and Cc: of every patch of SUB are in its
    email's To:/Cc:, and those of all its patches in the cover letter's
    (the sender's own address aside)."""
    patches = patch_emails(emls)
    union = {"to": set(), "cc": set()}
    rows = [(f"patch {i}/{len(patches)}", p, None) for i, p in enumerate(patches, 1)]
    rows += [("cover letter", emls[0], union)] if len(emls) > 1 else []
    for what, path, want in rows:
        if want is None:
            want = {role: get_maintainer(path, role) for role in union}
            for role in union:
                union[role] |= want[role]
        me = set(header(path, "From"))
        to, cc = set(header(path, "To")), set(header(path, "Cc"))
        missing = sorted((want["to"] - to - me) | (want["cc"] - to - cc - me))
        r.add(not missing, f"{label(sub)} recipients {what}: get_maintainer.pl's "
              f"{len(want['to'])} To: and {len(want['cc'])} Cc: addresses in its To:/Cc:",
              f"missing: {', '.join(missing)}")


def directory_maintainers(dirs):
    """The maintainers (M:, not the reviewers) get_maintainer.pl names for
    the directories DIRS, lower-cased."""
    p = run(["scripts/get_maintainer.pl"] + GET_MAINTAINER.replace("--norolestats", "--rolestats")
            .split() + ["--nol"] + [a for d in dirs for a in ("-f", d)], cwd=KTREE)
    return sorted({m.group(1).lower() for m in re.finditer(r"<([^>]+)> \(maintainer:", p.stdout)})


def fix_trailers(mail):
    """(the commit its Fixes: names, [what is missing]) of the email text
    MAIL: a Fixes: <sha> ("<subject>") and a Cc: stable@vger.kernel.org
    trailer in its message, above the first --- (git am keeps them)."""
    msg = mail.partition("\n\n")[2].partition("\n---\n")[0]
    fixes = re.findall(r'^Fixes: ([0-9a-f]{12,}) \("[^\n]+"\)$', msg, re.M)
    missing = [] if fixes else ['no Fixes: <sha> ("<subject>") trailer']
    if not re.search(r"^Cc: stable@vger\.kernel\.org$", msg, re.M):
        missing.append("no Cc: stable@vger.kernel.org trailer")
    return (fixes[0] if fixes else None), missing


def check_separate(r, sub, emls):
    """A separate submission is a fix of the base for stable: each patch
    carries Fixes: and Cc: stable@vger.kernel.org in its message (above
    the ---, where git am keeps them), and its To: the maintainers that
    get_maintainer.pl names for the directories it changes."""
    patches = patch_emails(emls)
    for i, path in enumerate(patches, 1):
        with open(path, errors="replace") as f:
            fixes, missing = fix_trailers(f.read())
        what = f" patch {i}/{len(patches)}" if len(patches) > 1 else ""
        r.add(not missing, f"{label(sub)}{what}: Fixes: {fixes or '-'} and "
              "Cc: stable@vger.kernel.org trailers in its email", "; ".join(missing))
    dirs = sorted({os.path.dirname(p) + "/" for c in sub.commits for _, p in changed_files(c)})
    want = directory_maintainers(dirs)
    missing = sorted(set(want) - set(header(emls[0], "To")))
    r.add(bool(want) and not missing, f"{label(sub)}: To: {', '.join(want) or '-'}, "
          f"get_maintainer.pl's maintainer{'s' if len(want) > 1 else ''} of {' '.join(dirs)}",
          f"not in its To: {', '.join(missing)}" if want else "get_maintainer.pl names none")


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


def ktree_tree(rev):
    """The tree id of REV in build/linux."""
    return gitout(["rev-parse", f"{rev}^{{tree}}"])


def same_tree(tree, want, ours, what):
    """(ok, line): HEAD's tree in TREE is the tree WANT."""
    mine = gitout(["rev-parse", "HEAD^{tree}"], cwd=tree)
    ok = mine == want
    return ok, (f"series-check {ours} {mine[:12]} " + ("equals" if ok else "differs from")
                + f" {what} {want[:12]}")


def patches_apply(applied, n):
    """"1 patch applies", "3 of 4 patches apply"."""
    return "1 patch applies" if n == 1 and applied == 1 else f"{applied} of {n} patches apply"


def apply_mbox(tree, mbox, n, what, onto="to the pristine base"):
    """git am of the N patches of MBOX onto HEAD in TREE: (ok, line), the
    line starting with WHAT."""
    name, email = identity()
    before = int(gitout(["rev-list", "--count", "HEAD"], cwd=tree))
    am = git(["am", "--quiet", "--whitespace=error-all", mbox], cwd=tree, check=False,
             env={"GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email})
    applied = int(gitout(["rev-list", "--count", "HEAD"], cwd=tree)) - before
    if am.returncode:
        git(["am", "--abort"], cwd=tree, check=False)
        return False, (f"{what}: failed after {applied} of {n} patches {onto}: "
                       + (am.stdout + am.stderr).strip().replace("\n", " ")[:400])
    return applied == n, f"{what}: {patches_apply(applied, n)} {onto}"


def build_changed(tree, since, what, where, configure=True):
    """Every object the commits SINCE..HEAD of TREE touch compiles there,
    with the patched kernel's config (set up first when CONFIGURE): (ok,
    line), the line starting with WHAT and saying WHERE."""
    os.makedirs(os.path.join(tree, "out"), exist_ok=True)
    if configure:
        use_config(tree, patched_config(tree))
    srcs = [f for f in gitout(["diff", "--name-only", "--diff-filter=d", since, "HEAD"],
                              cwd=tree).splitlines() if f.endswith(".c")]
    objs = [s[:-2] + ".o" for s in srcs if obj_enabled(tree, s[:-2] + ".o")]
    skipped = sorted(set(s[:-2] + ".o" for s in srcs) - set(objs))
    if not objs:
        raise Fail(f"{what}: no changed object is enabled in the patched config")
    p = kmake(tree, objs)
    why = "" if p.returncode == 0 else \
        ": " + "\n".join((p.stdout + p.stderr).splitlines()[-15:])
    count = "1 changed object compiles" if len(objs) == 1 else \
        f"{len(objs)} changed objects compile"
    return p.returncode == 0, (f"{what}: {count} {where}"
                               + (f" (not in this config: {' '.join(skipped)})" if skipped
                                  else "") + why)


def mbox_of(sub):
    """The mbox make series wrote for SUB."""
    return os.path.join(SERIESDIR, sub.name, "series.mbox")


def apply_alone(tree, sub, info, pristine):
    """The separate submission SUB applied alone to the pristine base in
    TREE and compared with its commits in build/linux, then undone: the
    (ok, line) of each step."""
    lines = [apply_mbox(tree, mbox_of(sub), len(sub.commits), label(sub))]
    if lines[0][0]:
        lines.append(same_tree(tree, info["tree"], f"{sub.name} result tree",
                               "its commit in build/linux"))
    git(["reset", "--quiet", "--hard", pristine], cwd=tree)
    return lines


def apply_main(tree, main, info, without, lines):
    """The conduit series MAIN applied to the pristine base in TREE,
    WITHOUT the separate submissions, compared with its branch in the b4
    workspace and its changed objects built: appends the (ok, line) of each
    step to LINES; False when git am failed."""
    n, names = len(main.commits), ", ".join(without)
    ok, line = apply_mbox(tree, mbox_of(main), n, "series-check git am", "to the pristine base"
                          + (f": the conduit series applies without {names}" if without else ""))
    lines.append((ok, line))
    if not ok:
        return False
    if without:
        lines.append(same_tree(tree, info["tree"], f"{main.name} result tree",
                               f"the conduit series cherry-picked onto the base without {names}"))
    lines.append(build_changed(tree, f"HEAD~{n}", "series-check build", "in the pristine tree"
                               + (f", the conduit series without {names}" if without else "")))
    return True


def apply_on_top(tree, separate, tip, lines):
    """The SEPARATE submissions applied on top of the conduit series in
    TREE, the result compared with build/linux's upstream tree TIP and
    their changed objects built: appends the (ok, line) of each step to
    LINES; False when git am failed."""
    for sub in separate:
        ok, line = apply_mbox(tree, mbox_of(sub), len(sub.commits), label(sub),
                              "on top of the conduit series")
        lines.append((ok, line))
        if not ok:
            return False
    lines.append(same_tree(tree, ktree_tree(tip), "result tree",
                           "the last upstream commit of build/linux"))
    if separate:
        n = sum(len(sub.commits) for sub in separate)
        lines.append(build_changed(tree, f"HEAD~{n}", "series-check "
                                   + " ".join(sub.name for sub in separate) + " build",
                                   "on top of the conduit series", configure=False))
    return True


def apply_and_build(base, tip, subs, infos, ident):
    """On a fresh unpack of the base: each separate submission alone, the
    conduit series without them (built), then the separate ones on top of
    it (equal to build/linux, built). The (ok, line) of each step, and
    whether every step ran."""
    shutil.rmtree(CHECKDIR, ignore_errors=True)
    tree = os.path.join(CHECKDIR, "linux")
    os.makedirs(tree)
    unpack_base(ident, tree)
    lines = [same_tree(tree, ktree_tree(base), "unpacked base tree", "the assembled base")]
    pristine = gitout(["rev-parse", "HEAD"], cwd=tree)
    *separate, main = subs
    for sub in separate:
        lines += apply_alone(tree, sub, infos[sub.name], pristine)
    done = apply_main(tree, main, infos[main.name], [s.name for s in separate], lines) and \
        apply_on_top(tree, separate, tip, lines)
    if done and all(ok for ok, _ in lines):
        # The unpacked tree is not kept: the next check unpacks afresh.
        shutil.rmtree(tree, ignore_errors=True)
    return lines, done


def read_info(sub, tip):
    """The series.info make series wrote for SUB, checked to be made from
    build/linux's upstream commits TIP."""
    d = os.path.join(SERIESDIR, sub.name)
    info = os.path.join(d, "series.info")
    if not os.path.exists(info) or not os.path.exists(mbox_of(sub)):
        raise Fail(f"no {os.path.relpath(mbox_of(sub), TOP)}: run 'make series' first")
    with open(info) as f:
        kv = dict(ln.split(" ", 1) for ln in f.read().splitlines())
    if kv.get("upstream") != tip:
        raise Fail(f"{os.path.relpath(d, TOP)} was made from other commits than build/linux's: "
                   "run 'make series' again")
    return kv


def series_check(r):
    """make series-check, its verdicts into R."""
    t0 = time.time()
    base, tip, subs = submissions()
    infos = {sub.name: read_info(sub, tip) for sub in subs}
    for sub in subs:
        emls = written_emails(os.path.join(SERIESDIR, sub.name))
        check_emails(r, sub, emls, base)
        check_recipients(r, sub, emls)
        if sub.separate:
            check_separate(r, sub, emls)
    with open(os.path.join(KTREE, ".git", "conduit-base")) as f:
        ident = f.read().strip()
    # The mboxes differ on every run (Date:, Message-Id:) but are made from
    # the same commits: key the cached verdict on those, of every submission.
    made = [infos[s.name][k] for s in subs for k in ("name", "base", "tip", "tree", "commits")]
    key = hashlib.sha256(" ".join(made + [tip, ident, file_hash(FRAGMENTS),
                                          file_hash(lint_sources("lint_emails.py",
                                                                 "lint_builds.py"))])
                         .encode()).hexdigest()[:16]
    stamp = os.path.join(CHECKDIR, "passed." + key)
    if os.path.exists(stamp):
        with open(stamp) as f:
            for line in f:
                ok, _, rest = line.rstrip("\n").partition(" ")
                r.add(ok == "PASS", rest + " (unchanged since the last check)")
        return
    lines, done = apply_and_build(base, tip, subs, infos, ident)
    for ok, msg in lines:
        r.add(ok, msg)
    log(f"series-check: {time.time() - t0:.0f}s")
    if done and all(ok for ok, _ in lines):
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
