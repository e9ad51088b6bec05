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
#include <stdint.h>

#include "polyvm/ir.h"
#include "polyvm/mem.h"

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

typedef struct CpuStats {
    uint64_t blocks_translated;
    uint64_t blocks_executed;
    uint64_t guest_insns_translated;
} CpuStats;

typedef struct CpuCommon {
    uint64_t pc;              /* next guest PC to execute */
    uint64_t insn_pc;         /* PC of the guest instruction being executed */
    int32_t exception;        /* CpuException of the last exit */
    bool flush_pending;       /* drop all translations before the next block */
    /* Set from other threads or signal handlers to make cpu_exec() return
     * CPU_EXCP_EXIT_REQUEST at the next block boundary (pending signals,
     * another thread's munmap). Cleared by cpu_exec() when it returns. */
    volatile sig_atomic_t exit_request;
    uint64_t exception_aux;   /* faulting address or instruction bits */
    GuestMem *mem;
    const struct FrontendOps *fe;
    struct TbCache *tbs;
    CpuStats stats;
    sigjmp_buf jmp;
    /* Interpreter frame: temps of the running block, addressed as offsets
     * from the CPU pointer like globals, so one operand form serves both. */
    uint64_t frame[IR_MAX_TEMPS];
} CpuCommon;

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

/* Drops every translated block (self-modifying code, fence.i, unmaps). */
void cpu_flush_code(CpuCommon *cpu);
/* Async-signal-safe: makes cpu_exec() return at the next block boundary. */
static inline void cpu_request_exit(CpuCommon *cpu) { cpu->exit_request = 1; }

#endif
