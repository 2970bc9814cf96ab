# SPDX-License-Identifier: GPL-2.0
"""The console parser: what a boot's logs say, as one record (a dict).

  parse_log(text)       the kernel console (QEMU's first UART): /init's
                        lines, initcalls, timeline events, splats, TF-A's
                        SPM dispatcher log when the secure world shares it
  add_fwlog(res, path)  the test firmware's call log (its secure UART)
  kernel_lines(text)    every timestamped kernel line, also one glued to
                        the middle of another line
  read_fwlog(path)      the test firmware's call log, one dict per line
  spmd_calls(text)      TF-A's SPM dispatcher log (optee-*)
  smc_origins(path)     QEMU's -d int log: which EL each SMC came from

The queries the checks share (first_event(), start_of(), ...) are here too.
"""

import os
import re

import conduit_common as cc

# The actors whose initcalls make up the timeline.
ACTORS = ["kvm_arm_init", "finalize_pkvm", "ffa_init", "efisubsys_init",
          "load_uefi_certs", "security_initcall_late", "security_initcall_late_sync",
          "deferred_probe_initcall", "conduit_reprobe_barrier"]
# The splats that fail a boot (conduit_common.KERNEL_SPLATS): all of them.
FATAL_KINDS = cc.SPLAT_KINDS

TS = re.compile(r"^\[\s*(\d+\.\d+)\]\s?(.*)$")
TS_LINE = re.compile(r"^\[\s*(\d+\.\d+)\]")
ANY_KERNEL_LINE = re.compile(r"\[\s*(\d+\.\d+)\] ([^\n]*)")
CALLING = re.compile(r"calling  (\w+)\+0x[0-9a-f]+/0x[0-9a-f]+(?: \[\w+\])? @ \d+")
RETURNED = re.compile(r"initcall (\w+)\+0x[0-9a-f]+/0x[0-9a-f]+(?: \[\w+\])? returned (-?\d+) "
                      r"after (\d+) usecs")
ECHO = re.compile(r"ffa_echo: (.*)")
INIT_TAG = "conduit-init: "
PCR = re.compile(r"tpm-pcr(\d+): ([0-9A-Fa-f]{64})$")
# A kernel line starting anywhere but at the start of a line of /init.
GLUED_KERNEL_LINE = re.compile(r"(?<=.)(?=\[\s*\d+\.\d+\] )")
# The test firmware's call log (firmware/lib.c fwlog()), one line per
# event: "fwlog: SEQ t=US cpuN ELn " and then
#   CALL(ARGS) -> RESULT r=(REGS)   an SMC it answered (FFA_*, PSCI_*, ...)
#   CALL(ARGS)                      its own events: ENTER, TPM, NEGOTIATE_SLOW,
#                                   WARN
#   CALL(ARGS) -> RESULT DETAIL     the TPM service's: PCR_EXTEND, TPM_START,
#                                   TPM_GET_INTERFACE_VERSION ("loc_state=0x82")
#   CALL DETAIL                     BOOT ("fault=none ffa_version=0x10002 ...")
# and PANIC(WHY) DETAIL. A RESULT may carry its own parentheses
# ("FAILED(no usable payload size)").
FWLOG = re.compile(r"fwlog: (\d+) t=(\d+) cpu(\d+) EL(\d) (\w+)(?:\((.*?)\))?"
                   r"(?: -> (\S+?(?:\([^)]*\))?)(?: r=\((.*?)\))?)?(?: (.*))?$")

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


def split_glued(text):
    """The console's lines, with a kernel line that the console printed
    before the newline of a line of /init's split off it again: /init writes
    each line in one write, but the UART sends it out while kernel messages
    go straight to the console."""
    for line in text.splitlines():
        if INIT_TAG in line:
            yield from GLUED_KERNEL_LINE.split(line, maxsplit=1)
        else:
            yield line


def new_record():
    """An empty boot record: what parse_log() fills in."""
    return {"userspace": False, "fatal": [], "events": [], "initcalls": {},
            "kmsg_warnings": None, "kmsg_warn_lines": [], "conduit_debugfs": [],
            "init_lines": [], "ffa_calls": [], "echo": None, "deferred": None,
            "ffa_version_at": None}


def _init_named_rows(res, msg):
    """/init's "module:"/"rebind:" results and its later debugfs dumps."""
    if msg.startswith(("module: ", "rebind: ")):
        # "<what>: <name> <return value>"
        what, _, rest = msg.partition(": ")
        name, _, ret = rest.partition(" ")
        res.setdefault({"module": "modules"}.get(what, what), {})[name] = \
            int(ret) if ret.lstrip("-").isdigit() else None
        return True
    if msg.startswith(("conduit-unbound: ", "conduit-rebound: ", "conduit-before-modules: ")):
        tag, row = msg.split(": ", 1)
        res.setdefault(tag.replace("-", "_"), []).append(row)
        return True
    return False


def _init_deferred(res, msg):
    """/init's dump of devices_deferred, between "deferred:" lines and
    "deferred-end": None when /init could not read the file."""
    if msg.startswith("deferred: "):
        res.setdefault("deferred_lines", []).append(msg.split(": ", 1)[1].strip())
        return True
    if msg.startswith("deferred-end"):
        lines = res.pop("deferred_lines", [])
        if not any(ln.startswith("unavailable") for ln in lines):
            res["deferred"] = lines
        return True
    return False


def parse_init_line(res, msg, last_ts):
    """One line /init printed (MSG, after "conduit-init: ")."""
    res["init_lines"].append(msg)
    value = msg.split(": ", 1)[1] if ": " in msg else ""
    if msg.startswith("userspace reached"):
        res["userspace"] = True
        res["events"].append((last_ts, "userspace", "/init reached"))
    elif msg.startswith("kmsg-warnings: "):
        res["kmsg_warnings"] = int(value) if value.isdigit() else None
    elif msg.startswith("kmsg-warn: "):
        res["kmsg_warn_lines"].append(value)
    elif msg.startswith("conduit: "):
        res["conduit_debugfs"].append(value)
    elif _init_named_rows(res, msg) or _init_deferred(res, msg):
        pass
    elif msg.startswith("ima-measurement: "):
        res.setdefault("ima_measurements", []).append(value)
    elif msg.startswith("tpm-pcr"):
        m = PCR.match(msg)
        if m:
            res.setdefault("pcrs", {})[m.group(1)] = m.group(2).lower()
    elif msg.startswith("tee: "):
        res["events"].append((last_ts, "/init", msg))


def parse_kernel_line(res, ts, body):
    """One timestamped kernel line: echo results, the late level, the
    actors' initcalls and the other timeline events."""
    e = ECHO.search(body)
    if e:
        res["echo"] = e.group(1)
        res.setdefault("echoes", []).append(e.group(1))
    if body.startswith("entering initcall level: late"):
        res["late_level_at"] = ts
        res["events"].append((ts, "initcalls", "late level begins"))
        return
    c = CALLING.search(body)
    if c and c.group(1) in ACTORS:
        res["initcalls"].setdefault(c.group(1), {})["start"] = ts
        res["events"].append((ts, c.group(1), "initcall starts"))
        return
    r = RETURNED.search(body)
    if r and r.group(1) in ACTORS:
        ent = res["initcalls"].setdefault(r.group(1), {})
        ent.update(end=ts, ret=int(r.group(2)), usecs=int(r.group(3)))
        res["events"].append((ts, r.group(1), f"returned {r.group(2)}"))
        return
    for who, pat in EVENT_PATTERNS:
        if pat.search(body):
            res["events"].append((ts, who, body.strip()))
            break


def add_spmd_events(res, text):
    """TF-A's SPM dispatcher log (optee-* scenarios): the normal world's
    FF-A calls at EL3; memory sharing and notifications go on the timeline."""
    res["spmd_calls"] = spmd_calls(text)
    for c in res["spmd_calls"]:
        if c["call"].startswith(("FFA_VERSION", "FFA_MEM_", "FFA_NOTIFICATION")):
            arg = f"({c['args'][0]})" if c["call"] == "FFA_VERSION" else ""
            res["events"].append((c["after"], "SPMD (EL3)", f"{c['call']}{arg} -> {c['result']}"))


def parse_log(text):
    """The boot record of one console log (see new_record())."""
    res = new_record()
    last_ts = 0.0
    for raw in split_glued(text):
        line = raw.rstrip("\r")
        m = TS.match(line)
        ts, body = (float(m.group(1)), m.group(2)) if m else (None, line)
        if ts is not None:
            last_ts = ts
        for kind in cc.find_splats(line, FATAL_KINDS):
            res["fatal"].append(f"{kind}: {line.strip()}")
        if INIT_TAG in line:
            parse_init_line(res, line.split(INIT_TAG, 1)[1], last_ts)
        elif ts is not None:
            parse_kernel_line(res, ts, body)
    add_spmd_events(res, text)
    res["events"].sort(key=lambda e: e[0])
    return res


# ---------------------------------------------------------------------------
# The other logs of a boot

def kernel_lines(text):
    """(time, text) of each kernel line of a console log, also of one glued
    to a line of /init's or to any other line."""
    return [(float(m.group(1)), m.group(2).rstrip("\r")) for m in ANY_KERNEL_LINE.finditer(text)]


def read_text(path):
    """A log's text; "" when it does not exist."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def read_fwlog(path):
    """The test firmware's call log: one dict per "fwlog:" line (FWLOG), with
    seq, t (us, the firmware's clock), cpu, el (of the caller; 3 for the
    firmware's own events), call, args, result, regs and detail, None where
    the line has no such part; None when there is no log."""
    if not os.path.exists(path):
        return None
    calls = []
    with open(path, errors="replace") as f:
        for line in f:
            m = FWLOG.search(line.rstrip("\r\n"))
            if m:
                calls.append({"seq": int(m.group(1)), "t": int(m.group(2)),
                              "cpu": int(m.group(3)), "el": int(m.group(4)),
                              "call": m.group(5), "args": m.group(6), "result": m.group(7),
                              "regs": m.group(8), "detail": m.group(9)})
    return calls


def add_fwlog(res, path):
    """The test firmware's call log (secure UART, its own file): the FF-A
    calls it answered (ffa_calls: el, call, result), which say what EL each
    came from; its other lines are left to read_fwlog()'s readers. Its
    clock is not the kernel's, so the calls are not placed on the timeline."""
    for c in read_fwlog(path) or []:
        if c["call"].startswith("FFA_") and c["result"] is not None:
            res["ffa_calls"].append({"after": None, "el": c["el"], "call": c["call"],
                                     "result": c["result"]})


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
    """FFA_<NAME>, with 64 for the SMC64 form, of an FF-A function ID."""
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


SMC_EXC = re.compile(r"^Taking exception \d+ \[(.*?)\] on CPU (\d+)")
SMC_ORIGIN_KEYS = ["host_trapped_to_el2", "el2_to_el3", "host_el1_to_el3_before_trap",
                   "host_el1_to_el3_after_trap", "secure_el1_to_el3"]


def _count_smc(out, trapped, e):
    """Count one exception of QEMU's -d int log if it is an SMC (EC 0x17)."""
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


def _exception_detail(exc, line):
    """One "...from ELx to ELy" / "...with ESR" / "...with ELR" line."""
    if (m := re.match(r"\.\.\.from EL(\d) to EL(\d)", line)):
        exc["from"], exc["to"] = int(m.group(1)), int(m.group(2))
    elif (m := re.match(r"\.\.\.with ESR 0x([0-9a-f]+)/", line)):
        exc["ec"] = int(m.group(1), 16)
    elif (m := re.match(r"\.\.\.with ELR 0x([0-9a-f]+)", line)):
        exc["elr"] = int(m.group(1), 16)


def smc_origins(path):
    """Who executed the SMCs, from QEMU's -d int log: per CPU, once pKVM
    traps the host's SMCs (an SMC from EL1 taken to EL2), any SMC that
    still reaches EL3 straight from the non-secure kernel (EL1, kernel
    address in ELR) bypassed the hypervisor. SMCs from EL1 at other
    addresses are OP-TEE's (S-EL1). None without a log."""
    if not os.path.exists(path):
        return None
    out, trapped, exc = dict.fromkeys(SMC_ORIGIN_KEYS, 0), set(), None
    with open(path, errors="replace") as f:
        for line in f:
            m = SMC_EXC.match(line)
            if m:
                _count_smc(out, trapped, exc)
                exc = {"cpu": int(m.group(2))}
            elif exc is None or not line.startswith("..."):
                _count_smc(out, trapped, exc)
                exc = None
            else:
                _exception_detail(exc, line)
    _count_smc(out, trapped, exc)
    return out


# ---------------------------------------------------------------------------
# Queries on a boot record

def initcall_order(res):
    """The actors whose initcall started, in the order they started."""
    calls = res["initcalls"]
    return sorted((a for a in calls if "start" in calls[a]), key=lambda a: calls[a]["start"])


def first_event(res, who, pattern=None):
    """The time of WHO's first timeline event (matching PATTERN), or None."""
    pat = re.compile(pattern) if pattern else None
    for ts, w, what in res["events"]:
        if w == who and (pat is None or pat.search(what)):
            return ts
    return None


def start_of(res, actor):
    """When ACTOR's initcall started, or None."""
    return res["initcalls"].get(actor, {}).get("start")


def ffa_up_at(res):
    """When the FF-A core came up: its "Driver version" line."""
    return first_event(res, "arm_ffa", r"Driver version")


def log_of(res, suffix):
    """The path of the boot's other log SUFFIX (".fwlog", ".secure.log")."""
    return res["log"][:-len(".log")] + suffix
