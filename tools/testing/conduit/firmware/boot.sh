#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel on QEMU virt through the conduit test firmware.
#
# usage: boot.sh -k Image -F conduit-fw.bin [-i initrd] [-b BOOTARGS]
#                [-f FAULT] [-V on|off] [-c CPU] [-s SMP] [-m MEM]
#                [-l FWLOG] [-t SECONDS] [-L secure|console|both]
#                [-v FFA_VERSION] [-T TPM] [-D DISK.img] [-H]
#        boot.sh -U ArmVirtQemuKernel.fd -D DISK.img -F conduit-fw.bin [-H] [...]
#
#  -f  fault mode (opt/conduit/fault): none absent nospmc version-refused
#      version-major busy slow slow:<ms> negotiate-slow negotiate-slow:<ms>
#      tpm-error tpm-slow tpm-slow:<ms>             (default none)
#  -V  virtualization=on (kernel entered at EL2) or off (EL1) (default on)
#  -l  file for the secure UART, which carries the firmware call log
#      (default: /dev/null); with -L console|both the log also goes to the
#      kernel console on stdout
#  -t  timeout in seconds (default 60); exit status 124 on timeout
#  -T  TPM service partition (opt/conduit/tpm), e.g. crb@0x7ff00000: starts
#      swtpm (fresh state in the boot's tmp dir) and ../tpm/relay.py, which
#      then carries the secure UART: the call log into FWLOG, the firmware's
#      TPM commands to swtpm; passes opt/conduit/payload-size (the -k file's
#      size, for the firmware's PCR 0 measurement)
#  -D  attach DISK.img (raw) as a virtio-blk-device (virtio-mmio)
#  -U  boot UEFI instead of a kernel: EDK2's ArmVirtQemuKernel firmware
#      (`make uefi`, ../uefi/) goes where the Image would, and the test
#      firmware enters it like one, with x0 = DTB. The kernel, initrd and
#      command line then come from the -D disk (../uefi/mkfat.sh), so -k
#      and -i are not taken. (-k FD -D DISK.img does the same without
#      these checks: -k takes any payload with the Image magic.)
#  -H  leave the top 1 MiB of RAM out of the DTB's memory node (mkdtb.sh
#      -t), for the TPM CRB area that ../uefi/'s ACPI tables describe
#
# The kernel console goes to stdout. Exit status is QEMU's: 0 after
# PSCI SYSTEM_OFF, 3 after SYSTEM_RESET, 4 firmware panic, 5 bad set-up.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
kernel= fw= initrd= bootargs="console=ttyAMA0" fault=none virt=on
cpu=max,lpa2=off smp=1 mem=1G fwlog=/dev/null tmo=60 logto=both ffaver=
tpm= relay_pid= swtpm_pid=
disk= uefi= tophole=
QEMU=${QEMU:-qemu-system-aarch64}

while getopts k:F:i:b:f:V:c:s:m:l:t:L:v:T:D:U:H opt; do
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
	T) tpm=$OPTARG ;;
	D) disk=$OPTARG ;;
	U) uefi=$OPTARG ;;
	H) tophole=-t ;;
	*) sed -n '2,/^set/p' "$0" | sed 's/^# \{0,1\}//;/^set/d' >&2; exit 2 ;;
	esac
done
if [ -n "$uefi" ]; then
	[ -z "$kernel" ] && [ -z "$initrd" ] ||
		{ echo "boot.sh: -U boots UEFI: the kernel and initrd come from the -D disk" >&2; exit 2; }
	[ -n "$disk" ] || { echo "boot.sh: -U needs -D DISK.img (../uefi/mkfat.sh)" >&2; exit 2; }
	kernel=$uefi bootargs=
fi
[ -n "$kernel" ] && [ -n "$fw" ] || { echo "boot.sh: -k (or -U) and -F are required" >&2; exit 2; }

machine=virt,secure=on,virtualization=$virt,gic-version=3
tmp=$(mktemp -d)
# shellcheck disable=SC2317
cleanup() {
	for p in $relay_pid $swtpm_pid; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
serial1=file:$fwlog
[ -z "$tpm" ] || serial1=chardev:fwuart

set -- -M "$machine" -cpu "$cpu" -m "$mem" -smp "$smp" \
	-display none -monitor none -nic none -serial stdio -serial "$serial1" \
	-bios "$fw" \
	-device "loader,file=$kernel,addr=0x40200000,force-raw=on" \
	-device "loader,file=$tmp/boot.dtb,addr=0x48000000,force-raw=on" \
	-semihosting-config enable=on,target=native \
	-fw_cfg "name=opt/conduit/fault,string=$fault" \
	-fw_cfg "name=opt/conduit/log,string=$logto"
[ -z "$ffaver" ] || set -- "$@" -fw_cfg "name=opt/conduit/ffa-version,string=$ffaver"
[ -z "$disk" ] || set -- "$@" -drive "if=none,file=$disk,format=raw,id=disk0" \
	-device virtio-blk-device,drive=disk0
if [ -n "$tpm" ]; then
	# swtpm, then the relay; QEMU connects once the relay's socket exists.
	mkdir "$tmp/tpmstate"
	swtpm socket --tpm2 -t --server "type=unixio,path=$tmp/swtpm.sock" \
		--ctrl "type=unixio,path=$tmp/swtpm.ctrl" --tpmstate "dir=$tmp/tpmstate" \
		--flags not-need-init,startup-clear --log "file=$tmp/swtpm.log" &
	swtpm_pid=$!
	python3 "$here/../tpm/relay.py" --listen "$tmp/uart1.sock" \
		--swtpm "$tmp/swtpm.sock" --log "$fwlog" &
	relay_pid=$!
	i=0
	while [ ! -S "$tmp/uart1.sock" ]; do
		if ! kill -0 "$relay_pid" 2>/dev/null || [ $i -ge 100 ]; then
			echo "boot.sh: the TPM relay did not start; swtpm's log:" >&2
			cat "$tmp/swtpm.log" >&2 2>/dev/null || true
			exit 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
	set -- "$@" -chardev "socket,id=fwuart,path=$tmp/uart1.sock" \
		-fw_cfg "name=opt/conduit/tpm,string=$tpm" \
		-fw_cfg "name=opt/conduit/payload-size,string=$(stat -L -c %s "$kernel")"
fi
if [ -n "$initrd" ]; then
	"$here/mkdtb.sh" -o "$tmp/boot.dtb" -b "$bootargs" -i "$initrd" \
		-M "$machine" -c "$cpu" -m "$mem" -s "$smp" $tophole
	set -- "$@" -device "loader,file=$initrd,addr=0x48200000,force-raw=on"
else
	"$here/mkdtb.sh" -o "$tmp/boot.dtb" -b "$bootargs" \
		-M "$machine" -c "$cpu" -m "$mem" -s "$smp" $tophole
fi

rc=0
timeout --foreground -k 5 "$tmo" "$QEMU" "$@" </dev/null || rc=$?
if [ -n "$relay_pid" ]; then
	# The relay ends when QEMU closes the UART; let it finish the log.
	i=0
	while kill -0 "$relay_pid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill "$relay_pid" 2>/dev/null || true	# still there after 5 s
	relay_rc=0
	wait "$relay_pid" 2>/dev/null || relay_rc=$?
	relay_pid=
	[ $relay_rc -eq 0 ] || echo "boot.sh: the TPM relay failed (status $relay_rc)" >&2
fi
exit $rc
