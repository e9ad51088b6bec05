/*
 * paging: Sv39 translation from S and U mode, plus Sv48/Sv57 when the
 * hart implements them.
 *
 * Layout (all tables built by M-mode, which is never translated):
 *   0x80000000-0x87ffffff  identity, 2 MiB pages, supervisor-only RWX,
 *                          except the user region 0x80200000 (U bit)
 *   0x40000000 + n*4K      4 KiB test pages n = 0.. (see enum below),
 *                          backed by scratch RAM at 0x80600000 + n*4K
 *   0x40200000             2 MiB page -> 0x80400000
 *   0x40400000             2 MiB leaf with a misaligned PPN
 *   0xc0000000             1 GiB page -> 0x80000000
 *   0x100000000            1 GiB leaf with a misaligned PPN
 * Faults go to M (nothing is delegated): the handler records cause and
 * tval, which must be the faulting virtual address.
 * A/D: QEMU sets them in hardware (the spec also allows a page fault
 * instead); this test requires the hardware update.
 * Sv48/Sv57 support is detected by writing satp and reading it back; the
 * printed lines are the same either way.
 */
#include "lib/bm.h"

#define PTE_V (1ul << 0)
#define PTE_R (1ul << 1)
#define PTE_W (1ul << 2)
#define PTE_X (1ul << 3)
#define PTE_U (1ul << 4)
#define PTE_A (1ul << 6)
#define PTE_D (1ul << 7)
#define PTE_RWX (PTE_R | PTE_W | PTE_X)
#define PTE_AD (PTE_A | PTE_D)

#define SATP_SV39 (8ul << 60)
#define SATP_SV48 (9ul << 60)
#define SATP_SV57 (10ul << 60)

#define TEST_VA 0x40000000ul
#define PAGE_VA(n) (TEST_VA + (u64)(n) * 0x1000)
#define PAGE_PA(n) (0x80600000ul + (u64)(n) * 0x1000)
#define MEGA_VA 0x40200000ul
#define MEGA_PA 0x80400000ul
#define BAD_MEGA_VA 0x40400000ul
#define GIGA_VA 0xc0000000ul
#define BAD_GIGA_VA 0x100000000ul
#define STORE_PAT 0x5707e57ul /* lui+addi: no literal pool in S pages */

/* The 4 KiB test pages. */
enum {
	PG_RW,       /* supervisor read/write */
	PG_URW,      /* user read/write */
	PG_XONLY,    /* supervisor execute-only (MXR) */
	PG_NOAD,     /* read/write with A = D = 0 */
	PG_INVALID,  /* V = 0 */
	PG_RONLY,    /* read-only */
	PG_WONLY,    /* W without R: reserved encoding */
	PG_RSVBIT,   /* reserved PTE bit 54 set */
	PG_SFENCE,   /* remapped while in use */
	PG_UCODE,    /* user execute: the page holding u_ret */
	PG_COUNT
};

static u64 root[512] __attribute__((aligned(4096)));
static u64 l1_ram[512] __attribute__((aligned(4096)));
static u64 l1_test[512] __attribute__((aligned(4096)));
static u64 l0_test[512] __attribute__((aligned(4096)));
static u64 root48[512] __attribute__((aligned(4096)));
static u64 root57[512] __attribute__((aligned(4096)));
static volatile u64 marker = 0x1badcafe5eed;

static u64 pte(u64 pa, u64 flags) { return ((pa >> 12) << 10) | flags | PTE_V; }
static u64 table(u64 *t) { return pte((u64)t, 0); }
static void sfence(void) { __asm__ volatile("sfence.vma" ::: "memory"); }

/* Accessors: exactly one 4-byte faulting instruction each; a faulting
 * load leaves the preset -1. */
static inline __attribute__((always_inline)) long ld_at(u64 va)
{
	long v = -1;
	__asm__ volatile(INSN4("ld %0, 0(%1)") : "+r"(v) : "r"(va) : "memory");
	return v;
}

static inline __attribute__((always_inline)) void sd_at(u64 va, u64 val)
{
	__asm__ volatile(INSN4("sd %1, 0(%0)") :: "r"(va), "r"(val) : "memory");
}

static long s_ld(long va) { return ld_at((u64)va); }
static long s_sd(long va) { sd_at((u64)va, STORE_PAT); return 0; }
static long s_call(long va) { return ((long (*)(long))va)(41); }
static long s_sfence_ld(long va)
{
	__asm__ volatile("sfence.vma %0, zero" :: "r"(va) : "memory");
	return ld_at((u64)va);
}
USER_FN static long u_ld(long va) { return ld_at((u64)va); }
USER_FN static long u_sd(long va) { sd_at((u64)va, STORE_PAT); return 0; }
USER_FN static long u_call(long va) { return ((long (*)(long))va)(41); }
USER_FN static long u_ret(long x) { return x + 1; }

static void expect_value(const char *what, int mode, long (*fn)(long), u64 va, u64 want)
{
	bm_group(what);
	bm_trap_reset();
	u64 got = (u64)run_in(mode, fn, (long)va);
	check("no trap", bm_trap.count, 0);
	check("value", got, want);
}

static void expect_fault(const char *what, int mode, long (*fn)(long), u64 va, u64 cause)
{
	bm_group(what);
	bm_trap_reset();
	run_in(mode, fn, (long)va);
	check("one trap", bm_trap.count, 1);
	check("cause", bm_trap.cause, cause);
	check("tval is the address", bm_trap.tval, va);
}

static void build_tables(void)
{
	for (u64 i = 0; i < 64; i++) {
		u64 pa = 0x80000000ul + (i << 21);
		u64 user = pa == (u64)__user_start ? PTE_U : 0;
		l1_ram[i] = pte(pa, PTE_RWX | PTE_AD | user);
	}
	root[2] = table(l1_ram);
	root[1] = table(l1_test);
	root[3] = pte(0x80000000ul, PTE_R | PTE_AD);
	root[4] = pte(0x80200000ul, PTE_R | PTE_AD);
	l1_test[0] = table(l0_test);
	l1_test[1] = pte(MEGA_PA, PTE_R | PTE_W | PTE_AD);
	l1_test[2] = pte(MEGA_PA + 0x1000, PTE_R | PTE_W | PTE_AD);

	l0_test[PG_RW] = pte(PAGE_PA(PG_RW), PTE_R | PTE_W | PTE_AD);
	l0_test[PG_URW] = pte(PAGE_PA(PG_URW), PTE_R | PTE_W | PTE_U | PTE_AD);
	l0_test[PG_XONLY] = pte(PAGE_PA(PG_XONLY), PTE_X | PTE_AD);
	l0_test[PG_NOAD] = pte(PAGE_PA(PG_NOAD), PTE_R | PTE_W);
	l0_test[PG_INVALID] = pte(PAGE_PA(PG_INVALID), PTE_R | PTE_W | PTE_AD) & ~PTE_V;
	l0_test[PG_RONLY] = pte(PAGE_PA(PG_RONLY), PTE_R | PTE_AD);
	l0_test[PG_WONLY] = pte(PAGE_PA(PG_WONLY), PTE_W | PTE_AD);
	l0_test[PG_RSVBIT] = pte(PAGE_PA(PG_RSVBIT), PTE_R | PTE_W | PTE_AD) | (1ul << 54);
	l0_test[PG_SFENCE] = pte(PAGE_PA(PG_SFENCE), PTE_R | PTE_AD);
	l0_test[PG_UCODE] = pte((u64)u_ret & ~0xffful, PTE_R | PTE_X | PTE_U | PTE_A);

	/* Each test page holds its own number, tagged. */
	for (u64 n = 0; n < PG_COUNT; n++)
		MMIO64(PAGE_PA(n)) = 0xda7a0000 + n;
	MMIO64(PAGE_PA(PG_COUNT)) = 0xda7a0000 + 0x100;
	MMIO64(MEGA_PA + 0x12340) = 0x2a2a2a2a;
}

static void test_sv39(void)
{
	bm_group("satp");
	csr_write(satp, SATP_SV39 | ((u64)root >> 12));
	check("Sv39 mode reads back", csr_read(satp) >> 60, 8);
	sfence();

	expect_value("S load 4K page", MODE_S, s_ld, PAGE_VA(PG_RW), 0xda7a0000 + PG_RW);
	expect_value("S store 4K page", MODE_S, s_sd, PAGE_VA(PG_RW) + 8, 0);
	check("stored through the mapping", MMIO64(PAGE_PA(PG_RW) + 8), STORE_PAT);
	expect_value("S load 2M page", MODE_S, s_ld, MEGA_VA + 0x12340, 0x2a2a2a2a);
	expect_value("S load 1G page", MODE_S, s_ld,
		     GIGA_VA + ((u64)&marker - 0x80000000ul), marker);
	expect_value("U load U page", MODE_U, u_ld, PAGE_VA(PG_URW), 0xda7a0000 + PG_URW);
	expect_value("U store U page", MODE_U, u_sd, PAGE_VA(PG_URW) + 16, 0);
	check("stored through the mapping", MMIO64(PAGE_PA(PG_URW) + 16), STORE_PAT);
	expect_value("U call through 4K U code page", MODE_U, u_call,
		     PAGE_VA(PG_UCODE) + ((u64)u_ret & 0xfff), 42);

	expect_fault("S load invalid PTE", MODE_S, s_ld, PAGE_VA(PG_INVALID), 13);
	expect_fault("S store invalid PTE", MODE_S, s_sd, PAGE_VA(PG_INVALID), 15);
	expect_fault("S store read-only", MODE_S, s_sd, PAGE_VA(PG_RONLY), 15);
	expect_fault("S load W-only PTE", MODE_S, s_ld, PAGE_VA(PG_WONLY), 13);
	expect_fault("S load reserved PTE bit", MODE_S, s_ld, PAGE_VA(PG_RSVBIT), 13);
	expect_fault("S load misaligned 2M leaf", MODE_S, s_ld, BAD_MEGA_VA, 13);
	expect_fault("S load misaligned 1G leaf", MODE_S, s_ld, BAD_GIGA_VA, 13);
	expect_fault("S load unmapped", MODE_S, s_ld, 0x20000000ul, 13);
	expect_fault("S load non-canonical", MODE_S, s_ld, 0x8000000000ul, 13);
	expect_fault("S call non-executable page", MODE_S, s_call, PAGE_VA(PG_RW), 12);
	expect_fault("S call unmapped", MODE_S, s_call, 0x20000000ul, 12);

	/* User/supervisor separation. */
	expect_fault("U load S page", MODE_U, u_ld, PAGE_VA(PG_RW), 13);
	expect_fault("U store S page", MODE_U, u_sd, PAGE_VA(PG_RW), 15);
	expect_fault("U call S code", MODE_U, u_call, (u64)bm_spin, 12);
	expect_fault("S call U code", MODE_S, s_call, (u64)u_ret, 12);
	expect_fault("S load U page, SUM=0", MODE_S, s_ld, PAGE_VA(PG_URW), 13);
	expect_fault("S store U page, SUM=0", MODE_S, s_sd, PAGE_VA(PG_URW), 15);
	csr_set(mstatus, MSTATUS_SUM);
	expect_value("S load U page, SUM=1", MODE_S, s_ld, PAGE_VA(PG_URW), 0xda7a0000 + PG_URW);
	expect_fault("S call U code, SUM=1", MODE_S, s_call, (u64)u_ret, 12);
	csr_clear(mstatus, MSTATUS_SUM);

	expect_fault("S load X-only, MXR=0", MODE_S, s_ld, PAGE_VA(PG_XONLY), 13);
	csr_set(mstatus, MSTATUS_MXR);
	expect_value("S load X-only, MXR=1", MODE_S, s_ld, PAGE_VA(PG_XONLY), 0xda7a0000 + PG_XONLY);
	csr_clear(mstatus, MSTATUS_MXR);

	bm_group("A/D bits");
	check("A and D clear before", l0_test[PG_NOAD] & PTE_AD, 0);
	expect_value("S load A=0 page", MODE_S, s_ld, PAGE_VA(PG_NOAD), 0xda7a0000 + PG_NOAD);
	bm_group("A/D bits after load");
	check("A set", (l0_test[PG_NOAD] & PTE_A) != 0, 1);
	check("D still clear", (l0_test[PG_NOAD] & PTE_D) != 0, 0);
	expect_value("S store D=0 page", MODE_S, s_sd, PAGE_VA(PG_NOAD), 0);
	bm_group("A/D bits after store");
	check("D set", (l0_test[PG_NOAD] & PTE_D) != 0, 1);
	check("data stored", MMIO64(PAGE_PA(PG_NOAD)), STORE_PAT);

	expect_value("sfence: old mapping", MODE_S, s_ld, PAGE_VA(PG_SFENCE), 0xda7a0000 + PG_SFENCE);
	l0_test[PG_SFENCE] = pte(PAGE_PA(PG_COUNT), PTE_R | PTE_AD);
	expect_value("sfence: new mapping", MODE_S, s_sfence_ld, PAGE_VA(PG_SFENCE), 0xda7a0000 + 0x100);
}

/* The wider modes reuse the Sv39 tree one or two levels down (VA bits
 * above 38 are zero for every Sv39 test address) and add one huge leaf
 * at index 1 of their new root, which maps VA 2^39 (Sv48) or 2^48 (Sv57)
 * to PA 0. */
static void test_wider_mode(const char *name, u64 mode_bits, u64 *top, u64 *next, u64 huge_va)
{
	bm_group(name);
	csr_write(satp, 0);
	csr_write(satp, mode_bits | ((u64)top >> 12));
	int have = csr_read(satp) >> 60 == mode_bits >> 60;
	check("mode reads back or stays bare", have || csr_read(satp) == 0, 1);
	if (have) {
		top[0] = table(next);
		top[1] = pte(0, PTE_R | PTE_AD);
		sfence();
	}
	/* Without the mode, print the lines of a pass. */
	u64 v = have ? (u64)run_in(MODE_S, s_ld, (long)PAGE_VA(PG_RW)) : 0xda7a0000 + PG_RW;
	check("S load 4K page", v, 0xda7a0000 + PG_RW);
	v = have ? (u64)run_in(MODE_S, s_ld, (long)(huge_va + (u64)&marker)) : marker;
	check("S load through top-level leaf", v, marker);
	bm_trap_reset();
	if (have)
		run_in(MODE_S, s_ld, (long)(huge_va << 1));
	check("unmapped top-level entry faults", have ? bm_trap.cause : 13, 13);
	csr_write(satp, 0);
}

int main(void)
{
	bm_name("paging");
	build_tables();
	test_sv39();
	test_wider_mode("Sv48", SATP_SV48, root48, root, 1ul << 39);
	test_wider_mode("Sv57", SATP_SV57, root57, root48, 1ul << 48);
	csr_write(satp, 0);
	sfence();
	return bm_finish();
}
