/*
 * Linux kernel and initrd loading into guest RAM for system mode (riscv64).
 *
 * The kernel may be an ELF vmlinux, a raw RISC-V Image (64-byte header,
 * optionally with an EFI stub in front, as Debian ships it), a
 * gzip-compressed Image (Image.gz), or an EFI zboot image with a gzip
 * payload; the format is found from the contents, never from the name.
 * Placement follows QEMU's riscv boot code, so firmware that works there
 * works here:
 *   - an Image goes to kernel_addr (2 MiB aligned; QEMU puts it at the
 *     first 2 MiB boundary above the firmware, 0x80200000 with fw_dynamic);
 *   - an ELF is loaded at its segments' physical addresses and entered at
 *     its lowest one (not e_entry), as QEMU does. A vmlinux linked at a
 *     virtual address has physical addresses outside RAM (Linux's riscv64
 *     vmlinux is linked at 0xffffffff80000000 with load addresses from 0);
 *     QEMU cannot load that. Here it is moved as a whole to kernel_addr,
 *     which gives the same bytes as the Image made from it.
 *   - the initrd goes at kernel start + min(RAM size / 2, 512 MiB), as in
 *     QEMU, or, when it does not fit there, as high as fits below `top`
 *     (where the board puts the device tree).
 *
 * Use:
 *   LinuxLoadTarget t = { .ram = host, .ram_base = 0x80000000, .ram_size = size,
 *                         .kernel_addr = linux_kernel_addr(0x80000000, fw_end) };
 *   LinuxKernelInfo k;
 *   if (linux_kernel_load(path, &t, &k, err, sizeof err) < 0) ... err names the file
 *   LinuxInitrdInfo rd;
 *   linux_initrd_load(initrd_path, &t, &k, fdt_addr, &rd, err, sizeof err);
 *   -> k.entry for fw_dynamic's next_addr, rd.start/rd.end for /chosen.
 * Errors are negative errnos with a message naming the file and the cause
 * (truncated, bad header, wrong architecture, does not fit in RAM); no input
 * makes the loader read or write outside the file or the RAM given.
 */
#ifndef POLYVM_LOADERS_LINUX_IMAGE_H
#define POLYVM_LOADERS_LINUX_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* X(enum suffix, description) */
#define LINUX_IMAGE_FORMATS(X)                            \
    X(ELF, "ELF vmlinux")                                 \
    X(IMAGE, "RISC-V Image")                              \
    X(IMAGE_GZIP, "gzip-compressed RISC-V Image")         \
    X(ELF_GZIP, "gzip-compressed ELF vmlinux")            \
    X(ZBOOT, "EFI zboot image (gzip payload)")

typedef enum LinuxImageFormat {
#define LINUX_IMAGE_ENUM(name, desc) LINUX_IMAGE_##name,
    LINUX_IMAGE_FORMATS(LINUX_IMAGE_ENUM)
#undef LINUX_IMAGE_ENUM
} LinuxImageFormat;

#define LINUX_KERNEL_ALIGN (2u << 20)   /* riscv64 kernels start on a PMD (2 MiB) boundary */

typedef struct LinuxLoadTarget {
    uint8_t *ram;           /* host address of guest-physical ram_base */
    uint64_t ram_base, ram_size;
    /* Lowest address the kernel may use: an Image is placed here, an ELF
     * must not load below it (firmware lives there). 0 = ram_base + 2 MiB. */
    uint64_t kernel_addr;
} LinuxLoadTarget;

typedef struct LinuxKernelInfo {
    LinuxImageFormat format;
    uint64_t entry;         /* guest-physical address to enter (fw_dynamic next_addr) */
    uint64_t start, end;    /* [start, end): RAM the kernel occupies, bss included */
    bool relocated;         /* ELF moved from its own physical addresses */
} LinuxKernelInfo;

typedef struct LinuxInitrdInfo {
    uint64_t start, end;    /* [start, end) for linux,initrd-start/-end */
} LinuxInitrdInfo;

/* QEMU's default kernel address: the first 2 MiB boundary at or above
 * firmware_end (ram_base + 2 MiB when there is no firmware in RAM). */
uint64_t linux_kernel_addr(uint64_t ram_base, uint64_t firmware_end);

int linux_kernel_load(const char *path, const LinuxLoadTarget *target, LinuxKernelInfo *info, char *err,
                      size_t errlen);
/* The same from memory; name is used in messages. data is only read. */
int linux_kernel_load_buffer(const char *name, const void *data, size_t size, const LinuxLoadTarget *target,
                             LinuxKernelInfo *info, char *err, size_t errlen);

/* Places the initrd file after the kernel; top (0 = end of RAM) is the
 * first address it must not reach. */
int linux_initrd_load(const char *path, const LinuxLoadTarget *target, const LinuxKernelInfo *kernel,
                      uint64_t top, LinuxInitrdInfo *info, char *err, size_t errlen);

const char *linux_image_format_name(LinuxImageFormat format);

/* Whether d starts like any kernel format the loader knows (its own, a
 * compressed one, or another ISA's): a board that loads unknown files as
 * raw bytes, as QEMU does, must keep the loader's error for these. */
bool linux_kernel_magic_known(const uint8_t *d, size_t size);

#endif
