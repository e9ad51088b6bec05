/*
 * The Linux kernel and initrd loader: the guest kit's real kernel (when
 * scripts/guest-kit has fetched it) lands where QEMU puts it; synthetic
 * Images, gzip and zboot wrappers and ELF files load at the right places;
 * and every malformed input (truncated, bad magic, x86 ELF, segment outside
 * RAM, corrupt gzip, initrd too big) gives an error naming the file instead
 * of a crash.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "loaders/linux-image.h"

#define MIB (1ull << 20)
#define RAM_BASE 0x80000000ull
#define RAM_SIZE (64 * MIB)

typedef struct Fixture {
    uint8_t *ram;
    LinuxLoadTarget t;
} Fixture;

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    f->ram = malloc(RAM_SIZE);
    memset(f->ram, 0xaa, RAM_SIZE);    /* so zeroed bss is visible */
    f->t = (LinuxLoadTarget){.ram = f->ram, .ram_base = RAM_BASE, .ram_size = RAM_SIZE};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    free(f->ram);
    free(f);
    return 0;
}

static uint8_t *at(Fixture *f, uint64_t addr) { return f->ram + (addr - RAM_BASE); }

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Loads from memory and expects failure with needle in the message, which
 * must also name the input. */
static void expect_fail(Fixture *f, const char *name, const void *data, size_t size, const char *needle)
{
    char err[256] = "";
    LinuxKernelInfo info;
    int rc = linux_kernel_load_buffer(name, data, size, &f->t, &info, err, sizeof err);
    if (rc >= 0)
        fail_msg("%s loaded; expected an error about '%s'", name, needle);
    if (!strstr(err, name) || !strstr(err, needle))
        fail_msg("error '%s' should name '%s' and say '%s'", err, name, needle);
}

static void load_ok(Fixture *f, const void *data, size_t size, LinuxKernelInfo *info)
{
    char err[256] = "";
    if (linux_kernel_load_buffer("test-kernel", data, size, &f->t, info, err, sizeof err) != 0)
        fail_msg("load failed: %s", err);
}

/* --- synthetic inputs ------------------------------------------------------ */

/* A RISC-V Image of `size` bytes (header + a counting pattern). */
static uint8_t *make_image(size_t size, uint64_t image_size)
{
    uint8_t *d = malloc(size);
    for (size_t i = 0; i < size; i++)
        d[i] = (uint8_t)(i * 7 + 1);
    memset(d, 0, 64);
    d[0] = 0x6f;    /* j, as a real Image starts */
    put_le(d + 8, 2 * MIB, 8);
    put_le(d + 16, image_size, 8);
    put_le(d + 32, 2, 4);
    memcpy(d + 48, "RISCV\0\0\0", 8);
    memcpy(d + 56, "RSC\x05", 4);
    return d;
}

static size_t gzip_bytes(const uint8_t *in, size_t n, uint8_t **out)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&zs, n) + 64;
    *out = malloc(cap);
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)n;
    zs.next_out = *out;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t len = zs.total_out;
    deflateEnd(&zs);
    return len;
}

typedef struct Seg {
    uint32_t type;
    uint64_t vaddr, paddr, filesz, memsz;
} Seg;

/* An ELF64 file: header, program headers, then each segment's file bytes
 * (a pattern) at 4 KiB-aligned offsets. */
static size_t make_elf(uint8_t **out, uint16_t machine, uint64_t entry, const Seg *segs, int n)
{
    size_t off = 0x1000, size = off;
    for (int i = 0; i < n; i++)
        size += (segs[i].filesz + 0xfff) & ~0xfffull;
    uint8_t *d = calloc(1, size);
    Elf64_Ehdr *eh = (Elf64_Ehdr *)d;
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = machine;
    eh->e_version = EV_CURRENT;
    eh->e_entry = entry;
    eh->e_phoff = sizeof(Elf64_Ehdr);
    eh->e_ehsize = sizeof(Elf64_Ehdr);
    eh->e_phentsize = sizeof(Elf64_Phdr);
    eh->e_phnum = (uint16_t)n;
    Elf64_Phdr *ph = (Elf64_Phdr *)(d + eh->e_phoff);
    for (int i = 0; i < n; i++) {
        ph[i] = (Elf64_Phdr){.p_type = segs[i].type, .p_flags = PF_R | PF_X, .p_offset = off,
                             .p_vaddr = segs[i].vaddr, .p_paddr = segs[i].paddr, .p_filesz = segs[i].filesz,
                             .p_memsz = segs[i].memsz, .p_align = 0x1000};
        for (uint64_t j = 0; j < segs[i].filesz; j++)
            d[off + j] = (uint8_t)(j + 3 * i + 1);
        off += (segs[i].filesz + 0xfff) & ~0xfffull;
    }
    *out = d;
    return size;
}

static char *write_temp(const void *data, size_t size)
{
    char *path = strdup("/tmp/test_linux_image.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, size), (ssize_t)size);
    close(fd);
    return path;
}

/* --- the kit's kernel ------------------------------------------------------- */

/* $POLYVM_RV64_KERNEL, or the kernel named in the guest kit's kit.env. */
static char *kit_kernel(void)
{
    const char *env = getenv("POLYVM_RV64_KERNEL");
    if (env && *env)
        return strdup(env);
    char kit[1024];
    const char *cache = getenv("POLYVM_CACHE");
    const char *home = getenv("HOME");
    if (cache && *cache)
        snprintf(kit, sizeof kit, "%s/riscv64/kit.env", cache);
    else if (home)
        snprintf(kit, sizeof kit, "%s/.cache/polyvm/riscv64/kit.env", home);
    else
        return NULL;
    FILE *f = fopen(kit, "r");
    if (!f)
        return NULL;
    char line[1024], *found = NULL;
    while (!found && fgets(line, sizeof line, f)) {
        if (strncmp(line, "POLYVM_RV64_KERNEL=", 19))
            continue;
        line[strcspn(line, "\n")] = 0;
        if (!strpbrk(line + 19, "'\"\\"))    /* printf %q quoting: not worth parsing */
            found = strdup(line + 19);
    }
    fclose(f);
    return found;
}

static void test_kit_kernel(void **state)
{
    Fixture *f = *state;
    char *path = kit_kernel();
    if (!path || access(path, R_OK) != 0) {
        print_message("kit kernel test skipped: no riscv64 kernel (run scripts/guest-kit)\n");
        free(path);
        return;
    }
    char err[256];
    LinuxKernelInfo k;
    f->t.kernel_addr = linux_kernel_addr(RAM_BASE, RAM_BASE + 0x40000);   /* fw_dynamic's size */
    assert_int_equal(f->t.kernel_addr, 0x80200000);
    if (linux_kernel_load(path, &f->t, &k, err, sizeof err) != 0)
        fail_msg("%s", err);
    FILE *file = fopen(path, "rb");
    uint8_t head[4096];
    size_t n = fread(head, 1, sizeof head, file);
    fclose(file);
    assert_int_equal(n, sizeof head);
    /* Debian ships an Image (with an EFI stub), not an ELF vmlinux. */
    assert_int_equal(k.format, LINUX_IMAGE_IMAGE);
    assert_int_equal(k.entry, 0x80200000);
    assert_int_equal(k.start, 0x80200000);
    uint64_t image_size = 0;
    for (int i = 7; i >= 0; i--)
        image_size = image_size << 8 | head[16 + i];
    assert_int_equal(k.end, 0x80200000 + image_size);
    assert_memory_equal(at(f, 0x80200000), head, sizeof head);
    assert_int_equal(*at(f, k.end - 1), 0);       /* bss cleared */
    assert_int_equal(*at(f, 0x80200000 - 1), 0xaa); /* firmware area untouched */

    /* Cut short: the header survives only in part. */
    char *cut = write_temp(head, 40);
    assert_true(linux_kernel_load(cut, &f->t, &k, err, sizeof err) < 0);
    assert_non_null(strstr(err, cut));
    assert_non_null(strstr(err, "truncated"));
    unlink(cut);
    free(cut);

    /* Too little RAM for it. */
    f->t.ram_size = 16 * MIB;
    assert_true(linux_kernel_load(path, &f->t, &k, err, sizeof err) < 0);
    assert_non_null(strstr(err, "does not fit in RAM"));
    free(path);
}

/* --- Images ----------------------------------------------------------------- */

static void test_image(void **state)
{
    Fixture *f = *state;
    size_t size = 3 * 4096 + 17;
    uint8_t *img = make_image(size, 64 * 1024);
    LinuxKernelInfo k;
    load_ok(f, img, size, &k);
    assert_int_equal(k.format, LINUX_IMAGE_IMAGE);
    assert_int_equal(k.entry, RAM_BASE + 2 * MIB);    /* text_offset */
    assert_int_equal(k.end, RAM_BASE + 2 * MIB + 64 * 1024);
    assert_false(k.relocated);
    assert_memory_equal(at(f, k.start), img, size);
    for (uint64_t a = k.start + size; a < k.end; a++)
        assert_int_equal(*at(f, a), 0);
    assert_int_equal(*at(f, k.end), 0xaa);

    /* An explicit kernel address wins over text_offset. */
    f->t.kernel_addr = RAM_BASE + 4 * MIB;
    load_ok(f, img, size, &k);
    assert_int_equal(k.entry, RAM_BASE + 4 * MIB);

    /* Only the deprecated magic: still an Image. */
    memset(img + 56, 0, 4);
    load_ok(f, img, size, &k);
    assert_int_equal(k.format, LINUX_IMAGE_IMAGE);
    free(img);
}

static void test_image_errors(void **state)
{
    Fixture *f = *state;
    size_t size = 8192;
    uint8_t *img = make_image(size, 0);

    expect_fail(f, "short.img", img, 40, "truncated");
    expect_fail(f, "empty.img", img, 0, "empty");

    uint8_t *bad = malloc(size);
    memcpy(bad, img, size);
    memset(bad + 48, 0, 16);
    expect_fail(f, "nomagic.img", bad, size, "not a kernel");

    memcpy(bad, img, size);
    bad[24] = 1;
    expect_fail(f, "be.img", bad, size, "big-endian");

    memcpy(bad, img, size);
    put_le(bad + 8, 0x1234, 8);
    expect_fail(f, "offset.img", bad, size, "text_offset");

    memcpy(bad, img, size);
    put_le(bad + 16, RAM_SIZE, 8);
    expect_fail(f, "huge.img", bad, size, "does not fit in RAM");

    /* Kernels of other machines. */
    memcpy(bad, img, size);
    memset(bad + 48, 0, 12);
    memcpy(bad + 56, "ARM\x64", 4);
    expect_fail(f, "arm64.img", bad, size, "arm64 Linux Image");
    memcpy(bad, img, size);
    memcpy(bad + 0x202, "HdrS", 4);
    memset(bad + 48, 0, 12);
    expect_fail(f, "bzImage", bad, size, "x86 bzImage");
    memcpy(bad, img, size);
    bad[0] = 'M';
    bad[1] = 'Z';
    put_le(bad + 60, 0x80, 4);
    memcpy(bad + 0x80, "PE\0\0", 4);
    put_le(bad + 0x84, 0xaa64, 2);
    expect_fail(f, "efi-arm64.img", bad, size, "EFI image for arm64");
    put_le(bad + 0x84, 0x5064, 2);
    LinuxKernelInfo k;
    load_ok(f, bad, size, &k);    /* an EFI stub for riscv64 is fine */

    f->t.kernel_addr = RAM_BASE + 0x1000;
    expect_fail(f, "unaligned.img", img, size, "not 2 MiB aligned");
    free(bad);
    free(img);
}

static void test_gzip_image(void **state)
{
    Fixture *f = *state;
    size_t size = 200 * 1024;
    uint8_t *img = make_image(size, 0), *gz;
    size_t gzlen = gzip_bytes(img, size, &gz);
    LinuxKernelInfo k;
    load_ok(f, gz, gzlen, &k);
    assert_int_equal(k.format, LINUX_IMAGE_IMAGE_GZIP);
    assert_int_equal(k.end - k.start, size);
    assert_memory_equal(at(f, k.start), img, size);

    expect_fail(f, "cut.gz", gz, gzlen / 2, "truncated");
    expect_fail(f, "header-only.gz", gz, 12, "truncated");
    uint8_t *bad = malloc(gzlen);
    memcpy(bad, gz, gzlen);
    for (size_t i = 20; i < 60; i++)
        bad[i] ^= 0x5a;
    expect_fail(f, "corrupt.gz", bad, gzlen, "gzip");
    free(bad);

    /* Decompresses to more than RAM. */
    f->t.ram_size = 128 * 1024;
    expect_fail(f, "big.gz", gz, gzlen, "larger than RAM");
    f->t.ram_size = RAM_SIZE;

    /* gzip of something that is not a kernel, and of a gzip. */
    uint8_t junk[4096] = {1, 2, 3}, *jgz, *ggz;
    size_t jlen = gzip_bytes(junk, sizeof junk, &jgz);
    expect_fail(f, "junk.gz", jgz, jlen, "not a RISC-V");
    size_t glen = gzip_bytes(gz, gzlen, &ggz);
    expect_fail(f, "twice.gz", ggz, glen, "compressed twice");
    free(jgz);
    free(ggz);
    free(gz);
    free(img);
}

static void test_zboot(void **state)
{
    Fixture *f = *state;
    size_t size = 64 * 1024;
    uint8_t *img = make_image(size, 128 * 1024), *gz;
    size_t gzlen = gzip_bytes(img, size, &gz);
    size_t total = 0x200 + gzlen + 4;
    uint8_t *z = calloc(1, total);
    z[0] = 'M';
    z[1] = 'Z';
    memcpy(z + 4, "zimg", 4);
    put_le(z + 8, 0x200, 4);
    put_le(z + 12, gzlen, 4);
    strcpy((char *)z + 24, "gzip");
    memcpy(z + 0x200, gz, gzlen);
    LinuxKernelInfo k;
    load_ok(f, z, total, &k);
    assert_int_equal(k.format, LINUX_IMAGE_ZBOOT);
    assert_int_equal(k.end - k.start, 128 * 1024);
    assert_memory_equal(at(f, k.start), img, size);

    expect_fail(f, "cut.efi", z, 0x200 + gzlen / 2, "truncated");
    strcpy((char *)z + 24, "zstd22");
    expect_fail(f, "zstd.efi", z, total, "'zstd22' payload");
    free(z);
    free(gz);
    free(img);
}

/* --- ELF -------------------------------------------------------------------- */

static void test_elf_physical(void **state)
{
    Fixture *f = *state;
    Seg segs[] = {
        {PT_LOAD, 0x80200000, 0x80200000, 0x1800, 0x1800},
        {PT_NOTE, 0, 0, 0, 0},
        {PT_LOAD, 0x80203000, 0x80203000, 0x100, 0x2000},    /* data + bss */
    };
    uint8_t *elf;
    size_t size = make_elf(&elf, EM_RISCV, 0x80200100, segs, 3);
    LinuxKernelInfo k;
    load_ok(f, elf, size, &k);
    assert_int_equal(k.format, LINUX_IMAGE_ELF);
    assert_false(k.relocated);
    /* QEMU enters at the lowest address, not e_entry. */
    assert_int_equal(k.entry, 0x80200000);
    assert_int_equal(k.start, 0x80200000);
    assert_int_equal(k.end, 0x80205000);
    assert_memory_equal(at(f, 0x80200000), elf + 0x1000, 0x1800);
    assert_memory_equal(at(f, 0x80203000), elf + 0x3000, 0x100);
    assert_int_equal(*at(f, 0x80204fff), 0);
    assert_int_equal(*at(f, 0x80201800), 0xaa);    /* the gap is left alone */

    /* The same, gzip-compressed. */
    uint8_t *gz;
    size_t gzlen = gzip_bytes(elf, size, &gz);
    load_ok(f, gz, gzlen, &k);
    assert_int_equal(k.format, LINUX_IMAGE_ELF_GZIP);
    assert_int_equal(k.entry, 0x80200000);
    free(gz);
    free(elf);
}

static void test_elf_relocated(void **state)
{
    Fixture *f = *state;
    /* As Linux links a riscv64 vmlinux: virtual 0xffffffff80000000, load
     * addresses from 0, outside RAM. */
    Seg segs[] = {
        {PT_LOAD, 0xffffffff80000000ull, 0, 0x2000, 0x2000},
        {PT_LOAD, 0xffffffff80400000ull, 0x400000, 0x800, 0x1000},
    };
    uint8_t *elf;
    size_t size = make_elf(&elf, EM_RISCV, 0xffffffff80000000ull, segs, 2);
    LinuxKernelInfo k;
    load_ok(f, elf, size, &k);
    assert_true(k.relocated);
    assert_int_equal(k.entry, 0x80200000);
    assert_int_equal(k.end, 0x80200000 + 0x401000);
    assert_memory_equal(at(f, 0x80200000), elf + 0x1000, 0x2000);
    assert_memory_equal(at(f, 0x80600000), elf + 0x3000, 0x800);
    assert_int_equal(*at(f, 0x80600fff), 0);

    /* Physical = virtual, also outside RAM: moved the same way. */
    segs[0].paddr = segs[0].vaddr;
    segs[1].paddr = segs[1].vaddr;
    free(elf);
    size = make_elf(&elf, EM_RISCV, 0, segs, 2);
    load_ok(f, elf, size, &k);
    assert_true(k.relocated);
    assert_int_equal(k.entry, 0x80200000);
    free(elf);
}

static void test_elf_errors(void **state)
{
    Fixture *f = *state;
    Seg ok[] = {{PT_LOAD, 0x80200000, 0x80200000, 0x1000, 0x1000}};
    uint8_t *elf;
    size_t size;

    size = make_elf(&elf, EM_X86_64, 0x80200000, ok, 1);
    expect_fail(f, "x86.elf", elf, size, "ELF for x86-64, expected riscv64");
    free(elf);

    size = make_elf(&elf, EM_AARCH64, 0x80200000, ok, 1);
    expect_fail(f, "arm.elf", elf, size, "ELF for aarch64");
    elf[EI_CLASS] = ELFCLASS32;
    elf[18] = EM_386;
    elf[19] = 0;
    expect_fail(f, "i386.elf", elf, size, "ELF for i386");
    free(elf);

    size = make_elf(&elf, EM_RISCV, 0x80200000, ok, 1);
    expect_fail(f, "short.elf", elf, 20, "truncated");
    expect_fail(f, "nophdr.elf", elf, 100, "program headers");
    expect_fail(f, "cut.elf", elf, 0x1800, "truncated: segment 0");
    elf[EI_DATA] = ELFDATA2MSB;
    expect_fail(f, "be.elf", elf, size, "little-endian");
    free(elf);

    Seg past_end[] = {{PT_LOAD, 0x83ff0000, 0x83ff0000, 0x1000, 0x20000}};    /* RAM ends at 0x84000000 */
    size = make_elf(&elf, EM_RISCV, 0, past_end, 1);
    expect_fail(f, "past.elf", elf, size, "segment 0 [0x83ff0000, 0x84010000) lies outside RAM");
    free(elf);

    Seg straddle[] = {{PT_LOAD, 0x80200000, 0x80200000, 0x1000, 0x1000},
                      {PT_LOAD, 0x10000000, 0x10000000, 0x1000, 0x1000}};    /* MMIO */
    size = make_elf(&elf, EM_RISCV, 0, straddle, 2);
    expect_fail(f, "mmio.elf", elf, size, "segment 1 [0x10000000, 0x10001000) lies outside RAM");
    free(elf);

    Seg firmware[] = {{PT_LOAD, 0x80000000, 0x80000000, 0x1000, 0x1000}};
    size = make_elf(&elf, EM_RISCV, 0, firmware, 1);
    expect_fail(f, "low.elf", elf, size, "below the kernel area");
    free(elf);

    Seg too_big[] = {{PT_LOAD, 0xffffffff80000000ull, 0, 0x1000, RAM_SIZE}};
    size = make_elf(&elf, EM_RISCV, 0, too_big, 1);
    expect_fail(f, "big.elf", elf, size, "does not fit in RAM");
    free(elf);

    Seg bss_lie[] = {{PT_LOAD, 0x80200000, 0x80200000, 0x1000, 0x10}};
    size = make_elf(&elf, EM_RISCV, 0, bss_lie, 1);
    expect_fail(f, "filesz.elf", elf, size, "bad segment 0");
    free(elf);

    Seg none[] = {{PT_NOTE, 0, 0, 0x10, 0x10}};
    size = make_elf(&elf, EM_RISCV, 0, none, 1);
    expect_fail(f, "none.elf", elf, size, "no loadable segments");
    free(elf);

    Seg wrap[] = {{PT_LOAD, 0, 0xfffffffffffff000ull, 0x1000, 0x2000}};
    size = make_elf(&elf, EM_RISCV, 0, wrap, 1);
    expect_fail(f, "wrap.elf", elf, size, "bad segment 0");
    free(elf);
}

/* --- files and initrd ----------------------------------------------------------- */

static void test_file_errors(void **state)
{
    Fixture *f = *state;
    char err[256];
    LinuxKernelInfo k;
    assert_true(linux_kernel_load("/nonexistent/vmlinux", &f->t, &k, err, sizeof err) < 0);
    assert_non_null(strstr(err, "/nonexistent/vmlinux: cannot open"));
    assert_true(linux_kernel_load("/tmp", &f->t, &k, err, sizeof err) < 0);
    assert_non_null(strstr(err, "/tmp: not a regular file"));

    size_t size = 8192;
    uint8_t *img = make_image(size, 0);
    char *path = write_temp(img, size);
    assert_int_equal(linux_kernel_load(path, &f->t, &k, err, sizeof err), 0);
    assert_memory_equal(at(f, k.start), img, size);
    LinuxLoadTarget none = {0};
    assert_true(linux_kernel_load(path, &none, &k, err, sizeof err) < 0);
    assert_non_null(strstr(err, "no guest RAM"));
    unlink(path);
    free(path);
    free(img);
}

static LinuxInitrdInfo initrd_ok(Fixture *f, const char *path, const LinuxKernelInfo *k, uint64_t top)
{
    char err[256];
    LinuxInitrdInfo rd;
    if (linux_initrd_load(path, &f->t, k, top, &rd, err, sizeof err) != 0)
        fail_msg("%s", err);
    return rd;
}

static void test_initrd(void **state)
{
    Fixture *f = *state;
    size_t size = 3 * MIB + 123;
    uint8_t *data = malloc(size);
    for (size_t i = 0; i < size; i++)
        data[i] = (uint8_t)(i ^ (i >> 9));
    char *path = write_temp(data, size);
    LinuxKernelInfo k = {.start = 0x80200000, .end = 0x80400000};
    char err[256];

    /* QEMU's place: kernel + min(RAM / 2, 512 MiB). */
    LinuxInitrdInfo rd = initrd_ok(f, path, &k, 0);
    assert_int_equal(rd.start, 0x80200000 + RAM_SIZE / 2);
    assert_int_equal(rd.end, rd.start + size);
    assert_memory_equal(at(f, rd.start), data, size);

    /* Small RAM: there is no room there, so as high as fits below top. */
    f->t.ram_size = 8 * MIB;
    rd = initrd_ok(f, path, &k, 0);
    assert_int_equal(rd.start, (0x80800000 - size) & ~0xfffull);
    assert_memory_equal(at(f, rd.start), data, size);
    rd = initrd_ok(f, path, &k, 0x80780000);    /* a device tree above */
    assert_true(rd.end <= 0x80780000 && rd.start >= k.end);

    /* No room at all. */
    assert_true(linux_initrd_load(path, &f->t, &k, 0x80600000, &rd, err, sizeof err) < 0);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "does not fit"));
    assert_true(linux_initrd_load(path, &f->t, &k, 0x90000000, &rd, err, sizeof err) < 0);
    assert_non_null(strstr(err, "outside RAM"));
    LinuxKernelInfo wild = {.start = 0x70000000, .end = 0x70001000};
    assert_true(linux_initrd_load(path, &f->t, &wild, 0, &rd, err, sizeof err) < 0);
    assert_non_null(strstr(err, "kernel range"));
    f->t.ram_size = RAM_SIZE;
    unlink(path);
    free(path);

    path = write_temp(data, 0);
    assert_true(linux_initrd_load(path, &f->t, &k, 0, &rd, err, sizeof err) < 0);
    assert_non_null(strstr(err, "empty initrd"));
    unlink(path);
    free(path);
    assert_true(linux_initrd_load("/nonexistent/initrd", &f->t, &k, 0, &rd, err, sizeof err) < 0);
    assert_non_null(strstr(err, "/nonexistent/initrd: cannot open"));
    free(data);
}

static void test_format_names(void **state)
{
    (void)state;
    assert_string_equal(linux_image_format_name(LINUX_IMAGE_ELF), "ELF vmlinux");
    assert_string_equal(linux_image_format_name(LINUX_IMAGE_IMAGE_GZIP), "gzip-compressed RISC-V Image");
    assert_int_equal(linux_kernel_addr(RAM_BASE, 0), RAM_BASE + 2 * MIB);
    assert_int_equal(linux_kernel_addr(RAM_BASE, RAM_BASE + 2 * MIB + 1), RAM_BASE + 4 * MIB);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kit_kernel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gzip_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zboot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_elf_physical, setup, teardown),
        cmocka_unit_test_setup_teardown(test_elf_relocated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_elf_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_initrd, setup, teardown),
        cmocka_unit_test(test_format_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
