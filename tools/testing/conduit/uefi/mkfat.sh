#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Make the FAT32 disk image for an ACPI boot through UEFI: the UEFI Shell
# runs its startup.nsh, which runs conduit-acpi.efi (fix the FADT, install
# the TPM2 table and the SSDT) and then starts the kernel's EFI stub.
#
# usage: mkfat.sh -o OUT.img -k Image [-c CMDLINE] [-i INITRD] [-b DIR]
#                 [-A "APP ARGS"] [-V NAME=SSDT.aml ...] [-n]
#
#  -k  the kernel Image (copied as \Image)
#  -c  the kernel command line (default: console=ttyAMA0)
#  -i  an initrd, copied as \initrd.cpio; the command line then gets
#      initrd=\initrd.cpio (the EFI stub loads it from this volume)
#  -b  the directory with conduit-acpi.efi and the *.aml tables (default:
#      build/uefi of this clone, where `make uefi` puts them)
#  -A  the application's arguments (default: every *.aml of -b, tpm2.aml
#      first), e.g. to test its failure path
#  -V  an SSDT for the EFI variable NAME, not a table to install: copied to
#      the volume (by its base name, which must not clash with a table's),
#      and "-v NAME <base name>" goes before the application's arguments,
#      so that conduit-acpi.efi stores it (Linux: efivar_ssdt=NAME); may be
#      given more than once
#  -n  no application: startup.nsh starts the kernel on QEMU's tables as
#      they are (no PSCI in the FADT, no TPM)
#
# Layout: \startup.nsh, \conduit-acpi.efi, \*.aml, the -V files, \Image,
# \initrd.cpio.
# startup.nsh prints "conduit-acpi: FAILED ..." and resets the machine
# (PSCI SYSTEM_RESET: the test firmware ends QEMU with status 3) when the
# application fails or the EFI stub returns, so a boot never goes on
# silently without the tables. The image is a whole-disk FAT32 volume
# (mkfs.vfat, mcopy from dosfstools and mtools; QEMU's vvfat "fat:" drive
# gave "Volume Corrupt"), big enough for its files plus 16 MiB.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out= kernel= cmdline=console=ttyAMA0 initrd= dir=$here/../../../../build/uefi
appargs= noapp= vars= varargs=
while getopts o:k:c:i:b:A:V:n opt; do
	case $opt in
	o) out=$OPTARG ;;
	k) kernel=$OPTARG ;;
	c) cmdline=$OPTARG ;;
	i) initrd=$OPTARG ;;
	b) dir=$OPTARG ;;
	A) appargs=$OPTARG ;;
	V) vars="$vars${vars:+ }$OPTARG" ;;
	n) noapp=1 ;;
	*) sed -n '2,/^set/p' "$0" | sed 's/^# \{0,1\}//;/^set/d' >&2; exit 2 ;;
	esac
done
die() { echo "mkfat.sh: $*" >&2; exit 1; }
[ -n "$out" ] && [ -n "$kernel" ] || { echo "mkfat.sh: -o and -k are required" >&2; exit 2; }
[ -r "$kernel" ] || die "no kernel at $kernel"
[ -z "$initrd" ] || [ -r "$initrd" ] || die "no initrd at $initrd"
for tool in mkfs.vfat mcopy; do
	command -v "$tool" >/dev/null || die "$tool not found: run 'make deps' (dosfstools, mtools)"
done
tables=
if [ -z "$noapp" ]; then
	[ -r "$dir/conduit-acpi.efi" ] || die "no $dir/conduit-acpi.efi: run 'make uefi'"
	[ -r "$dir/tpm2.aml" ] || die "no $dir/tpm2.aml: run 'make uefi'"
	tables="$dir/tpm2.aml $(ls "$dir"/*.aml | grep -v '/tpm2\.aml$' || true)"
	[ -n "$appargs" ] || for t in $tables; do appargs="$appargs${appargs:+ }$(basename "$t")"; done
fi
for v in $vars; do
	[ -z "$noapp" ] || die "-V needs the application: not with -n"
	name=${v%%=*} file=${v#*=}
	[ -n "$name" ] && [ "$name" != "$v" ] && [ -n "$file" ] || die "-V wants NAME=FILE, not $v"
	[ -r "$file" ] || die "no $file for the variable $name: run 'make uefi'"
	for t in $tables; do
		[ "$(basename "$t")" != "$(basename "$file")" ] ||
			die "-V $v: $(basename "$file") is also a table to install"
	done
	varargs="$varargs${varargs:+ }-v $name $(basename "$file")"
done
[ -z "$varargs" ] || appargs="$varargs${appargs:+ }$appargs"
# A '^' or a '%' would be taken by the Shell's script parser.
case $cmdline in *'^'*|*'%'*) die "the command line may not hold '^' or '%'" ;; esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -z "$initrd" ] || cmdline="$cmdline initrd=\\initrd.cpio"
{
	printf '@echo -off\r\n'
	printf '# Made by tools/testing/conduit/uefi/mkfat.sh\r\n'
	printf 'fs0:\r\n'
	if [ -z "$noapp" ]; then
		printf 'if not exist conduit-acpi.efi then\r\n'
		printf '  echo "conduit-acpi: FAILED: fs0: has no conduit-acpi.efi, not starting the kernel"\r\n'
		printf '  reset\r\n'
		printf 'endif\r\n'
		printf 'conduit-acpi.efi %s\r\n' "$appargs"
		printf 'if not %%lasterror%% == 0x0 then\r\n'
		printf '  echo "conduit-acpi: FAILED: conduit-acpi.efi returned %%lasterror%%, not starting the kernel"\r\n'
		printf '  reset\r\n'
		printf 'endif\r\n'
	fi
	# echo gets the command line with its double quotes made single.
	printf 'echo "conduit-acpi: starting Image %s"\r\n' "$(printf '%s' "$cmdline" | tr '"' "'")"
	printf 'Image %s\r\n' "$cmdline"
	printf 'echo "conduit-acpi: FAILED: the kernel returned %%lasterror%% to the Shell"\r\n'
	printf 'reset\r\n'
} > "$tmp/startup.nsh"

files="$tmp/startup.nsh $kernel $initrd"
[ -n "$noapp" ] || files="$files $dir/conduit-acpi.efi $tables"
for v in $vars; do files="$files ${v#*=}"; done
kib=0
for f in $files; do kib=$(( kib + ($(stat -L -c %s "$f") + 1023) / 1024 )); done
# FAT32 wants at least 65525 clusters: 64 MiB with 512-byte clusters.
mib=$(( kib / 1024 + 16 ))
[ "$mib" -ge 64 ] || mib=64
rm -f "$out"
truncate -s "${mib}M" "$out"
mkfs.vfat -F 32 -s 1 -n CONDUIT "$out" >/dev/null || die "mkfs.vfat failed"
export MTOOLS_SKIP_CHECK=1
mcopy -i "$out" "$tmp/startup.nsh" ::/startup.nsh
mcopy -i "$out" "$kernel" ::/Image
[ -z "$initrd" ] || mcopy -i "$out" "$initrd" ::/initrd.cpio
if [ -z "$noapp" ]; then
	mcopy -i "$out" "$dir/conduit-acpi.efi" ::/conduit-acpi.efi
	for t in $tables; do mcopy -i "$out" "$t" "::/$(basename "$t")"; done
	for v in $vars; do mcopy -i "$out" "${v#*=}" "::/$(basename "${v#*=}")"; done
fi
