# SPDX-License-Identifier: GPL-2.0
"""What every part of lint.py shares: the paths, the assembled tree's
upstream commits, the results file and the cache of verdicts.

Everything works on the tree that `make tree` assembled (build/linux): the
upstream commits are base..upstream there.
"""

import hashlib
import json
import os
import re
import sys

from conduit_common import (BUILD, DEFAULT_BASE, HERE, JOBS, KTREE, RESULTS, TOP,  # noqa: F401
                            CommandError, git, kmake_args, run)
from conduit_common import git_out as gitout  # noqa: F401

BISECT = os.path.join(BUILD, "bisect")
LINTDIR = os.path.join(BUILD, "lint")
SERIESDIR = os.path.join(BUILD, "series")
B4WS = os.path.join(BUILD, "b4")
CHECKDIR = os.path.join(BUILD, "series-check")
COVER = os.path.join(HERE, "cover-letter.txt")
FRAGMENTS = [os.path.join(HERE, "qemu-arm64.config"),
             os.path.join(HERE, "qemu-arm64-patched.config")]
# At most one kernel build at a time on the machine, whoever runs it.
KBUILD_LOCK = ["flock", "/tmp/conduit-kbuild.lock"]
# Directories whose files are not kernel objects of the series.
NOT_KERNEL = ("tools/", "scripts/", "samples/")


class Fail(Exception):
    """A gate cannot go on; its message becomes the FAIL line."""


# What a gate may raise: its own verdict, or a command that failed.
ERRORS = (Fail, CommandError)


def log(msg):
    """Print MSG at once (make test interleaves several tools' output)."""
    print(msg, flush=True)


def kmake(tree, targets, extra=(), check=False):
    """Build TARGETS in TREE under the build lock (see kmake_args())."""
    return run(KBUILD_LOCK + kmake_args(extra) + list(targets), cwd=tree, check=check)


def upstream_commits():
    """(base, tip, [commit, ...]) of the upstream commits in build/linux."""
    if not os.path.isdir(os.path.join(KTREE, ".git")):
        raise Fail(f"{KTREE} is not assembled: run 'make tree'")
    base = gitout(["rev-parse", "base^{commit}"])
    tip = gitout(["rev-parse", "upstream^{commit}"])
    commits = gitout(["rev-list", "--reverse", f"{base}..{tip}"]).split()
    if not commits:
        raise Fail("no upstream commits between base and upstream in build/linux")
    return base, tip, commits


def subject(commit, cwd=KTREE):
    """The subject line of COMMIT."""
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
    """Every file that base..tip adds or changes."""
    out = gitout(["diff", "--name-only", "--diff-filter=d", f"{base}..{tip}"])
    return out.splitlines()


def kernel_sources(files, suffixes=(".c",)):
    """The FILES with one of SUFFIXES that are kernel code (not tools,
    scripts or samples)."""
    return [f for f in files if f.endswith(suffixes) and not f.startswith(NOT_KERNEL)]


def file_hash(paths):
    """A short hash of the contents of PATHS."""
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def lint_sources(*names):
    """The paths of the lint modules NAMES (for cache keys)."""
    return [os.path.join(HERE, n) for n in names]


def added_lines(base, tip, path):
    """Line numbers (at TIP) of the lines base..tip adds to PATH."""
    diff = gitout(["diff", "-U0", f"{base}..{tip}", "--", path])
    res = set()
    for m in re.finditer(r"^@@ -\S+ \+(\d+)(?:,(\d+))? @@", diff, re.M):
        start, n = int(m.group(1)), int(m.group(2) or 1)
        res.update(range(start, start + n))
    return res


def glob_regex(pattern):
    """A MAINTAINERS F:/X: pattern as a regex over a whole path."""
    return pattern.replace(".", r"\.").replace("*", "[^/]*").replace("?", ".")


def covered(path, pats):
    """PATH matches one of the MAINTAINERS F: patterns PATS, as
    get_maintainer.pl reads them: a trailing / is a whole subtree."""
    for v in pats:
        if v.endswith("/") and path.startswith(v):
            return True
        if re.fullmatch(glob_regex(v), path):
            return True
    return False


class Results:
    """The PASS/FAIL lines of one suite, in build/results/<suite>.txt."""

    def __init__(self, suite):
        os.makedirs(RESULTS, exist_ok=True)
        self.path = os.path.join(RESULTS, suite + ".txt")
        self.f = open(self.path, "w")
        self.failed = 0
        self.lines = []

    def add(self, ok, name, reason=""):
        """Write one verdict line; returns OK."""
        line = f"PASS {name}" if ok else f"FAIL {name} {reason}".rstrip()
        if not ok:
            self.failed += 1
        self.lines.append(line)
        self.f.write(line + "\n")
        self.f.flush()
        log(line)
        return ok

    def last_text(self, n):
        """The text after "PASS <gate> " of the Nth line from the end."""
        parts = self.lines[-n].split(" ", 2)
        return parts[2] if len(parts) > 2 else ""

    def close(self):
        """Close the results file."""
        self.f.close()


class Cache:
    """Verdicts of earlier runs, keyed by everything they depend on."""

    def __init__(self):
        self.path = os.path.join(LINTDIR, "cache.json")
        try:
            with open(self.path) as f:
                self.d = json.load(f)
        except (OSError, ValueError):
            self.d = {}

    def get(self, k):
        """The cached value of K, or None."""
        return self.d.get(k)

    def put(self, k, v):
        """Cache V under K (written at once)."""
        self.d[k] = v
        os.makedirs(LINTDIR, exist_ok=True)
        with open(self.path + ".tmp", "w") as f:
            json.dump(self.d, f, indent=1)
        os.replace(self.path + ".tmp", self.path)


def manifest():
    """The commits of SERIES, as series.py parses them."""
    sys.path.insert(0, HERE)
    import series as assembler
    return assembler.parse_manifest(TOP)


def manifest_notes():
    """The notes: of the upstream commits in SERIES, in order."""
    return [c.notes for c in manifest() if c.upstream]


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
