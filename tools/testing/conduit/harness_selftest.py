#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-test of the boot harness's console parser, on made-up console text.

  harness_selftest.py

The boot checks are only as good as the parser under them: a kernel line
glued onto a line of /init once hid an "echo ok" and turned it into a
"warning" (CI, patched-rebind-nvhe). Each case here is a console shape
the boots have produced or can produce, and what the parser must make of
it. One PASS/FAIL line per case.
"""

import os
import contextlib
import io
import json
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import boot  # noqa: E402
import console  # noqa: E402
import checks  # noqa: E402

ECHO_LINE = "[    0.822381] ffa_echo: echo ok (partition 0x8001, 5 words, 64+32-bit, 0 ms)"


def parse(*lines, scenario="rebind-nvhe"):
    res = console.parse_log("\r\n".join(lines) + "\r\n")
    res["scenario"] = scenario
    return res


def case_kernel_line_before_init_newline_is_split_off():
    res = parse("conduit-init: rebind: bind 7" + ECHO_LINE, "")
    return (res.get("rebind") == {"bind": 7} and res.get("echoes") == [ECHO_LINE.split("ffa_echo: ")[1]],
            f"rebind {res.get('rebind')}, echoes {res.get('echoes')}")


def case_kernel_line_after_a_space_is_split_off():
    res = parse("conduit-init: kmsg-warn: " + ECHO_LINE, "conduit-init: kmsg-warnings: 0")
    return (len(res.get("echoes", [])) == 1,
            f"echoes {res.get('echoes')}, kmsg-warn lines {res['kmsg_warn_lines']}")


def case_init_line_alone_is_left_whole():
    res = parse("conduit-init: conduit: ffa pkvm gated ready 0 - 1 0 0 0")
    return (res["conduit_debugfs"] == ["ffa pkvm gated ready 0 - 1 0 0 0"],
            f"rows {res['conduit_debugfs']}")


def case_warning_count_must_match_the_lines_parsed():
    res = parse("conduit-init: kmsg-warnings: 1")
    ok, why = checks.patched_no_warnings(res)
    return not ok and "counted 1" in why, why


def case_clean_boot_has_no_warnings():
    res = parse("conduit-init: userspace reached", "conduit-init: kmsg-warnings: 0")
    ok, why = checks.patched_no_warnings(res)
    return ok and res["userspace"], why


def case_reported_warning_fails_the_boot():
    res = parse("conduit-init: kmsg-warn: arm_ffa: something odd",
                "conduit-init: kmsg-warnings: 1")
    ok, why = checks.patched_no_warnings(res)
    return not ok and "something odd" in why, why


def case_missing_warning_count_fails_the_boot():
    res = parse("conduit-init: userspace reached")
    ok, why = checks.patched_no_warnings(res)
    return not ok, why


def case_demo_ima_summary_prints_both_kernels():
    """make demo's IMA table (boot.py ima) over two boot records: stock in
    TPM-bypass, patched measuring with the TPM."""
    bypass = parse("[    1.396293] ima: No TPM chip found, activating TPM-bypass!")
    with tempfile.TemporaryDirectory() as build:
        os.makedirs(os.path.join(build, "boots"))
        for kernel, res in (("stock", bypass), ("patched", parse())):
            with open(os.path.join(build, "boots", f"{kernel}-tpm-pkvm.json"), "w") as f:
                json.dump(res, f)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            boot.ima_summary(build, "tpm-pkvm")
    text = out.getvalue()
    return ("stock 7.3.4" in text and "TPM-bypass at" in text and "patched" in text,
            text.strip().replace("\n", " | ")[:300])


def main():
    cases = [(n, f) for n, f in sorted(globals().items()) if n.startswith("case_")]
    failed = 0
    for name, fn in cases:
        what = name[len("case_"):].replace("_", " ")
        try:
            ok, detail = fn()
        except Exception as e:  # a crash in the parser is a failure too
            ok, detail = False, f"{type(e).__name__}: {e}"
        print(f"{'PASS' if ok else 'FAIL'} harness-selftest: {what}"
              + ("" if ok else f" ({detail})"))
        failed += not ok
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
