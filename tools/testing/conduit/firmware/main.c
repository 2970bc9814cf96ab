// SPDX-License-Identifier: GPL-2.0
/*
 * EL3 set-up for QEMU virt (secure=on), SMC dispatch and the jump into the
 * non-secure kernel. Everything runs with the MMU off.
 */
#include "fw.h"

#define SCR_NS		(1UL << 0)
#define SCR_RES1	(3UL << 4)
#define SCR_HCE		(1UL << 8)
#define SCR_RW		(1UL << 10)
#define SCR_APK		(1UL << 16)
#define SCR_API		(1UL << 17)
#define SCR_ENSCXT	(1UL << 25)
#define SCR_ATA		(1UL << 26)
#define SCR_FGTEN	(1UL << 27)
#define SCR_ECVEN	(1UL << 28)
#define SCR_HXEN	(1UL << 38)
#define SCR_ENTP2	(1UL << 41)
#define SCR_TCR2EN	(1UL << 43)
#define SCR_SCTLR2EN	(1UL << 44)
#define SCR_PIEN	(1UL << 45)

#define CPTR_EZ		(1UL << 8)
#define CPTR_ESM	(1UL << 12)

#define SPSR_DAIF	(0xfUL << 6)
#define SPSR_EL1H	(SPSR_DAIF | 0x5)
#define SPSR_EL2H	(SPSR_DAIF | 0x9)

/* ICC_SRE_EL3: SRE, DFB, DIB, Enable (lower ELs may use the sysreg CPU IF) */
#define ICC_SRE_EL3_VAL	0xf

#define GICD_CTLR	0x0
#define GICD_TYPER	0x4
#define GICD_IGROUPR	0x80
#define GICD_CTLR_RWP	(1U << 31)
#define GICD_CTLR_GRP1NS (1U << 1)
#define GICD_CTLR_ARE_S	(1U << 4)
#define GICD_CTLR_ARE_NS (1U << 5)
#define GICR_WAKER	0x14
#define GICR_TYPER	0x8
#define GICR_SGI	0x10000
#define GICR_IGROUPR0	(GICR_SGI + 0x80)
#define GICR_IGRPMODR0	(GICR_SGI + 0xd00)

u32 boot_done __attribute__((section(".noinit")));
static int have_el2;

static inline u64 field(u64 reg, int shift)
{
	return (reg >> shift) & 0xf;
}

int this_cpu(void)
{
	u64 mpidr = read_sysreg(mpidr_el1);

	return (mpidr & 0xff) + ((mpidr >> 8) & 0xff) * 8;
}

/* The exception level an SMC came from: SPSR_EL3.M[3:2]. */
int caller_el(void)
{
	return (read_sysreg(spsr_el3) >> 2) & 3;
}

static void gic_dist_init(void)
{
	u32 lines = (readl(GICD_BASE + GICD_TYPER) & 0x1f) + 1;

	writel(0, GICD_BASE + GICD_CTLR);
	while (readl(GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP)
		;
	/* Every SPI to Group 1 Non-secure (IGRPMODR resets to 0). */
	for (u32 i = 1; i < lines; i++)
		writel(~0U, GICD_BASE + GICD_IGROUPR + 4 * i);
	writel(GICD_CTLR_ARE_S | GICD_CTLR_ARE_NS, GICD_BASE + GICD_CTLR);
	while (readl(GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP)
		;
	writel(GICD_CTLR_ARE_S | GICD_CTLR_ARE_NS | GICD_CTLR_GRP1NS,
	       GICD_BASE + GICD_CTLR);
	while (readl(GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP)
		;
}

static void gic_redist_init(void)
{
	u64 mpidr = read_sysreg(mpidr_el1);
	u32 aff = (mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000);

	for (u64 rd = GICR_BASE;; rd += GICR_STRIDE) {
		u64 typer = readl(rd + GICR_TYPER) |
			    ((u64)readl(rd + GICR_TYPER + 4) << 32);

		if ((typer >> 32) == aff) {
			/* Wake it up, then all SGIs/PPIs to Group 1 NS. */
			writel(readl(rd + GICR_WAKER) & ~2U, rd + GICR_WAKER);
			while (readl(rd + GICR_WAKER) & 4)
				;
			writel(~0U, rd + GICR_IGROUPR0);
			writel(0, rd + GICR_IGRPMODR0);
			return;
		}
		if (typer & (1 << 4))	/* GICR_TYPER.Last */
			break;
	}
	fwlog(3, "WARN(no redistributor for mpidr %x)", mpidr);
}

/* Per-CPU EL3 state: what the non-secure world may use, where SMCs go. */
static void cpu_init_el3(void)
{
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);
	u64 pfr1 = read_sysreg(id_aa64pfr1_el1);
	u64 isar1 = read_sysreg(id_aa64isar1_el1);
	u64 mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	u64 mmfr1 = read_sysreg(id_aa64mmfr1_el1);
	u64 mmfr3 = read_sysreg(s3_0_c0_c7_3);	/* ID_AA64MMFR3_EL1 */
	u64 scr = SCR_NS | SCR_RES1 | SCR_RW;	/* SMD = 0: SMC traps here */
	u64 cptr = 0;				/* TFP, TTA, TAM clear */

	have_el2 = field(pfr0, 8) != 0;
	if (have_el2)
		scr |= SCR_HCE;
	if (field(isar1, 4) || field(isar1, 8) || field(isar1, 24) ||
	    field(isar1, 28) || field(read_sysreg(s3_0_c0_c6_2), 12))
		scr |= SCR_API | SCR_APK;	/* pointer auth: no trap */
	if (field(pfr0, 56) >= 2)
		scr |= SCR_ENSCXT;
	if (field(pfr1, 8) >= 2)
		scr |= SCR_ATA;
	if (field(mmfr0, 56))
		scr |= SCR_FGTEN;
	if (field(mmfr0, 60) >= 2)
		scr |= SCR_ECVEN;
	if (field(mmfr1, 40))
		scr |= SCR_HXEN;
	if (field(mmfr3, 0))
		scr |= SCR_TCR2EN;
	if (field(mmfr3, 4))
		scr |= SCR_SCTLR2EN;
	if (field(mmfr3, 8))
		scr |= SCR_PIEN;
	if (field(pfr0, 32))
		cptr |= CPTR_EZ;
	if (field(pfr1, 24)) {
		cptr |= CPTR_ESM;
		scr |= SCR_ENTP2;
	}

	write_sysreg(scr, scr_el3);
	write_sysreg(cptr, cptr_el3);
	write_sysreg(0, mdcr_el3);
	isb();
	if (cptr & CPTR_EZ)
		write_sysreg(0xf, s3_6_c1_c2_0);	/* ZCR_EL3: max VL */
	if (cptr & CPTR_ESM)				/* SMCR_EL3: FA64, max VL */
		write_sysreg((1UL << 31) | 0xf, s3_6_c1_c2_6);

	write_sysreg(ICC_SRE_EL3_VAL, s3_6_c12_c12_5);	/* ICC_SRE_EL3 */
	isb();
	gic_redist_init();
}

static u64 ns_spsr(void)
{
	return have_el2 ? SPSR_EL2H : SPSR_EL1H;
}

/* Enter the non-secure world at its highest EL: EL2 if present, else EL1. */
void __attribute__((noreturn)) enter_ns(u64 entry, u64 arg)
{
	enter_lower(entry, arg, ns_spsr());
}

static u32 be32(u64 a)
{
	u32 v = readl(a);

	return __builtin_bswap32(v);
}

void primary_main(void)
{
	u32 nr;

	config_read();
	cpu_init_el3();
	gic_dist_init();

	fwlog(3, "BOOT fault=%s ffa_version=%x smccc=0x10002 psci=0x10001 "
	      "cpus=%u entry=EL%u kernel=%x dtb=%x", cfg.fault_name,
	      (u64)cfg.ffa_version, (u64)fw_cfg_nr_cpus(), (u64)(have_el2 ? 2 : 1),
	      (u64)KERNEL_ADDR, (u64)DTB_ADDR);

	if (!strncmp(cfg.fault_name, "unknown:", 8)) {
		fwlog(3, "PANIC(bad opt/conduit/fault %s)", cfg.fault_name + 8);
		semihost_exit(5);
	}
	if (cfg.tpm_bad) {
		fwlog(3, "PANIC(bad opt/conduit/tpm %s, want crb@<4K-aligned DRAM address>)",
		      cfg.tpm_spec);
		semihost_exit(5);
	}
	if (be32(DTB_ADDR) != 0xd00dfeed) {
		fwlog(3, "PANIC(no DTB at %x)", (u64)DTB_ADDR);
		semihost_exit(5);
	}
	if (readl(KERNEL_ADDR + 0x38) != 0x644d5241) {	/* "ARM\x64" */
		fwlog(3, "PANIC(no arm64 Image at %x)", (u64)KERNEL_ADDR);
		semihost_exit(5);
	}

	/* TPM partition (opt/conduit/tpm): its CRB, then measure the payload. */
	if (cfg.tpm_crb) {
		tpm_init();
		tpm_measure_payload();
	} else if (cfg.fault == FAULT_TPM_ERROR || cfg.fault == FAULT_TPM_SLOW) {
		fwlog(3, "WARN(fault %s without opt/conduit/tpm: no effect)",
		      cfg.fault_name);
	}

	psci_cpu_up(0);
	dsb();
	boot_done = 1;
	dsb();
	sev();

	/* Let every secondary reach its CPU_ON wait before the kernel runs. */
	nr = fw_cfg_nr_cpus();
	if (nr > MAX_CPUS)
		nr = MAX_CPUS;
	for (u64 end = now_us() + 1000000; psci_cpus_parked() < (int)nr;) {
		if (now_us() > end) {
			fwlog(3, "WARN(only %u of %u CPUs came up)",
			      (u64)psci_cpus_parked(), (u64)nr);
			break;
		}
	}

	fwlog(3, "ENTER(EL%u, entry=%x, x0=%x)", (u64)(have_el2 ? 2 : 1),
	      (u64)KERNEL_ADDR, (u64)DTB_ADDR);
	enter_ns(KERNEL_ADDR, DTB_ADDR);
}

void secondary_main(int cpu)
{
	cpu_init_el3();
	secondary_wait(cpu);
}

static const char *status_name(s64 v)
{
	static const char *const names[] = {
		"SUCCESS", "NOT_SUPPORTED", "INVALID_PARAMETERS", "DENIED",
		"ALREADY_ON", "ON_PENDING", "INTERNAL_FAILURE", "NOT_PRESENT",
		"DISABLED", "INVALID_ADDRESS",
	};

	if (v <= 0 && v >= -9)
		return names[-v];
	return NULL;
}

/* SMCCC 1.2 arch calls. */
static int smccc_handle(u32 fid, struct regs *r, const char **name)
{
	switch (fid) {
	case 0x80000000:
		*name = "SMCCC_VERSION";
		r->x[0] = 0x10002;
		return 1;
	case 0x80000001:
		*name = "SMCCC_ARCH_FEATURES";
		switch ((u32)r->x[1]) {
		case 0x80000000:	/* SMCCC_VERSION */
		case 0x80000001:	/* SMCCC_ARCH_FEATURES */
			r->x[0] = 0;
			break;
		default:		/* workarounds, SOC_ID, ... */
			r->x[0] = -1L;
			break;
		}
		return 1;
	}
	return 0;
}

/* Synchronous exception from a lower EL: SMCs only. */
void el3_sync_lower(struct regs *frame)
{
	u64 esr = read_sysreg(esr_el3);
	u32 fid = (u32)frame->x[0];
	u64 a1 = frame->x[1], a2 = frame->x[2], a3 = frame->x[3];
	struct regs in, out, *r;
	int nres, h = 0;
	int el = caller_el();
	const char *name = NULL, *res;
	char unk[24], resbuf[40], namebuf[48];

	if ((esr >> 26) != 0x17)	/* EC: SMC from AArch64 */
		fw_panic("unexpected trap from lower EL", frame);

	/*
	 * Handlers work on a copy. For SMC32 only the low 32 bits of the
	 * arguments count. Only registers a handler changed are written back:
	 * everything else, upper halves included, is preserved for the caller
	 * (SMCCC 1.1+; Linux's arm_smccc_1_1_smc() relies on it), except the
	 * result registers of the call, which get the handler's values.
	 */
	in = *frame;
	if (!(fid & (1U << 30))) {
		for (int i = 1; i < 18; i++)
			in.x[i] = (u32)in.x[i];
		a1 = (u32)a1;
		a2 = (u32)a2;
		a3 = (u32)a3;
	}
	out = in;
	r = &out;

	/* Slow direct responses: delay outside the lock. */
	if (cfg.fault == FAULT_SLOW &&
	    (fid == 0x8400006f || fid == 0xc400006f))
		udelay((u64)cfg.slow_ms * 1000);

	lock();
	if (!smccc_handle(fid, r, &name) && !psci_handle(fid, r, &name) &&
	    !(h = ffa_handle(fid, r, &name))) {
		snprintf(unk, sizeof(unk), "SMC_%x", (u64)fid);
		name = unk;
		r->x[0] = -1L;			/* SMCCC NOT_SUPPORTED */
	}
	/*
	 * A message to the TPM partition, validated by the SPMC: the partition
	 * runs without the big lock (it waits for swtpm through the secure
	 * UART and may be slowed by tpm-slow), then the call is logged.
	 */
	if (h == FFA_DEFER_TPM) {
		/* ffa_name()'s buffer is shared: keep our copy while unlocked */
		snprintf(namebuf, sizeof(namebuf), "%s", name);
		name = namebuf;
		unlock();
		tpm_direct_req(fid, r);
		lock();
	}
	/*
	 * negotiate-slow: the call that ended the FF-A version negotiation is
	 * answered, but only after negotiate_slow_ms, busy-waiting without
	 * the lock (other CPUs' calls go on); its own line follows.
	 */
	if (h == FFA_DEFER_SLOW) {
		snprintf(namebuf, sizeof(namebuf), "%s", name);
		name = namebuf;
		fwlog_locked(3, "NEGOTIATE_SLOW(%s from EL%u ends the FF-A version "
			     "negotiation: answered after %u ms)", name, (u64)el,
			     (u64)cfg.negotiate_slow_ms);
		unlock();
		udelay((u64)cfg.negotiate_slow_ms * 1000);
		lock();
	}

	res = ffa_result_name(r->x[0], r->x[2]);
	if (!res)
		res = status_name((s64)r->x[0]);
	if (!res) {
		snprintf(resbuf, sizeof(resbuf), "%x", r->x[0]);
		res = resbuf;
	}
	fwlog_locked(el, "%s(%x,%x,%x) -> %s r=(%x,%x,%x)", name, a1, a2, a3,
		     res, r->x[1], r->x[2], r->x[3]);
	unlock();

	/* FF-A returns w0-w7 / x0-x7, PSCI and SMCCC x0; write those back. */
	nres = (fid & 0xbfffff00) == 0x84000000 && (fid & 0xff) >= 0x60 ? 8 : 1;
	for (int i = 0; i < 18; i++)
		if (i < nres || out.x[i] != in.x[i])
			frame->x[i] = out.x[i];
}

void el3_unexpected_lower(struct regs *r)
{
	fw_panic("unexpected exception from lower EL", r);
}

void el3_unexpected_self(struct regs *r)
{
	fw_panic("exception at EL3", r);
}
