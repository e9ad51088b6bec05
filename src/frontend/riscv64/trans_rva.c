/*
 * A extension: atomic memory operations and LR/SC.
 *
 * AMOs are single atomic_rmw ops; a .w AMO reads its 32-bit memory word
 * sign-extended into rd (IR_MO_SIGN with an I64 result). All accesses carry
 * IR_MO_ALIGN because misaligned atomics must fault. aq/rl need no code:
 * the IR's atomics are sequentially consistent.
 *
 * LR/SC follow the usual emulation: lr records the address and the value it
 * loaded in RvCpu.reservation_*; sc succeeds only at the reserved address
 * and only if memory still holds that value, checked by one cmpxchg. That
 * admits the ABA case (another store of the same value), which real
 * reservations would reject; guest lock code does not depend on it.
 */
#include "rv-gen.h"

static bool gen_amo(RvContext *ctx, const RvArgs *a, IrAtomicOp aop, unsigned size_log2)
{
    ir_atomic_rmw(rv_ir(ctx), aop, rv_dest(ctx, a->rd), rv_get_gpr(ctx, a->rs1), rv_get_gpr(ctx, a->rs2),
                  rv_memop(ctx, size_log2, IR_MO_SIGN | IR_MO_ALIGN));
    return true;
}

static bool gen_lr(RvContext *ctx, const RvArgs *a, unsigned size_log2)
{
    IrBlock *b = rv_ir(ctx);
    IrTemp addr = rv_get_gpr(ctx, a->rs1);
    IrTemp val = rv_tmp64(ctx);
    ir_ld(b, val, addr, rv_memop(ctx, size_log2, IR_MO_SIGN | IR_MO_ALIGN));
    ir_st_env(b, addr, RV_CPU_OFFSET(reservation_addr), IR_MO_64);
    ir_st_env(b, val, RV_CPU_OFFSET(reservation_val), IR_MO_64);
    rv_set_gpr(ctx, a->rd, val);
    return true;
}

static bool gen_sc(RvContext *ctx, const RvArgs *a, unsigned size_log2)
{
    IrBlock *b = rv_ir(ctx);
    IrTemp addr = rv_get_gpr(ctx, a->rs1);
    IrTemp resv_addr = rv_tmp64(ctx), resv_val = rv_tmp64(ctx), old = rv_tmp64(ctx);
    IrTemp failed = rv_tmp64(ctx);
    IrLabel not_reserved = ir_label_new(b), done = ir_label_new(b);

    ir_ld_env(b, resv_addr, RV_CPU_OFFSET(reservation_addr), IR_MO_64);
    ir_brcond(b, IR_COND_NE, addr, resv_addr, not_reserved);
    ir_ld_env(b, resv_val, RV_CPU_OFFSET(reservation_val), IR_MO_64);
    IrTemp expected = resv_val;
    if (size_log2 == IR_MO_32) {
        /* cmpxchg compares the low word and returns it sign-extended; compare
         * the result the same way whatever lr left in the upper half */
        expected = rv_tmp64(ctx);
        ir_ext32s(b, expected, resv_val);
    }
    ir_cmpxchg(b, old, addr, expected, rv_get_gpr(ctx, a->rs2),
               rv_memop(ctx, size_log2, IR_MO_SIGN | IR_MO_ALIGN));
    ir_setcond(b, IR_COND_NE, failed, old, expected);
    ir_br(b, done);
    ir_set_label(b, not_reserved);
    ir_movi(b, failed, 1);
    ir_set_label(b, done);
    ir_st_env(b, ir_const64(b, UINT64_MAX), RV_CPU_OFFSET(reservation_addr), IR_MO_64);
    rv_set_gpr(ctx, a->rd, failed);
    return true;
}

bool trans_lr_w(RvContext *ctx, const RvArgs *a) { return gen_lr(ctx, a, IR_MO_32); }
bool trans_sc_w(RvContext *ctx, const RvArgs *a) { return gen_sc(ctx, a, IR_MO_32); }
bool trans_amoswap_w(RvContext *ctx, const RvArgs *a) { return gen_amo(ctx, a, IR_ATOMIC_XCHG, IR_MO_32); }
bool trans_amoadd_w(RvContext *ctx, const RvArgs *a) { return gen_amo(ctx, a, IR_ATOMIC_ADD, IR_MO_32); }
bool trans_amoxor_w(RvContext *ctx, const RvArgs *a) { return gen_amo(ctx, a, IR_ATOMIC_XOR, IR_MO_32); }
bool trans_amoand_w(RvContext *ctx, const RvArgs *a) { return gen_amo(ctx, a, IR_ATOMIC_AND, IR_MO_32); }
bool trans_amoor_w(RvContext *ctx, const RvArgs *a) { return gen_amo(ctx, a, IR_ATOMIC_OR, IR_MO_32); }
bool trans_amomin_w(RvContext *ctx, const RvArgs *a) { return gen_amo(ctx, a, IR_ATOMIC_SMIN, IR_MO_32); }
bool trans_amomax_w(RvContext *ctx, const RvArgs *a) { return gen_amo(ctx, a, IR_ATOMIC_SMAX, IR_MO_32); }
bool trans_amominu_w(RvContext *ctx, const RvArgs *a) { return gen_amo(ctx, a, IR_ATOMIC_UMIN, IR_MO_32); }
bool trans_amomaxu_w(RvContext *ctx, const RvArgs *a) { return gen_amo(ctx, a, IR_ATOMIC_UMAX, IR_MO_32); }

bool trans_lr_d(RvContext *ctx, const RvArgs *a) { return gen_lr(ctx, a, IR_MO_64); }
bool trans_sc_d(RvContext *ctx, const RvArgs *a) { return gen_sc(ctx, a, IR_MO_64); }
bool trans_amoswap_d(RvContext *ctx, const RvArgs *a) { return gen_amo(ctx, a, IR_ATOMIC_XCHG, IR_MO_64); }
bool trans_amoadd_d(RvContext *ctx, const RvArgs *a) { return gen_amo(ctx, a, IR_ATOMIC_ADD, IR_MO_64); }
bool trans_amoxor_d(RvContext *ctx, const RvArgs *a) { return gen_amo(ctx, a, IR_ATOMIC_XOR, IR_MO_64); }
bool trans_amoand_d(RvContext *ctx, const RvArgs *a) { return gen_amo(ctx, a, IR_ATOMIC_AND, IR_MO_64); }
bool trans_amoor_d(RvContext *ctx, const RvArgs *a) { return gen_amo(ctx, a, IR_ATOMIC_OR, IR_MO_64); }
bool trans_amomin_d(RvContext *ctx, const RvArgs *a) { return gen_amo(ctx, a, IR_ATOMIC_SMIN, IR_MO_64); }
bool trans_amomax_d(RvContext *ctx, const RvArgs *a) { return gen_amo(ctx, a, IR_ATOMIC_SMAX, IR_MO_64); }
bool trans_amominu_d(RvContext *ctx, const RvArgs *a) { return gen_amo(ctx, a, IR_ATOMIC_UMIN, IR_MO_64); }
bool trans_amomaxu_d(RvContext *ctx, const RvArgs *a) { return gen_amo(ctx, a, IR_ATOMIC_UMAX, IR_MO_64); }
