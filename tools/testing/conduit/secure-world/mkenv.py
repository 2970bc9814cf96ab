#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write a U-Boot environment for QEMU virt's non-secure flash (pflash unit 1).

  mkenv.py OUT

Debian's u-boot-qemu qemu_arm64 build keeps its environment in flash at
0x04000000 (CONFIG_ENV_ADDR, CONFIG_ENV_SIZE 0x40000): a little-endian
CRC32 of the data, then "name=value" strings, each NUL-terminated, and a
final NUL. QEMU wants the whole 64 MiB bank, so OUT is written sparse.

The boot command takes the kernel from QEMU's fw_cfg (-kernel; -append
becomes bootargs) and boots it with the device tree U-Boot runs on: QEMU's,
with the PSCI node TF-A's BL2 added. The test kernels carry their
initramfs; an initrd (-initrd, `make xtest`) is passed on only when QEMU
has one: `qfw load` then copies it to ramdisk_addr_r and sets filesize to
its size; without one it sets filesize to the kernel's size and copies the
command line to ramdisk_addr_r instead. So the command looks for an
initrd's magic there: gzip (1f 8b) or a newc cpio ("0707"), the formats
the harness writes; the command line never starts with either. When
anything fails U-Boot resets, and QEMU, started with -no-reboot, exits
instead of sitting at a prompt until the timeout.
"""

import sys
import zlib

ENV_SIZE = 0x40000
FLASH_SIZE = 64 << 20

ENV = [
    ("bootdelay", "0"),
    ("kernel_addr_r", "0x40400000"),
    ("ramdisk_addr_r", "0x44000000"),
    ("bootcmd", "echo conduit: booting the fw_cfg kernel; "
                "mw.l ${ramdisk_addr_r} 0 1; "
                "qfw load ${kernel_addr_r} ${ramdisk_addr_r}; "
                "if itest.w *${ramdisk_addr_r} == 0x8b1f || "
                "itest.l *${ramdisk_addr_r} == 0x37303730; then "
                "echo conduit: with the fw_cfg initrd; "
                "booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}; "
                "else booti ${kernel_addr_r} - ${fdtcontroladdr}; fi; "
                "echo conduit: boot failed; reset"),
]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2])
    data = b"".join(f"{k}={v}".encode() + b"\0" for k, v in ENV) + b"\0"
    data = data.ljust(ENV_SIZE - 4, b"\0")
    with open(sys.argv[1], "wb") as f:
        f.write(zlib.crc32(data).to_bytes(4, "little"))
        f.write(data)
        f.truncate(FLASH_SIZE)


if __name__ == "__main__":
    main()
