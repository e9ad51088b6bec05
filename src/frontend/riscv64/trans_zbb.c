/*
 * Zbb (bitmanip v1.0.0): basic bit manipulation. Almost every instruction is
 * one IR op; the W forms count or rotate within the low word and sign-extend.
 */
#include "rv-gen.h"

static void op_min(IrBlock *b, IrTemp out, IrTemp x, IrTemp y) { ir_movcond(b, IR_COND_LT, out, x, y, x, y); }
static void op_max(IrBlock *b, IrTemp out, IrTemp x, IrTemp y) { ir_movcond(b, IR_COND_GT, out, x, y, x, y); }
static void op_minu(IrBlock *b, IrTemp out, IrTemp x, IrTemp y) { ir_movcond(b, IR_COND_LTU, out, x, y, x, y); }
static void op_maxu(IrBlock *b, IrTemp out, IrTemp x, IrTemp y) { ir_movcond(b, IR_COND_GTU, out, x, y, x, y); }

/*
 * Each byte becomes 0xff if nonzero, else 0x00, without a loop:
 * (x & 0x7f..) + 0x7f.. sets a byte's top bit iff its low 7 bits are
 * nonzero (never carrying into the next byte); or-ing x adds its own top
 * bit. Keeping only top bits, >> 7 leaves 0 or 1 per byte, and * 0xff
 * widens that to the whole byte, again without carries.
 */
static void op_orc_b(IrBlock *b, IrTemp out, IrTemp x)
{
    const uint64_t low7 = 0x7f7f7f7f7f7f7f7full;
    IrTemp lows = ir_const64(b, low7);
    IrTemp t = ir_temp_new(b, IR_I64);
    ir_and(b, t, x, lows);
    ir_add(b, t, t, lows);
    ir_or(b, t, t, x);
    ir_andc(b, t, t, lows);
    ir_shr(b, t, t, ir_const64(b, 7));
    ir_mul(b, out, t, ir_const64(b, 0xff));
}

bool trans_andn(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_andc); }
bool trans_orn(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_orc); }
bool trans_xnor(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_xnor); }

bool trans_clz(RvContext *ctx, const RvArgs *a) { return gen_unary(ctx, a, RV_X, ir_clz); }
bool trans_ctz(RvContext *ctx, const RvArgs *a) { return gen_unary(ctx, a, RV_X, ir_ctz); }
bool trans_cpop(RvContext *ctx, const RvArgs *a) { return gen_unary(ctx, a, RV_X, ir_ctpop); }
bool trans_clzw(RvContext *ctx, const RvArgs *a) { return gen_unary(ctx, a, RV_W32, ir_clz); }
bool trans_ctzw(RvContext *ctx, const RvArgs *a) { return gen_unary(ctx, a, RV_W32, ir_ctz); }
bool trans_cpopw(RvContext *ctx, const RvArgs *a) { return gen_unary(ctx, a, RV_W32, ir_ctpop); }

bool trans_max(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, op_max); }
bool trans_maxu(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, op_maxu); }
bool trans_min(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, op_min); }
bool trans_minu(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, op_minu); }

bool trans_sext_b(RvContext *ctx, const RvArgs *a) { return gen_unary(ctx, a, RV_X, ir_ext8s); }
bool trans_sext_h(RvContext *ctx, const RvArgs *a) { return gen_unary(ctx, a, RV_X, ir_ext16s); }
bool trans_zext_h(RvContext *ctx, const RvArgs *a) { return gen_unary(ctx, a, RV_X, ir_ext16u); }

bool trans_rol(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_rotl); }
bool trans_ror(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_rotr); }
bool trans_rolw(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_W32, ir_rotl); }
bool trans_rorw(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_W32, ir_rotr); }
bool trans_rori(RvContext *ctx, const RvArgs *a) { return gen_shift_imm(ctx, a, RV_X, ir_rotr); }
bool trans_roriw(RvContext *ctx, const RvArgs *a) { return gen_shift_imm(ctx, a, RV_W32, ir_rotr); }

bool trans_orc_b(RvContext *ctx, const RvArgs *a) { return gen_unary(ctx, a, RV_X, op_orc_b); }
bool trans_rev8(RvContext *ctx, const RvArgs *a) { return gen_unary(ctx, a, RV_X, ir_bswap); }
