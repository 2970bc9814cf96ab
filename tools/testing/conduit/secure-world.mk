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
# See tools/testing/conduit/secure-world/README.md.

SECURE_WORLD_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))/secure-world

.PHONY: secure-world

secure-world: deps
	@$(SECURE_WORLD_DIR)/build.sh $(BUILD)
