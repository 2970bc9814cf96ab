#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count the PASS/FAIL lines the suites wrote, print each suite's count and
wall time (RESULTS_DIR/SUITE.seconds, written by `make test`), then the
closing line.

  summary.py RESULTS_DIR SUITE...

Every suite must have written RESULTS_DIR/SUITE.txt; a suite that wrote
nothing counts as one failure, so a suite cannot pass by not running.
"""

import os
import sys


def wall_seconds(results, suite):
    """The seconds `make test` spent in SUITE, or None if not recorded."""
    try:
        with open(os.path.join(results, suite + ".seconds")) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def mmss(seconds):
    """SECONDS as "   m:ss" for the wall-time column."""
    return f"{seconds // 60:4}:{seconds % 60:02}"


def main():
    results, suites = sys.argv[1], sys.argv[2:]
    passed = failed = total_s = 0
    print()
    for suite in suites:
        path = os.path.join(results, suite + ".txt")
        lines = []
        if os.path.exists(path):
            with open(path) as f:
                lines = [ln.rstrip("\n") for ln in f if ln.startswith(("PASS", "FAIL"))]
        if not lines:
            lines = [f"FAIL {suite}: reported no results"]
        p = sum(ln.startswith("PASS") for ln in lines)
        fl = len(lines) - p
        passed, failed = passed + p, failed + fl
        secs = wall_seconds(results, suite)
        total_s += secs or 0
        print(f"{suite:<24} {p:4} passed {fl:4} failed"
              + (f" {mmss(secs)} wall" if secs is not None else ""))
        for ln in lines:
            if ln.startswith("FAIL"):
                print("    " + ln)
    if total_s:
        print(f"{'all suites':<24}{'':24} {mmss(total_s)} wall")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
