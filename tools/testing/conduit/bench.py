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
  bench.py report         every figure of FIGURES: value, spread, target,
                          PASS or MISS; BUILD/bench.json
  bench.py smoke RESULTS  `make test`: every figure produced, finite

Each step writes BUILD/bench/<step>.json with what it read from the kernel
or the tools; FIGURES, the one table of figures, says how each figure is
computed from them, in its unit, and against which target. Nothing here
judges timing in a test: targets are compared in the report only.
"""

import argparse
import collections
import json
import math
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boot as bt  # noqa: E402
import conduit_common as cc  # noqa: E402
import checks  # noqa: E402
import console  # noqa: E402
import qemu  # noqa: E402
import scenario_table as st  # noqa: E402

CROSS = "aarch64-linux-gnu-"
LINE = re.compile(r"conduit_bench: (.*)$")
FAST_OPS = ["loop_only", "smp_load_acquire", "conduit_status", "wait_for_conduit",
            "completion_done", "empty_call"]
FAST_RATIO_OPS = ["conduit_status", "wait_for_conduit", "completion_done", "empty_call"]
PUBLISH_N = [1, 10, 100, 1000, 10000]
WAKE_M = [1, 10, 100, 1000]
LAT_SCENARIOS = ["spmc-pkvm", "pkvm"]
# The boot-time ratio's kernels boot the same scenario with the same command
# line: no dyndbg= (boot.py's PATCHED_DYNDBG is for the patched timeline
# only), so both consoles print the same kinds of lines.
RATIO_SCENARIO = "pkvm"
RATIO_ROUNDS = 3


def out_dir(build):
    """BUILD/bench, where each step leaves its JSON."""
    d = os.path.join(build, "bench")
    os.makedirs(d, exist_ok=True)
    return d


def save(build, step, data):
    """Write one step's measurements."""
    with open(os.path.join(out_dir(build), step + ".json"), "w") as f:
        json.dump(data, f, indent=1)


def load(build, step):
    """One step's measurements, or None if the step did not run."""
    path = os.path.join(out_dir(build), step + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def read_text(path):
    """A file's text, or "" if it does not exist."""
    if not os.path.exists(path):
        return ""
    with open(path, errors="replace") as f:
        return f.read()


def bench_lines(text):
    """The conduit_bench lines of a console log, prefix removed."""
    out = []
    for raw in text.splitlines():
        m = LINE.search(raw)
        if m:
            out.append(m.group(1).strip())
    return out


def parse_fastpath(lines, where):
    """{operation: [ns per call in each round]} from the fastpath lines."""
    res = {}
    pat = re.compile(rf"^fastpath {where} (\w+) calls=(\d+) ps=([\d,]+)")
    for ln in lines:
        m = pat.match(ln)
        if m:
            res[m.group(1)] = [int(x) / 1000.0 for x in m.group(3).split(",")]
    return res


def enabled_options(config_path, options):
    """Which of OPTIONS are =y in a kernel .config."""
    conf = read_text(config_path)
    return [s for s in options if re.search(rf"^{s}=y", conf, re.M)]


# ---------------------------------------------------------------------------
# Statistics

Stat = collections.namedtuple("Stat", "value spread note", defaults=(None, ""))


def spread_of(vals):
    """Median, and the spread of VALS: min, quartiles, max, count."""
    vals = sorted(v for v in vals if v is not None)
    if not vals:
        return Stat(None)
    if len(vals) == 1:
        return Stat(vals[0], None)
    q = statistics.quantiles(vals, n=4, method="inclusive")
    return Stat(statistics.median(vals),
                {"min": vals[0], "q1": q[0], "q3": q[2], "max": vals[-1], "n": len(vals)})


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


def fit_of(series, xs):
    """linfit() over a {str(x): y} series, None unless every x is there."""
    pts = [(x, series[str(x)]) for x in xs if str(x) in (series or {})]
    if len(pts) != len(xs):
        return None
    return linfit([p[0] for p in pts], [p[1] for p in pts])


# ---------------------------------------------------------------------------
# UML: fast path, publish and wake-up scaling

def parse_scaling(lines):
    """The publish and wake-up lines of the conduit_bench suite, {str(N): ns}."""
    data = {"publish": {}, "wake": {}, "wake_publish": {}, "wake_baseline": {}}
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
    return data


def step_kunit(build, log):
    """Parse the conduit_bench suite's UML log into BUILD/bench/kunit.json."""
    text = read_text(log)
    lines = bench_lines(text)
    data = {"log": log, "fastpath": parse_fastpath(lines, "kunit")}
    data.update(parse_scaling(lines))
    _, results = cc.parse_ktap(text.splitlines())
    data["kunit_ok"] = any(r.depth == 0 and r.name == "conduit_bench" and cc.ktap_passed(r)
                           for r in results)
    data["debug_options"] = enabled_options(
        os.path.join(os.path.dirname(log), ".config"),
        ("CONFIG_PROVE_LOCKING", "CONFIG_DEBUG_ATOMIC_SLEEP", "CONFIG_KASAN",
         "CONFIG_PREEMPT_VOLUNTARY", "CONFIG_PREEMPTION"))
    save(build, "kunit", data)
    print(f"bench: UML: {len(lines)} conduit_bench lines from {log}")
    ok = data["fastpath"] and fit_of(data["publish"], PUBLISH_N) and fit_of(data["wake"], WAKE_M)
    return 0 if ok else 1


# ---------------------------------------------------------------------------
# arm64 under QEMU: fast path and boot latency

def boot_once(build, kernel, scen_name, extra_append, tag, timeout=180):
    """Boot like boot.py, but into BUILD/bench/boots so nothing of the
    harness's own boot records is overwritten."""
    scen = dict(st.SCENARIOS[scen_name])
    scen["append"] = (scen.get("append", "") + " " + extra_append).strip()
    image = bt.kernel_image(build, kernel, scen)
    d = os.path.join(out_dir(build), "boots")
    os.makedirs(d, exist_ok=True)
    base = os.path.join(d, f"{kernel}-{scen_name}-{tag}")
    cmd = qemu.qemu_command(scen, image, build, base)
    text, _, timed_out, wall = qemu.run_qemu(cmd, base + ".log", timeout)
    res = console.parse_log(text)
    console.add_fwlog(res, base + ".fwlog")
    res.update(timed_out=timed_out, wall_seconds=round(wall, 2),
               log=base + ".log", bench=bench_lines(text),
               console_lines=text.count("\n"), append=scen["append"])
    return res


def userspace_ts(res):
    """Guest seconds at which /init reported in."""
    for ts, who, what in res["events"]:
        if who == "userspace":
            return ts
    return None


def parse_boot_probe(res):
    """The bench's "boot k=v ..." line, as integers."""
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
    """The object code of FUNC in the patched vmlinux, analysed."""
    vmlinux = os.path.join(build, "linux/out/vmlinux")
    nm = cc.run([CROSS + "nm", "-S", vmlinux], check=False).stdout
    # GCC may add a suffix (.isra.0) to a static function.
    m = re.search(rf"^([0-9a-f]+) ([0-9a-f]+) [tT] {func}(\.[a-z]+\.\d+)?$", nm, re.M)
    if not m:
        return None
    start, size = int(m.group(1), 16), int(m.group(2), 16)
    out = cc.run([CROSS + "objdump", "-d", "--no-show-raw-insn",
                  f"--start-address={start:#x}", f"--stop-address={start + size:#x}",
                  vmlinux], check=False).stdout
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
    """N conduit_bench.run=1 boots of each latency scenario, and the object
    code of the fast path, into BUILD/bench/arm64.json."""
    fw = os.path.join(build, "firmware", "conduit-fw.bin")
    scens = [s for s in LAT_SCENARIOS if s == "pkvm" or os.path.exists(fw)]
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
    data["debug_options"] = enabled_options(
        os.path.join(build, "linux/out/.config"),
        ("CONFIG_PROVE_LOCKING", "CONFIG_DEBUG_ATOMIC_SLEEP", "CONFIG_TRACEPOINTS",
         "CONFIG_ARM64_LSE_ATOMICS"))
    for func in ("conduit_bench_wait", "conduit_bench_status"):
        data["disasm"][func] = disasm(build, func)
    save(build, "arm64", data)
    return 0


# ---------------------------------------------------------------------------
# Total boot time, stock against patched

def handoff(res):
    """Guest seconds from finalize_pkvm() to FF-A up and to the first FF-A
    partition driver's probe (the echo client), and whether both came
    before the first late initcall."""
    fin = console.start_of(res, "finalize_pkvm")
    up = console.ffa_up_at(res)
    part = console.first_event(res, "ffa_echo", r"echo ok")
    late = res.get("late_level_at")
    if None in (fin, up, part):
        return None
    return {"to_ffa_s": up - fin, "to_partition_s": part - fin,
            "before_late": late is not None and up < late and part < late}


def tpm_times(res):
    """Guest seconds from finalize_pkvm() to tpm_crb bound (the TPM
    registered), and to the end of the initcall in which IMA took its first
    measurement, from one tpm-* boot."""
    fin = console.start_of(res, "finalize_pkvm")
    bound = console.first_event(res, "tpm", checks.TPM_BOUND)
    measured = checks.ima_initcall(res).get("end")
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


def time_boot(build, kernel, i):
    """One boot of RATIO_SCENARIO for the boot-time ratio."""
    res = boot_once(build, kernel, RATIO_SCENARIO, "", f"time{i}")
    print(f"bench: boot {kernel} {i}: /init at {userspace_ts(res)} s, "
          f"{res['console_lines']} console lines")
    return {"userspace_s": userspace_ts(res), "log": res["log"], "wall_s": res["wall_seconds"],
            "console_lines": res["console_lines"], "append": res["append"]}


def step_boots(build, n):
    """Rounds of boots, stock and patched alternated within each round so
    that drift in the machine's load hits both alike: N rounds for the TPM
    and the hand-off figures, RATIO_ROUNDS times N for the boot-time ratio
    (a TCG guest's clock follows the host's, loaded by whatever else runs;
    its boots are short)."""
    data = {"scenario": RATIO_SCENARIO, "stock": [], "patched": [],
            "handoff_scenario": "spmc-pkvm", "handoff": {"stock": [], "patched": []}}
    step_tpm_boots(build, n, data)
    for i in range(n * RATIO_ROUNDS):
        for kernel in ("stock", "patched"):
            data[kernel].append(time_boot(build, kernel, i))
    for i in range(n):
        for kernel in ("stock", "patched"):
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
    b = cc.run([CROSS + "size", "-B", obj], check=False).stdout
    t, d, s = (int(x) for x in b.splitlines()[1].split()[:3])
    a = cc.run([CROSS + "size", "-A", obj], check=False).stdout
    secs = {}
    for ln in a.splitlines():
        f = ln.split()
        if len(f) >= 2 and f[0].startswith(".") and f[1].isdigit():
            secs[f[0]] = int(f[1])
    code = sum(v for k, v in secs.items() if k.startswith((".text", ".init.text", ".exit.text")))
    return {"text": t, "data": d, "bss": s, "code": code, "sections": secs}


def git_show(tree, rev, path):
    """A file's text at REV of the git tree TREE."""
    return cc.git(["show", f"{rev}:{path}"], cwd=tree, check=False).stdout


def bloat(build, old, new):
    """bloat-o-meter between two vmlinux files: its rows and totals."""
    tool = os.path.join(build, "linux/scripts/bloat-o-meter")
    out = cc.run([sys.executable, tool, old, new], check=False).stdout
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
    """Every symbol an object defines or references."""
    nm = cc.run([CROSS + "nm", obj], check=False).stdout
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
    with open(cmdfile) as f:
        line = f.readline()
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
    r = cc.run(["sh", "-c", cmd], cwd=odir, check=False)
    return None if r.returncode == 0 else f"{obj}: {r.stderr[-1500:]}"


def symbols_undefined(obj):
    """The symbols an object calls or reads from elsewhere."""
    nm = cc.run([CROSS + "nm", "-u", obj], check=False).stdout
    return {ln.split()[-1] for ln in nm.splitlines() if ln.split()}


CONSUMERS = ["drivers/firmware/efi/runtime-wrappers.o",
             "security/integrity/platform_certs/load_uefi.o"]


def size_production(linux, tmp):
    """The test config has lockdep, which brings tracepoints in. Compile the
    core again as a production config would have it: the object's own
    compiler command with lockdep, atomic-sleep checks and tracepoints
    switched off after the config header. The core's target is without
    debugfs too: the core only records the publish time for the debugfs
    file, and only with CONFIG_DEBUG_FS."""
    prod = {"undefined": PRODUCTION_OFF, "core_also_undefined": ["DEBUG_FS"]}
    for obj in ("kernel/conduit/conduit.o", "kernel/conduit/debugfs.o"):
        src = os.path.join(linux, obj[:-2] + ".c")
        dst = os.path.join(tmp, "prod-" + os.path.basename(obj))
        undef = PRODUCTION_OFF + (["DEBUG_FS"] if obj.endswith("/conduit.o") else [])
        err = recompile(os.path.join(linux, "out"), obj, src, dst, undef)
        if err:
            prod["error"] = err
        else:
            prod[os.path.basename(obj)] = size_of(dst)
    return prod


def bloat_group(name, groups):
    """Which part of the series a bloat-o-meter symbol belongs to."""
    if name in groups["test-only"] or name.startswith(("conduit_bench", "bench_")):
        return "test-only"
    if name in groups["observability"] or "conduit_debugfs" in name or \
            ("conduit" in name and re.search(r"trace|event|print_fmt|tpstrtab|probestub", name)):
        return "observability"
    if name in groups["core"] or "conduit" in name:
        return "core"
    return "consumers and publishers"


def size_bloat(build, linux, cdir):
    """bloat-o-meter stock -> patched, split by part of the series."""
    b = bloat(build, os.path.join(build, "stock", "out/vmlinux"),
              os.path.join(linux, "out/vmlinux"))
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
        split[bloat_group(r["symbol"].split(".")[0], groups)] += r["delta"]
    b["split"] = split
    b["total_delta"] = sum(split.values())
    b["delta_without_test_only"] = b["total_delta"] - split["test-only"]
    b["delta_without_observability"] = b["delta_without_test_only"] - split["observability"]
    with open(os.path.join(out_dir(build), "bloat-o-meter.txt"), "w") as f:
        f.write(b["text"])
    return {k: v for k, v in b.items() if k != "text"}


def stub_consumer(linux, tmp, obj):
    """One consumer compiled with the option off, patched and stock source
    with the same command: the sizes and what they call."""
    src = obj[:-2] + ".c"
    res = {}
    for kind, rev in (("patched", "HEAD"), ("stock", "base")):
        # Same file name length for both, so that __FILE__ strings match.
        path = os.path.join(tmp, kind[0], os.path.basename(src))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(git_show(linux, rev, src))
        dst = os.path.join(tmp, f"off-{kind}-{os.path.basename(obj)}")
        err = recompile(os.path.join(linux, "out"), obj, path, dst, ["FIRMWARE_CONDUIT"])
        if err:
            return {"error": err}
        res[kind] = size_of(dst)
        res[kind + "_calls"] = sorted(symbols_undefined(dst))
    p, q = res["patched"], res["stock"]
    res.update(delta_text=p["text"] - q["text"],
               delta_data=p["data"] - q["data"] + p["bss"] - q["bss"],
               delta_code=p["code"] - q["code"],
               conduit_refs=[x for x in res["patched_calls"] if "conduit" in x])
    return res


def size_stubs(linux, tmp):
    """The option off: kernel/conduit/ is not built (obj-$(CONFIG_...)), and
    the consumers' calls go to the stubs in <linux/conduit.h>. Compile each
    consumer that does not select the option, with it off, and the same
    file of the base tree with the same command, and compare."""
    stubs = {"objects": {}, "error": None,
             "core_built_when_off": "obj-$(CONFIG_FIRMWARE_CONDUIT) += conduit/" not in
             read_text(os.path.join(linux, "kernel/Makefile"))}
    for obj in CONSUMERS:
        res = stub_consumer(linux, tmp, obj)
        if res.get("error"):
            stubs["error"] = res["error"]
            break
        stubs["objects"][obj] = res
    return stubs


def step_size(build, full):
    """Code size into BUILD/bench/size.json."""
    linux = os.path.join(build, "linux")
    cdir = os.path.join(linux, "out/kernel/conduit")
    data = {"objects": {}}
    for f in sorted(os.listdir(cdir)) if os.path.isdir(cdir) else []:
        if f.endswith(".o") and not f.startswith("."):
            data["objects"][f] = size_of(os.path.join(cdir, f))
    conf = read_text(os.path.join(linux, "out/.config"))
    data["tracepoints"] = bool(re.search(r"^CONFIG_TRACEPOINTS=y", conf, re.M))
    data["debugfs"] = bool(re.search(r"^CONFIG_DEBUG_FS=y", conf, re.M))
    tmp = os.path.join(out_dir(build), "size")
    os.makedirs(tmp, exist_ok=True)
    data["production"] = size_production(linux, tmp)
    data["bloat"] = size_bloat(build, linux, cdir)
    data["stubs"] = size_stubs(linux, tmp)
    data["full"] = size_full(build) if full else None
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
        conf = read_text(os.path.join(t, "out/.config"))
        conf = re.sub(r"^CONFIG_DEBUG_FS=.*$", "# CONFIG_DEBUG_FS is not set", conf, flags=re.M)
        conf = re.sub(r"^CONFIG_FIRMWARE_CONDUIT_BENCH=.*$",
                      "# CONFIG_FIRMWARE_CONDUIT_BENCH is not set", conf, flags=re.M)
        with open(os.path.join(odir, ".config"), "w") as f:
            f.write(conf)
        for tgt in (["olddefconfig"], ["vmlinux"]):
            r = cc.kmake(t, tgt, out=odir)
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
# How each figure is measured: functions of the steps' JSON (D, a dict of
# step name to its data) and the figure's parameters, returning a Stat.

def fast_rounds(d, where):
    """{operation: [ns per call, each round]}: the UML suite's rounds, or
    the rounds of every arm64 run=1 boot."""
    if where == "uml":
        return (d["kunit"] or {}).get("fastpath") or {}
    out = {}
    for runs in ((d["arm64"] or {}).get("boots") or {}).values():
        for r in runs:
            for op, vals in (r.get("fastpath") or {}).items():
                out.setdefault(op, []).extend(vals)
    return out


def fast_ns(d, where, op):
    """Time per call of OP in a timed loop (the loop's own overhead
    included): the median over the rounds."""
    return spread_of(fast_rounds(d, where).get(op) or [])


def fast_ratio(d, where, op):
    """OP against a plain smp_load_acquire() timed in the same round: the
    median of the per-round ratios, so that a drift of the machine's speed
    between rounds cancels."""
    rounds = fast_rounds(d, where)
    pairs = zip(rounds.get(op) or [], rounds.get("smp_load_acquire") or [])
    note = ""
    if where == "arm64" and rounds:
        note = "emulated: TCG timings are not hardware timings"
        if "CONFIG_DEBUG_ATOMIC_SLEEP" in ((d["arm64"] or {}).get("debug_options") or []):
            note += "; DEBUG_ATOMIC_SLEEP on: wait_for_conduit() includes __might_sleep()"
    return spread_of([v / b for v, b in pairs if b])._replace(note=note)


def objcode(d, func):
    """analyse()'s reading of FUNC's arm64 object code, or None."""
    return ((d["arm64"] or {}).get("disasm") or {}).get(func)


def objcode_insns(d, func):
    """Instructions from FUNC's entry to its first ret (the fast path)."""
    c = objcode(d, func)
    return Stat(c["fast_path_len"] if c else None)


def objcode_violations(d, func):
    """What the fast path must not have: no acquire load (counted 1), each
    atomic read-modify-write, each call of a lock or sleep function."""
    c = objcode(d, func)
    if not c:
        return Stat(None)
    bad = (0 if c["acquire_loads"] else 1) + len(c["atomic_rmw"]) + len(c["fast_path_lock_calls"])
    return Stat(bad, None, f"acquire loads {c['acquire_loads']}, atomic RMW "
                f"{c['atomic_rmw'] or 'none'}, calls {c['fast_path_calls'] or 'none'}")


def kunit_ns(d, series, x):
    """One size of a UML scaling series (publish, wake, wake_publish,
    wake_baseline): the suite's mean of its runs, outliers left out."""
    return Stat(((d["kunit"] or {}).get(series) or {}).get(str(x)))


def wake_vs_baseline(d, m):
    """Wake-up of M waiters through the conduit over the same kthreads woken
    by complete_all()."""
    w, b = kunit_ns(d, "wake", m).value, kunit_ns(d, "wake_baseline", m).value
    return Stat(w / b if w and b else None)


SCALING_XS = {"publish": PUBLISH_N, "wake": WAKE_M, "wake_baseline": WAKE_M}


def kunit_fit(d, series, field):
    """FIELD of linfit() over every size of a UML scaling series: slope
    (ns per added item), r2, or last_decade_exponent (1.0 = linear)."""
    fit = fit_of((d["kunit"] or {}).get(series), SCALING_XS[series])
    if not fit:
        return Stat(None)
    marg = ", ".join(f"{m:.1f}" for m in fit["marginal"])
    return Stat(fit[field], None, f"ns per added item between sizes: {marg}")


def lat(d, scen, key):
    """A boot latency (us, boot clock of the TCG guest) of conduit_bench's
    boot line: the median over the run=1 boots of SCEN."""
    runs = ((d["arm64"] or {}).get("boots") or {}).get(scen) or []
    return spread_of([(r["latency"] or {}).get(key) for r in runs])


def ffa_status(d, scen):
    """conduit_status(CONDUIT_FFA) at late_initcall_sync: 0 = FF-A up,
    -19 (ENODEV) = no FF-A (QEMU PSCI)."""
    runs = ((d["arm64"] or {}).get("boots") or {}).get(scen) or []
    return spread_of([(r["probe"] or {}).get("ffa_status") for r in runs])


def boot_runs(d, kernel):
    """The RATIO_SCENARIO boots of KERNEL."""
    return (d["boots"] or {}).get(kernel) or []


def to_init(d, kernel):
    """Guest seconds to /init: the median over the boots."""
    return spread_of([r["userspace_s"] for r in boot_runs(d, kernel)])


def console_lines(d, kernel):
    """Console lines of a boot (the same command line for both kernels)."""
    runs = boot_runs(d, kernel)
    note = f"command line: {runs[0].get('append')!r}" if runs else ""
    return spread_of([r.get("console_lines") for r in runs])._replace(note=note)


def paired_ratio(nums, dens):
    """NUMS[i] / DENS[i], boots of the same round paired: the median of the
    ratios and their spread, so that a drift of the machine's load between
    rounds cancels. Pairs with a missing value are left out."""
    return spread_of([n / m for n, m in zip(nums, dens) if n is not None and m])


def boot_ratio(d):
    """Patched / stock time to /init, each patched boot against the stock
    boot of the same round."""
    return paired_ratio([r["userspace_s"] for r in boot_runs(d, "patched")],
                        [r["userspace_s"] for r in boot_runs(d, "stock")])


def handoff_values(d, kernel, key):
    """KEY of each spmc-pkvm boot of KERNEL, in round order (None where the
    boot gave no hand-off)."""
    runs = ((d["boots"] or {}).get("handoff") or {}).get(kernel, [])
    return [h[key] if h else None for h in runs]


def handoff_ms(d, kernel, key):
    """Guest ms from finalize_pkvm() to FF-A up (to_ffa_s) or to the first
    partition driver's probe (to_partition_s): the median of the boots."""
    return spread_of([v * 1000 for v in handoff_values(d, kernel, key) if v is not None])


def handoff_ratio(d, key):
    """Patched / stock hand-off delay, boots of the same round paired."""
    return paired_ratio(handoff_values(d, "patched", key), handoff_values(d, "stock", key))


def handoff_before_late(d):
    """Share of the patched spmc-pkvm boots with FF-A and its partition
    drivers up before the first late initcall."""
    runs = [h for h in ((d["boots"] or {}).get("handoff") or {}).get("patched", []) if h]
    if not runs:
        return Stat(None)
    return Stat(sum(1 for h in runs if h["before_late"]) / len(runs), None, f"{len(runs)} boots")


def tpm_values(d, kernel, key):
    """KEY (to_tpm_s, ima_measured_s) of each tpm-* boot of KERNEL, in round
    order (None where the boot did not show it)."""
    runs = ((d["boots"] or {}).get("tpm") or {}).get(kernel, [])
    return [t.get(key) if t else None for t in runs]


def tpm_value(d, kernel, key, scale):
    """A tpm-* boot figure times SCALE: the median over the boots."""
    return spread_of([v * scale for v in tpm_values(d, kernel, key) if v is not None])


def tpm_ratio(d, num, den, key):
    """NUM's tpm boots over DEN's, boots of the same round paired."""
    return paired_ratio(tpm_values(d, num, key), tpm_values(d, den, key))


def size_part(d, part):
    """Part of the size step: its dict, or {}."""
    return (d["size"] or {}).get(part) or {}


def core_size(d, config, field):
    """FIELD of the core conduit.o: production (lockdep, tracepoints,
    debugfs off, recompiled) or test config (as built)."""
    core = (size_part(d, "production") if config == "production"
            else size_part(d, "objects")).get("conduit.o")
    if not core:
        return Stat(None, None, (size_part(d, "production").get("error") or "")[:300])
    value = {"resident_text": core["sections"].get(".text"),
             "data": core["data"] + core["bss"]}.get(field, core.get(field))
    return Stat(value, None, f"sections {core['sections']}" if field == "code" else "")


def debugfs_code(d):
    """Code bytes of debugfs.o, only built with CONFIG_DEBUG_FS."""
    dbg = size_part(d, "production").get("debugfs.o") or size_part(d, "objects").get("debugfs.o")
    return Stat(dbg["code"] if dbg else None)


def bloat_delta(d, field):
    """bloat-o-meter stock -> patched vmlinux: total_delta,
    delta_without_test_only, delta_without_observability."""
    b = size_part(d, "bloat")
    return Stat(b.get(field), None, f"split {b['split']}" if b and field == "total_delta" else "")


def bloat_noobs(d):
    """bloat-o-meter of both kernels built without debugfs (size --full)."""
    full = size_part(d, "full")
    return Stat((full.get("bloat_noobs") or {}).get("total_delta"))


def off_core(d):
    """Bytes of the core built with CONFIG_FIRMWARE_CONDUIT off: 0 when
    kernel/Makefile builds kernel/conduit/ only with the option."""
    stubs = size_part(d, "stubs")
    if "core_built_when_off" not in stubs:
        return Stat(None)
    return Stat(None if stubs["core_built_when_off"] else 0)


def off_consumer(d, obj, field):
    """A consumer compiled with the option off, patched - stock: delta_text,
    delta_data (with bss), or conduit_refs (symbols of the core it calls)."""
    stubs = size_part(d, "stubs")
    res = next((v for k, v in (stubs.get("objects") or {}).items()
                if os.path.basename(k) == obj), None)
    if not res:
        return Stat(None, None, (stubs.get("error") or "")[:300])
    v = res[field]
    return Stat(len(v) if isinstance(v, list) else v, None,
                f"refs {v}" if isinstance(v, list) and v else "")


# ---------------------------------------------------------------------------
# The figures. One row each, or one row per value of its parameters (the
# key names them): key, how it is measured, unit, target (None: none), what
# the target is argued from, and what `make test` asks of it: "pos" a
# positive finite number, "any" any finite number, "met" its target met (the
# object code, not a timing), "opt" nothing (only with size --full).

Figure = collections.namedtuple("Figure", "key measure unit target argued smoke params",
                                defaults=(None, "", "pos", {}))

FAST_TARGET = ("the fast path is one acquire load of the conduit's word and a compare; a "
               "consumer asking on a hot path pays at most 5% over the acquire load of a flag "
               "of its own (UML only: TCG timings are emulation)")
LINEAR = ("linear: no added callback or waiter costs more than the last; the exponent also "
          "where R^2 is dominated by the largest size")
OFF = "with the option off, a consumer compiles to what it was before the series"

FIGURES = [
    # 1. Fast path, UML and arm64 under TCG, the operations interleaved
    Figure("fastpath.{where}.{op}", fast_ns, "ns/call", None, "", "pos",
           {"where": ["uml", "arm64"], "op": FAST_OPS}),
    Figure("fastpath.uml.{op}.ratio", fast_ratio, "x", ("<=", 1.05), FAST_TARGET, "pos",
           {"where": ["uml"], "op": ["conduit_status", "wait_for_conduit"]}),
    Figure("fastpath.uml.{op}.ratio", fast_ratio, "x", None, "", "pos",
           {"where": ["uml"], "op": ["completion_done", "empty_call"]}),
    Figure("fastpath.arm64.{op}.ratio", fast_ratio, "x", None, "", "pos",
           {"where": ["arm64"], "op": FAST_RATIO_OPS}),
    Figure("objcode.{func}.fast_path_insns", objcode_insns, "insns", None, "", "pos",
           {"func": ["conduit_bench_wait", "conduit_bench_status"]}),
    Figure("objcode.{func}.violations", objcode_violations, "", ("==", 0),
           "arm64: the fast path is an ldar with no ldxr/stxr/cas/ldadd/swp and no lock call",
           "met", {"func": ["conduit_bench_wait", "conduit_bench_status"]}),
    # 2. Publish and wake-up scaling (UML)
    Figure("publish.n{x}", kunit_ns, "ns", None, "", "pos", {"series": ["publish"], "x": PUBLISH_N}),
    Figure("publish.per_callback", kunit_fit, "ns", ("<=", 100),
           "a callback costs a list step and an indirect call: 10,000 of them in 1 ms", "pos",
           {"series": ["publish"], "field": ["slope"]}),
    Figure("publish.r2", kunit_fit, "R^2", (">=", 0.99), LINEAR, "pos",
           {"series": ["publish"], "field": ["r2"]}),
    Figure("publish.exponent", kunit_fit, "", ("<=", 1.15), LINEAR, "pos",
           {"series": ["publish"], "field": ["last_decade_exponent"]}),
    # No target on the wake-up's growth: the complete_all() baseline, the
    # same kthreads without the conduit, grows as fast on UML's one CPU (the
    # scheduler's cost); the conduit's own share is wake.vs_baseline.
    Figure("wake.r2", kunit_fit, "R^2", None, "", "pos", {"series": ["wake"], "field": ["r2"]}),
    Figure("wake.exponent", kunit_fit, "", None, "", "pos",
           {"series": ["wake"], "field": ["last_decade_exponent"]}),
    Figure("wake.m{x}", kunit_ns, "ns", None, "", "pos", {"series": ["wake"], "x": WAKE_M}),
    Figure("wake.publish_call.m{x}", kunit_ns, "ns", None, "", "pos",
           {"series": ["wake_publish"], "x": WAKE_M}),
    Figure("wake.per_waiter", kunit_fit, "ns", None, "", "pos",
           {"series": ["wake"], "field": ["slope"]}),
    Figure("wake.baseline.m{x}", kunit_ns, "ns", None, "", "pos",
           {"series": ["wake_baseline"], "x": WAKE_M}),
    Figure("wake.baseline.exponent", kunit_fit, "", None, "", "pos",
           {"series": ["wake_baseline"], "field": ["last_decade_exponent"]}),
    Figure("wake.vs_baseline.m{m}", wake_vs_baseline, "x", None, "", "pos", {"m": WAKE_M}),
    # 3. Boot latency, conduit_bench.run=1 boots of the patched kernel. No
    # target: the publish in finalize_pkvm() queues the conduit's work item
    # on system_dfl_wq, and with PREEMPT_LAZY (the test config) the woken
    # kworker preempts the initcalls at the next tick, up to 4 ms at HZ=250,
    # unless the other vCPU takes it; on top come the first touches of code
    # and memory after pKVM took the host's privileges away, emulated by
    # TCG. The 50 us once asked of publish_to_ffa_init is below the
    # scheduler's granularity and was argued from nothing a consumer needs.
    # What consumers need, their callbacks run before the late initcalls,
    # is handoff.patched.before_late.
    Figure("boot.{scen}.{key}", lat, "us", None, "", "pos",
           {"scen": LAT_SCENARIOS,
            "key": ["publish_to_ffa_init_us", "publish_to_ffa_callback_end_us"]}),
    Figure("boot.spmc-pkvm.{key}", lat, "us", None, "", "pos",
           {"scen": ["spmc-pkvm"], "key": ["publish_to_ffa_publish_us",
                                            "ffa_publish_to_first_cb_us"]}),
    Figure("boot.{scen}.{key}", lat, "us", None, "", "pos",
           {"scen": LAT_SCENARIOS, "key": ["publish_to_load_uefi_certs_us"]}),
    Figure("boot.{scen}.ffa_status", ffa_status, "", None, "", "any", {"scen": LAT_SCENARIOS}),
    # 4. Boot time, stock against patched, same scenario and command line
    Figure("boot.{kernel}.to_init", to_init, "s", None, "", "pos",
           {"kernel": ["stock", "patched"]}),
    Figure("boot.{kernel}.console_lines", console_lines, "lines", None, "", "pos",
           {"kernel": ["stock", "patched"]}),
    Figure("boot.ratio", boot_ratio, "x", ("<=", 1.02),
           "the series adds a few initcalls and one work item to a boot without FF-A; more "
           "than 2% would mean that something waits"),
    # 5. Hand-off from pKVM to FF-A, spmc-pkvm on both kernels
    Figure("handoff.{kernel}.{key}", handoff_ms, "ms", None, "", "pos",
           {"kernel": ["stock", "patched"], "key": ["to_ffa_s", "to_partition_s"]}),
    Figure("handoff.ratio.{key}", handoff_ratio, "x", ("<=", 0.1),
           "the series' point: FF-A probed when pKVM publishes, not after deferred probing at "
           "late_initcall; an order of magnitude sooner", "pos",
           {"key": ["to_ffa_s", "to_partition_s"]}),
    Figure("handoff.patched.before_late", handoff_before_late, "share", (">=", 1),
           "every boot: FF-A and its partition drivers up for the late initcalls (IMA)"),
    # 6. A TPM behind FF-A, tpm-pkvm, and stock with IMA_INIT_LATE_SYNC
    Figure("tpm.{kernel}.finalize_to_tpm", tpm_value, "ms", None, "", "pos",
           {"kernel": ["stock", "patched"], "key": ["to_tpm_s"], "scale": [1000]}),
    Figure("tpm.ratio.finalize_to_tpm", tpm_ratio, "x", ("<", 1),
           "patched registers the TPM sooner after finalize_pkvm() than stock", "pos",
           {"num": ["patched"], "den": ["stock"], "key": ["to_tpm_s"]}),
    Figure("tpm.{kernel}.ima_measured", tpm_value, "s", None, "", "pos",
           {"kernel": ["latesync", "patched"], "key": ["ima_measured_s"], "scale": [1]}),
    Figure("tpm.ratio.ima_measured", tpm_ratio, "x", ("<=", 1),
           "IMA at its default level, patched, measures no later than stock moved to "
           "late_initcall_sync (the alternative the series avoids)", "pos",
           {"num": ["patched"], "den": ["latesync"], "key": ["ima_measured_s"]}),
    # 7. Code size
    Figure("size.core.{field}", core_size, "bytes", ("<=", 2048),
           "a production kernel (no lockdep, tracepoints, debugfs) pays at most 2 KiB of code "
           "for the core", "pos", {"config": ["production"], "field": ["resident_text", "code"]}),
    Figure("size.core.{field}", core_size, "bytes", None, "", "pos",
           {"config": ["production"], "field": ["text", "data"]}),
    Figure("size.core.code_testcfg", core_size, "bytes", None, "", "pos",
           {"config": ["test"], "field": ["code"]}),
    Figure("size.debugfs.code", debugfs_code, "bytes", None),
    Figure("size.bloat.{field}", bloat_delta, "bytes", None, "", "any",
           {"field": ["total_delta", "delta_without_test_only", "delta_without_observability"]}),
    Figure("size.bloat.noobs_built", bloat_noobs, "bytes", None, "", "opt"),
    Figure("size.off.core", off_core, "bytes", ("==", 0), OFF, "any"),
    Figure("size.off.{obj}.{field}", off_consumer, "", ("==", 0), OFF, "any",
           {"obj": [os.path.basename(c) for c in CONSUMERS],
            "field": ["delta_text", "delta_data", "conduit_refs"]}),
]

COMPARE = {"<=": lambda v, t: v <= t, "<": lambda v, t: v < t,
           ">=": lambda v, t: v >= t, "==": lambda v, t: v == t}


def expand(fig):
    """(key, params) for every combination of FIG's parameters."""
    combos = [{}]
    for name, values in fig.params.items():
        combos = [dict(c, **{name: v}) for c in combos for v in values]
    for c in combos:
        names = dict(c)
        if "key" in c:
            # The figure's key without the unit of the step's field.
            names["key"] = re.sub(r"_(us|s)$", "", c["key"])
        yield fig.key.format(**names), c


def verdict(fig, value):
    """PASS, MISS, or "" for a figure without target or value."""
    if fig.target is None or value is None:
        return ""
    op, bound = fig.target
    return "PASS" if COMPARE[op](value, bound) else "MISS"


def figures(build):
    """Every figure of FIGURES measured: dicts of key, value, spread, unit,
    target, verdict, note, smoke, measure."""
    d = {step: load(build, step) for step in ("kunit", "arm64", "boots", "size")}
    out = []
    for fig in FIGURES:
        for key, params in expand(fig):
            m = fig.measure(d, **params)
            out.append({"key": key, "value": m.value, "spread": m.spread, "unit": fig.unit,
                        "target": " ".join(map(str, fig.target)) if fig.target else "",
                        "argued": fig.argued, "verdict": verdict(fig, m.value),
                        "note": m.note, "smoke": fig.smoke, "measure": fig.measure.__name__})
    return out


# ---------------------------------------------------------------------------
# Report

def fmt(v, unit=""):
    """A value for the table: three significant places or so, and its unit."""
    if v is None:
        return "n/a"
    if isinstance(v, float):
        s = f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}" if abs(v) < 1000 else f"{v:.0f}"
    else:
        s = str(v)
    return s + (" " + unit if unit else "")


def fmt_spread(sp):
    """Spread as "q1-q3 [min-max] nN": the middle half, the range, how many."""
    if not sp:
        return ""
    return (f"{fmt(sp['q1'])}-{fmt(sp['q3'])} [{fmt(sp['min'])}-{fmt(sp['max'])}] "
            f"n{sp['n']}")


def print_table(figs):
    """One line per figure: key, value, spread, target, PASS/MISS; the
    note, if any, indented below."""
    w = max(len(f["key"]) for f in figs)
    print(f"\n{'figure':<{w}}  {'value':>16}  {'spread: IQR [min-max] n':<32} "
          f"{'target':<10} verdict")
    print("-" * (w + 72))
    for f in figs:
        v = f["verdict"] or ("NOT MEASURED" if f["target"] and f["value"] is None else "")
        print(f"{f['key']:<{w}}  {fmt(f['value'], f['unit']):>16}  "
              f"{fmt_spread(f['spread']):<32} {f['target']:<10} {v}")
        if f["note"]:
            print(f"{'':<{w}}    {f['note']}")


def print_targets():
    """What each target is argued from, once per argument."""
    seen = []
    for fig in FIGURES:
        if fig.target and fig.argued not in seen:
            seen.append(fig.argued)
            print(f"  {fig.key} {' '.join(map(str, fig.target))}: {fig.argued}")


def print_objcode(a):
    """The arm64 listing of each fast-path function."""
    for func, d in (a.get("disasm") or {}).items():
        if d:
            print(f"\narm64 object code of {func}() (fast path: first {d['fast_path_len']} "
                  "instructions, to the first ret):")
            print("\n".join("    " + ln for ln in d["listing"]))


def step_report(build):
    """Print every figure against its target; write BUILD/bench.json."""
    figs = figures(build)
    print_table(figs)
    print("\ntargets, argued from:")
    print_targets()
    a = load(build, "arm64") or {}
    print_objcode(a)
    with open(os.path.join(build, "bench.json"), "w") as f:
        json.dump({"figures": figs, "kunit": load(build, "kunit"), "arm64": a,
                   "boots": load(build, "boots"), "size": load(build, "size")}, f, indent=1)
    count = collections.Counter(f["verdict"] for f in figs)
    unmeasured = sum(1 for f in figs if f["value"] is None)
    print(f"\nbench: {len(figs)} figures, {count['PASS'] + count['MISS']} with a target: "
          f"{count['PASS']} PASS, {count['MISS']} MISS; {unmeasured} not measured; "
          f"written to {os.path.join(build, 'bench.json')}")
    return 0


def smoke_line(f):
    """PASS or FAIL for one figure in `make test`: produced, and finite."""
    v = f["value"]
    finite = isinstance(v, (int, float)) and math.isfinite(v)
    if f["smoke"] == "opt":
        return None
    if f["smoke"] == "met":
        ok, why = f["verdict"] == "PASS", f["note"] or "not measured"
    elif f["smoke"] == "any":
        ok, why = finite, "not a finite number"
    else:
        ok, why = finite and v > 0, f"value {v!r} is not a positive finite number"
    return f"PASS bench {f['key']}" if ok else f"FAIL bench {f['key']} {why}"


def step_smoke(build, results):
    """The benchmarks ran: every figure exists and is a finite number."""
    step_report(build)
    lines = [ln for ln in map(smoke_line, figures(build)) if ln]
    os.makedirs(os.path.dirname(results), exist_ok=True)
    with open(results, "w") as f:
        f.write("\n".join(lines) + "\n")
    fails = [ln for ln in lines if ln.startswith("FAIL")]
    print(f"bench-smoke: {len(lines) - len(fails)} passed, {len(fails)} failed")
    for ln in fails:
        print(ln)
    return 0


def main():
    """Command line: one step of `make bench`."""
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True)
    sub = ap.add_subparsers(dest="step", required=True)
    sub.add_parser("kunit").add_argument("log")
    sub.add_parser("arm64").add_argument("--n", type=int, default=3)
    sub.add_parser("boots").add_argument("--n", type=int, default=5)
    sub.add_parser("size").add_argument("--full", action="store_true")
    sub.add_parser("report")
    sub.add_parser("smoke").add_argument("results")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    steps = {"kunit": lambda: step_kunit(build, args.log),
             "arm64": lambda: step_arm64(build, args.n),
             "boots": lambda: step_boots(build, args.n),
             "size": lambda: step_size(build, args.full),
             "report": lambda: step_report(build),
             "smoke": lambda: step_smoke(build, args.results)}
    return steps[args.step]()


if __name__ == "__main__":
    sys.exit(main())
