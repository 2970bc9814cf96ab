// SPDX-License-Identifier: GPL-2.0
/*
 * conduit-acpi.efi: make QEMU's ACPI tables fit a boot through the conduit
 * test firmware, then add tables of our own, before the Shell starts Linux.
 *
 *   conduit-acpi.efi [-v NAME SSDT.aml ...] [TABLE.aml ...]
 *
 * 1. Finds the RSDP through the ACPI 2.0 configuration table, then the
 *    XSDT and the FADT.
 * 2. Installs each TABLE.aml (a path on the volume the application was
 *    loaded from) through EFI_ACPI_TABLE_PROTOCOL: checks its header
 *    (length = file size, checksum) first, and refuses a second table of a
 *    signature that is already there (SSDTs excepted).
 *    -v NAME SSDT.aml does not install SSDT.aml: it checks it the same way
 *    (and that it is an SSDT), stores it in the volatile variable NAME of
 *    our vendor GUID (boot services and runtime access), for Linux's
 *    efivar_ssdt=NAME (at most 15 characters there), and reads it back.
 * 3. Sets bit 0 (PSCI compliant) and clears bit 1 (PSCI_USE_HVC, so SMC) of
 *    the FADT's ARM boot architecture flags and corrects its checksum. With
 *    secure=on and -bios QEMU provides no PSCI itself and its FADT says "no
 *    PSCI"; the test firmware at EL3 does provide PSCI, through SMC.
 * 4. Walks the XSDT again and checks every table it touched is there with a
 *    valid checksum, and that no table stored with -v is in it.
 *
 * Every step prints one line starting with "conduit-acpi: "; a failure
 * prints "conduit-acpi: FAILED: <why>" and returns an error status, which
 * startup.nsh checks (%lasterror%) before it starts the kernel.
 *
 * Built against gnu-efi (crt0, libefi, libgnuefi); see uefi.mk.
 */
#include <efi.h>
#include <efilib.h>

#define TAG L"conduit-acpi: "
#define FAIL(st, fmt, ...) do {						\
		Print(TAG L"FAILED: " fmt L"\n", ##__VA_ARGS__);	\
		return (st);						\
	} while (0)

#define MAX_TABLES 16
#define MAX_VARS 4

struct acpi_rsdp {
	CHAR8 signature[8];
	UINT8 checksum;
	CHAR8 oem_id[6];
	UINT8 revision;
	UINT32 rsdt_address;
	UINT32 length;
	UINT64 xsdt_address;
	UINT8 extended_checksum;
	UINT8 reserved[3];
} __attribute__((packed));

struct acpi_header {
	CHAR8 signature[4];
	UINT32 length;
	UINT8 revision;
	UINT8 checksum;
	CHAR8 oem_id[6];
	CHAR8 oem_table_id[8];
	UINT32 oem_revision;
	CHAR8 creator_id[4];
	UINT32 creator_revision;
} __attribute__((packed));

/* FADT (ACPI 6.x, 5.2.9): ARM boot architecture flags, FADT minor version */
#define FADT_ARM_BOOT_ARCH	129
#define FADT_MINOR_REVISION	131
#define ARM_PSCI_COMPLIANT	(1 << 0)
#define ARM_PSCI_USE_HVC	(1 << 1)

/* TPM2 (TCG ACPI specification): fields after the header */
#define TPM2_CONTROL_ADDRESS	40
#define TPM2_START_METHOD	48
#define TPM2_MIN_LENGTH		52

/* EFI_ACPI_TABLE_PROTOCOL (UEFI 2.x, 20.2): not in gnu-efi's headers */
struct acpi_table_protocol {
	EFI_STATUS (EFIAPI *install)(struct acpi_table_protocol *this,
				     VOID *table, UINTN size, UINTN *key);
	EFI_STATUS (EFIAPI *uninstall)(struct acpi_table_protocol *this,
				       UINTN key);
};

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
/* The vendor GUID of the variables -v sets: ca69d875-6e60-4678-b5c4-01acd08ba004 */
static EFI_GUID conduit_var_guid = {
	0xca69d875, 0x6e60, 0x4678,
	{ 0xb5, 0xc4, 0x01, 0xac, 0xd0, 0x8b, 0xa0, 0x04 }
};
/* Volatile: gone at the next reset, as a test boot wants it. */
#define VAR_ATTRS	(EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS)
static EFI_GUID acpi_table_protocol_guid = {
	0xffe06bdd, 0x6107, 0x46a6,
	{ 0x7b, 0xb2, 0x5a, 0x9c, 0x7e, 0xc5, 0x27, 0x5c }
};

static UINT8 sum8(const VOID *p, UINTN len)
{
	const UINT8 *b = p;
	UINT8 s = 0;

	while (len--)
		s += *b++;
	return s;
}

/* A table signature as a printable, NUL-terminated ASCII string. */
static CHAR8 *sig_str(const CHAR8 *sig, CHAR8 out[5])
{
	int i;

	for (i = 0; i < 4; i++)
		out[i] = (sig[i] >= 0x20 && sig[i] < 0x7f) ? sig[i] : '?';
	out[4] = 0;
	return out;
}

static BOOLEAN sig_is(const struct acpi_header *h, const char *sig)
{
	return CompareMem(h->signature, sig, 4) == 0;
}

static EFI_STATUS find_rsdp(struct acpi_rsdp **out)
{
	struct acpi_rsdp *rsdp = NULL;
	UINTN i;

	for (i = 0; i < ST->NumberOfTableEntries; i++) {
		if (!CompareGuid(&ST->ConfigurationTable[i].VendorGuid, &acpi20_guid)) {
			rsdp = ST->ConfigurationTable[i].VendorTable;
			break;
		}
	}
	if (!rsdp)
		FAIL(EFI_NOT_FOUND, L"no ACPI 2.0 configuration table (the firmware installed no ACPI tables)");
	if (CompareMem(rsdp->signature, "RSD PTR ", 8))
		FAIL(EFI_COMPROMISED_DATA, L"no RSDP signature at 0x%lx", (UINT64)(UINTN)rsdp);
	if (rsdp->revision < 2 || rsdp->length < sizeof(*rsdp))
		FAIL(EFI_UNSUPPORTED, L"RSDP revision %d length %d: no XSDT", rsdp->revision, rsdp->length);
	if (sum8(rsdp, 20) || sum8(rsdp, rsdp->length))
		FAIL(EFI_CRC_ERROR, L"RSDP at 0x%lx has a bad checksum", (UINT64)(UINTN)rsdp);
	if (!rsdp->xsdt_address)
		FAIL(EFI_NOT_FOUND, L"RSDP at 0x%lx has no XSDT address", (UINT64)(UINTN)rsdp);
	*out = rsdp;
	return EFI_SUCCESS;
}

static EFI_STATUS get_xsdt(struct acpi_rsdp *rsdp, struct acpi_header **out, UINTN *entries)
{
	struct acpi_header *xsdt = (struct acpi_header *)(UINTN)rsdp->xsdt_address;

	if (!sig_is(xsdt, "XSDT") || xsdt->length < sizeof(*xsdt))
		FAIL(EFI_COMPROMISED_DATA, L"no XSDT at 0x%lx", rsdp->xsdt_address);
	if (sum8(xsdt, xsdt->length))
		FAIL(EFI_CRC_ERROR, L"XSDT at 0x%lx has a bad checksum", rsdp->xsdt_address);
	*out = xsdt;
	*entries = (xsdt->length - sizeof(*xsdt)) / sizeof(UINT64);
	return EFI_SUCCESS;
}

static struct acpi_header *xsdt_entry(struct acpi_header *xsdt, UINTN i)
{
	UINT64 addr;

	/* The 64-bit entries start at offset 36: not naturally aligned. */
	CopyMem(&addr, (UINT8 *)xsdt + sizeof(*xsdt) + i * sizeof(addr), sizeof(addr));
	return (struct acpi_header *)(UINTN)addr;
}

/* The first table with this signature in the XSDT, or NULL. */
static struct acpi_header *find_table(struct acpi_header *xsdt, UINTN entries, const CHAR8 *sig)
{
	struct acpi_header *h;
	UINTN i;

	for (i = 0; i < entries; i++) {
		h = xsdt_entry(xsdt, i);
		if (h && !CompareMem(h->signature, sig, 4))
			return h;
	}
	return NULL;
}

static EFI_STATUS locate(struct acpi_header **xsdt, UINTN *entries, struct acpi_header **fadt)
{
	struct acpi_rsdp *rsdp;
	EFI_STATUS st;

	st = find_rsdp(&rsdp);
	if (EFI_ERROR(st))
		return st;
	st = get_xsdt(rsdp, xsdt, entries);
	if (EFI_ERROR(st))
		return st;
	*fadt = find_table(*xsdt, *entries, (const CHAR8 *)"FACP");
	if (!*fadt)
		FAIL(EFI_NOT_FOUND, L"no FADT (FACP) among the %ld XSDT entries", (UINT64)*entries);
	if ((*fadt)->length < FADT_MINOR_REVISION + 1)
		FAIL(EFI_UNSUPPORTED, L"FADT is %d bytes: too short for ARM boot flags (needs ACPI 5.1+)",
		     (*fadt)->length);
	return EFI_SUCCESS;
}

/* Read PATH from the volume the application was loaded from. */
static EFI_STATUS read_file(EFI_HANDLE image, CHAR16 *path, VOID **buf, UINTN *size)
{
	EFI_LOADED_IMAGE *li;
	EFI_FILE_HANDLE root, file;
	EFI_FILE_INFO *info;
	EFI_STATUS st;
	UINTN n;

	st = uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (VOID **)&li);
	if (EFI_ERROR(st))
		FAIL(st, L"no loaded image protocol: %r", st);
	root = LibOpenRoot(li->DeviceHandle);
	if (!root)
		FAIL(EFI_NOT_FOUND, L"cannot open the volume this application was loaded from");
	st = uefi_call_wrapper(root->Open, 5, root, &file, path, EFI_FILE_MODE_READ, 0);
	uefi_call_wrapper(root->Close, 1, root);
	if (EFI_ERROR(st))
		FAIL(st, L"cannot open %s: %r", path, st);
	info = LibFileInfo(file);
	if (!info) {
		uefi_call_wrapper(file->Close, 1, file);
		FAIL(EFI_DEVICE_ERROR, L"cannot stat %s", path);
	}
	n = info->FileSize;
	FreePool(info);
	*buf = AllocatePool(n ? n : 1);
	if (!*buf) {
		uefi_call_wrapper(file->Close, 1, file);
		FAIL(EFI_OUT_OF_RESOURCES, L"no memory for %s (%ld bytes)", path, (UINT64)n);
	}
	*size = n;
	st = uefi_call_wrapper(file->Read, 3, file, &n, *buf);
	uefi_call_wrapper(file->Close, 1, file);
	if (EFI_ERROR(st) || n != *size) {
		FreePool(*buf);
		FAIL(EFI_ERROR(st) ? st : EFI_END_OF_FILE, L"reading %s: %r (%ld of %ld bytes)",
		     path, st, (UINT64)n, (UINT64)*size);
	}
	return EFI_SUCCESS;
}

/*
 * Read the ACPI table in PATH and check its header: length = file size,
 * checksum. On success *buf holds the table (FreePool() it) and sig its
 * signature.
 */
static EFI_STATUS read_table(EFI_HANDLE image, CHAR16 *path, VOID **buf, UINTN *size,
			     CHAR8 sig[5])
{
	struct acpi_header *h;
	EFI_STATUS st;

	st = read_file(image, path, buf, size);
	if (EFI_ERROR(st))
		return st;
	h = *buf;
	if (*size < sizeof(*h) || h->length != *size) {
		Print(TAG L"FAILED: %s: %ld bytes, header says %d: not an ACPI table\n",
		      path, (UINT64)*size, *size < sizeof(*h) ? 0 : h->length);
		FreePool(*buf);
		return EFI_COMPROMISED_DATA;
	}
	sig_str(h->signature, sig);
	if (sum8(h, *size)) {
		Print(TAG L"FAILED: %s: %a table with a bad checksum\n", path, sig);
		FreePool(*buf);
		return EFI_CRC_ERROR;
	}
	return EFI_SUCCESS;
}

static EFI_STATUS install_table(EFI_HANDLE image, struct acpi_table_protocol *proto,
				struct acpi_header *xsdt, UINTN entries, CHAR16 *path,
				CHAR8 sig[5])
{
	struct acpi_header *h;
	EFI_STATUS st;
	UINTN size, key;
	VOID *buf;
	CHAR8 s[5];

	st = read_table(image, path, &buf, &size, sig);
	if (EFI_ERROR(st))
		return st;
	h = buf;
	if (!sig_is(h, "SSDT") && find_table(xsdt, entries, h->signature)) {
		st = EFI_ALREADY_STARTED;
		Print(TAG L"FAILED: %s: the firmware already has a %a table\n", path, sig);
		goto out;
	}
	if (sig_is(h, "TPM2")) {
		UINT64 ctrl;
		UINT32 sm;

		if (size < TPM2_MIN_LENGTH) {
			st = EFI_COMPROMISED_DATA;
			Print(TAG L"FAILED: %s: TPM2 table of %ld bytes (needs %d)\n",
			      path, (UINT64)size, TPM2_MIN_LENGTH);
			goto out;
		}
		CopyMem(&ctrl, (UINT8 *)h + TPM2_CONTROL_ADDRESS, sizeof(ctrl));
		CopyMem(&sm, (UINT8 *)h + TPM2_START_METHOD, sizeof(sm));
		Print(TAG L"%s: TPM2 rev %d, %ld bytes, start method %d, control area 0x%lx\n",
		      path, h->revision, (UINT64)size, sm, ctrl);
	} else {
		Print(TAG L"%s: %a rev %d, %ld bytes, OEM table id '%a'\n", path, sig,
		      h->revision, (UINT64)size,
		      sig_str(h->oem_table_id, s));
	}
	st = uefi_call_wrapper(proto->install, 4, proto, buf, size, &key);
	if (EFI_ERROR(st)) {
		Print(TAG L"FAILED: installing %s (%a): %r\n", path, sig, st);
		goto out;
	}
	Print(TAG L"installed %a from %s (table key %ld)\n", sig, path, (UINT64)key);
out:
	FreePool(buf);	/* the protocol installed a copy */
	return st;
}

/*
 * -v NAME PATH: store the SSDT in PATH in the variable NAME, and read it
 * back as the kernel will, through GetVariable(). The table is not
 * installed; its OEM table ID goes to id, for the final check that it is
 * not in the XSDT.
 */
static EFI_STATUS set_var_table(EFI_HANDLE image, CHAR16 *name, CHAR16 *path, CHAR8 id[9])
{
	UINTN size, got = 0;
	VOID *buf, *back = NULL;
	EFI_STATUS st;
	UINT32 attrs;
	CHAR8 sig[5];

	st = read_table(image, path, &buf, &size, sig);
	if (EFI_ERROR(st))
		return st;
	CopyMem(id, ((struct acpi_header *)buf)->oem_table_id, 8);
	id[8] = 0;
	if (!sig_is(buf, "SSDT")) {
		st = EFI_UNSUPPORTED;
		Print(TAG L"FAILED: %s: %a table: -v stores SSDTs only\n", path, sig);
		goto out;
	}
	st = uefi_call_wrapper(RT->SetVariable, 5, name, &conduit_var_guid, VAR_ATTRS,
			       size, buf);
	if (EFI_ERROR(st)) {
		Print(TAG L"FAILED: setting variable %s-%g from %s: %r\n", name,
		      &conduit_var_guid, path, st);
		goto out;
	}
	st = uefi_call_wrapper(RT->GetVariable, 5, name, &conduit_var_guid, &attrs, &got, NULL);
	if (st != EFI_BUFFER_TOO_SMALL || got != size) {
		Print(TAG L"FAILED: variable %s-%g: size query %r, %ld bytes (stored %ld)\n",
		      name, &conduit_var_guid, st, (UINT64)got, (UINT64)size);
		st = EFI_ERROR(st) && st != EFI_BUFFER_TOO_SMALL ? st : EFI_VOLUME_CORRUPTED;
		goto out;
	}
	back = AllocatePool(got);
	if (!back) {
		st = EFI_OUT_OF_RESOURCES;
		Print(TAG L"FAILED: no memory to read back %s (%ld bytes)\n", name, (UINT64)got);
		goto out;
	}
	st = uefi_call_wrapper(RT->GetVariable, 5, name, &conduit_var_guid, &attrs, &got, back);
	if (EFI_ERROR(st) || got != size || attrs != VAR_ATTRS || CompareMem(back, buf, size)) {
		Print(TAG L"FAILED: variable %s-%g read back: %r, %ld bytes, attributes 0x%x%a\n",
		      name, &conduit_var_guid, st, (UINT64)got, attrs,
		      !EFI_ERROR(st) && got == size && CompareMem(back, buf, size) ?
		      ", other contents" : "");
		st = EFI_ERROR(st) ? st : EFI_VOLUME_CORRUPTED;
		goto out;
	}
	Print(TAG L"%s: SSDT rev %d, %ld bytes, OEM table id '%a': stored in variable %s-%g "
	      L"(attributes 0x%x: volatile, boot services and runtime), read back, not installed\n",
	      path, ((struct acpi_header *)buf)->revision, (UINT64)size, id, name,
	      &conduit_var_guid, attrs);
out:
	if (back)
		FreePool(back);
	FreePool(buf);	/* SetVariable() keeps a copy */
	return st;
}

static EFI_STATUS fix_fadt(struct acpi_header *fadt)
{
	UINT8 *f = (UINT8 *)fadt;
	UINT16 old, new;

	old = f[FADT_ARM_BOOT_ARCH] | f[FADT_ARM_BOOT_ARCH + 1] << 8;
	new = (old | ARM_PSCI_COMPLIANT) & ~ARM_PSCI_USE_HVC;
	f[FADT_ARM_BOOT_ARCH] = new & 0xff;
	f[FADT_ARM_BOOT_ARCH + 1] = new >> 8;
	fadt->checksum = 0;
	fadt->checksum = (UINT8)(0x100 - sum8(fadt, fadt->length));
	if (sum8(fadt, fadt->length))
		FAIL(EFI_CRC_ERROR, L"FADT checksum still wrong after the fix (read-only table?)");
	if ((f[FADT_ARM_BOOT_ARCH] | f[FADT_ARM_BOOT_ARCH + 1] << 8) != new)
		FAIL(EFI_WRITE_PROTECTED, L"FADT ARM boot flags did not take the new value 0x%x", new);
	Print(TAG L"FADT ARM boot flags 0x%x -> 0x%x (PSCI compliant, SMC conduit), checksum 0x%x\n",
	      old, new, fadt->checksum);
	return EFI_SUCCESS;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	struct acpi_table_protocol *proto = NULL;
	struct acpi_header *xsdt, *fadt, *h;
	CHAR8 sigs[MAX_TABLES][5], s[5], id[9], var_ids[MAX_VARS][9];
	CHAR16 **argv, *tables[MAX_TABLES], *var_names[MAX_VARS], *var_paths[MAX_VARS];
	EFI_STATUS st;
	UINTN entries, i, j, n = 0, nvars = 0;
	INTN argc, a;

	InitializeLib(image, systab);
	argc = GetShellArgcArgv(image, &argv);
	for (a = 1; a < argc; a++) {
		if (!StrCmp(argv[a], L"-v")) {
			if (a + 2 >= argc)
				FAIL(EFI_INVALID_PARAMETER, L"-v wants a variable name and a file");
			if (nvars == MAX_VARS)
				FAIL(EFI_INVALID_PARAMETER, L"more than %d -v options", MAX_VARS);
			var_names[nvars] = argv[a + 1];
			var_paths[nvars++] = argv[a + 2];
			a += 2;
			continue;
		}
		if (n == MAX_TABLES)
			FAIL(EFI_INVALID_PARAMETER, L"more than %d tables given", MAX_TABLES);
		tables[n++] = argv[a];
	}

	st = locate(&xsdt, &entries, &fadt);
	if (EFI_ERROR(st))
		return st;
	CopyMem(id, fadt->oem_table_id, 8);
	id[8] = 0;
	Print(TAG L"XSDT at 0x%lx, %ld tables; FADT at 0x%lx, rev %d.%d, %d bytes, OEM '%a'\n",
	      (UINT64)(UINTN)xsdt, (UINT64)entries, (UINT64)(UINTN)fadt, fadt->revision,
	      ((UINT8 *)fadt)[FADT_MINOR_REVISION], fadt->length, id);

	if (n) {
		st = LibLocateProtocol(&acpi_table_protocol_guid, (VOID **)&proto);
		if (EFI_ERROR(st) || !proto)
			FAIL(EFI_ERROR(st) ? st : EFI_NOT_FOUND, L"no EFI_ACPI_TABLE_PROTOCOL: %r", st);
	}
	for (i = 0; i < n; i++) {
		st = install_table(image, proto, xsdt, entries, tables[i], sigs[i]);
		if (EFI_ERROR(st))
			return st;
		/* Installing may have replaced the XSDT. */
		st = locate(&xsdt, &entries, &fadt);
		if (EFI_ERROR(st))
			return st;
	}
	for (i = 0; i < nvars; i++) {
		st = set_var_table(image, var_names[i], var_paths[i], var_ids[i]);
		if (EFI_ERROR(st))
			return st;
	}

	st = fix_fadt(fadt);
	if (EFI_ERROR(st))
		return st;

	/* Check the result as Linux will see it. */
	st = locate(&xsdt, &entries, &fadt);
	if (EFI_ERROR(st))
		return st;
	for (i = 0; i < entries; i++) {
		h = xsdt_entry(xsdt, i);
		if (h && sum8(h, h->length))
			FAIL(EFI_CRC_ERROR, L"%a at 0x%lx has a bad checksum", sig_str(h->signature, s),
			     (UINT64)(UINTN)h);
	}
	if (!(((UINT8 *)fadt)[FADT_ARM_BOOT_ARCH] & ARM_PSCI_COMPLIANT) ||
	    (((UINT8 *)fadt)[FADT_ARM_BOOT_ARCH] & ARM_PSCI_USE_HVC))
		FAIL(EFI_COMPROMISED_DATA, L"the FADT Linux will find does not say PSCI over SMC");
	for (i = 0; i < n; i++)
		if (!find_table(xsdt, entries, sigs[i]))
			FAIL(EFI_NOT_FOUND, L"%a is not in the XSDT after installing it", sigs[i]);
	/* A table stored with -v must reach Linux through its variable only. */
	for (i = 0; i < entries; i++) {
		h = xsdt_entry(xsdt, i);
		for (j = 0; h && sig_is(h, "SSDT") && j < nvars; j++)
			if (!CompareMem(h->oem_table_id, var_ids[j], 8))
				FAIL(EFI_ALREADY_STARTED, L"an SSDT '%a' is in the XSDT: the one in %s "
				     L"would not be told apart", var_ids[j], var_names[j]);
	}
	Print(TAG L"OK: %ld XSDT tables, all checksums valid, FADT says PSCI over SMC%a\n",
	      (UINT64)entries, nvars ? ", no variable's SSDT among them" : "");
	return EFI_SUCCESS;
}
