/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Conduit test firmware: a minimal EL3 monitor with PSCI, SMCCC and a toy
 * FF-A SPMC for QEMU virt (secure=on). See README.md.
 */
#ifndef FW_H
#define FW_H

#include "platform.h"

typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;
typedef long s64;
typedef int s32;

#define NULL ((void *)0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define read_sysreg(r) ({ u64 __v; asm volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(v, r) asm volatile("msr " #r ", %0" : : "r"((u64)(v)))
#define isb() asm volatile("isb" : : : "memory")
#define dsb() asm volatile("dsb sy" : : : "memory")
#define sev() asm volatile("sev" : : : "memory")
#define wfe() asm volatile("wfe" : : : "memory")

static inline u32 readl(u64 a) { return *(volatile u32 *)a; }
static inline void writel(u32 v, u64 a) { *(volatile u32 *)a = v; }
static inline u8 readb(u64 a) { return *(volatile u8 *)a; }
static inline void writeb(u8 v, u64 a) { *(volatile u8 *)a = v; }
static inline void writew(u16 v, u64 a) { *(volatile u16 *)a = v; }

/* Register frame saved by the EL3 vector (start.S): x0..x30. */
struct regs {
	u64 x[32];
};

/* Run-time configuration, from QEMU fw_cfg files (config.c). */
enum fault {
	FAULT_NONE,		/* SPMC present and well behaved */
	FAULT_ABSENT,		/* every FF-A call: SMCCC NOT_SUPPORTED */
	FAULT_VERSION_REFUSED,	/* FFA_VERSION: NOT_SUPPORTED */
	FAULT_VERSION_MAJOR,	/* FFA_VERSION: 2.0 */
	FAULT_BUSY,		/* direct requests: FFA_ERROR(BUSY) */
	FAULT_SLOW,		/* direct responses delayed by slow_ms */
	FAULT_TPM_ERROR,	/* TPM_START answered with CRB_FFA_DENIED */
	FAULT_TPM_SLOW,		/* TPM_START answered after tpm_slow_ms */
	FAULT_NEGOTIATE_SLOW,	/* the call that ends the FF-A version
				 * negotiation answered after negotiate_slow_ms */
};

#define LOG_SECURE	1	/* secure PL011 (uart1, second -serial) */
#define LOG_CONSOLE	2	/* the kernel's console PL011 (uart0) */

struct config {
	enum fault fault;
	const char *fault_name;
	u32 slow_ms;
	u32 ffa_version;	/* version the SPMC reports */
	u32 log;		/* LOG_* mask */
	u64 tpm_crb;		/* TPM partition's CRB base; 0: no TPM partition */
	const char *tpm_spec;	/* opt/conduit/tpm as given, "none" if absent */
	int tpm_bad;		/* opt/conduit/tpm unparsable: fatal */
	u32 tpm_slow_ms;
	u32 negotiate_slow_ms;
	u64 payload_size;	/* opt/conduit/payload-size; 0: not given */
};

extern struct config cfg;
extern u32 nr_cpus_seen;

/* config.c */
void config_read(void);
u32 fw_cfg_nr_cpus(void);

/* lib.c */
#define TPM_FRAME_MARKER	0x01	/* secure UART: a TPM command follows */
void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, unsigned long n);
unsigned long strlen(const char *s);
int snprintf(char *buf, unsigned long size, const char *fmt, ...);
u64 now_us(void);
void udelay(u64 us);
void lock(void);
void unlock(void);
/* One log line "fwlog: <seq> t=<us> cpu<n> EL<e> <text>"; takes the lock. */
void fwlog(int el, const char *fmt, ...);
void fwlog_locked(int el, const char *fmt, ...);
/* Secure UART TPM channel (lib.c): frame out under the lock, bytes in. */
void secure_uart_frame(const u8 *buf, u32 len);
int secure_uart_getc(u64 deadline_us);
u32 secure_uart_drain(void);
void secure_uart_fifo_on(void);
void __attribute__((noreturn)) semihost_exit(u32 code);
void __attribute__((noreturn)) fw_panic(const char *why, struct regs *r);

/* main.c */
int this_cpu(void);
int caller_el(void);

/* psci.c */
int psci_handle(u32 fid, struct regs *r, const char **name);
void psci_cpu_up(int cpu);
int psci_cpus_parked(void);
void __attribute__((noreturn)) secondary_wait(int cpu);

/* ffa.c */
#define FFA_DEFER_TPM	2	/* ffa_handle(): call tpm_direct_req() unlocked */
#define FFA_DEFER_SLOW	3	/* ffa_handle(): answered, delay it unlocked */
int ffa_handle(u32 fid, struct regs *r, const char **name);
const char *ffa_result_name(u64 x0, u64 x2);

/* tpm.c: the TPM service partition (DEN0138 over FF-A, CRB, swtpm) */
#define TPM_ID			0x8002
void tpm_init(void);
void tpm_measure_payload(void);
void tpm_direct_req(u32 fid, struct regs *r);

/* sha256.c */
struct sha256 {
	u32 h[8];
	u64 len;
	u8 buf[64];
	u32 fill;
};
void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, u64 len);
void sha256_final(struct sha256 *c, u8 out[32]);

/* start.S */
void __attribute__((noreturn)) enter_lower(u64 entry, u64 arg0, u64 spsr);
void __attribute__((noreturn)) park_cpu(int cpu);

#endif
