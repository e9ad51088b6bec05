/*
 * RISC-V D (double precision): the trans_* functions of the D rows of
 * insn32.def. They are the F instructions with 64-bit operands, so each is
 * one line over the generators of trans_rvf.c (declared in fpu.h) with the
 * _d helper of fpu.c; only fcvt.s.d / fcvt.d.s cross formats.
 */
#include "fpu.h"

bool trans_fld(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_load(ctx, a, 3); }
bool trans_fsd(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_store(ctx, a, 3); }

bool trans_fadd_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_rm(ctx, a, &h_fadd_d, 2); }
bool trans_fsub_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_rm(ctx, a, &h_fsub_d, 2); }
bool trans_fmul_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_rm(ctx, a, &h_fmul_d, 2); }
bool trans_fdiv_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_rm(ctx, a, &h_fdiv_d, 2); }
bool trans_fsqrt_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_rm(ctx, a, &h_fsqrt_d, 1); }

bool trans_fmadd_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_fma(ctx, a, &h_fma_d, 0); }
bool trans_fmsub_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_fma(ctx, a, &h_fma_d, FPU_NEG_ADDEND); }
bool trans_fnmsub_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_fma(ctx, a, &h_fma_d, FPU_NEG_PRODUCT); }
bool trans_fnmadd_d(RvContext *ctx, const RvArgs *a)
{
    return rv_gen_fp_fma(ctx, a, &h_fma_d, FPU_NEG_PRODUCT | FPU_NEG_ADDEND);
}

bool trans_fsgnj_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fsgnj(ctx, a, FPU_F64, RV_SGNJ); }
bool trans_fsgnjn_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fsgnj(ctx, a, FPU_F64, RV_SGNJN); }
bool trans_fsgnjx_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fsgnj(ctx, a, FPU_F64, RV_SGNJX); }

bool trans_fmin_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_minmax(ctx, a, &h_fmin_d); }
bool trans_fmax_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_minmax(ctx, a, &h_fmax_d); }

bool trans_feq_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_to_gpr(ctx, a, &h_feq_d, 2); }
bool trans_flt_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_to_gpr(ctx, a, &h_flt_d, 2); }
bool trans_fle_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_to_gpr(ctx, a, &h_fle_d, 2); }
bool trans_fclass_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_to_gpr(ctx, a, &h_fclass_d, 1); }

/* fcvt.d.s is exact, but its rm field is still checked like any other */
bool trans_fcvt_s_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_rm(ctx, a, &h_fcvt_s_d, 1); }
bool trans_fcvt_d_s(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_rm(ctx, a, &h_fcvt_d_s, 1); }

/* rs2 (0..3) selects w, wu, l, lu: the helper takes it as an FpuIntKind */
bool trans_fcvt_w_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_to_int(ctx, a, &h_fcvt_int_d); }
bool trans_fcvt_wu_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_to_int(ctx, a, &h_fcvt_int_d); }
bool trans_fcvt_l_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_to_int(ctx, a, &h_fcvt_int_d); }
bool trans_fcvt_lu_d(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_to_int(ctx, a, &h_fcvt_int_d); }
bool trans_fcvt_d_w(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_from_int(ctx, a, &h_fcvt_d_int); }
bool trans_fcvt_d_wu(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_from_int(ctx, a, &h_fcvt_d_int); }
bool trans_fcvt_d_l(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_from_int(ctx, a, &h_fcvt_d_int); }
bool trans_fcvt_d_lu(RvContext *ctx, const RvArgs *a) { return rv_gen_fp_from_int(ctx, a, &h_fcvt_d_int); }

bool trans_fmv_x_d(RvContext *ctx, const RvArgs *a)
{
    rv_set_gpr(ctx, a->rd, rv_fpr[a->rs1]);
    return true;
}

bool trans_fmv_d_x(RvContext *ctx, const RvArgs *a)
{
    ir_mov(rv_ir(ctx), rv_fpr[a->rd], rv_get_gpr(ctx, a->rs1));
    return true;
}
