/*
 * System-mode guest accesses through the soft TLB (polyvm/soft-tlb.h): the
 * lookup and fill shared by every engine's slow path, MMIO dispatch, and
 * the marks on RAM pages holding translated code, whose writes must
 * invalidate that code.
 *
 * softmmu_translate() is what cpu_ld/cpu_st/atomics call in system mode:
 * it gives a host pointer for RAM, or tells the caller the access is MMIO
 * (region and physical address), or raises the guest fault. Accesses that
 * cross a page are split by the callers (guest-access.c), so here an
 * access always lies within one page.
 */
#include <stdlib.h>
#include <string.h>

#include "polyvm/frontend.h"
#include "polyvm/phys-map.h"
#include "polyvm/soft-tlb.h"
#include "mem/softmmu.h"

void tlb_flush_all(SoftTlb *tlb)
{
    memset(tlb->e, 0xff, sizeof(tlb->e));
    memset(tlb->info, 0, sizeof(tlb->info));
}

void tlb_flush_page(SoftTlb *tlb, uint64_t vaddr)
{
    unsigned i = tlb_index(vaddr);
    uint64_t page = vaddr & TLB_PAGE_MASK;
    for (unsigned m = 0; m < TLB_MMU_COUNT; m++) {
        TlbEntry *e = &tlb->e[m][i];
        if (((e->addr_read & ~TLB_SLOW) == page) || ((e->addr_write & ~TLB_SLOW) == page) ||
            ((e->addr_code & ~TLB_SLOW) == page))
            memset(e, 0xff, sizeof(*e));
    }
}

static uint64_t tag_of(const TlbEntry *e, TlbAccess access)
{
    switch (access) {
    case TLB_READ: return e->addr_read;
    case TLB_WRITE: return e->addr_write;
    default: return e->addr_code;
    }
}

static uint8_t *code_map_of(const PhysRegion *r)
{
    if (r->kind != PHYS_RAM)
        return NULL;
    if (!r->code_map) {
        /* The map is per machine, filled by whichever vCPU translates
         * first; a lost race allocates twice and leaks one map, which the
         * atomic compare-and-swap below prevents. */
        uint8_t *m = calloc(r->size >> TLB_PAGE_BITS, 1);
        uint8_t *expected = NULL;
        if (m && !__atomic_compare_exchange_n((uint8_t **)&((PhysRegion *)r)->code_map, &expected, m, false,
                                              __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            free(m);
    }
    return r->code_map;
}

static bool page_has_code(const PhysRegion *r, uint64_t paddr)
{
    const uint8_t *m = r->kind == PHYS_RAM ? r->code_map : NULL;
    return m && __atomic_load_n(&m[(paddr - r->base) >> TLB_PAGE_BITS], __ATOMIC_ACQUIRE);
}

/* Fills the entry for vaddr's page: every access kind the page allows gets
 * its tag; writes to code pages and all MMIO get TLB_SLOW. */
static int fill(CpuCommon *cpu, uint64_t vaddr, TlbAccess access, unsigned mmu, TlbEntry *e,
                TlbEntryInfo *info)
{
    TlbFill f = {0};   /* optional fields default to off */
    int excp = cpu->fe->tlb_fill(cpu, vaddr, access, mmu, &f);
    if (excp != CPU_EXCP_NONE)
        return excp;
    uint64_t page = vaddr & TLB_PAGE_MASK;
    uint64_t ppage = f.paddr & TLB_PAGE_MASK;
    const PhysRegion *r = phys_map_find(cpu->phys, ppage);
    static const int access_fault[] = {CPU_EXCP_LOAD_FAULT, CPU_EXCP_STORE_FAULT, CPU_EXCP_FETCH_FAULT};
    if (!r || (access == TLB_EXEC && r->kind == PHYS_MMIO) || (access == TLB_WRITE && r->kind == PHYS_ROM))
        return access_fault[access];
    bool mmio = r->kind == PHYS_MMIO;
    uint64_t slow = mmio ? TLB_SLOW : 0;
    e->addr_read = (f.prot & GUEST_PROT_READ) ? page | slow : TLB_INVALID;
    e->addr_write = (f.prot & GUEST_PROT_WRITE) && r->kind != PHYS_ROM
                        ? page | slow | (page_has_code(r, ppage) ? TLB_SLOW : 0)
                        : TLB_INVALID;
    e->addr_code = (f.prot & GUEST_PROT_EXEC) && !mmio ? page : TLB_INVALID;
    e->addend = mmio ? 0 : (uintptr_t)(r->host + (ppage - r->base)) - (uintptr_t)page;
    info->paddr = ppage;
    info->region = r;
    info->uncached = f.uncached;
    cpu->tlb.fills++;
    /* a walk that grants the page but not this access is an access fault */
    return tag_of(e, access) == TLB_INVALID ? access_fault[access] : CPU_EXCP_NONE;
}

/* An entry valid for one access only goes once that access has its address. */
static void drop_if_uncached(TlbEntry *e, TlbEntryInfo *info)
{
    if (info->uncached) {
        memset(e, 0xff, sizeof(*e));
        info->uncached = false;
    }
}

static int lookup(CpuCommon *cpu, uint64_t vaddr, TlbAccess access, unsigned mmu, TlbEntry **ep,
                  TlbEntryInfo **infop)
{
    unsigned i = tlb_index(vaddr);
    mmu &= TLB_MMU_COUNT - 1;
    TlbEntry *e = &cpu->tlb.e[mmu][i];
    TlbEntryInfo *info = &cpu->tlb.info[mmu][i];
    *ep = e;
    *infop = info;
    uint64_t tag = tag_of(e, access);
    if (tag != TLB_INVALID && (tag & ~TLB_SLOW) == (vaddr & TLB_PAGE_MASK))
        return CPU_EXCP_NONE;
    return fill(cpu, vaddr, access, mmu, e, info);
}

uint8_t *softmmu_translate(CpuCommon *cpu, uint64_t vaddr, TlbAccess access, unsigned mmu, SoftmmuMmio *mmio)
{
    TlbEntry *e;
    TlbEntryInfo *info;
    int excp = lookup(cpu, vaddr, access, mmu, &e, &info);
    if (excp != CPU_EXCP_NONE)
        cpu_raise(cpu, excp, vaddr);
    const PhysRegion *r = info->region;
    uint64_t paddr = info->paddr | (vaddr & ~TLB_PAGE_MASK);
    uint8_t *host = (uint8_t *)(uintptr_t)(vaddr + e->addend);
    bool code_write = access == TLB_WRITE && (e->addr_write & TLB_SLOW);
    drop_if_uncached(e, info);
    if (r->kind == PHYS_MMIO) {
        mmio->region = r;
        mmio->offset = paddr - r->base;
        return NULL;
    }
    if (code_write)
        softmmu_code_written(cpu, r, paddr);
    return host;
}

bool softmmu_fetch(CpuCommon *cpu, uint64_t vaddr, unsigned mmu, void *buf, unsigned len, uint64_t *paddr)
{
    /* callers keep [vaddr, vaddr+len) within one page */
    TlbEntry *e;
    TlbEntryInfo *info;
    if (lookup(cpu, vaddr, TLB_EXEC, mmu, &e, &info) != CPU_EXCP_NONE)
        return false;
    memcpy(buf, (const void *)(uintptr_t)(vaddr + e->addend), len);
    if (paddr)
        *paddr = info->paddr | (vaddr & ~TLB_PAGE_MASK);
    drop_if_uncached(e, info);
    return true;
}

int softmmu_code_phys(CpuCommon *cpu, uint64_t vaddr, unsigned mmu, uint64_t *paddr)
{
    TlbEntry *e;
    TlbEntryInfo *info;
    int excp = lookup(cpu, vaddr, TLB_EXEC, mmu, &e, &info);
    if (excp == CPU_EXCP_NONE) {
        *paddr = info->paddr | (vaddr & ~TLB_PAGE_MASK);
        drop_if_uncached(e, info);
    }
    return excp;
}

int softmmu_fetch_fault(CpuCommon *cpu, uint64_t vaddr, unsigned mmu)
{
    uint64_t paddr;
    return softmmu_code_phys(cpu, vaddr, mmu, &paddr);
}

/* Sets or clears TLB_SLOW on the write tags of this vCPU's entries for one
 * RAM page (MMIO entries keep theirs). */
static void set_write_slow(CpuCommon *cpu, const PhysRegion *r, uint64_t ppage, bool slow)
{
    for (unsigned m = 0; m < TLB_MMU_COUNT; m++)
        for (unsigned i = 0; i < TLB_SIZE; i++) {
            uint64_t *tag = &cpu->tlb.e[m][i].addr_write;
            if (cpu->tlb.info[m][i].region != r || cpu->tlb.info[m][i].paddr != ppage || *tag == TLB_INVALID)
                continue;
            *tag = slow ? *tag | TLB_SLOW : *tag & ~TLB_SLOW;
        }
}

void softmmu_mark_code(CpuCommon *cpu, uint64_t paddr)
{
    const PhysRegion *r = phys_map_find(cpu->phys, paddr);
    uint8_t *m = r ? code_map_of(r) : NULL;
    if (!m)
        return;
    uint8_t *mark = &m[(paddr - r->base) >> TLB_PAGE_BITS];
    if (__atomic_load_n(mark, __ATOMIC_ACQUIRE))
        return;
    __atomic_store_n(mark, 1, __ATOMIC_RELEASE);
    /* Entries that already let writes to this page through lose that. */
    set_write_slow(cpu, r, paddr & TLB_PAGE_MASK, true);
}

void softmmu_code_written(CpuCommon *cpu, const PhysRegion *r, uint64_t paddr)
{
    uint8_t *m = r->code_map;
    if (m)
        __atomic_store_n(&m[(paddr - r->base) >> TLB_PAGE_BITS], 0, __ATOMIC_RELEASE);
    set_write_slow(cpu, r, paddr & TLB_PAGE_MASK, false);
    /* this vCPU's blocks of the page go now; others learn at their next
     * instruction barrier, which the guest must issue anyway */
    cpu_invalidate_code_page(cpu, paddr);
    __atomic_add_fetch(&((PhysMap *)cpu->phys)->code_writes, 1, __ATOMIC_ACQ_REL);
    cpu->code_writes_seen++;
}

void cpu_instruction_barrier(CpuCommon *cpu)
{
    if (!cpu->phys) {
        cpu_flush_code(cpu);
        return;
    }
    uint64_t now = __atomic_load_n(&cpu->phys->code_writes, __ATOMIC_ACQUIRE);
    if (now != cpu->code_writes_seen) {
        cpu->code_writes_seen = now;
        cpu_flush_code(cpu);
    }
}
