/*
 * Front-end contract: one FrontendOps table per guest ISA, driven by the
 * generic translator loop (src/frontend/translator.c).
 *
 * The loop emits insn_start for each guest instruction, calls translate_insn
 * (which decodes one instruction and emits its IR, or returns false when the
 * code bytes cannot be fetched), and stops at a jump (ctx->is_jmp), a page
 * boundary, the instruction limit or when the IR block fills up. tb_stop
 * then emits the block exit unless the last instruction already did.
 */
#ifndef POLYVM_FRONTEND_H
#define POLYVM_FRONTEND_H

#include <stdbool.h>
#include <stdint.h>

#include "polyvm/cpu.h"
#include "polyvm/ir.h"

typedef enum DisasJumpType {
    DISAS_NEXT,       /* keep translating */
    DISAS_TOO_MANY,   /* stop here; tb_stop emits goto_tb to pc_next */
    DISAS_NORETURN,   /* the instruction emitted its own block exit */
} DisasJumpType;

typedef struct DisasContextBase {
    IrBlock *ir;
    CpuCommon *cpu;
    uint64_t pc_first;
    uint64_t pc_next;          /* the translator advances this past each insn */
    DisasJumpType is_jmp;
    uint32_t num_insns;
    uint32_t max_insns;
} DisasContextBase;

typedef struct FrontendOps {
    const char *name;
    const IrGlobals *globals;
    unsigned ctx_size;         /* sizeof the front end's context (starts with DisasContextBase) */
    unsigned min_insn_bytes;
    void (*init_ctx)(DisasContextBase *ctx, CpuCommon *cpu);
    /* Decode and translate the insn at ctx->pc_next; false if unfetchable. */
    bool (*translate_insn)(DisasContextBase *ctx);
    void (*tb_stop)(DisasContextBase *ctx);
    /* System mode: walks the guest page tables for vaddr's page as MMU
     * index mmu_idx would for access; CPU_EXCP_NONE with *out filled, or
     * the fault to raise (CPU_EXCP_*_PAGE_FAULT or *_FAULT for an access
     * fault). Must not raise itself: code fetch for translation probes. */
    int (*tlb_fill)(CpuCommon *cpu, uint64_t vaddr, TlbAccess access, unsigned mmu_idx, TlbFill *out);
    /* Disassemble one instruction for `-d in_asm`; returns its length. */
    unsigned (*disas)(CpuCommon *cpu, uint64_t pc, char *buf, unsigned buflen);
} FrontendOps;

/* Translate the block at cpu->pc into ir (reset first). */
void translator_translate(CpuCommon *cpu, IrBlock *ir, uint32_t max_insns);

#endif
