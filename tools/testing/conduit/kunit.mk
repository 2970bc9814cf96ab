# SPDX-License-Identifier: GPL-2.0
# Included by the top-level Makefile.
#
#   make kunit      the firmware conduit KUnit suite under UML (lockdep,
#                   atomic-sleep checks, KASAN), one PASS/FAIL line per case
#   make coverage   gcov line coverage of kernel/conduit/conduit.c under UML
#
# Both run on the assembled tree $(KTREE), in their own build directories,
# so neither disturbs the arm64 build in $(KTREE)/out.

KUNIT_DIR  := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))/
KUNIT_PY    = cd $(KTREE) && ./tools/testing/kunit/kunit.py run --arch=um --jobs=$(JOBS)
KUNIT_BUILD := $(BUILD)/kunit
COV_BUILD   := $(BUILD)/coverage

# `coverage` is not in `make test` yet: with Debian's gcc 12, a UML gcov
# kernel links (see COV_LINK_FIX) and runs the suite, but libgcov never
# writes its .gcda files at UML's exit, so no figure comes out. Measuring it
# on the arm64 boot with CONFIG_GCOV_KERNEL and /init dumping debugfs is the
# way forward.
TEST_SUITES += kunit

# gcc 12's libgcov defines mangle_path(), as does fs/seq_file.c, so a UML
# gcov link fails on the duplicate. UML turns LDFLAGS_EXECSTACK into -Wl,
# options; keep its flags and let the kernel's definition (linked first)
# stand. libgcov only calls its own for -fprofile-dir name mangling, which
# this build does not use.
COV_LINK_FIX := LDFLAGS_EXECSTACK=-z noexecstack --no-warn-rwx-segments --allow-multiple-definition

.PHONY: kunit coverage

kunit: tree
	@mkdir -p $(RESULTS) $(KUNIT_BUILD)
	@rc=0; $(KUNIT_PY) --kunitconfig=kernel/conduit/.kunitconfig \
		--build_dir=$(KUNIT_BUILD) > $(KUNIT_BUILD)/kunit.out 2>&1 || rc=$$?; \
	grep -E '^\[[0-9:]+\] (\[(PASSED|FAILED|SKIPPED|CRASHED)\]|Testing complete|=+)' \
		$(KUNIT_BUILD)/kunit.out | tail -n 80; \
	if [ ! -s $(KUNIT_BUILD)/test.log ]; then tail -n 40 $(KUNIT_BUILD)/kunit.out; fi; \
	$(PY) $(KUNIT_DIR)kunit_results.py kunit $(KUNIT_BUILD)/test.log $$rc $(RESULTS)/kunit.txt

coverage: tree
	@mkdir -p $(RESULTS) $(COV_BUILD)
	@find $(COV_BUILD) -name '*.gcda' -delete
	@rc=0; $(KUNIT_PY) --kunitconfig=$(KUNIT_DIR)coverage_uml.config \
		--build_dir=$(COV_BUILD) --make_options "$(COV_LINK_FIX)" \
		> $(COV_BUILD)/kunit.out 2>&1 || rc=$$?; \
	grep -E 'Testing complete' $(COV_BUILD)/kunit.out || tail -n 40 $(COV_BUILD)/kunit.out; \
	cd $(COV_BUILD) && gcov -t -o $(COV_BUILD)/kernel/conduit $(KTREE)/kernel/conduit/conduit.c \
		> $(COV_BUILD)/conduit.c.gcov.txt 2>$(COV_BUILD)/gcov.err; \
	$(PY) $(KUNIT_DIR)kunit_results.py coverage $(COV_BUILD)/conduit.c.gcov.txt \
		$(RESULTS)/coverage.txt
