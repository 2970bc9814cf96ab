#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count the PASS/FAIL lines the suites wrote and print the closing line.

  summary.py RESULTS_DIR SUITE...

Every suite must have written RESULTS_DIR/SUITE.txt; a suite that wrote
nothing counts as one failure, so a suite cannot pass by not running.
"""

import os
import sys


def main():
    results, suites = sys.argv[1], sys.argv[2:]
    passed = failed = 0
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
        print(f"{suite:<24} {p:4} passed {fl:4} failed")
        for ln in lines:
            if ln.startswith("FAIL"):
                print("    " + ln)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
