#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Benchmarks of the firmware conduit API: `make bench`.

  bench.py kunit LOG      parse the conduit_bench KUnit suite's UML log
  bench.py arm64          boot the patched arm64 kernel with conduit_bench.run=1
                          (fast path under TCG, boot latency), disassemble
                          the fast path
  bench.py boots --n N    N pKVM boots each of stock and patched, time to /init
  bench.py size [--full]  code size: objects, bloat-o-meter, stubs with the
                          option off (--full adds builds without debugfs)
  bench.py report         table of every figure next to its target,
                          BUILD/bench.json
  bench.py smoke RESULTS  `make test`: every figure produced, positive, finite

Each step writes BUILD/bench/<step>.json; report merges them. Nothing here
judges timing in a test: targets are compared in the report only.
"""

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import boot as bt  # noqa: E402
import scenarios as sc  # noqa: E402

CROSS = "aarch64-linux-gnu-"
LINE = re.compile(r"conduit_bench: (.*)$")
FAST_OPS = ["loop_only", "smp_load_acquire", "conduit_status", "wait_for_conduit",
            "completion_done", "empty_call"]
PUBLISH_N = [1, 10, 100, 1000, 10000]
WAKE_M = [1, 10, 100, 1000]


def out_dir(build):
    d = os.path.join(build, "bench")
    os.makedirs(d, exist_ok=True)
    return d


def save(build, step, data):
    with open(os.path.join(out_dir(build), step + ".json"), "w") as f:
        json.dump(data, f, indent=1)


def load(build, step):
    path = os.path.join(out_dir(build), step + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def bench_lines(text):
    out = []
    for raw in text.splitlines():
        m = LINE.search(raw)
        if m:
            out.append(m.group(1).strip())
    return out


def parse_fastpath(lines, where):
    res = {}
    pat = re.compile(rf"^fastpath {where} (\w+) (\d+) ps/call")
    for ln in lines:
        m = pat.match(ln)
        if m:
            res[m.group(1)] = int(m.group(2)) / 1000.0
    return res


def linfit(xs, ys):
    """Least squares y = a + b x: slope b, intercept a, R^2, max deviation."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    b = sxy / sxx
    a = my - b * mx
    ss_res = sum((y - (a + b * x)) ** 2 for x, y in zip(xs, ys))
    ss_tot = sum((y - my) ** 2 for y in ys)
    r2 = 1 - ss_res / ss_tot if ss_tot else 1.0
    # R^2 is dominated by the largest size; so also the cost of each added
    # item between successive sizes, and the growth exponent over the last
    # decade (1.0 = linear).
    marginal = [(y1 - y0) / (x1 - x0) for (x0, y0), (x1, y1) in
                zip(zip(xs, ys), list(zip(xs, ys))[1:])]
    expo = (math.log(ys[-1] / ys[-2]) / math.log(xs[-1] / xs[-2])
            if ys[-2] > 0 and ys[-1] > 0 else None)
    return {"slope": b, "intercept": a, "r2": r2, "marginal": marginal,
            "last_decade_exponent": expo}


# ---------------------------------------------------------------------------
# UML: fast path, publish and wake-up scaling

def step_kunit(build, log):
    text = open(log, errors="replace").read() if os.path.exists(log) else ""
    lines = bench_lines(text)
    data = {"log": log, "fastpath": parse_fastpath(lines, "kunit"),
            "publish": {}, "wake": {}, "wake_publish": {}, "wake_baseline": {},
            "kunit_ok": None}
    for ln in lines:
        m = re.match(r"publish callbacks=(\d+) ns=(\d+)", ln)
        if m:
            data["publish"][m.group(1)] = int(m.group(2))
        m = re.match(r"wake waiters=(\d+) ns=(\d+) publish_ns=(\d+)", ln)
        if m:
            data["wake"][m.group(1)] = int(m.group(2))
            data["wake_publish"][m.group(1)] = int(m.group(3))
        m = re.match(r"wake-baseline waiters=(\d+) ns=(\d+)", ln)
        if m:
            data["wake_baseline"][m.group(1)] = int(m.group(2))
    data["kunit_ok"] = bool(re.search(r"^\s*ok \d+ conduit_bench\s*$", text, re.M))
    cfg = os.path.join(os.path.dirname(log), ".config")
    if os.path.exists(cfg):
        conf = open(cfg).read()
        data["debug_options"] = [s for s in ("CONFIG_PROVE_LOCKING", "CONFIG_DEBUG_ATOMIC_SLEEP",
                                             "CONFIG_KASAN", "CONFIG_PREEMPT_VOLUNTARY",
                                             "CONFIG_PREEMPTION")
                                 if re.search(rf"^{s}=y", conf, re.M)]
    for key, xs in (("publish", PUBLISH_N), ("wake", WAKE_M), ("wake_baseline", WAKE_M)):
        pts = [(x, data[key][str(x)]) for x in xs if str(x) in data[key]]
        if len(pts) == len(xs):
            data[key + "_fit"] = linfit([p[0] for p in pts], [p[1] for p in pts])
    save(build, "kunit", data)
    print(f"bench: UML: {len(lines)} conduit_bench lines from {log}")
    return 0 if data["fastpath"] and data.get("publish_fit") and data.get("wake_fit") else 1


# ---------------------------------------------------------------------------
# arm64 under QEMU: fast path and boot latency

def boot_once(build, kernel, scen_name, extra_append, tag, timeout=180):
    """Boot like boot.py, but into BUILD/bench/boots so nothing of the
    harness's own boot records is overwritten."""
    scen = dict(sc.SCENARIOS[scen_name])
    scen["append"] = (scen.get("append", "") + " " + extra_append).strip()
    image = bt.kernel_image(build, kernel, scen)
    d = os.path.join(out_dir(build), "boots")
    os.makedirs(d, exist_ok=True)
    base = os.path.join(d, f"{kernel}-{scen_name}-{tag}")
    cmd = sc.qemu_command(scen, image, build, base)
    text, _, timed_out, wall = sc.run_qemu(cmd, base + ".log", timeout)
    res = bt.parse_log(text)
    bt.add_fwlog(res, base + ".fwlog")
    res.update(timed_out=timed_out, wall_seconds=round(wall, 2),
               log=base + ".log", bench=bench_lines(text))
    return res


def userspace_ts(res):
    for ts, who, what in res["events"]:
        if who == "userspace":
            return ts
    return None


def parse_boot_probe(res):
    for ln in res["bench"]:
        if ln.startswith("boot "):
            kv = dict(x.split("=", 1) for x in ln[5:].split())
            return {k: int(v) for k, v in kv.items()}
    return None


def latency(res):
    """Boot-latency figures (microseconds) from one run=1 boot."""
    p = parse_boot_probe(res)
    if not p or not p.get("host_smc_published"):
        return None
    pub = p["host_smc_published"]
    out = {"host_smc_status": p["host_smc_status"], "ffa_status": p["ffa_status"]}
    if p.get("host_smc_first_cb"):
        out["publish_to_ffa_init_us"] = (p["host_smc_first_cb"] - pub) / 1000
    if p.get("host_smc_last_cb"):
        out["publish_to_ffa_callback_end_us"] = (p["host_smc_last_cb"] - pub) / 1000
    if p.get("ffa_published"):
        out["publish_to_ffa_publish_us"] = (p["ffa_published"] - pub) / 1000
        if p.get("ffa_first_cb"):
            out["ffa_publish_to_first_cb_us"] = (p["ffa_first_cb"] - p["ffa_published"]) / 1000
    # printk time is local_clock(); the probe printed both clocks at once.
    uefi = res["initcalls"].get("load_uefi_certs", {}).get("start")
    if uefi is not None:
        offset = p["local_clock"] - p["boottime"]
        out["publish_to_load_uefi_certs_us"] = (uefi * 1e9 - offset - pub) / 1000
    return out


def disasm(build, func):
    vmlinux = os.path.join(build, "linux/out/vmlinux")
    nm = subprocess.run([CROSS + "nm", "-S", vmlinux], capture_output=True, text=True).stdout
    # GCC may add a suffix (.isra.0) to a static function.
    m = re.search(rf"^([0-9a-f]+) ([0-9a-f]+) [tT] {func}(\.[a-z]+\.\d+)?$", nm, re.M)
    if not m:
        return None
    start, size = int(m.group(1), 16), int(m.group(2), 16)
    out = subprocess.run([CROSS + "objdump", "-d", "--no-show-raw-insn",
                          f"--start-address={start:#x}", f"--stop-address={start + size:#x}",
                          vmlinux], capture_output=True, text=True).stdout
    insns = []
    for ln in out.splitlines():
        mm = re.match(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$", ln)
        if mm:
            insns.append({"addr": mm.group(1), "op": mm.group(2), "args": mm.group(3).strip()})
    return analyse(func, insns)


ATOMIC_RMW = re.compile(r"^(ldx|ldax|stx|stlx|cas|ldadd|ldclr|ldeor|ldset|ldsmax|ldsmin|"
                        r"ldumax|ldumin|swp|stadd|stclr|steor|stset|stsmax|stsmin|stumax|stumin)")
LOCK_FN = re.compile(r"lock|mutex|sem|__wait|schedule|prepare_to_wait", re.I)


def analyse(func, insns):
    """The fast path is everything from the entry to the first ret; the
    branch to the out-of-line slow path (__wait_for_conduit /
    __conduit_status) leaves it."""
    fast = []
    for i in insns:
        fast.append(i)
        if i["op"] == "ret":
            break
    calls = [re.sub(r"^[0-9a-f]+\s*", "", i["args"]) for i in fast if i["op"] in ("bl", "blr")]
    all_targets = [re.sub(r"^[0-9a-f]+\s*", "", i["args"]) for i in insns
                   if i["op"] in ("bl", "b", "blr", "br")]
    return {
        "function": func,
        "listing": [f"{i['addr']}: {i['op']:<8}{i['args']}" for i in insns],
        "fast_path_len": len(fast),
        "acquire_loads": [i["op"] for i in fast if i["op"].startswith("ldar")],
        "atomic_rmw": [f"{i['op']} {i['args']}" for i in insns if ATOMIC_RMW.match(i["op"])],
        "fast_path_calls": calls,
        "fast_path_lock_calls": [c for c in calls if LOCK_FN.search(c)],
        "branch_targets": all_targets,
    }


def step_arm64(build, n):
    fw = os.path.join(build, "firmware", "conduit-fw.bin")
    scens = ["pkvm"]
    if "spmc-pkvm" in sc.SCENARIOS and os.path.exists(fw):
        scens.insert(0, "spmc-pkvm")
    data = {"boots": {}, "disasm": {}}
    for s in scens:
        runs = []
        for i in range(n):
            res = boot_once(build, "patched", s, "conduit_bench.run=1", f"run{i}")
            runs.append({"log": res["log"], "userspace": res["userspace"],
                         "timed_out": res["timed_out"], "fatal": res["fatal"],
                         "fastpath": parse_fastpath(res["bench"], "boot"),
                         "latency": latency(res), "probe": parse_boot_probe(res)})
            print(f"bench: arm64 {s} run {i}: userspace={res['userspace']} "
                  f"latency={runs[-1]['latency']}")
        data["boots"][s] = runs
    cfg = os.path.join(build, "linux/out/.config")
    conf = open(cfg).read() if os.path.exists(cfg) else ""
    data["debug_options"] = [s for s in ("CONFIG_PROVE_LOCKING", "CONFIG_DEBUG_ATOMIC_SLEEP",
                                         "CONFIG_TRACEPOINTS", "CONFIG_ARM64_LSE_ATOMICS")
                             if re.search(rf"^{s}=y", conf, re.M)]
    for func in ("conduit_bench_wait", "conduit_bench_status"):
        data["disasm"][func] = disasm(build, func)
    save(build, "arm64", data)
    return 0


def median_of(runs, get):
    vals = [v for v in (get(r) for r in runs) if v is not None]
    return statistics.median(vals) if vals else None


# ---------------------------------------------------------------------------
# Total boot time, stock against patched

def handoff(res):
    """Guest seconds from finalize_pkvm() to FF-A up and to the first FF-A
    partition driver's probe (the echo client), and whether both came
    before the first late initcall."""
    fin = sc.start_of(res, "finalize_pkvm")
    up = sc.ffa_up_at(res)
    part = sc.first_event(res, "ffa_echo", r"echo ok")
    late = res.get("late_level_at")
    if None in (fin, up, part):
        return None
    return {"to_ffa_s": up - fin, "to_partition_s": part - fin,
            "before_late": late is not None and up < late and part < late}


def tpm_times(res):
    """Guest seconds from finalize_pkvm() to tpm_crb bound (the TPM
    registered), and to the end of the initcall in which IMA took its first
    measurement, from one tpm-* boot."""
    fin = sc.start_of(res, "finalize_pkvm")
    bound = sc.first_event(res, "tpm", sc.TPM_BOUND)
    measured = sc.ima_initcall(res).get("end")
    return {"to_tpm_s": bound - fin if None not in (fin, bound) else None,
            "ima_measured_s": measured}


def step_tpm_boots(build, n, data):
    """tpm-pkvm on stock and patched, tpm-latesync-pkvm on stock with
    IMA_INIT_LATE_SYNC, alternated like the other boots."""
    data["tpm"] = {"stock": [], "patched": [], "latesync": []}
    for i in range(n):
        for kernel, scen in (("stock", "tpm-pkvm"), ("patched", "tpm-pkvm"),
                             ("latesync", "tpm-latesync-pkvm")):
            res = boot_once(build, "stock" if kernel == "latesync" else kernel, scen, "",
                            f"tpm{i}", timeout=300)
            t = tpm_times(res)
            data["tpm"][kernel].append(t)
            print(f"bench: tpm {kernel} {i}: {t}")


def step_boots(build, n):
    data = {"scenario": "pkvm", "stock": [], "patched": [],
            "handoff_scenario": "spmc-pkvm", "handoff": {"stock": [], "patched": []}}
    step_tpm_boots(build, n, data)
    for i in range(n):
        # Alternate, so that drift in the machine's load hits both alike.
        for kernel in ("stock", "patched"):
            res = boot_once(build, kernel, "pkvm", "", f"time{i}")
            data[kernel].append({"userspace_s": userspace_ts(res), "log": res["log"],
                                 "wall_s": res["wall_seconds"]})
            print(f"bench: boot {kernel} {i}: /init at {userspace_ts(res)} s")
            res = boot_once(build, kernel, "spmc-pkvm", "", f"handoff{i}")
            h = handoff(res)
            data["handoff"][kernel].append(h)
            print(f"bench: hand-off {kernel} {i}: {h}")
    save(build, "boots", data)
    return 0


# ---------------------------------------------------------------------------
# Code size

def size_of(obj):
    """Berkeley text/data/bss, and the bytes of executable sections."""
    if not os.path.exists(obj):
        return None
    b = subprocess.run([CROSS + "size", "-B", obj], capture_output=True, text=True).stdout
    t, d, s = (int(x) for x in b.splitlines()[1].split()[:3])
    a = subprocess.run([CROSS + "size", "-A", obj], capture_output=True, text=True).stdout
    secs = {}
    for ln in a.splitlines():
        f = ln.split()
        if len(f) >= 2 and f[0].startswith(".") and f[1].isdigit():
            secs[f[0]] = int(f[1])
    code = sum(v for k, v in secs.items() if k.startswith((".text", ".init.text", ".exit.text")))
    return {"text": t, "data": d, "bss": s, "code": code, "sections": secs}


def kmake(tree, odir, *targets, quiet=True):
    cc = "ccache aarch64-linux-gnu-gcc" if shutil.which("ccache") else "aarch64-linux-gnu-gcc"
    cmd = ["make", "-C", tree, f"O={odir}", "ARCH=arm64", f"CROSS_COMPILE={CROSS}",
           f"CC={cc}", f"-j{os.cpu_count()}"] + (["-s"] if quiet else []) + list(targets)
    return subprocess.run(cmd, capture_output=True, text=True)


def bloat(build, old, new):
    tool = os.path.join(build, "linux/scripts/bloat-o-meter")
    out = subprocess.run([sys.executable, tool, old, new], capture_output=True, text=True).stdout
    rows = []
    for ln in out.splitlines():
        m = re.match(r"^(\S+)\s+(-|\d+)\s+(-|\d+)\s+([+-]\d+)$", ln)
        if m:
            rows.append({"symbol": m.group(1), "old": m.group(2), "new": m.group(3),
                         "delta": int(m.group(4))})
    tot = re.search(r"^Total: Before=(\d+), After=(\d+), chg ([+-][\d.]+%)", out, re.M)
    return {"text": out, "rows": rows,
            "before": int(tot.group(1)) if tot else None,
            "after": int(tot.group(2)) if tot else None}


def symbols_of(obj):
    nm = subprocess.run([CROSS + "nm", obj], capture_output=True, text=True).stdout
    return {ln.split()[-1] for ln in nm.splitlines() if len(ln.split()) >= 2}


PRODUCTION_OFF = ["PROVE_LOCKING", "LOCKDEP", "DEBUG_LOCK_ALLOC", "DEBUG_MUTEXES",
                  "DEBUG_SPINLOCK", "DEBUG_ATOMIC_SLEEP", "TRACE_IRQFLAGS",
                  "PREEMPTIRQ_TRACEPOINTS", "TRACEPOINTS", "TRACING", "EVENT_TRACING",
                  "LOCK_STAT", "DEBUG_KERNEL"]


def recompile(odir, obj, src, dst, undef):
    """Compile SRC to DST with OBJ's command from kbuild's .cmd file, with
    the CONFIG_ symbols in UNDEF switched off after the config header."""
    cmdfile = os.path.join(odir, os.path.dirname(obj), "." + os.path.basename(obj) + ".cmd")
    if not os.path.exists(cmdfile):
        return f"no {cmdfile}: build the kernel first"
    line = open(cmdfile).readline()
    cmd = line.split(":=", 1)[1].strip()
    hdr = dst + ".undef.h"
    with open(hdr, "w") as f:
        f.write("".join(f"#undef CONFIG_{u}\n#undef CONFIG_{u}_MODULE\n" for u in undef))
    cmd = re.sub(r"-Wp,-MMD,\S+", "", cmd)
    cmd = re.sub(r"\s-o\s+\S+", f" -o {dst}", cmd)
    cmd = re.sub(r"(-include \S*include/linux/compiler_types\.h)", rf"\1 -include {hdr}", cmd,
                 count=1)
    if hdr not in cmd:
        return "cannot place the undef header in the compiler command"
    # A copy elsewhere still finds the quoted includes of its directory.
    srcdir = os.path.join(os.path.dirname(odir), os.path.dirname(obj))
    cmd = re.sub(r"\S+\.c$", f"-iquote {srcdir} {src}", cmd)
    r = subprocess.run(cmd, shell=True, cwd=odir, capture_output=True, text=True)
    return None if r.returncode == 0 else f"{obj}: {r.stderr[-1500:]}"


def symbols_undefined(obj):
    nm = subprocess.run([CROSS + "nm", "-u", obj], capture_output=True, text=True).stdout
    return {ln.split()[-1] for ln in nm.splitlines() if ln.split()}


CONSUMERS = ["drivers/firmware/efi/runtime-wrappers.o",
             "security/integrity/platform_certs/load_uefi.o"]


def step_size(build, full):
    linux, stock = os.path.join(build, "linux"), os.path.join(build, "stock")
    data = {"objects": {}, "bloat": None, "stubs": None, "full": None}
    cdir = os.path.join(linux, "out/kernel/conduit")
    for f in sorted(os.listdir(cdir)) if os.path.isdir(cdir) else []:
        if f.endswith(".o") and not f.startswith("."):
            data["objects"][f] = size_of(os.path.join(cdir, f))
    conf = open(os.path.join(linux, "out/.config")).read()
    data["tracepoints"] = bool(re.search(r"^CONFIG_TRACEPOINTS=y", conf, re.M))
    data["debugfs"] = bool(re.search(r"^CONFIG_DEBUG_FS=y", conf, re.M))

    # The test config has lockdep, which brings tracepoints in. Compile the
    # core again as a production config would have it: the object's own
    # compiler command with lockdep, atomic-sleep checks and tracepoints
    # switched off after the config header.
    tmp = os.path.join(out_dir(build), "size")
    os.makedirs(tmp, exist_ok=True)
    # The core's target is without debugfs too: the core only records the
    # publish time for the debugfs file, and only with CONFIG_DEBUG_FS.
    data["production"] = {"undefined": PRODUCTION_OFF, "core_also_undefined": ["DEBUG_FS"]}
    for obj in ("kernel/conduit/conduit.o", "kernel/conduit/debugfs.o"):
        src = os.path.join(linux, obj[:-2] + ".c")
        dst = os.path.join(tmp, "prod-" + os.path.basename(obj))
        undef = PRODUCTION_OFF + (["DEBUG_FS"] if obj.endswith("/conduit.o") else [])
        err = recompile(os.path.join(linux, "out"), obj, src, dst, undef)
        if err:
            data["production"]["error"] = err
        else:
            data["production"][os.path.basename(obj)] = size_of(dst)

    b = bloat(build, os.path.join(stock, "out/vmlinux"), os.path.join(linux, "out/vmlinux"))
    groups = {"core": set(), "observability": set(), "test-only": set()}
    for f, grp in (("conduit.o", "core"), ("debugfs.o", "observability"),
                   ("conduit_bench.o", "test-only")):
        p = os.path.join(cdir, f)
        if os.path.exists(p):
            groups[grp] |= symbols_of(p)
    sample = os.path.join(linux, "out/samples/conduit/conduit_early_consumer.o")
    if os.path.exists(sample):
        groups["test-only"] |= symbols_of(sample)
    split = {"core": 0, "observability": 0, "test-only": 0, "consumers and publishers": 0}
    for r in b["rows"]:
        name = r["symbol"].split(".")[0]
        if name in groups["test-only"] or name.startswith(("conduit_bench", "bench_")):
            split["test-only"] += r["delta"]
        elif name in groups["observability"] or "conduit_debugfs" in name or \
                ("conduit" in name and re.search(r"trace|event|print_fmt|tpstrtab|probestub",
                                                 name)):
            split["observability"] += r["delta"]
        elif name in groups["core"] or "conduit" in name:
            split["core"] += r["delta"]
        else:
            split["consumers and publishers"] += r["delta"]
    b["split"] = split
    b["total_delta"] = sum(split.values())
    b["delta_without_test_only"] = b["total_delta"] - split["test-only"]
    b["delta_without_observability"] = b["delta_without_test_only"] - split["observability"]
    data["bloat"] = {k: v for k, v in b.items() if k != "text"}
    with open(os.path.join(out_dir(build), "bloat-o-meter.txt"), "w") as f:
        f.write(b["text"])

    # The option off: kernel/conduit/ is not built (obj-$(CONFIG_...)), and
    # the consumers' calls go to the stubs in <linux/conduit.h>. Compile each
    # consumer that does not select the option, with it off, and the same
    # file of the base tree with the same command, and compare.
    stubs = {"objects": {}, "error": None,
             "core_built_when_off": "obj-$(CONFIG_FIRMWARE_CONDUIT) += conduit/" not in
             open(os.path.join(linux, "kernel/Makefile")).read()}
    for obj in CONSUMERS:
        src = obj[:-2] + ".c"
        # Same file name length for both, so that __FILE__ strings match.
        paths = {}
        for kind, rev in (("patched", "HEAD"), ("stock", "base")):
            paths[kind] = os.path.join(tmp, kind[0], os.path.basename(src))
            os.makedirs(os.path.dirname(paths[kind]), exist_ok=True)
            with open(paths[kind], "w") as f:
                f.write(subprocess.run(["git", "-C", linux, "show", f"{rev}:{src}"],
                                       capture_output=True, text=True).stdout)
        res = {}
        for kind, path in paths.items():
            dst = os.path.join(tmp, f"off-{kind}-{os.path.basename(obj)}")
            err = recompile(os.path.join(linux, "out"), obj, path, dst, ["FIRMWARE_CONDUIT"])
            if err:
                stubs["error"] = err
                break
            res[kind] = size_of(dst)
            res[kind + "_calls"] = sorted(symbols_undefined(dst))
        if len(res) < 4:
            break
        p, q = res["patched"], res["stock"]
        res.update(delta_text=p["text"] - q["text"],
                   delta_data=p["data"] - q["data"] + p["bss"] - q["bss"],
                   delta_code=p["code"] - q["code"],
                   conduit_refs=[x for x in res["patched_calls"] if "conduit" in x])
        stubs["objects"][obj] = res
    data["stubs"] = stubs
    if full:
        data["full"] = size_full(build)
    save(build, "size", data)
    return 0


def size_full(build):
    """Observability off: both kernels again without debugfs (and so
    without the conduit debugfs file), bloat-o-meter between them."""
    res = {}
    for tree in ("linux", "stock"):
        t = os.path.join(build, tree)
        odir = os.path.join(t, "out-noobs")
        os.makedirs(odir, exist_ok=True)
        conf = open(os.path.join(t, "out/.config")).read()
        conf = re.sub(r"^CONFIG_DEBUG_FS=.*$", "# CONFIG_DEBUG_FS is not set", conf, flags=re.M)
        conf = re.sub(r"^CONFIG_FIRMWARE_CONDUIT_BENCH=.*$",
                      "# CONFIG_FIRMWARE_CONDUIT_BENCH is not set", conf, flags=re.M)
        open(os.path.join(odir, ".config"), "w").write(conf)
        for tgt in (["olddefconfig"], ["vmlinux"]):
            r = kmake(t, odir, *tgt)
            if r.returncode:
                return {"error": r.stderr[-2000:]}
    b = bloat(build, os.path.join(build, "stock/out-noobs/vmlinux"),
              os.path.join(build, "linux/out-noobs/vmlinux"))
    res["bloat_noobs"] = {k: v for k, v in b.items() if k != "text"}
    res["bloat_noobs"]["total_delta"] = sum(r["delta"] for r in b["rows"])
    obj = os.path.join(build, "linux/out-noobs/kernel/conduit/conduit.o")
    res["conduit_o_noobs"] = size_of(obj) if os.path.exists(obj) else None
    return res


# ---------------------------------------------------------------------------
# Report

def fmt(v, unit=""):
    if v is None:
        return "n/a"
    if isinstance(v, float):
        s = f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}" if abs(v) < 1000 else f"{v:.0f}"
    else:
        s = str(v)
    return s + (" " + unit if unit else "")


def lin_note(fit):
    if not fit:
        return ""
    marg = ", ".join(f"{m:.1f}" for m in fit["marginal"])
    return (f"growth exponent over the last decade {fit['last_decade_exponent']:.2f}; "
            f"ns per added item between successive sizes: {marg}")


def figures(build):
    """Every figure as (key, label, value, unit, target text, met or None, note)."""
    figs = []

    def add(key, label, value, unit, target="", met=None, note=""):
        if value is None:
            met = None
        figs.append({"key": key, "label": label, "value": value, "unit": unit,
                     "target": target, "met": met, "note": note})

    k = load(build, "kunit") or {}
    a = load(build, "arm64") or {}
    bo = load(build, "boots") or {}
    sz = load(build, "size") or {}

    # 1. Fast path
    for where, fp, note in (("UML", k.get("fastpath") or {}, "UML, no lockdep/KASAN/might_sleep debug"),
                            ("arm64 TCG", None, "emulated: TCG timings are not hardware timings")):
        if fp is None:
            runs = [r for s in (a.get("boots") or {}).values() for r in s]
            fp = {op: median_of(runs, lambda r, op=op: r["fastpath"].get(op)) for op in FAST_OPS}
            if "CONFIG_DEBUG_ATOMIC_SLEEP" in (a.get("debug_options") or []):
                note += "; DEBUG_ATOMIC_SLEEP on: wait_for_conduit() includes a __might_sleep() call"
        base = fp.get("smp_load_acquire")
        tag = "uml" if where == "UML" else "arm64"
        for op in FAST_OPS:
            v = fp.get(op)
            add(f"fastpath.{tag}.{op}", f"fast path {where}: {op}", v, "ns/call", "",
                None, "includes loop overhead (loop_only)" if op == "loop_only" else "")
        for op in ("conduit_status", "wait_for_conduit", "completion_done", "empty_call"):
            v, ratio = fp.get(op), None
            if v is not None and base:
                ratio = v / base
            target = op in ("conduit_status", "wait_for_conduit")
            add(f"fastpath.{tag}.{op}.ratio", f"fast path {where}: {op} / plain load", ratio, "x",
                "<= 1.05x" if target else "", (ratio <= 1.05 if ratio is not None else False)
                if target and where == "UML" else None, note if target else "")

    if not a.get("disasm"):
        add("objcode", "object code of the fast path (arm64)", None, "",
            "ldar, no RMW, no lock", None, "no arm64 build")
    for func, d in (a.get("disasm") or {}).items():
        if not d:
            add(f"objcode.{func}", f"object code {func}", None, "", "ldar, no RMW, no lock", False,
                "function not found in vmlinux")
            continue
        ok = bool(d["acquire_loads"]) and not d["atomic_rmw"] and not d["fast_path_lock_calls"]
        add(f"objcode.{func}.fast_path_insns", f"object code {func}: fast-path instructions",
            d["fast_path_len"], "insns",
            "ldar, no ldxr/stxr/cas/ldadd/swp, no lock call", ok,
            f"acquire loads {d['acquire_loads']}, atomic RMW {d['atomic_rmw'] or 'none'}, "
            f"calls on fast path {d['fast_path_calls'] or 'none'}")

    # 2. Scaling
    pub, wake = k.get("publish") or {}, k.get("wake") or {}
    for n in PUBLISH_N:
        add(f"publish.n{n}", f"publish, {n} empty callbacks (UML)", pub.get(str(n)), "ns")
    pf = k.get("publish_fit")
    add("publish.per_callback", "publish: per-callback overhead (slope, UML)",
        pf["slope"] if pf else None, "ns", "<= 100 ns", pf["slope"] <= 100 if pf else False)
    add("publish.linearity", "publish: linear (R^2; growth exponent 1000->10000)",
        pf["r2"] if pf else None, "R^2", "R^2 >= 0.99, exponent <= 1.15",
        (pf["r2"] >= 0.99 and (pf["last_decade_exponent"] or 9) <= 1.15) if pf else False,
        lin_note(pf))
    for m in WAKE_M:
        add(f"wake.m{m}", f"wake-up of {m} blocked kthreads, publish to last return (UML)",
            wake.get(str(m)), "ns", "", None,
            f"publish call itself {k.get('wake_publish', {}).get(str(m))} ns")
    wf = k.get("wake_fit")
    add("wake.per_waiter", "wake-up: per-waiter overhead (slope, UML)",
        wf["slope"] if wf else None, "ns", "linear", None,
        "includes a context switch per waiter on UML's one CPU")
    add("wake.linearity", "wake-up: linear (R^2; growth exponent 100->1000)",
        wf["r2"] if wf else None, "R^2", "R^2 >= 0.99, exponent <= 1.15",
        (wf["r2"] >= 0.99 and (wf["last_decade_exponent"] or 9) <= 1.15) if wf else False,
        lin_note(wf))
    # The same kthreads woken by complete_all(): what UML's scheduler costs
    # without the conduit, to tell the two apart.
    base = k.get("wake_baseline") or {}
    for m in WAKE_M:
        b, w = base.get(str(m)), wake.get(str(m))
        add(f"wake.baseline.m{m}", f"baseline: {m} kthreads woken by complete_all() (UML)",
            b, "ns", "", None,
            f"conduit / baseline {w / b:.2f}" if b and w else "")
    bf = k.get("wake_baseline_fit")
    add("wake.baseline.linearity", "baseline: complete_all() wake-up growth exponent 100->1000",
        bf["last_decade_exponent"] if bf else None, "", "", None,
        (f"R^2 {bf['r2']:.3f}; " + lin_note(bf)) if bf else "")

    # 3. Boot latency
    if not a.get("boots"):
        add("boot.publish_to_ffa_init", "boot: pKVM publish -> first host SMC callback", None, "us",
            "<= 50 us", None, "no conduit_bench.run=1 boot")
    for scen, runs in (a.get("boots") or {}).items():
        lat = lambda key: median_of(runs, lambda r: (r["latency"] or {}).get(key))  # noqa: E731
        note = f"median of {len(runs)} boot(s), TCG guest clock; {scen}: {sc.SCENARIOS[scen]['title']}"
        v = lat("publish_to_ffa_init_us")
        add(f"boot.{scen}.publish_to_ffa_init",
            f"boot {scen}: pKVM publish -> first host SMC callback",
            v, "us", "<= 50 us", v <= 50 if v is not None else False, note +
            "; the bench's own highest-priority callback on the host SMC conduit; it"
            " includes the first touches of memory and code right after pKVM takes the"
            " host's privileges away; the same dispatch later in the boot is the"
            " FF-A publish -> first callback figure. FF-A itself is probed again from"
            " the core's work item: see the hand-off figures")
        for key, label in (("publish_to_ffa_callback_end_us",
                            "pKVM publish -> last host SMC callback"),
                           ("publish_to_ffa_publish_us", "pKVM publish -> FF-A conduit published"),
                           ("ffa_publish_to_first_cb_us", "FF-A publish -> its first callback"),
                           ("publish_to_load_uefi_certs_us", "pKVM publish -> load_uefi_certs()")):
            add(f"boot.{scen}.{key[:-3]}", f"boot {scen}: {label}", lat(key), "us", "", None, note)
        st = median_of(runs, lambda r: (r["probe"] or {}).get("ffa_status"))
        add(f"boot.{scen}.ffa_status", f"boot {scen}: FF-A conduit status", st, "", "", None,
            "0 = FF-A up; -95 = no FF-A (QEMU PSCI)")
    st = [r["userspace_s"] for r in bo.get("stock", []) if r["userspace_s"]]
    pa = [r["userspace_s"] for r in bo.get("patched", []) if r["userspace_s"]]
    ms = statistics.median(st) if st else None
    mp = statistics.median(pa) if pa else None
    add("boot.stock_to_init", "boot pkvm: stock, time to /init (median)", ms, "s", "", None,
        f"{len(st)} boots: {st}")
    add("boot.patched_to_init", "boot pkvm: patched, time to /init (median)", mp, "s", "", None,
        f"{len(pa)} boots: {pa}")
    ratio = mp / ms if ms and mp else None
    add("boot.ratio", "boot pkvm: patched / stock time to /init", ratio, "x", "<= 1.02",
        ratio <= 1.02 if ratio else False,
        "TCG guest clock on a shared 2-core host" + ("" if len(st) >= 5 else "; fewer than 5 boots"))

    # Hand-off from pKVM to FF-A, both kernels booted the same way
    ho = bo.get("handoff") or {}
    med = {}
    for kernel in ("stock", "patched"):
        runs = [h for h in ho.get(kernel, []) if h]
        note = f"median of {len(runs)} spmc-pkvm boot(s), TCG guest clock"
        for key, label in (("to_ffa_s", "finalize_pkvm() -> FF-A up"),
                           ("to_partition_s", "finalize_pkvm() -> first partition driver probed")):
            v = statistics.median([h[key] for h in runs]) if runs else None
            med[(kernel, key)] = v
            add(f"handoff.{kernel}.{key[:-2]}", f"hand-off {kernel}: {label}",
                v * 1000 if v is not None else None, "ms", "", None, note)
    for key, label in (("to_ffa_s", "FF-A up"), ("to_partition_s", "first partition probe")):
        s_, p_ = med.get(("stock", key)), med.get(("patched", key))
        ratio = p_ / s_ if s_ and p_ is not None else None
        add(f"handoff.ratio.{key[:-2]}", f"hand-off: patched / stock delay to {label}",
            ratio, "x", "<= 0.1", ratio <= 0.1 if ratio is not None else False)
    runs = [h for h in ho.get("patched", []) if h]
    before = sum(1 for h in runs if h["before_late"])
    add("handoff.patched.before_late", "hand-off patched: boots with FF-A and its partition "
        "drivers up before the first late initcall", before if runs else None, "boots",
        f"all {len(runs)}", before == len(runs) if runs else False)

    # The TPM behind FF-A, tpm-pkvm on both kernels, against stock with
    # IMA_INIT_LATE_SYNC in tpm-latesync-pkvm
    tp = bo.get("tpm") or {}

    def tmed(kernel, key):
        vals = [t[key] for t in tp.get(kernel, []) if t and t.get(key) is not None]
        return statistics.median(vals) if vals else None

    note = "median of tpm-pkvm boots, TCG guest clock"
    s_, p_ = tmed("stock", "to_tpm_s"), tmed("patched", "to_tpm_s")
    add("tpm.stock.finalize_to_tpm", "tpm stock: finalize_pkvm() -> tpm_crb bound",
        s_ * 1000 if s_ is not None else None, "ms", "", None, note)
    add("tpm.patched.finalize_to_tpm", "tpm patched: finalize_pkvm() -> tpm_crb bound",
        p_ * 1000 if p_ is not None else None, "ms", "", None, note)
    ratio = p_ / s_ if s_ and p_ is not None else None
    add("tpm.ratio.finalize_to_tpm", "tpm: patched / stock, finalize_pkvm() -> TPM registered",
        ratio, "x", "< 1", ratio < 1 if ratio is not None else False, note)
    l_, q_ = tmed("latesync", "ima_measured_s"), tmed("patched", "ima_measured_s")
    add("tpm.latesync.ima_measured", "tpm stock IMA_INIT_LATE_SYNC: IMA's first measurement at",
        l_, "s", "", None, "end of security_initcall_late_sync, guest clock from boot")
    add("tpm.patched.ima_measured", "tpm patched: IMA's first measurement at (default level)",
        q_, "s", "", None, "end of security_initcall_late, guest clock from boot")
    ratio = q_ / l_ if l_ and q_ is not None else None
    add("tpm.ratio.ima_measured", "tpm: patched at IMA's default level / stock with "
        "IMA_INIT_LATE_SYNC, time to IMA's first measurement", ratio, "x", "<= 1",
        ratio <= 1 if ratio is not None else False, note)

    # 4. Code size
    objs = sz.get("objects") or {}
    prod = sz.get("production") or {}
    core = prod.get("conduit.o")
    how = ("the test config's compiler command with lockdep, atomic-sleep checks, "
           "tracepoints and debugfs off; debugfs.c is a separate object")
    resident = core["sections"].get(".text") if core else None
    add("size.core.resident_text", "size: core conduit.o .text (resident), production config",
        resident, "bytes", "<= 2048 (no debugfs/tracepoints)",
        resident <= 2048 if resident is not None else False,
        how if core else (prod.get("error") or "")[:300])
    add("size.core.code", "size: core conduit.o code (.text + .init.text), production config",
        core["code"] if core else None, "bytes", "<= 2048 (no debugfs/tracepoints)",
        core["code"] <= 2048 if core else False,
        (f".init.text ({core['sections'].get('.init.text', 0)} B, the initcall deadline) is "
         f"freed after boot; sections {core['sections']}") if core else "")
    tcore = objs.get("conduit.o")
    add("size.core.code_testcfg", "size: core conduit.o code, test config (lockdep, tracepoints)",
        tcore["code"] if tcore else None, "bytes", "", None,
        f"tracepoints {'on' if sz.get('tracepoints') else 'off'}")
    add("size.core.text", "size: core conduit.o text as size -B counts it",
        core["text"] if core else None, "bytes", "", None,
        "code plus rodata, strings, export and initcall tables")
    add("size.core.data", "size: core conduit.o data+bss", core["data"] + core["bss"] if core else None,
        "bytes")
    dbg = prod.get("debugfs.o") or objs.get("debugfs.o")
    add("size.debugfs.code", "size: debugfs.o code (observability)", dbg["code"] if dbg else None,
        "bytes", "", None, "separate object, only with CONFIG_DEBUG_FS")
    bl = sz.get("bloat") or {}
    split = bl.get("split") or {}
    add("size.bloat.total", "bloat-o-meter stock -> patched vmlinux, total", bl.get("total_delta"),
        "bytes", "", None, f"split {split}")
    add("size.bloat.no_test", "bloat-o-meter, without test-only code (observability on)",
        bl.get("delta_without_test_only"), "bytes")
    add("size.bloat.no_obs", "bloat-o-meter, without test-only code and debugfs (observability off)",
        bl.get("delta_without_observability"), "bytes", "", None,
        "debugfs.o and tracepoint symbols subtracted; `make bench-size-full` builds it for real")
    full = sz.get("full")
    if full and full.get("bloat_noobs"):
        add("size.bloat.noobs_built", "bloat-o-meter, kernels built without debugfs",
            full["bloat_noobs"]["total_delta"], "bytes")
    stubs = sz.get("stubs") or {}
    if stubs.get("error") or not stubs.get("objects"):
        add("size.off", "size with CONFIG_FIRMWARE_CONDUIT off", None, "bytes", "0", False,
            (stubs.get("error") or "not measured")[:300])
    else:
        built = stubs.get("core_built_when_off")
        add("size.off.core", "size: core with CONFIG_FIRMWARE_CONDUIT off",
            None if built else 0, "bytes", "0", not built,
            "kernel/Makefile: obj-$(CONFIG_FIRMWARE_CONDUIT) += conduit/, so nothing is built"
            if not built else "kernel/conduit/ is built whatever the option")
        for obj, d in stubs["objects"].items():
            add(f"size.off.{os.path.basename(obj)}",
                f"size: {os.path.basename(obj)}, option off, patched - base",
                d["delta_text"], "bytes text", "0",
                d["delta_text"] == 0 and d["delta_data"] == 0 and not d["conduit_refs"],
                f"data+bss {d['delta_data']:+d}, code {d['delta_code']:+d}; "
                f"references to the core: {d['conduit_refs'] or 'none'}")
    return figs


def step_report(build):
    figs = figures(build)
    w = max(len(f["label"]) for f in figs)
    print(f"\n{'figure':<{w}}  {'value':>14}  {'target':<28} verdict")
    print("-" * (w + 60))
    for f in figs:
        verdict = "" if f["met"] is None else ("met" if f["met"] else "MISSED")
        if f["value"] is None and f["target"]:
            verdict = "NOT MEASURED"
        print(f"{f['label']:<{w}}  {fmt(f['value'], f['unit']):>14}  {f['target']:<28} {verdict}")
        if f["note"]:
            print(f"{'':<{w}}    {f['note']}")
    a = load(build, "arm64") or {}
    for func, d in (a.get("disasm") or {}).items():
        if d:
            print(f"\narm64 object code of {func}() (fast path: first {d['fast_path_len']} "
                  "instructions, to the first ret):")
            print("\n".join("    " + ln for ln in d["listing"]))
    with open(os.path.join(build, "bench.json"), "w") as f:
        json.dump({"figures": figs, "kunit": load(build, "kunit"), "arm64": a,
                   "boots": load(build, "boots"), "size": load(build, "size")}, f, indent=1)
    met = sum(1 for f in figs if f["met"])
    missed = [f["label"] for f in figs if f["met"] is False]
    unmeasured = [f["label"] for f in figs if f["value"] is None]
    print(f"\nbench: {len(figs)} figures, {met} targets met, {len(missed)} missed, "
          f"{len(unmeasured)} not measured; "
          f"written to {os.path.join(build, 'bench.json')}")
    return 0


def step_smoke(build, results):
    """The benchmarks ran: every figure exists and is a positive finite number."""
    step_report(build)
    lines = []
    figs = figures(build)
    for f in figs:
        v = f["value"]
        if f["key"].startswith("size.off") or f["key"].startswith("size.bloat") or \
                f["key"].endswith("ffa_status"):
            ok = isinstance(v, (int, float)) and math.isfinite(v)
            why = "not a finite number"
        elif f["key"].startswith("objcode"):
            ok = f["met"] is True
            why = f["note"]
        else:
            ok = isinstance(v, (int, float)) and math.isfinite(v) and v > 0
            why = f"value {v!r} is not a positive finite number"
        name = f"bench {f['key']}"
        lines.append(f"PASS {name}" if ok else f"FAIL {name} {why}")
    os.makedirs(os.path.dirname(results), exist_ok=True)
    with open(results, "w") as f:
        f.write("\n".join(lines) + "\n")
    fails = [ln for ln in lines if ln.startswith("FAIL")]
    print(f"bench-smoke: {len(lines) - len(fails)} passed, {len(fails)} failed")
    for ln in fails:
        print(ln)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True)
    sub = ap.add_subparsers(dest="step", required=True)
    k = sub.add_parser("kunit")
    k.add_argument("log")
    a = sub.add_parser("arm64")
    a.add_argument("--n", type=int, default=3)
    b = sub.add_parser("boots")
    b.add_argument("--n", type=int, default=5)
    s = sub.add_parser("size")
    s.add_argument("--full", action="store_true")
    sub.add_parser("report")
    sm = sub.add_parser("smoke")
    sm.add_argument("results")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    if args.step == "kunit":
        return step_kunit(build, args.log)
    if args.step == "arm64":
        return step_arm64(build, args.n)
    if args.step == "boots":
        return step_boots(build, args.n)
    if args.step == "size":
        return step_size(build, args.full)
    if args.step == "report":
        return step_report(build)
    return step_smoke(build, args.results)


if __name__ == "__main__":
    sys.exit(main())
