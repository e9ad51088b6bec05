/*
 * Privileged state of a RISC-V hart: CSR access rules and WARL behaviour,
 * trap entry, xRET and interrupt selection. See rv-priv.h for how the
 * CPU uses it; the CSR list itself is rv-csr.def.
 */
#include <stdio.h>
#include <string.h>

#include "rv-priv.h"

/* ---- names for logs ---- */

const char *rv_exception_name(unsigned code)
{
    switch (code) {
#define X(code, name, text) case code: return text;
        RV_EXCEPTIONS(X)
#undef X
    default: return "?";
    }
}

const char *rv_interrupt_name(unsigned code)
{
    switch (code) {
#define X(code, name, text) case code: return text;
        RV_INTERRUPTS(X)
#undef X
    default: return "?";
    }
}

/* ---- reset ---- */

void rv_priv_init(RvPriv *p, uint64_t hartid)
{
    memset(p, 0, sizeof(*p));
    p->mode = RV_PRIV_M;
    p->mstatus = RV_MSTATUS_RESET;
    p->misa = RV_MISA_VALUE;
    p->mhartid = hartid;
    p->stimecmp = UINT64_MAX;
    p->satp_modes = 1u << RV_SATP_BARE | 1u << RV_SATP_SV39 | 1u << RV_SATP_SV48 |
                    1u << RV_SATP_SV57;
    rv_pmp_reset(&p->pmp);
}

/* ---- clocks and counters ---- */

static uint64_t read_time(const RvPriv *p)
{
    return p->read_time ? p->read_time(p->clock_opaque) : 0;
}

static uint64_t read_count(const RvPriv *p)
{
    return p->read_count ? p->read_count(p->clock_opaque) : 0;
}

static uint64_t counter_get(const RvPriv *p, const RvCounter *c, uint64_t inhibit_bit)
{
    return (p->mcountinhibit & inhibit_bit) ? c->frozen : read_count(p) + c->offset;
}

static void counter_set(const RvPriv *p, RvCounter *c, uint64_t inhibit_bit, uint64_t value)
{
    if (p->mcountinhibit & inhibit_bit)
        c->frozen = value;
    else
        c->offset = value - read_count(p);
}

/* stops or restarts a counter whose inhibit bit changes */
static void counter_inhibit(RvPriv *p, RvCounter *c, uint64_t bit, uint64_t new_inhibit)
{
    if ((p->mcountinhibit ^ new_inhibit) & bit) {
        uint64_t value = counter_get(p, c, bit);
        p->mcountinhibit ^= bit;
        counter_set(p, c, bit, value);
    }
}

/* ---- interrupt state ---- */

static uint64_t irq_lines(const RvPriv *p)
{
    return __atomic_load_n(&p->irq_lines, __ATOMIC_ACQUIRE);
}

void rv_priv_set_irq_line(RvPriv *p, uint64_t mip_bit, bool level)
{
    if (level)
        __atomic_fetch_or(&p->irq_lines, mip_bit, __ATOMIC_RELEASE);
    else
        __atomic_fetch_and(&p->irq_lines, ~mip_bit, __ATOMIC_RELEASE);
}

static bool sstc_enabled(const RvPriv *p)
{
    return (p->menvcfg & RV_ENVCFG_STCE) != 0;
}

/* mip with the timer compare evaluated only when want_stip asks for it */
static uint64_t effective_mip(const RvPriv *p, bool want_stip)
{
    uint64_t mip = p->mip | irq_lines(p);
    if (sstc_enabled(p)) {
        /* Sstc drives STIP; the software-written bit no longer counts */
        mip &= ~(uint64_t)RV_MIP_STIP;
        if (want_stip && read_time(p) >= p->stimecmp)
            mip |= RV_MIP_STIP;
    }
    return mip;
}

uint64_t rv_priv_mip(const RvPriv *p)
{
    return effective_mip(p, true);
}

/* mip as csrrs/csrrc modify it: SEIP is the software-written bit only */
static uint64_t mip_rmw_base(const RvPriv *p)
{
    uint64_t mip = rv_priv_mip(p) & ~(uint64_t)RV_MIP_SEIP;
    return mip | (p->mip & RV_MIP_SEIP);
}

/* highest priority first, as the spec orders simultaneous interrupts */
static const uint8_t irq_priority[] = {
    RV_IRQ_MEI, RV_IRQ_MSI, RV_IRQ_MTI, RV_IRQ_SEI, RV_IRQ_SSI, RV_IRQ_STI,
};

static int highest_irq(uint64_t set)
{
    for (size_t i = 0; i < sizeof(irq_priority); i++)
        if (set & (1ull << irq_priority[i]))
            return irq_priority[i];
    return -1;
}

int rv_pending_interrupt(const RvPriv *p)
{
    uint64_t pending = effective_mip(p, (p->mie & RV_MIP_STIP) != 0) & p->mie;
    if (!pending)
        return -1;
    /* interrupts for a more privileged mode than the current one are
     * always enabled; for the current mode, xIE decides; for a less
     * privileged mode they wait */
    bool m_enabled = p->mode < RV_PRIV_M || (p->mstatus & RV_MSTATUS_MIE);
    bool s_enabled = p->mode < RV_PRIV_S || (p->mode == RV_PRIV_S && (p->mstatus & RV_MSTATUS_SIE));
    uint64_t to_m = pending & ~p->mideleg;
    uint64_t to_s = pending & p->mideleg;
    if (m_enabled && to_m)
        return highest_irq(to_m);
    if (s_enabled && to_s)
        return highest_irq(to_s);
    return -1;
}

bool rv_wfi_wakeup(const RvPriv *p)
{
    return (effective_mip(p, (p->mie & RV_MIP_STIP) != 0) & p->mie) != 0;
}

uint64_t rv_stimecmp_deadline(const RvPriv *p)
{
    return sstc_enabled(p) && (p->mie & RV_MIP_STIP) ? p->stimecmp : UINT64_MAX;
}

/* ---- mstatus ---- */

static uint64_t mstatus_with_sd(uint64_t s)
{
    s &= ~RV_MSTATUS_SD;
    if ((s & RV_MSTATUS_FS) == RV_MSTATUS_FS || (s & RV_MSTATUS_XS) == RV_MSTATUS_XS ||
        (s & RV_MSTATUS_VS) == RV_MSTATUS_VS)
        s |= RV_MSTATUS_SD;
    return s;
}

static unsigned mstatus_mpp(uint64_t s)
{
    return (unsigned)((s & RV_MSTATUS_MPP) >> RV_MSTATUS_MPP_SHIFT);
}

static uint64_t mstatus_set_mpp(uint64_t s, unsigned mode)
{
    return (s & ~RV_MSTATUS_MPP) | ((uint64_t)mode << RV_MSTATUS_MPP_SHIFT);
}

/* Stores a new mstatus, reporting what the change means for the caller. */
static void mstatus_store(RvPriv *p, uint64_t s, unsigned *fx)
{
    s = mstatus_with_sd(s);
    uint64_t diff = p->mstatus ^ s;
    if (diff & (RV_MSTATUS_MPRV | RV_MSTATUS_SUM | RV_MSTATUS_MXR))
        *fx |= RV_CSR_FX_TLB;
    if ((diff & RV_MSTATUS_MPP) && ((p->mstatus | s) & RV_MSTATUS_MPRV))
        *fx |= RV_CSR_FX_TLB;
    if (diff & (RV_MSTATUS_MIE | RV_MSTATUS_SIE))
        *fx |= RV_CSR_FX_IRQ;
    if (diff & RV_MSTATUS_FS)
        *fx |= RV_CSR_FX_STATE;
    p->mstatus = s;
}

static void mstatus_write(RvPriv *p, uint64_t value, uint64_t mask, unsigned *fx)
{
    uint64_t s = (p->mstatus & ~mask) | (value & mask);
    /* MPP is WARL over U, S, M: the reserved 2 leaves it unchanged */
    if (mstatus_mpp(s) == 2)
        s = mstatus_set_mpp(s, mstatus_mpp(p->mstatus));
    /* FS tracks only Off and Dirty */
    if (s & RV_MSTATUS_FS)
        s |= RV_MSTATUS_FS;
    mstatus_store(p, s, fx);
}

/* ---- custom CSR handlers (named by rv-csr.def) ---- */

static bool csr_read_cycle(RvPriv *p, unsigned i, uint64_t *v)
{
    (void)i;
    *v = counter_get(p, &p->mcycle, RV_COUNTER_CY);
    return true;
}

static bool csr_read_time(RvPriv *p, unsigned i, uint64_t *v)
{
    (void)i;
    *v = read_time(p);
    return true;
}

static bool csr_read_instret(RvPriv *p, unsigned i, uint64_t *v)
{
    (void)i;
    *v = counter_get(p, &p->minstret, RV_COUNTER_IR);
    return true;
}

static bool csr_read_mcycle(RvPriv *p, unsigned i, uint64_t *v)
{
    return csr_read_cycle(p, i, v);
}

static bool csr_write_mcycle(RvPriv *p, unsigned i, uint64_t v, uint64_t mask, unsigned *fx)
{
    (void)i;
    (void)fx;
    counter_set(p, &p->mcycle, RV_COUNTER_CY, v & mask);
    return true;
}

static bool csr_read_minstret(RvPriv *p, unsigned i, uint64_t *v)
{
    return csr_read_instret(p, i, v);
}

static bool csr_write_minstret(RvPriv *p, unsigned i, uint64_t v, uint64_t mask, unsigned *fx)
{
    (void)i;
    (void)fx;
    counter_set(p, &p->minstret, RV_COUNTER_IR, v & mask);
    return true;
}

static bool csr_read_mcountinhibit(RvPriv *p, unsigned i, uint64_t *v)
{
    (void)i;
    *v = p->mcountinhibit;
    return true;
}

static bool csr_write_mcountinhibit(RvPriv *p, unsigned i, uint64_t v, uint64_t mask, unsigned *fx)
{
    (void)i;
    (void)fx;
    v &= mask;
    counter_inhibit(p, &p->mcycle, RV_COUNTER_CY, v);
    counter_inhibit(p, &p->minstret, RV_COUNTER_IR, v);
    return true;
}

static bool csr_read_mstatus(RvPriv *p, unsigned i, uint64_t *v)
{
    (void)i;
    *v = p->mstatus;
    return true;
}

static bool csr_write_mstatus(RvPriv *p, unsigned i, uint64_t v, uint64_t mask, unsigned *fx)
{
    (void)i;
    mstatus_write(p, v, mask, fx);
    return true;
}

static bool csr_read_sstatus(RvPriv *p, unsigned i, uint64_t *v)
{
    (void)i;
    *v = p->mstatus & RV_SSTATUS_VISIBLE;
    return true;
}

static bool csr_write_sstatus(RvPriv *p, unsigned i, uint64_t v, uint64_t mask, unsigned *fx)
{
    (void)i;
    mstatus_write(p, v, mask, fx);
    return true;
}

static bool csr_read_mip(RvPriv *p, unsigned i, uint64_t *v)
{
    (void)i;
    *v = rv_priv_mip(p);
    return true;
}

static void mip_write(RvPriv *p, uint64_t v, uint64_t mask, unsigned *fx)
{
    /* under Sstc, STIP follows stimecmp and ignores writes */
    if (sstc_enabled(p))
        mask &= ~(uint64_t)RV_MIP_STIP;
    uint64_t mip = (p->mip & ~mask) | (v & mask);
    if (mip != p->mip)
        *fx |= RV_CSR_FX_IRQ;
    p->mip = mip;
}

static bool csr_write_mip(RvPriv *p, unsigned i, uint64_t v, uint64_t mask, unsigned *fx)
{
    (void)i;
    mip_write(p, v, mask, fx);
    return true;
}

/* sip and sie show only what mideleg hands to S */
static bool csr_read_sip(RvPriv *p, unsigned i, uint64_t *v)
{
    (void)i;
    *v = rv_priv_mip(p) & p->mideleg & RV_S_INTERRUPTS;
    return true;
}

static bool csr_write_sip(RvPriv *p, unsigned i, uint64_t v, uint64_t mask, unsigned *fx)
{
    (void)i;
    mip_write(p, v, mask & p->mideleg, fx);
    return true;
}

static bool csr_read_sie(RvPriv *p, unsigned i, uint64_t *v)
{
    (void)i;
    *v = p->mie & p->mideleg & RV_S_INTERRUPTS;
    return true;
}

static bool csr_write_sie(RvPriv *p, unsigned i, uint64_t v, uint64_t mask, unsigned *fx)
{
    (void)i;
    mask &= p->mideleg;
    uint64_t mie = (p->mie & ~mask) | (v & mask);
    if (mie != p->mie)
        *fx |= RV_CSR_FX_IRQ;
    p->mie = mie;
    return true;
}

/* xtvec: BASE is 4-byte aligned; a reserved MODE (>= 2) keeps the old one */
static void tvec_write(uint64_t *tvec, uint64_t v, uint64_t mask)
{
    v = (*tvec & ~mask) | (v & mask);
    uint64_t mode = v & 3;
    if (mode > RV_TVEC_VECTORED)
        mode = *tvec & 3;
    *tvec = (v & ~3ull) | mode;
}

static bool csr_read_mtvec(RvPriv *p, unsigned i, uint64_t *v)
{
    (void)i;
    *v = p->mtvec;
    return true;
}

static bool csr_write_mtvec(RvPriv *p, unsigned i, uint64_t v, uint64_t mask, unsigned *fx)
{
    (void)i;
    (void)fx;
    tvec_write(&p->mtvec, v, mask);
    return true;
}

static bool csr_read_stvec(RvPriv *p, unsigned i, uint64_t *v)
{
    (void)i;
    *v = p->stvec;
    return true;
}

static bool csr_write_stvec(RvPriv *p, unsigned i, uint64_t v, uint64_t mask, unsigned *fx)
{
    (void)i;
    (void)fx;
    tvec_write(&p->stvec, v, mask);
    return true;
}

static bool csr_read_satp(RvPriv *p, unsigned i, uint64_t *v)
{
    (void)i;
    *v = p->satp;
    return true;
}

static bool csr_write_satp(RvPriv *p, unsigned i, uint64_t v, uint64_t mask, unsigned *fx)
{
    (void)i;
    v = (p->satp & ~mask) | (v & mask);
    /* a write with an unsupported MODE has no effect at all */
    unsigned mode = (unsigned)(v >> RV_SATP_MODE_SHIFT);
    if (!(p->satp_modes & (1u << mode)))
        return true;
    if (v != p->satp)
        *fx |= RV_CSR_FX_TLB;
    p->satp = v;
    return true;
}

/* pmpcfg: only the even ones exist in RV64 */
static bool csr_read_pmpcfg(RvPriv *p, unsigned i, uint64_t *v)
{
    if (i & 1)
        return false;
    *v = rv_pmp_read_cfg(&p->pmp, i);
    return true;
}

static bool csr_write_pmpcfg(RvPriv *p, unsigned i, uint64_t v, uint64_t mask, unsigned *fx)
{
    (void)mask;
    if (i & 1)
        return false;
    if (rv_pmp_write_cfg(&p->pmp, i, v))
        *fx |= RV_CSR_FX_TLB;
    return true;
}

static bool csr_read_pmpaddr(RvPriv *p, unsigned i, uint64_t *v)
{
    *v = rv_pmp_read_addr(&p->pmp, i);
    return true;
}

static bool csr_write_pmpaddr(RvPriv *p, unsigned i, uint64_t v, uint64_t mask, unsigned *fx)
{
    if (rv_pmp_write_addr(&p->pmp, i, v & mask))
        *fx |= RV_CSR_FX_TLB;
    return true;
}

/* ---- access rules ---- */

static bool counter_enabled(const RvPriv *p, unsigned counter)
{
    uint64_t bit = 1ull << counter;
    switch (p->mode) {
    case RV_PRIV_M: return true;
    case RV_PRIV_S: return (p->mcounteren & bit) != 0;
    default: return (p->mcounteren & p->scounteren & bit) != 0;
    }
}

/* the rules the CSR number alone does not express */
static bool csr_accessible(const RvPriv *p, unsigned num, bool write)
{
    unsigned lowest_mode = (num >> 8) & 3;
    if (p->mode < lowest_mode)
        return false;
    if (write && ((num >> 10) & 3) == 3)
        return false;
    if (num >= RV_CSR_cycle && num <= RV_CSR_cycle + 31)
        return counter_enabled(p, num - RV_CSR_cycle);
    if (num == RV_CSR_satp)
        return !(p->mode == RV_PRIV_S && (p->mstatus & RV_MSTATUS_TVM));
    if (num == RV_CSR_stimecmp && p->mode != RV_PRIV_M)
        return sstc_enabled(p) && (p->mcounteren & RV_COUNTER_TM);
    return true;
}

/* ---- dispatch generated from rv-csr.def ---- */

#define READ_FIELD(name, idx) (*value = p->name, true)
#define READ_CUSTOM(name, idx) csr_read_##name(p, idx, value)
#define READ_CUSTOM_RO(name, idx) csr_read_##name(p, idx, value)
#define READ_ZERO(name, idx) (*value = 0, true)

static bool csr_dispatch_read(RvPriv *p, unsigned num, uint64_t *value)
{
    switch (num) {
#define CSR(name, number, kind, mask, fx) \
    case number: return READ_##kind(name, 0);
#define CSR_ARRAY(name, number, first, count, kind, mask, fx) \
    case number ... number + count - 1: return READ_##kind(name, num - number + first);
#include "rv-csr.def"
#undef CSR
#undef CSR_ARRAY
    default: return false;
    }
}

static bool write_field(uint64_t *field, uint64_t value, uint64_t mask, unsigned change_fx,
                        unsigned *fx)
{
    uint64_t v = (*field & ~mask) | (value & mask);
    if (v != *field)
        *fx |= change_fx;
    *field = v;
    return true;
}

#define WRITE_FIELD(name, idx, mask, change_fx) write_field(&p->name, value, mask, change_fx, fx)
#define WRITE_CUSTOM(name, idx, mask, change_fx) csr_write_##name(p, idx, value, mask, fx)
#define WRITE_CUSTOM_RO(name, idx, mask, change_fx) false
#define WRITE_ZERO(name, idx, mask, change_fx) true

static bool csr_dispatch_write(RvPriv *p, unsigned num, uint64_t value, unsigned *fx)
{
    switch (num) {
#define CSR(name, number, kind, mask, change_fx) \
    case number: return WRITE_##kind(name, 0, mask, change_fx);
#define CSR_ARRAY(name, number, first, count, kind, mask, change_fx) \
    case number ... number + count - 1: return WRITE_##kind(name, num - number + first, mask, change_fx);
#include "rv-csr.def"
#undef CSR
#undef CSR_ARRAY
    default: return false;
    }
}

const char *rv_csr_name(unsigned num, char *buf, size_t size)
{
    switch (num) {
#define CSR(name, number, kind, mask, fx) \
    case number: return #name;
#define CSR_ARRAY(name, number, first, count, kind, mask, fx) \
    case number ... number + count - 1:                          \
        snprintf(buf, size, "%s%u", #name, num - number + first);  \
        return buf;
#include "rv-csr.def"
#undef CSR
#undef CSR_ARRAY
    default: return NULL;
    }
}

/* ---- CSR access entry points ---- */

bool rv_csr_read(RvPriv *p, unsigned num, uint64_t *value)
{
    return csr_accessible(p, num, false) && csr_dispatch_read(p, num, value);
}

bool rv_csr_write(RvPriv *p, unsigned num, uint64_t value, unsigned *fx)
{
    unsigned ignored = 0;
    if (!fx)
        fx = &ignored;
    return csr_accessible(p, num, true) && csr_dispatch_write(p, num, value, fx);
}

bool rv_csr_rmw(RvPriv *p, unsigned num, RvCsrOp op, uint64_t operand, bool write, uint64_t *old,
                unsigned *fx)
{
    if (!csr_accessible(p, num, write) || !csr_dispatch_read(p, num, old))
        return false;
    if (!write)
        return true;
    uint64_t base = *old;
    if (num == RV_CSR_mip && op != RV_CSR_RW)
        base = mip_rmw_base(p);
    uint64_t value = op == RV_CSR_RW ? operand : op == RV_CSR_RS ? base | operand : base & ~operand;
    return rv_csr_write(p, num, value, fx);
}

/* ---- traps and returns ---- */

uint64_t rv_take_trap(RvPriv *p, unsigned cause, bool is_interrupt, uint64_t tval, uint64_t pc)
{
    unsigned from = p->mode;
    uint64_t deleg = is_interrupt ? p->mideleg : p->medeleg;
    /* traps taken in M-mode stay in M-mode whatever the delegation */
    bool to_s = from <= RV_PRIV_S && cause < 64 && ((deleg >> cause) & 1);
    uint64_t xcause = cause | (is_interrupt ? RV_CAUSE_INTERRUPT : 0);
    uint64_t s = p->mstatus;
    uint64_t tvec;

    if (to_s) {
        p->scause = xcause;
        p->sepc = pc & RV_EPC_WRITABLE;
        p->stval = tval;
        s &= ~(RV_MSTATUS_SPIE | RV_MSTATUS_SPP | RV_MSTATUS_SIE);
        if (p->mstatus & RV_MSTATUS_SIE)
            s |= RV_MSTATUS_SPIE;
        if (from == RV_PRIV_S)
            s |= RV_MSTATUS_SPP;
        p->mode = RV_PRIV_S;
        tvec = p->stvec;
    } else {
        p->mcause = xcause;
        p->mepc = pc & RV_EPC_WRITABLE;
        p->mtval = tval;
        s &= ~(RV_MSTATUS_MPIE | RV_MSTATUS_MIE);
        if (p->mstatus & RV_MSTATUS_MIE)
            s |= RV_MSTATUS_MPIE;
        s = mstatus_set_mpp(s, from);
        p->mode = RV_PRIV_M;
        tvec = p->mtvec;
    }
    p->mstatus = s;

    uint64_t base = tvec & ~3ull;
    if (is_interrupt && (tvec & 3) == RV_TVEC_VECTORED)
        return base + 4ull * cause;
    return base;
}

bool rv_mret(RvPriv *p, uint64_t *new_pc)
{
    if (p->mode != RV_PRIV_M)
        return false;
    uint64_t s = p->mstatus;
    unsigned to = mstatus_mpp(s);
    s &= ~RV_MSTATUS_MIE;
    if (s & RV_MSTATUS_MPIE)
        s |= RV_MSTATUS_MIE;
    s |= RV_MSTATUS_MPIE;
    s = mstatus_set_mpp(s, RV_PRIV_U);
    if (to != RV_PRIV_M)
        s &= ~RV_MSTATUS_MPRV;
    p->mstatus = s;
    p->mode = to;
    *new_pc = p->mepc;
    return true;
}

bool rv_sret(RvPriv *p, uint64_t *new_pc)
{
    if (p->mode == RV_PRIV_U || (p->mode == RV_PRIV_S && (p->mstatus & RV_MSTATUS_TSR)))
        return false;
    uint64_t s = p->mstatus;
    unsigned to = (s & RV_MSTATUS_SPP) ? RV_PRIV_S : RV_PRIV_U;
    s &= ~(RV_MSTATUS_SIE | RV_MSTATUS_SPP);
    if (s & RV_MSTATUS_SPIE)
        s |= RV_MSTATUS_SIE;
    s |= RV_MSTATUS_SPIE;
    /* sret never returns to M, so MPRV is always cleared */
    s &= ~RV_MSTATUS_MPRV;
    p->mstatus = s;
    p->mode = to;
    *new_pc = p->sepc;
    return true;
}

bool rv_wfi_allowed(const RvPriv *p)
{
    /* with S-mode present U may never wait; TW traps S at once (a zero timeout) */
    switch (p->mode) {
    case RV_PRIV_M: return true;
    case RV_PRIV_S: return !(p->mstatus & RV_MSTATUS_TW);
    default: return false;
    }
}

bool rv_sfence_vma_allowed(const RvPriv *p)
{
    switch (p->mode) {
    case RV_PRIV_M: return true;
    case RV_PRIV_S: return !(p->mstatus & RV_MSTATUS_TVM);
    default: return false;
    }
}

unsigned rv_ecall_cause(const RvPriv *p)
{
    return RV_EXC_ECALL_U + p->mode;
}

/* ---- translation inputs ---- */

unsigned rv_priv_data_mode(const RvPriv *p)
{
    if (p->mode == RV_PRIV_M && (p->mstatus & RV_MSTATUS_MPRV))
        return mstatus_mpp(p->mstatus);
    return p->mode;
}

void rv_priv_walk_request(const RvPriv *p, uint64_t vaddr, RvAccess access, RvWalkRequest *req)
{
    memset(req, 0, sizeof(*req));
    req->satp = p->satp;
    req->vaddr = vaddr;
    req->access = access;
    req->priv = access == RV_ACCESS_EXEC ? p->mode : rv_priv_data_mode(p);
    req->sum = (p->mstatus & RV_MSTATUS_SUM) != 0;
    req->mxr = (p->mstatus & RV_MSTATUS_MXR) != 0;
}
