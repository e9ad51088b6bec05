/*
 * Self-checking test of every RV64I instruction: upper immediates, jumps and
 * their link values, branches on signed/unsigned edge values, loads and
 * stores of every width (sign and zero extension), register-immediate and
 * register-register ALU ops, the *W ops' sign extension, shift-amount
 * masking, writes to x0 being ignored, and fences.
 *
 * Assembled without RVC so every instruction here is a 32-bit encoding.
 */
#include "check.h"

	.option norvc

/* Reached only when control flow went wrong. */
#define NEVER CHECK(zero, 0xbad)

/* Forward branch: t6 = 1 when taken. Backward branch variant below. */
#define BR_FWD(insn, va, vb, taken) \
	li a4, va; li a5, vb; li t6, 1; insn a4, a5, 8001f; li t6, 0; 8001: CHECK(t6, taken)
#define BR_BACK(insn, va, vb, taken) \
	li a4, va; li a5, vb; j 8002f; 8003: li t6, 1; j 8004f; \
	8002: li t6, 0; insn a4, a5, 8003b; 8004: CHECK(t6, taken)
#define BR(insn, va, vb, taken) BR_FWD(insn, va, vb, taken); BR_BACK(insn, va, vb, taken)

/* Absolute address of a symbol without auipc (the link is non-PIE). */
#define ABS(reg, sym) lui reg, %hi(sym); addi reg, reg, %lo(sym)

	.data
	.balign 8
ldata:
	.dword 0xf0e1d2c3b4a59687
	.dword 0x0123456789abcdef
	.dword 0x7f6e5d4c3b2a1908
sbuf:
	.dword 0, 0, 0

TEST_NAME(rv64i)
TEST_BEGIN

	GROUP(lui)
	lui	a0, 0x12345
	CHECK(a0, 0x12345000)
	lui	a0, 0x80000
	CHECK(a0, 0xffffffff80000000)
	lui	a0, 0xfffff
	CHECK(a0, 0xfffffffffffff000)
	lui	a0, 0x7ffff
	CHECK(a0, 0x7ffff000)
	lui	a0, 0
	CHECK(a0, 0)

	GROUP(auipc)
	jal	t0, 1f
1:	auipc	a0, 0
	sub	a1, a0, t0
	CHECK(a1, 0)
	ABS(a2, 1b)
	sub	a1, a0, a2
	CHECK(a1, 0)
2:	auipc	a0, 0x80000
	ABS(a2, 2b)
	sub	a1, a0, a2
	CHECK(a1, 0xffffffff80000000)
3:	auipc	a0, 0x12345
	ABS(a2, 3b)
	sub	a1, a0, a2
	CHECK(a1, 0x12345000)
4:	auipc	a0, 0xfffff
	ABS(a2, 4b)
	sub	a1, a0, a2
	CHECK(a1, -0x1000)
5:	auipc	a0, 0x7ffff
	ABS(a2, 5b)
	sub	a1, a0, a2
	CHECK(a1, 0x7ffff000)

	GROUP(jal)
	jal	a0, 1f
2:	NEVER
1:	ABS(a1, 2b)
	sub	a1, a0, a1
	CHECK(a1, 0)
	/* backward jal */
	j	3f
4:	ABS(a1, 5f)
	sub	a1, a0, a1
	CHECK(a1, 0)
	j	6f
3:	jal	a0, 4b
5:	NEVER
6:	/* jal x0 writes nothing */
	li	a0, 77
	jal	x0, 7f
	NEVER
7:	CHECK(a0, 77)
	CHECK(zero, 0)
	/* jal ra, as a call */
	call	jal_leaf
	CHECK(a0, 0x1234)

	GROUP(jalr)
	ABS(t0, 1f)
	jalr	a0, 0(t0)
2:	NEVER
1:	ABS(a1, 2b)
	sub	a1, a0, a1
	CHECK(a1, 0)
	/* positive and negative offsets */
	ABS(t0, 3f - 8)
	jalr	a0, 8(t0)
	NEVER
3:	ABS(t0, 4f + 12)
	jalr	a0, -12(t0)
	NEVER
4:	/* bit 0 of the target is cleared */
	ABS(t0, 5f)
	addi	t0, t0, 1
	jalr	a0, 0(t0)
	NEVER
5:	/* rd == rs1: the target uses the old value */
	ABS(a0, 6f)
	jalr	a0, 0(a0)
7:	NEVER
6:	ABS(a1, 7b)
	sub	a1, a0, a1
	CHECK(a1, 0)
	/* jalr x0 */
	li	a0, 55
	ABS(t0, 8f)
	jalr	x0, 0(t0)
	NEVER
8:	CHECK(a0, 55)
	/* largest offsets */
	ABS(t0, 9f - 2047 + 1)
	jalr	a0, 2047(t0)		/* target 9f + 1, bit 0 cleared */
	NEVER
9:	ABS(t0, 10f + 2048)
	jalr	a0, -2048(t0)
	NEVER
10:

	GROUP(beq)
	BR(beq, 5, 5, 1)
	BR(beq, 5, 6, 0)
	BR(beq, 0x100000000, 0, 0)
	BR(beq, -1, -1, 1)
	BR(beq, 0x8000000000000000, 0, 0)
	GROUP(bne)
	BR(bne, 5, 5, 0)
	BR(bne, 5, 6, 1)
	BR(bne, 0x100000000, 0, 1)
	BR(bne, 0x8000000000000000, 0x8000000000000000, 0)
	GROUP(blt)
	BR(blt, -1, 0, 1)
	BR(blt, 0, -1, 0)
	BR(blt, 7, 7, 0)
	BR(blt, 0x8000000000000000, 0x7fffffffffffffff, 1)
	BR(blt, 0x7fffffffffffffff, 0x8000000000000000, 0)
	BR(blt, 0xffffffff00000000, 0x00000000ffffffff, 1)
	BR(blt, 0x00000000ffffffff, 0xffffffff00000000, 0)
	GROUP(bge)
	BR(bge, -1, 0, 0)
	BR(bge, 0, -1, 1)
	BR(bge, 7, 7, 1)
	BR(bge, 0x8000000000000000, 0x8000000000000000, 1)
	BR(bge, 0x7fffffffffffffff, 0x8000000000000000, 1)
	BR(bge, 0x8000000000000000, 0x7fffffffffffffff, 0)
	GROUP(bltu)
	BR(bltu, 0, -1, 1)
	BR(bltu, -1, 0, 0)
	BR(bltu, 9, 9, 0)
	BR(bltu, 0x7fffffffffffffff, 0x8000000000000000, 1)
	BR(bltu, 0x8000000000000000, 0x7fffffffffffffff, 0)
	BR(bltu, 0x00000000ffffffff, 0x0000000100000000, 1)
	GROUP(bgeu)
	BR(bgeu, 0, -1, 0)
	BR(bgeu, -1, 0, 1)
	BR(bgeu, 9, 9, 1)
	BR(bgeu, 0x8000000000000000, 0x7fffffffffffffff, 1)
	BR(bgeu, 0x7fffffffffffffff, 0x8000000000000000, 0)
	BR(bgeu, 0, 0, 1)

	GROUP(branch-x0)
	li	t6, 0
	beq	x0, x0, 1f
	li	t6, 1
1:	CHECK(t6, 0)
	li	a4, -3
	li	t6, 0
	bltz	a4, 2f			/* blt a4, x0 */
	li	t6, 1
2:	CHECK(t6, 0)
	li	t6, 0
	bgez	a4, 3f			/* bge a4, x0: not taken */
	li	t6, 1
3:	CHECK(t6, 1)
	li	t6, 0
	bgtu	a4, x0, 4f		/* bltu x0, a4 */
	li	t6, 1
4:	CHECK(t6, 0)
	li	t6, 0
	bltu	a4, x0, 5f		/* nothing is below 0 unsigned */
	li	t6, 1
5:	CHECK(t6, 1)

	GROUP(loads)
	ABS(t0, ldata)
	lb	a0, 0(t0)
	CHECK(a0, 0xffffffffffffff87)
	lbu	a0, 0(t0)
	CHECK(a0, 0x87)
	lb	a0, 7(t0)
	CHECK(a0, 0xfffffffffffffff0)
	lbu	a0, 7(t0)
	CHECK(a0, 0xf0)
	lb	a0, 16(t0)
	CHECK(a0, 0x08)
	lb	a0, 23(t0)
	CHECK(a0, 0x7f)
	lbu	a0, 23(t0)
	CHECK(a0, 0x7f)
	lh	a0, 0(t0)
	CHECK(a0, 0xffffffffffff9687)
	lhu	a0, 0(t0)
	CHECK(a0, 0x9687)
	lh	a0, 6(t0)
	CHECK(a0, 0xfffffffffffff0e1)
	lhu	a0, 6(t0)
	CHECK(a0, 0xf0e1)
	lh	a0, 16(t0)
	CHECK(a0, 0x1908)
	lh	a0, 22(t0)
	CHECK(a0, 0x7f6e)
	lhu	a0, 22(t0)
	CHECK(a0, 0x7f6e)
	lw	a0, 0(t0)
	CHECK(a0, 0xffffffffb4a59687)
	lwu	a0, 0(t0)
	CHECK(a0, 0xb4a59687)
	lw	a0, 4(t0)
	CHECK(a0, 0xfffffffff0e1d2c3)
	lwu	a0, 4(t0)
	CHECK(a0, 0xf0e1d2c3)
	lw	a0, 16(t0)
	CHECK(a0, 0x3b2a1908)
	lw	a0, 20(t0)
	CHECK(a0, 0x7f6e5d4c)
	lwu	a0, 20(t0)
	CHECK(a0, 0x7f6e5d4c)
	ld	a0, 0(t0)
	CHECK(a0, 0xf0e1d2c3b4a59687)
	ld	a0, 8(t0)
	CHECK(a0, 0x0123456789abcdef)
	ld	a0, 16(t0)
	CHECK(a0, 0x7f6e5d4c3b2a1908)
	/* negative and extreme offsets */
	addi	t1, t0, 8
	lb	a0, -1(t1)
	CHECK(a0, 0xfffffffffffffff0)
	lw	a0, -8(t1)
	CHECK(a0, 0xffffffffb4a59687)
	ABS(t1, ldata + 8 - 2047)
	ld	a0, 2047(t1)
	CHECK(a0, 0x0123456789abcdef)
	ABS(t1, ldata + 16 + 2048)
	ld	a0, -2048(t1)
	CHECK(a0, 0x7f6e5d4c3b2a1908)
	/* rd == rs1 */
	mv	a0, t0
	ld	a0, 8(a0)
	CHECK(a0, 0x0123456789abcdef)

	GROUP(misaligned-loads)
	lh	a0, 1(t0)
	CHECK(a0, 0xffffffffffffa596)
	lw	a0, 5(t0)
	CHECK(a0, 0xffffffffeff0e1d2)
	lwu	a0, 6(t0)
	CHECK(a0, 0xcdeff0e1)
	ld	a0, 4(t0)
	CHECK(a0, 0x89abcdeff0e1d2c3)

	GROUP(stores)
	ABS(t0, sbuf)
	li	t1, 0x0123456789abcdef
	li	t2, -1
	sd	t2, 0(t0)
	sb	t1, 1(t0)
	ld	a0, 0(t0)
	CHECK(a0, 0xffffffffffffefff)
	sd	t2, 0(t0)
	sh	t1, 2(t0)
	ld	a0, 0(t0)
	CHECK(a0, 0xffffffffcdefffff)
	sd	t2, 0(t0)
	sw	t1, 4(t0)
	ld	a0, 0(t0)
	CHECK(a0, 0x89abcdefffffffff)
	sd	t2, 0(t0)
	sw	t1, 0(t0)
	ld	a0, 0(t0)
	CHECK(a0, 0xffffffff89abcdef)
	sd	t1, 8(t0)
	ld	a0, 8(t0)
	CHECK(a0, 0x0123456789abcdef)
	/* neighbours untouched */
	sd	zero, 16(t0)
	sb	t2, 15(t0)
	ld	a0, 16(t0)
	CHECK(a0, 0)
	ld	a0, 8(t0)
	CHECK(a0, 0xff23456789abcdef)
	/* negative offset, store then load every width */
	addi	t3, t0, 24
	sd	t1, -24(t3)
	lb	a0, -24(t3)
	CHECK(a0, 0xffffffffffffffef)
	lhu	a0, -22(t3)
	CHECK(a0, 0x89ab)
	lw	a0, -20(t3)
	CHECK(a0, 0x01234567)
	/* store of x0 */
	sw	zero, 4(t0)
	ld	a0, 0(t0)
	CHECK(a0, 0x0000000089abcdef)
	/* misaligned store */
	sd	zero, 0(t0)
	sd	zero, 8(t0)
	sd	t1, 3(t0)
	ld	a0, 0(t0)
	CHECK(a0, 0x6789abcdef000000)
	ld	a0, 8(t0)
	CHECK(a0, 0x0000000000012345)
	sw	t2, 6(t0)
	ld	a0, 0(t0)
	CHECK(a0, 0xffffabcdef000000)
	ld	a0, 8(t0)
	CHECK(a0, 0x000000000001ffff)

	GROUP(addi)
	li	a1, 0
	addi	a0, a1, -2048
	CHECK(a0, 0xfffffffffffff800)
	addi	a0, a1, 2047
	CHECK(a0, 2047)
	li	a1, 0x7fffffffffffffff
	addi	a0, a1, 1
	CHECK(a0, 0x8000000000000000)
	li	a1, -1
	addi	a0, a1, 2047
	CHECK(a0, 2046)
	li	a1, 0x0000000100000000
	addi	a0, a1, -1
	CHECK(a0, 0x00000000ffffffff)
	addi	a1, a1, 1		/* rd == rs1 */
	CHECK(a1, 0x0000000100000001)

	GROUP(slti)
	li	a1, -1
	slti	a0, a1, 0
	CHECK(a0, 1)
	li	a1, 0
	slti	a0, a1, -1
	CHECK(a0, 0)
	li	a1, 5
	slti	a0, a1, 5
	CHECK(a0, 0)
	li	a1, 0x8000000000000000
	slti	a0, a1, -2048
	CHECK(a0, 1)
	li	a1, -2048
	slti	a0, a1, -2048
	CHECK(a0, 0)
	li	a1, 0x7fffffffffffffff
	slti	a0, a1, 2047
	CHECK(a0, 0)

	GROUP(sltiu)
	li	a1, 0
	sltiu	a0, a1, -1		/* imm sign-extends to all ones */
	CHECK(a0, 1)
	li	a1, 0xfffffffffffffffe
	sltiu	a0, a1, -1
	CHECK(a0, 1)
	li	a1, -1
	sltiu	a0, a1, -1
	CHECK(a0, 0)
	li	a1, 0
	sltiu	a0, a1, 1		/* seqz */
	CHECK(a0, 1)
	li	a1, 5
	sltiu	a0, a1, 1
	CHECK(a0, 0)
	li	a1, 0x8000000000000000
	sltiu	a0, a1, 2047
	CHECK(a0, 0)
	li	a1, 0xfffffffffffff7ff
	sltiu	a0, a1, -2048
	CHECK(a0, 1)
	li	a1, 0xfffffffffffff800
	sltiu	a0, a1, -2048
	CHECK(a0, 0)

	GROUP(logic-imm)
	li	a1, 0x0123456789abcdef
	xori	a0, a1, -1
	CHECK(a0, 0xfedcba9876543210)
	xori	a0, a1, -2048
	CHECK(a0, 0xfedcba98765435ef)
	xori	a0, a1, 0x7ff
	CHECK(a0, 0x0123456789abca10)
	ori	a0, a1, -2048
	CHECK(a0, 0xfffffffffffffdef)
	ori	a0, a1, 0x7ff
	CHECK(a0, 0x0123456789abcfff)
	andi	a0, a1, -2048
	CHECK(a0, 0x0123456789abc800)
	andi	a0, a1, 0x7ff
	CHECK(a0, 0x5ef)
	andi	a0, a1, -16
	CHECK(a0, 0x0123456789abcde0)
	andi	a0, a1, 0
	CHECK(a0, 0)

	GROUP(shift-imm)
	li	a1, 0x0123456789abcdef
	slli	a0, a1, 0
	CHECK(a0, 0x0123456789abcdef)
	slli	a0, a1, 4
	CHECK(a0, 0x123456789abcdef0)
	slli	a0, a1, 63
	CHECK(a0, 0x8000000000000000)
	slli	a0, a1, 32
	CHECK(a0, 0x89abcdef00000000)
	srli	a0, a1, 4
	CHECK(a0, 0x00123456789abcde)
	li	a1, 0x8000000000000000
	srli	a0, a1, 63
	CHECK(a0, 1)
	srli	a0, a1, 0
	CHECK(a0, 0x8000000000000000)
	srli	a0, a1, 32
	CHECK(a0, 0x80000000)
	srai	a0, a1, 63
	CHECK(a0, -1)
	srai	a0, a1, 0
	CHECK(a0, 0x8000000000000000)
	srai	a0, a1, 1
	CHECK(a0, 0xc000000000000000)
	li	a1, 0xfedcba9876543210
	srai	a0, a1, 4
	CHECK(a0, 0xffedcba987654321)
	srai	a0, a1, 36
	CHECK(a0, 0xffffffffffedcba9)
	li	a1, 0x7fffffffffffffff
	srai	a0, a1, 63
	CHECK(a0, 0)
	srai	a0, a1, 62
	CHECK(a0, 1)

	GROUP(add-sub)
	li	a1, 0x7fffffffffffffff
	li	a2, 1
	add	a0, a1, a2
	CHECK(a0, 0x8000000000000000)
	li	a1, -1
	add	a0, a1, a2
	CHECK(a0, 0)
	li	a1, 0x00000000ffffffff
	add	a0, a1, a2
	CHECK(a0, 0x0000000100000000)
	li	a1, 0
	sub	a0, a1, a2
	CHECK(a0, -1)
	li	a1, 0x8000000000000000
	sub	a0, a1, a2
	CHECK(a0, 0x7fffffffffffffff)
	li	a2, 0x8000000000000000
	sub	a0, zero, a2
	CHECK(a0, 0x8000000000000000)
	li	a1, 0x0123456789abcdef
	sub	a0, a1, a1
	CHECK(a0, 0)
	add	a0, a1, a1
	CHECK(a0, 0x02468acf13579bde)

	GROUP(shift-reg)
	li	a1, 0x0123456789abcdef
	li	a2, 4
	sll	a0, a1, a2
	CHECK(a0, 0x123456789abcdef0)
	li	a2, 64			/* only the low 6 bits count */
	sll	a0, a1, a2
	CHECK(a0, 0x0123456789abcdef)
	li	a2, 68
	sll	a0, a1, a2
	CHECK(a0, 0x123456789abcdef0)
	li	a2, -1			/* shift by 63 */
	sll	a0, a1, a2
	CHECK(a0, 0x8000000000000000)
	srl	a0, a1, a2
	CHECK(a0, 0)
	li	a1, 0x8000000000000000
	srl	a0, a1, a2
	CHECK(a0, 1)
	sra	a0, a1, a2
	CHECK(a0, -1)
	li	a2, 0xffffffffffffff01	/* shift by 1 */
	srl	a0, a1, a2
	CHECK(a0, 0x4000000000000000)
	sra	a0, a1, a2
	CHECK(a0, 0xc000000000000000)
	li	a2, 0
	sra	a0, a1, a2
	CHECK(a0, 0x8000000000000000)
	li	a1, 0x7fffffffffffffff
	li	a2, 63
	sra	a0, a1, a2
	CHECK(a0, 0)

	GROUP(slt-sltu)
	li	a1, -1
	li	a2, 1
	slt	a0, a1, a2
	CHECK(a0, 1)
	sltu	a0, a1, a2
	CHECK(a0, 0)
	slt	a0, a2, a1
	CHECK(a0, 0)
	sltu	a0, a2, a1
	CHECK(a0, 1)
	slt	a0, a1, a1
	CHECK(a0, 0)
	sltu	a0, a1, a1
	CHECK(a0, 0)
	li	a1, 0x8000000000000000
	li	a2, 0x7fffffffffffffff
	slt	a0, a1, a2
	CHECK(a0, 1)
	sltu	a0, a1, a2
	CHECK(a0, 0)
	sltu	a0, zero, a1		/* snez */
	CHECK(a0, 1)
	sltu	a0, zero, zero
	CHECK(a0, 0)
	slt	a0, a1, zero		/* sltz */
	CHECK(a0, 1)
	slt	a0, zero, a2		/* sgtz */
	CHECK(a0, 1)

	GROUP(logic-reg)
	li	a1, 0x0123456789abcdef
	li	a2, 0xff00ff00ff00ff00
	xor	a0, a1, a2
	CHECK(a0, 0xfe23ba6776ab32ef)
	or	a0, a1, a2
	CHECK(a0, 0xff23ff67ffabffef)
	and	a0, a1, a2
	CHECK(a0, 0x010045008900cd00)
	xor	a0, a1, a1
	CHECK(a0, 0)
	or	a0, a1, zero
	CHECK(a0, 0x0123456789abcdef)
	and	a0, a1, zero
	CHECK(a0, 0)

	GROUP(addiw)
	li	a1, 0x7fffffff
	addiw	a0, a1, 1
	CHECK(a0, 0xffffffff80000000)
	li	a1, 0x1234567800000001
	addiw	a0, a1, 0		/* sext.w */
	CHECK(a0, 1)
	li	a1, 0x00000000ffffffff
	addiw	a0, a1, 0
	CHECK(a0, -1)
	li	a1, 0
	addiw	a0, a1, -1
	CHECK(a0, -1)
	li	a1, 0xffffffff80000000
	addiw	a0, a1, -1
	CHECK(a0, 0x7fffffff)
	li	a1, 0x123456789
	addiw	a0, a1, -2048
	CHECK(a0, 0x23456789 - 2048)

	GROUP(shift-imm-w)
	li	a1, 1
	slliw	a0, a1, 31
	CHECK(a0, 0xffffffff80000000)
	li	a1, 0xffffffff7fffffff
	slliw	a0, a1, 0
	CHECK(a0, 0x7fffffff)
	li	a1, 0x0000000180000001
	slliw	a0, a1, 1
	CHECK(a0, 2)
	li	a1, 0x0000000080000000
	srliw	a0, a1, 0		/* sign-extends the 32-bit value */
	CHECK(a0, 0xffffffff80000000)
	srliw	a0, a1, 31
	CHECK(a0, 1)
	li	a1, -1
	srliw	a0, a1, 1
	CHECK(a0, 0x7fffffff)
	srliw	a0, a1, 31
	CHECK(a0, 1)
	li	a1, 0x0000000080000000
	sraiw	a0, a1, 31
	CHECK(a0, -1)
	sraiw	a0, a1, 4
	CHECK(a0, 0xfffffffff8000000)
	li	a1, 0xffffffff7fffffff
	sraiw	a0, a1, 0
	CHECK(a0, 0x7fffffff)
	sraiw	a0, a1, 31
	CHECK(a0, 0)

	GROUP(op-w)
	li	a1, 0x7fffffff
	li	a2, 1
	addw	a0, a1, a2
	CHECK(a0, 0xffffffff80000000)
	li	a1, 0x0000000100000000
	addw	a0, a1, a1
	CHECK(a0, 0)
	li	a1, 0x12345678ffffffff
	addw	a0, a1, a2
	CHECK(a0, 0)
	li	a2, 0x0000000080000000
	subw	a0, zero, a2
	CHECK(a0, 0xffffffff80000000)
	li	a1, 0x1111111100000000
	li	a2, 1
	subw	a0, a1, a2
	CHECK(a0, -1)
	li	a1, 0xffffffff80000000
	subw	a0, a1, a2
	CHECK(a0, 0x7fffffff)

	GROUP(shift-reg-w)
	li	a1, 1
	li	a2, 32			/* only the low 5 bits count */
	sllw	a0, a1, a2
	CHECK(a0, 1)
	li	a2, 31
	sllw	a0, a1, a2
	CHECK(a0, 0xffffffff80000000)
	li	a2, 63
	sllw	a0, a1, a2
	CHECK(a0, 0xffffffff80000000)
	li	a1, 0x0000000080000000
	li	a2, 32
	srlw	a0, a1, a2
	CHECK(a0, 0xffffffff80000000)
	li	a2, 31
	srlw	a0, a1, a2
	CHECK(a0, 1)
	li	a2, 33
	srlw	a0, a1, a2
	CHECK(a0, 0x40000000)
	sraw	a0, a1, a2
	CHECK(a0, 0xffffffffc0000000)
	li	a2, 63
	sraw	a0, a1, a2
	CHECK(a0, -1)
	li	a1, 0xffffffff7fffffff
	sraw	a0, a1, a2
	CHECK(a0, 0)
	li	a1, 0x12345678deadbeef
	li	a2, 0
	srlw	a0, a1, a2
	CHECK(a0, 0xffffffffdeadbeef)
	sllw	a0, a1, a2
	CHECK(a0, 0xffffffffdeadbeef)
	li	a2, 4
	srlw	a0, a1, a2
	CHECK(a0, 0x0deadbee)
	sraw	a0, a1, a2
	CHECK(a0, 0xfffffffffdeadbee)

	GROUP(x0)
	addi	x0, x0, 5
	CHECK(x0, 0)
	lui	x0, 0x12345
	CHECK(x0, 0)
	auipc	x0, 1
	CHECK(x0, 0)
	li	t1, 0x55
	add	x0, t1, t1
	CHECK(x0, 0)
	ABS(t0, ldata)
	ld	x0, 0(t0)
	CHECK(x0, 0)
	addw	x0, t1, t1
	CHECK(x0, 0)
	slli	x0, t1, 3
	CHECK(x0, 0)
	/* x0 as a source still reads zero */
	add	a0, x0, t1
	CHECK(a0, 0x55)
	ABS(t0, 1f)
	jalr	x0, 0(t0)
	NEVER
1:	CHECK(x0, 0)

	GROUP(all-registers)
	/* Every register holds its own value at once (sp, gp, tp excepted). */
	li	x1, 0x1111111111111101
	li	x5, 0x1111111111111105
	li	x6, 0x1111111111111106
	li	x7, 0x1111111111111107
	li	x8, 0x1111111111111108
	li	x9, 0x1111111111111109
	li	x10, 0x111111111111110a
	li	x11, 0x111111111111110b
	li	x12, 0x111111111111110c
	li	x13, 0x111111111111110d
	li	x14, 0x111111111111110e
	li	x15, 0x111111111111110f
	li	x16, 0x1111111111111110
	li	x17, 0x1111111111111111
	li	x18, 0x1111111111111112
	li	x19, 0x1111111111111113
	li	x20, 0x1111111111111114
	li	x21, 0x1111111111111115
	li	x22, 0x1111111111111116
	li	x23, 0x1111111111111117
	li	x24, 0x1111111111111118
	li	x25, 0x1111111111111119
	li	x26, 0x111111111111111a
	li	x27, 0x111111111111111b
	li	x28, 0x111111111111111c
	li	x29, 0x111111111111111d
	li	x30, 0x111111111111111e
	li	x31, 0x111111111111111f
	CHECK(x1, 0x1111111111111101)
	CHECK(x5, 0x1111111111111105)
	CHECK(x6, 0x1111111111111106)
	CHECK(x7, 0x1111111111111107)
	CHECK(x8, 0x1111111111111108)
	CHECK(x9, 0x1111111111111109)
	CHECK(x10, 0x111111111111110a)
	CHECK(x11, 0x111111111111110b)
	CHECK(x12, 0x111111111111110c)
	CHECK(x13, 0x111111111111110d)
	CHECK(x14, 0x111111111111110e)
	CHECK(x15, 0x111111111111110f)
	CHECK(x16, 0x1111111111111110)
	CHECK(x17, 0x1111111111111111)
	CHECK(x18, 0x1111111111111112)
	CHECK(x19, 0x1111111111111113)
	CHECK(x20, 0x1111111111111114)
	CHECK(x21, 0x1111111111111115)
	CHECK(x22, 0x1111111111111116)
	CHECK(x23, 0x1111111111111117)
	CHECK(x24, 0x1111111111111118)
	CHECK(x25, 0x1111111111111119)
	CHECK(x26, 0x111111111111111a)
	CHECK(x27, 0x111111111111111b)
	CHECK(x28, 0x111111111111111c)
	CHECK(x29, 0x111111111111111d)
	CHECK(x30, 0x111111111111111e)
	CHECK(x31, 0x111111111111111f)
	/* sp itself round-trips through arithmetic */
	mv	t0, sp
	addi	sp, sp, -2048
	addi	sp, sp, 2047
	addi	sp, sp, 1
	sub	a0, sp, t0
	CHECK(a0, 0)

	GROUP(fence)
	li	a0, 3
	fence
	fence	rw, rw
	fence	r, w
	fence	iorw, iorw
	fence.tso
	.word	0x0100000f		/* pause (fence w, 0) */
	nop
	CHECK(a0, 3)

	TEST_END

/* A leaf function reached with jal ra. */
	.type	jal_leaf, @function
jal_leaf:
	li	a0, 0x1234
	ret
