# SPDX-License-Identifier: GPL-2.0
# Included by the top-level Makefile.
#
#   make uefi    UEFI for the ACPI boots, into build/uefi/:
#                ArmVirtQemuKernel.fd  EDK2 from Debian bookworm's edk2
#                                      source package (uefi/build.sh; cached
#                                      outside the clone, keyed by its inputs)
#                conduit-acpi.efi      our application (gnu-efi, trixie)
#                tpm2.aml ssdt-tpm.aml the TPM2 table and the SSDT (iasl)
#                efivar/ssdt-efivar.aml an SSDT for an EFI variable, not a
#                                      table to install: kept out of the
#                                      *.aml that mkfat.sh installs
#   make uefi-boot   one ACPI boot through the test SPMC and UEFI
#                UEFI_KERNEL=Image (default: the patched kernel)
#                UEFI_APPEND="..." (added to console=ttyAMA0)
#                UEFI_VIRT=on|off, UEFI_FAULT=none, UEFI_TIMEOUT=120
#
# See tools/testing/conduit/uefi/README.md.

UEFI_SRC := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))/uefi
UEFI_OUT := $(BUILD)/uefi
GNU_EFI  := $(BUILD)/debian/gnu-efi-arm64/root/usr
UEFI_CROSS := aarch64-linux-gnu-
UEFI_CFLAGS := -O2 -Wall -Wextra -Werror -ffreestanding -fpic -fshort-wchar \
	-fno-stack-protector -fno-strict-aliasing -fno-merge-all-constants \
	-mgeneral-regs-only -I$(GNU_EFI)/include/efi -I$(GNU_EFI)/include/efi/aarch64

.PHONY: uefi uefi-firmware uefi-boot

uefi: uefi-firmware $(UEFI_OUT)/conduit-acpi.efi $(UEFI_OUT)/tpm2.aml $(UEFI_OUT)/ssdt-tpm.aml \
	$(UEFI_OUT)/efivar/ssdt-efivar.aml

uefi-firmware: deps
	@$(UEFI_SRC)/build.sh $(BUILD)

# gnu-efi 3.0.18 for arm64 (trixie), unpacked, not installed.
$(GNU_EFI)/lib/libgnuefi.a:
	@ARCH=arm64 $(T)/debian-fetch.sh binary gnu-efi $(BUILD)/debian/gnu-efi-arm64 trixie

# The application: an ELF shared object made from gnu-efi's crt0 and
# libraries, then turned into a PE/COFF EFI application by objcopy.
$(UEFI_OUT)/conduit-acpi.efi: $(UEFI_SRC)/conduit-acpi.c $(GNU_EFI)/lib/libgnuefi.a
	@mkdir -p $(UEFI_OUT)
	$(UEFI_CROSS)gcc $(UEFI_CFLAGS) -c $< -o $(UEFI_OUT)/conduit-acpi.o
	$(UEFI_CROSS)ld -nostdlib --no-undefined -shared -Bsymbolic -znocombreloc \
		--no-warn-rwx-segments -T $(GNU_EFI)/lib/elf_aarch64_efi.lds \
		$(GNU_EFI)/lib/crt0-efi-aarch64.o $(UEFI_OUT)/conduit-acpi.o \
		-L$(GNU_EFI)/lib -lefi -lgnuefi -o $(UEFI_OUT)/conduit-acpi.so
	$(UEFI_CROSS)objcopy -j .text -j .sdata -j .data -j .rodata -j .dynamic \
		-j .dynsym -j .rel -j .rela -j '.rel.*' -j '.rela.*' -j .reloc \
		--target efi-app-aarch64 --subsystem=10 $(UEFI_OUT)/conduit-acpi.so $@

# The TPM2 table is a generic data table (-G): bookworm's iasl does not
# know start method 15 (see tpm2.asl).
$(UEFI_OUT)/tpm2.aml: $(UEFI_SRC)/tpm2.asl
	@mkdir -p $(UEFI_OUT)
	@iasl -G -vs -p $(basename $@) $< >$(basename $@).log 2>&1 || { cat $(basename $@).log; exit 1; }
$(UEFI_OUT)/ssdt-tpm.aml: $(UEFI_SRC)/ssdt-tpm.asl
	@mkdir -p $(UEFI_OUT)
	@iasl -vs -p $(basename $@) $< >$(basename $@).log 2>&1 || { cat $(basename $@).log; exit 1; }
# The SSDT that conduit-acpi.efi -v stores in an EFI variable for
# efivar_ssdt= (mkfat.sh -V), in a directory of its own.
$(UEFI_OUT)/efivar/ssdt-efivar.aml: $(UEFI_SRC)/ssdt-efivar.asl
	@mkdir -p $(dir $@)
	@iasl -vs -p $(basename $@) $< >$(basename $@).log 2>&1 || { cat $(basename $@).log; exit 1; }

# An initrd for the EFI stub: the same /init as the built-in initramfs.
$(UEFI_OUT)/initrd.cpio: $(BUILD)/initramfs.list
	@mkdir -p $(UEFI_OUT)
	@gen=$$(ls $(KTREE)/out/usr/gen_init_cpio $(KSTOCK)/out/usr/gen_init_cpio 2>/dev/null | head -n1); \
	[ -n "$$gen" ] || { echo "uefi: no usr/gen_init_cpio in a kernel build: make kernel"; exit 1; }; \
	$$gen $< > $@

UEFI_KERNEL  ?= $(KTREE)/out/arch/arm64/boot/Image
UEFI_APPEND  ?= kvm-arm.mode=protected
UEFI_VIRT    ?= on
UEFI_FAULT   ?= none
UEFI_TIMEOUT ?= 120

uefi-boot: uefi firmware $(UEFI_OUT)/initrd.cpio
	@$(UEFI_SRC)/mkfat.sh -o $(UEFI_OUT)/boot.img -k $(UEFI_KERNEL) -i $(UEFI_OUT)/initrd.cpio \
		-b $(UEFI_OUT) -c "console=ttyAMA0 $(UEFI_APPEND)"
	@$(T)/firmware/boot.sh -U $(UEFI_OUT)/ArmVirtQemuKernel.fd -D $(UEFI_OUT)/boot.img -H \
		-F $(CONDUIT_FW) -V $(UEFI_VIRT) -f $(UEFI_FAULT) -s 2 -L secure \
		-l $(UEFI_OUT)/boot.fwlog -t $(UEFI_TIMEOUT)
