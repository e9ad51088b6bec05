/*
 * Shared runtime for the RISC-V64 guest test programs: _start, the check
 * bookkeeping, a few print routines and the final summary plus exit.
 *
 * Uses only the write (64) and exit_group (94) Linux syscalls, so it runs on
 * the smallest user-mode runner. Link it with every test program; the
 * program supplies test_main (called from _start; it may return or tail-call
 * pv_finish) and the zero-terminated string pv_test_name.
 *
 * C-callable API (standard calling convention), see pvtest.h:
 *   pv_check(actual, expected, line)  counts a check, prints a FAIL line on mismatch.
 *                                     Preserves every register except ra, for asm callers.
 *   pv_group(name)                    labels later FAIL lines. Preserves every register but ra.
 *   pv_puts(str), pv_put_hex(v), pv_put_dec(v)
 *   pv_finish()                       prints PASS/FAIL summary, exits 0 or 1.
 */

	.equ	SYS_write, 64
	.equ	SYS_exit_group, 94

	.data
	.balign 8
pv_checks:	.dword 0
pv_failures:	.dword 0
pv_group_ptr:	.dword pv_empty

	.section .rodata
pv_empty:	.asciz ""
pv_s_pass:	.asciz "PASS "
pv_s_fail:	.asciz "FAIL "
pv_s_lbrk:	.asciz ": ["
pv_s_line:	.asciz "] line "
pv_s_got:	.asciz ": got "
pv_s_exp:	.asciz ", expected "
pv_s_nl:	.asciz "\n"
pv_s_open:	.asciz " ("
pv_s_checks:	.asciz " checks)\n"
pv_s_colon:	.asciz ": "
pv_s_of:	.asciz " of "
pv_s_failed:	.asciz " checks failed\n"
pv_s_hexdig:	.ascii "0123456789abcdef"
	.balign 8
pv_pow10:
	.dword 10000000000000000000, 1000000000000000000, 100000000000000000
	.dword 10000000000000000, 1000000000000000, 100000000000000, 10000000000000
	.dword 1000000000000, 100000000000, 10000000000, 1000000000, 100000000
	.dword 10000000, 1000000, 100000, 10000, 1000, 100, 10, 1

	.text
	.globl	_start
	.type	_start, @function
_start:
	/* The linker may relax data accesses to gp-relative ones. */
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	andi	sp, sp, -16
	call	test_main
	tail	pv_finish

/* pv_write(a0 = buffer, a1 = length) to stdout; clobbers a0-a2, a7. */
	.type	pv_write, @function
pv_write:
	mv	a2, a1
	mv	a1, a0
	li	a0, 1
	li	a7, SYS_write
	ecall
	ret

/* pv_puts(a0 = zero-terminated string); clobbers caller-saved registers. */
	.globl	pv_puts
	.type	pv_puts, @function
pv_puts:
	mv	t0, a0
1:	lbu	t1, 0(t0)
	beqz	t1, 2f
	addi	t0, t0, 1
	j	1b
2:	sub	a1, t0, a0
	j	pv_write

/* pv_put_hex(a0) prints "0x" and 16 hex digits. */
	.globl	pv_put_hex
	.type	pv_put_hex, @function
pv_put_hex:
	addi	sp, sp, -32
	sd	ra, 24(sp)
	li	t0, '0'
	sb	t0, 0(sp)
	li	t0, 'x'
	sb	t0, 1(sp)
	la	t2, pv_s_hexdig
	addi	t1, sp, 17		/* last digit slot */
	li	t3, 16
1:	andi	t4, a0, 15
	add	t4, t4, t2
	lbu	t4, 0(t4)
	sb	t4, 0(t1)
	srli	a0, a0, 4
	addi	t1, t1, -1
	addi	t3, t3, -1
	bnez	t3, 1b
	mv	a0, sp
	li	a1, 18
	call	pv_write
	ld	ra, 24(sp)
	addi	sp, sp, 32
	ret

/*
 * pv_put_dec(a0) prints a0 as an unsigned decimal number. It subtracts
 * powers of ten instead of dividing, so output works even if M is broken.
 */
	.globl	pv_put_dec
	.type	pv_put_dec, @function
pv_put_dec:
	addi	sp, sp, -48
	sd	ra, 40(sp)
	mv	t1, sp			/* next free character */
	la	t2, pv_pow10
	li	t5, 20			/* powers left, 10^19 first */
1:	ld	t3, 0(t2)
	li	t4, '0'
2:	bltu	a0, t3, 3f
	sub	a0, a0, t3
	addi	t4, t4, 1
	j	2b
3:	/* Skip leading zeros, but always print the last digit. */
	bne	t1, sp, 4f
	li	t6, '0'
	bne	t4, t6, 4f
	li	t6, 1
	bne	t5, t6, 5f
4:	sb	t4, 0(t1)
	addi	t1, t1, 1
5:	addi	t2, t2, 8
	addi	t5, t5, -1
	bnez	t5, 1b
	mv	a0, sp
	sub	a1, t1, sp
	call	pv_write
	ld	ra, 40(sp)
	addi	sp, sp, 48
	ret

/* pv_group(a0 = name): everything but ra is preserved. */
	.globl	pv_group
	.type	pv_group, @function
pv_group:
	addi	sp, sp, -16
	sd	t0, 0(sp)
	la	t0, pv_group_ptr
	sd	a0, 0(t0)
	ld	t0, 0(sp)
	addi	sp, sp, 16
	ret

/*
 * pv_check(a0 = actual, a1 = expected, a2 = source line). Saves every
 * caller-saved integer register so assembly tests can keep values in them;
 * it touches no FP state.
 */
	.globl	pv_check
	.type	pv_check, @function
pv_check:
	addi	sp, sp, -128
	sd	ra, 0(sp)
	sd	a0, 8(sp)
	sd	a1, 16(sp)
	sd	a2, 24(sp)
	sd	a3, 32(sp)
	sd	a4, 40(sp)
	sd	a5, 48(sp)
	sd	a6, 56(sp)
	sd	a7, 64(sp)
	sd	t0, 72(sp)
	sd	t1, 80(sp)
	sd	t2, 88(sp)
	sd	t3, 96(sp)
	sd	t4, 104(sp)
	sd	t5, 112(sp)
	sd	t6, 120(sp)

	la	t0, pv_checks
	ld	t1, 0(t0)
	addi	t1, t1, 1
	sd	t1, 0(t0)
	beq	a0, a1, 9f

	la	t0, pv_failures
	ld	t1, 0(t0)
	addi	t1, t1, 1
	sd	t1, 0(t0)

	la	a0, pv_s_fail
	call	pv_puts
	la	a0, pv_test_name
	call	pv_puts
	la	a0, pv_s_lbrk
	call	pv_puts
	la	t0, pv_group_ptr
	ld	a0, 0(t0)
	call	pv_puts
	la	a0, pv_s_line
	call	pv_puts
	ld	a0, 24(sp)
	call	pv_put_dec
	la	a0, pv_s_got
	call	pv_puts
	ld	a0, 8(sp)
	call	pv_put_hex
	la	a0, pv_s_exp
	call	pv_puts
	ld	a0, 16(sp)
	call	pv_put_hex
	la	a0, pv_s_nl
	call	pv_puts

9:	ld	ra, 0(sp)
	ld	a0, 8(sp)
	ld	a1, 16(sp)
	ld	a2, 24(sp)
	ld	a3, 32(sp)
	ld	a4, 40(sp)
	ld	a5, 48(sp)
	ld	a6, 56(sp)
	ld	a7, 64(sp)
	ld	t0, 72(sp)
	ld	t1, 80(sp)
	ld	t2, 88(sp)
	ld	t3, 96(sp)
	ld	t4, 104(sp)
	ld	t5, 112(sp)
	ld	t6, 120(sp)
	addi	sp, sp, 128
	ret

/* pv_finish(): "PASS name (N checks)" or "FAIL name: F of N checks failed". */
	.globl	pv_finish
	.type	pv_finish, @function
pv_finish:
	la	t0, pv_checks
	ld	s0, 0(t0)
	la	t0, pv_failures
	ld	s1, 0(t0)
	/* A program that ran no check has proved nothing. */
	bnez	s0, 1f
	li	s1, 1
1:	bnez	s1, 2f

	la	a0, pv_s_pass
	call	pv_puts
	la	a0, pv_test_name
	call	pv_puts
	la	a0, pv_s_open
	call	pv_puts
	mv	a0, s0
	call	pv_put_dec
	la	a0, pv_s_checks
	call	pv_puts
	li	a0, 0
	j	3f

2:	la	a0, pv_s_fail
	call	pv_puts
	la	a0, pv_test_name
	call	pv_puts
	la	a0, pv_s_colon
	call	pv_puts
	mv	a0, s1
	call	pv_put_dec
	la	a0, pv_s_of
	call	pv_puts
	mv	a0, s0
	call	pv_put_dec
	la	a0, pv_s_failed
	call	pv_puts
	li	a0, 1
3:	li	a7, SYS_exit_group
	ecall
	/* exit_group does not return; spin rather than run off the end. */
4:	j	4b
