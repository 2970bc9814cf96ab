# SPDX-License-Identifier: GPL-2.0
"""The harness's own code, for `make lint`: no Python function in
tools/testing/conduit/*.py longer than MAX_LINES lines (from its def line
to its last line, docstring and comments included; a nested function
counts on its own and within the one around it)."""

import ast
import glob
import os

from lint_tree import HERE

MAX_LINES = 80


def function_lengths(path):
    """(qualified name, first line, length) of every function in PATH."""
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    res = []

    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + child.name
                res.append((name, child.lineno, child.end_lineno - child.lineno + 1))
                walk(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                walk(child, prefix + child.name + ".")
            else:
                walk(child, prefix)
    walk(tree, "")
    return res


def long_functions(paths, limit=MAX_LINES):
    """(file, name, first line, length) of the functions of PATHS over LIMIT."""
    return [(os.path.basename(p), name, line, n) for p in paths
            for name, line, n in function_lengths(p) if n > limit]


def gate_function_length(r):
    """One FAIL line per function over MAX_LINES, one PASS line if none."""
    paths = sorted(glob.glob(os.path.join(HERE, "*.py")))
    bad = long_functions(paths)
    for f, name, line, n in bad:
        r.add(False, f"function length {f}:{line} {name}()", f"{n} lines (limit {MAX_LINES})")
    if not bad:
        r.add(True, f"function length: no function over {MAX_LINES} lines in "
              f"{len(paths)} files of tools/testing/conduit")
    return f"function length {len(bad)} over"


def longest_per_file(paths):
    """{file: (name, length)} of the longest function of each of PATHS."""
    res = {}
    for p in paths:
        fl = function_lengths(p)
        if fl:
            name, _, n = max(fl, key=lambda x: x[2])
            res[os.path.basename(p)] = (name, n)
    return res


if __name__ == "__main__":
    for f, (name, n) in sorted(longest_per_file(glob.glob(os.path.join(HERE, "*.py"))).items()):
        print(f"{n:4} {f} {name}()")
