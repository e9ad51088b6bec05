/*
 * Self-checking test of Zicsr on the CSRs a Linux user program can reach:
 * fflags (5 bits), frm (3 bits) and fcsr (frm << 5 | fflags, 8 bits), with
 * every csrrw/csrrs/csrrc form and its immediate variant, rd = x0 forms
 * (write without read), rs1 = x0 / uimm = 0 forms (read without write),
 * rd == rs1 swaps, and the cycle, time and instret counters (readable and
 * non-decreasing; time also has to move forward within a bounded spin).
 */
#include "check.h"

	.option norvc

TEST_NAME(zicsr)
TEST_BEGIN

	GROUP(fcsr-masking)
	csrwi	fcsr, 0
	CHECK_CSR(fcsr, 0)
	li	a1, 0xffffffff
	csrrw	a0, fcsr, a1
	CHECK(a0, 0)
	CHECK_CSR(fcsr, 0xff)
	CHECK_CSR(frm, 7)
	CHECK_CSR(fflags, 0x1f)
	li	a1, -1
	csrw	fflags, zero
	CHECK_CSR(fcsr, 0xe0)
	csrw	frm, zero
	CHECK_CSR(fcsr, 0)
	csrrw	a0, fflags, a1		/* only 5 bits stick */
	CHECK(a0, 0)
	CHECK_CSR(fflags, 0x1f)
	CHECK_CSR(fcsr, 0x1f)
	csrrw	a0, frm, a1		/* only 3 bits stick */
	CHECK(a0, 0)
	CHECK_CSR(frm, 7)
	CHECK_CSR(fcsr, 0xff)

	GROUP(fcsr-fields)
	li	a1, (2 << 5) | 0x05
	csrw	fcsr, a1
	CHECK_CSR(frm, 2)
	CHECK_CSR(fflags, 0x05)
	li	a1, 4
	csrw	frm, a1			/* fflags unchanged */
	CHECK_CSR(fcsr, (4 << 5) | 0x05)
	li	a1, 0x1a
	csrw	fflags, a1		/* frm unchanged */
	CHECK_CSR(fcsr, (4 << 5) | 0x1a)

	GROUP(csrrs-csrrc)
	csrwi	fcsr, 0
	li	a1, 0x11
	csrrs	a0, fflags, a1
	CHECK(a0, 0)
	CHECK_CSR(fflags, 0x11)
	li	a1, 0x06
	csrrs	a0, fflags, a1
	CHECK(a0, 0x11)
	CHECK_CSR(fflags, 0x17)
	li	a1, 0x13
	csrrc	a0, fflags, a1
	CHECK(a0, 0x17)
	CHECK_CSR(fflags, 0x04)
	li	a1, 0x60
	csrrs	a0, fcsr, a1		/* sets frm bits 1 and 2 through fcsr */
	CHECK(a0, 0x04)
	CHECK_CSR(frm, 3)
	li	a1, 0x20
	csrrc	a0, fcsr, a1
	CHECK(a0, 0x64)
	CHECK_CSR(frm, 2)
	li	a1, 1
	csrrc	a0, frm, a1		/* clearing a clear bit */
	CHECK(a0, 2)
	CHECK_CSR(frm, 2)

	GROUP(read-only-forms)
	li	a1, (1 << 5) | 0x09
	csrw	fcsr, a1
	csrrs	a0, fcsr, zero
	CHECK(a0, (1 << 5) | 0x09)
	csrrc	a0, fcsr, zero
	CHECK(a0, (1 << 5) | 0x09)
	csrrsi	a0, fflags, 0
	CHECK(a0, 0x09)
	csrrci	a0, frm, 0
	CHECK(a0, 1)
	CHECK_CSR(fcsr, (1 << 5) | 0x09)

	GROUP(write-only-forms)
	li	a1, 0x03
	csrrw	zero, fflags, a1	/* csrw */
	CHECK_CSR(fflags, 0x03)
	CHECK(zero, 0)
	li	a1, 0x10
	csrrs	zero, fflags, a1	/* csrs */
	CHECK_CSR(fflags, 0x13)
	li	a1, 0x01
	csrrc	zero, fflags, a1	/* csrc */
	CHECK_CSR(fflags, 0x12)
	csrrwi	zero, frm, 3		/* csrwi */
	CHECK_CSR(fcsr, (3 << 5) | 0x12)

	GROUP(immediate-forms)
	csrwi	fcsr, 0
	csrrwi	a0, fflags, 0x1f
	CHECK(a0, 0)
	CHECK_CSR(fflags, 0x1f)
	csrrci	a0, fflags, 0x0a
	CHECK(a0, 0x1f)
	CHECK_CSR(fflags, 0x15)
	csrrsi	a0, fflags, 0x02
	CHECK(a0, 0x15)
	CHECK_CSR(fflags, 0x17)
	csrrwi	a0, frm, 0x1f		/* 5-bit immediate, 3 bits stick */
	CHECK(a0, 0)
	CHECK_CSR(frm, 7)
	csrrci	a0, frm, 5
	CHECK(a0, 7)
	CHECK_CSR(frm, 2)
	csrrwi	a0, fcsr, 0x1f		/* writes frm = 0 too */
	CHECK(a0, (2 << 5) | 0x17)
	CHECK_CSR(fcsr, 0x1f)
	csrrsi	a0, fcsr, 0
	CHECK(a0, 0x1f)
	csrrci	a0, fcsr, 0x1f
	CHECK(a0, 0x1f)
	CHECK_CSR(fcsr, 0)

	GROUP(rd-equals-rs1)
	li	a0, 0x0c
	csrw	fflags, a0
	li	a0, 0x03
	csrrw	a0, fflags, a0		/* swap */
	CHECK(a0, 0x0c)
	CHECK_CSR(fflags, 0x03)
	li	a0, 0x10
	csrrs	a0, fflags, a0
	CHECK(a0, 0x03)
	CHECK_CSR(fflags, 0x13)
	li	a0, 0x13
	csrrc	a0, fflags, a0
	CHECK(a0, 0x13)
	CHECK_CSR(fflags, 0)

	GROUP(fp-sees-csr-writes)
	/* frm written by a CSR op steers the next dynamic-rounding FP op */
	li	a1, 0x3f800000		/* 1.0f */
	fmv.w.x	fa1, a1
	li	a1, 0x33800000		/* 2^-24: 1 + it is a tie */
	fmv.w.x	fa2, a1
	csrwi	frm, 3			/* rup */
	fadd.s	fa0, fa1, fa2
	CHECK_FS(fa0, 0x3f800001)
	CHECK_CSR(fcsr, (3 << 5) | 0x01)
	csrrwi	a0, frm, 1		/* rtz */
	fadd.s	fa0, fa1, fa2
	CHECK_FS(fa0, 0x3f800000)
	csrwi	fcsr, 0

	GROUP(counters)
	rdcycle	s2
	rdtime	s3
	rdinstret s4
	/* some work between the two reads */
	li	t0, 1000
1:	addi	t0, t0, -1
	bnez	t0, 1b
	rdcycle	s5
	rdtime	s6
	rdinstret s7
	sltu	a0, s5, s2		/* 1 if the counter went backwards */
	CHECK(a0, 0)
	sltu	a0, s6, s3
	CHECK(a0, 0)
	sltu	a0, s7, s4
	CHECK(a0, 0)
	/* the same counters through the csrrs spelling */
	csrrs	a0, cycle, zero
	sltu	a0, a0, s5
	CHECK(a0, 0)
	csrr	a0, time
	sltu	a0, a0, s6
	CHECK(a0, 0)
	csrr	a0, instret
	sltu	a0, a0, s7
	CHECK(a0, 0)
	/* time moves forward: spin until it changes, with a bound */
	li	t0, 0x4000000
	rdtime	s3
2:	rdtime	s6
	bne	s6, s3, 3f
	addi	t0, t0, -1
	bnez	t0, 2b
3:	snez	a0, t0			/* 0 only if the bound ran out */
	CHECK(a0, 1)
	sltu	a0, s6, s3
	CHECK(a0, 0)

	TEST_END
