# SPDX-License-Identifier: GPL-2.0
# Included by the top-level Makefile.
#
#   make secure-world   TF-A 2.12.1 (SPM dispatcher) and OP-TEE 4.10 as the
#                       S-EL1 SPMC, from Debian's source packages, with
#                       Debian's U-Boot as BL33: build/secure-world/flash.bin
#                       and uboot-env.bin for the optee-* boot scenarios.
#                       Cached under build/secure-world/ keyed on the package
#                       versions and options; a warm run does nothing.
#
# SECURE_WORLD_TRACE=1 builds TF-A with its SPM dispatcher logging every
# FF-A call (VERBOSE) on the console, for investigation; the boots then
# list those calls. See tools/testing/conduit/secure-world/README.md.

SECURE_WORLD_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))/secure-world

.PHONY: secure-world

export SECURE_WORLD_TRACE

secure-world: deps
	@$(SECURE_WORLD_DIR)/build.sh $(BUILD)

# The boots that need it build it first; a failed build does not stop them:
# the optee-* scenarios then fail as themselves ("no .../flash.bin").
.PHONY: secure-world-soft
secure-world-soft:
	@$(SECURE_WORLD_DIR)/build.sh $(BUILD) || true

boot-matrix: secure-world-soft
demo: $(if $(filter optee-%,$(DEMO_SCENARIO)),secure-world-soft)
