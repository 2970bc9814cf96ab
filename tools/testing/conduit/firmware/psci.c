// SPDX-License-Identifier: GPL-2.0
/*
 * PSCI 1.1 subset: VERSION, FEATURES, CPU_ON, CPU_OFF, AFFINITY_INFO,
 * MIGRATE_INFO_TYPE, SYSTEM_OFF, SYSTEM_RESET. Called with the big lock
 * held (main.c).
 */
#include "fw.h"

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1L)
#define PSCI_INVALID_PARAMS	(-2L)
#define PSCI_ALREADY_ON		(-4L)
#define PSCI_ON_PENDING		(-5L)

enum cpu_state { CPU_ABSENT, CPU_OFF, CPU_ON_PENDING, CPU_ON };

static struct {
	volatile u32 state;
	u64 entry, context;
} cpus[MAX_CPUS];

/* Map an MPIDR affinity value to a CPU index (QEMU virt: Aff1 * 8 + Aff0). */
static int mpidr_to_cpu(u64 mpidr)
{
	u64 aff0 = mpidr & 0xff, aff1 = (mpidr >> 8) & 0xff;
	u64 idx = aff1 * 8 + aff0;

	if (aff0 >= 8 || (mpidr & 0xff00ff0000UL) || idx >= MAX_CPUS ||
	    cpus[idx].state == CPU_ABSENT)
		return -1;
	return idx;
}

void psci_cpu_up(int cpu)
{
	cpus[cpu].state = CPU_ON;
}

/* How many CPUs have reached secondary_wait() (or are on). */
int psci_cpus_parked(void)
{
	int n = 0;

	for (int i = 0; i < MAX_CPUS; i++)
		n += cpus[i].state != CPU_ABSENT;
	return n;
}

/* Secondary CPUs (and CPUs that called CPU_OFF) wait here for CPU_ON. */
void secondary_wait(int cpu)
{
	u64 entry, ctx;

	lock();
	cpus[cpu].state = CPU_OFF;
	unlock();
	while (cpus[cpu].state != CPU_ON_PENDING)
		wfe();
	lock();
	entry = cpus[cpu].entry;
	ctx = cpus[cpu].context;
	cpus[cpu].state = CPU_ON;
	fwlog_locked(3, "ENTER(EL%u, entry=%x, x0=%x)",
		     (u64)((read_sysreg(scr_el3) & (1 << 8)) ? 2 : 1), entry, ctx);
	unlock();
	extern void __attribute__((noreturn)) enter_ns(u64 entry, u64 arg);
	enter_ns(entry, ctx);
}

static int psci_supported(u32 fid)
{
	switch (fid) {
	case 0x84000000:	/* PSCI_VERSION */
	case 0x84000002:	/* CPU_OFF */
	case 0x84000003: case 0xc4000003:	/* CPU_ON */
	case 0x84000004: case 0xc4000004:	/* AFFINITY_INFO */
	case 0x84000006:	/* MIGRATE_INFO_TYPE */
	case 0x84000008:	/* SYSTEM_OFF */
	case 0x84000009:	/* SYSTEM_RESET */
	case 0x8400000a:	/* PSCI_FEATURES */
	case 0x80000000:	/* SMCCC_VERSION */
		return 1;
	}
	return 0;
}

int psci_handle(u32 fid, struct regs *r, const char **name)
{
	int cpu;

	switch (fid) {
	case 0x84000000:
		*name = "PSCI_VERSION";
		r->x[0] = 0x10001;
		return 1;
	case 0x8400000a:
		*name = "PSCI_FEATURES";
		r->x[0] = psci_supported((u32)r->x[1]) ? PSCI_SUCCESS :
							 PSCI_NOT_SUPPORTED;
		return 1;
	case 0x84000006:
		*name = "MIGRATE_INFO_TYPE";
		r->x[0] = 2;	/* no Trusted OS needing migration */
		return 1;
	case 0x84000003:
	case 0xc4000003:
		*name = fid & (1U << 30) ? "CPU_ON64" : "CPU_ON32";
		cpu = mpidr_to_cpu(r->x[1]);
		if (cpu < 0) {
			r->x[0] = PSCI_INVALID_PARAMS;
		} else if (cpus[cpu].state == CPU_ON) {
			r->x[0] = PSCI_ALREADY_ON;
		} else if (cpus[cpu].state == CPU_ON_PENDING) {
			r->x[0] = PSCI_ON_PENDING;
		} else {
			cpus[cpu].entry = r->x[2];
			cpus[cpu].context = r->x[3];
			dsb();
			cpus[cpu].state = CPU_ON_PENDING;
			dsb();
			sev();
			r->x[0] = PSCI_SUCCESS;
		}
		return 1;
	case 0x84000002:
		*name = "CPU_OFF";
		cpu = this_cpu();
		fwlog_locked(caller_el(), "CPU_OFF(0x0,0x0,0x0) -> SUCCESS r=(0x0,0x0,0x0)");
		unlock();
		park_cpu(cpu);
	case 0x84000004:
	case 0xc4000004:
		*name = fid & (1U << 30) ? "AFFINITY_INFO64" : "AFFINITY_INFO32";
		cpu = mpidr_to_cpu(r->x[1]);
		if (cpu < 0 || r->x[2] != 0)
			r->x[0] = PSCI_INVALID_PARAMS;
		else if (cpus[cpu].state == CPU_ON)
			r->x[0] = 0;
		else if (cpus[cpu].state == CPU_ON_PENDING)
			r->x[0] = 2;
		else
			r->x[0] = 1;
		return 1;
	case 0x84000008:
		fwlog_locked(caller_el(), "SYSTEM_OFF(0x0,0x0,0x0) -> EXIT r=(0x0,0x0,0x0)");
		semihost_exit(0);
	case 0x84000009:
		fwlog_locked(caller_el(), "SYSTEM_RESET(0x0,0x0,0x0) -> EXIT r=(0x3,0x0,0x0)");
		semihost_exit(3);
	}
	return 0;
}
