/*
 * The riscv64 `virt` board's creation, reset and teardown (riscv-virt.h).
 *
 * Every address and PLIC source comes from RISCV_VIRT_MEMMAP. The physical
 * map is built once; its MMIO regions point at forwarding slots
 * (RiscvVirtMmio), because the platform device models have no reset of
 * their own: a machine reset frees them and creates fresh ones behind the
 * same regions. Virtio devices and their backends live as long as the board,
 * so a guest reboot keeps the same disk image and network.
 */
#include "machines/riscv-virt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/block/block-raw.h"
#include "backends/net/net-slirp.h"
#include "devices/char/uart-16550.h"
#include "devices/irq/plic.h"
#include "devices/misc/sifive-test.h"
#include "devices/timer/aclint.h"
#include "devices/timer/goldfish-rtc.h"
#include "devices/virtio/virtio-blk.h"
#include "devices/virtio/virtio-mmio.h"
#include "devices/virtio/virtio-net.h"
#include "devices/virtio/virtio-rng.h"
#include "polyvm/error-text.h"

#define DEBIAN_OPENSBI "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
#define KIT_OPENSBI "riscv64/firmware/fw_dynamic.bin"


RiscvVirtConfig riscv_virt_default_config(void)
{
    return (RiscvVirtConfig){.ram_size = RISCV_VIRT_DEFAULT_RAM, .harts = 1, .rng = true};
}

const char *riscv_virt_device_driver(RiscvVirtDeviceKind kind)
{
    switch (kind) {
#define RISCV_VIRT_DEVICE_NAME(name, driver) case RISCV_VIRT_DEV_##name: return driver;
        RISCV_VIRT_DEVICE_KINDS(RISCV_VIRT_DEVICE_NAME)
#undef RISCV_VIRT_DEVICE_NAME
    }
    return "unknown";
}

int riscv_virt_device_kind(const char *driver)
{
#define RISCV_VIRT_DEVICE_MATCH(name, drv) if (!strcmp(driver, drv)) return RISCV_VIRT_DEV_##name;
    RISCV_VIRT_DEVICE_KINDS(RISCV_VIRT_DEVICE_MATCH)
#undef RISCV_VIRT_DEVICE_MATCH
    return -1;
}

char *riscv_virt_default_bios(char *err, size_t errlen)
{
    const char *env = getenv("POLYVM_RV64_OPENSBI");
    if (env && *env)
        return strdup(env);     /* named on purpose: a missing file is reported by the loader */
    char kit[4096] = "";
    const char *cache = getenv("POLYVM_CACHE"), *home = getenv("HOME");
    if (cache && *cache)
        snprintf(kit, sizeof kit, "%s/%s", cache, KIT_OPENSBI);
    else if (home && *home)
        snprintf(kit, sizeof kit, "%s/.cache/polyvm/%s", home, KIT_OPENSBI);
    if (*kit && access(kit, R_OK) == 0)
        return strdup(kit);
    if (access(DEBIAN_OPENSBI, R_OK) == 0)
        return strdup(DEBIAN_OPENSBI);
    error_text(err, errlen, -ENOENT,
               "no firmware found (tried $POLYVM_RV64_OPENSBI, %s, %s); use -bios FILE, -bios none, or run "
               "scripts/guest-kit", *kit ? kit : "the guest kit", DEBIAN_OPENSBI);
    return NULL;
}

/* ---- MMIO forwarding ---- */

static uint64_t forward_read(void *opaque, uint64_t offset, unsigned size)
{
    RiscvVirtMmio *m = opaque;
    return m->ops->read(m->dev, offset, size);
}

static void forward_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    RiscvVirtMmio *m = opaque;
    m->ops->write(m->dev, offset, value, size);
}

static const DeviceMmioOps forward_ops = {.read = forward_read, .write = forward_write};

/* ---- platform devices ---- */

static void test_finished(void *opaque, SifiveTestEvent event, uint32_t code)
{
    RiscvVirt *b = opaque;
    switch (event) {
    case SIFIVE_TEST_PASS: machine_events_post(b->cfg.events, MACHINE_EVENT_POWEROFF, 0); break;
    case SIFIVE_TEST_FAIL: machine_events_post(b->cfg.events, MACHINE_EVENT_FAIL, (int)code); break;
    case SIFIVE_TEST_RESET: machine_events_post(b->cfg.events, MACHINE_EVENT_RESET, 0); break;
    }
}

static IrqLine source_line(RiscvVirt *b, unsigned source)
{
    return plic_irq_line(b->plic, source);
}

/* Frees the platform devices, sources before the PLIC they drive. */
static void platform_destroy(RiscvVirt *b)
{
    for (unsigned n = 0; n < RISCV_VIRT_VIRTIO_SLOTS; n++) {
        virtio_mmio_destroy(b->transports[n]);
        b->transports[n] = NULL;
    }
    uart_16550_free(b->uart);
    goldfish_rtc_free(b->rtc);
    sifive_test_free(b->test);
    aclint_free(b->aclint);
    plic_free(b->plic);
    b->uart = NULL;
    b->rtc = NULL;
    b->test = NULL;
    b->aclint = NULL;
    b->plic = NULL;
}

static int platform_create(RiscvVirt *b, char *err, size_t errlen)
{
    unsigned harts = b->cfg.harts;
    IrqLine *lines = calloc(4 * (size_t)harts, sizeof *lines);
    if (!lines)
        return error_text(err, errlen, -ENOMEM, "virt board: out of memory");
    IrqLine *contexts = lines, *msip = lines + 2 * harts, *mtip = lines + 3 * harts;
    for (unsigned h = 0; h < harts; h++) {
        RvCpu *cpu = b->harts[h].cpu;
        contexts[2 * h] = rv_cpu_irq_line(cpu, RV_IRQ_LINE_MEIP);
        contexts[2 * h + 1] = rv_cpu_irq_line(cpu, RV_IRQ_LINE_SEIP);
        msip[h] = rv_cpu_irq_line(cpu, RV_IRQ_LINE_MSIP);
        mtip[h] = rv_cpu_irq_line(cpu, RV_IRQ_LINE_MTIP);
    }
    b->plic = plic_new(&(PlicConfig){.harts = harts, .context_lines = contexts});
    b->aclint = aclint_new(&(AclintConfig){.harts = harts, .msip = msip, .mtip = mtip,
                                           .timebase_hz = RISCV_VIRT_TIMEBASE_HZ});
    free(lines);
    if (!b->plic || !b->aclint)
        return error_text(err, errlen, -ENOMEM, "virt board: cannot create the PLIC or CLINT");
    int rc = aclint_start_timer_thread(b->aclint);
    if (rc < 0)
        return error_text(err, errlen, rc, "virt board: cannot start the timer thread: %s", strerror(-rc));
    b->uart = uart_16550_new(&(Uart16550Config){
        .irq = source_line(b, riscv_virt_memmap[RISCV_VIRT_UART0].irq), .backend = b->cfg.console});
    b->rtc = goldfish_rtc_new(&(GoldfishRtcConfig){.irq = source_line(b, riscv_virt_memmap[RISCV_VIRT_RTC].irq)});
    b->test = sifive_test_new(test_finished, b);
    if (!b->uart || !b->rtc || !b->test)
        return error_text(err, errlen, -ENOMEM, "virt board: out of memory");
    for (unsigned n = 0; n < RISCV_VIRT_VIRTIO_SLOTS; n++) {
        /* The driver starts from a clean device after a reset, as after power-on. */
        if (b->virtio[n]) {
            pthread_mutex_lock(&b->virtio[n]->lock);
            virtio_device_reset(b->virtio[n]);
            pthread_mutex_unlock(&b->virtio[n]->lock);
        }
        b->transports[n] = virtio_mmio_create(b->virtio[n], source_line(b, riscv_virt_memmap[RISCV_VIRT_VIRTIO].irq + n));
        if (!b->transports[n])
            return error_text(err, errlen, -ENOMEM, "virt board: out of memory");
        b->virtio_mmio[n] = (RiscvVirtMmio){&virtio_mmio_ops, b->transports[n]};
    }
    b->mmio[RISCV_VIRT_TEST] = (RiscvVirtMmio){&sifive_test_mmio_ops, b->test};
    b->mmio[RISCV_VIRT_RTC] = (RiscvVirtMmio){&goldfish_rtc_mmio_ops, b->rtc};
    b->mmio[RISCV_VIRT_CLINT] = (RiscvVirtMmio){&aclint_mmio_ops, b->aclint};
    b->mmio[RISCV_VIRT_PLIC] = (RiscvVirtMmio){&plic_mmio_ops, b->plic};
    b->mmio[RISCV_VIRT_UART0] = (RiscvVirtMmio){&uart_16550_mmio_ops, b->uart};
    return 0;
}

/* ---- the physical map ---- */

static int map_regions(RiscvVirt *b, char *err, size_t errlen)
{
    int rc = 0;
    for (unsigned r = 0; r < RISCV_VIRT_REGION_COUNT && !rc; r++) {
        const RiscvVirtMapEntry *e = &riscv_virt_memmap[r];
        switch ((RiscvVirtRegion)r) {
        case RISCV_VIRT_MROM: rc = phys_map_add_ram(&b->phys, e->name, e->base, e->size, PHYS_ROM); break;
        case RISCV_VIRT_DRAM:
            rc = phys_map_add_ram(&b->phys, e->name, e->base, b->cfg.ram_size, PHYS_RAM);
            if (rc == -ENOMEM)
                return error_text(err, errlen, rc, "cannot allocate %llu MiB of guest RAM",
                                  (unsigned long long)(b->cfg.ram_size >> 20));
            break;
        case RISCV_VIRT_VIRTIO:
            for (unsigned n = 0; n < RISCV_VIRT_VIRTIO_SLOTS && !rc; n++)
                rc = phys_map_add_mmio(&b->phys, e->name, e->base + n * e->size, e->size, &forward_ops,
                                       &b->virtio_mmio[n]);
            break;
        default: rc = phys_map_add_mmio(&b->phys, e->name, e->base, e->size, &forward_ops, &b->mmio[r]); break;
        }
    }
    if (rc)
        return error_text(err, errlen, rc, "virt board: cannot build the physical map: %s", strerror(-rc));
    return 0;
}

/* ---- virtio devices ---- */

static VirtioDevice *create_virtio(RiscvVirt *b, const RiscvVirtDevice *d, unsigned nic, char *err, size_t errlen)
{
    VirtioDevice *dev = NULL;
    switch (d->kind) {
    case RISCV_VIRT_DEV_BLK: {
        BlockBackend *be;
        if (block_raw_open(d->path, d->read_only, &be, err, errlen) < 0)
            return NULL;
        dev = virtio_blk_create(&b->phys, be, d->serial);
        break;
    }
    case RISCV_VIRT_DEV_NET: {
        NetBackend *be = net_slirp_create(d->hostfwd, d->n_hostfwd, err, errlen);
        if (!be)
            return NULL;
        /* QEMU's default MAC, counted up per NIC so two NICs never clash */
        uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, (uint8_t)(0x56 + nic)};
        dev = virtio_net_create(&b->phys, be, mac, true);
        break;
    }
    case RISCV_VIRT_DEV_RNG: dev = virtio_rng_create(&b->phys); break;
    }
    if (!dev)
        error_text(err, errlen, -ENOMEM, "%s: out of memory", riscv_virt_device_driver(d->kind));
    return dev;
}

static int create_virtio_devices(RiscvVirt *b, char *err, size_t errlen)
{
    const RiscvVirtConfig *c = &b->cfg;
    bool have_rng = false;
    for (unsigned i = 0; i < c->n_devices; i++)
        have_rng |= c->devices[i].kind == RISCV_VIRT_DEV_RNG;
    bool add_rng = c->rng && !have_rng;
    unsigned total = c->n_devices + add_rng;
    if (total > RISCV_VIRT_VIRTIO_SLOTS)
        return error_text(err, errlen, -ENOSPC, "too many virtio devices: %u%s, the virt board has %u virtio-mmio slots",
                          total, add_rng ? " with the default virtio-rng" : "", RISCV_VIRT_VIRTIO_SLOTS);
    unsigned slot = RISCV_VIRT_VIRTIO_SLOTS, nic = 0;
    for (unsigned i = 0; i < total; i++) {
        RiscvVirtDevice rng = {.kind = RISCV_VIRT_DEV_RNG};
        const RiscvVirtDevice *d = i < c->n_devices ? &c->devices[i] : &rng;
        /* QEMU hands out the highest slot first; the kernel then finds the
         * first disk at 0x10008000 and names it vda, as under QEMU. */
        VirtioDevice *dev = create_virtio(b, d, nic, err, errlen);
        if (!dev)
            return -EINVAL;
        nic += d->kind == RISCV_VIRT_DEV_NET;
        b->virtio[--slot] = dev;
    }
    return 0;
}

/* ---- life cycle ---- */

static int check_config(const RiscvVirtConfig *c, char *err, size_t errlen)
{
    if (!c->events)
        return error_text(err, errlen, -EINVAL, "virt board: no event box given");
    if (c->harts < 1 || c->harts > RISCV_VIRT_MAX_HARTS)
        return error_text(err, errlen, -EINVAL, "virt board: %u harts; it takes 1 to %u", c->harts, RISCV_VIRT_MAX_HARTS);
    if (c->ram_size == 0 || c->ram_size % 4096 || c->ram_size > RISCV_VIRT_MAX_RAM)
        return error_text(err, errlen, -EINVAL, "virt board: RAM size %llu bytes: must be a multiple of 4 KiB up to %llu GiB",
                          (unsigned long long)c->ram_size, (unsigned long long)(RISCV_VIRT_MAX_RAM >> 30));
    if (c->initrd && !c->kernel)
        return error_text(err, errlen, -EINVAL, "-initrd needs -kernel");
    return 0;
}

/* All four interrupt wires of every hart low: the devices that drove them
 * are gone, and their successors start with everything quiet. */
static void lower_hart_lines(RiscvVirt *b)
{
    static const unsigned lines[] = {RV_IRQ_LINE_MSIP, RV_IRQ_LINE_MTIP, RV_IRQ_LINE_SEIP, RV_IRQ_LINE_MEIP};
    for (unsigned h = 0; h < b->cfg.harts; h++)
        for (unsigned i = 0; i < sizeof lines / sizeof lines[0]; i++) {
            IrqLine l = rv_cpu_irq_line(b->harts[h].cpu, lines[i]);
            irq_line_set(&l, false);
        }
}

static uint64_t read_mtime(void *opaque)
{
    /* b->aclint changes only at a reset, while no hart runs */
    RiscvVirt *b = opaque;
    return aclint_mtime(b->aclint, aclint_clock_ns(b->aclint));
}

static int start_machine(RiscvVirt *b, char *err, size_t errlen)
{
    int rc = platform_create(b, err, errlen);
    if (!rc)
        rc = riscv_virt_boot_load(b, err, errlen);
    if (rc)
        return rc;
    for (unsigned h = 0; h < b->cfg.harts; h++)
        rv_cpu_reset(b->harts[h].cpu, riscv_virt_memmap[RISCV_VIRT_MROM].base);
    return 0;
}

RiscvVirt *riscv_virt_create(const RiscvVirtConfig *cfg, char *err, size_t errlen)
{
    if (check_config(cfg, err, errlen))
        return NULL;
    RiscvVirt *b = calloc(1, sizeof *b);
    if (!b) {
        error_text(err, errlen, -ENOMEM, "virt board: out of memory");
        return NULL;
    }
    b->cfg = *cfg;
    phys_map_init(&b->phys);
    if (!cfg->bios || strcmp(cfg->bios, RISCV_VIRT_BIOS_NONE)) {
        b->bios_path = cfg->bios ? strdup(cfg->bios) : riscv_virt_default_bios(err, errlen);
        if (!b->bios_path) {
            if (cfg->bios)
                error_text(err, errlen, -ENOMEM, "virt board: out of memory");
            goto fail;
        }
    }
    if (map_regions(b, err, errlen))
        goto fail;
    b->harts = calloc(cfg->harts, sizeof *b->harts);
    if (!b->harts) {
        error_text(err, errlen, -ENOMEM, "virt board: out of memory");
        goto fail;
    }
    for (unsigned h = 0; h < cfg->harts; h++) {
        b->harts[h].board = b;
        b->harts[h].cpu = rv_cpu_new_system(&b->phys, h);
        if (!b->harts[h].cpu) {
            error_text(err, errlen, -ENOMEM, "virt board: cannot create hart %u: out of memory", h);
            goto fail;
        }
        rv_cpu_set_clock(b->harts[h].cpu, read_mtime, b);
        rv_cpu_set_timebase(b->harts[h].cpu, RISCV_VIRT_TIMEBASE_HZ);
    }
    if (create_virtio_devices(b, err, errlen) || start_machine(b, err, errlen))
        goto fail;
    return b;
fail:
    riscv_virt_destroy(b);
    return NULL;
}

int riscv_virt_reset(RiscvVirt *b, char *err, size_t errlen)
{
    platform_destroy(b);
    lower_hart_lines(b);
    return start_machine(b, err, errlen);
}

int riscv_virt_dump_dtb(const RiscvVirt *b, const char *path, char *err, size_t errlen)
{
    return riscv_virt_fdt_write(path, b->fdt, b->fdt_size, err, errlen);
}

void riscv_virt_destroy(RiscvVirt *b)
{
    if (!b)
        return;
    /* Sources first, then the harts they signal, then the memory all of them use. */
    platform_destroy(b);
    for (unsigned n = 0; n < RISCV_VIRT_VIRTIO_SLOTS; n++)
        virtio_device_destroy(b->virtio[n]);
    if (b->harts)
        for (unsigned h = 0; h < b->cfg.harts; h++)
            if (b->harts[h].cpu)
                rv_cpu_free(b->harts[h].cpu);
    free(b->harts);
    phys_map_destroy(&b->phys);
    free(b->fdt);
    free(b->bios_path);
    free(b);
}
