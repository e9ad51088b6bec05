/*
 * The host-FPU fast path (src/frontend/riscv64/fpu-host.h) against the
 * software core: whenever the fast path answers, its result must be the
 * core's bit for bit and the core must raise no flag but NX. Operands are
 * random with their exponents drawn near the edges that matter (smallest
 * normal, overflow, subnormals, zero, infinity, NaN). The seed is printed;
 * POLYVM_TEST_SEED repeats a run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fpu.h"
#include "fpu-host.h"

static uint64_t rng_state;

static uint64_t next_random(void)
{
    /* xorshift64*: enough spread for operand generation */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* a value of format f whose exponent is often at an interesting edge */
static uint64_t random_operand(FpuFormat f)
{
    unsigned mant_bits = f == FPU_F64 ? 52 : 23, exp_max = f == FPU_F64 ? 0x7ff : 0xff;
    unsigned bias = exp_max >> 1;
    uint64_t r = next_random();
    uint64_t mant = next_random() & ((1ull << mant_bits) - 1);
    unsigned exp;
    switch (r % 8) {
    case 0: exp = 1 + (unsigned)(r >> 8) % 3; break;                 /* smallest normals */
    case 1: exp = exp_max - 1 - (unsigned)(r >> 8) % 3; break;       /* near overflow */
    case 2: exp = 0; break;                                          /* subnormal or zero */
    case 3: exp = exp_max; break;                                    /* infinity or NaN */
    case 4: exp = bias + (unsigned)(r >> 8) % 5 - 2; mant &= 0xff; break; /* short mantissas near 1 */
    default: exp = 1 + (unsigned)(r >> 8) % (exp_max - 1); break;
    }
    if ((r >> 20) % 16 == 0)
        mant = 0;
    uint64_t sign = (r >> 30) & 1;
    return (sign << (mant_bits + (f == FPU_F64 ? 11 : 8))) | ((uint64_t)exp << mant_bits) | mant;
}

static uint64_t core(FpuFormat f, FpuHostOp op, uint64_t a, uint64_t b, uint64_t c, unsigned *flags)
{
    switch (op) {
    case FPU_HOST_ADD: return fpu_add(f, a, b, RV_RM_RNE, flags);
    case FPU_HOST_SUB: return fpu_sub(f, a, b, RV_RM_RNE, flags);
    case FPU_HOST_MUL: return fpu_mul(f, a, b, RV_RM_RNE, flags);
    case FPU_HOST_DIV: return fpu_div(f, a, b, RV_RM_RNE, flags);
    case FPU_HOST_SQRT: return fpu_sqrt(f, a, RV_RM_RNE, flags);
    default: return fpu_fma(f, a, b, c, 0, RV_RM_RNE, flags);
    }
}

static void test_fast_path_matches_core(void **state)
{
    (void)state;
    static const char *const names[] = {"add", "sub", "mul", "div", "sqrt", "fma"};
    for (int fi = 0; fi < 2; fi++) {
        FpuFormat f = fi ? FPU_F64 : FPU_F32;
        for (int op = FPU_HOST_ADD; op <= FPU_HOST_FMA; op++) {
            unsigned taken = 0, total = 200000;
            for (unsigned i = 0; i < total; i++) {
                uint64_t a = random_operand(f), b = random_operand(f), c = random_operand(f), fast;
                if (!fpu_host_try(f, (FpuHostOp)op, a, b, c, RV_RM_RNE, RV_FFLAG_NX, &fast))
                    continue;
                taken++;
                unsigned flags = 0;
                uint64_t want = core(f, (FpuHostOp)op, a, b, c, &flags);
                if (fast != want || (flags & ~RV_FFLAG_NX)) {
                    fprintf(stderr, "%s%s(%#llx, %#llx, %#llx): host %#llx, core %#llx flags %#x\n", names[op],
                            fi ? "_d" : "_s", (unsigned long long)a, (unsigned long long)b,
                            (unsigned long long)c, (unsigned long long)fast, (unsigned long long)want, flags);
                    fail();
                }
            }
            /* the fast path must actually be exercised, or this proves nothing */
            assert_true(taken > total / 20);
        }
    }
}

static void test_fast_path_conditions(void **state)
{
    (void)state;
    uint64_t out;
    const uint64_t one = 0x3ff0000000000000ull, three = 0x4008000000000000ull;
    /* exact-or-not unknown without NX set, and only round-to-nearest-even */
    assert_false(fpu_host_try(FPU_F64, FPU_HOST_DIV, one, three, 0, RV_RM_RNE, 0, &out));
    assert_false(fpu_host_try(FPU_F64, FPU_HOST_DIV, one, three, 0, RV_RM_RTZ, RV_FFLAG_NX, &out));
    assert_true(fpu_host_try(FPU_F64, FPU_HOST_DIV, one, three, 0, RV_RM_RNE, RV_FFLAG_NX, &out));
    assert_int_equal(out, 0x3fd5555555555555ull);
    /* division by zero and a result at the smallest normal go to the core */
    assert_false(fpu_host_try(FPU_F64, FPU_HOST_DIV, one, 0, 0, RV_RM_RNE, RV_FFLAG_NX, &out));
    assert_false(fpu_host_try(FPU_F64, FPU_HOST_MUL, 0x0010000000000000ull, one, 0, RV_RM_RNE, RV_FFLAG_NX, &out));
}

int main(void)
{
    const char *env = getenv("POLYVM_TEST_SEED");
    rng_state = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL) * 2654435761u + 1;
    if (!rng_state)
        rng_state = 1;
    printf("test_fpu_host: seed %llu (POLYVM_TEST_SEED to repeat)\n", (unsigned long long)rng_state);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_path_matches_core),
        cmocka_unit_test(test_fast_path_conditions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
