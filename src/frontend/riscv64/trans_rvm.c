/*
 * M extension: multiplication and division. The IR's div/rem ops already
 * follow RISC-V for division by zero and signed overflow (see ir-ops.def),
 * so every instruction is a single op; the W forms divide on I32 temps.
 */
#include "rv-gen.h"

bool trans_mul(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_mul); }
bool trans_mulh(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_mulsh); }
bool trans_mulhsu(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_mulsuh); }
bool trans_mulhu(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_muluh); }
bool trans_div(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_div); }
bool trans_divu(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_divu); }
bool trans_rem(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_rem); }
bool trans_remu(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_remu); }

/* the low word of a 64-bit product is the 32-bit product */
bool trans_mulw(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_LO32, ir_mul); }
bool trans_divw(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_W32, ir_div); }
bool trans_divuw(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_W32, ir_divu); }
bool trans_remw(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_W32, ir_rem); }
bool trans_remuw(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_W32, ir_remu); }
