/*
 * The vCPU loop: find or translate the block at cpu->pc, run it, repeat until
 * a guest exception the engines do not handle themselves.
 *
 * Faults raised inside helpers and memory accessors arrive here through
 * cpu_raise() (siglongjmp); the guest state is already precise because the
 * interpreter writes globals straight to the CPU state and records each
 * instruction's PC at insn_start.
 */
#include <stdio.h>
#include <stdlib.h>

#include "polyvm/engine.h"
#include "polyvm/frontend.h"
#include "polyvm/log.h"

#define MAX_BLOCK_INSNS 512

static const char *const exception_names[CPU_EXCP_COUNT] = {
#define X(name, text) text,
    CPU_EXCEPTIONS(X)
#undef X
};

const char *cpu_exception_name(int excp)
{
    return excp >= 0 && excp < CPU_EXCP_COUNT ? exception_names[excp] : "unknown exception";
}

void cpu_raise(CpuCommon *cpu, int excp, uint64_t aux)
{
    cpu->pc = cpu->insn_pc;
    cpu->exception = excp;
    cpu->exception_aux = aux;
    siglongjmp(cpu->jmp, 1);
}

void cpu_flush_code(CpuCommon *cpu)
{
    /* The running block may be among those dropped: defer to the loop. */
    cpu->flush_pending = true;
}

static void log_block(const IrBlock *ir, const char *title)
{
    fprintf(log_file(), "%s:\n", title);
    ir_print(ir, log_file());
}

static void log_in_asm(CpuCommon *cpu, const IrBlock *ir)
{
    FILE *f = log_file();
    char buf[128];
    fprintf(f, "IN: 0x%" PRIx64 "\n", ir->guest_pc);
    for (uint64_t pc = ir->guest_pc; pc < ir->guest_pc + ir->guest_size;) {
        unsigned len = cpu->fe->disas(cpu, pc, buf, sizeof(buf));
        fprintf(f, "0x%08" PRIx64 ":  %s\n", pc, buf);
        pc += len ? len : 1;
    }
}

TranslatedBlock *engine_get_block(CpuCommon *cpu)
{
    TranslatedBlock *tb = tb_cache_lookup(cpu->tbs, cpu->pc, 0);
    if (tb)
        return tb;
    IrBlock *ir = tb_cache_scratch_ir(cpu->tbs, cpu->fe->globals);
    if (!ir)
        return NULL;
    translator_translate(cpu, ir, MAX_BLOCK_INSNS);
    if (log_enabled(LOG_IN_ASM))
        log_in_asm(cpu, ir);
    if (log_enabled(LOG_IR))
        log_block(ir, "IR");
    IrError err;
    if (!ir_verify(ir, &err)) {
        /* a front-end bug, not a guest error: stop loudly with the evidence */
        fprintf(stderr, "polyvm: internal error: invalid IR for block at 0x%" PRIx64 ": %s\n",
                ir->guest_pc, err.msg);
        ir_print(ir, stderr);
        abort();
    }
    ir_optimize(ir);
    if (log_enabled(LOG_IR_OPT))
        log_block(ir, "IR after optimization");
    tb = calloc(1, sizeof(*tb));
    if (!tb)
        return NULL;
    tb->pc = ir->guest_pc;
    tb->guest_size = (uint32_t)ir->guest_size;
    tb->guest_insns = ir->guest_insns;
    tb->interp = interp_compile(ir);
    if (!tb->interp) {
        free(tb);
        return NULL;
    }
    tb_cache_insert(cpu->tbs, tb);
    cpu->stats.blocks_translated++;
    cpu->stats.guest_insns_translated += ir->guest_insns;
    return tb;
}

int cpu_exec(CpuCommon *cpu)
{
    if (!cpu->tbs && !(cpu->tbs = tb_cache_new())) {
        cpu->exception = CPU_EXCP_HALT;
        return CPU_EXCP_HALT;
    }
    if (sigsetjmp(cpu->jmp, 0))
        return cpu->exception;
    for (;;) {
        if (cpu->exit_request) {
            cpu->exit_request = 0;
            cpu->exception = CPU_EXCP_EXIT_REQUEST;
            return CPU_EXCP_EXIT_REQUEST;
        }
        if (cpu->flush_pending) {
            tb_cache_flush(cpu->tbs);
            cpu->flush_pending = false;
        }
        TranslatedBlock *tb = engine_get_block(cpu);
        if (!tb) {
            fprintf(stderr, "polyvm: out of memory translating code at 0x%" PRIx64 "\n", cpu->pc);
            cpu->exception = CPU_EXCP_HALT;
            return CPU_EXCP_HALT;
        }
        cpu->stats.blocks_executed++;
        if (interp_exec(cpu, tb->interp) == ENGINE_EXIT_EXCEPTION)
            return cpu->exception;
    }
}
