#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the real secure world for the optee-* boot scenarios: TF-A (BL1,
# BL2, BL31 with the SPM dispatcher) and OP-TEE as the S-EL1 SPMC, with
# Debian's U-Boot as BL33, into one QEMU flash image.
#
#   build.sh BUILD_DIR
#
# Sources are Debian source packages fetched with ../debian-fetch.sh into
# BUILD_DIR/debian/ and unpacked with dpkg-source (Debian's patches
# applied). The result lands in BUILD_DIR/secure-world/:
#
#   flash.bin      BL1 + FIP for -bios (secure flash 0): BL2, BL31, OP-TEE
#                  (tee-header_v2 + tee-pager_v2), U-Boot, the SPMC manifest
#   uboot-env.bin  U-Boot environment for the non-secure flash 1 (bootcmd)
#   ta/            OP-TEE's in-tree user TAs (<uuid>.ta), for `make xtest`
#   key            what was built: package versions, options, inputs
#   build.log      the compilers' output
#
# A warm run (same key) does nothing. A failed fetch or build prints one
# line, removes BUILD_DIR/secure-world and keeps the log in
# BUILD_DIR/secure-world.failed/.
set -euo pipefail

BUILD=${1:?usage: build.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
FETCH=$HERE/../debian-fetch.sh
# step NAME CMD...: CMD logged to $LOG, die() with one line if it fails
# shellcheck source=SCRIPTDIR/../build-step.sh
. "$HERE/../build-step.sh"
OUT=$BUILD/secure-world
WORK=$BUILD/secure-world.partial
FAILED=$BUILD/secure-world.failed
JOBS=${SW_JOBS:-2}
CROSS=aarch64-linux-gnu-
# The system's interpreter: OP-TEE's scripts need Debian's pyelftools and
# cryptography, which a python3 earlier on PATH (pyenv, venv) may lack.
PY=/usr/bin/python3

TFA_PKG=arm-trusted-firmware TFA_SUITE=trixie
OPTEE_PKG=optee-os OPTEE_SUITE=sid
BL33=/usr/lib/u-boot/qemu_arm64/u-boot.bin
MANIFEST=$HERE/qemu_spmc_el1_optee_manifest.dts

# OP-TEE as the S-EL1 SPMC on QEMU virt with GICv3. The pseudo TA that
# /init calls ("invoke tests") comes with the embedded tests. Reserved
# shared memory is off: with FF-A every buffer is shared by FFA_MEM_SHARE.
# Asynchronous notifications stay on: CFG_CORE_FFA defaults them on, and
# 4.10 does not build as an SPMC without them (thread_spmc.c defines
# notif_send_async() unconditionally); see README.md for what that means
# behind pKVM's proxy.
OPTEE_FLAGS=(PLATFORM=vexpress-qemu_armv8a CFG_ARM64_core=y CFG_CORE_SEL1_SPMC=y
	CFG_ARM_GICV3=y CFG_CORE_RESERVED_SHM=n CFG_TEE_CORE_EMBED_INTERNAL_TESTS=y
	CFG_TEE_CORE_LOG_LEVEL=2 ta-targets=ta_arm64)
# TF-A: SPM dispatcher at EL3, SPMC at S-EL1 (OP-TEE), GICv3, U-Boot as
# BL33, the SPMC manifest as TOS_FW_CONFIG.
TFA_FLAGS=(PLAT=qemu QEMU_USE_GIC_DRIVER=QEMU_GICV3 SPD=spmd SPMD_SPM_AT_SEL2=0
	SPMC_OPTEE=1)
# SECURE_WORLD_TRACE=1: LOG_LEVEL=50 (VERBOSE) makes the SPM dispatcher log
# every FF-A SMC it handles ("VERBOSE: SPM(cpu): fid x1 ... x7"), which the
# boot harness lists. TF-A has one console, the kernel's UART, and its
# lines then interleave with the kernel's when both CPUs print: for
# investigation, not for the default build the checks run on.
[ "${SECURE_WORLD_TRACE:-0}" = 1 ] && TFA_FLAGS+=(LOG_LEVEL=50)

die() {
	echo "secure-world: $*" >&2
	rm -rf "$OUT" "$FAILED"
	[ -d "$WORK" ] && mv "$WORK" "$FAILED"
	exit 1
}

for tool in dpkg-source dtc ${CROSS}gcc; do
	command -v "$tool" >/dev/null || die "$tool not found: run 'make deps'"
done
[ -r "$BL33" ] || die "no BL33 at $BL33: run 'make deps' (u-boot-qemu)"
$PY -c 'import elftools, cryptography' 2>/dev/null ||
	die "$PY lacks elftools/cryptography: run 'make deps'"

# Fetch once; debian-fetch.sh leaves DEST absent when it fails.
dsc_of() { ls "$BUILD/debian/$1"/*.dsc 2>/dev/null | head -n1; }
for p in "$TFA_PKG:$TFA_SUITE" "$OPTEE_PKG:$OPTEE_SUITE"; do
	[ -n "$(dsc_of "${p%%:*}")" ] && continue
	"$FETCH" source "${p%%:*}" "$BUILD/debian/${p%%:*}" "${p##*:}" >/dev/null ||
		die "fetching the ${p%%:*} source package failed (see above)"
done
TFA_DSC=$(dsc_of $TFA_PKG) OPTEE_DSC=$(dsc_of $OPTEE_PKG)
deb_version() { basename "$1" .dsc | cut -d_ -f2; }
# Both builds name themselves after "git describe" of the enclosing
# repository, which here would be this project's: name them after the
# Debian package instead, and keep git from looking above the sources.
export GIT_CEILING_DIRECTORIES=$WORK
OPTEE_FLAGS+=(TEE_IMPL_VERSION="$(deb_version "$OPTEE_DSC")" CFG_OS_REV_REPORTS_GIT_SHA1=n)
TFA_FLAGS+=(BUILD_STRING="debian-$(deb_version "$TFA_DSC")")

key=$(
	echo "tf-a $(basename "$TFA_DSC")"
	echo "optee $(basename "$OPTEE_DSC")"
	echo "bl33 u-boot-qemu $(dpkg-query -W -f='${Version}' u-boot-qemu 2>/dev/null)"
	echo "gcc $(${CROSS}gcc -dumpversion)"
	echo "optee-flags ${OPTEE_FLAGS[*]}"
	echo "tfa-flags ${TFA_FLAGS[*]}"
	echo "inputs $(cat "$MANIFEST" "$0" "$HERE/../build-step.sh" "$HERE/mkenv.py" |
		sha256sum | cut -c1-16)"
)
if [ -f "$OUT/flash.bin" ] && [ -f "$OUT/uboot-env.bin" ] &&
   [ "$(cat "$OUT/key" 2>/dev/null)" = "$key" ]; then
	exit 0
fi

start=$(date +%s)
echo "secure-world: building TF-A and OP-TEE ($(basename "$TFA_DSC" .dsc)," \
	"$(basename "$OPTEE_DSC" .dsc)) into $OUT"
rm -rf "$OUT" "$WORK" "$FAILED"
mkdir -p "$WORK"
LOG=$WORK/build.log
: > "$LOG"

step "unpack $TFA_PKG" dpkg-source --no-copy -x "$TFA_DSC" "$WORK/tf-a"
step "unpack $OPTEE_PKG" dpkg-source --no-copy -x "$OPTEE_DSC" "$WORK/optee-os"

step "OP-TEE build" make -C "$WORK/optee-os" -j"$JOBS" O="$WORK/optee-out" \
	PYTHON3=$PY CROSS_COMPILE=$CROSS CROSS_COMPILE64=$CROSS \
	CROSS_COMPILE_core=$CROSS "${OPTEE_FLAGS[@]}"
core=$WORK/optee-out/core

step "TF-A build" make -C "$WORK/tf-a" -j"$JOBS" CROSS_COMPILE=$CROSS \
	BUILD_BASE="$WORK/tf-a-out" "${TFA_FLAGS[@]}" \
	QEMU_TOS_FW_CONFIG_DTS="$MANIFEST" \
	BL32="$core/tee-header_v2.bin" BL32_EXTRA1="$core/tee-pager_v2.bin" \
	BL32_EXTRA2="$core/tee-pageable_v2.bin" BL33="$BL33" all fip
step "flash image" cp "$WORK/tf-a-out/qemu/release/qemu_fw.bios" "$WORK/flash.bin"
# The user TAs OP-TEE builds in-tree (pkcs11, ...), signed with the
# development key this OP-TEE accepts: `make xtest` puts them into its
# initrd next to Debian's optee-test TAs (xtest's pkcs11 suite needs one).
mkdir -p "$WORK/ta"
step "in-tree TAs" cp $WORK/optee-out/ta/*/*.ta "$WORK/ta/"
step "U-Boot environment" $PY "$HERE/mkenv.py" "$WORK/uboot-env.bin"

# Keep the images and the log, not the 350 MB of sources and objects.
rm -rf "$WORK/tf-a" "$WORK/optee-os" "$WORK/tf-a-out" "$WORK/optee-out"
echo "$key" > "$WORK/key"
mv "$WORK" "$OUT"
echo "secure-world: built in $(( $(date +%s) - start )) s: $OUT/flash.bin"
