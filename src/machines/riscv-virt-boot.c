/*
 * What the riscv `virt` board puts into ROM and RAM before its first
 * instruction, the way QEMU's riscv boot code does it, so OpenSBI's
 * fw_dynamic and Linux find everything where they expect:
 *   - firmware (-bios) at the start of RAM, raw or ELF;
 *   - the kernel at the first 2 MiB boundary above the firmware (with
 *     -bios none: an ELF at its own addresses, anything else at the start
 *     of RAM), placed by linux-image.c; a file in no kernel format is
 *     copied there as raw bytes, as QEMU does;
 *   - the device tree 2 MiB aligned just below min(end of RAM, 3 GiB), so
 *     32-bit code could reach it and the kernel does not overwrite it;
 *   - the initrd where linux-image.c puts it, below the device tree;
 *   - the reset ROM: a0 = mhartid, a1 = device tree, a2 = fw_dynamic_info,
 *     jump to the firmware (or to the kernel with -bios none).
 * Files are read again at every reset, so a reboot starts from the images
 * as they are on disk, not as the guest left them in RAM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "loaders/linux-image.h"
#include "machines/riscv-virt.h"
#include "polyvm/loader.h"

#define MIB (1ull << 20)
#define FDT_ALIGN (2 * MIB)
#define FDT_LIMIT (3072 * MIB)     /* QEMU keeps the tree below 3 GiB */
#define RNG_SEED_BYTES 32

/* x5 = t0, x10..x12 = a0..a2; mhartid is CSR 0xf14. */
const uint32_t riscv_virt_rom_code[RISCV_VIRT_ROM_CODE_WORDS] = {
    0x00000297,     /* auipc t0, 0         t0 = the ROM's base (0x1000) */
    0x02828613,     /* addi  a2, t0, 0x28  a2 = &fw_dynamic_info */
    0xf1402573,     /* csrr  a0, mhartid   a0 = this hart's id */
    0x0202b583,     /* ld    a1, 0x20(t0)  a1 = device tree address */
    0x0182b283,     /* ld    t0, 0x18(t0)  t0 = start address */
    0x00028067,     /* jr    t0 */
};

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void riscv_virt_rom_write(uint8_t *rom, uint64_t start_addr, uint64_t fdt_addr, uint64_t next_addr)
{
    for (unsigned i = 0; i < RISCV_VIRT_ROM_CODE_WORDS; i++)
        put_le(rom + 4 * i, riscv_virt_rom_code[i], 4);
    put_le(rom + RISCV_VIRT_ROM_START_OFF, start_addr, 8);
    put_le(rom + RISCV_VIRT_ROM_FDT_OFF, fdt_addr, 8);
    /* struct fw_dynamic_info (OpenSBI docs/firmware/fw_dynamic.md), XLEN-sized fields */
    const uint64_t info[6] = {
        FW_DYNAMIC_INFO_MAGIC, FW_DYNAMIC_INFO_VERSION, next_addr, FW_DYNAMIC_INFO_NEXT_MODE_S,
        0,      /* options: boot messages on */
        0,      /* boot_hart: hart 0 boots, the others wait (no lottery) */
    };
    for (unsigned i = 0; i < 6; i++)
        put_le(rom + RISCV_VIRT_ROM_FW_DYNAMIC_OFF + 8 * i, info[i], 8);
}

static int read_file(const char *path, uint8_t **out, uint64_t *size, uint64_t max, char *err, size_t errlen)
{
    int fd = loader_open_regular(path, size, err, errlen);
    if (fd < 0)
        return fd;
    int rc = 0;
    if (*size == 0)
        rc = error_text_for(err, errlen, -ENOEXEC, path, "empty file");
    else if (*size > max)
        rc = error_text_for(err, errlen, -EFBIG, path, "%llu bytes do not fit in RAM (%llu MiB)",
                            (unsigned long long)*size, (unsigned long long)(max / MIB));
    else if (!(*out = malloc(*size)))
        rc = error_text_for(err, errlen, -ENOMEM, path, "out of memory reading the file");
    for (uint64_t done = 0; !rc && done < *size;) {
        ssize_t n = read(fd, *out + done, *size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            rc = error_text_for(err, errlen, n < 0 ? -errno : -EIO, path, "%s",
                                n < 0 ? strerror(errno) : "truncated while reading (file shrank)");
        else
            done += (uint64_t)n;
    }
    close(fd);
    if (rc) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

/* Firmware at the start of RAM: an ELF at its own addresses, else the raw
 * bytes. *end is the first byte after it. */
static int load_firmware(const char *path, const LinuxLoadTarget *ram, uint64_t *end, char *err, size_t errlen)
{
    uint8_t *data = NULL;
    uint64_t size;
    int rc = read_file(path, &data, &size, ram->ram_size, err, errlen);
    if (rc)
        return rc;
    if (size >= 4 && !memcmp(data, "\177ELF", 4)) {
        LinuxLoadTarget t = *ram;
        t.kernel_addr = ram->ram_base;      /* firmware may start at the bottom of RAM */
        LinuxKernelInfo info;
        rc = linux_kernel_load_buffer(path, data, size, &t, &info, err, errlen);
        if (!rc && info.relocated)
            rc = error_text_for(err, errlen, -ENOEXEC, path, "firmware ELF is not linked to run from RAM at 0x%llx",
                                (unsigned long long)ram->ram_base);
        *end = info.end;
    } else {
        memcpy(ram->ram, data, size);
        *end = ram->ram_base + size;
    }
    free(data);
    return rc;
}

/* QEMU loads a file that is no known kernel format as raw bytes at the
 * kernel address (bare-metal programs as .bin). Anything carrying a kernel
 * or compression magic keeps the loader's error (-ENOEXEC, already in err),
 * so a damaged or foreign kernel is reported, not run. */
static int load_raw_kernel(const char *path, const LinuxLoadTarget *t, LinuxKernelInfo *k, char *err,
                           size_t errlen)
{
    uint8_t *data = NULL;
    char raw_err[256];
    if (t->kernel_addr < t->ram_base || t->kernel_addr - t->ram_base >= t->ram_size) {
        snprintf(err, errlen, "%s: RAM too small: the kernel goes at 0x%" PRIx64 ", past the end of RAM", path,
                 t->kernel_addr);
        return -EFBIG;
    }
    uint64_t size, room = t->ram_base + t->ram_size - t->kernel_addr;
    int rc = read_file(path, &data, &size, room, raw_err, sizeof raw_err);
    if (rc == 0 && linux_kernel_magic_known(data, size))
        rc = -ENOEXEC;
    else if (rc)
        snprintf(err, errlen, "%s", raw_err);
    if (rc) {
        free(data);
        return rc;
    }
    if (errlen)
        err[0] = '\0';     /* the format guess that failed is no error */
    memcpy(t->ram + (t->kernel_addr - t->ram_base), data, size);
    free(data);
    *k = (LinuxKernelInfo){.entry = t->kernel_addr, .start = t->kernel_addr, .end = t->kernel_addr + size};
    return 0;
}

static int build_fdt(const RiscvVirt *b, const RiscvVirtBootInfo *boot, const uint8_t *seed, size_t seed_len,
                     void **blob, size_t *size, char *err, size_t errlen)
{
    RiscvVirtFdtConfig fc = {
        .harts = b->cfg.harts,
        .ram_base = riscv_virt_memmap[RISCV_VIRT_DRAM].base,
        .ram_size = b->cfg.ram_size,
        .bootargs = b->cfg.append,
        .initrd_start = boot->initrd_start,
        .initrd_end = boot->initrd_end,
        .rng_seed = seed,
        .rng_seed_len = seed_len,
    };
    return riscv_virt_fdt_build(&fc, blob, size, err, errlen);
}

int riscv_virt_boot_load(RiscvVirt *b, char *err, size_t errlen)
{
    const uint64_t ram_base = riscv_virt_memmap[RISCV_VIRT_DRAM].base, ram_size = b->cfg.ram_size;
    LinuxLoadTarget t = {.ram = phys_map_ram_ptr(&b->phys, ram_base, ram_size, true),
                         .ram_base = ram_base, .ram_size = ram_size};
    uint8_t *rom = phys_map_ram_ptr(&b->phys, riscv_virt_memmap[RISCV_VIRT_MROM].base, RISCV_VIRT_ROM_USED, false);
    if (!t.ram || !rom)
        return -EINVAL;
    RiscvVirtBootInfo boot = {.start_addr = ram_base, .firmware_end = ram_base};
    int rc;
    if (b->bios_path && (rc = load_firmware(b->bios_path, &t, &boot.firmware_end, err, errlen)))
        return rc;

    LinuxKernelInfo kernel = {.start = ram_base, .end = boot.firmware_end};
    if (b->cfg.kernel) {
        t.kernel_addr = b->bios_path ? linux_kernel_addr(ram_base, boot.firmware_end) : ram_base;
        rc = linux_kernel_load(b->cfg.kernel, &t, &kernel, err, errlen);
        if (rc == -ENOEXEC)
            rc = load_raw_kernel(b->cfg.kernel, &t, &kernel, err, errlen);
        if (rc)
            return rc;
        boot.kernel_entry = kernel.entry;
        boot.kernel_end = kernel.end;
        if (!b->bios_path)
            boot.start_addr = kernel.entry;     /* bare-metal programs run straight from reset */
    }

    /* Sized with the initrd properties already present (their values are
     * fixed-width), so the place found here holds the final tree too. */
    uint8_t seed[RNG_SEED_BYTES];
    size_t seed_len = getrandom(seed, sizeof seed, GRND_NONBLOCK) == (ssize_t)sizeof seed ? sizeof seed : 0;
    RiscvVirtBootInfo sizing = boot;
    if (b->cfg.initrd) {
        sizing.initrd_start = ram_base;
        sizing.initrd_end = ram_base + 1;
    }
    void *blob = NULL;
    size_t size, final_size;
    if ((rc = build_fdt(b, &sizing, seed, seed_len, &blob, &size, err, errlen)))
        return rc;
    free(blob);
    uint64_t top = ram_base < FDT_LIMIT && ram_base + ram_size > FDT_LIMIT ? FDT_LIMIT : ram_base + ram_size;
    uint64_t lowest = kernel.end > boot.firmware_end ? kernel.end : boot.firmware_end;
    boot.fdt_addr = top - ram_base >= size ? (top - size) & ~(FDT_ALIGN - 1) : 0;
    if (boot.fdt_addr < lowest || boot.fdt_addr < ram_base)
        return error_text_for(err, errlen, -ENOSPC, "virt board",
                              "RAM of %llu MiB is too small: the device tree (%zu bytes, 2 MiB aligned below 0x%llx) "
                              "would overlap the %s ending at 0x%llx; use a larger -m",
                              (unsigned long long)(ram_size / MIB), size, (unsigned long long)top,
                              kernel.end > boot.firmware_end ? "kernel" : "firmware", (unsigned long long)lowest);

    if (b->cfg.initrd) {
        LinuxInitrdInfo rd;
        if ((rc = linux_initrd_load(b->cfg.initrd, &t, &kernel, boot.fdt_addr, &rd, err, errlen)))
            return rc;
        boot.initrd_start = rd.start;
        boot.initrd_end = rd.end;
    }
    if ((rc = build_fdt(b, &boot, seed, seed_len, &blob, &final_size, err, errlen)))
        return rc;
    if (final_size > size) {
        free(blob);
        return error_text_for(err, errlen, -EOVERFLOW, "virt board", "device tree grew from %zu to %zu bytes", size,
                              final_size);
    }
    memcpy(t.ram + (boot.fdt_addr - ram_base), blob, final_size);
    /* The ROM is read-only to the guest; only the host writes it, here. */
    riscv_virt_rom_write(rom, boot.start_addr, boot.fdt_addr, boot.kernel_entry);
    free(b->fdt);
    b->fdt = blob;
    b->fdt_size = final_size;
    b->boot = boot;
    return 0;
}
