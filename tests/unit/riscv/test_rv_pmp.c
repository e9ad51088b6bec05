/*
 * Unit tests of rv-pmp: TOR, NA4 and NAPOT matching, priority of the
 * lowest entry, partial matches, lock semantics, the M/S defaults, and
 * the whole-page rights a TLB fill asks for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rv-pmp.h"

static RvPmp pmp;

static int setup(void **state)
{
    (void)state;
    rv_pmp_reset(&pmp);
    return 0;
}

/* sets entry i's cfg byte through the pmpcfg CSR it lives in */
static void set_cfg(unsigned i, uint8_t cfg)
{
    unsigned csr = (i / 8) * 2;
    unsigned shift = (i % 8) * 8;
    uint64_t v = rv_pmp_read_cfg(&pmp, csr);
    v = (v & ~(0xffull << shift)) | ((uint64_t)cfg << shift);
    rv_pmp_write_cfg(&pmp, csr, v);
}

static uint8_t mode(unsigned a)
{
    return (uint8_t)(a << RV_PMP_A_SHIFT);
}

/* pmpaddr for a NAPOT region of size bytes (a power of two >= 8) at base */
static uint64_t napot(uint64_t base, uint64_t size)
{
    return (base >> 2) | ((size >> 3) - 1);
}

static bool allowed(uint64_t addr, unsigned size, RvAccess access, unsigned priv)
{
    return rv_pmp_check(&pmp, addr, size, access, priv);
}

static void test_defaults(void **state)
{
    (void)state;
    /* entries exist but none is active: M may do anything, S and U nothing */
    assert_true(allowed(0x80000000ull, 8, RV_ACCESS_WRITE, RV_PRIV_M));
    assert_false(allowed(0x80000000ull, 8, RV_ACCESS_READ, RV_PRIV_S));
    assert_false(allowed(0x80000000ull, 4, RV_ACCESS_EXEC, RV_PRIV_U));
}

static void test_tor(void **state)
{
    (void)state;
    /* entry 0: [0, 0x1000) R; entry 1: [0x1000, 0x3000) RW */
    rv_pmp_write_addr(&pmp, 0, 0x1000 >> 2);
    rv_pmp_write_addr(&pmp, 1, 0x3000 >> 2);
    set_cfg(0, mode(RV_PMP_TOR) | RV_PMP_R);
    set_cfg(1, mode(RV_PMP_TOR) | RV_PMP_R | RV_PMP_W);

    assert_true(allowed(0x0, 4, RV_ACCESS_READ, RV_PRIV_S));
    assert_false(allowed(0xff8, 8, RV_ACCESS_WRITE, RV_PRIV_S));
    assert_true(allowed(0x1000, 8, RV_ACCESS_WRITE, RV_PRIV_U));
    assert_true(allowed(0x2ff8, 8, RV_ACCESS_WRITE, RV_PRIV_S));
    assert_false(allowed(0x2000, 4, RV_ACCESS_EXEC, RV_PRIV_S));
    assert_false(allowed(0x3000, 4, RV_ACCESS_READ, RV_PRIV_S));   /* top is exclusive */

    /* an access straddling the two entries matches entry 0 only partly */
    assert_false(allowed(0xffc, 8, RV_ACCESS_READ, RV_PRIV_S));

    /* a TOR entry whose bottom is above its top matches nothing: entry 3
     * (all of memory, read-only) decides instead */
    rv_pmp_write_addr(&pmp, 2, 0x2000 >> 2);
    set_cfg(2, mode(RV_PMP_TOR) | RV_PMP_R | RV_PMP_W | RV_PMP_X);
    rv_pmp_write_addr(&pmp, 3, RV_PMP_ADDR_MASK);
    set_cfg(3, mode(RV_PMP_NAPOT) | RV_PMP_R);
    assert_true(allowed(0x3000, 4, RV_ACCESS_READ, RV_PRIV_S));
    assert_false(allowed(0x3000, 4, RV_ACCESS_EXEC, RV_PRIV_S));
    assert_false(allowed(0x2800, 4, RV_ACCESS_EXEC, RV_PRIV_S));
}

static void test_napot_and_na4(void **state)
{
    (void)state;
    /* 2 MiB RX at 0x80000000; all of memory RW below it in priority */
    rv_pmp_write_addr(&pmp, 0, napot(0x80000000ull, 2ull << 20));
    set_cfg(0, mode(RV_PMP_NAPOT) | RV_PMP_R | RV_PMP_X);
    rv_pmp_write_addr(&pmp, 1, RV_PMP_ADDR_MASK);   /* NAPOT of all ones: everything */
    set_cfg(1, mode(RV_PMP_NAPOT) | RV_PMP_R | RV_PMP_W);

    assert_true(allowed(0x80000000ull, 4, RV_ACCESS_EXEC, RV_PRIV_S));
    assert_true(allowed(0x801ffffcull, 4, RV_ACCESS_READ, RV_PRIV_S));
    /* the lowest matching entry decides even though entry 1 grants W */
    assert_false(allowed(0x80100000ull, 8, RV_ACCESS_WRITE, RV_PRIV_S));
    assert_true(allowed(0x80200000ull, 8, RV_ACCESS_WRITE, RV_PRIV_S));
    assert_false(allowed(0x80200000ull, 4, RV_ACCESS_EXEC, RV_PRIV_S));
    assert_true(allowed(0x1000, 8, RV_ACCESS_READ, RV_PRIV_U));
    /* partly inside entry 0: fails whatever entry 1 says */
    assert_false(allowed(0x801ffffcull, 8, RV_ACCESS_READ, RV_PRIV_S));

    /* the smallest NAPOT region is 8 bytes; NA4 is 4 */
    rv_pmp_reset(&pmp);
    rv_pmp_write_addr(&pmp, 0, napot(0x1000, 8));
    set_cfg(0, mode(RV_PMP_NAPOT) | RV_PMP_R);
    rv_pmp_write_addr(&pmp, 1, 0x2000 >> 2);
    set_cfg(1, mode(RV_PMP_NA4) | RV_PMP_W | RV_PMP_R);
    assert_true(allowed(0x1000, 8, RV_ACCESS_READ, RV_PRIV_S));
    assert_false(allowed(0x1008, 4, RV_ACCESS_READ, RV_PRIV_S));
    assert_true(allowed(0x2000, 4, RV_ACCESS_WRITE, RV_PRIV_S));
    assert_false(allowed(0x2000, 8, RV_ACCESS_WRITE, RV_PRIV_S));
}

static void test_lock(void **state)
{
    (void)state;
    /* an unlocked entry does not bind M */
    rv_pmp_write_addr(&pmp, 0, napot(0x10000, 0x1000));
    set_cfg(0, mode(RV_PMP_NAPOT) | RV_PMP_R);
    assert_true(allowed(0x10000, 4, RV_ACCESS_WRITE, RV_PRIV_M));

    /* once locked it does, and its cfg and address ignore writes */
    set_cfg(0, mode(RV_PMP_NAPOT) | RV_PMP_R | RV_PMP_L);
    assert_false(allowed(0x10000, 4, RV_ACCESS_WRITE, RV_PRIV_M));
    assert_true(allowed(0x10000, 4, RV_ACCESS_READ, RV_PRIV_M));
    assert_false(rv_pmp_write_addr(&pmp, 0, 0));
    set_cfg(0, mode(RV_PMP_NAPOT) | RV_PMP_R | RV_PMP_W | RV_PMP_X);
    assert_int_equal(rv_pmp_read_cfg(&pmp, 0) & 0xff, mode(RV_PMP_NAPOT) | RV_PMP_R | RV_PMP_L);
    assert_int_equal(rv_pmp_read_addr(&pmp, 0), napot(0x10000, 0x1000));
    /* M outside any entry is still free */
    assert_true(allowed(0x20000, 4, RV_ACCESS_EXEC, RV_PRIV_M));

    /* a locked TOR entry also freezes the pmpaddr below it */
    rv_pmp_write_addr(&pmp, 2, 0x40000 >> 2);
    rv_pmp_write_addr(&pmp, 3, 0x50000 >> 2);
    set_cfg(3, mode(RV_PMP_TOR) | RV_PMP_X | RV_PMP_L);
    assert_false(rv_pmp_write_addr(&pmp, 2, 0));
    assert_int_equal(rv_pmp_read_addr(&pmp, 2), 0x40000 >> 2);
    assert_false(allowed(0x48000, 4, RV_ACCESS_READ, RV_PRIV_M));
    assert_true(allowed(0x48000, 4, RV_ACCESS_EXEC, RV_PRIV_M));
}

static void test_csr_fields(void **state)
{
    (void)state;
    /* reserved bits 6:5 read zero; R=0 W=1 is reserved and not stored */
    rv_pmp_write_cfg(&pmp, 0, 0x60 | mode(RV_PMP_TOR) | RV_PMP_R);
    assert_int_equal(rv_pmp_read_cfg(&pmp, 0), mode(RV_PMP_TOR) | RV_PMP_R);
    rv_pmp_write_cfg(&pmp, 0, RV_PMP_W);
    assert_int_equal(rv_pmp_read_cfg(&pmp, 0), mode(RV_PMP_TOR) | RV_PMP_R);

    /* entry 9 is byte 1 of pmpcfg2; entries past 15 read zero */
    rv_pmp_write_cfg(&pmp, 2, (uint64_t)RV_PMP_X << 8);
    assert_int_equal(pmp.cfg[9], RV_PMP_X);
    assert_false(rv_pmp_write_cfg(&pmp, 4, ~0ull));
    assert_int_equal(rv_pmp_read_cfg(&pmp, 4), 0);
    assert_false(rv_pmp_write_addr(&pmp, 16, 0x1234));
    assert_int_equal(rv_pmp_read_addr(&pmp, 16), 0);

    /* pmpaddr keeps address bits 55:2 only (granularity 4 bytes) */
    rv_pmp_write_addr(&pmp, 5, ~0ull);
    assert_int_equal(rv_pmp_read_addr(&pmp, 5), RV_PMP_ADDR_MASK);
}

static void test_range_perms(void **state)
{
    (void)state;
    bool uniform;
    /* no entry active: M everything, S nothing, uniformly */
    assert_int_equal(rv_pmp_range_perms(&pmp, 0x80000000ull, 4096, RV_PRIV_M, &uniform),
                     RV_PERM_R | RV_PERM_W | RV_PERM_X);
    assert_true(uniform);
    assert_int_equal(rv_pmp_range_perms(&pmp, 0x80000000ull, 4096, RV_PRIV_S, &uniform), 0);
    assert_true(uniform);

    rv_pmp_write_addr(&pmp, 0, napot(0x80000000ull, 0x800));   /* half a page */
    set_cfg(0, mode(RV_PMP_NAPOT) | RV_PMP_R);
    rv_pmp_write_addr(&pmp, 1, RV_PMP_ADDR_MASK);
    set_cfg(1, mode(RV_PMP_NAPOT) | RV_PMP_R | RV_PMP_W | RV_PMP_X);
    assert_int_equal(rv_pmp_range_perms(&pmp, 0x80000000ull, 4096, RV_PRIV_S, &uniform), 0);
    assert_false(uniform);
    assert_int_equal(rv_pmp_range_perms(&pmp, 0x80001000ull, 4096, RV_PRIV_S, &uniform),
                     RV_PERM_R | RV_PERM_W | RV_PERM_X);
    assert_true(uniform);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_defaults, setup),
        cmocka_unit_test_setup(test_tor, setup),
        cmocka_unit_test_setup(test_napot_and_na4, setup),
        cmocka_unit_test_setup(test_lock, setup),
        cmocka_unit_test_setup(test_csr_fields, setup),
        cmocka_unit_test_setup(test_range_perms, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
