/*
 * SPDX-License-Identifier: GPL-2.0
 *
 * TPM2 table for a TPM behind FF-A: a CRB interface whose start method is
 * an FF-A direct message to the TPM service partition (TCG ACPI
 * specification, start method 15; Arm DEN0138 "TPM Service CRB over
 * FF-A"). Layout as Linux 7.3 reads it: struct acpi_table_tpm2
 * (include/acpi/actbl3.h), then struct tpm2_crb_ffa
 * (drivers/char/tpm/tpm_crb.c), then the log area fields of struct
 * acpi_tpm2_phy. Installed by conduit-acpi.efi; the matching device
 * (MSFT0101, _CRS 0x7FF00000 + 0x4000) is in ssdt-tpm.asl. README.md lists
 * the conditions tpm_crb checks.
 *
 * Compiled with "iasl -G" (generic data table): the iasl of Debian
 * bookworm (20200925) refuses the TPM2 template with start method 15
 * ("Unknown TPM2 Start Method type 0xF"), so the fields after the header
 * are given by type, in order.
 */
[0004]                          Signature : "TPM2"
[0004]                       Table Length : 00000000
[0001]                           Revision : 04
[0001]                           Checksum : 00
[0006]                             Oem ID : "CONDUT"
[0008]                       Oem Table ID : "TPMFFA  "
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 00000000

/* u16 platform_class: 0, client */
                                   UINT16 : 0000
/* u16 reserved */
                                   UINT16 : 0000
/* u64 control_address: the CRB control area, _CRS start + 0x40 (after the
 * locality registers, struct crb_regs_head) */
                                   UINT64 : 000000007FF00040
/* u32 start_method: 15, ACPI_TPM2_CRB_WITH_ARM_FFA */
                                   UINT32 : 0000000F
/* struct tpm2_crb_ffa, 12 bytes: u8 flags, u8 attributes (0: none of the
 * optional features; 7.3 stores both and uses neither) */
                                    UINT8 : 00
                                    UINT8 : 00
/* u16 partition_id: FF-A ID of the TPM service partition */
                                   UINT16 : 8002
/* u8 reserved[8] */
                                   UINT64 : 0000000000000000
/* u32 log_area_minimum_length, u64 log_area_start_address: no event log
 * (tpm_read_log_acpi() returns -ENODEV for 0) */
                                   UINT32 : 00000000
                                   UINT64 : 0000000000000000
