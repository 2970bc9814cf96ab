# SPDX-License-Identifier: GPL-2.0
"""Consistency between the upstream commits, for `make lint`.

- F: lines: every file a commit adds is covered by a MAINTAINERS F:
  pattern that the series adds, in that commit or in an earlier one. A
  pattern of the base's MAINTAINERS does not count: the series' files are
  maintained by the series' entry.
- Subjects say what their commit does. The summary (the subject after its
  last "subsystem: " prefix) is read against the commit's diff:
  1. a term of SUBJECT_TERMS in the summary ("tracepoints", "debugfs",
     "KUnit", "lockdep", "Documentation", "Kconfig", ...) needs the
     evidence that the table names in the lines the commit adds (or
     removes, when the summary starts with remove/drop/delete/revert);
  2. a commit that adds what ADDED_MUST_BE_NAMED lists (tracepoint
     definitions, debugfs files, a KUnit suite) names it in its summary;
  3. an identifier in the summary (a word with "_" or ending in "()")
     occurs in the diff, context lines included.
- The series' MAINTAINERS entry is well-formed, sorted, and its F:
  patterns match files.
"""

import os
import re
from collections import namedtuple

from lint_tree import BISECT, Fail, covered, gitout, run, subject

# One commit's diff as the subject rules read it: FILES are (status, path),
# ADDED and REMOVED the lines the diff adds and removes, TEXT the whole
# diff with three lines of context.
CommitDiff = namedtuple("CommitDiff", "files added removed text")


def touches(pred):
    """Evidence: the commit adds, changes or deletes a file for which
    PRED(path) holds."""
    return lambda d, lines: any(pred(p) for _, p in d.files)


def line_matches(regex):
    """Evidence: one of the lines read (added, or removed) matches REGEX."""
    rx = re.compile(regex)
    return lambda d, lines: any(rx.search(ln) for ln in lines)


def either(*evidence):
    """Evidence: one of EVIDENCE holds."""
    return lambda d, lines: any(e(d, lines) for e in evidence)


TRACE_DEFS = r"^\s*(TRACE_EVENT|TRACE_EVENT_CONDITION|DECLARE_EVENT_CLASS|DEFINE_EVENT)\w*\s*\("
DEBUGFS_FILES = r"\bdebugfs_create_\w+\s*\("
KUNIT_SUITE = r"\bkunit_test_(init_section_)?suites?\s*\("

# (term, summary regex, evidence needed, what the evidence is). Case is
# ignored but for MAINTAINERS, an ordinary word otherwise.
SUBJECT_TERMS = [
    ("tracepoints", r"(?i)\btrace ?points?\b|\btrace ?events?\b",
     line_matches(TRACE_DEFS + r"|\btrace_[a-z0-9_]+\s*\("),
     "TRACE_EVENT()/DEFINE_EVENT() definitions or trace_*() calls"),
    ("debugfs", r"(?i)\bdebugfs\b", line_matches(DEBUGFS_FILES), "a debugfs_create_*() call"),
    ("KUnit", r"(?i)\bkunit\b",
     either(line_matches(KUNIT_SUITE + r"|\bKUNIT_(CASE|EXPECT|ASSERT)\w*|\bstruct kunit\b"),
            touches(lambda p: p.endswith(".kunitconfig"))),
     "KUnit cases (KUNIT_CASE, KUNIT_EXPECT_*, a suite) or a .kunitconfig"),
    ("lockdep", r"(?i)\blockdep\b",
     line_matches(r"\blockdep_\w+|\block_map_\w+|\bLOCKDEP_MAP|\block_acquire\w*\(|"
                  r"\bCONFIG_(PROVE_LOCKING|LOCKDEP|DEBUG_LOCK_ALLOC)\b"),
     "lockdep annotations (lockdep_*, lock_map_*) or lockdep config symbols"),
    ("Documentation", r"(?i)\bdoc(s|uments?|umented|umentation)?\b",
     either(touches(lambda p: p.startswith("Documentation/")), line_matches(r"^\s*/\*\*\s*$")),
     "a file under Documentation/ or a kernel-doc comment"),
    ("Kconfig", r"(?i)\bkconfig\b",
     touches(lambda p: os.path.basename(p).startswith("Kconfig")), "a Kconfig file"),
    ("MAINTAINERS", r"\bMAINTAINERS\b", touches(lambda p: p == "MAINTAINERS"), "MAINTAINERS"),
    ("Coccinelle", r"(?i)\bcoccinelle\b|\bcocci\b|\bsemantic patch(es)?\b",
     touches(lambda p: p.endswith(".cocci")), "a .cocci file"),
    ("selftests", r"(?i)\bselftests?\b",
     touches(lambda p: p.startswith("tools/testing/selftests/")),
     "a file under tools/testing/selftests/"),
    ("samples", r"(?i)\bsamples?\b", touches(lambda p: p.startswith("samples/")),
     "a file under samples/"),
]

# What a commit cannot add without its summary naming it: (term, regex
# over the added lines). The term is one of SUBJECT_TERMS.
ADDED_MUST_BE_NAMED = [
    ("tracepoints", TRACE_DEFS),
    ("debugfs", DEBUGFS_FILES),
    ("KUnit", KUNIT_SUITE),
]

REMOVAL = r"(?i)^(remove|drop|delete|revert|kill)\b"
IDENTIFIER = r"\b[A-Za-z_][A-Za-z0-9_]*_[A-Za-z0-9_]*\b|\b[A-Za-z_][A-Za-z0-9_]*\(\)"


def summary(subj):
    """The subject without its "subsystem: " prefixes."""
    return subj.rsplit(": ", 1)[-1]


def subject_problems(subj, d):
    """What the subject SUBJ claims that the CommitDiff D does not show,
    and what D adds that SUBJ does not name (see the module docstring)."""
    s = summary(subj)
    lines = d.removed if re.match(REMOVAL, s) else d.added
    terms = {t: (rx, ev, what) for t, rx, ev, what in SUBJECT_TERMS}
    problems = []
    for t, (rx, ev, what) in terms.items():
        if re.search(rx, s) and not ev(d, lines):
            verb = "removes" if lines is d.removed else "adds"
            problems.append(f"says {t} but the diff {verb} no {what}")
    for t, rx in ADDED_MUST_BE_NAMED:
        hit = next((ln for ln in d.added if re.search(rx, ln)), None)
        if hit and not re.search(terms[t][0], s):
            problems.append(f"adds {t} ({hit.strip()[:60]}) but does not say so")
    for ident in re.findall(IDENTIFIER, s):
        if ident.removesuffix("()") not in d.text:
            problems.append(f"names {ident}, which its diff does not contain")
    return problems


def commit_diff(commit):
    """The CommitDiff of COMMIT in the assembled tree."""
    text = gitout(["show", "--format=", "--no-color", "--no-renames", commit])
    files = []
    for ln in gitout(["diff-tree", "--no-commit-id", "--name-status", "--no-renames", "-r",
                      commit]).splitlines():
        st, path = ln.split("\t", 1)
        files.append((st, path))
    added = [ln[1:] for ln in text.splitlines() if ln.startswith("+") and
             not ln.startswith("+++ ")]
    removed = [ln[1:] for ln in text.splitlines() if ln.startswith("-") and
               not ln.startswith("--- ")]
    return CommitDiff(files, added, removed, text)


def gate_subjects(r, commits):
    """One line per upstream commit: its subject says what it does."""
    bad = 0
    for i, c in enumerate(commits, 1):
        subj = subject(c)
        problems = subject_problems(subj, commit_diff(c))
        bad += bool(problems)
        name = f"subject {i:02}/{len(commits)} {subj}"
        r.add(not problems, name + ("" if problems else
                                    ": its terms and identifiers backed by the diff"),
              "; ".join(problems))
    return f"subjects {len(commits) - bad}/{len(commits)}"


def series_f_patterns(base, commit):
    """The F: patterns that base..COMMIT adds to MAINTAINERS."""
    diff = gitout(["diff", "-U0", base, commit, "--", "MAINTAINERS"])
    return [ln[3:].strip() for ln in diff.splitlines() if ln.startswith("+F:")]


def uncovered(added, patterns):
    """The paths of ADDED that no pattern of PATTERNS covers."""
    return [f for f in added if not covered(f, patterns)]


def gate_f_lines(r, base, commits):
    """Each commit that adds files covers them with F: lines of the series
    added in it or before it: one line per such commit."""
    n = 0
    for i, c in enumerate(commits, 1):
        added = [p for st, p in commit_diff(c).files if st == "A"]
        if not added:
            continue
        n += 1
        pats = series_f_patterns(base, c)
        missing = uncovered(added, pats)
        used = sorted({p for p in pats for f in added if covered(f, [p])})
        name = f"F: lines {i:02}/{len(commits)} {subject(c)}"
        r.add(not missing, name + ("" if missing else
                                   f": {len(added)} added files under F: {', '.join(used)}"),
              f"no F: line of the series covers {', '.join(missing)} (add it to MAINTAINERS "
              "in this commit)")
    if not n:
        r.add(True, "F: lines: no upstream commit adds a file")
    return "F: lines checked"


# --------------------------------------------------------------------------
# The MAINTAINERS entry



def maintainers_section(lines, base, tip):
    """(first line index, title, end index) of the entry the series adds."""
    diff = gitout(["diff", "-U0", f"{base}..{tip}", "--", "MAINTAINERS"])
    added = [int(m.group(1)) for m in re.finditer(r"^@@ -\d+(?:,\d+)? \+(\d+)", diff, re.M)]
    if not added:
        raise Fail("the series adds no MAINTAINERS entry")
    i = added[0] - 1
    while i > 0 and lines[i - 1].strip():
        i -= 1
    j = i
    while j < len(lines) and lines[j].strip():
        j += 1
    return i, lines[i], j


STATUSES = ("Supported", "Maintained", "Odd Fixes", "Orphan", "Obsolete", "Buried")
FIELD_ORDER = "MRLSWQBCPTFXNK"


def field_problems(sec, tracked):
    """What is wrong with the fields of the entry SEC (its lines, title
    first): format, order, F:/X: patterns matching no file of TRACKED,
    unknown S: values."""
    problems, last = [], -1
    for ln in sec[1:]:
        m = re.match(r"^([A-Z]):\t(.+)$", ln)
        if not m:
            problems.append(f"malformed line {ln!r}")
            continue
        t, v = m.groups()
        if t not in FIELD_ORDER:
            problems.append(f"unknown field {t}:")
        elif FIELD_ORDER.index(t) < last:
            problems.append(f"{t}: out of order")
        else:
            last = FIELD_ORDER.index(t)
        if t in ("F", "X") and not any(covered(f, [v]) for f in tracked):
            problems.append(f"{t}: {v} matches no file")
        if t == "S" and v not in STATUSES:
            problems.append(f"S: {v} is not a known status")
    return problems


def order_problems(lines, i, title):
    """The entry starting at line I sits between its neighbours' titles."""
    titles = [(k, lines[k]) for k in range(1, len(lines) - 1)
              if not lines[k - 1].strip() and lines[k].strip()
              and re.match(r"^[A-Z]:\t", lines[k + 1])]
    idx = [n for n, (k, _) in enumerate(titles) if k == i]
    if not idx:
        return []
    n = idx[0]
    prev_t = titles[n - 1][1] if n else ""
    next_t = titles[n + 1][1] if n + 1 < len(titles) else "\uffff"
    if prev_t.upper() <= title.upper() <= next_t.upper():
        return []
    return [f"not sorted between {prev_t!r} and {next_t!r}"]


def selftest_problems(i, j):
    """get_maintainer.pl --self-test=sections, limited to lines I..J.
    (--self-test=patterns walks every pattern of the file against every
    file, minutes on 2 cores; field_problems() checks this entry's.)"""
    p = run(["scripts/get_maintainer.pl", "--self-test=sections"], cwd=BISECT, check=False)
    res = []
    for ln in (p.stdout + p.stderr).splitlines():
        m = re.search(r"MAINTAINERS:(\d+):", ln)
        if m and i < int(m.group(1)) <= j:
            res.append(ln.strip())
    return res


def gate_maintainers(r, base, tip):
    """The series' MAINTAINERS entry at the tip (checked out in the bisect
    tree) is well-formed."""
    with open(os.path.join(BISECT, "MAINTAINERS")) as f:
        lines = f.read().split("\n")
    i, title, j = maintainers_section(lines, base, tip)
    problems = []
    if title != title.upper() or re.match(r"^[A-Z]:\t", title):
        problems.append(f"title {title!r} is not an upper-case section name")
    tracked = gitout(["ls-files"], cwd=BISECT).splitlines()
    problems += field_problems(lines[i:j], tracked)
    problems += order_problems(lines, i, title)
    problems += selftest_problems(i, j)
    if problems:
        r.add(False, "maintainers", f"{title}: " + "; ".join(problems))
        return "maintainers FAIL"
    r.add(True, f"maintainers {title}: {j - i - 1} fields well-formed, F: patterns match, "
          "sorted, get_maintainer.pl --self-test=sections clean")
    return "maintainers ok"
