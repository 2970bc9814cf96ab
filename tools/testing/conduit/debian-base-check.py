#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Is the base the series is built on upstream for the files it touches?

  debian-base-check.py --ktree build/linux --apt-state build/debian/apt
                       [--version 7.3.4-1~bpo13+1] [--out build/debian/linux-src]

The base is Debian's linux-source-7.3, which is upstream v7.3.4 with the
Debian linux source package's patches applied and the DFSG-excluded files
taken out. The cover letter may name v7.3.4 as the base only if no Debian
patch touches a file the series touches and no touched file is excluded.

This fetches the source package's .dsc and debian.tar.xz (not the 160 MB
upstream tarball) through apt: "apt-get source --print-uris" with the
private apt configuration of debian-fetch.sh gives the URIs and SHA256
sums, apt-helper downloads and checks them. It then reads every patch named
in debian/patches/series, collects the paths each one changes, and matches
them and debian/copyright's Files-Excluded against the files changed by the
upstream commits of the series (git diff base..upstream in KTREE).

Prints one line: PASS with the counts, or FAIL with the overlapping files
or the reason the package could not be fetched. Exit status 0 or 1.
"""

import argparse
import fnmatch
import os
import re
import subprocess
import sys
import tarfile


def apt_args(state):
    return ["-o", f"Dir::Etc::SourceList={state}/debian.sources",
            "-o", f"Dir::Etc::SourceParts={state}/parts",
            "-o", f"Dir::State::Lists={state}/lists",
            "-o", f"Dir::Cache={state}/cache",
            "-o", "Dir::State::status=/var/lib/dpkg/status"]


def fail(msg):
    print(f"FAIL debian-base {msg}")
    sys.exit(1)


def base_version(ktree):
    """Debian version of the linux-source package the base came from."""
    deb = subprocess.run(["git", "-C", ktree, "log", "-1", "--format=%s", "base"],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"(\S+/linux-source-[\d.]+)/root/", deb)
    if not m:
        fail(f"base commit subject does not name a linux-source package: {deb.strip()}")
    debs = [f for f in os.listdir(m.group(1)) if f.endswith(".deb")]
    if len(debs) != 1:
        fail(f"expected one .deb in {m.group(1)}, found {debs}")
    # linux-source-7.3_7.3.4-1~bpo13+1_all.deb
    return debs[0].split("_")[1]


def fetch(state, version, out):
    """The .dsc and debian.tar.xz of linux VERSION, checked, in OUT."""
    uris = subprocess.run(["apt-get", *apt_args(state), "source", "--print-uris",
                           f"linux={version}"], capture_output=True, text=True)
    files = {}
    for line in uris.stdout.splitlines():
        m = re.match(r"'(\S+)' (\S+) \d+ (SHA256:[0-9a-f]+)", line)
        if m and (m.group(2).endswith(".dsc") or ".debian.tar." in m.group(2)):
            files[m.group(2)] = (m.group(1), m.group(3))
    if len(files) != 2:
        err = (uris.stderr.strip().splitlines() or ["no URIs"])[-1]
        fail(f"apt knows no source package linux={version}: {err}")
    os.makedirs(out, exist_ok=True)
    for name, (uri, digest) in files.items():
        path = os.path.join(out, name)
        if os.path.exists(path):
            continue
        r = subprocess.run(["/usr/lib/apt/apt-helper", "download-file", uri,
                            path + ".partial", digest], capture_output=True, text=True)
        if r.returncode:
            err = [l for l in (r.stdout + r.stderr).splitlines() if l.startswith("E:")]
            fail(f"cannot fetch {name} through apt: {(err or ['apt-helper failed'])[0]}")
        os.rename(path + ".partial", path)
    return os.path.join(out, next(n for n in files if ".debian.tar." in n))


def patch_paths(text):
    """Paths a unified diff changes, with the first component stripped as
    quilt applies them (-p1: a/, b/, linux.orig/, linux-6.12.69/ ...)."""
    paths = set()
    for m in re.finditer(r"^(?:---|\+\+\+) (\S+)", text, re.M):
        if m.group(1) != "/dev/null" and "/" in m.group(1):
            paths.add(m.group(1).split("/", 1)[1])
    for m in re.finditer(r"^diff --git a/(\S+) b/(\S+)", text, re.M):
        paths.update(m.groups())
    return paths


def debian_patches(tarball):
    """{patch name: set of paths} for debian/patches/series, and Files-Excluded."""
    with tarfile.open(tarball) as tar:
        def read(name):
            return tar.extractfile(f"debian/{name}").read().decode("utf-8", "replace")
        series = [l.split()[0] for l in read("patches/series").splitlines()
                  if l.strip() and not l.lstrip().startswith("#")]
        patches = {p: patch_paths(read(f"patches/{p}")) for p in series}
        copyright_text = read("copyright")
    excluded = []
    m = re.search(r"^Files-Excluded:(.*?)(?=^\S|\Z)", copyright_text, re.M | re.S)
    if m:
        excluded = m.group(1).split()
    return patches, excluded


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ktree", required=True)
    ap.add_argument("--apt-state", required=True)
    ap.add_argument("--version")
    ap.add_argument("--out")
    a = ap.parse_args()

    version = a.version or base_version(a.ktree)
    out = a.out or os.path.join(os.path.dirname(os.path.abspath(a.apt_state)), "linux-src")
    touched = subprocess.run(["git", "-C", a.ktree, "diff", "--name-only", "base", "upstream"],
                             capture_output=True, text=True, check=True).stdout.split()
    tarball = fetch(os.path.abspath(a.apt_state), version, out)
    patches, excluded = debian_patches(tarball)

    hits = sorted(f"{f} ({p})" for p, paths in patches.items() for f in touched if f in paths)
    hits += sorted(f"{f} (Files-Excluded {pat})" for pat in excluded for f in touched
                   if fnmatch.fnmatch(f, pat) or f.startswith(pat.rstrip("/") + "/"))
    if hits:
        fail(f"linux {version}: Debian changes files the series touches: {'; '.join(hits)}")
    print(f"PASS debian-base linux {version}: none of the {len(touched)} files the series "
          f"touches is changed by its {len(patches)} patches or in Files-Excluded")


if __name__ == "__main__":
    main()
