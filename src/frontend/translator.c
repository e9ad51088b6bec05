/*
 * The translator loop shared by every guest ISA: drives a FrontendOps table
 * to turn the guest code at cpu->pc into one IR block.
 *
 * A block ends at a control-flow instruction (the front end sets is_jmp), at
 * a guest page boundary (so system mode can invalidate per page and chain
 * only within a page), at max_insns, when code cannot be fetched, or when the
 * IR block is close to its temp limit. An instruction whose IR did not fit is
 * rolled back and starts the next block instead.
 */
#include <stdlib.h>
#include <string.h>

#include "polyvm/frontend.h"
#include "polyvm/mem.h"

/* head-room so that one more guest instruction always fits */
#define TEMPS_RESERVED 256

void translator_translate(CpuCommon *cpu, IrBlock *ir, uint32_t max_insns)
{
    const FrontendOps *fe = cpu->fe;
    union {
        DisasContextBase base;
        char bytes[1024];
        uint64_t align;
    } storage;
    if (fe->ctx_size > sizeof(storage))
        abort();   /* a front end whose context outgrew this storage is a polyvm bug */
    DisasContextBase *ctx = &storage.base;
    memset(&storage, 0, fe->ctx_size);

    ir_block_reset(ir, fe->globals);
    ctx->ir = ir;
    ctx->cpu = cpu;
    ctx->pc_first = ctx->pc_next = cpu->pc;
    ctx->is_jmp = DISAS_NEXT;
    ctx->max_insns = max_insns ? max_insns : 1;
    ir->flags = cpu->tb_flags;
    ir->softmmu = cpu->phys != NULL;
    fe->init_ctx(ctx, cpu);

    for (;;) {
        uint32_t mark_insns = ir->ninsns, mark_temps = ir->ntemps, mark_labels = ir->nlabels;
        uint64_t pc = ctx->pc_next;
        ir_insn_start(ir, pc);
        if (!fe->translate_insn(ctx)) {
            ir->ninsns = mark_insns;
            if (ctx->num_insns == 0) {
                ir_insn_start(ir, pc);
                ir_raise(ir, CPU_EXCP_FETCH_FAULT, pc);
                ir->fetch_failed = true;
                ctx->is_jmp = DISAS_NORETURN;
            } else {
                ctx->is_jmp = DISAS_TOO_MANY;
            }
            break;
        }
        if (ir->overflow && ctx->num_insns > 0) {
            ir->ninsns = mark_insns;
            ir->ntemps = mark_temps;
            ir->nlabels = mark_labels;
            ir->overflow = false;
            ctx->pc_next = pc;
            ctx->is_jmp = DISAS_TOO_MANY;
            break;
        }
        ctx->num_insns++;
        if (ctx->is_jmp != DISAS_NEXT)
            break;
        if (ctx->num_insns >= ctx->max_insns ||
            ((ctx->pc_next ^ ctx->pc_first) >> GUEST_PAGE_BITS) != 0 ||
            ir->ntemps + TEMPS_RESERVED > ir->cap_temps) {
            ctx->is_jmp = DISAS_TOO_MANY;
            break;
        }
    }
    fe->tb_stop(ctx);
    ir->guest_pc = ctx->pc_first;
    ir->guest_size = ctx->pc_next - ctx->pc_first;
    ir->guest_insns = ctx->num_insns;
}
