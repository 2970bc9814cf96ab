#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Report Python functions longer than a limit.

  funclen.py [--max N] FILE...    one line per function over N lines
                                  (default 80); exit 1 if any
  funclen.py --longest FILE...    the longest function of each file

A function's length runs from its def line (decorators included) to its
last line, as Python's ast module gives them; nested functions count
inside the function that holds them and on their own.
"""

import argparse
import ast
import sys


def functions(path):
    """(name, first line, length) of every function and method in PATH."""
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            out.append((node.name, first, node.end_lineno - first + 1))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--max", type=int, default=80)
    ap.add_argument("--longest", action="store_true")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    bad = 0
    for path in a.files:
        funcs = functions(path)
        if a.longest:
            name, line, n = max(funcs, key=lambda f: f[2], default=("-", 0, 0))
            print(f"{path}: {n} lines ({name}, line {line})")
            continue
        for name, line, n in funcs:
            if n > a.max:
                print(f"{path}:{line}: {name}() is {n} lines long (limit {a.max})")
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
