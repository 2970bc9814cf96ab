# SPDX-License-Identifier: GPL-2.0
"""The boot scenarios, one row each: what QEMU runs and what is checked.

Every scenario of the boot matrix is one literal row of SCENARIOS:

  title       one line for humans
  machine     QEMU's -M (board, secure world, EL2 on or off, GIC)
  cpu         QEMU's -cpu
  el          the EL the kernel enters at: EL2 (KVM can run) or EL1
  mode        pkvm (kvm-arm.mode=protected), nvhe (kvm-arm.mode=nvhe) or
              el1 (no EL2); the mode's option is part of append
  firmware    None: QEMU's built-in PSCI; "edk2": QEMU's EDK2 with a device
              tree; "optee": TF-A's SPM dispatcher, OP-TEE as the S-EL1
              SPMC, U-Boot (make secure-world); "tpm": the test SPMC with
              its TPM partition, then our EDK2 build and ACPI (make uefi);
              anything else: the conduit test firmware (make firmware) in
              that fault mode ("none" = an SPMC that works)
  kernels     the kernels it boots: stock, patched or both
  timeout     seconds before the boot counts as hung
  append      the scenario's kernel command line, after COMMON_APPEND (the
              patched kernel also gets PATCHED_DYNDBG)
  checks      the names of its checks (checks.py). The name says which
              kernel a check applies to, and nothing else does: stock_*
              runs on the stock kernel only, patched_* on the patched
              kernel only, every other check on each kernel the scenario
              boots. Every boot also gets the generic checks (userspace
              reached; no panic, WARN, BUG or lockdep report; no timeout).
  known_warnings  regexps of kernel warnings the boot may print, each
              argued where it is defined; patched_no_warnings excuses them

Optional: tpm_fault (the test SPMC's fault mode under firmware "tpm"),
mem_regions (the DTB describes RAM in that many ranges), kernel_dir (the
kernel's output directory under build/ instead of the kernel's own),
initrd (an external initrd under build/), build_target (the make target
that builds kernel_dir and initrd), uefi_vars ({NAME: SSDT under
build/uefi} that conduit-acpi.efi stores in the EFI variable NAME),
trace_smc (QEMU logs every exception, -d int, for the SMC origins).

`make scenarios` prints this table; `make scenario S=<name>` boots one.
"""

STOCK, PATCHED, BOTH = ["stock"], ["patched"], ["stock", "patched"]
KERNELS = BOTH
# Where each kernel is built: O=out inside its tree under build/.
KERNEL_TREES = {"patched": "linux", "stock": "stock"}

CPU = "max,lpa2=off,pauth-impdef=on"
VIRT_EL2 = "virt,virtualization=on,gic-version=3"
VIRT_EL1 = "virt,virtualization=off,gic-version=3"
# secure=on: a secure world for the test firmware, TF-A and OP-TEE
VIRT_SECURE_EL2 = "virt,secure=on,virtualization=on,gic-version=3"
VIRT_SECURE_EL1 = "virt,secure=on,virtualization=off,gic-version=3"

COMMON_APPEND = "console=ttyAMA0 initcall_debug ignore_loglevel panic=-1 printk.time=1"
# The publishers report their outcome with pr_debug(); turn those lines on
# in the patched kernel (CONFIG_DYNAMIC_DEBUG in qemu-arm64-patched.config).
PATCHED_DYNDBG = ('dyndbg="file arch/arm64/kvm/pkvm.c +p; '
                  'file drivers/firmware/arm_ffa/driver.c +p; file kernel/conduit/conduit.c +p"')

# The modes, each as the machine's EL2 setting and the command line option.
MODES = {
    "pkvm": ("virtualization=on", "kvm-arm.mode=protected"),
    "nvhe": ("virtualization=on", "kvm-arm.mode=nvhe"),
    "el1": ("virtualization=off", ""),
}
MODE_TITLES = {"pkvm": "pKVM protected", "nvhe": "KVM nVHE", "el1": "EL1, no EL2"}

# ACPI's event genetlink family needs CONFIG_NET, which the test kernels
# leave out; both kernels print this under ACPI, nothing else.
ACPI_GENETLINK = r"^ACPI: Failed to create genetlink family for ACPI event$"
# With FF-A as a module nothing holds EFI back under pKVM: finalize_pkvm()
# says so, the one warning of ffa-module-pkvm.
FFA_MODULE_WARNING = (r"^FF-A is a module: EFI runtime services may make FF-A calls before "
                      r"the host negotiates its FF-A version$")
# efivar-slow-pkvm: the barrier before the late initcalls gives up.
REPROBE_STILL_RUNS = (r"^conduit: re-probing deferred devices still runs after 1000 ms; "
                      r"late initcalls go on without it$")

# efivar-*: the EFI variable conduit-acpi.efi -v fills, and what is in it
EFIVAR_SSDT = "CONDUITSSDT"
EFIVAR_GUID = "ca69d875-6e60-4678-b5c4-01acd08ba004"   # uefi/conduit-acpi.c
EFIVAR_SSDT_TABLE_ID, EFIVAR_SSDT_HID = "EFIVSSDT", "CNDT0001"  # uefi/ssdt-efivar.asl
# ACPICA prints "ACPI: " and the table's header in two pieces; loaded beside
# the FF-A partition probes (patched), a line from the other CPU can come
# between them, and the header becomes a record of its own at the default
# (warning) level: seen in 1 of 5 boots.
SSDT_HEADER_CUT_OFF = rf"^SSDT 0x[0-9A-F]+ [0-9A-F]+ \(v02 CONDUT {EFIVAR_SSDT_TABLE_ID} "
# efivar-slow-pkvm, efivar-secureboot-pkvm: the SPMC answers the call that
# ends FF-A's version negotiation this late
NEGOTIATE_SLOW_MS = 3000


SCENARIOS = {
    # The matrix: each mode with QEMU's PSCI (no FF-A), with the test SPMC
    # and with the test firmware's FF-A switched off.
    "pkvm": dict(
        title="pKVM protected, QEMU PSCI (no FF-A)",
        machine=VIRT_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware=None, kernels=BOTH, timeout=120,
        append="kvm-arm.mode=protected",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "pkvm_up",
            "patched_no_warnings",
            "patched_conduit_order",
        ]),
    "spmc-pkvm": dict(
        title="pKVM protected, test SPMC",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="none", kernels=BOTH, timeout=120,
        append="kvm-arm.mode=protected",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "pkvm_up",
            "stock_ffa_probes_at_late_initcall",
            "ffa_through_pkvm",
            "echo_ok",
            "patched_no_warnings",
            "patched_conduit_order",
            "patched_ffa_before_late_initcalls",
        ]),
    "nospmc-pkvm": dict(
        title="pKVM protected, test firmware, FF-A absent",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="absent", kernels=BOTH, timeout=120,
        append="kvm-arm.mode=protected",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "pkvm_up",
            "patched_ffa_failure_reported",
        ]),
    "nvhe": dict(
        title="KVM nVHE, QEMU PSCI (no FF-A)",
        machine=VIRT_EL2, cpu=CPU, el="EL2", mode="nvhe",
        firmware=None, kernels=BOTH, timeout=120,
        append="kvm-arm.mode=nvhe",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "patched_no_warnings",
            "patched_ffa_proxy_ready_early",
            "patched_ffa_ready_early",
        ]),
    "spmc-nvhe": dict(
        title="KVM nVHE, test SPMC",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="nvhe",
        firmware="none", kernels=BOTH, timeout=120,
        append="kvm-arm.mode=nvhe",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "echo_ok",
            "patched_no_warnings",
            "patched_ffa_proxy_ready_early",
            "patched_ffa_ready_early",
        ]),
    "nospmc-nvhe": dict(
        title="KVM nVHE, test firmware, FF-A absent",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="nvhe",
        firmware="absent", kernels=BOTH, timeout=120,
        append="kvm-arm.mode=nvhe",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "patched_ffa_proxy_ready_early",
            "patched_ffa_ready_early",
        ]),
    "el1": dict(
        title="EL1, no EL2, QEMU PSCI (no FF-A)",
        machine=VIRT_EL1, cpu=CPU, el="EL1", mode="el1",
        firmware=None, kernels=BOTH, timeout=120,
        append="",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "patched_no_warnings",
            "patched_ffa_proxy_ready_early",
            "patched_ffa_ready_early",
        ]),
    "spmc-el1": dict(
        title="EL1, no EL2, test SPMC",
        machine=VIRT_SECURE_EL1, cpu=CPU, el="EL1", mode="el1",
        firmware="none", kernels=BOTH, timeout=120,
        append="",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "echo_ok",
            "patched_no_warnings",
            "patched_ffa_proxy_ready_early",
            "patched_ffa_ready_early",
        ]),
    "nospmc-el1": dict(
        title="EL1, no EL2, test firmware, FF-A absent",
        machine=VIRT_SECURE_EL1, cpu=CPU, el="EL1", mode="el1",
        firmware="absent", kernels=BOTH, timeout=120,
        append="",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "patched_ffa_proxy_ready_early",
            "patched_ffa_ready_early",
        ]),

    # The test SPMC's fault modes under pKVM.
    "version-refused-pkvm": dict(
        title="pKVM protected, SPMC refuses FFA_VERSION",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="version-refused", kernels=BOTH, timeout=120,
        append="kvm-arm.mode=protected",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "pkvm_up",
            "patched_ffa_failure_reported",
        ]),

    # An SPMC that reports FF-A v2.0 makes pKVM's hyp_ffa_init() fail, and
    # with it KVM: pKVM does not come up, and 7.3 defers FF-A for good.
    "version-major-pkvm": dict(
        title="pKVM protected, SPMC with FF-A v2.0",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="version-major", kernels=BOTH, timeout=120,
        append="kvm-arm.mode=protected",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "patched_ffa_failure_reported",
            "stock_ffa_deferred_forever",
            "patched_nothing_deferred",
        ]),
    "busy-pkvm": dict(
        title="pKVM protected, SPMC answers BUSY",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="busy", kernels=BOTH, timeout=120,
        append="kvm-arm.mode=protected",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "pkvm_up",
            "patched_echo_reports_failure",
        ]),
    "slow-pkvm": dict(
        title="pKVM protected, SPMC answers slowly",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="slow", kernels=BOTH, timeout=120,
        append="kvm-arm.mode=protected",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "pkvm_up",
            "echo_ok",
        ]),

    # EDK2 from QEMU's package with a device tree (acpi=off).
    "edk2-pkvm": dict(
        title="pKVM protected, EDK2 (UEFI)",
        machine=VIRT_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="edk2", kernels=BOTH, timeout=240,
        append="kvm-arm.mode=protected",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "pkvm_up",
            "patched_no_warnings",
            "patched_conduit_order",
        ]),
    "edk2-nvhe": dict(
        title="KVM nVHE, EDK2 (UEFI)",
        machine=VIRT_EL2, cpu=CPU, el="EL2", mode="nvhe",
        firmware="edk2", kernels=BOTH, timeout=240,
        append="kvm-arm.mode=nvhe",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "patched_no_warnings",
            "patched_ffa_proxy_ready_early",
            "patched_ffa_ready_early",
        ]),
    "edk2-el1": dict(
        title="EL1, no EL2, EDK2 (UEFI)",
        machine=VIRT_EL1, cpu=CPU, el="EL1", mode="el1",
        firmware="edk2", kernels=BOTH, timeout=240,
        append="",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "patched_no_warnings",
            "patched_ffa_proxy_ready_early",
            "patched_ffa_ready_early",
        ]),

    # The real secure world (TF-A + OP-TEE + U-Boot). Under pKVM QEMU also
    # logs every exception (-d int), so that the origin of each SMC that
    # reaches EL3 can be checked. Behind pKVM's FF-A proxy the OP-TEE driver
    # reports two known limits at error level (secure-world/README.md):
    # the proxy answers FFA_NOTIFICATION_* with NOT_SUPPORTED, and OP-TEE
    # refuses the proxy's FFA_MEM_RETRIEVE_REQ, so FFA_MEM_RECLAIM fails and
    # the TEE core reports the failed unregistration (no device, and no
    # newline: the record only lands when the next message comes). The
    # pkvm_reclaim_refused check fails once reclaim works, so this excuse
    # cannot outlive the problem unnoticed.
    "optee-pkvm": dict(
        title="pKVM protected, TF-A + OP-TEE SPMC",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="optee", kernels=BOTH, timeout=240,
        append="kvm-arm.mode=protected",
        trace_smc=True,
        known_warnings=[
            r"^optee: Failed to initialize async notifications: -95$",
            r"^optee: mem_reclaim: 0x[0-9a-f]+ -95$",
            r"^\(NULL device \*\): unregister shm [0-9a-f]+ failed: -95$",
        ],
        checks=[
            "pkvm_up",
            "ffa_found_spmc",
            "optee_ready",
            "tee_request_ok",
            "host_smc_through_pkvm",
            "pkvm_reclaim_refused",
            "patched_no_warnings",
            "patched_conduit_order",
        ]),
    "optee-nvhe": dict(
        title="KVM nVHE, TF-A + OP-TEE SPMC",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="nvhe",
        firmware="optee", kernels=BOTH, timeout=240,
        append="kvm-arm.mode=nvhe",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "ffa_found_spmc",
            "optee_ready",
            "tee_request_ok",
            "ffa_mem_reclaimed",
            "patched_no_warnings",
            "patched_ffa_proxy_ready_early",
            "patched_ffa_ready_early",
        ]),
    "optee-el1": dict(
        title="EL1, no EL2, TF-A + OP-TEE SPMC",
        machine=VIRT_SECURE_EL1, cpu=CPU, el="EL1", mode="el1",
        firmware="optee", kernels=BOTH, timeout=240,
        append="",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "ffa_found_spmc",
            "optee_ready",
            "tee_request_ok",
            "ffa_mem_reclaimed",
            "patched_no_warnings",
            "patched_ffa_proxy_ready_early",
            "patched_ffa_ready_early",
        ]),

    # KVM fails before installing its hypervisor, in protected mode: the
    # firmware hands over more memory ranges than pKVM's hypervisor can track
    # (HYP_MEMBLOCK_REGIONS, 128; arm64 itself takes 1024), so
    # kvm_hyp_reserve() reserves nothing and init_hyp_mode() fails before
    # touching EL2. Nothing traps host SMCs then, yet 7.3 keeps FF-A deferred
    # behind is_pkvm_initialized() for good.
    "memblocks-pkvm": dict(
        title="pKVM protected, test SPMC, 160 memory ranges (pKVM tracks 128)",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="none", kernels=BOTH, timeout=120,
        append="kvm-arm.mode=protected",
        mem_regions=160,
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "pkvm_failed_before_install",
            "stock_ffa_deferred_forever",
            "patched_ffa_proxy_ready",
            "patched_ffa_straight_to_el3",
            "patched_echo_ok",
            "patched_nothing_deferred",
        ]),

    # /init unbinds the FF-A core from its device and binds it again: the
    # FF-A conduit stays as published (the version negotiated with pKVM's
    # proxy cannot be taken back), and the partitions come back.
    "rebind-pkvm": dict(
        title="pKVM protected, test SPMC, FF-A unbound and bound again",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="none", kernels=BOTH, timeout=120,
        append="kvm-arm.mode=protected conduit_init.rebind_ffa",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "ffa_rebinds",
            "echo_ok_after_rebind",
            "patched_ffa_conduit_kept",
            "patched_no_warnings",
        ]),
    "rebind-nvhe": dict(
        title="KVM nVHE, test SPMC, FF-A unbound and bound again",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="nvhe",
        firmware="none", kernels=BOTH, timeout=120,
        append="kvm-arm.mode=nvhe conduit_init.rebind_ffa",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "ffa_rebinds",
            "echo_ok_after_rebind",
            "patched_ffa_conduit_kept",
            "patched_no_warnings",
        ]),

    # EFI variable calls right after efisubsys_init(), from the init task
    # and from a kthread (the test-only early consumer, patched only): held
    # while FF-A holds its conduit under pKVM, untouched without pKVM.
    "efivars-pkvm": dict(
        title="pKVM protected, EDK2, EFI variable calls before FF-A publishes",
        machine=VIRT_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="edk2", kernels=PATCHED, timeout=240,
        append="kvm-arm.mode=protected conduit_early_consumer.efi_vars=1",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "efivar_init_task_not_ready",
            "efivar_kthread_waited",
            "patched_no_warnings",
        ]),
    "efivars-nvhe": dict(
        title="KVM nVHE, EDK2, EFI variable calls before FF-A publishes",
        machine=VIRT_EL2, cpu=CPU, el="EL2", mode="nvhe",
        firmware="edk2", kernels=PATCHED, timeout=240,
        append="kvm-arm.mode=nvhe conduit_early_consumer.efi_vars=1",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "efivar_calls_at_once",
            "patched_no_warnings",
        ]),

    # FF-A and the echo client built as modules (make kernel-ffa-module) and
    # loaded by /init from an external initrd, long after pKVM is final: a
    # module is no gatekeeper, so the FF-A conduit is ready from the start.
    "ffa-module-pkvm": dict(
        title="pKVM protected, test SPMC, FF-A and the echo client loaded as modules",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="none", kernels=PATCHED, timeout=120,
        append="kvm-arm.mode=protected",
        kernel_dir="linux/out-ffa-module",
        initrd="ffa-module.cpio",
        build_target="kernel-ffa-module",
        known_warnings=[FFA_MODULE_WARNING],
        checks=[
            "pkvm_up",
            "ffa_conduit_ready_without_driver",
            "ffa_modules_load",
            "echo_ok",
            "ffa_through_pkvm",
            "patched_ffa_module_warned",
            "patched_no_warnings",
        ]),

    # A TPM behind FF-A (tpm-*): the test SPMC with its TPM service
    # partition (swtpm behind the secure UART), UEFI from EDK2 with our
    # application installing a TPM2 table (start method 15) and an SSDT with
    # the MSFT0101 device, and the kernel booting ACPI with tpm_crb over
    # tpm_crb_ffa and IMA at its default level. dyndbg times the binds on
    # both kernels.
    "tpm-pkvm": dict(
        title="pKVM protected, TPM behind FF-A, IMA at its default level",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="tpm", kernels=BOTH, timeout=300,
        append='kvm-arm.mode=protected conduit_init.tpm dyndbg="func driver_bound +p"',
        tpm_fault="none",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "uefi_acpi_boot",
            "pkvm_up",
            "stock_ima_tpm_bypass",
            "patched_tpm_before_ima",
            "patched_ima_boot_aggregate",
            "echo_ok",
            "patched_no_warnings",
        ]),
    "tpm-nvhe": dict(
        title="KVM nVHE, TPM behind FF-A, IMA at its default level",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="nvhe",
        firmware="tpm", kernels=BOTH, timeout=300,
        append='kvm-arm.mode=nvhe conduit_init.tpm dyndbg="func driver_bound +p"',
        tpm_fault="none",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "uefi_acpi_boot",
            "stock_ima_tpm_bypass",
            "patched_tpm_before_ima",
            "patched_ima_boot_aggregate",
            "echo_ok",
            "patched_no_warnings",
        ]),
    "tpm-el1": dict(
        title="EL1, no EL2, TPM behind FF-A, IMA at its default level",
        machine=VIRT_SECURE_EL1, cpu=CPU, el="EL1", mode="el1",
        firmware="tpm", kernels=BOTH, timeout=300,
        append='conduit_init.tpm dyndbg="func driver_bound +p"',
        tpm_fault="none",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "uefi_acpi_boot",
            "stock_ima_tpm_bypass",
            "patched_tpm_before_ima",
            "patched_ima_boot_aggregate",
            "echo_ok",
            "patched_no_warnings",
        ]),

    # Upstream's workaround on stock 7.3: init_ima() at late_initcall_sync.
    "tpm-latesync-pkvm": dict(
        title="pKVM protected, TPM behind FF-A, stock with IMA_INIT_LATE_SYNC=y",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="tpm", kernels=STOCK, timeout=300,
        append='kvm-arm.mode=protected conduit_init.tpm dyndbg="func driver_bound +p"',
        tpm_fault="none",
        kernel_dir="stock/out-ima-late-sync",
        build_target="kernel-stock-ima-late",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "uefi_acpi_boot",
            "pkvm_up",
            "latesync_ima_boot_aggregate",
        ]),

    # Asynchronous probing asked for on the command line: the re-probe and
    # the flush of dependents still finish before the late initcalls.
    "tpm-async-pkvm": dict(
        title="pKVM protected, TPM behind FF-A, arm-ffa and tpm_crb probed asynchronously",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="tpm", kernels=PATCHED, timeout=300,
        append='kvm-arm.mode=protected conduit_init.tpm dyndbg="func driver_bound +p" '
               'driver_async_probe=arm-ffa,tpm_crb',
        tpm_fault="none",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "uefi_acpi_boot",
            "pkvm_up",
            "patched_ffa_before_late_initcalls",
            "patched_tpm_before_ima",
            "patched_ima_boot_aggregate",
            "patched_no_warnings",
        ]),

    # What the series does not change: FF-A built as modules, as Debian's
    # 7.3.4 arm64 kernel builds it. IMA=y selects TCG_CRB=y, and a built-in
    # tpm_crb cannot reach a modular tpm_crb_ffa (tpm_crb_ffa.h:
    # IS_REACHABLE), so it probes the CRB without FF-A, times out and fails
    # for good: IMA goes into TPM-bypass, and the TPM never registers, not
    # even once /init has loaded the modules.
    "tpm-ffa-module-pkvm": dict(
        title="pKVM protected, TPM behind FF-A, FF-A and tpm_crb_ffa as modules",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="tpm", kernels=PATCHED, timeout=300,
        append='kvm-arm.mode=protected conduit_init.tpm dyndbg="func driver_bound +p"',
        tpm_fault="none",
        kernel_dir="linux/out-ffa-module",
        initrd="ffa-module.cpio",
        build_target="kernel-ffa-module",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "uefi_acpi_boot",
            "pkvm_up",
            "ima_tpm_bypass",
            "tpm_crb_fails_without_ffa",
            "tpm_never_bound",
            "ffa_modules_load",
        ]),

    # The TPM partition fails or is slow: no hang, IMA runs without a TPM.
    "tpm-error-pkvm": dict(
        title="pKVM protected, TPM behind FF-A, the TPM partition fails every TPM_START",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="tpm", kernels=BOTH, timeout=300,
        append='kvm-arm.mode=protected conduit_init.tpm dyndbg="func driver_bound +p"',
        tpm_fault="tpm-error",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "uefi_acpi_boot",
            "pkvm_up",
            "ima_tpm_bypass",
        ]),
    "tpm-slow-pkvm": dict(
        title="pKVM protected, TPM behind FF-A, the TPM partition answers each TPM_START "
              "after 1.5 s",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="tpm", kernels=BOTH, timeout=300,
        append='kvm-arm.mode=protected conduit_init.tpm dyndbg="func driver_bound +p"',
        tpm_fault="tpm-slow:1500",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "uefi_acpi_boot",
            "pkvm_up",
            "ima_tpm_bypass",
        ]),

    # EFI variables under pKVM (efivar-*), through the UEFI ACPI path of the
    # tpm-* boots but without /init's TPM work. efivar-ssdt-pkvm:
    # conduit-acpi.efi -v stores uefi/ssdt-efivar.asl in a volatile EFI
    # variable instead of installing it, and efivar_ssdt= has the kernel
    # load it from there: stock from efisubsys_init(), patched from its FF-A
    # conduit callback, once FF-A has negotiated. dyndbg shows the ACPI scan
    # creating the table's device.
    "efivar-ssdt-pkvm": dict(
        title=f"pKVM protected, UEFI, an SSDT loaded from the EFI variable {EFIVAR_SSDT} "
              "(efivar_ssdt=)",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="tpm", kernels=BOTH, timeout=300,
        append=f'kvm-arm.mode=protected efivar_ssdt={EFIVAR_SSDT} '
               'dyndbg="func acpi_create_platform_device +p"',
        tpm_fault="none",
        uefi_vars={'CONDUITSSDT': 'efivar/ssdt-efivar.aml'},
        known_warnings=[
            ACPI_GENETLINK,
            SSDT_HEADER_CUT_OFF,
        ],
        checks=[
            "uefi_acpi_boot",
            "pkvm_up",
            "efivar_ssdt_loaded",
            "efivar_ssdt_device",
            "stock_efivar_ssdt_from_efisubsys_init",
            "patched_efivar_ssdt_after_ffa",
            "patched_no_warnings",
        ]),

    # The SPMC answers the call that ends FF-A's version negotiation (under
    # pKVM hyp_ffa_post_init()'s FFA_ID_GET, while pKVM handles the host's
    # FFA_VERSION) after 3 s, so on the patched kernel the FF-A conduit is
    # still pending when the late initcalls start, and load_uefi_certs()
    # registers its callback while it is pending. The test kernels tick
    # periodically (HZ_PERIODIC), and only CPU 0 advances jiffies: held at
    # EL3 for 3 s it would stop every timeout, the 1 s barrier before the
    # late initcalls included (measured: the barrier then gave up after 3 s,
    # FF-A published 7 ms into the late level). workqueue.unbound_cpus=1
    # keeps the unbound work items, the FF-A re-probe (patched) and the
    # deferred probe (stock) among them, on CPU 1. CPU 1, held at EL3,
    # passes no RCU quiescent state, so IMA's init (ima_init_htable():
    # synchronize_rcu()) holds the init task until the SPMC answers: a query
    # of the secure boot mode at late_initcall would come after FF-A is
    # final, and the consumer asks earlier instead (efivar-secureboot-pkvm).
    "efivar-slow-pkvm": dict(
        title=f"pKVM protected, UEFI, FF-A's version negotiation answered after "
              f"{NEGOTIATE_SLOW_MS} ms",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="tpm", kernels=BOTH, timeout=300,
        append="kvm-arm.mode=protected workqueue.unbound_cpus=1",
        tpm_fault=f"negotiate-slow:{NEGOTIATE_SLOW_MS}",
        known_warnings=[ACPI_GENETLINK, REPROBE_STILL_RUNS],
        checks=[
            "uefi_acpi_boot",
            "pkvm_up",
            "ffa_negotiation_slowed",
            "patched_ffa_pending_at_late_level",
            "stock_ffa_probes_at_late_initcall",
            "echo_ok",
            "patched_no_warnings",
        ]),

    # The same firmware, and the test-only consumer asking for the secure
    # boot mode from the init task twice while FF-A is pending: right after
    # efisubsys_init() (refused, "unknown", not cached) and after
    # finalize_pkvm() (waits for the re-probe of FF-A). The second wait
    # holds the init task until FF-A is final, so this boot is not the one
    # above.
    "efivar-secureboot-pkvm": dict(
        title=f"pKVM protected, UEFI, FF-A's negotiation answered after {NEGOTIATE_SLOW_MS} ms, "
              "the secure boot mode asked for while FF-A is pending",
        machine=VIRT_SECURE_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware="tpm", kernels=PATCHED, timeout=300,
        append="kvm-arm.mode=protected conduit_early_consumer.secureboot=1 "
               "workqueue.unbound_cpus=1",
        tpm_fault=f"negotiate-slow:{NEGOTIATE_SLOW_MS}",
        known_warnings=[ACPI_GENETLINK],
        checks=[
            "uefi_acpi_boot",
            "pkvm_up",
            "ffa_negotiation_slowed",
            "secureboot_not_unknown",
            "patched_no_warnings",
        ]),

    # A test-only consumer (patched only) that waits from an early initcall
    # and from an early_param.
    "early-consumer": dict(
        title="pKVM with a test-only consumer waiting from an early initcall",
        machine=VIRT_EL2, cpu=CPU, el="EL2", mode="pkvm",
        firmware=None, kernels=PATCHED, timeout=120,
        append="kvm-arm.mode=protected conduit_early_consumer.enable=1 conduit_early_wait",
        checks=[
            "early_consumer_sees_ffa_pending",
            "early_consumer_edeadlk",
            "early_param_wait_refused",
        ]),
}
