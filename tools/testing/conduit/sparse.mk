# SPDX-License-Identifier: GPL-2.0
# Included by the top-level Makefile.
#
#   make sparse   a sparse that v7.3 runs (bookworm's 0.6.4 is too old: the
#                 kernel silently drops C=1 with it), built from Debian
#                 sid's source package into a cache outside the clone;
#                 linked as build/sparse. `make lint` passes it as CHECK=.

SPARSE := $(BUILD)/sparse
export SPARSE

.PHONY: sparse
sparse: tree
	@$(T)/sparse-build.sh $(SPARSE) $(KTREE) >/dev/null
