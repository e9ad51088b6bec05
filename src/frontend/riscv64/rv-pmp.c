/*
 * PMP state and checks; see rv-pmp.h for how the rest of polyvm uses them.
 *
 * Each entry's byte range is worked out on demand from pmpcfg.A and the
 * pmpaddr values: there are only 16 entries and the callers are a TLB fill
 * or a CSR write, not every access.
 */
#include <string.h>

#include "rv-pmp.h"

/* the reserved bits 6:5 of a pmpcfg byte always read zero */
#define CFG_WRITABLE (RV_PMP_R | RV_PMP_W | RV_PMP_X | RV_PMP_A_MASK | RV_PMP_L)

void rv_pmp_reset(RvPmp *pmp)
{
    memset(pmp, 0, sizeof(*pmp));
}

static unsigned entry_mode(const RvPmp *pmp, unsigned i)
{
    return (pmp->cfg[i] & RV_PMP_A_MASK) >> RV_PMP_A_SHIFT;
}

static bool entry_locked(const RvPmp *pmp, unsigned i)
{
    return (pmp->cfg[i] & RV_PMP_L) != 0;
}

/* [*lo, *hi) covered by entry i; false when it covers nothing */
static bool entry_range(const RvPmp *pmp, unsigned i, uint64_t *lo, uint64_t *hi)
{
    uint64_t a = pmp->addr[i];
    switch (entry_mode(pmp, i)) {
    case RV_PMP_TOR:
        *lo = i == 0 ? 0 : pmp->addr[i - 1] << 2;
        *hi = a << 2;
        return *lo < *hi;
    case RV_PMP_NA4:
        *lo = a << 2;
        *hi = *lo + 4;
        return true;
    case RV_PMP_NAPOT: {
        /* the trailing ones of pmpaddr, plus the zero above them, give the
         * size: ...0 is 8 bytes, ...01 is 16 bytes and so on */
        uint64_t span = a ^ (a + 1);
        *lo = (a & ~span) << 2;
        *hi = *lo + ((span + 1) << 2);
        return true;
    }
    default:
        return false;
    }
}

/* the rights an entry grants: an unlocked entry does not bind M-mode */
static unsigned entry_perms(const RvPmp *pmp, unsigned i, unsigned priv)
{
    if (priv == RV_PRIV_M && !entry_locked(pmp, i))
        return RV_PERM_R | RV_PERM_W | RV_PERM_X;
    return pmp->cfg[i] & (RV_PMP_R | RV_PMP_W | RV_PMP_X);
}

static unsigned no_match_perms(unsigned priv)
{
    return priv == RV_PRIV_M ? RV_PERM_R | RV_PERM_W | RV_PERM_X : 0;
}

uint64_t rv_pmp_read_cfg(const RvPmp *pmp, unsigned n)
{
    uint64_t v = 0;
    for (unsigned b = 0; b < 8; b++) {
        unsigned i = n * 4 + b;
        if (i < RV_PMP_ENTRIES)
            v |= (uint64_t)pmp->cfg[i] << (8 * b);
    }
    return v;
}

bool rv_pmp_write_cfg(RvPmp *pmp, unsigned n, uint64_t value)
{
    bool changed = false;
    for (unsigned b = 0; b < 8; b++) {
        unsigned i = n * 4 + b;
        if (i >= RV_PMP_ENTRIES || entry_locked(pmp, i))
            continue;
        uint8_t c = (uint8_t)(value >> (8 * b)) & CFG_WRITABLE;
        /* R=0 W=1 is reserved: such a byte keeps its previous value */
        if ((c & (RV_PMP_R | RV_PMP_W)) == RV_PMP_W)
            continue;
        changed |= pmp->cfg[i] != c;
        pmp->cfg[i] = c;
    }
    return changed;
}

uint64_t rv_pmp_read_addr(const RvPmp *pmp, unsigned n)
{
    return n < RV_PMP_ENTRIES ? pmp->addr[n] : 0;
}

bool rv_pmp_write_addr(RvPmp *pmp, unsigned n, uint64_t value)
{
    if (n >= RV_PMP_ENTRIES || entry_locked(pmp, n))
        return false;
    /* a locked TOR entry also freezes the lower bound it takes from here */
    if (n + 1 < RV_PMP_ENTRIES && entry_locked(pmp, n + 1) && entry_mode(pmp, n + 1) == RV_PMP_TOR)
        return false;
    value &= RV_PMP_ADDR_MASK;
    bool changed = pmp->addr[n] != value;
    pmp->addr[n] = value;
    return changed;
}

bool rv_pmp_check(const RvPmp *pmp, uint64_t addr, unsigned size, RvAccess access, unsigned priv)
{
    uint64_t end = addr + size;
    for (unsigned i = 0; i < RV_PMP_ENTRIES; i++) {
        uint64_t lo, hi;
        if (!entry_range(pmp, i, &lo, &hi) || end <= lo || addr >= hi)
            continue;
        /* the lowest entry touching the access decides, and it must cover
         * every byte whatever its permissions */
        if (addr < lo || end > hi)
            return false;
        return (entry_perms(pmp, i, priv) & rv_access_perm(access)) != 0;
    }
    return (no_match_perms(priv) & rv_access_perm(access)) != 0;
}

unsigned rv_pmp_range_perms(const RvPmp *pmp, uint64_t base, uint64_t size, unsigned priv,
                            bool *uniform)
{
    uint64_t end = base + size;
    *uniform = true;
    for (unsigned i = 0; i < RV_PMP_ENTRIES; i++) {
        uint64_t lo, hi;
        if (!entry_range(pmp, i, &lo, &hi) || end <= lo || base >= hi)
            continue;
        if (base < lo || end > hi) {
            *uniform = false;
            return 0;
        }
        return entry_perms(pmp, i, priv);
    }
    return no_match_perms(priv);
}
