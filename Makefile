# SPDX-License-Identifier: GPL-2.0
#
# Firmware conduit readiness: build, boot and test the patch series.
#
#   make demo     build stock and patched kernels, boot both under pKVM with
#                 TF-A + OP-TEE and with a TPM behind FF-A, print their
#                 conduit timelines and IMA's result side by side
#   make test     every test; ends with "N passed, N failed"
#
# KSRC=/path/to/tree uses another base tree (default: Debian's
# linux-source-7.3 tarball, fetched by `make deps`). `make help` lists the other targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

TOP    := $(abspath .)
BUILD  := $(TOP)/build
T      := $(TOP)/tools/testing/conduit
KTREE  := $(BUILD)/linux
KSTOCK := $(BUILD)/stock
RESULTS := $(BUILD)/results
KSRC   ?=
ARCH_ARGS := ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
JOBS   ?= $(shell nproc)
PY     := python3

# ccache pays off twice: stock and patched share almost every object, and
# both trees are built with O=out inside the tree, so the command lines match.
CCACHE := $(shell command -v ccache 2>/dev/null)
KMAKE_CC := $(if $(CCACHE),CC="ccache aarch64-linux-gnu-gcc")
# $(call KMAKE,tree[,outdir]): make in TREE with O=OUTDIR (default out)
KMAKE = $(MAKE) --no-print-directory -C $(1) O=$(or $(2),out) $(ARCH_ARGS) $(KMAKE_CC) -j$(JOBS)

FRAGMENT      := $(T)/qemu-arm64.config
FRAGMENT_PATCHED := $(T)/qemu-arm64-patched.config

# Suites that `make test` runs, in order; each .mk fragment appends its own.
# A suite writes PASS/FAIL lines to $(RESULTS)/<suite>.txt.
TEST_SUITES := series-check-manifest harness-selftest boot-matrix

# The default base: Debian's linux-source-7.3 (trixie-backports), fetched
# through a private apt configuration; see tools/testing/conduit/debian-fetch.sh.
BASE_PKG     := linux-source-7.3
BASE_TARBALL := $(BUILD)/debian/$(BASE_PKG)/root/usr/src/$(BASE_PKG).tar.xz

export BUILD KTREE KSTOCK RESULTS TOP BASE_TARBALL

.PHONY: help deps tree kernel kernel-stock kernel-unlocked kernel-stock-unlocked kconfig-tree initramfs boot boot-matrix demo test \
	kernel-ffa-module kernel-ffa-module-unlocked kernel-stock-ima-late kernel-stock-ima-late-unlocked \
	series-list series-check-manifest scenario scenarios clean distclean $(TEST_SUITES)

help:
	@sed -n '3,12p' Makefile | sed 's/^# \{0,1\}//'
	@echo
	@echo "Other targets:"
	@echo "  deps          install missing Debian packages (apt-get; needs root)"
	@echo "  tree          assemble SERIES onto the base in build/linux (git commits)"
	@echo "  series-list   show the series: commits, new files, diff sections"
	@echo "  kernel        arm64 build of the patched tree (build/linux/out)"
	@echo "  kernel-stock  arm64 build of the base tree (build/stock/out)"
	@echo "  kernel-ffa-module  the patched tree with FF-A as modules (build/linux/out-ffa-module)"
	@echo "  kernel-stock-ima-late  stock with IMA_INIT_LATE_SYNC=y (build/stock/out-ima-late-sync)"
	@echo "  boot-matrix   every boot scenario on both kernels, table in build/boot-matrix.txt"
	@echo "  scenarios     the scenario table: machine, firmware, kernels, command line, checks"
	@echo "  scenario S=spmc-pkvm [K=stock|patched]   boot one scenario, print its verdicts"
	@echo "  xtest         OP-TEE's xtest on both kernels, pKVM/nVHE/EL1 (about 35 min; not in test)"
	@echo "  kunit coverage cocci-test coccicheck lint series series-check bench boot-matrix"

# ---------------------------------------------------------------------------
# Set-up: a fresh Debian bookworm machine needs nothing but this.

DEB_PACKAGES := build-essential git python3 flex bison bc libssl-dev libelf-dev \
	cpio xz-utils rsync kmod gcc-aarch64-linux-gnu qemu-system-arm \
	qemu-efi-aarch64 device-tree-compiler ccache sparse coccinelle b4 \
	python3-sphinx python3-ply python3-git lcov \
	dpkg-dev u-boot-qemu python3-pyelftools python3-cryptography swtpm \
	dosfstools mtools acpica-tools uuid-dev python3-distutils

deps:
	@missing=$$(dpkg-query -W -f='$${Package} $${Status}\n' $(DEB_PACKAGES) 2>/dev/null \
		| awk '$$NF!="installed"{print $$1}'; \
		for p in $(DEB_PACKAGES); do dpkg-query -W $$p >/dev/null 2>&1 || echo $$p; done); \
	missing=$$(echo $$missing | tr ' ' '\n' | sort -u | tr '\n' ' '); \
	if [ -n "$${missing// }" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "deps: missing Debian packages: $$missing"; \
			echo "deps: run as root, or: sudo apt-get install $$missing"; exit 1; \
		fi; \
		echo "deps: installing $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $$missing >/dev/null || \
			{ echo "deps: apt-get install failed"; exit 1; }; \
	fi
	@$(if $(KSRC),true,test -r $(BASE_TARBALL) || \
		$(T)/debian-fetch.sh binary $(BASE_PKG) $(BUILD)/debian/$(BASE_PKG))

# ---------------------------------------------------------------------------
# The series

tree: deps
	@mkdir -p $(BUILD)
	@flock $(BUILD)/.tree.lock $(PY) $(T)/series.py tree --repo $(TOP) --build $(BUILD) \
		$(if $(KSRC),--ksrc $(KSRC))

series-list:
	@$(PY) $(T)/series.py list --repo $(TOP)

series-check-manifest:
	@mkdir -p $(RESULTS)
	@if out=$$($(PY) $(T)/series.py check --repo $(TOP) 2>&1); then \
		echo "PASS series manifest: $$out"; else echo "FAIL series manifest: $$out"; fi \
		| tee $(RESULTS)/$@.txt

# ---------------------------------------------------------------------------
# Kernels

$(BUILD)/init: $(T)/init.c
	@mkdir -p $(BUILD)
	aarch64-linux-gnu-gcc -Os -static -nostdlib -ffreestanding -fno-stack-protector \
		-Wall -Wextra -Werror -o $@ $<

# gen_init_cpio list for the built-in initramfs: /init and the nodes it uses.
$(BUILD)/initramfs.list: $(BUILD)/init
	@printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' \
		'nod /dev/kmsg 0644 0 0 c 1 11' 'dir /proc 0755 0 0' 'dir /sys 0755 0 0' \
		'file /init $(BUILD)/init 0755 0 0' > $@

initramfs: $(BUILD)/initramfs.list

# $(call kconfig,tree,fragments[,outdir]): allnoconfig + fragments in
# TREE/OUTDIR (default out), then check that every "=y" and "=m" line
# survived olddefconfig (a later fragment overrides an earlier one).
define kconfig
	$(call kconfig_unchecked,$(1),$(2),$(3))
	@bad=$$(for f in $(2); do grep -o '^CONFIG_[A-Za-z0-9_]*=[ym]' $$f; done | \
		awk -F= '{ v[$$1] = $$0 } END { for (k in v) print v[k] }' | \
		while read s; do grep -qx "$$s" $(1)/$(or $(3),out)/.config || echo "$$s"; done); \
	if [ -n "$$bad" ]; then echo "kernel: config fragment symbols did not stick in" \
		"$(1)/$(or $(3),out)/.config:" $$bad; exit 1; fi
endef

# The same without the check, for trees at commits that do not define every
# symbol of the fragments yet (the test-only samples): olddefconfig drops
# those.
#
# The .config is made again only when its inputs changed (the tree's
# commit and uncommitted Kconfig edits, the fragments, the initramfs path),
# and always in a tree that is not a git repository. The stamp also holds
# the .config's own hash, so a hand-edited .config is made again too. (allnoconfig, merge_config.sh and olddefconfig take about 20 s
# on the 2-core machines, for each kernel in each make invocation.)
define kconfig_unchecked
	@mkdir -p $(1)/$(or $(3),out)
	@out=$(1)/$(or $(3),out); \
	head=$$(git -C $(1) rev-parse -q --verify HEAD 2>/dev/null); \
	inputs=$$({ echo "$$head"; git -C $(1) diff HEAD -- '*Kconfig*' 2>/dev/null; \
		echo $(BUILD)/initramfs.list; cat $(2); } | sha256sum | cut -d' ' -f1); \
	if [ -n "$$head" ] && [ -f $$out/.config ] && [ "$$(cat $$out/.conduit-config 2>/dev/null)" = \
		"$$inputs $$(sha256sum < $$out/.config | cut -d' ' -f1)" ]; then exit 0; fi; \
	rm -f $$out/.conduit-config; set -e; \
	$(call KMAKE,$(1),$(3)) -s allnoconfig; \
	(cd $(1) && KCONFIG_CONFIG=$(or $(3),out)/.config ./scripts/kconfig/merge_config.sh -m \
		-O $(or $(3),out) $(or $(3),out)/.config $(2) >/dev/null); \
	(cd $$out && ../scripts/config --file .config \
		--set-str INITRAMFS_SOURCE $(BUILD)/initramfs.list); \
	$(call KMAKE,$(1),$(3)) -s olddefconfig; \
	echo "$$inputs $$(sha256sum < $$out/.config | cut -d' ' -f1)" > $$out/.conduit-config
endef

# $(call seed_kernel,outdir,seed outdir,seed lock): start an empty OUTDIR
# from SEED, a finished build of the same tree with another config. Kbuild
# then recompiles only what the config difference reaches (fixdep's
# per-option dependencies, include/config/), instead of preprocessing every
# file again for ccache: the FF-A-as-modules kernel differs from the
# patched one in three options, the IMA_INIT_LATE_SYNC one from stock in one.
seed_kernel = if [ ! -e $(1)/vmlinux ] && [ -e $(2)/vmlinux ]; then \
	echo "kernel: starting $(1) from the build in $(2)"; \
	flock $(3) rsync -a --exclude=/.config --exclude=/.config.old --exclude=/.conduit-config \
		--exclude=/.kcache-key --exclude=/build.log $(2)/ $(1)/ && touch $(1)/.config; fi;

# $(call build_kernel,tree,fragments[,outdir[,targets[,seed outdir,seed lock]]]):
# configure and build TARGETS (default Image) in TREE/OUTDIR (default out).
# A build of the same inputs (source, .config, initramfs, toolchain) comes
# from the cache outside the clone instead, see kcache.sh; a fresh clone on
# the same machine builds no kernel twice. Otherwise an empty OUTDIR starts
# from the seed's build, if given and built (seed_kernel).
define build_kernel
	@if [ "$$(id -u)" != 0 ] && ! command -v aarch64-linux-gnu-gcc >/dev/null; then \
		echo "kernel: no aarch64-linux-gnu-gcc: run 'sudo apt-get install gcc-aarch64-linux-gnu'"; \
		exit 1; fi
	@avail=$$(df -Pk $(BUILD) | awk 'NR==2{print int($$4/1048576)}'); \
	if [ "$$avail" -lt 3 ]; then echo "kernel: only $${avail} GiB free under $(BUILD);" \
		"a kernel build needs about 3 GiB more: free some space"; exit 1; fi
	$(call kconfig,$(1),$(2),$(3))
	@$(T)/kcache.sh restore $(1) $(1)/$(or $(3),out) $(or $(4),Image) && exit 0; \
		$(if $(5),$(call seed_kernel,$(1)/$(or $(3),out),$(5),$(6))) \
		echo "kernel: building $(1)/$(or $(3),out)"; \
		$(call KMAKE,$(1),$(3)) -s $(or $(4),Image) 2>&1 | tee $(1)/$(or $(3),out)/build.log | \
		grep -v '^$$' || true; \
		test $${PIPESTATUS[0]} -eq 0 || { echo "kernel: build of $(1)/$(or $(3),out) failed," \
		"see $(1)/$(or $(3),out)/build.log"; rm -f $(1)/$(or $(3),out)/arch/arm64/boot/Image; exit 1; }; \
		$(T)/kcache.sh store $(1) $(1)/$(or $(3),out) $(or $(4),Image) || true
endef

# One build at a time per tree: two makes in one O= directory corrupt it.
kernel: tree $(BUILD)/initramfs.list
	@flock $(BUILD)/.kernel-patched.lock $(MAKE) --no-print-directory kernel-unlocked

kernel-unlocked:
	$(call build_kernel,$(KTREE),$(FRAGMENT) $(FRAGMENT_PATCHED))

kernel-stock: tree $(BUILD)/initramfs.list
	@flock $(BUILD)/.kernel-stock.lock $(MAKE) --no-print-directory kernel-stock-unlocked

kernel-stock-unlocked:
	$(call build_kernel,$(KSTOCK),$(FRAGMENT))

# The patched kernel with FF-A and the echo client as modules, in its own
# output directory of the patched tree (build/linux/out-ffa-module), and
# the initrd that carries the two modules for /init to load.
FRAGMENT_FFA_MODULE := $(T)/qemu-arm64-ffa-module.config
kernel-ffa-module: tree $(BUILD)/initramfs.list
	@flock $(BUILD)/.kernel-ffa-module.lock $(MAKE) --no-print-directory kernel-ffa-module-unlocked

kernel-ffa-module-unlocked:
	$(call build_kernel,$(KTREE),$(FRAGMENT) $(FRAGMENT_PATCHED) $(FRAGMENT_FFA_MODULE),out-ffa-module,Image modules,$(KTREE)/out,$(BUILD)/.kernel-patched.lock)
	@printf '%s\n' 'dir /modules 0755 0 0' \
		'file /modules/ffa-core.ko $(KTREE)/out-ffa-module/drivers/firmware/arm_ffa/ffa-core.ko 0644 0 0' \
		'file /modules/ffa-module.ko $(KTREE)/out-ffa-module/drivers/firmware/arm_ffa/ffa-module.ko 0644 0 0' \
		'file /modules/ffa_echo.ko $(KTREE)/out-ffa-module/samples/ffa/ffa_echo.ko 0644 0 0' \
		'file /modules/tpm_crb_ffa.ko $(KTREE)/out-ffa-module/drivers/char/tpm/tpm_crb_ffa.ko 0644 0 0' \
		> $(BUILD)/ffa-module.list
	$(KTREE)/out-ffa-module/usr/gen_init_cpio $(BUILD)/ffa-module.list > $(BUILD)/ffa-module.cpio

# Stock 7.3 with CONFIG_IMA_INIT_LATE_SYNC=y, upstream's workaround for a
# TPM that probes late (init_ima() at late_initcall_sync), in its own output
# directory of the stock tree (build/stock/out-ima-late-sync): the tpm-*
# scenarios compare the series against it.
FRAGMENT_IMA_LATE := $(T)/qemu-arm64-ima-late-sync.config
kernel-stock-ima-late: tree $(BUILD)/initramfs.list
	@flock $(BUILD)/.kernel-stock-ima-late.lock $(MAKE) --no-print-directory kernel-stock-ima-late-unlocked

kernel-stock-ima-late-unlocked:
	$(call build_kernel,$(KSTOCK),$(FRAGMENT) $(FRAGMENT_IMA_LATE),out-ima-late-sync,,$(KSTOCK)/out,$(BUILD)/.kernel-stock.lock)

# The patched kernel's config in another work tree of the series, for lint's
# bisect tree and series-check's pristine tree: make kconfig-tree CONFIG_TREE=dir
kconfig-tree: $(BUILD)/initramfs.list
	@test -n "$(CONFIG_TREE)" || { echo "kconfig-tree: set CONFIG_TREE=<kernel tree>"; exit 1; }
	@$(call kconfig_unchecked,$(CONFIG_TREE),$(FRAGMENT) $(FRAGMENT_PATCHED))

# ---------------------------------------------------------------------------
# Boots

# Every scenario in tools/testing/conduit/scenario_table.py, on the stock and the
# patched kernel; the table lands in build/boot-matrix.txt.
boot-matrix: kernel kernel-stock kernel-ffa-module kernel-stock-ima-late firmware uefi
	@mkdir -p $(RESULTS)
	@$(PY) $(T)/boot.py all --build $(BUILD) --results $(RESULTS)/boot-matrix.txt

boot: boot-matrix

# The log parsers under every boot, KUnit and xtest check, over logs recorded
# in tools/testing/conduit/testdata and a few of kunit_tool's own recordings,
# read in the assembled tree: the unittest suite, then each deliberate
# regression of a parser (a doctoring), which some test must catch.
harness-selftest: tree
	@mkdir -p $(RESULTS)
	@set -o pipefail; $(PY) $(T)/harness_selftest.py | tee $(RESULTS)/harness-selftest.txt

# make scenarios: the scenario table. make scenario S=<name> [K=stock|patched]:
# build what the scenario needs (boot.py targets), boot it on K or on each
# kernel it names, print every check's verdict and the log's path.
scenarios:
	@$(PY) $(T)/boot.py table

scenario:
	@test -n "$(S)" || { echo "scenario: set S=<name>; 'make scenarios' lists them"; exit 2; }
	@targets=$$($(PY) $(T)/boot.py targets $(S) $(K)) || exit 2; \
		$(MAKE) --no-print-directory $$targets
	@$(PY) $(T)/boot.py scenario $(S) $(if $(K),--kernel $(K)) --build $(BUILD)

# The demo boots the stack devices run: pKVM in protected mode in front of
# TF-A's SPM dispatcher and OP-TEE as the FF-A SPMC (make secure-world);
# /init makes a TEE request. DEMO_SCENARIO=spmc-pkvm boots the project's
# test SPMC instead, whose call log says which EL each FF-A call came from.
DEMO_SCENARIO ?= optee-pkvm
# Then the TPM behind FF-A (tpm-pkvm): IMA's TPM line and boot_aggregate on
# both kernels, side by side.
demo: kernel kernel-stock firmware uefi
	@$(PY) $(T)/boot.py run stock $(DEMO_SCENARIO) --build $(BUILD) >/dev/null || true
	@$(PY) $(T)/boot.py run patched $(DEMO_SCENARIO) --build $(BUILD) >/dev/null || true
	@$(PY) $(T)/boot.py run stock tpm-pkvm --build $(BUILD) >/dev/null || true
	@$(PY) $(T)/boot.py run patched tpm-pkvm --build $(BUILD) >/dev/null || true
	@echo; $(PY) $(T)/boot.py timeline $(DEMO_SCENARIO) --build $(BUILD) --require-boot
	@echo; $(PY) $(T)/boot.py ima tpm-pkvm --build $(BUILD)

# ---------------------------------------------------------------------------
# Tests

-include $(wildcard $(T)/*.mk)

test:
	@rm -rf $(RESULTS); mkdir -p $(RESULTS)
	@for s in $(TEST_SUITES); do \
		echo "=== $$s"; t0=$$(date +%s); \
		$(MAKE) --no-print-directory $$s || { \
			grep -qs '^FAIL' $(RESULTS)/$$s.txt || \
			echo "FAIL $$s: 'make $$s' failed before reporting" >> $(RESULTS)/$$s.txt; }; \
		echo $$(( $$(date +%s) - t0 )) > $(RESULTS)/$$s.seconds; \
	done
	@$(PY) $(T)/summary.py $(RESULTS) $(TEST_SUITES)

clean:
	rm -rf $(BUILD)/boots $(RESULTS)

distclean:
	rm -rf $(BUILD)
