/*
 * traps: synchronous exceptions and privilege transitions.
 *
 * Covers ecall from M/S/U (causes 11/9/8), delegation of U ecalls to S via
 * medeleg (scause/sepc/stval), illegal instructions (cause 2; mtval may be
 * 0 or the instruction bits, both are allowed so only membership is
 * checked), ebreak (3), the mstatus/sstatus stack on trap entry and on
 * mret/sret, direct vs vectored mtvec/stvec, M-CSR access from S/U and
 * counter access gated by mcounteren/scounteren.
 */
#include "lib/bm.h"

/* A reserved RV64 encoding (LOAD with funct3 = 7, i.e. RV128's ldu). */
#define ILLEGAL_INSN 0x00007003u

/* Each helper executes one trapping instruction and returns its address. */
static inline __attribute__((always_inline)) u64 ecall_here(void)
{
	u64 pc;
	__asm__ volatile(INSN4("li a7, 0\n1: ecall") "lla %0, 1b" : "=r"(pc) :: "a7", "memory");
	return pc;
}

static inline __attribute__((always_inline)) u64 ebreak_here(void)
{
	u64 pc;
	__asm__ volatile(INSN4("1: ebreak") "lla %0, 1b" : "=r"(pc) :: "memory");
	return pc;
}

static inline __attribute__((always_inline)) u64 illegal_here(void)
{
	u64 pc;
	__asm__ volatile("1: .word " STR(ILLEGAL_INSN) "\n lla %0, 1b" : "=r"(pc) :: "memory");
	return pc;
}

/* csrr zero, mstatus: the source of the illegal CSR access tests. */
#define CSRR_MSTATUS_INSN 0x30002073u
static inline __attribute__((always_inline)) u64 read_mstatus_here(void)
{
	u64 pc;
	__asm__ volatile(INSN4("1: csrr zero, mstatus") "lla %0, 1b" : "=r"(pc) :: "memory");
	return pc;
}

USER_FN static long do_ecall(long arg) { (void)arg; return (long)ecall_here(); }
USER_FN static long do_read_mstatus(long arg) { (void)arg; return (long)read_mstatus_here(); }

/* Reads cycle, time and instret; the caller counts the traps. */
USER_FN static long do_counters(long arg)
{
	u64 v;
	(void)arg;
	__asm__ volatile(INSN4("rdcycle %0") : "=r"(v) :: "memory");
	__asm__ volatile(INSN4("rdtime %0") : "=r"(v) :: "memory");
	__asm__ volatile(INSN4("rdinstret %0") : "=r"(v) :: "memory");
	return 0;
}

static long s_sret_transition(long arg)
{
	(void)arg;
	csr_set(sstatus, MSTATUS_SPP | MSTATUS_SPIE);
	csr_clear(sstatus, MSTATUS_SIE);
	__asm__ volatile("lla t0, 1f\n csrw sepc, t0\n sret\n 1:" ::: "t0", "memory");
	return (long)csr_read(sstatus);
}

static long s_nothing(long arg) { return arg; }

static void check_trap(const char *what, u64 cause, u64 epc, u64 from, char by)
{
	bm_group(what);
	check("one trap", bm_trap.count, 1);
	check("cause", bm_trap.cause, cause);
	check("epc", bm_trap.epc, epc);
	check("previous mode", bm_trap.from, from);
	check("handled by", (u64)bm_trap.by, (u64)by);
}

static void test_ecalls(void)
{
	u64 pc;

	bm_trap_reset();
	csr_set(mstatus, MSTATUS_MIE); /* mie is 0: nothing can fire */
	pc = ecall_here();
	check_trap("ecall from M", 11, pc, MODE_M, 'M');
	check("mtval is 0", bm_trap.tval, 0);
	check("MPIE holds the old MIE", (bm_trap.status & MSTATUS_MPIE) != 0, 1);
	check("MIE cleared in the handler", (bm_trap.status & MSTATUS_MIE) != 0, 0);
	check("MIE restored by mret", (csr_read(mstatus) & MSTATUS_MIE) != 0, 1);
	csr_clear(mstatus, MSTATUS_MIE);

	bm_trap_reset();
	pc = (u64)run_in(MODE_S, do_ecall, 0);
	check_trap("ecall from S", 9, pc, MODE_S, 'M');

	bm_trap_reset();
	pc = (u64)run_in(MODE_U, do_ecall, 0);
	check_trap("ecall from U", 8, pc, MODE_U, 'M');

	/* Delegated: the S handler sees it; M only sees run_in's own exit. */
	csr_write(stvec, bm_s_trap_direct);
	csr_write(medeleg, 1ul << 8);
	check("medeleg bit 8 writable", csr_read(medeleg), 1ul << 8);
	bm_trap_reset();
	pc = (u64)run_in(MODE_U, do_ecall, 0);
	check_trap("ecall from U delegated to S", 8, pc, MODE_U, 'S');
	check("stval is 0", bm_trap.tval, 0);
	check("SPP is U", (bm_trap.status & MSTATUS_SPP) != 0, 0);
	csr_write(medeleg, 0);
}

static void test_illegal_and_ebreak(void)
{
	u64 pc;

	bm_trap_reset();
	pc = illegal_here();
	check_trap("illegal instruction in M", 2, pc, MODE_M, 'M');
	check("mtval is 0 or the instruction",
	      bm_trap.tval == 0 || bm_trap.tval == ILLEGAL_INSN, 1);

	bm_trap_reset();
	pc = ebreak_here();
	check_trap("ebreak in M", 3, pc, MODE_M, 'M');
	check("mtval is 0 or the pc", bm_trap.tval == 0 || bm_trap.tval == pc, 1);

	bm_trap_reset();
	pc = (u64)run_in(MODE_S, do_read_mstatus, 0);
	check_trap("csrr mstatus from S", 2, pc, MODE_S, 'M');
	check("mtval is 0 or the instruction",
	      bm_trap.tval == 0 || bm_trap.tval == CSRR_MSTATUS_INSN, 1);

	bm_trap_reset();
	pc = (u64)run_in(MODE_U, do_read_mstatus, 0);
	check_trap("csrr mstatus from U", 2, pc, MODE_U, 'M');
}

static void test_xret(void)
{
	u64 st;

	bm_group("mret to M with MPIE=1 MIE=0");
	csr_write(mie, 0);
	csr_clear(mstatus, MSTATUS_MIE);
	csr_set(mstatus, MSTATUS_MPP | MSTATUS_MPIE);
	__asm__ volatile("lla t0, 1f\n csrw mepc, t0\n mret\n 1:" ::: "t0", "memory");
	st = csr_read(mstatus);
	check("MIE = old MPIE", (st & MSTATUS_MIE) != 0, 1);
	check("MPIE set", (st & MSTATUS_MPIE) != 0, 1);
	check("MPP = U", (st & MSTATUS_MPP) >> 11, MODE_U);
	csr_clear(mstatus, MSTATUS_MIE);

	/* Not checked: priv 1.12 says mret to S/U clears MPRV, but QEMU 7.2
	 * (the oracle) leaves it set. */

	bm_group("sret to S with SPIE=1 SIE=0");
	st = (u64)run_in(MODE_S, s_sret_transition, 0);
	check("SIE = old SPIE", (st & MSTATUS_SIE) != 0, 1);
	check("SPIE set", (st & MSTATUS_SPIE) != 0, 1);
	check("SPP = U", (st & MSTATUS_SPP) != 0, 0);
	csr_clear(mstatus, MSTATUS_SIE);
}

static void test_vectors(void)
{
	u64 pc;

	bm_group("vectored mtvec");
	csr_write(mtvec, (u64)bm_m_vectors | 1);
	check("mtvec mode reads back vectored", csr_read(mtvec) & 3, 1);
	bm_trap_reset();
	pc = ecall_here();
	check("exception uses the base", (u64)(long)bm_trap.vec, 0);
	check("exception epc", bm_trap.epc, pc);
	MMIO32(CLINT_MSIP(0)) = 1;
	csr_write(mie, 1ul << IRQ_MSI);
	csr_set(mstatus, MSTATUS_MIE);
	bm_wait_irqs(1);
	csr_clear(mstatus, MSTATUS_MIE);
	check("one interrupt", (u64)bm_nirqs, 1);
	check("MSI code", bm_irqs[0].code, IRQ_MSI);
	check("MSI uses slot 3", (u64)(long)bm_irqs[0].vec, 3);

	bm_group("direct mtvec");
	csr_write(mtvec, bm_m_trap_direct);
	bm_trap_reset();
	MMIO32(CLINT_MSIP(0)) = 1;
	csr_set(mstatus, MSTATUS_MIE);
	bm_wait_irqs(1);
	csr_clear(mstatus, MSTATUS_MIE);
	check("MSI code", bm_irqs[0].code, IRQ_MSI);
	check("MSI uses the base", (u64)(long)bm_irqs[0].vec, -1ul);
	csr_write(mie, 0);

	bm_group("vectored stvec, delegated SSI set by M");
	csr_write(stvec, (u64)bm_s_vectors | 1);
	csr_write(mideleg, 1ul << IRQ_SSI);
	csr_write(mie, 1ul << IRQ_SSI);
	bm_trap_reset();
	csr_set(mip, 1ul << IRQ_SSI);
	/* S-mode with SIE clear still takes it: enter S with SIE set. */
	csr_set(mstatus, MSTATUS_SIE);
	run_in(MODE_S, s_nothing, 0);
	csr_clear(mstatus, MSTATUS_SIE);
	check("one interrupt", (u64)bm_nirqs, 1);
	check("SSI code", bm_irqs[0].code, IRQ_SSI);
	check("taken in S", (u64)bm_irqs[0].by, 'S');
	check("SSI uses slot 1", (u64)(long)bm_irqs[0].vec, 1);
	csr_write(mie, 0);
	csr_write(mideleg, 0);
	csr_write(stvec, bm_s_trap_direct);
}

static void test_counters(void)
{
	bm_group("counters");
	csr_write(mcounteren, 0);
	csr_write(scounteren, 0);
	bm_trap_reset();
	run_in(MODE_S, do_counters, 0);
	check("S, mcounteren=0: 3 illegal", bm_trap.count, 3);
	check("cause", bm_trap.cause, 2);
	bm_trap_reset();
	run_in(MODE_U, do_counters, 0);
	check("U, mcounteren=0: 3 illegal", bm_trap.count, 3);

	csr_write(mcounteren, 7);
	bm_trap_reset();
	run_in(MODE_S, do_counters, 0);
	check("S, mcounteren=7: no trap", bm_trap.count, 0);
	bm_trap_reset();
	run_in(MODE_U, do_counters, 0);
	check("U, scounteren=0: 3 illegal", bm_trap.count, 3);

	csr_write(scounteren, 5); /* cycle and instret only */
	bm_trap_reset();
	run_in(MODE_U, do_counters, 0);
	check("U, scounteren=5: time traps", bm_trap.count, 1);
	csr_write(scounteren, 7);
	bm_trap_reset();
	run_in(MODE_U, do_counters, 0);
	check("U, scounteren=7: no trap", bm_trap.count, 0);

	csr_write(mcounteren, 2); /* only time for S */
	bm_trap_reset();
	run_in(MODE_U, do_counters, 0);
	check("U, mcounteren=2 scounteren=7: 2 illegal", bm_trap.count, 2);
	bm_trap_reset();
	do_counters(0);
	check("M ignores both: no trap", bm_trap.count, 0);
	csr_write(mcounteren, 0);
	csr_write(scounteren, 0);
}

int main(void)
{
	bm_name("traps");
	test_ecalls();
	test_illegal_and_ebreak();
	test_xret();
	test_vectors();
	test_counters();
	return bm_finish();
}
