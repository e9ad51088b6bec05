/*
 * The value semantics of every pure IR op, written once. The constant folder
 * (opt-fold.c) and the interpreter (engine/interp) both include this file, so
 * folding at translation time and executing at run time cannot disagree; the
 * JIT is checked against the interpreter.
 *
 * Values are uint64_t; an I32 value is zero-extended and results are masked.
 */
#ifndef POLYVM_IR_EVAL_H
#define POLYVM_IR_EVAL_H

#include "polyvm/ir.h"

static inline uint64_t ir_sext32(uint64_t v) { return (uint64_t)(int64_t)(int32_t)v; }

/* signed view of a value of the given type */
static inline int64_t ir_signed(IrType t, uint64_t v)
{
    return t == IR_I32 ? (int64_t)(int32_t)v : (int64_t)v;
}

static inline uint64_t ir_eval_div(IrType t, uint64_t a, uint64_t b, bool is_signed, bool want_rem)
{
    uint64_t mask = ir_type_mask(t);
    if (b == 0)
        return want_rem ? a : mask;
    if (!is_signed)
        return (want_rem ? a % b : a / b) & mask;
    int64_t sa = ir_signed(t, a), sb = ir_signed(t, b);
    int64_t min = t == IR_I32 ? INT32_MIN : INT64_MIN;
    if (sa == min && sb == -1)
        return want_rem ? 0 : (uint64_t)sa & mask;
    return (uint64_t)(want_rem ? sa % sb : sa / sb) & mask;
}

static inline uint64_t ir_eval_mulh(IrType t, uint64_t a, uint64_t b, int sign_a, int sign_b)
{
    /* 128-bit products cannot overflow for any operand signedness */
    if (t == IR_I32) {
        __int128 x = sign_a ? (__int128)(int32_t)a : (__int128)(uint32_t)a;
        __int128 y = sign_b ? (__int128)(int32_t)b : (__int128)(uint32_t)b;
        return (uint64_t)((unsigned __int128)(x * y) >> 32) & 0xffffffffu;
    }
    if (!sign_a && !sign_b)
        return (uint64_t)(((unsigned __int128)a * b) >> 64);
    __int128 x = sign_a ? (__int128)(int64_t)a : (__int128)a;
    __int128 y = sign_b ? (__int128)(int64_t)b : (__int128)b;
    /* signed x unsigned fits in 128 bits: |x| < 2^63, y < 2^64 */
    return (uint64_t)((unsigned __int128)(x * y) >> 64);
}

static inline uint64_t ir_eval_shift(IrOpcode op, IrType t, uint64_t a, uint64_t b)
{
    unsigned bits = t == IR_I32 ? 32 : 64;
    unsigned s = (unsigned)b & (bits - 1);
    uint64_t mask = ir_type_mask(t);
    switch (op) {
    case IR_OP_shl: return (a << s) & mask;
    case IR_OP_shr: return (a & mask) >> s;
    case IR_OP_sar: return (uint64_t)(ir_signed(t, a) >> s) & mask;
    case IR_OP_rotl: return s ? ((a << s) | ((a & mask) >> (bits - s))) & mask : a & mask;
    case IR_OP_rotr: return s ? (((a & mask) >> s) | (a << (bits - s))) & mask : a & mask;
    default: return 0;
    }
}

static inline uint64_t ir_eval_bswap(IrType t, uint64_t a)
{
    return t == IR_I32 ? __builtin_bswap32((uint32_t)a) : __builtin_bswap64(a);
}

/* in[]: input values in operand order; consts[]: the insn's constants */
static inline uint64_t ir_eval_pure_inline(IrOpcode op, IrType t, const uint64_t *in,
                                           const uint64_t *consts)
{
    uint64_t mask = ir_type_mask(t);
    uint64_t a = in[0], b = in[1];
    unsigned bits = t == IR_I32 ? 32 : 64;
    switch (op) {
    case IR_OP_mov: return a & mask;
    case IR_OP_ext_i32_i64: return ir_sext32(a);
    case IR_OP_extu_i32_i64: return (uint32_t)a;
    case IR_OP_trunc_i64_i32: return (uint32_t)a;
    case IR_OP_ext8s: return (uint64_t)(int64_t)(int8_t)a & mask;
    case IR_OP_ext8u: return (uint8_t)a;
    case IR_OP_ext16s: return (uint64_t)(int64_t)(int16_t)a & mask;
    case IR_OP_ext16u: return (uint16_t)a;
    case IR_OP_ext32s: return ir_sext32(a);
    case IR_OP_ext32u: return (uint32_t)a;
    case IR_OP_add: return (a + b) & mask;
    case IR_OP_sub: return (a - b) & mask;
    case IR_OP_neg: return (0 - a) & mask;
    case IR_OP_mul: return (a * b) & mask;
    case IR_OP_mulsh: return ir_eval_mulh(t, a, b, 1, 1);
    case IR_OP_muluh: return ir_eval_mulh(t, a, b, 0, 0);
    case IR_OP_mulsuh: return ir_eval_mulh(t, a, b, 1, 0);
    case IR_OP_div: return ir_eval_div(t, a, b, true, false);
    case IR_OP_divu: return ir_eval_div(t, a, b, false, false);
    case IR_OP_rem: return ir_eval_div(t, a, b, true, true);
    case IR_OP_remu: return ir_eval_div(t, a, b, false, true);
    case IR_OP_and: return a & b;
    case IR_OP_or: return (a | b) & mask;
    case IR_OP_xor: return (a ^ b) & mask;
    case IR_OP_andc: return a & ~b & mask;
    case IR_OP_orc: return (a | ~b) & mask;
    case IR_OP_xnor: return ~(a ^ b) & mask;
    case IR_OP_not: return ~a & mask;
    case IR_OP_shl: case IR_OP_shr: case IR_OP_sar: case IR_OP_rotl: case IR_OP_rotr:
        return ir_eval_shift(op, t, a, b);
    case IR_OP_clz:
        a &= mask;
        return a ? (uint64_t)(__builtin_clzll(a) - (64 - bits)) : bits;
    case IR_OP_ctz:
        a &= mask;
        return a ? (uint64_t)__builtin_ctzll(a) : bits;
    case IR_OP_ctpop: return (uint64_t)__builtin_popcountll(a & mask);
    case IR_OP_bswap: return ir_eval_bswap(t, a);
    case IR_OP_setcond: return ir_cond_eval((IrCond)consts[0], t, a, b);
    case IR_OP_movcond: return (ir_cond_eval((IrCond)consts[0], t, a, b) ? in[2] : in[3]) & mask;
    default: return 0;
    }
}

#endif
