/*
 * Shared IR generators for the RISC-V integer trans_*.c files, so that most
 * trans functions are one line: trans_addw() is
 * gen_arith(ctx, a, RV_LO32, ir_add). Also declares the CSR table of csr.c.
 *
 * An RvWidth says how an ALU operation maps onto XLEN=64:
 *   RV_X     the 64-bit operation, written straight to rd;
 *   RV_LO32  the 64-bit operation, whose low word is already the 32-bit
 *            result (add, sub, mul, shift left by a constant < 32), then
 *            sign-extended: two IR ops for the common *W instructions;
 *   RV_W32   operands truncated to I32, the operation done in 32 bits
 *            (division, right shifts, rotates, counts), then sign-extended.
 * ALU generators do nothing when rd is x0: those are hints without effect.
 */
#ifndef POLYVM_RV_GEN_H
#define POLYVM_RV_GEN_H

#include "rv-translate.h"

typedef void (*RvBinOp)(IrBlock *b, IrTemp out, IrTemp x, IrTemp y);
typedef void (*RvUnOp)(IrBlock *b, IrTemp out, IrTemp x);

typedef enum RvWidth { RV_X, RV_LO32, RV_W32 } RvWidth;

/* memory operation of this context (little endian, user-mode MMU index) */
IrMemOp rv_memop(RvContext *ctx, unsigned size_log2, unsigned flags);
/* rd's global, or a scratch temp for x0 when the op must run anyway */
IrTemp rv_dest(RvContext *ctx, unsigned rd);
/* source register at width w (an I32 temp for RV_W32) */
IrTemp rv_src(RvContext *ctx, unsigned reg, RvWidth w);

/* rd = rs1 op rs2 */
bool gen_arith(RvContext *ctx, const RvArgs *a, RvWidth w, RvBinOp op);
/* rd = rs1 op c */
bool gen_arith_const(RvContext *ctx, const RvArgs *a, RvWidth w, RvBinOp op, uint64_t c);
/* rd = rs1 op imm / rs1 op shamt */
bool gen_arith_imm(RvContext *ctx, const RvArgs *a, RvWidth w, RvBinOp op);
bool gen_shift_imm(RvContext *ctx, const RvArgs *a, RvWidth w, RvBinOp op);
/* rd = op rs1 */
bool gen_unary(RvContext *ctx, const RvArgs *a, RvWidth w, RvUnOp op);

/* csr.c: the CSRs user mode has, with their access helpers */
typedef struct RvCsr {
    uint16_t num;
    const char *name;
    const IrHelper *read;    /* () -> value */
    const IrHelper *write;   /* (value); NULL for a read-only CSR */
} RvCsr;
const RvCsr *rv_csr_find(unsigned num);

#endif
