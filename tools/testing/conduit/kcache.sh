#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A cache of whole kernel output directories, outside the clone, keyed by
# every input of the build, as ccache keys one object.
#
# usage: kcache.sh restore|store TREE OUTDIR TARGETS...
#
#   restore  exit 0 when OUTDIR already holds, or now holds from the cache,
#            the build of these inputs; exit 1 when the caller must build
#   store    put OUTDIR's build into the cache (after a successful build)
#
# The key is the SHA-256 of:
#   - the tree's source: every blob of its HEAD but MAINTAINERS (which
#     names whoever assembled the series), and no caching at all when the
#     work tree differs from HEAD (anything but the out* directories);
#   - OUTDIR/.config, without its INITRAMFS_SOURCE line (the list's path
#     is inside the clone), plus that list with each file it names (/init)
#     replaced by the file's content hash;
#   - the make targets;
#   - the Debian versions of the compilers, binutils and host libraries
#     that the build uses, and this script.
#
# A hit unpacks the directory with --touch, so that an incremental build
# later sees every object newer than its source. The directory's own
# .config and kconfig stamp are never taken from the cache.
#
# CONDUIT_KCACHE selects the directory (default ~/.cache/conduit-kernel);
# CONDUIT_KCACHE=off disables the cache. KCACHE_KEEP (default 10) caps how
# many builds it keeps, least recently used first out.

set -eu

cmd=$1 tree=$2 out=$3
shift 3
targets="$*"
cache=${CONDUIT_KCACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/conduit-kernel}
keep=${KCACHE_KEEP:-10}
[ "$cache" = off ] && exit 1

toolchain_packages="gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu cpp-aarch64-linux-gnu \
	gcc binutils libc6-dev libssl-dev libelf-dev flex bison bc kmod cpio"

# The initramfs list named by the .config, and every file it names.
initramfs_inputs() {
	local list
	list=$(sed -n 's/^CONFIG_INITRAMFS_SOURCE="\(.*\)"$/\1/p' "$out/.config")
	[ -n "$list" ] || return 0
	# a file line names its source by path, inside the clone: hash its
	# content instead
	while read -r type name src rest; do
		[ "$type" = file ] && src=$(sha256sum < "$src" | cut -d' ' -f1)
		echo "$type $name $src $rest"
	done < "$list"
}

key() {
	local src dirty
	# MAINTAINERS names whoever assembled the series, and is no input
	src=$(git -C "$tree" ls-tree -r HEAD 2>/dev/null | grep -v $'\tMAINTAINERS$' |
		sha256sum | cut -d' ' -f1)
	[ "$src" != "$(sha256sum < /dev/null | cut -d' ' -f1)" ] || return 1
	dirty=$(git -C "$tree" status --porcelain -- . ':(exclude)out' ':(exclude)out-*')
	[ -z "$dirty" ] || return 1
	[ -f "$out/.config" ] || return 1
	{
		echo "source $src"
		echo "targets $targets"
		grep -v '^CONFIG_INITRAMFS_SOURCE=' "$out/.config"
		initramfs_inputs
		dpkg-query -W $toolchain_packages 2>/dev/null
		sha256sum < "$0"
	} | sha256sum | cut -d' ' -f1
}

k=$(key) || exit 1
entry=$cache/$k.tar

case $cmd in
restore)
	[ "$(cat "$out/.kcache-key" 2>/dev/null)" = "$k" ] &&
		[ -f "$out/arch/arm64/boot/Image" ] && exit 0
	[ -f "$entry" ] || exit 1
	rm -f "$out/.kcache-key"
	tar -C "$out" -xf "$entry" --touch
	# The unpacked auto.conf may name another clone's initramfs list: a
	# .config newer than it makes the next build run syncconfig again.
	touch "$out/.config" "$entry"
	echo "$k" > "$out/.kcache-key"
	echo "kernel: $out restored from $entry"
	;;
store)
	mkdir -p "$cache"
	if [ ! -f "$entry" ]; then
		tar -C "$out" -cf "$entry.tmp.$$" --exclude=./.config --exclude=./.config.old \
			--exclude=./.conduit-config --exclude=./.kcache-key .
		mv "$entry.tmp.$$" "$entry"
	fi
	echo "$k" > "$out/.kcache-key"
	# shellcheck disable=SC2012
	ls -t "$cache"/*.tar 2>/dev/null | tail -n +$((keep + 1)) | xargs -r rm -f
	;;
*)
	echo "kcache.sh: unknown command $cmd" >&2
	exit 2
	;;
esac
