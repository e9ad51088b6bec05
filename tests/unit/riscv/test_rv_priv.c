/*
 * Unit tests of rv-priv: CSR WARL masks and access rules by mode, the
 * effects a write reports, trap entry with delegation and vectoring,
 * mret/sret, wfi, and which pending interrupt is taken.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rv-priv.h"

static RvPriv p;
static uint64_t fake_time;
static uint64_t fake_count;

static uint64_t get_time(void *opaque)
{
    (void)opaque;
    return fake_time;
}

static uint64_t get_count(void *opaque)
{
    (void)opaque;
    return fake_count;
}

static int setup(void **state)
{
    (void)state;
    rv_priv_init(&p, 0);
    p.read_time = get_time;
    p.read_count = get_count;
    fake_time = 1000;
    fake_count = 0;
    return 0;
}

static uint64_t rd(unsigned csr)
{
    uint64_t v = 0xdeadbeef;
    assert_true(rv_csr_read(&p, csr, &v));
    return v;
}

static unsigned wr(unsigned csr, uint64_t v)
{
    unsigned fx = 0;
    assert_true(rv_csr_write(&p, csr, v, &fx));
    return fx;
}

static bool can_read(unsigned csr)
{
    uint64_t v;
    return rv_csr_read(&p, csr, &v);
}

static bool can_write(unsigned csr, uint64_t v)
{
    return rv_csr_write(&p, csr, v, NULL);
}

static void test_reset_state(void **state)
{
    (void)state;
    assert_int_equal(p.mode, RV_PRIV_M);
    assert_int_equal(rd(RV_CSR_misa), RV_MISA_VALUE);
    assert_int_equal(rd(RV_CSR_misa) >> 62, 2);
    assert_int_equal(rd(RV_CSR_mstatus), RV_MSTATUS_RESET);
    assert_int_equal(rd(RV_CSR_satp), 0);
    assert_int_equal(rd(RV_CSR_mhartid), 0);
    rv_priv_init(&p, 3);
    assert_int_equal(rd(RV_CSR_mhartid), 3);
}

static void test_mstatus_warl(void **state)
{
    (void)state;
    /* all ones: reserved and read-only fields keep their values */
    unsigned fx = wr(RV_CSR_mstatus, ~0ull);
    uint64_t s = rd(RV_CSR_mstatus);
    assert_int_equal(s, RV_MSTATUS_WRITABLE | RV_MSTATUS_RESET | RV_MSTATUS_SD);
    assert_int_equal(s & (RV_MSTATUS_UBE | RV_MSTATUS_SBE | RV_MSTATUS_MBE | RV_MSTATUS_VS |
                          RV_MSTATUS_XS), 0);
    assert_true(fx & RV_CSR_FX_TLB);
    assert_true(fx & RV_CSR_FX_IRQ);
    assert_true(fx & RV_CSR_FX_STATE);

    /* MPP = 2 is reserved: the old value stays */
    wr(RV_CSR_mstatus, (uint64_t)RV_PRIV_S << RV_MSTATUS_MPP_SHIFT);
    wr(RV_CSR_mstatus, 2ull << RV_MSTATUS_MPP_SHIFT);
    assert_int_equal((rd(RV_CSR_mstatus) & RV_MSTATUS_MPP) >> RV_MSTATUS_MPP_SHIFT, RV_PRIV_S);

    /* FS is Off or Dirty, and SD follows it */
    wr(RV_CSR_mstatus, 1ull << 13);
    assert_int_equal(rd(RV_CSR_mstatus) & (RV_MSTATUS_FS | RV_MSTATUS_SD),
                     RV_MSTATUS_FS | RV_MSTATUS_SD);
    wr(RV_CSR_mstatus, 0);
    assert_int_equal(rd(RV_CSR_mstatus) & (RV_MSTATUS_FS | RV_MSTATUS_SD), 0);

    /* toggling SIE is not a translation change */
    fx = wr(RV_CSR_mstatus, RV_MSTATUS_SIE);
    assert_int_equal(fx, RV_CSR_FX_IRQ);
}

static void test_sstatus_view(void **state)
{
    (void)state;
    wr(RV_CSR_mstatus, RV_MSTATUS_MIE | RV_MSTATUS_TVM | RV_MSTATUS_SIE);
    assert_int_equal(rd(RV_CSR_sstatus), RV_MSTATUS_SIE | (2ull << 32));
    /* S cannot reach M fields through sstatus */
    wr(RV_CSR_sstatus, ~0ull);
    uint64_t s = rd(RV_CSR_mstatus);
    assert_true(s & RV_MSTATUS_SUM);
    assert_true(s & RV_MSTATUS_MXR);
    assert_true(s & RV_MSTATUS_SPP);
    assert_false(s & RV_MSTATUS_MPRV);
    assert_false(s & RV_MSTATUS_TSR);
    assert_true(s & RV_MSTATUS_MIE);   /* untouched */
    wr(RV_CSR_sstatus, 0);
    assert_true(rd(RV_CSR_mstatus) & RV_MSTATUS_MIE);
    assert_false(rd(RV_CSR_mstatus) & RV_MSTATUS_SIE);
}

static void test_satp(void **state)
{
    (void)state;
    uint64_t sv39 = (8ull << 60) | (0x1234ull << 44) | 0x80123ull;
    assert_int_equal(wr(RV_CSR_satp, sv39), RV_CSR_FX_TLB);
    assert_int_equal(rd(RV_CSR_satp), sv39);
    /* an unsupported mode leaves all of satp alone */
    assert_int_equal(wr(RV_CSR_satp, (1ull << 60) | 5), 0);
    assert_int_equal(wr(RV_CSR_satp, (11ull << 60) | 5), 0);
    assert_int_equal(rd(RV_CSR_satp), sv39);
    p.satp_modes &= ~(1u << RV_SATP_SV57);
    wr(RV_CSR_satp, (10ull << 60) | 5);
    assert_int_equal(rd(RV_CSR_satp), sv39);
    wr(RV_CSR_satp, (9ull << 60) | 5);
    assert_int_equal(rd(RV_CSR_satp), (9ull << 60) | 5);
    /* the same value again needs no flush */
    assert_int_equal(wr(RV_CSR_satp, (9ull << 60) | 5), 0);

    /* S-mode reaches satp unless TVM traps it */
    p.mode = RV_PRIV_S;
    assert_true(can_read(RV_CSR_satp));
    assert_true(rv_sfence_vma_allowed(&p));
    p.mstatus |= RV_MSTATUS_TVM;
    assert_false(can_read(RV_CSR_satp));
    assert_false(can_write(RV_CSR_satp, 0));
    assert_false(rv_sfence_vma_allowed(&p));
    p.mode = RV_PRIV_M;
    assert_true(can_write(RV_CSR_satp, 0));
    p.mode = RV_PRIV_U;
    assert_false(rv_sfence_vma_allowed(&p));
}

static void test_access_by_mode(void **state)
{
    (void)state;
    /* read-only CSRs reject writes even from M */
    assert_false(can_write(RV_CSR_mvendorid, 1));
    assert_false(can_write(RV_CSR_mhartid, 1));
    assert_false(can_write(RV_CSR_time, 1));
    assert_true(can_read(RV_CSR_mimpid));
    /* unknown numbers, and odd pmpcfg in RV64 */
    assert_false(can_read(0x7c0));
    assert_false(can_read(RV_CSR_pmpcfg + 1));
    assert_true(can_read(RV_CSR_pmpcfg + 2));
    assert_false(can_write(RV_CSR_pmpcfg + 3, 0));

    p.mode = RV_PRIV_S;
    assert_false(can_read(RV_CSR_mstatus));
    assert_false(can_write(RV_CSR_mscratch, 1));
    assert_false(can_read(RV_CSR_pmpaddr));
    assert_true(can_read(RV_CSR_sstatus));
    assert_true(can_write(RV_CSR_sscratch, 1));

    p.mode = RV_PRIV_U;
    assert_false(can_read(RV_CSR_sstatus));
    assert_false(can_read(RV_CSR_sscratch));
    assert_false(can_read(RV_CSR_mhartid));
}

static void test_counters(void **state)
{
    (void)state;
    fake_count = 500;
    fake_time = 777;
    assert_int_equal(rd(RV_CSR_cycle), 500);
    assert_int_equal(rd(RV_CSR_time), 777);
    assert_int_equal(rd(RV_CSR_hpmcounter + 1), 0);   /* hpmcounter4 */

    /* writes to mcycle move the counter, which keeps counting */
    wr(RV_CSR_mcycle, 10000);
    fake_count = 600;
    assert_int_equal(rd(RV_CSR_mcycle), 10100);
    assert_int_equal(rd(RV_CSR_cycle), 10100);
    /* inhibited, it stops, and restarts where it stopped */
    wr(RV_CSR_mcountinhibit, ~0ull);
    assert_int_equal(rd(RV_CSR_mcountinhibit), RV_COUNTER_CY | RV_COUNTER_IR);
    fake_count = 900;
    assert_int_equal(rd(RV_CSR_mcycle), 10100);
    wr(RV_CSR_mcountinhibit, 0);
    fake_count = 950;
    assert_int_equal(rd(RV_CSR_mcycle), 10150);
    /* minstret was inhibited from 600 to 900 */
    assert_int_equal(rd(RV_CSR_minstret), 650);

    /* S needs mcounteren, U needs both enables */
    p.mode = RV_PRIV_S;
    assert_false(can_read(RV_CSR_cycle));
    p.mcounteren = RV_COUNTER_CY | RV_COUNTER_TM;
    assert_true(can_read(RV_CSR_cycle));
    assert_true(can_read(RV_CSR_time));
    assert_false(can_read(RV_CSR_instret));
    p.mode = RV_PRIV_U;
    assert_false(can_read(RV_CSR_time));
    p.scounteren = RV_COUNTER_TM;
    assert_true(can_read(RV_CSR_time));
    assert_false(can_read(RV_CSR_cycle));

    /* counteren keeps only the implemented counters */
    p.mode = RV_PRIV_M;
    wr(RV_CSR_mcounteren, ~0ull);
    assert_int_equal(rd(RV_CSR_mcounteren), RV_COUNTEREN_WRITABLE);
}

static void test_stimecmp(void **state)
{
    (void)state;
    p.mode = RV_PRIV_S;
    assert_false(can_read(RV_CSR_stimecmp));   /* STCE clear */
    p.menvcfg = RV_ENVCFG_STCE;
    assert_false(can_read(RV_CSR_stimecmp));   /* mcounteren.TM clear */
    p.mcounteren = RV_COUNTER_TM;
    assert_true(can_read(RV_CSR_stimecmp));

    /* STIP follows time >= stimecmp, and writes to it are ignored */
    fake_time = 100;
    assert_int_equal(wr(RV_CSR_stimecmp, 200), RV_CSR_FX_IRQ);
    p.mode = RV_PRIV_M;
    wr(RV_CSR_mip, RV_MIP_STIP);
    assert_false(rd(RV_CSR_mip) & RV_MIP_STIP);
    fake_time = 200;
    assert_true(rd(RV_CSR_mip) & RV_MIP_STIP);
    assert_int_equal(rv_stimecmp_deadline(&p), UINT64_MAX);   /* STIE clear */
    p.mie = RV_MIP_STIP;
    assert_int_equal(rv_stimecmp_deadline(&p), 200);

    /* with STCE clear M drives STIP by hand (the SBI timer) */
    wr(RV_CSR_menvcfg, 0);
    wr(RV_CSR_mip, RV_MIP_STIP);
    assert_true(rd(RV_CSR_mip) & RV_MIP_STIP);
    fake_time = 0;
    assert_true(rd(RV_CSR_mip) & RV_MIP_STIP);

    wr(RV_CSR_menvcfg, ~0ull);
    assert_int_equal(rd(RV_CSR_menvcfg), RV_MENVCFG_WRITABLE);
}

static void test_deleg_and_interrupt_csrs(void **state)
{
    (void)state;
    wr(RV_CSR_medeleg, ~0ull);
    assert_int_equal(rd(RV_CSR_medeleg), RV_MEDELEG_WRITABLE);
    assert_false(rd(RV_CSR_medeleg) & (1u << RV_EXC_ECALL_M));
    assert_int_equal(wr(RV_CSR_mideleg, ~0ull), RV_CSR_FX_IRQ);
    assert_int_equal(rd(RV_CSR_mideleg), RV_S_INTERRUPTS);
    wr(RV_CSR_mie, ~0ull);
    assert_int_equal(rd(RV_CSR_mie), RV_M_INTERRUPTS | RV_S_INTERRUPTS);

    /* M-level pending bits come from devices only */
    wr(RV_CSR_mip, ~0ull);
    assert_int_equal(rd(RV_CSR_mip), RV_S_INTERRUPTS);
    rv_priv_set_irq_line(&p, RV_MIP_MTIP, true);
    assert_int_equal(rd(RV_CSR_mip), RV_S_INTERRUPTS | RV_MIP_MTIP);
    rv_priv_set_irq_line(&p, RV_MIP_MTIP, false);
    wr(RV_CSR_mip, 0);

    /* sie/sip show only delegated interrupts */
    wr(RV_CSR_mideleg, RV_MIP_SSIP);
    assert_int_equal(rd(RV_CSR_sie), RV_MIP_SSIP);
    wr(RV_CSR_sie, 0);
    assert_int_equal(rd(RV_CSR_mie), (RV_M_INTERRUPTS | RV_S_INTERRUPTS) & ~(uint64_t)RV_MIP_SSIP);
    wr(RV_CSR_sip, ~0ull);
    assert_int_equal(rd(RV_CSR_mip), RV_MIP_SSIP);
    assert_int_equal(rd(RV_CSR_sip), RV_MIP_SSIP);
    wr(RV_CSR_mip, RV_MIP_STIP);
    assert_int_equal(rd(RV_CSR_sip), 0);   /* STIP pending but not delegated */
}

static void test_mip_seip_rmw(void **state)
{
    (void)state;
    /* the external SEIP shows in reads of mip, but csrrs/csrrc do not
     * copy it into the software-written bit */
    rv_priv_set_irq_line(&p, RV_MIP_SEIP, true);
    uint64_t old;
    assert_true(rv_csr_rmw(&p, RV_CSR_mip, RV_CSR_RS, RV_MIP_SSIP, true, &old, NULL));
    assert_int_equal(old, RV_MIP_SEIP);
    rv_priv_set_irq_line(&p, RV_MIP_SEIP, false);
    assert_int_equal(rd(RV_CSR_mip), RV_MIP_SSIP);

    /* csrrs with rs1 = x0 only reads, so read-only CSRs are fine */
    assert_true(rv_csr_rmw(&p, RV_CSR_mhartid, RV_CSR_RS, 0, false, &old, NULL));
    assert_false(rv_csr_rmw(&p, RV_CSR_mhartid, RV_CSR_RS, 1, true, &old, NULL));
    assert_true(rv_csr_rmw(&p, RV_CSR_mscratch, RV_CSR_RW, 0x55, true, &old, NULL));
    assert_true(rv_csr_rmw(&p, RV_CSR_mscratch, RV_CSR_RC, 0x05, true, &old, NULL));
    assert_int_equal(old, 0x55);
    assert_int_equal(rd(RV_CSR_mscratch), 0x50);
}

static void test_tvec_epc_warl(void **state)
{
    (void)state;
    wr(RV_CSR_mtvec, 0x80000001ull);
    assert_int_equal(rd(RV_CSR_mtvec), 0x80000001ull);
    wr(RV_CSR_mtvec, 0x80001002ull);   /* reserved mode 2: keeps vectored */
    assert_int_equal(rd(RV_CSR_mtvec), 0x80001001ull);
    wr(RV_CSR_stvec, 0x80002003ull);
    assert_int_equal(rd(RV_CSR_stvec), 0x80002000ull);
    wr(RV_CSR_mepc, 0x80000003ull);
    assert_int_equal(rd(RV_CSR_mepc), 0x80000002ull);
}

static void test_trap_to_m(void **state)
{
    (void)state;
    p.mtvec = 0x80000100ull;
    p.mode = RV_PRIV_S;
    p.mstatus |= RV_MSTATUS_MIE;
    uint64_t pc = rv_take_trap(&p, RV_EXC_ILLEGAL_INSN, false, 0x1234, 0x80200000ull);
    assert_int_equal(pc, 0x80000100ull);
    assert_int_equal(p.mode, RV_PRIV_M);
    assert_int_equal(p.mcause, RV_EXC_ILLEGAL_INSN);
    assert_int_equal(p.mepc, 0x80200000ull);
    assert_int_equal(p.mtval, 0x1234);
    assert_false(p.mstatus & RV_MSTATUS_MIE);
    assert_true(p.mstatus & RV_MSTATUS_MPIE);
    assert_int_equal((p.mstatus & RV_MSTATUS_MPP) >> RV_MSTATUS_MPP_SHIFT, RV_PRIV_S);

    /* delegation never moves a trap taken in M down to S */
    p.medeleg = RV_MEDELEG_WRITABLE;
    rv_take_trap(&p, RV_EXC_LOAD_PAGE_FAULT, false, 0, 0x80000200ull);
    assert_int_equal(p.mode, RV_PRIV_M);
    assert_int_equal(p.mcause, RV_EXC_LOAD_PAGE_FAULT);
    assert_int_equal((p.mstatus & RV_MSTATUS_MPP) >> RV_MSTATUS_MPP_SHIFT, RV_PRIV_M);
}

static void test_trap_delegated_to_s(void **state)
{
    (void)state;
    p.mtvec = 0x80000000ull;
    p.stvec = 0xffffffff80001000ull;
    p.medeleg = 1u << RV_EXC_ECALL_U;
    p.mode = RV_PRIV_U;
    p.mstatus |= RV_MSTATUS_SIE | RV_MSTATUS_SPP;
    uint64_t pc = rv_take_trap(&p, rv_ecall_cause(&p), false, 0, 0x10074);
    assert_int_equal(pc, 0xffffffff80001000ull);
    assert_int_equal(p.mode, RV_PRIV_S);
    assert_int_equal(p.scause, RV_EXC_ECALL_U);
    assert_int_equal(p.sepc, 0x10074);
    assert_int_equal(p.stval, 0);
    assert_false(p.mstatus & RV_MSTATUS_SIE);
    assert_true(p.mstatus & RV_MSTATUS_SPIE);
    assert_false(p.mstatus & RV_MSTATUS_SPP);   /* came from U */
    assert_int_equal(p.mcause, 0);

    /* an undelegated exception from S goes to M */
    pc = rv_take_trap(&p, rv_ecall_cause(&p), false, 0, 0xffffffff80001010ull);
    assert_int_equal(p.mcause, RV_EXC_ECALL_S);
    assert_int_equal(p.mode, RV_PRIV_M);
    assert_int_equal(pc, 0x80000000ull);
}

static void test_vectored_interrupts(void **state)
{
    (void)state;
    p.mtvec = 0x80000001ull;   /* vectored */
    p.stvec = 0x90000001ull;
    p.mideleg = RV_MIP_STIP;
    p.mode = RV_PRIV_S;
    uint64_t pc = rv_take_trap(&p, RV_IRQ_STI, true, 0, 0x1000);
    assert_int_equal(pc, 0x90000000ull + 4 * RV_IRQ_STI);
    assert_int_equal(p.scause, RV_CAUSE_INTERRUPT | RV_IRQ_STI);
    assert_true(p.mstatus & RV_MSTATUS_SPP);

    pc = rv_take_trap(&p, RV_IRQ_MEI, true, 0, 0x2000);
    assert_int_equal(pc, 0x80000000ull + 4 * RV_IRQ_MEI);
    assert_int_equal(p.mcause, RV_CAUSE_INTERRUPT | RV_IRQ_MEI);
    /* exceptions always use the base */
    pc = rv_take_trap(&p, RV_EXC_BREAKPOINT, false, 0, 0x3000);
    assert_int_equal(pc, 0x80000000ull);
}

static void test_mret_sret(void **state)
{
    (void)state;
    uint64_t pc;
    /* mret to S: MIE from MPIE, MPIE set, MPP to U, MPRV cleared */
    p.mepc = 0x80200000ull;
    p.mstatus |= RV_MSTATUS_MPIE | RV_MSTATUS_MPRV | ((uint64_t)RV_PRIV_S << RV_MSTATUS_MPP_SHIFT);
    assert_true(rv_mret(&p, &pc));
    assert_int_equal(pc, 0x80200000ull);
    assert_int_equal(p.mode, RV_PRIV_S);
    assert_true(p.mstatus & RV_MSTATUS_MIE);
    assert_true(p.mstatus & RV_MSTATUS_MPIE);
    assert_int_equal(p.mstatus & RV_MSTATUS_MPP, 0);
    assert_false(p.mstatus & RV_MSTATUS_MPRV);
    assert_false(rv_mret(&p, &pc));   /* not in M */

    /* mret back to M keeps MPRV */
    p.mode = RV_PRIV_M;
    p.mstatus = RV_MSTATUS_RESET | RV_MSTATUS_MPRV | ((uint64_t)RV_PRIV_M << RV_MSTATUS_MPP_SHIFT);
    assert_true(rv_mret(&p, &pc));
    assert_int_equal(p.mode, RV_PRIV_M);
    assert_true(p.mstatus & RV_MSTATUS_MPRV);
    assert_false(p.mstatus & RV_MSTATUS_MIE);

    /* sret to U */
    p.mode = RV_PRIV_S;
    p.sepc = 0x10000;
    p.mstatus = RV_MSTATUS_RESET | RV_MSTATUS_SPIE;
    assert_true(rv_sret(&p, &pc));
    assert_int_equal(pc, 0x10000);
    assert_int_equal(p.mode, RV_PRIV_U);
    assert_true(p.mstatus & RV_MSTATUS_SIE);
    assert_true(p.mstatus & RV_MSTATUS_SPIE);
    assert_false(rv_sret(&p, &pc));   /* U may not */

    /* sret to S from M clears MPRV; TSR traps it in S only */
    p.mode = RV_PRIV_M;
    p.mstatus = RV_MSTATUS_RESET | RV_MSTATUS_SPP | RV_MSTATUS_MPRV | RV_MSTATUS_TSR;
    assert_true(rv_sret(&p, &pc));
    assert_int_equal(p.mode, RV_PRIV_S);
    assert_false(p.mstatus & RV_MSTATUS_SPP);
    assert_false(p.mstatus & RV_MSTATUS_MPRV);
    assert_false(p.mstatus & RV_MSTATUS_SIE);
    assert_false(rv_sret(&p, &pc));
}

static void test_wfi(void **state)
{
    (void)state;
    assert_true(rv_wfi_allowed(&p));
    p.mode = RV_PRIV_S;
    assert_true(rv_wfi_allowed(&p));
    p.mstatus |= RV_MSTATUS_TW;
    assert_false(rv_wfi_allowed(&p));
    p.mode = RV_PRIV_M;
    assert_true(rv_wfi_allowed(&p));
    p.mode = RV_PRIV_U;
    p.mstatus &= ~RV_MSTATUS_TW;
    assert_false(rv_wfi_allowed(&p));

    /* wfi wakes on any interrupt enabled in mie, even with MIE clear */
    p.mode = RV_PRIV_M;
    assert_false(rv_wfi_wakeup(&p));
    p.mie = RV_MIP_MTIP;
    rv_priv_set_irq_line(&p, RV_MIP_MTIP, true);
    assert_true(rv_wfi_wakeup(&p));
    assert_int_equal(rv_pending_interrupt(&p), -1);
}

static void test_interrupt_priority(void **state)
{
    (void)state;
    p.mie = RV_M_INTERRUPTS | RV_S_INTERRUPTS;
    p.mstatus |= RV_MSTATUS_MIE;
    /* all pending, none delegated: MEI MSI MTI SEI SSI STI in turn */
    rv_priv_set_irq_line(&p, RV_M_INTERRUPTS, true);
    p.mip = RV_S_INTERRUPTS;
    const int order[] = {RV_IRQ_MEI, RV_IRQ_MSI, RV_IRQ_MTI, RV_IRQ_SEI, RV_IRQ_SSI, RV_IRQ_STI};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(rv_pending_interrupt(&p), order[i]);
        if (order[i] == RV_IRQ_MEI || order[i] == RV_IRQ_MSI || order[i] == RV_IRQ_MTI)
            rv_priv_set_irq_line(&p, 1ull << order[i], false);
        else
            p.mip &= ~(1ull << order[i]);
    }
    assert_int_equal(rv_pending_interrupt(&p), -1);
}

static void test_interrupt_enables(void **state)
{
    (void)state;
    p.mie = RV_M_INTERRUPTS | RV_S_INTERRUPTS;
    p.mideleg = RV_MIP_SEIP | RV_MIP_STIP;

    /* in M with MIE clear nothing is taken; delegated ones never in M */
    p.mip = RV_MIP_SEIP;
    assert_int_equal(rv_pending_interrupt(&p), -1);
    p.mstatus |= RV_MSTATUS_MIE | RV_MSTATUS_SIE;
    assert_int_equal(rv_pending_interrupt(&p), -1);
    rv_priv_set_irq_line(&p, RV_MIP_MTIP, true);
    assert_int_equal(rv_pending_interrupt(&p), RV_IRQ_MTI);

    /* in S, M-level interrupts are taken whatever MIE says */
    p.mode = RV_PRIV_S;
    p.mstatus &= ~(RV_MSTATUS_MIE | RV_MSTATUS_SIE);
    assert_int_equal(rv_pending_interrupt(&p), RV_IRQ_MTI);
    rv_priv_set_irq_line(&p, RV_MIP_MTIP, false);
    /* delegated ones need SIE in S */
    assert_int_equal(rv_pending_interrupt(&p), -1);
    p.mstatus |= RV_MSTATUS_SIE;
    assert_int_equal(rv_pending_interrupt(&p), RV_IRQ_SEI);

    /* an undelegated S-level interrupt goes to M first, above SEI */
    p.mip = RV_MIP_SEIP | RV_MIP_SSIP;
    assert_int_equal(rv_pending_interrupt(&p), RV_IRQ_SSI);

    /* in U everything for S and M is enabled */
    p.mode = RV_PRIV_U;
    p.mstatus &= ~RV_MSTATUS_SIE;
    p.mip = RV_MIP_STIP;
    assert_int_equal(rv_pending_interrupt(&p), RV_IRQ_STI);
    /* and mie still masks */
    p.mie = 0;
    assert_int_equal(rv_pending_interrupt(&p), -1);
}

static void test_sstc_interrupt(void **state)
{
    (void)state;
    p.menvcfg = RV_ENVCFG_STCE;
    p.mideleg = RV_MIP_STIP;
    p.mie = RV_MIP_STIP;
    p.stimecmp = 5000;
    p.mode = RV_PRIV_U;
    fake_time = 4999;
    assert_int_equal(rv_pending_interrupt(&p), -1);
    fake_time = 5000;
    assert_int_equal(rv_pending_interrupt(&p), RV_IRQ_STI);
}

static void test_data_mode_and_walk_request(void **state)
{
    (void)state;
    RvWalkRequest req;
    p.satp = (8ull << 60) | 0x80000;
    p.mstatus |= RV_MSTATUS_MPRV | RV_MSTATUS_SUM | ((uint64_t)RV_PRIV_S << RV_MSTATUS_MPP_SHIFT);
    assert_int_equal(rv_priv_data_mode(&p), RV_PRIV_S);
    rv_priv_walk_request(&p, 0x1000, RV_ACCESS_READ, &req);
    assert_int_equal(req.priv, RV_PRIV_S);
    assert_true(req.sum);
    assert_false(req.mxr);
    assert_int_equal(req.satp, p.satp);
    /* fetches ignore MPRV */
    rv_priv_walk_request(&p, 0x1000, RV_ACCESS_EXEC, &req);
    assert_int_equal(req.priv, RV_PRIV_M);
    p.mode = RV_PRIV_S;
    assert_int_equal(rv_priv_data_mode(&p), RV_PRIV_S);
    p.mode = RV_PRIV_U;
    assert_int_equal(rv_priv_data_mode(&p), RV_PRIV_U);
}

static void test_mprv_effects(void **state)
{
    (void)state;
    /* MPP matters for translation only while MPRV is set */
    assert_int_equal(wr(RV_CSR_mstatus, (uint64_t)RV_PRIV_S << RV_MSTATUS_MPP_SHIFT), 0);
    assert_int_equal(wr(RV_CSR_mstatus, RV_MSTATUS_MPRV), RV_CSR_FX_TLB);
    assert_int_equal(wr(RV_CSR_mstatus, RV_MSTATUS_MPRV | ((uint64_t)RV_PRIV_S << RV_MSTATUS_MPP_SHIFT)),
                     RV_CSR_FX_TLB);
    /* PMP changes flush too */
    assert_int_equal(wr(RV_CSR_pmpaddr, 0x1000), RV_CSR_FX_TLB);
    assert_int_equal(wr(RV_CSR_pmpcfg, 0x18), RV_CSR_FX_TLB);
    assert_int_equal(wr(RV_CSR_pmpcfg, 0x18), 0);
}

static void test_names(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(rv_csr_name(RV_CSR_mstatus, buf, sizeof(buf)), "mstatus");
    assert_string_equal(rv_csr_name(0x180, buf, sizeof(buf)), "satp");
    assert_string_equal(rv_csr_name(0x3bc, buf, sizeof(buf)), "pmpaddr12");
    assert_string_equal(rv_csr_name(0xc03, buf, sizeof(buf)), "hpmcounter3");
    assert_string_equal(rv_csr_name(0xb1f, buf, sizeof(buf)), "mhpmcounter31");
    assert_null(rv_csr_name(0x7c0, buf, sizeof(buf)));
    assert_string_equal(rv_exception_name(RV_EXC_STORE_PAGE_FAULT), "store/AMO page fault");
    assert_string_equal(rv_interrupt_name(RV_IRQ_MTI), "machine timer interrupt");
    assert_string_equal(rv_exception_name(14), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reset_state, setup),
        cmocka_unit_test_setup(test_mstatus_warl, setup),
        cmocka_unit_test_setup(test_sstatus_view, setup),
        cmocka_unit_test_setup(test_satp, setup),
        cmocka_unit_test_setup(test_access_by_mode, setup),
        cmocka_unit_test_setup(test_counters, setup),
        cmocka_unit_test_setup(test_stimecmp, setup),
        cmocka_unit_test_setup(test_deleg_and_interrupt_csrs, setup),
        cmocka_unit_test_setup(test_mip_seip_rmw, setup),
        cmocka_unit_test_setup(test_tvec_epc_warl, setup),
        cmocka_unit_test_setup(test_trap_to_m, setup),
        cmocka_unit_test_setup(test_trap_delegated_to_s, setup),
        cmocka_unit_test_setup(test_vectored_interrupts, setup),
        cmocka_unit_test_setup(test_mret_sret, setup),
        cmocka_unit_test_setup(test_wfi, setup),
        cmocka_unit_test_setup(test_interrupt_priority, setup),
        cmocka_unit_test_setup(test_interrupt_enables, setup),
        cmocka_unit_test_setup(test_sstc_interrupt, setup),
        cmocka_unit_test_setup(test_data_mode_and_walk_request, setup),
        cmocka_unit_test_setup(test_mprv_effects, setup),
        cmocka_unit_test_setup(test_names, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
