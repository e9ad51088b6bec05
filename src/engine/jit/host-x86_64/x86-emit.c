/*
 * x86-64 encoders for the tables in x86-emit.h: one function per operand
 * shape, sharing the REX / ModRM / SIB / displacement logic below.
 */
#include "engine/jit/host-x86_64/x86-emit.h"

#define X(name, mn, pfx, opc, srcsz) [X86_OP_##name] = mn,
const char *const x86_rm_op_names[X86_OP_COUNT] = {X86_RM_OPS(X)};
#undef X
#define X(name, mn, digit) [X86_ALUI_##name] = mn,
const char *const x86_alu_imm_names[X86_ALUI_COUNT] = {X86_ALU_IMM_OPS(X)};
#undef X
#define X(name, mn, digit) [X86_SH_##name] = mn,
const char *const x86_shift_names[X86_SH_COUNT] = {X86_SHIFT_OPS(X)};
#undef X
#define X(name, mn, digit) [X86_UN_##name] = mn,
const char *const x86_unary_names[X86_UN_COUNT] = {X86_UNARY_OPS(X)};
#undef X
#define X(name, text) [X86_CC_##name] = text,
const char *const x86_cond_names[X86_CC_COUNT] = {X86_CONDS(X)};
#undef X
#define X(name, mn, pfx, opc) [X86_SSE_##name] = mn,
const char *const x86_sse_names[X86_SSE_COUNT] = {X86_SSE_OPS(X)};
#undef X

typedef struct RmOpInfo {
    uint8_t prefix;
    uint16_t opcode;
    uint8_t src_size;
} RmOpInfo;

static const RmOpInfo rm_ops[X86_OP_COUNT] = {
#define X(name, mn, pfx, opc, srcsz) [X86_OP_##name] = {pfx, opc, srcsz},
    X86_RM_OPS(X)
#undef X
};

static const uint8_t alu_imm_digit[X86_ALUI_COUNT] = {
#define X(name, mn, digit) [X86_ALUI_##name] = digit,
    X86_ALU_IMM_OPS(X)
#undef X
};
static const uint8_t shift_digit[X86_SH_COUNT] = {
#define X(name, mn, digit) [X86_SH_##name] = digit,
    X86_SHIFT_OPS(X)
#undef X
};
static const uint8_t unary_digit[X86_UN_COUNT] = {
#define X(name, mn, digit) [X86_UN_##name] = digit,
    X86_UNARY_OPS(X)
#undef X
};

typedef struct SseOpInfo {
    uint8_t prefix;
    uint16_t opcode;
} SseOpInfo;
static const SseOpInfo sse_ops[X86_SSE_COUNT] = {
#define X(name, mn, pfx, opc) [X86_SSE_##name] = {pfx, opc},
    X86_SSE_OPS(X)
#undef X
};

static inline bool fits_s8(int64_t v) { return v >= -128 && v <= 127; }

/* true if a byte operand in register r needs a REX prefix: without one,
 * encodings 4-7 name ah/ch/dh/bh instead of spl/bpl/sil/dil */
static inline bool byte_needs_rex(int r) { return r >= 4 && r <= 7; }

/* REX is needed for W, for any of r8-r15, and when `force`d (byte regs). */
static void emit_rex(JitBuf *b, bool w, int reg, int index, int base, bool force)
{
    uint8_t rex = 0x40;
    rex |= w ? 8 : 0;
    rex |= (reg >= 0 && (reg & 8)) ? 4 : 0;
    rex |= (index >= 0 && (index & 8)) ? 2 : 0;
    rex |= (base >= 0 && (base & 8)) ? 1 : 0;
    if (rex != 0x40 || force)
        jit_emit8(b, rex);
}

static void emit_opcode(JitBuf *b, uint16_t opcode)
{
    if (opcode > 0xff)
        jit_emit8(b, (uint8_t)(opcode >> 8));
    jit_emit8(b, (uint8_t)opcode);
}

static void emit_modrm_reg(JitBuf *b, int reg, int rm)
{
    jit_emit8(b, (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7)));
}

/* ModRM (+SIB, +disp) for [base + index + disp]. rbp/r13 as base have no
 * disp-less form and rsp/r12 as base need a SIB byte. */
static void emit_modrm_mem(JitBuf *b, int reg, X86Mem m)
{
    int base = m.base & 7;
    unsigned mod = (m.disp == 0 && base != 5) ? 0 : fits_s8(m.disp) ? 1 : 2;
    if (m.index == X86_NOREG && base != 4) {
        jit_emit8(b, (uint8_t)((mod << 6) | ((reg & 7) << 3) | base));
    } else {
        int index = m.index == X86_NOREG ? 4 : (m.index & 7);
        jit_emit8(b, (uint8_t)((mod << 6) | ((reg & 7) << 3) | 4));
        jit_emit8(b, (uint8_t)((index << 3) | base));
    }
    if (mod == 1)
        jit_emit8(b, (uint8_t)(int8_t)m.disp);
    else if (mod == 2)
        jit_emit32(b, (uint32_t)m.disp);
}

/* prefix, REX, opcode and ModRM for a register r/m operand */
static void emit_op_rr(JitBuf *b, uint8_t prefix, uint16_t opcode, bool w, int reg, int rm, bool force_rex)
{
    if (prefix)
        jit_emit8(b, prefix);
    emit_rex(b, w, reg, -1, rm, force_rex);
    emit_opcode(b, opcode);
    emit_modrm_reg(b, reg, rm);
}

static void emit_op_mem(JitBuf *b, uint8_t prefix, uint16_t opcode, bool w, int reg, X86Mem m, bool force_rex)
{
    if (prefix)
        jit_emit8(b, prefix);
    emit_rex(b, w, reg, m.index, m.base, force_rex);
    emit_opcode(b, opcode);
    emit_modrm_mem(b, reg, m);
}

void x86_rr(JitBuf *b, X86RmOp op, bool w64, X86Reg reg, X86Reg rm)
{
    const RmOpInfo *o = &rm_ops[op];
    emit_op_rr(b, o->prefix, o->opcode, w64, reg, rm, o->src_size == 1 && byte_needs_rex(rm));
}

void x86_rm(JitBuf *b, X86RmOp op, bool w64, X86Reg reg, X86Mem m)
{
    const RmOpInfo *o = &rm_ops[op];
    emit_op_mem(b, o->prefix, o->opcode, w64, reg, m, false);
}

void x86_store(JitBuf *b, unsigned size, X86Mem m, X86Reg src)
{
    switch (size) {
    case 1: emit_op_mem(b, 0, 0x88, false, src, m, byte_needs_rex(src)); break;
    case 2: emit_op_mem(b, 0x66, 0x89, false, src, m, false); break;
    case 4: emit_op_mem(b, 0, 0x89, false, src, m, false); break;
    default: emit_op_mem(b, 0, 0x89, true, src, m, false); break;
    }
}

void x86_store_imm(JitBuf *b, unsigned size, X86Mem m, int32_t imm)
{
    emit_op_mem(b, 0, 0xc7, size == 8, 0, m, false);
    jit_emit32(b, (uint32_t)imm);
}

void x86_alu_ri(JitBuf *b, X86AluImm op, bool w64, X86Reg reg, int32_t imm)
{
    bool short_form = fits_s8(imm);
    emit_op_rr(b, 0, short_form ? 0x83 : 0x81, w64, alu_imm_digit[op], reg, false);
    if (short_form)
        jit_emit8(b, (uint8_t)(int8_t)imm);
    else
        jit_emit32(b, (uint32_t)imm);
}

void x86_alu_mi(JitBuf *b, X86AluImm op, bool w64, X86Mem m, int32_t imm)
{
    bool short_form = fits_s8(imm);
    emit_op_mem(b, 0, short_form ? 0x83 : 0x81, w64, alu_imm_digit[op], m, false);
    if (short_form)
        jit_emit8(b, (uint8_t)(int8_t)imm);
    else
        jit_emit32(b, (uint32_t)imm);
}

void x86_test_ri(JitBuf *b, bool w64, X86Reg reg, int32_t imm)
{
    emit_op_rr(b, 0, 0xf7, w64, 0, reg, false);
    jit_emit32(b, (uint32_t)imm);
}

void x86_mov_ri(JitBuf *b, bool w64, X86Reg reg, uint64_t imm)
{
    if (!w64)
        imm = (uint32_t)imm;
    if (imm <= 0xffffffffull) {
        /* mov r32, imm32 zero-extends */
        emit_rex(b, false, -1, -1, reg, false);
        jit_emit8(b, (uint8_t)(0xb8 | (reg & 7)));
        jit_emit32(b, (uint32_t)imm);
    } else if ((int64_t)imm == (int32_t)imm) {
        emit_op_rr(b, 0, 0xc7, true, 0, reg, false);
        jit_emit32(b, (uint32_t)imm);
    } else {
        emit_rex(b, true, -1, -1, reg, false);
        jit_emit8(b, (uint8_t)(0xb8 | (reg & 7)));
        jit_emit64(b, imm);
    }
}

void x86_imul_ri(JitBuf *b, bool w64, X86Reg reg, X86Reg rm, int32_t imm)
{
    bool short_form = fits_s8(imm);
    emit_op_rr(b, 0, short_form ? 0x6b : 0x69, w64, reg, rm, false);
    if (short_form)
        jit_emit8(b, (uint8_t)(int8_t)imm);
    else
        jit_emit32(b, (uint32_t)imm);
}

void x86_shift_ri(JitBuf *b, X86Shift op, bool w64, X86Reg reg, uint8_t count)
{
    if (count == 1) {
        emit_op_rr(b, 0, 0xd1, w64, shift_digit[op], reg, false);
        return;
    }
    emit_op_rr(b, 0, 0xc1, w64, shift_digit[op], reg, false);
    jit_emit8(b, count);
}

void x86_shift_cl(JitBuf *b, X86Shift op, bool w64, X86Reg reg)
{
    emit_op_rr(b, 0, 0xd3, w64, shift_digit[op], reg, false);
}

void x86_unary(JitBuf *b, X86Unary op, bool w64, X86Reg reg)
{
    emit_op_rr(b, 0, 0xf7, w64, unary_digit[op], reg, false);
}

void x86_test_mi8(JitBuf *b, X86Mem m, uint8_t imm)
{
    emit_op_mem(b, 0, 0xf6, false, 0, m, false);
    jit_emit8(b, imm);
}

/* The mandatory prefix goes before REX, which emit_op_rr/mem keep. */
void x86_sse_rr(JitBuf *b, X86SseOp op, unsigned xdst, unsigned xsrc)
{
    emit_op_rr(b, sse_ops[op].prefix, sse_ops[op].opcode, false, (int)xdst, (int)xsrc, false);
}

void x86_movq_to_xmm(JitBuf *b, unsigned x, X86Reg r) { emit_op_rr(b, 0x66, 0x0f6e, true, (int)x, r, false); }

void x86_movq_from_xmm(JitBuf *b, X86Reg r, unsigned x) { emit_op_rr(b, 0x66, 0x0f7e, true, (int)x, r, false); }

void x86_setcc(JitBuf *b, X86Cond cc, X86Reg reg8)
{
    emit_op_rr(b, 0, (uint16_t)(0x0f90 | cc), false, 0, reg8, byte_needs_rex(reg8));
}

void x86_cmov(JitBuf *b, X86Cond cc, bool w64, X86Reg reg, X86Reg rm)
{
    emit_op_rr(b, 0, (uint16_t)(0x0f40 | cc), w64, reg, rm, false);
}

void x86_bswap(JitBuf *b, bool w64, X86Reg reg)
{
    emit_rex(b, w64, -1, -1, reg, false);
    jit_emit8(b, 0x0f);
    jit_emit8(b, (uint8_t)(0xc8 | (reg & 7)));
}

void x86_cqo(JitBuf *b, bool w64)
{
    if (w64)
        jit_emit8(b, 0x48);
    jit_emit8(b, 0x99);
}

void x86_push(JitBuf *b, X86Reg reg)
{
    emit_rex(b, false, -1, -1, reg, false);
    jit_emit8(b, (uint8_t)(0x50 | (reg & 7)));
}

void x86_pop(JitBuf *b, X86Reg reg)
{
    emit_rex(b, false, -1, -1, reg, false);
    jit_emit8(b, (uint8_t)(0x58 | (reg & 7)));
}

void x86_ret(JitBuf *b) { jit_emit8(b, 0xc3); }

void x86_ud2(JitBuf *b)
{
    jit_emit8(b, 0x0f);
    jit_emit8(b, 0x0b);
}

void x86_nops(JitBuf *b, unsigned n)
{
    /* the recommended multi-byte nop forms, longest first */
    static const uint8_t nops[9][9] = {
        {0},
        {0x90},
        {0x66, 0x90},
        {0x0f, 0x1f, 0x00},
        {0x0f, 0x1f, 0x40, 0x00},
        {0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
        {0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    };
    while (n) {
        unsigned k = n > 8 ? 8 : n;
        jit_emit_bytes(b, nops[k], k);
        n -= k;
    }
}

static uint8_t *emit_rel32_slot(JitBuf *b)
{
    uint8_t *at = b->p;
    jit_emit32(b, 0);
    return b->overflow ? NULL : at;
}

uint8_t *x86_jmp_rel32(JitBuf *b)
{
    jit_emit8(b, 0xe9);
    return emit_rel32_slot(b);
}

uint8_t *x86_jcc_rel32(JitBuf *b, X86Cond cc)
{
    jit_emit8(b, 0x0f);
    jit_emit8(b, (uint8_t)(0x80 | cc));
    return emit_rel32_slot(b);
}

uint8_t *x86_call_rel32(JitBuf *b)
{
    jit_emit8(b, 0xe8);
    return emit_rel32_slot(b);
}

bool x86_patch_rel32(const JitBuf *b, uint8_t *disp, uintptr_t target)
{
    if (!disp)
        return false;
    /* unsigned: the CPU adds rel32 to RIP modulo 2^64, and a signed
     * difference of two addresses can overflow */
    intptr_t rel = (intptr_t)(target - jit_buf_exec_addr(b, disp + 4));
    if (rel != (int32_t)rel)
        return false;
    int32_t r32 = (int32_t)rel;
    /* One 4-byte store. Only the vCPU thread that owns the code patches
     * it, between blocks, so no other thread can run a half-written jump;
     * cross-thread patching would first need the slots 4-byte aligned. */
    __atomic_store_n((uint32_t *)(void *)disp, (uint32_t)r32, __ATOMIC_RELAXED);
    return true;
}

static bool reaches_rel32(const JitBuf *b, unsigned insn_len, uintptr_t target)
{
    intptr_t rel = (intptr_t)(target - jit_buf_exec_addr(b, b->p + insn_len));
    return rel == (int32_t)rel;
}

void x86_call_abs(JitBuf *b, uintptr_t target, X86Reg scratch)
{
    if (reaches_rel32(b, 5, target)) {
        x86_patch_rel32(b, x86_call_rel32(b), target);
        return;
    }
    x86_mov_ri(b, true, scratch, target);
    x86_call_reg(b, scratch);
}

void x86_jmp_abs(JitBuf *b, uintptr_t target, X86Reg scratch)
{
    if (reaches_rel32(b, 5, target)) {
        x86_patch_rel32(b, x86_jmp_rel32(b), target);
        return;
    }
    x86_mov_ri(b, true, scratch, target);
    x86_jmp_reg(b, scratch);
}

void x86_jmp_reg(JitBuf *b, X86Reg reg) { emit_op_rr(b, 0, 0xff, false, 4, reg, false); }

void x86_call_reg(JitBuf *b, X86Reg reg) { emit_op_rr(b, 0, 0xff, false, 2, reg, false); }

void x86_jmp_mem(JitBuf *b, X86Mem m) { emit_op_mem(b, 0, 0xff, false, 4, m, false); }
