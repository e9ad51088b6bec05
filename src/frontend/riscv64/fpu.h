/*
 * RISC-V F and D extensions: internal interface between the IEEE-754 core
 * (fpu.c), the helpers the IR calls, and the trans files (trans_rvf.c,
 * trans_rvd.c).
 *
 * Three layers:
 *   1. fpu_*(): IEEE-754 binary32/binary64 arithmetic in software on raw bit
 *      patterns, with an explicit rounding mode (RV_RM_RNE..RV_RM_RMM) and the
 *      exceptions raised returned through *flags (RV_FFLAG_*). Bit-exact with
 *      the RISC-V spec: tininess after rounding, canonical NaN results, no
 *      dependency on the host FPU or its rounding state. Unit-tested alone.
 *   2. Helpers (h_*): what the IR calls. They unbox singles, resolve the
 *      dynamic rounding mode from frm (illegal instruction when frm is
 *      reserved), OR the flags into fflags and box single results. Register
 *      values come in as arguments and leave as the return value, so the
 *      helpers touch no IR global. An op with a rounding mode has a twin
 *      (RvFpHelper): .fixed for a static rm (cannot fault) and .dyn for
 *      rm = DYN (may fault).
 *   3. rv_gen_fp_*(): the IR generators trans_rvf.c defines and both trans
 *      files use, so most trans functions are one line.
 */
#ifndef POLYVM_RV_FPU_H
#define POLYVM_RV_FPU_H

#include <stdbool.h>
#include <stdint.h>

#include "rv-translate.h"

/* ---- 1. IEEE-754 core ---- */

typedef enum FpuFormat { FPU_F32, FPU_F64 } FpuFormat;

/* integer side of fcvt: the rs2 field of fcvt.w.s / fcvt.s.w and friends */
typedef enum FpuIntKind { FPU_INT_W = 0, FPU_INT_WU = 1, FPU_INT_L = 2, FPU_INT_LU = 3 } FpuIntKind;

/* fused multiply-add variants: which terms of a*b + c are negated */
enum { FPU_NEG_PRODUCT = 1, FPU_NEG_ADDEND = 2 };

enum { FPU_CANONICAL_NAN32 = 0x7fc00000u };
#define FPU_CANONICAL_NAN64 0x7ff8000000000000ull

/* fclass result bits */
enum {
    FPU_CLASS_NEG_INF = 1 << 0, FPU_CLASS_NEG_NORMAL = 1 << 1, FPU_CLASS_NEG_SUBNORMAL = 1 << 2,
    FPU_CLASS_NEG_ZERO = 1 << 3, FPU_CLASS_POS_ZERO = 1 << 4, FPU_CLASS_POS_SUBNORMAL = 1 << 5,
    FPU_CLASS_POS_NORMAL = 1 << 6, FPU_CLASS_POS_INF = 1 << 7, FPU_CLASS_SNAN = 1 << 8,
    FPU_CLASS_QNAN = 1 << 9,
};

/* Values are raw bit patterns in the low 32 (F32) or 64 (F64) bits; rm is a
 * resolved rounding mode 0..4; *flags accumulates RV_FFLAG_* bits. */
uint64_t fpu_add(FpuFormat f, uint64_t a, uint64_t b, int rm, unsigned *flags);
uint64_t fpu_sub(FpuFormat f, uint64_t a, uint64_t b, int rm, unsigned *flags);
uint64_t fpu_mul(FpuFormat f, uint64_t a, uint64_t b, int rm, unsigned *flags);
uint64_t fpu_div(FpuFormat f, uint64_t a, uint64_t b, int rm, unsigned *flags);
uint64_t fpu_sqrt(FpuFormat f, uint64_t a, int rm, unsigned *flags);
/* (+-a*b) +- c with one rounding; neg is FPU_NEG_* bits */
uint64_t fpu_fma(FpuFormat f, uint64_t a, uint64_t b, uint64_t c, unsigned neg, int rm,
                 unsigned *flags);
/* IEEE 754-2019 minimumNumber/maximumNumber as RISC-V F 2.2 defines fmin/fmax */
uint64_t fpu_min(FpuFormat f, uint64_t a, uint64_t b, unsigned *flags);
uint64_t fpu_max(FpuFormat f, uint64_t a, uint64_t b, unsigned *flags);
/* eq is quiet (NV only for signalling NaNs), lt/le signal on any NaN */
bool fpu_eq(FpuFormat f, uint64_t a, uint64_t b, unsigned *flags);
bool fpu_lt(FpuFormat f, uint64_t a, uint64_t b, unsigned *flags);
bool fpu_le(FpuFormat f, uint64_t a, uint64_t b, unsigned *flags);
unsigned fpu_class(FpuFormat f, uint64_t a);
/* saturating conversion to an integer; 32-bit results are sign-extended */
uint64_t fpu_to_int(FpuFormat f, uint64_t a, FpuIntKind kind, int rm, unsigned *flags);
/* conversion of the integer in v (low 32 bits for W/WU) */
uint64_t fpu_from_int(FpuFormat f, uint64_t v, FpuIntKind kind, int rm, unsigned *flags);
/* binary32 <-> binary64 */
uint64_t fpu_convert(FpuFormat to, FpuFormat from, uint64_t a, int rm, unsigned *flags);

/* The operations the host-FPU fast path (fpu-host.h) covers. */
typedef enum FpuHostOp {
    FPU_HOST_ADD, FPU_HOST_SUB, FPU_HOST_MUL, FPU_HOST_DIV, FPU_HOST_SQRT, FPU_HOST_FMA,
} FpuHostOp;

/* NaN-boxing of singles in the 64-bit FP registers */
static inline uint64_t fpu_box32(uint64_t v) { return v | 0xffffffff00000000ull; }
static inline uint64_t fpu_unbox32(uint64_t reg)
{
    return (reg >> 32) == 0xffffffffu ? (uint32_t)reg : FPU_CANONICAL_NAN32;
}

/* ---- 2. helpers the IR calls ---- */

/* A helper with a rounding-mode argument, in its two flavours. */
typedef struct RvFpHelper {
    IrHelper fixed;   /* rm argument is 0..4 */
    IrHelper dyn;     /* rm argument is RV_RM_DYN: reads frm, may raise illegal */
} RvFpHelper;

/*
 * X(name, nargs, kind, host): every FP helper h_<name>, implemented by
 * helper_<name>() in fpu.c. nargs counts the arguments after the CPU; kind
 * RM means the last argument is the rounding mode (an RvFpHelper), NORM
 * means no rounding mode (a plain IrHelper). Argument order:
 *   binary ops (a, b, rm); fsqrt and fcvt between formats (a, rm);
 *   fma (a, b, c, neg, rm); fcvt to/from integers (value, FpuIntKind, rm);
 *   fmin/fmax/compares (a, b); fclass (a).
 * host names the IrHostFp operation (ir.h) a JIT may inline in front of
 * the call, or NONE. The binary32 ones have none: checking their NaN-boxing
 * inline would cost about what the call does.
 */
#define RV_FPU_HELPERS(X)                                                                          \
    X(fadd_s, 3, RM, NONE) X(fsub_s, 3, RM, NONE) X(fmul_s, 3, RM, NONE) X(fdiv_s, 3, RM, NONE)    \
    X(fsqrt_s, 2, RM, NONE) X(fma_s, 5, RM, NONE)                                                  \
    X(fcvt_int_s, 3, RM, NONE) X(fcvt_s_int, 3, RM, NONE) X(fcvt_s_d, 2, RM, NONE)                 \
    X(fmin_s, 2, NORM, NONE) X(fmax_s, 2, NORM, NONE)                                              \
    X(feq_s, 2, NORM, NONE) X(flt_s, 2, NORM, NONE) X(fle_s, 2, NORM, NONE)                        \
    X(fclass_s, 1, NORM, NONE)                                                                     \
    X(fadd_d, 3, RM, ADD) X(fsub_d, 3, RM, SUB) X(fmul_d, 3, RM, MUL) X(fdiv_d, 3, RM, DIV)        \
    X(fsqrt_d, 2, RM, SQRT) X(fma_d, 5, RM, NONE)                                                  \
    X(fcvt_int_d, 3, RM, NONE) X(fcvt_d_int, 3, RM, NONE) X(fcvt_d_s, 2, RM, NONE)                 \
    X(fmin_d, 2, NORM, NONE) X(fmax_d, 2, NORM, NONE)                                              \
    X(feq_d, 2, NORM, EQ) X(flt_d, 2, NORM, LT) X(fle_d, 2, NORM, LE)                              \
    X(fclass_d, 1, NORM, NONE)

#define RV_FPU_HELPER_TYPE_RM RvFpHelper
#define RV_FPU_HELPER_TYPE_NORM IrHelper
#define X(name, nargs, kind, host) extern const RV_FPU_HELPER_TYPE_##kind h_##name;
RV_FPU_HELPERS(X)
#undef X

/* ---- 3. IR generators shared by trans_rvf.c and trans_rvd.c ---- */

/* f[rd] = h(f[rs1] .. f[rs<nsrc>], rm); false when rm is reserved */
bool rv_gen_fp_rm(RvContext *ctx, const RvArgs *a, const RvFpHelper *h, unsigned nsrc);
/* f[rd] = h(f[rs1], f[rs2], f[rs3], neg, rm) */
bool rv_gen_fp_fma(RvContext *ctx, const RvArgs *a, const RvFpHelper *h, unsigned neg);
/* x[rd] = h(f[rs1], kind = rs2 field, rm) */
bool rv_gen_fp_to_int(RvContext *ctx, const RvArgs *a, const RvFpHelper *h);
/* f[rd] = h(x[rs1], kind = rs2 field, rm) */
bool rv_gen_fp_from_int(RvContext *ctx, const RvArgs *a, const RvFpHelper *h);
/* f[rd] = h(f[rs1], f[rs2]) */
bool rv_gen_fp_minmax(RvContext *ctx, const RvArgs *a, const IrHelper *h);
/* x[rd] = h(f[rs1] [, f[rs2]]): compares and fclass */
bool rv_gen_fp_to_gpr(RvContext *ctx, const RvArgs *a, const IrHelper *h, unsigned nsrc);

/* sign injection, done in IR: fsgnj, fsgnjn, fsgnjx */
typedef enum RvSgnj { RV_SGNJ, RV_SGNJN, RV_SGNJX } RvSgnj;
bool rv_gen_fsgnj(RvContext *ctx, const RvArgs *a, FpuFormat f, RvSgnj mode);
/* FP loads and stores (size_log2 2 = flw/fsw with NaN-boxing, 3 = fld/fsd) */
bool rv_gen_fp_load(RvContext *ctx, const RvArgs *a, unsigned size_log2);
bool rv_gen_fp_store(RvContext *ctx, const RvArgs *a, unsigned size_log2);

#endif
