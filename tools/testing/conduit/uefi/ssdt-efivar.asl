/*
 * SPDX-License-Identifier: GPL-2.0
 *
 * An SSDT overlay for Linux's efivar_ssdt= (CONFIG_EFI_CUSTOM_SSDT_OVERLAYS):
 * conduit-acpi.efi -v CONDUITSSDT ssdt-efivar.aml stores it in a volatile
 * EFI variable and does not install it, so it reaches the kernel only if
 * the kernel loads it from the variable (efivar_ssdt=CONDUITSSDT). One
 * device with an ID of its own, so that its load and its enumeration are
 * told apart from anything the firmware's tables describe: ACPICA prints
 * the table header with the OEM table ID "EFIVSSDT", and the ACPI scan
 * creates the platform device CNDT0001:00. _STA says present and
 * enabled; the device has no resources and no driver binds it.
 */
DefinitionBlock ("ssdt-efivar.aml", "SSDT", 2, "CONDUT", "EFIVSSDT", 0x00000001)
{
    Scope (\_SB)
    {
        Device (EFVS)
        {
            Name (_HID, "CNDT0001")
            Name (_UID, Zero)
            Name (_STR, Unicode ("SSDT loaded from an EFI variable"))
            Method (_STA, 0, NotSerialized)
            {
                Return (0x0F)
            }
        }
    }
}
