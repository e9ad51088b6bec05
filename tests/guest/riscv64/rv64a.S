/*
 * Self-checking test of the A extension: LR/SC success and failure (SC
 * without a reservation, SC to another address, a second SC after a
 * successful one), LR.W sign extension, and every AMO in .w and .d form:
 * the old value returned (sign-extended for .w), the value left in memory,
 * .w leaving the neighbouring word alone, and min/max signedness.
 *
 * Memory slots: s0 points at an 8-byte slot, s1 at a second one 256 bytes
 * away (outside any plausible reservation granule of s0's).
 */
#include "check.h"

	.option norvc

/* Memory at s0 := init; a0 = op(src, (s0)); check old value and the whole dword. */
#define AMO(op, init, src, old, new) \
	li a1, init; sd a1, 0(s0); li a2, src; op a0, a2, (s0); \
	CHECK(a0, old); ld a1, 0(s0); CHECK(a1, new)

	.data
	.balign 256
slot0:	.dword 0
	.balign 256
slot1:	.dword 0

TEST_NAME(rv64a)
TEST_BEGIN
	la	s0, slot0
	la	s1, slot1

	GROUP(lr-sc-w)
	li	a1, 0x0000000080000001
	sd	a1, 0(s0)
	lr.w	a0, (s0)
	CHECK(a0, 0xffffffff80000001)
	li	a2, 0x1234567876543210
	sc.w	a3, a2, (s0)
	CHECK(a3, 0)
	ld	a1, 0(s0)
	CHECK(a1, 0x0000000076543210)
	/* the reservation is gone after a successful SC */
	li	a2, 0x11111111
	sc.w	a3, a2, (s0)
	snez	a3, a3
	CHECK(a3, 1)
	ld	a1, 0(s0)
	CHECK(a1, 0x0000000076543210)
	/* SC to another address than the LR's fails and writes nothing */
	sd	zero, 0(s1)
	lr.w	a0, (s0)
	CHECK(a0, 0x76543210)
	li	a2, 0x22222222
	sc.w	a3, a2, (s1)
	snez	a3, a3
	CHECK(a3, 1)
	ld	a1, 0(s1)
	CHECK(a1, 0)
	/* and that SC dropped the reservation on s0 too */
	sc.w	a3, a2, (s0)
	snez	a3, a3
	CHECK(a3, 1)
	ld	a1, 0(s0)
	CHECK(a1, 0x0000000076543210)
	/* ordering bits change nothing here */
	lr.w.aq	a0, (s0)
	sc.w.rl	a3, a2, (s0)
	CHECK(a3, 0)
	lr.w.aqrl a0, (s0)
	CHECK(a0, 0x22222222)
	sc.w.aqrl a3, zero, (s0)
	CHECK(a3, 0)
	ld	a1, 0(s0)
	CHECK(a1, 0)
	/* an LR/SC retry loop: atomic increment of the upper word */
	li	a1, 0x7fffffff00000000
	sd	a1, 0(s0)
	addi	a4, s0, 4
1:	lr.w	a0, (a4)
	addiw	a0, a0, 1
	sc.w	a3, a0, (a4)
	bnez	a3, 1b
	ld	a1, 0(s0)
	CHECK(a1, 0x8000000000000000)
	CHECK(a0, 0xffffffff80000000)

	GROUP(lr-sc-d)
	li	a1, 0x8000000000000001
	sd	a1, 0(s0)
	lr.d	a0, (s0)
	CHECK(a0, 0x8000000000000001)
	li	a2, 0x0123456789abcdef
	sc.d	a3, a2, (s0)
	CHECK(a3, 0)
	ld	a1, 0(s0)
	CHECK(a1, 0x0123456789abcdef)
	sc.d	a3, zero, (s0)
	snez	a3, a3
	CHECK(a3, 1)
	ld	a1, 0(s0)
	CHECK(a1, 0x0123456789abcdef)
	li	a1, 0x5555
	sd	a1, 0(s1)
	lr.d	a0, (s1)
	CHECK(a0, 0x5555)
	sc.d	a3, zero, (s0)
	snez	a3, a3
	CHECK(a3, 1)
	ld	a1, 0(s0)
	CHECK(a1, 0x0123456789abcdef)
	lr.d.aqrl a0, (s1)
	li	a2, -2
	sc.d.aqrl a3, a2, (s1)
	CHECK(a3, 0)
	ld	a1, 0(s1)
	CHECK(a1, -2)
	/* rd == rs2: the status overwrites the source after the store */
	lr.d	a0, (s1)
	li	a2, 0x77
	sc.d	a2, a2, (s1)
	CHECK(a2, 0)
	ld	a1, 0(s1)
	CHECK(a1, 0x77)

	GROUP(amoswap)
	AMO(amoswap.w, 0x5a5a5a5a80000001, 0x1234567800000002, 0xffffffff80000001, 0x5a5a5a5a00000002)
	AMO(amoswap.w, 0x5a5a5a5a7fffffff, 0xffffffff80000000, 0x7fffffff, 0x5a5a5a5a80000000)
	AMO(amoswap.w, 0x5a5a5a5affffffff, 0x1, 0xffffffffffffffff, 0x5a5a5a5a00000001)
	AMO(amoswap.w, 0x5a5a5a5a00000005, 0xfffffffffffffffb, 0x5, 0x5a5a5a5afffffffb)
	AMO(amoswap.w, 0x5a5a5a5adeadbeef, 0xf0f0f0f, 0xffffffffdeadbeef, 0x5a5a5a5a0f0f0f0f)
	AMO(amoswap.d, 0x8000000000000001, 0x2, 0x8000000000000001, 0x2)
	AMO(amoswap.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000)
	AMO(amoswap.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0x1)
	AMO(amoswap.d, 0x5, 0xfffffffffffffffb, 0x5, 0xfffffffffffffffb)
	AMO(amoswap.d, 0x123456789abcdef, 0xff00ff00ff00ff00, 0x123456789abcdef, 0xff00ff00ff00ff00)
	GROUP(amoadd)
	AMO(amoadd.w, 0x5a5a5a5a80000001, 0x1234567800000002, 0xffffffff80000001, 0x5a5a5a5a80000003)
	AMO(amoadd.w, 0x5a5a5a5a7fffffff, 0xffffffff80000000, 0x7fffffff, 0x5a5a5a5affffffff)
	AMO(amoadd.w, 0x5a5a5a5affffffff, 0x1, 0xffffffffffffffff, 0x5a5a5a5a00000000)
	AMO(amoadd.w, 0x5a5a5a5a00000005, 0xfffffffffffffffb, 0x5, 0x5a5a5a5a00000000)
	AMO(amoadd.w, 0x5a5a5a5adeadbeef, 0xf0f0f0f, 0xffffffffdeadbeef, 0x5a5a5a5aedbccdfe)
	AMO(amoadd.d, 0x8000000000000001, 0x2, 0x8000000000000001, 0x8000000000000003)
	AMO(amoadd.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0xffffffffffffffff)
	AMO(amoadd.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0x0)
	AMO(amoadd.d, 0x5, 0xfffffffffffffffb, 0x5, 0x0)
	AMO(amoadd.d, 0x123456789abcdef, 0xff00ff00ff00ff00, 0x123456789abcdef, 0x24446888acccef)
	GROUP(amoxor)
	AMO(amoxor.w, 0x5a5a5a5a80000001, 0x1234567800000002, 0xffffffff80000001, 0x5a5a5a5a80000003)
	AMO(amoxor.w, 0x5a5a5a5a7fffffff, 0xffffffff80000000, 0x7fffffff, 0x5a5a5a5affffffff)
	AMO(amoxor.w, 0x5a5a5a5affffffff, 0x1, 0xffffffffffffffff, 0x5a5a5a5afffffffe)
	AMO(amoxor.w, 0x5a5a5a5a00000005, 0xfffffffffffffffb, 0x5, 0x5a5a5a5afffffffe)
	AMO(amoxor.w, 0x5a5a5a5adeadbeef, 0xf0f0f0f, 0xffffffffdeadbeef, 0x5a5a5a5ad1a2b1e0)
	AMO(amoxor.d, 0x8000000000000001, 0x2, 0x8000000000000001, 0x8000000000000003)
	AMO(amoxor.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0xffffffffffffffff)
	AMO(amoxor.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0xfffffffffffffffe)
	AMO(amoxor.d, 0x5, 0xfffffffffffffffb, 0x5, 0xfffffffffffffffe)
	AMO(amoxor.d, 0x123456789abcdef, 0xff00ff00ff00ff00, 0x123456789abcdef, 0xfe23ba6776ab32ef)
	GROUP(amoand)
	AMO(amoand.w, 0x5a5a5a5a80000001, 0x1234567800000002, 0xffffffff80000001, 0x5a5a5a5a00000000)
	AMO(amoand.w, 0x5a5a5a5a7fffffff, 0xffffffff80000000, 0x7fffffff, 0x5a5a5a5a00000000)
	AMO(amoand.w, 0x5a5a5a5affffffff, 0x1, 0xffffffffffffffff, 0x5a5a5a5a00000001)
	AMO(amoand.w, 0x5a5a5a5a00000005, 0xfffffffffffffffb, 0x5, 0x5a5a5a5a00000001)
	AMO(amoand.w, 0x5a5a5a5adeadbeef, 0xf0f0f0f, 0xffffffffdeadbeef, 0x5a5a5a5a0e0d0e0f)
	AMO(amoand.d, 0x8000000000000001, 0x2, 0x8000000000000001, 0x0)
	AMO(amoand.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0)
	AMO(amoand.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0x1)
	AMO(amoand.d, 0x5, 0xfffffffffffffffb, 0x5, 0x1)
	AMO(amoand.d, 0x123456789abcdef, 0xff00ff00ff00ff00, 0x123456789abcdef, 0x10045008900cd00)
	GROUP(amoor)
	AMO(amoor.w, 0x5a5a5a5a80000001, 0x1234567800000002, 0xffffffff80000001, 0x5a5a5a5a80000003)
	AMO(amoor.w, 0x5a5a5a5a7fffffff, 0xffffffff80000000, 0x7fffffff, 0x5a5a5a5affffffff)
	AMO(amoor.w, 0x5a5a5a5affffffff, 0x1, 0xffffffffffffffff, 0x5a5a5a5affffffff)
	AMO(amoor.w, 0x5a5a5a5a00000005, 0xfffffffffffffffb, 0x5, 0x5a5a5a5affffffff)
	AMO(amoor.w, 0x5a5a5a5adeadbeef, 0xf0f0f0f, 0xffffffffdeadbeef, 0x5a5a5a5adfafbfef)
	AMO(amoor.d, 0x8000000000000001, 0x2, 0x8000000000000001, 0x8000000000000003)
	AMO(amoor.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0xffffffffffffffff)
	AMO(amoor.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0xffffffffffffffff)
	AMO(amoor.d, 0x5, 0xfffffffffffffffb, 0x5, 0xffffffffffffffff)
	AMO(amoor.d, 0x123456789abcdef, 0xff00ff00ff00ff00, 0x123456789abcdef, 0xff23ff67ffabffef)
	GROUP(amomin)
	AMO(amomin.w, 0x5a5a5a5a80000001, 0x1234567800000002, 0xffffffff80000001, 0x5a5a5a5a80000001)
	AMO(amomin.w, 0x5a5a5a5a7fffffff, 0xffffffff80000000, 0x7fffffff, 0x5a5a5a5a80000000)
	AMO(amomin.w, 0x5a5a5a5affffffff, 0x1, 0xffffffffffffffff, 0x5a5a5a5affffffff)
	AMO(amomin.w, 0x5a5a5a5a00000005, 0xfffffffffffffffb, 0x5, 0x5a5a5a5afffffffb)
	AMO(amomin.w, 0x5a5a5a5adeadbeef, 0xf0f0f0f, 0xffffffffdeadbeef, 0x5a5a5a5adeadbeef)
	AMO(amomin.d, 0x8000000000000001, 0x2, 0x8000000000000001, 0x8000000000000001)
	AMO(amomin.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000)
	AMO(amomin.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0xffffffffffffffff)
	AMO(amomin.d, 0x5, 0xfffffffffffffffb, 0x5, 0xfffffffffffffffb)
	AMO(amomin.d, 0x123456789abcdef, 0xff00ff00ff00ff00, 0x123456789abcdef, 0xff00ff00ff00ff00)
	GROUP(amomax)
	AMO(amomax.w, 0x5a5a5a5a80000001, 0x1234567800000002, 0xffffffff80000001, 0x5a5a5a5a00000002)
	AMO(amomax.w, 0x5a5a5a5a7fffffff, 0xffffffff80000000, 0x7fffffff, 0x5a5a5a5a7fffffff)
	AMO(amomax.w, 0x5a5a5a5affffffff, 0x1, 0xffffffffffffffff, 0x5a5a5a5a00000001)
	AMO(amomax.w, 0x5a5a5a5a00000005, 0xfffffffffffffffb, 0x5, 0x5a5a5a5a00000005)
	AMO(amomax.w, 0x5a5a5a5adeadbeef, 0xf0f0f0f, 0xffffffffdeadbeef, 0x5a5a5a5a0f0f0f0f)
	AMO(amomax.d, 0x8000000000000001, 0x2, 0x8000000000000001, 0x2)
	AMO(amomax.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x7fffffffffffffff)
	AMO(amomax.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0x1)
	AMO(amomax.d, 0x5, 0xfffffffffffffffb, 0x5, 0x5)
	AMO(amomax.d, 0x123456789abcdef, 0xff00ff00ff00ff00, 0x123456789abcdef, 0x123456789abcdef)
	GROUP(amominu)
	AMO(amominu.w, 0x5a5a5a5a80000001, 0x1234567800000002, 0xffffffff80000001, 0x5a5a5a5a00000002)
	AMO(amominu.w, 0x5a5a5a5a7fffffff, 0xffffffff80000000, 0x7fffffff, 0x5a5a5a5a7fffffff)
	AMO(amominu.w, 0x5a5a5a5affffffff, 0x1, 0xffffffffffffffff, 0x5a5a5a5a00000001)
	AMO(amominu.w, 0x5a5a5a5a00000005, 0xfffffffffffffffb, 0x5, 0x5a5a5a5a00000005)
	AMO(amominu.w, 0x5a5a5a5adeadbeef, 0xf0f0f0f, 0xffffffffdeadbeef, 0x5a5a5a5a0f0f0f0f)
	AMO(amominu.d, 0x8000000000000001, 0x2, 0x8000000000000001, 0x2)
	AMO(amominu.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x7fffffffffffffff)
	AMO(amominu.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0x1)
	AMO(amominu.d, 0x5, 0xfffffffffffffffb, 0x5, 0x5)
	AMO(amominu.d, 0x123456789abcdef, 0xff00ff00ff00ff00, 0x123456789abcdef, 0x123456789abcdef)
	GROUP(amomaxu)
	AMO(amomaxu.w, 0x5a5a5a5a80000001, 0x1234567800000002, 0xffffffff80000001, 0x5a5a5a5a80000001)
	AMO(amomaxu.w, 0x5a5a5a5a7fffffff, 0xffffffff80000000, 0x7fffffff, 0x5a5a5a5a80000000)
	AMO(amomaxu.w, 0x5a5a5a5affffffff, 0x1, 0xffffffffffffffff, 0x5a5a5a5affffffff)
	AMO(amomaxu.w, 0x5a5a5a5a00000005, 0xfffffffffffffffb, 0x5, 0x5a5a5a5afffffffb)
	AMO(amomaxu.w, 0x5a5a5a5adeadbeef, 0xf0f0f0f, 0xffffffffdeadbeef, 0x5a5a5a5adeadbeef)
	AMO(amomaxu.d, 0x8000000000000001, 0x2, 0x8000000000000001, 0x8000000000000001)
	AMO(amomaxu.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000)
	AMO(amomaxu.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0xffffffffffffffff)
	AMO(amomaxu.d, 0x5, 0xfffffffffffffffb, 0x5, 0xfffffffffffffffb)
	AMO(amomaxu.d, 0x123456789abcdef, 0xff00ff00ff00ff00, 0x123456789abcdef, 0xff00ff00ff00ff00)

	GROUP(amo-misc)
	/* the .w forms address the upper word of the slot too */
	li	a1, 0x00000001ffffffff
	sd	a1, 0(s0)
	addi	a4, s0, 4
	li	a2, 0x80000000
	amoadd.w a0, a2, (a4)
	CHECK(a0, 1)
	ld	a1, 0(s0)
	CHECK(a1, 0x80000001ffffffff)
	/* rd == x0 still updates memory */
	amoadd.w zero, a2, (a4)
	CHECK(zero, 0)
	ld	a1, 0(s0)
	CHECK(a1, 0x00000001ffffffff)
	amoor.d	zero, a2, (s0)
	ld	a1, 0(s0)
	CHECK(a1, 0x00000001ffffffff)
	/* rd == rs2 */
	li	a2, 42
	amoswap.d a2, a2, (s0)
	CHECK(a2, 0x00000001ffffffff)
	ld	a1, 0(s0)
	CHECK(a1, 42)
	/* ordering variants */
	li	a2, 42
	amoadd.d.aq a0, a2, (s0)
	CHECK(a0, 42)
	amoadd.d.rl a0, a2, (s0)
	CHECK(a0, 84)
	amoadd.d.aqrl a0, a2, (s0)
	CHECK(a0, 126)
	amomaxu.w.aqrl a0, a2, (s0)
	CHECK(a0, 168)
	ld	a1, 0(s0)
	CHECK(a1, 168)

	TEST_END
