"""
Exact reference model of RISC-V F/D arithmetic, used by fpcases.py to
compute the expected results and fflags of the FP guest tests.

Operands are bit patterns. They are decoded into exact rationals
(fractions.Fraction), operated on exactly, and rounded once by rnd().
RISC-V rules modelled here: every NaN result is the canonical NaN,
tininess is detected after rounding, RMM rounds ties away from zero,
float-to-integer conversions saturate (NaN to the largest value) and set
NV instead of NX, 32-bit integer results are sign-extended, and fmin/fmax
follow IEEE 754-2019 minimumNumber/maximumNumber with -0 < +0.
Each operation returns (result bits, fflags).
"""
from fractions import Fraction
import math
import struct

NX, UF, OF, DZ, NV = 1, 2, 4, 8, 16
RNE, RTZ, RDN, RUP, RMM = 0, 1, 2, 3, 4
RMNAME = ['rne', 'rtz', 'rdn', 'rup', 'rmm']


class Fmt:
    """An IEEE binary format: exponent bits, explicit mantissa bits."""

    def __init__(self, ebits, mbits):
        self.eb, self.mb = ebits, mbits
        self.bias = (1 << (ebits - 1)) - 1
        self.emax, self.emin = self.bias, 1 - self.bias
        self.width = 1 + ebits + mbits
        self.cnan = ((1 << ebits) - 1) << mbits | 1 << (mbits - 1)

    def sign(self, neg):
        return int(neg) << (self.width - 1)

    def inf(self, neg):
        return self.sign(neg) | ((1 << self.eb) - 1) << self.mb

    def maxf(self, neg):
        return self.sign(neg) | ((1 << self.eb) - 2) << self.mb | ((1 << self.mb) - 1)

    def zero(self, neg):
        return self.sign(neg)


S = Fmt(8, 23)
D = Fmt(11, 52)


def pow2(e):
    return Fraction(2) ** e


def decode(bits, f):
    """(kind, negative, exact value or None); kind is one of
    zero, sub, norm, inf, qnan, snan."""
    neg = bits >> (f.width - 1) & 1
    e = bits >> f.mb & ((1 << f.eb) - 1)
    m = bits & ((1 << f.mb) - 1)
    if e == (1 << f.eb) - 1:
        if m == 0:
            return ('inf', neg, None)
        return ('qnan' if m >> (f.mb - 1) else 'snan', neg, None)
    if e == 0:
        if m == 0:
            return ('zero', neg, Fraction(0))
        v = m * pow2(f.emin - f.mb)
    else:
        v = (m + (1 << f.mb)) * pow2(e - f.bias - f.mb)
    return ('sub' if e == 0 else 'norm', neg, -v if neg else v)


def ilog2(a):
    """floor(log2(a)) of a positive Fraction."""
    e = a.numerator.bit_length() - a.denominator.bit_length()
    while pow2(e) > a:
        e -= 1
    while pow2(e + 1) <= a:
        e += 1
    return e


def round_int(a, neg, rm):
    """Round the magnitude a (of a value whose sign is neg) to an integer:
    (integer magnitude, inexact)."""
    n = math.floor(a)
    r = a - n
    up = False
    if r:
        if rm == RNE:
            up = r > Fraction(1, 2) or (r == Fraction(1, 2) and n & 1)
        elif rm == RMM:
            up = r >= Fraction(1, 2)
        elif rm == RDN:
            up = bool(neg)
        elif rm == RUP:
            up = not neg
    return n + int(up), r != 0


def rnd(x, f, rm):
    """Round the nonzero Fraction x to format f."""
    neg = x < 0
    a = abs(x)
    e = ilog2(a)
    quantum = max(e, f.emin) - f.mb
    n, inexact = round_int(a / pow2(quantum), neg, rm)
    v = n * pow2(quantum)
    # Tininess after rounding: round as if the exponent range were unbounded.
    nu, _ = round_int(a / pow2(e - f.mb), neg, rm)
    tiny = nu * pow2(e - f.mb) < pow2(f.emin)
    flags = (NX if inexact else 0) | (UF if inexact and tiny else 0)
    if v >= pow2(f.emax + 1):
        to_inf = rm in (RNE, RMM) or (rm == RUP and not neg) or (rm == RDN and neg)
        return (f.inf(neg) if to_inf else f.maxf(neg)), flags | OF | NX
    if v == 0:
        return f.zero(neg), flags
    if v < pow2(f.emin):
        return f.sign(neg) | int(v / pow2(f.emin - f.mb)), flags
    ev = ilog2(v)
    mant = int(v / pow2(ev - f.mb)) - (1 << f.mb)
    return f.sign(neg) | (ev + f.bias) << f.mb | mant, flags


def is_nan(kind):
    return kind in ('qnan', 'snan')


def nan_result(f, operands, extra_flags=0):
    """Canonical NaN; NV if any operand is signalling."""
    snan = any(kind == 'snan' for kind, _, _ in operands)
    return f.cnan, extra_flags | (NV if snan else 0)


def zero_sum(a_zero_neg, b_zero_neg, rm):
    """Sign of an exact zero sum: the common sign of two zeros, otherwise -0
    only when rounding down. Arguments are None for nonzero terms."""
    if a_zero_neg is not None and a_zero_neg == b_zero_neg:
        return a_zero_neg
    return rm == RDN


def add(ab, bb, f, rm, sub=False):
    A, B = decode(ab, f), decode(bb, f)
    if sub:
        B = (B[0], B[1] ^ 1, -B[2] if B[2] is not None else None)
    if is_nan(A[0]) or is_nan(B[0]):
        return nan_result(f, [A, B])
    if A[0] == 'inf' and B[0] == 'inf':
        return (f.cnan, NV) if A[1] != B[1] else (f.inf(A[1]), 0)
    if A[0] == 'inf':
        return f.inf(A[1]), 0
    if B[0] == 'inf':
        return f.inf(B[1]), 0
    s = A[2] + B[2]
    if s == 0:
        both_zero = A[0] == 'zero' and B[0] == 'zero'
        return f.zero(zero_sum(A[1] if both_zero else None, B[1] if both_zero else None, rm)), 0
    return rnd(s, f, rm)


def mul(ab, bb, f, rm):
    A, B = decode(ab, f), decode(bb, f)
    neg = A[1] ^ B[1]
    if is_nan(A[0]) or is_nan(B[0]):
        return nan_result(f, [A, B])
    if {A[0], B[0]} == {'inf', 'zero'}:
        return f.cnan, NV
    if 'inf' in (A[0], B[0]):
        return f.inf(neg), 0
    p = A[2] * B[2]
    return (f.zero(neg), 0) if p == 0 else rnd(p, f, rm)


def div(ab, bb, f, rm):
    A, B = decode(ab, f), decode(bb, f)
    neg = A[1] ^ B[1]
    if is_nan(A[0]) or is_nan(B[0]):
        return nan_result(f, [A, B])
    if A[0] == B[0] and A[0] in ('inf', 'zero'):
        return f.cnan, NV
    if A[0] == 'inf':
        return f.inf(neg), 0
    if B[0] == 'inf':
        return f.zero(neg), 0
    if B[0] == 'zero':
        return f.inf(neg), DZ
    if A[0] == 'zero':
        return f.zero(neg), 0
    return rnd(A[2] / B[2], f, rm)


def sqrt(ab, f, rm):
    A = decode(ab, f)
    if is_nan(A[0]):
        return nan_result(f, [A])
    if A[0] == 'zero':
        return ab, 0
    if A[1]:
        return f.cnan, NV
    if A[0] == 'inf':
        return ab, 0
    # Scale so the integer square root carries ample bits beyond the
    # precision; an inexact root is represented by root + 1/2 (a sticky bit).
    x = A[2]
    k = max(0, (2 * (f.mb + 12) - ilog2(x)) // 2 + 1)
    t = x * Fraction(4) ** k
    n = math.floor(t)
    s = math.isqrt(n)
    exact = t == n and s * s == n
    root = Fraction(s) if exact else Fraction(2 * s + 1, 2)
    return rnd(root / pow2(k), f, rm)


def fma(ab, bb, cb, f, rm, neg_product=False, neg_addend=False):
    """(+/-)(a*b) (+/-) c with one rounding; fnmsub/fnmadd negate the product."""
    A, B, C = decode(ab, f), decode(bb, f), decode(cb, f)
    pneg = A[1] ^ B[1] ^ neg_product
    cneg = C[1] ^ neg_addend
    inf_times_zero = {A[0], B[0]} == {'inf', 'zero'}
    if is_nan(A[0]) or is_nan(B[0]) or is_nan(C[0]):
        # RISC-V: inf*0 raises NV even when the addend is a quiet NaN
        return nan_result(f, [A, B, C], NV if inf_times_zero else 0)
    if inf_times_zero:
        return f.cnan, NV
    product_inf = 'inf' in (A[0], B[0])
    if product_inf and C[0] == 'inf' and pneg != cneg:
        return f.cnan, NV
    if product_inf:
        return f.inf(pneg), 0
    if C[0] == 'inf':
        return f.inf(cneg), 0
    p = A[2] * B[2] * (-1 if neg_product else 1)
    c = C[2] * (-1 if neg_addend else 1)
    s = p + c
    if s == 0:
        both_zero = p == 0 and c == 0
        return f.zero(zero_sum(pneg if both_zero else None, cneg if both_zero else None, rm)), 0
    return rnd(s, f, rm)


def f2i(ab, f, rm, bits, signed):
    """fcvt.{w,wu,l,lu}: saturating, result sign-extended to 64 bits."""
    A = decode(ab, f)
    lo = -(1 << (bits - 1)) if signed else 0
    hi = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
    if is_nan(A[0]):
        r, flags = hi, NV
    elif A[0] == 'inf':
        r, flags = (lo if A[1] else hi), NV
    else:
        n, inexact = round_int(abs(A[2]), A[1], rm)
        n = -n if A[1] else n
        if n < lo:
            r, flags = lo, NV
        elif n > hi:
            r, flags = hi, NV
        else:
            r, flags = n, (NX if inexact else 0)
    r &= (1 << bits) - 1
    if bits == 32 and r >> 31:
        r |= 0xffffffff00000000
    return r, flags


def i2f(x, f, rm, bits, signed):
    """fcvt.{s,d}.{w,wu,l,lu}: the source is the low `bits` of x."""
    x &= (1 << bits) - 1
    if signed and x >> (bits - 1):
        x -= 1 << bits
    return (0, 0) if x == 0 else rnd(Fraction(x), f, rm)


def cvt(ab, src, dst, rm):
    """fcvt between formats."""
    A = decode(ab, src)
    if is_nan(A[0]):
        return nan_result(dst, [A])
    if A[0] == 'inf':
        return dst.inf(A[1]), 0
    if A[0] == 'zero':
        return dst.zero(A[1]), 0
    return rnd(A[2], dst, rm)


def order_value(A):
    """A totally ordered stand-in for a non-NaN operand (zeros compare equal)."""
    if A[0] == 'inf':
        return (-1 if A[1] else 1) * pow2(100000)
    return A[2]


def cmp(op, ab, bb, f):
    """feq (quiet: NV only for sNaN), flt and fle (signalling: NV for any NaN)."""
    A, B = decode(ab, f), decode(bb, f)
    if is_nan(A[0]) or is_nan(B[0]):
        signalling = op != 'feq' or 'snan' in (A[0], B[0])
        return 0, NV if signalling else 0
    a, b = order_value(A), order_value(B)
    return int({'feq': a == b, 'flt': a < b, 'fle': a <= b}[op]), 0


def minmax(op, ab, bb, f):
    A, B = decode(ab, f), decode(bb, f)
    flags = NV if 'snan' in (A[0], B[0]) else 0
    if is_nan(A[0]) and is_nan(B[0]):
        return f.cnan, flags
    if is_nan(A[0]):
        return bb, flags
    if is_nan(B[0]):
        return ab, flags
    a, b = order_value(A), order_value(B)
    if a == b:  # equal values, possibly zeros of opposite sign: -0 < +0
        a, b = -A[1], -B[1]
    if op == 'fmin':
        return (ab if a < b else bb), flags
    return (ab if a > b else bb), flags


def fclass(ab, f):
    kind, neg, _ = decode(ab, f)
    if kind == 'snan':
        return 1 << 8
    if kind == 'qnan':
        return 1 << 9
    order = ['inf', 'norm', 'sub', 'zero']
    return 1 << (order.index(kind) if neg else 7 - order.index(kind))


def fbits(x, f):
    """Bit pattern of the Python float x (rounded to nearest) in format f."""
    if f is S:
        return struct.unpack('<I', struct.pack('<f', x))[0]
    return struct.unpack('<Q', struct.pack('<d', x))[0]
