/*
 * The architecture-neutral part of a vCPU and the vCPU loop.
 *
 * Every guest CPU struct (e.g. RvCpu) starts with a CpuCommon, so engines and
 * helpers can treat the CPU pointer as both. cpu_exec() runs translated
 * blocks until a guest exception the engine cannot handle itself (syscall,
 * fault, illegal instruction, breakpoint) and returns it; the caller (user-mode
 * runner, later the system-mode board) handles it and calls cpu_exec() again.
 *
 * Guest faults raised deep inside helpers or memory accessors unwind to the
 * loop with cpu_raise() (siglongjmp); cpu->pc is then the faulting
 * instruction's PC, recovered precisely from the engine's insn_start record.
 */
#ifndef POLYVM_CPU_H
#define POLYVM_CPU_H

#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#include "polyvm/ir.h"
#include "polyvm/mem.h"
#include "polyvm/soft-tlb.h"

/* Architecture-neutral exception numbers; front ends map them to their own. */
#define CPU_EXCEPTIONS(X)                                                    \
    X(NONE, "none")                                                          \
    X(ILLEGAL, "illegal instruction")                                        \
    X(SYSCALL, "system call")                                                \
    X(BREAKPOINT, "breakpoint")                                              \
    X(FETCH_FAULT, "instruction fetch fault")                                \
    X(LOAD_FAULT, "load fault")                                              \
    X(STORE_FAULT, "store fault")                                            \
    X(LOAD_MISALIGNED, "misaligned load")                                    \
    X(STORE_MISALIGNED, "misaligned store")                                  \
    X(FETCH_PAGE_FAULT, "instruction page fault")                           \
    X(LOAD_PAGE_FAULT, "load page fault")                                    \
    X(STORE_PAGE_FAULT, "store page fault")                                  \
    X(HALT, "halt")                                                          \
    X(EXIT_REQUEST, "exit request")
typedef enum CpuException {
#define X(name, text) CPU_EXCP_##name,
    CPU_EXCEPTIONS(X)
#undef X
    CPU_EXCP_COUNT
} CpuException;
const char *cpu_exception_name(int excp);

struct FrontendOps;
struct TbCache;
struct TranslatedBlock;

/* Counters for --stats; the jump-cache hits are counted by translated code
 * itself, and only when --stats asked for them. */
#define CPU_STATS_COUNTERS(X)                                                \
    X(blocks_translated)                                                     \
    X(blocks_executed)          /* blocks entered from the vCPU loop */      \
    X(guest_insns_translated)                                                \
    X(host_code_bytes)                                                       \
    X(translate_ns)                                                          \
    X(chained_jumps)            /* direct exits patched to their successor */ \
    X(jump_cache_hits)                                                       \
    X(jump_cache_misses)
typedef struct CpuStats {
#define X(name) uint64_t name;
    CPU_STATS_COUNTERS(X)
#undef X
    bool count_in_code;            /* translated code counts jump-cache hits */
} CpuStats;

/* Engines a vCPU can run blocks with; X(name, text for --engine) */
#define CPU_ENGINES(X) X(INTERP, "interp") X(JIT, "jit")
typedef enum CpuEngine {
#define X(name, text) CPU_ENGINE_##name,
    CPU_ENGINES(X)
#undef X
    CPU_ENGINE_COUNT
} CpuEngine;
/* The engine new vCPUs use (the --engine option); JIT by default. */
extern CpuEngine cpu_default_engine;
const char *cpu_engine_name(CpuEngine e);
/* -1 if name is no engine */
int cpu_engine_from_name(const char *name);
/* sum += s, counter by counter (several vCPUs) */
void cpu_stats_add(CpuStats *sum, const CpuStats *s);
/* The --stats line: "key value" pairs that bench/run.sh reads by key. */
void cpu_stats_print(FILE *out, const CpuStats *s, CpuEngine engine);

/*
 * Per-vCPU jump cache: guest PC -> host code of its block, probed inline
 * by translated code for indirect jumps and cross-page direct jumps, and
 * by the loop before the hash table. Entries hold executable addresses.
 */
#define CPU_JUMP_CACHE_BITS 15
#define CPU_JUMP_CACHE_SIZE (1u << CPU_JUMP_CACHE_BITS)
typedef struct CpuJumpCacheEntry {
    uint64_t pc;
    uintptr_t code;
    struct TranslatedBlock *tb;
    /* CpuCommon.jump_tag when the entry was made: a hit also needs the
     * same mode and translation epoch (system mode; the entry stays 32
     * bytes so code indexes with a shift) */
    uint64_t tag;
} CpuJumpCacheEntry;
/* an empty entry's pc: no guest jumps to this address */
#define CPU_JUMP_CACHE_EMPTY UINT64_MAX
static inline unsigned cpu_jump_cache_index(uint64_t pc)
{
    return (unsigned)(pc >> 1) & (CPU_JUMP_CACHE_SIZE - 1);
}

typedef struct CpuCommon {
    uint64_t pc;              /* next guest PC to execute */
    uint64_t insn_pc;         /* PC of the guest instruction being executed */
    int32_t exception;        /* CpuException of the last exit */
    bool flush_pending;       /* drop all translations before the next block */
    /* Set from other threads or signal handlers to make cpu_exec() return
     * CPU_EXCP_EXIT_REQUEST at the next block boundary (pending signals,
     * another thread's munmap). Cleared by cpu_exec() when it returns. */
    volatile sig_atomic_t exit_request;
    /* Nonzero: translated code returns to the loop at the next block entry
     * (checked there, so chained code cannot spin past a request). Set with
     * exit_request or flush_pending; cleared by the loop before it looks. */
    volatile int32_t leave_code;
    CpuEngine engine;
    /* Mode bits that translation depends on (privilege, MMU index, FPU on),
     * kept current by the front end; 0 in user mode. Blocks are looked up
     * by (pc, physical pc, tb_flags), and a front-end helper that changes
     * them sets leave_code, so translated code never runs in another mode
     * than the one it was made for. */
    uint32_t tb_flags;
    /* System mode: (jump_epoch << 32) | tb_flags, what jump-cache entries
     * must carry to hit; bumping the epoch empties the jump cache in O(1)
     * (address translation changed). 0 in user mode. */
    uint64_t jump_tag;
    uint32_t jump_epoch;
    uint8_t *guest_base;      /* copies of mem->base/size for translated code */
    uint64_t guest_size;
    uint64_t exception_aux;   /* faulting address or instruction bits */
    GuestMem *mem;            /* user mode: the flat guest range */
    /* System mode (NULL in user mode): the machine's guest-physical map;
     * every access goes through the soft TLB (soft-tlb.h). */
    const struct PhysMap *phys;
    const struct FrontendOps *fe;
    struct TbCache *tbs;
    CpuStats stats;
    sigjmp_buf jmp;
    CpuJumpCacheEntry jump_cache[CPU_JUMP_CACHE_SIZE];
    SoftTlb tlb;              /* system mode */
    uint8_t fetch_mmu_idx;    /* system mode: MMU index of instruction fetches */
    uint64_t code_writes_seen; /* system mode: PhysMap.code_writes at the last barrier */
    /* Interpreter frame: temps of the running block, addressed as offsets
     * from the CPU pointer like globals, so one operand form serves both. */
    uint64_t frame[IR_MAX_TEMPS];
} CpuCommon;

/* The front end's way to change tb_flags: translated code made for other
 * flags leaves at its next block entry. */
static inline void cpu_set_tb_flags(CpuCommon *cpu, uint32_t flags)
{
    if (flags == cpu->tb_flags)
        return;
    cpu->tb_flags = flags;
    cpu->jump_tag = (uint64_t)cpu->jump_epoch << 32 | flags;
    cpu->leave_code = 1;
}

/* Leave the running block with a guest exception at the current insn_pc. */
_Noreturn void cpu_raise(CpuCommon *cpu, int excp, uint64_t aux);

/* Runs until a guest exception; returns it (cpu->pc is the faulting insn). */
int cpu_exec(CpuCommon *cpu);

/* Guest memory accesses used by engines and helpers; faults call cpu_raise. */
uint64_t cpu_ld(CpuCommon *cpu, uint64_t addr, IrMemOp mo, IrType type);
void cpu_st(CpuCommon *cpu, uint64_t addr, uint64_t val, IrMemOp mo);
uint64_t cpu_atomic_rmw(CpuCommon *cpu, uint64_t addr, uint64_t val, IrMemOp mo, IrAtomicOp aop,
                        IrType type);
uint64_t cpu_cmpxchg(CpuCommon *cpu, uint64_t addr, uint64_t expected, uint64_t newv, IrMemOp mo,
                     IrType type);
/* Reads code bytes for translation; false if not executable (no unwinding). */
bool cpu_fetch_code(CpuCommon *cpu, uint64_t addr, void *buf, unsigned len);

/* System mode: drops the translations of one guest-physical page (a write
 * reached it); safe from helpers called by translated code. */
void cpu_invalidate_code_page(CpuCommon *cpu, uint64_t ppage);
/* fence.i and its kind: later instruction fetches see earlier stores. User
 * mode drops every translation; system mode has already dropped those of
 * pages this vCPU wrote, and drops everything only when another writer
 * (DMA, another vCPU) changed code since its last barrier. */
void cpu_instruction_barrier(CpuCommon *cpu);
/* Forgets which block each guest PC leads to (the guest's virtual-to-
 * physical mapping changed); safe from helpers called by translated code. */
void cpu_jump_cache_clear(CpuCommon *cpu);
/* Drops every translated block (self-modifying code, fence.i, unmaps). */
void cpu_flush_code(CpuCommon *cpu);
/* Frees every translation and the JIT's code buffer, outside cpu_exec()
 * (a fork child must not write into the parent's shared code buffer). */
void cpu_drop_translations(CpuCommon *cpu);
/* Async-signal-safe: makes cpu_exec() return at the next block boundary. */
static inline void cpu_request_exit(CpuCommon *cpu)
{
    cpu->exit_request = 1;
    cpu->leave_code = 1;
}

#endif
