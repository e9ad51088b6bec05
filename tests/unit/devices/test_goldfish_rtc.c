/*
 * The Goldfish RTC on a fake wall clock: time read as latched halves, set
 * by the guest without touching the host clock, and the alarm interrupt.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "devices/timer/goldfish-rtc.h"
#include "irq-recorder.h"

static uint64_t fake_now = 0x0000000500000000ull - 10;   /* about to carry into the high word */

static uint64_t fake_clock(void *opaque)
{
    (void)opaque;
    return fake_now;
}

static uint32_t rd(GoldfishRtc *r, uint64_t off)
{
    return (uint32_t)goldfish_rtc_mmio_ops.read(r, off, 4);
}

static void wr(GoldfishRtc *r, uint64_t off, uint32_t value)
{
    goldfish_rtc_mmio_ops.write(r, off, value, 4);
}

static uint64_t read_time(GoldfishRtc *r)
{
    uint64_t low = rd(r, GOLDFISH_RTC_TIME_LOW);
    return (uint64_t)rd(r, GOLDFISH_RTC_TIME_HIGH) << 32 | low;
}

static void test_time_and_alarm(void **state)
{
    (void)state;
    IrqRecorder irq = {0};
    GoldfishRtc *r = goldfish_rtc_new(&(GoldfishRtcConfig){.irq = irq_recorder_line(&irq, 0),
                                                          .clock_ns = fake_clock});
    assert_non_null(r);

    /* The high word is latched by the low read, so a carry in between does
     * not tear the value. */
    uint32_t low = rd(r, GOLDFISH_RTC_TIME_LOW);
    fake_now += 20;
    assert_int_equal((uint64_t)rd(r, GOLDFISH_RTC_TIME_HIGH) << 32 | low, fake_now - 20);
    assert_int_equal(read_time(r), fake_now);

    /* Setting the time: high word, then low word applies. */
    wr(r, GOLDFISH_RTC_TIME_HIGH, 0x10);
    wr(r, GOLDFISH_RTC_TIME_LOW, 0x1000);
    assert_int_equal(read_time(r), 0x0000001000001000ull);
    fake_now += 5;
    assert_int_equal(read_time(r), 0x0000001000001005ull);

    /* Alarm in the future: armed, no interrupt yet. */
    wr(r, GOLDFISH_RTC_IRQ_ENABLED, 1);
    wr(r, GOLDFISH_RTC_ALARM_HIGH, 0x10);
    wr(r, GOLDFISH_RTC_ALARM_LOW, 0x2000);
    assert_int_equal(rd(r, GOLDFISH_RTC_ALARM_STATUS), 1);
    assert_int_equal(rd(r, GOLDFISH_RTC_ALARM_LOW), 0x2000);
    assert_int_equal(rd(r, GOLDFISH_RTC_ALARM_HIGH), 0x10);
    assert_false(irq.level[0]);
    fake_now += 0x1000;
    goldfish_rtc_poll(r);
    assert_true(irq.level[0]);
    assert_int_equal(rd(r, GOLDFISH_RTC_ALARM_STATUS), 0);
    wr(r, GOLDFISH_RTC_CLEAR_INTERRUPT, 1);
    assert_false(irq.level[0]);

    /* An alarm already in the past fires at once; masked, it only pends. */
    wr(r, GOLDFISH_RTC_IRQ_ENABLED, 0);
    wr(r, GOLDFISH_RTC_ALARM_LOW, 0);
    assert_false(irq.level[0]);
    wr(r, GOLDFISH_RTC_IRQ_ENABLED, 1);
    assert_true(irq.level[0]);
    wr(r, GOLDFISH_RTC_CLEAR_INTERRUPT, 1);

    /* A cleared alarm never fires. */
    wr(r, GOLDFISH_RTC_ALARM_HIGH, 0x20);
    wr(r, GOLDFISH_RTC_ALARM_LOW, 0);
    wr(r, GOLDFISH_RTC_CLEAR_ALARM, 1);
    fake_now += 0x100000000000ull;
    goldfish_rtc_poll(r);
    assert_false(irq.level[0]);

    for (uint64_t off = 0; off < GOLDFISH_RTC_MMIO_SIZE + 8; off++)
        for (unsigned size = 1; size <= 8; size *= 2) {
            goldfish_rtc_mmio_ops.read(r, off, size);
            if (off != GOLDFISH_RTC_TIME_LOW)
                goldfish_rtc_mmio_ops.write(r, off, ~0ull, size);
        }
    goldfish_rtc_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_and_alarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
