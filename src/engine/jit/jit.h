/*
 * The JIT engine as the rest of polyvm sees it: compile an optimized IR
 * block to host code, enter translated code, patch chained exits, and turn
 * a host fault inside translated code into a precise guest fault.
 *
 * Each TbCache owns one JitState (its code buffer and the host entry and
 * exit routines), so a vCPU thread translates and patches without locks.
 * The host back end (host-x86_64/) implements everything declared here;
 * docs/jit.md describes the calling convention, register use, exits and
 * memory-access lowering.
 */
#ifndef POLYVM_JIT_H
#define POLYVM_JIT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/jit/code-buffer.h"
#include "polyvm/engine.h"

/* What translated code returns to cpu_exec(): one of the small codes, or a
 * TranslatedBlock pointer with the goto_tb slot it left by in bit 0. */
enum {
    JIT_EXIT_NOCHAIN = 0,      /* cpu->pc is set; nothing to link */
    JIT_EXIT_EXCEPTION = 2,    /* cpu->exception and friends are set */
    JIT_EXIT_LOOKUP_MISS = 4,  /* an inline jump-cache probe missed */
    JIT_EXIT_SMALLEST_TB = 16,
};

/* A guest register whose current value lives only in a host register at
 * some fault site (translated code does not store it before the access). */
typedef struct JitDirtyGlobal {
    uint32_t offset;           /* in the CPU state */
    uint8_t host_reg;
} JitDirtyGlobal;

/* A guest memory access in translated code that the host may fault on. */
typedef struct JitFaultSite {
    uint32_t host_offset;      /* of the faulting instruction from the block entry */
    uint8_t is_store;
    uint8_t addr_reg;          /* host register holding the guest address ... */
    uint16_t ndirty;           /* JitBlock.dirty[dirty_first ..] to write back */
    uint32_t dirty_first;
    int32_t disp;              /* ... less this displacement */
    uint64_t guest_pc;
} JitFaultSite;

/* The JIT's form of one TranslatedBlock. */
typedef struct JitBlock {
    uintptr_t entry;           /* executable address of the first instruction */
    uint32_t size;             /* host code bytes */
    /* goto_tb slot n: offset of the patchable rel32 and of the unchained
     * exit it starts out pointing at; 0 when the slot is not chainable */
    uint32_t exit_jmp[2];
    uint32_t exit_stub[2];
    /* offset of a branch's rel32 that would land on exit_jmp[n] (a brcond
     * to the slot): patched with it, so a taken branch chains in one jump;
     * 0 when there is none */
    uint32_t exit_jcc[2];
    uint32_t nfaults;
    const JitDirtyGlobal *dirty;   /* after faults[], same allocation */
    JitFaultSite faults[];
} JitBlock;

typedef struct JitState {
    CodeBuffer code;
    uintptr_t enter;           /* uintptr_t enter(CpuCommon *cpu, uintptr_t code) */
    uintptr_t epilogue;        /* translated code jumps here with rax = exit code */
    TranslatedBlock **blocks;  /* in code-address order, for fault lookup */
    uint32_t nblocks, cap_blocks;
} JitState;

typedef enum JitResult {
    JIT_OK,
    JIT_FULL,                  /* code buffer full: flush the cache and retry */
    JIT_UNSUPPORTED,           /* the block runs in the interpreter instead */
    JIT_NOMEM,
} JitResult;

/* Per vCPU thread; only touched pages cost memory. A full buffer flushes
 * the thread's translations. */
#define JIT_CODE_BUFFER_SIZE (64u << 20)

JitState *jit_state_new(void);
void jit_block_free(JitBlock *jb);
void jit_state_free(JitState *js);
/* Drops every block's code (the TbCache frees the blocks themselves). */
void jit_state_reset(JitState *js);
JitResult jit_compile(JitState *js, const IrBlock *ir, TranslatedBlock *tb, bool count_stats);
static inline uintptr_t jit_enter(const JitState *js, CpuCommon *cpu, uintptr_t code)
{
    return ((uintptr_t(*)(CpuCommon *, uintptr_t))js->enter)(cpu, code);
}
/* Points goto_tb slot of src at target (an executable address). */
void jit_patch_exit(JitState *js, TranslatedBlock *src, unsigned slot, uintptr_t target);
/* Restores slot of src to its unchained exit. */
void jit_unpatch_exit(JitState *js, TranslatedBlock *src, unsigned slot);
/* Disassembles a block's host code for `-d out_asm`. */
void jit_log_out_asm(const TranslatedBlock *tb);

/*
 * Called from the host SIGSEGV/SIGBUS handler. If the faulting host PC is
 * an inline guest access in cpu's translated code, records the guest PC,
 * redirects the interrupted context to raise the guest fault once the
 * handler returns, and returns true; otherwise false.
 */
bool jit_host_fault(CpuCommon *cpu, int sig, const siginfo_t *si, void *ucontext);

#endif
