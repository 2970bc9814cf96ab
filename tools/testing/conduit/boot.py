#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot a test kernel under QEMU and judge the console log.

  boot.py run KERNEL SCENARIO --build DIR   boot, write DIR/boots/KERNEL-SCENARIO.{log,json}
  boot.py timeline SCENARIO --build DIR      stock and patched timelines side by side
  boot.py ima SCENARIO --build DIR           IMA and the TPM, stock and patched side by side
  boot.py list                               the scenarios, a line each
  boot.py table                              the scenario table, every field
  boot.py scenario NAME [--kernel K] --build DIR
                                             boot NAME on K (default: each
                                             kernel it names), print each
                                             check's verdict and the log
  boot.py targets NAME [K]                   the make targets NAME's boot needs

KERNEL is "stock" or "patched". A boot fails on a timeout, a panic, a WARN
or BUG splat, a lockdep report, a hypervisor panic, or when /init is never
reached. Scenario checks (the conduit order, the stock ordering bug, the
early-consumer -EDEADLK) come on top, and each prints one PASS/FAIL line.
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import checks  # noqa: E402
import console  # noqa: E402
import qemu  # noqa: E402
import scenario_table as st  # noqa: E402


def kernel_target(scen, kernel):
    """The make target that builds the kernel a boot of SCEN on KERNEL uses."""
    return scen.get("build_target") or ("kernel-stock" if kernel == "stock" else "kernel")


def kernel_image(build, kernel, scen=None):
    """The Image a scenario boots: KERNEL's, or the scenario's own build."""
    out = (scen or {}).get("kernel_dir") or os.path.join(st.KERNEL_TREES[kernel], "out")
    return os.path.join(build, out, "arch/arm64/boot/Image")


def not_started(kernel, name, base, why):
    """The result of a scenario that could not start: one failed check."""
    res = console.parse_log("")
    res.update(kernel=kernel, scenario=name, qemu_rc=None, timed_out=False,
               wall_seconds=0.0, log=base + ".log", not_started=why,
               checks=[("scenario starts", False, why)])
    with open(base + ".json", "w") as f:
        json.dump(res, f, indent=1)
    return res


# The publishers report their outcome with pr_debug(); turn those lines on
# in the patched kernel (CONFIG_DYNAMIC_DEBUG in qemu-arm64-patched.config).
PATCHED_DYNDBG = ('dyndbg="file arch/arm64/kvm/pkvm.c +p; '
                  'file drivers/firmware/arm_ffa/driver.c +p; file kernel/conduit/conduit.c +p"')


def run(kernel, name, build, timeout=None):
    """Boot one scenario; a scenario that cannot start fails as itself."""
    scen = dict(st.SCENARIOS[name])
    if kernel == "patched":
        scen["append"] = (scen.get("append", "") + " " + PATCHED_DYNDBG).strip()
    outdir = os.path.join(build, "boots")
    os.makedirs(outdir, exist_ok=True)
    base = os.path.join(outdir, f"{kernel}-{name}")
    image = kernel_image(build, kernel, scen)
    if not os.path.exists(image):
        return not_started(kernel, name, base, f"no {kernel} kernel at {image}: "
                           f"run 'make {kernel_target(scen, kernel)}'")
    try:
        cmd = qemu.qemu_command(scen, image, build, base)
    except (OSError, subprocess.CalledProcessError, qemu.ScenarioError) as e:
        detail = getattr(e, "stderr", None) or ""
        detail = detail.strip().splitlines()[-1] if detail.strip() else str(e)
        return not_started(kernel, name, base, f"could not prepare the boot: {detail}")
    text, rc, timed_out, wall = qemu.run_qemu(cmd, base + ".log",
                                            timeout or scen.get("timeout", 120))
    res = console.parse_log(text)
    console.add_fwlog(res, base + ".fwlog")
    res.update(kernel=kernel, scenario=name, qemu_rc=rc, timed_out=timed_out,
               wall_seconds=round(wall, 2), log=base + ".log")
    if scen.get("trace_smc"):
        res["smc_origins"] = console.smc_origins(base + ".int.log")
    res["checks"] = checks.judge(scen, kernel, res)
    with open(base + ".json", "w") as f:
        json.dump(res, f, indent=1)
    return res


def verdict_lines(res):
    tag = f"boot {res['kernel']}-{res['scenario']}"
    lines = []
    for check, ok, why in res["checks"]:
        lines.append(f"{'PASS' if ok else 'FAIL'} {tag}: {check}" + ("" if ok else f" ({why})"))
    return lines


def load(build, kernel, name):
    path = os.path.join(build, "boots", f"{kernel}-{name}.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def fmt_events(res, width):
    if res is None:
        return ["(not booted)"]
    out = []
    for ts, who, what in res["events"]:
        s = f"{ts:9.6f} {who:<16} {what}"
        out.append(s if len(s) <= width else s[:width - 1] + "~")
    if res["timed_out"]:
        out.append("TIMEOUT")
    return out


def timeline(build, name):
    width = 62
    stock, patched = load(build, "stock", name), load(build, "patched", name)
    left, right = fmt_events(stock, width), fmt_events(patched, width)
    print(f"Conduit timeline, scenario '{name}': {st.SCENARIOS[name]['title']}")
    print(f"{'stock (' + os.path.basename(build) + '/stock)':<{width}} | patched")
    print("-" * width + "-+-" + "-" * width)
    for i in range(max(len(left), len(right))):
        lv = left[i] if i < len(left) else ""
        rv = right[i] if i < len(right) else ""
        print(f"{lv:<{width}} | {rv}")
    print()
    for res in (stock, patched):
        if res is None:
            continue
        order = " -> ".join(a for a in console.initcall_order(res))
        print(f"{res['kernel']:>8}: initcall order {order}")
        print(f"{'':>8}  userspace {'reached' if res['userspace'] else 'NOT reached'}, "
              f"kernel warnings {len(checks.warnings(res))}, wall {res['wall_seconds']} s")
        for check, ok, why in res["checks"]:
            print(f"{'':>8}  [{'ok' if ok else 'FAIL'}] {check}" + ("" if ok else f": {why}"))
        if res.get("spmd_calls"):
            counts = {}
            for c in res["spmd_calls"]:
                key = f"{c['call']} -> {c['result']}"
                counts[key] = counts.get(key, 0) + 1
            print(f"{'':>8}  normal-world FF-A calls at EL3 (TF-A SPMD log):")
            for key, n in counts.items():
                print(f"{'':>10}{n:3} x {key}")
        if res.get("smc_origins"):
            print(f"{'':>8}  SMC origins (QEMU -d int): " +
                  ", ".join(f"{k} {v}" for k, v in res["smc_origins"].items()))
    bad = []
    for kernel, res in (("stock", stock), ("patched", patched)):
        if res is None:
            bad.append(f"the {kernel} kernel was not booted")
        elif not res["userspace"]:
            why = res.get("not_started") or ("timed out" if res["timed_out"] else
                                             "; ".join(res["fatal"][:1]) or "/init never ran")
            bad.append(f"the {kernel} kernel did not boot ({why}, log {res['log']})")
    return bad


def ima_fields(res):
    """The rows of ima_summary() for one boot record (None: not booted)."""
    if res is None:
        return ["not booted"] * 5
    bound, ima, bypass, _ = checks.tpm_timeline(res)
    agg = checks.boot_aggregate(res)
    want = checks.expected_boot_aggregate(res.get("pcrs") or {})
    return [f"{bound:.6f}" if bound is not None else "never",
            f"{ima:.6f}" if ima is not None else "not run",
            f"TPM-bypass at {bypass:.6f}" if bypass is not None else "none (measures with tpm0)",
            f"{agg[0]} {agg[1]}:{agg[2][:16]}..." if agg else "none",
            (want[:16] + "..." if want else "no TPM") +
            (" (match)" if agg and want == agg[2] else "")]


def ima_summary(build, name):
    """IMA and the TPM behind FF-A, stock and patched side by side: when
    the TPM registered against IMA's initcall, IMA's own TPM line, the
    boot_aggregate and the value PCRs 0-9 give."""
    heads = ["tpm_crb bound (s)", "IMA's initcall (s)", "IMA's TPM line",
             "first measurement", "SHA-256(PCR 0-9)"]
    cols = [ima_fields(load(build, kernel, name)) for kernel in ("stock", "patched")]
    width = max(len(v) for v in cols[0] + ["stock 7.3.4"]) + 2
    print(f"IMA and the TPM behind FF-A, scenario '{name}': {st.SCENARIOS[name]['title']}")
    print(f"{'':<20}{'stock 7.3.4':<{width}}patched")
    for head, sk, pa in zip(heads, *cols):
        print(f"{head:<20}{sk:<{width}}{pa}")


def warn_count(res):
    """Warnings, and the scenario's documented known ones apart."""
    n, known = len(checks.warnings(res)), len(checks.warnings(res, excuse_known=False))
    return f"{n}" + (f" (+{known - n} known)" if known > n else "")


def matrix(build, out):
    """The boot matrix: one row per scenario and kernel."""
    head = ["scenario", "kernel", "userspace", "host FF-A from", "echo", "conduit order",
            "warnings", "checks"]
    rows = []
    for name, scen in st.SCENARIOS.items():
        for kernel in scen.get("kernels", ["stock", "patched"]):
            res = load(build, kernel, name)
            if res is None:
                rows.append([name, kernel, "not booted", "", "", "", "", ""])
                continue
            els = sorted({f"EL{c['el']}" for c in res.get("ffa_calls", [])})
            o = res.get("smc_origins")
            if not els and o:  # optee-pkvm: QEMU's exception log, not a firmware log
                els = ["EL2" if o["el2_to_el3"] and not o["host_el1_to_el3_after_trap"]
                       else "EL1+EL2"]
            order = [ok for label, ok, _ in res["checks"] if label.startswith("finalize_pkvm ->")]
            failed = [label for label, ok, _ in res["checks"] if not ok]
            rows.append([name, kernel,
                         "TIMEOUT" if res["timed_out"] else
                         ("yes" if res["userspace"] else "no"),
                         "+".join(els) or "-",
                         (res.get("echo") or "-")[:24],
                         ("ok" if order[0] else "WRONG") if order else "-",
                         warn_count(res) if res["kmsg_warnings"] is not None else "?",
                         "all ok" if not failed else "FAILED: " + "; ".join(failed)])
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [head] + rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    text = "\n".join(lines) + "\n"
    with open(out, "w") as f:
        f.write(text)
    print(text, end="")


# The make target that builds what each firmware kind boots (None and
# "edk2" come from QEMU and its Debian packages).
FIRMWARE_TARGETS = {None: [], "edk2": [], "optee": ["secure-world-soft"],
                    "tpm": ["uefi", "firmware"]}


def scenario_kernels(name, kernel=None):
    """The kernels a boot of NAME runs: KERNEL if given (it must be one
    the scenario names), else every kernel it names."""
    names = st.SCENARIOS[name].get("kernels", st.KERNELS)
    if kernel and kernel not in names:
        raise SystemExit(f"scenario {name} boots {' and '.join(names)} only, not {kernel}")
    return [kernel] if kernel else list(names)


def make_targets(name, kernel=None):
    """The make targets that build what a boot of NAME on KERNEL (default:
    every kernel it names) needs: kernels, firmware, initrd."""
    scen = st.SCENARIOS[name]
    fw = scen.get("firmware")
    targets = list(FIRMWARE_TARGETS.get(fw, ["firmware"]))
    for k in scenario_kernels(name, kernel):
        targets.append(kernel_target(scen, k))
    return list(dict.fromkeys(targets))


def print_table():
    """make scenarios: every row of the scenario table, every field, and
    which kernel each check runs on."""
    for name, scen in st.SCENARIOS.items():
        print(f"{name}: {scen['title']}")
        fw = scen.get("firmware")
        rows = [("machine", scen["machine"]), ("cpu", scen["cpu"]),
                ("EL, mode", f"{scen['el']}, {scen['mode']}"),
                ("firmware", {None: "QEMU's PSCI", "edk2": "QEMU's EDK2",
                              "optee": "TF-A, OP-TEE as SPMC, U-Boot",
                              "tpm": "test SPMC with a TPM partition, EDK2, ACPI"}
                 .get(fw, f"test firmware, mode {fw!r}") +
                 (f" (TPM fault {scen['tpm_fault']})" if scen.get("tpm_fault") else "")),
                ("kernels", " ".join(scen.get("kernels", st.KERNELS))),
                ("append", scen.get("append") or "-"),
                ("timeout", f"{scen.get('timeout', 120)} s")]
        for k in ("kernel_dir", "initrd", "uefi_vars", "mem_regions", "trace_smc"):
            if scen.get(k):
                rows.append((k.replace("_", " "), str(scen[k])))
        for label, val in rows:
            print(f"  {label:<10} {val}")
        print("  checks     every boot: boots without hanging, reaches userspace, "
              "no panic, WARN, BUG or lockdep report")
        for c in scen.get("checks", []):
            on = [k for k in scen.get("kernels", st.KERNELS) if checks.applies(c, k)]
            print(f"             {c} ({'+'.join(on) or 'no kernel it boots'}): "
                  f"{checks.CHECKS[c].label}")
        print()


def boot_scenario(name, kernel, build):
    """make scenario: boot NAME on each kernel, print the verdicts and the
    log; the exit status says whether every check passed."""
    ok = True
    for k in scenario_kernels(name, kernel):
        res = run(k, name, build)
        print("\n".join(verdict_lines(res)))
        print(f"  log: {res['log']}" + (f", firmware log: {res['log'][:-4]}.fwlog"
                                        if os.path.exists(res["log"][:-4] + ".fwlog") else ""))
        ok = ok and all(good for _, good, _ in res["checks"])
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="action", required=True)
    r = sub.add_parser("run")
    r.add_argument("kernel", choices=["stock", "patched"])
    r.add_argument("scenario", choices=sorted(st.SCENARIOS))
    r.add_argument("--build", required=True)
    r.add_argument("--results", help="append PASS/FAIL lines to this file")
    r.add_argument("--timeout", type=int)
    t = sub.add_parser("timeline")
    t.add_argument("scenario", choices=sorted(st.SCENARIOS))
    t.add_argument("--build", required=True)
    t.add_argument("--require-boot", action="store_true",
                   help="exit 1 with one line unless both kernels reached userspace")
    i = sub.add_parser("ima")
    i.add_argument("scenario", choices=sorted(st.SCENARIOS))
    i.add_argument("--build", required=True)
    sub.add_parser("list")
    sub.add_parser("table")
    sc = sub.add_parser("scenario")
    sc.add_argument("scenario", choices=sorted(st.SCENARIOS))
    sc.add_argument("--kernel", choices=["stock", "patched"])
    sc.add_argument("--build", required=True)
    tg = sub.add_parser("targets")
    tg.add_argument("scenario", choices=sorted(st.SCENARIOS))
    tg.add_argument("kernel", nargs="?", choices=["stock", "patched"])
    al = sub.add_parser("all", help="every scenario on every kernel it names, then the matrix")
    al.add_argument("--build", required=True)
    al.add_argument("--results", required=True)
    m = sub.add_parser("matrix")
    m.add_argument("--build", required=True)
    a = ap.parse_args()
    if a.action == "list":
        for name, s in st.SCENARIOS.items():
            print(f"{name:<24} {s['title']}")
        return
    if a.action == "table":
        print_table()
        return
    if a.action == "targets":
        print(" ".join(make_targets(a.scenario, a.kernel)))
        return
    build = os.path.abspath(a.build)
    if a.action == "scenario":
        sys.exit(0 if boot_scenario(a.scenario, a.kernel, build) else 1)
    if a.action == "all":
        with open(a.results, "w") as f:
            for name, scen in st.SCENARIOS.items():
                for kernel in scen.get("kernels", ["stock", "patched"]):
                    res = run(kernel, name, build)
                    lines = verdict_lines(res)
                    bad = [ln for ln in lines if ln.startswith("FAIL")]
                    print(f"boot {kernel}-{name}: {len(lines) - len(bad)}/{len(lines)} checks"
                          f" ok, {res['wall_seconds']} s" + "".join("\n  " + b for b in bad))
                    f.write("\n".join(lines) + "\n")
                    f.flush()
        print()
        matrix(build, os.path.join(build, "boot-matrix.txt"))
        return
    if a.action == "matrix":
        matrix(build, os.path.join(build, "boot-matrix.txt"))
        return
    if a.action == "ima":
        ima_summary(build, a.scenario)
        return
    if a.action == "timeline":
        bad = timeline(build, a.scenario)
        if bad and a.require_boot:
            sys.exit("demo: " + "; ".join(bad))
        return
    res = run(a.kernel, a.scenario, build, a.timeout)
    lines = verdict_lines(res)
    print("\n".join(lines))
    if a.results:
        with open(a.results, "a") as f:
            f.write("\n".join(lines) + "\n")
    sys.exit(0 if all(ok for _, ok, _ in res["checks"]) else 1)


if __name__ == "__main__":
    main()
