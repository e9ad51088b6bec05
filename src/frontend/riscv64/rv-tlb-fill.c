/*
 * The soft TLB's page walk for a RISC-V hart (FrontendOps.tlb_fill): the
 * Sv39/48/57 walk of rv-mmu-walk over guest-physical memory, then PMP.
 *
 * Page-table entries are read and updated (A/D bits, by compare-and-swap)
 * directly in guest RAM, after a PMP check with S-mode rights as the spec
 * requires for implicit accesses. The rights granted to the page are the
 * walk's intersected with PMP's over the whole 4 KiB page; when a PMP
 * boundary falls inside the page, only this access is checked and the
 * entry is marked uncached, so the next access walks again.
 */
#include "polyvm/phys-map.h"
#include "rv-system.h"

typedef struct PteAccess {
    RvCpu *cpu;
} PteAccess;

static uint64_t *pte_ptr(PteAccess *pa, uint64_t paddr, RvAccess access)
{
    RvPriv *p = rv_priv(pa->cpu);
    if ((paddr & 7) || !rv_pmp_check(&p->pmp, paddr, 8, access, RV_PRIV_S))
        return NULL;
    return phys_map_ram_ptr(pa->cpu->common.phys, paddr, 8, access == RV_ACCESS_WRITE);
}

static bool read_pte(void *opaque, uint64_t paddr, uint64_t *pte)
{
    uint64_t *p = pte_ptr(opaque, paddr, RV_ACCESS_READ);
    if (!p)
        return false;
    *pte = __atomic_load_n(p, __ATOMIC_ACQUIRE);
    return true;
}

static RvPteWrite write_pte(void *opaque, uint64_t paddr, uint64_t old, uint64_t new_pte)
{
    uint64_t *p = pte_ptr(opaque, paddr, RV_ACCESS_WRITE);
    if (!p)
        return RV_PTE_DENIED;
    /* another hart (or the guest itself) may have changed the PTE since the
     * walk read it: then the walk starts over */
    return __atomic_compare_exchange_n(p, &old, new_pte, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)
               ? RV_PTE_WRITTEN
               : RV_PTE_CHANGED;
}

static unsigned guest_prot(unsigned perms)
{
    return ((perms & RV_PERM_R) ? GUEST_PROT_READ : 0) | ((perms & RV_PERM_W) ? GUEST_PROT_WRITE : 0) |
           ((perms & RV_PERM_X) ? GUEST_PROT_EXEC : 0);
}

static int cpu_exception_of(unsigned cause)
{
    switch (cause) {
    case RV_EXC_INSN_PAGE_FAULT: return CPU_EXCP_FETCH_PAGE_FAULT;
    case RV_EXC_LOAD_PAGE_FAULT: return CPU_EXCP_LOAD_PAGE_FAULT;
    case RV_EXC_STORE_PAGE_FAULT: return CPU_EXCP_STORE_PAGE_FAULT;
    case RV_EXC_INSN_ACCESS: return CPU_EXCP_FETCH_FAULT;
    case RV_EXC_LOAD_ACCESS: return CPU_EXCP_LOAD_FAULT;
    default: return CPU_EXCP_STORE_FAULT;
    }
}

int rv_tlb_fill(CpuCommon *common, uint64_t vaddr, TlbAccess access, unsigned mmu_idx, TlbFill *out)
{
    RvCpu *cpu = (RvCpu *)common;
    RvPriv *p = rv_priv(cpu);
    RvAccess ra = access == TLB_READ ? RV_ACCESS_READ : access == TLB_WRITE ? RV_ACCESS_WRITE : RV_ACCESS_EXEC;
    RvWalkRequest req;
    rv_priv_walk_request(p, vaddr, ra, &req);
    /* the block was translated for this index, and blocks run only in
     * their own mode, so the two agree; the index is what the TLB caches */
    req.priv = mmu_idx;
    PteAccess pa = {cpu};
    RvPteMem mem = {&pa, read_pte, write_pte};
    RvWalkResult res;
    if (!rv_mmu_walk(&req, &mem, &res))
        return cpu_exception_of(res.cause);

    uint64_t page = res.paddr & ~(RV_PAGE_SIZE - 1);
    bool uniform;
    unsigned pmp = rv_pmp_range_perms(&p->pmp, page, RV_PAGE_SIZE, req.priv, &uniform);
    out->paddr = res.paddr;
    out->uncached = !uniform;
    if (!uniform) {
        if (!rv_pmp_check(&p->pmp, res.paddr, 1, ra, req.priv))
            return cpu_exception_of(rv_access_fault_cause(ra));
        out->prot = guest_prot(rv_access_perm(ra));
        return CPU_EXCP_NONE;
    }
    /* the walk granted this access, so a refusal here is PMP's */
    unsigned perms = res.perms & pmp;
    if (!(perms & rv_access_perm(ra)))
        return cpu_exception_of(rv_access_fault_cause(ra));
    out->prot = guest_prot(perms);
    return CPU_EXCP_NONE;
}
