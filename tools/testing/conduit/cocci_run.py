#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run the firmware conduit Coccinelle checks.

  cocci_run.py test  --repo DIR --results FILE [--bless]
      Run every rule in scripts/coccinelle/api/conduit_<rule>.cocci on its
      corpus in cocci/<rule>/ and compare with cocci/<rule>/expected.report
      (and expected.patch where the rule has a patch mode). One line per
      case in FILE: "PASS <name>" or "FAIL <name> <reason>".

  cocci_run.py check --repo DIR --tree KTREE --results FILE [--jobs N]
                     [--expected FILE | --pending FILE]
      Run every rule in report mode over the tree's kernel/,
      drivers/firmware/, security/integrity/ and arch/arm64/kvm/.
      Without --expected: 0 reports outside test-only files is a PASS; a
      report whose key is in the --pending file is listed but allowed, and
      a pending key that is no longer reported is a FAIL (drop it).
      With --expected: the reports must be exactly the keys in FILE; one
      PASS/FAIL line per expected key and one FAIL per unexpected report.

A report's key is "<file>: <rule>: <message up to its first ';'>", which
holds no line number: the first clause of every rule's message names the
function and the form found.
"""

import argparse
import glob
import os
import re
import subprocess
import sys
import time

CHECK_DIRS = ["kernel", "drivers/firmware", "security/integrity",
              "arch/arm64/kvm"]
SPATCH = os.environ.get("SPATCH", "spatch")


def rules(repo):
    out = []
    for path in sorted(glob.glob(os.path.join(
            repo, "scripts/coccinelle/api/conduit_*.cocci"))):
        name = os.path.basename(path)[len("conduit_"):-len(".cocci")]
        out.append((name, path))
    return out


def options(cocci):
    """The rule's own "// Options:" line, as scripts/coccicheck reads it."""
    with open(cocci) as f:
        for line in f:
            if line.startswith("// Options:"):
                return line.split(":", 1)[1].split()
    return []


def modes(cocci):
    with open(cocci) as f:
        text = f.read()
    return re.findall(r"^virtual\s+(\w+)", text, re.M)


def spatch(cocci, mode, target, cwd, jobs=None):
    cmd = [SPATCH, "-D", mode, "--very-quiet", "--cocci-file", cocci]
    cmd += options(cocci)
    if mode in ("report", "org"):
        cmd.append("--no-show-diff")
    if jobs:
        cmd += ["--jobs", str(jobs), "--chunksize", "1"]
    cmd += ["--dir", target] if os.path.isdir(os.path.join(cwd, target)) \
        else [target]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


def norm_report(text, prefix=""):
    """file:line:col: msg lines, paths relative to the corpus or tree."""
    lines = []
    for line in text.splitlines():
        if not re.match(r"^\S+:\d+:\d+-\d+: ", line):
            continue
        if prefix and line.startswith(prefix):
            line = line[len(prefix):]
        if line.startswith("./"):
            line = line[2:]
        lines.append(line)
    return sorted(set(lines))


def file_of(line):
    return line.split(":", 1)[0]


def expected_reports(cdir, got, bless):
    """The expected report lines of corpus CDIR (sorted), or None if it has
    no expected.report; BLESS writes GOT as the expectation first."""
    exp_file = os.path.join(cdir, "expected.report")
    if bless:
        with open(exp_file, "w") as f:
            f.write("".join(ln + "\n" for ln in got))
    try:
        with open(exp_file) as f:
            return sorted(ln.rstrip("\n") for ln in f if ln.strip())
    except FileNotFoundError:
        return None


def judge_case(cname, case, got, exp):
    """The verdict of one corpus file CASE: bad_* files must be reported,
    the others not, and report mode must give exactly the expected lines."""
    g = [ln for ln in got if file_of(ln) == case]
    e = [ln for ln in exp if file_of(ln) == case]
    kind = "misuse" if case.startswith("bad_") else "correct"
    if kind == "misuse" and not e:
        return f"FAIL {cname} misuse case has no expected report"
    if kind == "correct" and e:
        return f"FAIL {cname} correct-use case has expected reports"
    if g != e:
        for ln in sorted(set(e) - set(g)):
            print(f"  missing:    {ln}", file=sys.stderr)
        for ln in sorted(set(g) - set(e)):
            print(f"  unexpected: {ln}", file=sys.stderr)
        return (f"FAIL {cname} report differs: {len(set(e) - set(g))} missing, "
                f"{len(set(g) - set(e))} unexpected")
    return f"PASS {cname} ({kind}, {len(g)} report(s))"


def flagged_files(mode, out):
    """The files an org or context run of spatch flags, from its output."""
    if mode == "org":
        files = re.findall(r"\[\[view:([^:]+)::", out)
    else:
        files = [ln[4:].split()[0] for ln in out.splitlines() if ln.startswith("--- ")]
    return sorted({f[2:] if f.startswith("./") else f for f in files})


def judge_other_mode(name, cocci, mode, cdir, fired):
    """Org and context mode must flag the same files as report mode; the
    rules have no patch mode (they do not rewrite code)."""
    if mode == "patch":
        return f"FAIL {name}/patch the rules have no patch mode"
    rc, out, _ = spatch(cocci, mode, ".", cdir)
    if rc != 0:
        return f"FAIL {name}/{mode} spatch exited {rc}"
    files = flagged_files(mode, out)
    if files != fired:
        return f"FAIL {name}/{mode} flags {files}, report mode flags {fired}"
    return f"PASS {name}/{mode} (same {len(files)} file(s) as report)"


def test_rule(repo, name, cocci, bless):
    """The verdict lines of rule NAME over its corpus cocci/NAME/."""
    cdir = os.path.join(repo, "cocci", name)
    cases = sorted(os.path.basename(p) for p in glob.glob(os.path.join(cdir, "*.c")))
    if not cases:
        return [f"FAIL {name} no corpus in cocci/{name}/"]
    rc, out, err = spatch(cocci, "report", ".", cdir)
    if rc != 0:
        return [f"FAIL {name} spatch exited {rc}: " + " ".join(err.split())[:200]]
    got = norm_report(out)
    exp = expected_reports(cdir, got, bless)
    if exp is None:
        results = [f"FAIL {name}/{case} missing expected.report" for case in cases]
    else:
        results = [judge_case(f"{name}/{case}", case, got, exp) for case in cases]
    fired = sorted({file_of(ln) for ln in got})
    return results + [judge_other_mode(name, cocci, m, cdir, fired)
                      for m in modes(cocci) if m != "report"]


def test(args):
    """cocci-test: every rule over its corpus; PASS/FAIL lines to ARGS.results."""
    repo = os.path.abspath(args.repo)
    results = []
    for name, cocci in rules(repo):
        results += test_rule(repo, name, cocci, args.bless)
    os.makedirs(os.path.dirname(os.path.abspath(args.results)), exist_ok=True)
    with open(args.results, "w") as f:
        f.write("".join(r + "\n" for r in results))
    for r in results:
        print(r)
    fails = sum(1 for r in results if r.startswith("FAIL"))
    print(f"cocci-test: {len(results) - fails} passed, {fails} failed")
    return 1 if fails else 0


def report_key(line):
    """Stable key of a report line: file, rule, first clause of the message."""
    m = re.match(r"^(\S+?):\d+:\d+-\d+: (?:\w+: )?(conduit_\w+): (.*)$", line)
    if not m:
        return line
    return f"{m.group(1)}: {m.group(2)}: {m.group(3).split(';', 1)[0].strip()}"


def read_keys(path):
    """Keys listed in an expected/pending file, one a line; '#' lines are
    comments."""
    with open(path) as f:
        return [ln.strip() for ln in f
                if ln.strip() and not ln.lstrip().startswith("#")]


def testonly_files(repo):
    """Files added by `upstream: no` commits in SERIES (test-only code)."""
    files, block, in_files = set(), {}, False
    path = os.path.join(repo, "SERIES")
    if not os.path.exists(path):
        return files

    def flush():
        if block.get("upstream") == "no":
            files.update(block.get("files", []))

    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            m = re.match(r"^(\w[\w-]*):\s*(.*)$", line)
            if m:
                key, val = m.group(1), m.group(2).strip()
                if key == "commit":
                    flush()
                    block = {"files": []}
                block.setdefault("files", [])
                if key != "files":
                    block[key] = val
                in_files = key == "files"
            elif in_files and line.startswith("\t") and line.strip():
                block["files"].append(line.strip())
    flush()
    return files


def check(args):
    repo = os.path.abspath(args.repo)
    tree = os.path.abspath(args.tree)
    if not os.path.isdir(tree):
        print(f"coccicheck: no tree at {tree}", file=sys.stderr)
        return 2
    skip = testonly_files(repo)
    start = time.monotonic()
    reports, excluded, errors = [], [], []
    for name, cocci in rules(repo):
        t0 = time.monotonic()
        n0 = len(reports)
        for d in CHECK_DIRS:
            if not os.path.isdir(os.path.join(tree, d)):
                errors.append(f"{d}: missing in {tree}")
                continue
            rc, out, err = spatch(cocci, "report", d, tree, jobs=args.jobs)
            if rc != 0:
                errors.append(f"{name} on {d}: spatch exited {rc}")
            for line in norm_report(out, tree + "/"):
                (excluded if file_of(line) in skip else reports).append(line)
        print(f"  {name}: {len(reports) - n0} report(s), "
              f"{time.monotonic() - t0:.1f}s", flush=True)
    elapsed = time.monotonic() - start
    for line in reports:
        print(line)
    for line in excluded:
        print(f"(test-only, upstream: no) {line}")
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    name = args.name
    print(f"{name}: {len(reports)} report(s) over {', '.join(CHECK_DIRS)} "
          f"of {tree} in {elapsed:.1f}s"
          + (f", {len(excluded)} in test-only files ignored" if excluded else ""))
    got = sorted({report_key(l) for l in reports})
    lines = []
    if errors:
        lines.append(f"FAIL {name}: spatch errors: {'; '.join(errors)}")
    if args.expected:
        exp = read_keys(args.expected)
        rel = os.path.relpath(args.expected, repo)
        for k in exp:
            lines.append(f"PASS {name}: {k}" if k in got
                         else f"FAIL {name}: not reported: {k}")
        for k in got:
            if k not in exp:
                lines.append(f"FAIL {name}: unexpected (not in {rel}): {k}")
        if not exp and not got and not errors:
            lines.append(f"PASS {name}: 0 reports")
    else:
        pend = read_keys(args.pending) if args.pending else []
        rel = os.path.relpath(args.pending, repo) if args.pending else ""
        unexpected = [k for k in got if k not in pend]
        if unexpected:
            lines.append(f"FAIL {name}: {len(unexpected)} report(s): "
                         + " | ".join(unexpected))
        elif not errors:
            lines.append(f"PASS {name}: 0 reports"
                         + (f" besides {len(got)} pending in {rel}"
                            if got else ""))
        for k in pend:
            if k in got:
                print(f"pending ({rel}): {k}")
            else:
                lines.append(f"FAIL {name}: pending key no longer reported, "
                             f"drop it from {rel}: {k}")
    for ln in lines:
        print(ln)
    os.makedirs(os.path.dirname(os.path.abspath(args.results)), exist_ok=True)
    with open(args.results, "w") as f:
        f.write("".join(ln + "\n" for ln in lines))
    return 1 if any(ln.startswith("FAIL") for ln in lines) else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("test")
    t.add_argument("--repo", required=True)
    t.add_argument("--results", required=True)
    t.add_argument("--bless", action="store_true",
                   help="rewrite expected.report/expected.patch; review them")
    c = sub.add_parser("check")
    c.add_argument("--repo", required=True)
    c.add_argument("--tree", required=True)
    c.add_argument("--results", required=True)
    c.add_argument("--jobs", type=int, default=2)
    c.add_argument("--name", default="coccicheck",
                   help="suite name in the PASS/FAIL lines")
    g = c.add_mutually_exclusive_group()
    g.add_argument("--expected",
                   help="file of report keys the tree must give exactly")
    g.add_argument("--pending",
                   help="file of report keys allowed until their fix lands")
    args = ap.parse_args()
    return test(args) if args.cmd == "test" else check(args)


if __name__ == "__main__":
    sys.exit(main())
