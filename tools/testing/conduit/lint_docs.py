# SPDX-License-Identifier: GPL-2.0
"""The docs gates of `make lint`: kernel-doc -Wall adds no warning in the
files the series touches (so 0 in the files it adds), and `make htmldocs`
of the books the series touches adds no warning."""

import hashlib
import os
import re
import shutil
import tempfile
import time

from lint_builds import checkout
from lint_tree import (BISECT, JOBS, KBUILD_LOCK, KTREE, LINTDIR, added_lines, git, gitout,
                       kernel_sources, run, series_files)


def kerneldoc_warnings(rev, files):
    """kernel-doc -none -Wall over FILES as they are at REV."""
    if not files:
        return []
    kdoc = os.path.join(KTREE, "scripts", "kernel-doc")
    with tempfile.TemporaryDirectory(prefix="kdoc-") as tmp:
        for f in files:
            os.makedirs(os.path.join(tmp, os.path.dirname(f)), exist_ok=True)
            with open(os.path.join(tmp, f), "w") as out:
                out.write(git(["show", f"{rev}:{f}"]).stdout)
        p = run([kdoc, "-none", "-Wall"] + files, cwd=tmp, check=False)
    return [ln for ln in (p.stdout + p.stderr).splitlines() if ln.strip()]


def without_line_numbers(warning):
    """A kernel-doc warning with its line number left out ("file:123:" from
    the perl kernel-doc, "file:123 " from the python one): the series'
    changes move lines."""
    return re.sub(r":\d+([: ])", r":\1", warning)


def gate_kerneldoc(r, base, tip):
    """kernel-doc -none -Wall: no warning at the tip that the base does not
    have, in every .c and .h file the series touches."""
    files = kernel_sources(series_files(base, tip), (".c", ".h"))
    existing = set(gitout(["ls-tree", "-r", "--name-only", base, "--"] + files).splitlines())
    old = [without_line_numbers(w)
           for w in kerneldoc_warnings(base, sorted(f for f in files if f in existing))]
    new = []
    for w in kerneldoc_warnings(tip, files):
        if without_line_numbers(w) in old:
            old.remove(without_line_numbers(w))
        else:
            new.append(w)
    if new:
        r.add(False, "kernel-doc", f"{len(new)} new warnings in {len(files)} files: "
              + " | ".join(new)[:2000])
        return "kernel-doc FAIL"
    r.add(True, f"kernel-doc -none -Wall: 0 new warnings in {len(files)} files")
    return "kernel-doc ok"


def docs_warnings_of_series(out, base, tip):
    """Sphinx/kernel-doc warnings that are the series': any in a file it
    adds, and those on lines it adds in files it changes."""
    st = gitout(["diff", "--name-status", f"{base}..{tip}"]).splitlines()
    new = [ln.split("\t")[-1] for ln in st if ln.startswith("A")]
    changed = [ln.split("\t")[-1] for ln in st if ln.startswith("M")]
    lines_of = {}
    res = []
    for ln in out.splitlines():
        if not re.search(r"WARNING|ERROR|warning:|error:", ln):
            continue
        if any(f in ln for f in new):
            res.append(ln)
            continue
        for f in changed:
            m = re.search(re.escape(f) + r":(\d+)", ln)
            if m:
                if f not in lines_of:
                    lines_of[f] = added_lines(base, tip, f)
                if int(m.group(1)) in lines_of[f]:
                    res.append(ln)
    return res


def sphinx_dirs(files):
    """The Documentation books (SPHINXDIRS) whose .rst files FILES touch;
    core-api, where the series' API document lives, when none."""
    books = sorted({f.split("/")[1] for f in files
                    if f.startswith("Documentation/") and f.endswith(".rst") and
                    f.count("/") >= 2})
    return books or ["core-api"]


def htmldocs_key(tip, files):
    """Sphinx has to run again only when Documentation/ or a file the
    series touches changed."""
    revs = [gitout(["rev-parse", f"{tip}:Documentation"])] + \
        [gitout(["rev-parse", f"{tip}:{f}"]) for f in files]
    return "htmldocs:" + hashlib.sha256(" ".join(revs).encode()).hexdigest()[:16]


def run_htmldocs(books, rst):
    """make htmldocs SPHINXDIRS=BOOKS in the bisect tree, under the build
    lock; RST are touched first so that Sphinx reads them and warns again."""
    for f in rst:
        os.utime(os.path.join(BISECT, f))
    p = run(KBUILD_LOCK + ["make", "--no-print-directory", "O=out", "htmldocs",
                           f"SPHINXDIRS={' '.join(books)}", f"SPHINXOPTS=-j{JOBS} -q",
                           "KDOC_WERROR="], cwd=BISECT, check=False)
    out = p.stdout + p.stderr
    with open(os.path.join(LINTDIR, "htmldocs.log"), "w") as f:
        f.write(out)
    return p.returncode, out


def gate_htmldocs(r, base, tip, cache):
    """The books the series touches, built with the kernel's Sphinx set-up:
    no warning in the series' files or on the lines it adds."""
    files = series_files(base, tip)
    books = sphinx_dirs(files)
    rst = [f for f in files if f.endswith(".rst") and f.split("/")[1:2][0] in books]
    key = htmldocs_key(tip, files)
    hit = cache.get(key)
    if hit:
        r.add(True, f"htmldocs {hit}")
        return "htmldocs ok"
    if not shutil.which("sphinx-build"):
        r.add(False, "htmldocs", "sphinx-build not installed (apt-get install python3-sphinx)")
        return "htmldocs FAIL"
    checkout(tip)
    t0 = time.time()
    rc, out = run_htmldocs(books, rst)
    mine = docs_warnings_of_series(out, base, tip)
    html = [os.path.join(BISECT, "out", "Documentation", "output", f[len("Documentation/"):-4]
                         + ".html") for f in rst]
    missing = [os.path.relpath(h, BISECT) for h in html if not os.path.exists(h)]
    total = len([ln for ln in out.splitlines() if re.search(r"WARNING|ERROR", ln)])
    if rc or mine or missing:
        r.add(False, "htmldocs", (f"make htmldocs exit {rc}; " if rc else "")
              + (f"not built: {', '.join(missing)}; " if missing else "")
              + " | ".join(mine)[:2000])
        return "htmldocs FAIL"
    note = (f"SPHINXDIRS={' '.join(books)}: {', '.join(os.path.basename(h) for h in html)} "
            f"built, 0 warnings in the series' files ({total} elsewhere, see "
            f"build/lint/htmldocs.log), {time.time() - t0:.0f}s")
    cache.put(key, note)
    r.add(True, f"htmldocs {note}")
    return "htmldocs ok"
