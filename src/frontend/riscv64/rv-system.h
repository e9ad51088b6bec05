/*
 * System-mode state of one RISC-V hart and the glue between the privileged
 * architecture (rv-priv), the soft MMU and the vCPU loop: what translated
 * code calls for privileged instructions, how traps are delivered, and how
 * the hart sleeps in WFI and is woken by interrupt lines.
 *
 * Use: rv_cpu_new_system() (riscv64.h) allocates an RvSystem for the CPU;
 * the trans functions of privileged instructions call the helpers in
 * rv-sys-helpers.c; rv_cpu_run() (rv-system.c) is the hart's loop.
 *
 * Translation depends on the mode through CpuCommon.tb_flags (RV_TBF_*):
 * every change of privilege, data MMU index (MPRV) or FPU state goes through
 * rv_sys_mode_changed(), which sets leave_code so no block keeps running in
 * a mode it was not translated for.
 */
#ifndef POLYVM_RV_SYSTEM_H
#define POLYVM_RV_SYSTEM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "polyvm/riscv64.h"
#include "rv-priv.h"

/* CpuCommon.tb_flags of a RISC-V hart: fetch privilege (also the MMU index
 * of fetches), the privilege loads and stores use (their MMU index; differs
 * under MPRV), and whether the FPU is off (mstatus.FS = Off). */
#define RV_TBF_DATA_SHIFT 2
#define RV_TBF_DATA_MASK (3u << RV_TBF_DATA_SHIFT)
#define RV_TBF_FS_OFF (1u << 4)
/* set in every system-mode flag word, so no system block matches a
 * user-mode one (whose flags are 0) */
#define RV_TBF_SYSTEM (1u << 5)

typedef struct RvSystem {
    RvPriv priv;
    uint64_t hartid;
    uint64_t timebase_hz;        /* ticks per second of read_time */
    /* WFI sleep and stop requests: the hart waits on `wake` under `lock`;
     * interrupt lines and rv_cpu_stop() signal it. */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    volatile int stop;
    bool in_wfi;                 /* the hart executed wfi and waits */
    /* Sstc: a thread that kicks the hart when time reaches stimecmp, since
     * nothing else notices time passing while guest code runs. */
    pthread_t timer_thread;
    bool timer_running;
    bool timer_quit;
    pthread_cond_t timer_wake;
    /* the stimecmp deadline (rv_stimecmp_deadline) the timer thread waits
     * for; the hart updates it under the lock only when it changes, since
     * interrupt-enable writes (very frequent) must not wake the thread */
    uint64_t timer_cmp;
} RvSystem;

static inline RvPriv *rv_priv(RvCpu *cpu) { return &cpu->sys->priv; }

/* Recomputes tb_flags and the fetch MMU index after the mode, MPRV/MPP or
 * FS may have changed; a change makes translated code return to the loop. */
void rv_sys_mode_changed(RvCpu *cpu);
/* Acts on what a CSR write or xRET reported (RV_CSR_FX_*): flushes the
 * soft TLB and jump cache, updates the mode, asks the loop to look at
 * interrupts and wakes the Sstc timer thread. */
void rv_sys_after_change(RvCpu *cpu, unsigned fx);
/* Enters the trap handler for cause (exception or interrupt) at pc. */
void rv_sys_trap(RvCpu *cpu, unsigned cause, bool is_interrupt, uint64_t tval, uint64_t pc);

/* The helpers translated privileged instructions call (rv-sys-helpers.c). */
extern const IrHelper rv_helper_csr;
extern const IrHelper rv_helper_mret;
extern const IrHelper rv_helper_sret;
extern const IrHelper rv_helper_wfi;
extern const IrHelper rv_helper_sfence_vma;
/* packs the constant operands of rv_helper_csr */
static inline uint64_t rv_csr_helper_desc(unsigned csr, RvCsrOp op, bool write, uint32_t opcode)
{
    return (uint64_t)csr | (uint64_t)op << 12 | (uint64_t)write << 14 | (uint64_t)opcode << 32;
}

/* Frees the system-mode state (rv_cpu_free() calls it). */
void rv_cpu_free_system(RvCpu *cpu);

/* The page walk for the soft TLB (rv-tlb-fill.c), FrontendOps.tlb_fill. */
int rv_tlb_fill(CpuCommon *cpu, uint64_t vaddr, TlbAccess access, unsigned mmu_idx, TlbFill *out);

#endif
