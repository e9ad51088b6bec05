/*
 * RISC-V page-table walk for satp modes Bare, Sv39, Sv48 and Sv57.
 *
 * Use: on a soft-TLB miss the memory path fills an RvWalkRequest (the
 * rv_priv_walk_request() helper of rv-priv.h does it from the hart state)
 * and calls rv_mmu_walk() with callbacks over guest-physical memory. On
 * success the result gives the physical address, the size of the page
 * (so the TLB can tag the whole page) and every permission this
 * translation grants right now, so one walk fills the R, W and X tags at
 * once. Write permission is granted only once the PTE's D bit is set, so
 * the first store to a clean page walks again and sets D. On failure the
 * result holds the exception cause: a page fault (12/13/15) for the
 * translation itself, an access fault (1/5/7) when reading or updating a
 * PTE failed a PMA/PMP check.
 *
 * The walker never touches memory itself: read_pte loads a PTE and
 * write_pte is a compare-and-swap (store new only if the PTE still holds
 * old), the atomic update of A/D the spec requires when another hart may
 * change the table. When the swap finds a changed PTE the walk starts
 * over. Neither Svnapot nor Svpbmt is implemented, so PTEs using their
 * bits fault like any other reserved encoding.
 */
#ifndef POLYVM_RV_MMU_WALK_H
#define POLYVM_RV_MMU_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "rv-arch.h"

/* satp fields (RV64) */
#define RV_SATP_MODE_SHIFT 60
#define RV_SATP_ASID_SHIFT 44
#define RV_SATP_ASID_MASK 0xffffull
#define RV_SATP_PPN_MASK ((1ull << 44) - 1)
enum { RV_SATP_BARE = 0, RV_SATP_SV39 = 8, RV_SATP_SV48 = 9, RV_SATP_SV57 = 10 };

/* PTE fields */
enum {
    RV_PTE_V = 1 << 0,
    RV_PTE_R = 1 << 1,
    RV_PTE_W = 1 << 2,
    RV_PTE_X = 1 << 3,
    RV_PTE_U = 1 << 4,
    RV_PTE_G = 1 << 5,
    RV_PTE_A = 1 << 6,
    RV_PTE_D = 1 << 7,
};
#define RV_PTE_PPN_SHIFT 10
#define RV_PTE_PPN_BITS 44
#define RV_PTE_RESERVED (0x7full << 54)   /* bits 60:54 */
#define RV_PTE_PBMT (3ull << 61)          /* Svpbmt, not implemented */
#define RV_PTE_N (1ull << 63)             /* Svnapot, not implemented */

#define RV_PAGE_SHIFT 12
#define RV_PAGE_SIZE (1ull << RV_PAGE_SHIFT)

typedef enum RvPteWrite {
    RV_PTE_WRITTEN,   /* the PTE held old and now holds new */
    RV_PTE_CHANGED,   /* the PTE no longer held old; nothing stored */
    RV_PTE_DENIED,    /* the store failed a PMA/PMP check */
} RvPteWrite;

typedef struct RvPteMem {
    void *opaque;
    /* false when the load failed a PMA/PMP check */
    bool (*read_pte)(void *opaque, uint64_t paddr, uint64_t *pte);
    /* atomically: if the PTE at paddr is old, store new_pte */
    RvPteWrite (*write_pte)(void *opaque, uint64_t paddr, uint64_t old, uint64_t new_pte);
} RvPteMem;

typedef struct RvWalkRequest {
    uint64_t satp;
    uint64_t vaddr;
    RvAccess access;
    unsigned priv;      /* effective privilege; RV_PRIV_M is never translated */
    bool sum;           /* mstatus.SUM: S may load/store U pages */
    bool mxr;           /* mstatus.MXR: loads may read execute-only pages */
    bool no_ad_update;  /* fault (Svade) instead of setting A/D in hardware */
} RvWalkRequest;

typedef struct RvWalkResult {
    uint64_t paddr;
    uint64_t page_size;   /* 4K; 2M, 1G, 512G or 256T for superpages */
    unsigned perms;       /* RV_PERM_* this translation grants the request's mode */
    unsigned cause;       /* on failure: RV_EXC_* to raise, with the vaddr as tval */
    uint64_t pte;         /* the leaf PTE (for logs); 0 in Bare mode */
    int level;            /* its level, 0 for a 4K page; -1 in Bare mode */
} RvWalkResult;

/* true: translated; false: res->cause says which fault */
bool rv_mmu_walk(const RvWalkRequest *req, const RvPteMem *mem, RvWalkResult *res);

/* page-table levels of a satp mode: 3, 4, 5; 0 for Bare; -1 if unknown */
int rv_satp_mode_levels(unsigned mode);

#endif
