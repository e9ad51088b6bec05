"""
Writes the generated case tables of the FP guest tests to stdout:

    python3 fpcases.py s > ../rv64f.inc
    python3 fpcases.py d > ../rv64d.inc

Each line is one operation (see lib/fcheck.h for the macros) with operand
bit patterns, rounding mode, the value written to frm beforehand, and the
expected result and fflags from fpmodel.py. The tables are committed; the
build does not run this script.

Cases marked "all modes" run under every static rounding mode (with frm
set to a different mode, so a static mode that is ignored shows up) and
again under dyn for a couple of frm values; the others run once or twice.
"""
import sys

from fpmodel import (S, D, RNE, RTZ, RDN, RUP, RMM, RMNAME, fbits,
                     add, mul, div, sqrt, fma, f2i, i2f, cvt, cmp, minmax, fclass)

F = S if sys.argv[1] == 's' else D
SFX = '.s' if F is S else '.d'
INC = 'rv64f.inc' if F is S else 'rv64d.inc'
ALL_MODES = [RNE, RTZ, RDN, RUP, RMM]
M64 = (1 << 64) - 1


def b(x):
    """Bit pattern of the Python float x in the format under test."""
    return fbits(x, F)


def h(x):
    return '0x%x' % x


def neg(x):
    return x ^ F.zero(1)


# Named operands of the format under test.
P = F.mb
ONE, TWO, THREE, HALF, TEN = b(1.0), b(2.0), b(3.0), b(0.5), b(10.0)
ONE_PLUS_ULP = ONE + 1
ONE_MINUS_HALF_ULP = ONE - 1
HALF_ULP, QUARTER_ULP = b(2.0 ** -(P + 1)), b(2.0 ** -(P + 2))
MAXF, NMAXF = F.maxf(0), F.maxf(1)
MIN_NORMAL, MIN_SUB, MAX_SUB = 1 << P, 1, (1 << P) - 1
PINF, NINF = F.inf(0), F.inf(1)
PZ, NZ = F.zero(0), F.zero(1)
QNAN, NQNAN, QNAN_PAYLOAD = F.cnan, neg(F.cnan), F.cnan | 0x12345
SNAN, NSNAN = PINF | 1, NINF | 0x55

out = []


def emit(line):
    out.append('\t' + line)


def group(name):
    emit('GROUP(%s:%s)' % (INC, name))


def binary(op, fn, cases):
    """cases: (a, b, all_modes). Others run under rne, rup and dyn=rdn."""
    group(op + SFX)
    for a, bb, all_modes in cases:
        for m in ALL_MODES if all_modes else [RNE, RUP]:
            r, fl = fn(a, bb, F, m)
            emit('FOP2(%s%s, %s, %d, %s, %s, %s, %d)' %
                 (op, SFX, RMNAME[m], (m + 2) % 5, h(a), h(bb), h(r), fl))
        for m in [RDN, RMM] if all_modes else [RDN]:
            r, fl = fn(a, bb, F, m)
            emit('FOP2(%s%s, dyn, %d, %s, %s, %s, %d)' %
                 (op, SFX, m, h(a), h(bb), h(r), fl))


binary('fadd', add, [
    (ONE, HALF_ULP, 1),                 # exact tie: rne keeps 1, rmm/rup round up
    (ONE, neg(QUARTER_ULP), 1),
    (neg(ONE), neg(HALF_ULP), 1),
    (ONE, b(3 * 2.0 ** -(P + 1)), 1),   # tie to the even upper neighbour
    (b(0.1), b(0.2), 1),
    (MAXF, MAXF, 1), (NMAXF, NMAXF, 1),  # overflow per mode
    (MAXF, ONE, 1),                     # rup overflows on a tiny addend
    (ONE, neg(ONE), 1),                 # exact zero: -0 only under rdn
    (NZ, NZ, 1), (PZ, NZ, 1),
    (PINF, NINF, 0), (PINF, ONE, 0),
    (QNAN, ONE, 0), (SNAN, ONE, 0), (ONE, QNAN_PAYLOAD, 0), (NQNAN, SNAN, 0),
    (MIN_SUB, MIN_SUB, 0), (MIN_NORMAL, neg(MIN_SUB), 0),
    (b(1e-3), b(-1e-3 * (1 + 2.0 ** -P)), 1),
    (b(12345.678), b(-0.001), 1),
])
binary('fsub', lambda a, bb, f, m: add(a, bb, f, m, sub=True), [
    (ONE, ONE, 1), (NZ, PZ, 1), (PZ, PZ, 1), (ONE, HALF_ULP, 1), (neg(ONE), HALF_ULP, 1),
    (NMAXF, MAXF, 1), (PINF, PINF, 0), (NINF, PINF, 0), (SNAN, SNAN, 0), (QNAN, NINF, 0),
    (b(1.0), b(0.1), 1), (MIN_NORMAL, MAX_SUB, 0),
])
binary('fmul', mul, [
    (ONE_PLUS_ULP, ONE_PLUS_ULP, 1), (ONE_PLUS_ULP, ONE_MINUS_HALF_ULP, 1),
    (b(0.1), TEN, 1), (neg(b(0.1)), THREE, 1),
    (MAXF, TWO, 1), (NMAXF, TWO, 1),
    (MIN_NORMAL, HALF, 0),                      # exact subnormal: no UF
    (MAX_SUB, ONE_PLUS_ULP, 1),                 # rounds up to normal: tiny only after rtz/rdn
    (neg(MAX_SUB), ONE_PLUS_ULP, 1),
    (MIN_SUB, HALF, 1), (neg(MIN_SUB), HALF, 1),  # half the smallest subnormal
    (MIN_NORMAL, b(1 - 2.0 ** -(P + 1)), 1),
    (PINF, PZ, 0), (NZ, b(5.0), 0), (SNAN, PZ, 0), (QNAN, PINF, 0), (NINF, NINF, 0),
    (b(1e-30), b(1e-30), 1),
])
binary('fdiv', div, [
    (ONE, THREE, 1), (TWO, THREE, 1), (neg(ONE), THREE, 1),
    (ONE, PZ, 0), (neg(ONE), PZ, 0), (ONE, NZ, 0), (PZ, PZ, 0), (PINF, PINF, 0),
    (ONE, PINF, 0), (PZ, b(-5.0), 0), (MAXF, HALF, 1), (MIN_NORMAL, THREE, 1),
    (SNAN, ONE, 0), (b(10.0), b(4.0), 0), (PINF, PZ, 0), (QNAN, PZ, 0), (b(1.0), b(10.0), 1),
])

group('fsqrt' + SFX)
for a, all_modes in [(TWO, 1), (THREE, 1), (b(4.0), 0), (b(0.25), 0), (NZ, 0), (PZ, 0),
                     (neg(ONE), 0), (PINF, 0), (NINF, 0), (QNAN, 0), (SNAN, 0),
                     (MIN_SUB, 1), (MAXF, 1), (neg(MIN_SUB), 0), (b(1e-3), 1)]:
    for m in ALL_MODES if all_modes else [RNE]:
        r, fl = sqrt(a, F, m)
        emit('FOP1(fsqrt%s, %s, %d, %s, %s, %d)' % (SFX, RMNAME[m], (m + 1) % 5, h(a), h(r), fl))
        if m == RUP:
            emit('FOP1(fsqrt%s, dyn, %d, %s, %s, %d)' % (SFX, m, h(a), h(r), fl))

FMA_CASES = [
    (TWO, THREE, ONE, 0),
    (PINF, PZ, QNAN, 0), (PZ, NINF, QNAN, 0),   # inf*0 is NV even with a quiet NaN addend
    (PINF, PZ, ONE, 0), (PZ, PINF, SNAN, 0),
    (ONE_PLUS_ULP, b(1 - 2.0 ** -P), neg(ONE), 1),  # fused: exact tiny result
    (b(0.1), TEN, neg(ONE), 1),
    (PINF, ONE, NINF, 0), (PINF, ONE, PINF, 0),
    (ONE, ONE, neg(ONE), 1),                     # exact zero sign per mode
    (PZ, neg(ONE), NZ, 1), (PZ, neg(ONE), PZ, 1),
    (MAXF, TWO, NMAXF, 0),                       # no intermediate overflow
    (MAXF, MAXF, PZ, 1),
    (QNAN, ONE, ONE, 0), (ONE, SNAN, ONE, 0),
    (MIN_NORMAL, HALF, MIN_SUB, 1),
    (b(1e10), b(1e10), b(-1e20), 1),
    (ONE, ONE, PINF, 0),
]
for name, neg_product, neg_addend in [('fmadd', False, False), ('fmsub', False, True),
                                      ('fnmsub', True, False), ('fnmadd', True, True)]:
    group(name + SFX)
    for a, bb, c, all_modes in FMA_CASES:
        for m in ALL_MODES if all_modes else [RNE]:
            r, fl = fma(a, bb, c, F, m, neg_product, neg_addend)
            emit('FOP3(%s%s, %s, %d, %s, %s, %s, %s, %d)' %
                 (name, SFX, RMNAME[m], (m + 3) % 5, h(a), h(bb), h(c), h(r), fl))
        for m in [RTZ, RMM] if all_modes else [RUP]:
            r, fl = fma(a, bb, c, F, m, neg_product, neg_addend)
            emit('FOP3(%s%s, dyn, %d, %s, %s, %s, %s, %d)' %
                 (name, SFX, m, h(a), h(bb), h(c), h(r), fl))

# Float to integer: ties, negative to unsigned, each range edge, NaN and inf.
TO_INT = [
    (b(1.5), 1), (b(2.5), 1), (b(-1.5), 1), (b(-2.5), 1), (b(-0.5), 1), (b(0.5), 1), (NZ, 0),
    (b(2.0 ** 31), 0), (b(-2.0 ** 31), 0), (b(3e9), 0), (b(2.0 ** 32), 0), (b(1e20), 0),
    (b(2.0 ** 63), 0), (b(-2.0 ** 63), 0), (b(2.0 ** 64), 0), (neg(ONE), 0),
    (PINF, 0), (NINF, 0), (QNAN, 0), (SNAN, 0), (NQNAN, 0),
    (MIN_SUB, 1), (neg(MIN_SUB), 1), (b(-7.9), 1), (b(123456.75), 1),
]
if F is D:
    TO_INT += [(b(-2.0 ** 31 - 1), 0), (b(2.0 ** 31 - 0.5), 1), (b(-2.0 ** 31 - 0.5), 1),
               (b(2.0 ** 32 - 0.5), 1), (b(4294967295.0), 0)]
else:
    # the largest singles below 2^31, 2^32, 2^63, 2^64 and just beyond -2^31, -2^63
    TO_INT += [(0x4effffff, 0), (0xcf000001, 0), (0x4f7fffff, 0),
               (0x5effffff, 0), (0xdf000001, 0), (0x5f7fffff, 0)]
INT_TYPES = [('w', 32, True), ('wu', 32, False), ('l', 64, True), ('lu', 64, False)]
for iname, bits, signed in INT_TYPES:
    group('fcvt.%s%s' % (iname, SFX))
    for a, all_modes in TO_INT:
        for m in ALL_MODES if all_modes else [RTZ]:
            r, fl = f2i(a, F, m, bits, signed)
            emit('FCVT_TO_INT(fcvt.%s%s, %s, %d, %s, %s, %d)' %
                 (iname, SFX, RMNAME[m], (m + 1) % 5, h(a), h(r), fl))
        for m in [RNE, RDN, RUP] if all_modes else [RNE]:
            r, fl = f2i(a, F, m, bits, signed)
            emit('FCVT_TO_INT(fcvt.%s%s, dyn, %d, %s, %s, %d)' %
                 (iname, SFX, m, h(a), h(r), fl))

# Integer to float: the source register holds 64 bits; W forms read the low 32.
FROM_INT = [
    (0, 0), (1, 0), (M64, 0), (0x80000000, 1), (0x7fffffff, 1), (16777217, 1),
    (M64 - 16777216, 1), (0xffffffff, 1), (0x1234567800000005, 1), (1 << 63, 1),
    ((1 << 63) - 1, 1), (M64, 1), ((1 << 53) + 1, 1), ((1 << 53) + 3, 1),
    (M64 - (1 << 53), 1), (0xfffffffe, 1), (123456789, 1), (0xffffffff80000001, 1),
]
for iname, bits, signed in INT_TYPES:
    group('fcvt%s.%s' % (SFX, iname))
    always_exact = F is D and bits == 32
    for x, all_modes in FROM_INT:
        if always_exact:
            r, fl = i2f(x, F, RNE, bits, signed)
            emit('FCVT_FROM_INT_EXACT(fcvt%s.%s, %s, %s, %d)' % (SFX, iname, h(x), h(r), fl))
            continue
        for m in ALL_MODES if all_modes else [RNE]:
            r, fl = i2f(x, F, m, bits, signed)
            emit('FCVT_FROM_INT(fcvt%s.%s, %s, %d, %s, %s, %d)' %
                 (SFX, iname, RMNAME[m], (m + 1) % 5, h(x), h(r), fl))
        for m in [RDN, RMM] if all_modes else []:
            r, fl = i2f(x, F, m, bits, signed)
            emit('FCVT_FROM_INT(fcvt%s.%s, dyn, %d, %s, %s, %d)' %
                 (SFX, iname, m, h(x), h(r), fl))

CMP_PAIRS = [
    (ONE, TWO), (TWO, ONE), (ONE, ONE), (PZ, NZ), (NZ, PZ), (neg(ONE), ONE), (NINF, NMAXF),
    (PINF, PINF), (MIN_SUB, PZ), (neg(MIN_SUB), NZ), (NINF, PINF),
    (QNAN, ONE), (ONE, QNAN), (QNAN, QNAN), (SNAN, ONE), (ONE, SNAN), (NQNAN, NINF),
    (SNAN, QNAN), (MAXF, PINF), (b(-3.0), b(-2.0)),
]
for op in ['feq', 'flt', 'fle']:
    group(op + SFX)
    for a, bb in CMP_PAIRS:
        r, fl = cmp(op, a, bb, F)
        emit('FCMP(%s%s, %s, %s, %d, %d)' % (op, SFX, h(a), h(bb), r, fl))

MINMAX_PAIRS = [
    (ONE, TWO), (TWO, ONE), (PZ, NZ), (NZ, PZ), (NZ, NZ), (QNAN, ONE), (neg(ONE), QNAN),
    (QNAN, QNAN), (SNAN, ONE), (ONE, SNAN), (SNAN, SNAN), (NQNAN, SNAN),
    (QNAN_PAYLOAD, QNAN_PAYLOAD), (NINF, PINF), (PINF, QNAN), (MIN_SUB, neg(MIN_SUB)),
    (NMAXF, NINF), (b(-3.0), b(-2.0)),
]
for op in ['fmin', 'fmax']:
    group(op + SFX)
    for a, bb in MINMAX_PAIRS:
        r, fl = minmax(op, a, bb, F)
        emit('FMINMAX(%s%s, %s, %s, %s, %d)' % (op, SFX, h(a), h(bb), h(r), fl))

group('fclass' + SFX)
for a in [NINF, neg(ONE), NMAXF, neg(MIN_SUB), neg(MAX_SUB), NZ, PZ, MIN_SUB, MAX_SUB,
          MIN_NORMAL, ONE, MAXF, PINF, SNAN, NSNAN, QNAN, NQNAN, QNAN_PAYLOAD]:
    emit('FCLASS(fclass%s, %s, 0x%x)' % (SFX, h(a), fclass(a, F)))

if F is D:
    group('fcvt.s.d')
    for x, all_modes in [
            (b(0.1), 1), (b(1.5), 0), (b(1e40), 1), (b(-1e40), 1), (b(1e-50), 1), (b(-1e-50), 1),
            # just below the smallest normal single: rounds up to it under rne,
            # and is tiny only if tininess were detected before rounding
            (b(2.0 ** -126 * (1 - 2.0 ** -25)), 1),
            (b(2.0 ** -126 * (1 - 2.0 ** -24)), 1),
            (b(2.0 ** -149), 0), (b(2.0 ** -150), 1), (b(3 * 2.0 ** -151), 1),
            (b(2.0 ** 128 * (1 - 2.0 ** -25)), 1), (b(2.0 ** 128 * (1 - 2.0 ** -24)), 1),
            (QNAN_PAYLOAD, 0), (SNAN, 0), (NQNAN, 0), (PINF, 0), (NINF, 0), (NZ, 0), (PZ, 0),
            (b(1 + 2.0 ** -24), 1), (b(1 + 3 * 2.0 ** -25), 1)]:
        for m in ALL_MODES if all_modes else [RNE]:
            r, fl = cvt(x, D, S, m)
            emit('FCVT_SD(%s, %d, %s, %s, %d)' % (RMNAME[m], (m + 1) % 5, h(x), h(r), fl))
        for m in [RDN, RUP] if all_modes else []:
            r, fl = cvt(x, D, S, m)
            emit('FCVT_SD(dyn, %d, %s, %s, %d)' % (m, h(x), h(r), fl))
    group('fcvt.d.s')
    for x in [fbits(0.1, S), fbits(-1.5, S), 0x00000001, 0x80400000, 0x7f7fffff, 0x7fc12345,
              0x7f800001, 0xff800001, 0xffc00000, 0x7f800000, 0xff800000, 0x80000000, 0,
              0x3f800000]:
        r, fl = cvt(x, S, D, RNE)
        emit('FCVT_DS(%s, %s, %d)' % (h(x), h(r), fl))

print('/* Generated by tools/fpcases.py %s from tools/fpmodel.py: do not edit. */' % sys.argv[1])
print('\n'.join(out))
