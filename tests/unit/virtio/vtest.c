/*
 * The guest-side test driver of vtest.h. Ring and descriptor fields are
 * written little-endian, as a guest would, straight into the RAM buffer.
 */
#include "vtest.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices/virtio/virtio-blk.h"

static void record_irq(void *opaque, unsigned n, bool level)
{
    VTest *vt = opaque;
    assert_int_equal(n, 3);
    if (level && !vt->irq_level)
        vt->irq_raised++;
    vt->irq_level = level;
}

VTest *vt_new(void)
{
    VTest *vt = calloc(1, sizeof *vt);
    assert_non_null(vt);
    vt->rom = calloc(1, VT_ROM_SIZE);
    vt->ram = calloc(1, VT_RAM_SIZE);
    assert_non_null(vt->rom);
    assert_non_null(vt->ram);
    vt->regions[0] = (PhysRegion){ .name = "rom", .kind = PHYS_ROM, .base = VT_ROM_BASE,
                                   .size = VT_ROM_SIZE, .host = vt->rom };
    vt->regions[1] = (PhysRegion){ .name = "ram", .kind = PHYS_RAM, .base = VT_RAM_BASE,
                                   .size = VT_RAM_SIZE, .host = vt->ram };
    vt->map.regions = vt->regions;
    vt->map.count = vt->map.cap = 2;
    vt->heap = VT_HEAP_GPA;
    return vt;
}

const PhysMap *vt_map(VTest *vt)
{
    return &vt->map;
}

void vt_attach(VTest *vt, VirtioDevice *dev)
{
    vt->dev = dev;
    vt->mmio = virtio_mmio_create(dev, (IrqLine){ .set = record_irq, .opaque = vt, .n = 3 });
    assert_non_null(vt->mmio);
}

void vt_free(VTest *vt)
{
    virtio_mmio_destroy(vt->mmio);
    virtio_device_destroy(vt->dev);
    free(vt->rom);
    free(vt->ram);
    free(vt);
}

uint32_t vt_read(VTest *vt, uint64_t offset)
{
    return (uint32_t)virtio_mmio_ops.read(vt->mmio, offset, 4);
}

void vt_write(VTest *vt, uint64_t offset, uint32_t value)
{
    virtio_mmio_ops.write(vt->mmio, offset, value, 4);
}

uint8_t *vt_host(VTest *vt, uint64_t gpa)
{
    assert_true(gpa >= VT_RAM_BASE && gpa < VT_RAM_END);
    return vt->ram + (gpa - VT_RAM_BASE);
}

static void put16(VTest *vt, uint64_t gpa, uint16_t v)
{
    v = htole16(v);
    memcpy(vt_host(vt, gpa), &v, 2);
}

static uint16_t get16(VTest *vt, uint64_t gpa)
{
    uint16_t v;
    memcpy(&v, vt_host(vt, gpa), 2);
    return le16toh(v);
}

static uint32_t get32(VTest *vt, uint64_t gpa)
{
    uint32_t v;
    memcpy(&v, vt_host(vt, gpa), 4);
    return le32toh(v);
}

uint64_t vt_device_features(VTest *vt)
{
    vt_write(vt, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    uint64_t f = (uint64_t)vt_read(vt, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
    vt_write(vt, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    return f | vt_read(vt, VIRTIO_MMIO_DEVICE_FEATURES);
}

bool vt_init_driver(VTest *vt, uint64_t features)
{
    vt_write(vt, VIRTIO_MMIO_STATUS, 0);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_STATUS), 0);
    vt_write(vt, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    vt_write(vt, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    vt_write(vt, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    vt_write(vt, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
    vt_write(vt, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    vt_write(vt, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
    vt_write(vt, VIRTIO_MMIO_STATUS,
             VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    vt->avail_idx = vt->used_seen = 0;
    return (vt_read(vt, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK) != 0;
}

void vt_setup_queue(VTest *vt, unsigned q, uint16_t size)
{
    vt_write(vt, VIRTIO_MMIO_QUEUE_SEL, q);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_QUEUE_READY), 0);
    assert_true(vt_read(vt, VIRTIO_MMIO_QUEUE_NUM_MAX) >= size);
    memset(vt_host(vt, VT_DESC_GPA), 0, VIRTQ_DESC_SIZE(size));
    memset(vt_host(vt, VT_AVAIL_GPA), 0, VIRTQ_AVAIL_SIZE(size));
    memset(vt_host(vt, VT_USED_GPA), 0, VIRTQ_USED_SIZE(size));
    vt_write(vt, VIRTIO_MMIO_QUEUE_NUM, size);
    vt_write(vt, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)VT_DESC_GPA);
    vt_write(vt, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(VT_DESC_GPA >> 32));
    vt_write(vt, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)VT_AVAIL_GPA);
    vt_write(vt, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(VT_AVAIL_GPA >> 32));
    vt_write(vt, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)VT_USED_GPA);
    vt_write(vt, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(VT_USED_GPA >> 32));
    vt_write(vt, VIRTIO_MMIO_QUEUE_READY, 1);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_QUEUE_READY), 1);
    vt->qsize = size;
}

void vt_driver_ok(VTest *vt)
{
    vt_write(vt, VIRTIO_MMIO_STATUS, vt_read(vt, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

uint32_t vt_status(VTest *vt)
{
    return vt_read(vt, VIRTIO_MMIO_STATUS);
}

bool vt_needs_reset(VTest *vt)
{
    return (vt_status(vt) & VIRTIO_STATUS_DEVICE_NEEDS_RESET) != 0;
}

uint32_t vt_ack_interrupts(VTest *vt)
{
    uint32_t isr = vt_read(vt, VIRTIO_MMIO_INTERRUPT_STATUS);
    vt_write(vt, VIRTIO_MMIO_INTERRUPT_ACK, isr);
    return isr;
}

uint64_t vt_alloc(VTest *vt, uint64_t len)
{
    uint64_t at = vt->heap;
    vt->heap = (vt->heap + len + 15) & ~15ull;
    assert_true(vt->heap <= VT_RAM_END);
    memset(vt_host(vt, at), 0, len);
    return at;
}

void vt_desc_at(VTest *vt, uint64_t table_gpa, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
                uint16_t next)
{
    uint8_t *d = vt_host(vt, table_gpa + 16ull * i);
    uint64_t a = htole64(addr);
    uint32_t l = htole32(len);
    uint16_t f = htole16(flags), n = htole16(next);
    memcpy(d, &a, 8);
    memcpy(d + 8, &l, 4);
    memcpy(d + 12, &f, 2);
    memcpy(d + 14, &n, 2);
}

void vt_desc(VTest *vt, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    vt_desc_at(vt, VT_DESC_GPA, i, addr, len, flags, next);
}

void vt_set_avail_idx(VTest *vt, uint16_t idx)
{
    vt->avail_idx = idx;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    put16(vt, VT_AVAIL_GPA + 2, idx);
}

void vt_set_avail_flags(VTest *vt, uint16_t flags)
{
    put16(vt, VT_AVAIL_GPA, flags);
}

void vt_set_used_event(VTest *vt, uint16_t event)
{
    put16(vt, VT_AVAIL_GPA + 4 + 2ull * vt->qsize, event);
}

void vt_notify(VTest *vt, unsigned q)
{
    vt_write(vt, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

void vt_submit(VTest *vt, uint16_t head)
{
    put16(vt, VT_AVAIL_GPA + 4 + 2ull * (vt->avail_idx % vt->qsize), head);
    vt_set_avail_idx(vt, (uint16_t)(vt->avail_idx + 1));
    vt_notify(vt, 0);
}

uint16_t vt_used_idx(VTest *vt)
{
    return get16(vt, VT_USED_GPA + 2);
}

bool vt_pop_used(VTest *vt, VtUsed *u)
{
    if (vt_used_idx(vt) == vt->used_seen)
        return false;
    uint64_t e = VT_USED_GPA + 4 + 8ull * (vt->used_seen % vt->qsize);
    u->id = get32(vt, e);
    u->len = get32(vt, e + 4);
    vt->used_seen++;
    return true;
}

VtBlkResult vt_blk_request(VTest *vt, uint32_t type, uint64_t sector, uint64_t data_gpa, uint32_t data_len,
                           bool indirect)
{
    uint64_t hdr = vt_alloc(vt, 16), status = vt_alloc(vt, 1);
    uint32_t t = htole32(type);
    uint64_t s = htole64(sector);
    memcpy(vt_host(vt, hdr), &t, 4);
    memset(vt_host(vt, hdr) + 4, 0, 4);
    memcpy(vt_host(vt, hdr) + 8, &s, 8);
    *vt_host(vt, status) = 0xee;
    bool data_in = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;

    uint64_t table = indirect ? vt_alloc(vt, 3 * 16) : VT_DESC_GPA;
    uint16_t n = 0;
    vt_desc_at(vt, table, n, hdr, 16, VIRTQ_DESC_F_NEXT, (uint16_t)(n + 1));
    n++;
    if (data_len) {
        vt_desc_at(vt, table, n, data_gpa, data_len,
                   VIRTQ_DESC_F_NEXT | (data_in ? VIRTQ_DESC_F_WRITE : 0), (uint16_t)(n + 1));
        n++;
    }
    vt_desc_at(vt, table, n, status, 1, VIRTQ_DESC_F_WRITE, 0);
    n++;
    if (indirect)
        vt_desc(vt, 0, table, 16u * n, VIRTQ_DESC_F_INDIRECT, 0);

    vt_submit(vt, 0);
    VtBlkResult r = { 0 };
    VtUsed u;
    if (vt_pop_used(vt, &u)) {
        assert_int_equal(u.id, 0);
        r.completed = true;
        r.used_len = u.len;
        r.status = *vt_host(vt, status);
    }
    return r;
}

unsigned vt_seed(const char *test)
{
    const char *env = getenv("POLYVM_SEED");
    unsigned seed = env ? (unsigned)strtoul(env, NULL, 0) : (unsigned)time(NULL) ^ (unsigned)clock();
    printf("%s: seed %u (replay with POLYVM_SEED=%u)\n", test, seed, seed);
    return seed;
}
