#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the firmware self-tests: run.sh DIR (holding conduit-fw.bin and the
# selftest-*.bin payloads). Prints one PASS/FAIL line per case; exit 1 if
# any failed. Firmware logs are left in DIR/selftest-logs/ (NAME.log, and
# NAME.console: boot.sh's stdout and stderr).
#
# Cases with -T run the TPM partition through ../../tpm/relay.py and a real
# swtpm; they also check the firmware's PCR_EXTEND line against the
# payload's SHA-256 and, for tpm/tpm-slow, that the payload read PCR 0 =
# SHA-256(32 zero bytes || that digest).
set -u
dir=${1:?usage: run.sh DIR}
boot=$(cd "$(dirname "$0")/.." && pwd)/boot.sh
fw=$dir/conduit-fw.bin
mkdir -p "$dir/selftest-logs"
fails=0

# tpm_check PAYLOAD LOG CONSOLE: prints what is wrong, nothing if all is well
tpm_check() {
	ext=$(sed -n 's/.*EL3 PCR_EXTEND(pcr=0, sha256=\([0-9a-f]\{64\}\),.*) -> SUCCESS.*/\1/p' "$2")
	want=$(sha256sum "$dir/selftest-$1.bin" | cut -c1-64)
	if [ "$ext" != "$want" ]; then
		echo "PCR_EXTEND sha256 '$ext', payload's is $want"
		return
	fi
	if grep -q '^boot.sh: \|^relay: ' "$3"; then
		grep -m1 '^boot.sh: \|^relay: ' "$3"
		return
	fi
	[ "$1" != tpm-error ] || return 0
	pcr=$(sed -n 's/^tpmtest: pcr0.sha256=\([0-9a-f]*\).*/\1/p' "$3")
	exp=$(python3 -c 'import hashlib, sys
print(hashlib.sha256(bytes(32) + bytes.fromhex(sys.argv[1])).hexdigest())' "$ext")
	[ "$pcr" = "$exp" ] || echo "PCR 0 read '$pcr', expected $exp"
}

# payload fault extra-args...
while read -r payload fault args; do
	[ -n "$payload" ] || continue
	name=$(echo "$payload-$fault$args" | tr -c 'a-zA-Z0-9.\n-' '_')
	log=$dir/selftest-logs/$name.log
	con=$dir/selftest-logs/$name.console
	# shellcheck disable=SC2086
	"$boot" -k "$dir/selftest-$payload.bin" -F "$fw" -f "$fault" -L secure \
		-l "$log" -t 30 $args >"$con" 2>&1
	rc=$?
	why=
	if [ $rc -ne 0 ] || ! grep -q 'SYSTEM_OFF' "$log"; then
		why="exit $rc"
	else
		case " $args" in
		*" -T"*) why=$(tpm_check "$payload" "$log" "$con") ;;
		esac
		case $fault in
		negotiate-slow*)
			grep -q ' EL3 NEGOTIATE_SLOW(FFA_ID_GET from EL' "$log" ||
				why="no NEGOTIATE_SLOW line for FFA_ID_GET"
			;;
		esac
	fi
	if [ -z "$why" ]; then
		echo "PASS selftest $payload fault=$fault $args"
	else
		echo "FAIL selftest $payload fault=$fault $args ($why, log $log)"
		fails=$((fails + 1))
	fi
done <<'CASES'
v11 none -s 2
v11 none -V off -s 2
v11 none -c cortex-a57 -s 2
v11 slow
v10 none
absent absent
absent nospmc
version-refused version-refused
version-major version-major
busy busy
negotiate-slow negotiate-slow:250 -s 2
tpm none -T crb@0x7ff00000 -s 2
tpm none -T crb@0x7ff00000 -c cortex-a57
tpm none -T crb@0x7ff00000 -V off
tpm-slow tpm-slow:250 -T crb@0x7ff00000 -s 2
tpm-error tpm-error -T crb@0x7ff00000
CASES

# Set-up errors are fatal (exit 5), never a quiet "no TPM".
while read -r payload fault args; do
	name=$(echo "fatal-$payload-$fault$args" | tr -c 'a-zA-Z0-9.\n-' '_')
	log=$dir/selftest-logs/$name.log
	# shellcheck disable=SC2086
	"$boot" -k "$dir/selftest-$payload.bin" -F "$fw" -f "$fault" -L secure \
		-l "$log" -t 30 $args >"$dir/selftest-logs/$name.console" 2>&1
	rc=$?
	if [ $rc -eq 5 ] && grep -q 'PANIC' "$log"; then
		echo "PASS selftest fatal $payload fault=$fault $args"
	else
		echo "FAIL selftest fatal $payload fault=$fault $args (exit $rc, want 5, log $log)"
		fails=$((fails + 1))
	fi
done <<'FATAL'
v11 tpm-typo -T crb@0x7ff00000
v11 none -T crb@0x7ff00001
v11 none -T tis@0x7ff00000
FATAL
[ $fails -eq 0 ]
