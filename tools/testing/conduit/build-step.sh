# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by secure-world/build.sh and uefi/build.sh (their keys cover it):
#
#   step NAME CMD...  run CMD with its output appended to $LOG, after a line
#                     "== NAME: CMD"; if it fails, the caller's die() with
#                     one line naming the log as die() keeps it,
#                     $FAILED/build.log

step() {
	local name=$1; shift
	echo "== $name: $*" >> "$LOG"
	"$@" >> "$LOG" 2>&1 || die "$name failed, see $FAILED/build.log"
}
