// SPDX-License-Identifier: GPL-2.0
/*
 * Firmware self-test: runs in place of the kernel (at EL2, or EL1 with
 * virtualization=off), drives the PSCI/SMCCC/FF-A calls the kernel and
 * pKVM use, checks the answers and ends with SYSTEM_OFF (QEMU exit 0) on
 * success or SYSTEM_RESET (exit 3) on the first failure. The firmware log
 * shows every call. FFA_REQ selects the FF-A version requested (1.0 or
 * 1.1), hence the descriptor format tested. FAULT is the fault mode the
 * test expects the firmware to be in; NEGOTIATE_SLOW_MS expects
 * negotiate-slow:<ms> and two CPUs.
 */
#include "smc.h"

#ifndef FFA_REQ
#define FFA_REQ 0x10001
#endif

static void fail(int line)
{
	/* SYSTEM_RESET with the failing line in x1 for the log. */
	smc(0x84000009, line, 0, 0, 0, 0, 0, 0);
	for (;;)
		;
}

#define CHECK(c) do { if (!(c)) fail(__LINE__); } while (0)

#define FFA_ERROR 0x84000060
#define FFA_SUCCESS 0x84000061
static int ERR(struct res r, long e)
{
	return r.a[0] == FFA_ERROR && (long)(int)r.a[2] == e;
}

static u8 rxtx[3][4096] __attribute__((aligned(4096)));
static volatile int cpu1_up;

static u64 __attribute__((unused)) now_ms(void)
{
	u64 f, c;

	asm volatile("isb; mrs %0, cntfrq_el0; mrs %1, cntvct_el0" : "=r"(f), "=r"(c));
	return c / (f / 1000);
}

#if NEGOTIATE_SLOW_MS
/* CPU 1 calls PSCI_VERSION every 5 ms while cpu1_run is set. */
static volatile int cpu1_run;
static volatile u64 cpu1_calls;

void cpu1_entry(u64 ctx)
{
	cpu1_up = (int)ctx;
	for (;;) {
		if (cpu1_run && SMC(0x84000000).a[0] == 0x10001)
			cpu1_calls++;
		for (u64 t = now_ms(); now_ms() - t < 5;)
			;
	}
}

/*
 * negotiate-slow: FFA_VERSION is answered at once, the first other FF-A
 * call, which ends the negotiation, after NEGOTIATE_SLOW_MS, without the
 * SPMC's lock (CPU 1's calls are answered meanwhile), and the calls after
 * it at once again.
 */
static void negotiate_slow_checks(void)
{
	u64 t0 = now_ms(), calls;
	struct res r;

	CHECK(SMC(0x84000063, FFA_REQ).a[0] == 0x10002);
	CHECK(SMC(0x84000063, FFA_REQ).a[0] == 0x10002);
	CHECK(now_ms() - t0 < NEGOTIATE_SLOW_MS / 2);
	CHECK(cpu1_up == 0x5a);
	cpu1_run = 1;
	for (t0 = now_ms(); !cpu1_calls;)
		CHECK(now_ms() - t0 < 5000);
	calls = cpu1_calls;
	t0 = now_ms();
	r = SMC(0x84000069);					/* ID_GET: slow */
	CHECK(now_ms() - t0 >= NEGOTIATE_SLOW_MS);
	CHECK(r.a[0] == FFA_SUCCESS && r.a[2] == 0);
	CHECK(cpu1_calls > calls);
	cpu1_run = 0;
	t0 = now_ms();
	CHECK(SMC(0x84000069).a[0] == FFA_SUCCESS);
	CHECK(SMC(0x84000064, 0xc4000066).a[0] == FFA_SUCCESS);
	CHECK(now_ms() - t0 < NEGOTIATE_SLOW_MS / 2);
}
#else
void cpu1_entry(u64 ctx)
{
	cpu1_up = (int)ctx;
	for (;;)
		asm volatile("wfe");
}
#endif

void secondary_asm(void);
asm(".text\n secondary_asm:\n ldr x1, =stack2_top\n mov sp, x1\n b cpu1_entry\n"
    ".bss\n .balign 16\n .space 0x2000\n stack2_top:\n .text\n");

static const u32 echo_uuid[4] = {	/* 8f3e94b8-1924-4e32-b03a-8d955482cfcc */
	0xb8943e8f, 0x324e2419, 0x958d3ab0, 0xcccf8254,
};

/* SMC32 calls must preserve the upper halves of registers they don't return. */
static int smc32_preserves(void)
{
	register u64 x0 asm("x0") = 0x84000000, x1 asm("x1") = 0xdead000100000001UL,
		x4 asm("x4") = 0xdead000400000004UL, x17 asm("x17") = 0xdead001700000017UL;

	asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x4), "+r"(x17) : :
		     "memory", "x2", "x3");
	return x0 == 0x10001 && x1 == 0xdead000100000001UL &&
	       x4 == 0xdead000400000004UL && x17 == 0xdead001700000017UL;
}

void selftest_main(u64 dtb)
{
	CHECK(smc32_preserves());
	struct res r;
	u64 rx = (u64)rxtx[0], tx = (u64)rxtx[1];
	int i;

	CHECK(SMC(0x80000000).a[0] == 0x10002);			/* SMCCC 1.2 */
	CHECK(SMC(0x80000001, 0x80000000).a[0] == 0);
	CHECK((long)SMC(0x80000001, 0x80008000).a[0] == -1);	/* WA_1 */
	CHECK(SMC(0x84000000).a[0] == 0x10001);			/* PSCI 1.1 */
	CHECK(SMC(0x8400000a, 0xc4000003).a[0] == 0);
	CHECK((long)SMC(0x8400000a, 0xc4000001).a[0] == -1);	/* CPU_SUSPEND */
	CHECK(SMC(0x84000006).a[0] == 2);

	/* CPU_ON for cpu1 (if present), same EL as us. */
	r = SMC(0xc4000003, 1, (u64)secondary_asm, 0x5a);
	if (r.a[0] == 0) {
		for (i = 0; i < 100000000 && !cpu1_up; i++)
			;
		CHECK(cpu1_up == 0x5a);
		CHECK((long)SMC(0xc4000003, 1, (u64)secondary_asm, 0).a[0] == -4);
		CHECK(SMC(0xc4000004, 1, 0).a[0] == 0);		/* AFFINITY_INFO: on */
	} else {
		CHECK((long)r.a[0] == -2);			/* no such CPU */
	}

#if FAULT_ABSENT
	CHECK((long)SMC(0x84000063, FFA_REQ).a[0] == -1);
	CHECK((long)SMC(0x84000069).a[0] == -1);
	SMC(0x84000008);
#endif
#if FAULT_VERSION_REFUSED
	CHECK((long)SMC(0x84000063, FFA_REQ).a[0] == -1);
	SMC(0x84000008);
#endif
#if FAULT_VERSION_MAJOR
	CHECK(SMC(0x84000063, FFA_REQ).a[0] == 0x20000);
	SMC(0x84000008);
#endif
#if NEGOTIATE_SLOW_MS
	negotiate_slow_checks();
#endif
	CHECK((long)SMC(0x84000063, 0x80010001).a[0] == -1);	/* bit 31 set */
	CHECK(SMC(0x84000063, FFA_REQ).a[0] == 0x10002);
	CHECK(SMC(0x84000063, FFA_REQ).a[0] == 0x10002);	/* again: fine */

	r = SMC(0x84000069);					/* ID_GET */
	CHECK(r.a[0] == FFA_SUCCESS && r.a[2] == 0);
	/* negotiation is complete now: another version is refused */
	CHECK((long)SMC(0x84000063, FFA_REQ == 0x10000 ? 0x10001 : 0x10000).a[0] == -1);
	CHECK(SMC(0x84000063, FFA_REQ).a[0] == 0x10002);

	r = SMC(0x84000064, 0xc4000066);			/* FEATURES(RXTX_MAP64) */
	CHECK(r.a[0] == FFA_SUCCESS && r.a[2] == 0);
	CHECK(ERR(SMC(0x84000064, 0xc4000072), -1));		/* MEM_LEND64 */
	CHECK(ERR(SMC(0x84000064, 2), -1));			/* SRI feature */
	CHECK(ERR(SMC(0x84000072), -1));			/* MEM_LEND itself */
	r = SMC(0x84000085);					/* SPM_ID_GET */
	if (FFA_REQ >= 0x10001)
		CHECK(r.a[0] == FFA_SUCCESS && r.a[2] == 0x8000);
	else
		CHECK(ERR(r, -1));

	/* RX/TX */
	CHECK(ERR(SMC(0x84000068, 0, 0, 0, 0, 0), -4));	/* no RX yet: BUSY */
	CHECK(ERR(SMC(0xc4000066, tx, tx, 1), -2));		/* overlap */
	CHECK(SMC(0xc4000066, tx, rx, 1).a[0] == FFA_SUCCESS);
	CHECK(ERR(SMC(0xc4000066, tx, rx, 1), -6));		/* again: DENIED */
	CHECK(ERR(SMC(0x84000065), -6));			/* nothing to release */

	/* Partition info: all, by UUID, unknown UUID, count only. */
	r = SMC(0x84000068, 0, 0, 0, 0, 0);
	CHECK(r.a[0] == FFA_SUCCESS && r.a[2] == 1);
	CHECK(rxtx[0][0] == 0x01 && rxtx[0][1] == 0x80 && rxtx[0][2] == 1);
	if (FFA_REQ >= 0x10001) {
		CHECK(r.a[3] == 24 && rxtx[0][5] == 1 && rxtx[0][8] == 0x8f &&
		      rxtx[0][23] == 0xcc);
	} else {
		CHECK(r.a[3] == 0 && rxtx[0][4] == 1 && rxtx[0][5] == 0);
	}
	CHECK(ERR(SMC(0x84000068, 0, 0, 0, 0, 0), -4));	/* RX still full */
	CHECK(SMC(0x84000065).a[0] == FFA_SUCCESS);
	r = SMC(0x84000068, echo_uuid[0], echo_uuid[1], echo_uuid[2], echo_uuid[3], 0);
	CHECK(r.a[0] == FFA_SUCCESS && r.a[2] == 1);
	CHECK(SMC(0x84000065).a[0] == FFA_SUCCESS);
	CHECK(ERR(SMC(0x84000068, 1, 2, 3, 4, 0), -2));
	if (FFA_REQ >= 0x10001) {
		r = SMC(0x84000068, 0, 0, 0, 0, 1);
		CHECK(r.a[0] == FFA_SUCCESS && r.a[2] == 1 && r.a[3] == 24);
		CHECK(ERR(SMC(0x84000065), -6));		/* count-only: RX untouched */
	}

	/* Direct requests. */
	r = SMC(0xc400006f, 0x8001, 0, 0x1111111122222222UL, 2, 3, 4, 5);
#if FAULT_BUSY
	CHECK(ERR(r, -4));
	SMC(0x84000008);
#endif
	CHECK(r.a[0] == 0xc4000070 && r.a[1] == 0x80010000 &&
	      r.a[3] == 0x1111111122222222UL && r.a[4] == 2 && r.a[7] == 5);
	r = SMC(0x8400006f, 0x8001, 0, 0x1111111122222222UL, 2, 3, 4, 5);
	CHECK(r.a[0] == 0x84000070 && r.a[3] == 0x22222222 && r.a[7] == 5);
	CHECK(ERR(SMC(0x8400006f, 0x8002, 0, 1), -2));		/* no such partition */
	CHECK(ERR(SMC(0x8400006f, 0x80008001, 0, 1), -2));	/* secure sender */

	CHECK(SMC(0x84000067, 0).a[0] == FFA_SUCCESS);		/* RXTX_UNMAP */
	CHECK(ERR(SMC(0x84000067, 0), -2));
	CHECK(SMC(0x84000066, tx, rx, 1).a[0] == FFA_SUCCESS);	/* RXTX_MAP32 */

	SMC(0x84000008);					/* SYSTEM_OFF */
	fail(__LINE__);
}
