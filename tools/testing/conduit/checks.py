# SPDX-License-Identifier: GPL-2.0
"""The boot checks, each defined once: a function named after the check.

A check takes a boot record (console.parse_log() plus what boot.run() adds:
kernel, scenario, log, timed_out, smc_origins) and returns (ok, why). Its
docstring says what it reads and what it asserts; @check gives it the label
its PASS/FAIL line carries. scenario_table.SCENARIOS names the checks of
each scenario; which kernel a check applies to is in its name and only
there (applies()): stock_* on the stock kernel, patched_* on the patched
kernel, every other check on each kernel its scenario boots.

judge() runs the generic checks of every boot, then the scenario's own.
"""

import collections
import hashlib
import re

import console
import scenario_table as st
from console import ffa_up_at, first_event, start_of

Check = collections.namedtuple("Check", "name label function")
CHECKS = {}


def check(label):
    """Register the decorated function as the check of its name, printed
    as LABEL in PASS/FAIL lines."""
    def register(fn):
        assert fn.__name__ not in CHECKS, fn.__name__
        CHECKS[fn.__name__] = Check(fn.__name__, label, fn)
        return fn
    return register


def applies(name, kernel):
    """Whether check NAME runs on KERNEL ("stock" or "patched")."""
    for k in st.KERNELS:
        if name.startswith(k + "_"):
            return kernel == k
    return True


def judge(scen, kernel, res):
    """[(label, ok, why)]: the generic checks of every boot (no timeout,
    userspace reached, no kernel splat), then each check of SCEN that
    applies to KERNEL, in the table's order."""
    out = []
    if res["timed_out"]:
        out.append(("boots without hanging", False, "timed out"))
    out.append(("reaches userspace", res["userspace"], "/init never ran"))
    out.append(("no panic, WARN, BUG or lockdep report", not res["fatal"],
                "; ".join(res["fatal"][:3])))
    for name in scen.get("checks", []):
        if applies(name, kernel):
            c = CHECKS[name]
            ok, why = c.function(res)
            out.append((c.label, ok, why))
    return out


def scenario_checks(scen, kernel):
    """The names of SCEN's own checks that run on KERNEL."""
    return [n for n in scen.get("checks", []) if applies(n, kernel)]


# ---------------------------------------------------------------------------
# Helpers over the boot record

def conduit_row(res, name, table="conduit_debugfs"):
    """The debugfs row of a conduit, split: name gatekeeper state status
    published_ns callbacks waiters devices. TABLE names the dump:
    the one at /init's start, or one /init took later (conduit_unbound,
    conduit_rebound, conduit_before_modules)."""
    for r in res.get(table) or []:
        f = r.split()
        if f and f[0] == name:
            return f
    return None


def ready_zero(row):
    """A debugfs row of a conduit that is ready with status 0."""
    return row is not None and len(row) > 3 and row[2] == "ready" and row[3] == "0"


def show_row(row):
    return " ".join(row) if row else "no row"


def log_kernel_lines(res):
    """(time, text) of every kernel line of the boot's console log."""
    return console.kernel_lines(console.read_text(res["log"])) if "log" in res else []


def first_line(lines, pattern, after=None):
    """(time, text) of the first of LINES matching PATTERN at or after
    AFTER; (None, None) when there is none."""
    pat = re.compile(pattern)
    for ts, text in lines:
        if (after is None or ts >= after) and pat.search(text):
            return ts, text
    return None, None


def ffa_els(res):
    """The ELs the test firmware saw FF-A calls from."""
    return {c["el"] for c in res.get("ffa_calls", [])}


# Lockdep prints its banner without a log level, so it lands at the default
# level (KERN_WARNING) on every PROVE_LOCKING kernel; and kvm-arm.mode=nvhe
# makes the idreg override code report, at warning level, that it forced
# VH off. Both kernels print these. Nothing else is excused.
BENIGN_WARNINGS = re.compile(
    r"^(Lock dependency validator: |\.\.\. (MAX_LOCK|CLASSHASH_SIZE|CHAINHASH_SIZE)|"
    r" memory used (by lock dependency info|for stack traces): |"
    r" per task-struct memory footprint: |"
    r"CPU features: SYS_ID_AA64MMFR1_EL1\[11:8\]: forced to 0$)")


def warnings(res, excuse_known=True):
    """Kernel log records at KERN_WARNING or worse, less lockdep's banner
    and (unless excuse_known is false) the scenario's documented
    known_warnings."""
    known = [re.compile(p) for p in
             st.SCENARIOS.get(res.get("scenario"), {}).get("known_warnings", [])
             if excuse_known]
    return [w for w in res["kmsg_warn_lines"]
            if not BENIGN_WARNINGS.match(w) and not any(k.match(w) for k in known)]


# ---------------------------------------------------------------------------
# pKVM and the conduit order

@check("pKVM initialises")
def pkvm_up(res):
    """Reads the kvm timeline events. Asserts pKVM's "Protected ... mode
    initialized successfully" line is there."""
    ok = first_event(res, "kvm", r"Protected .* initialized successfully") is not None
    return ok, "no 'Protected ... mode initialized successfully' line"


@check("pKVM reserves no memory: KVM fails before installing at EL2")
def pkvm_failed_before_install(res):
    """Reads the kvm events and kvm_arm_init()'s return. Asserts pKVM could
    not reserve its memory ("Failed to register hyp memblocks"),
    kvm_arm_init() returned an error and KVM never came up: init_hyp_mode()
    failed before anything was installed at EL2."""
    reserve = first_event(res, "kvm", r"Failed to register hyp memblocks") is not None
    ret = res["initcalls"].get("kvm_arm_init", {}).get("ret")
    up = first_event(res, "kvm", r"initialized successfully") is not None
    return (reserve and ret is not None and ret < 0 and not up,
            f"hyp memblocks refused: {reserve}, kvm_arm_init returned {ret}, KVM up: {up}")


@check("FF-A comes up only from deferred_probe_initcall, after load_uefi_certs")
def stock_ffa_probes_at_late_initcall(res):
    """Reads the FF-A core's "Driver version" line and the initcalls of
    finalize_pkvm, load_uefi_certs and deferred_probe_initcall. Asserts
    7.3's order: FF-A defers until pKVM is initialised, and nothing
    re-probes it before deferred_probe_initcall(): finalize_pkvm() returns <
    load_uefi_certs() < deferred_probe_initcall() < FF-A up."""
    up = ffa_up_at(res)
    fin = res["initcalls"].get("finalize_pkvm", {}).get("end")
    dpi, uefi = start_of(res, "deferred_probe_initcall"), start_of(res, "load_uefi_certs")
    why = f"FF-A up at {up}, finalize_pkvm returned at {fin}, " \
          f"load_uefi_certs at {uefi}, deferred_probe_initcall at {dpi}"
    if None in (up, fin, dpi, uefi):
        return False, why
    return fin < uefi < dpi < up, why


@check("finalize_pkvm -> FF-A proxy conduit -> FF-A conduit -> load_uefi_certs")
def patched_conduit_order(res):
    """Reads the initcalls and the conduit core's "final, status" lines.
    Asserts each step is there and they come in this order: finalize_pkvm
    starts, the FF-A proxy conduit is published 0, the FF-A conduit is
    published, load_uefi_certs starts."""
    steps = [
        ("finalize_pkvm starts", start_of(res, "finalize_pkvm")),
        ("FF-A proxy conduit published", first_event(res, "conduit", r"ffa-proxy: final, status 0")),
        ("FF-A conduit published", first_event(res, "conduit", r"\bffa: final, status")),
        ("load_uefi_certs starts", start_of(res, "load_uefi_certs")),
    ]
    missing = [name for name, ts in steps if ts is None]
    if missing:
        return False, "missing: " + ", ".join(missing)
    times = [ts for _, ts in steps]
    if times != sorted(times):
        return False, "order: " + ", ".join(f"{n}@{t}" for n, t in steps)
    return True, ""


@check("no kernel warnings")
def patched_no_warnings(res):
    """Reads /init's kmsg-warnings count and its kmsg-warn lines. Asserts
    /init reported the count, the count equals the lines parsed, and every
    line is benign (lockdep's banner, nVHE's forced VH) or one of the
    scenario's known_warnings."""
    if res["kmsg_warnings"] is None:
        return False, "/init did not report the warning count"
    if res["kmsg_warnings"] != len(res["kmsg_warn_lines"]):
        return False, (f"/init counted {res['kmsg_warnings']} warnings but "
                       f"{len(res['kmsg_warn_lines'])} kmsg-warn lines were parsed")
    found = warnings(res)
    return not found, f"{len(found)} warnings: " + " | ".join(found[:3])


def ready_early(res, name, line):
    """Conduit NAME ready with status 0 (debugfs), and its publisher's LINE
    before efisubsys_init(), the first initcall of the timeline that makes
    EFI variable calls: nobody was held back."""
    f = conduit_row(res, name)
    if not f or len(f) < 4:
        return False, f"no {name} row in /sys/kernel/debug/firmware_conduit"
    at, efi = first_event(res, "conduit", line), start_of(res, "efisubsys_init")
    ok = ready_zero(f) and at is not None and efi is not None and at < efi
    return ok, " ".join(f) + f" (published at {at}, efisubsys_init at {efi})"


@check("without protected mode the FF-A proxy conduit is ready before efisubsys_init()")
def patched_ffa_proxy_ready_early(res):
    """Reads the ffa-proxy debugfs row and the conduit core's lines. Asserts
    it is ready with status 0 and was published before efisubsys_init()."""
    return ready_early(res, "ffa-proxy", r"ffa-proxy: final, status 0")


@check("without pKVM the FF-A conduit is ready before efisubsys_init()")
def patched_ffa_ready_early(res):
    """Reads the ffa debugfs row and the conduit core's lines. Asserts it is
    ready with status 0 and was published before efisubsys_init()."""
    return ready_early(res, "ffa", r"\bffa: final, status 0")


@check("FF-A up, its conduit published, then its partition drivers probed, "
       "all before the first late initcall")
def patched_ffa_before_late_initcalls(res):
    """Reads FF-A's "Driver version", the FF-A conduit's "final, status 0",
    the echo partition's "echo ok" and the start of the late level. Asserts
    FF-A up <= published <= echo probed < late level: under pKVM the echo
    partition driver stands in for a TPM IMA must find at its default level."""
    up, late = ffa_up_at(res), res.get("late_level_at")
    pub = first_event(res, "conduit", r"\bffa: final, status 0")
    echo = first_event(res, "ffa_echo", r"echo ok")
    why = (f"FF-A up at {up}, its conduit published at {pub}, echo partition probed at "
           f"{echo}, late level at {late}")
    if None in (up, pub, late, echo):
        return False, why
    return up <= pub <= echo < late, why


@check("the FF-A proxy conduit is published 0: nothing traps")
def patched_ffa_proxy_ready(res):
    """Reads the ffa-proxy debugfs row. Asserts it is ready with status 0."""
    row = conduit_row(res, "ffa-proxy")
    return ready_zero(row), f"ffa-proxy: {show_row(row)}"


@check("the FF-A conduit reports the firmware's failure")
def patched_ffa_failure_reported(res):
    """Reads the ffa debugfs row. Asserts its state is "failed"."""
    row = conduit_row(res, "ffa")
    if not row:
        return False, "no ffa row in /sys/kernel/debug/firmware_conduit"
    return row[2] == "failed", show_row(row)


# ---------------------------------------------------------------------------
# FF-A calls, the echo partition, deferral

@check("every FF-A call reaches EL3 through pKVM at EL2")
def ffa_through_pkvm(res):
    """Reads the test firmware's call log. Asserts every FF-A call came
    from EL2, and there was at least one."""
    els = ffa_els(res)
    return els == {2}, f"FF-A calls reached EL3 from {sorted(els) or 'nowhere'}"


@check("every FF-A call reaches EL3 from EL1, no hypervisor")
def patched_ffa_straight_to_el3(res):
    """Reads the test firmware's call log. Asserts every FF-A call came
    from EL1, and there was at least one."""
    els = ffa_els(res)
    return els == {1}, f"FF-A calls reached EL3 from {sorted(els) or 'nowhere'}"


def echo_is_ok(res):
    """The last ffa_echo result starts with "echo ok"."""
    echo = res.get("echo") or ""
    return echo.startswith("echo ok"), f"echo: {echo or 'no ffa_echo line'}"


@check("the echo round trip succeeds")
def echo_ok(res):
    """Reads the echo client's last "ffa_echo:" line. Asserts it starts
    with "echo ok"."""
    return echo_is_ok(res)


@check("the echo round trip succeeds")
def patched_echo_ok(res):
    """Reads the echo client's last "ffa_echo:" line. Asserts it starts
    with "echo ok" (the patched kernel: 7.3 never probes FF-A here)."""
    return echo_is_ok(res)


@check("the echo client reports the firmware's BUSY")
def patched_echo_reports_failure(res):
    """Reads the echo client's last "ffa_echo:" line. Asserts it reports a
    failure."""
    echo = res.get("echo") or ""
    return "fail" in echo.lower(), f"echo: {echo or 'no ffa_echo line'}"


@check("arm-ffa is still deferred when userspace starts")
def stock_ffa_deferred_forever(res):
    """Reads /init's dump of devices_deferred. Asserts /init could read it
    and arm-ffa is in it."""
    if res["deferred"] is None:
        return False, "/init could not read devices_deferred"
    ffa = [d for d in res["deferred"] or [] if d.split()[0] == "arm-ffa"]
    return bool(ffa), f"devices_deferred: {res['deferred'] or 'empty'}"


@check("no device is left deferred when userspace starts")
def patched_nothing_deferred(res):
    """Reads /init's dump of devices_deferred. Asserts /init could read it
    and it is empty."""
    if res["deferred"] is None:
        return False, "/init could not read devices_deferred"
    return not res["deferred"], f"devices_deferred: {res['deferred']}"


@check("arm-ffa unbinds and binds again from sysfs")
def ffa_rebinds(res):
    """Reads /init's "rebind:" results. Asserts unbind and bind each
    returned 7, the bytes written (len("arm-ffa"))."""
    rb = res.get("rebind") or {}
    return (rb.get("unbind") == 7 and rb.get("bind") == 7,
            f"unbind returned {rb.get('unbind')}, bind returned {rb.get('bind')}")


@check("the echo partition works before and after the rebind")
def echo_ok_after_rebind(res):
    """Reads every "ffa_echo:" line. Asserts exactly two, both "echo ok"."""
    echoes = res.get("echoes") or []
    ok = len(echoes) == 2 and all(e.startswith("echo ok") for e in echoes)
    return ok, f"echo results: {echoes or 'none'}"


@check("the FF-A conduit stays ready (0) while unbound and after")
def patched_ffa_conduit_kept(res):
    """Reads the ffa rows of /init's dumps while unbound and after the
    rebind. Asserts both are ready with status 0."""
    rows = {t: conduit_row(res, "ffa", t) for t in ("conduit_unbound", "conduit_rebound")}
    ok = all(ready_zero(r) for r in rows.values())
    return ok, "; ".join(f"{t}: {show_row(r)}" for t, r in rows.items())


# ---------------------------------------------------------------------------
# FF-A as modules

@check("FF-A as a module: its conduit is ungated, ready (0)")
def ffa_conduit_ready_without_driver(res):
    """Reads the ffa row /init dumped before loading the modules. Asserts
    it is ready with status 0 and ungated."""
    row = conduit_row(res, "ffa", "conduit_before_modules")
    return ready_zero(row) and row[1] == "ungated", f"before the modules: {show_row(row)}"


@check("with FF-A as a module under pKVM, finalize_pkvm() warns that EFI is not held back")
def patched_ffa_module_warned(res):
    """Reads /init's kmsg-warn lines. Asserts finalize_pkvm()'s warning that
    FF-A is a module (scenario_table.FFA_MODULE_WARNING) is among them."""
    hits = [w for w in res["kmsg_warn_lines"] if re.match(st.FFA_MODULE_WARNING, w)]
    return bool(hits), hits[0] if hits else "no warning from finalize_pkvm()"


@check("/init loads ffa-core, ffa-module, ffa_echo and tpm_crb_ffa")
def ffa_modules_load(res):
    """Reads /init's "module:" results. Asserts ffa-core, ffa-module,
    ffa_echo and tpm_crb_ffa were loaded and every finit_module() returned 0."""
    mods = res.get("modules") or {}
    ok = ({"ffa-core", "ffa-module", "ffa_echo", "tpm_crb_ffa"} <= set(mods)
          and all(v == 0 for v in mods.values()))
    return ok, f"finit_module: {mods or 'nothing loaded'}"


# ---------------------------------------------------------------------------
# The test-only early consumer

@check("an early_initcall consumer sees the FF-A conduit pending")
def early_consumer_sees_ffa_pending(res):
    """Reads the early consumer's lines. Asserts it saw
    conduit_status(ffa) = -11 (-EAGAIN, pending)."""
    hit = first_event(res, "early_consumer", r"conduit_status\(ffa\) = -11 ")
    return hit is not None, "no 'conduit_status(ffa) = -11' line from the early consumer"


@check("early wait gets -EDEADLK and the boot goes on")
def early_consumer_edeadlk(res):
    """Reads the early consumer's lines. Asserts that its wait from an
    early initcall of the init task for the FF-A proxy conduit, which only a
    later initcall publishes, was refused at once with -EDEADLK."""
    hit = first_event(res, "early_consumer",
                      r"^conduit_early_consumer: wait_for_conduit\(ffa-proxy\) = -35 \(-EDEADLK\)")
    return hit is not None, "no 'wait_for_conduit(ffa-proxy) = -35 (-EDEADLK)' line"


@check("a wait before the scheduler runs is refused with -EDEADLK")
def early_param_wait_refused(res):
    """Reads the early consumer's lines and /init's kmsg-warn lines.
    Asserts a wait from an early_param, before the scheduler runs, was
    refused with -EDEADLK, and a warning names the caller
    (conduit_early_wait)."""
    hit = first_event(res, "early_consumer",
                      r"early_param: wait_for_conduit\(ffa-proxy\) = -35 \(-EDEADLK\)")
    warned = [w for w in res["kmsg_warn_lines"]
              if "wait before the scheduler runs" in w and "conduit_early_wait" in w]
    return hit is not None and bool(warned), f"line at {hit}, warnings naming the caller: {warned[:1]}"


EFI_NOT_READY = (1 << 63) | 6
EFIVAR_LINE = re.compile(r"^conduit_early_consumer: (init task|kthread): get_next_variable = "
                         r"0x([0-9a-f]+), ffa conduit (-?\d+) before, (-?\d+) after")


def efivar_calls(res):
    """{who: (time, status, ffa conduit before, after)} of the consumer's
    EFI variable calls."""
    out = {}
    for ts, who, what in res["events"]:
        m = EFIVAR_LINE.match(what) if who == "early_consumer" else None
        if m:
            out[m.group(1)] = (ts, int(m.group(2), 16), int(m.group(3)), int(m.group(4)))
    return out


@check("an init-task variable call while FF-A is pending gets EFI_NOT_READY")
def efivar_init_task_not_ready(res):
    """Reads the early consumer's init-task get_next_variable line. Asserts
    it got EFI_NOT_READY with the FF-A conduit pending (-11)."""
    c = efivar_calls(res).get("init task")
    ok = c is not None and c[1] == EFI_NOT_READY and c[2] == -11
    return ok, f"init task: {c or 'no line'}"


@check("a kthread's variable call returns only after FF-A publishes")
def efivar_kthread_waited(res):
    """Reads the early consumer's kthread get_next_variable line and the
    FF-A conduit's publication. Asserts the call succeeded (0), was made
    while FF-A was pending (-11), saw it final afterwards, and returned at
    or after the publication."""
    c = efivar_calls(res).get("kthread")
    published = first_event(res, "conduit", r"\bffa: final, status")
    ok = (c is not None and published is not None and c[1] == 0 and c[2] == -11 and
          c[3] != -11 and c[0] >= published)
    return ok, f"kthread: {c or 'no line'}, FF-A conduit published at {published}"


@check("without pKVM variable calls succeed at once, conduit ready")
def efivar_calls_at_once(res):
    """Reads both of the early consumer's get_next_variable lines. Asserts
    there are two, each succeeded (0) with the FF-A conduit ready (0)."""
    calls = efivar_calls(res)
    ok = len(calls) == 2 and all(c[1] == 0 and c[2] == 0 for c in calls.values())
    return ok, f"{calls or 'no lines'}"


SECUREBOOT_LINE = re.compile(r"^conduit_early_consumer: secureboot: (subsys|device): "
                             r"arch_get_secureboot\(\) = (\d+), ffa conduit (-?\d+) before, "
                             r"(-?\d+) after$")


@check("secure boot mode asked while FF-A is pending: a refused read "
       "is not cached, a read that can wait gets the firmware's mode")
def secureboot_not_unknown(res):
    """Reads the early consumer's two secureboot lines and integrity's
    "secureboot mode" lines. Asserts both asks came while the FF-A conduit
    was pending (-11): right after efisubsys_init(), where EFI refuses the
    read and the mode comes out "unknown", and after finalize_pkvm(), where
    the read waits for the conduit core's re-probe of FF-A and sees it
    final (0). There are two mode lines, the first "unknown" (not cached),
    the last not "unknown"."""
    modes = [w for _, who, w in res["events"]
             if who == "integrity" and w.startswith("integrity: secureboot mode")]
    asks = {m.group(1): m for _, who, w in res["events"]
            if who == "early_consumer" and (m := SECUREBOOT_LINE.match(w))}
    sub, dev = asks.get("subsys"), asks.get("device")
    why = (f"mode lines {modes}, subsys: {sub.group(0) if sub else 'no line'}, "
           f"device: {dev.group(0) if dev else 'no line'}")
    ok = (sub is not None and dev is not None and int(sub.group(3)) == -11 and
          int(dev.group(3)) == -11 and int(dev.group(4)) == 0 and len(modes) == 2 and
          modes[0] == "integrity: secureboot mode unknown" and
          modes[-1] != "integrity: secureboot mode unknown")
    return ok, why


# ---------------------------------------------------------------------------
# OP-TEE (optee-*)

@check("the FF-A core finds the SPMC")
def ffa_found_spmc(res):
    """Reads the FF-A core's lines. Asserts "Firmware version X.Y found"."""
    ok = first_event(res, "arm_ffa", r"Firmware version \d+\.\d+ found") is not None
    return ok, "no 'ARM FF-A: Firmware version ... found' line"


@check("OP-TEE's FF-A driver probes")
def optee_ready(res):
    """Reads the optee driver's lines. Asserts "initialized driver"."""
    ok = first_event(res, "optee", r"initialized driver") is not None
    return ok, "no 'optee: initialized driver' line (the OP-TEE FF-A driver did not probe)"


@check("a TEE request (session, value and shared-memory invoke) succeeds")
def tee_request_ok(res):
    """Reads /init's "tee:" lines. Asserts the first is "tee: ok"."""
    tee = [m for m in res["init_lines"] if m.startswith("tee: ")]
    if not tee:
        return False, "/init found no TEE (/sys/class/tee/tee0)"
    return tee[0].startswith("tee: ok"), tee[0]


@check("once pKVM is up every host SMC reaches EL3 through EL2")
def host_smc_through_pkvm(res):
    """Reads the SMC origins from QEMU's -d int log. Asserts host SMCs were
    trapped to EL2, EL2 made SMCs to EL3, and no host SMC from EL1 reached
    EL3 once pKVM trapped them."""
    o = res.get("smc_origins")
    if not o:
        return False, "no QEMU -d int log to read the SMC origins from"
    ok = (o["host_trapped_to_el2"] > 0 and o["el2_to_el3"] > 0
          and o["host_el1_to_el3_after_trap"] == 0)
    return ok, ", ".join(f"{k} {v}" for k, v in o.items())


def spmd_calls_named(res, call):
    return [c for c in res.get("spmd_calls", []) if c["call"] == call]


def reclaim_errors(res):
    """The OP-TEE driver's reports of failed reclaims: on the console, and
    as /init read them from /dev/kmsg (a console line can be broken up by
    userspace output, a kmsg record cannot)."""
    console_lines = [e[2] for e in res["events"] if e[1] == "optee" and "mem_reclaim" in e[2]]
    kmsg = [w for w in res["kmsg_warn_lines"] if w.startswith("optee: mem_reclaim")]
    return sorted(set(console_lines) | set(kmsg))


# OP-TEE's answer to a normal-world FFA_MEM_RETRIEVE_REQ (SMC64)
OPTEE_NO_RETRIEVE = "Unhandled FFA function ID 0xc4000074"


@check("every FFA_MEM_SHARE is reclaimed with FFA_MEM_RECLAIM")
def ffa_mem_reclaimed(res):
    """Reads the optee driver's reclaim errors, /init's tee lines and (with
    SECURE_WORLD_TRACE=1) the SPMD's calls. Asserts shared memory comes
    back: no failed reclaim after /init registered, used and released its
    buffer, a successful TEE request, and one successful FFA_MEM_RECLAIM per
    successful FFA_MEM_SHARE when the SPMD log is there."""
    errors = reclaim_errors(res)
    if errors or not any(m.startswith("tee: ok") for m in res["init_lines"]):
        return False, "; ".join(errors[:2]) or "no successful TEE request"
    if res.get("spmd_calls"):
        shared = [c for c in res["spmd_calls"] if c["call"].startswith("FFA_MEM_SHARE")
                  and c["result"] == "FFA_SUCCESS"]
        reclaimed = [c for c in spmd_calls_named(res, "FFA_MEM_RECLAIM")
                     if c["result"] == "FFA_SUCCESS"]
        if len(reclaimed) != len(shared):
            return False, f"{len(shared)} FFA_MEM_SHARE, {len(reclaimed)} FFA_MEM_RECLAIM"
    return True, ""


@check("known limit: FFA_MEM_RECLAIM fails, OP-TEE refuses pKVM's FFA_MEM_RETRIEVE_REQ (README)")
def pkvm_reclaim_refused(res):
    """Reads the optee driver's reclaim errors, OP-TEE's log (BOOT.secure.log)
    and the SPMD's calls. Asserts the documented state: pKVM's
    do_ffa_mem_reclaim() first asks the SPMC for the region with a
    hypervisor FFA_MEM_RETRIEVE_REQ, OP-TEE 4.10's S-EL1 SPMC does not
    handle it, and the host's reclaim fails: failed reclaims are reported,
    OP-TEE logged OPTEE_NO_RETRIEVE, and no FFA_MEM_RECLAIM reached the SPMC."""
    errors = reclaim_errors(res)
    refused = console.read_text(console.log_of(res, ".secure.log")).count(OPTEE_NO_RETRIEVE)
    stale = (" : update secure-world/README.md and the optee-pkvm known_warnings"
             " if reclaim works now")
    if not errors:
        return False, "no failed reclaim reported by the OP-TEE driver" + stale
    if not refused:
        return False, (f"{len(errors)} failed reclaims but no '{OPTEE_NO_RETRIEVE}'"
                       " in OP-TEE's log" + stale)
    if spmd_calls_named(res, "FFA_MEM_RECLAIM"):
        return False, "an FFA_MEM_RECLAIM reached the SPMC" + stale
    return True, ""


# ---------------------------------------------------------------------------
# The TPM behind FF-A (tpm-*): tpm_crb over tpm_crb_ffa, the test SPMC's TPM
# service partition relaying to swtpm, described by ACPI tables that our
# UEFI application installs. tpm_crb's ACPI driver registers as
# "tpm_crb_acpi" in 7.3; its probe registers tpm0 before driver_bound()
# reports the bind.
TPM_BOUND = r"driver: 'tpm_crb_acpi': driver_bound: bound to device"
IMA_BYPASS = r"No TPM chip found, activating TPM-bypass"
ZERO_DIGEST = "0" * 64


def boot_aggregate(res):
    """IMA's first measurement, from /init's dump of
    ascii_runtime_measurements: (name, algorithm, digest hex), or None."""
    for line in res.get("ima_measurements") or []:
        f = line.split()
        if len(f) >= 5 and f[4].startswith("boot_aggregate"):
            algo, _, digest = f[3].partition(":")
            return f[4], algo, digest.lower()
    return None


def expected_boot_aggregate(pcrs):
    """ima_calc_boot_aggregate() on the SHA-256 bank: SHA-256 over PCRs
    0-9 as read back; None when a PCR is missing."""
    if any(str(i) not in pcrs for i in range(10)):
        return None
    return hashlib.sha256(b"".join(bytes.fromhex(pcrs[str(i)]) for i in range(10))).hexdigest()


def ima_initcall(res):
    """The LSM initcall that runs init_ima(): security_initcall_late, or
    with IMA_INIT_LATE_SYNC (its first measurement is then named
    boot_aggregate_late) security_initcall_late_sync."""
    agg = boot_aggregate(res)
    late = agg is not None and agg[0] == "boot_aggregate_late"
    return res["initcalls"].get("security_initcall_late" + ("_sync" if late else ""), {})


def tpm_timeline(res):
    """(tpm_crb bound, IMA's initcall start, TPM-bypass line, why)."""
    bound, ima = first_event(res, "tpm", TPM_BOUND), ima_initcall(res).get("start")
    bypass = first_event(res, "ima", IMA_BYPASS)
    return bound, ima, bypass, (f"tpm_crb bound at {bound}, IMA's initcall at {ima}, "
                                f"late level at {res.get('late_level_at')}, "
                                f"TPM-bypass at {bypass}, first measurement {boot_aggregate(res)}")


@check("ACPI boot from UEFI: PSCI from the FADT, TPM2 table and SSDT installed")
def uefi_acpi_boot(res):
    """Reads the acpi lines. Asserts the kernel booted with ACPI from our
    UEFI: PSCI probed from ACPI (the FADT), and the TPM2 table and the SSDT
    that the UEFI application installed are listed."""
    psci = first_event(res, "acpi", r"psci: probing for conduit method from ACPI")
    tpm2, ssdt = first_event(res, "acpi", r"^ACPI: TPM2 "), first_event(res, "acpi", r"^ACPI: SSDT ")
    return None not in (psci, tpm2, ssdt), f"PSCI from ACPI {psci}, TPM2 {tpm2}, SSDT {ssdt}"


def ima_in_bypass(res):
    """IMA finds no TPM at its initcall: TPM-bypass and an all-zero
    boot_aggregate; the TPM registers later or never."""
    bound, ima, bypass, why = tpm_timeline(res)
    agg = boot_aggregate(res)
    ok = (bypass is not None and agg is not None and set(agg[2]) == {"0"}
          and (bound is None or ima is None or bound > ima))
    return ok, why


@check("IMA finds no TPM at its initcall: TPM-bypass, zero boot_aggregate, tpm_crb bound later")
def stock_ima_tpm_bypass(res):
    """Reads IMA's and tpm_crb's lines and /init's dump of IMA's
    measurements. Asserts IMA's TPM-bypass line, an all-zero
    boot_aggregate, and tpm_crb bound after IMA's initcall started or never."""
    return ima_in_bypass(res)


@check("IMA finds no TPM at its initcall: TPM-bypass, zero boot_aggregate")
def ima_tpm_bypass(res):
    """Reads IMA's and tpm_crb's lines and /init's dump of IMA's
    measurements. Asserts IMA's TPM-bypass line, an all-zero
    boot_aggregate, and tpm_crb bound after IMA's initcall started or never."""
    return ima_in_bypass(res)


@check("tpm_crb bound before IMA's initcall and before the late initcalls")
def patched_tpm_before_ima(res):
    """Reads tpm_crb's driver_bound line, IMA's initcall and the late level.
    Asserts tpm_crb bound (the TPM registered) before IMA's initcall started
    and before the first late initcall."""
    bound, ima, _, why = tpm_timeline(res)
    late = res.get("late_level_at")
    return None not in (bound, ima, late) and bound < ima and bound < late, why


def ima_measured_with_tpm(res, name):
    """IMA measured with the TPM: no bypass, a SHA-256 first measurement
    NAME equal to SHA-256 over PCRs 0-9 as read back, PCR 0 extended by the
    firmware (so the aggregate is not that of all-zero PCRs), PCR 10
    extended."""
    _, _, bypass, why = tpm_timeline(res)
    agg, pcrs = boot_aggregate(res), res.get("pcrs") or {}
    want = expected_boot_aggregate(pcrs)
    zeros = expected_boot_aggregate({str(i): ZERO_DIGEST for i in range(10)})
    ok = (bypass is None and agg is not None and agg[0] == name and agg[1] == "sha256"
          and want is not None and agg[2] == want and want != zeros
          and pcrs.get("0", ZERO_DIGEST) != ZERO_DIGEST
          and pcrs.get("10", ZERO_DIGEST) != ZERO_DIGEST)
    return ok, (f"{why}; expected {want}, PCR0 {pcrs.get('0')}, PCR10 {pcrs.get('10')}")


@check("IMA measures with the TPM: boot_aggregate = SHA-256(PCR0..9), "
       "PCR0 extended by firmware, PCR10 by IMA, no bypass")
def patched_ima_boot_aggregate(res):
    """Reads IMA's lines and /init's dumps of IMA's measurements and the
    PCRs. Asserts no TPM-bypass, a sha256 boot_aggregate equal to SHA-256
    over PCRs 0-9 as read back, not that of all-zero PCRs, PCR 0 and PCR 10
    extended."""
    return ima_measured_with_tpm(res, "boot_aggregate")


@check("IMA_INIT_LATE_SYNC: boot_aggregate_late = SHA-256(PCR0..9)")
def latesync_ima_boot_aggregate(res):
    """As patched_ima_boot_aggregate, for the first measurement that
    IMA_INIT_LATE_SYNC names boot_aggregate_late."""
    return ima_measured_with_tpm(res, "boot_aggregate_late")


@check("built-in tpm_crb probes without the modular tpm_crb_ffa and fails with -ETIME")
def tpm_crb_fails_without_ffa(res):
    """Reads the tpm lines. Asserts tpm_crb_acpi's probe failed with -62
    (-ETIME): the CRB's locality request, without FF-A's TPM_START, is
    never granted."""
    fail = first_event(res, "tpm", r"probe with driver tpm_crb_acpi failed with error -62")
    return fail is not None, f"tpm_crb_acpi probe failed with -ETIME at {fail}"


@check("tpm_crb never binds")
def tpm_never_bound(res):
    """Reads the tpm lines. Asserts no driver_bound line of tpm_crb_acpi."""
    bound, _, _, why = tpm_timeline(res)
    return bound is None, why


# ---------------------------------------------------------------------------
# EFI variables under pKVM (efivar-*)

def efivar_ssdt_load(res):
    """The efivar_ssdt load: (time of "loading SSDT from variable", time of
    ACPICA's header line of the loaded table, the SSDT error lines)."""
    lines = log_kernel_lines(res)
    at, _ = first_line(lines, rf"^efi: loading SSDT from variable "
                              rf"{st.EFIVAR_SSDT}-{st.EFIVAR_GUID}$")
    # acpi_load_table(): "Host-directed Dynamic ACPI Table Load:", then
    # acpi_tb_install_standard_table() prints the table's header: "ACPI: "
    # and the rest as a continuation, which a line from another CPU can
    # cut off into a record of its own (seen on the patched kernel, whose
    # load runs beside the FF-A partitions' probes).
    dyn, _ = first_line(lines, r"^ACPI: Host-directed Dynamic ACPI Table Load:$", at)
    header = rf"^(ACPI: )?SSDT 0x[0-9A-F]+ [0-9A-F]+ \(v\d\d CONDUT {st.EFIVAR_SSDT_TABLE_ID} "
    table, _ = first_line(lines, header, dyn)
    errors = [t for _, t in lines if re.search(r"failed to load SSDT|efivar_ssdt:", t)]
    # conduit-acpi.efi -v does not install it: not among the boot's tables
    early, text = first_line(lines, header)
    if early is not None and (table is None or early < at):
        errors.append(f"a firmware table: {text}")
    return at, table, errors


@check(f"efivar_ssdt= loads the SSDT in {st.EFIVAR_SSDT}: ACPICA loads "
       f"'{st.EFIVAR_SSDT_TABLE_ID}', no SSDT errors")
def efivar_ssdt_loaded(res):
    """Reads every kernel line of the console log (also glued ones).
    Asserts efivar_ssdt= found our variable and ACPICA loaded its table
    after that, with no SSDT error; the firmware did not install the
    table itself."""
    at, table, errors = efivar_ssdt_load(res)
    ok = at is not None and table is not None and not errors
    return ok, (f"'loading SSDT from variable {st.EFIVAR_SSDT}-{st.EFIVAR_GUID}' at {at}, "
                f"dynamic load of SSDT '{st.EFIVAR_SSDT_TABLE_ID}' at {table}, "
                f"errors: {errors[:2] or 'none'}")


@check(f"the loaded SSDT's device is enumerated ({st.EFIVAR_SSDT_HID}:00)")
def efivar_ssdt_device(res):
    """Reads every kernel line of the console log. Asserts the ACPI scan
    enumerated the table's device after the load: a platform device for its
    _HID (dyndbg on acpi_create_platform_device)."""
    _, table, _ = efivar_ssdt_load(res)
    dev, line = first_line(log_kernel_lines(res),
                           rf"created platform device {st.EFIVAR_SSDT_HID}:00$", table)
    ok = table is not None and dev is not None
    return ok, (f"table loaded at {table}, "
                f"{line or f'no {st.EFIVAR_SSDT_HID}:00 platform device'}" +
                (f" at {dev}" if dev is not None else ""))


@check("the SSDT is loaded from efisubsys_init()")
def stock_efivar_ssdt_from_efisubsys_init(res):
    """Reads the efivar_ssdt load and efisubsys_init()'s initcall. Asserts
    the load came while efisubsys_init() ran."""
    at, _, _ = efivar_ssdt_load(res)
    efi = res["initcalls"].get("efisubsys_init", {})
    ok = None not in (at, efi.get("start"), efi.get("end")) and efi["start"] <= at <= efi["end"]
    return ok, f"loaded at {at}, efisubsys_init {efi.get('start')}..{efi.get('end')}"


@check("the SSDT is loaded once the FF-A conduit is published, after efisubsys_init()")
def patched_efivar_ssdt_after_ffa(res):
    """Reads the efivar_ssdt load, efisubsys_init()'s return and the FF-A
    conduit's publication. Asserts the load waits for FF-A: it comes after
    efisubsys_init() has returned and after the FF-A conduit is published
    (status 0)."""
    at, _, _ = efivar_ssdt_load(res)
    end = res["initcalls"].get("efisubsys_init", {}).get("end")
    pub = first_event(res, "conduit", r"\bffa: final, status 0")
    ok = None not in (at, end, pub) and end < at and pub <= at
    return ok, f"loaded at {at}, efisubsys_init returned at {end}, FF-A conduit published at {pub}"


@check("the SPMC answers hyp_ffa_post_init()'s FFA_ID_GET, and so the "
       f"host's FF-A negotiation, after {st.NEGOTIATE_SLOW_MS} ms")
def ffa_negotiation_slowed(res):
    """Reads the test firmware's call log (BOOT.fwlog). Asserts one
    NEGOTIATE_SLOW, for FFA_ID_GET from EL2, the first FF-A call after
    pKVM's own FFA_VERSION (hyp_ffa_init()) and followed on its CPU by
    FFA_FEATURES(RXTX_MAP64) (hyp_ffa_post_init()); its answer came at
    least the delay later."""
    calls = console.read_fwlog(console.log_of(res, ".fwlog"))
    if calls is None:
        return False, "no firmware log"
    slow = [i for i, c in enumerate(calls) if c["call"] == "NEGOTIATE_SLOW"]
    if len(slow) != 1:
        return False, f"{len(slow)} NEGOTIATE_SLOW lines"
    i = slow[0]
    ffa = [c for c in calls[:i] if c["call"].startswith("FFA_")]
    rest = [c for c in calls[i + 1:] if c["cpu"] == calls[i]["cpu"]]
    what = f"NEGOTIATE_SLOW({calls[i]['args']})"
    if not ffa or ffa[-1]["call"] != "FFA_VERSION" or ffa[-1]["el"] != 2:
        last = [(c["call"], c["el"]) for c in ffa[-1:]]
        return False, f"{what}: the FF-A call before it is not pKVM's FFA_VERSION: {last}"
    if len(rest) < 2 or rest[0]["call"] != "FFA_ID_GET" or rest[0]["el"] != 2 or \
            rest[1]["call"] != "FFA_FEATURES" or not rest[1]["args"].startswith("0xc4000066,"):
        return False, f"{what}: not followed by FFA_ID_GET, FFA_FEATURES(RXTX_MAP64) from EL2"
    waited = (rest[0]["t"] - calls[i]["t"]) / 1000
    return waited >= st.NEGOTIATE_SLOW_MS, f"{what}: FFA_ID_GET answered after {waited:.0f} ms"


@check("the re-probe barrier gives up after 1 s and the FF-A conduit is "
       "published after the late level begins")
def patched_ffa_pending_at_late_level(res):
    """Reads every kernel line, the late level and the FF-A conduit's
    publication. Asserts the fault's effect: FF-A is re-probed, the barrier
    before the late initcalls gives up 1 to 1.5 s later (so jiffies went
    on), the late level begins after that, and the FF-A conduit is
    published only after the late level has begun.

    The lower bound allows 10 ms: the 1 s starts when the init task reaches
    the barrier, which can be just before the re-probe worker prints its
    line, and the wait counts whole jiffies (4 ms at HZ=250). Measured:
    0.9992 s once (fresh-clone run of 2026-12-08), 1.013 and 1.023 s in
    the two runs before."""
    lines = log_kernel_lines(res)
    start, _ = first_line(lines, r"^platform arm-ffa: probing again, its firmware conduit is final$")
    gave_up, _ = first_line(lines, st.REPROBE_STILL_RUNS)
    late = res.get("late_level_at")
    pub = first_event(res, "conduit", r"\bffa: final, status")
    ok = (None not in (start, gave_up, late, pub) and 0.99 <= gave_up - start < 1.5 and
          gave_up <= late < pub)
    return ok, (f"FF-A re-probed from {start}, the barrier gave up at {gave_up}, "
                f"late level at {late}, FF-A conduit published at {pub}")
