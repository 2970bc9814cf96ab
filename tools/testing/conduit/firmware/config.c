// SPDX-License-Identifier: GPL-2.0
/*
 * Run-time options from QEMU fw_cfg files (-fw_cfg name=opt/conduit/...,
 * string=...). The MMIO fw_cfg interface on virt: data register at +0
 * (read byte-wise), selector at +8 (16-bit big-endian).
 */
#include "fw.h"

#define FW_CFG_DATA	(FW_CFG_BASE + 0)
#define FW_CFG_SEL	(FW_CFG_BASE + 8)
#define FW_CFG_FILE_DIR	0x19

struct config cfg = {
	.fault = FAULT_NONE,
	.fault_name = "none",
	.slow_ms = 100,
	.ffa_version = 0x10002,		/* FF-A v1.2 */
	.log = LOG_SECURE | LOG_CONSOLE,
	.tpm_slow_ms = 3000,
	.negotiate_slow_ms = 3000,
	.tpm_spec = "none",
};

static void fw_cfg_select(u16 key)
{
	writew((u16)((key >> 8) | (key << 8)), FW_CFG_SEL);
}

static u32 fw_cfg_be32(void)
{
	u32 v = 0;

	for (int i = 0; i < 4; i++)
		v = (v << 8) | readb(FW_CFG_DATA);
	return v;
}

/* Read file 'name' into buf (NUL-terminated, trailing whitespace cut). */
static int fw_cfg_read_file(const char *name, char *buf, u32 size)
{
	char fname[56];
	u32 count, fsize, i, j;
	u16 sel;

	fw_cfg_select(FW_CFG_FILE_DIR);
	count = fw_cfg_be32();
	if (count > 4096)	/* no fw_cfg device: reads float */
		return -1;
	for (i = 0; i < count; i++) {
		fsize = fw_cfg_be32();
		sel = (u16)(fw_cfg_be32() >> 16);
		for (j = 0; j < sizeof(fname); j++)
			fname[j] = readb(FW_CFG_DATA);
		fname[sizeof(fname) - 1] = 0;
		if (strcmp(fname, name))
			continue;
		fw_cfg_select(sel);
		for (j = 0; j < fsize && j < size - 1; j++)
			buf[j] = readb(FW_CFG_DATA);
		buf[j] = 0;
		while (j && (buf[j - 1] == '\n' || buf[j - 1] == ' '))
			buf[--j] = 0;
		return j;
	}
	return -1;
}

/* Number of CPUs QEMU created (FW_CFG_NB_CPUS, little-endian u16). */
u32 fw_cfg_nr_cpus(void)
{
	u32 v;

	fw_cfg_select(0x05);
	v = readb(FW_CFG_DATA);
	v |= readb(FW_CFG_DATA) << 8;
	return v;
}

/* A number (decimal, or hex with 0x); *end (if given) points past it. */
static u64 parse_num_end(const char *s, const char **end)
{
	u64 v = 0;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		v = v * base + d;
	}
	if (end)
		*end = s;
	return v;
}

static u64 parse_num(const char *s)
{
	return parse_num_end(s, NULL);
}

static const struct {
	const char *name;
	enum fault fault;
} faults[] = {
	{ "none", FAULT_NONE },
	{ "absent", FAULT_ABSENT },
	{ "nospmc", FAULT_ABSENT },
	{ "version-refused", FAULT_VERSION_REFUSED },
	{ "version-major", FAULT_VERSION_MAJOR },
	{ "busy", FAULT_BUSY },
	{ "slow", FAULT_SLOW },
	{ "tpm-error", FAULT_TPM_ERROR },
	{ "tpm-slow", FAULT_TPM_SLOW },
	{ "negotiate-slow", FAULT_NEGOTIATE_SLOW },
};

static char fault_buf[64], bad_buf[64], tpm_buf[64];

/*
 * opt/conduit/tpm = "crb@<addr>": the TPM service partition exists, its
 * 16 KiB CRB area at <addr> (4 KiB aligned, non-secure DRAM).
 */
static void config_tpm(void)
{
	const char *end;
	u64 a;

	if (fw_cfg_read_file("opt/conduit/tpm", tpm_buf, sizeof(tpm_buf)) <= 0)
		return;
	cfg.tpm_spec = tpm_buf;
	if (strncmp(tpm_buf, "crb@", 4)) {
		cfg.tpm_bad = 1;
		return;
	}
	a = parse_num_end(tpm_buf + 4, &end);
	if (*end || end == tpm_buf + 4 || (a & 0xfff) || a < 0x40000000UL ||
	    a >= (1UL << 40))
		cfg.tpm_bad = 1;
	else
		cfg.tpm_crb = a;
}

void config_read(void)
{
	char buf[64];
	unsigned int i;
	int n;

	n = fw_cfg_read_file("opt/conduit/log", buf, sizeof(buf));
	if (n > 0) {
		if (!strcmp(buf, "secure"))
			cfg.log = LOG_SECURE;
		else if (!strcmp(buf, "console"))
			cfg.log = LOG_CONSOLE;
		else if (!strcmp(buf, "none"))
			cfg.log = 0;
	}

	n = fw_cfg_read_file("opt/conduit/ffa-version", buf, sizeof(buf));
	if (n > 0)
		cfg.ffa_version = parse_num(buf);

	config_tpm();
	n = fw_cfg_read_file("opt/conduit/payload-size", buf, sizeof(buf));
	if (n > 0)
		cfg.payload_size = parse_num(buf);

	n = fw_cfg_read_file("opt/conduit/fault", fault_buf, sizeof(fault_buf));
	if (n <= 0)
		return;
	/* "slow", "tpm-slow", "negotiate-slow" take an optional delay: slow:<ms> */
	if (!strncmp(fault_buf, "slow:", 5)) {
		cfg.slow_ms = parse_num(fault_buf + 5);
		fault_buf[4] = 0;
	} else if (!strncmp(fault_buf, "tpm-slow:", 9)) {
		cfg.tpm_slow_ms = parse_num(fault_buf + 9);
		fault_buf[8] = 0;
	} else if (!strncmp(fault_buf, "negotiate-slow:", 15)) {
		cfg.negotiate_slow_ms = parse_num(fault_buf + 15);
		fault_buf[14] = 0;
	}
	for (i = 0; i < ARRAY_SIZE(faults); i++) {
		if (!strcmp(fault_buf, faults[i].name)) {
			cfg.fault = faults[i].fault;
			cfg.fault_name = faults[i].name;
			return;
		}
	}
	/* Unknown mode: say so in the banner, behave as "none". */
	snprintf(bad_buf, sizeof(bad_buf), "unknown:%s", fault_buf);
	cfg.fault_name = bad_buf;
}
