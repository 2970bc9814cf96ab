# SPDX-License-Identifier: GPL-2.0
# Included by the top-level Makefile.
#
#   make bench            every benchmark of the conduit API; prints each
#                         figure of bench.py's FIGURES with its spread, its
#                         target and PASS or MISS; writes build/bench.json
#   make bench-size-full  code size, plus both kernels rebuilt without debugfs
#                         for bloat-o-meter with the observability parts off
#                         (two more full arm64 builds; not part of `make bench`)
#   make bench-smoke      the `make test` suite: the benchmarks run and every
#                         figure is produced (one boot each; no timing asserted)
#
# BENCH_BOOTS (default 5): rounds of stock and patched boots for the TPM
# and hand-off figures, three times as many for the boot-time ratio (pkvm,
# the same command line for both kernels). BENCH_RUNS (default 3):
# conduit_bench.run=1 boots per scenario for the arm64 fast path and the
# boot latencies.
#
# The bench's UML kernel (build/bench-kunit, bench_uml.config) cannot be
# the KUnit suite's (build/kunit, kernel/conduit/.kunitconfig): the suite
# needs lockdep, KASAN, atomic-sleep checks and tracepoints, which would be
# most of what the bench's nanosecond figures measure.

BENCH_T     := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BENCH_PY     = $(PY) $(BENCH_T)/bench.py --build $(BUILD)
BENCH_KUNIT := $(BUILD)/bench-kunit
BENCH_BOOTS ?= 5
BENCH_RUNS  ?= 3
BENCH_STEPS := bench-kunit bench-arm64 bench-boots bench-size

TEST_SUITES += bench-smoke

.PHONY: bench bench-smoke bench-size-full $(BENCH_STEPS)

bench:
	@mkdir -p $(BUILD)/bench; rm -f $(BUILD)/bench/*.json
	@$(MAKE) --no-print-directory -k $(BENCH_STEPS) BENCH_BOOTS=$(BENCH_BOOTS) \
		BENCH_RUNS=$(BENCH_RUNS) || echo "bench: some steps failed; their figures are n/a"
	@$(BENCH_PY) report

# UML: fast path, publish and wake-up scaling (suite conduit_bench).
bench-kunit: tree
	@mkdir -p $(BENCH_KUNIT)
	@echo "bench: UML build and run of the conduit_bench suite ($(BENCH_KUNIT))"
	@cd $(KTREE) && ./tools/testing/kunit/kunit.py run --arch=um --jobs=$(JOBS) \
		--kunitconfig=$(BENCH_T)/bench_uml.config --build_dir=$(BENCH_KUNIT) \
		$(if $(CCACHE),--make_options 'CC=ccache gcc') conduit_bench \
		> $(BENCH_KUNIT)/kunit.out 2>&1 || tail -n 30 $(BENCH_KUNIT)/kunit.out
	@$(BENCH_PY) kunit $(BENCH_KUNIT)/test.log

# arm64 under QEMU (TCG): fast path, boot latency, object code.
bench-arm64: kernel
	@$(MAKE) --no-print-directory firmware >/dev/null 2>&1 || \
		echo "bench: no test firmware; boot latency without an SPMC only"
	@$(BENCH_PY) arm64 --n $(BENCH_RUNS)

bench-boots: kernel kernel-stock kernel-stock-ima-late firmware uefi
	@$(BENCH_PY) boots --n $(BENCH_BOOTS)

bench-size: kernel kernel-stock
	@$(BENCH_PY) size

bench-size-full: kernel kernel-stock
	@$(BENCH_PY) size --full
	@$(BENCH_PY) report

bench-smoke:
	@mkdir -p $(RESULTS)
	@$(MAKE) --no-print-directory bench BENCH_BOOTS=1 BENCH_RUNS=1 > $(BUILD)/bench-smoke.out 2>&1 || true
	@$(BENCH_PY) smoke $(RESULTS)/bench-smoke.txt
