/*
 * Zifencei: fence.i makes earlier stores visible to instruction fetch. All
 * translated code is dropped (cpu_flush_code) and the block ends, so the
 * next instruction is fetched and translated afresh.
 */
#include "rv-gen.h"

static uint64_t fence_i(void *cpu)
{
    cpu_instruction_barrier(&((RvCpu *)cpu)->common);
    return 0;
}

static const IrHelper fence_i_helper = {"fence_i", (void *)fence_i, 0, 0, NULL};

bool trans_fence_i(RvContext *ctx, const RvArgs *a)
{
    (void)a;
    rv_gen_call(ctx, &fence_i_helper, IR_NO_TEMP, 0);
    ctx->base.is_jmp = DISAS_TOO_MANY;   /* the block ends after it */
    return true;
}
