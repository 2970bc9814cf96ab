#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run OP-TEE's regression suite (xtest) in the guest, on TF-A + OP-TEE.

  run.py run   [--kernels stock,patched] [--modes pkvm,nvhe,el1] [--timeout S]
               [--xtest-args ARGS] [--build DIR]
  run.py table [--build DIR]
  run.py check [--build DIR]

`run` boots each kernel in each mode the way the optee-* scenarios do
(qemu.optee_command: TF-A, OP-TEE as the S-EL1 SPMC, U-Boot), with the
xtest initrd (mkinitrd.sh) as -initrd. Its /init starts tee-supplicant and
runs xtest. Logs land in build/xtest/<kernel>-<mode>.{log,secure.log} and
the parsed result in build/xtest/<kernel>-<mode>.json; then it prints the
table and runs the check.

`table` prints one row per kernel and mode from the saved results: test
cases passed, failed and skipped (xtest's own verdict lines), subtests, the
xtest run time in the guest and the boot's wall time. A boot that did not
start, timed out or never ran xtest is a failed row with one line of reason.

`check` exits 1 when, in some mode, the patched kernel has a failing test
case that passes (or is skipped) on stock, when xtest ran on stock but not
on patched, or when a row is missing or did not run xtest at all.
"""

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import boot as bt  # noqa: E402
import qemu  # noqa: E402
import scenario_table as st  # noqa: E402

KERNELS = ["stock", "patched"]
MODES = list(st.MODES)
# The optee-* scenarios' command line, without initcall_debug (thousands
# of console lines) and without the SMC trace (-d int).
APPEND = "console=ttyAMA0 panic=-1 printk.time=1"
DEFAULT_TIMEOUT = 1800
# The optee-* scenarios' CPU without SVE and SME. With them, TF-A 2.12
# (ENABLE_SVE_FOR_NS=2, ENABLE_SME_FOR_NS=2 on qemu, nothing for the secure
# world) traps FP/SIMD in the secure world to EL3 (CPTR_EL3.TFP), and the
# first TA that uses floating point (xtest 1006, 1007, ...) makes OP-TEE
# touch the FP registers: BL31 takes an exception it does not handle,
# panics, and that CPU is gone for good (README.md).
CPU = "max,lpa2=off,pauth-impdef=on,sve=off,sme=off"

# xtest's (adbg's) output: "* regression_1004 Test User Crypt TA" starts a
# test case, "  regression_1004 OK" (or FAILED, SKIPPED) ends it; subtests
# are "o regression_1004.1 ..." / "  regression_1004.1 OK". At the end:
# "N subtests of which M failed", "N test cases of which M failed",
# "N test cases were skipped".
CASE = r"[a-z0-9]+_[0-9]+(?:_[a-z0-9]+)*"
CASE_START = re.compile(rf"^\* ({CASE}) ")
CASE_END = re.compile(rf"^  ({CASE}) (OK|FAILED)\s*$")
SUB_START = re.compile(rf"^o ({CASE}\.[0-9]+) ")
SUB_END = re.compile(rf"^  ({CASE}\.[0-9]+) (OK|FAILED)\s*$")
# xtest has no SKIPPED verdict: a case that finds its feature missing logs
# why (" - 1020 -   skip test, feature not implemented", "skip test, fTPM
# TA not present", "... - skip tests") and ends OK. Such a case counts as
# skipped here when the message comes outside a subtest; a subtest's skip
# ("skip subcase") leaves the case passed.
SKIP_MSG = re.compile(r"skip test|skipping|- skip tests", re.I)
SUMMARY = {
    "subtests": re.compile(r"^(\d+) subtests of which (\d+) failed"),
    "cases": re.compile(r"^(\d+) test cases of which (\d+) failed"),
    "skipped": re.compile(r"^(\d+) test cases were skipped"),
}
DONE = re.compile(r"^conduit-xtest: done rc=(\d+) seconds=(\d+)")
EXIT = re.compile(r"^conduit-xtest: exit rc=(\d+)")
XFAIL = re.compile(r"^conduit-xtest: fail (.*)")
KERNEL_LINE = re.compile(r"^\[\s*\d+\.\d+\] ")


def out_dir(build):
    return os.path.join(build, "xtest")


def parse(text):
    """Test case outcomes and xtest's summary from one boot's console log."""
    res = {"cases": {}, "subtests": {}, "summary": {}, "started": False,
           "done": None, "xtest_seconds": None, "crashed_in": None, "crashes": [],
           "fail": None,
           "userspace": False, "panic": False}
    current, sub, skipped = None, None, False
    for raw in text.splitlines():
        line = raw.rstrip("\r")
        if KERNEL_LINE.match(line):
            if "Kernel panic" in line:
                res["panic"] = True
            if "Run /init as init process" in line:
                res["userspace"] = True
            continue
        if line.startswith("conduit-xtest: running xtest"):
            res["started"] = True
        m = XFAIL.match(line)
        if m:
            res["fail"] = m.group(1)
        m = DONE.match(line) or EXIT.match(line)
        if m:
            if current:         # xtest ended inside a test case
                res["crashes"].append(current)
                res["crashed_in"] = res["crashed_in"] or current
                res["cases"][current] = "CRASHED"
            current = None
            if m.re is DONE:
                res["done"] = int(m.group(1))
                res["xtest_seconds"] = int(m.group(2))
            continue
        m = CASE_START.match(line)
        if m:
            current, sub, skipped = m.group(1), None, False
            continue
        m = SUB_START.match(line)
        if m:
            sub = m.group(1)
            continue
        m = SUB_END.match(line)
        if m:
            res["subtests"][m.group(1)] = m.group(2)
            sub = None
            continue
        m = CASE_END.match(line)
        if m:
            v = m.group(2)
            res["cases"][m.group(1)] = "SKIPPED" if v == "OK" and skipped else v
            current = None if current == m.group(1) else current
            continue
        if current and sub is None and SKIP_MSG.search(line) and "subcase" not in line:
            skipped = True
        for k, rx in SUMMARY.items():   # summed over the xtest processes
            m = rx.match(line)
            if m:
                old = res["summary"].get(k, [0] * len(m.groups()))
                res["summary"][k] = [a + int(g) for a, g in zip(old, m.groups())]
    if current and res["done"] is None:
        res["cases"][current] = "UNFINISHED"
    return res


def counts(res):
    c = res["cases"].values()
    return {"passed": sum(v == "OK" for v in c),
            "failed": sum(v in ("FAILED", "CRASHED", "UNFINISHED") for v in c),
            "skipped": sum(v == "SKIPPED" for v in c)}


def reason(res):
    """One line when the row failed as a whole, else None."""
    if res.get("not_started"):
        return res["not_started"]
    if res.get("timed_out") and not res["started"]:
        return f"timed out after {res['timeout']} s before xtest started"
    if res.get("timed_out") and res["done"] is not None:
        return f"xtest finished, but the guest did not power off within {res['timeout']} s"
    if res.get("timed_out"):
        last = res.get("last_case") or "?"
        return f"timed out after {res['timeout']} s in xtest (last test case started: {last})"
    if res["panic"]:
        return "kernel panic"
    if res["fail"]:
        return res["fail"]
    if not res["userspace"]:
        return f"the kernel never ran /init (QEMU exit {res.get('qemu_rc')})"
    if not res["started"]:
        return "xtest never started"
    if res["done"] is None:
        return "the guest stopped while xtest ran"
    if "cases" not in res["summary"]:
        return f"xtest exited {res['done']} without its summary"
    return None


def boot(kernel, mode, build, timeout, xtest_args):
    d = out_dir(build)
    os.makedirs(d, exist_ok=True)
    base = os.path.join(d, f"{kernel}-{mode}")
    res = {"kernel": kernel, "mode": mode, "timeout": timeout, "xtest_args": xtest_args}
    image = bt.kernel_image(build, kernel)
    initrd = os.path.join(d, "initrd.cpio.gz")
    scen = dict(st.SCENARIOS[f"optee-{mode}"])
    scen.pop("trace_smc", None)     # -d int: gigabytes over a whole xtest run
    append = " ".join(filter(None, [APPEND, st.MODES[mode][1],
                                    "xtest_args=" + ",".join(xtest_args.split())
                                    if xtest_args else ""]))
    why = None
    if not os.path.exists(image):
        why = f"no {kernel} kernel at {image}: run 'make kernel' / 'make kernel-stock'"
    elif not os.path.exists(initrd):
        why = f"no {initrd}: run 'make xtest-initrd'"
    if why is None:
        try:
            cmd = qemu.optee_command(scen, CPU, build, base, image, append) + ["-initrd", initrd]
        except qemu.ScenarioError as e:
            why = str(e)
    if why:
        res.update(parse(""), not_started=why, wall_seconds=0.0)
        return save(base, res)
    text, rc, timed_out, wall = qemu.run_qemu(cmd, base + ".log", timeout)
    res.update(parse(text), qemu_rc=rc, timed_out=timed_out, wall_seconds=round(wall, 1),
               log=base + ".log")
    last = [m.group(1) for m in map(CASE_START.match, text.splitlines()) if m]
    res["last_case"] = last[-1] if last else None
    return save(base, res)


def save(base, res):
    res["counts"] = counts(res)
    res["row_failure"] = reason(res)
    with open(base + ".json", "w") as f:
        json.dump(res, f, indent=1)
    return res


def load(build, kernel, mode):
    try:
        with open(os.path.join(out_dir(build), f"{kernel}-{mode}.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def fmt_s(s):
    if s is None:
        return "-"
    s = int(round(s))
    return f"{s // 60}m{s % 60:02d}s"


def table(build, kernels=KERNELS, modes=MODES):
    rows = [("kernel", "mode", "passed", "failed", "skipped", "xtest subtests (failed)",
             "xtest time", "boot wall", "note")]
    for mode in modes:
        for kernel in kernels:
            r = load(build, kernel, mode)
            if r is None:
                rows.append((kernel, mode, "-", "-", "-", "-", "-", "-", "not run"))
                continue
            c = r["counts"]
            sub = r["summary"].get("subtests")
            subs = f"{sub[0]} ({sub[1]})" if sub else "-"
            if sub and r.get("crashes"):
                subs += " *"    # a process that died printed no summary
            note = r["row_failure"] or ""
            if not note and r.get("crashes"):
                note = ("xtest died in " + ", ".join(r["crashes"]) +
                        " (restarted without it; * its summary is missing)")
            # xtest's own total, when one xtest process ran everything
            if not note and r["summary"].get("cases") and not r.get("crashes"):
                n, m = r["summary"]["cases"]
                if (n, m) != (c["passed"] + c["failed"] + c["skipped"], c["failed"]):
                    note = f"xtest's summary says {n} cases, {m} failed"
            rows.append((kernel, mode, str(c["passed"]), str(c["failed"]), str(c["skipped"]),
                         subs, fmt_s(r.get("xtest_seconds")), fmt_s(r.get("wall_seconds")),
                         ("FAILED: " + note) if r["row_failure"] else note))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for i, r in enumerate(rows):
        lines.append(" | ".join(v.ljust(w) for v, w in zip(r, widths)) + " | " + r[-1])
        if i == 0:
            lines.append("-+-".join("-" * w for w in widths) + "-+-" + "-" * 4)
    return "\n".join(lines)


BAD = ("FAILED", "CRASHED", "UNFINISHED")


def check(build, modes=MODES):
    """Lines describing what patched fails that stock does not; [] when fine."""
    problems = []
    for mode in modes:
        s, p = load(build, "stock", mode), load(build, "patched", mode)
        if s is None or p is None:
            problems.append(f"{mode}: no result for {'stock' if s is None else 'patched'}")
            continue
        if not s["started"] and not p["started"]:
            problems.append(f"{mode}: xtest ran on neither kernel "
                            f"(stock: {s['row_failure']}; patched: {p['row_failure']})")
            continue
        if s["started"] and not p["started"]:
            problems.append(f"{mode}: xtest ran on stock but not on patched: {p['row_failure']}")
            continue
        for case, v in sorted(p["cases"].items()):
            if v in BAD and s["cases"].get(case) in ("OK", "SKIPPED"):
                problems.append(f"{mode}: {case} {v} on patched, {s['cases'][case]} on stock")
        # Cases stock ran and patched never reached (patched stopped early).
        for case, v in sorted(s["cases"].items()):
            if case not in p["cases"] and v in ("OK", "SKIPPED"):
                problems.append(f"{mode}: {case} {v} on stock, not run on patched"
                                f" ({p['row_failure'] or 'missing'})")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("cmd", choices=["run", "table", "check"])
    ap.add_argument("--build", default=os.environ.get("BUILD", "build"))
    ap.add_argument("--kernels", default=",".join(KERNELS))
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT)
    ap.add_argument("--xtest-args", default="")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    kernels, modes = a.kernels.split(","), a.modes.split(",")
    if a.cmd == "run":
        for mode in modes:
            for kernel in kernels:
                print(f"xtest: {kernel} {mode} ...", flush=True)
                r = boot(kernel, mode, build, a.timeout, a.xtest_args)
                c = r["counts"]
                print(f"xtest: {kernel} {mode}: {c['passed']} passed, {c['failed']} failed, "
                      f"{c['skipped']} skipped, {fmt_s(r.get('wall_seconds'))}"
                      + (f" ({r['row_failure']})" if r["row_failure"] else ""), flush=True)
    if a.cmd in ("run", "table"):
        t = table(build, kernels, modes)
        print(t)
        with open(os.path.join(out_dir(build), "table.txt"), "w") as f:
            f.write(t + "\n")
        if a.cmd == "table":
            return 0
        if set(KERNELS) - set(kernels):
            print("xtest-check: skipped (it compares stock with patched; both were not run)")
            return 0
    problems = check(build, modes)
    for p in problems:
        print("xtest-check: FAIL " + p)
    if problems:
        return 1
    print("xtest-check: PASS patched has no failing xtest case that stock passes, "
          f"in {', '.join(modes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
