# SPDX-License-Identifier: GPL-2.0
# Included by the top-level Makefile: the submission tooling.
#
#   make series        b4-prepared patch emails of the upstream commits, To/Cc
#                      from get_maintainer.pl, change-id and base-commit,
#                      one submission per directory (*.eml, series.mbox,
#                      series.info in each); sends nothing:
#                        build/series/conduit/  the conduit series with its
#                          cover letter (cover-letter.txt), cherry-picked
#                          onto the base without the separate submissions
#                          (a conflict fails, naming the commit)
#                        build/series/<name>/   each "submission: <name>" of
#                          SERIES on its own (cover-<name>.txt below its ---)
#   make series-check  every @FIELD@ filled in, the notes below each ---,
#                      get_maintainer.pl's To:/Cc: in every email, a separate
#                      submission's Fixes:, Cc: stable and maintainers in
#                      To:; on a fresh unpack of the base each separate mbox
#                      applies alone, the conduit mbox applies without them
#                      and its changed objects build, then the separate ones
#                      apply on top, give the same tree as build/linux's
#                      upstream commits, and their changed objects build
#   make defconfig-check
#                      arm64 defconfig + defconfig-series.config built from
#                      the upstream commits: 0 new warnings against the
#                      base (not in make test: a full defconfig build)
#   make debian-base-check
#                      no patch of Debian's linux source package (and no
#                      DFSG exclusion) touches a file the series touches,
#                      so the base is upstream v7.3.4 for the series (not
#                      in make test: needs the source package from apt)
#   make lint          checkpatch --strict per patch, each added file's F:
#                      line, subjects that say what their commit does,
#                      every commit builds, sparse and W=1 add no warnings,
#                      kernel-doc, htmldocs, MAINTAINERS entry, no harness
#                      function over 80 lines, lint's self-tests, every
#                      claim's checks passed (lint.py lists the modules)
#
# Sign-offs and the From: line are the git identity of whoever runs it.

LINT_PY = $(PY) -u $(T)/lint.py

TEST_SUITES += lint series-check

.PHONY: series series-check lint defconfig-check debian-base-check

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

lint: tree sparse
	@mkdir -p $(RESULTS)
	@for t in sparse sphinx-build b4; do command -v $$t >/dev/null || { \
		echo "FAIL lint $$t is not installed (make deps)" | tee $(RESULTS)/$@.txt; exit 1; }; done
	@rc=0; CONDUIT_TEST_SUITES="$(TEST_SUITES)" $(LINT_PY) lint || rc=1; \
	if out=$$($(PY) $(T)/kconfig_help_lint.py --repo $(TOP) 2>&1); then r=PASS; else r=FAIL; rc=1; fi; \
	echo "$$r Kconfig help text: $$(echo "$$out" | head -n1)" | tee -a $(RESULTS)/$@.txt; exit $$rc

defconfig-check: tree
	@mkdir -p $(RESULTS)
	@flock /tmp/conduit-kbuild.lock nice -n 10 $(T)/defconfig-check.sh $(BUILD) $(KTREE) \
		$(RESULTS)/$@.txt

debian-base-check: tree
	@mkdir -p $(RESULTS)
	@$(PY) $(T)/debian-base-check.py --ktree $(KTREE) --apt-state $(BUILD)/debian/apt \
		$(if $(DEBIAN_LINUX_VERSION),--version $(DEBIAN_LINUX_VERSION)) | tee $(RESULTS)/$@.txt; \
		exit $${PIPESTATUS[0]}
