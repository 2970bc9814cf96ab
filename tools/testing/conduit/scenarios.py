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
             "version-major", "busy", "slow"); "edk2"; or "optee" (TF-A's
             SPM dispatcher with OP-TEE as the S-EL1 SPMC and U-Boot as BL33,
             built by `make secure-world`, see secure-world/README.md)
  matrix     the row the scenario fills in the boot matrix, (mode, firmware)
  checks     names of scenario checks, see CHECKS below
  timeout    seconds (default 120)
  mem_regions  test firmware only: the DTB describes RAM as that many ranges
  kernel_dir   the kernel's output directory under build/, instead of the
               kernel's own (build/linux/out, build/stock/out)
  initrd     test firmware only: an external initrd under build/
  build_target the make target that builds kernel_dir and initrd
  uefi_vars  firmware "tpm" only: {NAME: SSDT under build/uefi} that
             conduit-acpi.efi stores in the EFI variable NAME (mkfat.sh -V)
"""

import os

import re
import shlex
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FIRMWARE_DIR = os.path.join(HERE, "firmware")
EDK2 = "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd"
# Where the test firmware's boots load an external initrd (the DTB names it)
INITRD_ADDR = "0x48200000"

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
    "optee": "TF-A + OP-TEE SPMC",
    "tpm": "test SPMC with a TPM partition, UEFI, ACPI",
}
FIRMWARE_SHORT = {None: "qemu", "none": "spmc", "absent": "nospmc", "edk2": "edk2",
                  "optee": "optee"}


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
    if firmware == "optee":
        checks += ["ffa_found_spmc", "optee_ready", "tee_request_ok",
                   "host_smc_through_pkvm" if mode == "pkvm" else None,
                   "pkvm_reclaim_refused" if mode == "pkvm" else "ffa_mem_reclaimed"]
    if firmware in ("absent", "version-refused", "version-major") and mode == "pkvm":
        checks.append("patched_ffa_failure_reported")
    # KVM fails under protected mode: 7.3 defers FF-A for good.
    if mode == "pkvm" and firmware == "version-major":
        checks += ["stock_ffa_deferred_forever", "patched_nothing_deferred"]
    elif firmware == "busy":
        checks.append("patched_echo_reports_failure")
    elif firmware == "slow":
        checks.append("echo_ok")
    if firmware in (None, "none", "edk2", "optee"):
        checks.append("patched_no_warnings")
    if mode == "pkvm" and firmware in ("none", "edk2", None, "optee"):
        checks.append("patched_conduit_order")
    if mode == "pkvm" and firmware == "none":
        checks.append("patched_ffa_before_late_initcalls")
    if mode != "pkvm":
        checks += ["patched_ffa_proxy_ready_early", "patched_ffa_ready_early"]
    scen = {
        "title": f"{MODE_TITLES[mode]}, {FIRMWARE_TITLES[firmware]}",
        "machine": f"virt{secure},{virt},{gic}",
        "append": append,
        "firmware": firmware,
        "matrix": (mode, firmware),
        "checks": [c for c in checks if c],
    }
    # ACPI's event genetlink family needs CONFIG_NET, which the test
    # kernels leave out; both kernels print this under ACPI, nothing else.
    scen["known_warnings"] = [r"^ACPI: Failed to create genetlink family for ACPI event$"]
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
# The real secure world; under pKVM QEMU also logs every exception (-d int)
# so that the origin of each SMC that reaches EL3 can be checked.
for _mode in MODES:
    SCENARIOS[f"optee-{_mode}"] = _scenario(_mode, "optee", timeout=240,
                                            trace_smc=_mode == "pkvm")
# Behind pKVM's FF-A proxy the OP-TEE driver reports two known limits at
# error level; secure-world/README.md has the evidence. The
# pkvm_reclaim_refused check fails once reclaim works, so this excuse
# cannot outlive the problem unnoticed.
SCENARIOS["optee-pkvm"]["known_warnings"] = [
    # the proxy answers FFA_NOTIFICATION_* with NOT_SUPPORTED
    r"^optee: Failed to initialize async notifications: -95$",
    # FFA_MEM_RECLAIM: OP-TEE refuses the proxy's FFA_MEM_RETRIEVE_REQ; the
    # TEE core then reports the failed unregistration (no device, and no
    # newline: the record only lands when the next message comes)
    r"^optee: mem_reclaim: 0x[0-9a-f]+ -95$",
    r"^\(NULL device \*\): unregister shm [0-9a-f]+ failed: -95$",
]


def _variant(mode, what, firmware, append="", **extra):
    """A scenario beside the matrix: MODE's machine and command line, the
    given firmware, APPEND added."""
    secure = ",secure=on" if firmware not in (None, "edk2") else ""
    scen = {"title": f"{MODE_TITLES[mode]}, {what}",
            "machine": f"virt{secure},{MODES[mode][0]},gic-version=3",
            "append": f"{MODES[mode][1]} {append}".strip(),
            "firmware": firmware}
    # ACPI's event genetlink family needs CONFIG_NET, which the test
    # kernels leave out; both kernels print this under ACPI, nothing else.
    scen["known_warnings"] = [r"^ACPI: Failed to create genetlink family for ACPI event$"]
    scen.update(extra)
    return scen


# KVM fails before installing its hypervisor, in protected mode: firmware
# hands over more memory ranges than pKVM's hypervisor can track
# (HYP_MEMBLOCK_REGIONS, 128; arm64 itself takes 1024), so kvm_hyp_reserve()
# reserves nothing and init_hyp_mode() fails before touching EL2. Nothing
# traps host SMCs then, yet 7.3 keeps FF-A deferred behind
# is_pkvm_initialized() for good.
SCENARIOS["memblocks-pkvm"] = _variant(
    "pkvm", "test SPMC, 160 memory ranges (pKVM tracks 128)", "none", mem_regions=160,
    checks=["pkvm_failed_before_install", "stock_ffa_deferred_forever",
            "patched_ffa_proxy_ready", "patched_ffa_straight_to_el3",
            "patched_echo_ok", "patched_nothing_deferred"])
# Unbind the FF-A core from its device and bind it again from /init: the
# FF-A conduit stays as published (the version negotiated with pKVM's proxy
# cannot be taken back), and the partitions come back.
for _mode in ("pkvm", "nvhe"):
    SCENARIOS[f"rebind-{_mode}"] = _variant(
        _mode, "test SPMC, FF-A unbound and bound again", "none", "conduit_init.rebind_ffa",
        checks=["ffa_rebinds", "echo_ok_after_rebind", "patched_ffa_conduit_kept",
                "patched_no_warnings"])
# EFI variable calls right after efisubsys_init(), from the init task and
# from a kthread (test-only early consumer): held while FF-A holds its
# conduit under pKVM, untouched without pKVM.
for _mode in ("pkvm", "nvhe"):
    SCENARIOS[f"efivars-{_mode}"] = _variant(
        _mode, "EDK2, EFI variable calls before FF-A publishes", "edk2",
        "conduit_early_consumer.efi_vars=1", kernels=["patched"], timeout=240,
        checks=(["efivar_init_task_not_ready", "efivar_kthread_waited"] if _mode == "pkvm"
                else ["efivar_calls_at_once"]) + ["patched_no_warnings"])
# FF-A and the echo client built as modules (make kernel-ffa-module) and
# loaded by /init from an external initrd, long after pKVM is final: a
# module is no gatekeeper, so the FF-A conduit is ready from the start.
SCENARIOS["ffa-module-pkvm"] = _variant(
    "pkvm", "test SPMC, FF-A and the echo client loaded as modules", "none",
    kernels=["patched"], kernel_dir="linux/out-ffa-module", initrd="ffa-module.cpio",
    build_target="kernel-ffa-module",
    checks=["pkvm_up", "ffa_conduit_ready_without_driver", "ffa_modules_load",
            "echo_ok", "ffa_through_pkvm", "patched_ffa_module_warned", "patched_no_warnings"])
# With FF-A as a module nothing holds EFI back under pKVM: finalize_pkvm()
# says so, the one warning of this boot.
FFA_MODULE_WARNING = (r"^FF-A is a module: EFI runtime services may make FF-A calls before "
                      r"the host negotiates its FF-A version$")
SCENARIOS["ffa-module-pkvm"]["known_warnings"] = [FFA_MODULE_WARNING]
# A TPM behind FF-A (tpm-*): the test SPMC with its TPM service partition
# (swtpm behind the secure UART), UEFI from EDK2 with our application
# installing a TPM2 table (start method 15) and an SSDT with the MSFT0101
# device, and the kernel booting ACPI with tpm_crb over tpm_crb_ffa and IMA
# at its default level. dyndbg times the binds on both kernels.
TPM_APPEND = 'conduit_init.tpm dyndbg="func driver_bound +p"'


def _tpm(mode, what, fault="none", append="", checks=(), **extra):
    scen = _variant(mode, f"TPM behind FF-A, {what}", "tpm", f"{TPM_APPEND} {append}".strip(),
                    tpm_fault=fault, timeout=300,
                    checks=["uefi_acpi_boot"] + (["pkvm_up"] if mode == "pkvm" else []) +
                    list(checks))
    # ACPI's event genetlink family needs CONFIG_NET, which the test
    # kernels leave out; both kernels print this under ACPI, nothing else.
    scen["known_warnings"] = [r"^ACPI: Failed to create genetlink family for ACPI event$"]
    scen.update(extra)
    return scen


for _mode in MODES:
    SCENARIOS[f"tpm-{_mode}"] = _tpm(
        _mode, "IMA at its default level",
        checks=["stock_ima_tpm_bypass", "patched_tpm_before_ima",
                "patched_ima_boot_aggregate", "echo_ok", "patched_no_warnings"])
# Upstream's workaround on stock 7.3: init_ima() at late_initcall_sync.
SCENARIOS["tpm-latesync-pkvm"] = _tpm(
    "pkvm", "stock with IMA_INIT_LATE_SYNC=y", kernels=["stock"],
    kernel_dir="stock/out-ima-late-sync", build_target="kernel-stock-ima-late",
    checks=["latesync_ima_boot_aggregate"])
# Asynchronous probing asked for on the command line: the re-probe and the
# flush of dependents still finish before the late initcalls.
SCENARIOS["tpm-async-pkvm"] = _tpm(
    "pkvm", "arm-ffa and tpm_crb probed asynchronously", append="driver_async_probe=arm-ffa,tpm_crb",
    kernels=["patched"],
    checks=["patched_ffa_before_late_initcalls", "patched_tpm_before_ima",
            "patched_ima_boot_aggregate", "patched_no_warnings"])
# What the series does not change: FF-A built as modules, as Debian's 7.3.4
# arm64 kernel builds it. IMA=y selects TCG_CRB=y, and a built-in tpm_crb
# cannot reach a modular tpm_crb_ffa (tpm_crb_ffa.h: IS_REACHABLE), so it
# probes the CRB without FF-A, times out and fails for good: IMA goes into
# TPM-bypass, and the TPM never registers, not even once /init has loaded
# the modules.
SCENARIOS["tpm-ffa-module-pkvm"] = _tpm(
    "pkvm", "FF-A and tpm_crb_ffa as modules", kernels=["patched"],
    kernel_dir="linux/out-ffa-module", initrd="ffa-module.cpio",
    build_target="kernel-ffa-module",
    checks=["ima_tpm_bypass", "tpm_crb_fails_without_ffa", "tpm_never_bound",
            "ffa_modules_load"])
# The TPM partition fails or is slow: no hang, IMA runs without a TPM.
SCENARIOS["tpm-error-pkvm"] = _tpm(
    "pkvm", "the TPM partition fails every TPM_START", fault="tpm-error",
    checks=["ima_tpm_bypass"])
SCENARIOS["tpm-slow-pkvm"] = _tpm(
    "pkvm", "the TPM partition answers each TPM_START after 1.5 s", fault="tpm-slow:1500",
    checks=["ima_tpm_bypass"])
# EFI variables under pKVM (efivar-*), through the UEFI ACPI path of the
# tpm-* boots (test SPMC with its TPM partition, EDK2, conduit-acpi.efi) but
# without /init's TPM work. efivar-ssdt-pkvm: conduit-acpi.efi -v stores
# uefi/ssdt-efivar.asl in a volatile EFI variable instead of installing it,
# and efivar_ssdt= has the kernel load it from there: stock from
# efisubsys_init(), patched from its FF-A conduit callback, once FF-A has
# negotiated. dyndbg shows the ACPI scan creating the table's device.
# efivar-slow-pkvm: the SPMC answers the call that ends FF-A's version
# negotiation (under pKVM hyp_ffa_post_init()'s FFA_ID_GET, while pKVM
# handles the host's FFA_VERSION) after 3 s, so on the patched kernel the
# FF-A conduit is still pending when the late initcalls start, and the
# load_uefi_certs() registers its callback while it is pending.
# The test kernels tick periodically (HZ_PERIODIC), and only CPU 0 advances
# jiffies: held at EL3 for 3 s it would stop every timeout, the 1 s barrier
# before the late initcalls included (measured: the barrier then gave up
# after 3 s, FF-A published 7 ms into the late level). workqueue.unbound_cpus=1
# keeps the unbound work items, the FF-A re-probe (patched) and the
# deferred probe (stock) among them, on CPU 1. CPU 1, held at EL3, passes no
# RCU quiescent state, so IMA's init (ima_init_htable(): synchronize_rcu())
# holds the init task until the SPMC answers: a query of the secure boot
# mode at late_initcall would come after FF-A is final, and the consumer
# asks earlier instead (efivar-secureboot-pkvm).
EFIVAR_SSDT = "CONDUITSSDT"
EFIVAR_GUID = "ca69d875-6e60-4678-b5c4-01acd08ba004"   # uefi/conduit-acpi.c
EFIVAR_SSDT_TABLE_ID, EFIVAR_SSDT_HID = "EFIVSSDT", "CNDT0001"  # uefi/ssdt-efivar.asl
NEGOTIATE_SLOW_MS = 3000
REPROBE_STILL_RUNS = (r"^conduit: re-probing deferred devices still runs after 1000 ms; "
                      r"late initcalls go on without it$")


def _efivar(mode, what, fault="none", append="", **extra):
    return _variant(mode, f"UEFI, {what}", "tpm", append, tpm_fault=fault, timeout=300,
                    **extra)


SCENARIOS["efivar-ssdt-pkvm"] = _efivar(
    "pkvm", f"an SSDT loaded from the EFI variable {EFIVAR_SSDT} (efivar_ssdt=)",
    append=f'efivar_ssdt={EFIVAR_SSDT} dyndbg="func acpi_create_platform_device +p"',
    uefi_vars={EFIVAR_SSDT: "efivar/ssdt-efivar.aml"},
    checks=["uefi_acpi_boot", "pkvm_up", "efivar_ssdt_loaded", "efivar_ssdt_device",
            "stock_efivar_ssdt_from_efisubsys_init", "patched_efivar_ssdt_after_ffa",
            "patched_no_warnings"])
# ACPICA prints "ACPI: " and the table's header in two pieces; loaded beside
# the FF-A partition probes (patched), a line from the other CPU can come
# between them, and the header becomes a record of its own at the default
# (warning) level: seen in 1 of 5 boots.
SCENARIOS["efivar-ssdt-pkvm"]["known_warnings"].append(
    rf"^SSDT 0x[0-9A-F]+ [0-9A-F]+ \(v02 CONDUT {EFIVAR_SSDT_TABLE_ID} ")
SCENARIOS["efivar-slow-pkvm"] = _efivar(
    "pkvm", f"FF-A's version negotiation answered after {NEGOTIATE_SLOW_MS} ms",
    fault=f"negotiate-slow:{NEGOTIATE_SLOW_MS}", append="workqueue.unbound_cpus=1",
    checks=["uefi_acpi_boot", "pkvm_up", "ffa_negotiation_slowed",
            "patched_ffa_pending_at_late_level", "stock_ffa_probes_at_late_initcall",
            "echo_ok", "patched_no_warnings"])
# The same firmware, and the test-only consumer asking for the secure boot
# mode from the init task twice while FF-A is pending: right after
# efisubsys_init() (refused, "unknown", not cached) and after
# finalize_pkvm() (waits for the re-probe of FF-A). The second wait holds
# the init task until FF-A is final, so this boot is not the one above.
SCENARIOS["efivar-secureboot-pkvm"] = _efivar(
    "pkvm", f"FF-A's negotiation answered after {NEGOTIATE_SLOW_MS} ms, the secure boot "
    "mode asked for while FF-A is pending", kernels=["patched"],
    fault=f"negotiate-slow:{NEGOTIATE_SLOW_MS}",
    append="conduit_early_consumer.secureboot=1 workqueue.unbound_cpus=1",
    checks=["uefi_acpi_boot", "pkvm_up", "ffa_negotiation_slowed", "secureboot_not_unknown",
            "patched_no_warnings"])
SCENARIOS["efivar-slow-pkvm"]["known_warnings"].append(REPROBE_STILL_RUNS)


def _kernel_lines(res):
    """(time, text) of each kernel line of the boot's console log, also of
    one glued to a line of /init's."""
    try:
        with open(res["log"], errors="replace") as f:
            text = f.read()
    except (KeyError, OSError):
        return []
    return [(float(m.group(1)), m.group(2).rstrip("\r"))
            for m in re.finditer(r"\[\s*(\d+\.\d+)\] ([^\n]*)", text)]


def _first_line(lines, pattern, after=None):
    pat = re.compile(pattern)
    for ts, text in lines:
        if (after is None or ts >= after) and pat.search(text):
            return ts, text
    return None, None


def efivar_ssdt_load(res):
    """The efivar_ssdt load: (time of "loading SSDT from variable", time of
    ACPICA's header line of the loaded table, the SSDT error lines)."""
    lines = _kernel_lines(res)
    at, _ = _first_line(lines, rf"^efi: loading SSDT from variable {EFIVAR_SSDT}-{EFIVAR_GUID}$")
    # acpi_load_table(): "Host-directed Dynamic ACPI Table Load:", then
    # acpi_tb_install_standard_table() prints the table's header: "ACPI: "
    # and the rest as a continuation, which a line from another CPU can
    # cut off into a record of its own (seen on the patched kernel, whose
    # load runs beside the FF-A partitions' probes).
    dyn, _ = _first_line(lines, r"^ACPI: Host-directed Dynamic ACPI Table Load:$", at)
    header = rf"^(ACPI: )?SSDT 0x[0-9A-F]+ [0-9A-F]+ \(v\d\d CONDUT {EFIVAR_SSDT_TABLE_ID} "
    table, _ = _first_line(lines, header, dyn)
    errors = [t for _, t in lines if re.search(r"failed to load SSDT|efivar_ssdt:", t)]
    # conduit-acpi.efi -v does not install it: not among the boot's tables
    early, text = _first_line(lines, header)
    if early is not None and (table is None or early < at):
        errors.append(f"a firmware table: {text}")
    return at, table, errors


def check_efivar_ssdt_loaded(res):
    """efivar_ssdt= found our variable and ACPICA loaded its table, with no
    SSDT error; the firmware did not install the table itself."""
    at, table, errors = efivar_ssdt_load(res)
    ok = at is not None and table is not None and not errors
    return ok, (f"'loading SSDT from variable {EFIVAR_SSDT}-{EFIVAR_GUID}' at {at}, "
                f"dynamic load of SSDT '{EFIVAR_SSDT_TABLE_ID}' at {table}, "
                f"errors: {errors[:2] or 'none'}")


def check_efivar_ssdt_device(res):
    """The ACPI scan enumerated the table's device after the load: a
    platform device for its _HID (dyndbg on acpi_create_platform_device)."""
    _, table, _ = efivar_ssdt_load(res)
    dev, line = _first_line(_kernel_lines(res),
                            rf"created platform device {EFIVAR_SSDT_HID}:00$", table)
    ok = table is not None and dev is not None
    return ok, f"table loaded at {table}, {line or f'no {EFIVAR_SSDT_HID}:00 platform device'}" + \
        (f" at {dev}" if dev is not None else "")


def check_stock_efivar_ssdt_from_efisubsys_init(res):
    at, _, _ = efivar_ssdt_load(res)
    efi = res["initcalls"].get("efisubsys_init", {})
    ok = None not in (at, efi.get("start"), efi.get("end")) and efi["start"] <= at <= efi["end"]
    return ok, f"loaded at {at}, efisubsys_init {efi.get('start')}..{efi.get('end')}"


def check_patched_efivar_ssdt_after_ffa(res):
    """The load waits for FF-A: it comes after efisubsys_init() has returned
    and after the FF-A conduit is published (status 0)."""
    at, _, _ = efivar_ssdt_load(res)
    end = res["initcalls"].get("efisubsys_init", {}).get("end")
    pub = first_event(res, "conduit", r"\bffa: final, status 0")
    ok = None not in (at, end, pub) and end < at and pub <= at
    return ok, f"loaded at {at}, efisubsys_init returned at {end}, FF-A conduit published at {pub}"


FWLOG_LINE = re.compile(r"^fwlog: \d+ t=(\d+) cpu(\d+) EL(\d) (\w+)\((.*)$")


def check_ffa_negotiation_slowed(res):
    """The firmware log: one NEGOTIATE_SLOW, for FFA_ID_GET from EL2, the
    first FF-A call after pKVM's own FFA_VERSION (hyp_ffa_init()) and
    followed by FFA_FEATURES(RXTX_MAP64) (hyp_ffa_post_init()); its answer
    came at least the delay later."""
    try:
        with open(res["log"][:-len(".log")] + ".fwlog", errors="replace") as f:
            calls = [m.groups() for m in map(FWLOG_LINE.match, f) if m]
    except OSError:
        return False, "no firmware log"
    slow = [i for i, c in enumerate(calls) if c[3] == "NEGOTIATE_SLOW"]
    if len(slow) != 1:
        return False, f"{len(slow)} NEGOTIATE_SLOW lines"
    i = slow[0]
    ffa = [c for c in calls[:i] if c[3].startswith("FFA_")]
    rest = [c for c in calls[i + 1:] if c[1] == calls[i][1]]
    what = f"NEGOTIATE_SLOW({calls[i][4]}"
    if not ffa or ffa[-1][3] != "FFA_VERSION" or ffa[-1][2] != "2":
        return False, f"{what}: the FF-A call before it is not pKVM's FFA_VERSION: {ffa[-1:]}"
    if len(rest) < 2 or rest[0][3] != "FFA_ID_GET" or rest[0][2] != "2" or \
            rest[1][3] != "FFA_FEATURES" or not rest[1][4].startswith("0xc4000066,"):
        return False, f"{what}: not followed by FFA_ID_GET, FFA_FEATURES(RXTX_MAP64) from EL2"
    waited = (int(rest[0][0]) - int(calls[i][0])) / 1000
    return waited >= NEGOTIATE_SLOW_MS, f"{what}: FFA_ID_GET answered after {waited:.0f} ms"


def check_patched_ffa_pending_at_late_level(res):
    """The fault's effect: the barrier before the late initcalls gave up
    after its 1 s (so jiffies went on), and the FF-A conduit was published
    only after the late level had begun."""
    lines = _kernel_lines(res)
    start, _ = _first_line(lines, r"^platform arm-ffa: probing again, its firmware conduit is final$")
    gave_up, _ = _first_line(lines, REPROBE_STILL_RUNS)
    late = res.get("late_level_at")
    pub = first_event(res, "conduit", r"\bffa: final, status")
    ok = (None not in (start, gave_up, late, pub) and 1.0 <= gave_up - start < 1.5 and
          gave_up <= late < pub)
    return ok, (f"FF-A re-probed from {start}, the barrier gave up at {gave_up}, "
                f"late level at {late}, FF-A conduit published at {pub}")


SECUREBOOT_LINE = re.compile(r"^conduit_early_consumer: secureboot: (subsys|device): "
                             r"arch_get_secureboot\(\) = (\d+), ffa conduit (-?\d+) before, "
                             r"(-?\d+) after$")


def check_secureboot_not_unknown(res):
    """The test-only consumer asks for the secure boot mode from the init
    task twice while the FF-A conduit is pending (-11): right after
    efisubsys_init(), where EFI refuses the read and the mode comes out
    "unknown", and after finalize_pkvm(), where the read waits for the
    conduit core's re-probe of FF-A. The second read must reach the
    firmware: "unknown" was not cached, and the last mode line is not
    "unknown"."""
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


SCENARIOS["early-consumer"] = {
    "title": "pKVM with a test-only consumer waiting from an early initcall",
    "machine": "virt,virtualization=on,gic-version=3",
    "append": "kvm-arm.mode=protected conduit_early_consumer.enable=1 conduit_early_wait",
    "firmware": None,
    "kernels": ["patched"],
    "checks": ["early_consumer_sees_ffa_pending", "early_consumer_edeadlk",
               "early_param_wait_refused"],
}


# printk lines worth a place on the timeline, besides the actors' initcalls.
EVENT_PATTERNS = [
    ("conduit", re.compile(r"^conduit: ")),
    ("kvm", re.compile(r"kvm \[\d+\]: .*((Protected|nVHE|VHE|Hyp).*(initialized|mode)|conduit|"
                       r"hyp memblocks)")),
    ("arm_ffa", re.compile(r"^(ARM FF-A|arm_ffa|ffa)[: ]", re.I)),
    ("ffa_echo", re.compile(r"^ffa_echo: ")),
    ("early_consumer", re.compile(r"^conduit_early_consumer: ")),
    ("integrity", re.compile(r"^(integrity|load_uefi|UEFI|platform_certs)[: ]|platform keyring")),
    ("ima", re.compile(r"^ima: ")),
    ("efi", re.compile(r"^efi: (?!.*memattr)")),
    ("acpi", re.compile(r"^ACPI: (TPM2|SSDT) |^psci: probing for conduit method from ACPI")),
    # tpm_crb, the FF-A TPM partition driver, and (dyndbg="func driver_bound
    # +p") the moment each binds
    ("tpm", re.compile(r"^(tpm|tpm_crb|ffa-crb|arm_ffa_tpm)[ :]|MSFT0101|"
                       r"driver: '(tpm_crb|ffa-crb)': driver_bound")),
    ("optee", re.compile(r"^optee: ")),
]


def run_qemu(cmd, log_path, timeout):
    """Run a QEMU boot with its console in LOG_PATH (the command line is its
    first line); (console text, exit code or None, timed out, wall seconds)."""
    start = time.monotonic()
    with open(log_path, "w") as log:
        log.write("# " + " ".join(shlex.quote(c) for c in cmd) + "\n")
        log.flush()
        try:
            proc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, timeout=timeout)
            rc, timed_out = proc.returncode, False
        except subprocess.TimeoutExpired:
            rc, timed_out = None, True
    wall = time.monotonic() - start
    with open(log_path, errors="replace") as f:
        return f.read(), rc, timed_out, wall


class ScenarioError(Exception):
    """A scenario's inputs are missing; the scenario fails, the matrix goes on."""


def scenario_initrd(scen, build):
    """The scenario's external initrd under BUILD, or None; a missing one
    names the make target that builds it."""
    if not scen.get("initrd"):
        return None
    initrd = os.path.join(build, scen["initrd"])
    if not os.path.exists(initrd):
        raise ScenarioError(f"no initrd at {initrd}: run 'make {scen['build_target']}'")
    return initrd


def qemu_command(scen, image, build, base):
    """The QEMU command line; BASE is the path prefix for per-boot files."""
    fw = scen.get("firmware")
    cpu = scen.get("cpu", "max,lpa2=off,pauth-impdef=on")
    append = (COMMON_APPEND + " " + scen.get("append", "")).strip()
    cmd = ["qemu-system-aarch64", "-M", scen["machine"], "-cpu", cpu,
           "-smp", "2", "-m", "1G", "-nographic", "-no-reboot", "-nic", "none"]
    if fw == "optee":
        return optee_command(scen, cpu, build, base, image, append)
    if fw == "tpm":
        return tpm_command(scen, cpu, build, base, image, append)
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
    initrd = scenario_initrd(scen, build)
    subprocess.run([os.path.join(FIRMWARE_DIR, "mkdtb.sh"), "-o", dtb, "-b", append,
                    "-M", scen["machine"], "-c", cpu, "-m", "1G", "-s", "2"] +
                   (["-r", str(scen["mem_regions"])] if scen.get("mem_regions") else []) +
                   (["-i", initrd, "-a", INITRD_ADDR] if initrd else []), check=True,
                   capture_output=True, text=True)
    return ["qemu-system-aarch64", "-M", scen["machine"], "-cpu", cpu, "-smp", "2",
            "-m", "1G", "-display", "none", "-monitor", "none", "-nic", "none",
            # The firmware's call log goes to the secure UART, in a file of
            # its own: on the shared console it interleaved with kernel lines.
            "-serial", "stdio", "-serial", f"file:{base}.fwlog", "-bios", firmware,
            "-device", f"loader,file={image},addr=0x40200000,force-raw=on",
            "-device", f"loader,file={dtb},addr=0x48000000,force-raw=on"] + (
            ["-device", f"loader,file={initrd},addr={INITRD_ADDR},force-raw=on"] if initrd else []) + [
            "-semihosting-config", "enable=on,target=native",
            "-fw_cfg", f"name=opt/conduit/fault,string={fw}",
            "-fw_cfg", "name=opt/conduit/log,string=secure"]


# The TPM partition's CRB area: left out of the DTB's memory node, named by
# the ACPI tables (uefi/*.asl) and given to the firmware through fw_cfg.
TPM_CRB = "crb@0x7ff00000"


def tpm_command(scen, cpu, build, base, image, append):
    """The test SPMC with its TPM partition, then UEFI, which runs our ACPI
    application and the kernel's EFI stub from a FAT image made for this
    boot (BASE.fat); boot.sh starts swtpm and the relay of the secure UART
    and stops them when QEMU ends."""
    uefi = os.path.join(build, "uefi", "ArmVirtQemuKernel.fd")
    firmware = os.path.join(build, "firmware", "conduit-fw.bin")
    for f, target in ((uefi, "uefi"), (firmware, "firmware")):
        if not os.path.exists(f):
            raise ScenarioError(f"no {f}: run 'make {target}'")
    initrd = scenario_initrd(scen, build)
    # uefi_vars: {NAME: SSDT file under build/uefi} for conduit-acpi.efi -v
    uefi_vars = [a for name, path in scen.get("uefi_vars", {}).items()
                 for a in ("-V", f"{name}={os.path.join(build, 'uefi', path)}")]
    subprocess.run([os.path.join(HERE, "uefi", "mkfat.sh"), "-k", image, "-c", append,
                    "-o", base + ".fat", "-b", os.path.join(build, "uefi")] +
                   (["-i", initrd] if initrd else []) + uefi_vars,
                   check=True, capture_output=True, text=True)
    virt = "on" if "virtualization=on" in scen["machine"] else "off"
    return [os.path.join(FIRMWARE_DIR, "boot.sh"), "-k", uefi, "-F", firmware,
            "-D", base + ".fat", "-H", "-T", TPM_CRB, "-f", scen.get("tpm_fault", "none"),
            "-V", virt, "-c", cpu, "-s", "2", "-L", "secure", "-l", base + ".fwlog",
            "-t", str(scen.get("timeout", 300))]


def optee_command(scen, cpu, build, base, image, append):
    """TF-A + OP-TEE + U-Boot from build/secure-world: BL1 and the FIP in
    secure flash 0, U-Boot's environment in flash 1; U-Boot takes the kernel
    and its command line from fw_cfg (-kernel, -append) and boots it with
    the device tree TF-A completed. The secure world's console (QEMU's
    second UART: OP-TEE's log) goes to BASE.secure.log."""
    sw = os.path.join(build, "secure-world")
    flash, env = os.path.join(sw, "flash.bin"), os.path.join(sw, "uboot-env.bin")
    for f in (flash, env):
        if not os.path.exists(f):
            raise ScenarioError(f"no {f}: run 'make secure-world'")
    args = ["qemu-system-aarch64", "-M", scen["machine"], "-cpu", cpu, "-smp", "2",
            "-m", "1G", "-display", "none", "-monitor", "none", "-nic", "none", "-no-reboot",
            "-serial", "stdio", "-serial", f"file:{base}.secure.log",
            "-bios", flash, "-drive", f"if=pflash,unit=1,format=raw,readonly=on,file={env}",
            "-kernel", image, "-append", append]
    if scen.get("trace_smc"):
        args += ["-d", "int", "-D", base + ".int.log"]
    return args


# FF-A function IDs (DEN0077A) by number; 0xc4... are the SMC64 forms.
FFA_NAMES = {
    0x60: "ERROR", 0x61: "SUCCESS", 0x62: "INTERRUPT", 0x63: "VERSION", 0x64: "FEATURES",
    0x65: "RX_RELEASE", 0x66: "RXTX_MAP", 0x67: "RXTX_UNMAP", 0x68: "PARTITION_INFO_GET",
    0x69: "ID_GET", 0x6a: "MSG_POLL", 0x6b: "MSG_WAIT", 0x6c: "YIELD", 0x6d: "RUN",
    0x6e: "MSG_SEND", 0x6f: "MSG_SEND_DIRECT_REQ", 0x70: "MSG_SEND_DIRECT_RESP",
    0x71: "MEM_DONATE", 0x72: "MEM_LEND", 0x73: "MEM_SHARE", 0x74: "MEM_RETRIEVE_REQ",
    0x75: "MEM_RETRIEVE_RESP", 0x76: "MEM_RELINQUISH", 0x77: "MEM_RECLAIM",
    0x78: "MEM_OP_PAUSE", 0x79: "MEM_OP_RESUME", 0x7a: "MEM_FRAG_RX", 0x7b: "MEM_FRAG_TX",
    0x7c: "NORMAL_WORLD_RESUME", 0x7d: "NOTIFICATION_BITMAP_CREATE",
    0x7e: "NOTIFICATION_BITMAP_DESTROY", 0x7f: "NOTIFICATION_BIND",
    0x80: "NOTIFICATION_UNBIND", 0x81: "NOTIFICATION_SET", 0x82: "NOTIFICATION_GET",
    0x83: "NOTIFICATION_INFO_GET", 0x84: "RX_ACQUIRE", 0x85: "SPM_ID_GET",
    0x86: "MSG_SEND2", 0x87: "SECONDARY_EP_REGISTER", 0x88: "MEM_PERM_GET",
    0x89: "MEM_PERM_SET", 0x8a: "CONSOLE_LOG", 0x8b: "PARTITION_INFO_GET_REGS",
    0x8c: "EL3_INTR_HANDLE", 0x8d: "MSG_SEND_DIRECT_REQ2", 0x8e: "MSG_SEND_DIRECT_RESP2",
}
# What the SPMC (OP-TEE at S-EL1) sends: answers and its own set-up calls.
# Every other FF-A call the SPM dispatcher logs once Linux runs comes from
# the normal world.
FFA_FROM_SPMC = {0x60, 0x61, 0x62, 0x6b, 0x70, 0x75, 0x7a, 0x7c, 0x85, 0x87, 0x8a,
                 0x8c, 0x8e}
FFA_ERRORS = {0xffffffff: "NOT_SUPPORTED", 0xfffffffe: "INVALID_PARAMETERS",
              0xfffffffd: "NO_MEMORY", 0xfffffffc: "BUSY", 0xfffffffb: "INTERRUPTED",
              0xfffffffa: "DENIED", 0xfffffff9: "RETRY", 0xfffffff8: "ABORTED",
              0xfffffff7: "NO_DATA"}
# TF-A built with LOG_LEVEL=50: spmd_smc_handler() logs each FF-A SMC.
SPMD_CALL = re.compile(r"VERBOSE: SPM\((\d+)\): 0x([0-9a-f]+)((?: 0x[0-9a-f]+)*)")


def ffa_name(fid):
    name = FFA_NAMES.get(fid & 0xff, f"0x{fid:x}")
    return "FFA_" + name + ("64" if fid >> 24 == 0xc4 else "")


def spmd_calls(text):
    """The normal world's FF-A calls as TF-A's SPM dispatcher logged them,
    from the kernel's first message on, each with the SPMC's answer on the
    same CPU ("EL3" when the dispatcher answered itself)."""
    calls, pending, started, last_ts = [], {}, False, 0.0
    for line in text.splitlines():
        m = TS_LINE.match(line)
        if m:
            started, last_ts = True, float(m.group(1))
        c = SPMD_CALL.search(line) if started else None
        if not c:
            continue
        cpu, fid = int(c.group(1)), int(c.group(2), 16)
        args = [int(a, 16) for a in c.group(3).split()]
        if fid & 0xff in FFA_FROM_SPMC and fid >> 24 in (0x84, 0xc4):
            call = pending.pop(cpu, None)
            if call is not None:
                res = ffa_name(fid)
                if fid & 0xff == 0x60 and len(args) > 1:
                    res += ":" + FFA_ERRORS.get(args[1], hex(args[1]))
                call["result"] = res
            continue
        call = {"after": last_ts, "cpu": cpu, "call": ffa_name(fid),
                "args": [hex(a) for a in args[:3]], "result": "EL3"}
        calls.append(call)
        pending[cpu] = call
    return calls


TS_LINE = re.compile(r"^\[\s*(\d+\.\d+)\]")
SMC_EXC = re.compile(r"^Taking exception \d+ \[(.*?)\] on CPU (\d+)")


def smc_origins(path):
    """Who executed the SMCs, from QEMU's -d int log: per CPU, once pKVM
    traps the host's SMCs (an SMC from EL1 taken to EL2), any SMC that
    still reaches EL3 straight from the non-secure kernel (EL1, kernel
    address in ELR) bypassed the hypervisor. SMCs from EL1 at other
    addresses are OP-TEE's (S-EL1)."""
    out = {"host_trapped_to_el2": 0, "el2_to_el3": 0, "host_el1_to_el3_before_trap": 0,
           "host_el1_to_el3_after_trap": 0, "secure_el1_to_el3": 0}
    if not os.path.exists(path):
        return None
    trapped = set()
    exc = None

    def done(e):
        if not e or e.get("ec") != 0x17:
            return
        src, dst, cpu = e.get("from"), e.get("to"), e["cpu"]
        kernel = e.get("elr", 0) >= 0xffff000000000000
        if src == 1 and dst == 2:
            out["host_trapped_to_el2"] += 1
            trapped.add(cpu)
        elif src == 2 and dst == 3 and cpu in trapped:
            out["el2_to_el3"] += 1
        elif src == 1 and dst == 3:
            key = ("host_el1_to_el3_after_trap" if cpu in trapped else
                   "host_el1_to_el3_before_trap") if kernel else "secure_el1_to_el3"
            out[key] += 1

    with open(path, errors="replace") as f:
        for line in f:
            m = SMC_EXC.match(line)
            if m:
                done(exc)
                exc = {"cpu": int(m.group(2))}
                continue
            if exc is None or not line.startswith("..."):
                done(exc)
                exc = None
                continue
            if (m := re.match(r"\.\.\.from EL(\d) to EL(\d)", line)):
                exc["from"], exc["to"] = int(m.group(1)), int(m.group(2))
            elif (m := re.match(r"\.\.\.with ESR 0x([0-9a-f]+)/", line)):
                exc["ec"] = int(m.group(1), 16)
            elif (m := re.match(r"\.\.\.with ELR 0x([0-9a-f]+)", line)):
                exc["elr"] = int(m.group(1), 16)
    done(exc)
    return out


def initcall_order(res):
    calls = res["initcalls"]
    return sorted((a for a in calls if "start" in calls[a]), key=lambda a: calls[a]["start"])


def first_event(res, who, pattern=None):
    pat = re.compile(pattern) if pattern else None
    for ts, w, what in res["events"]:
        if w == who and (pat is None or pat.search(what)):
            return ts
    return None


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
    """finalize_pkvm -> FF-A proxy conduit -> FF-A conduit -> load_uefi_certs."""
    steps = [
        ("finalize_pkvm starts", start_of(res, "finalize_pkvm")),
        # The core's own line if it prints one, else the publisher's.
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
             SCENARIOS.get(res.get("scenario"), {}).get("known_warnings", [])
             if excuse_known]
    return [w for w in res["kmsg_warn_lines"]
            if not BENIGN_WARNINGS.match(w) and not any(k.match(w) for k in known)]


def check_patched_no_warnings(res):
    if res["kmsg_warnings"] is None:
        return False, "/init did not report the warning count"
    if res["kmsg_warnings"] != len(res["kmsg_warn_lines"]):
        return False, (f"/init counted {res['kmsg_warnings']} warnings but "
                       f"{len(res['kmsg_warn_lines'])} kmsg-warn lines were parsed")
    found = warnings(res)
    return not found, f"{len(found)} warnings: " + " | ".join(found[:3])


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


def check_ready_early(res, name, who, line):
    """Ready with status 0 (debugfs), and its publisher's line before
    efisubsys_init(), the first initcall of the timeline that makes EFI
    variable calls: nobody was held back."""
    f = conduit_row(res, name)
    if not f or len(f) < 4:
        return False, f"no {name} row in /sys/kernel/debug/firmware_conduit"
    at, efi = first_event(res, who, line), start_of(res, "efisubsys_init")
    ok = ready_zero(f) and at is not None and efi is not None and at < efi
    return ok, " ".join(f) + f" (published at {at}, efisubsys_init at {efi})"


def check_patched_ffa_proxy_ready_early(res):
    return check_ready_early(res, "ffa-proxy", "conduit", r"ffa-proxy: final, status 0")


def check_patched_ffa_ready_early(res):
    return check_ready_early(res, "ffa", "conduit", r"\bffa: final, status 0")


def check_patched_ffa_before_late_initcalls(res):
    """Under pKVM, FF-A and its partition drivers are up before the first
    late initcall: the echo partition driver stands in for a TPM that
    IMA must find at its default level."""
    up, late = ffa_up_at(res), res.get("late_level_at")
    pub = first_event(res, "conduit", r"\bffa: final, status 0")
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
    """An early initcall of the init task waits for the FF-A proxy conduit,
    which only a later initcall publishes: the core refuses at once."""
    hit = first_event(res, "early_consumer",
                      r"^conduit_early_consumer: wait_for_conduit\(ffa-proxy\) = -35 \(-EDEADLK\)")
    return hit is not None, "no 'wait_for_conduit(ffa-proxy) = -35 (-EDEADLK)' line"


def check_early_param_wait_refused(res):
    """A wait from an early_param, before the scheduler runs, is refused
    with -EDEADLK and a warning naming the caller, not sent to schedule()."""
    hit = first_event(res, "early_consumer",
                      r"early_param: wait_for_conduit\(ffa-proxy\) = -35 \(-EDEADLK\)")
    warned = [w for w in res["kmsg_warn_lines"]
              if "wait before the scheduler runs" in w and "conduit_early_wait" in w]
    return hit is not None and bool(warned), f"line at {hit}, warnings naming the caller: {warned[:1]}"


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


def check_pkvm_failed_before_install(res):
    """pKVM could not reserve its memory, so kvm_arm_init() failed in
    init_hyp_mode() before anything was installed at EL2."""
    reserve = first_event(res, "kvm", r"Failed to register hyp memblocks") is not None
    ret = res["initcalls"].get("kvm_arm_init", {}).get("ret")
    up = first_event(res, "kvm", r"initialized successfully") is not None
    return (reserve and ret is not None and ret < 0 and not up,
            f"hyp memblocks refused: {reserve}, kvm_arm_init returned {ret}, KVM up: {up}")


def check_patched_ffa_proxy_ready(res):
    """The FF-A proxy conduit is published 0: nothing at EL2 traps."""
    row = conduit_row(res, "ffa-proxy")
    return ready_zero(row), f"ffa-proxy: {show_row(row)}"


def check_patched_ffa_straight_to_el3(res):
    els = ffa_els(res)
    return els == {1}, f"FF-A calls reached EL3 from {sorted(els) or 'nowhere'}"


def check_ffa_rebinds(res):
    rb = res.get("rebind") or {}
    # sysfs bind/unbind return the bytes written: len("arm-ffa")
    return (rb.get("unbind") == 7 and rb.get("bind") == 7,
            f"unbind returned {rb.get('unbind')}, bind returned {rb.get('bind')}")


def check_echo_ok_after_rebind(res):
    echoes = res.get("echoes") or []
    ok = len(echoes) == 2 and all(e.startswith("echo ok") for e in echoes)
    return ok, f"echo results: {echoes or 'none'}"


def check_patched_ffa_conduit_kept(res):
    rows = {t: conduit_row(res, "ffa", t) for t in ("conduit_unbound", "conduit_rebound")}
    ok = all(ready_zero(r) for r in rows.values())
    return ok, "; ".join(f"{t}: {show_row(r)}" for t, r in rows.items())


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


def check_efivar_init_task_not_ready(res):
    c = efivar_calls(res).get("init task")
    ok = c is not None and c[1] == EFI_NOT_READY and c[2] == -11
    return ok, f"init task: {c or 'no line'}"


def check_efivar_kthread_waited(res):
    c = efivar_calls(res).get("kthread")
    published = first_event(res, "conduit", r"\bffa: final, status")
    ok = (c is not None and published is not None and c[1] == 0 and c[2] == -11 and
          c[3] != -11 and c[0] >= published)
    return ok, f"kthread: {c or 'no line'}, FF-A conduit published at {published}"


def check_efivar_calls_at_once(res):
    calls = efivar_calls(res)
    ok = len(calls) == 2 and all(c[1] == 0 and c[2] == 0 for c in calls.values())
    return ok, f"{calls or 'no lines'}"


def check_ffa_conduit_ready_without_driver(res):
    row = conduit_row(res, "ffa", "conduit_before_modules")
    return ready_zero(row) and row[1] == "ungated", f"before the modules: {show_row(row)}"


def check_patched_ffa_module_warned(res):
    """pKVM warns that EFI is not held back when FF-A is a module."""
    hits = [w for w in res["kmsg_warn_lines"] if re.match(FFA_MODULE_WARNING, w)]
    return bool(hits), hits[0] if hits else "no warning from finalize_pkvm()"


def check_ffa_modules_load(res):
    mods = res.get("modules") or {}
    ok = ({"ffa-core", "ffa-module", "ffa_echo", "tpm_crb_ffa"} <= set(mods)
          and all(v == 0 for v in mods.values()))
    return ok, f"finit_module: {mods or 'nothing loaded'}"


def check_echo_ok(res):
    echo = res.get("echo") or ""
    return echo.startswith("echo ok"), f"echo: {echo or 'no ffa_echo line'}"


def check_patched_ffa_failure_reported(res):
    row = conduit_row(res, "ffa")
    if not row:
        return False, "no ffa row in /sys/kernel/debug/firmware_conduit"
    return row[2] == "failed", show_row(row)


def check_ffa_found_spmc(res):
    ok = first_event(res, "arm_ffa", r"Firmware version \d+\.\d+ found") is not None
    return ok, "no 'ARM FF-A: Firmware version ... found' line"


def check_optee_ready(res):
    ok = first_event(res, "optee", r"initialized driver") is not None
    return ok, "no 'optee: initialized driver' line (the OP-TEE FF-A driver did not probe)"


def check_tee_request_ok(res):
    tee = [m for m in res["init_lines"] if m.startswith("tee: ")]
    if not tee:
        return False, "/init found no TEE (/sys/class/tee/tee0)"
    return tee[0].startswith("tee: ok"), tee[0]


def check_host_smc_through_pkvm(res):
    o = res.get("smc_origins")
    if not o:
        return False, "no QEMU -d int log to read the SMC origins from"
    ok = (o["host_trapped_to_el2"] > 0 and o["el2_to_el3"] > 0
          and o["host_el1_to_el3_after_trap"] == 0)
    return ok, ", ".join(f"{k} {v}" for k, v in o.items())


def _spmd(res, call):
    return [c for c in res.get("spmd_calls", []) if c["call"] == call]


def _reclaim_errors(res):
    """The OP-TEE driver's reports of failed reclaims: on the console, and
    as /init read them from /dev/kmsg (a console line can be broken up by
    userspace output, a kmsg record cannot)."""
    console = [e[2] for e in res["events"] if e[1] == "optee" and "mem_reclaim" in e[2]]
    kmsg = [w for w in res["kmsg_warn_lines"] if w.startswith("optee: mem_reclaim")]
    return sorted(set(console) | set(kmsg))


def _secure_log(res):
    path = res["log"][:-len(".log")] + ".secure.log"
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


# OP-TEE's answer to a normal-world FFA_MEM_RETRIEVE_REQ (SMC64)
OPTEE_NO_RETRIEVE = "Unhandled FFA function ID 0xc4000074"


def check_ffa_mem_reclaimed(res):
    """Shared memory comes back: the driver reports no failed reclaim after
    /init registered, used and released its buffer (and, with
    SECURE_WORLD_TRACE=1, the SPMD saw one FFA_MEM_RECLAIM per share)."""
    errors = _reclaim_errors(res)
    if errors or not any(m.startswith("tee: ok") for m in res["init_lines"]):
        return False, "; ".join(errors[:2]) or "no successful TEE request"
    if res.get("spmd_calls"):
        shared = [c for c in res["spmd_calls"] if c["call"].startswith("FFA_MEM_SHARE")
                  and c["result"] == "FFA_SUCCESS"]
        reclaimed = [c for c in _spmd(res, "FFA_MEM_RECLAIM") if c["result"] == "FFA_SUCCESS"]
        if len(reclaimed) != len(shared):
            return False, f"{len(shared)} FFA_MEM_SHARE, {len(reclaimed)} FFA_MEM_RECLAIM"
    return True, ""


def check_pkvm_reclaim_refused(res):
    """The documented state: pKVM's do_ffa_mem_reclaim() first asks the SPMC
    for the region with a hypervisor FFA_MEM_RETRIEVE_REQ, OP-TEE 4.10's
    S-EL1 SPMC does not handle it, and the host's reclaim fails."""
    errors = _reclaim_errors(res)
    refused = _secure_log(res).count(OPTEE_NO_RETRIEVE)
    stale = (" : update secure-world/README.md and the optee-pkvm known_warnings"
             " if reclaim works now")
    if not errors:
        return False, "no failed reclaim reported by the OP-TEE driver" + stale
    if not refused:
        return False, (f"{len(errors)} failed reclaims but no '{OPTEE_NO_RETRIEVE}'"
                       " in OP-TEE's log" + stale)
    if _spmd(res, "FFA_MEM_RECLAIM"):
        return False, "an FFA_MEM_RECLAIM reached the SPMC" + stale
    return True, ""


# The TPM behind FF-A (tpm-* scenarios): tpm_crb over tpm_crb_ffa, the test
# SPMC's TPM service partition relaying to swtpm, described by ACPI tables
# that our UEFI application installs.
# tpm_crb's ACPI driver registers as "tpm_crb_acpi" in 7.3; its probe
# registers tpm0 before driver_bound() reports the bind.
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
    import hashlib
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
    bound, ima = first_event(res, "tpm", TPM_BOUND), ima_initcall(res).get("start")
    bypass = first_event(res, "ima", IMA_BYPASS)
    return bound, ima, bypass, (f"tpm_crb bound at {bound}, IMA's initcall at {ima}, "
                                f"late level at {res.get('late_level_at')}, "
                                f"TPM-bypass at {bypass}, first measurement {boot_aggregate(res)}")


def check_uefi_acpi_boot(res):
    """The kernel booted with ACPI from our UEFI: PSCI from the FADT, and
    the TPM2 table and the SSDT that the UEFI application installed."""
    psci = first_event(res, "acpi", r"psci: probing for conduit method from ACPI")
    tpm2, ssdt = first_event(res, "acpi", r"^ACPI: TPM2 "), first_event(res, "acpi", r"^ACPI: SSDT ")
    return None not in (psci, tpm2, ssdt), f"PSCI from ACPI {psci}, TPM2 {tpm2}, SSDT {ssdt}"


def check_ima_tpm_bypass(res):
    """IMA finds no TPM at its initcall: TPM-bypass and an all-zero
    boot_aggregate; the TPM registers later or never."""
    bound, ima, bypass, why = tpm_timeline(res)
    agg = boot_aggregate(res)
    ok = (bypass is not None and agg is not None and set(agg[2]) == {"0"}
          and (bound is None or ima is None or bound > ima))
    return ok, why


def check_tpm_before_ima(res):
    """tpm_crb has bound, the TPM registered, before IMA's initcall starts and
    before the first late initcall."""
    bound, ima, _, why = tpm_timeline(res)
    late = res.get("late_level_at")
    return None not in (bound, ima, late) and bound < ima and bound < late, why


def check_ima_boot_aggregate(res, name="boot_aggregate"):
    """IMA measured with the TPM: no bypass, a SHA-256 boot_aggregate equal
    to SHA-256 over PCRs 0-9 as read back, PCR 0 extended by the firmware
    (so the aggregate is not that of all-zero PCRs), PCR 10 extended."""
    _, _, bypass, why = tpm_timeline(res)
    agg, pcrs = boot_aggregate(res), res.get("pcrs") or {}
    want = expected_boot_aggregate(pcrs)
    zeros = expected_boot_aggregate({str(i): ZERO_DIGEST for i in range(10)})
    ok = (bypass is None and agg is not None and agg[0] == name and agg[1] == "sha256"
          and want is not None and agg[2] == want and want != zeros
          and pcrs.get("0", ZERO_DIGEST) != ZERO_DIGEST
          and pcrs.get("10", ZERO_DIGEST) != ZERO_DIGEST)
    return ok, (f"{why}; expected {want}, PCR0 {pcrs.get('0')}, PCR10 {pcrs.get('10')}")


def check_ima_late_boot_aggregate(res):
    return check_ima_boot_aggregate(res, "boot_aggregate_late")


def check_tpm_crb_fails_without_ffa(res):
    """tpm_crb's probe fails with -ETIME: the CRB's locality request,
    without FF-A's TPM_START, is never granted."""
    fail = first_event(res, "tpm", r"probe with driver tpm_crb_acpi failed with error -62")
    return fail is not None, f"tpm_crb_acpi probe failed with -ETIME at {fail}"


def check_tpm_never_bound(res):
    bound, _, _, why = tpm_timeline(res)
    return bound is None, why


CHECKS = {
    "uefi_acpi_boot": ("any", check_uefi_acpi_boot,
                       "ACPI boot from UEFI: PSCI from the FADT, TPM2 table and SSDT installed"),
    "stock_ima_tpm_bypass": ("stock", check_ima_tpm_bypass,
                             "IMA finds no TPM at its initcall: TPM-bypass, zero boot_aggregate, "
                             "tpm_crb bound later"),
    "ima_tpm_bypass": ("any", check_ima_tpm_bypass,
                       "IMA finds no TPM at its initcall: TPM-bypass, zero boot_aggregate"),
    "patched_tpm_before_ima": ("patched", check_tpm_before_ima,
                               "tpm_crb bound before IMA's initcall and before the late initcalls"),
    "patched_ima_boot_aggregate": ("patched", check_ima_boot_aggregate,
                                   "IMA measures with the TPM: boot_aggregate = SHA-256(PCR0..9), "
                                   "PCR0 extended by firmware, PCR10 by IMA, no bypass"),
    "latesync_ima_boot_aggregate": ("any", check_ima_late_boot_aggregate,
                                    "IMA_INIT_LATE_SYNC: boot_aggregate_late = SHA-256(PCR0..9)"),
    "tpm_never_bound": ("any", check_tpm_never_bound, "tpm_crb never binds"),
    "tpm_crb_fails_without_ffa": ("any", check_tpm_crb_fails_without_ffa,
                                  "built-in tpm_crb probes without the modular tpm_crb_ffa "
                                  "and fails with -ETIME"),
    # efivar-* (EFI variables under pKVM)
    "efivar_ssdt_loaded": ("any", check_efivar_ssdt_loaded,
                           f"efivar_ssdt= loads the SSDT in {EFIVAR_SSDT}: ACPICA loads "
                           f"'{EFIVAR_SSDT_TABLE_ID}', no SSDT errors"),
    "efivar_ssdt_device": ("any", check_efivar_ssdt_device,
                           f"the loaded SSDT's device is enumerated ({EFIVAR_SSDT_HID}:00)"),
    "stock_efivar_ssdt_from_efisubsys_init": ("stock", check_stock_efivar_ssdt_from_efisubsys_init,
                                              "the SSDT is loaded from efisubsys_init()"),
    "patched_efivar_ssdt_after_ffa": ("patched", check_patched_efivar_ssdt_after_ffa,
                                      "the SSDT is loaded once the FF-A conduit is published, "
                                      "after efisubsys_init()"),
    "ffa_negotiation_slowed": ("any", check_ffa_negotiation_slowed,
                               "the SPMC answers hyp_ffa_post_init()'s FFA_ID_GET, and so the "
                               f"host's FF-A negotiation, after {NEGOTIATE_SLOW_MS} ms"),
    "patched_ffa_pending_at_late_level": ("patched", check_patched_ffa_pending_at_late_level,
                                          "the re-probe barrier gives up after 1 s and the FF-A "
                                          "conduit is published after the late level begins"),
    "secureboot_not_unknown": ("patched", check_secureboot_not_unknown,
                               "secure boot mode asked while FF-A is pending: a refused read "
                               "is not cached, a read that can wait gets the firmware's mode"),
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
    "patched_echo_ok": ("patched", check_echo_ok, "the echo round trip succeeds"),
    "ffa_conduit_ready_without_driver": ("patched", check_ffa_conduit_ready_without_driver,
                                         "FF-A as a module: its conduit is ungated, ready (0)"),
    "ffa_modules_load": ("patched", check_ffa_modules_load,
                         "/init loads ffa-core, ffa-module, ffa_echo and tpm_crb_ffa"),
    "efivar_init_task_not_ready": ("patched", check_efivar_init_task_not_ready,
                                   "an init-task variable call while FF-A is pending gets "
                                   "EFI_NOT_READY"),
    "efivar_kthread_waited": ("patched", check_efivar_kthread_waited,
                              "a kthread's variable call returns only after FF-A publishes"),
    "efivar_calls_at_once": ("patched", check_efivar_calls_at_once,
                             "without pKVM variable calls succeed at once, conduit ready"),
    "ffa_rebinds": ("any", check_ffa_rebinds, "arm-ffa unbinds and binds again from sysfs"),
    "echo_ok_after_rebind": ("any", check_echo_ok_after_rebind,
                             "the echo partition works before and after the rebind"),
    "patched_ffa_conduit_kept": ("patched", check_patched_ffa_conduit_kept,
                                 "the FF-A conduit stays ready (0) while unbound and after"),
    "pkvm_failed_before_install": ("any", check_pkvm_failed_before_install,
                                   "pKVM reserves no memory: KVM fails before installing at EL2"),
    "patched_ffa_proxy_ready": ("patched", check_patched_ffa_proxy_ready,
                               "the FF-A proxy conduit is published 0: nothing traps"),
    "patched_ffa_straight_to_el3": ("patched", check_patched_ffa_straight_to_el3,
                                    "every FF-A call reaches EL3 from EL1, no hypervisor"),
    "patched_ffa_failure_reported": ("patched", check_patched_ffa_failure_reported,
                                     "the FF-A conduit reports the firmware's failure"),
    "pkvm_up": ("any", check_pkvm_up, "pKVM initialises"),
    "patched_conduit_order": ("patched", check_patched_conduit_order,
                              "finalize_pkvm -> FF-A proxy conduit -> FF-A conduit -> load_uefi_certs"),
    "patched_no_warnings": ("patched", check_patched_no_warnings, "no kernel warnings"),
    "patched_ffa_module_warned": ("patched", check_patched_ffa_module_warned,
                                  "with FF-A as a module under pKVM, finalize_pkvm() warns "
                                  "that EFI is not held back"),
    "patched_ffa_proxy_ready_early": ("patched", check_patched_ffa_proxy_ready_early,
                                     "without protected mode the FF-A proxy conduit is ready "
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
    "early_param_wait_refused": ("patched", check_early_param_wait_refused,
                                 "a wait before the scheduler runs is refused with -EDEADLK"),
    "ffa_found_spmc": ("any", check_ffa_found_spmc, "the FF-A core finds the SPMC"),
    "optee_ready": ("any", check_optee_ready, "OP-TEE's FF-A driver probes"),
    "tee_request_ok": ("any", check_tee_request_ok,
                       "a TEE request (session, value and shared-memory invoke) succeeds"),
    "host_smc_through_pkvm": ("any", check_host_smc_through_pkvm,
                              "once pKVM is up every host SMC reaches EL3 through EL2"),
    "ffa_mem_reclaimed": ("any", check_ffa_mem_reclaimed,
                          "every FFA_MEM_SHARE is reclaimed with FFA_MEM_RECLAIM"),
    "pkvm_reclaim_refused": ("any", check_pkvm_reclaim_refused,
                             "known limit: FFA_MEM_RECLAIM fails, OP-TEE refuses"
                             " pKVM's FFA_MEM_RETRIEVE_REQ (README)"),
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
