/*
 * The PLIC with two harts and two sources, driven as Linux and OpenSBI do:
 * priorities, per-context enables, the threshold gating the output line,
 * claim picking the highest priority (lowest number on ties), complete
 * re-pending a source whose line is still high, and M/S contexts wired to
 * different outputs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "devices/irq/plic.h"
#include "irq-recorder.h"

enum { HARTS = 2, CONTEXTS = 2 * HARTS, UART = 10, RTC = 11 };

typedef struct Fixture {
    IrqRecorder out;   /* line n = context n */
    Plic *plic;
    IrqLine uart, rtc;
} Fixture;

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    IrqLine lines[CONTEXTS];
    for (unsigned c = 0; c < CONTEXTS; c++)
        lines[c] = irq_recorder_line(&f->out, c);
    f->plic = plic_new(&(PlicConfig){.harts = HARTS, .context_lines = lines});
    if (!f->plic)
        return -1;
    f->uart = plic_irq_line(f->plic, UART);
    f->rtc = plic_irq_line(f->plic, RTC);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    plic_free(f->plic);
    free(f);
    return 0;
}

static uint32_t rd(Fixture *f, uint64_t off)
{
    return (uint32_t)plic_mmio_ops.read(f->plic, off, 4);
}

static void wr(Fixture *f, uint64_t off, uint32_t value)
{
    plic_mmio_ops.write(f->plic, off, value, 4);
}

static uint64_t enable_reg(unsigned ctx, unsigned src) { return PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * ctx + 4 * (src / 32); }
static uint64_t threshold_reg(unsigned ctx) { return PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * ctx; }
static uint64_t claim_reg(unsigned ctx) { return threshold_reg(ctx) + 4; }

static void test_priority_threshold_claim_complete(void **state)
{
    Fixture *f = *state;
    const unsigned s_ctx = 1;   /* hart 0, S-mode */
    wr(f, 4 * UART, 1);
    wr(f, 4 * RTC, 3);
    assert_int_equal(rd(f, 4 * UART), 1);
    assert_int_equal(rd(f, 4 * RTC), 3);
    wr(f, 4 * RTC, 0xff);   /* 3 priority bits */
    assert_int_equal(rd(f, 4 * RTC), 7);
    wr(f, 4 * RTC, 3);

    irq_line_set(&f->uart, true);
    assert_int_equal(rd(f, PLIC_PENDING_BASE), 1u << UART);
    /* Pending but not enabled anywhere: no output. */
    for (unsigned c = 0; c < CONTEXTS; c++)
        assert_false(f->out.level[c]);

    wr(f, enable_reg(s_ctx, UART), (1u << UART) | (1u << RTC));
    assert_true(f->out.level[s_ctx]);
    assert_false(f->out.level[0]);   /* M context of the same hart: not enabled */

    /* Threshold 1 masks priority 1. */
    wr(f, threshold_reg(s_ctx), 1);
    assert_int_equal(rd(f, threshold_reg(s_ctx)), 1);
    assert_false(f->out.level[s_ctx]);
    irq_line_set(&f->rtc, true);       /* priority 3 clears threshold 1 */
    assert_true(f->out.level[s_ctx]);
    wr(f, threshold_reg(s_ctx), 3);    /* 3 is not above 3 */
    assert_false(f->out.level[s_ctx]);
    wr(f, threshold_reg(s_ctx), 0);
    assert_true(f->out.level[s_ctx]);

    /* Highest priority first. */
    assert_int_equal(rd(f, claim_reg(s_ctx)), RTC);
    assert_int_equal(rd(f, PLIC_PENDING_BASE), 1u << UART);
    assert_true(f->out.level[s_ctx]);   /* the UART still waits */
    assert_int_equal(rd(f, claim_reg(s_ctx)), UART);
    assert_int_equal(rd(f, PLIC_PENDING_BASE), 0);
    assert_false(f->out.level[s_ctx]);
    assert_int_equal(rd(f, claim_reg(s_ctx)), 0);   /* nothing left */

    /* The RTC line dropped while claimed: complete does not re-pend it. */
    irq_line_set(&f->rtc, false);
    wr(f, claim_reg(s_ctx), RTC);
    assert_false(f->out.level[s_ctx]);
    /* The UART line is still high: complete pends it again. */
    wr(f, claim_reg(s_ctx), UART);
    assert_true(f->out.level[s_ctx]);
    assert_int_equal(rd(f, claim_reg(s_ctx)), UART);
    irq_line_set(&f->uart, false);
    wr(f, claim_reg(s_ctx), UART);
    assert_false(f->out.level[s_ctx]);
    assert_int_equal(rd(f, PLIC_PENDING_BASE), 0);
}

static void test_ties_and_claimed_sources(void **state)
{
    Fixture *f = *state;
    wr(f, 4 * UART, 2);
    wr(f, 4 * RTC, 2);
    wr(f, enable_reg(0, 0), (1u << UART) | (1u << RTC));
    irq_line_set(&f->rtc, true);
    irq_line_set(&f->uart, true);
    assert_true(f->out.level[0]);
    assert_int_equal(rd(f, claim_reg(0)), UART);   /* equal priority: lower number */
    /* A claimed source does not pend again while its line stays high. */
    irq_line_set(&f->uart, true);
    assert_int_equal(rd(f, claim_reg(0)), RTC);
    assert_int_equal(rd(f, claim_reg(0)), 0);
    assert_false(f->out.level[0]);
    /* A complete from a context where the source is not enabled is ignored. */
    wr(f, claim_reg(3), UART);
    assert_int_equal(rd(f, claim_reg(0)), 0);
    wr(f, claim_reg(0), UART);
    assert_int_equal(rd(f, claim_reg(0)), UART);
}

static void test_priority_zero_and_source_zero(void **state)
{
    Fixture *f = *state;
    wr(f, enable_reg(2, UART), ~0u);
    assert_int_equal(rd(f, enable_reg(2, 0)), ~1u);   /* source 0 cannot be enabled */
    irq_line_set(&f->uart, true);                     /* priority 0: never */
    assert_false(f->out.level[2]);
    assert_int_equal(rd(f, claim_reg(2)), 0);
    wr(f, 4 * UART, 1);
    assert_true(f->out.level[2]);                     /* hart 1, M-mode */
    assert_false(f->out.level[3]);
    wr(f, 0, 7);
    assert_int_equal(rd(f, 0), 0);
    /* Lines outside the source range do nothing. */
    IrqLine none = plic_irq_line(f->plic, PLIC_NUM_SOURCES);
    irq_line_set(&none, true);
    none = plic_irq_line(f->plic, 0);
    irq_line_set(&none, true);
    assert_int_equal(rd(f, PLIC_PENDING_BASE), 1u << UART);
}

static void test_any_access_is_safe(void **state)
{
    Fixture *f = *state;
    static const uint64_t windows[][2] = {
        {0, 0x3000},
        {PLIC_CONTEXT_BASE - 0x100, PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (CONTEXTS + 1)},
        {PLIC_MMIO_SIZE - 0x100, PLIC_MMIO_SIZE + 0x100},
    };
    for (unsigned w = 0; w < 3; w++)
        for (uint64_t off = windows[w][0]; off < windows[w][1]; off++)
            for (unsigned size = 1; size <= 8; size++) {
                plic_mmio_ops.read(f->plic, off, size);
                plic_mmio_ops.write(f->plic, off, ~0ull, size);
            }
    for (uint64_t off = 0; off < PLIC_MMIO_SIZE; off += 0x3f4) {
        plic_mmio_ops.read(f->plic, off, 4);
        plic_mmio_ops.write(f->plic, off, ~0ull, 4);
    }
    plic_mmio_ops.read(f->plic, UINT64_MAX - 3, 4);
    plic_mmio_ops.write(f->plic, UINT64_MAX - 7, 0, 8);
    /* A 64-bit access is two 32-bit registers. */
    plic_mmio_ops.write(f->plic, 8 * 5, 0x0000000500000003ull, 8);
    assert_int_equal(rd(f, 4 * 10), 3);
    assert_int_equal(rd(f, 4 * 11), 5);
    assert_null(plic_new(&(PlicConfig){.harts = 0}));
    assert_null(plic_new(&(PlicConfig){.harts = PLIC_MAX_CONTEXTS}));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_priority_threshold_claim_complete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ties_and_claimed_sources, setup, teardown),
        cmocka_unit_test_setup_teardown(test_priority_zero_and_source_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_any_access_is_safe, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
