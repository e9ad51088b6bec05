/*
 * Freestanding C guest test of compiled floating-point code with bit-exact
 * expected results: long sums in double and float (harmonic series, naive
 * vs Kahan summation), a Taylor series for e, Newton's square root against
 * fsqrt, fused multiply-add, a 4x4 matrix product, conversions between
 * integers, float and double (C truncation, large unsigned values, rounding
 * of int64 to double), NaN comparisons, and sign operations.
 *
 * Built with -ffp-contract=off so the compiler cannot fuse a*b+c behind our
 * back; expected bit patterns were computed on the host with Python, which
 * rounds every double operation to nearest, as this code does (frm = 0).
 */
#include "pvtest.h"

const char pv_test_name[] = "rv64-c-float";

static uint32_t fbits(float f)
{
	union { float f; uint32_t u; } v = { .f = f };
	return v.u;
}

static void test_sums(void)
{
	GROUP("sums");
	double h = 0.0;
	for (int i = 1; i <= PV_OPAQUE(1000); i++)
		h += 1.0 / i;
	CHECK(pv_bits(h), 0x401df11f45f4e618ULL);

	float hf = 0.0f;
	for (int i = 1; i <= PV_OPAQUE(1000); i++)
		hf += 1.0f / (float)i;
	CHECK(fbits(hf), 0x40ef890au);

	double naive = 0.0, sum = 0.0, comp = 0.0;
	double tenth = PV_OPAQUE_F(0.1);
	for (int i = 0; i < PV_OPAQUE(10000); i++) {
		naive += tenth;
		double y = tenth - comp;
		double t = sum + y;
		comp = (t - sum) - y;
		sum = t;
	}
	CHECK(pv_bits(naive), 0x408f400000000575ULL);
	CHECK(pv_bits(sum), 0x408f400000000000ULL);
}

static void test_series(void)
{
	GROUP("series");
	/* e = sum 1/k!, terms built by division */
	double e = 0.0, term = 1.0;
	for (int k = 0; k <= PV_OPAQUE(20); k++) {
		e += term;
		term /= (double)(k + 1);
	}
	CHECK(pv_bits(e), 0x4005bf0a8b14576aULL);

	/* Horner evaluation of a cubic at a value with a long fraction */
	double x = PV_OPAQUE_F(1.2345678);
	double p = ((2.5 * x - 3.75) * x + 1.125) * x - 0.0625;
	CHECK(pv_bits(p), 0x3fd428c13cd1c42aULL);

	/* Newton's method for sqrt(2) settles one ulp below fsqrt's answer */
	double r = 1.0, two = PV_OPAQUE_F(2.0);
	for (int i = 0; i < 8; i++)
		r = 0.5 * (r + two / r);
	CHECK(pv_bits(r), 0x3ff6a09e667f3bccULL);
	CHECK(pv_bits(__builtin_sqrt(two)), 0x3ff6a09e667f3bcdULL);
	CHECK(fbits(__builtin_sqrtf((float)two)), 0x3fb504f3u);
}

static void test_fma(void)
{
	GROUP("fma");
	double a = PV_OPAQUE_F(0.1), b = PV_OPAQUE_F(10.0), c = PV_OPAQUE_F(-1.0);
	CHECK(pv_bits(__builtin_fma(a, b, c)), 0x3c90000000000000ULL);	/* 2^-54 */
	CHECK(pv_bits(a * b + c), 0);					/* unfused */
	float af = (float)a, bf = (float)b, cf = (float)c;
	CHECK(fbits(__builtin_fmaf(af, bf, cf)), 0x32800000u);	/* 2^-26 */
	CHECK(fbits(af * bf + cf), 0u);
}

static void test_matrix(void)
{
	GROUP("matrix");
	double m[4][4], n[4][4], out[4][4];
	for (int i = 0; i < 4; i++) {
		for (int j = 0; j < 4; j++) {
			m[i][j] = (double)(i + 1) / (double)(j + 2);
			n[i][j] = (double)(i * 4 + j) - 7.5;
		}
	}
	for (int i = 0; i < 4; i++) {
		for (int j = 0; j < 4; j++) {
			double s = 0.0;
			for (int k = 0; k < 4; k++)
				s += m[i][k] * n[k][j];
			out[i][j] = s;
		}
	}
	CHECK(pv_bits(out[0][0]), 0xc00f222222222221ULL);
	CHECK(pv_bits(out[3][3]), 0xbfc5555555555540ULL);
	double tr = out[0][0] + out[1][1] + out[2][2] + out[3][3];
	CHECK(pv_bits(tr), 0xc02a7fffffffffffULL);
}

static void test_conversions(void)
{
	GROUP("conversions");
	double d = PV_OPAQUE_F(-2.5);
	CHECK((int64_t)d, (uint64_t)-2);
	CHECK((int32_t)d, (uint64_t)-2);
	CHECK((uint64_t)PV_OPAQUE_F(1e19), 10000000000000000000ULL);
	CHECK((uint32_t)PV_OPAQUE_F(4294967295.0), 0xffffffffu);
	CHECK(pv_bits((double)PV_OPAQUE(0x7fffffffffffffffLL)), 0x43e0000000000000ULL);
	CHECK(pv_bits((double)PV_OPAQUE(0xffffffffffffffffULL)), 0x43f0000000000000ULL);
	CHECK(pv_bits((double)PV_OPAQUE(-3)), 0xc008000000000000ULL);
	CHECK(fbits((float)PV_OPAQUE(16777217)), 0x4b800000u);
	CHECK(fbits((float)PV_OPAQUE(0x8000000000000001ULL)), 0x5f000000u);
	CHECK(fbits((float)PV_OPAQUE_F(0.1)), 0x3dcccccdu);
	CHECK(fbits((float)PV_OPAQUE_F(1e-45)), 0x00000001u);
	CHECK(fbits((float)PV_OPAQUE_F(1e39)), 0x7f800000u);
	CHECK(pv_bits((double)PV_OPAQUE_F(0.1f)), 0x3fb99999a0000000ULL);
	CHECK((int64_t)PV_OPAQUE_F(-0.99), 0);
	CHECK((int64_t)PV_OPAQUE_F(123456789.987f), 123456792);
}

static void test_compare_sign(void)
{
	GROUP("compare");
	double nan = PV_OPAQUE_F(__builtin_nan(""));
	double one = PV_OPAQUE_F(1.0);
	CHECK(nan == nan, 0);
	CHECK(nan != nan, 1);
	CHECK(nan < one, 0);
	CHECK(nan >= one, 0);
	CHECK(__builtin_isnan(nan), 1);
	CHECK(__builtin_isless(nan, one), 0);
	CHECK(PV_OPAQUE_F(-0.0) == PV_OPAQUE_F(0.0), 1);
	CHECK(one > PV_OPAQUE_F(0.99999999999999989), 1);

	GROUP("sign");
	CHECK(pv_bits(__builtin_copysign(one, PV_OPAQUE_F(-0.0))), 0xbff0000000000000ULL);
	CHECK(pv_bits(__builtin_fabs(PV_OPAQUE_F(-3.0))), 0x4008000000000000ULL);
	CHECK(pv_bits(-PV_OPAQUE_F(0.0)), 0x8000000000000000ULL);
	CHECK(pv_bits(PV_OPAQUE_F(0.0) * -1.0), 0x8000000000000000ULL);
	CHECK(pv_bits(PV_OPAQUE_F(1e308) * 10.0), 0x7ff0000000000000ULL);
	CHECK(pv_bits(PV_OPAQUE_F(-1.0) / PV_OPAQUE_F(0.0)), 0xfff0000000000000ULL);
}

void test_main(void)
{
	test_sums();
	test_series();
	test_fma();
	test_matrix();
	test_conversions();
	test_compare_sign();
}
