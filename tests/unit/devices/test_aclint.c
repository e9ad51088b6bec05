/*
 * The CLINT on a fake host clock: mtime counts at 10 MHz, mtimecmp drives
 * MTIP as a level (up when mtime >= mtimecmp, down when mtimecmp moves
 * ahead), msip drives MSIP, 32- and 64-bit accesses agree, deadlines are
 * exact, and the timer thread raises MTIP by itself on the real clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "devices/timer/aclint.h"
#include "irq-recorder.h"

enum { HARTS = 2, MTIMECMP = ACLINT_MTIMECMP_BASE, MTIME = ACLINT_MTIME };

static uint64_t fake_now = 5000000000ull;

static uint64_t fake_clock(void *opaque)
{
    (void)opaque;
    return fake_now;
}

typedef struct Fixture {
    IrqRecorder msip, mtip;
    Aclint *clint;
} Fixture;

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    IrqLine msip[HARTS], mtip[HARTS];
    for (unsigned h = 0; h < HARTS; h++) {
        msip[h] = irq_recorder_line(&f->msip, h);
        mtip[h] = irq_recorder_line(&f->mtip, h);
    }
    f->clint = aclint_new(&(AclintConfig){.harts = HARTS, .msip = msip, .mtip = mtip,
                                          .clock_ns = fake_clock});
    *state = f;
    return f->clint ? 0 : -1;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    aclint_free(f->clint);
    free(f);
    return 0;
}

static uint64_t rd(Fixture *f, uint64_t off, unsigned size)
{
    return aclint_mmio_ops.read(f->clint, off, size);
}

static void wr(Fixture *f, uint64_t off, uint64_t value, unsigned size)
{
    aclint_mmio_ops.write(f->clint, off, value, size);
}

static void test_mtime_counts_at_10mhz(void **state)
{
    Fixture *f = *state;
    assert_int_equal(rd(f, MTIME, 8), 0);
    fake_now += 1000000000ull;   /* one second */
    assert_int_equal(rd(f, MTIME, 8), 10000000);
    assert_int_equal(aclint_mtime(f->clint, fake_now), 10000000);
    fake_now += 150;             /* 1.5 ticks: rounds down */
    assert_int_equal(rd(f, MTIME, 8), 10000001);
    /* Halves read as the two 32-bit words of the 64-bit value. */
    wr(f, MTIME, 0x123456789abcdef0ull, 8);
    assert_int_equal(rd(f, MTIME, 4), 0x9abcdef0);
    assert_int_equal(rd(f, MTIME + 4, 4), 0x12345678);
    fake_now += 100;
    assert_int_equal(rd(f, MTIME, 8), 0x123456789abcdef1ull);
    wr(f, MTIME + 4, 0, 4);
    assert_int_equal(rd(f, MTIME, 8), 0x9abcdef1ull);
}

static void test_mtimecmp_drives_mtip(void **state)
{
    Fixture *f = *state;
    assert_int_equal(rd(f, MTIMECMP, 8), UINT64_MAX);   /* nothing pending at reset */
    assert_false(f->mtip.level[0]);
    assert_int_equal(aclint_next_deadline_ns(f->clint, 0), ACLINT_NO_DEADLINE);

    wr(f, MTIMECMP, 1000, 8);   /* 100 us from now */
    assert_false(f->mtip.level[0]);
    assert_int_equal(aclint_next_deadline_ns(f->clint, 0), fake_now + 100000);
    assert_int_equal(aclint_next_deadline_ns(f->clint, -1u), fake_now + 100000);
    assert_int_equal(aclint_next_deadline_ns(f->clint, 1), ACLINT_NO_DEADLINE);

    fake_now += 99999;
    aclint_update(f->clint);
    assert_false(f->mtip.level[0]);
    fake_now += 1;
    aclint_update(f->clint);
    assert_true(f->mtip.level[0]);
    assert_false(f->mtip.level[1]);   /* the other hart's timer is its own */
    assert_int_equal(aclint_next_deadline_ns(f->clint, 0), fake_now);

    /* Moving mtimecmp ahead drops the line at once, in 32-bit halves too
     * (high word first, the way rv32 software avoids a spurious match). */
    wr(f, MTIMECMP + 4, 0xffffffff, 4);
    assert_false(f->mtip.level[0]);
    wr(f, MTIMECMP, 2000, 4);
    assert_int_equal(rd(f, MTIMECMP, 8), 0xffffffff000007d0ull);
    wr(f, MTIMECMP + 4, 0, 4);
    assert_false(f->mtip.level[0]);
    fake_now += 100000;
    aclint_update(f->clint);
    assert_true(f->mtip.level[0]);

    /* Hart 1 through its own register; a write of mtime can raise it too. */
    wr(f, MTIMECMP + 8, 1u << 30, 8);
    assert_false(f->mtip.level[1]);
    wr(f, MTIME, 1u << 30, 8);
    assert_true(f->mtip.level[1]);
    wr(f, MTIME, 0, 8);
    assert_false(f->mtip.level[1]);
    assert_false(f->mtip.level[0]);
}

/* A timebase that does not divide 1 GHz: the deadline is the first ns at
 * which mtime has reached mtimecmp, never one ns early. */
static void test_deadline_rounds_up(void **state)
{
    (void)state;
    IrqRecorder mtip = {0};
    IrqLine line = irq_recorder_line(&mtip, 0);
    Aclint *c = aclint_new(&(AclintConfig){.harts = 1, .mtip = &line, .timebase_hz = 3,
                                           .clock_ns = fake_clock});
    assert_non_null(c);
    uint64_t origin = fake_now;
    aclint_mmio_ops.write(c, MTIMECMP, 1, 8);
    uint64_t deadline = aclint_next_deadline_ns(c, 0);
    assert_int_equal(deadline, origin + 333333334);
    fake_now = deadline - 1;
    aclint_update(c);
    assert_false(mtip.level[0]);
    fake_now = deadline;
    aclint_update(c);
    assert_true(mtip.level[0]);
    aclint_free(c);
}

static void test_msip(void **state)
{
    Fixture *f = *state;
    wr(f, 4, 1, 4);
    assert_true(f->msip.level[1]);
    assert_false(f->msip.level[0]);
    assert_int_equal(rd(f, 4, 4), 1);
    wr(f, 4, 0xfffffffe, 4);   /* only bit 0 exists */
    assert_false(f->msip.level[1]);
    assert_int_equal(rd(f, 4, 4), 0);
    /* A 64-bit access covers both harts' words. */
    wr(f, 0, 0x0000000100000001ull, 8);
    assert_true(f->msip.level[0]);
    assert_true(f->msip.level[1]);
    assert_int_equal(rd(f, 0, 8), 0x0000000100000001ull);
    wr(f, 0, 0, 4);
    assert_false(f->msip.level[0]);
    assert_true(f->msip.level[1]);
}

static void test_any_access_is_safe(void **state)
{
    Fixture *f = *state;
    for (uint64_t off = 0; off < ACLINT_MMIO_SIZE + 64; off++) {
        for (unsigned size = 1; size <= 16; size++) {
            rd(f, off, size);
            wr(f, off, 0, size);
        }
    }
    rd(f, UINT64_MAX - 3, 4);
    wr(f, UINT64_MAX - 7, 0, 8);
    /* Misaligned accesses hit nothing. */
    wr(f, MTIMECMP, 77, 8);
    wr(f, MTIMECMP + 2, 0xffffffff, 4);
    assert_int_equal(rd(f, MTIMECMP, 8), 77);
    assert_int_equal(aclint_new(&(AclintConfig){.harts = 0}), NULL);
    assert_int_equal(aclint_new(&(AclintConfig){.harts = ACLINT_MAX_HARTS + 1}), NULL);
}

/* ---- the timer thread, on the real clock ---- */

typedef struct Waiter {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool level;
} Waiter;

static void waiter_set(void *opaque, unsigned n, bool level)
{
    (void)n;
    Waiter *w = opaque;
    pthread_mutex_lock(&w->lock);
    w->level = level;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

static void test_timer_thread_raises_mtip(void **state)
{
    (void)state;
    Waiter w = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
    IrqLine mtip = {.set = waiter_set, .opaque = &w};
    Aclint *c = aclint_new(&(AclintConfig){.harts = 1, .mtip = &mtip});
    assert_non_null(c);
    assert_int_equal(aclint_start_timer_thread(c), 0);
    uint64_t start = aclint_clock_ns(c);
    /* 20 ms ahead */
    aclint_mmio_ops.write(c, MTIMECMP, aclint_mtime(c, start) + 200000, 8);

    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 10;
    pthread_mutex_lock(&w.lock);
    while (!w.level && pthread_cond_timedwait(&w.cond, &w.lock, &deadline) == 0)
        ;
    bool raised = w.level;
    pthread_mutex_unlock(&w.lock);
    assert_true(raised);
    /* Never early: the line rose only once mtime had reached mtimecmp. */
    assert_true(aclint_clock_ns(c) - start >= 20000000ull);
    aclint_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_mtime_counts_at_10mhz, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mtimecmp_drives_mtip, setup, teardown),
        cmocka_unit_test(test_deadline_rounds_up),
        cmocka_unit_test_setup_teardown(test_msip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_any_access_is_safe, setup, teardown),
        cmocka_unit_test(test_timer_thread_raises_mtip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
