#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a KUnit run of the conduit suite into PASS/FAIL lines.

  kunit_results.py kunit LOG RC OUT       one line per case from the TAP log,
                                          plus FAIL lines for kernel reports
  kunit_results.py coverage GCOV_TXT OUT  gcov -t output for kernel/conduit/;
                                          the gate is conduit.c, the core
"""

import re
import sys

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
WARN = (re.compile(r"WARNING: CPU: |------------\[ cut here \]"), "kernel WARNING")
TAP_START = re.compile(r"^\s*K?TAP version")
CASE = re.compile(r"^\s+(ok|not ok) \d+ ([A-Za-z0-9_]+)(.*)$")
SUITE = re.compile(r"^\s*(ok|not ok) \d+ firmware_conduit")


def kunit(log, rc, out):
    lines, reports, seen_suite = [], [], False
    try:
        text = open(log, errors="replace").read().splitlines()
    except OSError:
        text = []
    started = False
    for ln in text:
        started = started or bool(TAP_START.match(ln))
        m = CASE.match(ln)
        if m and ln.startswith("    ") and not ln.startswith("        "):
            ok, name, rest = m.groups()
            if ok == "ok" and "# SKIP" in rest:
                lines.append(f"FAIL kunit.{name} skipped")
            elif ok == "ok":
                lines.append(f"PASS kunit.{name}")
            else:
                lines.append(f"FAIL kunit.{name} {rest.strip() or 'failed'}")
        if SUITE.match(ln):
            seen_suite = True
        for pat, what in REPORTS + ([WARN] if started else []):
            if pat.search(ln) and what not in reports:
                reports.append(what)
                lines.append(f"FAIL kunit.kernel-log {what}: {ln.strip()[:160]}")
    if not seen_suite:
        lines.append(f"FAIL kunit.run suite firmware_conduit did not finish (kunit.py exit {rc})")
    elif not reports:
        lines.append("PASS kunit.kernel-log no lockdep/KASAN/BUG report")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    cases = [ln for ln in lines if not ln.split()[1].startswith(("kunit.kernel-log", "kunit.run"))]
    npass = sum(ln.startswith("PASS") for ln in cases)
    print(f"kunit: {npass} of {len(cases)} cases passed"
          + (f"; reports: {', '.join(reports)}" if reports else ""))
    return 0 if all(ln.startswith("PASS") for ln in lines) else 1


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
    sys.exit(coverage(sys.argv[2], sys.argv[3]))
