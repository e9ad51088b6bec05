/*
 * Shared IR generators for the RISC-V integer extensions (see rv-gen.h):
 * operand access at a width, and the ALU shapes "rd = rs1 op rs2/const"
 * and "rd = op rs1" that most trans functions reduce to.
 */
#include "rv-gen.h"

IrMemOp rv_memop(RvContext *ctx, unsigned size_log2, unsigned flags)
{
    /* user mode has one address space and index 0 */
    return ir_memop(size_log2, flags, ctx->mem_idx);
}

IrTemp rv_dest(RvContext *ctx, unsigned rd)
{
    return rd ? rv_gpr[rd] : rv_tmp64(ctx);
}

IrTemp rv_src(RvContext *ctx, unsigned reg, RvWidth w)
{
    if (w != RV_W32)
        return rv_get_gpr(ctx, reg);
    if (reg == 0)
        return ir_const32(rv_ir(ctx), 0);
    IrTemp t = rv_tmp32(ctx);
    ir_trunc_i64_i32(rv_ir(ctx), t, rv_gpr[reg]);
    return t;
}

static IrTemp const_at(RvContext *ctx, RvWidth w, uint64_t v)
{
    return ir_const(rv_ir(ctx), w == RV_W32 ? IR_I32 : IR_I64, v);
}

/* where the operation writes: rd itself for RV_X, else a temp to extend */
static IrTemp result_temp(RvContext *ctx, unsigned rd, RvWidth w)
{
    switch (w) {
    case RV_X: return rv_gpr[rd];
    case RV_LO32: return rv_tmp64(ctx);
    default: return rv_tmp32(ctx);
    }
}

static void result_commit(RvContext *ctx, unsigned rd, RvWidth w, IrTemp t)
{
    if (w == RV_LO32)
        ir_ext32s(rv_ir(ctx), rv_gpr[rd], t);
    else if (w == RV_W32)
        ir_ext_i32_i64(rv_ir(ctx), rv_gpr[rd], t);
}

static bool gen_binary(RvContext *ctx, const RvArgs *a, RvWidth w, RvBinOp op, bool use_const, uint64_t c)
{
    if (a->rd == 0)
        return true;
    IrTemp x = rv_src(ctx, a->rs1, w);
    IrTemp y = use_const ? const_at(ctx, w, c) : rv_src(ctx, a->rs2, w);
    IrTemp out = result_temp(ctx, a->rd, w);
    op(rv_ir(ctx), out, x, y);
    result_commit(ctx, a->rd, w, out);
    return true;
}

bool gen_arith(RvContext *ctx, const RvArgs *a, RvWidth w, RvBinOp op)
{
    return gen_binary(ctx, a, w, op, false, 0);
}

bool gen_arith_const(RvContext *ctx, const RvArgs *a, RvWidth w, RvBinOp op, uint64_t c)
{
    return gen_binary(ctx, a, w, op, true, c);
}

bool gen_arith_imm(RvContext *ctx, const RvArgs *a, RvWidth w, RvBinOp op)
{
    return gen_binary(ctx, a, w, op, true, (uint64_t)a->imm);
}

bool gen_shift_imm(RvContext *ctx, const RvArgs *a, RvWidth w, RvBinOp op)
{
    return gen_binary(ctx, a, w, op, true, a->shamt);
}

bool gen_unary(RvContext *ctx, const RvArgs *a, RvWidth w, RvUnOp op)
{
    if (a->rd == 0)
        return true;
    IrTemp x = rv_src(ctx, a->rs1, w);
    IrTemp out = result_temp(ctx, a->rd, w);
    op(rv_ir(ctx), out, x);
    result_commit(ctx, a->rd, w, out);
    return true;
}
