# SPDX-License-Identifier: GPL-2.0
"""What every part of the conduit harness shares, written once.

  paths     TOP, BUILD, RESULTS, KTREE, KSTOCK and DEFAULT_BASE, each from
            the environment the Makefile exports, else from this file's place
  commands  run(), git(), git_out(), kmake_args(), kmake(); a failed
            command raises CommandError
  splats    KERNEL_SPLATS, the kernel reports that fail any run (boot,
            KUnit, xtest), and find_splats() over one line
  KTAP      parse_ktap(): the result lines of a KTAP (KUnit) log

Only add to this module: the other tools import these names.
"""

import collections
import os
import re
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get("TOP") or os.path.abspath(os.path.join(HERE, "../../.."))
BUILD = os.environ.get("BUILD") or os.path.join(TOP, "build")
RESULTS = os.environ.get("RESULTS") or os.path.join(BUILD, "results")
KTREE = os.environ.get("KTREE") or os.path.join(BUILD, "linux")
KSTOCK = os.environ.get("KSTOCK") or os.path.join(BUILD, "stock")
# The default base: Debian's linux-source-7.3 as `make deps` unpacks it
# (debian-fetch.sh); the Makefile exports the same path as BASE_TARBALL.
DEFAULT_BASE = os.environ.get("BASE_TARBALL") or os.path.join(
    BUILD, "debian/linux-source-7.3/root/usr/src/linux-source-7.3.tar.xz")
JOBS = os.environ.get("JOBS") or str(os.cpu_count() or 2)
ARCH_ARGS = ["ARCH=arm64", "CROSS_COMPILE=aarch64-linux-gnu-"]


# ---------------------------------------------------------------------------
# Commands

class CommandError(Exception):
    """A command exited non-zero; the message names it and ends with its
    last output."""


def run(args, cwd=None, env=None, input=None, check=True, timeout=None):
    """Run ARGS with its output captured as text; ENV is added to the
    environment. With CHECK, a non-zero exit raises CommandError."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    p = subprocess.run(args, cwd=cwd, env=full_env, input=input, capture_output=True,
                       text=True, errors="replace", timeout=timeout)
    if check and p.returncode != 0:
        raise CommandError(f"{' '.join(args)}: exit {p.returncode}: "
                           f"{(p.stderr or p.stdout).strip()[-2000:]}")
    return p


def git(args, cwd=KTREE, **kw):
    """git ARGS in CWD (default: the assembled tree), as run() does it."""
    return run(["git"] + list(args), cwd=cwd, **kw)


def git_out(args, cwd=KTREE):
    """The stripped standard output of git ARGS; raises on failure."""
    return git(args, cwd=cwd).stdout.strip()


def kmake_args(extra=(), out="out"):
    """The make command line of an arm64 kernel build with O=OUT inside the
    tree, through ccache when it is installed (as the Makefile's KMAKE)."""
    args = ["make", "--no-print-directory", f"O={out}"] + ARCH_ARGS + [f"-j{JOBS}"]
    if shutil.which("ccache"):
        args.append("CC=ccache aarch64-linux-gnu-gcc")
    return args + list(extra)


def kmake(tree, targets, extra=(), check=False, out="out"):
    """make TARGETS in TREE (see kmake_args()); the CompletedProcess."""
    return run(kmake_args(extra, out) + list(targets), cwd=tree, check=check)


# ---------------------------------------------------------------------------
# Kernel splats: console lines that fail a run whatever it tests. Each is
# (kind, pattern); the kinds name the report in PASS/FAIL lines.

# WARN's line: "WARNING: FILE:LINE at SYM, CPU#N: COMM/PID" in the 7.3
# kernels (kernel/panic.c __warn()), "WARNING: CPU: N PID: N at ..." in
# older ones. kunit_results.py uses it too.
WARN_LINE = r"WARNING: (\S+:\d+ )?at \S+, CPU#\d+: |WARNING: CPU: \d+ PID: \d+ at "

KERNEL_SPLATS = [
    ("panic", re.compile(r"Kernel panic|kernel BUG at|Internal error:|Oops")),
    ("hyp panic", re.compile(r"HYP panic|hyp panic|nVHE hyp panic")),
    # the WARN line, and the "cut here" line before it
    ("WARN", re.compile(WARN_LINE + r"|------------\[ cut here \]")),
    ("KASAN", re.compile(r"BUG: KASAN|KASAN: ")),
    ("BUG", re.compile(r"\bBUG:")),
    ("lockdep", re.compile(r"possible circular locking|possible recursive locking|"
                           r"possible deadlock|inconsistent lock state|"
                           r"lock held when returning|suspicious RCU usage|"
                           r"INFO: lockdep|lockdep: ")),
    ("hung task", re.compile(r"INFO: task .* blocked for more than|hung_task|"
                             r"blocked for more than")),
    ("sleep in atomic", re.compile(r"sleeping function called from invalid context|"
                                   r"BUG: sleeping function called")),
]
SPLAT_KINDS = [kind for kind, _ in KERNEL_SPLATS]


def find_splats(line, kinds=None):
    """The kinds of KERNEL_SPLATS (or of those in KINDS) that LINE shows."""
    return [kind for kind, pat in KERNEL_SPLATS
            if (kinds is None or kind in kinds) and pat.search(line)]


# ---------------------------------------------------------------------------
# KTAP (Documentation/dev-tools/ktap.rst), as KUnit prints it: a version
# line, a plan, then "ok N name" / "not ok N name # DIRECTIVE reason", four
# spaces of indent per level of nesting (suites at 0, their cases at 1).

KTAP_VERSION = re.compile(r"^\s*K?TAP version \d+")
KTAP_RESULT = re.compile(r"^( *)(ok|not ok) (\d+)(?: (.*?))?\s*$")

KtapResult = collections.namedtuple("KtapResult",
                                    "depth ok number name directive reason line")


def parse_ktap_line(line):
    """A KtapResult for one result line, None for any other line. DEPTH is
    the indent in levels of four spaces; DIRECTIVE is "SKIP", "TODO", ...
    or None."""
    m = KTAP_RESULT.match(line.rstrip("\r\n"))
    if not m or len(m.group(1)) % 4:
        return None
    desc, directive, reason = m.group(4) or "", None, ""
    if "#" in desc:
        desc, _, rest = desc.partition("#")
        word, _, reason = rest.strip().partition(" ")
        directive = word.upper() or None
    return KtapResult(len(m.group(1)) // 4, m.group(2) == "ok", int(m.group(3)),
                      desc.strip(), directive, reason.strip(), line.rstrip("\r\n"))


def parse_ktap(lines):
    """(started, results): whether a KTAP version line came, and every
    result line in order (KtapResult), whatever came before the version."""
    started, results = False, []
    for line in lines:
        started = started or bool(KTAP_VERSION.match(line))
        r = parse_ktap_line(line)
        if r is not None:
            results.append(r)
    return started, results


def ktap_passed(result):
    """A result that passed: ok and not skipped."""
    return result.ok and result.directive != "SKIP"
