/*
 * Unit tests of the RISC-V F/D arithmetic (src/frontend/riscv64/fpu.c):
 * hand-checked vectors for special values, each rounding mode (RMM ties in
 * particular), tininess after rounding, flags, saturating conversions,
 * min/max/compare/classify, and the helper layer (NaN-boxing, fflags, the
 * dynamic rounding mode and its illegal-instruction case).
 *
 * The bulk check of the same functions against qemu-riscv64 and the host FPU
 * on millions of random operands is a differential test, not this file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "fpu.h"

enum { NX = RV_FFLAG_NX, UF = RV_FFLAG_UF, OF = RV_FFLAG_OF, DZ = RV_FFLAG_DZ, NV = RV_FFLAG_NV };
enum { RNE = RV_RM_RNE, RTZ = RV_RM_RTZ, RDN = RV_RM_RDN, RUP = RV_RM_RUP, RMM = RV_RM_RMM };

#define S_ONE 0x3f800000u
#define S_TWO 0x40000000u
#define S_HALF 0x3f000000u
#define S_INF 0x7f800000u
#define S_NINF 0xff800000u
#define S_QNAN 0x7fc00000u
#define S_SNAN 0x7f800001u
#define S_MAX 0x7f7fffffu
#define S_MIN_NORMAL 0x00800000u
#define S_MIN_SUB 0x00000001u
#define S_NZERO 0x80000000u
#define D_ONE 0x3ff0000000000000ull
#define D_QNAN FPU_CANONICAL_NAN64
#define D_SNAN 0x7ff0000000000001ull

typedef uint64_t (*BinFn)(FpuFormat, uint64_t, uint64_t, int, unsigned *);

/* checks result and the exact set of flags of one operation */
static void check_bin(BinFn fn, FpuFormat f, uint64_t a, uint64_t b, int rm, uint64_t want,
                      unsigned want_flags)
{
    unsigned flags = 0;
    uint64_t got = fn(f, a, b, rm, &flags);
    assert_int_equal(got, want);
    assert_int_equal(flags, want_flags);
}

static void test_add_rounding(void **state)
{
    (void)state;
    /* 1 + 2^-24 is a tie between 1 and 1 + 2^-23 */
    check_bin(fpu_add, FPU_F32, S_ONE, 0x33800000, RNE, S_ONE, NX);
    check_bin(fpu_add, FPU_F32, S_ONE, 0x33800000, RMM, 0x3f800001, NX);
    check_bin(fpu_add, FPU_F32, S_ONE, 0x33800000, RTZ, S_ONE, NX);
    check_bin(fpu_add, FPU_F32, S_ONE, 0x33800000, RDN, S_ONE, NX);
    check_bin(fpu_add, FPU_F32, S_ONE, 0x33800000, RUP, 0x3f800001, NX);
    /* the same, negative: directed modes mirror */
    check_bin(fpu_add, FPU_F32, 0xbf800000, 0xb3800000, RMM, 0xbf800001, NX);
    check_bin(fpu_add, FPU_F32, 0xbf800000, 0xb3800000, RDN, 0xbf800001, NX);
    check_bin(fpu_add, FPU_F32, 0xbf800000, 0xb3800000, RUP, 0xbf800000, NX);
    /* a tie on an odd significand: nearest-even and max-magnitude agree */
    check_bin(fpu_add, FPU_F32, 0x3f800001, 0x33800000, RNE, 0x3f800002, NX);
    /* above the tie */
    check_bin(fpu_add, FPU_F32, S_ONE, 0x33c00000, RNE, 0x3f800001, NX);
    check_bin(fpu_add, FPU_F32, S_ONE, 0x33c00000, RTZ, S_ONE, NX);
    /* exact */
    check_bin(fpu_add, FPU_F32, S_ONE, S_TWO, RNE, 0x40400000, 0);
    check_bin(fpu_add, FPU_F64, D_ONE, D_ONE, RNE, 0x4000000000000000ull, 0);
    /* 1 + 2^-53 in double: tie */
    check_bin(fpu_add, FPU_F64, D_ONE, 0x3ca0000000000000ull, RNE, D_ONE, NX);
    check_bin(fpu_add, FPU_F64, D_ONE, 0x3ca0000000000000ull, RMM, D_ONE + 1, NX);
}

static void test_add_zeros_and_specials(void **state)
{
    (void)state;
    check_bin(fpu_sub, FPU_F32, S_ONE, S_ONE, RNE, 0, 0);
    check_bin(fpu_sub, FPU_F32, S_ONE, S_ONE, RDN, S_NZERO, 0);
    check_bin(fpu_add, FPU_F32, S_NZERO, S_NZERO, RNE, S_NZERO, 0);
    check_bin(fpu_add, FPU_F32, 0, S_NZERO, RNE, 0, 0);
    check_bin(fpu_add, FPU_F32, 0, S_NZERO, RDN, S_NZERO, 0);
    check_bin(fpu_sub, FPU_F32, 0, 0, RDN, S_NZERO, 0);
    check_bin(fpu_add, FPU_F32, S_INF, S_INF, RNE, S_INF, 0);
    check_bin(fpu_sub, FPU_F32, S_INF, S_INF, RNE, S_QNAN, NV);
    check_bin(fpu_add, FPU_F32, S_INF, S_NINF, RNE, S_QNAN, NV);
    /* NaNs: canonical result, NV only for a signalling input */
    check_bin(fpu_add, FPU_F32, S_SNAN, S_ONE, RNE, S_QNAN, NV);
    check_bin(fpu_add, FPU_F32, 0xffc00001, S_ONE, RNE, S_QNAN, 0);
    check_bin(fpu_add, FPU_F32, S_ONE, S_QNAN, RNE, S_QNAN, 0);
    check_bin(fpu_add, FPU_F64, D_SNAN, D_ONE, RNE, D_QNAN, NV);
    check_bin(fpu_add, FPU_F64, 0xfff0000000000123ull, D_QNAN, RNE, D_QNAN, NV);
}

static void test_overflow(void **state)
{
    (void)state;
    check_bin(fpu_add, FPU_F32, S_MAX, S_MAX, RNE, S_INF, OF | NX);
    check_bin(fpu_add, FPU_F32, S_MAX, S_MAX, RMM, S_INF, OF | NX);
    check_bin(fpu_add, FPU_F32, S_MAX, S_MAX, RTZ, S_MAX, OF | NX);
    check_bin(fpu_add, FPU_F32, S_MAX, S_MAX, RDN, S_MAX, OF | NX);
    check_bin(fpu_add, FPU_F32, S_MAX, S_MAX, RUP, S_INF, OF | NX);
    check_bin(fpu_add, FPU_F32, 0xff7fffff, 0xff7fffff, RDN, S_NINF, OF | NX);
    check_bin(fpu_add, FPU_F32, 0xff7fffff, 0xff7fffff, RUP, 0xff7fffff, OF | NX);
    check_bin(fpu_add, FPU_F32, 0xff7fffff, 0xff7fffff, RTZ, 0xff7fffff, OF | NX);
    check_bin(fpu_mul, FPU_F64, 0x7fefffffffffffffull, 0x4000000000000000ull, RNE, 0x7ff0000000000000ull,
              OF | NX);
    /* max + half an ulp rounds to even = infinity; just below does not overflow */
    check_bin(fpu_add, FPU_F32, S_MAX, 0x73000000, RNE, S_INF, OF | NX);
    check_bin(fpu_add, FPU_F32, S_MAX, 0x72800000, RNE, S_MAX, NX);
}

static void test_underflow_tininess(void **state)
{
    (void)state;
    /* exact subnormal result: tiny but exact, so no underflow */
    check_bin(fpu_mul, FPU_F32, S_MIN_NORMAL, S_HALF, RNE, 0x00400000, 0);
    /* 2^-126 * (1 - 2^-24): 24 significant bits below 2^-126, so tiny even
     * though the subnormal rounding brings it back up to 2^-126 */
    check_bin(fpu_mul, FPU_F32, S_MIN_NORMAL, 0x3f7fffff, RNE, S_MIN_NORMAL, UF | NX);
    check_bin(fpu_mul, FPU_F32, S_MIN_NORMAL, 0x3f7fffff, RTZ, 0x007fffff, UF | NX);
    /* half the smallest subnormal: a tie between 0 and 2^-149 */
    check_bin(fpu_mul, FPU_F32, S_MIN_SUB, S_HALF, RNE, 0, UF | NX);
    check_bin(fpu_mul, FPU_F32, S_MIN_SUB, S_HALF, RMM, S_MIN_SUB, UF | NX);
    check_bin(fpu_mul, FPU_F32, S_MIN_SUB, S_HALF, RUP, S_MIN_SUB, UF | NX);
    check_bin(fpu_mul, FPU_F32, S_MIN_SUB | S_NZERO, S_HALF, RDN, S_MIN_SUB | S_NZERO, UF | NX);
    check_bin(fpu_mul, FPU_F32, S_MIN_SUB | S_NZERO, S_HALF, RUP, S_NZERO, UF | NX);
    /* subnormal + subnormal is exact */
    check_bin(fpu_add, FPU_F32, S_MIN_SUB, S_MIN_SUB, RNE, 2, 0);
}

/* 2^-126 * (1 - 2^-25) as a double: rounding to single with an unbounded
 * exponent gives 2^-126 in the nearest and upward modes (not tiny), but
 * stays below it when truncating (tiny) */
static void test_tininess_after_rounding(void **state)
{
    (void)state;
    const uint64_t just_below = 0x380ffffff0000000ull;
    struct { int rm; uint64_t want; unsigned flags; } v[] = {
        {RNE, S_MIN_NORMAL, NX}, {RMM, S_MIN_NORMAL, NX}, {RUP, S_MIN_NORMAL, NX},
        {RTZ, 0x007fffff, UF | NX}, {RDN, 0x007fffff, UF | NX},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        unsigned flags = 0;
        assert_int_equal(fpu_convert(FPU_F32, FPU_F64, just_below, v[i].rm, &flags), v[i].want);
        assert_int_equal(flags, v[i].flags);
    }
}

static void test_div_sqrt(void **state)
{
    (void)state;
    check_bin(fpu_div, FPU_F32, S_ONE, 0, RNE, S_INF, DZ);
    check_bin(fpu_div, FPU_F32, 0xbf800000, 0, RNE, S_NINF, DZ);
    check_bin(fpu_div, FPU_F32, S_ONE, S_NZERO, RNE, S_NINF, DZ);
    check_bin(fpu_div, FPU_F32, 0, 0, RNE, S_QNAN, NV);
    check_bin(fpu_div, FPU_F32, S_INF, S_INF, RNE, S_QNAN, NV);
    check_bin(fpu_div, FPU_F32, S_ONE, S_INF, RNE, 0, 0);
    check_bin(fpu_div, FPU_F32, S_ONE, 0x40400000, RNE, 0x3eaaaaab, NX);
    check_bin(fpu_div, FPU_F32, S_ONE, 0x40400000, RTZ, 0x3eaaaaaa, NX);
    check_bin(fpu_div, FPU_F64, D_ONE, 0x4008000000000000ull, RNE, 0x3fd5555555555555ull, NX);

    struct { FpuFormat f; uint64_t a; int rm; uint64_t want; unsigned flags; } v[] = {
        {FPU_F32, 0x40800000, RNE, S_TWO, 0},
        {FPU_F32, S_TWO, RNE, 0x3fb504f3, NX},
        {FPU_F32, S_TWO, RUP, 0x3fb504f4, NX},
        {FPU_F32, S_TWO, RTZ, 0x3fb504f3, NX},
        {FPU_F32, 0xbf800000, RNE, S_QNAN, NV},
        {FPU_F32, S_NINF, RNE, S_QNAN, NV},
        {FPU_F32, S_NZERO, RNE, S_NZERO, 0},
        {FPU_F32, S_INF, RNE, S_INF, 0},
        {FPU_F32, S_SNAN, RNE, S_QNAN, NV},
        {FPU_F32, S_MIN_SUB, RNE, 0x1a3504f3, NX},   /* sqrt(2^-149) = 2^-74.5 */
        {FPU_F64, 0x4000000000000000ull, RNE, 0x3ff6a09e667f3bcdull, NX},
        {FPU_F64, 0x4010000000000000ull, RNE, 0x4000000000000000ull, 0},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        unsigned flags = 0;
        assert_int_equal(fpu_sqrt(v[i].f, v[i].a, v[i].rm, &flags), v[i].want);
        assert_int_equal(flags, v[i].flags);
    }
}

static void check_fma(FpuFormat f, uint64_t a, uint64_t b, uint64_t c, unsigned neg, int rm,
                      uint64_t want, unsigned want_flags)
{
    unsigned flags = 0;
    assert_int_equal(fpu_fma(f, a, b, c, neg, rm, &flags), want);
    assert_int_equal(flags, want_flags);
}

static void test_fma(void **state)
{
    (void)state;
    /* fused: (1 + 2^-23)(1 - 2^-23) - 1 = -2^-46 exactly (separately rounded: 0) */
    check_fma(FPU_F32, 0x3f800001, 0x3f7ffffe, 0xbf800000, 0, RNE, 0xa8800000, 0);
    check_fma(FPU_F32, 0x3f800001, 0x3f7ffffe, S_ONE, FPU_NEG_ADDEND, RNE, 0xa8800000, 0);
    check_fma(FPU_F32, 0x3f800001, 0x3f7ffffe, S_ONE, FPU_NEG_PRODUCT, RNE, 0x28800000, 0);
    /* inf * 0 is invalid even with a quiet NaN addend (a RISC-V choice) */
    check_fma(FPU_F32, S_INF, 0, S_QNAN, 0, RNE, S_QNAN, NV);
    check_fma(FPU_F64, 0, 0xfff0000000000000ull, D_QNAN, 0, RNE, D_QNAN, NV);
    check_fma(FPU_F32, S_QNAN, S_ONE, S_ONE, 0, RNE, S_QNAN, 0);
    check_fma(FPU_F32, S_ONE, S_ONE, S_SNAN, 0, RNE, S_QNAN, NV);
    check_fma(FPU_F32, S_INF, S_ONE, S_NINF, 0, RNE, S_QNAN, NV);
    check_fma(FPU_F32, S_INF, S_ONE, S_INF, FPU_NEG_ADDEND, RNE, S_QNAN, NV);
    check_fma(FPU_F32, S_INF, S_ONE, S_INF, 0, RNE, S_INF, 0);
    check_fma(FPU_F32, S_ONE, S_ONE, S_NINF, 0, RNE, S_NINF, 0);
    /* signs of zero: fnmadd(0, 1, 0) = -0 - 0 = -0; fmsub(0, 1, 0) = 0 - 0 */
    check_fma(FPU_F32, 0, S_ONE, 0, FPU_NEG_PRODUCT | FPU_NEG_ADDEND, RNE, S_NZERO, 0);
    check_fma(FPU_F32, 0, S_ONE, 0, FPU_NEG_ADDEND, RNE, 0, 0);
    check_fma(FPU_F32, 0, S_ONE, 0, FPU_NEG_ADDEND, RDN, S_NZERO, 0);
    /* exact cancellation of nonzero terms: +0, or -0 rounding down */
    check_fma(FPU_F32, S_ONE, S_ONE, 0xbf800000, 0, RNE, 0, 0);
    check_fma(FPU_F32, S_ONE, S_ONE, 0xbf800000, 0, RDN, S_NZERO, 0);
    /* 1*1 + 2^-24: a tie decided by the mode */
    check_fma(FPU_F32, S_ONE, S_ONE, 0x33800000, 0, RNE, S_ONE, NX);
    check_fma(FPU_F32, S_ONE, S_ONE, 0x33800000, 0, RMM, 0x3f800001, NX);
    /* a tiny addend below a big product only makes it inexact */
    check_fma(FPU_F64, D_ONE, D_ONE, 1, 0, RNE, D_ONE, NX);
    check_fma(FPU_F64, D_ONE, D_ONE, 1, 0, RUP, D_ONE + 1, NX);
    check_fma(FPU_F64, D_ONE, D_ONE, 0x8000000000000001ull, 0, RTZ, 0x3fefffffffffffffull, NX);
}

static void test_min_max(void **state)
{
    (void)state;
    struct { bool max; uint64_t a, b, want; unsigned flags; } v[] = {
        {false, S_NZERO, 0, S_NZERO, 0}, {false, 0, S_NZERO, S_NZERO, 0},
        {true, S_NZERO, 0, 0, 0}, {true, 0, S_NZERO, 0, 0},
        {false, S_QNAN, S_ONE, S_ONE, 0}, {true, S_ONE, S_QNAN, S_ONE, 0},
        {false, S_SNAN, S_ONE, S_ONE, NV}, {true, S_ONE, S_SNAN, S_ONE, NV},
        {false, S_QNAN, 0xffc00005, S_QNAN, 0}, {true, S_SNAN, S_QNAN, S_QNAN, NV},
        {false, S_ONE, S_TWO, S_ONE, 0}, {true, S_ONE, S_TWO, S_TWO, 0},
        {false, 0xbf800000, S_NINF, S_NINF, 0}, {true, 0xbf800000, S_NINF, 0xbf800000, 0},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        unsigned flags = 0;
        uint64_t got = v[i].max ? fpu_max(FPU_F32, v[i].a, v[i].b, &flags) : fpu_min(FPU_F32, v[i].a, v[i].b, &flags);
        assert_int_equal(got, v[i].want);
        assert_int_equal(flags, v[i].flags);
    }
    unsigned flags = 0;
    assert_int_equal(fpu_min(FPU_F64, D_QNAN, D_SNAN, &flags), D_QNAN);
    assert_int_equal(flags, NV);
}

static void test_compare(void **state)
{
    (void)state;
    typedef bool (*CmpFn)(FpuFormat, uint64_t, uint64_t, unsigned *);
    struct { CmpFn fn; uint64_t a, b; bool want; unsigned flags; } v[] = {
        {fpu_eq, S_QNAN, S_ONE, false, 0}, {fpu_eq, S_SNAN, S_ONE, false, NV},
        {fpu_eq, S_QNAN, S_QNAN, false, 0},
        {fpu_lt, S_QNAN, S_ONE, false, NV}, {fpu_le, S_ONE, S_QNAN, false, NV},
        {fpu_eq, S_NZERO, 0, true, 0}, {fpu_le, S_NZERO, 0, true, 0}, {fpu_lt, S_NZERO, 0, false, 0},
        {fpu_lt, S_ONE, S_TWO, true, 0}, {fpu_lt, S_TWO, S_ONE, false, 0},
        {fpu_lt, 0xc0000000, 0xbf800000, true, 0}, {fpu_le, S_NINF, 0xff7fffff, true, 0},
        {fpu_eq, S_INF, S_INF, true, 0}, {fpu_le, S_ONE, S_ONE, true, 0},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        unsigned flags = 0;
        assert_int_equal(v[i].fn(FPU_F32, v[i].a, v[i].b, &flags), v[i].want);
        assert_int_equal(flags, v[i].flags);
    }
    unsigned flags = 0;
    assert_false(fpu_lt(FPU_F64, D_ONE, D_QNAN, &flags));
    assert_int_equal(flags, NV);
}

static void test_class(void **state)
{
    (void)state;
    struct { uint64_t a; unsigned want; } s[] = {
        {S_NINF, FPU_CLASS_NEG_INF}, {0xbf800000, FPU_CLASS_NEG_NORMAL},
        {0x807fffff, FPU_CLASS_NEG_SUBNORMAL}, {S_NZERO, FPU_CLASS_NEG_ZERO},
        {0, FPU_CLASS_POS_ZERO}, {S_MIN_SUB, FPU_CLASS_POS_SUBNORMAL},
        {S_MIN_NORMAL, FPU_CLASS_POS_NORMAL}, {S_INF, FPU_CLASS_POS_INF},
        {S_SNAN, FPU_CLASS_SNAN}, {0xffbfffff, FPU_CLASS_SNAN}, {S_QNAN, FPU_CLASS_QNAN},
    };
    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
        assert_int_equal(fpu_class(FPU_F32, s[i].a), s[i].want);
    assert_int_equal(fpu_class(FPU_F64, 0x000fffffffffffffull), FPU_CLASS_POS_SUBNORMAL);
    assert_int_equal(fpu_class(FPU_F64, D_SNAN), FPU_CLASS_SNAN);
    assert_int_equal(fpu_class(FPU_F64, 0x8010000000000000ull), FPU_CLASS_NEG_NORMAL);
}

static void check_to_int(FpuFormat f, uint64_t a, FpuIntKind k, int rm, uint64_t want, unsigned want_flags)
{
    unsigned flags = 0;
    assert_int_equal(fpu_to_int(f, a, k, rm, &flags), want);
    assert_int_equal(flags, want_flags);
}

static void test_to_int(void **state)
{
    (void)state;
    const uint64_t s_2_5 = 0x40200000, s_m2_5 = 0xc0200000;
    check_to_int(FPU_F32, s_2_5, FPU_INT_W, RNE, 2, NX);
    check_to_int(FPU_F32, s_2_5, FPU_INT_W, RMM, 3, NX);
    check_to_int(FPU_F32, s_2_5, FPU_INT_W, RTZ, 2, NX);
    check_to_int(FPU_F32, s_2_5, FPU_INT_W, RDN, 2, NX);
    check_to_int(FPU_F32, s_2_5, FPU_INT_W, RUP, 3, NX);
    check_to_int(FPU_F32, s_m2_5, FPU_INT_W, RNE, (uint64_t)-2, NX);
    check_to_int(FPU_F32, s_m2_5, FPU_INT_W, RMM, (uint64_t)-3, NX);
    check_to_int(FPU_F32, s_m2_5, FPU_INT_W, RDN, (uint64_t)-3, NX);
    check_to_int(FPU_F32, s_m2_5, FPU_INT_W, RUP, (uint64_t)-2, NX);
    /* saturation */
    check_to_int(FPU_F32, S_QNAN, FPU_INT_W, RNE, 0x7fffffff, NV);
    check_to_int(FPU_F32, 0xffc00000, FPU_INT_W, RNE, 0x7fffffff, NV);
    check_to_int(FPU_F32, S_INF, FPU_INT_W, RNE, 0x7fffffff, NV);
    check_to_int(FPU_F32, S_NINF, FPU_INT_W, RNE, 0xffffffff80000000ull, NV);
    check_to_int(FPU_F32, 0x4f000000, FPU_INT_W, RNE, 0x7fffffff, NV);          /* 2^31 */
    check_to_int(FPU_F32, 0xcf000000, FPU_INT_W, RNE, 0xffffffff80000000ull, 0); /* -2^31 */
    check_to_int(FPU_F32, 0xbf800000, FPU_INT_WU, RNE, 0, NV);
    check_to_int(FPU_F32, 0xbf000000, FPU_INT_WU, RNE, 0, NX);                   /* -0.5 -> -0 */
    check_to_int(FPU_F32, 0xbf000000, FPU_INT_WU, RDN, 0, NV);                   /* -0.5 -> -1 */
    check_to_int(FPU_F32, S_QNAN, FPU_INT_WU, RNE, ~0ull, NV);
    check_to_int(FPU_F32, 0x4f7fffff, FPU_INT_WU, RNE, 0xffffffffffffff00ull, 0); /* sign-extended */
    check_to_int(FPU_F32, 0x4f800000, FPU_INT_WU, RNE, ~0ull, NV);               /* 2^32 */
    check_to_int(FPU_F32, S_NINF, FPU_INT_LU, RNE, 0, NV);
    check_to_int(FPU_F32, S_QNAN, FPU_INT_L, RNE, 0x7fffffffffffffffull, NV);
    check_to_int(FPU_F32, S_MIN_SUB, FPU_INT_L, RUP, 1, NX);
    check_to_int(FPU_F32, S_MIN_SUB | S_NZERO, FPU_INT_L, RDN, ~0ull, NX);
    check_to_int(FPU_F64, 0x43e0000000000000ull, FPU_INT_L, RNE, 0x7fffffffffffffffull, NV);
    check_to_int(FPU_F64, 0xc3e0000000000000ull, FPU_INT_L, RNE, 0x8000000000000000ull, 0);
    check_to_int(FPU_F64, 0x43efffffffffffffull, FPU_INT_LU, RNE, 0xfffffffffffff800ull, 0);
    check_to_int(FPU_F64, 0x43f0000000000000ull, FPU_INT_LU, RNE, ~0ull, NV);
    /* 2^31 - 1.5: the tie goes to even 2^31 - 2, or away to 2^31 - 1 */
    check_to_int(FPU_F64, 0x41dfffffffa00000ull, FPU_INT_W, RNE, 0x7ffffffe, NX);
    check_to_int(FPU_F64, 0x41dfffffffa00000ull, FPU_INT_W, RMM, 0x7fffffff, NX);
    /* 2^31 - 0.5: truncates into range, but rounds to nearest out of it */
    check_to_int(FPU_F64, 0x41dfffffffe00000ull, FPU_INT_W, RTZ, 0x7fffffff, NX);
    check_to_int(FPU_F64, 0x41dfffffffe00000ull, FPU_INT_W, RNE, 0x7fffffff, NV);
    check_to_int(FPU_F64, 0x7ff0000000000000ull, FPU_INT_LU, RNE, ~0ull, NV);
}

static void check_from_int(FpuFormat f, uint64_t v, FpuIntKind k, int rm, uint64_t want, unsigned want_flags)
{
    unsigned flags = 0;
    assert_int_equal(fpu_from_int(f, v, k, rm, &flags), want);
    assert_int_equal(flags, want_flags);
}

static void test_from_int(void **state)
{
    (void)state;
    check_from_int(FPU_F32, 16777217, FPU_INT_W, RNE, 0x4b800000, NX);   /* 2^24 + 1: tie */
    check_from_int(FPU_F32, 16777217, FPU_INT_W, RMM, 0x4b800001, NX);
    check_from_int(FPU_F32, 16777217, FPU_INT_W, RUP, 0x4b800001, NX);
    check_from_int(FPU_F32, (uint64_t)-1, FPU_INT_L, RNE, 0xbf800000, 0);
    check_from_int(FPU_F32, 0x12345678ffffffffull, FPU_INT_W, RNE, 0xbf800000, 0); /* low word only */
    check_from_int(FPU_F32, 0xffffffff, FPU_INT_WU, RNE, 0x4f800000, NX);
    check_from_int(FPU_F32, 0xffffffff, FPU_INT_WU, RTZ, 0x4f7fffff, NX);
    check_from_int(FPU_F32, 0, FPU_INT_L, RDN, 0, 0);
    check_from_int(FPU_F32, 0x80000000, FPU_INT_W, RNE, 0xcf000000, 0);
    check_from_int(FPU_F64, 0x20000000000001ull, FPU_INT_L, RNE, 0x4340000000000000ull, NX); /* 2^53+1 */
    check_from_int(FPU_F64, 0x20000000000001ull, FPU_INT_L, RMM, 0x4340000000000001ull, NX);
    check_from_int(FPU_F64, 0x8000000000000000ull, FPU_INT_L, RNE, 0xc3e0000000000000ull, 0);
    check_from_int(FPU_F64, ~0ull, FPU_INT_LU, RNE, 0x43f0000000000000ull, NX);
    check_from_int(FPU_F64, ~0ull, FPU_INT_LU, RTZ, 0x43efffffffffffffull, NX);
    check_from_int(FPU_F64, 0xffffffff, FPU_INT_W, RNE, 0xbff0000000000000ull, 0);
}

static void test_convert(void **state)
{
    (void)state;
    struct { FpuFormat to, from; uint64_t a; int rm; uint64_t want; unsigned flags; } v[] = {
        {FPU_F64, FPU_F32, S_ONE, RNE, D_ONE, 0},
        {FPU_F64, FPU_F32, S_MIN_SUB, RNE, 0x36a0000000000000ull, 0},
        {FPU_F64, FPU_F32, S_SNAN, RNE, D_QNAN, NV},
        {FPU_F64, FPU_F32, 0xffc12345, RNE, D_QNAN, 0},
        {FPU_F64, FPU_F32, S_NINF, RNE, 0xfff0000000000000ull, 0},
        {FPU_F64, FPU_F32, S_NZERO, RNE, 0x8000000000000000ull, 0},
        {FPU_F32, FPU_F64, D_SNAN, RNE, S_QNAN, NV},
        {FPU_F32, FPU_F64, 0x7e37e43c8800759cull, RNE, S_INF, OF | NX},   /* 1e300 */
        {FPU_F32, FPU_F64, 0x7e37e43c8800759cull, RTZ, S_MAX, OF | NX},
        {FPU_F32, FPU_F64, 0x3ff0000010000000ull, RNE, S_ONE, NX},        /* 1 + 2^-24 */
        {FPU_F32, FPU_F64, 0x3ff0000010000000ull, RMM, 0x3f800001, NX},
        {FPU_F32, FPU_F64, 1, RNE, 0, UF | NX},
        {FPU_F32, FPU_F64, 1, RUP, S_MIN_SUB, UF | NX},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        unsigned flags = 0;
        assert_int_equal(fpu_convert(v[i].to, v[i].from, v[i].a, v[i].rm, &flags), v[i].want);
        assert_int_equal(flags, v[i].flags);
    }
}

/* ---- helper layer ---- */

static RvCpu *new_cpu(void)
{
    RvCpu *cpu = calloc(1, sizeof(*cpu));
    assert_non_null(cpu);
    return cpu;
}

#define BOXED(v) (0xffffffff00000000ull | (v))

static void test_helper_boxing(void **state)
{
    (void)state;
    RvCpu *cpu = new_cpu();
    IrHelperFn3 fadd = (IrHelperFn3)h_fadd_s.fixed.fn;
    assert_int_equal(fadd(cpu, BOXED(S_ONE), BOXED(S_TWO), RNE), BOXED(0x40400000));
    assert_int_equal(cpu->fflags, 0);
    /* an input that is not NaN-boxed reads as the canonical (quiet) NaN */
    assert_int_equal(fadd(cpu, S_ONE, BOXED(S_TWO), RNE), BOXED(S_QNAN));
    assert_int_equal(cpu->fflags, 0);
    assert_int_equal(((IrHelperFn1)h_fclass_s.fn)(cpu, 0x123456783f800000ull), FPU_CLASS_QNAN);
    assert_int_equal(((IrHelperFn1)h_fclass_s.fn)(cpu, BOXED(S_SNAN)), FPU_CLASS_SNAN);
    /* fcvt.w.s: sign-extended integer result, not boxed */
    IrHelperFn3 to_int = (IrHelperFn3)h_fcvt_int_s.fixed.fn;
    assert_int_equal(to_int(cpu, BOXED(0xbf800000), FPU_INT_W, RNE), ~0ull);
    /* fcvt.d.s unboxes, fcvt.s.d boxes */
    assert_int_equal(((IrHelperFn2)h_fcvt_d_s.fixed.fn)(cpu, BOXED(S_ONE), RNE), D_ONE);
    assert_int_equal(((IrHelperFn2)h_fcvt_s_d.fixed.fn)(cpu, D_ONE, RNE), BOXED(S_ONE));
    /* fmin of a non-boxed value and 1: the NaN loses */
    assert_int_equal(((IrHelperFn2)h_fmin_s.fn)(cpu, 0, BOXED(S_ONE)), BOXED(S_ONE));
    free(cpu);
}

static void test_helper_flags_accumulate(void **state)
{
    (void)state;
    RvCpu *cpu = new_cpu();
    IrHelperFn3 fdiv = (IrHelperFn3)h_fdiv_d.fixed.fn;
    fdiv(cpu, D_ONE, 0, RNE);
    assert_int_equal(cpu->fflags, DZ);
    fdiv(cpu, D_ONE, 0x4008000000000000ull, RNE);
    assert_int_equal(cpu->fflags, DZ | NX);
    assert_int_equal(((IrHelperFn2)h_flt_d.fn)(cpu, D_QNAN, D_ONE), 0);
    assert_int_equal(cpu->fflags, DZ | NX | NV);
    free(cpu);
}

static void test_helper_dynamic_rm(void **state)
{
    (void)state;
    RvCpu *cpu = new_cpu();
    IrHelperFn3 fadd = (IrHelperFn3)h_fadd_s.dyn.fn;
    cpu->frm = RMM;
    assert_int_equal(fadd(cpu, BOXED(S_ONE), BOXED(0x33800000), RV_RM_DYN), BOXED(0x3f800001));
    cpu->frm = RNE;
    assert_int_equal(fadd(cpu, BOXED(S_ONE), BOXED(0x33800000), RV_RM_DYN), BOXED(S_ONE));
    /* a static rm overrides frm */
    assert_int_equal(fadd(cpu, BOXED(S_ONE), BOXED(0x33800000), RUP), BOXED(0x3f800001));
    /* reserved frm: illegal instruction, nothing written */
    for (uint64_t frm = 5; frm <= 7; frm++) {
        cpu->frm = frm;
        cpu->fflags = 0;
        cpu->common.exception = CPU_EXCP_NONE;
        if (sigsetjmp(cpu->common.jmp, 0) == 0) {
            fadd(cpu, BOXED(S_ONE), BOXED(0x33800000), RV_RM_DYN);
            fail_msg("frm %u did not raise", (unsigned)frm);
        }
        assert_int_equal(cpu->common.exception, CPU_EXCP_ILLEGAL);
        assert_int_equal(cpu->fflags, 0);
    }
    free(cpu);
}

static void test_helper_descriptors(void **state)
{
    (void)state;
    /* only the dynamic-rm twin may fault; none touches IR globals */
    const RvFpHelper *rm_helpers[] = {&h_fadd_s, &h_fma_d, &h_fcvt_int_s, &h_fcvt_d_int, &h_fcvt_d_s};
    for (size_t i = 0; i < sizeof(rm_helpers) / sizeof(rm_helpers[0]); i++) {
        assert_int_equal(rm_helpers[i]->fixed.flags, IR_HELPER_HAS_RESULT);
        assert_int_equal(rm_helpers[i]->dyn.flags, IR_HELPER_HAS_RESULT | IR_HELPER_CAN_FAULT);
        assert_ptr_equal(rm_helpers[i]->fixed.fn, rm_helpers[i]->dyn.fn);
    }
    assert_int_equal(h_fma_s.fixed.nargs, 5);
    assert_int_equal(h_feq_d.flags, IR_HELPER_HAS_RESULT);
    assert_int_equal(h_fclass_s.nargs, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_rounding),
        cmocka_unit_test(test_add_zeros_and_specials),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_underflow_tininess),
        cmocka_unit_test(test_tininess_after_rounding),
        cmocka_unit_test(test_div_sqrt),
        cmocka_unit_test(test_fma),
        cmocka_unit_test(test_min_max),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_class),
        cmocka_unit_test(test_to_int),
        cmocka_unit_test(test_from_int),
        cmocka_unit_test(test_convert),
        cmocka_unit_test(test_helper_boxing),
        cmocka_unit_test(test_helper_flags_accumulate),
        cmocka_unit_test(test_helper_dynamic_rm),
        cmocka_unit_test(test_helper_descriptors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
