/*
 * Unit tests of virtio-blk over a raw image in a temporary file, driven
 * through virtio-mmio as a Linux driver would: config space, write then
 * read back (checked in the file too), multi-segment and indirect chains,
 * flush, GET_ID, discard and write-zeroes, a read-only disk, and requests
 * that must fail cleanly (out-of-range sectors, bad lengths, short header,
 * no status byte, unknown type).
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
#include "vtest.h"

#define F(bit) (1ull << (bit))
#define SECTORS 64u
#define IMAGE_SIZE (SECTORS * 512u)

typedef struct Fixture {
    char path[64];
    VTest *vt;
} Fixture;

static void fill_pattern(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t k = 0; k < n; k++)
        p[k] = (uint8_t)(k * 7 + seed);
}

/* A temp image whose sector s holds the pattern with seed s. */
static void make_image(Fixture *fx)
{
    strcpy(fx->path, "/tmp/polyvm-blk-XXXXXX");
    int fd = mkstemp(fx->path);
    assert_true(fd >= 0);
    uint8_t sector[512];
    for (unsigned s = 0; s < SECTORS; s++) {
        fill_pattern(sector, sizeof sector, s);
        assert_int_equal(write(fd, sector, sizeof sector), (ssize_t)sizeof sector);
    }
    close(fd);
}

static VTest *open_disk(Fixture *fx, bool read_only, uint64_t features)
{
    char err[256];
    BlockBackend *be;
    int r = block_raw_open(fx->path, read_only, &be, err, sizeof err);
    if (r < 0)
        fail_msg("%s", err);
    VTest *vt = vt_new();
    vt_attach(vt, virtio_blk_create(vt_map(vt), be, "polyvm-test-serial-123456"));
    assert_non_null(vt->dev);
    assert_true(vt_init_driver(vt, features));
    vt_setup_queue(vt, 0, 128);
    vt_driver_ok(vt);
    return vt;
}

static int setup(void **state)
{
    Fixture *fx = calloc(1, sizeof *fx);
    make_image(fx);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    Fixture *fx = *state;
    if (fx->vt)
        vt_free(fx->vt);
    unlink(fx->path);
    free(fx);
    return 0;
}

static void read_file(Fixture *fx, uint64_t offset, void *buf, size_t len)
{
    FILE *f = fopen(fx->path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, (long)offset, SEEK_SET), 0);
    assert_int_equal(fread(buf, 1, len, f), len);
    fclose(f);
}

static const uint64_t RW_FEATURES = F(VIRTIO_F_VERSION_1) | F(VIRTIO_BLK_F_FLUSH) |
                                    F(VIRTIO_BLK_F_SEG_MAX) | F(VIRTIO_BLK_F_BLK_SIZE) |
                                    F(VIRTIO_BLK_F_DISCARD) | F(VIRTIO_BLK_F_WRITE_ZEROES) |
                                    F(VIRTIO_F_INDIRECT_DESC);

static uint64_t config64(VTest *vt, unsigned off)
{
    uint64_t lo = virtio_mmio_ops.read(vt->mmio, VIRTIO_MMIO_CONFIG + off, 4);
    uint64_t hi = virtio_mmio_ops.read(vt->mmio, VIRTIO_MMIO_CONFIG + off + 4, 4);
    return lo | hi << 32;
}

static void test_config_and_features(void **state)
{
    Fixture *fx = *state;
    VTest *vt = fx->vt = open_disk(fx, false, RW_FEATURES);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
    uint64_t f = vt_device_features(vt);
    assert_true(f & F(VIRTIO_BLK_F_FLUSH));
    assert_false(f & F(VIRTIO_BLK_F_RO));
    assert_int_equal(config64(vt, VIRTIO_BLK_CFG_CAPACITY), SECTORS);
    assert_int_equal(virtio_mmio_ops.read(vt->mmio, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_BLK_SIZE, 4), 512);
    assert_int_equal(virtio_mmio_ops.read(vt->mmio, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_SEG_MAX, 4),
                     VIRTIO_BLK_QUEUE_SIZE - 2);
    /* byte and half-word reads of the same bytes */
    assert_int_equal(virtio_mmio_ops.read(vt->mmio, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY, 1), SECTORS);
    assert_int_equal(virtio_mmio_ops.read(vt->mmio, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_BLK_SIZE + 1, 2), 2);
    /* past the end of the config space: 0; writes ignored */
    assert_int_equal(virtio_mmio_ops.read(vt->mmio, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CONFIG_SIZE - 2, 4), 0);
    assert_int_equal(virtio_mmio_ops.read(vt->mmio, VIRTIO_MMIO_REGION_SIZE - 4, 4), 0);
    virtio_mmio_ops.write(vt->mmio, VIRTIO_MMIO_CONFIG, 0, 4);
    assert_int_equal(config64(vt, VIRTIO_BLK_CFG_CAPACITY), SECTORS);
}

static void test_write_read_back(void **state)
{
    Fixture *fx = *state;
    for (int indirect = 0; indirect < 2; indirect++) {
        VTest *vt = fx->vt = open_disk(fx, false, RW_FEATURES);
        uint64_t out = vt_alloc(vt, 3 * 512), in = vt_alloc(vt, 3 * 512);
        fill_pattern(vt_host(vt, out), 3 * 512, 100 + (unsigned)indirect);
        VtBlkResult r = vt_blk_request(vt, VIRTIO_BLK_T_OUT, 10, out, 3 * 512, indirect);
        assert_true(r.completed);
        assert_int_equal(r.status, VIRTIO_BLK_S_OK);
        assert_int_equal(r.used_len, 1);
        r = vt_blk_request(vt, VIRTIO_BLK_T_IN, 10, in, 3 * 512, indirect);
        assert_int_equal(r.status, VIRTIO_BLK_S_OK);
        assert_int_equal(r.used_len, 3 * 512 + 1);
        assert_memory_equal(vt_host(vt, in), vt_host(vt, out), 3 * 512);
        /* the file has it, and its neighbours are untouched */
        uint8_t file[5 * 512], expect[512];
        read_file(fx, 9 * 512, file, sizeof file);
        assert_memory_equal(file + 512, vt_host(vt, out), 3 * 512);
        fill_pattern(expect, 512, 9);
        assert_memory_equal(file, expect, 512);
        fill_pattern(expect, 512, 13);
        assert_memory_equal(file + 4 * 512, expect, 512);
        r = vt_blk_request(vt, VIRTIO_BLK_T_FLUSH, 0, 0, 0, indirect);
        assert_int_equal(r.status, VIRTIO_BLK_S_OK);
        assert_false(vt_needs_reset(vt));
        vt_free(vt);
        fx->vt = NULL;
    }
}

/* A read scattered over many segments of odd sizes, one chain. */
static void test_scattered_read(void **state)
{
    Fixture *fx = *state;
    VTest *vt = fx->vt = open_disk(fx, false, RW_FEATURES);
    static const uint32_t sizes[] = { 1, 511, 512, 100, 412, 1000, 24 };   /* 2560 = 5 sectors */
    const unsigned nseg = sizeof sizes / sizeof sizes[0];
    uint64_t hdr = vt_alloc(vt, 16), status = vt_alloc(vt, 1), seg[8];
    uint32_t type = VIRTIO_BLK_T_IN;
    uint64_t sector = 20;
    memcpy(vt_host(vt, hdr), &type, 4);
    memcpy(vt_host(vt, hdr) + 8, &sector, 8);
    vt_desc(vt, 0, hdr, 16, VIRTQ_DESC_F_NEXT, 1);
    for (unsigned k = 0; k < nseg; k++) {
        seg[k] = vt_alloc(vt, sizes[k]);
        vt_desc(vt, (uint16_t)(1 + k), seg[k], sizes[k], VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
                (uint16_t)(2 + k));
    }
    vt_desc(vt, (uint16_t)(1 + nseg), status, 1, VIRTQ_DESC_F_WRITE, 0);
    vt_submit(vt, 0);
    VtUsed u;
    assert_true(vt_pop_used(vt, &u));
    assert_int_equal(*vt_host(vt, status), VIRTIO_BLK_S_OK);
    assert_int_equal(u.len, 5 * 512 + 1);
    uint8_t expect[5 * 512], got[5 * 512];
    for (unsigned s = 0; s < 5; s++)
        fill_pattern(expect + 512 * s, 512, 20 + s);
    size_t at = 0;
    for (unsigned k = 0; k < nseg; k++) {
        memcpy(got + at, vt_host(vt, seg[k]), sizes[k]);
        at += sizes[k];
    }
    assert_memory_equal(got, expect, sizeof expect);
}

static void test_get_id(void **state)
{
    Fixture *fx = *state;
    VTest *vt = fx->vt = open_disk(fx, false, RW_FEATURES);
    uint64_t id = vt_alloc(vt, VIRTIO_BLK_ID_BYTES);
    VtBlkResult r = vt_blk_request(vt, VIRTIO_BLK_T_GET_ID, 0, id, VIRTIO_BLK_ID_BYTES, false);
    assert_int_equal(r.status, VIRTIO_BLK_S_OK);
    assert_int_equal(r.used_len, VIRTIO_BLK_ID_BYTES + 1);
    /* 20 bytes, no terminator when the serial fills them */
    assert_memory_equal(vt_host(vt, id), "polyvm-test-serial-1", VIRTIO_BLK_ID_BYTES);
}

static void test_bad_requests(void **state)
{
    Fixture *fx = *state;
    VTest *vt = fx->vt = open_disk(fx, false, RW_FEATURES);
    uint64_t buf = vt_alloc(vt, 4096);
    uint8_t before[IMAGE_SIZE], after[IMAGE_SIZE];
    read_file(fx, 0, before, sizeof before);

    /* the last sector is fine; one past it, or straddling the end, is not */
    assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_IN, SECTORS - 1, buf, 512, false).status, VIRTIO_BLK_S_OK);
    VtBlkResult r = vt_blk_request(vt, VIRTIO_BLK_T_IN, SECTORS, buf, 512, false);
    assert_int_equal(r.status, VIRTIO_BLK_S_IOERR);
    assert_int_equal(r.used_len, 0);    /* the data was not written */
    assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_IN, SECTORS - 1, buf, 1024, false).status,
                     VIRTIO_BLK_S_IOERR);
    assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_OUT, SECTORS - 1, buf, 1024, false).status,
                     VIRTIO_BLK_S_IOERR);
    /* sectors whose byte offset would wrap */
    assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_IN, UINT64_MAX, buf, 512, false).status,
                     VIRTIO_BLK_S_IOERR);
    assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_OUT, UINT64_MAX / 512 + 1, buf, 512, false).status,
                     VIRTIO_BLK_S_IOERR);
    /* data not a multiple of 512 bytes */
    assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_IN, 0, buf, 100, false).status, VIRTIO_BLK_S_IOERR);
    assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_OUT, 0, buf, 513, false).status, VIRTIO_BLK_S_IOERR);
    /* unknown type */
    assert_int_equal(vt_blk_request(vt, 77, 0, buf, 512, false).status, VIRTIO_BLK_S_UNSUPP);
    /* discard with the unmap flag, and range requests out of range */
    uint64_t seg = vt_alloc(vt, 16);
    uint64_t s = 2;
    uint32_t n = 2, fl = 1;
    memcpy(vt_host(vt, seg), &s, 8);
    memcpy(vt_host(vt, seg) + 8, &n, 4);
    memcpy(vt_host(vt, seg) + 12, &fl, 4);
    assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_DISCARD, 0, seg, 16, false).status, VIRTIO_BLK_S_UNSUPP);
    s = SECTORS - 1;
    memcpy(vt_host(vt, seg), &s, 8);
    assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_WRITE_ZEROES, 0, seg, 16, false).status,
                     VIRTIO_BLK_S_IOERR);
    assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_WRITE_ZEROES, 0, seg, 12, false).status,
                     VIRTIO_BLK_S_IOERR);

    /* a header shorter than 16 bytes */
    uint64_t hdr = vt_alloc(vt, 16), status = vt_alloc(vt, 1);
    vt_desc(vt, 0, hdr, 8, VIRTQ_DESC_F_NEXT, 1);
    vt_desc(vt, 1, status, 1, VIRTQ_DESC_F_WRITE, 0);
    vt_submit(vt, 0);
    VtUsed u;
    assert_true(vt_pop_used(vt, &u));
    assert_int_equal(*vt_host(vt, status), VIRTIO_BLK_S_IOERR);
    /* no device-writable byte for the status: completed, nothing written */
    vt_desc(vt, 0, hdr, 16, 0, 0);
    vt_submit(vt, 0);
    assert_true(vt_pop_used(vt, &u));
    assert_int_equal(u.len, 0);

    read_file(fx, 0, after, sizeof after);
    assert_memory_equal(before, after, sizeof before);
    assert_false(vt_needs_reset(vt));
    /* still working */
    assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_IN, 0, buf, 512, false).status, VIRTIO_BLK_S_OK);
}

static void test_discard_and_write_zeroes(void **state)
{
    Fixture *fx = *state;
    VTest *vt = fx->vt = open_disk(fx, false, RW_FEATURES);
    uint64_t seg = vt_alloc(vt, 16), buf = vt_alloc(vt, 4 * 512);
    for (uint32_t unmap = 0; unmap < 2; unmap++) {
        uint64_t s = 4 + 8 * unmap;
        uint32_t n = 3;
        memcpy(vt_host(vt, seg), &s, 8);
        memcpy(vt_host(vt, seg) + 8, &n, 4);
        memcpy(vt_host(vt, seg) + 12, &unmap, 4);
        assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_WRITE_ZEROES, 0, seg, 16, false).status,
                         VIRTIO_BLK_S_OK);
        memset(vt_host(vt, buf), 0xaa, 4 * 512);
        assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_IN, s, buf, 4 * 512, false).status, VIRTIO_BLK_S_OK);
        uint8_t zero[3 * 512] = { 0 }, next[512];
        assert_memory_equal(vt_host(vt, buf), zero, sizeof zero);
        fill_pattern(next, 512, (unsigned)s + 3);
        assert_memory_equal(vt_host(vt, buf) + 3 * 512, next, 512);
    }
    uint64_t s = 30;
    uint32_t n = 4, fl = 0;
    memcpy(vt_host(vt, seg), &s, 8);
    memcpy(vt_host(vt, seg) + 8, &n, 4);
    memcpy(vt_host(vt, seg) + 12, &fl, 4);
    assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_DISCARD, 0, seg, 16, false).status, VIRTIO_BLK_S_OK);
    /* not negotiated: unsupported */
    vt_free(vt);
    fx->vt = NULL;
    vt = fx->vt = open_disk(fx, false, F(VIRTIO_F_VERSION_1));
    seg = vt_alloc(vt, 16);
    memcpy(vt_host(vt, seg), &s, 8);
    memcpy(vt_host(vt, seg) + 8, &n, 4);
    assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_DISCARD, 0, seg, 16, false).status, VIRTIO_BLK_S_UNSUPP);
}

static void test_read_only(void **state)
{
    Fixture *fx = *state;
    VTest *vt = fx->vt = open_disk(fx, true, F(VIRTIO_F_VERSION_1) | F(VIRTIO_BLK_F_RO));
    uint64_t f = vt_device_features(vt);
    assert_true(f & F(VIRTIO_BLK_F_RO));
    assert_false(f & F(VIRTIO_BLK_F_DISCARD));
    assert_false(f & F(VIRTIO_BLK_F_WRITE_ZEROES));
    uint8_t before[IMAGE_SIZE], after[IMAGE_SIZE];
    read_file(fx, 0, before, sizeof before);
    uint64_t buf = vt_alloc(vt, 512);
    memset(vt_host(vt, buf), 0x55, 512);
    assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_OUT, 1, buf, 512, false).status, VIRTIO_BLK_S_IOERR);
    assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_IN, 1, buf, 512, false).status, VIRTIO_BLK_S_OK);
    assert_memory_equal(vt_host(vt, buf), before + 512, 512);
    assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false).status, VIRTIO_BLK_S_OK);
    read_file(fx, 0, after, sizeof after);
    assert_memory_equal(before, after, sizeof before);
}

/* Without FLUSH negotiated the disk is writethrough; writes still land. */
static void test_writethrough(void **state)
{
    Fixture *fx = *state;
    VTest *vt = fx->vt = open_disk(fx, false, F(VIRTIO_F_VERSION_1) | F(VIRTIO_F_EVENT_IDX));
    uint64_t buf = vt_alloc(vt, 512);
    memset(vt_host(vt, buf), 0x3c, 512);
    assert_int_equal(vt_blk_request(vt, VIRTIO_BLK_T_OUT, 5, buf, 512, false).status, VIRTIO_BLK_S_OK);
    uint8_t file[512];
    read_file(fx, 5 * 512, file, sizeof file);
    assert_memory_equal(file, vt_host(vt, buf), 512);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_config_and_features, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scattered_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_discard_and_write_zeroes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writethrough, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
