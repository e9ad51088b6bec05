/*
 * FP check macros shared by rv64f.S and rv64d.S (and their generated case
 * tables rv64f.inc / rv64d.inc). Before including, define
 *   FLI(freg, bits)         load an operand of the format under test
 *   CHECK_FX(freg, bits)    check a result of the format under test
 * Operands are bit patterns; rm is an assembler rounding-mode operand
 * (rne, rtz, rdn, rup, rmm, dyn) and dynrm the value written to frm first,
 * so a static rm is always checked against a different dynamic one.
 * fflags is cleared before each operation and checked exactly after it.
 */
#ifndef PV_FCHECK_H
#define PV_FCHECK_H

#include "check.h"

#define FOP1(op, rm, dynrm, a, r, fl) \
	FLI(fa1, a); csrwi frm, dynrm; csrwi fflags, 0; \
	op fa0, fa1, rm; CHECK_FX(fa0, r); CHECK_FFLAGS(fl)

#define FOP2(op, rm, dynrm, a, b, r, fl) \
	FLI(fa1, a); FLI(fa2, b); csrwi frm, dynrm; csrwi fflags, 0; \
	op fa0, fa1, fa2, rm; CHECK_FX(fa0, r); CHECK_FFLAGS(fl)

#define FOP3(op, rm, dynrm, a, b, c, r, fl) \
	FLI(fa1, a); FLI(fa2, b); FLI(fa3, c); csrwi frm, dynrm; csrwi fflags, 0; \
	op fa0, fa1, fa2, fa3, rm; CHECK_FX(fa0, r); CHECK_FFLAGS(fl)

#define FCVT_TO_INT(op, rm, dynrm, a, r, fl) \
	FLI(fa1, a); csrwi frm, dynrm; csrwi fflags, 0; \
	op a0, fa1, rm; CHECK(a0, r); CHECK_FFLAGS(fl)

#define FCVT_FROM_INT(op, rm, dynrm, x, r, fl) \
	li a1, x; csrwi frm, dynrm; csrwi fflags, 0; \
	op fa0, a1, rm; CHECK_FX(fa0, r); CHECK_FFLAGS(fl)

/* Conversions that are always exact take no rounding-mode operand. */
#define FCVT_FROM_INT_EXACT(op, x, r, fl) \
	li a1, x; csrwi fflags, 0; op fa0, a1; CHECK_FX(fa0, r); CHECK_FFLAGS(fl)

#define FCMP(op, a, b, r, fl) \
	FLI(fa1, a); FLI(fa2, b); csrwi fflags, 0; \
	op a0, fa1, fa2; CHECK(a0, r); CHECK_FFLAGS(fl)

#define FMINMAX(op, a, b, r, fl) \
	FLI(fa1, a); FLI(fa2, b); csrwi fflags, 0; \
	op fa0, fa1, fa2; CHECK_FX(fa0, r); CHECK_FFLAGS(fl)

#define FCLASS(op, a, r) \
	FLI(fa1, a); op a0, fa1; CHECK(a0, r)

/* fclass result bits */
#define FCLASS_NINF  0x001
#define FCLASS_NNORM 0x002
#define FCLASS_NSUB  0x004
#define FCLASS_NZERO 0x008
#define FCLASS_PZERO 0x010
#define FCLASS_PSUB  0x020
#define FCLASS_PNORM 0x040
#define FCLASS_PINF  0x080
#define FCLASS_SNAN  0x100
#define FCLASS_QNAN  0x200

#endif
