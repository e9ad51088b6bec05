/*
 * Self-checking test of the M extension: mul, mulh, mulhsu, mulhu, div,
 * divu, rem, remu and the W forms, including division by zero (quotient
 * all ones, remainder = dividend), signed overflow (INT_MIN / -1), the W
 * forms ignoring upper source bits and sign-extending their results, and
 * register aliasing.
 *
 * Expected values were computed with exact integer arithmetic.
 */
#include "check.h"

	.option norvc

/* a0 = a1 op a2 */
#define RR(op, x, y, r) li a1, x; li a2, y; op a0, a1, a2; CHECK(a0, r)

TEST_NAME(rv64m)
TEST_BEGIN

	GROUP(mul)
	RR(mul, 0x3, 0x7, 0x15)
	RR(mul, 0xffffffffffffffff, 0xffffffffffffffff, 0x1)
	RR(mul, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000)
	RR(mul, 0x123456789abcdef, 0xfedcba9876543210, 0x2236d88fe5618cf0)
	RR(mul, 0x7fffffffffffffff, 0x7fffffffffffffff, 0x1)
	RR(mul, 0xffffffff, 0xffffffff, 0xfffffffe00000001)
	RR(mul, 0xfffffffffffffffb, 0x3, 0xfffffffffffffff1)
	RR(mul, 0x0, 0xffffffffffffffff, 0x0)
	GROUP(mulh)
	RR(mulh, 0xffffffffffffffff, 0xffffffffffffffff, 0x0)
	RR(mulh, 0x8000000000000000, 0x8000000000000000, 0x4000000000000000)
	RR(mulh, 0x8000000000000000, 0xffffffffffffffff, 0x0)
	RR(mulh, 0xffffffffffffffff, 0x1, 0xffffffffffffffff)
	RR(mulh, 0x123456789abcdef, 0xfedcba9876543210, 0xfffeb49923cc0953)
	RR(mulh, 0x7fffffffffffffff, 0x7fffffffffffffff, 0x3fffffffffffffff)
	RR(mulh, 0x8000000000000000, 0x7fffffffffffffff, 0xc000000000000000)
	RR(mulh, 0xfffffffffffffffb, 0x3, 0xffffffffffffffff)
	RR(mulh, 0x2, 0x3, 0x0)
	GROUP(mulhsu)
	RR(mulhsu, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff)
	RR(mulhsu, 0xffffffffffffffff, 0x1, 0xffffffffffffffff)
	RR(mulhsu, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000)
	RR(mulhsu, 0x123456789abcdef, 0xfedcba9876543210, 0x121fa00ad77d742)
	RR(mulhsu, 0xfedcba9876543210, 0x123456789abcdef, 0xfffeb49923cc0953)
	RR(mulhsu, 0x8000000000000000, 0x8000000000000000, 0xc000000000000000)
	RR(mulhsu, 0x1, 0xffffffffffffffff, 0x0)
	RR(mulhsu, 0xfffffffffffffffb, 0x3, 0xffffffffffffffff)
	GROUP(mulhu)
	RR(mulhu, 0xffffffffffffffff, 0xffffffffffffffff, 0xfffffffffffffffe)
	RR(mulhu, 0x8000000000000000, 0x2, 0x1)
	RR(mulhu, 0x123456789abcdef, 0xfedcba9876543210, 0x121fa00ad77d742)
	RR(mulhu, 0x7fffffffffffffff, 0x7fffffffffffffff, 0x3fffffffffffffff)
	RR(mulhu, 0xffffffff, 0x100000000, 0x0)
	RR(mulhu, 0xfffffffffffffffb, 0x3, 0x2)
	GROUP(div)
	RR(div, 0x7, 0x2, 0x3)
	RR(div, 0xfffffffffffffff9, 0x2, 0xfffffffffffffffd)
	RR(div, 0x7, 0xfffffffffffffffe, 0xfffffffffffffffd)
	RR(div, 0xfffffffffffffff9, 0xfffffffffffffffe, 0x3)
	RR(div, 0x5, 0x0, 0xffffffffffffffff)
	RR(div, 0x0, 0x0, 0xffffffffffffffff)
	RR(div, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000)
	RR(div, 0x8000000000000000, 0x1, 0x8000000000000000)
	RR(div, 0x8000000000000000, 0x0, 0xffffffffffffffff)
	RR(div, 0x123456789abcdef, 0x3e8, 0x4a90be587de6)
	RR(div, 0xfedcba9876543210, 0xfffffffffffffc18, 0x4a90be587de6)
	RR(div, 0xffffffffffffffff, 0x8000000000000000, 0x0)
	GROUP(divu)
	RR(divu, 0x7, 0x2, 0x3)
	RR(divu, 0xfffffffffffffff9, 0x2, 0x7ffffffffffffffc)
	RR(divu, 0x5, 0x0, 0xffffffffffffffff)
	RR(divu, 0x0, 0x0, 0xffffffffffffffff)
	RR(divu, 0xffffffffffffffff, 0x1, 0xffffffffffffffff)
	RR(divu, 0xffffffffffffffff, 0x2, 0x7fffffffffffffff)
	RR(divu, 0x8000000000000000, 0xffffffffffffffff, 0x0)
	RR(divu, 0xfedcba9876543210, 0x3e8, 0x413ea68d6e2a08)
	RR(divu, 0x123456789abcdef, 0x100000000, 0x1234567)
	GROUP(rem)
	RR(rem, 0x7, 0x2, 0x1)
	RR(rem, 0xfffffffffffffff9, 0x2, 0xffffffffffffffff)
	RR(rem, 0x7, 0xfffffffffffffffe, 0x1)
	RR(rem, 0xfffffffffffffff9, 0xfffffffffffffffe, 0xffffffffffffffff)
	RR(rem, 0x5, 0x0, 0x5)
	RR(rem, 0xfffffffffffffffb, 0x0, 0xfffffffffffffffb)
	RR(rem, 0x8000000000000000, 0xffffffffffffffff, 0x0)
	RR(rem, 0x8000000000000000, 0x3, 0xfffffffffffffffe)
	RR(rem, 0x123456789abcdef, 0x3e8, 0x37f)
	RR(rem, 0xfedcba9876543210, 0xfffffffffffffc18, 0xfffffffffffffc80)
	GROUP(remu)
	RR(remu, 0x7, 0x2, 0x1)
	RR(remu, 0xfffffffffffffff9, 0x2, 0x1)
	RR(remu, 0x5, 0x0, 0x5)
	RR(remu, 0xfffffffffffffffb, 0x0, 0xfffffffffffffffb)
	RR(remu, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000)
	RR(remu, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	RR(remu, 0xfedcba9876543210, 0x3e8, 0x2d0)
	GROUP(mulw)
	RR(mulw, 0x7fffffff, 0x2, 0xfffffffffffffffe)
	RR(mulw, 0x100000003, 0x100000005, 0xf)
	RR(mulw, 0xffffffffffffffff, 0xffffffffffffffff, 0x1)
	RR(mulw, 0x80000000, 0xffffffffffffffff, 0xffffffff80000000)
	RR(mulw, 0x12345678, 0x9abcdef0, 0x242d2080)
	RR(mulw, 0x10000, 0x10000, 0x0)
	RR(mulw, 0xffff, 0x10000, 0xffffffffffff0000)
	GROUP(divw)
	RR(divw, 0x7, 0x2, 0x3)
	RR(divw, 0xfffffffffffffff9, 0x2, 0xfffffffffffffffd)
	RR(divw, 0x80000000, 0xffffffffffffffff, 0xffffffff80000000)
	RR(divw, 0xffffffff80000000, 0xffffffffffffffff, 0xffffffff80000000)
	RR(divw, 0x5, 0x0, 0xffffffffffffffff)
	RR(divw, 0x100000007, 0x100000002, 0x3)
	RR(divw, 0x80000000, 0x1, 0xffffffff80000000)
	RR(divw, 0x12345678, 0xfffffffffffffff0, 0xfffffffffedcba99)
	RR(divw, 0xffffffffffffffff, 0x100000000, 0xffffffffffffffff)
	GROUP(divuw)
	RR(divuw, 0x7, 0x2, 0x3)
	RR(divuw, 0x5, 0x0, 0xffffffffffffffff)
	RR(divuw, 0x80000000, 0x1, 0xffffffff80000000)
	RR(divuw, 0xffffffff, 0x1, 0xffffffffffffffff)
	RR(divuw, 0x1ffffffff, 0x2, 0x7fffffff)
	RR(divuw, 0x100000007, 0x100000002, 0x3)
	RR(divuw, 0x80000000, 0x200000000, 0xffffffffffffffff)
	GROUP(remw)
	RR(remw, 0x7, 0x2, 0x1)
	RR(remw, 0xfffffffffffffff9, 0x2, 0xffffffffffffffff)
	RR(remw, 0x7, 0xfffffffffffffffe, 0x1)
	RR(remw, 0x80000000, 0xffffffffffffffff, 0x0)
	RR(remw, 0x5, 0x0, 0x5)
	RR(remw, 0x80000000, 0x0, 0xffffffff80000000)
	RR(remw, 0x1deadbeef, 0x0, 0xffffffffdeadbeef)
	RR(remw, 0x123456789, 0x3e8, 0x31)
	GROUP(remuw)
	RR(remuw, 0x7, 0x2, 0x1)
	RR(remuw, 0x5, 0x0, 0x5)
	RR(remuw, 0x80000000, 0x0, 0xffffffff80000000)
	RR(remuw, 0x1deadbeef, 0x0, 0xffffffffdeadbeef)
	RR(remuw, 0xffffffff, 0xa, 0x5)
	RR(remuw, 0x123456789, 0x1000003e8, 0x31)

	GROUP(aliasing)
	li	a0, -3
	mul	a0, a0, a0		/* rd == rs1 == rs2 */
	CHECK(a0, 9)
	li	a1, 0x8000000000000000
	mulh	a1, a1, a1
	CHECK(a1, 0x4000000000000000)
	/* the usual high/low pair with the sources not clobbered early */
	li	a1, 0x0123456789abcdef
	li	a2, 0xfedcba9876543210
	mulhu	a3, a1, a2
	mul	a4, a1, a2
	CHECK(a3, 0x0121fa00ad77d742)
	CHECK(a4, 0x2236d88fe5618cf0)
	/* quotient and remainder of the same operands */
	li	a1, -1000003
	li	a2, 17
	div	a3, a1, a2
	rem	a4, a1, a2
	CHECK(a3, -58823)
	CHECK(a4, -12)
	li	a2, 0
	div	a2, a1, a2		/* rd == rs2 == 0 */
	CHECK(a2, -1)
	li	a1, 77
	li	a2, 0
	remu	a1, a1, a2		/* rd == rs1 */
	CHECK(a1, 77)

	GROUP(x0-dest)
	li	a1, 6
	li	a2, 7
	mul	x0, a1, a2
	CHECK(x0, 0)
	div	x0, a1, x0
	CHECK(x0, 0)
	mul	a0, a1, x0
	CHECK(a0, 0)
	divu	a0, x0, a1
	CHECK(a0, 0)
	divu	a0, a1, x0
	CHECK(a0, -1)

	TEST_END
