/*
 * RISC-V privileged state of one hart (M, S and U modes): the privilege
 * mode, the machine/supervisor CSRs, traps, xRET, and which interrupt to
 * take. Pure state plus functions; it knows nothing of translation blocks
 * or the TLB, and tells its caller what must be flushed instead.
 *
 * Use:
 *   RvPriv p;
 *   rv_priv_init(&p, hartid);               // M-mode, reset values
 *   p.read_time = clint_mtime; p.clock_opaque = clint;
 *
 *   // a Zicsr instruction (csrrs with rs1 = x0 passes write = false)
 *   uint64_t old; unsigned fx = 0;
 *   if (!rv_csr_rmw(&p, csr, RV_CSR_RS, rs1_value, rs1 != 0, &old, &fx))
 *       raise illegal instruction;
 *   if (fx & RV_CSR_FX_TLB) flush the soft TLB;
 *   if (fx & (RV_CSR_FX_IRQ | RV_CSR_FX_STATE)) end the block;
 *
 *   // between blocks, or after RV_CSR_FX_IRQ
 *   int irq = rv_pending_interrupt(&p);
 *   if (irq >= 0) pc = rv_take_trap(&p, irq, true, 0, pc);
 *
 *   // a synchronous exception at pc
 *   pc = rv_take_trap(&p, RV_EXC_LOAD_PAGE_FAULT, false, vaddr, pc);
 *
 * rv_take_trap(), rv_mret() and rv_sret() change p.mode (and mret/sret
 * may clear MPRV): the caller compares the mode before and after to pick
 * the MMU index and the translation flags.
 *
 * Devices drive MSIP, MTIP, MEIP and the external SEIP with
 * rv_priv_set_irq_line(), which may be called from any thread; the caller
 * then kicks the vCPU so it looks at rv_pending_interrupt() again.
 *
 * Implemented: RV64 with misa IMAFDC+S+U, Sstc (stimecmp), 16 PMP entries,
 * satp Bare/Sv39/Sv48/Sv57 with 16 ASID bits, little-endian only, no
 * hardware performance counters (hpmcounters read zero). mstatus.FS is
 * Off or Dirty: any non-zero write stores Dirty, which the spec allows,
 * so the FPU only has to trap while FS is Off.
 */
#ifndef POLYVM_RV_PRIV_H
#define POLYVM_RV_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rv-arch.h"
#include "rv-mmu-walk.h"
#include "rv-pmp.h"

/* mstatus fields (RV64) */
#define RV_MSTATUS_SIE (1ull << 1)
#define RV_MSTATUS_MIE (1ull << 3)
#define RV_MSTATUS_SPIE (1ull << 5)
#define RV_MSTATUS_UBE (1ull << 6)
#define RV_MSTATUS_MPIE (1ull << 7)
#define RV_MSTATUS_SPP (1ull << 8)
#define RV_MSTATUS_VS (3ull << 9)
#define RV_MSTATUS_MPP_SHIFT 11
#define RV_MSTATUS_MPP (3ull << 11)
#define RV_MSTATUS_FS (3ull << 13)
#define RV_MSTATUS_XS (3ull << 15)
#define RV_MSTATUS_MPRV (1ull << 17)
#define RV_MSTATUS_SUM (1ull << 18)
#define RV_MSTATUS_MXR (1ull << 19)
#define RV_MSTATUS_TVM (1ull << 20)
#define RV_MSTATUS_TW (1ull << 21)
#define RV_MSTATUS_TSR (1ull << 22)
#define RV_MSTATUS_UXL (3ull << 32)
#define RV_MSTATUS_SXL (3ull << 34)
#define RV_MSTATUS_SBE (1ull << 36)
#define RV_MSTATUS_MBE (1ull << 37)
#define RV_MSTATUS_SD (1ull << 63)

#define RV_MSTATUS_WRITABLE                                                                   \
    (RV_MSTATUS_SIE | RV_MSTATUS_MIE | RV_MSTATUS_SPIE | RV_MSTATUS_MPIE | RV_MSTATUS_SPP |   \
     RV_MSTATUS_MPP | RV_MSTATUS_FS | RV_MSTATUS_MPRV | RV_MSTATUS_SUM | RV_MSTATUS_MXR |     \
     RV_MSTATUS_TVM | RV_MSTATUS_TW | RV_MSTATUS_TSR)
/* the part of mstatus sstatus shows, and the part S may write */
#define RV_SSTATUS_VISIBLE                                                                    \
    (RV_MSTATUS_SIE | RV_MSTATUS_SPIE | RV_MSTATUS_UBE | RV_MSTATUS_SPP | RV_MSTATUS_VS |     \
     RV_MSTATUS_FS | RV_MSTATUS_XS | RV_MSTATUS_SUM | RV_MSTATUS_MXR | RV_MSTATUS_UXL |       \
     RV_MSTATUS_SD)
#define RV_SSTATUS_WRITABLE                                                                   \
    (RV_MSTATUS_SIE | RV_MSTATUS_SPIE | RV_MSTATUS_SPP | RV_MSTATUS_FS | RV_MSTATUS_SUM |     \
     RV_MSTATUS_MXR)
/* UXL = SXL = 2: U and S run with XLEN 64 */
#define RV_MSTATUS_RESET ((2ull << 32) | (2ull << 34))

/* misa: MXL = 64, extensions by letter */
#define RV_MISA_EXT(letter) (1ull << ((letter) - 'A'))
#define RV_MISA_VALUE                                                                         \
    ((2ull << 62) | RV_MISA_EXT('I') | RV_MISA_EXT('M') | RV_MISA_EXT('A') | RV_MISA_EXT('F') | \
     RV_MISA_EXT('D') | RV_MISA_EXT('C') | RV_MISA_EXT('S') | RV_MISA_EXT('U'))

/* interrupts M handles itself, and those it may delegate to S */
#define RV_M_INTERRUPTS ((uint64_t)(RV_MIP_MSIP | RV_MIP_MTIP | RV_MIP_MEIP))
#define RV_S_INTERRUPTS ((uint64_t)(RV_MIP_SSIP | RV_MIP_STIP | RV_MIP_SEIP))

/* medeleg: exceptions 0-9, 12, 13 and 15; ecall from M (11) never delegates */
#define RV_MEDELEG_WRITABLE 0xb3ffull

/* counter enables/inhibits: CY, TM, IR (no hpmcounters are implemented) */
#define RV_COUNTER_CY (1ull << 0)
#define RV_COUNTER_TM (1ull << 1)
#define RV_COUNTER_IR (1ull << 2)
#define RV_COUNTEREN_WRITABLE (RV_COUNTER_CY | RV_COUNTER_TM | RV_COUNTER_IR)
#define RV_COUNTINHIBIT_WRITABLE (RV_COUNTER_CY | RV_COUNTER_IR)   /* TM does not exist */

/* xenvcfg */
#define RV_ENVCFG_FIOM (1ull << 0)
#define RV_ENVCFG_STCE (1ull << 63)
#define RV_MENVCFG_WRITABLE (RV_ENVCFG_FIOM | RV_ENVCFG_STCE)
#define RV_SENVCFG_WRITABLE RV_ENVCFG_FIOM

/* xEPC bit 0 is always zero (IALIGN = 16 with C) */
#define RV_EPC_WRITABLE (~1ull)

/* xtvec.MODE */
enum { RV_TVEC_DIRECT = 0, RV_TVEC_VECTORED = 1 };

/* The CSR numbers: RV_CSR_<name>, and for arrays the number of the first */
enum {
#define CSR(name, number, kind, mask, fx) RV_CSR_##name = number,
#define CSR_ARRAY(name, number, first, count, kind, mask, fx) RV_CSR_##name = number,
#include "rv-csr.def"
#undef CSR
#undef CSR_ARRAY
};

/* What a CSR write changed, for the caller to act on */
enum {
    RV_CSR_FX_TLB = 1 << 0,    /* address translation or PMP changed: flush the soft TLB */
    RV_CSR_FX_IRQ = 1 << 1,    /* interrupt enables/pending/delegation changed: re-check */
    RV_CSR_FX_STATE = 1 << 2,  /* state translated code depends on (mstatus.FS) changed */
};

typedef enum RvCsrOp { RV_CSR_RW, RV_CSR_RS, RV_CSR_RC } RvCsrOp;

/* A free-running counter the guest can write and inhibit */
typedef struct RvCounter {
    uint64_t offset;   /* value = source + offset while counting */
    uint64_t frozen;   /* value while inhibited */
} RvCounter;

typedef struct RvPriv {
    unsigned mode;          /* RV_PRIV_U, RV_PRIV_S or RV_PRIV_M */
    uint64_t mstatus;       /* sstatus is a view of it */
    uint64_t misa;
    uint64_t medeleg, mideleg;
    uint64_t mie;           /* sie is a view of it */
    uint64_t mip;           /* the software-written bits: SSIP, STIP, SEIP */
    uint64_t irq_lines;     /* device-driven levels (MSIP, MTIP, MEIP, SEIP); atomic */
    uint64_t mtvec, stvec;
    uint64_t mscratch, sscratch;
    uint64_t mepc, sepc;
    uint64_t mcause, scause;
    uint64_t mtval, stval;
    uint64_t satp;
    uint64_t mcounteren, scounteren, mcountinhibit;
    uint64_t menvcfg, senvcfg;
    uint64_t stimecmp;
    uint64_t mhartid, mvendorid, marchid, mimpid;
    RvCounter mcycle, minstret;
    RvPmp pmp;
    unsigned satp_modes;    /* bit per supported satp.MODE (1 << RV_SATP_SV39 ...) */

    /* The time CSR and Sstc read mtime; mcycle/minstret count read_count
     * (retired instructions, or any monotonic count). NULL reads 0. */
    uint64_t (*read_time)(void *opaque);
    uint64_t (*read_count)(void *opaque);
    void *clock_opaque;
} RvPriv;

/* Reset state: M-mode, interrupts off, Bare translation, PMP off. */
void rv_priv_init(RvPriv *p, uint64_t hartid);

/* One CSR access. false: illegal instruction (unknown CSR, too little
 * privilege, write to a read-only CSR, counter or stimecmp not enabled,
 * satp under TVM). Writes OR RV_CSR_FX_* into *fx (fx may be NULL). */
bool rv_csr_read(RvPriv *p, unsigned num, uint64_t *value);
bool rv_csr_write(RvPriv *p, unsigned num, uint64_t value, unsigned *fx);
/* A whole csrrw/csrrs/csrrc: *old gets the value read; write = false for
 * csrrs/csrrc with rs1 = x0 (no write, so read-only CSRs are fine). */
bool rv_csr_rmw(RvPriv *p, unsigned num, RvCsrOp op, uint64_t operand, bool write, uint64_t *old,
                unsigned *fx);
/* "pmpaddr12" for logs; NULL for a number that is not a CSR here */
const char *rv_csr_name(unsigned num, char *buf, size_t size);

/* Enters the trap handler: returns the new pc. cause is the exception or
 * interrupt code (no interrupt bit), tval the value for xtval, pc the pc
 * of the trapping (or, for an interrupt, the next) instruction. */
uint64_t rv_take_trap(RvPriv *p, unsigned cause, bool is_interrupt, uint64_t tval, uint64_t pc);
/* false: illegal instruction (mret outside M; sret in U or under TSR) */
bool rv_mret(RvPriv *p, uint64_t *new_pc);
bool rv_sret(RvPriv *p, uint64_t *new_pc);
/* whether wfi, sfence.vma (and sinval.vma) are legal now */
bool rv_wfi_allowed(const RvPriv *p);
bool rv_sfence_vma_allowed(const RvPriv *p);
/* the ecall cause of the current mode */
unsigned rv_ecall_cause(const RvPriv *p);

/* The interrupt to take before the next instruction, or -1. */
int rv_pending_interrupt(const RvPriv *p);
/* whether wfi should stop waiting: an interrupt is pending and enabled in
 * mie, whatever the global enables and delegation say */
bool rv_wfi_wakeup(const RvPriv *p);
/* the mtime at which the Sstc timer fires, UINT64_MAX if it cannot */
uint64_t rv_stimecmp_deadline(const RvPriv *p);
/* the effective mip: software bits, device lines and the Sstc timer */
uint64_t rv_priv_mip(const RvPriv *p);
/* a device line (one of RV_MIP_MSIP/MTIP/MEIP/SEIP); any thread */
void rv_priv_set_irq_line(RvPriv *p, uint64_t mip_bit, bool level);

/* the privilege loads and stores use: MPP while MPRV is set in M-mode */
unsigned rv_priv_data_mode(const RvPriv *p);
/* fills a walk request for an access by the current mode */
void rv_priv_walk_request(const RvPriv *p, uint64_t vaddr, RvAccess access, RvWalkRequest *req);

#endif
