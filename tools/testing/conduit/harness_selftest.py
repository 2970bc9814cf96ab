#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-test of the harness's log parsers, over logs recorded in testdata/.

  harness_selftest.py              the suite, then every doctoring
  harness_selftest.py --suite      the suite only [-k WORD: tests whose id has WORD]
  harness_selftest.py --doctored   the doctorings only

The boot, KUnit and xtest verdicts are only as good as the parsers under
them: a kernel line glued onto a line of /init once hid an "echo ok" and
turned it into a "warning" (CI, patched-rebind-nvhe). Each test loads a
console, firmware, KTAP or xtest log cut from a real run (testdata/README
says which) or one of kunit_tool's own recordings, read from the assembled
base tree (make tree; a missing one fails its test), runs the parser the
harness runs on it (console.py, checks.py, kunit_results.py,
conduit_common.py, xtest/run.py) and asserts what it must make of it. One
line per test:

  PASS harness-selftest: <class>: <test>
  FAIL harness-selftest: <class>: <test>: <reason>

A doctoring is a deliberate regression of one parser function or pattern
(DOCTORINGS), applied by monkeypatching; the suite runs once under each,
and each must make at least one test fail:

  PASS harness-selftest: doctored <name> is caught by <test ids>
  FAIL harness-selftest: doctored <name> is caught by no test

Exit 1 on any FAIL line.
"""

import argparse
import collections
import contextlib
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.join(HERE, "testdata")
sys.path.insert(0, HERE)
import boot  # noqa: E402
import checks  # noqa: E402
import conduit_common as cc  # noqa: E402
import console  # noqa: E402
import kunit_results as kr  # noqa: E402
import scenario_table as st  # noqa: E402

# kunit_tool's own recordings (KTAP shapes and a WARN of older kernels that
# no run of ours printed): read in the base tree, a build input, never
# copied into testdata/.
KUNIT_TEST_DATA = os.path.join(cc.KTREE, "tools", "testing", "kunit", "test_data")


def load_xtest_runner():
    """xtest/run.py, whose parse() reads an xtest boot's console."""
    path = os.path.join(HERE, "xtest", "run.py")
    spec = importlib.util.spec_from_file_location("xtest_run", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


xtest = load_xtest_runner()


# ---------------------------------------------------------------------------
# Reading the recorded logs as the harness reads them

def data_path(name):
    """NAME in testdata/; a path from upstream() is left as it is."""
    return os.path.join(TESTDATA, name)


def upstream(name):
    """The path of kunit_tool's recording NAME in the assembled tree; the
    test that reads it fails when it is not there."""
    path = os.path.join(KUNIT_TEST_DATA, name)
    if not os.path.isfile(path):
        raise AssertionError(f"no {path}: run 'make tree'")
    return path


def data(name):
    """A recorded log's text as qemu.run_qemu() returns it (universal
    newlines, undecodable bytes replaced); a missing file is an error."""
    with open(data_path(name), errors="replace") as f:
        return f.read()


def boot_record(name, scenario, kernel="patched"):
    """The boot record boot.run() would make of the console log NAME."""
    res = console.parse_log(data(name))
    res.update(kernel=kernel, scenario=scenario, log=data_path(name), timed_out=False,
               wall_seconds=0.0)
    return res


def verdict(name, res):
    """(ok, why) of the registered check NAME, as checks.judge() runs it."""
    return checks.CHECKS[name].function(res)


def kunit_lines(name, rc=0, lockdep=False):
    """(exit code, PASS/FAIL lines) of kunit_results over the KTAP log NAME."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "kunit.txt")
        with contextlib.redirect_stdout(io.StringIO()):
            ret = (kr.lockdep if lockdep else kr.kunit)(data_path(name), rc, out)
        with open(out) as f:
            return ret, f.read().splitlines()


def ktap(name):
    return cc.parse_ktap(data(name).splitlines())


def tuples(results):
    """(depth, ok, number, name, directive) of each KTAP result."""
    return [(r.depth, r.ok, r.number, r.name, r.directive) for r in results]


REBIND = "rebind-nvhe-patched.log"
ECHO_OK = "echo ok (partition 0x8001, 5 words, 64+32-bit, 0 ms)"


# ---------------------------------------------------------------------------
# The suite

class GluedLines(unittest.TestCase):
    """The console printed a kernel line before the newline of a line of
    /init; console.split_glued() must split it off again."""

    def test_a_kernel_line_glued_before_the_newline_of_an_init_line_is_split_off(self):
        res = boot_record(REBIND, "rebind-nvhe")
        self.assertEqual(res.get("rebind"), {"unbind": 7, "bind": 7})
        self.assertEqual(res.get("echoes"), [ECHO_OK, ECHO_OK])

    def test_the_split_off_kernel_line_keeps_its_time(self):
        res = boot_record(REBIND, "rebind-nvhe")
        self.assertIn((1.291009, "ffa_echo", "ffa_echo: " + ECHO_OK), res["events"])

    def test_the_rebind_checks_pass_on_the_glued_console(self):
        res = boot_record(REBIND, "rebind-nvhe")
        for name in ("ffa_rebinds", "echo_ok_after_rebind", "patched_ffa_conduit_kept",
                     "patched_no_warnings"):
            self.assertEqual(verdict(name, res)[0], True, name)

    def test_a_module_result_with_a_kernel_line_glued_to_it_is_read(self):
        res = boot_record("tpm-ffa-module-pkvm-patched.log", "tpm-ffa-module-pkvm")
        self.assertEqual(res.get("modules"), {"ffa-core": 0, "ffa-module": 0, "ffa_echo": 0,
                                              "tpm_crb_ffa": 0})
        self.assertTrue(verdict("ffa_modules_load", res)[0])

    def test_a_tee_line_with_a_kernel_line_glued_to_it_is_read_whole(self):
        res = boot_record("optee-pkvm-stock.log", "optee-pkvm", "stock")
        self.assertEqual([m for m in res["init_lines"] if m.startswith("tee: ")],
                         ["tee: ok impl=optee caps=13 session=1 value 40+2=42 memref 12288 "
                          "bytes sum=113"])
        self.assertIn((1.864234, "optee", "optee: mem_reclaim: 0x100000000002 -95"),
                      res["events"])

    def test_a_kernel_line_glued_after_a_space_is_split_off(self):
        # No boot recorded this shape; it is built from two recorded lines:
        # /init's kmsg-warn prefix and the echo client's line.
        echo = data(REBIND).splitlines()[0]
        res = console.parse_log("conduit-init: kmsg-warn: " + echo + "\n"
                                "conduit-init: kmsg-warnings: 0\n")
        self.assertEqual(res.get("echoes"), [ECHO_OK])
        self.assertEqual([e[0] for e in res["events"] if e[1] == "ffa_echo"], [0.901259])

    def test_an_init_line_alone_is_left_whole(self):
        res = boot_record(REBIND, "rebind-nvhe")
        self.assertEqual(res["conduit_debugfs"], [
            "# name gatekeeper state status published_ns callbacks waiters devices",
            "ffa-proxy gated ready 0 180000000 0 0 0", "ffa gated ready 0 180000000 0 0 0"])

    def test_kernel_lines_finds_a_kernel_line_glued_to_any_line(self):
        text = data(REBIND)
        lines = console.kernel_lines(text)
        self.assertIn((1.291009, "ffa_echo: " + ECHO_OK), lines)
        at_start = [ln for ln in text.splitlines() if console.TS_LINE.match(ln)]
        self.assertEqual(len(lines), len(at_start) + 1)

    def test_crlf_console_text_parses_as_the_harness_reads_it(self):
        with open(data_path(REBIND), newline="") as f:
            raw = f.read()
        self.assertIn("\r\n", raw)
        self.assertEqual(console.parse_log(raw), console.parse_log(data(REBIND)))


class InitInterleave(unittest.TestCase):
    """/init's output and kernel lines take turns on the console."""

    def test_kernel_lines_between_init_dumps_do_not_end_them(self):
        res = boot_record(REBIND, "rebind-nvhe")
        self.assertEqual(len(res.get("conduit_unbound", [])), 3)
        self.assertEqual(len(res.get("conduit_rebound", [])), 3)
        self.assertIn((1.282662, "arm_ffa", "ARM FF-A: Driver version 1.2"), res["events"])

    def test_module_initcalls_between_init_lines_are_timed(self):
        res = boot_record("tpm-ffa-module-pkvm-patched.log", "tpm-ffa-module-pkvm")
        self.assertEqual(res["initcalls"].get("ffa_init"),
                         {"start": 2.889712, "end": 2.909184, "ret": 0, "usecs": 19414})
        self.assertEqual(checks.conduit_row(res, "ffa", "conduit_before_modules"),
                         ["ffa", "ungated", "ready", "0", "0", "0", "0", "0"])
        self.assertTrue(verdict("ffa_conduit_ready_without_driver", res)[0])

    def test_an_init_event_takes_the_time_of_the_last_kernel_line(self):
        res = boot_record("optee-pkvm-patched.log", "optee-pkvm")
        self.assertIn((0.983841, "userspace", "/init reached"), res["events"])
        tee = [e for e in res["events"] if e[1] == "/init"]
        self.assertEqual([e[0] for e in tee], [1.033562])

    def test_reclaim_errors_merge_the_console_and_kmsg(self):
        res = boot_record("optee-pkvm-patched.log", "optee-pkvm")
        self.assertEqual(checks.reclaim_errors(res), ["optee: mem_reclaim: 0x100000000001 -95",
                                                      "optee: mem_reclaim: 0x100000000002 -95"])

    def test_every_kmsg_warning_after_interleaved_lines_is_counted(self):
        res = boot_record("tpm-ffa-module-pkvm-patched.log", "tpm-ffa-module-pkvm")
        self.assertEqual((res["kmsg_warnings"], len(res["kmsg_warn_lines"])), (4, 4))
        self.assertEqual(len(checks.warnings(res)), 3)
        self.assertTrue(verdict("patched_ffa_module_warned", res)[0])


class Warnings(unittest.TestCase):
    """Kernel warnings: /init's kmsg-warn lines and count, and the splats
    (WARN, lockdep) that fail any run."""

    WARN = "warn-pkvm-patched.log"

    def test_warnings_that_are_not_known_fail_the_boot(self):
        res = boot_record("memblocks-pkvm-stock.log", "memblocks-pkvm", "stock")
        self.assertEqual(res["kmsg_warnings"], 2)
        self.assertEqual(checks.warnings(res), ["kvm [0]: Failed to register hyp memblocks: -12",
                                                "kvm [1]: error initializing Hyp mode: -12"])
        ok, why = checks.patched_no_warnings(res)
        self.assertFalse(ok)
        self.assertTrue(why.startswith("2 warnings: kvm [0]: Failed to register hyp"), why)

    def test_benign_warnings_are_excused(self):
        res = boot_record(REBIND, "rebind-nvhe")
        self.assertEqual(res["kmsg_warn_lines"],
                         ["CPU features: SYS_ID_AA64MMFR1_EL1[11:8]: forced to 0"])
        self.assertEqual(checks.warnings(res), [])

    def test_known_warnings_are_excused_in_their_scenario_only(self):
        res = boot_record("optee-pkvm-patched.log", "optee-pkvm")
        self.assertEqual(checks.warnings(res), [])
        self.assertEqual(len(checks.warnings(res, excuse_known=False)), 3)
        self.assertEqual(len(checks.warnings(dict(res, scenario="optee-nvhe"))), 3)
        self.assertTrue(verdict("patched_no_warnings", res)[0])

    def test_a_warning_count_that_disagrees_with_the_lines_fails(self):
        text = data("memblocks-pkvm-stock.log").replace(
            "conduit-init: kmsg-warn: kvm [1]: error initializing Hyp mode: -12\n", "")
        res = console.parse_log(text)
        res["scenario"] = "memblocks-pkvm"
        ok, why = checks.patched_no_warnings(res)
        self.assertFalse(ok)
        self.assertIn("counted 2 warnings but 1 kmsg-warn lines", why)

    def test_a_clean_boot_has_no_warnings(self):
        res = boot_record("pkvm-patched.log", "pkvm")
        self.assertEqual((res["userspace"], res["kmsg_warnings"], res["fatal"]), (True, 0, []))
        self.assertEqual(checks.patched_no_warnings(res), (True, "0 warnings: "))

    def test_a_warn_splat_fails_the_boot(self):
        res = console.parse_log(data(self.WARN))
        self.assertEqual(res["fatal"], [
            "WARN: [    3.679450] ------------[ cut here ]------------",
            "WARN: [    3.680515] WARNING: drivers/base/class.c:415 at "
            "class_for_each_device+0xf0/0xfc, CPU#0: swapper/0/1"])

    def test_a_warn_in_the_format_of_older_kernels_is_a_splat_too(self):
        res = console.parse_log(data(upstream("test_output_isolated_correctly.log")))
        self.assertEqual(res["fatal"], [
            "WARN: ------------[ cut here ]------------",
            "WARN: WARNING: CPU: 0 PID: 0 at kernel/time/clockevents.c:458 "
            "clockevents_register_device+0x143/0x160"])

    def test_a_warn_before_the_tests_start_is_no_kunit_report(self):
        rc, lines = kunit_lines(self.WARN)
        self.assertEqual(lines, ["FAIL kunit.run suite firmware_conduit did not finish "
                                 "(kunit.py exit 0)"])

    def test_a_lockdep_report_is_a_splat_of_its_own_kind(self):
        res = console.parse_log(data("kunit-lockdep.log"))
        self.assertEqual(res["fatal"], ["lockdep: WARNING: possible recursive locking detected"])

    def test_the_wanted_lockdep_report_passes_the_lockdep_run(self):
        rc, lines = kunit_lines("kunit-lockdep.log", lockdep=True)
        self.assertEqual(rc, 0)
        self.assertEqual(lines, [
            "PASS kunit-lockdep.wait_in_a_reprobed_probe_is_reported_by_lockdep",
            "PASS kunit-lockdep.lockdep-report recursive locking on the conduit-reprobe map "
            "reported",
            "PASS kunit-lockdep.kernel-log no other lockdep/KASAN/BUG report"])

    def test_a_lockdep_report_fails_an_ordinary_kunit_run(self):
        rc, lines = kunit_lines("kunit-lockdep.log")
        self.assertEqual(rc, 1)
        self.assertIn("FAIL kunit.kernel-log lockdep report: WARNING: possible recursive "
                      "locking detected", lines)


class Panics(unittest.TestCase):
    """A kernel panic fails a boot, a KUnit run and an xtest row."""

    LOG = "panic-pkvm-patched.log"
    PANIC = ('[    2.143402] Kernel panic - not syncing: VFS: Unable to mount root fs on "" or '
             'unknown-block(0,0)')

    def test_a_kernel_panic_fails_the_boot(self):
        res = console.parse_log(data(self.LOG))
        self.assertEqual(res["fatal"], ["panic: " + self.PANIC])

    def test_judge_names_the_panic_and_the_missing_userspace(self):
        res = boot_record(self.LOG, "pkvm")
        got = {label: (ok, why) for label, ok, why in checks.judge(st.SCENARIOS["pkvm"],
                                                                   "patched", res)}
        ok, why = got["no panic, WARN, BUG or lockdep report"]
        self.assertFalse(ok)
        self.assertIn(self.PANIC, why)
        self.assertEqual(got["reaches userspace"], (False, "/init never ran"))

    def test_a_panic_fails_a_kunit_run_left_unfinished(self):
        rc, lines = kunit_lines(self.LOG, rc=1)
        self.assertEqual(rc, 1)
        self.assertEqual([ln for ln in lines if ln.startswith("FAIL")], [
            "FAIL kunit.kernel-log kernel BUG/panic: " + self.PANIC,
            "FAIL kunit.run suite firmware_conduit did not finish (kunit.py exit 1)"])

    def test_a_panic_is_the_reason_an_xtest_row_fails(self):
        res = xtest.parse(data(self.LOG))
        self.assertTrue(res["panic"])
        self.assertEqual(xtest.reason(res), "kernel panic")


class Timeouts(unittest.TestCase):
    """Runs that did not reach their end: the log stops where QEMU or
    kunit.py was stopped."""

    def test_a_boot_cut_off_before_init_counted_its_warnings_fails(self):
        res = boot_record("timeout-pkvm-patched.log", "pkvm")
        self.assertEqual((res["userspace"], res["kmsg_warnings"]), (True, None))
        self.assertEqual(checks.patched_no_warnings(res),
                         (False, "/init did not report the warning count"))

    def test_judge_reports_the_timeout_first_and_still_reads_the_log(self):
        res = dict(boot_record("timeout-pkvm-patched.log", "pkvm"), timed_out=True)
        got = checks.judge(st.SCENARIOS["pkvm"], "patched", res)
        self.assertEqual(got[0], ("boots without hanging", False, "timed out"))
        order = [ok for label, ok, _ in got if label.startswith("finalize_pkvm ->")]
        self.assertEqual(order, [True])

    def test_the_timeline_of_a_timed_out_boot_ends_with_timeout(self):
        res = dict(boot_record("timeout-pkvm-patched.log", "pkvm"), timed_out=True)
        lines = boot.fmt_events(res, 62)
        self.assertEqual(lines[-1], "TIMEOUT")
        self.assertEqual(len(lines), len(res["events"]) + 1)

    def test_a_boot_whose_init_printed_nothing_never_reached_userspace(self):
        res = boot_record("noinit-uefi-pkvm-patched.log", "pkvm")
        self.assertEqual((res["userspace"], res["kmsg_warnings"], res["init_lines"]),
                         (False, None, []))
        got = checks.judge(st.SCENARIOS["pkvm"], "patched", res)
        self.assertIn(("reaches userspace", False, "/init never ran"), got)

    def test_a_kunit_log_cut_off_inside_the_suite_did_not_finish(self):
        rc, lines = kunit_lines("kunit-conduit-timeout.log", rc=124)
        self.assertEqual(rc, 1)
        self.assertEqual(lines[-1], "FAIL kunit.run suite firmware_conduit did not finish "
                                    "(kunit.py exit 124)")
        self.assertEqual(len([ln for ln in lines if ln.startswith("PASS kunit.")]), 5)

    def test_an_xtest_log_cut_off_inside_a_case_leaves_it_unfinished(self):
        text = data("xtest-pkvm-patched-timeout.log")
        res = xtest.parse(text)
        self.assertEqual(res["cases"], {"regression_1001": "OK", "regression_1004": "UNFINISHED"})
        self.assertEqual(xtest.counts(res), {"passed": 1, "failed": 1, "skipped": 0})
        res.update(timed_out=True, timeout=400, last_case="regression_1004")
        self.assertEqual(xtest.reason(res), "timed out after 400 s in xtest (last test case "
                                            "started: regression_1004)")


class FirmwareLogs(unittest.TestCase):
    """The secure world's logs: the test SPMC's call log, OP-TEE's log,
    QEMU's exception log of the SMCs TF-A took, TF-A's and U-Boot's lines
    on the console."""

    FWLOG = "efivar-slow-pkvm-patched.fwlog"

    def test_the_spmc_call_log_gives_every_field_of_a_call(self):
        calls = console.read_fwlog(data_path(self.FWLOG))
        by_seq = {c["seq"]: c for c in calls}
        self.assertEqual(by_seq[20], {"seq": 20, "t": 6872071, "cpu": 0, "el": 2,
                                      "call": "FFA_VERSION", "args": "0x10002,0x0,0x0",
                                      "result": "0x10002", "regs": "0x10002,0x0,0x0",
                                      "detail": None})
        self.assertEqual((by_seq[21]["call"], by_seq[21]["el"], by_seq[21]["result"]),
                         ("NEGOTIATE_SLOW", 3, None))
        self.assertEqual(by_seq[27]["result"], "FFA_ERROR:NOT_SUPPORTED")
        self.assertEqual([c["seq"] for c in calls if c["call"].startswith("FFA_")],
                         [20] + list(range(22, 34)) + [35])

    def test_every_line_of_the_call_log_is_read_not_only_the_answered_calls(self):
        calls = console.read_fwlog(data_path(self.FWLOG))
        self.assertEqual([c["seq"] for c in calls], list(range(37)))
        got = {c["seq"]: (c["call"], c["el"], c["args"] is None, c["result"], c["regs"],
                          c["detail"]) for c in calls if c["seq"] in (0, 2, 34, 36)}
        self.assertEqual(got, {
            0: ("BOOT", 3, True, None, None, "fault=negotiate-slow ffa_version=0x10002 "
                "smccc=0x10002 psci=0x10001 cpus=2 entry=EL2 kernel=0x40200000 dtb=0x48000000"),
            2: ("PCR_EXTEND", 3, False, "SUCCESS", None, None),
            34: ("TPM_GET_INTERFACE_VERSION", 3, False, "CRB_FFA_OK_RESULTS_RETURNED", None,
                 "version=0x10000"),
            36: ("TPM_START", 3, False, "CRB_FFA_OK", None, "loc_state=0x82")})
        self.assertTrue(calls[2]["args"].startswith("pcr=0, sha256=a3fe2bdc8b9e8884"))
        self.assertEqual(calls[36]["args"], "locality, loc=0, loc_ctrl=0x1")

    def test_a_refused_tpm_start_is_read_apart_from_its_reason(self):
        calls = console.read_fwlog(data_path("tpm-error-pkvm-patched.fwlog"))
        self.assertEqual([(c["seq"], c["call"]) for c in calls], [
            (33, "TPM_GET_INTERFACE_VERSION"), (34, "FFA_MSG_SEND_DIRECT_REQ64"),
            (35, "TPM_START")])
        self.assertEqual((calls[2]["args"], calls[2]["result"], calls[2]["detail"]),
                         ("locality, loc=0", "CRB_FFA_DENIED", "(fault tpm-error)"))

    def test_ffa_calls_say_which_el_they_came_from(self):
        res = console.new_record()
        console.add_fwlog(res, data_path(self.FWLOG))
        self.assertEqual(len(res["ffa_calls"]), 14)
        self.assertEqual(checks.ffa_els(res), {2})
        self.assertTrue(verdict("ffa_through_pkvm", res)[0])
        el1 = console.new_record()
        console.add_fwlog(el1, data_path("spmc-el1-patched.fwlog"))
        self.assertEqual(checks.ffa_els(el1), {1})
        self.assertTrue(verdict("patched_ffa_straight_to_el3", el1)[0])
        self.assertFalse(verdict("ffa_through_pkvm", el1)[0])

    def test_the_slowed_negotiation_is_found_and_timed(self):
        # Only the boot's .fwlog is kept; the check names it from the .log.
        res = {"log": data_path("efivar-slow-pkvm-patched.log")}
        ok, why = verdict("ffa_negotiation_slowed", res)
        self.assertTrue(ok, why)
        self.assertTrue(why.endswith("FFA_ID_GET answered after 3001 ms"), why)

    def test_a_missing_firmware_log_is_none_not_empty(self):
        self.assertIsNone(console.read_fwlog(data_path("no-such-boot.fwlog")))
        self.assertEqual(verdict("ffa_negotiation_slowed", {"log": data_path("no-such-boot.log")}),
                         (False, "no firmware log"))

    def test_op_tee_logged_that_it_refused_the_retrieve_requests_of_pkvm(self):
        res = boot_record("optee-pkvm-patched.log", "optee-pkvm")
        secure = console.read_text(console.log_of(res, ".secure.log"))
        self.assertEqual(secure.count(checks.OPTEE_NO_RETRIEVE), 3)
        self.assertEqual(verdict("pkvm_reclaim_refused", res), (True, ""))
        ok, why = verdict("pkvm_reclaim_refused", dict(res, log=data_path("no-such-boot.log")))
        self.assertFalse(ok)
        self.assertTrue(why.startswith("2 failed reclaims but no 'Unhandled FFA function ID"))

    def test_the_qemu_exception_log_says_who_made_each_smc(self):
        origins = console.smc_origins(data_path("optee-pkvm-patched.int.log"))
        self.assertEqual(origins, {"host_trapped_to_el2": 1, "el2_to_el3": 2,
                                   "host_el1_to_el3_before_trap": 1,
                                   "host_el1_to_el3_after_trap": 0, "secure_el1_to_el3": 2})
        self.assertTrue(checks.host_smc_through_pkvm({"smc_origins": origins})[0])

    def test_tfa_and_uboot_lines_are_neither_kernel_events_nor_spmd_calls(self):
        text = data("optee-pkvm-patched.log")
        self.assertTrue(text.startswith("NOTICE:  Booting Trusted Firmware"))
        res = console.parse_log(text)
        self.assertEqual(res["spmd_calls"], [])
        self.assertEqual(res["events"][0], (
            0.588043, "kvm", "kvm [1]: Protected hVHE mode initialized successfully"))
        for name in ("pkvm_up", "ffa_found_spmc", "optee_ready", "tee_request_ok",
                     "patched_conduit_order"):
            self.assertTrue(verdict(name, dict(res, scenario="optee-pkvm"))[0], name)


class UefiAndTpm(unittest.TestCase):
    """EDK2's console output before the kernel, our UEFI application's ACPI
    tables, the EFI-variable SSDT, and IMA with the TPM behind FF-A."""

    def test_edk2_escape_codes_do_not_hide_the_first_kernel_line(self):
        text = data("edk2-pkvm-patched.log")
        lines = console.kernel_lines(text)
        self.assertEqual(lines[0],
                         (0.0, "Booting Linux on physical CPU 0x0000000000 [0x000f0510]"))
        self.assertEqual(len(lines), 6)
        self.assertIn((0.0, "efi", "efi: EFI v2.7 by EDK II"), console.parse_log(text)["events"])

    def test_an_acpi_boot_from_our_uefi_application_is_recognised(self):
        res = boot_record("uefi-tpm-pkvm-patched.log", "tpm-pkvm")
        self.assertEqual(verdict("uefi_acpi_boot", res),
                         (True, "PSCI from ACPI 0.0, TPM2 0.0, SSDT 0.0"))
        self.assertEqual(res["init_lines"], [])

    def test_stock_loads_the_efivar_ssdt_from_efisubsys_init(self):
        res = boot_record("efivar-ssdt-pkvm-stock.log", "efivar-ssdt-pkvm", "stock")
        for name in ("efivar_ssdt_loaded", "efivar_ssdt_device",
                     "stock_efivar_ssdt_from_efisubsys_init"):
            self.assertTrue(verdict(name, res)[0], name)

    def test_patched_loads_the_efivar_ssdt_once_ffa_is_published(self):
        res = boot_record("efivar-ssdt-pkvm-patched.log", "efivar-ssdt-pkvm")
        self.assertEqual(checks.efivar_ssdt_load(res)[0], 0.754383)
        self.assertTrue(verdict("efivar_ssdt_loaded", res)[0])
        self.assertTrue(verdict("patched_efivar_ssdt_after_ffa", res)[0])
        self.assertFalse(verdict("stock_efivar_ssdt_from_efisubsys_init", res)[0])

    def test_ima_checks_read_the_tpm_and_the_pcrs(self):
        stock = boot_record("tpm-pkvm-stock.log", "tpm-pkvm", "stock")
        patched = boot_record("tpm-pkvm-patched.log", "tpm-pkvm")
        self.assertTrue(verdict("stock_ima_tpm_bypass", stock)[0])
        self.assertEqual(len(patched.get("pcrs", {})), 11)
        for name in ("patched_tpm_before_ima", "patched_ima_boot_aggregate"):
            self.assertTrue(verdict(name, patched)[0], name)
        self.assertFalse(verdict("patched_ima_boot_aggregate", stock)[0])

    def test_the_demo_ima_summary_prints_both_kernels(self):
        with tempfile.TemporaryDirectory() as build:
            os.makedirs(os.path.join(build, "boots"))
            for kernel in ("stock", "patched"):
                res = boot_record(f"tpm-pkvm-{kernel}.log", "tpm-pkvm", kernel)
                with open(os.path.join(build, "boots", f"{kernel}-tpm-pkvm.json"), "w") as f:
                    json.dump(res, f)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                boot.ima_summary(build, "tpm-pkvm")
        rows = {ln[:20].strip(): ln[20:].split() for ln in out.getvalue().splitlines()[2:]}
        self.assertEqual(rows["tpm_crb bound (s)"], ["1.525600", "0.785889"])
        self.assertEqual(rows["IMA's TPM line"], ["TPM-bypass", "at", "1.396293", "none",
                                                  "(measures", "with", "tpm0)"])
        self.assertEqual(rows["SHA-256(PCR 0-9)"][-2:], ["1fcbb1c681b03926...", "(match)"])


class Xtest(unittest.TestCase):
    """xtest/run.py's parse() of an xtest boot's console: OP-TEE's
    regression suite under pKVM, where a case fails and one crashes xtest."""

    def parsed(self):
        return xtest.parse(data("xtest-pkvm-patched.log"))

    def test_case_verdicts_come_from_the_xtest_verdict_lines(self):
        self.assertEqual(self.parsed()["cases"], {
            "regression_1001": "OK", "regression_1004": "FAILED",
            "regression_1020": "SKIPPED", "regression_1037": "CRASHED"})

    def test_subtest_verdicts_are_kept_apart_from_the_cases(self):
        self.assertEqual(self.parsed()["subtests"], {
            "regression_1001.1": "OK", "regression_1001.2": "OK", "regression_1001.3": "OK",
            "regression_1004.1": "FAILED"})

    def test_a_skip_message_inside_a_subtest_leaves_the_case_passed(self):
        self.assertIn("Transfer List tests not supported, skipping",
                      data("xtest-pkvm-patched.log"))
        self.assertEqual(self.parsed()["cases"]["regression_1001"], "OK")

    def test_a_case_that_kills_xtest_counts_as_crashed_and_failed(self):
        res = self.parsed()
        self.assertEqual((res["crashes"], res["crashed_in"]), (["regression_1037"],
                                                               "regression_1037"))
        self.assertEqual(xtest.counts(res), {"passed": 1, "failed": 2, "skipped": 1})

    def test_the_summary_and_the_done_line_are_read(self):
        res = self.parsed()
        self.assertEqual(res["summary"], {"subtests": [0, 0], "cases": [0, 0], "skipped": [112]})
        self.assertEqual((res["started"], res["done"], res["xtest_seconds"]), (True, 0, 2))
        self.assertEqual((res["userspace"], res["panic"]), (True, False))
        self.assertIsNone(xtest.reason(res))


class Ktap(unittest.TestCase):
    """KTAP as KUnit prints it: conduit_common.parse_ktap() and the PASS/FAIL
    lines of kunit_results."""

    def test_a_passing_suite_gives_a_result_per_case_and_one_for_the_suite(self):
        started, results = ktap("kunit-conduit-pass.log")
        self.assertTrue(started)
        got = tuples(results)
        self.assertEqual(got[0], (1, True, 1, "gated_conduit_starts_pending", None))
        self.assertEqual(got[-1], (0, True, 1, "firmware_conduit", None))
        self.assertEqual(len(got), 9)

    def test_kunit_results_passes_each_case_of_a_passing_suite(self):
        rc, lines = kunit_lines("kunit-conduit-pass.log")
        self.assertEqual(rc, 0)
        self.assertEqual(lines[0], "PASS kunit.gated_conduit_starts_pending")
        self.assertEqual(lines[-1], "PASS kunit.kernel-log no lockdep/KASAN/BUG report")
        self.assertEqual(len(lines), 9)

    def test_a_skipped_case_is_ok_but_did_not_pass(self):
        _, results = ktap("kunit-conduit-skip.log")
        skipped = [(r.number, r.reason) for r in results if r.directive == "SKIP"]
        self.assertEqual(skipped, [(35, "needs CONFIG_TRACEPOINTS"),
                                   (36, "needs CONFIG_TRACEPOINTS"), (42, "needs CONFIG_LOCKDEP"),
                                   (93, "needs CONFIG_PROVE_LOCKING")])
        self.assertEqual([r.number for r in results if r.depth == 1 and not cc.ktap_passed(r)],
                         [35, 36, 42, 93])

    def test_kunit_results_fails_a_skipped_case(self):
        rc, lines = kunit_lines("kunit-conduit-skip.log")
        self.assertEqual(rc, 1)
        self.assertEqual([ln for ln in lines if ln.startswith("FAIL")], [
            "FAIL kunit.callback_run_at_once_is_traced_as_at_once skipped",
            "FAIL kunit.queued_callback_is_traced_as_not_at_once skipped",
            "FAIL kunit.callback_runs_without_the_conduit_lock skipped",
            "FAIL kunit.lockdep_is_still_on_after_the_suite skipped"])

    def test_a_failing_result_is_not_ok_at_its_depth(self):
        started, results = ktap(upstream("test_is_test_passed-failure-nested.log"))
        self.assertEqual(tuples(results), [(2, True, 1, "test 1", None),
                                           (0, False, 1, "subtest 1", None),
                                           (2, False, 1, "subsubtest 1", None),
                                           (0, False, 2, "subtest 2", None)])
        self.assertFalse(any(cc.ktap_passed(r) for r in results if r.depth == 0))

    def test_results_nested_below_the_cases_of_a_suite_are_no_kunit_cases(self):
        rc, lines = kunit_lines(upstream("test_is_test_passed-failure-nested.log"), rc=1)
        self.assertEqual(lines, ["FAIL kunit.run suite firmware_conduit did not finish "
                                 "(kunit.py exit 1)"])

    def test_results_indented_by_other_than_four_spaces_are_no_results(self):
        started, results = ktap(upstream("test_parse_attributes.log"))
        self.assertTrue(started)
        self.assertEqual(tuples(results), [(0, True, 1, "suite", None)])

    def test_lines_before_the_ktap_version_do_not_start_it(self):
        lines = data("kunit-conduit-timeout.log").splitlines()
        self.assertEqual(cc.parse_ktap(lines[:3]), (False, []))
        self.assertTrue(cc.parse_ktap(lines)[0])


class Commands(unittest.TestCase):
    """make scenarios, make scenario and make test's closing table, from the
    scenario table and a results directory."""

    def test_a_scenario_needs_the_kernels_and_firmware_its_row_names(self):
        self.assertEqual(boot.make_targets("tpm-latesync-pkvm"),
                         ["uefi", "firmware", "kernel-stock-ima-late"])
        self.assertEqual(boot.make_targets("spmc-pkvm"), ["firmware", "kernel-stock", "kernel"])
        self.assertEqual(boot.make_targets("spmc-pkvm", "patched"), ["firmware", "kernel"])
        self.assertEqual(boot.make_targets("optee-pkvm", "stock"),
                         ["secure-world-soft", "kernel-stock"])

    def test_a_kernel_the_row_does_not_boot_is_refused(self):
        self.assertEqual(boot.scenario_kernels("spmc-pkvm"), ["stock", "patched"])
        with self.assertRaises(SystemExit):
            boot.scenario_kernels("early-consumer", "stock")

    def test_the_table_lists_every_scenario_with_each_check_and_its_kernels(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            boot.print_table()
        text = out.getvalue()
        for name in st.SCENARIOS:
            self.assertIn(f"\n{name}: ", "\n" + text)
        self.assertIn("stock_ffa_probes_at_late_initcall (stock): ", text)
        self.assertIn("ffa_through_pkvm (stock+patched): ", text)

    def test_the_closing_table_shows_each_suites_wall_time(self):
        with tempfile.TemporaryDirectory() as d:
            for name, text, secs in (("a", "PASS a: x\n", "125"), ("b", "FAIL b: y\n", None)):
                with open(os.path.join(d, name + ".txt"), "w") as f:
                    f.write(text)
                if secs:
                    with open(os.path.join(d, name + ".seconds"), "w") as f:
                        f.write(secs)
            p = subprocess.run([sys.executable, os.path.join(HERE, "summary.py"), d, "a", "b"],
                               capture_output=True, text=True)
        lines = p.stdout.splitlines()
        self.assertEqual(p.returncode, 1)
        self.assertIn("a                           1 passed    0 failed    2:05 wall", lines)
        self.assertIn("b                           0 passed    1 failed", lines)
        self.assertEqual(lines[-1], "1 passed, 1 failed")


CLASSES = [GluedLines, InitInterleave, Warnings, Panics, Timeouts, FirmwareLogs, UefiAndTpm,
           Xtest, Ktap, Commands]


# ---------------------------------------------------------------------------
# Running it: one PASS/FAIL line per test

def case_id(test):
    """A test's id in its PASS/FAIL line: "<class in words>: <test in words>"."""
    method = getattr(test, "_testMethodName", None)
    if method is None:          # an error outside any test (unittest's _ErrorHolder)
        return str(test)
    cls = re.sub(r"(?<!^)(?=[A-Z])", " ", type(test).__name__).lower()
    return f"{cls}: {method[len('test_'):].replace('_', ' ')}"


def short_reason(err):
    """The first line of a failed assertion or an exception, shortened."""
    kind, value, _ = err
    text = str(value) if kind is AssertionError else f"{kind.__name__}: {value}"
    first = (text.strip().splitlines() or [kind.__name__])[0]
    return first if len(first) <= 200 else first[:197] + "..."


class LineResult(unittest.TestResult):
    """A unittest result that prints "PASS harness-selftest: <id>" or
    "FAIL harness-selftest: <id>: <reason>" per test (unless QUIET) and
    keeps the ids of the tests that failed."""

    def __init__(self, quiet=False):
        super().__init__()
        self.quiet, self.failed_ids, self.passed_ids = quiet, [], []

    def report(self, test, reason=None):
        (self.passed_ids if reason is None else self.failed_ids).append(case_id(test))
        if not self.quiet:
            print(f"PASS harness-selftest: {case_id(test)}" if reason is None else
                  f"FAIL harness-selftest: {case_id(test)}: {reason}", flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self.report(test)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.report(test, short_reason(err))

    def addError(self, test, err):
        super().addError(test, err)
        self.report(test, short_reason(err))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.report(test, f"skipped: {reason}")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.report(test, "unexpected success")


def make_suite(word=None):
    loader = unittest.TestLoader()
    tests = [t for cls in CLASSES for t in loader.loadTestsFromTestCase(cls)]
    return unittest.TestSuite(t for t in tests if word is None or word in case_id(t))


def run_suite(word=None, quiet=False):
    result = LineResult(quiet)
    make_suite(word).run(result)
    return result


# ---------------------------------------------------------------------------
# Doctorings: deliberate regressions the suite must catch

Doctoring = collections.namedtuple("Doctoring", "name target attr make")


def _without(kind):
    return lambda splats: [(k, p) for k, p in splats if k != kind]


def _replaced(kind, pattern):
    return lambda splats: [(k, re.compile(pattern) if k == kind else p) for k, p in splats]


def _zero_warning_count(new_record):
    def doctored():
        res = new_record()
        res["kmsg_warnings"] = 0
        return res
    return doctored


def _init_time_zero(parse_init_line):
    return lambda res, msg, last_ts: parse_init_line(res, msg, 0.0)


def _ignoring_elr(detail):
    return lambda exc, line: None if line.startswith("...with ELR") else detail(exc, line)


DOCTORINGS = [
    Doctoring("glued kernel line split off only after a space", console, "GLUED_KERNEL_LINE",
              lambda _: re.compile(r"(?<= )(?=\[\s*\d+\.\d+\] )")),
    Doctoring("glued kernel line split off only after a non-space", console, "GLUED_KERNEL_LINE",
              lambda _: re.compile(r"(?<=\S)(?=\[\s*\d+\.\d+\] )")),
    Doctoring("kernel lines only at the start of a line", console, "ANY_KERNEL_LINE",
              lambda p: re.compile("^" + p.pattern, re.M)),
    Doctoring("a missing warning count reads as 0 (timeouts pass)", console, "new_record",
              _zero_warning_count),
    Doctoring("/init's events lose the console's time", console, "parse_init_line",
              _init_time_zero),
    Doctoring("ACPI lines left off the timeline", console, "EVENT_PATTERNS",
              lambda pats: [(w, p) for w, p in pats if w != "acpi"]),
    Doctoring("KVM's warnings excused as benign", checks, "BENIGN_WARNINGS",
              lambda p: re.compile(p.pattern + r"|^kvm \[\d+\]: ")),
    Doctoring("lockdep's banner and nVHE's forced VH no longer excused", checks,
              "BENIGN_WARNINGS", lambda _: re.compile(r"(?!)")),
    Doctoring("WARN splat pattern of old kernels only", cc, "KERNEL_SPLATS",
              _replaced("WARN", r"WARNING: at ")),
    Doctoring("WARN's line in the 7.3 format not a splat", cc, "KERNEL_SPLATS",
              _replaced("WARN", r"WARNING: CPU: \d+ PID: \d+ at |------------\[ cut here \]")),
    Doctoring("lockdep's recursive locking report not a splat", cc, "KERNEL_SPLATS",
              _replaced("lockdep", dict(cc.KERNEL_SPLATS)["lockdep"].pattern.replace(
                  "possible recursive locking|", ""))),
    Doctoring("panic detection removed from the splats", cc, "KERNEL_SPLATS", _without("panic")),
    Doctoring("panic removed from KUnit's reports", kr, "REPORTS",
              lambda reports: [(p, w) for p, w in reports if w != "kernel BUG/panic"]),
    Doctoring("KUnit counts WARNs from before the tests start", kr, "TAP_START",
              lambda _: re.compile(r"")),
    Doctoring("KUnit case line read without its directive", kr, "CASE",
              lambda p: re.compile(p.pattern.replace("(.*)$", "()"))),
    # kunit()'s suite pattern is a default argument: doctor the default.
    Doctoring("KUnit suite end not required (timeouts pass)", kr.kunit, "__defaults__",
              lambda defaults: tuple(re.compile(r"^\s*(ok|not ok) \d+ ") if d is kr.SUITE else d
                                     for d in defaults)),
    Doctoring("KTAP parser ignores not ok", cc, "KTAP_RESULT",
              lambda _: re.compile(r"^( *)(ok) (\d+)(?: (.*?))?\s*$")),
    Doctoring("KTAP SKIP counts as passed", cc, "ktap_passed", lambda _: lambda r: r.ok),
    Doctoring("KTAP started by any line", cc, "KTAP_VERSION", lambda _: re.compile(r"")),
    Doctoring("firmware call log drops the result", console, "FWLOG",
              lambda p: re.compile(p.pattern.replace(" -> ", " => "))),
    Doctoring("firmware call log keeps only CALL(ARGS) lines and their r=(REGS) answers",
              console, "FWLOG",
              lambda _: re.compile(r"fwlog: (\d+) t=(\d+) cpu(\d+) EL(\d) (\w+)\((.*?)\)"
                                   r"(?: -> (\S+) r=\((.*?)\))?()$")),
    Doctoring("SMC origins ignore the return address", console, "_exception_detail",
              _ignoring_elr),
    Doctoring("OP-TEE's refusal looked up in its SMC32 form", checks, "OPTEE_NO_RETRIEVE",
              lambda _: "Unhandled FFA function ID 0x84000074"),
    Doctoring("PCR digests read in lower case only", console, "PCR",
              lambda p: re.compile(p.pattern.replace("A-Fa-f", "a-f"))),
    Doctoring("xtest's FAILED verdict not read", xtest, "CASE_END",
              lambda _: re.compile(rf"^  ({xtest.CASE}) (OK)\s*$")),
    Doctoring("xtest's skip message not recognised", xtest, "SKIP_MSG",
              lambda _: re.compile(r"skipping|- skip tests", re.I)),
    Doctoring("xtest's subtest verdicts not read", xtest, "SUB_END",
              lambda _: re.compile(r"(?!)")),
    Doctoring("xtest's done line not read", xtest, "DONE",
              lambda _: re.compile(r"^conduit-xtest: done rc=(\d+)$")),
]


def caught_by(ids, shown=3):
    more = f" (+{len(ids) - shown} more)" if len(ids) > shown else ""
    return "; ".join(ids[:shown]) + more


def run_doctorings():
    """Run the suite under each doctoring; one PASS/FAIL line each. The
    plain suite must pass first, or no doctoring proves anything."""
    plain = run_suite(quiet=True)
    if plain.failed_ids or not plain.passed_ids:
        print("FAIL harness-selftest: doctored runs need the plain suite to pass: "
              + caught_by(plain.failed_ids or ["no test ran"]), flush=True)
        return 1
    failed = 0
    for d in DOCTORINGS:
        with mock.patch.object(d.target, d.attr, d.make(getattr(d.target, d.attr))):
            ids = run_suite(quiet=True).failed_ids
        print(f"PASS harness-selftest: doctored {d.name} is caught by {caught_by(ids)}" if ids
              else f"FAIL harness-selftest: doctored {d.name} is caught by no test", flush=True)
        failed += not ids
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--suite", action="store_true", help="the suite only")
    mode.add_argument("--doctored", action="store_true", help="the doctorings only")
    ap.add_argument("-k", metavar="WORD", help="with --suite: only the tests whose id has WORD")
    a = ap.parse_args()
    if a.k and not a.suite:
        ap.error("-k needs --suite")
    rc = 0
    if not a.doctored:
        result = run_suite(a.k)
        if not result.failed_ids and not result.passed_ids:
            print(f"FAIL harness-selftest: no test{' matches ' + a.k if a.k else ''}")
        rc = 1 if result.failed_ids or not result.passed_ids else 0
    if not a.suite:
        rc |= run_doctorings()
    return rc


if __name__ == "__main__":
    sys.exit(main())
