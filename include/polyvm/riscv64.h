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
} RvCpu;

extern const struct FrontendOps rv64_frontend;

/* Creates a CPU in user mode over mem; NULL on allocation failure. */
RvCpu *rv_cpu_new(GuestMem *mem);
void rv_cpu_free(RvCpu *cpu);

#endif
