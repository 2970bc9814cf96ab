# SPDX-License-Identifier: GPL-2.0
"""The boot scenarios: how each one runs QEMU and what it must show.

A scenario is a dict:
  title      one line for humans
  machine    QEMU -M options
  cpu        QEMU -cpu
  append     extra kernel command line
  kernels    which kernels run it (default: stock and patched)
  firmware   None: QEMU's built-in PSCI; a fault mode of the conduit test
             firmware ("none" = SPMC present, "absent", "version-refused",
             "version-major", "busy", "slow"); or "edk2"
  matrix     the row the scenario fills in the boot matrix, (mode, firmware)
  checks     names of scenario checks, see CHECKS below
  timeout    seconds (default 120)
"""

import os

import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
FIRMWARE_DIR = os.path.join(HERE, "firmware")
EDK2 = "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd"

COMMON_APPEND = "console=ttyAMA0 initcall_debug ignore_loglevel panic=-1 printk.time=1"

MODES = {
    "pkvm": ("virtualization=on", "kvm-arm.mode=protected"),
    "nvhe": ("virtualization=on", "kvm-arm.mode=nvhe"),
    "el1": ("virtualization=off", ""),
}
MODE_TITLES = {"pkvm": "pKVM protected", "nvhe": "KVM nVHE", "el1": "EL1, no EL2"}
FIRMWARE_TITLES = {
    None: "QEMU PSCI (no FF-A)",
    "none": "test SPMC",
    "absent": "test firmware, FF-A absent",
    "version-refused": "SPMC refuses FFA_VERSION",
    "version-major": "SPMC with FF-A v2.0",
    "busy": "SPMC answers BUSY",
    "slow": "SPMC answers slowly",
    "edk2": "EDK2 (UEFI)",
}
FIRMWARE_SHORT = {None: "qemu", "none": "spmc", "absent": "nospmc", "edk2": "edk2"}


def _scenario(mode, firmware, **extra):
    virt, append = MODES[mode]
    gic = "gic-version=3"
    secure = ",secure=on" if firmware not in (None, "edk2") else ""
    checks = []
    # An SPMC that reports FF-A v2.0 makes pKVM's hyp_ffa_init() fail, and
    # with it KVM: there pKVM is expected not to come up.
    if mode == "pkvm" and firmware != "version-major":
        checks.append("pkvm_up")
    if firmware == "none":
        checks += ["stock_ffa_probes_at_late_initcall" if mode == "pkvm" else None,
                   "ffa_through_pkvm" if mode == "pkvm" else None,
                   "echo_ok"]
    if firmware in ("absent", "version-refused", "version-major") and mode == "pkvm":
        checks.append("patched_ffa_failure_reported")
    # KVM fails under protected mode: 7.3 defers FF-A for good.
    if mode == "pkvm" and firmware == "version-major":
        checks += ["stock_ffa_deferred_forever", "patched_nothing_deferred"]
    elif firmware == "busy":
        checks.append("patched_echo_reports_failure")
    elif firmware == "slow":
        checks.append("echo_ok")
    if firmware in (None, "none", "edk2"):
        checks.append("patched_no_warnings")
    if mode == "pkvm" and firmware in ("none", "edk2", None):
        checks.append("patched_conduit_order")
    if mode == "pkvm" and firmware == "none":
        checks.append("patched_ffa_before_late_initcalls")
    if mode != "pkvm":
        checks += ["patched_host_smc_ready_early", "patched_ffa_ready_early"]
    scen = {
        "title": f"{MODE_TITLES[mode]}, {FIRMWARE_TITLES[firmware]}",
        "machine": f"virt{secure},{virt},{gic}",
        "append": append,
        "firmware": firmware,
        "matrix": (mode, firmware),
        "checks": [c for c in checks if c],
    }
    scen.update(extra)
    return scen


SCENARIOS = {}
for _mode in MODES:
    for _fw in (None, "none", "absent"):
        _name = _mode if _fw is None else f"{FIRMWARE_SHORT[_fw]}-{_mode}"
        SCENARIOS[_name] = _scenario(_mode, _fw)
for _fault in ("version-refused", "version-major", "busy", "slow"):
    SCENARIOS[f"{_fault}-pkvm"] = _scenario("pkvm", _fault)
for _mode in MODES:
    SCENARIOS[f"edk2-{_mode}"] = _scenario(_mode, "edk2", timeout=240)
SCENARIOS["early-consumer"] = {
    "title": "pKVM with a test-only consumer waiting from an early initcall",
    "machine": "virt,virtualization=on,gic-version=3",
    "append": "kvm-arm.mode=protected conduit_early_consumer.enable=1",
    "firmware": None,
    "kernels": ["patched"],
    "checks": ["early_consumer_sees_ffa_pending", "early_consumer_edeadlk"],
}


# printk lines worth a place on the timeline, besides the actors' initcalls.
EVENT_PATTERNS = [
    ("conduit", re.compile(r"^conduit: ")),
    ("kvm", re.compile(r"kvm \[\d+\]: .*((Protected|nVHE|VHE|Hyp).*(initialized|mode)|conduit)")),
    ("arm_ffa", re.compile(r"^(ARM FF-A|arm_ffa|ffa)[: ]", re.I)),
    ("ffa_echo", re.compile(r"^ffa_echo: ")),
    ("early_consumer", re.compile(r"^conduit_early_consumer: ")),
    ("integrity", re.compile(r"^(integrity|load_uefi|UEFI|platform_certs)[: ]|platform keyring")),
    ("ima", re.compile(r"^ima: ")),
    ("efi", re.compile(r"^efi: (?!.*memattr)")),
]


class ScenarioError(Exception):
    """A scenario's inputs are missing; the scenario fails, the matrix goes on."""


def qemu_command(scen, image, build, base):
    """The QEMU command line; BASE is the path prefix for per-boot files."""
    fw = scen.get("firmware")
    cpu = scen.get("cpu", "max,lpa2=off,pauth-impdef=on")
    append = (COMMON_APPEND + " " + scen.get("append", "")).strip()
    cmd = ["qemu-system-aarch64", "-M", scen["machine"], "-cpu", cpu,
           "-smp", "2", "-m", "1G", "-nographic", "-no-reboot", "-nic", "none"]
    if fw is None:
        return cmd + ["-kernel", image, "-append", append]
    if fw == "edk2":
        # acpi=off: EDK2 then installs the device tree instead of ACPI tables.
        cmd[2] += ",acpi=off"
        return cmd + ["-bios", EDK2, "-kernel", image, "-append", append]
    # The conduit test firmware: it enters the kernel itself, with the DTB
    # that mkdtb.sh derives from QEMU's own board DTB.
    dtb = base + ".dtb"
    firmware = os.path.join(build, "firmware", "conduit-fw.bin")
    if not os.path.exists(firmware):
        raise ScenarioError(f"no test firmware at {firmware}: run 'make firmware'")
    subprocess.run([os.path.join(FIRMWARE_DIR, "mkdtb.sh"), "-o", dtb, "-b", append,
                    "-M", scen["machine"], "-c", cpu, "-m", "1G", "-s", "2"], check=True,
                   capture_output=True, text=True)
    return ["qemu-system-aarch64", "-M", scen["machine"], "-cpu", cpu, "-smp", "2",
            "-m", "1G", "-display", "none", "-monitor", "none", "-nic", "none",
            "-serial", "stdio", "-serial", "null", "-bios", firmware,
            "-device", f"loader,file={image},addr=0x40200000,force-raw=on",
            "-device", f"loader,file={dtb},addr=0x48000000,force-raw=on",
            "-semihosting-config", "enable=on,target=native",
            "-fw_cfg", f"name=opt/conduit/fault,string={fw}",
            "-fw_cfg", "name=opt/conduit/log,string=console"]


def initcall_order(res):
    calls = res["initcalls"]
    return sorted((a for a in calls if "start" in calls[a]), key=lambda a: calls[a]["start"])


def first_event(res, who, pattern=None):
    pat = re.compile(pattern) if pattern else None
    for ts, w, what in res["events"]:
        if w == who and (pat is None or pat.search(what)):
            return ts
    return None


def earliest(*times):
    known = [t for t in times if t is not None]
    return min(known) if known else None


def start_of(res, actor):
    return res["initcalls"].get(actor, {}).get("start")


def check_pkvm_up(res):
    ok = first_event(res, "kvm", r"Protected .* initialized successfully") is not None
    return ok, "no 'Protected ... mode initialized successfully' line"


def ffa_up_at(res):
    """When the FF-A core came up: its "Driver version" line."""
    return first_event(res, "arm_ffa", r"Driver version")


def check_stock_ffa_probes_at_late_initcall(res):
    """7.3: FF-A defers until pKVM is initialised, and nothing re-probes it
    before deferred_probe_initcall(): it comes up after every
    device_initcall_sync and after load_uefi_certs()."""
    up = ffa_up_at(res)
    fin = res["initcalls"].get("finalize_pkvm", {}).get("end")
    dpi, uefi = start_of(res, "deferred_probe_initcall"), start_of(res, "load_uefi_certs")
    why = f"FF-A up at {up}, finalize_pkvm returned at {fin}, " \
          f"load_uefi_certs at {uefi}, deferred_probe_initcall at {dpi}"
    if None in (up, fin, dpi, uefi):
        return False, why
    return fin < uefi < dpi < up, why


def check_patched_conduit_order(res):
    """finalize_pkvm -> host SMC conduit -> FF-A conduit -> load_uefi_certs."""
    steps = [
        ("finalize_pkvm starts", start_of(res, "finalize_pkvm")),
        # The core's own line if it prints one, else the publisher's.
        ("host SMC conduit published", first_event(res, "kvm", r"host SMC conduit: status 0")),
        ("FF-A conduit published", first_event(res, "arm_ffa", r"FF-A conduit: status")),
        ("load_uefi_certs starts", start_of(res, "load_uefi_certs")),
    ]
    missing = [name for name, ts in steps if ts is None]
    if missing:
        return False, "missing: " + ", ".join(missing)
    times = [ts for _, ts in steps]
    if times != sorted(times):
        return False, "order: " + ", ".join(f"{n}@{t}" for n, t in steps)
    return True, ""


# Lockdep prints its banner without a log level, so it lands at the default
# level (KERN_WARNING) on every PROVE_LOCKING kernel; and kvm-arm.mode=nvhe
# makes the idreg override code report, at warning level, that it forced
# VH off. Both kernels print these. Nothing else is excused.
BENIGN_WARNINGS = re.compile(
    r"^(Lock dependency validator: |\.\.\. (MAX_LOCK|CLASSHASH_SIZE|CHAINHASH_SIZE)|"
    r" memory used (by lock dependency info|for stack traces): |"
    r" per task-struct memory footprint: |"
    r"CPU features: SYS_ID_AA64MMFR1_EL1\[11:8\]: forced to 0$)")


def warnings(res):
    """Kernel log records at KERN_WARNING or worse, less lockdep's banner."""
    return [w for w in res["kmsg_warn_lines"] if not BENIGN_WARNINGS.match(w)]


def check_patched_no_warnings(res):
    if res["kmsg_warnings"] is None:
        return False, "/init did not report the warning count"
    found = warnings(res)
    return not found, f"{len(found)} warnings: " + " | ".join(found[:3])


def conduit_row(res, name):
    """The debugfs row of a conduit, split: name gatekeeper state status
    claimant published_ns callbacks waiters devices."""
    for r in res["conduit_debugfs"]:
        f = r.split()
        if f and f[0] == name:
            return f
    return None


def check_ready_early(res, name, who, line):
    """Ready with status 0 (debugfs), and its publisher's line before
    efisubsys_init(), the first initcall of the timeline that makes EFI
    variable calls: nobody was held back."""
    f = conduit_row(res, name)
    if not f or len(f) < 4:
        return False, f"no {name} row in /sys/kernel/debug/firmware_conduit"
    at, efi = first_event(res, who, line), start_of(res, "efisubsys_init")
    ok = f[2] == "ready" and f[3] == "0" and at is not None and efi is not None and at < efi
    return ok, " ".join(f) + f" (published at {at}, efisubsys_init at {efi})"


def check_patched_host_smc_ready_early(res):
    return check_ready_early(res, "host-smc", "kvm", r"host SMC conduit: status 0")


def check_patched_ffa_ready_early(res):
    return check_ready_early(res, "ffa", "arm_ffa", r"FF-A conduit: status 0")


def check_patched_ffa_before_late_initcalls(res):
    """Under pKVM, FF-A and its partition drivers are up before the first
    late initcall: the echo partition driver stands in for a TPM that
    IMA must find at its default level."""
    up, late = ffa_up_at(res), res.get("late_level_at")
    pub = first_event(res, "arm_ffa", r"FF-A conduit: status 0")
    echo = first_event(res, "ffa_echo", r"echo ok")
    why = (f"FF-A up at {up}, its conduit published at {pub}, echo partition probed at "
           f"{echo}, late level at {late}")
    if None in (up, pub, late, echo):
        return False, why
    return up <= pub <= echo < late, why


def check_early_consumer_sees_ffa_pending(res):
    hit = first_event(res, "early_consumer", r"conduit_status\(ffa\) = -11 ")
    return hit is not None, "no 'conduit_status(ffa) = -11' line from the early consumer"


def check_early_consumer_edeadlk(res):
    hits = [line for line in res["kmsg_warn_lines"] + [e[2] for e in res["events"]]
            if "EDEADLK" in line or "-35" in line]
    return bool(hits), "no -EDEADLK report from the early consumer"


def ffa_els(res):
    return {c["el"] for c in res.get("ffa_calls", [])}


def check_ffa_through_pkvm(res):
    els = ffa_els(res)
    return els == {2}, f"FF-A calls reached EL3 from {sorted(els) or 'nowhere'}"


def check_echo_fails(res):
    echo = res.get("echo") or ""
    return "fail" in echo.lower(), f"echo: {echo or 'no ffa_echo line'}"


def deferred_ffa(res):
    return [d for d in res["deferred"] or [] if d.split()[0] == "arm-ffa"]


def check_stock_ffa_deferred_forever(res):
    if res["deferred"] is None:
        return False, "/init could not read devices_deferred"
    return bool(deferred_ffa(res)), f"devices_deferred: {res['deferred'] or 'empty'}"


def check_patched_nothing_deferred(res):
    if res["deferred"] is None:
        return False, "/init could not read devices_deferred"
    return not res["deferred"], f"devices_deferred: {res['deferred']}"


def check_echo_ok(res):
    echo = res.get("echo") or ""
    return echo.startswith("echo ok"), f"echo: {echo or 'no ffa_echo line'}"


def check_patched_ffa_failure_reported(res):
    rows = [r for r in res["conduit_debugfs"] if re.match(r"\s*ffa\b", r, re.I)]
    if not rows:
        return False, "no ffa row in /sys/kernel/debug/firmware_conduit"
    return "failed" in rows[0], rows[0]


CHECKS = {
    "patched_echo_reports_failure": ("patched", check_echo_fails,
                                     "the echo client reports the firmware's BUSY"),
    "stock_ffa_probes_at_late_initcall": (
        "stock", check_stock_ffa_probes_at_late_initcall,
        "FF-A comes up only from deferred_probe_initcall, after load_uefi_certs"),
    "ffa_through_pkvm": ("any", check_ffa_through_pkvm,
                         "every FF-A call reaches EL3 through pKVM at EL2"),
    "stock_ffa_deferred_forever": ("stock", check_stock_ffa_deferred_forever,
                                   "arm-ffa is still deferred when userspace starts"),
    "patched_nothing_deferred": ("patched", check_patched_nothing_deferred,
                                 "no device is left deferred when userspace starts"),
    "echo_ok": ("any", check_echo_ok, "the echo round trip succeeds"),
    "patched_ffa_failure_reported": ("patched", check_patched_ffa_failure_reported,
                                     "the FF-A conduit reports the firmware's failure"),
    "pkvm_up": ("any", check_pkvm_up, "pKVM initialises"),
    "patched_conduit_order": ("patched", check_patched_conduit_order,
                              "finalize_pkvm -> host SMC conduit -> FF-A conduit -> load_uefi_certs"),
    "patched_no_warnings": ("patched", check_patched_no_warnings, "no kernel warnings"),
    "patched_host_smc_ready_early": ("patched", check_patched_host_smc_ready_early,
                                     "without protected mode the host SMC conduit is ready "
                                     "before efisubsys_init()"),
    "patched_ffa_ready_early": ("patched", check_patched_ffa_ready_early,
                                "without pKVM the FF-A conduit is ready before efisubsys_init()"),
    "patched_ffa_before_late_initcalls": ("patched", check_patched_ffa_before_late_initcalls,
                                          "FF-A up, its conduit published, then its partition "
                                          "drivers probed, all before the first late initcall"),
    "early_consumer_sees_ffa_pending": ("patched", check_early_consumer_sees_ffa_pending,
                                        "an early_initcall consumer sees the FF-A conduit pending"),
    "early_consumer_edeadlk": ("patched", check_early_consumer_edeadlk,
                               "early wait gets -EDEADLK and the boot goes on"),
}


def judge(scen, kernel, res):
    out = []
    if res["timed_out"]:
        out.append(("boots without hanging", False, "timed out"))
    out.append(("reaches userspace", res["userspace"], "/init never ran"))
    out.append(("no panic, WARN, BUG or lockdep report", not res["fatal"],
                "; ".join(res["fatal"][:3])))
    for name in scen.get("checks", []):
        who, fn, label = CHECKS[name]
        if who in ("any", kernel):
            ok, why = fn(res)
            out.append((label, ok, why))
    return out
