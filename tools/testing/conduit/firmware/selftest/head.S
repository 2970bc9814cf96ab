/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal arm64 "Image" for the firmware self-test: header, stack, C. */
	.section .text.head, "ax"
	.global _start
_start:
	b	1f
	.org	0x38
	.ascii	"ARM\x64"			/* Image magic, checked by the firmware */
1:	ldr	x1, =stack_top
	mov	sp, x1
	bl	selftest_main
2:	b	2b

	.bss
	.balign	16
	.space	0x4000
stack_top:
