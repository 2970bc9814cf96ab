# SPDX-License-Identifier: GPL-2.0
# Included by the top-level Makefile.
#
#   make cocci-test   run the firmware conduit Coccinelle checks on their
#                     corpus in cocci/ and compare with the expected output;
#                     one PASS/FAIL line per rule and case
#   make coccicheck   run the checks in report mode over the assembled
#                     tree's kernel/, drivers/firmware/, security/integrity/
#                     and arch/arm64/kvm/; the series must give 0 reports
#                     besides those listed in cocci/coccicheck.pending
#   make coccicheck-stock
#                     the same over the stock tree ($(KSTOCK)); the reports
#                     must be exactly the ad-hoc orderings the series
#                     replaces, listed in cocci/stock-7.3.expected; one
#                     PASS/FAIL line each
#   make cocci-bless  rewrite cocci/*/expected.{report,patch} (review the diff)
#
# COCCI_TREE=/path overrides the tree coccicheck scans (default $(KTREE));
# COCCI_STOCK=/path the one coccicheck-stock scans (default $(KSTOCK)).
# spatch runs with --jobs $(COCCI_JOBS) (default 2).

COCCI_DIR   := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
COCCI_RUN    = $(PY) -u $(COCCI_DIR)/cocci_run.py
COCCI_TREE  ?= $(KTREE)
COCCI_STOCK ?= $(KSTOCK)
COCCI_STOCK_EXPECTED ?= $(TOP)/cocci/stock-7.3.expected
COCCI_JOBS  ?= 2

TEST_SUITES += cocci-test coccicheck coccicheck-stock

.PHONY: cocci-test coccicheck coccicheck-stock cocci-bless

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
		--pending $(TOP)/cocci/coccicheck.pending \
		--jobs $(COCCI_JOBS) --results $(RESULTS)/$@.txt

# build/stock is made by `make tree` too.
coccicheck-stock: $(if $(filter $(KSTOCK),$(COCCI_STOCK)),tree)
	@command -v spatch >/dev/null || { mkdir -p $(RESULTS); \
		echo "FAIL coccicheck-stock: spatch not installed (apt-get install coccinelle)" \
		| tee $(RESULTS)/$@.txt; exit 1; }
	$(COCCI_RUN) check --repo $(TOP) --tree $(COCCI_STOCK) --name $@ \
		--expected $(COCCI_STOCK_EXPECTED) \
		--jobs $(COCCI_JOBS) --results $(RESULTS)/$@.txt
