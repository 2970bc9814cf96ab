# SPDX-License-Identifier: GPL-2.0
# Included by the top-level Makefile: `make firmware` builds the conduit
# test firmware into $(BUILD)/firmware/conduit-fw.bin.
CONDUIT_FW_DIR := $(dir $(lastword $(MAKEFILE_LIST)))firmware
CONDUIT_FW := $(BUILD)/firmware/conduit-fw.bin

firmware: $(CONDUIT_FW)

$(CONDUIT_FW): $(wildcard $(CONDUIT_FW_DIR)/*.[chS] $(CONDUIT_FW_DIR)/*.ld $(CONDUIT_FW_DIR)/Makefile)
	$(MAKE) -C $(CONDUIT_FW_DIR) O=$(BUILD)/firmware CROSS_COMPILE=$(or $(CROSS),aarch64-linux-gnu-)

.PHONY: firmware

# `make firmware-check`: boot the self-test payloads through the firmware.
# Part of `make test`: one PASS/FAIL line per self-test case.
TEST_SUITES += firmware-check

firmware-check: deps $(CONDUIT_FW)
	@mkdir -p $(RESULTS)
	@$(MAKE) --no-print-directory -s -C $(CONDUIT_FW_DIR)/selftest O=$(BUILD)/firmware \
		CROSS_COMPILE=$(or $(CROSS),aarch64-linux-gnu-)
	@$(CONDUIT_FW_DIR)/selftest/run.sh $(BUILD)/firmware | tee $(RESULTS)/firmware-check.txt

.PHONY: firmware-check
