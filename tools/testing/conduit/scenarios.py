# SPDX-License-Identifier: GPL-2.0
"""The boot scenarios: how each one runs QEMU and what it must show.

A scenario is a dict:
  title      one line for humans
  machine    QEMU -M options
  cpu        QEMU -cpu
  append     extra kernel command line
  kernels    which kernels run it (default: stock and patched)
  checks     names of scenario checks, see CHECKS below
  timeout    seconds (default 120)
"""

import re

COMMON_APPEND = "console=ttyAMA0 initcall_debug ignore_loglevel panic=-1 printk.time=1"

SCENARIOS = {
    "pkvm": {
        "title": "pKVM protected mode, QEMU's built-in PSCI (no FF-A firmware)",
        "machine": "virt,virtualization=on,gic-version=3",
        "append": "kvm-arm.mode=protected",
        "checks": ["pkvm_up", "stock_ffa_before_kvm", "patched_conduit_order",
                   "patched_no_warnings"],
    },
    "nvhe": {
        "title": "KVM nVHE mode (no pKVM): conduit ready at once",
        "machine": "virt,virtualization=on,gic-version=3",
        "append": "kvm-arm.mode=nvhe",
        "checks": ["patched_no_warnings", "patched_host_smc_unclaimed"],
    },
    "el1": {
        "title": "no virtualization: kernel at EL1, no KVM",
        "machine": "virt,gic-version=3",
        "append": "",
        "checks": ["patched_no_warnings", "patched_host_smc_unclaimed"],
    },
    "early-consumer": {
        "title": "pKVM with a test-only consumer waiting from an early initcall",
        "machine": "virt,virtualization=on,gic-version=3",
        "append": "kvm-arm.mode=protected conduit_early_consumer.enable=1",
        "kernels": ["patched"],
        "checks": ["early_consumer_edeadlk"],
    },
}

# printk lines worth a place on the timeline, besides the actors' initcalls.
EVENT_PATTERNS = [
    ("conduit", re.compile(r"^conduit: ")),
    ("kvm", re.compile(r"kvm \[\d+\]: .*(Protected|nVHE|VHE|Hyp).*(initialized|mode)")),
    ("arm_ffa", re.compile(r"^(ARM FF-A|arm_ffa|ffa)[: ]", re.I)),
    ("ffa_echo", re.compile(r"^ffa_echo: ")),
    ("integrity", re.compile(r"^(integrity|load_uefi|UEFI|platform_certs)[: ]|platform keyring")),
    ("ima", re.compile(r"^ima: ")),
    ("efi", re.compile(r"^efi: (?!.*memattr)")),
]


def qemu_command(scen, image, build):
    return ["qemu-system-aarch64", "-M", scen["machine"],
            "-cpu", scen.get("cpu", "max,lpa2=off,pauth-impdef=on"),
            "-smp", "2", "-m", "1G", "-nographic", "-no-reboot",
            "-kernel", image,
            "-append", (COMMON_APPEND + " " + scen.get("append", "")).strip()]


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


def check_stock_ffa_before_kvm(res):
    ffa, kvm = start_of(res, "ffa_init"), start_of(res, "kvm_arm_init")
    if ffa is None or kvm is None:
        return False, f"ffa_init at {ffa}, kvm_arm_init at {kvm}"
    return ffa < kvm, f"ffa_init at {ffa}, kvm_arm_init at {kvm}"


def check_patched_conduit_order(res):
    """finalize_pkvm -> FF-A init -> FF-A conduit published -> load_uefi_certs."""
    steps = [
        ("finalize_pkvm starts", start_of(res, "finalize_pkvm")),
        ("host SMC conduit published", first_event(res, "conduit", r"host[-_ ]smc.*publish|publish.*host[-_ ]smc")),
        ("FF-A init starts", first_event(res, "arm_ffa")),
        ("FF-A conduit published", first_event(res, "conduit", r"ffa.*publish|publish.*ffa")),
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
# level (KERN_WARNING) on every PROVE_LOCKING kernel. Nothing else is excused.
BENIGN_WARNINGS = re.compile(
    r"^(Lock dependency validator: |\.\.\. (MAX_LOCK|CLASSHASH_SIZE|CHAINHASH_SIZE)|"
    r" memory used (by lock dependency info|for stack traces): |"
    r" per task-struct memory footprint: )")


def warnings(res):
    """Kernel log records at KERN_WARNING or worse, less lockdep's banner."""
    return [w for w in res["kmsg_warn_lines"] if not BENIGN_WARNINGS.match(w)]


def check_patched_no_warnings(res):
    if res["kmsg_warnings"] is None:
        return False, "/init did not report the warning count"
    found = warnings(res)
    return not found, f"{len(found)} warnings: " + " | ".join(found[:3])


def check_patched_host_smc_unclaimed(res):
    rows = [r for r in res["conduit_debugfs"] if re.match(r"\s*host[-_ ]smc", r, re.I)]
    if not rows:
        return False, "no host-smc row in /sys/kernel/debug/firmware_conduit"
    return "unclaimed" in rows[0] or "ready" in rows[0], rows[0]


def check_early_consumer_edeadlk(res):
    hits = [line for line in res["kmsg_warn_lines"] + [e[2] for e in res["events"]]
            if "EDEADLK" in line or "-35" in line]
    return bool(hits), "no -EDEADLK report from the early consumer"


CHECKS = {
    "pkvm_up": ("any", check_pkvm_up, "pKVM initialises"),
    "stock_ffa_before_kvm": ("stock", check_stock_ffa_before_kvm,
                             "stock order shows ffa_init before kvm_arm_init"),
    "patched_conduit_order": ("patched", check_patched_conduit_order,
                              "finalize_pkvm -> FF-A init -> FF-A conduit -> load_uefi_certs"),
    "patched_no_warnings": ("patched", check_patched_no_warnings, "no kernel warnings"),
    "patched_host_smc_unclaimed": ("patched", check_patched_host_smc_unclaimed,
                                   "host SMC conduit is not held back"),
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
