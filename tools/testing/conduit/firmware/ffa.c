// SPDX-License-Identifier: GPL-2.0
/*
 * A toy FF-A SPMC (Arm DEN0077A) for the non-secure world, with one echo
 * partition and, with opt/conduit/tpm, a TPM service partition (tpm.c).
 * Implements the subset used by Linux 6.12's FF-A driver and pKVM's FF-A
 * proxy; every other FF-A function gets FFA_ERROR(NOT_SUPPORTED).
 * Called with the big lock held (main.c).
 */
#include "fw.h"

#define FFA_ERROR		0x84000060
#define FFA_SUCCESS		0x84000061
#define FFA_SUCCESS64		0xc4000061
#define FFA_VERSION		0x84000063
#define FFA_FEATURES		0x84000064
#define FFA_RX_RELEASE		0x84000065
#define FFA_RXTX_MAP		0x84000066
#define FFA_RXTX_MAP64		0xc4000066
#define FFA_RXTX_UNMAP		0x84000067
#define FFA_PARTITION_INFO_GET	0x84000068
#define FFA_ID_GET		0x84000069
#define FFA_DIRECT_REQ		0x8400006f
#define FFA_DIRECT_REQ64	0xc400006f
#define FFA_DIRECT_RESP		0x84000070
#define FFA_DIRECT_RESP64	0xc4000070
#define FFA_SPM_ID_GET		0x84000085

#define FFA_RET_NOT_SUPPORTED	(-1L)
#define FFA_RET_INVALID_PARAMS	(-2L)
#define FFA_RET_BUSY		(-4L)
#define FFA_RET_DENIED		(-6L)

#define FFA_V(maj, min)		(((maj) << 16) | (min))
#define FFA_MAJOR(v)		(((v) >> 16) & 0x7fff)
#define FFA_MINOR(v)		((v) & 0xffff)
#define FFA_V1_0		FFA_V(1, 0)
#define FFA_V1_1		FFA_V(1, 1)

#define NS_ENDPOINT_ID		0x0000	/* the one non-secure endpoint */
#define SPMC_ID			0x8000
#define ECHO_ID			0x8001
#define NS_DRAM_BASE		0x40000000UL

/* Echo partition UUID 8f3e94b8-1924-4e32-b03a-8d955482cfcc, in byte order. */
static const u8 echo_uuid[16] = {
	0x8f, 0x3e, 0x94, 0xb8, 0x19, 0x24, 0x4e, 0x32,
	0xb0, 0x3a, 0x8d, 0x95, 0x54, 0x82, 0xcf, 0xcc,
};

/* TPM service partition UUID 17b862a4-1806-4faf-86b3-089a58353861 (DEN0138). */
static const u8 tpm_uuid[16] = {
	0x17, 0xb8, 0x62, 0xa4, 0x18, 0x06, 0x4f, 0xaf,
	0x86, 0xb3, 0x08, 0x9a, 0x58, 0x35, 0x38, 0x61,
};

/* State for the non-secure endpoint (host kernel or hypervisor: one ID). */
static struct {
	u32 version;		/* version the caller asked for; 0 = none yet */
	int negotiated;		/* another FF-A ABI was called: version final */
	int mapped, rx_full;
	u64 tx, rx, pages;
} ns;

static const char *const ffa_names[] = {
	[0x60] = "FFA_ERROR", [0x61] = "FFA_SUCCESS", [0x62] = "FFA_INTERRUPT",
	[0x63] = "FFA_VERSION", [0x64] = "FFA_FEATURES",
	[0x65] = "FFA_RX_RELEASE", [0x66] = "FFA_RXTX_MAP",
	[0x67] = "FFA_RXTX_UNMAP", [0x68] = "FFA_PARTITION_INFO_GET",
	[0x69] = "FFA_ID_GET", [0x6a] = "FFA_MSG_POLL", [0x6b] = "FFA_MSG_WAIT",
	[0x6c] = "FFA_YIELD", [0x6d] = "FFA_RUN", [0x6e] = "FFA_MSG_SEND",
	[0x6f] = "FFA_MSG_SEND_DIRECT_REQ", [0x70] = "FFA_MSG_SEND_DIRECT_RESP",
	[0x71] = "FFA_MEM_DONATE", [0x72] = "FFA_MEM_LEND",
	[0x73] = "FFA_MEM_SHARE", [0x74] = "FFA_MEM_RETRIEVE_REQ",
	[0x75] = "FFA_MEM_RETRIEVE_RESP", [0x76] = "FFA_MEM_RELINQUISH",
	[0x77] = "FFA_MEM_RECLAIM", [0x7a] = "FFA_MEM_FRAG_RX",
	[0x7b] = "FFA_MEM_FRAG_TX", [0x7d] = "FFA_NOTIFICATION_BITMAP_CREATE",
	[0x7e] = "FFA_NOTIFICATION_BITMAP_DESTROY",
	[0x7f] = "FFA_NOTIFICATION_BIND", [0x80] = "FFA_NOTIFICATION_UNBIND",
	[0x81] = "FFA_NOTIFICATION_SET", [0x82] = "FFA_NOTIFICATION_GET",
	[0x83] = "FFA_NOTIFICATION_INFO_GET", [0x84] = "FFA_RX_ACQUIRE",
	[0x85] = "FFA_SPM_ID_GET", [0x86] = "FFA_MSG_SEND2",
	[0x87] = "FFA_SECONDARY_EP_REGISTER", [0x88] = "FFA_MEM_PERM_GET",
	[0x89] = "FFA_MEM_PERM_SET", [0x8a] = "FFA_CONSOLE_LOG",
	[0x8b] = "FFA_PARTITION_INFO_GET_REGS", [0x8c] = "FFA_EL3_INTR_HANDLE",
	[0x8d] = "FFA_MSG_SEND_DIRECT_REQ2", [0x8e] = "FFA_MSG_SEND_DIRECT_RESP2",
};

static const char *const ffa_errors[] = {
	"0", "NOT_SUPPORTED", "INVALID_PARAMETERS", "NO_MEMORY", "BUSY",
	"INTERRUPTED", "DENIED", "RETRY", "ABORTED", "NO_DATA",
};

/* FF-A owns fast calls, standard secure service, function numbers 0x60-0xff. */
static int is_ffa(u32 fid)
{
	return (fid & 0xbfffff00) == 0x84000000 && (fid & 0xff) >= 0x60;
}

static const char *ffa_name(u32 fid)
{
	static char buf[48];
	u32 fn = fid & 0xff;
	const char *n = fn < ARRAY_SIZE(ffa_names) ? ffa_names[fn] : NULL;

	if (!n)
		n = "FFA_UNKNOWN";
	snprintf(buf, sizeof(buf), "%s%s", n, (fid & (1U << 30)) ? "64" : "");
	return buf;
}

const char *ffa_result_name(u64 x0, u64 x2)
{
	static char buf[48];
	s64 err = (s32)x2;

	switch (x0) {
	case FFA_SUCCESS:
		return "FFA_SUCCESS";
	case FFA_SUCCESS64:
		return "FFA_SUCCESS64";
	case FFA_DIRECT_RESP:
		return "FFA_MSG_SEND_DIRECT_RESP";
	case FFA_DIRECT_RESP64:
		return "FFA_MSG_SEND_DIRECT_RESP64";
	case FFA_ERROR:
		if (err < 0 && err >= -9)
			snprintf(buf, sizeof(buf), "FFA_ERROR:%s", ffa_errors[-err]);
		else
			snprintf(buf, sizeof(buf), "FFA_ERROR:%d", err);
		return buf;
	}
	return NULL;
}

static void ret_regs(struct regs *r, u64 x0, u64 x1, u64 x2, u64 x3)
{
	r->x[0] = x0;
	r->x[1] = x1;
	r->x[2] = x2;
	r->x[3] = x3;
	for (int i = 4; i < 8; i++)
		r->x[i] = 0;
}

static void ffa_error(struct regs *r, s64 err)
{
	ret_regs(r, FFA_ERROR, 0, (u64)err, 0);
}

static void ffa_success(struct regs *r, u64 x2, u64 x3)
{
	ret_regs(r, FFA_SUCCESS, 0, x2, x3);
}

/*
 * FFA_VERSION (13.2.2): report our version; if the caller's major matches,
 * remember the caller's version (capped at ours) as the one to serve. Once
 * the caller has used any other FF-A ABI the version is final and a request
 * for a different one is refused.
 */
static void ffa_version(struct regs *r)
{
	u32 req = (u32)r->x[1], ours = cfg.ffa_version;

	if (cfg.fault == FAULT_VERSION_REFUSED || (req & (1U << 31))) {
		r->x[0] = FFA_RET_NOT_SUPPORTED;
		return;
	}
	if (cfg.fault == FAULT_VERSION_MAJOR) {
		r->x[0] = FFA_V(2, 0);
		return;
	}
	r->x[0] = ours;
	if (FFA_MAJOR(req) != FFA_MAJOR(ours))
		return;	/* incompatible: the caller must not go on */
	if (FFA_MINOR(req) > FFA_MINOR(ours))
		req = ours;
	if (ns.negotiated && req != ns.version) {
		r->x[0] = FFA_RET_NOT_SUPPORTED;
		return;
	}
	ns.version = req;
}

static int ffa_implemented(u32 fid)
{
	switch (fid) {
	case FFA_ERROR: case FFA_SUCCESS: case FFA_VERSION: case FFA_FEATURES:
	case FFA_RX_RELEASE: case FFA_RXTX_MAP: case FFA_RXTX_MAP64:
	case FFA_RXTX_UNMAP: case FFA_PARTITION_INFO_GET: case FFA_ID_GET:
	case FFA_DIRECT_REQ: case FFA_DIRECT_REQ64:
		return 1;
	case FFA_SPM_ID_GET:
		return ns.version >= FFA_V1_1;
	}
	return 0;
}

static void ffa_features(struct regs *r)
{
	u32 id = (u32)r->x[1];

	/* Bit 31 clear: a feature ID (interrupts), none of which we have. */
	if (!(id & (1U << 31)) || !ffa_implemented(id))
		ffa_error(r, FFA_RET_NOT_SUPPORTED);
	else	/* RXTX_MAP: w2 = 0: 4K minimum, no maximum */
		ffa_success(r, 0, 0);
}

static void ffa_rxtx_map(struct regs *r)
{
	u64 tx = r->x[1], rx = r->x[2], pages = r->x[3] & 0x3f;
	u64 sz = pages * 4096;

	if (ns.mapped) {
		ffa_error(r, FFA_RET_DENIED);
		return;
	}
	if (!pages || (tx | rx) & 0xfff || tx < NS_DRAM_BASE ||
	    rx < NS_DRAM_BASE || (tx < rx + sz && rx < tx + sz)) {
		ffa_error(r, FFA_RET_INVALID_PARAMS);
		return;
	}
	ns.tx = tx;
	ns.rx = rx;
	ns.pages = pages;
	ns.mapped = 1;
	ns.rx_full = 0;
	ffa_success(r, 0, 0);
}

static void ffa_rxtx_unmap(struct regs *r)
{
	if (((u32)r->x[1] >> 16) != NS_ENDPOINT_ID || !ns.mapped) {
		ffa_error(r, FFA_RET_INVALID_PARAMS);
		return;
	}
	ns.mapped = 0;
	ns.rx_full = 0;
	ffa_success(r, 0, 0);
}

static void ffa_rx_release(struct regs *r)
{
	if (!ns.mapped || !ns.rx_full) {
		ffa_error(r, FFA_RET_DENIED);
		return;
	}
	ns.rx_full = 0;
	ffa_success(r, 0, 0);
}

static int uuid_eq(const u8 *a, const u8 *b)
{
	for (int i = 0; i < 16; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* One descriptor at d: v1.0 is 8 bytes, v1.1+ adds the UUID (24 bytes). */
static void partition_desc(u8 *d, u16 id, const u8 *uuid, int v10)
{
	/* Bit 0: receives direct requests; bit 8 (v1.1+): AArch64. */
	u32 props = v10 ? 0x1 : 0x101;

	memset(d, 0, v10 ? 8 : 24);
	d[0] = id & 0xff;
	d[1] = id >> 8;
	d[2] = 1;				/* one execution context */
	d[4] = props & 0xff;
	d[5] = props >> 8;
	if (!v10)
		memcpy(d + 8, uuid, 16);
}

static void ffa_partition_info_get(struct regs *r)
{
	u8 uuid[16];
	int null = 1, v10 = ns.version < FFA_V1_1;
	int echo = 1, tpm = cfg.tpm_crb != 0;
	u32 count, size = v10 ? 8 : 24;
	u8 *d;

	for (int i = 0; i < 16; i++) {
		uuid[i] = (u8)(r->x[1 + i / 4] >> (8 * (i % 4)));
		null &= !uuid[i];
	}
	if (!null) {
		echo = uuid_eq(uuid, echo_uuid);
		tpm = tpm && uuid_eq(uuid, tpm_uuid);
		if (!echo && !tpm) {
			ffa_error(r, FFA_RET_INVALID_PARAMS);
			return;
		}
	}
	count = echo + tpm;
	if (!v10 && (r->x[5] & 1)) {		/* count only */
		ffa_success(r, count, size);
		return;
	}
	if (!ns.mapped || ns.rx_full) {
		ffa_error(r, FFA_RET_BUSY);
		return;
	}

	d = (u8 *)ns.rx;
	if (echo) {
		partition_desc(d, ECHO_ID, echo_uuid, v10);
		d += size;
	}
	if (tpm)
		partition_desc(d, TPM_ID, tpm_uuid, v10);
	ns.rx_full = 1;
	ffa_success(r, count, v10 ? 0 : size);
}

/* Returns FFA_DEFER_TPM for a valid request to the TPM partition. */
static int ffa_direct_req(u32 fid, struct regs *r)
{
	u32 src = (u32)r->x[1] >> 16, dst = (u32)r->x[1] & 0xffff;
	int to_tpm = dst == TPM_ID && cfg.tpm_crb;

	if ((dst != ECHO_ID && !to_tpm) || (src & 0x8000) ||
	    ((u32)r->x[2] & (1U << 31))) {
		ffa_error(r, FFA_RET_INVALID_PARAMS);
		return 1;
	}
	if (cfg.fault == FAULT_BUSY) {
		ffa_error(r, FFA_RET_BUSY);
		return 1;
	}
	if (to_tpm)
		return FFA_DEFER_TPM;	/* tpm_direct_req(), without the lock */
	/* Echo w3-w7 / x3-x7 back (SMC32 arguments are already truncated). */
	r->x[0] = fid == FFA_DIRECT_REQ64 ? FFA_DIRECT_RESP64 : FFA_DIRECT_RESP;
	r->x[1] = ((u64)ECHO_ID << 16) | src;
	r->x[2] = 0;
	return 1;
}

/*
 * Returns 0 if fid is no FF-A call, FFA_DEFER_TPM (see ffa_direct_req()),
 * FFA_DEFER_SLOW under negotiate-slow when this call ended the version
 * negotiation (its answer is ready; el3_sync_lower() delays it), else 1.
 */
int ffa_handle(u32 fid, struct regs *r, const char **name)
{
	int first, ret = 1;

	if (!is_ffa(fid))
		return 0;
	*name = ffa_name(fid);

	if (cfg.fault == FAULT_ABSENT) {
		r->x[0] = -1L;		/* not even an SMCCC service */
		return 1;
	}
	if (fid == FFA_VERSION) {
		ffa_version(r);
		return 1;
	}

	/* Any other ABI completes negotiation (13.2.2); none yet means v1.0. */
	if (!ns.version)
		ns.version = FFA_V1_0;
	first = !ns.negotiated;
	ns.negotiated = 1;

	switch (fid) {
	case FFA_FEATURES:
		ffa_features(r);
		break;
	case FFA_ID_GET:
		ffa_success(r, NS_ENDPOINT_ID, 0);
		break;
	case FFA_SPM_ID_GET:
		if (ns.version < FFA_V1_1)
			ffa_error(r, FFA_RET_NOT_SUPPORTED);
		else
			ffa_success(r, SPMC_ID, 0);
		break;
	case FFA_RXTX_MAP:
	case FFA_RXTX_MAP64:
		ffa_rxtx_map(r);
		break;
	case FFA_RXTX_UNMAP:
		ffa_rxtx_unmap(r);
		break;
	case FFA_RX_RELEASE:
		ffa_rx_release(r);
		break;
	case FFA_PARTITION_INFO_GET:
		ffa_partition_info_get(r);
		break;
	case FFA_DIRECT_REQ:
	case FFA_DIRECT_REQ64:
		ret = ffa_direct_req(fid, r);
		break;
	default:
		ffa_error(r, FFA_RET_NOT_SUPPORTED);
		break;
	}
	/*
	 * Under pKVM this is the hypervisor's first call after its own
	 * FFA_VERSION at init: hyp_ffa_post_init()'s FFA_ID_GET, made while
	 * it handles the host's FFA_VERSION, so the host's negotiation waits.
	 */
	if (first && cfg.fault == FAULT_NEGOTIATE_SLOW && ret == 1)
		ret = FFA_DEFER_SLOW;
	return ret;
}
