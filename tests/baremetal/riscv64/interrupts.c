/*
 * interrupts: CLINT timer and software interrupts, delegation, Sstc, WFI
 * and the priority of simultaneously pending interrupts.
 *
 * The priority of simultaneous interrupts is in priv-strict.c: QEMU 7.2,
 * the oracle, does not follow the spec there.
 * Sstc is optional: when menvcfg.STCE does not stick the checks are skipped
 * but the same lines are printed, so outputs of VMs with and without Sstc
 * still compare equal.
 */
#include "lib/bm.h"

#define CSR_MENVCFG 0x30a
#define CSR_STIMECMP 0x14d
#define MENVCFG_STCE (1ul << 63)

static long s_nothing(long arg) { return arg; }

static void test_timer(void)
{
	bm_group("mtimecmp");
	csr_write(mie, 0);
	MMIO64(CLINT_MTIMECMP(0)) = ~0ul;
	check("MTIP clear with mtimecmp = max", (csr_read(mip) >> IRQ_MTI) & 1, 0);
	MMIO64(CLINT_MTIMECMP(0)) = 0;
	check("MTIP set with mtimecmp = 0", bm_wait_mip(1ul << IRQ_MTI), 1);
	MMIO64(CLINT_MTIMECMP(0)) = ~0ul;
	check("MTIP clears again", (csr_read(mip) >> IRQ_MTI) & 1, 0);
	u64 t0 = mtime_now();
	bm_spin(10000);
	check("mtime advances", mtime_now() > t0, 1);

	bm_group("timer interrupt with wfi");
	bm_trap_reset();
	csr_write(mie, 1ul << IRQ_MTI);
	csr_set(mstatus, MSTATUS_MIE);
	MMIO64(CLINT_MTIMECMP(0)) = mtime_now() + 1000;
	for (int i = 0; i < 1000 && bm_nirqs == 0; i++)
		__asm__ volatile("wfi");
	csr_clear(mstatus, MSTATUS_MIE);
	check("one interrupt", (u64)bm_nirqs, 1);
	check("code MTI", bm_irqs[0].code, IRQ_MTI);
	check("taken in M", (u64)bm_irqs[0].by, 'M');
	check("handler cleared MTIP", (csr_read(mip) >> IRQ_MTI) & 1, 0);

	/* Pending and enabled in mie is enough to end a WFI, MIE or not. */
	bm_group("wfi with MIE=0");
	bm_trap_reset();
	u64 when = mtime_now() + 2000;
	MMIO64(CLINT_MTIMECMP(0)) = when;
	while (!(csr_read(mip) & (1ul << IRQ_MTI)))
		__asm__ volatile("wfi");
	check("woke after mtimecmp", mtime_now() >= when, 1);
	check("no trap taken", (u64)bm_nirqs, 0);
	MMIO64(CLINT_MTIMECMP(0)) = ~0ul;

	/* M interrupts are always enabled while running below M. */
	bm_group("MTI while in U with MIE=0");
	bm_trap_reset();
	MMIO64(CLINT_MTIMECMP(0)) = 0;
	bm_wait_mip(1ul << IRQ_MTI);
	run_in(MODE_U, bm_spin, 1000);
	check("one interrupt", (u64)bm_nirqs, 1);
	check("code MTI", bm_irqs[0].code, IRQ_MTI);
	check("taken in M", (u64)bm_irqs[0].by, 'M');
	csr_write(mie, 0);
}

static void test_software(void)
{
	bm_group("msip");
	csr_write(mie, 0);
	MMIO32(CLINT_MSIP(0)) = 1;
	check("msip reads back 1", MMIO32(CLINT_MSIP(0)), 1);
	check("MSIP set", bm_wait_mip(1ul << IRQ_MSI), 1);
	bm_trap_reset();
	csr_write(mie, 1ul << IRQ_MSI);
	csr_set(mstatus, MSTATUS_MIE);
	bm_wait_irqs(1);
	csr_clear(mstatus, MSTATUS_MIE);
	check("one interrupt", (u64)bm_nirqs, 1);
	check("code MSI", bm_irqs[0].code, IRQ_MSI);
	check("handler cleared msip", MMIO32(CLINT_MSIP(0)), 0);
	check("MSIP clear", (csr_read(mip) >> IRQ_MSI) & 1, 0);
	csr_write(mie, 0);
}

/* The OpenSBI pattern: M raises STIP by software, S takes it and asks M
 * (by ecall) to lower it again. */
static void test_delegated_sti(void)
{
	bm_group("STIP set by M, delegated");
	csr_write(stvec, bm_s_trap_direct);
	csr_write(mideleg, 1ul << IRQ_STI);
	check("mideleg STI writable", (csr_read(mideleg) >> IRQ_STI) & 1, 1);
	csr_write(mie, 1ul << IRQ_STI);
	bm_trap_reset();
	csr_set(mip, 1ul << IRQ_STI);
	check("sip shows STIP", (csr_read(sip) >> IRQ_STI) & 1, 1);
	/* Delegated interrupts are never taken in M. */
	csr_set(mstatus, MSTATUS_MIE);
	bm_spin(1000);
	csr_clear(mstatus, MSTATUS_MIE);
	check("not taken in M", (u64)bm_nirqs, 0);
	csr_set(mstatus, MSTATUS_SIE);
	run_in(MODE_S, bm_spin, 1000);
	csr_clear(mstatus, MSTATUS_SIE);
	check("one interrupt", (u64)bm_nirqs, 1);
	check("code STI", bm_irqs[0].code, IRQ_STI);
	check("taken in S", (u64)bm_irqs[0].by, 'S');
	check("STIP cleared through M", (csr_read(mip) >> IRQ_STI) & 1, 0);

	/* S-mode with SIE clear ignores it; U-mode takes it regardless. */
	bm_group("delegated STI and SIE");
	bm_trap_reset();
	csr_set(mip, 1ul << IRQ_STI);
	run_in(MODE_S, bm_spin, 1000);
	check("masked in S with SIE=0", (u64)bm_nirqs, 0);
	run_in(MODE_U, bm_spin, 1000);
	check("taken from U with SIE=0", (u64)bm_nirqs, 1);
	check("taken in S", (u64)bm_irqs[0].by, 'S');

	bm_group("STI not delegated");
	csr_write(mideleg, 0);
	bm_trap_reset();
	csr_set(mip, 1ul << IRQ_STI);
	run_in(MODE_S, bm_spin, 1000);
	check("one interrupt", (u64)bm_nirqs, 1);
	check("taken in M", (u64)bm_irqs[0].by, 'M');
	csr_clear(mip, 1ul << IRQ_STI);
	csr_write(mie, 0);
}

static void sstc_hook_s(u64 code, struct bm_frame *f)
{
	(void)f;
	if (code == IRQ_STI)
		csr_write(CSR_STIMECMP, ~0ul);
}

static long s_arm_stimecmp(long delta)
{
	csr_write(CSR_STIMECMP, mtime_now() + (u64)delta);
	bm_wait_irqs(1);
	return 0;
}

static void test_sstc(void)
{
	bm_group("sstc");
	csr_set(CSR_MENVCFG, MENVCFG_STCE);
	int have = (csr_read(CSR_MENVCFG) & MENVCFG_STCE) != 0;
	u64 stip = 1ul << IRQ_STI;

	/* Without Sstc, print the same lines with values forced to pass. */
	csr_write(mcounteren, 2);
	if (have)
		csr_write(CSR_STIMECMP, ~0ul);
	check("STIP clear with stimecmp = max", have ? (csr_read(mip) & stip) != 0 : 0, 0);
	if (have)
		csr_write(CSR_STIMECMP, 0);
	check("STIP set with stimecmp = 0", have ? (u64)bm_wait_mip(stip) : 1, 1);
	if (have)
		csr_write(CSR_STIMECMP, ~0ul);

	csr_write(mideleg, stip);
	csr_write(mie, stip);
	bm_trap_reset();
	if (have) {
		bm_s_irq_hook = sstc_hook_s;
		csr_set(mstatus, MSTATUS_SIE);
		run_in(MODE_S, s_arm_stimecmp, 1000);
		csr_clear(mstatus, MSTATUS_SIE);
		bm_s_irq_hook = 0;
	}
	check("S timer interrupt from stimecmp", have ? (u64)bm_nirqs : 1, 1);
	check("taken in S", have ? (u64)bm_irqs[0].by : 'S', 'S');
	check("hook cleared STIP", have ? (csr_read(mip) & stip) != 0 : 0, 0);
	csr_write(mie, 0);
	csr_write(mideleg, 0);
	csr_write(mcounteren, 0);
	csr_clear(CSR_MENVCFG, MENVCFG_STCE);
	(void)s_nothing;
}

int main(void)
{
	bm_name("interrupts");
	test_timer();
	test_software();
	test_delegated_sti();
	test_sstc();
	return bm_finish();
}
