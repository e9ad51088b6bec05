/*
 * RISC-V privileged-architecture constants shared by the system-mode
 * modules (rv-priv, rv-mmu-walk, rv-pmp): privilege levels, the kinds of
 * memory access, permission bits and the trap cause numbers.
 *
 * Use: the cause tables are X-macros, so rv_exception_name() and
 * rv_interrupt_name() give log text from the same rows as the enums.
 */
#ifndef POLYVM_RV_ARCH_H
#define POLYVM_RV_ARCH_H

#include <stdint.h>

/* privilege levels as encoded in xPP fields and CSR numbers (2 is reserved) */
enum { RV_PRIV_U = 0, RV_PRIV_S = 1, RV_PRIV_M = 3 };

/* the kind of memory access being translated or checked */
typedef enum RvAccess { RV_ACCESS_READ, RV_ACCESS_WRITE, RV_ACCESS_EXEC } RvAccess;

/* permission bits, in the PTE/pmpcfg order so masks line up */
enum { RV_PERM_R = 1 << 0, RV_PERM_W = 1 << 1, RV_PERM_X = 1 << 2 };

static inline unsigned rv_access_perm(RvAccess access)
{
    return access == RV_ACCESS_WRITE ? RV_PERM_W : access == RV_ACCESS_EXEC ? RV_PERM_X : RV_PERM_R;
}

/* X(code, name, text): synchronous exceptions (xcause with bit 63 clear) */
#define RV_EXCEPTIONS(X)                                      \
    X(0, INSN_MISALIGNED, "instruction address misaligned")  \
    X(1, INSN_ACCESS, "instruction access fault")             \
    X(2, ILLEGAL_INSN, "illegal instruction")                 \
    X(3, BREAKPOINT, "breakpoint")                            \
    X(4, LOAD_MISALIGNED, "load address misaligned")          \
    X(5, LOAD_ACCESS, "load access fault")                    \
    X(6, STORE_MISALIGNED, "store/AMO address misaligned")    \
    X(7, STORE_ACCESS, "store/AMO access fault")              \
    X(8, ECALL_U, "environment call from U-mode")             \
    X(9, ECALL_S, "environment call from S-mode")             \
    X(11, ECALL_M, "environment call from M-mode")            \
    X(12, INSN_PAGE_FAULT, "instruction page fault")          \
    X(13, LOAD_PAGE_FAULT, "load page fault")                 \
    X(15, STORE_PAGE_FAULT, "store/AMO page fault")

/* X(code, name, text): interrupts (xcause with bit 63 set); the code is
 * also the bit number in mip/mie */
#define RV_INTERRUPTS(X)                                 \
    X(1, SSI, "supervisor software interrupt")           \
    X(3, MSI, "machine software interrupt")              \
    X(5, STI, "supervisor timer interrupt")              \
    X(7, MTI, "machine timer interrupt")                 \
    X(9, SEI, "supervisor external interrupt")           \
    X(11, MEI, "machine external interrupt")

enum {
#define X(code, name, text) RV_EXC_##name = code,
    RV_EXCEPTIONS(X)
#undef X
};

enum {
#define X(code, name, text) RV_IRQ_##name = code,
    RV_INTERRUPTS(X)
#undef X
};

/* mip/mie bit of each interrupt */
enum {
#define X(code, name, text) RV_MIP_##name##P = 1 << code,
    RV_INTERRUPTS(X)
#undef X
};

#define RV_CAUSE_INTERRUPT (1ull << 63)

/* "?" for an unknown code */
const char *rv_exception_name(unsigned code);
const char *rv_interrupt_name(unsigned code);

/* the page-fault or access-fault cause for an access kind */
static inline unsigned rv_page_fault_cause(RvAccess access)
{
    return access == RV_ACCESS_WRITE  ? RV_EXC_STORE_PAGE_FAULT
           : access == RV_ACCESS_EXEC ? RV_EXC_INSN_PAGE_FAULT
                                      : RV_EXC_LOAD_PAGE_FAULT;
}

static inline unsigned rv_access_fault_cause(RvAccess access)
{
    return access == RV_ACCESS_WRITE  ? RV_EXC_STORE_ACCESS
           : access == RV_ACCESS_EXEC ? RV_EXC_INSN_ACCESS
                                      : RV_EXC_LOAD_ACCESS;
}

#endif
