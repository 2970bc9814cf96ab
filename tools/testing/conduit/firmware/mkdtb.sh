#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the DTB the conduit test firmware hands to the kernel: QEMU's own
# board DTB (dumped with the same machine options as the boot) plus a PSCI
# node (method "smc"), enable-method = "psci" on every CPU, /chosen bootargs
# and the initrd range.
#
# usage: mkdtb.sh -o OUT.dtb [-b BOOTARGS] [-i INITRD [-a INITRD_ADDR]]
#                 [-M MACHINE] [-c CPU] [-m MEM] [-s SMP] [-r REGIONS] [-t]
#
# -r REGIONS describes the RAM as that many memory ranges: the first 256 MiB
# (kernel, DTB and initrd) as one, the rest cut into REGIONS-1 ranges of a
# little under 4 MiB with a 64 KiB hole after each, so that memblock cannot
# merge them. Firmware on big machines hands over such fragmented maps;
# arm64 takes up to 1024 memory regions, pKVM's hypervisor only 128
# (HYP_MEMBLOCK_REGIONS). MEM must be given in G or M.
#
# -t leaves the top 1 MiB of RAM out of the memory node (0x7FF00000-
# 0x7FFFFFFF with -m 1G), so that neither UEFI nor Linux uses it as memory:
# the TPM CRB area that the ACPI tables of ../uefi/ describe lies there,
# and tpm_crb can then ioremap it. MEM must be given in G or M; not with -r.
#
# MACHINE defaults to virt,secure=on,virtualization=on,gic-version=3;
# CPU to max,lpa2=off; MEM to 1G; SMP to 1. They must match the boot's
# -M/-cpu/-m/-smp, since the DTB describes memory and CPUs.
set -eu

out= bootargs= initrd= addr=0x48200000 regions= tophole=
machine=virt,secure=on,virtualization=on,gic-version=3
cpu=max,lpa2=off mem=1G smp=1
QEMU=${QEMU:-qemu-system-aarch64}

while getopts o:b:i:a:M:c:m:s:r:t opt; do
	case $opt in
	o) out=$OPTARG ;;
	b) bootargs=$OPTARG ;;
	i) initrd=$OPTARG ;;
	a) addr=$OPTARG ;;
	M) machine=$OPTARG ;;
	c) cpu=$OPTARG ;;
	m) mem=$OPTARG ;;
	s) smp=$OPTARG ;;
	r) regions=$OPTARG ;;
	t) tophole=1 ;;
	*) sed -n '2,/^set/p' "$0" | sed 's/^# \{0,1\}//;/^set/d' >&2; exit 2 ;;
	esac
done
[ -n "$out" ] || { echo "mkdtb.sh: -o OUT.dtb is required" >&2; exit 2; }
if [ -n "$tophole" ]; then
	[ -z "$regions" ] || { echo "mkdtb.sh: -t and -r do not go together" >&2; exit 2; }
	case $mem in
	*G) mem_mib=$(( ${mem%G} * 1024 )) ;;
	*M) mem_mib=${mem%M} ;;
	*) echo "mkdtb.sh: -t needs -m in G or M, not '$mem'" >&2; exit 2 ;;
	esac
	[ "$mem_mib" -gt 256 ] || { echo "mkdtb.sh: -t needs more than 256 MiB of RAM" >&2; exit 2; }
fi
if [ -n "$regions" ]; then
	case $mem in
	*G) mem_mib=$(( ${mem%G} * 1024 )) ;;
	*M) mem_mib=${mem%M} ;;
	*) echo "mkdtb.sh: -r needs -m in G or M, not '$mem'" >&2; exit 2 ;;
	esac
	if [ "$regions" -lt 2 ] || [ $(( (mem_mib - 256) / 4 )) -lt $(( regions - 1 )) ]; then
		echo "mkdtb.sh: cannot cut $mem into $regions memory ranges" >&2
		exit 2
	fi
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Dump with a -bios, like the real boot: with firmware loaded (and ACPI
# not off) QEMU virt replaces the non-secure PL061 GPIO at 0x09030000 with
# an ACPI GED device, and a DTB dumped without -bios would still list the
# GPIO, which then faults when the kernel probes it. -nic none: the default
# NIC makes QEMU load its option ROM (efi-virtio.rom, from ipxe-qemu, which
# a --no-install-recommends install of qemu-system-arm does not bring).
head -c 4096 /dev/zero >"$tmp/bios.bin"
"$QEMU" -M "$machine,dumpdtb=$tmp/board.dtb" -cpu "$cpu" -m "$mem" \
	-smp "$smp" -bios "$tmp/bios.bin" -nographic -display none -nic none \
	>"$tmp/qemu.log" 2>&1 || {
	cat "$tmp/qemu.log" >&2
	exit 1
}

dtc -q -I dtb -O dts -o "$tmp/board.dts" "$tmp/board.dtb"

# dts string escaping for the command line
esc=$(printf '%s' "$bootargs" | sed 's/\\/\\\\/g; s/"/\\"/g')

{
	cat "$tmp/board.dts"
	echo
	echo "/ {"
	echo "	psci {"
	echo "		compatible = \"arm,psci-1.0\", \"arm,psci-0.2\";"
	echo "		method = \"smc\";"
	echo "	};"
	# QEMU only sets enable-method when it provides PSCI itself.
	echo "	cpus {"
	for cpu in $(sed -n 's/^\t\tcpu@\([0-9a-f]*\) {$/\1/p' "$tmp/board.dts"); do
		echo "		cpu@$cpu {"
		echo "			enable-method = \"psci\";"
		echo "		};"
	done
	echo "	};"
	if [ -n "$regions" ]; then
		# QEMU virt's RAM starts at 0x40000000: one range of 256 MiB,
		# then 4 MiB steps, each 64 KiB short of the next.
		printf '\tmemory@40000000 {\n\t\treg = <0x0 0x40000000 0x0 0x10000000'
		i=1
		while [ "$i" -lt "$regions" ]; do
			printf '\n\t\t       0x0 0x%x 0x0 0x3f0000' $(( 0x50000000 + (i - 1) * 0x400000 ))
			i=$((i + 1))
		done
		printf '>;\n\t};\n'
	fi
	if [ -n "$tophole" ]; then
		# One range, from 0x40000000 up to 1 MiB short of the end of RAM.
		printf '\tmemory@40000000 {\n\t\treg = <0x0 0x40000000 0x%x 0x%x>;\n\t};\n' \
			$(( ((mem_mib - 1) << 20) >> 32 )) $(( ((mem_mib - 1) << 20) & 0xffffffff ))
	fi
	echo "	chosen {"
	echo "		bootargs = \"$esc\";"
	if [ -n "$initrd" ]; then
		size=$(stat -c %s "$initrd")
		end=$(printf '0x%x' $((addr + size)))
		echo "		linux,initrd-start = <0x0 $addr>;"
		echo "		linux,initrd-end = <0x0 $end>;"
	fi
	echo "	};"
	echo "};"
} >"$tmp/out.dts"

dtc -q -I dts -O dtb -o "$out" "$tmp/out.dts"
