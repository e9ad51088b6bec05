/*
 * Privileged instructions (system mode): mret, sret, wfi and sfence.vma.
 * In user mode they do not exist (illegal instruction, as under Linux).
 *
 * Each one may change what later code depends on (mode, interrupt enables,
 * address translation), so each ends the block; the helpers set leave_code
 * when the mode changed, so the next block is looked up for the new mode.
 */
#include "rv-gen.h"
#include "rv-system.h"

static IrTemp opcode_const(RvContext *ctx) { return rv_imm(ctx, ctx->opcode); }

static bool gen_xret(RvContext *ctx, const IrHelper *h)
{
    if (!ctx->system)
        return false;
    IrTemp pc = rv_tmp64(ctx);
    rv_gen_call(ctx, h, pc, 1, opcode_const(ctx));
    ir_exit_indirect(rv_ir(ctx), pc);
    ctx->base.is_jmp = DISAS_NORETURN;
    return true;
}

bool trans_mret(RvContext *ctx, const RvArgs *a)
{
    (void)a;
    return gen_xret(ctx, &rv_helper_mret);
}

bool trans_sret(RvContext *ctx, const RvArgs *a)
{
    (void)a;
    return gen_xret(ctx, &rv_helper_sret);
}

bool trans_wfi(RvContext *ctx, const RvArgs *a)
{
    (void)a;
    if (!ctx->system)
        return false;
    rv_gen_call(ctx, &rv_helper_wfi, IR_NO_TEMP, 1, opcode_const(ctx));
    ctx->base.is_jmp = DISAS_TOO_MANY;   /* the block ends after it */
    return true;
}

bool trans_sfence_vma(RvContext *ctx, const RvArgs *a)
{
    if (!ctx->system)
        return false;
    uint64_t desc = (uint64_t)ctx->opcode << 32 | (a->rs1 != 0);
    rv_gen_call(ctx, &rv_helper_sfence_vma, IR_NO_TEMP, 2, rv_get_gpr(ctx, a->rs1), rv_imm(ctx, (int64_t)desc));
    ctx->base.is_jmp = DISAS_TOO_MANY;   /* the block ends after it */
    return true;
}
