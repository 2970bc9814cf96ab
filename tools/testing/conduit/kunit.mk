# SPDX-License-Identifier: GPL-2.0
# Included by the top-level Makefile.
#
#   make kunit      the firmware conduit KUnit suite under UML (lockdep,
#                   atomic-sleep checks, KASAN), one PASS/FAIL line per case;
#                   then, in a second boot of the same kernel, the suite
#                   firmware_conduit_lockdep, whose lockdep report is required
#   make coverage   gcov line coverage of kernel/conduit/ under UML; the gate
#                   is conduit.c, the core, at 95% of lines
#
# Both run on the assembled tree $(KTREE), in their own build directories,
# so neither disturbs the arm64 build in $(KTREE)/out.

KUNIT_DIR  := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))/
KUNIT_PY    = cd $(KTREE) && ./tools/testing/kunit/kunit.py run --arch=um --jobs=$(JOBS)
KUNIT_BUILD := $(BUILD)/kunit
COV_BUILD   := $(BUILD)/coverage

TEST_SUITES += kunit coverage

# Two things stand between a UML gcov kernel and a figure with Debian's
# gcc 12, and the coverage build works around both from the outside, so the
# assembled tree stays as the series leaves it:
#
# - gcc 12's libgcov defines mangle_path(), as does fs/seq_file.c, so the
#   link fails on the duplicate. Let the kernel's definition (linked first)
#   stand: libgcov only calls its own for -fprofile-dir name mangling, which
#   this build does not use.
# - libgcov writes its counters from per-object destructors that gcc puts in
#   .fini_array.00100, which UML's linker script leaves out of .fini_array,
#   so nothing runs them at exit. uml_gcov_dump.c adds one destructor in
#   plain .fini_array that writes them all.
#
# UML turns LDFLAGS_EXECSTACK into -Wl, options; keep its own flags, add ours
# and the helper object. vmlinux does not track these flags, so it is
# removed before each run to force the link.
COV_DUMP_OBJ := $(COV_BUILD)/uml_gcov_dump.o
COV_LINK_FIX := LDFLAGS_EXECSTACK=-z noexecstack --no-warn-rwx-segments \
	--allow-multiple-definition $(COV_DUMP_OBJ)
COV_SOURCES  := $(addprefix $(KTREE)/kernel/conduit/,conduit.c debugfs.c)

.PHONY: kunit coverage

# The case that provokes a lockdep report turns lockdep off for the rest of
# the boot, so it is built in (CONFIG_FIRMWARE_CONDUIT_KUNIT_LOCKDEP_TEST,
# never part of .kunitconfig or KUNIT_ALL_TESTS) but run in a boot of its
# own: the first boot runs the suite firmware_conduit alone, which must end
# with lockdep on; the second only firmware_conduit_lockdep.
KUNIT_LOCKDEP := --kconfig_add CONFIG_FIRMWARE_CONDUIT_KUNIT_LOCKDEP_TEST=y
# The UML build of a fresh clone through ccache, as bench.mk does; not the
# coverage build, whose .gcno files must come from this tree's compile.
KUNIT_CCACHE := $(if $(CCACHE),--make_options 'CC=ccache gcc')

kunit: tree
	@mkdir -p $(RESULTS) $(KUNIT_BUILD)
	@rc=0; rm -f $(KUNIT_BUILD)/test.log $(KUNIT_BUILD)/test-main.log \
		$(KUNIT_BUILD)/test-lockdep.log; \
	$(KUNIT_PY) --kunitconfig=kernel/conduit/.kunitconfig $(KUNIT_LOCKDEP) $(KUNIT_CCACHE) \
		--build_dir=$(KUNIT_BUILD) firmware_conduit \
		> $(KUNIT_BUILD)/kunit.out 2>&1 || rc=$$?; \
	grep -E '^\[[0-9:]+\] (\[(PASSED|FAILED|SKIPPED|CRASHED)\]|Testing complete|=+)' \
		$(KUNIT_BUILD)/kunit.out | tail -n 100; \
	if [ ! -s $(KUNIT_BUILD)/test.log ]; then tail -n 40 $(KUNIT_BUILD)/kunit.out; fi; \
	if [ -f $(KUNIT_BUILD)/test.log ]; then mv $(KUNIT_BUILD)/test.log $(KUNIT_BUILD)/test-main.log; fi; \
	lrc="not run, no log of the first boot"; if [ -s $(KUNIT_BUILD)/test-main.log ]; then \
		lrc=0; \
		cd $(KTREE) && ./tools/testing/kunit/kunit.py exec --build_dir=$(KUNIT_BUILD) \
			firmware_conduit_lockdep > $(KUNIT_BUILD)/kunit-lockdep.out 2>&1 || lrc=$$?; \
		grep -E '^\[[0-9:]+\] (\[(PASSED|FAILED|SKIPPED|CRASHED)\]|Testing complete)' \
			$(KUNIT_BUILD)/kunit-lockdep.out; \
		if [ -f $(KUNIT_BUILD)/test.log ]; then mv $(KUNIT_BUILD)/test.log $(KUNIT_BUILD)/test-lockdep.log; fi; \
	fi; \
	ok=0; $(PY) $(KUNIT_DIR)kunit_results.py kunit $(KUNIT_BUILD)/test-main.log $$rc \
		$(RESULTS)/kunit.txt || ok=1; \
	$(PY) $(KUNIT_DIR)kunit_results.py lockdep $(KUNIT_BUILD)/test-lockdep.log "$$lrc" \
		$(RESULTS)/kunit.txt || ok=1; \
	exit $$ok

coverage: tree
	@mkdir -p $(RESULTS) $(COV_BUILD)
	@find $(COV_BUILD) -name '*.gcda' -delete
	@rm -f $(COV_BUILD)/vmlinux $(COV_BUILD)/linux
	@gcc -O2 -Wall -Werror -c $(KUNIT_DIR)uml_gcov_dump.c -o $(COV_DUMP_OBJ)
	@rc=0; $(KUNIT_PY) --kunitconfig=$(KUNIT_DIR)coverage_uml.config \
		--build_dir=$(COV_BUILD) --make_options "$(COV_LINK_FIX)" \
		> $(COV_BUILD)/kunit.out 2>&1 || rc=$$?; \
	grep -E 'Testing complete' $(COV_BUILD)/kunit.out || tail -n 40 $(COV_BUILD)/kunit.out; \
	cd $(COV_BUILD) && gcov -t -o $(COV_BUILD)/kernel/conduit $(COV_SOURCES) \
		> $(COV_BUILD)/conduit.gcov.txt 2>$(COV_BUILD)/gcov.err; \
	$(PY) $(KUNIT_DIR)kunit_results.py coverage $(COV_BUILD)/conduit.gcov.txt \
		$(RESULTS)/coverage.txt
