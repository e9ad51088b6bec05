/*
 * Self-checking test of Zifencei with self-modifying code. The patched code
 * lives in section .smc ("awx"); the linker places that orphan section in
 * the data segment, which therefore is loaded read-write-execute (link with
 * -Wl,--no-warn-rwx-segments). Replacement instructions are assembled into
 * .rodata and copied over the code at run time, so no encoding is written
 * by hand.
 *
 * Covered: patch + fence.i + call sees the new instruction; re-patching the
 * same instruction; patching code that has run many times (hot); a store
 * that patches a later instruction of the very block that is executing,
 * followed by fence.i; patching a 16-bit instruction; overwriting only the
 * upper half of a 32-bit instruction; and data writes next to code that
 * must not disturb it.
 */
#include "check.h"

	.option norvc

/* Copy the 32-bit template \tmpl over the instruction at \dst, then fence.i. */
#define PATCH32(dst, tmpl) \
	la t0, dst; la t1, tmpl; lwu t2, 0(t1); sw t2, 0(t0); fence.i

	.section .rodata
	.balign	4
tmpl_li2:	addi	a0, zero, 2
tmpl_li3:	addi	a0, zero, 3
tmpl_li42:	addi	a0, zero, 42
tmpl_add:	add	a0, a0, a1
	.option push
	.option rvc
tmpl_cli9:	c.li	a0, 9
	.option pop

	.section .smc, "awx", @progbits
	.balign	4
/* Returns 1 until patched. */
smc_ret:
smc_ret_insn:
	addi	a0, zero, 1
	ret

/* Returns a0 - a1 until the sub is patched. */
smc_op:
smc_op_insn:
	sub	a0, a0, a1
	ret

/* Patches its own later instruction, then runs it: returns 42, not 7. */
smc_inline:
	la	t0, smc_inline_insn
	la	t1, tmpl_li42
	lwu	t2, 0(t1)
	sw	t2, 0(t0)
	fence.i
smc_inline_insn:
	addi	a0, zero, 7
	ret

/* A 16-bit instruction to patch. */
	.option push
	.option rvc
smc_c:
smc_c_insn:
	c.li	a0, 5
	c.jr	ra
	.option pop

	.balign	4
/* Returns 1 until the upper half of its addi is rewritten. */
smc_half:
smc_half_insn:
	addi	a0, zero, 1
	ret

	.balign	8
/* Data sharing a page with code. */
smc_neighbour_data:
	.dword	0

	.text
TEST_NAME(fencei)
TEST_BEGIN

	GROUP(patch-and-call)
	call	smc_ret
	CHECK(a0, 1)
	PATCH32(smc_ret_insn, tmpl_li2)
	call	smc_ret
	CHECK(a0, 2)
	PATCH32(smc_ret_insn, tmpl_li3)
	call	smc_ret
	CHECK(a0, 3)
	/* patched twice between calls: the last one counts */
	PATCH32(smc_ret_insn, tmpl_li42)
	PATCH32(smc_ret_insn, tmpl_li2)
	call	smc_ret
	CHECK(a0, 2)

	GROUP(patch-hot-code)
	li	s2, 0
	li	s3, 1000
1:	li	a0, 10
	li	a1, 3
	call	smc_op
	add	s2, s2, a0
	addi	s3, s3, -1
	bnez	s3, 1b
	CHECK(s2, 7000)
	PATCH32(smc_op_insn, tmpl_add)
	li	a0, 10
	li	a1, 3
	call	smc_op
	CHECK(a0, 13)
	/* and hot again after the patch */
	li	s2, 0
	li	s3, 1000
2:	li	a0, 10
	li	a1, 3
	call	smc_op
	add	s2, s2, a0
	addi	s3, s3, -1
	bnez	s3, 2b
	CHECK(s2, 13000)

	GROUP(patch-own-block)
	call	smc_inline
	CHECK(a0, 42)
	/* run it again: the patch is now permanent */
	call	smc_inline
	CHECK(a0, 42)

	GROUP(patch-16-bit)
	call	smc_c
	CHECK(a0, 5)
	la	t0, smc_c_insn
	la	t1, tmpl_cli9
	lhu	t2, 0(t1)
	sh	t2, 0(t0)
	fence.i
	call	smc_c
	CHECK(a0, 9)

	GROUP(patch-upper-half)
	call	smc_half
	CHECK(a0, 1)
	la	t0, smc_half_insn
	lhu	t2, 2(t0)		/* imm[11:0] sits in bits 31:20 */
	addi	t2, t2, 0x60		/* imm 1 -> 7 */
	sh	t2, 2(t0)
	fence.i
	call	smc_half
	CHECK(a0, 7)

	GROUP(data-next-to-code)
	la	t0, smc_neighbour_data
	li	s3, 200
3:	sd	s3, 0(t0)
	call	smc_half
	addi	s3, s3, -1
	bnez	s3, 3b
	CHECK(a0, 7)
	ld	a0, 0(t0)
	CHECK(a0, 1)

	TEST_END
