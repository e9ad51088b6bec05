/*
 * Self-checking test of the RV64C compressed instructions, written with
 * explicit c.* mnemonics so each is a 16-bit encoding: stack-pointer forms
 * (c.addi16sp, c.addi4spn, c.lwsp/ldsp/fldsp, c.swsp/sdsp/fsdsp), register
 * based loads/stores, immediates (c.li, c.lui with negative values, c.addi,
 * c.addiw, c.andi), shifts, register-register ops including the W forms,
 * c.mv/c.add, control flow (c.j, c.beqz/c.bnez both ways, c.jr, c.jalr and
 * its pc+2 link value), and a 32-bit instruction straddling a page
 * boundary after a run of 16-bit ones.
 */
#include "check.h"

	.option rvc

#define NEVER CHECK(zero, 0xbad)

	.data
	.balign 8
cdata:
	.dword	0xf0e1d2c3b4a59687	/* 0 */
	.dword	0x0123456789abcdef	/* 8 */
	.dword	0, 0, 0, 0		/* 16..47: store area */
	.dword	0x3ff8000000000000	/* 48: 1.5 */
	.skip	124 - 56
	.word	0x80000123		/* 124: largest c.lw offset */
	.skip	248 - 128
	.dword	0x8877665544332211	/* 248: largest c.ld offset */

TEST_NAME(rvc)
TEST_BEGIN

	GROUP(c.li)
	c.li	a0, -32
	CHECK(a0, -32)
	c.li	a0, 31
	CHECK(a0, 31)
	c.li	t3, 0
	CHECK(t3, 0)
	c.li	s2, -1
	CHECK(s2, -1)

	GROUP(c.lui)
	c.lui	a0, 1
	CHECK(a0, 0x1000)
	c.lui	a0, 31
	CHECK(a0, 0x1f000)
	c.lui	a0, 0xfffff		/* -1 << 12 */
	CHECK(a0, 0xfffffffffffff000)
	c.lui	t1, 0xfffe0		/* -32 << 12 */
	CHECK(t1, 0xfffffffffffe0000)

	GROUP(c.addi)
	c.li	a0, 5
	c.addi	a0, -32
	CHECK(a0, -27)
	c.addi	a0, 31
	CHECK(a0, 4)
	li	t2, 0x7fffffffffffffff
	c.addi	t2, 1
	CHECK(t2, 0x8000000000000000)
	c.nop
	CHECK(t2, 0x8000000000000000)

	GROUP(c.addiw)
	li	a0, 0x7fffffff
	c.addiw	a0, 1
	CHECK(a0, 0xffffffff80000000)
	li	a0, 0x1ffffffff
	c.addiw	a0, 0			/* sext.w */
	CHECK(a0, -1)
	li	t4, 0x123456780000000f
	c.addiw	t4, -16
	CHECK(t4, -1)
	c.addiw	t4, 31
	CHECK(t4, 30)

	GROUP(c.addi16sp)
	mv	t0, sp
	c.addi16sp sp, -512
	sub	a0, sp, t0
	CHECK(a0, -512)
	c.addi16sp sp, 496
	c.addi16sp sp, 16
	sub	a0, sp, t0
	CHECK(a0, 0)
	c.addi16sp sp, -16
	sub	a0, sp, t0
	CHECK(a0, -16)
	c.addi16sp sp, 16

	GROUP(c.addi4spn)
	c.addi4spn a0, sp, 4
	sub	a0, a0, sp
	CHECK(a0, 4)
	c.addi4spn s1, sp, 1020
	sub	a0, s1, sp
	CHECK(a0, 1020)
	c.addi4spn a5, sp, 16
	sub	a0, a5, sp
	CHECK(a0, 16)

	GROUP(sp-loads-stores)
	c.addi16sp sp, -512
	li	a0, 0x0123456789abcdef
	li	a1, 0xfedcba9876543210
	c.sdsp	a0, 0(sp)
	c.sdsp	a1, 504(sp)
	c.swsp	a1, 252(sp)
	c.swsp	a0, 8(sp)
	c.ldsp	a2, 0(sp)
	CHECK(a2, 0x0123456789abcdef)
	c.ldsp	t5, 504(sp)
	CHECK(t5, 0xfedcba9876543210)
	c.lwsp	a2, 252(sp)		/* 0x76543210 */
	CHECK(a2, 0x76543210)
	c.lwsp	a3, 8(sp)		/* 0x89abcdef sign-extends */
	CHECK(a3, 0xffffffff89abcdef)
	sw	zero, 12(sp)		/* c.swsp wrote the low 4 bytes only */
	c.ldsp	a4, 8(sp)
	CHECK(a4, 0x0000000089abcdef)
	li	a0, 0x4009000000000000	/* 3.125 */
	fmv.d.x	fs2, a0
	c.fsdsp	fs2, 496(sp)
	c.fldsp	ft3, 496(sp)
	CHECK_FD(ft3, 0x4009000000000000)
	c.ldsp	a0, 496(sp)
	CHECK(a0, 0x4009000000000000)
	c.addi16sp sp, 496
	c.addi16sp sp, 16

	GROUP(reg-loads-stores)
	la	s1, cdata
	c.lw	a0, 0(s1)
	CHECK(a0, 0xffffffffb4a59687)
	c.lw	a0, 4(s1)
	CHECK(a0, 0xfffffffff0e1d2c3)
	c.lw	a0, 8(s1)
	CHECK(a0, 0xffffffff89abcdef)
	c.lw	a0, 124(s1)
	CHECK(a0, 0xffffffff80000123)
	c.ld	a0, 8(s1)
	CHECK(a0, 0x0123456789abcdef)
	c.ld	s0, 248(s1)
	CHECK(s0, 0x8877665544332211)
	li	a2, 0x1122334455667788
	c.sd	a2, 16(s1)
	c.sw	a2, 24(s1)
	c.ld	a3, 16(s1)
	CHECK(a3, 0x1122334455667788)
	c.ld	a3, 24(s1)
	CHECK(a3, 0x0000000055667788)
	c.fld	fa5, 48(s1)
	CHECK_FD(fa5, 0x3ff8000000000000)
	c.fsd	fa5, 32(s1)
	c.ld	a4, 32(s1)
	CHECK(a4, 0x3ff8000000000000)
	c.fld	fs0, 32(s1)
	CHECK_FD(fs0, 0x3ff8000000000000)
	mv	a5, s1
	c.ld	a5, 8(a5)		/* rd == rs1 */
	CHECK(a5, 0x0123456789abcdef)

	GROUP(c.srli-srai)
	li	a0, 0x8000000000000000
	c.srli	a0, 63
	CHECK(a0, 1)
	li	a0, 0x8000000000000000
	c.srli	a0, 1
	CHECK(a0, 0x4000000000000000)
	li	a1, 0x8000000000000000
	c.srai	a1, 63
	CHECK(a1, -1)
	li	a1, 0x8000000000000000
	c.srai	a1, 32
	CHECK(a1, 0xffffffff80000000)
	li	s0, 0x7fffffffffffffff
	c.srai	s0, 62
	CHECK(s0, 1)

	GROUP(c.slli)
	c.li	a0, 1
	c.slli	a0, 63
	CHECK(a0, 0x8000000000000000)
	li	t6, 0x0123456789abcdef
	c.slli	t6, 4
	CHECK(t6, 0x123456789abcdef0)
	c.li	s3, 3
	c.slli	s3, 32
	CHECK(s3, 0x300000000)

	GROUP(c.andi)
	li	a2, 0x0123456789abcdef
	c.andi	a2, -32
	CHECK(a2, 0x0123456789abcde0)
	li	a2, 0x0123456789abcdef
	c.andi	a2, 31
	CHECK(a2, 0xf)
	c.andi	a2, 0
	CHECK(a2, 0)

	GROUP(c.arith)
	li	a0, 0x0123456789abcdef
	li	a1, 0xff00ff00ff00ff00
	mv	a2, a0
	c.sub	a2, a1
	CHECK(a2, 0x22246668aaaceef)
	mv	a2, a0
	c.xor	a2, a1
	CHECK(a2, 0xfe23ba6776ab32ef)
	mv	a2, a0
	c.or	a2, a1
	CHECK(a2, 0xff23ff67ffabffef)
	mv	a2, a0
	c.and	a2, a1
	CHECK(a2, 0x010045008900cd00)
	li	a3, 0x7fffffff
	c.li	a4, 1
	c.addw	a3, a4
	CHECK(a3, 0xffffffff80000000)
	li	a3, 0x1234567800000000
	li	a4, 0x0000000080000000
	c.subw	a3, a4
	CHECK(a3, 0xffffffff80000000)
	li	a3, 0x00000001ffffffff
	c.li	a4, 1
	c.addw	a3, a4
	CHECK(a3, 0)
	c.li	a3, 0
	c.subw	a3, a4
	CHECK(a3, -1)

	GROUP(c.mv-add)
	li	t1, 0x5555aaaa5555aaaa
	c.mv	a0, t1
	CHECK(a0, 0x5555aaaa5555aaaa)
	c.mv	s4, a0
	CHECK(s4, 0x5555aaaa5555aaaa)
	c.add	s4, t1
	CHECK(s4, 0xaaab5554aaab5554)
	c.li	t2, -1
	c.add	t2, t2
	CHECK(t2, -2)

	GROUP(c.j)
	c.li	a0, 0
	c.j	1f
	c.li	a0, 1
1:	CHECK(a0, 0)
	c.j	2f
3:	c.li	a0, 7
	c.j	4f
2:	c.j	3b			/* backwards */
	NEVER
4:	CHECK(a0, 7)

	GROUP(c.beqz-bnez)
	c.li	a1, 0
	c.li	a0, 0
	c.beqz	a1, 1f
	c.li	a0, 1
1:	CHECK(a0, 0)
	c.bnez	a1, 2f
	c.li	a0, 2
2:	CHECK(a0, 2)
	li	a1, 0x100000000		/* nonzero only in the upper half */
	c.beqz	a1, 3f
	c.li	a0, 3
3:	CHECK(a0, 3)
	c.bnez	a1, 4f
	c.li	a0, 4
4:	CHECK(a0, 3)
	/* backwards */
	c.li	a0, 0
	c.li	a2, 3
5:	c.addi	a0, 1
	c.addi	a2, -1
	c.bnez	a2, 5b
	CHECK(a0, 3)
	c.li	a2, 0
	c.j	7f
6:	c.li	a0, 9
	c.j	8f
7:	c.beqz	a2, 6b
	NEVER
8:	CHECK(a0, 9)

	GROUP(c.jr-jalr)
	la	t0, 1f
	c.jr	t0
	NEVER
1:	la	t0, 2f
	c.jalr	t0
3:	NEVER
2:	la	a1, 3b
	sub	a1, ra, a1		/* link is pc + 2 */
	CHECK(a1, 0)
	la	ra, 4f
	c.jalr	ra			/* target uses the old ra */
5:	NEVER
4:	la	a1, 5b
	sub	a1, ra, a1
	CHECK(a1, 0)
	call	leaf_c_ret
	CHECK(a0, 0x321)

	GROUP(page-straddle)
	c.li	a0, 0
	la	t0, straddle
	jr	t0
	.balign	4096
	.fill	2047, 2, 0x0001		/* c.nop: the next instruction starts 2 bytes before a page end */
straddle:
	.option push
	.option norvc
	addi	a0, a0, 123
	.option pop
	CHECK(a0, 123)
	/* and reached by falling through a run of c.nop */
	la	t0, straddle_run
	jr	t0
	.balign	4096
straddle_run:
	.fill	2047, 2, 0x0001
	.option push
	.option norvc
	addi	a0, a0, 1
	.option pop
	CHECK(a0, 124)

	TEST_END

leaf_c_ret:
	li	a0, 0x321
	c.jr	ra
