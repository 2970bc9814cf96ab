# SPDX-License-Identifier: GPL-2.0
# Included by the top-level Makefile: the submission tooling.
#
#   make series        b4-prepared patch emails of the upstream commits, with
#                      the cover letter (cover-letter.txt), To/Cc from
#                      get_maintainer.pl, change-id and base-commit, written
#                      to build/series/ (*.eml and series.mbox); sends nothing
#   make series-check  the mbox applies with git am onto a fresh unpack of
#                      the base, gives the same tree as build/linux, and
#                      the changed objects build there
#   make lint          checkpatch --strict per patch, every commit builds,
#                      sparse and W=1 add no warnings, kernel-doc, htmldocs
#                      (core-api), MAINTAINERS entry
#
# Sign-offs and the From: line are the git identity of whoever runs it.

LINT_PY = $(PY) -u $(T)/lint.py

TEST_SUITES += lint series-check

.PHONY: series series-check lint

series: tree
	@command -v b4 >/dev/null || { echo "series: b4 is not installed (apt-get install b4)"; exit 1; }
	@$(LINT_PY) series

series-check: tree
	@mkdir -p $(RESULTS)
	@command -v b4 >/dev/null || { echo "FAIL series-check b4 is not installed (apt-get install b4)" \
		| tee $(RESULTS)/$@.txt; exit 1; }
	@$(LINT_PY) series 2>&1 | tee $(BUILD)/series.log | grep -E '^series: ' ; \
	if [ $${PIPESTATUS[0]} -ne 0 ]; then \
		echo "FAIL series-check 'make series' failed: $$(grep -m1 'error' $(BUILD)/series.log)" \
			| tee $(RESULTS)/$@.txt; exit 1; fi
	@$(LINT_PY) series-check

lint: tree
	@mkdir -p $(RESULTS)
	@for t in sparse sphinx-build b4; do command -v $$t >/dev/null || { \
		echo "FAIL lint $$t is not installed (make deps)" | tee $(RESULTS)/$@.txt; exit 1; }; done
	@$(LINT_PY) lint
