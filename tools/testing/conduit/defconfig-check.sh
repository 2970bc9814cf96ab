#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# arm64 defconfig, plus the series' options (defconfig-series.config), built
# from the upstream commits of the series: does it add compiler warnings
# to what the base gives?
#
#   defconfig-check.sh BUILD KTREE RESULT
#
# KTREE is the assembled tree (build/linux, branches "upstream" and tag
# "base"). Both are checked out as detached work trees under
# BUILD/defconfig/ and built out of tree there. The patched tree builds
# the Image (every built-in object of defconfig, which holds all of the
# series' code) and every object, built-in or module, of each directory
# whose .c files the series changes or adds (the KUnit suite is a module
# there). Modules elsewhere, about half of defconfig's objects, are not
# built: on two cores they would double the time, and only a header change
# (a prototype in <linux/device/driver.h>) reaches them. The base builds
# only the objects that warned in the patched build, because an object
# with no warning cannot hold a new one. A warning is "new" when the base
# build of the same object does not print the same message for the same
# file (line numbers ignored: the series moves lines). Prints one PASS/FAIL line, also written to RESULT.
set -euo pipefail

build=$1; ktree=$2; result=$3
here=$(cd "$(dirname "$0")" && pwd)
dir=$build/defconfig
jobs=${JOBS:-$(nproc)}
cc="aarch64-linux-gnu-gcc"
command -v ccache >/dev/null && cc="ccache $cc"
mk() { make -C "$1" O="$2" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- CC="$cc" -j"$jobs" "${@:3}"; }
say() { echo "$1" | tee "$result"; }

mkdir -p "$dir"
worktree() {	# worktree NAME REV
	local wt=$dir/src-$1
	if [ ! -e "$wt/.git" ]; then
		git -C "$ktree" worktree prune
		git -C "$ktree" worktree add -q --detach "$wt" "$2"
	else
		git -C "$wt" checkout -q --detach "$2"
	fi
	echo "$wt"
}

configure() {	# configure SRC OUT
	mkdir -p "$2"
	mk "$1" "$2" -s defconfig
	(cd "$1" && KCONFIG_CONFIG="$2/.config" ./scripts/kconfig/merge_config.sh \
		-m -O "$2" "$2/.config" "$here/defconfig-series.config" >/dev/null)
	mk "$1" "$2" -s olddefconfig
}

# Compiler lines "path:line:col: warning: text [-Wflag]", reduced to
# "path: text" with the source tree prefix and line numbers gone.
warnings() {
	sed -E -n "s#^($1/|$2/)?([^: ]+):[0-9]+:([0-9]+:)? warning: (.*)#\2: \4#p" | sort -u
}

src_patched=$(worktree patched upstream)
src_base=$(worktree base base)
out_patched=$dir/out-patched
out_base=$dir/out-base

configure "$src_patched" "$out_patched"
missing=$(grep -o '^CONFIG_[A-Za-z0-9_]*=[ym]' "$here/defconfig-series.config" |
	while read -r s; do grep -qx "$s" "$out_patched/.config" || echo "$s"; done)
if [ -n "$missing" ]; then
	say "FAIL defconfig-check options did not stick: $(echo $missing)"
	exit 1
fi

start=$(date +%s)
echo "defconfig-check: building $(git -C "$src_patched" log -1 --format=%h) (upstream commits) with $jobs jobs"
dirs=$(git -C "$src_patched" diff --name-only base HEAD -- '*.c' | xargs -n1 dirname | sort -u |
	sed 's#$#/#')
if ! mk "$src_patched" "$out_patched" -s Image $dirs >"$dir/patched.log" 2>&1; then
	say "FAIL defconfig-check the patched defconfig build failed: $(grep -m1 -E 'error' "$dir/patched.log" || tail -n1 "$dir/patched.log")"
	exit 1
fi
secs=$(( $(date +%s) - start ))
warnings "$src_patched" "$out_patched" <"$dir/patched.log" >"$dir/patched.warnings"

# The objects that warned, from the compiler's "In file included from" and
# "path: In function" context lines and the warning lines themselves.
objs=$(sed -E -n -e 's#^In file included from ([^:]+\.c):.*#\1#p' \
	-e 's#^([^: ]+\.c):[0-9]+:([0-9]+:)? warning:.*#\1#p' "$dir/patched.log" |
	sed -E "s#^($src_patched/)##; s#\.c\$#.o#" | sort -u)
new=0
if [ -s "$dir/patched.warnings" ]; then
	configure "$src_base" "$out_base"
	mk "$src_base" "$out_base" -s prepare >/dev/null 2>&1
	: >"$dir/base.log"
	for o in $objs; do
		[ -e "$src_base/${o%.o}.c" ] && mk "$src_base" "$out_base" "$o" >>"$dir/base.log" 2>&1 || true
	done
	warnings "$src_base" "$out_base" <"$dir/base.log" >"$dir/base.warnings"
	comm -23 "$dir/patched.warnings" "$dir/base.warnings" >"$dir/new.warnings"
	new=$(wc -l <"$dir/new.warnings")
else
	: >"$dir/new.warnings"
fi

total=$(wc -l <"$dir/patched.warnings")
if [ "$new" -eq 0 ]; then
	say "PASS defconfig-check arm64 defconfig + series options (Image, and $(echo $dirs)): $total warnings, 0 new (build ${secs}s)"
else
	say "FAIL defconfig-check $new new warnings, first: $(head -n1 "$dir/new.warnings") (all in $dir/new.warnings)"
	exit 1
fi
