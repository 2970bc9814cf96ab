#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The external initrd for `make xtest`: OP-TEE's regression suite (xtest,
# its trusted applications and supplicant plugin) with tee-supplicant and
# the libraries they load, all from Debian's arm64 binary packages, plus
# busybox as the shell and init.
#
#   mkinitrd.sh BUILD_DIR
#
# Writes BUILD_DIR/xtest/initrd.cpio.gz (and .key). The packages are fetched
# with ../debian-fetch.sh (ARCH=arm64, a private apt state under
# BUILD_DIR/debian/apt-arm64) into BUILD_DIR/debian/xtest-arm64/ and reused
# after that; delete that directory to pick up newer uploads. A warm run
# (same packages, same scripts) does nothing.
#
# The kernel unpacks this archive over its built-in initramfs, so its /init
# (busybox, which runs init.sh through /etc/inittab: the test kernels have
# no BINFMT_SCRIPT, so /init must be an ELF binary) replaces the harness's.
set -euo pipefail

BUILD=${1:?usage: mkinitrd.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
FETCH=$HERE/../debian-fetch.sh
PKGDIR=$BUILD/debian/xtest-arm64
OUT=$BUILD/xtest
INITRD=$OUT/initrd.cpio.gz

# OP-TEE's user space from sid, where optee-test 4.10 (matching the OP-TEE
# 4.10 the secure world is built from) and optee-client 4.11 are; the C
# library and the rest from trixie. The closure of xtest's and
# tee-supplicant's NEEDED entries is checked below.
PACKAGES=(optee-test-qemu/sid tee-supplicant/sid libteec2/sid libckteec0t64/sid
	libc6/trixie libgcc-s1/trixie libssl3t64/trixie libzstd1/trixie zlib1g/trixie
	busybox-static/trixie)

die() { echo "xtest-initrd: $*" >&2; exit 1; }

list=$(IFS=,; echo "${PACKAGES[*]}")
if [ "$(cat "$PKGDIR/packages" 2>/dev/null)" != "$list" ]; then
	rm -rf "$PKGDIR"
	ARCH=arm64 "$FETCH" binary "$list" "$PKGDIR" >/dev/null ||
		die "fetching the arm64 packages failed (see above)"
	echo "$list" > "$PKGDIR/packages"
fi

# OP-TEE's own in-tree TAs (pkcs11 for xtest's pkcs11_* cases, ...), from
# the secure-world build: Debian ships them in no binary package.
SW_TA=$BUILD/secure-world/ta
ls "$SW_TA"/*.ta >/dev/null 2>&1 || die "no OP-TEE in-tree TAs in $SW_TA: run 'make secure-world'"

key=$( (cd "$PKGDIR/debs" && ls *.deb); cat "$0" "$HERE/init.sh" "$SW_TA"/*.ta | sha256sum | cut -c1-16)
if [ -f "$INITRD" ] && [ "$(cat "$INITRD.key" 2>/dev/null)" = "$key" ]; then
	exit 0
fi

mkdir -p "$OUT"
root=$OUT/root.partial
rm -rf "$root"
cp -a "$PKGDIR/root" "$root"
rm -rf "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/lintian" \
	"$root/usr/lib/aarch64-linux-gnu/gconv" "$root/usr/share/locale"
# Debian's merged /usr: the packages ship /usr/lib; the loader is looked up
# as /lib/ld-linux-aarch64.so.1.
for d in bin sbin lib; do
	[ -e "$root/$d" ] || ln -s "usr/$d" "$root/$d"
done
mkdir -p "$root/usr/bin" "$root/usr/sbin" "$root/proc" "$root/sys" "$root/dev" \
	"$root/tmp" "$root/data/tee" "$root/etc" "$root/var/lib/tee"
bb=$root/usr/bin/busybox
[ -x "$bb" ] || die "busybox-static has no /usr/bin/busybox"
# Every NEEDED library of the ELF files is in the archive.
missing=$(find "$root/usr/bin" "$root/usr/sbin" "$root/usr/lib" -type f \
		\( -perm -u+x -o -name '*.so*' -o -name '*.plugin' \) 2>/dev/null |
	while read -r f; do
		aarch64-linux-gnu-readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
	done | sort -u | while read -r lib; do
		[ -n "$(find "$root/usr/lib" -name "$lib" -print -quit)" ] || echo "$lib"
	done)
[ -z "$missing" ] || die "libraries missing from the initrd: $missing"
for f in usr/bin/xtest usr/sbin/tee-supplicant; do
	[ -x "$root/$f" ] || die "no /$f in the packages"
done

cp "$SW_TA"/*.ta "$root/usr/lib/optee_armtz/"
ln -f "$bb" "$root/init"
for a in sh mount mknod mkdir cat grep sed awk sleep poweroff date echo ls rm \
	mdev kill pidof tee sort tr; do
	[ -e "$root/usr/bin/$a" ] || ln -s busybox "$root/usr/bin/$a"
done
cp "$HERE/init.sh" "$root/etc/xtest-init.sh"
printf '%s\n' '::sysinit:/usr/bin/busybox sh /etc/xtest-init.sh' > "$root/etc/inittab"

(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0) | gzip -6 > "$INITRD.partial"
mv "$INITRD.partial" "$INITRD"
echo "$key" > "$INITRD.key"
rm -rf "$root"
echo "xtest-initrd: $INITRD ($(( $(stat -c %s "$INITRD") / 1024 )) KiB)"
