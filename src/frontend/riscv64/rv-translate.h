/*
 * Internal interface of the RISC-V64 front end, shared by the decoder and the
 * trans_*.c files (one per ISA extension).
 *
 * Encodings are data: insn32.def and insn16.def list every instruction as a
 * bit pattern, a field format and a trans function. decode.c turns the
 * patterns into mask/match tables at start-up and dispatches each
 * instruction to trans_<name>(ctx, args); returning false means illegal.
 * Compressed instructions decode into the same RvArgs and reuse the 32-bit
 * trans functions (c.addi -> trans_addi), so semantics are written once.
 */
#ifndef POLYVM_RV_TRANSLATE_H
#define POLYVM_RV_TRANSLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyvm/frontend.h"
#include "polyvm/ir.h"
#include "polyvm/riscv64.h"

/* Decoded operand fields; which ones are meaningful depends on the format. */
typedef struct RvArgs {
    uint8_t rd, rs1, rs2, rs3;
    uint8_t rm;          /* FP rounding mode field */
    uint8_t aq, rl;      /* atomics */
    uint8_t shamt;
    uint16_t csr;
    int64_t imm;         /* sign-extended immediate (zimm for csr*i: in imm, unsigned) */
} RvArgs;

typedef struct RvContext {
    DisasContextBase base;
    RvCpu *cpu;
    uint32_t opcode;     /* raw bits of the instruction being translated */
    unsigned insn_len;   /* 2 or 4 */
    /* from CpuCommon.tb_flags at the block start (rv-system.h) */
    bool system;         /* privileged instructions and CSRs exist */
    unsigned mem_idx;    /* MMU index of loads and stores */
    bool fs_off;         /* mstatus.FS = Off: FP instructions are illegal */
} RvContext;

/* register globals, declared once in rv-globals.c */
extern IrGlobals rv_globals;
extern IrTemp rv_gpr[32];     /* rv_gpr[0] is not used: reads of x0 give const 0 */
extern IrTemp rv_fpr[32];
void rv_globals_init(void);

/* gen helpers used by every trans file */
IrTemp rv_get_gpr(RvContext *ctx, unsigned reg);           /* x0 -> const 0 */
void rv_set_gpr(RvContext *ctx, unsigned reg, IrTemp v);   /* writes to x0 are dropped */
IrTemp rv_tmp64(RvContext *ctx);
IrTemp rv_tmp32(RvContext *ctx);
IrTemp rv_imm(RvContext *ctx, int64_t v);
/* base + imm as an I64 temp (the effective address of loads/stores) */
IrTemp rv_addr(RvContext *ctx, unsigned rs1, int64_t imm);
/* ends the block with an illegal-instruction exception carrying the opcode */
bool rv_gen_illegal(RvContext *ctx);
/* exits to target with a chainable goto_tb (slot 0 or 1) */
void rv_gen_goto(RvContext *ctx, unsigned slot, uint64_t target);
/* calls a helper with args; out may be IR_NO_TEMP */
void rv_gen_call(RvContext *ctx, const IrHelper *h, IrTemp out, unsigned nargs, ...);

static inline IrBlock *rv_ir(RvContext *ctx) { return ctx->base.ir; }
static inline uint64_t rv_pc(RvContext *ctx) { return ctx->base.pc_next; }
static inline uint64_t rv_next_pc(RvContext *ctx) { return ctx->base.pc_next + ctx->insn_len; }

#define RV_CPU_OFFSET(field) ((uint32_t)offsetof(RvCpu, field))

/* instruction formats: how fields are pulled out of the raw bits */
#define RV_FORMATS32(X)                                                     \
    X(R) X(I) X(S) X(B) X(U) X(J) X(R4) X(SH6) X(SH5) X(CSR) X(CSRI)        \
    X(ATOM) X(ATOM_LR) X(FR) X(FR1) X(FR_RM) X(FR1_RM) X(NONE) X(R1)

#define RV_FORMATS16(X)                                                     \
    X(CIW_ADDI4SPN) X(CL_W) X(CL_D) X(CS_W) X(CS_D)                         \
    X(CI_ADDI) X(CI_LI) X(CI_ADDI16SP) X(CI_LUI) X(CI_SHIFT)                \
    X(CB_SHIFT) X(CB_ANDI) X(CA) X(CJ) X(CB_BRANCH)                         \
    X(CI_LWSP) X(CI_LDSP) X(CI_FLDSP) X(CSS_SWSP) X(CSS_SDSP) X(CSS_FSDSP)  \
    X(CR_JR) X(CR_MV) X(CR_JALR) X(CR_ADD) X(CI_ADDIW) X(CA_W) X(NONE16)

typedef enum RvFormat32 {
#define X(f) RV_FMT_##f,
    RV_FORMATS32(X)
#undef X
} RvFormat32;

typedef enum RvFormat16 {
#define X(f) RV_FMT16_##f,
    RV_FORMATS16(X)
#undef X
} RvFormat16;

typedef bool (*RvTransFn)(RvContext *ctx, const RvArgs *a);

/* every trans function named in insn32.def / insn16.def */
#define RV_INSN(name, pattern, format) bool trans_##name(RvContext *ctx, const RvArgs *a);
#include "insn32.def"
#undef RV_INSN

/* decode.c */
void rv_decode_init(void);
bool rv_decode_and_translate(RvContext *ctx, uint32_t insn, unsigned len);
/* name of the instruction for disassembly, NULL if illegal */
const char *rv_decode_name(uint32_t insn, unsigned len, RvArgs *a);

#endif
