#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel on QEMU virt through the conduit test firmware.
#
# usage: boot.sh -k Image -F conduit-fw.bin [-i initrd] [-b BOOTARGS]
#                [-f FAULT] [-V on|off] [-c CPU] [-s SMP] [-m MEM]
#                [-l FWLOG] [-t SECONDS] [-L secure|console|both]
#                [-v FFA_VERSION]
#
#  -f  fault mode (opt/conduit/fault): none absent nospmc version-refused
#      version-major busy slow slow:<ms>            (default none)
#  -V  virtualization=on (kernel entered at EL2) or off (EL1) (default on)
#  -l  file for the secure UART, which carries the firmware call log
#      (default: /dev/null); with -L console|both the log also goes to the
#      kernel console on stdout
#  -t  timeout in seconds (default 60); exit status 124 on timeout
#
# The kernel console goes to stdout. Exit status is QEMU's: 0 after
# PSCI SYSTEM_OFF, 3 after SYSTEM_RESET, 4 firmware panic, 5 bad set-up.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
kernel= fw= initrd= bootargs="console=ttyAMA0" fault=none virt=on
cpu=max,lpa2=off smp=1 mem=1G fwlog=/dev/null tmo=60 logto=both ffaver=
QEMU=${QEMU:-qemu-system-aarch64}

while getopts k:F:i:b:f:V:c:s:m:l:t:L:v: opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	F) fw=$OPTARG ;;
	i) initrd=$OPTARG ;;
	b) bootargs=$OPTARG ;;
	f) fault=$OPTARG ;;
	V) virt=$OPTARG ;;
	c) cpu=$OPTARG ;;
	s) smp=$OPTARG ;;
	m) mem=$OPTARG ;;
	l) fwlog=$OPTARG ;;
	t) tmo=$OPTARG ;;
	L) logto=$OPTARG ;;
	v) ffaver=$OPTARG ;;
	*) sed -n '2,/^set/p' "$0" | sed 's/^# \{0,1\}//;/^set/d' >&2; exit 2 ;;
	esac
done
[ -n "$kernel" ] && [ -n "$fw" ] || { echo "boot.sh: -k and -F are required" >&2; exit 2; }

machine=virt,secure=on,virtualization=$virt,gic-version=3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

set -- -M "$machine" -cpu "$cpu" -m "$mem" -smp "$smp" \
	-display none -monitor none -nic none -serial stdio -serial "file:$fwlog" \
	-bios "$fw" \
	-device "loader,file=$kernel,addr=0x40200000,force-raw=on" \
	-device "loader,file=$tmp/boot.dtb,addr=0x48000000,force-raw=on" \
	-semihosting-config enable=on,target=native \
	-fw_cfg "name=opt/conduit/fault,string=$fault" \
	-fw_cfg "name=opt/conduit/log,string=$logto"
[ -z "$ffaver" ] || set -- "$@" -fw_cfg "name=opt/conduit/ffa-version,string=$ffaver"
if [ -n "$initrd" ]; then
	"$here/mkdtb.sh" -o "$tmp/boot.dtb" -b "$bootargs" -i "$initrd" \
		-M "$machine" -c "$cpu" -m "$mem" -s "$smp"
	set -- "$@" -device "loader,file=$initrd,addr=0x48200000,force-raw=on"
else
	"$here/mkdtb.sh" -o "$tmp/boot.dtb" -b "$bootargs" \
		-M "$machine" -c "$cpu" -m "$mem" -s "$smp"
fi

rc=0
timeout --foreground -k 5 "$tmo" "$QEMU" "$@" </dev/null || rc=$?
exit $rc
