/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reset vector, EL3 exception vectors and the return paths to the
 * non-secure world. All CPUs start here at EL3 (QEMU virt, secure=on).
 */
#include "platform.h"

#define FRAME_SIZE	(32 * 8)

	.section .text.boot, "ax"
	.global _start
_start:
	mrs	x0, mpidr_el1
	and	x1, x0, #0xff			/* Aff0 */
	ubfx	x2, x0, #8, #8			/* Aff1: QEMU virt clusters of 8 */
	add	x19, x1, x2, lsl #3		/* CPU index */
	cmp	x19, #MAX_CPUS
	b.hs	dead

	adr	x0, vectors
	msr	vbar_el3, x0
	isb

	/* Per-CPU stack: cpu N uses [top - (N+1)*STACK_SIZE, top - N*STACK_SIZE) */
	ldr	x0, =__stacks_top
	mov	x1, #STACK_SIZE
	msub	x0, x19, x1, x0
	mov	sp, x0

	cbnz	x19, secondary

	/* Primary: copy .data from flash, zero .bss, then C. */
	ldr	x0, =__data_start
	ldr	x1, =__data_lma
	ldr	x2, =__data_end
1:	cmp	x0, x2
	b.hs	2f
	ldr	x3, [x1], #8
	str	x3, [x0], #8
	b	1b
2:	ldr	x0, =__bss_start
	ldr	x2, =__bss_end
3:	cmp	x0, x2
	b.hs	4f
	str	xzr, [x0], #8
	b	3b
4:	bl	primary_main
	b	dead

	/* Secondaries wait until the primary has set up .data/.bss. */
secondary:
	ldr	x1, =boot_done
5:	ldr	w2, [x1]
	cbnz	w2, 6f
	wfe
	b	5b
6:	mov	x0, x19
	bl	secondary_main
dead:
	wfe
	b	dead

/*
 * enter_lower(entry, arg0, spsr): leave EL3 for the non-secure world at
 * the EL encoded in spsr, with x0 = arg0 and every other GPR zero.
 */
	.text
	.global enter_lower
enter_lower:
	msr	elr_el3, x0
	msr	spsr_el3, x2
	mov	x0, x1
	.irp	n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
	mov	x\n, xzr
	.endr
	isb
	eret

/* park_cpu(cpu): PSCI CPU_OFF; drop the SMC frame and wait for CPU_ON. */
	.global park_cpu
park_cpu:
	ldr	x1, =__stacks_top
	mov	x2, #STACK_SIZE
	msub	x1, x0, x2, x1
	mov	sp, x1
	b	secondary_wait

/* Exception vectors. Only SMCs from lower ELs are expected. */
	.macro	ventry, handler, count=1
	.rept	\count
	.balign	0x80
	b	\handler
	.endr
	.endm

	.balign	0x800
vectors:
	ventry	cur_el_exc, 4	/* current EL, SP_EL0 */
	ventry	cur_el_exc, 4	/* current EL, SP_ELx */
	ventry	lower_sync	/* lower EL, AArch64 */
	ventry	lower_other, 3
	ventry	lower_other, 4	/* lower EL, AArch32 */

/*
 * The SMC frame: x0..x30 at [sp, #8 * n]. frame_regs OP applies OP (stp
 * or ldp) to each register pair; x30 is stored/loaded on its own.
 */
	.macro	frame_regs, op
	\op	x0, x1, [sp, #16 * 0]
	\op	x2, x3, [sp, #16 * 1]
	\op	x4, x5, [sp, #16 * 2]
	\op	x6, x7, [sp, #16 * 3]
	\op	x8, x9, [sp, #16 * 4]
	\op	x10, x11, [sp, #16 * 5]
	\op	x12, x13, [sp, #16 * 6]
	\op	x14, x15, [sp, #16 * 7]
	\op	x16, x17, [sp, #16 * 8]
	\op	x18, x19, [sp, #16 * 9]
	\op	x20, x21, [sp, #16 * 10]
	\op	x22, x23, [sp, #16 * 11]
	\op	x24, x25, [sp, #16 * 12]
	\op	x26, x27, [sp, #16 * 13]
	\op	x28, x29, [sp, #16 * 14]
	.endm

	.macro	save_frame
	sub	sp, sp, #FRAME_SIZE
	frame_regs stp
	str	x30, [sp, #16 * 15]
	.endm

	.macro	restore_frame
	frame_regs ldp
	ldr	x30, [sp, #16 * 15]
	add	sp, sp, #FRAME_SIZE
	.endm

lower_sync:
	save_frame
	mov	x0, sp
	bl	el3_sync_lower
	restore_frame
	eret

lower_other:
	save_frame
	mov	x0, sp
	bl	el3_unexpected_lower
	b	dead

cur_el_exc:
	save_frame
	mov	x0, sp
	bl	el3_unexpected_self
	b	dead
