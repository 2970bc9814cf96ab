#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a KUnit run of the conduit suite into PASS/FAIL lines.

  kunit_results.py kunit LOG RC OUT       one line per case from the TAP log,
                                          plus FAIL lines for kernel reports
  kunit_results.py lockdep LOG RC OUT     the same for the boot that runs the
                                          suite firmware_conduit_lockdep alone,
                                          whose lockdep report is required;
                                          appended to OUT
  kunit_results.py coverage GCOV_TXT OUT  gcov -t output for kernel/conduit/;
                                          the gate is conduit.c, the core
"""

import re
import sys

import conduit_common as cc

# Kernel reports that fail the run even when every case passed.
REPORTS = [
    (re.compile(r"BUG: KASAN|KASAN: "), "KASAN report"),
    (re.compile(r"WARNING: possible (circular|recursive)|possible deadlock|"
                r"inconsistent lock state|INFO: lockdep|lockdep: "), "lockdep report"),
    (re.compile(r"BUG: sleeping function called"), "sleep in atomic context"),
    (re.compile(r"\bBUG:|Kernel panic|Oops"), "kernel BUG/panic"),
    (re.compile(r"hung_task|blocked for more than"), "hung task"),
]
# Generic WARN splats count only once the tests run: the UML boot itself
# warns about virtio PCI without a device ID (arch_uml.config).
WARN = (re.compile(cc.WARN_LINE + r"|------------\[ cut here \]"), "kernel WARNING")
TAP_START = re.compile(r"^\s*K?TAP version")
CASE = re.compile(r"^\s+(ok|not ok) \d+ ([A-Za-z0-9_]+)(.*)$")
SUITE = re.compile(r"^\s*(ok|not ok) \d+ firmware_conduit(\s|$)")
LOCKDEP_SUITE = re.compile(r"^\s*(ok|not ok) \d+ firmware_conduit_lockdep(\s|$)")
# What the lockdep case provokes: the wait in the re-probe work takes the
# re-probe's lockdep map, which that work holds.
LOCKDEP_WANTED = re.compile(r"WARNING: possible recursive locking detected")
LOCKDEP_MAP = re.compile(r"conduit-reprobe")


def read_lines(log):
    try:
        return open(log, errors="replace").read().splitlines()
    except OSError:
        return []


def kunit(log, rc, out, prefix="kunit", suite=SUITE, wanted=None, mode="w"):
    """One line per case of @suite. Every kernel report fails the run, but
    the one @wanted matches, which must be there (with @LOCKDEP_MAP)."""
    lines, reports, seen_suite, seen_wanted, seen_map = [], [], False, False, False
    text = read_lines(log)
    started = False
    for ln in text:
        started = started or bool(TAP_START.match(ln))
        m = CASE.match(ln)
        if m and ln.startswith("    ") and not ln.startswith("        "):
            ok, name, rest = m.groups()
            if ok == "ok" and "# SKIP" in rest:
                lines.append(f"FAIL {prefix}.{name} skipped")
            elif ok == "ok":
                lines.append(f"PASS {prefix}.{name}")
            else:
                lines.append(f"FAIL {prefix}.{name} {rest.strip() or 'failed'}")
        if suite.match(ln):
            seen_suite = True
        if wanted and wanted.search(ln):
            seen_wanted = True
        if wanted and seen_wanted and LOCKDEP_MAP.search(ln):
            seen_map = True
        for pat, what in REPORTS + ([WARN] if started else []):
            if wanted and what == "lockdep report":
                continue
            if pat.search(ln) and what not in reports:
                reports.append(what)
                lines.append(f"FAIL {prefix}.kernel-log {what}: {ln.strip()[:160]}")
    name = "firmware_conduit_lockdep" if wanted else "firmware_conduit"
    if not seen_suite:
        lines.append(f"FAIL {prefix}.run suite {name} did not finish (kunit.py exit {rc})")
    elif wanted and not (seen_wanted and seen_map):
        lines.append(f"FAIL {prefix}.lockdep-report no recursive locking report on the"
                     " conduit-reprobe map")
    elif wanted:
        lines.append(f"PASS {prefix}.lockdep-report recursive locking on the conduit-reprobe"
                     " map reported")
    if seen_suite and not reports:
        lines.append(f"PASS {prefix}.kernel-log no "
                     + ("other " if wanted else "") + "lockdep/KASAN/BUG report")
    with open(out, mode) as f:
        f.write("\n".join(lines) + "\n")
    cases = [ln for ln in lines if not ln.split()[1].startswith(
        tuple(f"{prefix}.{k}" for k in ("kernel-log", "run", "lockdep-report")))]
    npass = sum(ln.startswith("PASS") for ln in cases)
    print(f"{prefix}: {npass} of {len(cases)} cases passed"
          + (f"; reports: {', '.join(reports)}" if reports else ""))
    return 0 if all(ln.startswith("PASS") for ln in lines) else 1


def lockdep(log, rc, out):
    return kunit(log, rc, out, prefix="kunit-lockdep", suite=LOCKDEP_SUITE,
                 wanted=LOCKDEP_WANTED, mode="a")


def gcov_sections(text):
    """Split `gcov -t` output into {source path: [(count, line), ...]}."""
    sections, lines = {}, None
    for ln in text.splitlines():
        parts = ln.split(":", 3)
        if len(parts) < 3:
            continue
        count, lineno = parts[0].strip(), parts[1].strip()
        if lineno == "0":
            if parts[2] == "Source":
                lines = sections.setdefault(parts[3].strip(), [])
            continue
        if lines is None or count == "-":
            continue
        lines.append((count, lineno))
    return sections


def line_figure(lines):
    missed = [n for c, n in lines if c.startswith("#####") or c.startswith("=====")]
    hit = len(lines) - len(missed)
    return 100.0 * hit / len(lines), hit, missed


def coverage(gcov_txt, out, minimum=95.0):
    """Gate on kernel/conduit/conduit.c, the core; report the rest."""
    try:
        sections = gcov_sections(open(gcov_txt, errors="replace").read())
    except OSError:
        sections = {}
    core = None
    for path, lines in sorted(sections.items()):
        if not lines or "/kernel/conduit/" not in path:
            continue
        pct, hit, missed = line_figure(lines)
        name = path[path.index("/kernel/conduit/") + 1:]
        print(f"{name} line coverage: {pct:.1f}% ({hit} of {len(lines)} lines)")
        if missed:
            print("  lines not run: " + " ".join(missed))
        if name == "kernel/conduit/conduit.c":
            core = pct
    if core is None:
        msg = "FAIL coverage.conduit-core no gcov data for kernel/conduit/conduit.c"
        print(msg)
        open(out, "w").write(msg + "\n")
        return 1
    verdict = "PASS" if core >= minimum else "FAIL"
    line = (f"{verdict} coverage.conduit-core {core:.1f}% of lines"
            f" (minimum {minimum:.0f}%)")
    print(line)
    open(out, "w").write(line + "\n")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    if sys.argv[1] == "kunit":
        sys.exit(kunit(sys.argv[2], sys.argv[3], sys.argv[4]))
    if sys.argv[1] == "lockdep":
        sys.exit(lockdep(sys.argv[2], sys.argv[3], sys.argv[4]))
    sys.exit(coverage(sys.argv[2], sys.argv[3]))
