# SPDX-License-Identifier: GPL-2.0
# Included by the top-level Makefile.
#
#   make xtest         OP-TEE's regression suite (xtest, Debian's optee-test
#                      4.10 with optee-client 4.11) in the guest on TF-A +
#                      OP-TEE, stock and patched, under pKVM protected, nVHE
#                      and EL1: one row per kernel and mode (passed, failed,
#                      skipped, time), then xtest-check
#   make xtest-check   fails when patched fails an xtest case that stock
#                      passes in the same mode (from the saved results)
#   make xtest-initrd  the initrd only (build/xtest/initrd.cpio.gz)
#   make xtest-run     make xtest without building the kernels first (the
#                      Images already in build/; a missing one is a failed row)
#
# XTEST_ARGS="-t regression 1001 4001" runs a subset; XTEST_MODES=pkvm and
# XTEST_KERNELS=patched restrict the boots; XTEST_TIMEOUT (s) bounds each
# boot. See tools/testing/conduit/xtest/README.md.

XTEST_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))/xtest
XTEST_MODES ?= pkvm,nvhe,el1
XTEST_KERNELS ?= stock,patched
XTEST_TIMEOUT ?= 1800
# xtest's default suites (regression and pkcs11) without the socket cases
# (2001-2004): they need a TCP/IP stack, which the test kernels do not have.
XTEST_ARGS ?= -x regression_2001 -x regression_2002 -x regression_2003 -x regression_2004

.PHONY: xtest xtest-run xtest-check xtest-initrd

xtest-initrd: deps
	@$(XTEST_DIR)/mkinitrd.sh $(BUILD)

xtest: kernel kernel-stock
	@$(MAKE) --no-print-directory xtest-run

xtest-run: secure-world xtest-initrd
	@$(PY) $(XTEST_DIR)/run.py run --build $(BUILD) --modes $(XTEST_MODES) \
		--kernels $(XTEST_KERNELS) --timeout $(XTEST_TIMEOUT) --xtest-args "$(XTEST_ARGS)"

xtest-check:
	@$(PY) $(XTEST_DIR)/run.py check --build $(BUILD) --modes $(XTEST_MODES)
