/*
 * RISC-V F and D arithmetic: IEEE-754 binary32/binary64 in software, and the
 * helpers the IR calls for every FP instruction that needs rounding, flags or
 * NaN rules (see fpu.h for the layers).
 *
 * Why software and not the host FPU: RISC-V needs round-to-nearest-ties-to-
 * max-magnitude (no host has it), tininess after rounding (AArch64 hosts
 * detect it before), and canonical NaNs; a host FPU would also make results
 * depend on compiler flags and on fenv state. Integer arithmetic is exact, so
 * this file needs no special compile flags and gives the same bits on every
 * host. Speed is the JIT's business; this is the reference.
 *
 * Method: every operation computes its exact result as m * 2^e with m an
 * unsigned 128-bit integer (a quotient or square root is truncated and the
 * lost part jammed into bit 0, which callers keep at least two bits below
 * the rounding position), then round_pack() rounds it once into the format.
 */
#include "fpu.h"
#include "fpu-host.h"

#include "polyvm/cpu.h"

typedef unsigned __int128 u128;

typedef struct FmtInfo {
    unsigned width;   /* bits of the encoding */
    unsigned prec;    /* significand bits, hidden one included */
    int emin, emax;   /* unbiased exponent range of normal numbers */
} FmtInfo;

static const FmtInfo fmt_info[2] = {
    [FPU_F32] = {32, 24, -126, 127},
    [FPU_F64] = {64, 53, -1022, 1023},
};

static inline unsigned mant_bits(const FmtInfo *f) { return f->prec - 1; }
static inline uint64_t sign_bit(const FmtInfo *f) { return 1ull << (f->width - 1); }
static inline uint64_t exp_ones(const FmtInfo *f) { return (1ull << (f->width - f->prec)) - 1; }

static uint64_t pack_inf(const FmtInfo *f, bool sign)
{
    return (sign ? sign_bit(f) : 0) | exp_ones(f) << mant_bits(f);
}

static uint64_t pack_zero(const FmtInfo *f, bool sign) { return sign ? sign_bit(f) : 0; }

static uint64_t pack_max_finite(const FmtInfo *f, bool sign)
{
    return pack_inf(f, sign) - 1;
}

static uint64_t canonical_nan(const FmtInfo *f)
{
    return exp_ones(f) << mant_bits(f) | 1ull << (mant_bits(f) - 1);
}

/* ---- unpacking ---- */

typedef enum FpKind { FP_ZERO, FP_FINITE, FP_INF, FP_QNAN, FP_SNAN } FpKind;

/* FP_FINITE: value = sig * 2^exp with the leading one of sig at bit prec-1
 * (subnormals are normalized here, so arithmetic never sees them) */
typedef struct FpVal {
    FpKind kind;
    bool sign;
    int exp;
    uint64_t sig;
} FpVal;

static FpVal unpack(const FmtInfo *f, uint64_t bits)
{
    unsigned mb = mant_bits(f);
    uint64_t frac = bits & ((1ull << mb) - 1);
    uint64_t e = (bits >> mb) & exp_ones(f);
    FpVal v = {.kind = FP_FINITE, .sign = (bits >> (f->width - 1)) & 1};
    if (e == exp_ones(f)) {
        if (frac == 0)
            v.kind = FP_INF;
        else
            v.kind = (frac >> (mb - 1)) & 1 ? FP_QNAN : FP_SNAN;
    } else if (e == 0) {
        if (frac == 0) {
            v.kind = FP_ZERO;
        } else {
            int shift = __builtin_clzll(frac) - (64 - (int)f->prec);
            v.sig = frac << shift;
            v.exp = f->emin - (int)mb - shift;
        }
    } else {
        v.sig = frac | 1ull << mb;
        v.exp = (int)e - f->emax - (int)mb;
    }
    return v;
}

static inline bool is_nan(FpVal v) { return v.kind == FP_QNAN || v.kind == FP_SNAN; }

/* the NaN result of an operation with NaN inputs: NV if any input signals */
static uint64_t nan_result(const FmtInfo *f, FpVal a, FpVal b, unsigned *flags)
{
    if (a.kind == FP_SNAN || b.kind == FP_SNAN)
        *flags |= RV_FFLAG_NV;
    return canonical_nan(f);
}

static uint64_t invalid(const FmtInfo *f, unsigned *flags)
{
    *flags |= RV_FFLAG_NV;
    return canonical_nan(f);
}

/* ---- rounding ---- */

static int bit_length(u128 m)
{
    uint64_t hi = (uint64_t)(m >> 64), lo = (uint64_t)m;
    if (hi)
        return 128 - __builtin_clzll(hi);
    return lo ? 64 - __builtin_clzll(lo) : 0;
}

/* m / 2^shift rounded to an integer by rm (sign is the value's sign);
 * *inexact tells whether bits were lost. shift <= 0 multiplies exactly. */
static u128 shift_round(u128 m, int shift, bool sign, int rm, bool *inexact)
{
    if (shift <= 0) {
        *inexact = false;
        return m << -shift;
    }
    u128 q;
    int vs_half;   /* sign of (discarded part - half an ulp) */
    if (shift > 128) {
        q = 0;
        vs_half = -1;
        *inexact = m != 0;
    } else {
        u128 rem = shift == 128 ? m : m & (((u128)1 << shift) - 1);
        u128 half = (u128)1 << (shift - 1);
        q = shift == 128 ? 0 : m >> shift;
        vs_half = rem > half ? 1 : rem == half ? 0 : -1;
        *inexact = rem != 0;
    }
    bool up;
    switch (rm) {
    case RV_RM_RNE: up = vs_half > 0 || (vs_half == 0 && (q & 1)); break;
    case RV_RM_RMM: up = vs_half >= 0; break;
    case RV_RM_RDN: up = *inexact && sign; break;
    case RV_RM_RUP: up = *inexact && !sign; break;
    default: up = false; break;   /* RTZ */
    }
    return q + up;
}

/*
 * Rounds sign * m * 2^exp (m != 0) into format f. If bit 0 of m is a jammed
 * sticky bit, m must have at least prec + 2 significant bits.
 */
static uint64_t round_pack(const FmtInfo *f, bool sign, int exp, u128 m, int rm, unsigned *flags)
{
    int top = exp + bit_length(m) - 1;                /* exponent of the leading one */
    int quantum = (top > f->emin ? top : f->emin) - (int)mant_bits(f);
    bool inexact;
    u128 r = shift_round(m, quantum - exp, sign, rm, &inexact);
    if (r >> f->prec) {                               /* rounded up to the next binade */
        r >>= 1;
        quantum++;
    }
    if (quantum + (int)mant_bits(f) > f->emax) {
        *flags |= RV_FFLAG_OF | RV_FFLAG_NX;
        bool to_inf = rm == RV_RM_RNE || rm == RV_RM_RMM || (rm == RV_RM_RUP && !sign) ||
                      (rm == RV_RM_RDN && sign);
        return to_inf ? pack_inf(f, sign) : pack_max_finite(f, sign);
    }
    if (inexact) {
        *flags |= RV_FFLAG_NX;
        /* tiny after rounding: below 2^emin even when rounded with an
         * unbounded exponent; only a value just under 2^emin can escape */
        bool tiny = top < f->emin;
        if (top == f->emin - 1) {
            bool unused;
            u128 wide = shift_round(m, top - (int)mant_bits(f) - exp, sign, rm, &unused);
            tiny = (wide >> f->prec) == 0;
        }
        if (tiny)
            *flags |= RV_FFLAG_UF;
    }
    uint64_t bits = sign ? sign_bit(f) : 0;
    if (r >> mant_bits(f)) {
        uint64_t biased = (uint64_t)(quantum + (int)mant_bits(f) + f->emax);
        bits |= biased << mant_bits(f) | ((uint64_t)r & ((1ull << mant_bits(f)) - 1));
    } else {
        bits |= (uint64_t)r;                          /* subnormal or zero */
    }
    return bits;
}

static uint64_t repack(const FmtInfo *f, FpVal v, int rm, unsigned *flags)
{
    return round_pack(f, v.sign, v.exp, v.sig, rm, flags);
}

/* ---- addition (shared by add, sub and fma) ---- */

/* Operands of an exact sum: value = m * 2^exp, leading one at bit WIDE_TOP
 * or WIDE_TOP - 1, so the sum of two fits in 128 bits and the low bits give
 * room for a sticky bit far below any rounding position. */
#define WIDE_TOP 125

typedef struct Wide {
    bool sign;
    int exp;
    u128 m;
} Wide;

static Wide widen(const FmtInfo *f, FpVal v)
{
    int shift = WIDE_TOP - (int)mant_bits(f);
    return (Wide){v.sign, v.exp - shift, (u128)v.sig << shift};
}

static u128 shift_right_jam(u128 m, int d)
{
    if (d == 0)
        return m;
    if (d >= 128)
        return m != 0;
    return (m >> d) | ((m & (((u128)1 << d) - 1)) != 0);
}

/*
 * x + y rounded once. Bits shifted out of the smaller operand only become
 * a sticky bit when it lies far below the larger one, where no cancellation
 * can bring them near the rounding position.
 */
static uint64_t add_wide(const FmtInfo *f, Wide x, Wide y, int rm, unsigned *flags)
{
    if (x.exp < y.exp) {
        Wide t = x;
        x = y;
        y = t;
    }
    y.m = shift_right_jam(y.m, x.exp - y.exp);
    bool sign = x.sign;
    u128 m;
    if (x.sign == y.sign) {
        m = x.m + y.m;
    } else if (x.m >= y.m) {
        m = x.m - y.m;
    } else {
        m = y.m - x.m;
        sign = y.sign;
    }
    if (m == 0)   /* exact cancellation: +0, or -0 when rounding down */
        return pack_zero(f, rm == RV_RM_RDN);
    return round_pack(f, sign, x.exp, m, rm, flags);
}

static uint64_t add_signed(const FmtInfo *f, uint64_t a, uint64_t b, bool negate_b, int rm,
                           unsigned *flags)
{
    FpVal x = unpack(f, a), y = unpack(f, b);
    y.sign ^= negate_b;
    if (is_nan(x) || is_nan(y))
        return nan_result(f, x, y, flags);
    if (x.kind == FP_INF || y.kind == FP_INF) {
        if (x.kind == FP_INF && y.kind == FP_INF && x.sign != y.sign)
            return invalid(f, flags);
        return pack_inf(f, x.kind == FP_INF ? x.sign : y.sign);
    }
    if (x.kind == FP_ZERO && y.kind == FP_ZERO)
        return pack_zero(f, x.sign == y.sign ? x.sign : rm == RV_RM_RDN);
    if (x.kind == FP_ZERO)
        return repack(f, y, rm, flags);
    if (y.kind == FP_ZERO)
        return repack(f, x, rm, flags);
    return add_wide(f, widen(f, x), widen(f, y), rm, flags);
}

uint64_t fpu_add(FpuFormat fmt, uint64_t a, uint64_t b, int rm, unsigned *flags)
{
    return add_signed(&fmt_info[fmt], a, b, false, rm, flags);
}

uint64_t fpu_sub(FpuFormat fmt, uint64_t a, uint64_t b, int rm, unsigned *flags)
{
    return add_signed(&fmt_info[fmt], a, b, true, rm, flags);
}

/* ---- multiplication, division, square root, fma ---- */

uint64_t fpu_mul(FpuFormat fmt, uint64_t a, uint64_t b, int rm, unsigned *flags)
{
    const FmtInfo *f = &fmt_info[fmt];
    FpVal x = unpack(f, a), y = unpack(f, b);
    bool sign = x.sign ^ y.sign;
    if (is_nan(x) || is_nan(y))
        return nan_result(f, x, y, flags);
    if (x.kind == FP_INF || y.kind == FP_INF) {
        if (x.kind == FP_ZERO || y.kind == FP_ZERO)
            return invalid(f, flags);
        return pack_inf(f, sign);
    }
    if (x.kind == FP_ZERO || y.kind == FP_ZERO)
        return pack_zero(f, sign);
    return round_pack(f, sign, x.exp + y.exp, (u128)x.sig * y.sig, rm, flags);
}

uint64_t fpu_div(FpuFormat fmt, uint64_t a, uint64_t b, int rm, unsigned *flags)
{
    const FmtInfo *f = &fmt_info[fmt];
    FpVal x = unpack(f, a), y = unpack(f, b);
    bool sign = x.sign ^ y.sign;
    if (is_nan(x) || is_nan(y))
        return nan_result(f, x, y, flags);
    if (x.kind == FP_INF)
        return y.kind == FP_INF ? invalid(f, flags) : pack_inf(f, sign);
    if (y.kind == FP_INF)
        return pack_zero(f, sign);
    if (y.kind == FP_ZERO) {
        if (x.kind == FP_ZERO)
            return invalid(f, flags);
        *flags |= RV_FFLAG_DZ;
        return pack_inf(f, sign);
    }
    if (x.kind == FP_ZERO)
        return pack_zero(f, sign);
    /* 64 or 65 quotient bits: enough for any precision plus guard bits */
    u128 num = (u128)x.sig << 64;
    u128 q = num / y.sig;
    bool lost = num % y.sig != 0;
    return round_pack(f, sign, x.exp - 64 - y.exp, q | lost, rm, flags);
}

/* floor(sqrt(n)), one result bit per step; *exact when n is a square */
static u128 isqrt128(u128 n, bool *exact)
{
    u128 root = 0, bit = (u128)1 << 126;
    while (bit > n)
        bit >>= 2;
    while (bit) {
        if (n >= root + bit) {
            n -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    *exact = n == 0;
    return root;
}

uint64_t fpu_sqrt(FpuFormat fmt, uint64_t a, int rm, unsigned *flags)
{
    const FmtInfo *f = &fmt_info[fmt];
    FpVal x = unpack(f, a);
    if (is_nan(x))
        return nan_result(f, x, x, flags);
    if (x.kind == FP_ZERO)
        return a;
    if (x.sign)
        return invalid(f, flags);
    if (x.kind == FP_INF)
        return a;
    /* scale to ~2^126 with an even exponent: the root has ~63 bits */
    int shift = WIDE_TOP - (int)mant_bits(f);
    if ((x.exp - shift) & 1)
        shift++;
    bool exact;
    u128 root = isqrt128((u128)x.sig << shift, &exact);
    return round_pack(f, false, (x.exp - shift) / 2, root | !exact, rm, flags);
}

uint64_t fpu_fma(FpuFormat fmt, uint64_t a, uint64_t b, uint64_t c, unsigned neg, int rm,
                 unsigned *flags)
{
    const FmtInfo *f = &fmt_info[fmt];
    FpVal x = unpack(f, a), y = unpack(f, b), z = unpack(f, c);
    bool psign = x.sign ^ y.sign ^ ((neg & FPU_NEG_PRODUCT) != 0);
    z.sign ^= (neg & FPU_NEG_ADDEND) != 0;
    /* RISC-V signals inf * 0 even when the addend is a quiet NaN */
    bool inf_zero = (x.kind == FP_INF && y.kind == FP_ZERO) || (x.kind == FP_ZERO && y.kind == FP_INF);
    if (is_nan(x) || is_nan(y) || is_nan(z) || inf_zero) {
        if (inf_zero || x.kind == FP_SNAN || y.kind == FP_SNAN || z.kind == FP_SNAN)
            *flags |= RV_FFLAG_NV;
        return canonical_nan(f);
    }
    if (x.kind == FP_INF || y.kind == FP_INF) {
        if (z.kind == FP_INF && z.sign != psign)
            return invalid(f, flags);
        return pack_inf(f, psign);
    }
    if (z.kind == FP_INF)
        return pack_inf(f, z.sign);
    if (x.kind == FP_ZERO || y.kind == FP_ZERO) {
        if (z.kind == FP_ZERO)
            return pack_zero(f, psign == z.sign ? psign : rm == RV_RM_RDN);
        return repack(f, z, rm, flags);
    }
    int pexp = x.exp + y.exp;
    u128 pm = (u128)x.sig * y.sig;   /* exact, leading one at bit 2*prec-2 or -1 */
    if (z.kind == FP_ZERO)
        return round_pack(f, psign, pexp, pm, rm, flags);
    int shift = WIDE_TOP - (2 * (int)f->prec - 1);
    Wide product = {psign, pexp - shift, pm << shift};
    return add_wide(f, product, widen(f, z), rm, flags);
}

/* ---- min, max, compares, classify ---- */

/* -1, 0, 1 for a <, ==, > b; neither is a NaN; -0 == +0 */
static int compare(const FmtInfo *f, uint64_t a, uint64_t b)
{
    uint64_t sb = sign_bit(f), mag_a = a & (sb - 1), mag_b = b & (sb - 1);
    if (mag_a == 0 && mag_b == 0)
        return 0;
    bool neg_a = (a & sb) != 0, neg_b = (b & sb) != 0;
    if (neg_a != neg_b)
        return neg_a ? -1 : 1;
    int c = mag_a < mag_b ? -1 : mag_a > mag_b;
    return neg_a ? -c : c;
}

static uint64_t min_max(FpuFormat fmt, uint64_t a, uint64_t b, bool want_max, unsigned *flags)
{
    const FmtInfo *f = &fmt_info[fmt];
    FpVal x = unpack(f, a), y = unpack(f, b);
    if (x.kind == FP_SNAN || y.kind == FP_SNAN)
        *flags |= RV_FFLAG_NV;
    if (is_nan(x) && is_nan(y))
        return canonical_nan(f);
    if (is_nan(x))
        return b;
    if (is_nan(y))
        return a;
    int c = compare(f, a, b);
    if (c == 0)   /* equal values; only the zeros can differ, by sign: -0 < +0 */
        c = x.sign == y.sign ? 0 : x.sign ? -1 : 1;
    return (c < 0) == want_max ? b : a;
}

uint64_t fpu_min(FpuFormat f, uint64_t a, uint64_t b, unsigned *flags) { return min_max(f, a, b, false, flags); }
uint64_t fpu_max(FpuFormat f, uint64_t a, uint64_t b, unsigned *flags) { return min_max(f, a, b, true, flags); }

/* a compare of a NaN is unordered: NV if it signals (or always, for lt/le) */
static bool unordered(const FmtInfo *f, uint64_t a, uint64_t b, bool signaling, unsigned *flags)
{
    FpVal x = unpack(f, a), y = unpack(f, b);
    if (!is_nan(x) && !is_nan(y))
        return false;
    if (signaling || x.kind == FP_SNAN || y.kind == FP_SNAN)
        *flags |= RV_FFLAG_NV;
    return true;
}

bool fpu_eq(FpuFormat fmt, uint64_t a, uint64_t b, unsigned *flags)
{
    const FmtInfo *f = &fmt_info[fmt];
    return !unordered(f, a, b, false, flags) && compare(f, a, b) == 0;
}

bool fpu_lt(FpuFormat fmt, uint64_t a, uint64_t b, unsigned *flags)
{
    const FmtInfo *f = &fmt_info[fmt];
    return !unordered(f, a, b, true, flags) && compare(f, a, b) < 0;
}

bool fpu_le(FpuFormat fmt, uint64_t a, uint64_t b, unsigned *flags)
{
    const FmtInfo *f = &fmt_info[fmt];
    return !unordered(f, a, b, true, flags) && compare(f, a, b) <= 0;
}

unsigned fpu_class(FpuFormat fmt, uint64_t a)
{
    const FmtInfo *f = &fmt_info[fmt];
    FpVal v = unpack(f, a);
    switch (v.kind) {
    case FP_SNAN: return FPU_CLASS_SNAN;
    case FP_QNAN: return FPU_CLASS_QNAN;
    case FP_INF: return v.sign ? FPU_CLASS_NEG_INF : FPU_CLASS_POS_INF;
    case FP_ZERO: return v.sign ? FPU_CLASS_NEG_ZERO : FPU_CLASS_POS_ZERO;
    default: break;
    }
    bool subnormal = ((a >> mant_bits(f)) & exp_ones(f)) == 0;
    if (subnormal)
        return v.sign ? FPU_CLASS_NEG_SUBNORMAL : FPU_CLASS_POS_SUBNORMAL;
    return v.sign ? FPU_CLASS_NEG_NORMAL : FPU_CLASS_POS_NORMAL;
}

/* ---- conversions ---- */

uint64_t fpu_to_int(FpuFormat fmt, uint64_t a, FpuIntKind kind, int rm, unsigned *flags)
{
    const FmtInfo *f = &fmt_info[fmt];
    FpVal v = unpack(f, a);
    bool is_signed = kind == FPU_INT_W || kind == FPU_INT_L;
    unsigned bits = kind == FPU_INT_W || kind == FPU_INT_WU ? 32 : 64;
    uint64_t max = is_signed ? (1ull << (bits - 1)) - 1 : ~0ull >> (64 - bits);
    uint64_t min = is_signed ? (uint64_t)0 - (1ull << (bits - 1)) : 0;   /* two's complement */
    uint64_t result;
    if (is_nan(v) || v.kind == FP_INF) {
        *flags |= RV_FFLAG_NV;
        result = v.kind == FP_INF && v.sign ? min : max;
    } else if (v.kind == FP_ZERO) {
        result = 0;
    } else {
        /* magnitudes of 2^65 and more are out of range for every kind */
        bool inexact = false;
        u128 mag = v.exp > 65 ? (u128)1 << 65 : shift_round(v.sig, -v.exp, v.sign, rm, &inexact);
        u128 limit = v.sign ? (is_signed ? (u128)1 << (bits - 1) : 0) : max;
        if (mag > limit) {
            *flags |= RV_FFLAG_NV;
            result = v.sign ? min : max;
        } else {
            if (inexact)
                *flags |= RV_FFLAG_NX;
            result = v.sign ? (uint64_t)0 - (uint64_t)mag : (uint64_t)mag;
        }
    }
    return bits == 32 ? (uint64_t)(int64_t)(int32_t)result : result;
}

uint64_t fpu_from_int(FpuFormat fmt, uint64_t v, FpuIntKind kind, int rm, unsigned *flags)
{
    const FmtInfo *f = &fmt_info[fmt];
    bool sign = false;
    uint64_t mag;
    switch (kind) {
    case FPU_INT_W: {
        int64_t s = (int32_t)v;
        sign = s < 0;
        mag = (uint64_t)(sign ? -s : s);
        break;
    }
    case FPU_INT_WU: mag = (uint32_t)v; break;
    case FPU_INT_L:
        sign = (int64_t)v < 0;
        mag = sign ? 0 - v : v;
        break;
    default: mag = v; break;
    }
    if (mag == 0)
        return pack_zero(f, false);
    return round_pack(f, sign, 0, mag, rm, flags);
}

uint64_t fpu_convert(FpuFormat to, FpuFormat from, uint64_t a, int rm, unsigned *flags)
{
    const FmtInfo *ft = &fmt_info[to];
    FpVal v = unpack(&fmt_info[from], a);
    switch (v.kind) {
    case FP_SNAN:
    case FP_QNAN: return nan_result(ft, v, v, flags);
    case FP_INF: return pack_inf(ft, v.sign);
    case FP_ZERO: return pack_zero(ft, v.sign);
    default: return repack(ft, v, rm, flags);
    }
}

/* ---- helpers ---- */

static int resolve_rm(RvCpu *cpu, uint64_t rm)
{
    if (rm != RV_RM_DYN)
        return (int)rm;
    if (cpu->frm > RV_RM_RMM)
        cpu_raise(&cpu->common, CPU_EXCP_ILLEGAL, 0);
    return (int)cpu->frm;
}

static inline uint64_t fp_in(FpuFormat f, uint64_t reg) { return f == FPU_F32 ? fpu_unbox32(reg) : reg; }

static uint64_t fp_out(RvCpu *cpu, FpuFormat f, uint64_t v, unsigned flags)
{
    cpu->fflags |= flags;
    return f == FPU_F32 ? fpu_box32(v) : v;
}

typedef uint64_t (*FpuBinaryFn)(FpuFormat, uint64_t, uint64_t, int, unsigned *);

static uint64_t binary(void *opaque, FpuFormat f, FpuBinaryFn fn, FpuHostOp hop, uint64_t a, uint64_t b,
                       uint64_t rm)
{
    RvCpu *cpu = opaque;
    int mode = resolve_rm(cpu, rm);
    unsigned flags = 0;
    uint64_t r;
    if (fpu_host_try(f, hop, fp_in(f, a), fp_in(f, b), 0, mode, (unsigned)cpu->fflags, &r))
        return fp_out(cpu, f, r, 0);
    r = fn(f, fp_in(f, a), fp_in(f, b), mode, &flags);
    return fp_out(cpu, f, r, flags);
}

static uint64_t sqrt_op(void *opaque, FpuFormat f, uint64_t a, uint64_t rm)
{
    RvCpu *cpu = opaque;
    int mode = resolve_rm(cpu, rm);
    unsigned flags = 0;
    uint64_t r;
    if (fpu_host_try(f, FPU_HOST_SQRT, fp_in(f, a), 0, 0, mode, (unsigned)cpu->fflags, &r))
        return fp_out(cpu, f, r, 0);
    r = fpu_sqrt(f, fp_in(f, a), mode, &flags);
    return fp_out(cpu, f, r, flags);
}

static uint64_t fma_op(void *opaque, FpuFormat f, uint64_t a, uint64_t b, uint64_t c, uint64_t neg,
                       uint64_t rm)
{
    RvCpu *cpu = opaque;
    int mode = resolve_rm(cpu, rm);
    unsigned flags = 0;
    uint64_t r, ha = fp_in(f, a), hc = fp_in(f, c);
    /* negating an input is exact, so the host computes (+-a)*b + (+-c) */
    if (fpu_host_try(f, FPU_HOST_FMA, (neg & FPU_NEG_PRODUCT) ? ha ^ sign_bit(&fmt_info[f]) : ha, fp_in(f, b),
                     (neg & FPU_NEG_ADDEND) ? hc ^ sign_bit(&fmt_info[f]) : hc, mode, (unsigned)cpu->fflags, &r))
        return fp_out(cpu, f, r, 0);
    r = fpu_fma(f, ha, fp_in(f, b), hc, (unsigned)neg, mode, &flags);
    return fp_out(cpu, f, r, flags);
}

static uint64_t to_int_op(void *opaque, FpuFormat f, uint64_t a, uint64_t kind, uint64_t rm)
{
    RvCpu *cpu = opaque;
    int mode = resolve_rm(cpu, rm);
    unsigned flags = 0;
    uint64_t r = fpu_to_int(f, fp_in(f, a), (FpuIntKind)(kind & 3), mode, &flags);
    cpu->fflags |= flags;
    return r;
}

static uint64_t from_int_op(void *opaque, FpuFormat f, uint64_t v, uint64_t kind, uint64_t rm)
{
    RvCpu *cpu = opaque;
    int mode = resolve_rm(cpu, rm);
    unsigned flags = 0;
    uint64_t r = fpu_from_int(f, v, (FpuIntKind)(kind & 3), mode, &flags);
    return fp_out(cpu, f, r, flags);
}

static uint64_t convert_op(void *opaque, FpuFormat to, FpuFormat from, uint64_t a, uint64_t rm)
{
    RvCpu *cpu = opaque;
    int mode = resolve_rm(cpu, rm);
    unsigned flags = 0;
    uint64_t r = fpu_convert(to, from, fp_in(from, a), mode, &flags);
    return fp_out(cpu, to, r, flags);
}

typedef uint64_t (*FpuMinMaxFn)(FpuFormat, uint64_t, uint64_t, unsigned *);
typedef bool (*FpuCompareFn)(FpuFormat, uint64_t, uint64_t, unsigned *);

static uint64_t min_max_op(void *opaque, FpuFormat f, FpuMinMaxFn fn, uint64_t a, uint64_t b)
{
    RvCpu *cpu = opaque;
    unsigned flags = 0;
    uint64_t r = fn(f, fp_in(f, a), fp_in(f, b), &flags);
    return fp_out(cpu, f, r, flags);
}

static uint64_t compare_op(void *opaque, FpuFormat f, FpuCompareFn fn, uint64_t a, uint64_t b)
{
    RvCpu *cpu = opaque;
    unsigned flags = 0;
    bool r = fn(f, fp_in(f, a), fp_in(f, b), &flags);
    cpu->fflags |= flags;
    return r;
}

/* helper_<name>_s and helper_<name>_d of one shape, differing only in format */
#define ARITH_HELPERS(name, fn, hop)                                                         \
    static uint64_t helper_##name##_s(void *cpu, uint64_t a, uint64_t b, uint64_t rm)        \
    { return binary(cpu, FPU_F32, fn, hop, a, b, rm); }                                      \
    static uint64_t helper_##name##_d(void *cpu, uint64_t a, uint64_t b, uint64_t rm)        \
    { return binary(cpu, FPU_F64, fn, hop, a, b, rm); }
#define MIN_MAX_HELPERS(name, fn)                                                            \
    static uint64_t helper_##name##_s(void *cpu, uint64_t a, uint64_t b)                     \
    { return min_max_op(cpu, FPU_F32, fn, a, b); }                                           \
    static uint64_t helper_##name##_d(void *cpu, uint64_t a, uint64_t b)                     \
    { return min_max_op(cpu, FPU_F64, fn, a, b); }
#define COMPARE_HELPERS(name, fn)                                                            \
    static uint64_t helper_##name##_s(void *cpu, uint64_t a, uint64_t b)                     \
    { return compare_op(cpu, FPU_F32, fn, a, b); }                                           \
    static uint64_t helper_##name##_d(void *cpu, uint64_t a, uint64_t b)                     \
    { return compare_op(cpu, FPU_F64, fn, a, b); }

ARITH_HELPERS(fadd, fpu_add, FPU_HOST_ADD)
ARITH_HELPERS(fsub, fpu_sub, FPU_HOST_SUB)
ARITH_HELPERS(fmul, fpu_mul, FPU_HOST_MUL)
ARITH_HELPERS(fdiv, fpu_div, FPU_HOST_DIV)
MIN_MAX_HELPERS(fmin, fpu_min)
MIN_MAX_HELPERS(fmax, fpu_max)
COMPARE_HELPERS(feq, fpu_eq)
COMPARE_HELPERS(flt, fpu_lt)
COMPARE_HELPERS(fle, fpu_le)

static uint64_t helper_fsqrt_s(void *cpu, uint64_t a, uint64_t rm) { return sqrt_op(cpu, FPU_F32, a, rm); }
static uint64_t helper_fsqrt_d(void *cpu, uint64_t a, uint64_t rm) { return sqrt_op(cpu, FPU_F64, a, rm); }

static uint64_t helper_fcvt_int_s(void *cpu, uint64_t a, uint64_t kind, uint64_t rm)
{
    return to_int_op(cpu, FPU_F32, a, kind, rm);
}

static uint64_t helper_fcvt_int_d(void *cpu, uint64_t a, uint64_t kind, uint64_t rm)
{
    return to_int_op(cpu, FPU_F64, a, kind, rm);
}

static uint64_t helper_fma_s(void *cpu, uint64_t a, uint64_t b, uint64_t c, uint64_t neg, uint64_t rm)
{
    return fma_op(cpu, FPU_F32, a, b, c, neg, rm);
}

static uint64_t helper_fma_d(void *cpu, uint64_t a, uint64_t b, uint64_t c, uint64_t neg, uint64_t rm)
{
    return fma_op(cpu, FPU_F64, a, b, c, neg, rm);
}

static uint64_t helper_fcvt_s_int(void *cpu, uint64_t v, uint64_t kind, uint64_t rm)
{
    return from_int_op(cpu, FPU_F32, v, kind, rm);
}

static uint64_t helper_fcvt_d_int(void *cpu, uint64_t v, uint64_t kind, uint64_t rm)
{
    return from_int_op(cpu, FPU_F64, v, kind, rm);
}

static uint64_t helper_fcvt_s_d(void *cpu, uint64_t a, uint64_t rm)
{
    return convert_op(cpu, FPU_F32, FPU_F64, a, rm);
}

static uint64_t helper_fcvt_d_s(void *cpu, uint64_t a, uint64_t rm)
{
    return convert_op(cpu, FPU_F64, FPU_F32, a, rm);
}

static uint64_t helper_fclass_s(void *cpu, uint64_t a)
{
    (void)cpu;
    return fpu_class(FPU_F32, fpu_unbox32(a));
}

static uint64_t helper_fclass_d(void *cpu, uint64_t a)
{
    (void)cpu;
    return fpu_class(FPU_F64, a);
}

/* The IrHelper objects, from the table in fpu.h. _Generic rejects a helper
 * whose C signature does not match its argument count. */
#define HELPER_FN(name, nargs) \
    _Generic(helper_##name, IrHelperFn##nargs: (void *)helper_##name)
/* The inline fast path's facts (ir.h, IrHostFp), one entry per operation:
 * RNE is rm 0, and fflags and frm are 64-bit fields of RvCpu, of which
 * the JIT reads the low byte and the low 32 bits. */
#define X(up)                                                                                     \
    [IR_HOST_FP_##up] = {.op = IR_HOST_FP_##up, .rm_nearest = RV_RM_RNE, .rm_dynamic = RV_RM_DYN, \
                         .dynamic_rm_nearest = RV_RM_RNE, .inexact_mask = RV_FFLAG_NX,           \
                         .flags_offset = offsetof(RvCpu, fflags),                                \
                         .dynamic_rm_offset = offsetof(RvCpu, frm)},
static const IrHostFp host_fp[IR_HOST_FP_COUNT] = {IR_HOST_FP_OPS(X)};
#undef X
/* helpers whose host column is NONE get none */
#define HOST_FP_PTR(host) (IR_HOST_FP_##host ? &host_fp[IR_HOST_FP_##host] : NULL)
#define DEFINE_RM(name, nargs, host)                                                                \
    const RvFpHelper h_##name = {                                                                   \
        {#name, HELPER_FN(name, nargs), nargs, IR_HELPER_HAS_RESULT, HOST_FP_PTR(host)},            \
        {#name, HELPER_FN(name, nargs), nargs, IR_HELPER_HAS_RESULT | IR_HELPER_CAN_FAULT, HOST_FP_PTR(host)}, \
    };
#define DEFINE_NORM(name, nargs, host) \
    const IrHelper h_##name = {#name, HELPER_FN(name, nargs), nargs, IR_HELPER_HAS_RESULT, HOST_FP_PTR(host)};
#define X(name, nargs, kind, host) DEFINE_##kind(name, nargs, host)
RV_FPU_HELPERS(X)
#undef X
