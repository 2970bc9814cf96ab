#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Submission tooling for the firmware conduit series: the command line.

  lint.py series        b4-prepared patch emails of the upstream commits,
                        one submission per directory of build/series/
                        (conduit/, and each SERIES submission:) lint_emails.py
  lint.py series-check  the emails: @FIELD@s filled in, notes placed,
                        get_maintainer.pl's To:/Cc: in each; each mbox
                        applies with git am onto a fresh unpack of the
                        base, the conduit one without the separate
                        submissions, and the result builds     lint_emails.py
  lint.py lint          the gates on every upstream commit:
                          checkpatch --strict                  lint_checkpatch.py
                          F: lines and subjects, MAINTAINERS   lint_commits.py
                          every commit builds, sparse, W=1     lint_builds.py
                          kernel-doc, htmldocs                 lint_docs.py
                          no harness function over 80 lines    lint_code.py
                          lint's own rules on doctored input   lint_selftest.py
                          every claim's checks passed          lint_claims.py

Everything works on the tree that `make tree` assembled (build/linux): the
upstream commits are base..upstream there. Builds run in trees of their
own (build/bisect, a git worktree; build/series-check/linux, a fresh
unpack), one at a time on the machine (flock /tmp/conduit-kbuild.lock).
Results are PASS/FAIL lines in build/results/<suite>.txt.
"""

import argparse
import sys
import time

import lint_builds
import lint_checkpatch
import lint_claims
import lint_code
import lint_commits
import lint_docs
import lint_emails
import lint_selftest
from lint_tree import ERRORS, Cache, Results, log, upstream_commits


def tree_gates(r, summary):
    """The gates over the assembled commits, in order of cost."""
    base, tip, commits = upstream_commits()
    cache = Cache()
    summary.append(lint_checkpatch.gate_checkpatch(r, base, tip, commits))
    summary.append(lint_commits.gate_f_lines(r, base, commits))
    summary.append(lint_commits.gate_subjects(r, commits))
    ckey = lint_builds.prepare_config(tip, cache)
    summary.append(lint_builds.gate_bisect(r, base, tip, commits, cache, ckey))
    summary += lint_builds.gate_sparse(r, base, tip, commits, cache, ckey)
    summary.append(lint_docs.gate_kerneldoc(r, base, tip))
    summary.append(lint_docs.gate_htmldocs(r, base, tip, cache))
    summary.append(lint_commits.gate_maintainers(r, base, tip))


def cmd_lint(a):
    """make lint: every gate, PASS/FAIL lines in build/results/lint.txt.
    A gate that cannot go on fails as one line and the others still run."""
    t0 = time.time()
    r = Results("lint")
    summary = []
    try:
        tree_gates(r, summary)
    except ERRORS as e:
        r.add(False, "lint", str(e).replace("\n", " ")[:600])
        summary.append("aborted")
    summary.append(lint_code.gate_function_length(r))
    summary.append(lint_selftest.gate_selftest(r))
    # Last: a claim may name a check of this very run.
    summary.append(lint_claims.gate_claims(r, {"lint": list(r.lines)}))
    r.close()
    log(f"lint: {', '.join(summary)} ({time.time() - t0:.0f}s)")
    return 1 if r.failed else 0


def cmd_series(a):
    """make series."""
    lint_emails.cmd_series(a)
    return 0


def main():
    """Parse the command line and run one action."""
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=["series", "series-check", "lint"])
    a = ap.parse_args()
    actions = {"series": cmd_series, "series-check": lint_emails.cmd_series_check,
               "lint": cmd_lint}
    try:
        return actions[a.action](a)
    except ERRORS as e:
        print(f"{a.action}: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
