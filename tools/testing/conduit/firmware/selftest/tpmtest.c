// SPDX-License-Identifier: GPL-2.0
/*
 * TPM partition self-test: runs in place of the kernel under boot.sh -T
 * crb@0x7ff00000 (the firmware, tools/testing/conduit/tpm/relay.py and a
 * real swtpm behind it) and drives the TPM service partition the way
 * Linux 7.3's tpm_crb_ffa and tpm_crb do: partition discovery, DEN0138
 * GET_INTERFACE_VERSION and TPM_START, the CRB registers in crb_map_io()'s
 * order, TPM2_GetRandom and TPM2_PCR_Read through the CRB buffer. Ends with
 * SYSTEM_OFF (exit 0), or SYSTEM_RESET (exit 3) with the failing line in
 * x1 on the first mismatch. Prints PCR 0 on the console (UART0) as
 * "tpmtest: pcr0.sha256=<hex>" for run.sh to compare with the firmware's
 * PCR_EXTEND log line.
 *
 * FAULT_TPM_ERROR: expect fault tpm-error (TPM_START -> CRB_FFA_DENIED).
 * TPM_SLOW_MS: expect fault tpm-slow:<ms> (each TPM_START takes >= ms).
 */
#include "smc.h"

#define CRB		0x7ff00000UL	/* boot.sh -T crb@0x7ff00000 */
#define CRB_BUF		(CRB + 0x80)
#define CRB_BUF_SIZE	0x3f80
#define UART0		0x09000000UL

/* crb_regs_head / crb_regs_tail as tpm_crb.c has them */
#define LOC_STATE	0x00
#define LOC_CTRL	0x08
#define LOC_STS		0x0c
#define INTF_ID		0x30
#define CTRL_REQ	0x40
#define CTRL_STS	0x44
#define CTRL_CANCEL	0x48
#define CTRL_START	0x4c
#define CMD_SIZE	0x58
#define CMD_PA_LOW	0x5c
#define CMD_PA_HIGH	0x60
#define RSP_SIZE	0x64
#define RSP_PA		0x68

#define FFA_ERROR	0x84000060
#define FFA_SUCCESS	0x84000061
#define DIRECT_REQ	0x8400006f
#define DIRECT_REQ64	0xc400006f
#define DIRECT_RESP	0x84000070
#define DIRECT_RESP64	0xc4000070
#define TPM_ID		0x8002

#define GET_VERSION	0x0f000001
#define START		0x0f000201
#define OK		0x05000001
#define OK_RESULTS	0x05000002
#define NOFUNC		0x8e000001
#define INVARG		0x8e000005
#define INV_CRB		0x8e000006
#define DENIED		0x8e00000a

static void putc_(char c)
{
	while (*(volatile u32 *)(UART0 + 0x18) & (1 << 5))
		;
	*(volatile u32 *)UART0 = (u8)c;
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void puthex(const u8 *p, int n)
{
	for (int i = 0; i < n; i++) {
		putc_("0123456789abcdef"[p[i] >> 4]);
		putc_("0123456789abcdef"[p[i] & 15]);
	}
}

static void fail(int line)
{
	char num[8];
	int n = 0, l = line;

	do {
		num[n++] = '0' + l % 10;
		l /= 10;
	} while (l && n < 8);
	puts_("tpmtest: FAIL at tpmtest.c:");
	while (n)
		putc_(num[--n]);
	puts_("\n");
	smc(0x84000009, line, 0, 0, 0, 0, 0, 0);	/* SYSTEM_RESET */
	for (;;)
		;
}

#define CHECK(c) do { if (!(c)) fail(__LINE__); } while (0)

static u32 rd(u64 off) { return *(volatile u32 *)(CRB + off); }
static void wr(u64 off, u32 v) { *(volatile u32 *)(CRB + off) = v; }

static u64 __attribute__((unused)) now_ms(void)
{
	u64 f, c;

	asm volatile("isb; mrs %0, cntfrq_el0; mrs %1, cntvct_el0" : "=r"(f), "=r"(c));
	return c / (f / 1000);
}

/* DEN0138 over FFA_MSG_SEND_DIRECT_REQ64: x4 function, x5, x6 arguments. */
static struct res tpm_call(u64 func, u64 a0, u64 a1)
{
	struct res r = SMC(DIRECT_REQ64, TPM_ID, 0, 0, func, a0, a1, 0);

	CHECK(r.a[0] == DIRECT_RESP64 && r.a[1] == ((u64)TPM_ID << 16) && r.a[2] == 0);
	CHECK(r.a[3] == 0 && r.a[6] == 0 && r.a[7] == 0);
	return r;
}

static u32 tpm_start(int qualifier, int loc)
{
	return (u32)tpm_call(START, qualifier, loc).a[4];
}

static u8 rxtx[2][4096] __attribute__((aligned(4096)));

static const u8 tpm_uuid[16] = {	/* 17b862a4-1806-4faf-86b3-089a58353861 */
	0x17, 0xb8, 0x62, 0xa4, 0x18, 0x06, 0x4f, 0xaf,
	0x86, 0xb3, 0x08, 0x9a, 0x58, 0x35, 0x38, 0x61,
};

static u32 le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static int bytes_eq(const u8 *a, const u8 *b, int n)
{
	for (int i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

static void discovery(void)
{
	const u8 *rx = rxtx[0];
	struct res r;

	CHECK(SMC(0x84000063, 0x10001).a[0] == 0x10002);		/* FFA_VERSION */
	CHECK(SMC(0xc4000066, (u64)rxtx[1], (u64)rxtx[0], 1).a[0] == FFA_SUCCESS);

	/* All partitions: the echo partition, then the TPM. */
	r = SMC(0x84000068, 0, 0, 0, 0, 0);
	CHECK(r.a[0] == FFA_SUCCESS && r.a[2] == 2 && r.a[3] == 24);
	CHECK(rx[0] == 0x01 && rx[1] == 0x80);
	CHECK(rx[24] == 0x02 && rx[25] == 0x80 && rx[26] == 1 && rx[27] == 0);
	CHECK(le32(rx + 28) == 0x101);		/* direct req receive, AArch64 */
	CHECK(bytes_eq(rx + 32, tpm_uuid, 16));
	CHECK(SMC(0x84000065).a[0] == FFA_SUCCESS);			/* RX_RELEASE */

	/* By the TPM's UUID, as the FF-A bus matches tpm_crb_ffa. */
	r = SMC(0x84000068, le32(tpm_uuid), le32(tpm_uuid + 4), le32(tpm_uuid + 8),
		le32(tpm_uuid + 12), 0);
	CHECK(r.a[0] == FFA_SUCCESS && r.a[2] == 1 && r.a[3] == 24);
	CHECK(rx[0] == 0x02 && rx[1] == 0x80 && bytes_eq(rx + 8, tpm_uuid, 16));
	CHECK(SMC(0x84000065).a[0] == FFA_SUCCESS);
	r = SMC(0x84000068, 0, 0, 0, 0, 1);				/* count only */
	CHECK(r.a[0] == FFA_SUCCESS && r.a[2] == 2);

	/* No DIRECT_REQ2: tpm_crb_ffa then uses DIRECT_REQ (64-bit: AArch64). */
	CHECK(SMC(0x84000064, 0xc400008d).a[0] == FFA_ERROR);

	/* GET_INTERFACE_VERSION: 1.0, in 64-bit and 32-bit form. */
	r = tpm_call(GET_VERSION, 0, 0);
	CHECK(r.a[4] == OK_RESULTS && r.a[5] == 0x10000);
	r = SMC(DIRECT_REQ, TPM_ID, 0, 0, GET_VERSION, 0, 0, 0);
	CHECK(r.a[0] == DIRECT_RESP && r.a[1] == ((u64)TPM_ID << 16) &&
	      r.a[4] == OK_RESULTS && r.a[5] == 0x10000);
	CHECK(tpm_call(0x0f000999, 0, 0).a[4] == NOFUNC);
}

/* Registers as the partition publishes them before anyone touched them. */
static void reset_state(void)
{
	CHECK(rd(LOC_STATE) == 0x80);		/* tpmRegValidSts, not assigned */
	CHECK(rd(LOC_STS) == 0);
	CHECK(rd(CTRL_REQ) == 0 && rd(CTRL_START) == 0 && rd(CTRL_CANCEL) == 0);
	CHECK(rd(CTRL_STS) == 0x2);		/* tpmIdle */
	CHECK((rd(INTF_ID) & 0xf) == 1 && (rd(INTF_ID) >> 14 & 1));	/* CRB */
	CHECK(rd(CMD_SIZE) == CRB_BUF_SIZE && rd(RSP_SIZE) == CRB_BUF_SIZE);
	CHECK(rd(CMD_PA_LOW) == (u32)CRB_BUF && rd(CMD_PA_HIGH) == 0);
	CHECK(rd(RSP_PA) == (u32)CRB_BUF && rd(RSP_PA + 4) == 0);
}

/* __crb_request_locality / __crb_relinquish_locality */
static void request_locality(void)
{
	wr(LOC_CTRL, 1);
	CHECK(tpm_start(1, 0) == OK);
	CHECK((rd(LOC_STATE) & 0x82) == 0x82 && rd(LOC_STS) == 1);
}

static void relinquish_locality(void)
{
	wr(LOC_CTRL, 2);
	CHECK(tpm_start(1, 0) == OK);
	CHECK((rd(LOC_STATE) & 0x82) == 0x80 && rd(LOC_STS) == 0);
}

/* __crb_cmd_ready / __crb_go_idle: qualifier "command", then poll ctrl_req */
static void cmd_ready(void)
{
	wr(CTRL_REQ, 1);
	CHECK(tpm_start(0, 0) == OK);
	CHECK((rd(CTRL_REQ) & 1) == 0 && (rd(CTRL_STS) & 3) == 0);
}

static void go_idle(void)
{
	wr(CTRL_REQ, 2);
	CHECK(tpm_start(0, 0) == OK);
	CHECK((rd(CTRL_REQ) & 2) == 0 && (rd(CTRL_STS) & 3) == 2);
}

/* crb_send, then crb_status and crb_recv: returns the response size. */
static u32 transmit(const u8 *cmd, u32 len, u8 *rsp)
{
	volatile u8 *buf = (volatile u8 *)CRB_BUF;
	u32 size;

	wr(CTRL_CANCEL, 0);
	for (u32 i = 0; i < len; i++)
		buf[i] = cmd[i];
	asm volatile("dsb st" : : : "memory");
	wr(CTRL_START, 1);
	CHECK(tpm_start(0, 0) == OK);
	CHECK((rd(CTRL_START) & 1) == 0);		/* complete */
	CHECK((rd(CTRL_STS) & 1) == 0);			/* no tpmSts error */
	for (u32 i = 0; i < 10; i++)
		rsp[i] = buf[i];
	size = be32(rsp + 2);
	CHECK(size >= 10 && size <= 4096);
	for (u32 i = 10; i < size; i++)
		rsp[i] = buf[i];
	return size;
}

static const u8 get_random[12] = {	/* TPM2_GetRandom(16) */
	0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7b, 0, 16,
};

static u8 rsp[4096], first[16];

static void get_random_twice(void)
{
	int nonzero = 0;

	CHECK(transmit(get_random, sizeof(get_random), rsp) == 28);
	CHECK(be32(rsp + 6) == 0 && rsp[10] == 0 && rsp[11] == 16);
	for (int i = 0; i < 16; i++) {
		first[i] = rsp[12 + i];
		nonzero |= first[i];
	}
	CHECK(nonzero);
	CHECK(transmit(get_random, sizeof(get_random), rsp) == 28);
	CHECK(be32(rsp + 6) == 0 && !bytes_eq(first, rsp + 12, 16));
}

/* TPM2_PCR_Read(PCR 0) of one bank; returns the digest's size. */
static int pcr0_read(u16 alg, u8 *digest)
{
	u8 cmd[20] = {
		0x80, 0x01, 0, 0, 0, 20, 0, 0, 0x01, 0x7e,
		0, 0, 0, 1, alg >> 8, alg & 0xff, 3, 0x01, 0, 0,
	};
	u32 n = transmit(cmd, sizeof(cmd), rsp), dsz;

	CHECK(be32(rsp + 6) == 0);
	/* pcrUpdateCounter, TPML_PCR_SELECTION (1 bank, PCR 0), TPML_DIGEST */
	CHECK(be32(rsp + 14) == 1 && rsp[18] == cmd[14] && rsp[19] == cmd[15]);
	CHECK(rsp[20] == 3 && rsp[21] == 1 && be32(rsp + 24) == 1);
	dsz = rsp[28] << 8 | rsp[29];
	CHECK(dsz <= 64 && n == 30 + dsz);
	for (u32 i = 0; i < dsz; i++)
		digest[i] = rsp[30 + i];
	return dsz;
}

#if TPM_SLOW_MS
/*
 * CPU 1 keeps calling while CPU 0 sits in a slow TPM_START: FFA_VERSION
 * must still be answered (the SPMC's lock is free) and the TPM partition,
 * with its one execution context taken, must answer FFA_ERROR(BUSY).
 */
static volatile u64 cpu1_calls, cpu1_busy;
static volatile int cpu1_run, cpu1_stopped;

void cpu1_entry(u64 ctx)
{
	for (;;) {
		if (!cpu1_run) {
			cpu1_stopped = 1;
			continue;
		}
		cpu1_stopped = 0;
		if (SMC(0x84000063, 0x10001).a[0] == 0x10002)
			cpu1_calls++;
		struct res r = SMC(DIRECT_REQ64, TPM_ID, 0, 0, GET_VERSION, 0, 0, 0);
		if (r.a[0] == FFA_ERROR && (int)r.a[2] == -4)
			cpu1_busy++;
		for (u64 t = now_ms(); now_ms() - t < 5;)
			;
	}
}

void secondary_asm(void);
asm(".text\n secondary_asm:\n ldr x1, =stack2_top\n mov sp, x1\n b cpu1_entry\n"
    ".bss\n .balign 16\n .space 0x2000\n stack2_top:\n .text\n");

static void slow_checks(void)
{
	u64 t0 = now_ms(), calls;

	tpm_call(GET_VERSION, 0, 0);			/* not slowed */
	CHECK(now_ms() - t0 < TPM_SLOW_MS / 2);

	CHECK(SMC(0xc4000003, 1, (u64)secondary_asm, 0).a[0] == 0);	/* CPU_ON */
	cpu1_run = 1;
	for (t0 = now_ms(); !cpu1_calls;)		/* CPU 1 is calling */
		CHECK(now_ms() - t0 < 5000);
	t0 = now_ms();
	calls = cpu1_calls;
	request_locality();				/* TPM_START: slow */
	CHECK(now_ms() - t0 >= TPM_SLOW_MS);
	CHECK(cpu1_calls > calls && cpu1_busy > 0);
	cpu1_run = 0;
	while (!cpu1_stopped)				/* partition free again */
		;
	relinquish_locality();
}
#endif

void selftest_main(u64 dtb)
{
	u8 d[64];
	int nonzero = 0, n;

	discovery();
	reset_state();

#if FAULT_TPM_ERROR
	/* tpm-error: tpm_crb's first TPM_START (request locality) is refused. */
	wr(LOC_CTRL, 1);
	CHECK(tpm_start(1, 0) == DENIED);
	CHECK(rd(LOC_STATE) == 0x80);
	CHECK(tpm_start(0, 0) == DENIED);
	puts_("tpmtest: tpm-error ok\n");
	SMC(0x84000008);
	fail(__LINE__);
#endif

	/* Arguments: bad qualifier, locality > 4, a locality we do not have. */
	CHECK(tpm_start(2, 0) == INVARG);
	CHECK(tpm_start(0, 5) == INVARG);
	CHECK(tpm_start(1, 1) == DENIED);
	CHECK(tpm_start(0, 0) == INV_CRB);		/* no locality yet */

#if TPM_SLOW_MS
	slow_checks();
#endif

	/* crb_map_io(): locality, cmdReady, the buffer's registers, goIdle, go */
	request_locality();
	cmd_ready();
	CHECK(rd(CMD_PA_HIGH) == 0 && rd(CMD_PA_LOW) == (u32)CRB_BUF);
	CHECK(rd(CMD_SIZE) == CRB_BUF_SIZE);
	CHECK(rd(RSP_PA) == (u32)CRB_BUF && rd(RSP_PA + 4) == 0);
	CHECK(rd(RSP_SIZE) == CRB_BUF_SIZE);
	go_idle();
	relinquish_locality();

	/* The TPM owns its registers: scribbles are undone by the next START. */
	wr(CMD_PA_LOW, 0xdead0000);
	wr(LOC_STATE, 0);
	request_locality();
	CHECK(rd(CMD_PA_LOW) == (u32)CRB_BUF && (rd(LOC_STATE) & 0x82) == 0x82);

	/* tpm_chip_start() done (locality held); now commands. */
	wr(CTRL_START, 1);
	CHECK(tpm_start(0, 0) == INV_CRB);		/* start while idle */
	cmd_ready();
	get_random_twice();

	n = pcr0_read(0x000b, d);			/* SHA-256 */
	CHECK(n == 32);
	for (int i = 0; i < n; i++)
		nonzero |= d[i];
	CHECK(nonzero);					/* the firmware's extend */
	puts_("tpmtest: pcr0.sha256=");
	puthex(d, n);
	puts_("\n");
	n = pcr0_read(0x0004, d);			/* SHA-1: not extended */
	CHECK(n == 20);
	for (int i = 0; i < n; i++)
		CHECK(d[i] == 0);
	puts_("tpmtest: pcr0.sha1=");
	puthex(d, n);
	puts_("\n");

	/* crb_cancel(): cancel, then TPM_START; nothing is running. */
	wr(CTRL_CANCEL, 1);
	CHECK(tpm_start(0, 0) == OK);
	CHECK(rd(CTRL_CANCEL) == 1 && (rd(CTRL_STS) & 1) == 0);

	/* A header size the buffer cannot hold: TPM_RC_COMMAND_SIZE. */
	{
		u8 big[12] = { 0x80, 0x01, 0, 1, 0, 0, 0, 0, 0x01, 0x7b, 0, 16 };

		CHECK(transmit(big, sizeof(big), rsp) == 10 && be32(rsp + 6) == 0x142);
	}

	/* tpm_chip_stop() */
	go_idle();
	relinquish_locality();

	puts_("tpmtest: ok\n");
	SMC(0x84000008);				/* SYSTEM_OFF */
	fail(__LINE__);
}
