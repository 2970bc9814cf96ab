#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Flag Kconfig keywords inside help text in the Kconfig the series touches.

  kconfig_help_lint.py [--repo DIR]   lint the repo (default: .)
  kconfig_help_lint.py FILE...        lint these files (*.diff as diffs)
  kconfig_help_lint.py --self-test    lint inline samples, bad and good

Kconfig reads every line of a help block as text, whatever it says: a
`select FIRMWARE_CONDUIT` put right after `help` becomes the first line of
the help text, sets its indentation, and selects nothing (issue 21: KVM's
select in arch/arm64/kvm/Kconfig.diff). Nothing warns about it. This lint
finds such lines: a line inside a help block whose first word is a Kconfig
keyword (select, depends, default, bool, tristate, imply, config, ...).

What is scanned in --repo mode: every Kconfig change of the series, i.e.
the `+` lines of the repo's *Kconfig*.diff files, and every new Kconfig
file of the series (files named Kconfig* kept at their kernel paths in the
repo), in full.

Help blocks follow scripts/kconfig/lexer.l: after a line `help` (or
`---help---`), the first non-blank line sets the help indentation (a tab
counts to the next multiple of 8); the block ends at a non-blank line
indented less, or at a line starting in column 0. Keywords are matched
case-sensitively on the first whitespace-separated word, so prose such as
"If unsure, say N." is not flagged; a help line of prose that starts with
a lowercase keyword ("select this if ...") is, and is best rewrapped.

In a diff, each hunk's new side (context and `+` lines) is read; only `+`
lines are reported. A hunk that starts inside a help block, before its
`help` line, is taken to be inside one when its first non-blank line is
indented deeper than one tab and is not a keyword line.

Prints one summary line, then one line per finding; exits 1 on findings
(or, with --self-test, when a sample is not judged as expected).
"""

import argparse
import os
import subprocess
import sys

# The statement keywords of scripts/kconfig/lexer.l (7.3); "on" only
# follows "depends" and is left out.
KEYWORDS = frozenset("""
    bool choice comment config def_bool def_tristate default depends
    endchoice endif endmenu help hex if imply int mainmenu menu menuconfig
    modules prompt range select source string transitional tristate visible
""".split())

SKIP_DIRS = {".git", "build", "__pycache__"}


def indent_of(text):
    """Columns of leading whitespace, tabs to the next multiple of 8."""
    ts = 0
    for ch in text:
        if ch == "\t":
            ts = (ts & ~7) + 8
        elif ch == " ":
            ts += 1
        else:
            break
    return ts


def first_word(text):
    words = text.split()
    return words[0] if words else ""


class HelpScanner:
    """Feed lines of one Kconfig file in order; yields findings.

    start_unknown: the lines may start inside a help block (a diff hunk)."""

    def __init__(self, start_unknown=False):
        self.in_help = False
        self.help_ts = 0          # 0: the help block has no text line yet
        self.unknown = start_unknown
        self.entry = None         # the config/menuconfig/choice being read
        self.continued = False    # previous statement line ended in "\"
        self.help_blocks = 0

    def _statement(self, text):
        word = first_word(text)
        if word in ("config", "menuconfig") and len(text.split()) > 1:
            self.entry = f"{word} {text.split()[1]}"
        elif word in ("choice", "menu", "comment"):
            self.entry = text.strip()
        if text.strip() in ("help", "---help---") and not self.continued:
            self.in_help, self.help_ts = True, 0
            self.help_blocks += 1
        self.continued = text.rstrip().endswith("\\")

    def line(self, text):
        """Returns the keyword if TEXT is help text starting with one."""
        blank = not text.strip()
        if self.unknown:
            if blank:
                return None
            self.unknown = False
            if indent_of(text) > 8 and first_word(text) not in KEYWORDS:
                self.in_help, self.help_ts = True, indent_of(text)
                self.help_blocks += 1
                return None
        if self.in_help:
            if blank:
                return None
            ts = indent_of(text)
            if ts == 0 or (self.help_ts and ts < self.help_ts):
                self.in_help = False      # ends help; read as a statement
            else:
                if not self.help_ts:
                    self.help_ts = ts
                word = first_word(text)
                return word if word in KEYWORDS else None
        if not blank:
            self._statement(text)
        return None


def finding(path, lineno, word, scanner, text):
    where = f" of {scanner.entry}" if scanner.entry else ""
    return f"{path}:{lineno}: Kconfig keyword '{word}' inside the help text{where}: {text.strip()}"


def lint_kconfig(path, lines):
    """A whole Kconfig file. Returns (findings, help blocks)."""
    sc = HelpScanner()
    out = []
    for n, text in enumerate(lines, 1):
        word = sc.line(text)
        if word:
            out.append(finding(path, n, word, sc, text))
    return out, sc.help_blocks


def lint_diff(path, lines):
    """A series diff file: sections "commit: <slug>", then unified diffs.

    Returns (findings, help blocks, hunks) for the Kconfig files it changes."""
    out, blocks, hunks = [], 0, 0
    sc = None
    target = ""
    for n, raw in enumerate(lines, 1):
        if raw.startswith("commit:"):
            sc = None
            continue
        if raw.startswith("+++ "):
            target = raw[4:].strip()
            target = target[2:] if target.startswith("b/") else target
            sc = None
            continue
        if raw.startswith("--- ") or raw.startswith("diff "):
            sc = None
            continue
        if raw.startswith("@@"):
            if sc:
                blocks += sc.help_blocks
            sc = HelpScanner(start_unknown=True) if "Kconfig" in os.path.basename(target) else None
            hunks += sc is not None
            # "@@ -38,6 +38,7 @@ menuconfig KVM": the entry the hunk is in
            context = raw.split("@@")[2].split() if raw.count("@@") >= 2 else []
            if sc and len(context) > 1 and context[0] in ("config", "menuconfig"):
                sc.entry = f"{context[0]} {context[1]}"
            continue
        if sc is None or raw.startswith("\\"):
            continue
        if raw.startswith("-"):
            continue
        added = raw.startswith("+")
        text = raw[1:] if raw[:1] in ("+", " ") else raw   # "" is a blank context line
        word = sc.line(text)
        if word and added:
            out.append(finding(f"{path}", n, word, sc, text) + f"  [{target}]")
    if sc:
        blocks += sc.help_blocks
    return out, blocks, hunks


def lint_path(path, display=None):
    display = display or path
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    if path.endswith(".diff"):
        return lint_diff(display, lines)
    found, blocks = lint_kconfig(display, lines)
    return found, blocks, 0


def series_kconfig_files(repo):
    """The repo's *Kconfig*.diff files and new Kconfig* files, relative."""
    try:
        ls = subprocess.run(["git", "-C", repo, "ls-files", "-co", "--exclude-standard"],
                            capture_output=True, text=True, check=True).stdout.split("\n")
        paths = [p for p in ls if p]
    except (OSError, subprocess.CalledProcessError):
        paths = []
        for root, dirs, files in os.walk(repo):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            paths += [os.path.relpath(os.path.join(root, f), repo) for f in files]
    def wanted(p):
        name = os.path.basename(p)
        kconfig = name.startswith("Kconfig") or (name.endswith(".diff") and "Kconfig" in name)
        return (kconfig and p.split("/")[0] not in SKIP_DIRS
                and os.path.isfile(os.path.join(repo, p)))
    return sorted(p for p in paths if wanted(p))


def run_repo(repo):
    files = series_kconfig_files(repo)
    findings, blocks, hunks = [], 0, 0
    for rel in files:
        f, b, h = lint_path(os.path.join(repo, rel), rel)
        findings += f
        blocks += b
        hunks += h
    ndiff = sum(p.endswith(".diff") for p in files)
    scope = (f"{len(files) - ndiff} new Kconfig files and {ndiff} Kconfig diffs "
             f"({hunks} hunks), {blocks} help blocks")
    if not files:
        print(f"no Kconfig files or Kconfig diffs found under {repo}")
        return 1
    if findings:
        print(f"{len(findings)} Kconfig keyword(s) inside help text in {scope}: {findings[0]}")
        for f in findings:
            print(f)
        return 1
    print(f"no Kconfig keyword inside help text in {scope}: {' '.join(files)}")
    return 0


# The KVM hunk of issue 21 around the series' select, which stands after
# help (before the fix) or before it (as fixed).
KVM_HUNK_HEAD = """\
commit: kvm-pkvm-publish
--- a/arch/arm64/kvm/Kconfig
+++ b/arch/arm64/kvm/Kconfig
@@ -38,6 +38,7 @@ menuconfig KVM
 	select GUEST_PERF_EVENTS if PERF_EVENTS
 	select KVM_GUEST_MEMFD
"""
KVM_HUNK_TAIL = """\
 	  Support hosting virtualized guest machines.
 
 	  If unsure, say N.
"""
KVM_HUNK_SELECT = "+\tselect FIRMWARE_CONDUIT\n"  # the line the series adds
KVM_HUNK_HELP = " \thelp\n"  # a context line

# --self-test samples: (name, kind, text, the line numbers that must be flagged)
SELF_TEST = [
    # The KVM hunk as it was before the fix (issue 21): the select right
    # after help is the help block's first text line.
    ("kvm-select-after-help", "diff",
     KVM_HUNK_HEAD + KVM_HUNK_HELP + KVM_HUNK_SELECT + KVM_HUNK_TAIL, [8]),
    # The same hunk as fixed: nothing to flag.
    ("kvm-select-before-help", "diff",
     KVM_HUNK_HEAD + KVM_HUNK_SELECT + KVM_HUNK_HELP + KVM_HUNK_TAIL, []),
    # A hunk that starts inside help text; a context line that is a keyword
    # in help is not the series' and not reported, the added one is.
    ("hunk-inside-help", "diff", """\
commit: example
--- a/drivers/example/Kconfig
+++ b/drivers/example/Kconfig
@@ -10,5 +10,7 @@ config EXAMPLE
 	  The example driver talks to firmware.
+	  depends on ARM64
+	  It needs the conduit.
 	  select is a context line here.
 	  If unsure, say N.
 
 config EXAMPLE_NEXT
""", [6]),
    # A new Kconfig file: keywords inside help (at and deeper than its
    # indentation), and attributes after the help text, indented less,
    # which Kconfig reads as attributes again and must not be flagged.
    ("new-file", "kconfig", """\
config FOO
	tristate "Foo"
	help
	  Foo does things.
	  If unsure, say N.
	  default y
	    imply BAR

	depends on ARM64 && \\
		   BAR
config BAR
	bool
	---help---
	select FOO
	  Bar.
menuconfig BAZ
	bool "Baz"
	help
	  Baz, with prose that starts a line with a capital If or with
	  a word like selected, defaults or "bool", none a keyword.
""", [6, 7, 14]),
]


def self_test():
    bad = []
    for name, kind, text, want in SELF_TEST:
        lines = text.splitlines()
        if kind == "diff":
            found, _, _ = lint_diff(name, lines)
        else:
            found, _ = lint_kconfig(name, lines)
        got = [int(f.split(":")[1]) for f in found]
        if got != want:
            bad.append(f"{name}: flagged lines {got}, expected {want}"
                       + (f" ({found[0]})" if found else ""))
    flagged = sum(len(w) for _, _, _, w in SELF_TEST)
    if bad:
        print(f"{len(bad)} of {len(SELF_TEST)} inline samples misjudged: {bad[0]}")
        for b in bad:
            print(b)
        return 1
    print(f"{len(SELF_TEST)} inline samples judged as expected, {flagged} keyword lines "
          f"in help text flagged (among them KVM's select after help, as before the "
          f"issue 21 fix), 0 false reports")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", default=".")
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    if a.self_test:
        return self_test()
    if a.files:
        findings = []
        for p in a.files:
            findings += lint_path(p)[0]
        for f in findings:
            print(f)
        return 1 if findings else 0
    return run_repo(os.path.abspath(a.repo))


if __name__ == "__main__":
    sys.exit(main())
