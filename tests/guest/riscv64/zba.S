/*
 * Self-checking test of Zba (address generation): add.uw, sh1add/sh2add/sh3add
 * and their .uw forms, slli.uw. The .uw forms must zero-extend the low 32 bits
 * of rs1 and ignore its upper half; slli.uw shifts that zero-extended word.
 *
 * Expected values were computed with exact integer arithmetic.
 */
#include "check.h"

	.option norvc

/* a0 = op(a1, a2), a0 = op(a1, imm), a0 = op(a1) */
#define RR(op, x, y, r) li a1, x; li a2, y; op a0, a1, a2; CHECK(a0, r)
#define RI(op, x, imm, r) li a1, x; op a0, a1, imm; CHECK(a0, r)
#define R1(op, x, r) li a1, x; op a0, a1; CHECK(a0, r)

TEST_NAME(zba)
TEST_BEGIN

	GROUP(add.uw)
	RR(add.uw, 0x123456789abcdef, 0xfedcba9876543210, 0xfedcba98ffffffff)
	RR(add.uw, 0xffffffff80000000, 0x1, 0x80000001)
	RR(add.uw, 0xffffffffffffffff, 0x0, 0xffffffff)
	RR(add.uw, 0x100000001, 0x10, 0x11)
	RR(add.uw, 0x8000000000000000, 0x8000000000000000, 0x8000000000000000)
	RR(add.uw, 0x80000000, 0xffffffffffffffff, 0x7fffffff)
	GROUP(sh1add)
	RR(sh1add, 0x123456789abcdef, 0xfedcba9876543210, 0x123456789abcdee)
	RR(sh1add, 0xffffffff80000000, 0x1, 0xffffffff00000001)
	RR(sh1add, 0xffffffffffffffff, 0x0, 0xfffffffffffffffe)
	RR(sh1add, 0x100000001, 0x10, 0x200000012)
	RR(sh1add, 0x8000000000000000, 0x8000000000000000, 0x8000000000000000)
	RR(sh1add, 0x80000000, 0xffffffffffffffff, 0xffffffff)
	GROUP(sh2add)
	RR(sh2add, 0x123456789abcdef, 0xfedcba9876543210, 0x369d0369d0369cc)
	RR(sh2add, 0xffffffff80000000, 0x1, 0xfffffffe00000001)
	RR(sh2add, 0xffffffffffffffff, 0x0, 0xfffffffffffffffc)
	RR(sh2add, 0x100000001, 0x10, 0x400000014)
	RR(sh2add, 0x8000000000000000, 0x8000000000000000, 0x8000000000000000)
	RR(sh2add, 0x80000000, 0xffffffffffffffff, 0x1ffffffff)
	GROUP(sh3add)
	RR(sh3add, 0x123456789abcdef, 0xfedcba9876543210, 0x7f6e5d4c3b2a188)
	RR(sh3add, 0xffffffff80000000, 0x1, 0xfffffffc00000001)
	RR(sh3add, 0xffffffffffffffff, 0x0, 0xfffffffffffffff8)
	RR(sh3add, 0x100000001, 0x10, 0x800000018)
	RR(sh3add, 0x8000000000000000, 0x8000000000000000, 0x8000000000000000)
	RR(sh3add, 0x80000000, 0xffffffffffffffff, 0x3ffffffff)
	GROUP(sh1add.uw)
	RR(sh1add.uw, 0x123456789abcdef, 0xfedcba9876543210, 0xfedcba9989abcdee)
	RR(sh1add.uw, 0xffffffff80000000, 0x1, 0x100000001)
	RR(sh1add.uw, 0xffffffffffffffff, 0x0, 0x1fffffffe)
	RR(sh1add.uw, 0x100000001, 0x10, 0x12)
	RR(sh1add.uw, 0x8000000000000000, 0x8000000000000000, 0x8000000000000000)
	RR(sh1add.uw, 0x80000000, 0xffffffffffffffff, 0xffffffff)
	GROUP(sh2add.uw)
	RR(sh2add.uw, 0x123456789abcdef, 0xfedcba9876543210, 0xfedcba9a9d0369cc)
	RR(sh2add.uw, 0xffffffff80000000, 0x1, 0x200000001)
	RR(sh2add.uw, 0xffffffffffffffff, 0x0, 0x3fffffffc)
	RR(sh2add.uw, 0x100000001, 0x10, 0x14)
	RR(sh2add.uw, 0x8000000000000000, 0x8000000000000000, 0x8000000000000000)
	RR(sh2add.uw, 0x80000000, 0xffffffffffffffff, 0x1ffffffff)
	GROUP(sh3add.uw)
	RR(sh3add.uw, 0x123456789abcdef, 0xfedcba9876543210, 0xfedcba9cc3b2a188)
	RR(sh3add.uw, 0xffffffff80000000, 0x1, 0x400000001)
	RR(sh3add.uw, 0xffffffffffffffff, 0x0, 0x7fffffff8)
	RR(sh3add.uw, 0x100000001, 0x10, 0x18)
	RR(sh3add.uw, 0x8000000000000000, 0x8000000000000000, 0x8000000000000000)
	RR(sh3add.uw, 0x80000000, 0xffffffffffffffff, 0x3ffffffff)
	GROUP(slli.uw)
	RI(slli.uw, 0x123456789abcdef, 0, 0x89abcdef)
	RI(slli.uw, 0x123456789abcdef, 1, 0x113579bde)
	RI(slli.uw, 0x123456789abcdef, 31, 0x44d5e6f780000000)
	RI(slli.uw, 0x123456789abcdef, 32, 0x89abcdef00000000)
	RI(slli.uw, 0x123456789abcdef, 63, 0x8000000000000000)
	RI(slli.uw, 0xffffffffffffffff, 4, 0xffffffff0)
	RI(slli.uw, 0xffffffff80000000, 0, 0x80000000)
	RI(slli.uw, 0x80000000, 33, 0x0)

	GROUP(zext.w)
	li	a1, 0xfedcba9876543210
	zext.w	a0, a1			/* add.uw rd, rs, x0 */
	CHECK(a0, 0x76543210)
	li	a1, 0x80000000
	zext.w	a0, a1
	CHECK(a0, 0x80000000)

	GROUP(zba-aliasing)
	li	a1, 3
	sh3add	a1, a1, a1		/* 3*8+3 */
	CHECK(a1, 27)
	li	a2, 0xffffffff00000010
	sh2add.uw a2, a2, a2		/* (0x10 << 2) + a2 */
	CHECK(a2, 0xffffffff00000050)
	li	a1, 0x1234
	sh1add	x0, a1, a1
	CHECK(x0, 0)
	/* indexing an array of dwords */
	la	t0, zba_table
	li	a1, 0xffffffff00000002	/* index 2 with junk above bit 31 */
	sh3add.uw t1, a1, t0
	ld	a0, 0(t1)
	CHECK(a0, 0x2222)

	.data
	.balign 8
zba_table: .dword 0x0000, 0x1111, 0x2222, 0x3333
	.text

	TEST_END
