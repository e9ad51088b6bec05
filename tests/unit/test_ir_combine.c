/*
 * Unit tests of ir_opt_combine (src/ir/opt-combine.c): the 32- and 64-bit
 * rotate idioms in their forms and orders, the cases that must not match
 * (another value, amounts not summing to the width, a label or a call
 * between the halves), the known-bits extension rule, and a property test
 * of random blocks built around rotate idioms. Every rewritten block is
 * run against the original on the reference evaluator of
 * ir_test_support.c. The property test prints its seed; POLYVM_SEED=<n>
 * replays it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ir_test_support.h"

/* Runs orig and opt from many start states (edge values included) and
 * checks they leave the same guest state and exit the same way. */
static void assert_same_behaviour(const IrBlock *orig, const IrBlock *opt, uint64_t seed)
{
    Rng r = {seed * 0x9e3779b97f4a7c15ull + 7};
    for (unsigned k = 0; k < 64; k++) {
        TestCpu start;
        memset(&start, 0, sizeof(start));
        for (unsigned i = 0; i < NGLOBALS; i++)
            start.g[i] = k < 4 ? (k & 1 ? ~0ull : 0x80000000ull) ^ i : rng_value(&r);
        for (unsigned i = 0; i < GUEST_MEM; i++)
            start.mem[i] = (uint8_t)rng_next(&r);
        TestCpu want = start, got = start;
        ExitState e1 = eval_block(orig, &want), e2 = eval_block(opt, &got);
        if (memcmp(&want, &got, sizeof(want)) || !same_exit(e1, e2)) {
            dump_failure("combine", orig, opt, &start);
            fail_msg("combined block computes a different result");
        }
    }
}

/* Combines a copy of b (and optimizes another); checks both stay valid and
 * equivalent to b. Returns the combined copy. */
static IrBlock *combine_checked(const IrBlock *b)
{
    assert_valid(b);
    IrBlock *c = clone_block(b), *o = clone_block(b);
    ir_opt_combine(c);
    ir_optimize(o);
    assert_valid(c);
    assert_valid(o);
    assert_same_behaviour(b, c, 1);
    assert_same_behaviour(b, o, 2);
    ir_block_free(o);
    return c;
}

/* What RV64 makes of `srliw h, x, a; slliw l, x, 32-a; OP d, h, l`, the
 * halves in globals h and l, the source in global x. */
static void emit_rv_rotate32(IrBlock *b, IrOpcode op, bool swap, IrTemp x, IrTemp h, IrTemp l,
                             unsigned a)
{
    IrTemp lo = ir_temp_new(b, IR_I32), sh = ir_temp_new(b, IR_I32), wide = ir_temp_new(b, IR_I64);
    ir_insn_start(b, 0x100);
    ir_trunc_i64_i32(b, lo, x);
    ir_shr(b, sh, lo, ir_const32(b, a));
    ir_ext_i32_i64(b, h, sh);
    ir_insn_start(b, 0x104);
    ir_shl(b, wide, x, ir_const64(b, 32 - a));
    ir_ext32s(b, l, wide);
    ir_insn_start(b, 0x108);
    ir_emit2(b, op, IR_I64, h, swap ? l : h, swap ? h : l);
}

static void test_combine_rotate32_forms(void **state)
{
    (void)state;
    static const IrOpcode ops[] = {IR_OP_or, IR_OP_xor, IR_OP_add};
    for (unsigned k = 0; k < 3; k++)
        for (unsigned swap = 0; swap < 2; swap++) {
            IrBlock *b = new_block();
            emit_rv_rotate32(b, ops[k], swap, G[0], G[1], G[2], 18);
            ir_goto_tb(b, 0, 0x10c);
            IrBlock *c = combine_checked(b);
            assert_int_equal(count_op(c, ops[k]), 0);
            const IrInsn *rot = find_op(c, IR_OP_rotr, 0);
            assert_int_equal(rot->type, IR_I32);
            assert_true(is_const(c, rot->args[2], 18));
            const IrInsn *ext = last_def(c, G[1]);
            assert_int_equal(ext->op, IR_OP_ext_i32_i64);
            assert_int_equal(ext->args[1], rot->args[0]);
            /* the rotate reads the truncation already there */
            assert_int_equal(count_op(c, IR_OP_trunc_i64_i32), 1);
            /* the shifts stay for the guest registers they write */
            assert_int_equal(count_op(c, IR_OP_shl), 1);
            ir_optimize(c);
            assert_int_equal(count_op(c, IR_OP_shr), 0);   /* its global is overwritten */
            assert_int_equal(count_op(c, IR_OP_shl), 1);
            ir_block_free(c);
            ir_block_free(b);
        }
}

static void test_combine_rotate32_interleaved(void **state)
{
    (void)state;
    /* halves in other registers, other work in between, a half copied,
     * and a left half zero-extended */
    IrBlock *b = new_block();
    IrTemp lo = ir_temp_new(b, IR_I32), sh = ir_temp_new(b, IR_I32), wide = ir_temp_new(b, IR_I64);
    IrTemp copy = ir_temp_new(b, IR_I64), d = ir_temp_new(b, IR_I64);
    ir_insn_start(b, 0x100);
    ir_shl(b, copy, G[0], ir_const64(b, 7));
    ir_mov(b, wide, copy);
    ir_add(b, G[3], G[3], G[1]);
    ir_ext32u(b, G[2], wide);
    ir_trunc_i64_i32(b, lo, G[0]);
    ir_mul(b, G[1], G[3], G[3]);
    ir_shr(b, sh, lo, ir_const32(b, 25));
    ir_ext_i32_i64(b, d, sh);
    ir_xor(b, G[1], G[2], d);
    ir_goto_tb(b, 0, 0x104);
    IrBlock *c = combine_checked(b);
    assert_int_equal(count_op(c, IR_OP_rotr), 1);
    assert_int_equal(last_def(c, G[1])->op, IR_OP_extu_i32_i64);
    ir_block_free(c);
    ir_block_free(b);

    /* the same idiom on I32 temps: one rotate, no extension */
    b = new_block();
    IrTemp x = ir_temp_new(b, IR_I32), l = ir_temp_new(b, IR_I32), h = ir_temp_new(b, IR_I32);
    IrTemp r = ir_temp_new(b, IR_I32);
    ir_insn_start(b, 0x100);
    ir_trunc_i64_i32(b, x, G[0]);
    ir_shl(b, l, x, ir_const32(b, 10));
    ir_shr(b, h, x, ir_const32(b, 22));
    ir_add(b, r, l, h);
    ir_extu_i32_i64(b, G[1], r);
    ir_goto_tb(b, 0, 0x104);
    c = combine_checked(b);
    const IrInsn *rot = last_def(c, r);
    assert_int_equal(rot->op, IR_OP_rotr);
    assert_int_equal(rot->args[1], x);
    assert_true(is_const(c, rot->args[2], 22));
    ir_block_free(c);
    ir_block_free(b);
}

static void test_combine_needs_same_value(void **state)
{
    (void)state;
    /* x redefined between the shifts: the halves come from two values */
    IrBlock *b = new_block();
    IrTemp lo = ir_temp_new(b, IR_I32), sh = ir_temp_new(b, IR_I32), wide = ir_temp_new(b, IR_I64);
    ir_insn_start(b, 0x100);
    ir_trunc_i64_i32(b, lo, G[0]);
    ir_shr(b, sh, lo, ir_const32(b, 18));
    ir_ext_i32_i64(b, G[1], sh);
    ir_addi(b, G[0], G[0], 1);
    ir_shl(b, wide, G[0], ir_const64(b, 14));
    ir_ext32s(b, G[2], wide);
    ir_or(b, G[1], G[1], G[2]);
    ir_goto_tb(b, 0, 0x104);
    IrBlock *c = combine_checked(b);
    assert_int_equal(count_op(c, IR_OP_rotr), 0);
    assert_int_equal(count_op(c, IR_OP_or), 1);
    ir_block_free(c);
    ir_block_free(b);

    /* x redefined after both shifts: the truncation still holds the value */
    b = new_block();
    emit_rv_rotate32(b, IR_OP_or, false, G[0], G[1], G[2], 9);
    b->ninsns--;                          /* the or, re-emitted after x changes */
    ir_addi(b, G[0], G[0], 3);
    ir_or(b, G[1], G[1], G[2]);
    ir_goto_tb(b, 0, 0x10c);
    c = combine_checked(b);
    assert_int_equal(count_op(c, IR_OP_rotr), 1);
    ir_block_free(c);
    ir_block_free(b);

    /* ... but not when the truncation was redefined too */
    b = new_block();
    emit_rv_rotate32(b, IR_OP_or, false, G[0], G[1], G[2], 9);
    IrTemp trunc_temp = b->insns[1].args[0];
    b->ninsns--;
    ir_addi(b, G[0], G[0], 3);
    ir_trunc_i64_i32(b, trunc_temp, G[3]);
    ir_or(b, G[1], G[1], G[2]);
    ir_goto_tb(b, 0, 0x10c);
    c = combine_checked(b);
    assert_int_equal(count_op(c, IR_OP_rotr), 0);
    ir_block_free(c);
    ir_block_free(b);

    /* a half overwritten before the or */
    b = new_block();
    emit_rv_rotate32(b, IR_OP_or, false, G[0], G[1], G[2], 9);
    b->ninsns--;
    ir_addi(b, G[2], G[2], 1);
    ir_or(b, G[1], G[1], G[2]);
    ir_goto_tb(b, 0, 0x10c);
    c = combine_checked(b);
    assert_int_equal(count_op(c, IR_OP_rotr), 0);
    ir_block_free(c);
    ir_block_free(b);
}

static void test_combine_amounts_must_sum(void **state)
{
    (void)state;
    static const unsigned pairs[][2] = {{18, 13}, {18, 15}, {16, 0}, {16, 48}};
    for (unsigned k = 0; k < 4; k++) {
        IrBlock *b = new_block();
        IrTemp lo = ir_temp_new(b, IR_I32), sh = ir_temp_new(b, IR_I32);
        IrTemp wide = ir_temp_new(b, IR_I64);
        ir_insn_start(b, 0x100);
        ir_trunc_i64_i32(b, lo, G[0]);
        ir_shr(b, sh, lo, ir_const32(b, pairs[k][0]));
        ir_ext_i32_i64(b, G[1], sh);
        ir_shl(b, wide, G[0], ir_const64(b, pairs[k][1]));
        ir_ext32s(b, G[2], wide);
        ir_or(b, G[1], G[1], G[2]);
        ir_goto_tb(b, 0, 0x104);
        IrBlock *c = combine_checked(b);
        /* 16 + 48: the 64-bit shift's low half is not a 32-bit shift */
        assert_int_equal(count_op(c, IR_OP_rotr), 0);
        ir_block_free(c);
        ir_block_free(b);
    }
}

static void test_combine_rotate64(void **state)
{
    (void)state;
    static const IrOpcode ops[] = {IR_OP_or, IR_OP_xor, IR_OP_add};
    for (unsigned k = 0; k < 6; k++) {
        IrBlock *b = new_block();
        IrTemp hi = ir_temp_new(b, IR_I64), lo = ir_temp_new(b, IR_I64);
        ir_insn_start(b, 0x100);
        ir_shr(b, hi, G[0], ir_const64(b, 20));
        ir_shl(b, lo, G[0], ir_const64(b, 44));
        ir_emit2(b, ops[k % 3], IR_I64, G[1], k < 3 ? hi : lo, k < 3 ? lo : hi);
        ir_goto_tb(b, 0, 0x104);
        IrBlock *c = combine_checked(b);
        const IrInsn *rot = last_def(c, G[1]);
        assert_int_equal(rot->op, IR_OP_rotr);
        assert_int_equal(rot->type, IR_I64);
        assert_int_equal(rot->args[1], G[0]);
        assert_true(is_const(c, rot->args[2], 20));
        ir_optimize(c);
        assert_int_equal(count_op(c, IR_OP_shl) + count_op(c, IR_OP_shr), 0);
        ir_block_free(c);
        ir_block_free(b);
    }

    /* the source redefined before the or: nothing to rotate any more */
    IrBlock *b = new_block();
    IrTemp hi = ir_temp_new(b, IR_I64), lo = ir_temp_new(b, IR_I64);
    ir_insn_start(b, 0x100);
    ir_shr(b, hi, G[0], ir_const64(b, 20));
    ir_shl(b, lo, G[0], ir_const64(b, 44));
    ir_movi(b, G[0], 5);
    ir_or(b, G[1], hi, lo);
    ir_goto_tb(b, 0, 0x104);
    IrBlock *c = combine_checked(b);
    assert_int_equal(count_op(c, IR_OP_rotr), 0);
    ir_block_free(c);
    ir_block_free(b);
}

static void test_combine_forgets_at_labels_and_calls(void **state)
{
    (void)state;
    for (unsigned k = 0; k < 2; k++) {
        IrBlock *b = new_block();
        IrTemp hi = ir_temp_new(b, IR_I64), lo = ir_temp_new(b, IR_I64);
        IrLabel l = ir_label_new(b);
        ir_insn_start(b, 0x100);
        ir_shr(b, hi, G[0], ir_const64(b, 8));
        ir_shl(b, lo, G[0], ir_const64(b, 56));
        if (k == 0) {
            /* another path reaches the label with other values in hi */
            ir_brcond(b, IR_COND_EQ, G[1], ir_const64(b, 0), l);
            ir_set_label(b, l);
        } else {
            ir_call(b, &h_bump, IR_NO_TEMP, NULL, 0);   /* may write a0 */
        }
        ir_or(b, G[2], hi, lo);
        ir_goto_tb(b, 0, 0x104);
        IrBlock *c = combine_checked(b);
        assert_int_equal(count_op(c, IR_OP_rotr), 0);
        ir_block_free(c);
        ir_block_free(b);
    }
}

static void test_combine_known_bits_extension(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    IrTemp lo = ir_temp_new(b, IR_I32), s1 = ir_temp_new(b, IR_I32), s2 = ir_temp_new(b, IR_I32);
    ir_insn_start(b, 0x100);
    ir_trunc_i64_i32(b, lo, G[0]);
    ir_shr(b, s1, lo, ir_const32(b, 3));
    ir_ext_i32_i64(b, G[1], s1);          /* bit 31 is zero: zero-extend */
    ir_sar(b, s2, lo, ir_const32(b, 3));
    ir_ext_i32_i64(b, G[2], s2);          /* may be negative: kept */
    ir_shr(b, s2, lo, ir_const32(b, 32)); /* a count of 0 keeps bit 31 */
    ir_ext_i32_i64(b, G[3], s2);
    ir_goto_tb(b, 0, 0x104);
    IrBlock *c = combine_checked(b);
    assert_int_equal(last_def(c, G[1])->op, IR_OP_extu_i32_i64);
    assert_int_equal(last_def(c, G[2])->op, IR_OP_ext_i32_i64);
    assert_int_equal(last_def(c, G[3])->op, IR_OP_ext_i32_i64);
    ir_block_free(c);
    ir_block_free(b);
}

/* Random blocks full of shifts by complementary amounts, extensions,
 * copies, redefinitions, labels and calls: combining must never change what
 * a block computes, and must find rotates often. */
static void gen_combine_op(Gen *g)
{
    Rng *r = g->r;
    unsigned a = 1 + rng_below(r, 31);
    switch (rng_below(r, 10)) {
    case 0:
        ir_trunc_i64_i32(g->b, gen_temp(g, IR_I32, false), gen_temp(g, IR_I64, false));
        break;
    case 1:
    case 2: {
        IrTemp out = gen_temp(g, IR_I32, false), in = gen_temp(g, IR_I32, false);
        unsigned n = rng_below(r, 2) ? a : 32 - a;
        (rng_below(r, 2) ? ir_shl : ir_shr)(g->b, out, in, ir_const32(g->b, n));
        break;
    }
    case 3: {
        IrTemp out = gen_temp(g, IR_I64, false), in = gen_temp(g, IR_I64, false);
        unsigned n = rng_below(r, 2) ? a : rng_below(r, 2) ? 32 - a : 64 - a;
        (rng_below(r, 2) ? ir_shl : ir_shr)(g->b, out, in, ir_const64(g->b, n));
        break;
    }
    case 4: {
        static const IrOpcode ext[] = {IR_OP_ext_i32_i64, IR_OP_extu_i32_i64};
        ir_emit1(g->b, ext[rng_below(r, 2)], IR_I64, gen_temp(g, IR_I64, false),
                 gen_temp(g, IR_I32, false));
        break;
    }
    case 5: {
        IrTemp out = gen_temp(g, IR_I64, false), in = gen_temp(g, IR_I64, false);
        (rng_below(r, 2) ? ir_ext32s : ir_ext32u)(g->b, out, in);
        break;
    }
    case 6:
    case 7: {
        static const IrOpcode comb[] = {IR_OP_or, IR_OP_xor, IR_OP_add};
        IrType t = rng_below(r, 3) ? IR_I64 : IR_I32;
        ir_emit2(g->b, comb[rng_below(r, 3)], t, gen_temp(g, t, false), gen_temp(g, t, false),
                 gen_temp(g, t, false));
        break;
    }
    case 8: {
        IrType t = rng_below(r, 2) ? IR_I64 : IR_I32;
        IrTemp out = gen_temp(g, t, false);
        if (rng_below(r, 2))
            ir_mov(g->b, out, gen_temp(g, t, false));
        else
            ir_addi(g->b, out, out, 1);
        break;
    }
    default: {
        int l = g->nlabels ? gen_unplaced_label(g) : -1;
        unsigned what = rng_below(r, 4);
        if (what == 0 && l >= 0)
            ir_brcond(g->b, IR_COND_LTU, gen_temp(g, IR_I64, false), ir_const64(g->b, 1 << 20),
                      g->labels[l]);
        else if (what == 1 && l >= 0)
            gen_place_label(g, l);
        else if (what == 2)
            ir_call(g->b, &h_bump, IR_NO_TEMP, NULL, 0);
        else
            ir_insn_start(g->b, g->guest_pc += 4);
        break;
    }
    }
}

/* One rotate idiom emitted a step at a time between random ops, which may
 * clobber its pieces (then it must not be rotated). */
typedef struct Idiom {
    unsigned step, nsteps;
    bool wide;                /* 64-bit rotate */
    bool shl_first;
    unsigned a;
    IrOpcode op;
    IrTemp x, lo, sh, h, w, l, d;
} Idiom;

static void idiom_start(Gen *g, Idiom *id)
{
    static const IrOpcode comb[] = {IR_OP_or, IR_OP_xor, IR_OP_add};
    Rng *r = g->r;
    *id = (Idiom){.wide = rng_below(r, 3) == 0, .shl_first = rng_below(r, 2),
                  .a = 1 + rng_below(r, 31), .op = comb[rng_below(r, 3)]};
    id->nsteps = id->wide ? 3 : 6;
    if (id->wide)
        id->a += rng_below(r, 2) * 32;
    id->x = gen_temp(g, IR_I64, false);
    id->lo = gen_temp(g, IR_I32, false);
    id->sh = gen_temp(g, IR_I32, false);
    id->h = gen_temp(g, IR_I64, false);
    id->w = gen_temp(g, IR_I64, false);
    id->l = gen_temp(g, IR_I64, false);
    id->d = gen_temp(g, IR_I64, false);
}

static void idiom_step(Gen *g, Idiom *id)
{
    IrBlock *b = g->b;
    unsigned s = id->step++;
    if (id->wide) {
        if (s < 2 && (s == 0) != id->shl_first)
            ir_shr(b, id->h, id->x, ir_const64(b, id->a));
        else if (s < 2)
            ir_shl(b, id->l, id->x, ir_const64(b, 64 - id->a));
    } else if (s < 5) {
        /* right half: trunc, shr, ext (steps 0-2 or 2-4); left: shl, ext32s */
        unsigned right = id->shl_first ? s - 2 : s, left = id->shl_first ? s : s - 3;
        if (right == 0)
            ir_trunc_i64_i32(b, id->lo, id->x);
        else if (right == 1)
            ir_shr(b, id->sh, id->lo, ir_const32(b, id->a));
        else if (right == 2)
            (rng_below(g->r, 2) ? ir_ext_i32_i64 : ir_extu_i32_i64)(b, id->h, id->sh);
        else if (left == 0)
            ir_shl(b, id->w, id->x, ir_const64(b, 32 - id->a));
        else
            (rng_below(g->r, 2) ? ir_ext32s : ir_ext32u)(b, id->l, id->w);
    }
    if (id->step == id->nsteps) {
        bool swap = rng_below(g->r, 2);
        ir_emit2(b, id->op, IR_I64, id->d, swap ? id->l : id->h, swap ? id->h : id->l);
    }
}

static IrBlock *gen_combine_block(Rng *r)
{
    Gen g = {.r = r, .b = new_block(), .guest_pc = 0x1000};
    for (unsigned i = 0; i < NTEMP64; i++) {
        g.t64[i] = ir_temp_new(g.b, IR_I64);
        ir_mov(g.b, g.t64[i], G[rng_below(r, NGLOBALS)]);
    }
    for (unsigned i = 0; i < NTEMP32; i++) {
        g.t32[i] = ir_temp_new(g.b, IR_I32);
        ir_trunc_i64_i32(g.b, g.t32[i], G[rng_below(r, NGLOBALS)]);
    }
    g.nlabels = rng_below(r, 3);
    for (unsigned l = 0; l < g.nlabels; l++)
        g.labels[l] = ir_label_new(g.b);
    Idiom id = {.step = 0, .nsteps = 0};
    unsigned n = 8 + rng_below(r, 40);
    for (unsigned k = 0; k < n; k++) {
        if (id.step == id.nsteps)
            idiom_start(&g, &id);
        if (rng_below(r, 4))
            idiom_step(&g, &id);
        else
            gen_combine_op(&g);
    }
    for (int l; g.nlabels && (l = gen_unplaced_label(&g)) >= 0;)
        gen_place_label(&g, l);
    ir_goto_tb(g.b, 0, 0x2000);
    return g.b;
}

static void test_property_combine_preserves_semantics(void **state)
{
    (void)state;
    const char *env = getenv("POLYVM_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL) ^ (uint64_t)clock();
    print_message("test_ir combine seed: POLYVM_SEED=%" PRIu64 "\n", seed);
    Rng r = {seed * 0x9e3779b97f4a7c15ull + 3};
    unsigned rotates = 0;
    for (unsigned iter = 0; iter < 3000; iter++) {
        IrBlock *orig = gen_combine_block(&r);
        IrBlock *c = combine_checked(orig);
        rotates += count_op(c, IR_OP_rotr);
        ir_block_free(c);
        ir_block_free(orig);
    }
    print_message("combine made %u rotates\n", rotates);
    assert_true(rotates > 100);
}

int main(void)
{
    init_globals();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_combine_rotate32_forms),
        cmocka_unit_test(test_combine_rotate32_interleaved),
        cmocka_unit_test(test_combine_needs_same_value),
        cmocka_unit_test(test_combine_amounts_must_sum),
        cmocka_unit_test(test_combine_rotate64),
        cmocka_unit_test(test_combine_forgets_at_labels_and_calls),
        cmocka_unit_test(test_combine_known_bits_extension),
        cmocka_unit_test(test_property_combine_preserves_semantics),
    };
    return cmocka_run_group_tests_name("ir_combine", tests, NULL, NULL);
}
