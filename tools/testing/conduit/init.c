// SPDX-License-Identifier: GPL-2.0
/*
 * /init for the QEMU boot tests: report what the boot harness reads, then
 * power off. Freestanding (no libc), so the cross compiler alone builds it.
 *
 * Output lines all start with "conduit-init: " so the harness can find
 * them among kernel messages.
 */

#define SYS_ioctl	29
#define SYS_mknodat	33
#define SYS_openat	56
#define SYS_close	57
#define SYS_read	63
#define SYS_write	64
#define SYS_mount	40
#define SYS_reboot	142
#define SYS_finit_module	273
#define AT_FDCWD	-100
#define O_RDONLY_NONBLOCK 04000
#define O_WRONLY	01
#define O_RDWR		02
#define S_IFCHR		0020000
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

/*
 * Output lines are built with put() and put_num() and written by put_end()
 * in one write(). The console prints kernel messages from its own context
 * while /init's write drains, so one can still land inside a line that took
 * several writes; with one write it can only land before the newline, and
 * boot.py's split_glued() takes it off again.
 */
static char out_line[600];
static unsigned long out_len;

static void put_char(char c)
{
	if (out_len < sizeof(out_line) - 1)
		out_line[out_len++] = c;
}

static void put(const char *s)
{
	while (*s)
		put_char(*s++);
}

/* V in decimal, written backwards from the end of BUF; returns its start. */
static const char *fmt_num(char buf[24], long v)
{
	char *p = buf + 23;
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
	return p;
}

static void put_num(long v)
{
	char buf[24];

	put(fmt_num(buf, v));
}

/* End the line built so far and write it out. */
static void put_end(void)
{
	out_line[out_len++] = '\n';
	syscall6(SYS_write, 1, (long)out_line, out_len, 0, 0, 0);
	out_len = 0;
}

static void mount_fs(const char *type, const char *dir)
{
	long ret = syscall6(SYS_mount, (long)type, (long)dir, (long)type, 0, 0, 0);

	if (ret) {
		put("conduit-init: mount ");
		put(dir);
		put(" failed: ");
		put_num(ret);
		put_end();
	}
}

/* Print a file line by line, each line prefixed, so the harness can parse it. */
static void dump(const char *tag, const char *path)
{
	static char buf[8192];
	long fd, n, i;

	fd = syscall6(SYS_openat, AT_FDCWD, (long)path, 0, 0, 0, 0);
	if (fd < 0) {
		put("conduit-init: ");
		put(tag);
		put(": unavailable (");
		put_num(fd);
		put(")");
		put_end();
		return;
	}
	while ((n = syscall6(SYS_read, fd, (long)buf, sizeof(buf), 0, 0, 0)) > 0) {
		for (i = 0; i < n; i++) {
			if (!out_len) {	/* a new line: its prefix first */
				put("conduit-init: ");
				put(tag);
				put(": ");
			}
			if (buf[i] == '\n') {
				put_end();
			} else {
				put_char(buf[i]);
			}
		}
	}
	if (out_len)
		put_end();
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
		put("conduit-init: kmsg-warn: ");
		put(&rec[i + 1]);
		put_end();
	}
	put("conduit-init: kmsg-warnings: ");
	put_num(count);
	put_end();
	syscall6(SYS_close, fd, 0, 0, 0, 0, 0);
}

/*
 * A real request to the TEE, when the kernel registered one (the optee-*
 * scenarios): open a session to OP-TEE's built-in "invoke tests" pseudo TA
 * (CFG_TEE_CORE_EMBED_INTERNAL_TESTS), add two values, and let it checksum
 * a buffer registered as shared memory, which the OP-TEE driver shares with
 * the SPMC by FFA_MEM_SHARE and reclaims by FFA_MEM_RECLAIM when the buffer
 * is released. One line: "tee: ok ..." or "tee: fail <step> ...".
 */
#define TEE_IOC_VERSION		0x800ca400	/* _IOR(0xa4, 0, 12) */
#define TEE_IOC_OPEN_SESSION	0x8010a402	/* _IOR(0xa4, 2, 16) */
#define TEE_IOC_INVOKE		0x8010a403	/* _IOR(0xa4, 3, 16) */
#define TEE_IOC_CLOSE_SESSION	0x8004a405	/* _IOR(0xa4, 5, 4) */
#define TEE_IOC_SHM_REGISTER	0xc018a409	/* _IOWR(0xa4, 9, 24) */
#define TEE_IMPL_ID_OPTEE	1
#define TEE_GEN_CAP_REG_MEM	(1 << 2)
#define TEE_PARAM_VALUE_INOUT	3
#define TEE_PARAM_MEMREF_INOUT	7
#define PTA_INVOKE_TESTS_CMD_PARAMS 1
#define TEE_SHM_PAGES		3

struct tee_param {
	unsigned long attr, a, b, c;
};

struct tee_buf {
	unsigned long ptr, len;
};

struct tee_version {
	unsigned int impl_id, impl_caps, gen_caps;
};

struct tee_shm_register {
	unsigned long addr, length;
	unsigned int flags;
	int id;
};

struct tee_open_session {
	unsigned char uuid[16], clnt_uuid[16];
	unsigned int clnt_login, cancel_id, session, ret, ret_origin, num_params;
	struct tee_param params[1];
};

struct tee_invoke {
	unsigned int func, session, cancel_id, ret, ret_origin, num_params;
	struct tee_param params[1];
};

/* d96a5b40-c3e5-21e3-8794-1002a5d5c61b: PTA_INVOKE_TESTS_UUID */
static const unsigned char pta_invoke_tests[16] = {
	0xd9, 0x6a, 0x5b, 0x40, 0xc3, 0xe5, 0x21, 0xe3,
	0x87, 0x94, 0x10, 0x02, 0xa5, 0xd5, 0xc6, 0x1b,
};

static unsigned char tee_shm_buf[TEE_SHM_PAGES * 4096] __attribute__((aligned(4096)));

static int tee_fail(const char *step, long v, long v2)
{
	put("conduit-init: tee: fail ");
	put(step);
	put(" ");
	put_num(v);
	put(" ");
	put_num(v2);
	put_end();
	return -1;
}

static long tee_invoke(long fd, unsigned int session, struct tee_invoke *inv)
{
	struct tee_buf buf = { (unsigned long)inv, sizeof(*inv) };

	inv->func = PTA_INVOKE_TESTS_CMD_PARAMS;
	inv->session = session;
	inv->num_params = 1;
	return syscall6(SYS_ioctl, fd, TEE_IOC_INVOKE, (long)&buf, 0, 0, 0);
}

static int tee_request(void)
{
	static char devno[32];
	static struct tee_open_session os;
	static struct tee_invoke inv;
	struct tee_version ver = { 0, 0, 0 };
	struct tee_shm_register reg;
	struct tee_buf buf;
	long fd, shm_fd, n, i, major = 0, minor = 0, ret;
	unsigned int session, seed;
	unsigned char sum = 0;

	fd = syscall6(SYS_openat, AT_FDCWD, (long)"/sys/class/tee/tee0/dev", 0, 0, 0, 0);
	if (fd < 0)
		return 0;	/* no TEE: nothing to report */
	n = syscall6(SYS_read, fd, (long)devno, sizeof(devno) - 1, 0, 0, 0);
	syscall6(SYS_close, fd, 0, 0, 0, 0, 0);
	for (i = 0; i < n && devno[i] != ':'; i++)
		major = major * 10 + devno[i] - '0';
	for (i++; i < n && devno[i] >= '0' && devno[i] <= '9'; i++)
		minor = minor * 10 + devno[i] - '0';
	/* new_encode_dev() */
	ret = syscall6(SYS_mknodat, AT_FDCWD, (long)"/dev/tee0", S_IFCHR | 0600,
		       (minor & 0xff) | (major << 8) | ((minor & ~0xffL) << 12), 0, 0);
	if (ret)
		return tee_fail("mknod", ret, major);
	fd = syscall6(SYS_openat, AT_FDCWD, (long)"/dev/tee0", O_RDWR, 0, 0, 0);
	if (fd < 0)
		return tee_fail("open", fd, 0);
	ret = syscall6(SYS_ioctl, fd, TEE_IOC_VERSION, (long)&ver, 0, 0, 0);
	if (ret || ver.impl_id != TEE_IMPL_ID_OPTEE || !(ver.gen_caps & TEE_GEN_CAP_REG_MEM))
		return tee_fail("version", ret, ver.impl_id);

	for (i = 0; i < 16; i++)
		os.uuid[i] = pta_invoke_tests[i];
	buf.ptr = (unsigned long)&os;
	buf.len = sizeof(os) - sizeof(os.params);	/* no parameters */
	ret = syscall6(SYS_ioctl, fd, TEE_IOC_OPEN_SESSION, (long)&buf, 0, 0, 0);
	if (ret || os.ret)
		return tee_fail("open-session", ret, os.ret);
	session = os.session;

	/* value in/out: a = a + b */
	inv.params[0].attr = TEE_PARAM_VALUE_INOUT;
	inv.params[0].a = 40;
	inv.params[0].b = 2;
	ret = tee_invoke(fd, session, &inv);
	if (ret || inv.ret || inv.params[0].a != 42)
		return tee_fail("invoke-value", ret ? ret : inv.ret, inv.params[0].a);

	/* memref in/out: the pseudo TA writes the byte sum into byte 0 */
	for (i = 0, seed = 1; i < (long)sizeof(tee_shm_buf); i++) {
		seed = seed * 1103515245 + 12345;	/* not periodic in a page */
		tee_shm_buf[i] = seed >> 16;
		sum += tee_shm_buf[i];
	}
	reg.addr = (unsigned long)tee_shm_buf;
	reg.length = sizeof(tee_shm_buf);
	reg.flags = 0;
	reg.id = -1;
	shm_fd = syscall6(SYS_ioctl, fd, TEE_IOC_SHM_REGISTER, (long)&reg, 0, 0, 0);
	if (shm_fd < 0)
		return tee_fail("shm-register", shm_fd, 0);
	inv.params[0].attr = TEE_PARAM_MEMREF_INOUT;
	inv.params[0].a = 0;			/* offset */
	inv.params[0].b = sizeof(tee_shm_buf);	/* size */
	inv.params[0].c = reg.id;
	ret = tee_invoke(fd, session, &inv);
	if (ret || inv.ret || tee_shm_buf[0] != sum)
		return tee_fail("invoke-memref", ret ? ret : inv.ret, tee_shm_buf[0]);
	/* Releasing the registration reclaims the memory (FFA_MEM_RECLAIM). */
	syscall6(SYS_close, shm_fd, 0, 0, 0, 0, 0);

	ret = syscall6(SYS_ioctl, fd, TEE_IOC_CLOSE_SESSION, (long)&session, 0, 0, 0);
	if (ret)
		return tee_fail("close-session", ret, 0);
	syscall6(SYS_close, fd, 0, 0, 0, 0, 0);
	put("conduit-init: tee: ok impl=optee caps=");
	put_num(ver.gen_caps);
	put(" session=");
	put_num(session);
	put(" value 40+2=42 memref ");
	put_num(sizeof(tee_shm_buf));
	put(" bytes sum=");
	put_num(sum);
	put_end();
	return 0;
}

/* "conduit-init: WHAT: NAME V" as one line. */
static void say_result(const char *what, const char *name, long v)
{
	put("conduit-init: ");
	put(what);
	put(": ");
	put(name);
	put(" ");
	put_num(v);
	put_end();
}

/* Does /proc/cmdline hold WORD? */
static int cmdline_has(const char *word)
{
	static char buf[1024];
	long fd, n, i, j;

	fd = syscall6(SYS_openat, AT_FDCWD, (long)"/proc/cmdline", 0, 0, 0, 0);
	if (fd < 0)
		return 0;
	n = syscall6(SYS_read, fd, (long)buf, sizeof(buf) - 1, 0, 0, 0);
	syscall6(SYS_close, fd, 0, 0, 0, 0, 0);
	for (i = 0; n > 0 && i < n; i++) {
		for (j = 0; word[j] && i + j < n && buf[i + j] == word[j]; j++)
			;
		if (!word[j])
			return 1;
	}
	return 0;
}

/* Write S to the sysfs file PATH; the write's result, or the open's error. */
static long sysfs_write(const char *path, const char *s)
{
	long fd, ret;

	fd = syscall6(SYS_openat, AT_FDCWD, (long)path, O_WRONLY, 0, 0, 0);
	if (fd < 0)
		return fd;
	ret = syscall6(SYS_write, fd, (long)s, len(s), 0, 0, 0);
	syscall6(SYS_close, fd, 0, 0, 0, 0, 0);
	return ret;
}

/*
 * With conduit_init.rebind_ffa on the command line: unbind the FF-A core
 * from its platform device and bind it again, showing the conduit table
 * after each step. The partition drivers (the echo client) probe again on
 * the rebind and print their result once more.
 */
static void rebind_ffa(void)
{
	static const char *const path[2] = {
		"/sys/bus/platform/drivers/arm-ffa/unbind",
		"/sys/bus/platform/drivers/arm-ffa/bind",
	};
	static const char *const step[2] = { "unbind", "bind" };
	static const char *const tag[2] = { "conduit-unbound", "conduit-rebound" };
	int k;

	if (!cmdline_has("conduit_init.rebind_ffa"))
		return;
	for (k = 0; k < 2; k++) {
		say_result("rebind", step[k], sysfs_write(path[k], "arm-ffa"));
		dump(tag[k], "/sys/kernel/debug/firmware_conduit");
	}
}

/*
 * The ffa-module scenarios' initrd carries the FF-A core, its driver, the
 * echo client and tpm_crb_ffa as modules: load them in that order, with
 * the conduit table shown before, so that the harness sees the FF-A
 * conduit ready before its driver exists.
 */
static void load_ffa_modules(void)
{
	static const struct { const char *name, *path; } mods[] = {
		{ "ffa-core", "/modules/ffa-core.ko" },
		{ "ffa-module", "/modules/ffa-module.ko" },
		{ "ffa_echo", "/modules/ffa_echo.ko" },
		{ "tpm_crb_ffa", "/modules/tpm_crb_ffa.ko" },
	};
	unsigned long i;
	long fd, ret;

	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		fd = syscall6(SYS_openat, AT_FDCWD, (long)mods[i].path, 0, 0, 0, 0);
		if (i == 0) {
			if (fd < 0)
				return;	/* not the ffa-module scenario */
			dump("conduit-before-modules", "/sys/kernel/debug/firmware_conduit");
		}
		ret = fd < 0 ? fd : syscall6(SYS_finit_module, fd, (long)"", 0, 0, 0, 0);
		if (fd >= 0)
			syscall6(SYS_close, fd, 0, 0, 0, 0, 0);
		say_result("module", mods[i].name, ret);
	}
}

/*
 * IMA's measurement list (its first entry is the boot_aggregate), and with
 * conduit_init.tpm on the command line the TPM's SHA-256 PCRs 0-10, one
 * line each, so that the harness can recompute the boot_aggregate from
 * PCRs 0-9 and see that IMA extended PCR 10.
 */
static void tpm_report(void)
{
	static char path[] = "/sys/class/tpm/tpm0/pcr-sha256/NN";
	static char tag[] = "tpm-pcrNN";
	char *pn = path + sizeof(path) - 3, *tn = tag + sizeof(tag) - 3;
	int pcr;

	mount_fs("securityfs", "/sys/kernel/security");
	dump("ima-measurement", "/sys/kernel/security/ima/ascii_runtime_measurements");
	if (!cmdline_has("conduit_init.tpm"))
		return;
	for (pcr = 0; pcr <= 10; pcr++) {
		pn[0] = tn[0] = pcr < 10 ? (char)('0' + pcr) : '1';
		pn[1] = tn[1] = pcr < 10 ? '\0' : '0';
		dump(tag, path);
	}
}

void _start(void)
{
	say("conduit-init: userspace reached\n");
	mount_fs("proc", "/proc");
	mount_fs("sysfs", "/sys");
	mount_fs("debugfs", "/sys/kernel/debug");
	dump("cmdline", "/proc/cmdline");
	load_ffa_modules();
	dump("conduit", "/sys/kernel/debug/firmware_conduit");
	/* Devices still waiting for deferred probing when userspace starts. */
	dump("deferred", "/sys/kernel/debug/devices_deferred");
	say("conduit-init: deferred-end\n");
	tee_request();
	tpm_report();
	rebind_ffa();
	kmsg_warnings();
	say("conduit-init: done, powering off\n");
	syscall6(SYS_reboot, REBOOT_MAGIC1, REBOOT_MAGIC2, REBOOT_POWER_OFF, 0, 0, 0);
	for (;;)
		;
}
