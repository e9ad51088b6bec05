/*
 * The test finisher's commands as OpenSBI and Linux's syscon drivers write
 * them, and the writes that must do nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "devices/misc/sifive-test.h"

typedef struct Seen {
    unsigned calls;
    SifiveTestEvent event;
    uint32_t code;
} Seen;

static void record(void *opaque, SifiveTestEvent event, uint32_t code)
{
    Seen *s = opaque;
    s->calls++;
    s->event = event;
    s->code = code;
}

static void test_commands(void **state)
{
    (void)state;
    Seen seen = {0};
    SifiveTest *t = sifive_test_new(record, &seen);
    assert_non_null(t);

    sifive_test_mmio_ops.write(t, 0, 0x5555, 4);
    assert_int_equal(seen.calls, 1);
    assert_int_equal(seen.event, SIFIVE_TEST_PASS);
    assert_int_equal(seen.code, 0);

    sifive_test_mmio_ops.write(t, 0, 0x3333 | (42u << 16), 4);
    assert_int_equal(seen.calls, 2);
    assert_int_equal(seen.event, SIFIVE_TEST_FAIL);
    assert_int_equal(seen.code, 42);

    sifive_test_mmio_ops.write(t, 0, 0x7777, 4);
    assert_int_equal(seen.calls, 3);
    assert_int_equal(seen.event, SIFIVE_TEST_RESET);

    /* A 16-bit write can hold a command but not a code. */
    sifive_test_mmio_ops.write(t, 0, 0x3333, 2);
    assert_int_equal(seen.calls, 4);
    assert_int_equal(seen.event, SIFIVE_TEST_FAIL);
    assert_int_equal(seen.code, 0);

    /* Unknown values, other offsets, byte writes: nothing happens. */
    sifive_test_mmio_ops.write(t, 0, 0x1234, 4);
    sifive_test_mmio_ops.write(t, 0, 0x55, 1);
    sifive_test_mmio_ops.write(t, 4, 0x5555, 4);
    for (uint64_t off = 1; off < SIFIVE_TEST_MMIO_SIZE + 8; off++)
        for (unsigned size = 1; size <= 8; size *= 2) {
            sifive_test_mmio_ops.write(t, off, 0x5555, size);
            assert_int_equal(sifive_test_mmio_ops.read(t, off, size), 0);
        }
    assert_int_equal(seen.calls, 4);
    assert_int_equal(sifive_test_mmio_ops.read(t, 0, 4), 0);
    sifive_test_free(t);

    /* No handler: commands are dropped, not fatal. */
    t = sifive_test_new(NULL, NULL);
    sifive_test_mmio_ops.write(t, 0, 0x5555, 4);
    sifive_test_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
