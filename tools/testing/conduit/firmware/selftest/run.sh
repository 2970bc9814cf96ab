#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the firmware self-tests: run.sh DIR (holding conduit-fw.bin and the
# selftest-*.bin payloads). Prints one PASS/FAIL line per case; exit 1 if
# any failed. Firmware logs are left in DIR/selftest-logs/.
set -u
dir=${1:?usage: run.sh DIR}
boot=$(cd "$(dirname "$0")/.." && pwd)/boot.sh
fw=$dir/conduit-fw.bin
mkdir -p "$dir/selftest-logs"
fails=0

# payload fault extra-args...
while read -r payload fault args; do
	[ -n "$payload" ] || continue
	name=$(echo "$payload-$fault$args" | tr -c 'a-zA-Z0-9.\n-' '_')
	log=$dir/selftest-logs/$name.log
	# shellcheck disable=SC2086
	"$boot" -k "$dir/selftest-$payload.bin" -F "$fw" -f "$fault" -L secure \
		-l "$log" -t 30 $args >/dev/null 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q 'SYSTEM_OFF' "$log"; then
		echo "PASS selftest $payload fault=$fault $args"
	else
		echo "FAIL selftest $payload fault=$fault $args (exit $rc, log $log)"
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
CASES
[ $fails -eq 0 ]
