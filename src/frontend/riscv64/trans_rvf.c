/*
 * RISC-V F (single precision): the trans_* functions of the F rows of
 * insn32.def, and the rv_gen_fp_* generators trans_rvd.c shares (fpu.h).
 *
 * Anything that rounds, raises flags or follows NaN rules is a call to a
 * helper in fpu.c: register values go in as arguments and the result comes
 * back into the destination register, so the helper touches no IR global.
 * Bit moves (loads, stores, fmv, sign injection, NaN-boxing) are plain IR.
 *
 * Rounding mode: rm 0..4 is passed to the helper as a constant; rm 7
 * (dynamic) selects the helper twin that reads frm and may raise illegal
 * instruction; rm 5 and 6 are reserved, so the instruction is illegal.
 */
#include "fpu.h"
#include "rv-gen.h"

#define BOX32 0xffffffff00000000ull
#define CANONICAL_NAN32_BOXED (BOX32 | FPU_CANONICAL_NAN32)

/* the helper flavour for rm, NULL if rm is reserved */
static const IrHelper *pick_rm(const RvFpHelper *h, unsigned rm)
{
    if (rm == RV_RM_DYN)
        return &h->dyn;
    return rm <= RV_RM_RMM ? &h->fixed : NULL;
}

bool rv_gen_fp_rm(RvContext *ctx, const RvArgs *a, const RvFpHelper *h, unsigned nsrc)
{
    const IrHelper *fn = pick_rm(h, a->rm);
    if (!fn)
        return false;
    IrTemp args[3] = {rv_fpr[a->rs1], rv_fpr[a->rs2], 0};
    args[nsrc] = rv_imm(ctx, a->rm);
    ir_call(rv_ir(ctx), fn, rv_fpr[a->rd], args, nsrc + 1);
    return true;
}

bool rv_gen_fp_fma(RvContext *ctx, const RvArgs *a, const RvFpHelper *h, unsigned neg)
{
    const IrHelper *fn = pick_rm(h, a->rm);
    if (!fn)
        return false;
    IrTemp args[5] = {rv_fpr[a->rs1], rv_fpr[a->rs2], rv_fpr[a->rs3], rv_imm(ctx, neg),
                      rv_imm(ctx, a->rm)};
    ir_call(rv_ir(ctx), fn, rv_fpr[a->rd], args, 5);
    return true;
}

/* the conversion runs even for rd = x0: it still sets flags */
bool rv_gen_fp_to_int(RvContext *ctx, const RvArgs *a, const RvFpHelper *h)
{
    const IrHelper *fn = pick_rm(h, a->rm);
    if (!fn)
        return false;
    IrTemp args[3] = {rv_fpr[a->rs1], rv_imm(ctx, a->rs2), rv_imm(ctx, a->rm)};
    ir_call(rv_ir(ctx), fn, rv_dest(ctx, a->rd), args, 3);
    return true;
}

bool rv_gen_fp_from_int(RvContext *ctx, const RvArgs *a, const RvFpHelper *h)
{
    const IrHelper *fn = pick_rm(h, a->rm);
    if (!fn)
        return false;
    IrTemp args[3] = {rv_get_gpr(ctx, a->rs1), rv_imm(ctx, a->rs2), rv_imm(ctx, a->rm)};
    ir_call(rv_ir(ctx), fn, rv_fpr[a->rd], args, 3);
    return true;
}

bool rv_gen_fp_minmax(RvContext *ctx, const RvArgs *a, const IrHelper *h)
{
    IrTemp args[2] = {rv_fpr[a->rs1], rv_fpr[a->rs2]};
    ir_call(rv_ir(ctx), h, rv_fpr[a->rd], args, 2);
    return true;
}

bool rv_gen_fp_to_gpr(RvContext *ctx, const RvArgs *a, const IrHelper *h, unsigned nsrc)
{
    IrTemp args[2] = {rv_fpr[a->rs1], rv_fpr[a->rs2]};
    ir_call(rv_ir(ctx), h, rv_dest(ctx, a->rd), args, nsrc);
    return true;
}

/* f[reg] as a boxed single: the boxed canonical NaN if it is not NaN-boxed */
static IrTemp unboxed_s(RvContext *ctx, unsigned reg)
{
    IrBlock *b = rv_ir(ctx);
    IrTemp t = rv_tmp64(ctx);
    ir_movcond(b, IR_COND_GEU, t, rv_fpr[reg], ir_const64(b, BOX32), rv_fpr[reg],
               ir_const64(b, CANONICAL_NAN32_BOXED));
    return t;
}

/*
 * Singles work on boxed values: the upper 32 bits of both operands are ones
 * and only bit 31 changes, so the result stays boxed.
 */
bool rv_gen_fsgnj(RvContext *ctx, const RvArgs *a, FpuFormat f, RvSgnj mode)
{
    IrBlock *b = rv_ir(ctx);
    IrTemp sign = ir_const64(b, f == FPU_F32 ? 1ull << 31 : 1ull << 63);
    IrTemp x = f == FPU_F32 ? unboxed_s(ctx, a->rs1) : rv_fpr[a->rs1];
    IrTemp out = rv_fpr[a->rd];
    if (a->rs1 == a->rs2) {   /* the fmv/fneg/fabs idioms */
        switch (mode) {
        case RV_SGNJ: ir_mov(b, out, x); break;
        case RV_SGNJN: ir_xor(b, out, x, sign); break;
        case RV_SGNJX: ir_andc(b, out, x, sign); break;
        }
        return true;
    }
    IrTemp y = f == FPU_F32 ? unboxed_s(ctx, a->rs2) : rv_fpr[a->rs2];
    IrTemp ysign = rv_tmp64(ctx);
    if (mode == RV_SGNJN)
        ir_andc(b, ysign, sign, y);
    else
        ir_and(b, ysign, y, sign);
    if (mode == RV_SGNJX) {
        ir_xor(b, out, x, ysign);
    } else {
        IrTemp magnitude = rv_tmp64(ctx);
        ir_andc(b, magnitude, x, sign);
        ir_or(b, out, magnitude, ysign);
    }
    return true;
}

bool rv_gen_fp_load(RvContext *ctx, const RvArgs *a, unsigned size_log2)
{
    IrBlock *b = rv_ir(ctx);
    IrTemp addr = rv_addr(ctx, a->rs1, a->imm);
    IrTemp t = rv_tmp64(ctx);   /* rd changes only once the load cannot fault */
    ir_ld(b, t, addr, rv_memop(ctx, size_log2, 0));
    if (size_log2 == 2)
        ir_or(b, rv_fpr[a->rd], t, ir_const64(b, BOX32));
    else
        ir_mov(b, rv_fpr[a->rd], t);
    return true;
}

bool rv_gen_fp_store(RvContext *ctx, const RvArgs *a, unsigned size_log2)
{
    IrTemp addr = rv_addr(ctx, a->rs1, a->imm);
    ir_st(rv_ir(ctx), rv_fpr[a->rs2], addr, rv_memop(ctx, size_log2, 0));
    return true;
}

bool trans_flw(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_load(ctx, a, 2); }
bool trans_fsw(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_store(ctx, a, 2); }

bool trans_fadd_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_rm(ctx, a, &h_fadd_s, 2); }
bool trans_fsub_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_rm(ctx, a, &h_fsub_s, 2); }
bool trans_fmul_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_rm(ctx, a, &h_fmul_s, 2); }
bool trans_fdiv_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_rm(ctx, a, &h_fdiv_s, 2); }
bool trans_fsqrt_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_rm(ctx, a, &h_fsqrt_s, 1); }

bool trans_fmadd_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_fma(ctx, a, &h_fma_s, 0); }
bool trans_fmsub_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_fma(ctx, a, &h_fma_s, FPU_NEG_ADDEND); }
bool trans_fnmsub_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_fma(ctx, a, &h_fma_s, FPU_NEG_PRODUCT); }
bool trans_fnmadd_s(RvContext *ctx, const RvArgs *a)
{
    return rv_gen_fp_fma(ctx, a, &h_fma_s, FPU_NEG_PRODUCT | FPU_NEG_ADDEND);
}

bool trans_fsgnj_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fsgnj(ctx, a, FPU_F32, RV_SGNJ); }
bool trans_fsgnjn_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fsgnj(ctx, a, FPU_F32, RV_SGNJN); }
bool trans_fsgnjx_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fsgnj(ctx, a, FPU_F32, RV_SGNJX); }

bool trans_fmin_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_minmax(ctx, a, &h_fmin_s); }
bool trans_fmax_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_minmax(ctx, a, &h_fmax_s); }

bool trans_feq_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_to_gpr(ctx, a, &h_feq_s, 2); }
bool trans_flt_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_to_gpr(ctx, a, &h_flt_s, 2); }
bool trans_fle_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_to_gpr(ctx, a, &h_fle_s, 2); }
bool trans_fclass_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_to_gpr(ctx, a, &h_fclass_s, 1); }

/* rs2 (0..3) selects w, wu, l, lu: the helper takes it as an FpuIntKind */
bool trans_fcvt_w_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_to_int(ctx, a, &h_fcvt_int_s); }
bool trans_fcvt_wu_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_to_int(ctx, a, &h_fcvt_int_s); }
bool trans_fcvt_l_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_to_int(ctx, a, &h_fcvt_int_s); }
bool trans_fcvt_lu_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_to_int(ctx, a, &h_fcvt_int_s); }
bool trans_fcvt_s_w(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_from_int(ctx, a, &h_fcvt_s_int); }
bool trans_fcvt_s_wu(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_from_int(ctx, a, &h_fcvt_s_int); }
bool trans_fcvt_s_l(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_from_int(ctx, a, &h_fcvt_s_int); }
bool trans_fcvt_s_lu(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_from_int(ctx, a, &h_fcvt_s_int); }

/* fmv.x.w sign-extends the low word without checking the boxing */
bool trans_fmv_x_w(RvContext *ctx, const RvArgs *a)
{
    if (a->rd != 0)
        ir_ext32s(rv_ir(ctx), rv_gpr[a->rd], rv_fpr[a->rs1]);
    return true;
}

/* or-ing the box replaces the upper word of x[rs1] */
bool trans_fmv_w_x(RvContext *ctx, const RvArgs *a)
{
    IrBlock *b = rv_ir(ctx);
    ir_or(b, rv_fpr[a->rd], rv_get_gpr(ctx, a->rs1), ir_const64(b, BOX32));
    return true;
}
