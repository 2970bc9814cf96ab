#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A sparse that v7.3 accepts, built from Debian's source package.
#
#   sparse-build.sh OUT KTREE
#                          print the path of a sparse that KTREE's
#                          scripts/checker-valid.sh accepts, linked as OUT
#
# v7.3's scripts/checker-valid.sh asks for __typeof_unqual__, which
# bookworm's sparse 0.6.4 rejects; the kernel then prints "C=1 specified,
# but sparse is not available or not up to date" and builds WITHOUT sparse,
# so every "sparse adds nothing" would hold vacuously. sid's source package
# (0.6.5~rc1) passes. Its binary needs a newer glibc than bookworm's, so the
# source is fetched (debian-fetch.sh) and built (30 s) into a cache outside
# the clone, keyed by the source package's version and the host's compiler:
# ${CONDUIT_SPARSE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/conduit-sparse}.
set -euo pipefail

out=${1:?usage: sparse-build.sh OUT KTREE}
ktree=${2:?usage: sparse-build.sh OUT KTREE}
here=$(cd "$(dirname "$0")" && pwd)
cache=${CONDUIT_SPARSE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/conduit-sparse}
suite=${SPARSE_SUITE:-sid}
mkdir -p "$cache" "$(dirname "$out")"
exec 9>"$cache/.lock"
flock 9

src=$cache/src-$suite
[ -d "$src" ] || APT_STATE=${APT_STATE:-$cache/apt} \
	"$here/debian-fetch.sh" source sparse "$src" "$suite" >&2
dsc=$(ls "$src"/sparse_*.dsc)
version=$(sed -n 's/^Version: //p' "$dsc")
key=$version-$(gcc -dumpfullversion)-$(uname -m)
bin=$cache/$key/sparse
if [ ! -x "$bin" ]; then
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	tar -xzf "$src"/sparse_*.orig.tar.gz -C "$work"
	if ! make -C "$work"/sparse-* -j"$(nproc)" sparse HAVE_LLVM=no \
		HAVE_GTK=no HAVE_LIBXML=no >"$cache/build-$key.log" 2>&1; then
		tail -n 20 "$cache/build-$key.log" >&2
		echo "sparse-build: building sparse $version failed; log: $cache/build-$key.log" >&2
		exit 1
	fi
	mkdir -p "$cache/$key"
	cp "$work"/sparse-*/sparse "$bin.tmp"
	mv "$bin.tmp" "$bin"
fi
# The kernel's own test of a usable checker, so that a sparse it would
# reject fails here instead of silently turning C=1 off.
if [ "$(sh "$ktree/scripts/checker-valid.sh" "$bin")" != 1 ]; then
	echo "sparse-build: $ktree/scripts/checker-valid.sh rejects $bin ($version)" >&2
	exit 1
fi
ln -sf "$bin" "$out"
echo "$out"
