// SPDX-License-Identifier: GPL-2.0
/* Freestanding helpers: strings, a tiny snprintf, time, lock, log, exit. */
#include <stdarg.h>
#include "fw.h"

void *memset(void *d, int c, unsigned long n)
{
	u8 *p = d;

	while (n--)
		*p++ = c;
	return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	u8 *p = d;
	const u8 *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

unsigned long strlen(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, unsigned long n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (u8)*a - (u8)*b;
		if (!*a)
			break;
	}
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, ~0UL);
}

struct out {
	char *p, *end;
};

static void put(struct out *o, char c)
{
	if (o->p < o->end)
		*o->p++ = c;
}

static void put_num(struct out *o, u64 v, int base, int neg)
{
	char tmp[24];
	int n = 0;

	if (neg)
		put(o, '-');
	if (base == 16) {
		put(o, '0');
		put(o, 'x');
	}
	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		put(o, tmp[--n]);
}

/*
 * Supports %s, %c, %d (s64), %u (u64), %x (u64, printed with 0x) and %%.
 * Integer arguments are always read as 64-bit: pass u64/s64/int-promoted
 * values through (u64) or (s64) casts at call sites.
 */
static int vsnprintf(char *buf, unsigned long size, const char *fmt, va_list ap)
{
	struct out o = { buf, buf + size - 1 };
	const char *s;
	s64 sv;

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		switch (*++fmt) {
		case 's':
			for (s = va_arg(ap, const char *); s && *s; s++)
				put(&o, *s);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 'd':
			sv = va_arg(ap, s64);
			put_num(&o, sv < 0 ? -(u64)sv : (u64)sv, 10, sv < 0);
			break;
		case 'u':
			put_num(&o, va_arg(ap, u64), 10, 0);
			break;
		case 'x':
			put_num(&o, va_arg(ap, u64), 16, 0);
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '?');
			break;
		}
	}
	*o.p = 0;
	return o.p - buf;
}

int snprintf(char *buf, unsigned long size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

u64 now_us(void)
{
	u64 frq = read_sysreg(cntfrq_el0);

	isb();
	return read_sysreg(cntpct_el0) * 1000000UL / (frq ? frq : 62500000);
}

void udelay(u64 us)
{
	u64 end = now_us() + us;

	while (now_us() < end)
		;
}

/*
 * One big lock serialises SMC handling and logging. The MMU is off, so
 * this relies on QEMU honouring exclusives on Device memory (TCG does).
 */
static u32 big_lock;

void lock(void)
{
	u32 tmp, one = 1;

	asm volatile(
	"1:	ldaxr	%w0, [%1]\n"
	"	cbnz	%w0, 1b\n"
	"	stxr	%w0, %w2, [%1]\n"
	"	cbnz	%w0, 1b\n"
	: "=&r"(tmp) : "r"(&big_lock), "r"(one) : "memory");
}

void unlock(void)
{
	asm volatile("stlr wzr, [%0]" : : "r"(&big_lock) : "memory");
}

static void uart_putc(u64 base, char c)
{
	while (readl(base + 0x18) & (1 << 5))	/* UARTFR.TXFF */
		;
	writel((u8)c, base);
}

/*
 * The secure UART also carries TPM command frames (TPM_FRAME_MARKER, then
 * the command): log text on it never holds a control character but \r,
 * \n and \t, so a fw_cfg string in a log line cannot fake a frame.
 */
static char log_char(char c)
{
	if (c == '\n' || c == '\r' || c == '\t')
		return c;
	return (u8)c < 0x20 || (u8)c >= 0x7f ? '?' : c;
}

static void emit(const char *s)
{
	for (; *s; s++) {
		if (cfg.log & LOG_SECURE) {
			if (*s == '\n')
				uart_putc(UART1_BASE, '\r');
			uart_putc(UART1_BASE, log_char(*s));
		}
		if (cfg.log & LOG_CONSOLE) {
			if (*s == '\n')
				uart_putc(UART0_BASE, '\r');
			uart_putc(UART0_BASE, *s);
		}
	}
}

#define UARTDR		0x00
#define UARTFR		0x18
#define UARTFR_RXFE	(1 << 4)
#define UARTLCR_H	0x2c

/* FIFO on, 8 bits: QEMU then buffers up to 16 received bytes for us. */
void secure_uart_fifo_on(void)
{
	writel(0x70, UART1_BASE + UARTLCR_H);	/* WLEN = 8 bits, FEN */
}

/*
 * A TPM command frame on the secure UART: the marker byte, then the
 * command as it is (its header holds its size). Under the big lock, so
 * that no log line lands inside the frame; callers must not hold it.
 */
void secure_uart_frame(const u8 *buf, u32 len)
{
	lock();
	uart_putc(UART1_BASE, TPM_FRAME_MARKER);
	for (u32 i = 0; i < len; i++)
		uart_putc(UART1_BASE, (char)buf[i]);
	unlock();
}

/* One received byte, or -1 once now_us() passes deadline_us. */
int secure_uart_getc(u64 deadline_us)
{
	while (readl(UART1_BASE + UARTFR) & UARTFR_RXFE)
		if (now_us() > deadline_us)
			return -1;
	return readl(UART1_BASE + UARTDR) & 0xff;
}

/* Throw away whatever is waiting; returns how many bytes that was. */
u32 secure_uart_drain(void)
{
	u32 n = 0;

	while (!(readl(UART1_BASE + UARTFR) & UARTFR_RXFE)) {
		(void)readl(UART1_BASE + UARTDR);
		n++;
	}
	return n;
}

static u64 log_seq;

static void vfwlog(int el, const char *fmt, va_list ap)
{
	char line[320];
	int n;

	n = snprintf(line, sizeof(line), "fwlog: %u t=%u cpu%u EL%u ",
		     (u64)log_seq++, now_us(), (u64)this_cpu(), (u64)el);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	line[n++] = '\n';
	line[n] = 0;
	emit(line);
}

void fwlog_locked(int el, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfwlog(el, fmt, ap);
	va_end(ap);
}

void fwlog(int el, const char *fmt, ...)
{
	va_list ap;

	lock();
	va_start(ap, fmt);
	vfwlog(el, fmt, ap);
	va_end(ap);
	unlock();
}

/* Semihosting SYS_EXIT_EXTENDED: QEMU exits with status 'code'. */
void semihost_exit(u32 code)
{
	static u64 block[2];
	register u64 x0 asm("x0") = 0x20;
	register u64 x1 asm("x1") = (u64)block;

	block[0] = 0x20026;	/* ADP_Stopped_ApplicationExit */
	block[1] = code;
	asm volatile("hlt #0xf000" : : "r"(x0), "r"(x1) : "memory");
	for (;;)
		wfe();
}

void fw_panic(const char *why, struct regs *r)
{
	fwlog_locked(3, "PANIC(%s) esr=%x elr=%x far=%x spsr=%x x0=%x",
		     why, read_sysreg(esr_el3), read_sysreg(elr_el3),
		     read_sysreg(far_el3), read_sysreg(spsr_el3),
		     r ? r->x[0] : 0);
	semihost_exit(4);
}
