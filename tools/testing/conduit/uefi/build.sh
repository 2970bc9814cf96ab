#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the UEFI firmware for the ACPI boots: EDK2's ArmVirtQemuKernel
# (ArmVirtPkg/ArmVirtQemuKernel.dsc, a UEFI that is loaded and entered like
# a Linux Image, with x0 = DTB) from Debian bookworm's edk2 source package,
# with the patches in this directory applied.
#
#   build.sh BUILD_DIR
#
# The source package is fetched once with ../debian-fetch.sh into
# CACHE/src/edk2/ (.dsc, orig and debian tarballs; apt's state stays in
# BUILD_DIR/debian/apt) and unpacked with dpkg-source (Debian's own patches
# applied), then every *.patch here on top. The firmware is cached outside
# the clone, in
#
#   CACHE/<key>/, CACHE = $CONDUIT_UEFI_CACHE
#                 (default ${XDG_CACHE_HOME:-$HOME/.cache}/conduit-uefi)
#
# where <key> is a hash of every input: the .dsc's name and sha256, the
# patches, the build flags, both compilers' versions, python's version,
# this script and ../build-step.sh, which it sources. A hit copies it; a
# miss builds it (a few minutes). Either way the result is BUILD_DIR/uefi/:
#
#   ArmVirtQemuKernel.fd  the firmware (EDK2's FV/QEMU_EFI.fd); the test
#                         SPMC enters it at 0x40200000 like an Image
#   uefi.key              what was built (the inputs the hash covers)
#   uefi-build.log        the build's output (from the cache entry)
#
# Other files in BUILD_DIR/uefi/ (the application, the tables: uefi.mk)
# are left alone.
#
# UEFI_BUILD_TYPE=DEBUG builds the DEBUG flavour (verbose log on the
# console) instead of RELEASE; it is part of the key. A failed fetch or
# build prints one line and keeps the log in BUILD_DIR/uefi.failed/.
set -euo pipefail

BUILD=${1:?usage: build.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
FETCH=$HERE/../debian-fetch.sh
# step NAME CMD...: CMD logged to $LOG, die() with one line if it fails
# shellcheck source=SCRIPTDIR/../build-step.sh
. "$HERE/../build-step.sh"
OUT=$BUILD/uefi
FAILED=$BUILD/uefi.failed
CACHE=${CONDUIT_UEFI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/conduit-uefi}
JOBS=${UEFI_JOBS:-$(nproc)}
CROSS=aarch64-linux-gnu-
PY=/usr/bin/python3
PKG=edk2 SUITE=bookworm
BUILD_TYPE=${UEFI_BUILD_TYPE:-RELEASE}
DSC=ArmVirtPkg/ArmVirtQemuKernel.dsc
# SECURE_BOOT_ENABLE as Debian builds ArmVirtQemu: the Shell (with Debian's
# "disable the Shell under Secure Boot" patch) needs SecureBootVariableLib.
# Boot timeout 0: BDS goes straight to the boot options (no 3 s countdown).
FLAGS=(-DSECURE_BOOT_ENABLE=TRUE
	--pcd gEfiMdePkgTokenSpaceGuid.PcdPlatformBootTimeOut=0)

die() {
	echo "uefi: $*" >&2
	if [ -n "${WORK:-}" ] && [ -d "$WORK" ]; then
		rm -rf "$FAILED"; mkdir -p "$FAILED"
		[ -f "$WORK/build.log" ] && cp "$WORK/build.log" "$FAILED/"
		rm -rf "$WORK"
	fi
	exit 1
}

for tool in dpkg-source patch make gcc ${CROSS}gcc "$PY"; do
	command -v "$tool" >/dev/null || die "$tool not found: run 'make deps'"
done
[ -r /usr/include/uuid/uuid.h ] || die "uuid-dev missing (BaseTools): run 'make deps'"

# The sources live in the cache too, so that another clone needs no fetch.
SRCDIR=$CACHE/src/$PKG
dsc=$(ls "$SRCDIR"/*.dsc 2>/dev/null | head -n1 || true)
if [ -z "$dsc" ]; then
	mkdir -p "$BUILD/debian" "$CACHE/src"
	APT_STATE=$BUILD/debian/apt "$FETCH" source "$PKG" "$SRCDIR" "$SUITE" >/dev/null ||
		die "fetching the $PKG source package ($SUITE) failed (see above)"
	dsc=$(ls "$SRCDIR"/*.dsc | head -n1)
fi
patches=$(ls "$HERE"/*.patch)

key=$(
	echo "source $(basename "$dsc") $(sha256sum < "$dsc" | cut -c1-16)"
	for p in $patches; do echo "patch $(basename "$p") $(sha256sum < "$p" | cut -c1-16)"; done
	echo "dsc $DSC $BUILD_TYPE GCC5"
	echo "flags ${FLAGS[*]}"
	echo "cross $(${CROSS}gcc --version | head -n1)"
	echo "host $(gcc --version | head -n1)"
	echo "python $($PY --version 2>&1)"
	echo "script $(sha256sum < "$0" | cut -c1-16)"
	echo "step $(sha256sum < "$HERE/../build-step.sh" | cut -c1-16)"
)
hash=$(echo "$key" | sha256sum | cut -c1-16)
entry=$CACHE/$hash

install_out() {	# copy, then rename: a reader never sees half a file
	mkdir -p "$OUT"
	cp "$entry/build.log" "$OUT/uefi-build.log"
	cp "$entry/ArmVirtQemuKernel.fd" "$OUT/.ArmVirtQemuKernel.fd.new"
	mv "$OUT/.ArmVirtQemuKernel.fd.new" "$OUT/ArmVirtQemuKernel.fd"
	echo "$key" > "$OUT/uefi.key"
}

if [ -f "$OUT/ArmVirtQemuKernel.fd" ] && [ "$(cat "$OUT/uefi.key" 2>/dev/null)" = "$key" ]; then
	exit 0
fi
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9	# one build per cache at a time; a second caller then hits the cache
if [ -f "$entry/ArmVirtQemuKernel.fd" ] && [ "$(cat "$entry/key" 2>/dev/null)" = "$key" ]; then
	install_out
	echo "uefi: from the cache, $entry -> $OUT/ArmVirtQemuKernel.fd"
	exit 0
fi

start=$(date +%s)
echo "uefi: building $DSC ($BUILD_TYPE) from $(basename "$dsc" .dsc) into $entry"
WORK=$CACHE/$hash.partial
rm -rf "$WORK" "$FAILED" && mkdir -p "$WORK"
LOG=$WORK/build.log
: > "$LOG"

SRC=$WORK/edk2
step "unpack $PKG" dpkg-source --no-copy -x "$dsc" "$SRC"
for p in $patches; do
	step "patch $(basename "$p")" patch -d "$SRC" -p1 -i "$p"
done
# As debian/rules does: the LTO helper library is shipped as assembly.
step "liblto" ${CROSS}gcc -c -fpic "$SRC/ArmPkg/Library/GccLto/liblto-aarch64.s" \
	-o "$SRC/ArmPkg/Library/GccLto/liblto-aarch64.a"

# edksetup.sh and build read these; keep whatever the caller has out.
unset WORKSPACE EDK_TOOLS_PATH CONF_PATH PACKAGES_PATH EDK_SOURCE EFI_SOURCE ECP_SOURCE
export PYTHON_COMMAND=$PY GCC5_AARCH64_PREFIX=$CROSS
# Both steps run in the tree: BaseTools' C tools, then the platform.
step "BaseTools" make -C "$SRC/BaseTools" -j"$JOBS"
# edksetup.sh parses the positional parameters of whoever sources it.
step "edk2 build" bash -c 'cd "$1" && jobs=$2 && shift 2 && args=("$@") && set -- &&
	. ./edksetup.sh >/dev/null && build -a AARCH64 -t GCC5 -n "$jobs" "${args[@]}"' _ "$SRC" "$JOBS" \
	-p "$DSC" -b "$BUILD_TYPE" "${FLAGS[@]}"
fd=$SRC/Build/ArmVirtQemuKernel-AARCH64/${BUILD_TYPE}_GCC5/FV/QEMU_EFI.fd
[ -f "$fd" ] || die "no $fd after the build, see $FAILED/build.log"
# The test SPMC only enters an Image: "ARM\x64" at +0x38.
[ "$(od -An -tx1 -j56 -N4 "$fd" | tr -d ' ')" = 41524d64 ] ||
	die "$fd has no arm64 Image magic at +0x38"
cp "$fd" "$WORK/ArmVirtQemuKernel.fd"

# Keep the firmware and the log, not the 400 MB of sources and objects.
rm -rf "$SRC"
echo "built in $(( $(date +%s) - start )) s on $(date -u +%FT%TZ)" >> "$LOG"
echo "$key" > "$WORK/key"
rm -rf "$entry" && mv "$WORK" "$entry"
WORK=
install_out
echo "uefi: built in $(( $(date +%s) - start )) s: $OUT/ArmVirtQemuKernel.fd (cached in $entry)"
