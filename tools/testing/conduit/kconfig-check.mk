# SPDX-License-Identifier: GPL-2.0
# Included by the top-level Makefile.
#
#   make kconfig-check   arm64 configs of the assembled tree $(KTREE): the
#                        firmware conduit symbols of defconfig, with FF-A
#                        built in and as a module, with KVM=n, and with
#                        KUNIT_ALL_TESTS=y, against what the documentation
#                        says (kconfig_check.py has the table and its
#                        sources); and Kconfig keywords inside help text in
#                        the series' Kconfig (kconfig_help_lint.py, with its
#                        self-test). One PASS/FAIL line per case and check.
#
# Configs only, no kernel build: `make defconfig` and `make olddefconfig`
# with O= in their own directories under $(BUILD)/kconfig-check/, so the
# kernel's output directory $(KTREE)/out is not touched. About two minutes
# on two cores.

KCONFIG_CHECK_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
KCONFIG_CHECK_OUT := $(BUILD)/kconfig-check
KCONFIG_HELP_LINT  = $(PY) $(KCONFIG_CHECK_DIR)/kconfig_help_lint.py

TEST_SUITES += kconfig-check

.PHONY: kconfig-check

# $(call kconfig_help_lint_line,name,args): one PASS/FAIL line from the
# lint's summary (its first line), the findings indented below it.
define kconfig_help_lint_line
	if out=$$($(KCONFIG_HELP_LINT) $(2) 2>&1); then r=PASS; else r=FAIL; rc=1; fi; \
	{ echo "$$r kconfig-check $(1): $$(echo "$$out" | head -n1)"; \
	  echo "$$out" | tail -n +2 | sed 's/^/    /'; } | tee -a $(RESULTS)/kconfig-check.txt
endef

kconfig-check: tree
	@mkdir -p $(RESULTS)
	@rc=0; \
	$(PY) -u $(KCONFIG_CHECK_DIR)/kconfig_check.py --ktree $(KTREE) --out $(KCONFIG_CHECK_OUT) \
		--results $(RESULTS)/$@.txt || rc=1; \
	$(call kconfig_help_lint_line,help-lint self-test,--self-test); \
	$(call kconfig_help_lint_line,help-lint,--repo $(TOP)); \
	exit $$rc
