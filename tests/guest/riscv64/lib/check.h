/*
 * Assembly-side check macros shared by every RISC-V64 guest test program.
 *
 * Include from a .S file (it is run through cpp), then:
 *
 *     TEST_NAME(rv64i)            // once, names the program in its PASS/FAIL lines
 *     TEST_BEGIN                  // opens test_main, the entry the runtime calls
 *     GROUP(lui)                  // labels the following checks in FAIL lines
 *     CHECK(a0, 0x1234)           // integer register == 64-bit constant
 *     CHECK_FD(fa0, 0x3ff0000000000000)  // raw 64 bits of an FP register
 *     CHECK_FS(fa0, 0x3f800000)   // a properly NaN-boxed single
 *     CHECK_FFLAGS(0x10)          // accrued fflags (not cleared)
 *     TEST_END                    // jumps to the runtime's summary and exit
 *
 * Every CHECK* macro leaves all registers (integer, FP and fcsr) unchanged,
 * so a test may hold values across checks. They push onto sp, so sp must be
 * a valid, 16-byte aligned stack pointer whenever a check runs. gp and tp
 * belong to the runtime (gp is the linker's global pointer): tests must
 * leave them alone.
 *
 * Comments in including files must use C style, because '#' lines belong
 * to cpp.
 */
#ifndef PV_CHECK_H
#define PV_CHECK_H

/* Saves the registers a check needs; sp stays 16-byte aligned. */
.macro pv_check_save
	addi	sp, sp, -32
	sd	a0, 0(sp)
	sd	a1, 8(sp)
	sd	a2, 16(sp)
	sd	ra, 24(sp)
.endm

/* a0 holds the actual value: compare it with \expected and restore. */
.macro pv_check_finish expected, line
	li	a1, \expected
	li	a2, \line
	call	pv_check
	ld	a0, 0(sp)
	ld	a1, 8(sp)
	ld	a2, 16(sp)
	ld	ra, 24(sp)
	addi	sp, sp, 32
.endm

.macro pv_group_impl name
	.pushsection .rodata
9901:	.asciz "\name"
	.popsection
	addi	sp, sp, -16
	sd	a0, 0(sp)
	sd	ra, 8(sp)
	la	a0, 9901b
	call	pv_group
	ld	a0, 0(sp)
	ld	ra, 8(sp)
	addi	sp, sp, 16
.endm

/* Loads a 64-bit pattern into an FP register without touching other registers. */
.macro pv_fli_impl freg, bits, mv
	addi	sp, sp, -16
	sd	a0, 0(sp)
	li	a0, \bits
	\mv	\freg, a0
	ld	a0, 0(sp)
	addi	sp, sp, 16
.endm

#define TEST_NAME(name) \
	.pushsection .rodata; .globl pv_test_name; pv_test_name: .asciz #name; .popsection

#define TEST_BEGIN .text; .globl test_main; .type test_main, @function; test_main:
#define TEST_END   tail pv_finish

#define GROUP(name) pv_group_impl name

#define CHECK(reg, expected) \
	pv_check_save; mv a0, reg; pv_check_finish expected, __LINE__
#define CHECK_FD(freg, expected) \
	pv_check_save; fmv.x.d a0, freg; pv_check_finish expected, __LINE__
#define CHECK_FS(freg, expected) \
	pv_check_save; fmv.x.d a0, freg; \
	pv_check_finish (0xffffffff00000000 | (expected)), __LINE__
#define CHECK_FFLAGS(expected) \
	pv_check_save; csrr a0, fflags; pv_check_finish expected, __LINE__
#define CHECK_CSR(csr, expected) \
	pv_check_save; csrr a0, csr; pv_check_finish expected, __LINE__

/* FP register loads from bit patterns: FLI_D takes 64 bits, FLI_S 32 (boxed). */
#define FLI_D(freg, bits) pv_fli_impl freg, bits, fmv.d.x
#define FLI_S(freg, bits) pv_fli_impl freg, bits, fmv.w.x

/* fflags bits */
#define FF_NX 0x01
#define FF_UF 0x02
#define FF_OF 0x04
#define FF_DZ 0x08
#define FF_NV 0x10

#endif
