// SPDX-License-Identifier: GPL-2.0
/*
 * A TPM service partition for the test SPMC: Arm DEN0138 ("TPM Service
 * Command Response Buffer Interface Over FF-A") in front of a TCG PTP CRB
 * in non-secure memory, as Linux's tpm_crb (start method 15) and
 * tpm_crb_ffa use it. The TPM itself is swtpm/libtpms on the host: each
 * command goes out on the secure UART as a frame (TPM_FRAME_MARKER, then
 * the command), and tools/testing/conduit/tpm/relay.py hands it to swtpm
 * and sends the response back on the same UART. See README.md.
 *
 * Only with opt/conduit/tpm = "crb@<addr>". Runs without the big lock
 * (main.c); its own busy flag serialises it (one execution context).
 */
#include "fw.h"

/* DEN0138 function IDs (w4) and status codes */
#define CRB_FFA_GET_INTERFACE_VERSION	0x0f000001
#define CRB_FFA_START			0x0f000201
#define CRB_FFA_OK			0x05000001
#define CRB_FFA_OK_RESULTS_RETURNED	0x05000002
#define CRB_FFA_NOFUNC			0x8e000001
#define CRB_FFA_NOTSUP			0x8e000002
#define CRB_FFA_INVARG			0x8e000005
#define CRB_FFA_INV_CRB_CTRL_DATA	0x8e000006
#define CRB_FFA_ALREADY			0x8e000009
#define CRB_FFA_DENIED			0x8e00000a
#define CRB_FFA_NOMEM			0x8e00000b
#define CRB_FFA_VERSION			0x00010000	/* 1.0 */
#define START_COMMAND			0
#define START_LOCALITY			1

/* The CRB (TCG PTP), locality 0 only, offsets from cfg.tpm_crb */
#define CRB_LOC_STATE		0x00
#define CRB_LOC_CTRL		0x08
#define CRB_LOC_STS		0x0c
#define CRB_INTF_ID		0x30	/* 64-bit */
#define CRB_CTRL_EXT		0x38	/* 64-bit */
#define CRB_CTRL_REQ		0x40	/* the control area: TPM2 table address */
#define CRB_CTRL_STS		0x44
#define CRB_CTRL_CANCEL		0x48
#define CRB_CTRL_START		0x4c
#define CRB_INT_ENABLE		0x50
#define CRB_INT_STS		0x54
#define CRB_CMD_SIZE		0x58
#define CRB_CMD_PA_LOW		0x5c
#define CRB_CMD_PA_HIGH		0x60
#define CRB_RSP_SIZE		0x64
#define CRB_RSP_PA		0x68	/* 64-bit */
#define CRB_BUF			0x80	/* command and response buffer */
#define CRB_AREA_SIZE		0x4000
#define CRB_BUF_SIZE		(CRB_AREA_SIZE - CRB_BUF)

#define LOC_STATE_ASSIGNED	(1U << 1)	/* activeLocality (4:2) = 0 */
#define LOC_STATE_VALID		(1U << 7)	/* tpmRegValidSts */
#define LOC_CTRL_REQUEST	(1U << 0)
#define LOC_CTRL_RELINQUISH	(1U << 1)
#define LOC_STS_GRANTED		(1U << 0)
#define CTRL_REQ_CMD_READY	(1U << 0)
#define CTRL_REQ_GO_IDLE	(1U << 1)
#define CTRL_STS_ERROR		(1U << 0)	/* tpmSts: fatal error */
#define CTRL_STS_IDLE		(1U << 1)
#define CTRL_START_INVOKE	(1U << 0)

/*
 * TPM_CRB_INTF_ID: InterfaceType 1 (CRB active), InterfaceVersion 1 (CRB),
 * CapLocality 0 (locality 0 only), CapDataXferSizeSupport 3 (64 bytes),
 * CapCRB, InterfaceSelector 1 (CRB), IntfSelLock; RID/VID/DID 0.
 */
#define CRB_INTF_ID_VAL		(0x1 | 0x1 << 4 | 0x3 << 11 | 1 << 14 | \
				 0x1 << 17 | 1 << 19)

#define FFA_ERROR		0x84000060
#define FFA_DIRECT_REQ64	0xc400006f
#define FFA_DIRECT_RESP		0x84000070
#define FFA_DIRECT_RESP64	0xc4000070
#define FFA_RET_BUSY		(-4L)

#define TPM_RESPONSE_TIMEOUT_US	15000000UL	/* swtpm through the relay */

static struct {
	u32 busy;		/* the partition's one execution context */
	int assigned;		/* locality 0 assigned */
	int idle;		/* CRB idle (goIdle) rather than ready */
	int failed;		/* fatal: ctrl_sts.tpmSts set for good */
	u64 commands;
} tpm;

static u8 cmdbuf[CRB_BUF_SIZE], rspbuf[CRB_BUF_SIZE];

static u64 crb(u32 off)
{
	return cfg.tpm_crb + off;
}

/* 1 if we took the busy flag, 0 if another CPU holds it (no waiting). */
static int busy_trylock(void)
{
	u32 tmp, one = 1, got;

	asm volatile(
	"1:	ldaxr	%w0, [%2]\n"
	"	cbnz	%w0, 2f\n"
	"	stxr	%w0, %w3, [%2]\n"
	"	cbnz	%w0, 1b\n"		/* lost the reservation: again */
	"	mov	%w1, #1\n"
	"	b	3f\n"
	"2:	clrex\n"
	"	mov	%w1, #0\n"
	"3:\n"
	: "=&r"(tmp), "=&r"(got) : "r"(&tpm.busy), "r"(one) : "memory");
	return got;
}

static void busy_unlock(void)
{
	asm volatile("stlr wzr, [%0]" : : "r"(&tpm.busy) : "memory");
}

static u32 get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u8 *put_be16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = (u8)v;
	return p + 2;
}

static u8 *put_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
	return p + 4;
}

static u32 loc_state(void)
{
	return LOC_STATE_VALID | (tpm.assigned ? LOC_STATE_ASSIGNED : 0);
}

static u32 ctrl_sts(void)
{
	return (tpm.failed ? CTRL_STS_ERROR : 0) | (tpm.idle ? CTRL_STS_IDLE : 0);
}

/*
 * Write out every register the TPM owns, from the partition's own state:
 * the normal world may scribble on them (they are plain RAM), but each
 * TPM_START puts them right again, and the buffer addresses the partition
 * uses are its own, never read back from the CRB.
 */
static void crb_publish(void)
{
	u64 buf = crb(CRB_BUF);

	writel(loc_state(), crb(CRB_LOC_STATE));
	writel(tpm.assigned ? LOC_STS_GRANTED : 0, crb(CRB_LOC_STS));
	writel((u32)CRB_INTF_ID_VAL, crb(CRB_INTF_ID));
	writel((u32)((u64)CRB_INTF_ID_VAL >> 32), crb(CRB_INTF_ID + 4));
	writel(0, crb(CRB_CTRL_EXT));
	writel(0, crb(CRB_CTRL_EXT + 4));
	writel(ctrl_sts(), crb(CRB_CTRL_STS));
	writel(0, crb(CRB_INT_STS));
	writel(CRB_BUF_SIZE, crb(CRB_CMD_SIZE));
	writel((u32)buf, crb(CRB_CMD_PA_LOW));
	writel((u32)(buf >> 32), crb(CRB_CMD_PA_HIGH));
	writel(CRB_BUF_SIZE, crb(CRB_RSP_SIZE));
	writel((u32)buf, crb(CRB_RSP_PA));
	writel((u32)(buf >> 32), crb(CRB_RSP_PA + 4));
}

/* Boot: the whole 16 KiB zeroed, registers in their reset state. */
void tpm_init(void)
{
	for (u32 off = 0; off < CRB_AREA_SIZE; off += 4)
		writel(0, crb(off));
	tpm.assigned = 0;
	tpm.idle = 1;
	tpm.failed = 0;
	crb_publish();
	secure_uart_fifo_on();
	fwlog(3, "TPM(id=%x, crb=%x, ctrl=%x, buf=%x, buf_size=%x, den0138=1.0, "
	      "channel=secure-uart, fault=%s, slow_ms=%u)", (u64)TPM_ID,
	      cfg.tpm_crb, crb(CRB_CTRL_REQ), crb(CRB_BUF), (u64)CRB_BUF_SIZE,
	      cfg.fault_name, (u64)(cfg.fault == FAULT_TPM_SLOW ? cfg.tpm_slow_ms : 0));
}

/*
 * One command to swtpm and its response back: the frame out on the
 * secure UART, then the 10-byte response header and the rest by its size.
 * Returns NULL or why it failed.
 */
static const char *tpm_transact(const u8 *cmd, u32 len, u8 *rsp, u32 *rsp_len)
{
	u64 deadline;
	u32 n, size, stale;
	int c;

	stale = secure_uart_drain();
	if (stale)
		fwlog(3, "WARN(TPM channel: %u stale bytes dropped)", (u64)stale);
	secure_uart_frame(cmd, len);
	deadline = now_us() + TPM_RESPONSE_TIMEOUT_US;
	for (n = 0; n < 10; n++) {
		if ((c = secure_uart_getc(deadline)) < 0)
			return n ? "response header cut short" : "no response";
		rsp[n] = (u8)c;
	}
	size = get_be32(rsp + 2);
	if (size < 10 || size > CRB_BUF_SIZE)
		return "bad response size";
	for (; n < size; n++) {
		if ((c = secure_uart_getc(deadline)) < 0)
			return "response cut short";
		rsp[n] = (u8)c;
	}
	*rsp_len = size;
	return NULL;
}

static const char *status_name(u32 st)
{
	switch (st) {
	case CRB_FFA_OK: return "CRB_FFA_OK";
	case CRB_FFA_OK_RESULTS_RETURNED: return "CRB_FFA_OK_RESULTS_RETURNED";
	case CRB_FFA_NOFUNC: return "CRB_FFA_NOFUNC";
	case CRB_FFA_INVARG: return "CRB_FFA_INVARG";
	case CRB_FFA_INV_CRB_CTRL_DATA: return "CRB_FFA_INV_CRB_CTRL_DATA";
	case CRB_FFA_DENIED: return "CRB_FFA_DENIED";
	}
	return "?";
}

/* ctrl_start was set: run the command in the CRB buffer. */
static void crb_run_command(char *info, u32 info_size)
{
	u64 t0 = now_us();
	u32 size, rsp_len = 0;
	const char *err;

	for (u32 i = 0; i < 10; i++)
		cmdbuf[i] = readb(crb(CRB_BUF + i));
	size = get_be32(cmdbuf + 2);
	tpm.commands++;
	if (tpm.failed) {
		snprintf(info, info_size, ", cc=%x, size=%u, not run: TPM failed",
			 (u64)get_be32(cmdbuf + 6), (u64)size);
		return;
	}
	if (size < 10 || size > CRB_BUF_SIZE) {
		/* What a TPM answers to a size it cannot take. */
		put_be32(put_be32(put_be16(rspbuf, 0x8001), 10), 0x142);
		rsp_len = 10;
		err = NULL;
	} else {
		memcpy(cmdbuf + 10, (const void *)crb(CRB_BUF + 10), size - 10);
		err = tpm_transact(cmdbuf, size, rspbuf, &rsp_len);
	}
	if (err) {
		tpm.failed = 1;
		snprintf(info, info_size, ", cc=%x, size=%u, FAILED: %s",
			 (u64)get_be32(cmdbuf + 6), (u64)size, err);
		return;
	}
	memcpy((void *)crb(CRB_BUF), rspbuf, rsp_len);
	snprintf(info, info_size, ", cc=%x, size=%u, rc=%x, rsp=%u, us=%u",
		 (u64)get_be32(cmdbuf + 6), (u64)size, (u64)get_be32(rspbuf + 6),
		 (u64)rsp_len, now_us() - t0);
}

/* TPM_START, locality request: loc_ctrl requestAccess or relinquish. */
static u32 start_locality(u32 loc)
{
	u32 ctl = readl(crb(CRB_LOC_CTRL)), st = CRB_FFA_OK;

	writel(0, crb(CRB_LOC_CTRL));		/* write-only in the PTP */
	if ((ctl & (LOC_CTRL_REQUEST | LOC_CTRL_RELINQUISH)) ==
	    (LOC_CTRL_REQUEST | LOC_CTRL_RELINQUISH))
		st = CRB_FFA_INV_CRB_CTRL_DATA;
	else if (ctl & LOC_CTRL_RELINQUISH)
		tpm.assigned = 0;
	else if (ctl & LOC_CTRL_REQUEST)
		tpm.assigned = 1;
	crb_publish();
	fwlog(3, "TPM_START(locality, loc=%u, loc_ctrl=%x) -> %s loc_state=%x",
	      (u64)loc, (u64)ctl, status_name(st), (u64)loc_state());
	return st;
}

/* TPM_START, command: ctrl_req cmdReady/goIdle, ctrl_start, ctrl_cancel. */
static u32 start_command(u32 loc)
{
	u32 req = readl(crb(CRB_CTRL_REQ)), start = readl(crb(CRB_CTRL_START));
	u32 cancel = readl(crb(CRB_CTRL_CANCEL)), st = CRB_FFA_OK;
	char info[96] = "";

	if (!tpm.assigned) {
		st = CRB_FFA_INV_CRB_CTRL_DATA;	/* locality 0 not ours */
		snprintf(info, sizeof(info), ", locality not assigned");
	} else if ((req & (CTRL_REQ_CMD_READY | CTRL_REQ_GO_IDLE)) ==
		   (CTRL_REQ_CMD_READY | CTRL_REQ_GO_IDLE)) {
		st = CRB_FFA_INV_CRB_CTRL_DATA;
		writel(0, crb(CRB_CTRL_REQ));
	} else {
		if (req & CTRL_REQ_CMD_READY)
			tpm.idle = 0;
		if (req & CTRL_REQ_GO_IDLE)
			tpm.idle = 1;
		writel(0, crb(CRB_CTRL_REQ));	/* request done: bits clear */
		if (start & CTRL_START_INVOKE) {
			if (tpm.idle) {
				st = CRB_FFA_INV_CRB_CTRL_DATA;
				snprintf(info, sizeof(info), ", start while idle");
			} else {
				crb_run_command(info, sizeof(info));
			}
			writel(0, crb(CRB_CTRL_START));	/* done: response ready */
		}
		/* cancel: commands run to completion inside TPM_START */
	}
	crb_publish();
	fwlog(3, "TPM_START(command, loc=%u, ctrl_req=%x, start=%x, cancel=%x%s)"
	      " -> %s ctrl_sts=%x", (u64)loc, (u64)req, (u64)start, (u64)cancel,
	      info, status_name(st), (u64)ctrl_sts());
	return st;
}

static u32 tpm_start(u32 qualifier, u32 loc)
{
	if (qualifier > START_LOCALITY || loc > 4) {
		fwlog(3, "TPM_START(qualifier=%x, loc=%u) -> CRB_FFA_INVARG",
		      (u64)qualifier, (u64)loc);
		return CRB_FFA_INVARG;
	}
	if (cfg.fault == FAULT_TPM_ERROR || loc) {
		/* tpm-error: the service refuses every TPM_START. */
		fwlog(3, "TPM_START(%s, loc=%u) -> CRB_FFA_DENIED%s",
		      qualifier ? "locality" : "command", (u64)loc,
		      loc ? " (locality 0 only)" : " (fault tpm-error)");
		return CRB_FFA_DENIED;
	}
	return qualifier == START_LOCALITY ? start_locality(loc) :
					     start_command(loc);
}

/*
 * FFA_MSG_SEND_DIRECT_REQ{,64} to TPM_ID, validated by ffa.c: w4 = DEN0138
 * function, w5/w6 its arguments; the answer is a DIRECT_RESP of the same
 * width with w4 = status (and w5 = version for GET_INTERFACE_VERSION).
 */
void tpm_direct_req(u32 fid, struct regs *r)
{
	u32 src = (u32)r->x[1] >> 16, func = (u32)r->x[4], st;
	u64 x5 = 0;

	if (!busy_trylock()) {		/* one execution context: busy */
		for (int i = 0; i < 8; i++)
			r->x[i] = 0;
		r->x[0] = FFA_ERROR;
		r->x[2] = (u64)FFA_RET_BUSY;
		return;
	}
	switch (func) {
	case CRB_FFA_GET_INTERFACE_VERSION:
		st = CRB_FFA_OK_RESULTS_RETURNED;
		x5 = CRB_FFA_VERSION;
		fwlog(3, "TPM_GET_INTERFACE_VERSION() -> %s version=%x",
		      status_name(st), x5);
		break;
	case CRB_FFA_START:
		if (cfg.fault == FAULT_TPM_SLOW)
			udelay((u64)cfg.tpm_slow_ms * 1000);
		st = tpm_start((u32)r->x[5], (u32)r->x[6]);
		break;
	default:
		st = CRB_FFA_NOFUNC;
		fwlog(3, "TPM_FUNC(%x) -> CRB_FFA_NOFUNC", (u64)func);
		break;
	}
	r->x[0] = fid == FFA_DIRECT_REQ64 ? FFA_DIRECT_RESP64 : FFA_DIRECT_RESP;
	r->x[1] = ((u64)TPM_ID << 16) | src;
	r->x[2] = 0;
	r->x[3] = 0;
	r->x[4] = st;
	r->x[5] = x5;
	r->x[6] = 0;
	r->x[7] = 0;
	busy_unlock();
}

/*
 * Measured boot: PCR 0 (SHA-256 bank) extended with the SHA-256 of the
 * normal-world payload at KERNEL_ADDR, before the normal world runs. Its
 * size: opt/conduit/payload-size (boot.sh passes the file's size), else
 * the Image header's image_size (offset 16) if non-zero.
 */
void tpm_measure_payload(void)
{
	struct sha256 c;
	u8 digest[32], *p = cmdbuf;
	char hex[65];
	const char *err = NULL, *from = "fw_cfg";
	u64 size = cfg.payload_size, t0, hash_us;
	u32 rsp_len = 0, rc = 0;

	if (!size) {
		size = (u64)readl(KERNEL_ADDR + 16) |
		       (u64)readl(KERNEL_ADDR + 20) << 32;
		from = "image_size";
	}
	if (!size || size > DTB_ADDR - KERNEL_ADDR) {
		fwlog(3, "PCR_EXTEND(pcr=0, size=%x, size_from=%s) -> FAILED(no usable payload size)",
		      size, from);
		goto fail;
	}

	t0 = now_us();
	sha256_init(&c);
	sha256_update(&c, (const void *)KERNEL_ADDR, size);
	sha256_final(&c, digest);
	hash_us = now_us() - t0;
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = "0123456789abcdef"[digest[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[digest[i] & 15];
	}
	hex[64] = 0;

	/* TPM2_PCR_Extend(PCR 0), password session TPM_RS_PW, empty auth */
	p = put_be16(p, 0x8002);		/* TPM_ST_SESSIONS */
	p = put_be32(p, 0);			/* size, below */
	p = put_be32(p, 0x00000182);		/* TPM_CC_PCR_Extend */
	p = put_be32(p, 0);			/* pcrHandle: PCR 0 */
	p = put_be32(p, 9);			/* authorizationSize */
	p = put_be32(p, 0x40000009);		/* TPM_RS_PW */
	p = put_be16(p, 0);			/* nonceCaller: empty */
	*p++ = 0;				/* sessionAttributes */
	p = put_be16(p, 0);			/* hmac: empty password */
	p = put_be32(p, 1);			/* TPML_DIGEST_VALUES.count */
	p = put_be16(p, 0x000b);		/* TPM_ALG_SHA256 */
	memcpy(p, digest, 32);
	p += 32;
	put_be32(cmdbuf + 2, (u32)(p - cmdbuf));

	t0 = now_us();
	err = tpm_transact(cmdbuf, (u32)(p - cmdbuf), rspbuf, &rsp_len);
	if (!err) {
		rc = get_be32(rspbuf + 6);
		if (rc)
			err = "TPM error";
	}
	if (!err) {
		fwlog(3, "PCR_EXTEND(pcr=0, sha256=%s, addr=%x, size=%u, size_from=%s, "
		      "hash_us=%u, tpm_us=%u) -> SUCCESS", hex, (u64)KERNEL_ADDR, size,
		      from, hash_us, now_us() - t0);
		return;
	}
	fwlog(3, "PCR_EXTEND(pcr=0, sha256=%s, addr=%x, size=%u, size_from=%s) -> "
	      "FAILED(%s, rc=%x)", hex, (u64)KERNEL_ADDR, size, from, err, (u64)rc);
fail:
	/* Not ignored: the normal world gets a TPM in its fatal error state. */
	fwlog(3, "WARN(TPM: measured boot failed, ctrl_sts.tpmSts set: the TPM is unusable)");
	tpm.failed = 1;
	crb_publish();
}
