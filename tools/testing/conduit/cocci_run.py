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


def norm_patch(text):
    """Make a spatch diff stable: drop the temporary output file name."""
    out = []
    for line in text.splitlines():
        if line.startswith("+++ "):
            line = "+++ " + line.split()[1].rsplit("/", 1)[-1] \
                if "cocci-output" in line else line
            line = re.sub(r"cocci-output-[^ ]*?-", "b/", line)
        if line.startswith("--- ") and not line.startswith("--- a/"):
            line = "--- a/" + line[4:].lstrip("./")
        if line.startswith("+++ ") and not line.startswith("+++ b/"):
            line = "+++ b/" + line[4:].lstrip("./")
        out.append(line)
    text = "\n".join(out) + ("\n" if out else "")
    # spatch walks --dir in no particular order: sort the per-file pieces
    pieces = split_patch(text)
    return "".join(pieces[k] for k in sorted(pieces))


def file_of(line):
    return line.split(":", 1)[0]


def split_patch(text):
    """Per-file pieces of a unified diff, keyed by file name."""
    pieces, cur, name = {}, [], None
    for line in text.splitlines(keepends=True):
        if line.startswith("diff ") or (line.startswith("--- a/")
                                         and not (cur and cur[-1].startswith("diff "))):
            if name or cur:
                pieces[name or ""] = "".join(cur)
            name, cur = None, []
        if line.startswith("--- a/"):
            name = line[6:].strip()
        cur.append(line)
    if name:
        pieces[name] = "".join(cur)
    return pieces


def test(args):
    repo = os.path.abspath(args.repo)
    results = []
    for name, cocci in rules(repo):
        cdir = os.path.join(repo, "cocci", name)
        cases = sorted(os.path.basename(p)
                       for p in glob.glob(os.path.join(cdir, "*.c")))
        if not cases:
            results.append(f"FAIL {name} no corpus in cocci/{name}/")
            continue
        rc, out, err = spatch(cocci, "report", ".", cdir)
        if rc != 0:
            results.append(f"FAIL {name} spatch exited {rc}: "
                           + " ".join(err.split())[:200])
            continue
        got = norm_report(out)
        exp_file = os.path.join(cdir, "expected.report")
        if args.bless:
            with open(exp_file, "w") as f:
                f.write("".join(l + "\n" for l in got))
        try:
            with open(exp_file) as f:
                exp = sorted(l.rstrip("\n") for l in f if l.strip())
        except FileNotFoundError:
            exp = None
        for case in cases:
            cname = f"{name}/{case}"
            g = [l for l in got if file_of(l) == case]
            if exp is None:
                results.append(f"FAIL {cname} missing expected.report")
                continue
            e = [l for l in exp if file_of(l) == case]
            kind = "misuse" if case.startswith("bad_") else "correct"
            if kind == "misuse" and not e:
                results.append(f"FAIL {cname} misuse case has no expected report")
            elif kind == "correct" and e:
                results.append(f"FAIL {cname} correct-use case has expected reports")
            elif g != e:
                missing = len(set(e) - set(g))
                extra = len(set(g) - set(e))
                results.append(f"FAIL {cname} report differs: {missing} missing, {extra} unexpected")
                for l in sorted(set(e) - set(g)):
                    print(f"  missing:    {l}", file=sys.stderr)
                for l in sorted(set(g) - set(e)):
                    print(f"  unexpected: {l}", file=sys.stderr)
            else:
                results.append(f"PASS {cname} ({kind}, {len(g)} report(s))")
        # Other modes must flag the same files as report mode.
        fired = sorted({file_of(l) for l in got})
        for mode in modes(cocci):
            if mode == "report":
                continue
            rc, out, err = spatch(cocci, mode, ".", cdir)
            if rc != 0:
                results.append(f"FAIL {name}/{mode} spatch exited {rc}")
                continue
            if mode == "patch":
                got_p = norm_patch(out)
                pfile = os.path.join(cdir, "expected.patch")
                if args.bless:
                    with open(pfile, "w") as f:
                        f.write(got_p)
                try:
                    with open(pfile) as f:
                        exp_p = f.read()
                except FileNotFoundError:
                    results.append(f"FAIL {name}/patch missing expected.patch")
                    continue
                if got_p != exp_p:
                    results.append(f"FAIL {name}/patch differs from expected.patch")
                    sys.stderr.write(got_p)
                else:
                    n = len(split_patch(got_p))
                    results.append(f"PASS {name}/patch ({n} file(s) rewritten)")
                continue
            if mode == "org":
                files = sorted({m for m in re.findall(
                    r"\[\[view:([^:]+)::", out)})
            else:  # context
                files = sorted({l[4:].split()[0]
                                for l in out.splitlines()
                                if l.startswith("--- ")})
            files = [f[2:] if f.startswith("./") else f for f in files]
            if files != fired:
                results.append(f"FAIL {name}/{mode} flags {files}, report mode flags {fired}")
            else:
                results.append(f"PASS {name}/{mode} (same {len(files)} file(s) as report)")
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
