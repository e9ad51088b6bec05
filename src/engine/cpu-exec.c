/*
 * The vCPU loop: find or translate the block at cpu->pc, run it, repeat until
 * a guest exception the engines do not handle themselves. JIT blocks are
 * chained here: when one leaves by a chainable goto_tb slot, the next block
 * found is patched in as that slot's target, so the next time control goes
 * straight from one to the other without coming back.
 *
 * Faults raised inside helpers and memory accessors arrive here through
 * cpu_raise() (siglongjmp); the guest state is already precise because the
 * interpreter writes globals straight to the CPU state and records each
 * instruction's PC at insn_start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/jit/jit.h"
#include "polyvm/engine.h"
#include "polyvm/frontend.h"
#include "polyvm/host-clock.h"
#include "polyvm/log.h"
#include "mem/softmmu.h"

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
    cpu->leave_code = 1;
}

void cpu_invalidate_code_page(CpuCommon *cpu, uint64_t ppage)
{
    if (cpu->tbs)
        tb_cache_invalidate_page(cpu->tbs, cpu, ppage & TLB_PAGE_MASK);
}

void cpu_drop_translations(CpuCommon *cpu)
{
    tb_cache_free(cpu->tbs);
    cpu->tbs = NULL;
}

void cpu_stats_add(CpuStats *sum, const CpuStats *s)
{
#define X(name) sum->name += s->name;
    CPU_STATS_COUNTERS(X)
#undef X
}

void cpu_stats_print(FILE *out, const CpuStats *s, CpuEngine engine)
{
    fprintf(out,
            "polyvm stats: engine %s, blocks translated %" PRIu64 ", guest insns translated %" PRIu64
            ", host code bytes %" PRIu64 ", translation us %" PRIu64 ", blocks executed %" PRIu64
            ", chained jumps %" PRIu64 ", jump cache lookups %" PRIu64 ", jump cache hits %" PRIu64 "\n",
            cpu_engine_name(engine), s->blocks_translated, s->guest_insns_translated, s->host_code_bytes,
            s->translate_ns / 1000, s->blocks_executed, s->chained_jumps,
            s->jump_cache_hits + s->jump_cache_misses, s->jump_cache_hits);
}

CpuEngine cpu_default_engine = CPU_ENGINE_JIT;

static const char *const engine_names[CPU_ENGINE_COUNT] = {
#define X(name, text) text,
    CPU_ENGINES(X)
#undef X
};

const char *cpu_engine_name(CpuEngine e) { return e < CPU_ENGINE_COUNT ? engine_names[e] : "?"; }

int cpu_engine_from_name(const char *name)
{
    for (int e = 0; e < CPU_ENGINE_COUNT; e++)
        if (strcmp(name, engine_names[e]) == 0)
            return e;
    return -1;
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

void cpu_jump_cache_clear(CpuCommon *cpu)
{
    if (cpu->phys && ++cpu->jump_epoch != 0) {
        /* entries of older epochs no longer match */
        cpu->jump_tag = (uint64_t)cpu->jump_epoch << 32 | cpu->tb_flags;
        return;
    }
    for (unsigned i = 0; i < CPU_JUMP_CACHE_SIZE; i++)
        cpu->jump_cache[i] = (CpuJumpCacheEntry){.pc = CPU_JUMP_CACHE_EMPTY};
}

static void flush_all(CpuCommon *cpu)
{
    tb_cache_flush(cpu->tbs);
    cpu_jump_cache_clear(cpu);
}

/* Gives tb the vCPU engine's code for ir; *flushed says the whole cache had
 * to be dropped to make room (so no earlier block may be linked to). */
static bool compile_block(CpuCommon *cpu, const IrBlock *ir, TranslatedBlock *tb, bool *flushed)
{
    if (cpu->engine == CPU_ENGINE_JIT) {
        JitState *js = tb_cache_jit(cpu->tbs);
        JitResult r = js ? jit_compile(js, ir, tb, cpu->stats.count_in_code) : JIT_NOMEM;
        if (r == JIT_FULL) {
            flush_all(cpu);
            *flushed = true;
            r = jit_compile(js, ir, tb, cpu->stats.count_in_code);
        }
        if (r == JIT_OK) {
            cpu->stats.host_code_bytes += tb->jit->size;
            if (log_enabled(LOG_OUT_ASM))
                jit_log_out_asm(tb);
            return true;
        }
        /* an op the back end does not lower: this block is interpreted */
    }
    tb->interp = interp_compile(ir);
    return tb->interp != NULL;
}

/* Only JIT blocks go in the jump cache: translated code jumps to its
 * entries. Blocks spanning two pages are checked at each lookup instead. */
static void remember_jit_block(CpuJumpCacheEntry *e, TranslatedBlock *tb, uint64_t cpu_tag)
{
    if (tb->jit && tb->phys_page2 == TB_NO_PAGE2)
        *e = (CpuJumpCacheEntry){.pc = tb->pc, .code = tb->jit->entry, .tb = tb, .tag = cpu_tag};
}

/* System mode: the guest-physical address of code at vaddr (CPU_EXCP_NONE),
 * or the fetch fault to raise there. User mode: vaddr itself. */
static int code_phys(CpuCommon *cpu, uint64_t vaddr, uint64_t *paddr)
{
    *paddr = vaddr;
    return cpu->phys ? softmmu_code_phys(cpu, vaddr, cpu->fetch_mmu_idx, paddr) : CPU_EXCP_NONE;
}

/* A block whose last instruction reaches into the next page stays valid
 * only while that page maps to the same physical page. */
static bool page2_still_mapped(CpuCommon *cpu, const TranslatedBlock *tb)
{
    uint64_t p2;
    return tb->phys_page2 == TB_NO_PAGE2 ||
           (code_phys(cpu, tb->pc + tb->guest_size - 1, &p2) == CPU_EXCP_NONE &&
            (p2 & TLB_PAGE_MASK) == tb->phys_page2);
}

/* System mode: writes to the pages this block came from must drop it. */
static void note_code_pages(CpuCommon *cpu, TranslatedBlock *tb)
{
    if (!cpu->phys)
        return;
    softmmu_mark_code(cpu, tb->phys_pc);
    uint64_t last = tb->pc + (tb->guest_size ? tb->guest_size - 1 : 0);
    if (((last ^ tb->pc) & TLB_PAGE_MASK) != 0 && code_phys(cpu, last, &tb->phys_page2) == CPU_EXCP_NONE) {
        tb->phys_page2 &= TLB_PAGE_MASK;
        softmmu_mark_code(cpu, tb->phys_page2);
    }
}

/* Translates (or finds) the block at cpu->pc. NULL with *excp set when its
 * code cannot be fetched (system mode: page or access fault), NULL with
 * *excp = CPU_EXCP_NONE on allocation failure. */
static TranslatedBlock *get_block(CpuCommon *cpu, bool *flushed, int *excp)
{
    *excp = CPU_EXCP_NONE;
    CpuJumpCacheEntry *e = &cpu->jump_cache[cpu_jump_cache_index(cpu->pc)];
    if (e->pc == cpu->pc && e->tag == cpu->jump_tag)
        return e->tb;
    uint64_t phys_pc;
    if ((*excp = code_phys(cpu, cpu->pc, &phys_pc)) != CPU_EXCP_NONE)
        return NULL;
    TranslatedBlock *tb = tb_cache_lookup(cpu->tbs, cpu->pc, phys_pc, cpu->tb_flags);
    if (tb && page2_still_mapped(cpu, tb)) {
        remember_jit_block(e, tb, cpu->jump_tag);
        return tb;
    }
    uint64_t t0 = host_monotonic_ns();
    IrBlock *ir = tb_cache_scratch_ir(cpu->tbs, cpu->fe->globals);
    if (!ir)
        return NULL;
    translator_translate(cpu, ir, MAX_BLOCK_INSNS);
    if (ir->fetch_failed && cpu->phys) {
        /* (user mode caches it: mapping code there flushes everything) */
        *excp = CPU_EXCP_FETCH_FAULT;
        return NULL;
    }
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
    tb->phys_pc = phys_pc;
    tb->phys_page2 = TB_NO_PAGE2;
    tb->flags = ir->flags;
    tb->guest_size = (uint32_t)ir->guest_size;
    tb->guest_insns = ir->guest_insns;
    if (!compile_block(cpu, ir, tb, flushed)) {
        free(tb);
        return NULL;
    }
    note_code_pages(cpu, tb);
    tb->indexed_by_page = cpu->phys != NULL;
    if (!tb_cache_insert(cpu->tbs, tb))
        cpu_flush_code(cpu);
    /* a flush during compilation cleared the jump cache: e is still its slot */
    remember_jit_block(e, tb, cpu->jump_tag);
    cpu->stats.blocks_translated++;
    cpu->stats.guest_insns_translated += ir->guest_insns;
    cpu->stats.translate_ns += host_monotonic_ns() - t0;
    return tb;
}

/* Runs a JIT block (and whatever it chains to); returns its exit word. */
static uintptr_t run_jit(CpuCommon *cpu, TranslatedBlock *tb, uintptr_t last_exit)
{
    if (last_exit >= JIT_EXIT_SMALLEST_TB) {
        TranslatedBlock *src = (TranslatedBlock *)(last_exit & ~(uintptr_t)1);
        unsigned slot = (unsigned)(last_exit & 1);
        /* a block spanning two pages is checked at each entry from the
         * loop; other blocks of the same mode are chained */
        if (!src->link_to[slot] && src->flags == tb->flags && tb->phys_page2 == TB_NO_PAGE2) {
            tb_link(cpu->tbs, src, slot, tb);
            cpu->stats.chained_jumps += src->link_to[slot] != NULL;
        }
    }
    return jit_enter(tb_cache_jit_existing(cpu->tbs), cpu, tb->jit->entry);
}

int cpu_exec(CpuCommon *cpu)
{
    if (!cpu->tbs) {
        if (!(cpu->tbs = tb_cache_new())) {
            cpu->exception = CPU_EXCP_HALT;
            return CPU_EXCP_HALT;
        }
        cpu_jump_cache_clear(cpu);
    }
    if (cpu->mem) {
        cpu->guest_base = cpu->mem->base;
        cpu->guest_size = cpu->mem->size;
    }
    if (sigsetjmp(cpu->jmp, 0))
        return cpu->exception;
    uintptr_t last_exit = 0;   /* the JIT exit that led here, to chain from */
    for (;;) {
        /* cleared before the flags are read: a request made after this
         * point stops the next block again */
        cpu->leave_code = 0;
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        if (cpu->exit_request) {
            cpu->exit_request = 0;
            cpu->exception = CPU_EXCP_EXIT_REQUEST;
            return CPU_EXCP_EXIT_REQUEST;
        }
        if (cpu->flush_pending) {
            flush_all(cpu);
            cpu->flush_pending = false;
            last_exit = 0;
        }
        if (tb_cache_free_retired(cpu->tbs))
            last_exit = 0;   /* its block may be among them */
        bool flushed = false;
        int excp;
        TranslatedBlock *tb = get_block(cpu, &flushed, &excp);
        if (!tb && excp != CPU_EXCP_NONE) {
            cpu->insn_pc = cpu->pc;
            cpu->exception = excp;
            cpu->exception_aux = cpu->pc;
            return excp;
        }
        if (!tb) {
            fprintf(stderr, "polyvm: out of memory translating code at 0x%" PRIx64 "\n", cpu->pc);
            cpu->exception = CPU_EXCP_HALT;
            return CPU_EXCP_HALT;
        }
        if (flushed)
            last_exit = 0;
        cpu->stats.blocks_executed++;
        if (!tb->jit) {
            last_exit = 0;
            if (interp_exec(cpu, tb->interp) == ENGINE_EXIT_EXCEPTION)
                return cpu->exception;
            continue;
        }
        uint32_t epoch = cpu->jump_epoch;
        uintptr_t r = run_jit(cpu, tb, last_exit);
        if (r == JIT_EXIT_EXCEPTION)
            return cpu->exception;
        cpu->stats.jump_cache_misses += r == JIT_EXIT_LOOKUP_MISS;
        /* No chain from an exit taken after address translation changed
         * (satp, sfence.vma, PMP): the block that changed it would jump
         * straight to code found through the new mapping next time too. */
        last_exit = r >= JIT_EXIT_SMALLEST_TB && cpu->jump_epoch == epoch ? r : 0;
    }
}
