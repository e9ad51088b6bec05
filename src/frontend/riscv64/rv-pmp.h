/*
 * RISC-V physical memory protection (PMP): the pmpcfg/pmpaddr state of one
 * hart and the check every physical access (including page-table reads)
 * must pass.
 *
 * Use: rv-priv.c routes the pmpcfg0..15 and pmpaddr0..63 CSRs here with
 * rv_pmp_read_cfg()/rv_pmp_write_cfg() and friends. The memory path calls
 * rv_pmp_check() for one access, or rv_pmp_range_perms() when it fills a
 * TLB entry: when the whole page is governed by one entry (or none), the
 * permissions it returns can be cached with the page; otherwise the TLB
 * must not cache the page and each access is checked on its own.
 *
 * RV_PMP_ENTRIES entries are implemented, with a granularity of 4 bytes
 * (G=0) and a 56-bit physical address space; the CSRs of entries past the
 * implemented ones read as zero and ignore writes. Since entries exist,
 * an S/U access that matches no entry fails; an M access that matches
 * none succeeds; M is bound by an entry only when it is locked.
 */
#ifndef POLYVM_RV_PMP_H
#define POLYVM_RV_PMP_H

#include <stdbool.h>
#include <stdint.h>

#include "rv-arch.h"

#define RV_PMP_ENTRIES 16
#define RV_PMP_CSR_ADDRS 64   /* pmpaddr0..63 exist as CSRs */
#define RV_PMP_CSR_CFGS 16    /* pmpcfg0..15; only the even ones in RV64 */

/* pmpcfg byte fields */
enum {
    RV_PMP_R = 1 << 0,
    RV_PMP_W = 1 << 1,
    RV_PMP_X = 1 << 2,
    RV_PMP_A_SHIFT = 3,
    RV_PMP_A_MASK = 3 << 3,
    RV_PMP_L = 1 << 7,
};
/* address-matching modes (pmpcfg.A) */
enum { RV_PMP_OFF = 0, RV_PMP_TOR = 1, RV_PMP_NA4 = 2, RV_PMP_NAPOT = 3 };

/* pmpaddr holds bits 55:2 of an address */
#define RV_PMP_ADDR_MASK ((1ull << 54) - 1)

typedef struct RvPmp {
    uint8_t cfg[RV_PMP_ENTRIES];
    uint64_t addr[RV_PMP_ENTRIES];
} RvPmp;

void rv_pmp_reset(RvPmp *pmp);

/* pmpcfg<n>: n must be even (odd ones do not exist in RV64; the caller
 * raises illegal instruction for them). Writes return true when any entry
 * changed, so the caller can flush cached translations. */
uint64_t rv_pmp_read_cfg(const RvPmp *pmp, unsigned n);
bool rv_pmp_write_cfg(RvPmp *pmp, unsigned n, uint64_t value);
uint64_t rv_pmp_read_addr(const RvPmp *pmp, unsigned n);
bool rv_pmp_write_addr(RvPmp *pmp, unsigned n, uint64_t value);

/* Whether an access of size bytes at addr with effective privilege priv
 * is allowed; false is an access fault. */
bool rv_pmp_check(const RvPmp *pmp, uint64_t addr, unsigned size, RvAccess access, unsigned priv);

/* The RV_PERM_* rights priv has over all of [base, base + size). When
 * the range is only partly covered by the entry that decides it, sets
 * *uniform to false and returns 0: the caller must not cache the range
 * and checks each access with rv_pmp_check() instead. */
unsigned rv_pmp_range_perms(const RvPmp *pmp, uint64_t base, uint64_t size, unsigned priv,
                            bool *uniform);

#endif
