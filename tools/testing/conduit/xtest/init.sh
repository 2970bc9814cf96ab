# SPDX-License-Identifier: GPL-2.0
#
# Run by busybox init (/etc/inittab) from the xtest initrd, as
# "busybox sh /etc/xtest-init.sh": the test kernels have no BINFMT_SCRIPT.
#
# Mounts proc and sys, makes the device nodes (no devtmpfs in the test
# kernels: mdev -s reads them from sysfs), starts tee-supplicant with its
# secure storage under /data/tee (a ramfs), runs xtest and powers off. Every
# line for the harness starts with "conduit-xtest:"; the last one is
#
#   conduit-xtest: done rc=<xtest's exit code> seconds=<xtest's run time>
#
# The host (run.py) reads the counts from xtest's own output. Arguments for
# xtest can be given on the kernel command line as xtest_args=a,b,c (commas
# become spaces), e.g. xtest_args=-t,regression,1001,4001.
#
# When xtest itself dies (a signal: the client crashed inside a test case),
# it is started again with every test case it had begun excluded (-x), so
# that one crash costs one test case, not the rest of the run. After each
# xtest process: "conduit-xtest: exit rc=<rc>".

export PATH=/usr/sbin:/usr/bin
say() { echo "conduit-xtest: $*"; }
uptime_s() { read -r up _ < /proc/uptime; echo "${up%.*}"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mdev -s
[ -e /dev/null ] || mknod /dev/null c 1 3
[ -e /dev/urandom ] || mknod /dev/urandom c 1 9

args=
for w in $(cat /proc/cmdline); do
	case $w in xtest_args=*) args=$(echo "${w#xtest_args=}" | sed 's/,/ /g');; esac
done

if [ ! -e /dev/tee0 ] || [ ! -e /dev/teepriv0 ]; then
	say "fail no /dev/tee0 or /dev/teepriv0 (the OP-TEE driver did not register)"
	say "done rc=127 seconds=0"
	poweroff -f
fi

say "starting tee-supplicant"
# In the foreground of a background job, so that its messages reach the
# console; a watcher reports when it goes away while xtest runs (requests
# that need it would then wait for it for ever).
tee-supplicant --fs-parent-path /data/tee &
supp=$!
sleep 1
if ! kill -0 $supp 2>/dev/null; then
	say "fail tee-supplicant did not start"
	say "done rc=126 seconds=0"
	poweroff -f
fi
(while kill -0 $supp 2>/dev/null; do sleep 2; done; say "tee-supplicant exited") &

say "running xtest $args"
start=$(uptime_s)
set -o pipefail
excl= tries=0
while :; do
	xtest $args $excl 2>&1 | tee -a /tmp/xtest.out
	rc=$?
	say "exit rc=$rc"
	tries=$((tries + 1))
	[ $rc -ge 128 ] && [ $tries -lt 20 ] || break
	excl=$(sed -n 's/^\* \([a-z0-9_]*\) .*/-x \1/p' /tmp/xtest.out | sort -u | tr '\n' ' ')
	say "xtest died (rc $rc); again without the test cases it began"
done
say "done rc=$rc seconds=$(( $(uptime_s) - start ))"
# tee-supplicant keeps /dev/teepriv0 open, and the TEE core waits for its
# last user before it lets the device go: stop it, or power-off hangs.
kill $supp 2>/dev/null
sleep 1
poweroff -f
