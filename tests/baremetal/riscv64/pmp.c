/*
 * pmp: physical memory protection with TOR, NA4 and NAPOT entries.
 *
 * Translation is off (satp = 0). crt.S leaves entry 15 open over all
 * memory, so whatever no lower entry covers stays accessible; the test
 * regions below sit in scratch RAM, 4 KiB each, and are only reached
 * physically. U/S accesses that an entry forbids raise access faults
 * (fetch 1, load 5, store 7) with mtval = the address; M-mode ignores
 * unlocked entries. The lowest-numbered matching entry decides. Locking
 * (L) is tested last because a locked entry stays until reset.
 * Per the spec, every PMP change is followed by sfence.vma.
 */
#include "lib/bm.h"

#define PMP_R 0x01ul
#define PMP_W 0x02ul
#define PMP_X 0x04ul
#define PMP_TOR (1ul << 3)
#define PMP_NA4 (2ul << 3)
#define PMP_NAPOT (3ul << 3)
#define PMP_L 0x80ul

#define REGION(n) (0x80800000ul + (u64)(n) * 0x1000)
#define R_TOR REGION(0)     /* entries 0-1: TOR, read-only */
#define R_NA4 (REGION(2) + 0x10) /* entry 2: NA4, no access */
#define R_NAPOT REGION(3)   /* entry 3: NAPOT, read/write */
#define R_FIRST REGION(4)   /* entry 4 none, entry 5 RWX: 4 wins */
#define R_SECOND REGION(5)  /* entry 6 RW, entry 7 none: 6 wins */
#define R_LOCKED REGION(6)  /* entry 8: locked, read-only */

static inline __attribute__((always_inline)) long ld_at(u64 pa)
{
	long v = -1;
	__asm__ volatile(INSN4("ld %0, 0(%1)") : "+r"(v) : "r"(pa) : "memory");
	return v;
}

static inline __attribute__((always_inline)) long lwu_at(u64 pa)
{
	long v = -1;
	__asm__ volatile(INSN4("lwu %0, 0(%1)") : "+r"(v) : "r"(pa) : "memory");
	return v;
}

static inline __attribute__((always_inline)) void sd_at(u64 pa, u64 val)
{
	__asm__ volatile(INSN4("sd %1, 0(%0)") :: "r"(pa), "r"(val) : "memory");
}

static long x_ld(long pa) { return ld_at((u64)pa); }
static long x_lwu(long pa) { return lwu_at((u64)pa); }
static long x_sd(long pa) { sd_at((u64)pa, 0x77); return 0; }
static long x_call(long pa) { return ((long (*)(long))pa)(1); }

static u64 napot(u64 base, u64 size) { return (base | (size / 2 - 1)) >> 2; }

/* Sets one pmpNcfg byte, keeping the others (entry 15 lives in pmpcfg2). */
static void set_cfg(int n, u64 cfg)
{
	int shift = (n % 8) * 8;
	u64 mask = 0xfful << shift;
	if (n < 8)
		csr_write(pmpcfg0, (csr_read(pmpcfg0) & ~mask) | (cfg << shift));
	else
		csr_write(pmpcfg2, (csr_read(pmpcfg2) & ~mask) | (cfg << shift));
	__asm__ volatile("sfence.vma" ::: "memory");
}

static u64 get_cfg(int n)
{
	u64 reg = n < 8 ? csr_read(pmpcfg0) : csr_read(pmpcfg2);
	return (reg >> ((n % 8) * 8)) & 0xff;
}

static void set_addr(int n, u64 v)
{
	switch (n) {
	case 0: csr_write(pmpaddr0, v); break;
	case 1: csr_write(pmpaddr1, v); break;
	case 2: csr_write(pmpaddr2, v); break;
	case 3: csr_write(pmpaddr3, v); break;
	case 4: csr_write(pmpaddr4, v); break;
	case 5: csr_write(pmpaddr5, v); break;
	case 6: csr_write(pmpaddr6, v); break;
	case 7: csr_write(pmpaddr7, v); break;
	case 8: csr_write(pmpaddr8, v); break;
	}
	__asm__ volatile("sfence.vma" ::: "memory");
}

static void expect_ok(const char *what, int mode, long (*fn)(long), u64 pa, u64 want)
{
	bm_group(what);
	bm_trap_reset();
	u64 got = (u64)run_in(mode, fn, (long)pa);
	check("no trap", bm_trap.count, 0);
	check("value", got, want);
}

static void expect_fault(const char *what, int mode, long (*fn)(long), u64 pa, u64 cause)
{
	bm_group(what);
	bm_trap_reset();
	run_in(mode, fn, (long)pa);
	check("one trap", bm_trap.count, 1);
	check("cause", bm_trap.cause, cause);
	check("mtval is the address", bm_trap.tval, pa);
}

static void fill_regions(void)
{
	for (u64 n = 0; n < 7; n++)
		for (u64 off = 0; off < 0x1000; off += 8)
			MMIO64(REGION(n) + off) = 0xfeed0000 + n;
}

static void test_tor(void)
{
	set_addr(0, R_TOR >> 2);
	set_addr(1, (R_TOR + 0x1000) >> 2);
	set_cfg(1, PMP_TOR | PMP_R);
	expect_ok("TOR: U load", MODE_U, x_ld, R_TOR, 0xfeed0000);
	expect_ok("TOR: U load last word", MODE_U, x_ld, R_TOR + 0xff8, 0xfeed0000);
	expect_fault("TOR: U store", MODE_U, x_sd, R_TOR + 8, 7);
	expect_fault("TOR: S store", MODE_S, x_sd, R_TOR + 0x800, 7);
	expect_fault("TOR: U fetch", MODE_U, x_call, R_TOR, 1);
	expect_ok("TOR: U store just above", MODE_U, x_sd, R_TOR + 0x1000, 0);
	expect_ok("TOR: U store just below", MODE_U, x_sd, R_TOR - 8, 0);
	expect_ok("TOR: M store", MODE_M, x_sd, R_TOR + 16, 0);
	check("TOR: M store landed", MMIO64(R_TOR + 16), 0x77);
}

static void test_na4(void)
{
	set_addr(2, R_NA4 >> 2);
	set_cfg(2, PMP_NA4);
	expect_fault("NA4: U load word", MODE_U, x_lwu, R_NA4, 5);
	expect_fault("NA4: S store", MODE_S, x_sd, R_NA4, 7);
	expect_ok("NA4: U load next word", MODE_U, x_lwu, R_NA4 + 4, 0);
	expect_ok("NA4: U load previous word", MODE_U, x_lwu, R_NA4 - 4, 0);
	expect_ok("NA4: M load", MODE_M, x_lwu, R_NA4, 0xfeed0002);
}

static void test_napot(void)
{
	set_addr(3, napot(R_NAPOT, 0x1000));
	set_cfg(3, PMP_NAPOT | PMP_R | PMP_W);
	check("NAPOT: pmpaddr3 reads back", csr_read(pmpaddr3), napot(R_NAPOT, 0x1000));
	check("NAPOT: pmp3cfg reads back", get_cfg(3), PMP_NAPOT | PMP_R | PMP_W);
	expect_ok("NAPOT: U store", MODE_U, x_sd, R_NAPOT + 0xff8, 0);
	expect_ok("NAPOT: U load", MODE_U, x_ld, R_NAPOT + 0xff8, 0x77);
	expect_fault("NAPOT: U fetch", MODE_U, x_call, R_NAPOT, 1);
	expect_fault("NAPOT: S fetch", MODE_S, x_call, R_NAPOT + 0x100, 1);
}

static void test_priority(void)
{
	set_addr(4, napot(R_FIRST, 0x1000));
	set_cfg(4, PMP_NAPOT);
	set_addr(5, napot(R_FIRST, 0x1000));
	set_cfg(5, PMP_NAPOT | PMP_R | PMP_W | PMP_X);
	expect_fault("priority: entry 4 (none) over 5 (RWX)", MODE_U, x_ld, R_FIRST + 8, 5);
	set_addr(6, napot(R_SECOND, 0x1000));
	set_cfg(6, PMP_NAPOT | PMP_R | PMP_W);
	set_addr(7, napot(R_SECOND, 0x1000));
	set_cfg(7, PMP_NAPOT);
	expect_ok("priority: entry 6 (RW) over 7 (none)", MODE_U, x_ld, R_SECOND + 8, 0xfeed0005);
	/* A narrower entry 2 (NA4, none) inside the wider entry 6 (RW). */
	set_addr(2, (R_SECOND + 0x40) >> 2);
	expect_fault("priority: NA4 entry 2 inside entry 6", MODE_U, x_lwu, R_SECOND + 0x40, 5);
	expect_ok("priority: entry 6 around it", MODE_U, x_lwu, R_SECOND + 0x44, 0);
}

/* With no entry matching, S/U would fail everywhere; M still succeeds. */
static void test_no_match_m(void)
{
	set_cfg(15, 0);
	expect_ok("no match: M load", MODE_M, x_ld, REGION(7), 0);
	set_cfg(15, PMP_NAPOT | PMP_R | PMP_W | PMP_X);
}

static void test_locked(void)
{
	u64 addr = napot(R_LOCKED, 0x1000);
	set_addr(8, addr);
	set_cfg(8, PMP_NAPOT | PMP_R | PMP_L);
	expect_ok("locked: M load", MODE_M, x_ld, R_LOCKED, 0xfeed0006);
	expect_fault("locked: M store", MODE_M, x_sd, R_LOCKED + 8, 7);
	expect_fault("locked: M fetch", MODE_M, x_call, R_LOCKED, 1);
	expect_fault("locked: U store", MODE_U, x_sd, R_LOCKED, 7);
	bm_group("locked");
	set_addr(8, 0);
	check("pmpaddr8 ignores writes", csr_read(pmpaddr8), addr);
	set_cfg(8, PMP_NAPOT | PMP_R | PMP_W | PMP_X);
	check("pmp8cfg ignores writes", get_cfg(8), PMP_NAPOT | PMP_R | PMP_L);
	check("other bytes of pmpcfg2 still writable", get_cfg(15), PMP_NAPOT | PMP_R | PMP_W | PMP_X);
	expect_fault("locked: M store after rewrite attempt", MODE_M, x_sd, R_LOCKED, 7);
}

int main(void)
{
	bm_name("pmp");
	csr_write(satp, 0);
	fill_regions();
	test_tor();
	test_na4();
	test_napot();
	test_priority();
	test_no_match_m();
	test_locked();
	return bm_finish();
}
