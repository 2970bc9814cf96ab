# SPDX-License-Identifier: GPL-2.0
"""Every claim names the check that shows it, and that check passed.

A claim is a list item of a cover letter (cover-letter.txt, cover-*.txt) or of a
notes: block of SERIES that carries one or more check tags:

  - <claim sentence> [check: <suite>: <check name>] [check: ...]

The item may go on over more lines indented deeper than its "-". <suite>
is the stem of a results file, build/results/<suite>.txt (kunit,
boot-matrix, kconfig-check, lint, ...); <check name> must be part of the
text after "PASS " or "FAIL " of at least one line there, and every line
it is part of must be PASS. For boot-matrix the lines read
"PASS boot <kernel>-<scenario>: <check>", so "patched-tpm-pkvm:
patched_tpm_before_ima" names one boot and "patched_tpm_before_ima" every
boot that checks it.

`make lint` writes one PASS/FAIL line per claim; `make series` puts the
table of claim, check and result into the emails (@CLAIMS@, or after the
text that makes the claims).
"""

import glob
import os
import re
from collections import namedtuple

from lint_tree import COVER, HERE, RESULTS, TOP, manifest

# SOURCE "file:line", TEXT the sentence without its tags, CHECKS the
# (suite, check name) pairs, BAD the tags that do not parse.
Claim = namedtuple("Claim", "source text checks bad")
ITEM = re.compile(r"^(\s*)- (.*)$")
TAG = re.compile(r"\[check:\s*([A-Za-z0-9_.-]+):\s*([^\]]*?)\s*\]")
ANY_TAG = re.compile(r"\[check:[^\]]*\]?")
FORMAT = "'  - <claim sentence> [check: <suite>: <check name>]'"


def list_items(lines):
    """(line number, text) of each list item of LINES, continuation lines
    (non-blank, indented deeper than the item's "-") joined to it."""
    items, indent = [], None
    for n, ln in enumerate(lines, 1):
        m = ITEM.match(ln)
        if m:
            indent = len(m.group(1))
            items.append([n, m.group(2).strip()])
        elif indent is not None and ln.strip() and len(ln) - len(ln.lstrip()) > indent:
            items[-1][1] += " " + ln.strip()
        else:
            indent = None
    return items


def parse_claims(lines, source):
    """The claims among LINES (see the module docstring); SOURCE names the
    file the lines come from."""
    claims = []
    for n, text in list_items(lines):
        if "[check:" not in text:
            continue
        checks = [(s, c) for s, c in TAG.findall(text) if c]
        bad = [t for t in ANY_TAG.findall(text) if not TAG.fullmatch(t) or
               not TAG.fullmatch(t).group(2)]
        sentence = re.sub(r"\s+([;,.:])", r"\1", ANY_TAG.sub("", text)).strip()
        claims.append(Claim(f"{source}:{n}", sentence, checks, bad))
    return claims


def series_claims():
    """The claims of the cover letters (cover-letter.txt and the covers of
    separate submissions, cover-*.txt) and of every notes: block."""
    claims = []
    for path in [COVER] + sorted(glob.glob(os.path.join(HERE, "cover-*.txt"))):
        with open(path) as f:
            claims += parse_claims(f.read().split("\n"), os.path.relpath(path, TOP))
    for c in manifest():
        claims += parse_claims(c.notes, f"SERIES {c.slug} notes")
    return claims


def verdict_lines(lines):
    """(verdict, text after it) of the PASS/FAIL lines of a results file."""
    res = []
    for ln in lines:
        verdict, _, text = ln.rstrip("\n").partition(" ")
        if verdict in ("PASS", "FAIL"):
            res.append((verdict, text))
    return res


def judge_check(check, lines):
    """(ok, detail) of one check name against a suite's result LINES."""
    hits = [(v, t) for v, t in verdict_lines(lines) if check in t]
    if not hits:
        return False, "no line of its results names it"
    failed = [t for v, t in hits if v != "PASS"]
    if failed:
        return False, f"FAIL {failed[0][:200]}" + (f" (+{len(failed) - 1} more)"
                                                    if len(failed) > 1 else "")
    return True, "PASS" + (f" ({len(hits)} lines)" if len(hits) > 1 else "")


def suite_lines(suite, current):
    """The result lines of SUITE: CURRENT's for the suite now running,
    else build/results/<suite>.txt's; None when that file is missing."""
    if suite in current:
        return current[suite]
    path = os.path.join(RESULTS, suite + ".txt")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return f.read().splitlines()


def missing_results(suite):
    """Why SUITE has no results, and what to run."""
    path = os.path.relpath(os.path.join(RESULTS, suite + ".txt"), TOP)
    order = os.environ.get("CONDUIT_TEST_SUITES", "").split()
    if suite in order and "lint" in order and order.index(suite) > order.index("lint"):
        return f"{path} missing: make test runs {suite} after lint, name a check that runs before"
    return f"{path} missing: run 'make {suite}' (or make test) first"


def judge_claim(claim, current=None):
    """[(suite, check, ok, detail)] of CLAIM; CURRENT maps a suite that is
    running now to its lines so far."""
    res = [("-", t, False, f"malformed tag, the format is {FORMAT}") for t in claim.bad]
    for suite, check in claim.checks:
        lines = suite_lines(suite, current or {})
        if lines is None:
            res.append((suite, check, False, missing_results(suite)))
        else:
            res.append((suite, check) + judge_check(check, lines))
    return res


def gate_claims(r, current):
    """One line per claim: every check it names passed."""
    claims = series_claims()
    if not claims:
        r.add(False, "claims", f"no claim in {os.path.relpath(COVER, TOP)} or a notes: "
              f"block of SERIES; the format is {FORMAT}")
        return "claims: none"
    good = 0
    for claim in claims:
        verdicts = judge_claim(claim, current)
        ok = all(v[2] for v in verdicts)
        good += ok
        tags = "; ".join(f"{s}: {c}: {d}" for s, c, _, d in verdicts)
        name = f"claim {claim.source} {claim.text[:100]!r}"
        r.add(ok, f"{name}: {tags}" if ok else name, tags[:1500])
    return f"claims {good}/{len(claims)}"


def claims_table(claims):
    """The claims, each check they name and its result, as text for an
    email (below its ---, or after the cover letter's text)."""
    if not claims:
        return ""
    rows = ["Claims made above and the checks that show them, from the results of",
            "the test run these emails were generated after:", ""]
    for claim in claims:
        rows.append(f"  - {claim.text}")
        for suite, check, ok, detail in judge_claim(claim):
            rows.append(f"    -> {suite}: {check} -> {detail if ok else 'FAIL: ' + detail}")
    return "\n".join(rows)


def with_claims_table(text, source):
    """TEXT with @CLAIMS@ replaced by the table of its claims, or with the
    table after it when it makes claims and has no @CLAIMS@."""
    table = claims_table(parse_claims(text.split("\n"), source))
    if "@CLAIMS@" in text:
        return text.replace("@CLAIMS@", table or "(no claims)")
    return text + "\n\n" + table if table else text
