/*
 * x86-64 instruction emitter for the JIT back end.
 *
 * Table-driven: each instruction family is one X-macro table giving its
 * mnemonic (as Capstone prints it, so tests/unit/test_x86_emit.c can check
 * every row by disassembly) and its opcode; one encoder per operand shape
 * (register-register, register-memory, register-immediate ...) serves the
 * whole table. Encodings follow the Intel SDM, volume 2.
 *
 * Operands: X86Reg for the 16 general registers; X86Mem for
 * [base + index + disp] (index optional, scale 1). `w64` picks the 64-bit
 * operand size (REX.W); without it the operation is 32-bit, which on x86-64
 * zero-extends the destination register, exactly the IR's I32 rule.
 */
#ifndef POLYVM_X86_EMIT_H
#define POLYVM_X86_EMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/jit/jit-buf.h"

typedef enum X86Reg {
    X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
    X86_NOREG = -1,
} X86Reg;

typedef struct X86Mem {
    X86Reg base;
    X86Reg index;   /* X86_NOREG for none; never X86_RSP */
    int32_t disp;
} X86Mem;

static inline X86Mem x86_mem(X86Reg base, int32_t disp) { return (X86Mem){base, X86_NOREG, disp}; }
static inline X86Mem x86_mem_idx(X86Reg base, X86Reg index, int32_t disp)
{
    return (X86Mem){base, index, disp};
}

/* Condition codes, in encoding order. X(name, capstone suffix) */
#define X86_CONDS(X)                                                         \
    X(O, "o") X(NO, "no") X(B, "b") X(AE, "ae") X(E, "e") X(NE, "ne")        \
    X(BE, "be") X(A, "a") X(S, "s") X(NS, "ns") X(P, "p") X(NP, "np")        \
    X(L, "l") X(GE, "ge") X(LE, "le") X(G, "g")
typedef enum X86Cond {
#define X(name, text) X86_CC_##name,
    X86_CONDS(X)
#undef X
    X86_CC_COUNT
} X86Cond;
static inline X86Cond x86_cond_invert(X86Cond c) { return (X86Cond)(c ^ 1); }

/*
 * "reg, r/m" instructions: the register operand is the destination (or the
 * first source of cmp/test). X(name, mnemonic, mandatory prefix, opcode,
 * source size) - opcodes above 0xff carry the 0x0F escape; source size is
 * the r/m operand's size in bytes when it differs from the operation's (the
 * zero/sign extensions), else 0.
 */
#define X86_RM_OPS(X)                                  \
    X(MOV, "mov", 0x00, 0x8b, 0)                       \
    X(ADD, "add", 0x00, 0x03, 0)                       \
    X(OR, "or", 0x00, 0x0b, 0)                         \
    X(ADC, "adc", 0x00, 0x13, 0)                       \
    X(SBB, "sbb", 0x00, 0x1b, 0)                       \
    X(AND, "and", 0x00, 0x23, 0)                       \
    X(SUB, "sub", 0x00, 0x2b, 0)                       \
    X(XOR, "xor", 0x00, 0x33, 0)                       \
    X(CMP, "cmp", 0x00, 0x3b, 0)                       \
    X(TEST, "test", 0x00, 0x85, 0)                     \
    X(IMUL, "imul", 0x00, 0x0faf, 0)                   \
    X(MOVZX8, "movzx", 0x00, 0x0fb6, 1)                \
    X(MOVZX16, "movzx", 0x00, 0x0fb7, 2)               \
    X(MOVSX8, "movsx", 0x00, 0x0fbe, 1)                \
    X(MOVSX16, "movsx", 0x00, 0x0fbf, 2)               \
    X(MOVSXD, "movsxd", 0x00, 0x63, 4)                 \
    X(BSR, "bsr", 0x00, 0x0fbd, 0)                     \
    X(BSF, "bsf", 0x00, 0x0fbc, 0)                     \
    X(LZCNT, "lzcnt", 0xf3, 0x0fbd, 0)                 \
    X(TZCNT, "tzcnt", 0xf3, 0x0fbc, 0)                 \
    X(POPCNT, "popcnt", 0xf3, 0x0fb8, 0)               \
    X(LEA, "lea", 0x00, 0x8d, 0)
typedef enum X86RmOp {
#define X(name, mn, pfx, opc, srcsz) X86_OP_##name,
    X86_RM_OPS(X)
#undef X
    X86_OP_COUNT
} X86RmOp;

/* Group 1 (immediate ALU): X(name, mnemonic, /digit) */
#define X86_ALU_IMM_OPS(X) \
    X(ADD, "add", 0) X(OR, "or", 1) X(AND, "and", 4) X(SUB, "sub", 5) X(XOR, "xor", 6) X(CMP, "cmp", 7)
typedef enum X86AluImm {
#define X(name, mn, digit) X86_ALUI_##name,
    X86_ALU_IMM_OPS(X)
#undef X
    X86_ALUI_COUNT
} X86AluImm;

/* Group 2 (shifts and rotates): X(name, mnemonic, /digit) */
#define X86_SHIFT_OPS(X) \
    X(ROL, "rol", 0) X(ROR, "ror", 1) X(SHL, "shl", 4) X(SHR, "shr", 5) X(SAR, "sar", 7)
typedef enum X86Shift {
#define X(name, mn, digit) X86_SH_##name,
    X86_SHIFT_OPS(X)
#undef X
    X86_SH_COUNT
} X86Shift;

/* Group 3 (one-operand): X(name, mnemonic, /digit); MUL/IMUL1/DIV/IDIV use rdx:rax */
#define X86_UNARY_OPS(X) \
    X(NOT, "not", 2) X(NEG, "neg", 3) X(MUL, "mul", 4) X(IMUL1, "imul", 5) X(DIV, "div", 6) X(IDIV, "idiv", 7)
typedef enum X86Unary {
#define X(name, mn, digit) X86_UN_##name,
    X86_UNARY_OPS(X)
#undef X
    X86_UN_COUNT
} X86Unary;

/* SSE2 scalar double, xmm op= xmm: X(name, mnemonic, mandatory prefix or
 * 0, opcode). Only the host-FPU fast path (x86-hostfp.c) uses them; movaps
 * copies a whole register, the shortest way to copy a scalar. */
#define X86_SSE_OPS(X)                                                        \
    X(SQRTSD, "sqrtsd", 0xf2, 0x0f51) X(ADDSD, "addsd", 0xf2, 0x0f58)         \
    X(MULSD, "mulsd", 0xf2, 0x0f59) X(SUBSD, "subsd", 0xf2, 0x0f5c)           \
    X(DIVSD, "divsd", 0xf2, 0x0f5e) X(UCOMISD, "ucomisd", 0x66, 0x0f2e)       \
    X(MOVAPS, "movaps", 0, 0x0f28)
typedef enum X86SseOp {
#define X(name, mn, pfx, opc) X86_SSE_##name,
    X86_SSE_OPS(X)
#undef X
    X86_SSE_COUNT
} X86SseOp;

/* Mnemonic tables, for the disassembly tests and debugging output. */
extern const char *const x86_rm_op_names[X86_OP_COUNT];
extern const char *const x86_alu_imm_names[X86_ALUI_COUNT];
extern const char *const x86_shift_names[X86_SH_COUNT];
extern const char *const x86_unary_names[X86_UN_COUNT];
extern const char *const x86_cond_names[X86_CC_COUNT];
extern const char *const x86_sse_names[X86_SSE_COUNT];

/* reg op= rm (or reg = ext(rm) for the extensions); LEA only takes memory */
void x86_rr(JitBuf *b, X86RmOp op, bool w64, X86Reg reg, X86Reg rm);
void x86_rm(JitBuf *b, X86RmOp op, bool w64, X86Reg reg, X86Mem m);

/* stores: [m] = low `size` bytes of src (size 1, 2, 4 or 8) */
void x86_store(JitBuf *b, unsigned size, X86Mem m, X86Reg src);
/* [m] = imm (size 4, or 8 for the sign-extended imm32) */
void x86_store_imm(JitBuf *b, unsigned size, X86Mem m, int32_t imm);

/* reg op= imm (imm8 form when it fits) and [m] op= imm */
void x86_alu_ri(JitBuf *b, X86AluImm op, bool w64, X86Reg reg, int32_t imm);
void x86_alu_mi(JitBuf *b, X86AluImm op, bool w64, X86Mem m, int32_t imm);
/* test reg, imm32 */
void x86_test_ri(JitBuf *b, bool w64, X86Reg reg, int32_t imm);
/* reg = imm: the shortest of mov r32,imm32 / mov r64,simm32 / movabs */
void x86_mov_ri(JitBuf *b, bool w64, X86Reg reg, uint64_t imm);
/* reg = rm * imm */
void x86_imul_ri(JitBuf *b, bool w64, X86Reg reg, X86Reg rm, int32_t imm);

void x86_shift_ri(JitBuf *b, X86Shift op, bool w64, X86Reg reg, uint8_t count);
void x86_shift_cl(JitBuf *b, X86Shift op, bool w64, X86Reg reg);
void x86_unary(JitBuf *b, X86Unary op, bool w64, X86Reg reg);

/* test byte [m], imm8 */
void x86_test_mi8(JitBuf *b, X86Mem m, uint8_t imm);

/* SSE: xmm registers are numbers 0-15 */
void x86_sse_rr(JitBuf *b, X86SseOp op, unsigned xdst, unsigned xsrc);
void x86_movq_to_xmm(JitBuf *b, unsigned x, X86Reg r);     /* movq xmm, r64 */
void x86_movq_from_xmm(JitBuf *b, X86Reg r, unsigned x);   /* movq r64, xmm */

void x86_setcc(JitBuf *b, X86Cond cc, X86Reg reg8);
void x86_cmov(JitBuf *b, X86Cond cc, bool w64, X86Reg reg, X86Reg rm);
void x86_bswap(JitBuf *b, bool w64, X86Reg reg);
void x86_cqo(JitBuf *b, bool w64);   /* cqo / cdq */
void x86_push(JitBuf *b, X86Reg reg);
void x86_pop(JitBuf *b, X86Reg reg);
void x86_ret(JitBuf *b);
void x86_ud2(JitBuf *b);
void x86_nops(JitBuf *b, unsigned n);   /* n bytes of (multi-byte) nop */

/*
 * Branches. The rel32 forms return a pointer to their 4-byte displacement
 * (writable view) for x86_patch_rel32(); a target of NULL leaves it 0.
 */
uint8_t *x86_jmp_rel32(JitBuf *b);
uint8_t *x86_jcc_rel32(JitBuf *b, X86Cond cc);
uint8_t *x86_call_rel32(JitBuf *b);
/* Points the rel32 at `disp` to executable address target; false if out of range. */
bool x86_patch_rel32(const JitBuf *b, uint8_t *disp, uintptr_t target);
/* Direct call or jump to an absolute executable address: rel32 when it
 * reaches, else through `scratch` (movabs + indirect). */
void x86_call_abs(JitBuf *b, uintptr_t target, X86Reg scratch);
void x86_jmp_abs(JitBuf *b, uintptr_t target, X86Reg scratch);
void x86_jmp_reg(JitBuf *b, X86Reg reg);
void x86_jmp_mem(JitBuf *b, X86Mem m);
void x86_call_reg(JitBuf *b, X86Reg reg);

#endif
