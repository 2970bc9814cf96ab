# SPDX-License-Identifier: GPL-2.0
"""Running QEMU: the command line of a boot scenario (scenario_table.py)
and the boot itself, with its console in a log file.

A scenario's firmware picks the command: QEMU's built-in PSCI (None),
EDK2 ("edk2"), the conduit test firmware (a fault mode, "none" = the SPMC
present), the test SPMC with a TPM partition behind UEFI ("tpm"), or TF-A
with OP-TEE ("optee").
"""

import os
import shlex
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FIRMWARE_DIR = os.path.join(HERE, "firmware")
EDK2 = "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd"
# Where the test firmware's boots load an external initrd (the DTB names it)
INITRD_ADDR = "0x48200000"

COMMON_APPEND = "console=ttyAMA0 initcall_debug ignore_loglevel panic=-1 printk.time=1"


def qemu_base(scen, cpu, console=True):
    """The start of every QEMU command line: board, CPU, two CPUs, 1 GiB,
    no network; CONSOLE: the console on stdio (-nographic), else no display
    and no monitor, the caller naming the serial ports."""
    cmd = ["qemu-system-aarch64", "-M", scen["machine"], "-cpu", cpu,
           "-smp", "2", "-m", "1G", "-nic", "none"]
    return cmd + (["-nographic"] if console else ["-display", "none", "-monitor", "none"])


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
    cmd = qemu_base(scen, cpu) + ["-no-reboot"]
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
    return qemu_base(scen, cpu, console=False) + [
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
    args = qemu_base(scen, cpu, console=False) + [
            "-no-reboot", "-serial", "stdio", "-serial", f"file:{base}.secure.log",
            "-bios", flash, "-drive", f"if=pflash,unit=1,format=raw,readonly=on,file={env}",
            "-kernel", image, "-append", append]
    if scen.get("trace_smc"):
        args += ["-d", "int", "-D", base + ".int.log"]
    return args
