/*
 * Unit tests of rv-mmu-walk: real Sv39/Sv48/Sv57 page tables built in a
 * byte array that stands for guest-physical memory at RAM_BASE, walked for
 * each page size, permission rule and fault the translation process has.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rv-mmu-walk.h"

#define RAM_BASE 0x80000000ull
#define RAM_PAGES 64

typedef struct Ram {
    uint8_t bytes[RAM_PAGES * RV_PAGE_SIZE];
    unsigned next_page;      /* page allocator for tables */
    unsigned writes;         /* successful A/D updates */
    int change_once;         /* write_pte reports CHANGED once (after flipping the PTE) */
    uint64_t change_to;
    bool deny_writes;
} Ram;

static Ram ram;

static uint64_t *pte_at(uint64_t pa)
{
    return (uint64_t *)(ram.bytes + (pa - RAM_BASE));
}

static bool in_ram(uint64_t pa)
{
    return pa >= RAM_BASE && pa + 8 <= RAM_BASE + sizeof(ram.bytes) && (pa & 7) == 0;
}

static bool read_pte(void *opaque, uint64_t pa, uint64_t *pte)
{
    (void)opaque;
    if (!in_ram(pa))
        return false;
    *pte = *pte_at(pa);
    return true;
}

static RvPteWrite write_pte(void *opaque, uint64_t pa, uint64_t old, uint64_t new_pte)
{
    (void)opaque;
    if (ram.deny_writes || !in_ram(pa))
        return RV_PTE_DENIED;
    if (ram.change_once) {
        /* another hart got there first */
        ram.change_once = 0;
        *pte_at(pa) = ram.change_to;
    }
    if (*pte_at(pa) != old)
        return RV_PTE_CHANGED;
    *pte_at(pa) = new_pte;
    ram.writes++;
    return RV_PTE_WRITTEN;
}

static const RvPteMem mem = {NULL, read_pte, write_pte};

static uint64_t alloc_table(void)
{
    assert_true(ram.next_page < RAM_PAGES);
    return RAM_BASE + (uint64_t)ram.next_page++ * RV_PAGE_SIZE;
}

static int setup(void **state)
{
    (void)state;
    memset(&ram, 0, sizeof(ram));
    return 0;
}

static uint64_t make_pte(uint64_t pa, uint64_t flags)
{
    return ((pa >> RV_PAGE_SHIFT) << RV_PTE_PPN_SHIFT) | flags;
}

/* satp for a fresh root table */
static uint64_t new_satp(unsigned mode)
{
    uint64_t root = alloc_table();
    return ((uint64_t)mode << RV_SATP_MODE_SHIFT) | (root >> RV_PAGE_SHIFT);
}

static unsigned vpn(uint64_t va, int level)
{
    return (unsigned)(va >> (RV_PAGE_SHIFT + 9 * level)) & 511;
}

/* Maps va to pa with a leaf at leaf_level, creating pointer tables; returns
 * the leaf PTE's address so tests can inspect or change it. */
static uint64_t map(uint64_t satp, uint64_t va, uint64_t pa, int leaf_level, uint64_t flags)
{
    int levels = rv_satp_mode_levels((unsigned)(satp >> RV_SATP_MODE_SHIFT));
    uint64_t table = (satp & RV_SATP_PPN_MASK) << RV_PAGE_SHIFT;
    for (int i = levels - 1; i > leaf_level; i--) {
        uint64_t *pte = pte_at(table + vpn(va, i) * 8);
        if (!(*pte & RV_PTE_V))
            *pte = make_pte(alloc_table(), RV_PTE_V);
        table = ((*pte >> RV_PTE_PPN_SHIFT) & ((1ull << 44) - 1)) << RV_PAGE_SHIFT;
    }
    uint64_t leaf = table + vpn(va, leaf_level) * 8;
    *pte_at(leaf) = make_pte(pa, flags | RV_PTE_V);
    return leaf;
}

#define RWX_AD (RV_PTE_R | RV_PTE_W | RV_PTE_X | RV_PTE_A | RV_PTE_D)

static RvWalkRequest request(uint64_t satp, uint64_t va, RvAccess access, unsigned priv)
{
    RvWalkRequest req = {.satp = satp, .vaddr = va, .access = access, .priv = priv};
    return req;
}

static void expect_ok(const RvWalkRequest *req, uint64_t pa, uint64_t page_size)
{
    RvWalkResult res;
    assert_true(rv_mmu_walk(req, &mem, &res));
    assert_int_equal(res.paddr, pa);
    assert_int_equal(res.page_size, page_size);
}

static void expect_fault(const RvWalkRequest *req, unsigned cause)
{
    RvWalkResult res;
    assert_false(rv_mmu_walk(req, &mem, &res));
    assert_int_equal(res.cause, cause);
}

static void test_bare_and_m_mode(void **state)
{
    (void)state;
    RvWalkRequest req = request(0, 0x1234567890ull, RV_ACCESS_WRITE, RV_PRIV_S);
    RvWalkResult res;
    assert_true(rv_mmu_walk(&req, &mem, &res));
    assert_int_equal(res.paddr, 0x1234567890ull);
    assert_int_equal(res.perms, RV_PERM_R | RV_PERM_W | RV_PERM_X);

    /* M-mode is never translated, whatever satp says */
    req = request(new_satp(RV_SATP_SV39), 0x42, RV_ACCESS_READ, RV_PRIV_M);
    expect_ok(&req, 0x42, RV_PAGE_SIZE);
}

static void test_sv39_page_sizes(void **state)
{
    (void)state;
    uint64_t satp = new_satp(RV_SATP_SV39);
    map(satp, 0x10000000ull, 0x87654000ull, 0, RWX_AD);
    map(satp, 0x40200000ull, 0x80600000ull, 1, RWX_AD);
    map(satp, 0xffffffffc0000000ull, 0x80000000ull, 2, RWX_AD);

    RvWalkRequest req = request(satp, 0x10000abcull, RV_ACCESS_READ, RV_PRIV_S);
    expect_ok(&req, 0x87654abcull, 4096);
    req.vaddr = 0x40212345ull;
    expect_ok(&req, 0x80612345ull, 2ull << 20);
    req.vaddr = 0xffffffffc1234567ull;
    expect_ok(&req, 0x81234567ull, 1ull << 30);

    /* an unmapped address faults with the cause of its access type */
    req.vaddr = 0x20000000ull;
    expect_fault(&req, RV_EXC_LOAD_PAGE_FAULT);
    req.access = RV_ACCESS_WRITE;
    expect_fault(&req, RV_EXC_STORE_PAGE_FAULT);
    req.access = RV_ACCESS_EXEC;
    expect_fault(&req, RV_EXC_INSN_PAGE_FAULT);
}

static void test_sv48_page_sizes(void **state)
{
    (void)state;
    uint64_t satp = new_satp(RV_SATP_SV48);
    map(satp, 0x7f0000001000ull, 0x80005000ull, 0, RWX_AD);
    map(satp, 0x0000008000000000ull, 0x0000010000000000ull, 3, RWX_AD);   /* 512G */
    map(satp, 0xffff800040000000ull, 0x80000000ull, 2, RWX_AD);

    RvWalkRequest req = request(satp, 0x7f0000001008ull, RV_ACCESS_READ, RV_PRIV_S);
    expect_ok(&req, 0x80005008ull, 4096);
    req.vaddr = 0x0000008123456789ull;
    expect_ok(&req, 0x0000010123456789ull, 512ull << 30);
    req.vaddr = 0xffff800040000010ull;
    expect_ok(&req, 0x80000010ull, 1ull << 30);
}

static void test_sv57_page_sizes(void **state)
{
    (void)state;
    uint64_t satp = new_satp(RV_SATP_SV57);
    map(satp, 0x00ff000000002000ull, 0x80007000ull, 0, RWX_AD);
    map(satp, 0x0001000000000000ull, 0x0001000000000000ull, 4, RWX_AD);   /* 256T */
    map(satp, 0xff00000000000000ull, 0x0000010000000000ull, 3, RWX_AD);   /* 512G */

    RvWalkRequest req = request(satp, 0x00ff000000002ffcull, RV_ACCESS_READ, RV_PRIV_S);
    expect_ok(&req, 0x80007ffcull, 4096);
    req.vaddr = 0x0001abcdef012345ull;
    expect_ok(&req, 0x0001abcdef012345ull, 256ull << 40);
    req.vaddr = 0xff00001234567890ull;
    expect_ok(&req, 0x0000011234567890ull, 512ull << 30);
}

static void test_non_canonical(void **state)
{
    (void)state;
    uint64_t satp39 = new_satp(RV_SATP_SV39);
    /* bit 39 set but bit 38 clear: not a sign extension of 39 bits */
    RvWalkRequest req = request(satp39, 0x0000008000000000ull, RV_ACCESS_READ, RV_PRIV_S);
    expect_fault(&req, RV_EXC_LOAD_PAGE_FAULT);
    req.vaddr = 0xffffff0000000000ull;   /* bits 63..40 set, 39..38 clear */
    req.access = RV_ACCESS_EXEC;
    expect_fault(&req, RV_EXC_INSN_PAGE_FAULT);

    /* the same address is canonical in Sv48 */
    uint64_t satp48 = new_satp(RV_SATP_SV48);
    map(satp48, 0x0000008000000000ull, 0x80000000ull, 0, RWX_AD);
    req = request(satp48, 0x0000008000000000ull, RV_ACCESS_READ, RV_PRIV_S);
    expect_ok(&req, 0x80000000ull, 4096);
    req.vaddr = 0x0001000000000000ull;   /* bit 48: beyond Sv48 */
    req.access = RV_ACCESS_WRITE;
    expect_fault(&req, RV_EXC_STORE_PAGE_FAULT);
}

static void test_misaligned_superpage(void **state)
{
    (void)state;
    uint64_t satp = new_satp(RV_SATP_SV39);
    map(satp, 0x40000000ull, 0x80201000ull, 1, RWX_AD);   /* 2M leaf, ppn[0] != 0 */
    map(satp, 0x80000000ull, 0x80200000ull, 2, RWX_AD);   /* 1G leaf, ppn[1] != 0 */
    RvWalkRequest req = request(satp, 0x40000000ull, RV_ACCESS_READ, RV_PRIV_S);
    expect_fault(&req, RV_EXC_LOAD_PAGE_FAULT);
    req.vaddr = 0x80000000ull;
    req.access = RV_ACCESS_EXEC;
    expect_fault(&req, RV_EXC_INSN_PAGE_FAULT);
}

static void test_user_pages(void **state)
{
    (void)state;
    uint64_t satp = new_satp(RV_SATP_SV39);
    map(satp, 0x1000, 0x80010000ull, 0, RWX_AD | RV_PTE_U);
    map(satp, 0x2000, 0x80011000ull, 0, RWX_AD);

    /* U reaches U pages only */
    RvWalkRequest req = request(satp, 0x1000, RV_ACCESS_EXEC, RV_PRIV_U);
    expect_ok(&req, 0x80010000ull, 4096);
    req.vaddr = 0x2000;
    req.access = RV_ACCESS_READ;
    expect_fault(&req, RV_EXC_LOAD_PAGE_FAULT);

    /* S loads and stores U pages only with SUM */
    req = request(satp, 0x1000, RV_ACCESS_READ, RV_PRIV_S);
    expect_fault(&req, RV_EXC_LOAD_PAGE_FAULT);
    req.access = RV_ACCESS_WRITE;
    expect_fault(&req, RV_EXC_STORE_PAGE_FAULT);
    req.sum = true;
    expect_ok(&req, 0x80010000ull, 4096);
    req.access = RV_ACCESS_READ;
    RvWalkResult res;
    assert_true(rv_mmu_walk(&req, &mem, &res));
    assert_int_equal(res.perms, RV_PERM_R | RV_PERM_W);   /* never X for S */

    /* and never executes them, SUM or not */
    req.access = RV_ACCESS_EXEC;
    expect_fault(&req, RV_EXC_INSN_PAGE_FAULT);
}

static void test_mxr_and_permissions(void **state)
{
    (void)state;
    uint64_t satp = new_satp(RV_SATP_SV39);
    map(satp, 0x1000, 0x80010000ull, 0, RV_PTE_X | RV_PTE_A | RV_PTE_D);
    map(satp, 0x2000, 0x80011000ull, 0, RV_PTE_R | RV_PTE_A | RV_PTE_D);
    map(satp, 0x3000, 0x80012000ull, 0, RV_PTE_W | RV_PTE_A | RV_PTE_D);   /* reserved W without R */

    RvWalkRequest req = request(satp, 0x1000, RV_ACCESS_READ, RV_PRIV_S);
    expect_fault(&req, RV_EXC_LOAD_PAGE_FAULT);
    req.mxr = true;
    expect_ok(&req, 0x80010000ull, 4096);
    req.access = RV_ACCESS_WRITE;
    expect_fault(&req, RV_EXC_STORE_PAGE_FAULT);

    req = request(satp, 0x2000, RV_ACCESS_WRITE, RV_PRIV_S);
    expect_fault(&req, RV_EXC_STORE_PAGE_FAULT);
    req.access = RV_ACCESS_EXEC;
    expect_fault(&req, RV_EXC_INSN_PAGE_FAULT);

    req = request(satp, 0x3000, RV_ACCESS_READ, RV_PRIV_S);
    expect_fault(&req, RV_EXC_LOAD_PAGE_FAULT);
}

static void test_reserved_bits(void **state)
{
    (void)state;
    uint64_t satp = new_satp(RV_SATP_SV39);
    uint64_t leaf = map(satp, 0x1000, 0x80010000ull, 0, RWX_AD);
    RvWalkRequest req = request(satp, 0x1000, RV_ACCESS_READ, RV_PRIV_S);
    expect_ok(&req, 0x80010000ull, 4096);

    uint64_t good = *pte_at(leaf);
    const uint64_t bad_bits[] = {1ull << 54, 1ull << 60, 1ull << 61 /* PBMT */, 1ull << 63 /* N */};
    for (size_t i = 0; i < sizeof(bad_bits) / sizeof(bad_bits[0]); i++) {
        *pte_at(leaf) = good | bad_bits[i];
        expect_fault(&req, RV_EXC_LOAD_PAGE_FAULT);
    }
    /* the RSW bits 9:8 are software's */
    *pte_at(leaf) = good | (3u << 8);
    expect_ok(&req, 0x80010000ull, 4096);

    /* a pointer PTE with A, D or U set uses reserved encodings */
    uint64_t root = (satp & RV_SATP_PPN_MASK) << RV_PAGE_SHIFT;
    uint64_t *ptr = pte_at(root);
    uint64_t ptr_good = *ptr;
    const uint64_t ptr_bad[] = {RV_PTE_A, RV_PTE_D, RV_PTE_U};
    for (size_t i = 0; i < sizeof(ptr_bad) / sizeof(ptr_bad[0]); i++) {
        *ptr = ptr_good | ptr_bad[i];
        expect_fault(&req, RV_EXC_LOAD_PAGE_FAULT);
    }
    *ptr = ptr_good;

    /* a pointer at level 0 leads nowhere */
    *pte_at(leaf) = make_pte(RAM_BASE, RV_PTE_V);
    expect_fault(&req, RV_EXC_LOAD_PAGE_FAULT);
}

static void test_accessed_dirty(void **state)
{
    (void)state;
    uint64_t satp = new_satp(RV_SATP_SV39);
    uint64_t leaf = map(satp, 0x5000, 0x80020000ull, 0, RV_PTE_R | RV_PTE_W);
    RvWalkRequest req = request(satp, 0x5000, RV_ACCESS_READ, RV_PRIV_S);
    RvWalkResult res;

    /* a load sets A only, and withholds W until D is set */
    assert_true(rv_mmu_walk(&req, &mem, &res));
    assert_int_equal(*pte_at(leaf) & (RV_PTE_A | RV_PTE_D), RV_PTE_A);
    assert_int_equal(res.perms, RV_PERM_R);
    assert_int_equal(ram.writes, 1);

    /* a store sets D and then W may be cached */
    req.access = RV_ACCESS_WRITE;
    assert_true(rv_mmu_walk(&req, &mem, &res));
    assert_int_equal(*pte_at(leaf) & (RV_PTE_A | RV_PTE_D), RV_PTE_A | RV_PTE_D);
    assert_int_equal(res.perms, RV_PERM_R | RV_PERM_W);
    assert_int_equal(ram.writes, 2);

    /* nothing left to update: no write */
    assert_true(rv_mmu_walk(&req, &mem, &res));
    assert_int_equal(ram.writes, 2);

    /* a faulting access must not set A */
    uint64_t ro = map(satp, 0x6000, 0x80021000ull, 0, RV_PTE_R);
    req.vaddr = 0x6000;
    expect_fault(&req, RV_EXC_STORE_PAGE_FAULT);
    assert_int_equal(*pte_at(ro) & RV_PTE_A, 0);

    /* Svade: fault instead of updating */
    req.access = RV_ACCESS_READ;
    req.no_ad_update = true;
    expect_fault(&req, RV_EXC_LOAD_PAGE_FAULT);
    assert_int_equal(*pte_at(ro) & RV_PTE_A, 0);
}

static void test_ad_update_races(void **state)
{
    (void)state;
    uint64_t satp = new_satp(RV_SATP_SV39);
    uint64_t leaf = map(satp, 0x7000, 0x80030000ull, 0, RV_PTE_R | RV_PTE_W);
    RvWalkRequest req = request(satp, 0x7000, RV_ACCESS_WRITE, RV_PRIV_S);
    RvWalkResult res;

    /* another hart remaps the page during the update: the walk starts over
     * and uses the new PTE */
    ram.change_once = 1;
    ram.change_to = make_pte(0x80040000ull, RV_PTE_V | RV_PTE_R | RV_PTE_W);
    assert_true(rv_mmu_walk(&req, &mem, &res));
    assert_int_equal(res.paddr, 0x80040000ull);
    assert_int_equal(*pte_at(leaf), ram.change_to | RV_PTE_A | RV_PTE_D);

    /* another hart invalidates it: page fault */
    *pte_at(leaf) = make_pte(0x80030000ull, RV_PTE_V | RV_PTE_R | RV_PTE_W);
    ram.change_once = 1;
    ram.change_to = 0;
    expect_fault(&req, RV_EXC_STORE_PAGE_FAULT);

    /* the update itself is denied by PMP: access fault */
    *pte_at(leaf) = make_pte(0x80030000ull, RV_PTE_V | RV_PTE_R | RV_PTE_W);
    ram.deny_writes = true;
    expect_fault(&req, RV_EXC_STORE_ACCESS);
}

static void test_pte_access_fault(void **state)
{
    (void)state;
    /* the root table lies outside memory */
    uint64_t satp = ((uint64_t)RV_SATP_SV39 << RV_SATP_MODE_SHIFT) | (0x1000000000ull >> RV_PAGE_SHIFT);
    RvWalkRequest req = request(satp, 0x1000, RV_ACCESS_READ, RV_PRIV_S);
    expect_fault(&req, RV_EXC_LOAD_ACCESS);
    req.access = RV_ACCESS_WRITE;
    expect_fault(&req, RV_EXC_STORE_ACCESS);
    req.access = RV_ACCESS_EXEC;
    expect_fault(&req, RV_EXC_INSN_ACCESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_bare_and_m_mode, setup),
        cmocka_unit_test_setup(test_sv39_page_sizes, setup),
        cmocka_unit_test_setup(test_sv48_page_sizes, setup),
        cmocka_unit_test_setup(test_sv57_page_sizes, setup),
        cmocka_unit_test_setup(test_non_canonical, setup),
        cmocka_unit_test_setup(test_misaligned_superpage, setup),
        cmocka_unit_test_setup(test_user_pages, setup),
        cmocka_unit_test_setup(test_mxr_and_permissions, setup),
        cmocka_unit_test_setup(test_reserved_bits, setup),
        cmocka_unit_test_setup(test_accessed_dirty, setup),
        cmocka_unit_test_setup(test_ad_update_races, setup),
        cmocka_unit_test_setup(test_pte_access_fault, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
