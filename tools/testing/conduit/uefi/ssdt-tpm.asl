/*
 * SPDX-License-Identifier: GPL-2.0
 *
 * The TPM device for tpm2.asl's table: a TCG CRB TPM 2.0 (MSFT0101) whose
 * one memory resource holds the locality registers (at its start), the CRB
 * control area (+0x40, the TPM2 table's control address) and the command
 * and response buffer. 0x7FF00000-0x7FF03FFF is inside the top 1 MiB of
 * RAM that mkdtb.sh -t leaves out of the DTB's memory node (with -m 1G),
 * so neither UEFI nor Linux use it as memory. The test firmware's TPM
 * service partition emulates the area (fw_cfg opt/conduit/tpm =
 * crb@0x7ff00000). Installed by conduit-acpi.efi.
 */
DefinitionBlock ("ssdt-tpm.aml", "SSDT", 2, "CONDUT", "TPM0FFA", 0x00000001)
{
    Scope (\_SB)
    {
        Device (TPM0)
        {
            Name (_HID, "MSFT0101")
            Name (_UID, Zero)
            Name (_STR, Unicode ("TPM 2.0 CRB over FF-A"))
            Method (_STA, 0, NotSerialized)
            {
                Return (0x0F)
            }
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, 0x7FF00000, 0x00004000)
            })
        }
    }
}
