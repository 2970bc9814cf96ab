/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the self-test payloads (selftest.c, tpmtest.c) share: fixed-width
 * types and an SMC with eight argument and eight result registers.
 */
#ifndef SELFTEST_SMC_H
#define SELFTEST_SMC_H

typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

struct res { u64 a[8]; };

static struct res smc(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 a6, u64 a7)
{
	register u64 x0 asm("x0") = a0, x1 asm("x1") = a1, x2 asm("x2") = a2,
		x3 asm("x3") = a3, x4 asm("x4") = a4, x5 asm("x5") = a5,
		x6 asm("x6") = a6, x7 asm("x7") = a7;
	struct res r;

	asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4),
		     "+r"(x5), "+r"(x6), "+r"(x7) : : "memory", "x8", "x9", "x10",
		     "x11", "x12", "x13", "x14", "x15", "x16", "x17");
	r.a[0] = x0; r.a[1] = x1; r.a[2] = x2; r.a[3] = x3;
	r.a[4] = x4; r.a[5] = x5; r.a[6] = x6; r.a[7] = x7;
	return r;
}

#define SMC(...) smc_n(__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0, 0)
#define smc_n(a0, a1, a2, a3, a4, a5, a6, a7, ...) smc(a0, a1, a2, a3, a4, a5, a6, a7)

#endif
