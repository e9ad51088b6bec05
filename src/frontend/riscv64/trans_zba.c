/*
 * Zba (bitmanip v1.0.0): address generation. shNadd adds rs1 << N to rs2;
 * the .uw forms first zero-extend rs1's low word (an unsigned 32-bit index).
 */
#include "rv-gen.h"

/* rd = rs2 + (index(rs1) << shift), index = low word of rs1 if uw */
static bool gen_shadd(RvContext *ctx, const RvArgs *a, unsigned shift, bool uw)
{
    if (a->rd == 0)
        return true;
    IrBlock *b = rv_ir(ctx);
    IrTemp index = rv_get_gpr(ctx, a->rs1);
    if (uw) {
        IrTemp t = rv_tmp64(ctx);
        ir_ext32u(b, t, index);
        index = t;
    }
    if (shift) {
        IrTemp t = rv_tmp64(ctx);
        ir_shl(b, t, index, rv_imm(ctx, shift));
        index = t;
    }
    ir_add(b, rv_gpr[a->rd], rv_get_gpr(ctx, a->rs2), index);
    return true;
}

static void op_slli_uw(IrBlock *b, IrTemp out, IrTemp x, IrTemp shamt)
{
    IrTemp t = ir_temp_new(b, IR_I64);
    ir_ext32u(b, t, x);
    ir_shl(b, out, t, shamt);
}

bool trans_add_uw(RvContext *ctx, const RvArgs *a) { return gen_shadd(ctx, a, 0, true); }
bool trans_sh1add(RvContext *ctx, const RvArgs *a) { return gen_shadd(ctx, a, 1, false); }
bool trans_sh2add(RvContext *ctx, const RvArgs *a) { return gen_shadd(ctx, a, 2, false); }
bool trans_sh3add(RvContext *ctx, const RvArgs *a) { return gen_shadd(ctx, a, 3, false); }
bool trans_sh1add_uw(RvContext *ctx, const RvArgs *a) { return gen_shadd(ctx, a, 1, true); }
bool trans_sh2add_uw(RvContext *ctx, const RvArgs *a) { return gen_shadd(ctx, a, 2, true); }
bool trans_sh3add_uw(RvContext *ctx, const RvArgs *a) { return gen_shadd(ctx, a, 3, true); }
bool trans_slli_uw(RvContext *ctx, const RvArgs *a) { return gen_shift_imm(ctx, a, RV_X, op_slli_uw); }
