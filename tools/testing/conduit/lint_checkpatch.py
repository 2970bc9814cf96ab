# SPDX-License-Identifier: GPL-2.0
"""checkpatch --strict on every upstream patch for `make lint`: 0 errors,
0 warnings, 0 checks, but for two exceptions, each narrow and checked:

- UNKNOWN_COMMIT_ID fires for a Fixes: tag when the tree has no upstream
  history. It is accepted only when the base is a root commit (a tarball
  import); checkpatch's GIT_COMMIT_ID format check still applies.
- FILE_PATH_CHANGES "does MAINTAINERS need updating?" fires for every patch
  that adds a file without touching MAINTAINERS. It is accepted only when
  every file the patch adds is covered by an F: pattern that the series
  added to MAINTAINERS at that commit or before (lint_commits.py checks
  that for every patch).
"""

import os
import re
import shutil

from lint_commits import series_f_patterns
from lint_tree import LINTDIR, KTREE, changed_files, covered, git, run, subject

EXCEPTIONS = ("FILE_PATH_CHANGES", "UNKNOWN_COMMIT_ID")


def base_has_no_history(base):
    """The base is a root commit: imported from a tarball, not a git tree."""
    p = git(["rev-list", "--parents", "-n", "1", base], check=False)
    return p.returncode == 0 and len(p.stdout.split()) == 1


def format_patches(base, tip):
    """git format-patch of base..tip into build/lint/patches: the paths."""
    pdir = os.path.join(LINTDIR, "patches")
    shutil.rmtree(pdir, ignore_errors=True)
    os.makedirs(pdir)
    git(["format-patch", "--quiet", "-o", pdir, f"{base}..{tip}"])
    return [os.path.join(pdir, p) for p in sorted(os.listdir(pdir))]


def checkpatch(path):
    """Run checkpatch --strict on one patch: (totals match, findings, stderr
    noise, stdout)."""
    # Debian's python3 (with python3-ply) for scripts/spdxcheck.py.
    env = {"PATH": "/usr/bin:" + os.environ.get("PATH", "")}
    p = run(["scripts/checkpatch.pl", "--strict", "--show-types", "--showfile", path],
            cwd=KTREE, check=False, env=env)
    out = p.stdout
    m = re.search(r"total: (\d+) errors, (\d+) warnings, (\d+) checks", out)
    # With --showfile a finding in the commit message has an empty file
    # name: ":304: WARNING:...".
    findings = [ln for ln in out.splitlines()
                if re.match(r"^\S*:\d+: (ERROR|WARNING|CHECK):", ln) or
                re.match(r"^(ERROR|WARNING|CHECK):", ln)]
    noise = [ln for ln in p.stderr.splitlines() if "Traceback" in ln or "Error" in ln]
    return m, findings, noise, out + p.stderr


def excused_kinds(findings, commit, base):
    """The exception kinds that excuse every one of FINDINGS, or None when
    some finding is not excused."""
    kinds = set()
    for ln in findings:
        kind = next((k for k in EXCEPTIONS if f":{k}:" in ln), None)
        if kind is None:
            return None
        kinds.add(kind)
    if "FILE_PATH_CHANGES" in kinds:
        added = [f for st, f in changed_files(commit) if st == "A"]
        pats = series_f_patterns(base, commit)
        if not added or not all(covered(f, pats) for f in added):
            return None
    # A Fixes: tag names an upstream commit that a base imported from a
    # tarball (one root commit, no history) cannot know.
    if "UNKNOWN_COMMIT_ID" in kinds and not base_has_no_history(base):
        return None
    return sorted(kinds)


def gate_checkpatch(r, base, tip, commits):
    """checkpatch --strict per patch, one line each."""
    patches = format_patches(base, tip)
    good = exceptions = 0
    for i, (pfile, c) in enumerate(zip(patches, commits), 1):
        name = f"checkpatch {i:02}/{len(patches)} {subject(c)}"
        m, findings, noise, out = checkpatch(pfile)
        kinds = excused_kinds(findings, c, base) if findings else []
        if m is None:
            r.add(False, name, "checkpatch did not finish: " + out[-300:])
        elif noise:
            r.add(False, name, "checkpatch helper failed: " + " | ".join(noise)[:300])
        elif kinds is None or (not findings and m.groups() != ("0", "0", "0")):
            r.add(False, name, m.group(0) + ": " + " | ".join(findings)[:1500])
        else:
            good += 1
            exceptions += bool(kinds)
            r.add(True, name + (f" (exception: {', '.join(kinds)}; see lint_checkpatch.py)"
                                if kinds else ""))
    return f"checkpatch {good}/{len(patches)}" + (f" ({exceptions} excepted)" if exceptions
                                                   else "")
