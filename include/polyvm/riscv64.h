/*
 * RISC-V64 guest CPU: architectural state and the calls to create one.
 *
 * Use: rv_cpu_new(mem) gives a CPU bound to guest memory; set pc and
 * registers, then cpu_exec(&cpu->common) runs until a guest exception
 * (ecall -> CPU_EXCP_SYSCALL, ebreak -> CPU_EXCP_BREAKPOINT, ...).
 * The front end that translates RV64GC + Zba/Zbb/Zbs lives in
 * src/frontend/riscv64/.
 */
#ifndef POLYVM_RISCV64_H
#define POLYVM_RISCV64_H

#include <stdint.h>

#include "polyvm/cpu.h"
#include "polyvm/device.h"

/* accrued FP exception flags (fflags) */
enum {
    RV_FFLAG_NX = 1 << 0,   /* inexact */
    RV_FFLAG_UF = 1 << 1,   /* underflow */
    RV_FFLAG_OF = 1 << 2,   /* overflow */
    RV_FFLAG_DZ = 1 << 3,   /* divide by zero */
    RV_FFLAG_NV = 1 << 4,   /* invalid */
};

/* rounding modes (frm and the rm field) */
enum { RV_RM_RNE = 0, RV_RM_RTZ = 1, RV_RM_RDN = 2, RV_RM_RUP = 3, RV_RM_RMM = 4, RV_RM_DYN = 7 };

typedef struct RvCpu {
    CpuCommon common;          /* must be first: engines use it as the CPU pointer */
    uint64_t x[32];            /* x[0] is kept 0; the front end never writes it */
    uint64_t f[32];            /* raw 64-bit FP registers; singles are NaN-boxed */
    uint64_t fflags;           /* accrued exception flags, RV_FFLAG_* */
    uint64_t frm;              /* dynamic rounding mode */
    uint64_t reservation_addr; /* LR/SC reservation; UINT64_MAX when none */
    uint64_t reservation_val;
    uint64_t reservation_size;
    /* System mode only (NULL in user mode): privileged state, interrupt
     * lines and the hart's run control (src/frontend/riscv64/rv-system.h). */
    struct RvSystem *sys;
} RvCpu;

extern const struct FrontendOps rv64_frontend;

/* Creates a CPU in user mode over mem; NULL on allocation failure. */
RvCpu *rv_cpu_new(GuestMem *mem);
void rv_cpu_free(RvCpu *cpu);

/*
 * System mode (docs/system-mode.md). A board creates one hart per vCPU over
 * its guest-physical map, wires device interrupt outputs to the hart with
 * rv_cpu_irq_line(), resets it to the reset vector and runs it on its own
 * thread with rv_cpu_run(), which returns only after rv_cpu_stop().
 */
struct PhysMap;
/* A hart in M-mode at reset state; NULL on allocation failure. */
RvCpu *rv_cpu_new_system(const struct PhysMap *phys, uint64_t hartid);
/* Back to reset state (M-mode, pc = reset_pc, translations dropped);
 * only while the hart is not running. */
void rv_cpu_reset(RvCpu *cpu, uint64_t reset_pc);
/* The clock the time CSR and Sstc's stimecmp read: ticks of the board's
 * timebase (the CLINT's mtime). */
void rv_cpu_set_clock(RvCpu *cpu, uint64_t (*read_time)(void *opaque), void *opaque);
/* Ticks per second of that clock (default: the virt board's 10 MHz). */
void rv_cpu_set_timebase(RvCpu *cpu, uint64_t hz);
/* An interrupt wire into the hart for one mip bit (RV_IRQ_LINE_*); a
 * device or interrupt controller calls irq_line_set() on it from any
 * thread, which wakes the hart from WFI and makes it look at the change. */
enum { RV_IRQ_LINE_MSIP = 3, RV_IRQ_LINE_MTIP = 7, RV_IRQ_LINE_SEIP = 9, RV_IRQ_LINE_MEIP = 11 };
IrqLine rv_cpu_irq_line(RvCpu *cpu, unsigned line);
/* Runs guest code (traps, interrupts and WFI handled inside) until
 * rv_cpu_stop(); returns 0, or -1 after printing why the hart cannot go
 * on (host out of memory). */
int rv_cpu_run(RvCpu *cpu);
/* Any thread: makes rv_cpu_run() return soon. */
void rv_cpu_stop(RvCpu *cpu);

#endif
