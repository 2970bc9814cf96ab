#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Assemble the SERIES manifest onto a base kernel tree as git commits.

Usage:
  series.py tree   --repo DIR --build DIR [--ksrc PATH]   assemble build/linux
  series.py list   --repo DIR                             print the resolved series
  series.py check  --repo DIR                             parse and cross-check only

The base tree is imported once into BUILD/linux as a git repository with a
single base commit (tag "base"). The series is then built in a scratch index
(GIT_INDEX_FILE) without touching the work tree, and only when every entry
applied is the work tree moved to the new head with `git reset --hard`, which
rewrites just the files that differ. Re-assembling after an edit therefore
takes seconds and keeps make's timestamps on everything else.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

from conduit_common import DEFAULT_BASE  # noqa: E402  Debian's linux-source-7.3
MIN_FREE_GIB = 6
# Fixed dates make assembly deterministic: same inputs, same commit ids.
COMMIT_DATE = "1700000000 +0000"


class SeriesError(Exception):
    pass


def die(msg):
    print(f"series: error: {msg}", file=sys.stderr)
    sys.exit(1)


def git(args, cwd, env=None, input=None, check=True):
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    proc = subprocess.run(["git"] + args, cwd=cwd, env=full_env, input=input,
                          capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise SeriesError(f"git {' '.join(args)}: {proc.stderr.strip()}")
    return proc


# --------------------------------------------------------------------------
# Manifest


class Commit:
    def __init__(self, slug, line):
        self.slug = slug
        self.line = line
        self.subject = None
        self.upstream = True
        self.stock = False
        self.submission = None  # name of a separate submission, or None
        self.files = []
        self.message = []
        self.notes = []         # below the --- of the patch email, not committed
        self.sections = []      # (diff file, text)

    def full_message(self, signoff):
        body = "\n".join(self.message).strip("\n")
        msg = self.subject + "\n\n"
        if body:
            msg += body + "\n\n"
        if signoff:
            msg += f"Signed-off-by: {signoff}\n"
        return msg


FLAGS = ("upstream", "stock")


def _set_key(cur, key, val, where):
    """Apply one 'key: value' line of SERIES to commit CUR; return the block
    that indented lines after it belong to (files, message, notes) or None."""
    if key == "subject":
        cur.subject = val
    elif key in FLAGS:
        if val not in ("yes", "no"):
            raise SeriesError(f"{where}: {key}: must be yes or no")
        setattr(cur, key, val == "yes")
    elif key == "submission":
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", val):
            raise SeriesError(f"{where}: bad submission name {val!r}")
        cur.submission = val
    elif key in ("files", "message", "notes"):
        if val:
            raise SeriesError(f"{where}: put {key} on the following tab-indented lines")
        return key
    else:
        raise SeriesError(f"{where}: unknown key {key!r}")
    return None


def _add_indented(cur, block, line, where):
    """Add an indented (or, in message:/notes:, empty) line to block BLOCK."""
    if cur is None or block not in ("files", "message", "notes"):
        if line.strip():
            raise SeriesError(f"{where}: indented line outside files:/message:/notes:")
        return
    if block == "files":
        if line.strip():
            cur.files.append(line.strip())
    else:
        getattr(cur, block).append(line[1:] if line.startswith("\t") else "")


def _read_manifest(path):
    """The commits of SERIES at PATH, as written, not yet checked."""
    commits, cur, block = [], None, None
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line, where = raw.rstrip("\n"), f"SERIES:{n}"
            if line.startswith("#"):
                continue
            if line.startswith("\t") or (line == "" and block in ("message", "notes")):
                _add_indented(cur, block, line, where)
                continue
            if not line.strip():
                continue
            key, sep, val = line.partition(":")
            if not sep:
                raise SeriesError(f"{where}: expected 'key: value', got {line!r}")
            key, val = key.strip(), val.strip()
            if key == "commit":
                if not val or any(c.isspace() for c in val):
                    raise SeriesError(f"{where}: bad commit slug {val!r}")
                cur, block = Commit(val, where), None
                commits.append(cur)
            elif cur is None:
                raise SeriesError(f"{where}: '{key}:' before the first 'commit:'")
            else:
                block = _set_key(cur, key, val, where)
    return commits


def _check_order(c, state):
    """Separate submissions first, then the upstream series, then test-only
    commits; STATE carries what was seen so far."""
    if c.submission and (not c.upstream or state["main"]):
        raise SeriesError(f"{c.line}: commit {c.slug!r}: a separate submission "
                          "must be upstream and come before the series")
    if not c.upstream:
        state["test_only"] = True
    elif state["test_only"]:
        raise SeriesError(f"{c.line}: upstream commit {c.slug!r} follows a test-only one")
    elif not c.submission:
        state["main"] = True


def parse_manifest(repo):
    """Read and check SERIES: unique slugs, subjects, order, new files."""
    commits = _read_manifest(os.path.join(repo, "SERIES"))
    seen, state = set(), {"test_only": False, "main": False}
    for c in commits:
        if c.slug in seen:
            raise SeriesError(f"{c.line}: commit {c.slug!r} appears twice")
        seen.add(c.slug)
        if not c.subject:
            raise SeriesError(f"{c.line}: commit {c.slug!r} has no subject")
        if c.stock and c.upstream:
            raise SeriesError(f"{c.line}: stock: yes is only for test-only commits")
        _check_order(c, state)
        for f in c.files:
            if not os.path.isfile(os.path.join(repo, f)):
                raise SeriesError(f"{c.line}: commit {c.slug!r}: new file {f} is missing")
    return commits


DIFF_ROOTS = ("arch", "block", "certs", "crypto", "Documentation", "drivers",
              "fs", "include", "init", "ipc", "kernel", "lib", "mm", "net",
              "samples", "scripts", "security", "sound", "tools", "virt")
DIFF_SKIP = ("tools/testing/conduit",)


def find_diffs(repo):
    found = []
    for name in os.listdir(repo):
        if name.endswith(".diff") and os.path.isfile(os.path.join(repo, name)):
            found.append(name)
    for root in DIFF_ROOTS:
        top = os.path.join(repo, root)
        for dirpath, dirnames, filenames in os.walk(top):
            rel = os.path.relpath(dirpath, repo)
            if rel.startswith(DIFF_SKIP):
                dirnames[:] = []
                continue
            found += [os.path.join(rel, f) for f in filenames if f.endswith(".diff")]
    return sorted(found)


def split_sections(repo, diff):
    """Yield (slug, text, first line number) for each commit: section."""
    target = diff[:-len(".diff")]
    sections, slug, start, buf = [], None, 0, []
    with open(os.path.join(repo, diff)) as f:
        lines = f.read().split("\n")
    for n, line in enumerate(lines, 1):
        if line.startswith("commit:"):
            if slug is not None:
                sections.append((slug, "\n".join(buf) + "\n", start))
            slug, start, buf = line.split(":", 1)[1].strip(), n, []
            continue
        if slug is None:
            if line.strip() and not line.startswith("#"):
                raise SeriesError(f"{diff}:{n}: text before the first 'commit:' line")
            continue
        buf.append(line)
    if slug is not None:
        sections.append((slug, "\n".join(buf).rstrip("\n") + "\n", start))
    for slug, text, n in sections:
        for line in text.split("\n"):
            if line.startswith(("--- ", "+++ ")):
                path = line[4:].split("\t")[0]
                if path != "/dev/null" and path[2:] != target:
                    raise SeriesError(f"{diff}:{n}: section for {slug!r} patches "
                                      f"{path}, but this file may only patch {target}")
    return sections


def load_series(repo):
    commits = parse_manifest(repo)
    by_slug = {c.slug: c for c in commits}
    for diff in find_diffs(repo):
        for slug, text, n in split_sections(repo, diff):
            if slug not in by_slug:
                raise SeriesError(f"{diff}:{n}: section names unknown commit {slug!r}")
            by_slug[slug].sections.append((diff, text))
    added = {}
    for i, c in enumerate(commits):
        for f in c.files:
            if f in added:
                raise SeriesError(f"{c.slug}: {f} is already added by {commits[added[f]].slug}")
            added[f] = i
    for i, c in enumerate(commits):
        for diff, _ in c.sections:
            target = diff[:-len(".diff")]
            if target in added and added[target] >= i:
                raise SeriesError(f"{diff}: commit {c.slug!r} changes {target} "
                                  f"before {commits[added[target]].slug!r} adds it")
    return commits


# --------------------------------------------------------------------------
# Base tree


def base_identity(ksrc):
    if ksrc is None:
        if not os.access(DEFAULT_BASE, os.R_OK):
            raise SeriesError(f"default base {DEFAULT_BASE} is missing: "
                              "run make deps, or set KSRC=/path/to/tree")
        # The absolute path: the same tarball named relative to another
        # directory must not count as a new base (that re-imports the tree
        # and throws away every build in it).
        base = os.path.abspath(DEFAULT_BASE)
        st = os.stat(base)
        return ("tarball", base, f"{base} size={st.st_size} mtime={int(st.st_mtime)}")
    ksrc = os.path.abspath(ksrc)
    if not os.path.isdir(ksrc) or not os.access(ksrc, os.R_OK | os.X_OK):
        raise SeriesError(f"KSRC={ksrc} is not a readable directory")
    if not os.path.isfile(os.path.join(ksrc, "Makefile")) or \
       not os.path.isdir(os.path.join(ksrc, "kernel")):
        raise SeriesError(f"KSRC={ksrc} does not look like a kernel tree (no Makefile or kernel/)")
    if os.path.exists(os.path.join(ksrc, ".git")):
        head = git(["rev-parse", "HEAD"], ksrc).stdout.strip()
        return ("git", ksrc, f"{ksrc} git {head}")
    return ("dir", ksrc, f"{ksrc} (plain directory)")


def kernel_version(tree):
    vals = {}
    with open(os.path.join(tree, "Makefile")) as f:
        for line in f:
            for k in ("VERSION", "PATCHLEVEL", "SUBLEVEL", "EXTRAVERSION"):
                if line.startswith(k + " ="):
                    vals.setdefault(k, line.split("=", 1)[1].strip())
    v = f"{vals.get('VERSION')}.{vals.get('PATCHLEVEL')}.{vals.get('SUBLEVEL')}"
    return v + vals.get("EXTRAVERSION", "")


def check_space(path):
    st = os.statvfs(path)
    free = st.f_bavail * st.f_frsize / 2**30
    if free < MIN_FREE_GIB:
        raise SeriesError(f"only {free:.1f} GiB free under {path}; a build needs "
                          f"about {MIN_FREE_GIB} GiB: free some space and retry")


def import_base(build, kind, src, ident):
    """Create BUILD/linux with one base commit; returns the tree path."""
    tree = os.path.join(build, "linux")
    tmp = tree + ".new"
    shutil.rmtree(tmp, ignore_errors=True)
    env = {"GIT_AUTHOR_DATE": COMMIT_DATE, "GIT_COMMITTER_DATE": COMMIT_DATE,
           "GIT_AUTHOR_NAME": "base import", "GIT_AUTHOR_EMAIL": "base@import",
           "GIT_COMMITTER_NAME": "base import", "GIT_COMMITTER_EMAIL": "base@import"}
    print(f"series: importing base {ident} (once)")
    if kind == "git":
        git(["clone", "--quiet", "--shared", "--no-checkout", src, tmp], build)
        git(["checkout", "--quiet", "--detach", "HEAD"], tmp)
    else:
        os.makedirs(tmp)
        if kind == "tarball":
            r = subprocess.run(["tar", "-xJf", src, "-C", tmp, "--strip-components=1"])
        else:
            r = subprocess.run(f"tar -C '{src}' --exclude=.git -cf - . | tar -C '{tmp}' -xf -",
                               shell=True)
        if r.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            raise SeriesError(f"could not unpack the base {src}")
        git(["init", "--quiet"], tmp)
        git(["add", "-A", "-f"], tmp)
        msg = f"base: Linux {kernel_version(tmp)} from {ident}\n"
        git(["commit", "--quiet", "--no-verify", "-m", msg], tmp, env=env)
    git(["tag", "-f", "base"], tmp)
    with open(os.path.join(tmp, ".git", "info", "exclude"), "a") as f:
        f.write("/out/\n")
    with open(os.path.join(tmp, ".git", "conduit-base"), "w") as f:
        f.write(ident + "\n")
    shutil.rmtree(os.path.join(build, "stock"), ignore_errors=True)
    if os.path.exists(tree):
        old = tree + ".old"
        shutil.rmtree(old, ignore_errors=True)
        os.rename(tree, old)
        shutil.rmtree(old, ignore_errors=True)
    os.rename(tmp, tree)
    return tree


def ensure_base(build, ksrc):
    kind, src, ident = base_identity(ksrc)
    os.makedirs(build, exist_ok=True)
    tree = os.path.join(build, "linux")
    marker = os.path.join(tree, ".git", "conduit-base")
    current = open(marker).read().strip() if os.path.exists(marker) else None
    if current != ident:
        check_space(build)
        tree = import_base(build, kind, src, ident)
    base = git(["rev-parse", "base^{commit}"], tree).stdout.strip()
    with open(os.path.join(build, "base.txt"), "w") as f:
        f.write(f"base: {ident}\nversion: {kernel_version(tree)}\ncommit: {base}\n")
    return tree, base


# --------------------------------------------------------------------------
# Assembly


# The sign-off when no git identity is configured (lint.py uses the same).
PLACEHOLDER_NAME = "Unconfigured Git Identity"
PLACEHOLDER_EMAIL = "unconfigured-identity@example.invalid"


def identity(tree):
    name = git(["config", "user.name"], tree, check=False).stdout.strip()
    email = git(["config", "user.email"], tree, check=False).stdout.strip()
    if name and email:
        return name, email, True
    # No identity configured: sign off with a placeholder that cannot be
    # mistaken for a person, so that building, testing and `make series`
    # still work; both say so.
    return PLACEHOLDER_NAME, PLACEHOLDER_EMAIL, False


def reverse_to_commit(repo, path, later_sections):
    """Content of the series-new file PATH before LATER_SECTIONS were applied."""
    with tempfile.TemporaryDirectory(prefix="series-") as tmp:
        dst = os.path.join(tmp, path)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(os.path.join(repo, path), dst)
        for slug, diff, text in reversed(later_sections):
            p = subprocess.run(["git", "apply", "-R", "--recount", "-"], cwd=tmp, input=text,
                               text=True, capture_output=True,
                               env=dict(os.environ, GIT_CEILING_DIRECTORIES=tmp,
                                        GIT_DIR=os.path.join(tmp, ".nogit")))
            if p.returncode != 0:
                raise SeriesError(f"entry {slug!r}: {diff} does not reverse-apply to the "
                                  f"final {path}: {p.stderr.strip()}")
        with open(dst, "rb") as f:
            return f.read()


# Stands for the assembler's git identity wherever the series names its
# maintainer (the MAINTAINERS entry), so no name is hard-coded in the repo.
IDENTITY_TOKEN = "@GIT_IDENTITY@"


def build_chain(repo, tree, base, commits, all_commits, env_id, signoff):
    """Commit COMMITS on top of BASE in a scratch index; return the new head.

    ALL_COMMITS is the whole series: a file that a commit adds is kept in
    its final form, so the sections of every later commit that touch it are
    reverse-applied to get the content at that commit.
    """
    index = os.path.join(tree, ".git", "series-index")
    env = dict(env_id, GIT_INDEX_FILE=index)
    git(["read-tree", base], tree, env=env)
    position = {c.slug: i for i, c in enumerate(all_commits)}
    new_files = {f for c in all_commits for f in c.files}
    later = {}      # path -> [(slug, diff, text)] for series-new files, in order
    for c in all_commits:
        for diff, text in c.sections:
            target = diff[:-len(".diff")]
            if target in new_files:
                later.setdefault(target, []).append((c.slug, diff, text))
    head = base
    for c in commits:
        i = position[c.slug]
        for f in c.files:
            pending = [s for s in later.get(f, []) if position[s[0]] > i]
            data = reverse_to_commit(repo, f, pending)
            blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=tree,
                                  input=data, capture_output=True,
                                  check=True).stdout.decode().strip()
            mode = "100755" if os.access(os.path.join(repo, f), os.X_OK) else "100644"
            git(["update-index", "--add", "--cacheinfo", f"{mode},{blob},{f}"], tree, env=env)
        for diff, text in c.sections:
            text = text.replace(IDENTITY_TOKEN, signoff)
            p = git(["apply", "--cached", "--recount", "-"], tree, env=env, input=text,
                    check=False)
            if p.returncode != 0:
                raise SeriesError(f"entry {c.slug!r} ({c.line}) does not apply: {diff}: "
                                  f"{p.stderr.strip()}")
        treeid = git(["write-tree"], tree, env=env).stdout.strip()
        head = git(["commit-tree", treeid, "-p", head], tree, env=env_id,
                   input=c.full_message(signoff)).stdout.strip()
    os.unlink(index)
    return head


def move_worktree(tree, branch, head):
    """Point BRANCH at HEAD and check it out, rewriting only changed files."""
    old = git(["rev-parse", "HEAD"], tree).stdout.strip()
    git(["update-ref", f"refs/heads/{branch}", head], tree)
    dirty = git(["status", "--porcelain", "--untracked-files=no"], tree).stdout
    cur = git(["symbolic-ref", "-q", "HEAD"], tree, check=False).stdout.strip()
    if old != head or dirty or cur != f"refs/heads/{branch}":
        git(["checkout", "--quiet", "-f", branch], tree)


def assemble(repo, build, ksrc):
    commits = load_series(repo)
    tree, base = ensure_base(build, ksrc)
    name, email, configured = identity(tree)
    signoff = f"{name} <{email}>"
    env_id = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
              "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
              "GIT_AUTHOR_DATE": COMMIT_DATE, "GIT_COMMITTER_DATE": COMMIT_DATE}
    head = build_chain(repo, tree, base, commits, commits, env_id, signoff)
    # The stock kernel: the base plus the test-only commits marked "stock:
    # yes" (instrumentation such as the FF-A echo client), so both kernels
    # are observed with the same probes.
    stock_commits = [c for c in commits if c.stock]
    stock_head = build_chain(repo, tree, base, stock_commits, commits, env_id, signoff)
    upstream = [c for c in commits if c.upstream]
    git(["update-ref", "refs/heads/upstream",
         git(["rev-parse", f"{head}~{len(commits) - len(upstream)}"], tree).stdout.strip()],
        tree)
    move_worktree(tree, "series", head)
    stock = os.path.join(build, "stock")
    if not os.path.isdir(stock):
        git(["worktree", "prune"], tree)
        git(["branch", "-f", "stock", stock_head], tree)
        git(["worktree", "add", "--quiet", stock, "stock"], tree)
    else:
        move_worktree(stock, "stock", stock_head)
    print(f"series: {tree} at {head[:12]}: base {base[:12]} + {len(upstream)} upstream "
          f"+ {len(commits) - len(upstream)} test-only commits; "
          f"{stock} at {stock_head[:12]}: base + {len(stock_commits)} test-only"
          + ("" if configured else " (no git identity configured: signed off as "
             f"{signoff})"))
    return tree


def list_series(repo):
    for n, c in enumerate(load_series(repo), 1):
        tag = "" if c.upstream else "  [test-only]"
        tag += "  [also on stock]" if c.stock else ""
        print(f"{n:2}. {c.slug}: {c.subject}{tag}")
        for f in c.files:
            print(f"      new   {f}")
        for diff, _ in c.sections:
            print(f"      diff  {diff}")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=["tree", "list", "check"])
    ap.add_argument("--repo", required=True)
    ap.add_argument("--build")
    ap.add_argument("--ksrc")
    a = ap.parse_args()
    try:
        if a.action == "tree":
            assemble(os.path.abspath(a.repo), os.path.abspath(a.build), a.ksrc or None)
        elif a.action == "list":
            list_series(a.repo)
        else:
            print(f"series: {len(load_series(a.repo))} commits, manifest and diffs consistent")
    except SeriesError as e:
        die(str(e))


if __name__ == "__main__":
    main()
