/*
 * Builds the riscv `virt` board's device tree with libfdt's sequential-write
 * API; see riscv-virt-fdt.h. Node names, compatibles, interrupt wiring and
 * the memory map follow QEMU's virt board (dumped with
 * `qemu-system-riscv64 -M virt,dumpdtb=FILE`), so firmware and kernels see
 * the same machine. Devices polyvm does not model (PCIe, flash, fw-cfg,
 * platform bus) are left out.
 *
 * libfdt errors are kept in the builder (the first one wins), so the tree
 * is written as straight-line code and checked once; a full buffer is
 * retried with a larger one.
 */
#include "machines/riscv-virt-fdt.h"

#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "polyvm/error-text.h"

const RiscvVirtMapEntry riscv_virt_memmap[RISCV_VIRT_REGION_COUNT] = {
#define RISCV_VIRT_MAP_ENTRY(name, base, size, irq) [RISCV_VIRT_##name] = {#name, base, size, irq},
    RISCV_VIRT_MEMMAP(RISCV_VIRT_MAP_ENTRY)
#undef RISCV_VIRT_MAP_ENTRY
};

/* Local interrupt numbers on each hart's riscv,cpu-intc. */
enum {
    IRQ_M_SOFT = 3,
    IRQ_M_TIMER = 7,
    IRQ_S_EXT = 9,
    IRQ_M_EXT = 11,
};

#define FDT_INITIAL_SIZE (16 * 1024)
#define FDT_MAX_SIZE (8 * 1024 * 1024)
#define ISA_MAX_EXTENSIONS 64


/* --- ISA string ------------------------------------------------------------- */

typedef struct IsaInfo {
    char base[8];                          /* "rv64i" */
    char names[ISA_MAX_EXTENSIONS][32];    /* riscv,isa-extensions, in order */
    unsigned count;
} IsaInfo;

static int isa_add(IsaInfo *isa, const char *name, size_t len)
{
    if (len >= sizeof(isa->names[0]))
        return -1;
    for (unsigned i = 0; i < isa->count; i++)
        if (strlen(isa->names[i]) == len && !memcmp(isa->names[i], name, len))
            return 0;
    if (isa->count == ISA_MAX_EXTENSIONS)
        return -1;
    memcpy(isa->names[isa->count], name, len);
    isa->names[isa->count++][len] = 0;
    return 0;
}

/* "rv64imafdc_zicsr_zba" -> base "rv64i", extensions i m a f d c zicsr zba.
 * 'g' stands for imafd_zicsr_zifencei. Version numbers are not accepted:
 * the tree's extension list has no place for them. */
static int isa_parse(const char *s, IsaInfo *isa, char *err, size_t errlen)
{
    memset(isa, 0, sizeof(*isa));
    if (strncmp(s, "rv64", 4) && strncmp(s, "rv32", 4))
        return error_text(err, errlen, -EINVAL, "isa '%s': must start with rv64 or rv32", s);
    const char *p = s + 4;
    if (*p != 'i' && *p != 'e' && *p != 'g')
        return error_text(err, errlen, -EINVAL, "isa '%s': the base must be i, e or g", s);
    snprintf(isa->base, sizeof(isa->base), "%.4s%c", s, *p == 'e' ? 'e' : 'i');
    int bad = 0;
    for (; *p && *p != '_'; p++) {
        if (*p < 'a' || *p > 'z')
            return error_text(err, errlen, -EINVAL, "isa '%s': '%c' is not a single-letter extension", s, *p);
        if (*p == 'g') {
            static const char *const g[] = {"i", "m", "a", "f", "d", "zicsr", "zifencei"};
            for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++)
                bad |= isa_add(isa, g[i], strlen(g[i]));
        } else {
            bad |= isa_add(isa, p, 1);
        }
    }
    while (*p == '_') {
        const char *name = ++p;
        while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
            p++;
        size_t len = (size_t)(p - name);
        if (len < 2 || (*p && *p != '_'))
            return error_text(err, errlen, -EINVAL, "isa '%s': bad multi-letter extension at '%s'", s, name);
        bad |= isa_add(isa, name, len);
    }
    if (bad)
        return error_text(err, errlen, -EINVAL, "isa '%s': too many or too long extension names", s);
    return 0;
}

/* --- sequential-write helpers; the first libfdt error sticks ---------------- */

typedef struct FdtBuilder {
    void *fdt;
    int err;
} FdtBuilder;

static void node(FdtBuilder *b, const char *fmt, ...)
{
    char name[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof(name), fmt, ap);
    va_end(ap);
    if (!b->err)
        b->err = fdt_begin_node(b->fdt, name);
}

static void end(FdtBuilder *b)
{
    if (!b->err)
        b->err = fdt_end_node(b->fdt);
}

static void prop(FdtBuilder *b, const char *name, const void *val, int len)
{
    if (!b->err)
        b->err = fdt_property(b->fdt, name, val, len);
}

static void prop_empty(FdtBuilder *b, const char *name) { prop(b, name, NULL, 0); }

static void prop_str(FdtBuilder *b, const char *name, const char *s) { prop(b, name, s, (int)strlen(s) + 1); }

/* A string list given as one literal with embedded NULs: sizeof includes
 * the final one. */
#define prop_strs(b, name, lit) prop(b, name, lit, (int)sizeof(lit))

static void prop_u32(FdtBuilder *b, const char *name, uint32_t v)
{
    if (!b->err)
        b->err = fdt_property_u32(b->fdt, name, v);
}

static void prop_u64(FdtBuilder *b, const char *name, uint64_t v)
{
    if (!b->err)
        b->err = fdt_property_u64(b->fdt, name, v);
}

static void prop_cells(FdtBuilder *b, const char *name, const uint32_t *cells, size_t n)
{
    fdt32_t *be = malloc(n * sizeof(*be) + 1);
    if (!be) {
        if (!b->err)
            b->err = -FDT_ERR_INTERNAL;
        return;
    }
    for (size_t i = 0; i < n; i++)
        be[i] = cpu_to_fdt32(cells[i]);
    prop(b, name, be, (int)(n * sizeof(*be)));
    free(be);
}

/* reg = <base size> with #address-cells = #size-cells = 2. */
static void prop_reg(FdtBuilder *b, uint64_t base, uint64_t size)
{
    uint32_t cells[4] = {(uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32), (uint32_t)size};
    prop_cells(b, "reg", cells, 4);
}

/* --- the tree --------------------------------------------------------------- */

/* Phandles are fixed by position, so references can be written before the
 * node they name: per hart a cpu and its interrupt controller, then these. */
static uint32_t cpu_phandle(unsigned hart) { return 1 + 2 * hart; }
static uint32_t intc_phandle(unsigned hart) { return 2 + 2 * hart; }
static uint32_t plic_phandle(unsigned harts) { return 1 + 2 * harts; }
static uint32_t test_phandle(unsigned harts) { return 2 + 2 * harts; }

/* interrupts-extended = <&intc0 a &intc0 b &intc1 a ...> */
static void prop_per_hart_irqs(FdtBuilder *b, unsigned harts, uint32_t a, uint32_t bb)
{
    uint32_t *cells = malloc(4 * sizeof(uint32_t) * harts);
    if (!cells) {
        if (!b->err)
            b->err = -FDT_ERR_INTERNAL;
        return;
    }
    for (unsigned h = 0; h < harts; h++) {
        cells[4 * h] = intc_phandle(h);
        cells[4 * h + 1] = a;
        cells[4 * h + 2] = intc_phandle(h);
        cells[4 * h + 3] = bb;
    }
    prop_cells(b, "interrupts-extended", cells, 4 * (size_t)harts);
    free(cells);
}

static void build_cpus(FdtBuilder *b, const RiscvVirtFdtConfig *cfg, const IsaInfo *isa, const char *mmu)
{
    char extensions[ISA_MAX_EXTENSIONS * 32];
    size_t len = 0;
    for (unsigned i = 0; i < isa->count; i++) {
        size_t n = strlen(isa->names[i]) + 1;
        memcpy(extensions + len, isa->names[i], n);
        len += n;
    }
    node(b, "cpus");
    prop_u32(b, "#address-cells", 1);
    prop_u32(b, "#size-cells", 0);
    prop_u32(b, "timebase-frequency", RISCV_VIRT_TIMEBASE_HZ);
    for (unsigned h = 0; h < cfg->harts; h++) {
        node(b, "cpu@%x", h);
        prop_str(b, "device_type", "cpu");
        prop_u32(b, "reg", h);
        prop_str(b, "status", "okay");
        prop_str(b, "compatible", "riscv");
        prop_str(b, "riscv,isa", cfg->isa ? cfg->isa : RISCV_VIRT_DEFAULT_ISA);
        prop_str(b, "riscv,isa-base", isa->base);
        prop(b, "riscv,isa-extensions", extensions, (int)len);
        prop_str(b, "mmu-type", mmu);
        prop_u32(b, "phandle", cpu_phandle(h));
        node(b, "interrupt-controller");
        prop_u32(b, "#address-cells", 0);
        prop_u32(b, "#interrupt-cells", 1);
        prop_empty(b, "interrupt-controller");
        prop_str(b, "compatible", "riscv,cpu-intc");
        prop_u32(b, "phandle", intc_phandle(h));
        end(b);
        end(b);
    }
    node(b, "cpu-map");
    node(b, "cluster0");
    for (unsigned h = 0; h < cfg->harts; h++) {
        node(b, "core%u", h);
        prop_u32(b, "cpu", cpu_phandle(h));
        end(b);
    }
    end(b);
    end(b);
    end(b);
}

static void build_soc(FdtBuilder *b, unsigned harts)
{
    const RiscvVirtMapEntry *m = riscv_virt_memmap;
    uint32_t plic = plic_phandle(harts);
    node(b, "soc");
    prop_u32(b, "#address-cells", 2);
    prop_u32(b, "#size-cells", 2);
    prop_str(b, "compatible", "simple-bus");
    prop_empty(b, "ranges");

    node(b, "clint@%llx", (unsigned long long)m[RISCV_VIRT_CLINT].base);
    prop_strs(b, "compatible", "sifive,clint0\0riscv,clint0");
    prop_reg(b, m[RISCV_VIRT_CLINT].base, m[RISCV_VIRT_CLINT].size);
    prop_per_hart_irqs(b, harts, IRQ_M_SOFT, IRQ_M_TIMER);
    end(b);

    node(b, "plic@%llx", (unsigned long long)m[RISCV_VIRT_PLIC].base);
    prop_strs(b, "compatible", "sifive,plic-1.0.0\0riscv,plic0");
    prop_reg(b, m[RISCV_VIRT_PLIC].base, m[RISCV_VIRT_PLIC].size);
    prop_u32(b, "#address-cells", 0);
    prop_u32(b, "#interrupt-cells", 1);
    prop_empty(b, "interrupt-controller");
    prop_per_hart_irqs(b, harts, IRQ_M_EXT, IRQ_S_EXT);
    prop_u32(b, "riscv,ndev", RISCV_VIRT_PLIC_SOURCES - 1);
    prop_u32(b, "phandle", plic);
    end(b);

    node(b, "serial@%llx", (unsigned long long)m[RISCV_VIRT_UART0].base);
    prop_str(b, "compatible", "ns16550a");
    prop_reg(b, m[RISCV_VIRT_UART0].base, m[RISCV_VIRT_UART0].size);
    prop_u32(b, "clock-frequency", RISCV_VIRT_UART_CLOCK_HZ);
    prop_u32(b, "interrupt-parent", plic);
    prop_u32(b, "interrupts", m[RISCV_VIRT_UART0].irq);
    end(b);

    for (unsigned i = 0; i < RISCV_VIRT_VIRTIO_SLOTS; i++) {
        uint64_t base = m[RISCV_VIRT_VIRTIO].base + i * m[RISCV_VIRT_VIRTIO].size;
        node(b, "virtio_mmio@%llx", (unsigned long long)base);
        prop_str(b, "compatible", "virtio,mmio");
        prop_reg(b, base, m[RISCV_VIRT_VIRTIO].size);
        prop_u32(b, "interrupt-parent", plic);
        prop_u32(b, "interrupts", m[RISCV_VIRT_VIRTIO].irq + i);
        end(b);
    }

    node(b, "test@%llx", (unsigned long long)m[RISCV_VIRT_TEST].base);
    prop_strs(b, "compatible", "sifive,test1\0sifive,test0\0syscon");
    prop_reg(b, m[RISCV_VIRT_TEST].base, m[RISCV_VIRT_TEST].size);
    prop_u32(b, "phandle", test_phandle(harts));
    end(b);

    node(b, "rtc@%llx", (unsigned long long)m[RISCV_VIRT_RTC].base);
    prop_str(b, "compatible", "google,goldfish-rtc");
    prop_reg(b, m[RISCV_VIRT_RTC].base, m[RISCV_VIRT_RTC].size);
    prop_u32(b, "interrupt-parent", plic);
    prop_u32(b, "interrupts", m[RISCV_VIRT_RTC].irq);
    end(b);
    end(b);
}

/* syscon-poweroff / syscon-reboot: a value written to the test device. */
static void build_syscon_action(FdtBuilder *b, const char *name, uint32_t value, unsigned harts)
{
    node(b, "%s", name);
    char compatible[32];
    snprintf(compatible, sizeof(compatible), "syscon-%s", name);
    prop_str(b, "compatible", compatible);
    prop_u32(b, "regmap", test_phandle(harts));
    prop_u32(b, "offset", 0);
    prop_u32(b, "value", value);
    end(b);
}

static void build_tree(FdtBuilder *b, const RiscvVirtFdtConfig *cfg, const IsaInfo *isa, const char *mmu)
{
    char uart_path[64];
    snprintf(uart_path, sizeof(uart_path), "/soc/serial@%llx",
             (unsigned long long)riscv_virt_memmap[RISCV_VIRT_UART0].base);
    if (!b->err)
        b->err = fdt_finish_reservemap(b->fdt);
    node(b, "");
    prop_u32(b, "#address-cells", 2);
    prop_u32(b, "#size-cells", 2);
    prop_str(b, "compatible", "riscv-virtio");
    prop_str(b, "model", "riscv-virtio,qemu");

    node(b, "chosen");
    if (cfg->bootargs && *cfg->bootargs)
        prop_str(b, "bootargs", cfg->bootargs);
    prop_str(b, "stdout-path", uart_path);
    if (cfg->initrd_start || cfg->initrd_end) {
        prop_u64(b, "linux,initrd-start", cfg->initrd_start);
        prop_u64(b, "linux,initrd-end", cfg->initrd_end);
    }
    if (cfg->rng_seed && cfg->rng_seed_len)
        prop(b, "rng-seed", cfg->rng_seed, (int)cfg->rng_seed_len);
    end(b);

    node(b, "aliases");
    prop_str(b, "serial0", uart_path);
    end(b);

    build_cpus(b, cfg, isa, mmu);

    node(b, "memory@%llx", (unsigned long long)cfg->ram_base);
    prop_str(b, "device_type", "memory");
    prop_reg(b, cfg->ram_base, cfg->ram_size);
    end(b);

    build_soc(b, cfg->harts);
    build_syscon_action(b, "poweroff", RISCV_VIRT_TEST_POWEROFF, cfg->harts);
    build_syscon_action(b, "reboot", RISCV_VIRT_TEST_REBOOT, cfg->harts);
    end(b);
    if (!b->err)
        b->err = fdt_finish(b->fdt);
}

static int check_config(const RiscvVirtFdtConfig *cfg, const char **mmu, char *err, size_t errlen)
{
    if (cfg->harts < 1 || cfg->harts > RISCV_VIRT_MAX_HARTS)
        return error_text(err, errlen, -EINVAL, "virt board: %u harts; it takes 1 to %u", cfg->harts,
                          RISCV_VIRT_MAX_HARTS);
    if (cfg->ram_size == 0 || cfg->ram_base + cfg->ram_size < cfg->ram_base)
        return error_text(err, errlen, -EINVAL, "virt board: bad RAM range base 0x%llx size 0x%llx",
                          (unsigned long long)cfg->ram_base, (unsigned long long)cfg->ram_size);
    if (cfg->ram_base < riscv_virt_memmap[RISCV_VIRT_DRAM].base)
        return error_text(err, errlen, -EINVAL, "virt board: RAM at 0x%llx overlaps the devices below 0x%llx",
                          (unsigned long long)cfg->ram_base,
                          (unsigned long long)riscv_virt_memmap[RISCV_VIRT_DRAM].base);
    if (cfg->initrd_start || cfg->initrd_end) {
        uint64_t end = cfg->ram_base + cfg->ram_size;
        if (cfg->initrd_start >= cfg->initrd_end || cfg->initrd_start < cfg->ram_base || cfg->initrd_end > end)
            return error_text(err, errlen, -EINVAL, "virt board: initrd [0x%llx, 0x%llx) is not inside RAM [0x%llx, 0x%llx)",
                        (unsigned long long)cfg->initrd_start, (unsigned long long)cfg->initrd_end,
                        (unsigned long long)cfg->ram_base, (unsigned long long)end);
    }
    if (cfg->rng_seed_len > 4096)
        return error_text(err, errlen, -EINVAL, "virt board: rng-seed of %zu bytes is too long", cfg->rng_seed_len);
    static const char *const modes[] = {"riscv,sv39", "riscv,sv48", "riscv,sv57"};
    const char *want = cfg->mmu_type ? cfg->mmu_type : "sv39";
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        if (!strcmp(want, modes[i]) || !strcmp(want, modes[i] + strlen("riscv,"))) {
            *mmu = modes[i];
            return 0;
        }
    }
    return error_text(err, errlen, -EINVAL, "virt board: mmu type '%s'; expected sv39, sv48 or sv57", want);
}

int riscv_virt_fdt_build(const RiscvVirtFdtConfig *cfg, void **blob, size_t *size, char *err, size_t errlen)
{
    *blob = NULL;
    *size = 0;
    const char *mmu = NULL;
    int rc = check_config(cfg, &mmu, err, errlen);
    if (rc)
        return rc;
    IsaInfo isa;
    if ((rc = isa_parse(cfg->isa ? cfg->isa : RISCV_VIRT_DEFAULT_ISA, &isa, err, errlen)))
        return rc;
    if (strncmp(isa.base, "rv64", 4))
        return error_text(err, errlen, -EINVAL, "virt board: isa '%s' is not rv64", cfg->isa);

    for (int cap = FDT_INITIAL_SIZE; cap <= FDT_MAX_SIZE; cap *= 2) {
        FdtBuilder b = {malloc((size_t)cap), 0};
        if (!b.fdt)
            return error_text(err, errlen, -ENOMEM, "virt board: out of memory for the device tree");
        b.err = fdt_create(b.fdt, cap);
        build_tree(&b, cfg, &isa, mmu);
        if (b.err == -FDT_ERR_NOSPACE) {
            free(b.fdt);
            continue;
        }
        if (b.err) {
            free(b.fdt);
            return error_text(err, errlen, -EIO, "virt board: building the device tree: %s", fdt_strerror(b.err));
        }
        size_t used = fdt_totalsize(b.fdt);
        void *shrunk = realloc(b.fdt, used);
        *blob = shrunk ? shrunk : b.fdt;
        *size = used;
        return 0;
    }
    return error_text(err, errlen, -E2BIG, "virt board: device tree larger than %d bytes", FDT_MAX_SIZE);
}

int riscv_virt_fdt_write(const char *path, const void *blob, size_t size, char *err, size_t errlen)
{
    if (size < sizeof(struct fdt_header) || fdt_check_header(blob) != 0 || fdt_totalsize(blob) != size)
        return error_text(err, errlen, -EINVAL, "%s: not writing an invalid device tree blob", path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return error_text(err, errlen, -errno, "%s: cannot create: %s", path, strerror(errno));
    const uint8_t *p = blob;
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, p + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            return error_text(err, errlen, -e, "%s: write error: %s", path, strerror(e));
        }
        done += (size_t)n;
    }
    if (close(fd) != 0)
        return error_text(err, errlen, -errno, "%s: write error: %s", path, strerror(errno));
    return 0;
}
