#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian packages from suites this bookworm machine does not use,
# without touching the system's apt configuration.
#
#   debian-fetch.sh binary PKG DEST [SUITE]   download PKG's .deb and unpack
#                                            it into DEST/root
#   debian-fetch.sh source PKG DEST [SUITE]   apt-get source --download-only
#                                            into DEST (dsc, orig, debian)
#
# The private sources file takes the URIs and the keyring of the system's
# own Debian sources (deb822 or one-line format) and adds the suites named
# below; apt's state lives under $APT_STATE (default build/apt). Nothing is
# installed and no host name is written here. A failed or partial fetch
# leaves DEST absent and prints one line.
#
# ARCH=arm64 (or another Debian architecture) fetches binary packages of
# that architecture instead of the host's; its apt state lives apart, in
# $APT_STATE-$ARCH (default build/debian/apt-arm64), so the host's lists are not
# touched. Several packages may be given as "PKG1,PKG2,..." in binary mode:
# their .debs are downloaded together and unpacked into one DEST/root (the
# .debs stay in DEST/debs); "PKG/SUITE" in the list picks that package's
# suite, SUITE applies to the others.
set -euo pipefail

# bookworm too: its own source packages (edk2, for tools/testing/conduit/uefi)
# are not in the system's one-line or deb822 sources, which list no deb-src.
SUITES="bookworm trixie trixie-backports sid"
mode=${1:-}; pkg=${2:-}; dest=${3:-}; suite=${4:-}
die() { echo "debian-fetch: $*" >&2; exit 1; }
[ -n "$mode" ] && [ -n "$pkg" ] && [ -n "$dest" ] || die "usage: $0 binary|source PKG DEST [SUITE]"
case $mode in binary|source) ;; *) die "unknown mode '$mode' (binary or source)";; esac

mkdir -p "$(dirname "$dest")"
dest=$(cd "$(dirname "$dest")" && pwd)/$(basename "$dest")
state=${APT_STATE:-$(dirname "$dest")/apt}
ARCH=${ARCH:-}
[ -z "$ARCH" ] || state=$state-$ARCH
mkdir -p "$state/lists/partial" "$state/parts" "$state/cache/archives/partial"
state=$(cd "$state" && pwd)

# The system's Debian mirror and keyring: the first Debian entry that is not
# the security archive.
uri= ; key=
for f in /etc/apt/sources.list.d/*.sources; do
	[ -r "$f" ] || continue
	while read -r k v _; do
		case $k in
		URIs:) case $v in *debian-security*) ;; *debian*) [ -n "$uri" ] || uri=$v;; esac;;
		Signed-By:) [ -n "$key" ] || key=$v;;
		esac
	done < "$f"
done
if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
	uri=$(awk '$1=="deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
		/etc/apt/sources.list)
fi
[ -n "$uri" ] || die "no Debian source found in /etc/apt/sources.list{,.d}"
[ -n "$key" ] || key=/usr/share/keyrings/debian-archive-keyring.gpg

src="$state/debian.sources"
printf 'Types: deb deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
	"$uri" "$SUITES" "$key" > "$src.new"
cmp -s "$src.new" "$src" 2>/dev/null && rm -f "$src.new" || { mv "$src.new" "$src"; rm -f "$state/updated"; }

APT=(-o "Dir::Etc::SourceList=$src" -o "Dir::Etc::SourceParts=$state/parts"
     -o "Dir::State::Lists=$state/lists" -o "Dir::Cache=$state/cache"
     -o "Dir::State::status=/var/lib/dpkg/status" -o "APT::Sandbox::User=root"
     -o "Acquire::Retries=3")
[ -z "$ARCH" ] || APT+=(-o "APT::Architecture=$ARCH" -o "APT::Architectures=$ARCH")

# Lists are refreshed once a day at most.
if [ -z "$(find "$state/updated" -mmin -1440 2>/dev/null)" ]; then
	apt-get "${APT[@]}" -qq update >"$state/update.log" 2>&1 &&
		! grep -q '^[WE]:' "$state/update.log" ||
		die "apt-get update with $src failed: $(grep -m1 -E '^(E|W):' "$state/update.log" || tail -n1 "$state/update.log")"
	touch "$state/updated"
fi

tmp="$dest.partial"
rm -rf "$tmp" && mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
target=$pkg${suite:+/$suite}
if [ "$mode" = binary ] && [ "${pkg#*,}" != "$pkg" ]; then
	targets=()
	for p in ${pkg//,/ }; do
		case $p in */*) targets+=("$p");; *) targets+=("$p${suite:+/$suite}");; esac
	done
	mkdir -p "$tmp/debs"
	(cd "$tmp/debs" && apt-get "${APT[@]}" -qq download "${targets[@]}") >"$state/fetch.log" 2>&1 ||
		die "apt-get download $pkg failed: $(grep -m1 -E '^E:' "$state/fetch.log" || tail -n1 "$state/fetch.log")"
	[ "$(ls "$tmp"/debs/*.deb 2>/dev/null | wc -l)" = "${#targets[@]}" ] ||
		die "apt-get download $pkg produced $(ls "$tmp"/debs/*.deb 2>/dev/null | wc -l) of ${#targets[@]} .debs"
	for deb in "$tmp"/debs/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root" || die "could not unpack $deb"
	done
elif [ "$mode" = binary ]; then
	(cd "$tmp" && apt-get "${APT[@]}" -qq download "$target") >"$state/fetch.log" 2>&1 ||
		die "apt-get download $target failed: $(grep -m1 -E '^E:' "$state/fetch.log" || tail -n1 "$state/fetch.log")"
	deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n1)
	[ -n "$deb" ] || die "apt-get download $target produced no .deb"
	dpkg-deb -x "$deb" "$tmp/root" || die "could not unpack $deb"
else
	(cd "$tmp" && apt-get "${APT[@]}" -qq source --download-only "$target") >"$state/fetch.log" 2>&1 ||
		die "apt-get source $target failed: $(grep -m1 -E '^E:' "$state/fetch.log" || tail -n1 "$state/fetch.log")"
	ls "$tmp"/*.dsc >/dev/null 2>&1 || die "apt-get source $target produced no .dsc"
fi
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "debian-fetch: $mode $target -> $dest"
