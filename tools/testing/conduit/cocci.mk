# SPDX-License-Identifier: GPL-2.0
# Included by the top-level Makefile.
#
#   make cocci-test   run the firmware conduit Coccinelle checks on their
#                     corpus in cocci/ and compare with the expected output;
#                     one PASS/FAIL line per rule and case
#   make coccicheck   run the checks in report mode over the assembled
#                     tree's kernel/, drivers/firmware/, security/integrity/
#                     and arch/arm64/kvm/; the series must give 0 reports
#   make cocci-bless  rewrite cocci/*/expected.{report,patch} (review the diff)
#
# COCCI_TREE=/path overrides the tree coccicheck scans (default $(KTREE)).
# spatch runs with --jobs $(COCCI_JOBS) (default 2).

COCCI_DIR   := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
COCCI_RUN    = $(PY) -u $(COCCI_DIR)/cocci_run.py
COCCI_TREE  ?= $(KTREE)
COCCI_JOBS  ?= 2

TEST_SUITES += cocci-test coccicheck

.PHONY: cocci-test coccicheck cocci-bless

cocci-test:
	@command -v spatch >/dev/null || { mkdir -p $(RESULTS); \
		echo "FAIL cocci-test spatch not installed (apt-get install coccinelle)" \
		| tee $(RESULTS)/$@.txt; exit 1; }
	$(COCCI_RUN) test --repo $(TOP) --results $(RESULTS)/$@.txt

cocci-bless:
	$(COCCI_RUN) test --repo $(TOP) --results $(RESULTS)/cocci-test.txt --bless

# Scans the assembled tree, so it needs `make tree` first when run alone.
coccicheck: $(if $(filter $(KTREE),$(COCCI_TREE)),tree)
	@command -v spatch >/dev/null || { mkdir -p $(RESULTS); \
		echo "FAIL coccicheck: spatch not installed (apt-get install coccinelle)" \
		| tee $(RESULTS)/$@.txt; exit 1; }
	$(COCCI_RUN) check --repo $(TOP) --tree $(COCCI_TREE) \
		--jobs $(COCCI_JOBS) --results $(RESULTS)/$@.txt
