#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-tests of lint's own rules over doctored inputs: the subject rules,
the F: rule, the claims check and the email rules (a separate submission's
trailers, where the notes go, which commits each submission sends) each
fail on an input made to break them and pass on the good one. `make lint` runs them (one line); standalone:

  python3 tools/testing/conduit/lint_selftest.py -v
"""

import io
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import lint_claims  # noqa: E402
import lint_commits  # noqa: E402
import lint_emails  # noqa: E402
from lint_commits import CommitDiff, subject_problems, uncovered  # noqa: E402
from lint_tree import ERRORS, SERIESDIR, subject, upstream_commits  # noqa: E402


def diff(files=(), added=(), removed=(), text=""):
    """A CommitDiff from its parts; TEXT defaults to the added lines."""
    return CommitDiff(list(files), list(added), list(removed),
                      text or "\n".join("+" + ln for ln in added))


DEBUGFS_DIFF = diff([("A", "kernel/conduit/debugfs.c")],
                    ["static int conduit_show(struct seq_file *m, void *v)",
                     "\tdebugfs_create_file(\"state\", 0444, NULL, NULL, &conduit_fops);"])
TRACE_DIFF = diff([("A", "include/trace/events/conduit.h")],
                  ["TRACE_EVENT(conduit_publish,", "\tTP_PROTO(int id, int status),"])


class SubjectRules(unittest.TestCase):
    """A subject says what its commit's diff does."""

    def test_backed_terms_pass(self):
        self.assertEqual(subject_problems("kernel/conduit: add a debugfs state file",
                                          DEBUGFS_DIFF), [])

    def test_doctored_subject_claims_tracepoints(self):
        p = subject_problems("kernel/conduit: add a debugfs state file and tracepoints",
                             DEBUGFS_DIFF)
        self.assertEqual(len(p), 1)
        self.assertIn("says tracepoints", p[0])

    def test_tracepoints_added_but_not_named(self):
        p = subject_problems("kernel: add firmware conduit readiness", TRACE_DIFF)
        self.assertTrue(any("adds tracepoints" in x for x in p), p)

    def test_each_term_needs_its_evidence(self):
        for term in ("KUnit tests", "lockdep annotations", "Documentation", "Kconfig option",
                     "MAINTAINERS entry", "Coccinelle checks", "selftests", "samples"):
            with self.subTest(term=term):
                self.assertTrue(subject_problems(f"kernel/conduit: add {term}", DEBUGFS_DIFF))

    def test_prefix_is_not_a_claim(self):
        self.assertEqual(subject_problems("coccinelle: api: add a debugfs file", DEBUGFS_DIFF),
                         [])

    def test_identifier_must_be_in_the_diff(self):
        d = diff([("M", "drivers/firmware/efi/efi.c")], ["\t\tbreak;"],
                 text="@@ -1 +1 @@ static int efivar_ssdt_load(void)\n+\t\tbreak;")
        self.assertEqual(subject_problems("efi: Stop efivar_ssdt_load() on an error", d), [])
        self.assertTrue(subject_problems("efi: Stop efivar_ssdt_scan() on an error", d))

    def test_removal_reads_removed_lines(self):
        d = diff([("M", "kernel/conduit/conduit.c")], [], ["\tdebugfs_create_dir(\"c\", NULL);"])
        self.assertEqual(subject_problems("kernel/conduit: remove the debugfs directory", d), [])
        self.assertTrue(subject_problems("kernel/conduit: add a debugfs directory", d))


class FLines(unittest.TestCase):
    """Every added file has an F: line of the series."""

    def test_covered(self):
        pats = ["kernel/conduit/", "include/linux/conduit.h",
                "scripts/coccinelle/api/conduit_*.cocci"]
        self.assertEqual(uncovered(["kernel/conduit/debugfs.c", "include/linux/conduit.h",
                                    "scripts/coccinelle/api/conduit_gatekeeper.cocci"], pats), [])

    def test_doctored_missing_f_line(self):
        self.assertEqual(uncovered(["kernel/conduit/debugfs.c", "include/linux/conduit.h"],
                                   ["include/linux/conduit.h"]), ["kernel/conduit/debugfs.c"])
        self.assertEqual(uncovered(["scripts/coccinelle/api/other.cocci"],
                                   ["scripts/coccinelle/api/conduit_*.cocci"]),
                         ["scripts/coccinelle/api/other.cocci"])


class AssembledSeries(unittest.TestCase):
    """The rules over the real commits of build/linux, doctored."""

    def setUp(self):
        try:
            self.base, _, self.commits = upstream_commits()
        except ERRORS:
            self.skipTest("build/linux is not assembled")

    def test_doctored_subjects_fail(self):
        """Every commit that adds no tracepoints fails with "... and
        tracepoints" appended to its subject, and passes without."""
        for c in self.commits:
            d = lint_commits.commit_diff(c)
            if any(ln.strip().startswith("TRACE_EVENT") or "trace_" in ln for ln in d.added):
                continue
            with self.subTest(commit=subject(c)):
                doctored = subject(c) + " and tracepoints"
                self.assertTrue(subject_problems(doctored, d))

    def test_doctored_f_lines_fail(self):
        """A commit that adds files fails once the F: lines the series
        adds up to it are taken away."""
        for c in self.commits:
            added = [p for st, p in lint_commits.commit_diff(c).files if st == "A"]
            if added:
                pats = lint_commits.series_f_patterns(self.base, c)
                self.assertEqual(uncovered(added, pats), [])
                self.assertEqual(uncovered(added, []), added)


class Claims(unittest.TestCase):
    """Each claim names checks that are in their results and passed."""

    RESULTS = ["PASS kunit.wait_returns_status", "FAIL kunit.callback_order (expected 1)",
               "PASS boot patched-spmc-pkvm: patched_ffa_before_late",
               "PASS boot patched-tpm-nvhe: patched_tpm_before_ima",
               "FAIL boot patched-tpm-pkvm: patched_tpm_before_ima (not bound)"]

    def claims(self, *lines):
        return lint_claims.parse_claims(list(lines), "test")

    def judge(self, line, results=None):
        with tempfile.TemporaryDirectory() as d:
            old, lint_claims.RESULTS = lint_claims.RESULTS, d
            try:
                for suite in ("kunit", "boot-matrix"):
                    with open(os.path.join(d, suite + ".txt"), "w") as f:
                        f.write("\n".join(results or self.RESULTS) + "\n")
                return lint_claims.judge_claim(self.claims(line)[0])
            finally:
                lint_claims.RESULTS = old

    def test_format(self):
        c = self.claims("  - FF-A is up before the first late initcall",
                        "    under pKVM [check: boot-matrix: patched-spmc-pkvm: patched_ffa_"
                        "before_late] [check: kunit: wait_returns_status]", "  - no claim here")
        self.assertEqual(len(c), 1)
        self.assertEqual(c[0].text, "FF-A is up before the first late initcall under pKVM")
        self.assertEqual(c[0].checks, [("boot-matrix", "patched-spmc-pkvm: patched_ffa_before_late"),
                                       ("kunit", "wait_returns_status")])

    def assert_fails(self, line, why=""):
        """The claim LINE fails, with WHY in its first verdict's detail."""
        v = self.judge(line)
        self.assertFalse(v[0][2], v)
        self.assertIn(why, v[0][3])

    def test_passing_claim(self):
        v = self.judge("  - waits return the status [check: kunit: wait_returns_status]")
        self.assertTrue(all(x[2] for x in v), v)

    def test_doctored_claims_fail(self):
        """A check that no line names, one that failed, one whose results
        file is missing, a tag without a check name."""
        for line, why in [("  - w [check: kunit: wait_returns_errno]", "no line"),
                          ("  - c [check: kunit: callback_order]", "FAIL"),
                          ("  - x [check: coverage: conduit.c]", "coverage.txt missing"),
                          ("  - x [check: kunit]", "malformed")]:
            with self.subTest(line=line):
                self.assert_fails(line, why)

    def test_every_matching_line_must_pass(self):
        self.assert_fails("  - x [check: boot-matrix: patched_tpm_before_ima]", "not bound")
        self.assertTrue(self.judge("  - x [check: boot-matrix: patched-tpm-nvhe: "
                                   "patched_tpm_before_ima]")[0][2])

    def test_table(self):
        t = lint_claims.claims_table(self.claims("  - x [check: lint: nothing]"))
        self.assertIn("-> lint: nothing -> FAIL", t)


FIX_MAIL = """From: A <a@example.invalid>
Subject: [PATCH] efi: Stop the scan on an error

The walk spins on any other status.

Fixes: 3881ee0b1edc ("efi: avoid efivars layer when loading SSDTs from variables")
Cc: stable@vger.kernel.org
Signed-off-by: A <a@example.invalid>
---
The cover text of the submission.

---
 drivers/firmware/efi/efi.c | 9 +++++++++
 1 file changed, 9 insertions(+)

diff --git a/drivers/firmware/efi/efi.c b/drivers/firmware/efi/efi.c
"""


class Emails(unittest.TestCase):
    """A separate submission keeps its Fixes: and Cc: stable trailers, the
    notes go where series-check looks for them, and every upstream commit
    goes out in exactly one submission."""

    def test_fix_trailers(self):
        self.assertEqual(lint_emails.fix_trailers(FIX_MAIL), ("3881ee0b1edc", []))

    def test_doctored_fix_trailers_fail(self):
        """Without Cc: stable, without Fixes:, a Fixes: without its subject,
        and both trailers below the --- (where git am drops them)."""
        head, _, rest = FIX_MAIL.partition("---\n")
        below = head.replace("Fixes:", "Xixes:").replace("Cc: stable", "Cc: other") + \
            "---\nFixes: 3881ee0b1edc (\"x\")\nCc: stable@vger.kernel.org\n" + rest
        for mail, why in [(FIX_MAIL.replace("Cc: stable@vger.kernel.org\n", ""), "stable"),
                          (FIX_MAIL.replace("Fixes:", "Link:"), "Fixes:"),
                          (FIX_MAIL.replace(' ("efi: avoid efivars layer when loading SSDTs '
                                            'from variables")', ""), "Fixes:"),
                          (below, "Fixes:")]:
            with self.subTest(why=why):
                self.assertTrue(any(why in m for m in lint_emails.fix_trailers(mail)[1]))

    def test_written_fix_email(self):
        """The emails make series wrote for each separate submission."""
        if not os.path.isdir(SERIESDIR):
            self.skipTest("no build/series: run 'make series'")
        dirs = [d for d in os.listdir(SERIESDIR) if d != lint_emails.MAIN and
                os.path.isdir(os.path.join(SERIESDIR, d))]
        for d in dirs:
            for path in lint_emails.written_emails(os.path.join(SERIESDIR, d)):
                with open(path) as f:
                    mail = f.read()
                with self.subTest(email=os.path.basename(path)):
                    self.assertEqual(lint_emails.fix_trailers(mail)[1], [])
                    self.assertTrue(lint_emails.fix_trailers(
                        mail.replace("Cc: stable@vger.kernel.org\n", "", 1))[1])

    def notes_in(self, mail, single):
        """MAIL after add_notes(); whether notes_placed() finds the notes in
        it and in MAIL as it was."""
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "0001.eml")
            with open(path, "w") as f:
                f.write(mail)
            before = lint_emails.notes_placed(path, "Built for arm64.", single)
            lint_emails.add_notes([path], [("slug", "Built for arm64.")], single)
            with open(path) as f:
                return f.read(), lint_emails.notes_placed(path, "Built for arm64.", single), before

    def test_single_patch_notes_after_the_cover_text(self):
        mail, placed, before = self.notes_in(FIX_MAIL, True)
        self.assertIn("The cover text of the submission.\n\nBuilt for arm64.\n\n---\n "
                      "drivers/", mail)
        self.assertTrue(placed)
        self.assertFalse(before)

    def test_patch_notes_right_below_the_line(self):
        mail, placed, before = self.notes_in(FIX_MAIL, False)
        self.assertIn("---\nBuilt for arm64.\n\nThe cover text", mail)
        self.assertTrue(placed)
        self.assertFalse(before)

    def test_submissions_split_the_upstream_commits(self):
        """Separate submissions first, the conduit series last, every
        upstream commit in exactly one, in order."""
        try:
            _, _, commits = upstream_commits()
            _, _, subs = lint_emails.submissions()
        except ERRORS:
            self.skipTest("build/linux is not assembled")
        self.assertEqual(subs[-1].name, lint_emails.MAIN)
        self.assertTrue(all(s.separate for s in subs[:-1]) and not subs[-1].separate)
        self.assertEqual(sorted(c for s in subs for c in s.commits), sorted(commits))
        for s in subs:
            self.assertEqual(s.commits, [c for c in commits if c in s.commits])
            self.assertEqual(len(s.commits), len(s.notes))


def run_tests():
    """Run the self-tests quietly: (ok, count, failures text)."""
    out = io.StringIO()
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    res = unittest.TextTestRunner(stream=out, verbosity=0).run(suite)
    return res.wasSuccessful(), res.testsRun, out.getvalue()


def gate_selftest(r):
    """One line: lint's rules pass the self-tests."""
    ok, n, text = run_tests()
    bad = [ln for ln in text.splitlines() if ln.startswith(("FAIL:", "ERROR:"))]
    r.add(ok, f"lint self-test: {n} cases of the subject, F:, claims and email rules "
          "over doctored inputs", " | ".join(bad)[:1000])
    return f"self-test {'ok' if ok else 'FAIL'}"


if __name__ == "__main__":
    unittest.main()
