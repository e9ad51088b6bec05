/*
 * The soft TLB of system mode: per vCPU and per MMU index, a direct-mapped
 * table from guest-virtual page to host address, filled by the guest
 * architecture's page walk and read by every engine's loads and stores.
 *
 * An entry has one page-aligned tag per access kind (read, write, execute)
 * and an addend with host = vaddr + addend for RAM. A tag of all ones never
 * matches (the compare value is always page-aligned, plus at most the
 * alignment bits of the access). TLB_SLOW in a tag also never matches, so
 * pages whose accesses must go through C - MMIO, and writes to RAM pages
 * holding translated code - reach the slow path, which recognises the page
 * by the tag without the flag. The JIT inlines the compare (docs/jit.md);
 * the interpreter and helpers call softmmu_ld/softmmu_st.
 *
 * Use: the board gives each vCPU its PhysMap (cpu->phys) and the front end
 * provides FrontendOps.tlb_fill; engines go through cpu_ld/cpu_st, which
 * come here when cpu->phys is set. Flush on anything that changes address
 * translation (satp writes, sfence.vma, privilege changes that the MMU
 * index does not capture).
 */
#ifndef POLYVM_SOFT_TLB_H
#define POLYVM_SOFT_TLB_H

#include <stdbool.h>
#include <stdint.h>

#define TLB_MMU_COUNT 4
#define TLB_BITS 8
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_PAGE_BITS 12
#define TLB_PAGE_MASK (~(uint64_t)((1u << TLB_PAGE_BITS) - 1))
#define TLB_INVALID UINT64_MAX
/* In a tag: every access of that kind takes the slow path (bit 11 is above
 * any alignment bits a compare value carries and below the page number). */
#define TLB_SLOW (1ull << 11)

typedef enum TlbAccess { TLB_READ, TLB_WRITE, TLB_EXEC } TlbAccess;

typedef struct TlbEntry {
    uint64_t addr_read;
    uint64_t addr_write;
    uint64_t addr_code;
    uintptr_t addend;    /* RAM: host address - guest-virtual address */
} TlbEntry;

struct PhysRegion;

/* What the slow path needs that the fast path does not. */
typedef struct TlbEntryInfo {
    uint64_t paddr;                     /* guest-physical page */
    const struct PhysRegion *region;    /* holds paddr */
    bool uncached;                      /* TlbFill.uncached: drop after one use */
} TlbEntryInfo;

typedef struct SoftTlb {
    TlbEntry e[TLB_MMU_COUNT][TLB_SIZE];
    TlbEntryInfo info[TLB_MMU_COUNT][TLB_SIZE];
    uint64_t fills;
} SoftTlb;

/* The front end's page walk result for one page. */
typedef struct TlbFill {
    uint64_t paddr;       /* guest-physical address of vaddr's page */
    unsigned prot;        /* GUEST_PROT_* this page allows for this MMU index */
    /* the rights differ within the page (a PMP boundary inside it): prot
     * holds for this access only, so the entry serves it and is dropped */
    bool uncached;
} TlbFill;

static inline unsigned tlb_index(uint64_t vaddr) { return (unsigned)(vaddr >> TLB_PAGE_BITS) & (TLB_SIZE - 1); }

void tlb_flush_all(SoftTlb *tlb);
/* Drops the entries for vaddr's page in every MMU index. */
void tlb_flush_page(SoftTlb *tlb, uint64_t vaddr);

#endif
