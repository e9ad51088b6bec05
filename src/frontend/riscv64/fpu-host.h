/*
 * The host FPU as a fast path for the F/D helpers.
 *
 * The software core (fpu.c) is the definition; this file only answers
 * when the host's IEEE-754 arithmetic is known to give the bit-identical
 * result and no flag the core would not also raise. That holds when:
 *   - rounding is to nearest-even (the host's default, never changed here);
 *   - every input is a normal number or zero, so no NaN, infinity or
 *     subnormal can steer the result or raise NV/DZ;
 *   - the result is a normal number above the smallest normal, so neither
 *     overflow nor underflow (tininess after rounding) can have happened;
 *     an exact zero is accepted from add/sub/sqrt, where zeros are exact;
 *   - the inexact flag is already set in fflags, so whether this operation
 *     was exact does not matter - the only flag it could raise is NX.
 * Anything else returns false and the caller runs the software core, as
 * the fpu unit tests check bit for bit.
 *
 * Header-only so that fpu.c's helpers inline it with the operation known.
 */
#ifndef POLYVM_RV_FPU_HOST_H
#define POLYVM_RV_FPU_HOST_H

#include <string.h>

/* <math.h> is left out on purpose: its FP_* class macros clash with
 * fpu.c's names, and the builtins are all this needs. */
#include "fpu.h"

static inline double as_double(uint64_t v)
{
    double d;
    memcpy(&d, &v, 8);
    return d;
}

static inline uint64_t from_double(double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    return v;
}

static inline float as_float(uint64_t v)
{
    uint32_t w = (uint32_t)v;
    float f;
    memcpy(&f, &w, 4);
    return f;
}

static inline uint64_t from_float(float f)
{
    uint32_t w;
    memcpy(&w, &f, 4);
    return w;
}

/* Magnitude bit patterns (sign cleared) bound the classes: zero is 0,
 * normals lie in [smallest normal, infinity). Integer compares are much
 * cheaper than fpclassify() on the host values. */
typedef struct HostFmt {
    uint64_t sign, min_normal, inf;
} HostFmt;
static const HostFmt host_fmt64 = {1ull << 63, 0x0010000000000000ull, 0x7ff0000000000000ull};
static const HostFmt host_fmt32 = {1ull << 31, 0x00800000ull, 0x7f800000ull};

static inline bool input_ok(const HostFmt *h, uint64_t v)
{
    uint64_t m = v & ~h->sign;
    return m == 0 || (m >= h->min_normal && m < h->inf);
}

static inline bool result_ok(const HostFmt *h, FpuHostOp op, uint64_t v)
{
    uint64_t m = v & ~h->sign;
    if (m == 0)
        return op == FPU_HOST_ADD || op == FPU_HOST_SUB || op == FPU_HOST_SQRT;
    return m > h->min_normal && m < h->inf;
}

/* the operands a computation may use: all inputs normal or zero, and
 * nothing that is invalid or divides by zero */
static inline bool inputs_ok(const HostFmt *h, FpuHostOp op, uint64_t a, uint64_t b, uint64_t c)
{
    if (!input_ok(h, a))
        return false;
    switch (op) {
    case FPU_HOST_SQRT: return !(a & h->sign) || (a & ~h->sign) == 0;
    case FPU_HOST_FMA: return input_ok(h, b) && input_ok(h, c);
    case FPU_HOST_DIV: return input_ok(h, b) && (b & ~h->sign) != 0;
    default: return input_ok(h, b);
    }
}

static inline bool host_f64(FpuHostOp op, uint64_t ua, uint64_t ub, uint64_t uc, uint64_t *out)
{
    if (!inputs_ok(&host_fmt64, op, ua, ub, uc))
        return false;
    double a = as_double(ua), b = as_double(ub), c = as_double(uc), r;
    switch (op) {
    case FPU_HOST_ADD: r = a + b; break;
    case FPU_HOST_SUB: r = a - b; break;
    case FPU_HOST_MUL: r = a * b; break;
    case FPU_HOST_DIV: r = a / b; break;
    case FPU_HOST_SQRT: r = __builtin_sqrt(a); break;
    default: r = __builtin_fma(a, b, c); break;
    }
    *out = from_double(r);
    return result_ok(&host_fmt64, op, *out);
}

static inline bool host_f32(FpuHostOp op, uint64_t ua, uint64_t ub, uint64_t uc, uint64_t *out)
{
    if (!inputs_ok(&host_fmt32, op, ua, ub, uc))
        return false;
    float a = as_float(ua), b = as_float(ub), c = as_float(uc), r;
    switch (op) {
    case FPU_HOST_ADD: r = a + b; break;
    case FPU_HOST_SUB: r = a - b; break;
    case FPU_HOST_MUL: r = a * b; break;
    case FPU_HOST_DIV: r = a / b; break;
    case FPU_HOST_SQRT: r = __builtin_sqrtf(a); break;
    default: r = __builtin_fmaf(a, b, c); break;
    }
    *out = from_float(r);
    return result_ok(&host_fmt32, op, *out);
}

/* True with *out when the host gives the core's exact result and could
 * raise no flag but an NX already set in fflags. c is used by FMA only
 * (a*b + c); inputs are raw, unboxed bits. */
static inline bool fpu_host_try(FpuFormat f, FpuHostOp op, uint64_t a, uint64_t b, uint64_t c, int rm,
                                unsigned fflags, uint64_t *out)
{
    if (rm != RV_RM_RNE || !(fflags & RV_FFLAG_NX))
        return false;
    return f == FPU_F64 ? host_f64(op, a, b, c, out) : host_f32(op, a, b, c, out);
}

#endif
