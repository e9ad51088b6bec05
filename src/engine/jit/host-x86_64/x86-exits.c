/*
 * How translated x86-64 code is entered and left.
 *
 * enter(cpu, code) saves the callee-saved registers, loads rbp = cpu and
 * r15 = guest_base and jumps to the block; every exit loads rax with a
 * JIT_EXIT_* code or a block|slot pair and jumps to the shared epilogue,
 * which returns it to cpu_exec(). Both routines live at the start of the
 * code buffer and survive its resets.
 *
 * Exits: goto_tb to the block's own guest page is a patchable jmp rel32
 * that starts at an exit stub and is later pointed straight at the next
 * block (chaining); goto_tb to another page and exit_indirect probe the
 * vCPU's jump cache inline and jump to the block found there. Each block
 * starts by checking cpu->leave_code, so chained code still returns to the
 * loop for signals, exit requests and flushes.
 */
#include <stdlib.h>
#include <ucontext.h>

#include "engine/jit/host-x86_64/x86-jit.h"

#define CPU_FIELD(field) x86_cpu_mem(offsetof(CpuCommon, field))

static const X86Reg saved_regs[] = {X86_RBP, X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15};
#define NSAVED (sizeof(saved_regs) / sizeof(saved_regs[0]))

bool x86_emit_entry_routines(JitState *js)
{
    JitBuf b;
    code_buffer_begin(&js->code, &b);
    for (unsigned i = 0; i < NSAVED; i++)
        x86_push(&b, saved_regs[i]);
    /* return address + 6 pushes = 56 bytes: 8 more keep rsp 16-aligned at
     * every call translated code makes */
    x86_alu_ri(&b, X86_ALUI_SUB, true, X86_RSP, 8);
    x86_rm(&b, X86_OP_LEA, true, X86_CPU_REG, x86_mem(X86_RDI, X86_CPU_BIAS));
    x86_rm(&b, X86_OP_MOV, true, X86_GUEST_BASE_REG, CPU_FIELD(guest_base));
    x86_jmp_reg(&b, X86_RSI);
    uint8_t *epilogue = b.p;
    x86_alu_ri(&b, X86_ALUI_ADD, true, X86_RSP, 8);
    for (unsigned i = NSAVED; i-- > 0;)
        x86_pop(&b, saved_regs[i]);
    x86_ret(&b);
    if (b.overflow)
        return false;
    js->enter = code_buffer_commit(&js->code, &b);
    js->epilogue = jit_buf_exec_addr(&b, epilogue);
    code_buffer_reserve_prefix(&js->code);
    return true;
}

static void jump_to_epilogue(X86Jit *j)
{
    x86_jmp_abs(&j->b, j->js->epilogue, X86_R11);
}

/* cpu->pc = value of reg; leave with code */
static void leave_with_pc_reg(X86Jit *j, X86Reg pc, uint64_t code)
{
    x86_store(&j->b, 8, CPU_FIELD(pc), pc);
    x86_mov_ri(&j->b, true, X86_RAX, code);
    jump_to_epilogue(j);
}

static void leave_with_pc(X86Jit *j, uint64_t pc, uint64_t code)
{
    x86_mov_ri(&j->b, true, X86_RCX, pc);
    leave_with_pc_reg(j, X86_RCX, code);
}

void x86_emit_block_entry(X86Jit *j)
{
    x86_alu_mi(&j->b, X86_ALUI_CMP, false, CPU_FIELD(leave_code), 0);
    j->entry_jcc = x86_jcc_rel32(&j->b, X86_CC_NE);
}

static bool same_page(uint64_t a, uint64_t b) { return (a >> GUEST_PAGE_BITS) == (b >> GUEST_PAGE_BITS); }

/* Probes the jump cache for the guest PC in `pc` (index in rcx, which must
 * not be pc) and jumps to its code; a miss leaves for the loop. */
static void probe_jump_cache(X86Jit *j, X86Reg pc, X86Reg index)
{
    int32_t base = (int32_t)offsetof(CpuCommon, jump_cache) - X86_CPU_BIAS;
    _Static_assert(sizeof(CpuJumpCacheEntry) == 32, "jump-cache index scaling");
    x86_rr(&j->b, X86_OP_MOV, false, index, pc);
    x86_shift_ri(&j->b, X86_SH_SHR, false, index, 1);
    x86_alu_ri(&j->b, X86_ALUI_AND, false, index, CPU_JUMP_CACHE_SIZE - 1);
    x86_shift_ri(&j->b, X86_SH_SHL, false, index, 5);
    x86_rm(&j->b, X86_OP_CMP, true, pc, x86_mem_idx(X86_CPU_REG, index, base));
    uint8_t *miss = x86_jcc_rel32(&j->b, X86_CC_NE);
    uint8_t *other_mode = NULL;
    if (j->ir->softmmu) {
        /* same mode and translation epoch; every register but the two in
         * use is free at an exit */
        X86Reg tag = pc != X86_RAX && index != X86_RAX ? X86_RAX : pc != X86_RSI && index != X86_RSI ? X86_RSI : X86_RDI;
        x86_rm(&j->b, X86_OP_MOV, true, tag, CPU_FIELD(jump_tag));
        x86_rm(&j->b, X86_OP_CMP, true, tag,
               x86_mem_idx(X86_CPU_REG, index, base + (int32_t)offsetof(CpuJumpCacheEntry, tag)));
        other_mode = x86_jcc_rel32(&j->b, X86_CC_NE);
    }
    if (j->count_stats)
        x86_alu_mi(&j->b, X86_ALUI_ADD, true, CPU_FIELD(stats.jump_cache_hits), 1);
    x86_jmp_mem(&j->b, x86_mem_idx(X86_CPU_REG, index, base + (int32_t)offsetof(CpuJumpCacheEntry, code)));
    x86_patch_rel32(&j->b, miss, jit_buf_exec_addr(&j->b, j->b.p));
    if (other_mode)
        x86_patch_rel32(&j->b, other_mode, jit_buf_exec_addr(&j->b, j->b.p));
    leave_with_pc_reg(j, pc, JIT_EXIT_LOOKUP_MISS);
}

void x86_emit_goto_tb(X86Jit *j, unsigned slot, uint64_t target)
{
    x86_sync_globals(j);
    if (slot < 2 && same_page(target, j->tb->pc) && !j->exit_jmp[slot]) {
        uint8_t *jmp = x86_jmp_rel32(&j->b);
        uint8_t *stub = j->b.p;
        x86_patch_rel32(&j->b, jmp, jit_buf_exec_addr(&j->b, stub));
        j->exit_jmp[slot] = jmp;
        j->exit_stub[slot] = stub;
        leave_with_pc(j, target, (uintptr_t)j->tb | slot);
        return;
    }
    /* a direct jump to another page cannot be chained (pages are the unit
     * of invalidation); the jump cache gets almost all of the speed back */
    x86_mov_ri(&j->b, true, X86_RDX, target);
    probe_jump_cache(j, X86_RDX, X86_RCX);
}

void x86_emit_loop_back(X86Jit *j)
{
    /* the loop head expects unpinned globals at home, pinned ones in place */
    uint8_t *start = j->b.p;
    x86_sync_unpinned(j);
    /* Nothing to store and a label right here (a brcond's target): the
     * label is the head itself, so the branch jumps there directly. */
    if (j->b.p == start && j->label_pos[j->last_label] == start)
        j->label_pos[j->last_label] = j->loop_head;
    uint8_t *again = x86_jmp_rel32(&j->b);
    x86_patch_rel32(&j->b, again, jit_buf_exec_addr(&j->b, j->loop_head));
}

void x86_emit_exit_indirect(X86Jit *j, IrTemp target)
{
    x86_sync_globals(j);
    X86Reg pc = x86_use(j, target, 0);
    probe_jump_cache(j, pc, pc == X86_RCX ? X86_RDX : X86_RCX);
}

void x86_emit_raise(X86Jit *j, uint32_t excp, uint64_t aux)
{
    x86_sync_globals(j);
    x86_mov_ri(&j->b, true, X86_RCX, j->insn_pc);
    x86_store(&j->b, 8, CPU_FIELD(pc), X86_RCX);
    x86_store(&j->b, 8, CPU_FIELD(insn_pc), X86_RCX);
    x86_store_imm(&j->b, 4, CPU_FIELD(exception), (int32_t)excp);
    x86_mov_ri(&j->b, true, X86_RCX, aux);
    x86_store(&j->b, 8, CPU_FIELD(exception_aux), X86_RCX);
    x86_mov_ri(&j->b, true, X86_RAX, JIT_EXIT_EXCEPTION);
    jump_to_epilogue(j);
}

/* Entered from translated code (address check failed) or from the host
 * fault handler (the host refused the access): the guest state is already
 * in the CPU, as before any access. */
_Noreturn void jit_raise_access_fault(CpuCommon *cpu, uint64_t addr, uint64_t pc, uint64_t is_store)
{
    cpu->insn_pc = pc;
    cpu_raise(cpu, is_store ? CPU_EXCP_STORE_FAULT : CPU_EXCP_LOAD_FAULT, addr);
}

void x86_emit_entry_stub(X86Jit *j)
{
    x86_patch_rel32(&j->b, j->entry_jcc, jit_buf_exec_addr(&j->b, j->b.p));
    leave_with_pc(j, j->tb->pc, JIT_EXIT_NOCHAIN);
}

/* ---- chaining ---- */

void jit_patch_exit(JitState *js, TranslatedBlock *src, unsigned slot, uintptr_t target)
{
    JitBlock *jb = src->jit;
    JitBuf b;
    jit_buf_init(&b, js->code.rw, js->code.size, (uintptr_t)js->code.rx - (uintptr_t)js->code.rw);
    x86_patch_rel32(&b, code_buffer_rw(&js->code, jb->entry + jb->exit_jmp[slot]), target);
    if (jb->exit_jcc[slot])
        x86_patch_rel32(&b, code_buffer_rw(&js->code, jb->entry + jb->exit_jcc[slot]), target);
}

void jit_unpatch_exit(JitState *js, TranslatedBlock *src, unsigned slot)
{
    jit_patch_exit(js, src, slot, src->jit->entry + src->jit->exit_stub[slot]);
}

/* ---- host faults ---- */

static TranslatedBlock *block_at(const JitState *js, uintptr_t host_pc)
{
    uint32_t lo = 0, hi = js->nblocks;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const JitBlock *jb = js->blocks[mid]->jit;
        if (host_pc < jb->entry)
            hi = mid;
        else if (host_pc >= jb->entry + jb->size)
            lo = mid + 1;
        else
            return js->blocks[mid];
    }
    return NULL;
}

/* mcontext index of each host register */
static const int greg_index[16] = {
    REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
    REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

bool jit_host_fault(CpuCommon *cpu, int sig, const siginfo_t *si, void *ucontext)
{
    (void)si;
    if (sig != SIGSEGV && sig != SIGBUS)
        return false;
    const JitState *js = cpu->tbs ? tb_cache_jit_existing(cpu->tbs) : NULL;
    if (!js)
        return false;
    greg_t *gregs = ((ucontext_t *)ucontext)->uc_mcontext.gregs;
    uintptr_t host_pc = (uintptr_t)gregs[REG_RIP];
    if (!code_buffer_contains(&js->code, host_pc))
        return false;
    const TranslatedBlock *tb = block_at(js, host_pc);
    if (!tb)
        return false;
    const JitBlock *jb = tb->jit;
    uint32_t off = (uint32_t)(host_pc - jb->entry);
    for (uint32_t i = 0; i < jb->nfaults; i++) {
        const JitFaultSite *f = &jb->faults[i];
        if (f->host_offset != off)
            continue;
        /* the guest registers translated code had not stored yet */
        for (uint32_t k = f->dirty_first; k < f->dirty_first + f->ndirty; k++)
            *(uint64_t *)((char *)cpu + jb->dirty[k].offset) = (uint64_t)gregs[greg_index[jb->dirty[k].host_reg]];
        /* Resume in jit_raise_access_fault as if translated code had
         * called it: arguments in registers, rsp as after a call (the
         * slot below rsp is in the red zone the kernel leaves alone). */
        greg_t guest_addr = gregs[greg_index[f->addr_reg]] + f->disp;   /* before rdi/rsi change */
        gregs[REG_RDI] = (greg_t)(uintptr_t)cpu;
        gregs[REG_RSI] = guest_addr;
        gregs[REG_RDX] = (greg_t)f->guest_pc;
        gregs[REG_RCX] = f->is_store;
        gregs[REG_RSP] -= 8;
        gregs[REG_RIP] = (greg_t)(uintptr_t)jit_raise_access_fault;
        return true;
    }
    return false;
}
