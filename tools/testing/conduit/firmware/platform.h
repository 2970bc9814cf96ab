/* SPDX-License-Identifier: GPL-2.0 */
/* QEMU virt (secure=on) memory map and the firmware's load-address contract. */
#ifndef PLATFORM_H
#define PLATFORM_H

#define MAX_CPUS		8
#define STACK_SIZE		0x2000

#define SEC_RAM_BASE		0x0e000000	/* 16 MiB secure RAM */

#define GICD_BASE		0x08000000
#define GICR_BASE		0x080a0000
#define GICR_STRIDE		0x20000
#define UART0_BASE		0x09000000	/* non-secure console */
#define UART1_BASE		0x09040000	/* secure UART (second -serial) */
#define FW_CFG_BASE		0x09020000

/* Where the harness loads things with -device loader (see README.md). */
#define KERNEL_ADDR		0x40200000
#define DTB_ADDR		0x48000000
#define INITRD_ADDR		0x48200000	/* only referenced from the DTB */

#endif
