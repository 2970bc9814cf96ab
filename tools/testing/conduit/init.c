// SPDX-License-Identifier: GPL-2.0
/*
 * /init for the QEMU boot tests: report what the boot harness reads, then
 * power off. Freestanding (no libc), so the cross compiler alone builds it.
 *
 * Output lines all start with "conduit-init: " so the harness can find
 * them among kernel messages.
 */

#define SYS_openat	56
#define SYS_close	57
#define SYS_read	63
#define SYS_write	64
#define SYS_mount	40
#define SYS_reboot	142
#define AT_FDCWD	-100
#define O_RDONLY_NONBLOCK 04000
#define REBOOT_MAGIC1	0xfee1dead
#define REBOOT_MAGIC2	0x28121969
#define REBOOT_POWER_OFF 0x4321fedc

static long syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 asm("x8") = n;
	register long x0 asm("x0") = a;
	register long x1 asm("x1") = b;
	register long x2 asm("x2") = c;
	register long x3 asm("x3") = d;
	register long x4 asm("x4") = e;
	register long x5 asm("x5") = f;

	asm volatile("svc #0"
		     : "+r"(x0)
		     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
		     : "memory");
	return x0;
}

static unsigned long len(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static void say(const char *s)
{
	syscall6(SYS_write, 1, (long)s, len(s), 0, 0, 0);
}

static void say_num(long v)
{
	char buf[24], *p = buf + sizeof(buf) - 1;
	int neg = v < 0;

	*p = 0;
	if (neg)
		v = -v;
	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	if (neg)
		*--p = '-';
	say(p);
}

static void mount_fs(const char *type, const char *dir)
{
	long ret = syscall6(SYS_mount, (long)type, (long)dir, (long)type, 0, 0, 0);

	if (ret) {
		say("conduit-init: mount ");
		say(dir);
		say(" failed: ");
		say_num(ret);
		say("\n");
	}
}

/* Print a file line by line, each line prefixed, so the harness can parse it. */
static void dump(const char *tag, const char *path)
{
	static char buf[8192];
	long fd, n, i;
	int at_start = 1;

	fd = syscall6(SYS_openat, AT_FDCWD, (long)path, 0, 0, 0, 0);
	if (fd < 0) {
		say("conduit-init: ");
		say(tag);
		say(": unavailable (");
		say_num(fd);
		say(")\n");
		return;
	}
	while ((n = syscall6(SYS_read, fd, (long)buf, sizeof(buf), 0, 0, 0)) > 0) {
		for (i = 0; i < n; i++) {
			if (at_start) {
				say("conduit-init: ");
				say(tag);
				say(": ");
				at_start = 0;
			}
			syscall6(SYS_write, 1, (long)&buf[i], 1, 0, 0, 0);
			if (buf[i] == '\n')
				at_start = 1;
		}
	}
	if (!at_start)
		say("\n");
	syscall6(SYS_close, fd, 0, 0, 0, 0, 0);
}

/*
 * Count the kernel log records at KERN_WARNING or more severe, and show
 * them: a clean boot of the patched kernel must have none it did not expect.
 */
static void kmsg_warnings(void)
{
	static char rec[2048];
	long fd, n, i, count = 0;

	fd = syscall6(SYS_openat, AT_FDCWD, (long)"/dev/kmsg", O_RDONLY_NONBLOCK,
		      0, 0, 0);
	if (fd < 0) {
		say("conduit-init: kmsg-warnings: unavailable\n");
		return;
	}
	/* One record per read; "prio,seq,usec,flags;text\n" then dict lines. */
	while ((n = syscall6(SYS_read, fd, (long)rec, sizeof(rec) - 1, 0, 0, 0)) > 0) {
		long prio = 0;

		for (i = 0; i < n && rec[i] >= '0' && rec[i] <= '9'; i++)
			prio = prio * 10 + rec[i] - '0';
		if ((prio & 7) > 4)
			continue;
		count++;
		for (i = 0; i < n && rec[i] != ';'; i++)
			;
		rec[n] = 0;
		for (n = i + 1; rec[n] && rec[n] != '\n'; n++)
			;
		rec[n] = 0;
		say("conduit-init: kmsg-warn: ");
		say(&rec[i + 1]);
		say("\n");
	}
	say("conduit-init: kmsg-warnings: ");
	say_num(count);
	say("\n");
	syscall6(SYS_close, fd, 0, 0, 0, 0, 0);
}

void _start(void)
{
	say("conduit-init: userspace reached\n");
	mount_fs("proc", "/proc");
	mount_fs("sysfs", "/sys");
	mount_fs("debugfs", "/sys/kernel/debug");
	dump("cmdline", "/proc/cmdline");
	dump("conduit", "/sys/kernel/debug/firmware_conduit");
	/* Devices still waiting for deferred probing when userspace starts. */
	dump("deferred", "/sys/kernel/debug/devices_deferred");
	say("conduit-init: deferred-end\n");
	kmsg_warnings();
	say("conduit-init: done, powering off\n");
	syscall6(SYS_reboot, REBOOT_MAGIC1, REBOOT_MAGIC2, REBOOT_POWER_OFF, 0, 0, 0);
	for (;;)
		;
}
