/*
 * A hostile guest against the virtqueue code: descriptor indices past the
 * queue, next-loops, chains longer than the queue, bad indirect tables
 * (length, nesting, NEXT, not negotiated, outside RAM), buffers beyond RAM,
 * wrapping around 2^64, 0xffffffff lengths, writable buffers in ROM,
 * ordering violations, a runaway available index and bad ring layouts.
 * Each must leave the device in DEVICE_NEEDS_RESET with a config
 * interrupt, the used ring untouched, and a reset must bring it back.
 * Guest memory is malloc'd, so under ASan any access outside it fails.
 *
 * Then a randomised round: random rings, tables and headers thrown at
 * virtio-rng and virtio-blk; the seed is printed (POLYVM_SEED=<n> replays).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/block/block-raw.h"
#include "devices/virtio/virtio-blk.h"
#include "devices/virtio/virtio-rng.h"
#include "vtest.h"

#define F(bit) (1ull << (bit))
#define QSIZE 16u
#define FEATURES (F(VIRTIO_F_VERSION_1) | F(VIRTIO_F_INDIRECT_DESC))
#define W VIRTQ_DESC_F_WRITE
#define N VIRTQ_DESC_F_NEXT
#define I VIRTQ_DESC_F_INDIRECT

static VTest *rng_device(uint64_t features)
{
    VTest *vt = vt_new();
    vt_attach(vt, virtio_rng_create(vt_map(vt)));
    assert_true(vt_init_driver(vt, features));
    vt_setup_queue(vt, 0, QSIZE);
    vt_driver_ok(vt);
    return vt;
}

static void set_ring_entry(VTest *vt, uint16_t slot, uint16_t head)
{
    memcpy(vt_host(vt, VT_AVAIL_GPA + 4 + 2ull * slot), &head, 2);
}

/* The device refused the chain: error state, config interrupt, used ring
 * untouched, further notifications ignored, and a reset recovers it. */
static void expect_broken(VTest *vt, const char *reason_part)
{
    if (!vt_needs_reset(vt))
        fail_msg("device accepted a hostile chain (expected: %s)", reason_part);
    assert_non_null(vt->dev->error);
    if (reason_part && !strstr(vt->dev->error, reason_part))
        fail_msg("error \"%s\", expected one about \"%s\"", vt->dev->error, reason_part);
    assert_true(vt_read(vt, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG);
    assert_true(vt->irq_level);
    assert_int_equal(vt_used_idx(vt), vt->used_seen);
    vt_notify(vt, 0);
    assert_int_equal(vt_used_idx(vt), vt->used_seen);

    assert_true(vt_init_driver(vt, FEATURES));
    assert_false(vt_needs_reset(vt));
    assert_null(vt->dev->error);
    assert_false(vt->irq_level);
    vt_setup_queue(vt, 0, QSIZE);
    vt_driver_ok(vt);
    uint64_t buf = vt_alloc(vt, 8);
    vt_desc(vt, 0, buf, 8, W, 0);
    vt_submit(vt, 0);
    VtUsed u;
    assert_true(vt_pop_used(vt, &u));
    assert_int_equal(u.id, 0);
    assert_false(vt_needs_reset(vt));
}

/* ---- descriptor indices and loops ---- */

static void test_head_out_of_range(void **state)
{
    (void)state;
    VTest *vt = rng_device(FEATURES);
    vt_submit(vt, QSIZE);
    expect_broken(vt, "index out of range");
    vt_free(vt);
}

static void test_next_out_of_range(void **state)
{
    (void)state;
    VTest *vt = rng_device(FEATURES);
    uint64_t buf = vt_alloc(vt, 8);
    vt_desc(vt, 0, buf, 8, W | N, QSIZE);
    vt_submit(vt, 0);
    expect_broken(vt, "index out of range");
    vt_desc(vt, 0, buf, 8, W | N, 0xffff);
    vt_submit(vt, 0);
    expect_broken(vt, "index out of range");
    vt_free(vt);
}

static void test_next_loops(void **state)
{
    (void)state;
    VTest *vt = rng_device(FEATURES);
    uint64_t buf = vt_alloc(vt, 8);
    vt_desc(vt, 0, buf, 8, W | N, 0);     /* onto itself */
    vt_submit(vt, 0);
    expect_broken(vt, "longer than the queue");

    vt_desc(vt, 3, buf, 8, W | N, 7);     /* 3 -> 7 -> 3 ... */
    vt_desc(vt, 7, buf, 8, W | N, 3);
    vt_submit(vt, 3);
    expect_broken(vt, "longer than the queue");

    /* zero-length descriptors still count */
    vt_desc(vt, 4, buf, 0, W | N, 4);
    vt_submit(vt, 4);
    expect_broken(vt, "longer than the queue");
    vt_free(vt);
}

/* ---- indirect tables ---- */

static void test_indirect_chain_longer_than_queue(void **state)
{
    (void)state;
    VTest *vt = rng_device(FEATURES);
    const unsigned n = 2 * QSIZE;      /* a table may be big; the chain may not */
    uint64_t table = vt_alloc(vt, 16 * n), buf = vt_alloc(vt, 8);
    for (unsigned k = 0; k < n; k++)
        vt_desc_at(vt, table, (uint16_t)k, buf, 8, W | (k + 1 < n ? N : 0), (uint16_t)(k + 1));
    vt_desc(vt, 0, table, 16 * n, I, 0);
    vt_submit(vt, 0);
    expect_broken(vt, "longer than the queue");

    /* the same table with a chain of QSIZE is fine */
    vt_desc_at(vt, table, QSIZE - 1, buf, 8, W, 0);
    vt_desc(vt, 0, table, 16 * n, I, 0);
    vt_submit(vt, 0);
    VtUsed u;
    assert_true(vt_pop_used(vt, &u));
    assert_int_equal(u.len, 8 * QSIZE);
    assert_false(vt_needs_reset(vt));
    vt_free(vt);
}

static void test_indirect_bad_tables(void **state)
{
    (void)state;
    VTest *vt = rng_device(FEATURES);
    uint64_t table = vt_alloc(vt, 64), inner = vt_alloc(vt, 16), buf = vt_alloc(vt, 8);
    vt_desc_at(vt, table, 0, buf, 8, W | N, 1);
    vt_desc_at(vt, table, 1, buf, 8, W, 0);
    vt_desc_at(vt, inner, 0, buf, 8, W, 0);

    static const uint32_t bad_lengths[] = { 0, 8, 24, 33, 0xfffffff0u + 8 };
    for (unsigned k = 0; k < sizeof bad_lengths / sizeof bad_lengths[0]; k++) {
        vt_desc(vt, 0, table, bad_lengths[k], I, 0);
        vt_submit(vt, 0);
        expect_broken(vt, "multiple of 16");
    }
    /* a multiple of 16, but 0xfffffff0 bytes: far outside RAM */
    vt_desc(vt, 0, table, 0xfffffff0u, I, 0);
    vt_submit(vt, 0);
    expect_broken(vt, "outside guest RAM");

    /* nested: an entry of the table is itself indirect */
    vt_desc_at(vt, table, 1, inner, 16, I, 0);
    vt_desc(vt, 0, table, 32, I, 0);
    vt_submit(vt, 0);
    expect_broken(vt, "inside an indirect table");

    /* INDIRECT together with NEXT */
    vt_desc_at(vt, table, 1, buf, 8, W, 0);
    vt_desc(vt, 0, table, 32, I | N, 1);
    vt_submit(vt, 0);
    expect_broken(vt, "NEXT");

    /* next beyond the table, and a loop inside it */
    vt_desc_at(vt, table, 1, buf, 8, W | N, 2);
    vt_desc(vt, 0, table, 32, I, 0);
    vt_submit(vt, 0);
    expect_broken(vt, "index out of range");
    vt_desc_at(vt, table, 1, buf, 8, W | N, 0);
    vt_desc(vt, 0, table, 32, I, 0);
    vt_submit(vt, 0);
    expect_broken(vt, "longer than the queue");

    /* a table that starts in RAM and runs past its end, or wraps */
    vt_desc(vt, 0, VT_RAM_END - 16, 32, I, 0);
    vt_submit(vt, 0);
    expect_broken(vt, "outside guest RAM");
    vt_desc(vt, 0, 0xfffffffffffffff0ull, 32, I, 0);
    vt_submit(vt, 0);
    expect_broken(vt, "outside guest RAM");

    /* direct descriptors, then an indirect one, is valid (2.7.5.3.2) */
    vt_desc_at(vt, table, 0, buf, 8, W, 0);
    vt_desc(vt, 2, buf, 4, W | N, 5);
    vt_desc(vt, 5, table, 16, I, 0);
    vt_submit(vt, 2);
    VtUsed u;
    assert_true(vt_pop_used(vt, &u));
    assert_int_equal(u.id, 2);
    assert_int_equal(u.len, 12);
    assert_false(vt_needs_reset(vt));
    vt_free(vt);
}

static void test_indirect_not_negotiated(void **state)
{
    (void)state;
    VTest *vt = rng_device(F(VIRTIO_F_VERSION_1));
    uint64_t table = vt_alloc(vt, 16), buf = vt_alloc(vt, 8);
    vt_desc_at(vt, table, 0, buf, 8, W, 0);
    vt_desc(vt, 0, table, 16, I, 0);
    vt_submit(vt, 0);
    expect_broken(vt, "VIRTIO_F_INDIRECT_DESC");
    vt_free(vt);
}

/* ---- buffer addresses and lengths ---- */

static void test_buffers_outside_ram(void **state)
{
    (void)state;
    static const struct { uint64_t addr; uint32_t len; } bad[] = {
        { VT_RAM_END, 1 },
        { VT_RAM_END - 4, 8 },
        { VT_RAM_BASE - 1, 2 },
        { 0, 8 },                                   /* a hole */
        { VT_RAM_BASE, 0xffffffffu },               /* bigger than RAM */
        { VT_RAM_END - 1, 0xffffffffu },
        { 0xfffffffffffffff0ull, 0x20 },            /* wraps around 2^64 ... */
        { 0xffffffffffffffffull, 0xffffffffu },
        { 0xffffffffffffffffull, 1 },
        { VT_RAM_BASE + 0x10000000000ull, 8 },
    };
    VTest *vt = rng_device(FEATURES);
    for (unsigned k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        vt_desc(vt, 0, bad[k].addr, bad[k].len, W, 0);
        vt_submit(vt, 0);
        expect_broken(vt, "outside guest RAM");
        /* the same as a device-readable buffer, behind a good one */
        uint64_t ok = vt_alloc(vt, 8);
        vt_desc(vt, 0, ok, 8, N, 1);
        vt_desc(vt, 1, bad[k].addr, bad[k].len, 0, 0);
        vt_submit(vt, 0);
        expect_broken(vt, bad[k].len > 0xffffffffu - 8 ? "4 GiB" : "outside guest RAM");
    }
    vt_free(vt);
}

static void test_rom_buffers(void **state)
{
    (void)state;
    VTest *vt = rng_device(FEATURES);
    /* the device may read ROM, never write it */
    vt_desc(vt, 0, VT_ROM_BASE, 64, 0, 0);
    vt_submit(vt, 0);
    VtUsed u;
    assert_true(vt_pop_used(vt, &u));
    assert_int_equal(u.len, 0);
    assert_false(vt_needs_reset(vt));
    vt_desc(vt, 0, VT_ROM_BASE, 64, W, 0);
    vt_submit(vt, 0);
    assert_true(vt_needs_reset(vt));
    for (unsigned k = 0; k < VT_ROM_SIZE; k++)
        assert_int_equal(vt->rom[k], 0);
    vt_free(vt);
}

static void test_readable_after_writable(void **state)
{
    (void)state;
    VTest *vt = rng_device(FEATURES);
    uint64_t buf = vt_alloc(vt, 16);
    vt_desc(vt, 0, buf, 8, W | N, 1);
    vt_desc(vt, 1, buf + 8, 8, N, 2);
    vt_desc(vt, 2, buf, 8, W, 0);
    vt_submit(vt, 0);
    expect_broken(vt, "after a device-writable");
    vt_free(vt);
}

static void test_chain_over_4gib(void **state)
{
    (void)state;
    VTest *vt = rng_device(FEATURES);
    /* zero-length descriptors then huge ones: the sum is checked before
     * the address, so this fails on the 4 GiB rule whatever RAM holds */
    uint64_t buf = vt_alloc(vt, 8);
    vt_desc(vt, 0, buf, 8, W | N, 1);
    vt_desc(vt, 1, VT_RAM_BASE, 0xffffffffu, W, 0);
    vt_submit(vt, 0);
    expect_broken(vt, "4 GiB");
    vt_free(vt);
}

/* ---- ring indices and layout ---- */

static void test_avail_index_runaway(void **state)
{
    (void)state;
    VTest *vt = rng_device(FEATURES);
    uint64_t buf = vt_alloc(vt, 8);
    vt_desc(vt, 0, buf, 8, W, 0);
    for (uint16_t k = 0; k < QSIZE; k++)
        set_ring_entry(vt, k, 0);
    vt_set_avail_idx(vt, QSIZE + 1);
    vt_notify(vt, 0);
    expect_broken(vt, "ran past the ring");
    vt_set_avail_idx(vt, 0xffff);
    vt_notify(vt, 0);
    expect_broken(vt, "ran past the ring");
    vt_free(vt);
}

static void set_queue(VTest *vt, uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
    assert_true(vt_init_driver(vt, FEATURES));
    vt_write(vt, VIRTIO_MMIO_QUEUE_SEL, 0);
    vt_write(vt, VIRTIO_MMIO_QUEUE_NUM, num);
    vt_write(vt, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
    vt_write(vt, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    vt_write(vt, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
    vt_write(vt, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
    vt_write(vt, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
    vt_write(vt, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
    vt_write(vt, VIRTIO_MMIO_QUEUE_READY, 1);
    vt_driver_ok(vt);
    vt_notify(vt, 0);
}

static void test_bad_ring_layout(void **state)
{
    (void)state;
    VTest *vt = vt_new();
    vt_attach(vt, virtio_rng_create(vt_map(vt)));
    static const struct { uint32_t num; uint64_t desc, avail, used; const char *why; } bad[] = {
        { 3, VT_DESC_GPA, VT_AVAIL_GPA, VT_USED_GPA, "power of two" },
        { 0, VT_DESC_GPA, VT_AVAIL_GPA, VT_USED_GPA, "power of two" },
        { 128, VT_DESC_GPA, VT_AVAIL_GPA, VT_USED_GPA, "power of two" },   /* > QueueNumMax */
        { 0x10000, VT_DESC_GPA, VT_AVAIL_GPA, VT_USED_GPA, "power of two" },
        { 16, VT_DESC_GPA + 8, VT_AVAIL_GPA, VT_USED_GPA, "misaligned" },
        { 16, VT_DESC_GPA, VT_AVAIL_GPA + 1, VT_USED_GPA, "misaligned" },
        { 16, VT_DESC_GPA, VT_AVAIL_GPA, VT_USED_GPA + 2, "misaligned" },
        { 16, VT_RAM_END - 16, VT_AVAIL_GPA, VT_USED_GPA, "outside guest RAM" },
        { 16, VT_DESC_GPA, 0xfffffffffffffff0ull, VT_USED_GPA, "outside guest RAM" },
        { 16, VT_DESC_GPA, VT_AVAIL_GPA, VT_ROM_BASE, "outside guest RAM" },   /* used ring in ROM */
        { 16, VT_DESC_GPA, VT_AVAIL_GPA, 0, "outside guest RAM" },
    };
    for (unsigned k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        set_queue(vt, bad[k].num, bad[k].desc, bad[k].avail, bad[k].used);
        if (!vt_needs_reset(vt) || !strstr(vt->dev->error, bad[k].why))
            fail_msg("layout %u: %s", k, vt->dev->error ? vt->dev->error : "accepted");
        assert_true(vt_read(vt, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG);
    }
    vt_free(vt);
}

/* virtio-blk walks chains through the same code; one case to prove it. */
static void test_blk_hostile(void **state)
{
    (void)state;
    char path[] = "/tmp/polyvm-hostile-XXXXXX", err[256];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 1 << 20), 0);
    close(fd);
    BlockBackend *be;
    assert_int_equal(block_raw_open(path, false, &be, err, sizeof err), 0);
    VTest *vt = vt_new();
    vt_attach(vt, virtio_blk_create(vt_map(vt), be, NULL));
    assert_true(vt_init_driver(vt, FEATURES));
    vt_setup_queue(vt, 0, QSIZE);
    vt_driver_ok(vt);
    uint64_t hdr = vt_alloc(vt, 16);
    vt_desc(vt, 0, hdr, 16, N, 1);
    vt_desc(vt, 1, VT_RAM_END - 256, 512, W | N, 2);    /* a read into the end of RAM and beyond */
    vt_desc(vt, 2, hdr, 1, W, 0);
    vt_submit(vt, 0);
    expect_broken(vt, "outside guest RAM");
    vt_free(vt);
    unlink(path);
}

/* ---- randomised ---- */

static uint64_t rnd64(void)
{
    return ((uint64_t)(unsigned)rand() << 42) ^ ((uint64_t)(unsigned)rand() << 21) ^ (unsigned)rand();
}

static uint64_t random_addr(VTest *vt, uint64_t heap, uint64_t heap_size)
{
    (void)vt;
    switch (rand() % 10) {
    case 0: return VT_RAM_END - (uint64_t)(rand() % 64);
    case 1: return 0 - (uint64_t)(rand() % 64);
    case 2: return rnd64();
    case 3: return VT_ROM_BASE + (uint64_t)(rand() % 64);
    case 4: return VT_DESC_GPA + (uint64_t)(rand() % 256);     /* aliasing the rings */
    default: return heap + (uint64_t)rand() % heap_size;
    }
}

static uint32_t random_len(void)
{
    switch (rand() % 8) {
    case 0: return 0;
    case 1: return 0xffffffffu - (uint32_t)(rand() % 4);
    case 2: return 16u * (uint32_t)(1 + rand() % 8);
    case 3: return (uint32_t)rnd64();
    default: return (uint32_t)(1 + rand() % 1200);
    }
}

static void random_desc(VTest *vt, uint64_t table, uint16_t i, uint16_t size, uint64_t heap,
                        uint64_t heap_size)
{
    uint16_t flags = (uint16_t)(rand() % 3 ? rand() & 7 : rand());
    uint16_t next = (uint16_t)(rand() % 4 ? rand() % (size + 2) : rand());
    vt_desc_at(vt, table, i, random_addr(vt, heap, heap_size), random_len(), flags, next);
}

/* One random round: random queue size, descriptors, indirect tables,
 * request headers and available entries; then a notify. Returns whether
 * the device broke (it must otherwise have used only valid heads). */
static bool random_round(VTest *vt, uint16_t max_size)
{
    uint16_t size = (uint16_t)(1u << (rand() % 7));
    if (size > max_size)
        size = max_size;
    assert_true(vt_init_driver(vt, FEATURES | (rand() & 1 ? F(VIRTIO_F_EVENT_IDX) : 0)));
    vt_setup_queue(vt, 0, size);
    vt_driver_ok(vt);
    vt->heap = VT_HEAP_GPA;
    const uint64_t heap_size = 64 * 1024;
    uint64_t heap = vt_alloc(vt, heap_size);
    for (uint64_t k = 0; k < heap_size; k += 16) {     /* plausible blk headers everywhere */
        uint32_t type = (uint32_t)(rand() % 3 ? (unsigned[]){ 0, 1, 4, 8, 11, 13 }[rand() % 6] : (unsigned)rand());
        memcpy(vt_host(vt, heap + k), &type, 4);
        uint64_t sector = (uint64_t)(rand() % 4200);
        memcpy(vt_host(vt, heap + k + 8), &sector, 8);
    }
    for (uint16_t i = 0; i < size; i++)
        random_desc(vt, VT_DESC_GPA, i, size, heap, heap_size);
    /* a few plausible indirect tables in the heap */
    for (int t = 0; t < 3; t++) {
        uint64_t table = heap + 16 * (uint64_t)(rand() % (int)(heap_size / 16 - 64));
        unsigned n = 1 + (unsigned)rand() % 40;
        for (unsigned i = 0; i < n; i++)
            random_desc(vt, table, (uint16_t)i, (uint16_t)n, heap, heap_size);
        vt_desc(vt, (uint16_t)(rand() % size), table, 16 * n, I | (rand() % 8 ? 0 : N), 0);
    }
    /* a chain that is valid, so rounds do not all stop at the first check */
    if (size >= 2) {
        uint64_t a = heap + 1024, b = heap + 4096;
        vt_desc(vt, 0, a, 16, N, 1);
        vt_desc(vt, 1, b, 513, W, 0);
    }
    unsigned count = (unsigned)rand() % (size + 2u);
    for (unsigned k = 0; k < count; k++)
        set_ring_entry(vt, (uint16_t)(k % size), (uint16_t)(rand() % 4 ? rand() % size : rand()));
    if (rand() % 2)
        vt_set_used_event(vt, (uint16_t)rand());
    vt_set_avail_idx(vt, (uint16_t)count);
    vt_notify(vt, 0);
    vt_notify(vt, 0);

    bool broken = vt_needs_reset(vt);
    uint16_t used = vt_used_idx(vt);
    assert_true(used <= count);
    if (!broken)
        assert_int_equal(used, count);
    VtUsed u;
    while (vt_pop_used(vt, &u))
        assert_true(u.id < size);
    return broken;
}

static void fuzz(VTest *vt, const char *name, uint16_t max_size, unsigned rounds)
{
    unsigned broke = 0;
    for (unsigned r = 0; r < rounds; r++)
        broke += random_round(vt, max_size);
    printf("%s: %u rounds, %u ended in NEEDS_RESET\n", name, rounds, broke);
}

static void test_random(void **state)
{
    (void)state;
    srand(vt_seed("virtqueue-hostile"));
    VTest *vt = vt_new();
    vt_attach(vt, virtio_rng_create(vt_map(vt)));
    fuzz(vt, "virtio-rng", VIRTIO_RNG_QUEUE_SIZE, 1500);
    vt_free(vt);

    char path[] = "/tmp/polyvm-fuzz-XXXXXX", err[256];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 2 << 20), 0);
    close(fd);
    BlockBackend *be;
    assert_int_equal(block_raw_open(path, false, &be, err, sizeof err), 0);
    vt = vt_new();
    vt_attach(vt, virtio_blk_create(vt_map(vt), be, NULL));
    fuzz(vt, "virtio-blk", 64, 1500);
    vt_free(vt);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_head_out_of_range),
        cmocka_unit_test(test_next_out_of_range),
        cmocka_unit_test(test_next_loops),
        cmocka_unit_test(test_indirect_chain_longer_than_queue),
        cmocka_unit_test(test_indirect_bad_tables),
        cmocka_unit_test(test_indirect_not_negotiated),
        cmocka_unit_test(test_buffers_outside_ram),
        cmocka_unit_test(test_rom_buffers),
        cmocka_unit_test(test_readable_after_writable),
        cmocka_unit_test(test_chain_over_4gib),
        cmocka_unit_test(test_avail_index_runaway),
        cmocka_unit_test(test_bad_ring_layout),
        cmocka_unit_test(test_blk_hostile),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
