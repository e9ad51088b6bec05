/*
 * Zbs (bitmanip v1.0.0): single-bit clear, extract, invert and set. The
 * register forms build the mask 1 << (rs2 mod 64) in the IR (the shift op
 * already reduces the count); the immediate forms fold it into a constant.
 */
#include "rv-gen.h"

static IrTemp bit_mask(IrBlock *b, IrTemp n)
{
    IrTemp m = ir_temp_new(b, IR_I64);
    ir_shl(b, m, ir_const64(b, 1), n);
    return m;
}

static void op_bclr(IrBlock *b, IrTemp out, IrTemp x, IrTemp n) { ir_andc(b, out, x, bit_mask(b, n)); }
static void op_binv(IrBlock *b, IrTemp out, IrTemp x, IrTemp n) { ir_xor(b, out, x, bit_mask(b, n)); }
static void op_bset(IrBlock *b, IrTemp out, IrTemp x, IrTemp n) { ir_or(b, out, x, bit_mask(b, n)); }

static void op_bext(IrBlock *b, IrTemp out, IrTemp x, IrTemp n)
{
    IrTemp t = ir_temp_new(b, IR_I64);
    ir_shr(b, t, x, n);
    ir_and(b, out, t, ir_const64(b, 1));
}

static uint64_t bit(const RvArgs *a) { return 1ull << a->shamt; }

bool trans_bclr(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, op_bclr); }
bool trans_bext(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, op_bext); }
bool trans_binv(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, op_binv); }
bool trans_bset(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, op_bset); }

bool trans_bclri(RvContext *ctx, const RvArgs *a) { return gen_arith_const(ctx, a, RV_X, ir_andc, bit(a)); }
bool trans_bexti(RvContext *ctx, const RvArgs *a) { return gen_shift_imm(ctx, a, RV_X, op_bext); }
bool trans_binvi(RvContext *ctx, const RvArgs *a) { return gen_arith_const(ctx, a, RV_X, ir_xor, bit(a)); }
bool trans_bseti(RvContext *ctx, const RvArgs *a) { return gen_arith_const(ctx, a, RV_X, ir_or, bit(a)); }
