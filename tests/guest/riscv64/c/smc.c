/*
 * Freestanding C guest test of self-modifying code the way JITs and loaders
 * do it: machine code written at run time into pages from mmap (RWX, or RW
 * then mprotect to RX), executed, rewritten at the same address, fence.i,
 * executed again. Complements fencei.S (patches inside the ELF image).
 *
 * Covered: a rewrite seen after fence.i, many rewrites in a row; an
 * instruction inside a loop that ran hot (so its block is translated,
 * chained to itself, and found through the jump cache) before the rewrite;
 * a block chained to a patched block in the same page and one that jumps
 * to a patched block on the next page; W^X via mprotect; a page unmapped
 * and mapped again at the same address with other code; a 32-bit
 * instruction replaced by two 16-bit ones and back; generated code that
 * patches its own next instruction.
 *
 * Instructions are encoded here by their RV64I/C formats. No libc: the
 * runtime (lib/runtime.S) provides _start, checks and exit; system calls
 * are made with ecall.
 */
#include "pvtest.h"

const char pv_test_name[] = "rv64-c-smc";

/* ---- system calls ---- */

enum { SYS_MUNMAP = 215, SYS_MMAP = 222, SYS_MPROTECT = 226 };
enum { PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4 };
enum { MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20 };
#define PAGE 4096

static long syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;
	register long a3 __asm__("a3") = d;
	register long a4 __asm__("a4") = e;
	register long a5 __asm__("a5") = f;
	register long a7 __asm__("a7") = n;
	__asm__ volatile("ecall"
			 : "+r"(a0)
			 : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
			 : "memory");
	return a0;
}

static uint32_t *map_code(void *at, unsigned pages, int prot)
{
	long r = syscall6(SYS_MMAP, (long)at, pages * PAGE, prot,
			  MAP_PRIVATE | MAP_ANONYMOUS | (at ? MAP_FIXED : 0), -1, 0);
	return r < 0 && r > -4096 ? 0 : (uint32_t *)r;
}

static long protect(void *p, unsigned pages, int prot)
{
	return syscall6(SYS_MPROTECT, (long)p, pages * PAGE, prot, 0, 0, 0);
}

static void fence_i(void)
{
	__asm__ volatile("fence.i" ::: "memory");
}

/* ---- encoders ---- */

enum { ZERO = 0, RA = 1, A0 = 10, A1 = 11, A2 = 12 };

static uint32_t i_type(uint32_t opc, unsigned rd, unsigned f3, unsigned rs1, int32_t imm)
{
	return opc | rd << 7 | f3 << 12 | rs1 << 15 | ((uint32_t)imm & 0xfff) << 20;
}

static uint32_t r_type(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd)
{
	return 0x33 | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | f7 << 25;
}

static uint32_t addi(unsigned rd, unsigned rs1, int32_t imm) { return i_type(0x13, rd, 0, rs1, imm); }
static uint32_t add(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(0, rs2, rs1, 0, rd); }
static uint32_t sub(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(0x20, rs2, rs1, 0, rd); }
static uint32_t xor_(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(0, rs2, rs1, 4, rd); }
static uint32_t sw(unsigned rs2, unsigned rs1, int32_t imm)
{
	uint32_t u = (uint32_t)imm;
	return 0x23 | (u & 0x1f) << 7 | 2u << 12 | rs1 << 15 | rs2 << 20 | (u >> 5 & 0x7f) << 25;
}
static uint32_t bne(unsigned rs1, unsigned rs2, int32_t off)
{
	uint32_t u = (uint32_t)off;
	return 0x63 | (u >> 11 & 1) << 7 | (u >> 1 & 0xf) << 8 | 1u << 12 | rs1 << 15 | rs2 << 20 |
	       (u >> 5 & 0x3f) << 25 | (u >> 12 & 1) << 31;
}
static uint32_t jal(unsigned rd, int32_t off)
{
	uint32_t u = (uint32_t)off;
	return 0x6f | rd << 7 | (u >> 12 & 0xff) << 12 | (u >> 11 & 1) << 20 | (u >> 1 & 0x3ff) << 21 |
	       (u >> 20 & 1) << 31;
}
#define RET 0x00008067u		/* jalr zero, 0(ra) */
#define FENCE_I 0x0000100fu
#define NOP 0x00000013u
static uint16_t c_li(unsigned rd, int32_t imm)
{
	uint32_t u = (uint32_t)imm;
	return (uint16_t)(0x4001 | (u >> 5 & 1) << 12 | rd << 7 | (u & 0x1f) << 2);
}
#define C_JR_RA 0x8082u

/* ---- running generated code ---- */

typedef uint64_t (*GenFn)(uint64_t, uint64_t, uint64_t);

static uint64_t run(const void *code, uint64_t a0, uint64_t a1, uint64_t a2)
{
	GenFn f = (GenFn)(uintptr_t)code;
	return f(a0, a1, a2);
}

static void put(uint32_t *code, unsigned index, uint32_t insn)
{
	((volatile uint32_t *)code)[index] = insn;
}

/* ---- tests ---- */

static void test_rewrite(uint32_t *p)
{
	GROUP("rewrite");
	put(p, 0, addi(A0, ZERO, 1));
	put(p, 1, RET);
	fence_i();
	CHECK(run(p, 0, 0, 0), 1);
	put(p, 0, addi(A0, ZERO, 2));
	fence_i();
	CHECK(run(p, 0, 0, 0), 2);
	/* a new instruction at the same address, many times over */
	uint64_t bad = 0;
	for (int32_t i = -300; i < 300; i++) {
		put(p, 0, addi(A0, ZERO, i));
		fence_i();
		bad += run(p, 0, 0, 0) != (uint64_t)(int64_t)i;
	}
	CHECK(bad, 0);
}

/* a0 += a1, a2 times: the add is what gets rewritten */
static void write_loop(uint32_t *p, uint32_t op)
{
	put(p, 0, op);
	put(p, 1, addi(A2, A2, -1));
	put(p, 2, bne(A2, ZERO, -8));
	put(p, 3, RET);
}

static uint64_t run_hot(const uint32_t *p, uint64_t a0, uint64_t a1, uint64_t a2, unsigned calls)
{
	uint64_t bad = 0, first = run(p, a0, a1, a2);
	for (unsigned i = 1; i < calls; i++)
		bad += run(p, a0, a1, a2) != first;
	return bad ? ~0ull : first;
}

static void test_hot_loop(uint32_t *p)
{
	GROUP("hot-loop");
	write_loop(p, add(A0, A0, A1));
	fence_i();
	CHECK(run_hot(p, 0, 3, 100, 300), 300);
	put(p, 0, sub(A0, A0, A1));
	fence_i();
	CHECK(run(p, 1000, 3, 100), 700);
	CHECK(run_hot(p, 1000, 3, 100, 300), 700);
	put(p, 0, xor_(A0, A0, A1));
	fence_i();
	CHECK(run(p, 0x10, 0x5, 3), 0x15);
	CHECK(run_hot(p, 0x10, 0x5, 4, 300), 0x10);
	/* back to the first form: an old translation must not come back */
	put(p, 0, add(A0, A0, A1));
	fence_i();
	CHECK(run(p, 7, 2, 10), 27);
}

/* A (at index 0) adds 1 and jumps to B (at index `b`), which adds 10 and returns. */
static void test_chain(uint32_t *p, unsigned b, const char *group)
{
	GROUP(group);
	put(p, 0, addi(A0, A0, 1));
	put(p, 1, jal(ZERO, (int32_t)(b - 1) * 4));
	put(p, b, addi(A0, A0, 10));
	put(p, b + 1, RET);
	fence_i();
	CHECK(run_hot(p, 5, 0, 0, 1000), 16);
	put(p, b, addi(A0, A0, 20));
	fence_i();
	CHECK(run(p, 5, 0, 0), 26);
	CHECK(run_hot(p, 5, 0, 0, 1000), 26);
	/* A itself changes; B stays */
	put(p, 0, addi(A0, A0, 2));
	fence_i();
	CHECK(run(p, 5, 0, 0), 27);
}

static void test_mprotect(void)
{
	GROUP("mprotect-w^x");
	uint32_t *p = map_code(0, 1, PROT_READ | PROT_WRITE);
	CHECK(p != 0, 1);
	if (!p)
		return;
	write_loop(p, add(A0, A0, A1));
	CHECK(protect(p, 1, PROT_READ | PROT_EXEC), 0);
	fence_i();
	CHECK(run_hot(p, 0, 2, 50, 300), 100);
	CHECK(protect(p, 1, PROT_READ | PROT_WRITE), 0);
	put(p, 0, sub(A0, A0, A1));
	CHECK(protect(p, 1, PROT_READ | PROT_EXEC), 0);
	fence_i();
	CHECK(run(p, 0, 2, 50), (uint64_t)-100);
	CHECK(run_hot(p, 0, 2, 50, 300), (uint64_t)-100);
	syscall6(SYS_MUNMAP, (long)p, PAGE, 0, 0, 0, 0);
}

static void test_remap(void)
{
	GROUP("remap");
	uint32_t *p = map_code(0, 1, PROT_READ | PROT_WRITE | PROT_EXEC);
	CHECK(p != 0, 1);
	if (!p)
		return;
	write_loop(p, add(A0, A0, A1));
	fence_i();
	CHECK(run_hot(p, 0, 1, 20, 300), 20);
	/* a fresh page at the same address (zero-filled), other code in it */
	CHECK(syscall6(SYS_MUNMAP, (long)p, PAGE, 0, 0, 0, 0), 0);
	uint32_t *q = map_code(p, 1, PROT_READ | PROT_WRITE | PROT_EXEC);
	CHECK(q == p, 1);
	if (q != p)
		return;
	put(p, 0, addi(A0, ZERO, 99));
	put(p, 1, RET);
	fence_i();
	CHECK(run(p, 0, 1, 20), 99);
	syscall6(SYS_MUNMAP, (long)p, PAGE, 0, 0, 0, 0);
}

static void test_compressed(uint32_t *p)
{
	GROUP("compressed");
	put(p, 0, addi(A0, ZERO, 1));
	put(p, 1, RET);
	fence_i();
	CHECK(run_hot(p, 0, 0, 0, 100), 1);
	/* c.li a0, 7 ; c.jr ra in the place of the addi */
	put(p, 0, (uint32_t)C_JR_RA << 16 | c_li(A0, 7));
	fence_i();
	CHECK(run(p, 0, 0, 0), 7);
	CHECK(run_hot(p, 0, 0, 0, 100), 7);
	/* only the first half: c.li a0, -3, then the old c.jr */
	((volatile uint16_t *)p)[0] = c_li(A0, -3);
	fence_i();
	CHECK(run(p, 0, 0, 0), (uint64_t)-3);
	put(p, 0, addi(A0, ZERO, 5));
	fence_i();
	CHECK(run(p, 0, 0, 0), 5);
}

/* The generated code stores a1 over its own instruction at index 3, runs
 * fence.i, then that instruction: it returns what a1 encodes. */
static void test_self_patch(uint32_t *p)
{
	GROUP("self-patch");
	put(p, 0, sw(A1, A0, 12));
	put(p, 1, FENCE_I);
	put(p, 2, NOP);
	put(p, 3, addi(A0, ZERO, 0));
	put(p, 4, RET);
	fence_i();
	CHECK(run(p, (uintptr_t)p, addi(A0, ZERO, 6), 0), 6);
	CHECK(run(p, (uintptr_t)p, addi(A0, ZERO, 7), 0), 7);
	uint64_t bad = 0;
	for (int32_t i = 0; i < 500; i++)
		bad += run(p, (uintptr_t)p, addi(A0, ZERO, i & 0x7ff), 0) != (uint64_t)(i & 0x7ff);
	CHECK(bad, 0);
}

void test_main(void)
{
	uint32_t *p = map_code(0, 2, PROT_READ | PROT_WRITE | PROT_EXEC);
	GROUP("mmap");
	CHECK(p != 0, 1);
	if (!p)
		return;
	test_rewrite(p);
	test_hot_loop(p);
	test_chain(p, 16, "chain-same-page");
	test_chain(p, PAGE / 4 + 8, "chain-next-page");
	test_compressed(p);
	test_self_patch(p);
	test_mprotect();
	test_remap();
}
