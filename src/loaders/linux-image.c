/*
 * Linux kernel and initrd loader for system mode (riscv64); see
 * linux-image.h for the formats and where each lands in RAM.
 *
 * The whole kernel file is read into host memory first, its format found
 * from its first bytes, and every size and offset it declares checked
 * against the file size and against RAM before a byte is copied, so a
 * truncated, corrupt or foreign file gives a message naming it, never a
 * read or write out of bounds.
 */
#include "loaders/linux-image.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "polyvm/loader.h"

#define MIB (1ull << 20)
#define PAGE 4096ull
#define MAX_KERNEL_FILE (2048 * MIB)   /* larger than any kernel, even with debug info */

/* The RISC-V Image header (Documentation/arch/riscv/boot-image-header.rst):
 * all fields little endian. */
enum {
    IMAGE_HEADER_SIZE = 64,
    IMAGE_TEXT_OFFSET = 8,     /* u64: load offset from the start of RAM */
    IMAGE_SIZE = 16,           /* u64: bytes the kernel occupies, bss included */
    IMAGE_FLAGS = 24,          /* u64: bit 0 = big endian */
    IMAGE_VERSION = 32,        /* u32: major << 16 | minor */
    IMAGE_MAGIC = 48,          /* "RISCV\0\0\0", deprecated */
    IMAGE_MAGIC2 = 56,         /* "RSC\x05" */
    IMAGE_PE_OFFSET = 60,      /* u32: PE header of the EFI stub, if any */
};
/* EFI zboot (drivers/firmware/efi/libstub/zboot-header.S): a PE file whose
 * header says where its compressed Image is. */
enum {
    ZBOOT_TYPE = 4,            /* "zimg" */
    ZBOOT_PAYLOAD_OFFSET = 8,  /* u32 */
    ZBOOT_PAYLOAD_SIZE = 12,   /* u32 */
    ZBOOT_COMPRESSION = 24,    /* NUL-terminated name: "gzip", "zstd22", ... */
    ZBOOT_COMPRESSION_MAX = 32,
};
#define PE_MACHINE_RISCV64 0x5064
#define PE_MACHINE_ARM64 0xaa64
#define PE_MACHINE_X86_64 0x8664

const char *linux_image_format_name(LinuxImageFormat format)
{
    switch (format) {
#define LINUX_IMAGE_NAME(name, desc) case LINUX_IMAGE_##name: return desc;
        LINUX_IMAGE_FORMATS(LINUX_IMAGE_NAME)
#undef LINUX_IMAGE_NAME
    }
    return "unknown format";
}


static uint64_t le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
static uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }

static uint64_t ram_end(const LinuxLoadTarget *t) { return t->ram_base + t->ram_size; }

/* True if [addr, addr + len) lies inside RAM; safe against wrap-around. */
static bool in_ram(const LinuxLoadTarget *t, uint64_t addr, uint64_t len)
{
    return addr >= t->ram_base && addr - t->ram_base <= t->ram_size && len <= t->ram_size - (addr - t->ram_base);
}

static uint8_t *host_of(const LinuxLoadTarget *t, uint64_t addr) { return t->ram + (addr - t->ram_base); }

uint64_t linux_kernel_addr(uint64_t ram_base, uint64_t firmware_end)
{
    if (firmware_end <= ram_base)
        return ram_base + LINUX_KERNEL_ALIGN;
    return align_up(firmware_end, LINUX_KERNEL_ALIGN);
}

static int check_target(const char *name, const LinuxLoadTarget *t, char *err, size_t errlen)
{
    if (!t->ram || !t->ram_size || t->ram_base + t->ram_size < t->ram_base)
        return error_text_for(err, errlen, -EINVAL, name, "no guest RAM to load into");
    return 0;
}

/* Where a kernel that is not placed by its own addresses goes. */
static int kernel_addr(const char *name, const LinuxLoadTarget *t, uint64_t text_offset, uint64_t *addr,
                       char *err, size_t errlen)
{
    *addr = t->kernel_addr;
    if (!*addr)
        *addr = t->ram_base + (text_offset ? text_offset : LINUX_KERNEL_ALIGN);
    if (*addr % LINUX_KERNEL_ALIGN)
        return error_text_for(err, errlen, -EINVAL, name, "kernel address 0x%llx is not 2 MiB aligned",
                              (unsigned long long)*addr);
    return 0;
}

static int does_not_fit(char *err, size_t errlen, const char *name, const LinuxLoadTarget *t, const char *what,
                        uint64_t addr, uint64_t len)
{
    return error_text_for(err, errlen, -ENOSPC, name, "%s [0x%llx, 0x%llx) does not fit in RAM [0x%llx, 0x%llx)", what,
                (unsigned long long)addr, (unsigned long long)(addr + len), (unsigned long long)t->ram_base,
                (unsigned long long)ram_end(t));
}

/* --- raw Image ------------------------------------------------------------- */

static bool is_image(const uint8_t *d, size_t size)
{
    return size >= IMAGE_HEADER_SIZE &&
           (!memcmp(d + IMAGE_MAGIC2, "RSC\x05", 4) || !memcmp(d + IMAGE_MAGIC, "RISCV\0\0\0", 8));
}

/* Kernels for other ISAs that share the Image/EFI layout, named in errors. */
static const char *foreign_kernel(const uint8_t *d, size_t size)
{
    if (size >= IMAGE_HEADER_SIZE && !memcmp(d + IMAGE_MAGIC2, "ARM\x64", 4))
        return "an arm64 Linux Image";
    if (size >= 0x206 && !memcmp(d + 0x202, "HdrS", 4))
        return "an x86 bzImage";
    return NULL;
}

/* The EFI stub's PE header, when there is one, names the machine. */
static int check_pe_machine(const char *name, const uint8_t *d, size_t size, char *err, size_t errlen)
{
    if (size < IMAGE_HEADER_SIZE || d[0] != 'M' || d[1] != 'Z')
        return 0;
    uint64_t pe = le(d + IMAGE_PE_OFFSET, 4);
    if (pe > size - 6 || memcmp(d + pe, "PE\0\0", 4))
        return 0;
    unsigned machine = (unsigned)le(d + pe + 4, 2);
    if (machine == PE_MACHINE_RISCV64)
        return 0;
    return error_text_for(err, errlen, -ENOEXEC, name, "EFI image for %s, expected riscv64",
                          machine == PE_MACHINE_ARM64    ? "arm64"
                          : machine == PE_MACHINE_X86_64 ? "x86-64"
                          : "another machine");
}

static int load_image(const char *name, const uint8_t *d, size_t size, const LinuxLoadTarget *t,
                      LinuxKernelInfo *info, char *err, size_t errlen)
{
    if (size < IMAGE_HEADER_SIZE)
        return error_text_for(err, errlen, -ENOEXEC, name, "truncated: %zu bytes, less than the 64-byte Image header", size);
    if (!is_image(d, size))
        return error_text_for(err, errlen, -ENOEXEC, name, "bad Image header: no RISC-V magic");
    if (le(d + IMAGE_FLAGS, 8) & 1)
        return error_text_for(err, errlen, -ENOEXEC, name, "big-endian kernel (Image flags bit 0)");
    int rc = check_pe_machine(name, d, size, err, errlen);
    if (rc)
        return rc;
    uint64_t text_offset = le(d + IMAGE_TEXT_OFFSET, 8), image_size = le(d + IMAGE_SIZE, 8);
    if (text_offset % PAGE || text_offset > t->ram_size)
        return error_text_for(err, errlen, -ENOEXEC, name, "bad Image header: text_offset 0x%llx",
                              (unsigned long long)text_offset);
    /* Version 0.1 headers may leave image_size 0; bss then is the kernel's
     * own business, as it was for those kernels. */
    uint64_t extent = image_size > size ? image_size : size;
    uint64_t addr;
    if ((rc = kernel_addr(name, t, text_offset, &addr, err, errlen)))
        return rc;
    if (!in_ram(t, addr, extent))
        return does_not_fit(err, errlen, name, t, "kernel", addr, extent);
    memcpy(host_of(t, addr), d, size);
    memset(host_of(t, addr + size), 0, extent - size);
    info->entry = info->start = addr;
    info->end = addr + extent;
    return 0;
}

/* --- ELF vmlinux ------------------------------------------------------------- */

static int load_elf(const char *name, const uint8_t *d, size_t size, const LinuxLoadTarget *t,
                    LinuxKernelInfo *info, char *err, size_t errlen)
{
    if (size < sizeof(Elf64_Ehdr))
        return error_text_for(err, errlen, -ENOEXEC, name, "truncated: %zu bytes, less than an ELF header", size);
    /* Checked by hand first: libelf would convert a foreign byte order in
     * place, and the buffer is the caller's. */
    if (d[EI_CLASS] != ELFCLASS64 || d[EI_DATA] != ELFDATA2LSB) {
        unsigned machine = (unsigned)(d[EI_DATA] == ELFDATA2LSB ? le(d + 18, 2) : 0);
        if (machine && machine != EM_RISCV)
            return error_text_for(err, errlen, -ENOEXEC, name, "ELF for %s, expected riscv64", elf_machine_name(machine));
        return error_text_for(err, errlen, -ENOEXEC, name, "not a 64-bit little-endian ELF file");
    }
    elf_version(EV_CURRENT);
    Elf *elf = elf_memory((char *)(uintptr_t)d, size);
    GElf_Ehdr eh;
    int rc = 0;
    if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
        rc = error_text_for(err, errlen, -ENOEXEC, name, "bad ELF header");
        goto out;
    }
    if (eh.e_machine != EM_RISCV) {
        rc = error_text_for(err, errlen, -ENOEXEC, name, "ELF for %s, expected riscv64", elf_machine_name(eh.e_machine));
        goto out;
    }
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
        rc = error_text_for(err, errlen, -ENOEXEC, name, "not an executable ELF file (type %u)", eh.e_type);
        goto out;
    }
    size_t phnum;
    if (elf_getphdrnum(elf, &phnum) != 0 || phnum == 0 || eh.e_phentsize != sizeof(Elf64_Phdr) ||
        eh.e_phoff > size || phnum > (size - eh.e_phoff) / sizeof(Elf64_Phdr)) {
        rc = error_text_for(err, errlen, -ENOEXEC, name, "truncated or missing program headers");
        goto out;
    }

    /* Pass 1: check every segment against the file and find the extent. */
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph)) {
            rc = error_text_for(err, errlen, -ENOEXEC, name, "bad program header %zu", i);
            goto out;
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset) {
            rc = error_text_for(err, errlen, -ENOEXEC, name, "truncated: segment %zu ends past the end of the file", i);
            goto out;
        }
        if (ph.p_filesz > ph.p_memsz || ph.p_paddr + ph.p_memsz < ph.p_paddr) {
            rc = error_text_for(err, errlen, -ENOEXEC, name, "bad segment %zu: file size 0x%llx, memory size 0x%llx", i,
                                (unsigned long long)ph.p_filesz, (unsigned long long)ph.p_memsz);
            goto out;
        }
        if (ph.p_paddr < lo)
            lo = ph.p_paddr;
        if (ph.p_paddr + ph.p_memsz > hi)
            hi = ph.p_paddr + ph.p_memsz;
    }
    if (hi == 0) {
        rc = error_text_for(err, errlen, -ENOEXEC, name, "no loadable segments");
        goto out;
    }

    /* Where it goes: its own physical addresses when they are in RAM (as
     * QEMU loads it); moved whole to the kernel address when they are all
     * outside RAM (linked at a virtual address); an error in between. */
    uint64_t bias = 0, base;
    if ((rc = kernel_addr(name, t, 0, &base, err, errlen)))
        goto out;
    bool all_outside = hi <= t->ram_base || lo >= ram_end(t);
    if (all_outside) {
        if (!in_ram(t, base, hi - lo)) {
            rc = does_not_fit(err, errlen, name, t, "kernel", base, hi - lo);
            goto out;
        }
        bias = base - lo;
        info->relocated = true;
    }
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        gelf_getphdr(elf, (int)i, &ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0 || all_outside)
            continue;
        if (!in_ram(t, ph.p_paddr, ph.p_memsz)) {
            rc = error_text_for(err, errlen, -ENOSPC, name, "segment %zu [0x%llx, 0x%llx) lies outside RAM [0x%llx, 0x%llx)", i,
                      (unsigned long long)ph.p_paddr, (unsigned long long)(ph.p_paddr + ph.p_memsz),
                      (unsigned long long)t->ram_base, (unsigned long long)ram_end(t));
            goto out;
        }
        if (ph.p_paddr < base) {
            rc = error_text_for(err, errlen, -ENOSPC, name, "segment %zu at 0x%llx is below the kernel area at 0x%llx (firmware)",
                                i, (unsigned long long)ph.p_paddr, (unsigned long long)base);
            goto out;
        }
    }

    /* Pass 2: copy. */
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        gelf_getphdr(elf, (int)i, &ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        uint8_t *dst = host_of(t, ph.p_paddr + bias);
        memcpy(dst, d + ph.p_offset, ph.p_filesz);
        memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
    }
    /* The lowest address, not e_entry: what QEMU hands fw_dynamic. */
    info->entry = info->start = lo + bias;
    info->end = hi + bias;
out:
    if (elf)
        elf_end(elf);
    return rc;
}

/* --- compression ---------------------------------------------------------------- */

static bool is_gzip(const uint8_t *d, size_t size) { return size >= 2 && d[0] == 0x1f && d[1] == 0x8b; }

static bool is_zboot(const uint8_t *d, size_t size)
{
    return size >= IMAGE_HEADER_SIZE && d[0] == 'M' && d[1] == 'Z' && !memcmp(d + ZBOOT_TYPE, "zimg", 4);
}

/* Inflates a gzip stream into a malloc'd buffer of at most cap bytes. */
static int gunzip(const char *name, const uint8_t *d, size_t size, uint64_t cap, uint8_t **out, size_t *outsize,
                  char *err, size_t errlen)
{
    if (size > UINT32_MAX)
        return error_text_for(err, errlen, -EFBIG, name, "compressed kernel too large");
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return error_text_for(err, errlen, -ENOMEM, name, "cannot start zlib");
    size_t alloc = size < MIB / 4 ? MIB : 4 * size, used = 0;
    if (alloc > cap)
        alloc = cap;
    uint8_t *buf = malloc(alloc ? alloc : 1);
    int rc = 0, z = Z_OK;
    zs.next_in = (Bytef *)(uintptr_t)d;
    zs.avail_in = (uInt)size;
    while (buf && z != Z_STREAM_END) {
        if (used == alloc) {
            if (alloc >= cap) {
                rc = error_text_for(err, errlen, -EFBIG, name, "decompressed kernel is larger than RAM (%llu MiB)",
                                    (unsigned long long)(cap / MIB));
                goto out;
            }
            size_t grow = alloc * 2 > cap ? (size_t)cap : alloc * 2;
            uint8_t *bigger = realloc(buf, grow);
            if (!bigger) {
                rc = error_text_for(err, errlen, -ENOMEM, name, "out of memory decompressing");
                goto out;
            }
            buf = bigger;
            alloc = grow;
        }
        size_t room = alloc - used > UINT32_MAX ? UINT32_MAX : alloc - used;
        zs.next_out = buf + used;
        zs.avail_out = (uInt)room;
        z = inflate(&zs, Z_NO_FLUSH);
        used += room - zs.avail_out;
        if (z == Z_BUF_ERROR && zs.avail_in == 0) {
            rc = error_text_for(err, errlen, -ENOEXEC, name, "truncated: gzip data ends early");
            goto out;
        }
        if (z != Z_OK && z != Z_STREAM_END && z != Z_BUF_ERROR) {
            rc = error_text_for(err, errlen, -ENOEXEC, name, "bad gzip data: %s", zs.msg ? zs.msg : "corrupt stream");
            goto out;
        }
        if (z == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
            rc = error_text_for(err, errlen, -ENOEXEC, name, "truncated: gzip data ends early");
            goto out;
        }
    }
    if (!buf) {
        rc = error_text_for(err, errlen, -ENOMEM, name, "out of memory decompressing");
        goto out;
    }
    *out = buf;
    *outsize = used;
    buf = NULL;
out:
    free(buf);
    inflateEnd(&zs);
    return rc;
}

static int load_decompressed(const char *name, const uint8_t *d, size_t size, const LinuxLoadTarget *t,
                             LinuxKernelInfo *info, bool image_only, char *err, size_t errlen)
{
    if (!image_only && size >= 4 && !memcmp(d, ELFMAG, SELFMAG)) {
        info->format = LINUX_IMAGE_ELF_GZIP;
        return load_elf(name, d, size, t, info, err, errlen);
    }
    if (is_image(d, size))
        return load_image(name, d, size, t, info, err, errlen);
    if (is_gzip(d, size) || is_zboot(d, size))
        return error_text_for(err, errlen, -ENOEXEC, name, "compressed twice: not a kernel layout anything boots");
    return error_text_for(err, errlen, -ENOEXEC, name, "decompressed data is not a RISC-V %s",
                          image_only ? "Image" : "Image or ELF vmlinux");
}

static int load_gzip(const char *name, const uint8_t *d, size_t size, const LinuxLoadTarget *t,
                     LinuxKernelInfo *info, bool image_only, char *err, size_t errlen)
{
    uint8_t *raw = NULL;
    size_t rawsize = 0;
    int rc = gunzip(name, d, size, t->ram_size, &raw, &rawsize, err, errlen);
    if (!rc)
        rc = load_decompressed(name, raw, rawsize, t, info, image_only, err, errlen);
    free(raw);
    return rc;
}

static int load_zboot(const char *name, const uint8_t *d, size_t size, const LinuxLoadTarget *t,
                      LinuxKernelInfo *info, char *err, size_t errlen)
{
    int rc = check_pe_machine(name, d, size, err, errlen);
    if (rc)
        return rc;
    char comp[ZBOOT_COMPRESSION_MAX + 1];
    memcpy(comp, d + ZBOOT_COMPRESSION, ZBOOT_COMPRESSION_MAX);
    comp[ZBOOT_COMPRESSION_MAX] = 0;
    for (char *c = comp; *c; c++)
        if (*c < 0x20 || *c > 0x7e)
            *c = '?';
    if (strcmp(comp, "gzip"))
        return error_text_for(err, errlen, -ENOEXEC, name, "EFI zboot image with a '%s' payload: only gzip is supported",
                              comp);
    uint64_t off = le(d + ZBOOT_PAYLOAD_OFFSET, 4), len = le(d + ZBOOT_PAYLOAD_SIZE, 4);
    if (off > size || len > size - off)
        return error_text_for(err, errlen, -ENOEXEC, name, "truncated: zboot payload [0x%llx, 0x%llx) ends past the end of the file",
                    (unsigned long long)off, (unsigned long long)(off + len));
    return load_gzip(name, d + off, len, t, info, true, err, errlen);
}

/* --- entry points ------------------------------------------------------------ */

int linux_kernel_load_buffer(const char *name, const void *data, size_t size, const LinuxLoadTarget *target,
                             LinuxKernelInfo *info, char *err, size_t errlen)
{
    const uint8_t *d = data;
    memset(info, 0, sizeof(*info));
    int rc = check_target(name, target, err, errlen);
    if (rc)
        return rc;
    if (size == 0)
        return error_text_for(err, errlen, -ENOEXEC, name, "empty file");
    if (size >= SELFMAG && !memcmp(d, ELFMAG, SELFMAG)) {
        info->format = LINUX_IMAGE_ELF;
        return load_elf(name, d, size, target, info, err, errlen);
    }
    if (is_zboot(d, size)) {
        info->format = LINUX_IMAGE_ZBOOT;
        return load_zboot(name, d, size, target, info, err, errlen);
    }
    if (is_gzip(d, size)) {
        info->format = LINUX_IMAGE_IMAGE_GZIP;
        return load_gzip(name, d, size, target, info, false, err, errlen);
    }
    if (is_image(d, size)) {
        info->format = LINUX_IMAGE_IMAGE;
        return load_image(name, d, size, target, info, err, errlen);
    }
    const char *foreign = foreign_kernel(d, size);
    if (foreign)
        return error_text_for(err, errlen, -ENOEXEC, name, "%s, expected a riscv64 kernel", foreign);
    if (size < IMAGE_HEADER_SIZE)
        return error_text_for(err, errlen, -ENOEXEC, name, "truncated: %zu bytes, less than a kernel header", size);
    return error_text_for(err, errlen, -ENOEXEC, name, "not a kernel: no ELF, RISC-V Image, gzip or EFI zboot header");
}

/* Reads exactly len bytes; a file that shrank meanwhile counts as truncated. */
static int read_all(int fd, const char *path, uint8_t *dst, uint64_t len, char *err, size_t errlen)
{
    uint64_t done = 0;
    while (done < len) {
        size_t chunk = len - done > (1u << 30) ? (1u << 30) : (size_t)(len - done);
        ssize_t n = read(fd, dst + done, chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return error_text_for(err, errlen, -errno, path, "read error: %s", strerror(errno));
        if (n == 0)
            return error_text_for(err, errlen, -EIO, path, "truncated while reading (file shrank)");
        done += (uint64_t)n;
    }
    return 0;
}

int linux_kernel_load(const char *path, const LinuxLoadTarget *target, LinuxKernelInfo *info, char *err,
                      size_t errlen)
{
    memset(info, 0, sizeof(*info));
    uint64_t size;
    int fd = loader_open_regular(path, &size, err, errlen);
    if (fd < 0)
        return fd;
    int rc;
    uint8_t *buf = NULL;
    if (size > MAX_KERNEL_FILE) {
        rc = error_text_for(err, errlen, -EFBIG, path, "too large for a kernel (%llu MiB)", (unsigned long long)(size / MIB));
        goto out;
    }
    buf = malloc(size ? size : 1);
    if (!buf) {
        rc = error_text_for(err, errlen, -ENOMEM, path, "out of memory reading the file");
        goto out;
    }
    rc = read_all(fd, path, buf, size, err, errlen);
    if (!rc)
        rc = linux_kernel_load_buffer(path, buf, size, target, info, err, errlen);
out:
    free(buf);
    close(fd);
    return rc;
}

int linux_initrd_load(const char *path, const LinuxLoadTarget *target, const LinuxKernelInfo *kernel,
                      uint64_t top, LinuxInitrdInfo *info, char *err, size_t errlen)
{
    const LinuxLoadTarget *t = target;
    memset(info, 0, sizeof(*info));
    int rc = check_target(path, t, err, errlen);
    if (rc)
        return rc;
    uint64_t limit = top ? top : ram_end(t);
    if (limit <= t->ram_base || limit > ram_end(t))
        return error_text_for(err, errlen, -EINVAL, path, "initrd limit 0x%llx is outside RAM", (unsigned long long)limit);
    if (kernel->start > kernel->end || !in_ram(t, kernel->start, kernel->end - kernel->start))
        return error_text_for(err, errlen, -EINVAL, path, "the kernel range given is not in RAM");
    uint64_t size;
    int fd = loader_open_regular(path, &size, err, errlen);
    if (fd < 0)
        return fd;
    if (size == 0) {
        rc = error_text_for(err, errlen, -EINVAL, path, "empty initrd");
        goto out;
    }
    /* QEMU's spot: far enough above the kernel that its early boot never
     * touches it, low enough to be in RAM on small boards. */
    uint64_t half = t->ram_size / 2 < 512 * MIB ? t->ram_size / 2 : 512 * MIB;
    uint64_t start = align_up(kernel->start + half, PAGE);
    if (start < kernel->end || start > limit || size > limit - start) {
        if (limit < kernel->end || size > limit - kernel->end) {
            rc = error_text_for(err, errlen, -ENOSPC, path,
                                "initrd (%llu bytes) does not fit in RAM between the kernel end 0x%llx and 0x%llx",
                                (unsigned long long)size, (unsigned long long)kernel->end, (unsigned long long)limit);
            goto out;
        }
        start = align_down(limit - size, PAGE);
        if (start < kernel->end) {
            rc = error_text_for(err, errlen, -ENOSPC, path, "initrd (%llu bytes) does not fit in RAM above the kernel",
                                (unsigned long long)size);
            goto out;
        }
    }
    rc = read_all(fd, path, host_of(t, start), size, err, errlen);
    if (!rc) {
        info->start = start;
        info->end = start + size;
    }
out:
    close(fd);
    return rc;
}

bool linux_kernel_magic_known(const uint8_t *d, size_t size)
{
    bool elf = size >= 4 && !memcmp(d, "\177ELF", 4);
    bool efi = size >= 2 && d[0] == 'M' && d[1] == 'Z';
    return elf || efi || is_image(d, size) || is_gzip(d, size) || foreign_kernel(d, size);
}
