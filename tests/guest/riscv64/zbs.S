/*
 * Self-checking test of Zbs (single-bit instructions): bclr/bset/binv/bext
 * (bit index taken mod 64 from rs2) and their immediate forms, on bits 0, 31,
 * 32 and 63.
 *
 * Expected values were computed with exact integer arithmetic.
 */
#include "check.h"

	.option norvc

/* a0 = op(a1, a2), a0 = op(a1, imm), a0 = op(a1) */
#define RR(op, x, y, r) li a1, x; li a2, y; op a0, a1, a2; CHECK(a0, r)
#define RI(op, x, imm, r) li a1, x; op a0, a1, imm; CHECK(a0, r)
#define R1(op, x, r) li a1, x; op a0, a1; CHECK(a0, r)

TEST_NAME(zbs)
TEST_BEGIN

	GROUP(bclr)
	RR(bclr, 0x0, 0x0, 0x0)
	RR(bclr, 0x0, 0x3f, 0x0)
	RR(bclr, 0xffffffffffffffff, 0x3f, 0x7fffffffffffffff)
	RR(bclr, 0xffffffffffffffff, 0x0, 0xfffffffffffffffe)
	RR(bclr, 0x123456789abcdef, 0x40, 0x123456789abcdee)
	RR(bclr, 0x123456789abcdef, 0x43, 0x123456789abcde7)
	RR(bclr, 0x123456789abcdef, 0xffffffffffffffff, 0x123456789abcdef)
	RR(bclr, 0x123456789abcdef, 0x1f, 0x123456709abcdef)
	RR(bclr, 0x8000000000000000, 0x7f, 0x0)
	RR(bclr, 0x100000000, 0x20, 0x0)
	GROUP(bset)
	RR(bset, 0x0, 0x0, 0x1)
	RR(bset, 0x0, 0x3f, 0x8000000000000000)
	RR(bset, 0xffffffffffffffff, 0x3f, 0xffffffffffffffff)
	RR(bset, 0xffffffffffffffff, 0x0, 0xffffffffffffffff)
	RR(bset, 0x123456789abcdef, 0x40, 0x123456789abcdef)
	RR(bset, 0x123456789abcdef, 0x43, 0x123456789abcdef)
	RR(bset, 0x123456789abcdef, 0xffffffffffffffff, 0x8123456789abcdef)
	RR(bset, 0x123456789abcdef, 0x1f, 0x123456789abcdef)
	RR(bset, 0x8000000000000000, 0x7f, 0x8000000000000000)
	RR(bset, 0x100000000, 0x20, 0x100000000)
	GROUP(binv)
	RR(binv, 0x0, 0x0, 0x1)
	RR(binv, 0x0, 0x3f, 0x8000000000000000)
	RR(binv, 0xffffffffffffffff, 0x3f, 0x7fffffffffffffff)
	RR(binv, 0xffffffffffffffff, 0x0, 0xfffffffffffffffe)
	RR(binv, 0x123456789abcdef, 0x40, 0x123456789abcdee)
	RR(binv, 0x123456789abcdef, 0x43, 0x123456789abcde7)
	RR(binv, 0x123456789abcdef, 0xffffffffffffffff, 0x8123456789abcdef)
	RR(binv, 0x123456789abcdef, 0x1f, 0x123456709abcdef)
	RR(binv, 0x8000000000000000, 0x7f, 0x0)
	RR(binv, 0x100000000, 0x20, 0x0)
	GROUP(bext)
	RR(bext, 0x0, 0x0, 0x0)
	RR(bext, 0x0, 0x3f, 0x0)
	RR(bext, 0xffffffffffffffff, 0x3f, 0x1)
	RR(bext, 0xffffffffffffffff, 0x0, 0x1)
	RR(bext, 0x123456789abcdef, 0x40, 0x1)
	RR(bext, 0x123456789abcdef, 0x43, 0x1)
	RR(bext, 0x123456789abcdef, 0xffffffffffffffff, 0x0)
	RR(bext, 0x123456789abcdef, 0x1f, 0x1)
	RR(bext, 0x8000000000000000, 0x7f, 0x1)
	RR(bext, 0x100000000, 0x20, 0x1)
	GROUP(bclri)
	RI(bclri, 0x0, 0, 0x0)
	RI(bclri, 0x0, 63, 0x0)
	RI(bclri, 0xffffffffffffffff, 63, 0x7fffffffffffffff)
	RI(bclri, 0xffffffffffffffff, 0, 0xfffffffffffffffe)
	RI(bclri, 0x123456789abcdef, 3, 0x123456789abcde7)
	RI(bclri, 0x123456789abcdef, 31, 0x123456709abcdef)
	RI(bclri, 0x123456789abcdef, 32, 0x123456689abcdef)
	RI(bclri, 0x123456789abcdef, 62, 0x123456789abcdef)
	RI(bclri, 0x8000000000000000, 63, 0x0)
	GROUP(bseti)
	RI(bseti, 0x0, 0, 0x1)
	RI(bseti, 0x0, 63, 0x8000000000000000)
	RI(bseti, 0xffffffffffffffff, 63, 0xffffffffffffffff)
	RI(bseti, 0xffffffffffffffff, 0, 0xffffffffffffffff)
	RI(bseti, 0x123456789abcdef, 3, 0x123456789abcdef)
	RI(bseti, 0x123456789abcdef, 31, 0x123456789abcdef)
	RI(bseti, 0x123456789abcdef, 32, 0x123456789abcdef)
	RI(bseti, 0x123456789abcdef, 62, 0x4123456789abcdef)
	RI(bseti, 0x8000000000000000, 63, 0x8000000000000000)
	GROUP(binvi)
	RI(binvi, 0x0, 0, 0x1)
	RI(binvi, 0x0, 63, 0x8000000000000000)
	RI(binvi, 0xffffffffffffffff, 63, 0x7fffffffffffffff)
	RI(binvi, 0xffffffffffffffff, 0, 0xfffffffffffffffe)
	RI(binvi, 0x123456789abcdef, 3, 0x123456789abcde7)
	RI(binvi, 0x123456789abcdef, 31, 0x123456709abcdef)
	RI(binvi, 0x123456789abcdef, 32, 0x123456689abcdef)
	RI(binvi, 0x123456789abcdef, 62, 0x4123456789abcdef)
	RI(binvi, 0x8000000000000000, 63, 0x0)
	GROUP(bexti)
	RI(bexti, 0x0, 0, 0x0)
	RI(bexti, 0x0, 63, 0x0)
	RI(bexti, 0xffffffffffffffff, 63, 0x1)
	RI(bexti, 0xffffffffffffffff, 0, 0x1)
	RI(bexti, 0x123456789abcdef, 3, 0x1)
	RI(bexti, 0x123456789abcdef, 31, 0x1)
	RI(bexti, 0x123456789abcdef, 32, 0x1)
	RI(bexti, 0x123456789abcdef, 62, 0x0)
	RI(bexti, 0x8000000000000000, 63, 0x1)

	GROUP(zbs-misc)
	li	a1, 5
	bset	a1, a1, a1		/* rd == rs1 == rs2 */
	CHECK(a1, 0x25)
	li	a2, 0x8000000000000000
	bexti	a0, a2, 63
	CHECK(a0, 1)
	li	a2, 63
	bset	a0, zero, a2		/* single bit from x0 */
	CHECK(a0, 0x8000000000000000)
	binvi	x0, a2, 3
	CHECK(x0, 0)
	li	a1, 0xff
	li	a2, 0xffffffffffffff07	/* index 7 */
	bclr	a0, a1, a2
	CHECK(a0, 0x7f)
	bext	a0, a1, a2
	CHECK(a0, 1)

	TEST_END
