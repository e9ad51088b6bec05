/*
 * The Sv39/Sv48/Sv57 translation process; see rv-mmu-walk.h for the
 * interface. The three modes differ only in the number of levels: each
 * level indexes 9 bits of the virtual page number with 8-byte PTEs, and a
 * leaf found at level i maps a page of 4K << (9 * i) bytes.
 */
#include "rv-mmu-walk.h"

#define VPN_BITS 9
#define PTE_SIZE 8

int rv_satp_mode_levels(unsigned mode)
{
    switch (mode) {
    case RV_SATP_BARE: return 0;
    case RV_SATP_SV39: return 3;
    case RV_SATP_SV48: return 4;
    case RV_SATP_SV57: return 5;
    default: return -1;
    }
}

static bool fail(RvWalkResult *res, unsigned cause)
{
    res->cause = cause;
    return false;
}

/* bits 63..va_bits-1 must all equal bit va_bits-1 */
static bool va_canonical(uint64_t va, unsigned va_bits)
{
    int64_t shifted = (int64_t)(va << (64 - va_bits)) >> (64 - va_bits);
    return (uint64_t)shifted == va;
}

static uint64_t pte_ppn(uint64_t pte)
{
    return (pte >> RV_PTE_PPN_SHIFT) & ((1ull << RV_PTE_PPN_BITS) - 1);
}

/* What a leaf grants to priv under SUM/MXR, before A/D are considered. */
static unsigned leaf_perms(uint64_t pte, const RvWalkRequest *req)
{
    unsigned perms = 0;
    if ((pte & RV_PTE_R) || (req->mxr && (pte & RV_PTE_X)))
        perms |= RV_PERM_R;
    if (pte & RV_PTE_W)
        perms |= RV_PERM_W;
    if (pte & RV_PTE_X)
        perms |= RV_PERM_X;

    if (req->priv == RV_PRIV_U)
        return (pte & RV_PTE_U) ? perms : 0;
    if (pte & RV_PTE_U) {
        /* S never executes user pages; it reads and writes them only with SUM */
        return req->sum ? perms & (RV_PERM_R | RV_PERM_W) : 0;
    }
    return perms;
}

/* the A/D bits this access needs set in the leaf */
static uint64_t needed_ad(RvAccess access)
{
    return access == RV_ACCESS_WRITE ? RV_PTE_A | RV_PTE_D : RV_PTE_A;
}

bool rv_mmu_walk(const RvWalkRequest *req, const RvPteMem *mem, RvWalkResult *res)
{
    unsigned mode = (unsigned)(req->satp >> RV_SATP_MODE_SHIFT);
    int levels = rv_satp_mode_levels(mode);
    unsigned page_fault = rv_page_fault_cause(req->access);
    unsigned access_fault = rv_access_fault_cause(req->access);

    res->pte = 0;
    res->level = -1;
    if (levels == 0 || req->priv == RV_PRIV_M) {
        res->paddr = req->vaddr;
        res->page_size = RV_PAGE_SIZE;
        res->perms = RV_PERM_R | RV_PERM_W | RV_PERM_X;
        return true;
    }
    /* rv-priv never stores an unsupported mode; treat one as a fault */
    if (levels < 0)
        return fail(res, page_fault);

    unsigned va_bits = RV_PAGE_SHIFT + VPN_BITS * (unsigned)levels;
    if (!va_canonical(req->vaddr, va_bits))
        return fail(res, page_fault);

restart:;
    uint64_t table = (req->satp & RV_SATP_PPN_MASK) << RV_PAGE_SHIFT;
    for (int i = levels - 1; i >= 0; i--) {
        unsigned shift = RV_PAGE_SHIFT + VPN_BITS * (unsigned)i;
        uint64_t vpn = (req->vaddr >> shift) & ((1u << VPN_BITS) - 1);
        uint64_t pte_addr = table + vpn * PTE_SIZE;
        uint64_t pte;
        if (!mem->read_pte(mem->opaque, pte_addr, &pte))
            return fail(res, access_fault);

        if (!(pte & RV_PTE_V) || (pte & (RV_PTE_R | RV_PTE_W)) == RV_PTE_W)
            return fail(res, page_fault);
        if (pte & (RV_PTE_RESERVED | RV_PTE_PBMT | RV_PTE_N))
            return fail(res, page_fault);

        if (!(pte & (RV_PTE_R | RV_PTE_X))) {
            /* a pointer: its D, A and U bits are reserved */
            if (pte & (RV_PTE_D | RV_PTE_A | RV_PTE_U))
                return fail(res, page_fault);
            table = pte_ppn(pte) << RV_PAGE_SHIFT;
            continue;
        }

        unsigned perms = leaf_perms(pte, req);
        if (!(perms & rv_access_perm(req->access)))
            return fail(res, page_fault);

        uint64_t low_ppn_mask = (1ull << (VPN_BITS * (unsigned)i)) - 1;
        if (pte_ppn(pte) & low_ppn_mask)
            return fail(res, page_fault);   /* misaligned superpage */

        uint64_t ad = needed_ad(req->access);
        if ((pte & ad) != ad) {
            if (req->no_ad_update)
                return fail(res, page_fault);
            switch (mem->write_pte(mem->opaque, pte_addr, pte, pte | ad)) {
            case RV_PTE_WRITTEN:
                pte |= ad;
                break;
            case RV_PTE_CHANGED:
                goto restart;
            case RV_PTE_DENIED:
                return fail(res, access_fault);
            }
        }

        /* a TLB entry must not let a store skip setting D */
        if (!(pte & RV_PTE_D))
            perms &= ~(unsigned)RV_PERM_W;

        res->page_size = 1ull << shift;
        res->paddr = ((pte_ppn(pte) << RV_PAGE_SHIFT) & ~(res->page_size - 1)) |
                     (req->vaddr & (res->page_size - 1));
        res->perms = perms;
        res->pte = pte;
        res->level = i;
        return true;
    }
    /* the last level held a pointer */
    return fail(res, page_fault);
}
