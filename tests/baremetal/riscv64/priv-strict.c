/*
 * priv-strict: privileged-spec rules that QEMU 7.2, the oracle of the other
 * programs, does not follow, so this program is checked against the spec
 * only (its output is never compared with QEMU's; under QEMU 7.2 it fails).
 *
 * - Simultaneously pending interrupts are taken in the order
 *   MEI > MSI > MTI > SEI > SSI > STI (priv spec, "Machine Interrupt
 *   Registers"). QEMU 7.2 without AIA takes the lowest-numbered one first.
 *   MEI is left out: raising it needs a PLIC source.
 * - mret/sret to a mode below M clears mstatus.MPRV (priv 1.12). QEMU 7.2
 *   leaves it set.
 */
#include "lib/bm.h"

static void priority_hook_m(u64 code, struct bm_frame *f)
{
	(void)f;
	if (code == IRQ_MSI)
		MMIO32(CLINT_MSIP(0)) = 0;
	else if (code == IRQ_MTI)
		MMIO64(CLINT_MTIMECMP(0)) = ~0ul;
	else
		csr_clear(mip, 1ul << code);
}

static void check_order(const u64 *want, int n, char by)
{
	check("count", (u64)bm_nirqs, (u64)n);
	for (int i = 0; i < n; i++) {
		static const char *const names[] = {"1st", "2nd", "3rd", "4th", "5th"};
		check(names[i], bm_irqs[i].code, want[i]);
		if (bm_irqs[i].by != by)
			check("handled by", (u64)bm_irqs[i].by, (u64)by);
	}
}

static void test_priority(void)
{
	static const u64 m_order[] = {IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_SSI, IRQ_STI};
	static const u64 s_order[] = {IRQ_SEI, IRQ_SSI, IRQ_STI};
	u64 s_bits = (1ul << IRQ_SEI) | (1ul << IRQ_SSI) | (1ul << IRQ_STI);
	u64 all = s_bits | (1ul << IRQ_MSI) | (1ul << IRQ_MTI);

	bm_group("priority in M");
	csr_write(mideleg, 0);
	csr_write(mie, all);
	bm_trap_reset();
	MMIO32(CLINT_MSIP(0)) = 1;
	MMIO64(CLINT_MTIMECMP(0)) = 0;
	csr_set(mip, s_bits);
	check("all five pending", bm_wait_mip(all), 1);
	bm_m_irq_hook = priority_hook_m;
	csr_set(mstatus, MSTATUS_MIE);
	bm_wait_irqs(5);
	csr_clear(mstatus, MSTATUS_MIE);
	bm_m_irq_hook = 0;
	check_order(m_order, 5, 'M');

	/* The S handler's defaults clear SEIE, SSIP and (through M) STIP. */
	bm_group("priority in S");
	csr_write(mideleg, s_bits);
	csr_write(mie, s_bits);
	bm_trap_reset();
	csr_set(mip, s_bits);
	csr_set(mstatus, MSTATUS_SIE);
	run_in(MODE_S, bm_spin, 1000);
	csr_clear(mstatus, MSTATUS_SIE);
	check_order(s_order, 3, 'S');
	csr_clear(mip, s_bits);
	csr_write(mie, 0);
	csr_write(mideleg, 0);
}

static long s_nothing(long arg) { return arg; }

static void test_mprv(void)
{
	bm_group("xRET below M clears MPRV");
	csr_set(mstatus, MSTATUS_MPRV);
	run_in(MODE_S, s_nothing, 0);
	check("mret to S", (csr_read(mstatus) & MSTATUS_MPRV) != 0, 0);
	csr_set(mstatus, MSTATUS_MPRV);
	run_in(MODE_U, s_nothing, 0);
	check("mret to U", (csr_read(mstatus) & MSTATUS_MPRV) != 0, 0);
	csr_set(mstatus, MSTATUS_MPRV);
	run_in(MODE_M, s_nothing, 0);
	check("mret to M keeps it", (csr_read(mstatus) & MSTATUS_MPRV) != 0, 1);
	csr_clear(mstatus, MSTATUS_MPRV);
}

int main(void)
{
	bm_name("priv-strict");
	test_priority();
	test_mprv();
	return bm_finish();
}
