/*
 * Start-up and trap glue of the bare-metal RISC-V64 test programs.
 *
 * _start runs in M-mode on hart 0 (other harts park), clears .bss, opens
 * PMP entry 15 to the whole address space (with no matching entry S/U
 * accesses would fail, and the PMP test uses the lower entries), installs
 * the direct M and S trap vectors and calls main(). main's return value goes to
 * bm_exit().
 *
 * Trap entries save every integer register into a frame on a dedicated
 * trap stack (found through mscratch/sscratch, which always hold that
 * stack's top while no trap is being handled) and call the C handlers in
 * bm.c with (frame, vector index or -1 for a direct vector).
 *
 * bm_enter() drops M-mode into any mode with mret; the code it runs ends in
 * an ecall that bm.c turns into a longjmp back to run_in(), which is how
 * tests call a function "in U-mode" and get its return value.
 */
#include "bm-asm.h"

	.section .text.init, "ax"
	.globl _start
_start:
	csrr	t0, mhartid
	bnez	t0, park
	la	sp, __m_stack_top
	la	t0, __m_trap_stack_top
	csrw	mscratch, t0
	la	t0, __s_trap_stack_top
	csrw	sscratch, t0
	la	t0, bm_m_trap_direct
	csrw	mtvec, t0
	la	t0, bm_s_trap_direct
	csrw	stvec, t0
	/* FS = Initial: compiled C may touch FP registers. */
	li	t0, 1 << 13
	csrs	mstatus, t0
	/* PMP entry 15: NAPOT over all addresses, RWX, not locked. */
	li	t0, -1
	csrw	pmpaddr15, t0
	li	t0, 0x1f << 56
	csrw	pmpcfg2, t0
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	main
	call	bm_exit
park:
	wfi
	j	park

/* One trap entry: \scratch holds the trap stack top, \xret leaves. */
.macro TRAP_ENTRY name, scratch, handler, vec, xret
	.balign 4
	.globl \name
\name:
	csrrw	sp, \scratch, sp
	addi	sp, sp, -BM_FRAME_SIZE
	.irp r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\r, \r*8(sp)
	.endr
	csrr	t0, \scratch
	sd	t0, 2*8(sp)
	mv	a0, sp
	li	a1, \vec
	call	\handler
	/* The handler may have changed the interrupted sp in the frame. */
	ld	t0, 2*8(sp)
	csrw	\scratch, t0
	.irp r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\r, \r*8(sp)
	.endr
	addi	sp, sp, BM_FRAME_SIZE
	csrrw	sp, \scratch, sp
	\xret
.endm

	.text
	TRAP_ENTRY bm_m_trap_direct, mscratch, bm_m_trap, -1, mret
	TRAP_ENTRY bm_s_trap_direct, sscratch, bm_s_trap, -1, sret

/* Vectored tables: slot i jumps to an entry that reports i to C. */
.macro VEC_TABLE name, prefix
	.balign 256
	.globl \name
\name:
	.option push
	.option norvc
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	j	\prefix\i
	.endr
	.option pop
.endm
	VEC_TABLE bm_m_vectors, bm_m_vec
	VEC_TABLE bm_s_vectors, bm_s_vec
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	TRAP_ENTRY bm_m_vec\i, mscratch, bm_m_trap, \i, mret
	TRAP_ENTRY bm_s_vec\i, sscratch, bm_s_trap, \i, sret
	.endr

	.globl bm_setjmp
bm_setjmp:
	sd	ra, 0(a0)
	sd	sp, 8(a0)
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11
	sd	s\r, (16 + \r*8)(a0)
	.endr
	li	a0, 0
	ret

	.globl bm_longjmp
bm_longjmp:
	ld	ra, 0(a0)
	ld	sp, 8(a0)
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11
	ld	s\r, (16 + \r*8)(a0)
	.endr
	li	a0, 1
	ret

/* bm_enter(mode, fn, arg, stack): mret into mode at a trampoline that
 * calls fn(arg), then ecalls with its result. Under paging S may not fetch
 * from U pages and U only from them, so each side has its own copy. */
	.globl bm_enter
bm_enter:
	li	t0, 3 << 11
	csrc	mstatus, t0
	slli	t1, a0, 11
	csrs	mstatus, t1
	la	t0, bm_trampoline
	bnez	a0, 1f
	la	t0, bm_user_trampoline
1:	csrw	mepc, t0
	mv	sp, a3
	mv	a0, a2
	mret

.macro TRAMPOLINE name
	.globl \name
\name:
	jalr	a1
	li	a7, BM_MAGIC_RETURN
	ecall
1:	j	1b
.endm
	TRAMPOLINE bm_trampoline
	.section .utext, "ax"
	TRAMPOLINE bm_user_trampoline
