/*
 * Unit tests of the virtio-mmio transport and the virtio core, driven
 * through the registers as a Linux driver drives them, with virtio-rng as
 * the device behind (its queue takes any writable buffer): identification,
 * empty slots, feature negotiation, reset, queue setup rules, interrupts
 * and their suppression (avail flags and VIRTIO_F_EVENT_IDX).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "devices/virtio/virtio-rng.h"
#include "vtest.h"

#define F(bit) (1ull << (bit))
#define BASIC_FEATURES F(VIRTIO_F_VERSION_1)

static VTest *rng_ready(uint64_t features)
{
    VTest *vt = vt_new();
    vt_attach(vt, virtio_rng_create(vt_map(vt)));
    assert_true(vt_init_driver(vt, features));
    vt_setup_queue(vt, 0, 16);
    vt_driver_ok(vt);
    return vt;
}

static void test_empty_slot(void **state)
{
    (void)state;
    VTest *vt = vt_new();
    vt_attach(vt, NULL);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_VERSION), 2);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_DEVICE_ID), 0);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_POLYVM_VENDOR);
    vt_write(vt, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    vt_write(vt, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_STATUS), 0);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
    assert_int_equal(virtio_mmio_ops.read(vt->mmio, VIRTIO_MMIO_CONFIG, 4), 0);
    virtio_mmio_ops.write(vt->mmio, VIRTIO_MMIO_CONFIG, 1, 4);
    assert_false(vt->irq_level);
    vt_free(vt);
}

static void test_identity(void **state)
{
    (void)state;
    VTest *vt = vt_new();
    vt_attach(vt, virtio_rng_create(vt_map(vt)));
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_VERSION), 2);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_RNG);
    uint64_t f = vt_device_features(vt);
    assert_true(f & F(VIRTIO_F_VERSION_1));
    assert_true(f & F(VIRTIO_F_INDIRECT_DESC));
    assert_true(f & F(VIRTIO_F_EVENT_IDX));
    vt_write(vt, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_DEVICE_FEATURES), 0);
    vt_write(vt, VIRTIO_MMIO_QUEUE_SEL, 0);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_RNG_QUEUE_SIZE);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_QUEUE_READY), 0);
    vt_write(vt, VIRTIO_MMIO_QUEUE_SEL, 1);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
    /* no shared memory regions */
    vt_write(vt, VIRTIO_MMIO_SHM_SEL, 0);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffffu);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_SHM_LEN_HIGH), 0xffffffffu);
    /* rng has no config space */
    assert_int_equal(virtio_mmio_ops.read(vt->mmio, VIRTIO_MMIO_CONFIG, 4), 0);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_CONFIG_GENERATION), 0);
    vt_free(vt);
}

static void test_negotiation(void **state)
{
    (void)state;
    VTest *vt = vt_new();
    vt_attach(vt, virtio_rng_create(vt_map(vt)));
    /* a legacy driver (no VERSION_1) is refused */
    assert_false(vt_init_driver(vt, 0));
    /* so is a feature the device never offered */
    assert_false(vt_init_driver(vt, BASIC_FEATURES | F(VIRTIO_F_VERSION_1 + 5)));
    assert_true(vt_init_driver(vt, BASIC_FEATURES | F(VIRTIO_F_INDIRECT_DESC)));
    assert_int_equal(vt->dev->driver_features, BASIC_FEATURES | F(VIRTIO_F_INDIRECT_DESC));
    /* frozen once FEATURES_OK is set */
    vt_write(vt, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    vt_write(vt, VIRTIO_MMIO_DRIVER_FEATURES, 0);
    assert_int_equal(vt->dev->driver_features, BASIC_FEATURES | F(VIRTIO_F_INDIRECT_DESC));
    /* the driver cannot set NEEDS_RESET */
    vt_write(vt, VIRTIO_MMIO_STATUS, vt_status(vt) | VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    assert_false(vt_needs_reset(vt));
    vt_free(vt);
}

static void test_driver_ok_without_features_ok(void **state)
{
    (void)state;
    VTest *vt = vt_new();
    vt_attach(vt, virtio_rng_create(vt_map(vt)));
    vt_write(vt, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    vt_write(vt, VIRTIO_MMIO_STATUS,
             VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK);
    assert_true(vt_needs_reset(vt));
    assert_true(vt_read(vt, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG);
    assert_true(vt->irq_level);
    vt_free(vt);
}

static void test_reset(void **state)
{
    (void)state;
    VTest *vt = rng_ready(BASIC_FEATURES);
    uint64_t buf = vt_alloc(vt, 32);
    vt_desc(vt, 0, buf, 32, VIRTQ_DESC_F_WRITE, 0);
    vt_submit(vt, 0);
    assert_true(vt->irq_level);
    vt_write(vt, VIRTIO_MMIO_STATUS, 0);
    assert_int_equal(vt_status(vt), 0);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    assert_false(vt->irq_level);
    vt_write(vt, VIRTIO_MMIO_QUEUE_SEL, 0);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_QUEUE_READY), 0);
    assert_int_equal(vt->dev->driver_features, 0);
    /* and it comes back to life from scratch */
    assert_true(vt_init_driver(vt, BASIC_FEATURES));
    vt_setup_queue(vt, 0, 16);
    vt_driver_ok(vt);
    vt_desc(vt, 0, buf, 32, VIRTQ_DESC_F_WRITE, 0);
    vt_submit(vt, 0);
    VtUsed u;
    assert_true(vt_pop_used(vt, &u));
    assert_int_equal(u.len, 32);
    vt_free(vt);
}

static void test_register_access_rules(void **state)
{
    (void)state;
    VTest *vt = rng_ready(BASIC_FEATURES);
    /* control registers are 32-bit only */
    assert_int_equal(virtio_mmio_ops.read(vt->mmio, VIRTIO_MMIO_MAGIC_VALUE, 2), 0);
    assert_int_equal(virtio_mmio_ops.read(vt->mmio, VIRTIO_MMIO_MAGIC_VALUE + 1, 4), 0);
    virtio_mmio_ops.write(vt->mmio, VIRTIO_MMIO_STATUS, 0, 1);
    assert_true(vt_status(vt) & VIRTIO_STATUS_DRIVER_OK);
    /* a ready queue's layout cannot change */
    vt_write(vt, VIRTIO_MMIO_QUEUE_SEL, 0);
    vt_write(vt, VIRTIO_MMIO_QUEUE_NUM, 4);
    vt_write(vt, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1234);
    assert_int_equal(vt->dev->queues[0].num, 16);
    assert_int_equal(vt->dev->queues[0].desc_addr, VT_DESC_GPA);
    /* notifying a queue that does not exist does nothing */
    vt_notify(vt, 7);
    vt_notify(vt, 0xffffffffu);
    assert_false(vt_needs_reset(vt));
    /* read-only registers ignore writes */
    vt_write(vt, VIRTIO_MMIO_MAGIC_VALUE, 0);
    vt_write(vt, VIRTIO_MMIO_DEVICE_ID, 9);
    assert_int_equal(vt_read(vt, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_RNG);
    vt_free(vt);
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (p[k])
            return false;
    return true;
}

static void test_rng_fills_buffers(void **state)
{
    (void)state;
    VTest *vt = rng_ready(BASIC_FEATURES);
    uint64_t a = vt_alloc(vt, 100), b = vt_alloc(vt, 156);
    vt_desc(vt, 2, a, 100, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 5);
    vt_desc(vt, 5, b, 156, VIRTQ_DESC_F_WRITE, 0);
    vt_submit(vt, 2);
    VtUsed u;
    assert_true(vt_pop_used(vt, &u));
    assert_int_equal(u.id, 2);
    assert_int_equal(u.len, 256);
    assert_false(all_zero(vt_host(vt, a), 100));
    assert_false(all_zero(vt_host(vt, b), 156));
    /* the interrupt: raised, reported as a used buffer, lowered by the ack */
    assert_true(vt->irq_level);
    assert_int_equal(vt_ack_interrupts(vt), VIRTIO_INT_USED_BUFFER);
    assert_false(vt->irq_level);

    /* a device-readable buffer gets nothing written */
    uint64_t c = vt_alloc(vt, 64);
    vt_desc(vt, 1, c, 64, 0, 0);
    vt_submit(vt, 1);
    assert_true(vt_pop_used(vt, &u));
    assert_int_equal(u.len, 0);
    assert_true(all_zero(vt_host(vt, c), 64));

    /* a huge buffer is filled up to the cap, and the length says so */
    uint64_t big = vt_alloc(vt, 2 * VIRTIO_RNG_MAX_FILL);
    vt_desc(vt, 0, big, 2 * VIRTIO_RNG_MAX_FILL, VIRTQ_DESC_F_WRITE, 0);
    vt_submit(vt, 0);
    assert_true(vt_pop_used(vt, &u));
    assert_int_equal(u.len, VIRTIO_RNG_MAX_FILL);
    assert_true(all_zero(vt_host(vt, big) + VIRTIO_RNG_MAX_FILL, VIRTIO_RNG_MAX_FILL));
    assert_false(vt_needs_reset(vt));
    vt_free(vt);
}

static void test_ring_wraps(void **state)
{
    (void)state;
    VTest *vt = rng_ready(BASIC_FEATURES);
    uint64_t buf = vt_alloc(vt, 8);
    vt_desc(vt, 3, buf, 8, VIRTQ_DESC_F_WRITE, 0);
    /* far past the queue size and past the 16-bit wrap of the indices */
    for (unsigned k = 0; k < 70000; k++) {
        vt_submit(vt, 3);
        VtUsed u;
        assert_true(vt_pop_used(vt, &u));
        assert_int_equal(u.id, 3);
        assert_int_equal(u.len, 8);
    }
    assert_false(vt_pop_used(vt, &(VtUsed){ 0 }));
    vt_free(vt);
}

static void test_batch_and_no_interrupt_flag(void **state)
{
    (void)state;
    VTest *vt = rng_ready(BASIC_FEATURES);
    uint64_t buf = vt_alloc(vt, 16 * 8);
    /* several chains made available with one notification */
    for (uint16_t k = 0; k < 5; k++) {
        vt_desc(vt, k, buf + 8 * k, 8, VIRTQ_DESC_F_WRITE, 0);
        memcpy(vt_host(vt, VT_AVAIL_GPA + 4 + 2 * k), &k, 2);
    }
    vt_set_avail_idx(vt, 5);
    vt_notify(vt, 0);
    for (uint16_t k = 0; k < 5; k++) {
        VtUsed u;
        assert_true(vt_pop_used(vt, &u));
        assert_int_equal(u.id, k);
    }
    assert_int_equal(vt->irq_raised, 1);
    vt_ack_interrupts(vt);

    vt_set_avail_flags(vt, VIRTQ_AVAIL_F_NO_INTERRUPT);
    vt_submit(vt, 0);
    VtUsed u;
    assert_true(vt_pop_used(vt, &u));
    assert_false(vt->irq_level);
    assert_int_equal(vt->irq_raised, 1);
    vt_free(vt);
}

static void test_event_idx(void **state)
{
    (void)state;
    VTest *vt = rng_ready(BASIC_FEATURES | F(VIRTIO_F_EVENT_IDX));
    uint64_t buf = vt_alloc(vt, 8);
    vt_desc(vt, 0, buf, 8, VIRTQ_DESC_F_WRITE, 0);
    /* interrupt only once used->idx passes used_event (= 1): after the 2nd */
    vt_set_used_event(vt, 1);
    vt_submit(vt, 0);
    assert_int_equal(vt_used_idx(vt), 1);
    assert_int_equal(vt->irq_raised, 0);
    /* the device asks for a notification at the next available entry */
    uint16_t avail_event;
    memcpy(&avail_event, vt_host(vt, VT_USED_GPA + 4 + 8 * 16), 2);
    assert_int_equal(avail_event, 1);
    vt_submit(vt, 0);
    assert_int_equal(vt_used_idx(vt), 2);
    assert_int_equal(vt->irq_raised, 1);
    /* with EVENT_IDX the avail flags are ignored */
    vt_ack_interrupts(vt);
    vt_set_avail_flags(vt, VIRTQ_AVAIL_F_NO_INTERRUPT);
    vt_set_used_event(vt, 2);
    vt_submit(vt, 0);
    assert_int_equal(vt->irq_raised, 2);
    vt_free(vt);
}

static void test_buffers_before_driver_ok(void **state)
{
    (void)state;
    VTest *vt = vt_new();
    vt_attach(vt, virtio_rng_create(vt_map(vt)));
    assert_true(vt_init_driver(vt, BASIC_FEATURES));
    vt_setup_queue(vt, 0, 16);
    uint64_t buf = vt_alloc(vt, 8);
    vt_desc(vt, 0, buf, 8, VIRTQ_DESC_F_WRITE, 0);
    vt_submit(vt, 0);
    assert_int_equal(vt_used_idx(vt), 0);    /* 3.1.1: not before DRIVER_OK */
    vt_driver_ok(vt);
    assert_int_equal(vt_used_idx(vt), 1);
    assert_true(vt->irq_level);
    vt_free(vt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_slot),
        cmocka_unit_test(test_identity),
        cmocka_unit_test(test_negotiation),
        cmocka_unit_test(test_driver_ok_without_features_ok),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_register_access_rules),
        cmocka_unit_test(test_rng_fills_buffers),
        cmocka_unit_test(test_ring_wraps),
        cmocka_unit_test(test_batch_and_no_interrupt_flag),
        cmocka_unit_test(test_event_idx),
        cmocka_unit_test(test_buffers_before_driver_ok),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
