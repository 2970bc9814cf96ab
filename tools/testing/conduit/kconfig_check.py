#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the firmware conduit Kconfig symbols that arm64 configs end up with.

  kconfig_check.py --ktree build/linux --out build/kconfig-check --results FILE

For each case below: arm64 `make defconfig` of the assembled (patched) tree
in an output directory of its own under --out, the case's changes with
scripts/config, `make olddefconfig`, then the conduit symbols of the
.config against the table below, which is taken from the documentation
(each expectation cites its sentence; the sentences are checked to still
be in the tree). No kernel is built: configs only, about 10 s each. The
first case runs `make defconfig`; the others start from a copy of its
output directory (its .config and the conf it built), which is the same
.config `make defconfig` writes, without building conf again.

Also checked, one PASS/FAIL line each:

- symbols: the table names every Kconfig symbol the series defines (the
  `config` lines the tree's Kconfig files gained since tag "base"), so a
  new conduit symbol cannot go unchecked;
- citations: every sentence the table cites is still in the tree;
- self-test select-in-help: the defconfig case fails when KVM's `select
  FIRMWARE_CONDUIT` sits right after its `help` line, i.e. in its help text
  (issue 21). The tree is not touched: the moved line is in a copy of
  arch/arm64/kvm/Kconfig in the self-test's output directory, which conf,
  run there by `make O=`, opens before $(srctree)'s (zconf_fopen() tries a
  relative name in the working directory first). kconfig_help_lint.py must
  flag that copy too.

Writes one PASS/FAIL line per case and check to --results and stdout;
exits 1 if any failed.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kconfig_help_lint  # noqa: E402

# Every conduit symbol of the series, in the order printed.
SYMBOLS = [
    "FIRMWARE_CONDUIT",
    "FIRMWARE_CONDUIT_GATE_FFA_PROXY",
    "FIRMWARE_CONDUIT_GATE_FFA",
    "FIRMWARE_CONDUIT_KUNIT_TEST",
    "FIRMWARE_CONDUIT_KUNIT_LOCKDEP_TEST",
    "FIRMWARE_CONDUIT_BENCH",
    "SAMPLE_CONDUIT_EARLY_CONSUMER",
    "SAMPLE_FFA_ECHO",
]

DOC = "Documentation/core-api/firmware-conduit.rst"
KUNIT_STYLE = "Documentation/dev-tools/kunit/style.rst"

# The sentences the table rests on: key -> (file in the tree, sentence).
# Whitespace and line breaks do not matter when they are looked up.
CITE = {
    "users-select": (DOC, "The gatekeepers select ``CONFIG_FIRMWARE_CONDUIT``. When it is not "
                          "set, the functions are inline stubs that report every conduit ready."),
    "selected-by": ("kernel/conduit/Kconfig", "Selected by the gatekeepers that need it."),
    "ffa-proxy": (DOC, "``CONFIG_FIRMWARE_CONDUIT_GATE_FFA_PROXY`` when ``CONFIG_KVM=y`` on arm64"),
    "ffa": (DOC, "``CONFIG_FIRMWARE_CONDUIT_GATE_FFA`` when ``CONFIG_ARM_FFA_TRANSPORT=y``."),
    "gate-builtin": (DOC, "a ``CONFIG_FIRMWARE_CONDUIT_GATE_*`` symbol that is y when its "
                          "gatekeeper is built in."),
    "module-ungated": (DOC, "A conduit whose gatekeeper is a module or not built is ready from "
                            "the start"),
    "module-gates-nothing": (DOC, "A gatekeeper built as a module therefore gates nothing: its "
                                  "conduit is ready from the start."),
    "kunit-default": (KUNIT_STYLE, "have a default value of ``CONFIG_KUNIT_ALL_TESTS``."),
    "kunit-depend": (KUNIT_STYLE, "depend on the feature being tested, rather than selecting it "
                                  "(so that enabling ``CONFIG_KUNIT_ALL_TESTS`` does not enable "
                                  "unrelated functionality)."),
    "kunit-help": ("kernel/conduit/Kconfig",
                   "Builds the KUnit suite for the firmware conduit core"),
    "lockdep-case-off": ("kernel/conduit/Kconfig",
                         "so the case is never part of KUNIT_ALL_TESTS"),
    "bench-help": ("kernel/conduit/Kconfig",
                   "Test-only. Booted with conduit_bench.run=1"),
    "early-help": ("samples/conduit/Kconfig", "Test-only."),
    "echo-help": ("samples/ffa/Kconfig", "Test-only: the UUID is the test firmware's."),
}

# The test-only options: off unless asked for. Their help says "Test-only"
# and "If unsure, say N", and none has a default (bench-help, early-help,
# echo-help), so no case below turns them on.
TEST_ONLY_OFF = {"FIRMWARE_CONDUIT_BENCH": "n", "FIRMWARE_CONDUIT_KUNIT_LOCKDEP_TEST": "n",
                 "SAMPLE_CONDUIT_EARLY_CONSUMER": "n",
                 "SAMPLE_FFA_ECHO": "n"}


def case(name, what, ops, inputs, expect, cites):
    return {"name": name, "what": what, "ops": ops, "inputs": inputs,
            "expect": {**expect, **TEST_ONLY_OFF}, "cites": cites}


# The table. A symbol that is absent from the .config (its dependencies are
# not met) counts as n. "inputs" are the symbols the case sets or relies on
# from defconfig; they are checked too, so a case cannot pass by testing
# something else than it says.
CASES = [
    # arm64 defconfig has KVM=y and no FF-A. "Gatekeeper: KVM on arm64.
    # Gated when CONFIG_KVM=y (CONFIG_FIRMWARE_CONDUIT_GATE_FFA_PROXY)", and
    # a GATE symbol "is y when its gatekeeper is built in": so the core is
    # there ("Users select CONFIG_FIRMWARE_CONDUIT"; the core's help:
    # "Selected by the gatekeepers and consumers that need it") and the host
    # SMC conduit is gated; FF-A, not built, gates nothing ("A conduit whose
    # gatekeeper is a module or not built is ready from the start").
    case("defconfig", "arm64 defconfig", [],
         {"KVM": "y", "ARM_FFA_TRANSPORT": "n", "KUNIT": "n"},
         {"FIRMWARE_CONDUIT": "y", "FIRMWARE_CONDUIT_GATE_FFA_PROXY": "y",
          "FIRMWARE_CONDUIT_GATE_FFA": "n", "FIRMWARE_CONDUIT_KUNIT_TEST": "n"},
         ["users-select", "selected-by", "ffa-proxy", "gate-builtin", "module-ungated"]),
    # "Gated when CONFIG_ARM_FFA_TRANSPORT=y (CONFIG_FIRMWARE_CONDUIT_GATE_FFA)."
    case("ffa-builtin", "defconfig + ARM_FFA_TRANSPORT=y", ["--enable", "ARM_FFA_TRANSPORT"],
         {"KVM": "y", "ARM_FFA_TRANSPORT": "y"},
         {"FIRMWARE_CONDUIT": "y", "FIRMWARE_CONDUIT_GATE_FFA_PROXY": "y",
          "FIRMWARE_CONDUIT_GATE_FFA": "y", "FIRMWARE_CONDUIT_KUNIT_TEST": "n"},
         ["ffa-proxy", "ffa", "gate-builtin"]),
    # "A gatekeeper built as a module therefore gates nothing": the FF-A
    # core as a module still uses the (built-in) core, but does not gate.
    case("ffa-module", "defconfig + ARM_FFA_TRANSPORT=m", ["--module", "ARM_FFA_TRANSPORT"],
         {"KVM": "y", "ARM_FFA_TRANSPORT": "m"},
         {"FIRMWARE_CONDUIT": "y", "FIRMWARE_CONDUIT_GATE_FFA_PROXY": "y",
          "FIRMWARE_CONDUIT_GATE_FFA": "n", "FIRMWARE_CONDUIT_KUNIT_TEST": "n"},
         ["ffa-proxy", "module-ungated", "module-gates-nothing"]),
    # Without KVM and FF-A nothing selects the core ("Users select
    # CONFIG_FIRMWARE_CONDUIT. When it is not set, the functions are inline
    # stubs that report every conduit ready"; EFI and IMA consume through
    # the stubs and do not select it), so no conduit symbol is set.
    case("kvm-off", "defconfig + KVM=n", ["--disable", "KVM"],
         {"KVM": "n", "ARM_FFA_TRANSPORT": "n"},
         {"FIRMWARE_CONDUIT": "n", "FIRMWARE_CONDUIT_GATE_FFA_PROXY": "n",
          "FIRMWARE_CONDUIT_GATE_FFA": "n", "FIRMWARE_CONDUIT_KUNIT_TEST": "n"},
         ["users-select", "selected-by", "ffa-proxy"]),
    # KUnit's rules for a suite's Kconfig entry: it must "have a default
    # value of CONFIG_KUNIT_ALL_TESTS", so with KVM=y (the core there for
    # its own sake) the suite is built in; the bench stays off.
    case("kunit-all", "defconfig + KUNIT=y KUNIT_ALL_TESTS=y PROVE_LOCKING=y",
         ["--enable", "KUNIT", "--enable", "KUNIT_ALL_TESTS", "--enable", "PROVE_LOCKING"],
         {"KVM": "y", "ARM_FFA_TRANSPORT": "n", "KUNIT": "y", "KUNIT_ALL_TESTS": "y",
          "PROVE_LOCKING": "y"},
         {"FIRMWARE_CONDUIT": "y", "FIRMWARE_CONDUIT_GATE_FFA_PROXY": "y",
          "FIRMWARE_CONDUIT_GATE_FFA": "n", "FIRMWARE_CONDUIT_KUNIT_TEST": "y"},
         ["kunit-default", "kunit-help", "ffa-proxy", "bench-help", "lockdep-case-off"]),
    # With KVM=y the core is always there, which hides whether the FF-A
    # core selects it. Without KVM: FF-A built in selects the core and
    # gates its conduit; the FF-A proxy conduit has no gatekeeper.
    case("kvm-off-ffa-builtin", "defconfig + KVM=n ARM_FFA_TRANSPORT=y",
         ["--disable", "KVM", "--enable", "ARM_FFA_TRANSPORT"],
         {"KVM": "n", "ARM_FFA_TRANSPORT": "y"},
         {"FIRMWARE_CONDUIT": "y", "FIRMWARE_CONDUIT_GATE_FFA_PROXY": "n",
          "FIRMWARE_CONDUIT_GATE_FFA": "y", "FIRMWARE_CONDUIT_KUNIT_TEST": "n"},
         ["users-select", "ffa", "ffa-proxy", "gate-builtin"]),
    # FF-A as a module, no KVM: the module needs the core, nothing is gated.
    case("kvm-off-ffa-module", "defconfig + KVM=n ARM_FFA_TRANSPORT=m",
         ["--disable", "KVM", "--module", "ARM_FFA_TRANSPORT"],
         {"KVM": "n", "ARM_FFA_TRANSPORT": "m"},
         {"FIRMWARE_CONDUIT": "y", "FIRMWARE_CONDUIT_GATE_FFA_PROXY": "n",
          "FIRMWARE_CONDUIT_GATE_FFA": "n", "FIRMWARE_CONDUIT_KUNIT_TEST": "n"},
         ["users-select", "module-ungated", "module-gates-nothing"]),
    # KUNIT_ALL_TESTS where nothing else wants the core. KUnit's rules: a
    # suite's entry must "depend on the feature being tested, rather than
    # selecting it (so that enabling CONFIG_KUNIT_ALL_TESTS does not enable
    # unrelated functionality)". The core's help has it selected "by the
    # gatekeepers and consumers that need it", which the suite is not. So
    # KUNIT_ALL_TESTS=y must not bring in the core here, nor the suite.
    case("kvm-off-kunit-all", "defconfig + KVM=n KUNIT=y KUNIT_ALL_TESTS=y",
         ["--disable", "KVM", "--enable", "KUNIT", "--enable", "KUNIT_ALL_TESTS"],
         {"KVM": "n", "ARM_FFA_TRANSPORT": "n", "KUNIT": "y", "KUNIT_ALL_TESTS": "y"},
         {"FIRMWARE_CONDUIT": "n", "FIRMWARE_CONDUIT_GATE_FFA_PROXY": "n",
          "FIRMWARE_CONDUIT_GATE_FFA": "n", "FIRMWARE_CONDUIT_KUNIT_TEST": "n"},
         ["kunit-depend", "selected-by", "kunit-default"]),
]

KVM_KCONFIG = "arch/arm64/kvm/Kconfig"
KVM_SELECT = "\tselect FIRMWARE_CONDUIT"

results = []
results_path = None


def report(ok, text):
    """One PASS/FAIL line, printed and appended to the results file at once."""
    line = f"{'PASS' if ok else 'FAIL'} kconfig-check {text}"
    results.append(line)
    print(line, flush=True)
    with open(results_path, "a") as f:
        f.write(line + "\n")
    return ok


def kmake(ktree, out, *targets):
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    cmd = ["make", "-s", "-C", ktree, f"O={out}", "ARCH=arm64",
           "CROSS_COMPILE=aarch64-linux-gnu-", *targets]
    with open(os.path.join(out, "kconfig-check.log"), "a") as log:
        log.write("$ " + " ".join(cmd) + "\n")
        log.flush()
        r = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    if r.returncode:
        raise RuntimeError(f"{' '.join(targets)} failed in {out} (see {out}/kconfig-check.log)")


def scripts_config(ktree, out, ops):
    if not ops:
        return
    cmd = [os.path.join(ktree, "scripts", "config"), "--file", os.path.join(out, ".config"), *ops]
    with open(os.path.join(out, "kconfig-check.log"), "a") as log:
        log.write("$ " + " ".join(cmd) + "\n")
        log.flush()
        r = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT)
    if r.returncode:
        raise RuntimeError(f"scripts/config {' '.join(ops)} failed in {out}")


def read_config(path):
    vals = {}
    with open(path) as f:
        for ln in f:
            m = re.match(r"^CONFIG_([A-Za-z0-9_]+)=(.*)$", ln)
            if m:
                vals[m.group(1)] = m.group(2).strip('"')
                continue
            m = re.match(r"^# CONFIG_([A-Za-z0-9_]+) is not set$", ln)
            if m:
                vals[m.group(1)] = "n"
    return vals


def value(cfg, sym):
    return cfg.get(sym, "n")


def compare(cfg, c):
    """Returns (mismatched inputs, mismatched symbols, found text)."""
    bad_in = [f"{s}={value(cfg, s)} (set {v})" for s, v in c["inputs"].items()
              if value(cfg, s) != v]
    bad = [f"{s}={value(cfg, s)} (expected {c['expect'][s]})" for s in SYMBOLS
           if value(cfg, s) != c["expect"][s]]
    found = " ".join(f"{s}={value(cfg, s)}" for s in SYMBOLS)
    return bad_in, bad, found


def describe(c):
    return f"{c['name']} ({c['what']}; docs: {', '.join(c['cites'])})"


def fresh_copy(src, dst):
    if os.path.lexists(dst):
        shutil.rmtree(dst)
    shutil.copytree(src, dst, symlinks=True)
    log = os.path.join(dst, "kconfig-check.log")
    if os.path.exists(log):
        os.remove(log)


def run_case(ktree, base, out, c):
    """Configure case C in OUT (a copy of BASE unless it is BASE)."""
    if out != base:
        fresh_copy(base, out)
        # The series' symbols take the value a fresh defconfig with these
        # settings would give them: one with a prompt (the core, when KUnit
        # is on) would otherwise keep the value the base case gave it.
        scripts_config(ktree, out, [a for s in SYMBOLS for a in ("--undefine", s)])
    scripts_config(ktree, out, c["ops"])
    kmake(ktree, out, "olddefconfig")
    return read_config(os.path.join(out, ".config"))


def check_symbols(ktree):
    r = subprocess.run(["git", "-C", ktree, "diff", "base", "--", "*Kconfig*"],
                       capture_output=True, text=True)
    if r.returncode:
        return report(False, f"symbols: git diff base failed in {ktree}: {r.stderr.strip()}")
    defined = re.findall(r"^\+\s*(?:menu)?config\s+([A-Za-z0-9_]+)", r.stdout, re.M)
    missing = [s for s in defined if s not in SYMBOLS]
    gone = [s for s in SYMBOLS if s not in defined]
    if missing or gone:
        return report(False, "symbols: the table and the series' Kconfig differ: "
                      + (f"not in the table: {' '.join(missing)}" if missing else "")
                      + ("; " if missing and gone else "")
                      + (f"in the table, not defined by the series: {' '.join(gone)}"
                         if gone else ""))
    return report(True, f"symbols: the table covers all {len(defined)} symbols the series "
                  f"defines: {' '.join(defined)}")


def norm(s):
    return " ".join(s.split())


def check_citations(ktree):
    missing = []
    for key, (path, sentence) in CITE.items():
        try:
            with open(os.path.join(ktree, path)) as f:
                text = norm(f.read())
        except OSError:
            text = ""
        if norm(sentence) not in text:
            missing.append(f"{key} ({path})")
    if missing:
        return report(False, f"citations: sentences the table rests on are gone, update the "
                      f"table: {', '.join(missing)}")
    files = sorted({p for p, _ in CITE.values()})
    return report(True, f"citations: all {len(CITE)} sentences the table rests on are in "
                  f"{' '.join(files)}")


def self_test_select_in_help(ktree, base, out):
    """KVM's select moved to right after its help line must fail the
    defconfig case, and kconfig_help_lint must flag the moved line."""
    name = "self-test select-in-help"
    with open(os.path.join(ktree, KVM_KCONFIG)) as f:
        lines = f.read().split("\n")
    try:
        sel = lines.index(KVM_SELECT)
        hlp = next(i for i in range(sel, len(lines)) if lines[i].strip() == "help")
    except (ValueError, StopIteration):
        return report(False, f"{name}: no '{KVM_SELECT.strip()}' before a help line in "
                      f"{ktree}/{KVM_KCONFIG}")
    bad = lines[:sel] + lines[sel + 1:hlp + 1] + [KVM_SELECT] + lines[hlp + 1:]
    fresh_copy(base, out)
    overlay = os.path.join(out, KVM_KCONFIG)
    os.makedirs(os.path.dirname(overlay), exist_ok=True)
    with open(overlay, "w") as f:
        f.write("\n".join(bad))
    kmake(ktree, out, "defconfig")
    kmake(ktree, out, "olddefconfig")
    cfg = read_config(os.path.join(out, ".config"))
    defconfig = CASES[0]
    bad_in, mism, found = compare(cfg, defconfig)
    lint, _ = kconfig_help_lint.lint_kconfig(KVM_KCONFIG, bad)
    if not mism:
        return report(False, f"{name}: with '{KVM_SELECT.strip()}' moved into KVM's help text "
                      f"({overlay}), the defconfig case still passes: {found}")
    if not lint:
        return report(False, f"{name}: the defconfig case fails ({', '.join(mism)}), but "
                      f"kconfig_help_lint.py does not flag the moved line in {overlay}")
    return report(True, f"{name}: with '{KVM_SELECT.strip()}' moved into KVM's help text "
                  f"(copy in {overlay}), the defconfig case fails: {', '.join(mism)}; "
                  f"kconfig_help_lint.py flags it: {lint[0].split(': ', 1)[1]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ktree", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--results", required=True)
    a = ap.parse_args()
    ktree, outdir = os.path.abspath(a.ktree), os.path.abspath(a.out)
    if os.path.realpath(outdir).startswith(os.path.realpath(ktree) + os.sep):
        print(f"kconfig-check: --out must be outside the tree ({outdir})", file=sys.stderr)
        return 2
    os.makedirs(outdir, exist_ok=True)
    global results_path
    results_path = os.path.abspath(a.results)
    open(results_path, "w").close()

    check_symbols(ktree)
    check_citations(ktree)
    base = os.path.join(outdir, CASES[0]["name"])
    base_ok = True
    try:
        os.makedirs(base, exist_ok=True)
        if os.path.exists(os.path.join(base, "kconfig-check.log")):
            os.remove(os.path.join(base, "kconfig-check.log"))
        kmake(ktree, base, "defconfig")
    except RuntimeError as e:
        base_ok = False
        report(False, f"{CASES[0]['name']}: {e}")
    for c in CASES if base_ok else []:
        try:
            cfg = run_case(ktree, base, os.path.join(outdir, c["name"]), c)
        except RuntimeError as e:
            report(False, f"{describe(c)}: {e}")
            continue
        bad_in, bad, found = compare(cfg, c)
        if bad_in:
            report(False, f"{describe(c)}: the case's own settings did not stick: "
                   f"{', '.join(bad_in)}; found {found}")
        elif bad:
            report(False, f"{describe(c)}: {', '.join(bad)}; found {found}")
        else:
            report(True, f"{describe(c)}: {found}, as expected")
    if base_ok:
        try:
            self_test_select_in_help(ktree, base, os.path.join(outdir, "selftest-select-in-help"))
        except RuntimeError as e:
            report(False, f"self-test select-in-help: {e}")

    return 1 if any(r.startswith("FAIL") for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
