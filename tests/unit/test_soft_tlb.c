/*
 * Unit tests of the system-mode soft TLB (src/mem/soft-tlb.c) through the
 * accessors engines use (cpu_ld, cpu_st, atomics, cpu_fetch_code), with a
 * small page table of our own as the front end's walk: RAM round trips,
 * accesses split across two pages mapped far apart, MMIO dispatch with
 * offset and size, page faults and access faults with their address, a
 * store that would cross into a faulting page writing nothing, and code
 * pages whose writes drop the translations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "polyvm/frontend.h"
#include "polyvm/phys-map.h"
#include "mem/softmmu.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (64ull << 12)
#define MMIO_BASE 0x10000000ull

/* virtual page -> physical page, prot */
typedef struct Mapping {
    uint64_t va, pa;
    unsigned prot;
} Mapping;

static const Mapping mappings[] = {
    {0x40000000, RAM_BASE + 0x5000, GUEST_PROT_READ | GUEST_PROT_WRITE | GUEST_PROT_EXEC},
    {0x40001000, RAM_BASE + 0x2000, GUEST_PROT_READ | GUEST_PROT_WRITE | GUEST_PROT_EXEC},
    {0x40002000, RAM_BASE + 0x9000, GUEST_PROT_READ},
    {0x50000000, MMIO_BASE, GUEST_PROT_READ | GUEST_PROT_WRITE},
    {0x60000000, 0x70000000, GUEST_PROT_READ | GUEST_PROT_WRITE},   /* nothing there */
};

static int fake_fill(CpuCommon *cpu, uint64_t vaddr, TlbAccess access, unsigned mmu, TlbFill *out)
{
    (void)cpu;
    (void)mmu;
    static const int page_fault[] = {CPU_EXCP_LOAD_PAGE_FAULT, CPU_EXCP_STORE_PAGE_FAULT,
                                     CPU_EXCP_FETCH_PAGE_FAULT};
    static const unsigned need[] = {GUEST_PROT_READ, GUEST_PROT_WRITE, GUEST_PROT_EXEC};
    for (size_t i = 0; i < sizeof(mappings) / sizeof(mappings[0]); i++) {
        if (mappings[i].va == (vaddr & TLB_PAGE_MASK)) {
            if (!(mappings[i].prot & need[access]))
                return page_fault[access];
            out->paddr = mappings[i].pa;
            out->prot = mappings[i].prot;
            return CPU_EXCP_NONE;
        }
    }
    return page_fault[access];
}

static const FrontendOps fake_fe = {.name = "fake", .tlb_fill = fake_fill};

/* a device that records its last access and answers reads with a pattern */
typedef struct FakeDev {
    uint64_t last_offset, last_value;
    unsigned last_size, reads, writes;
} FakeDev;

static uint64_t dev_read(void *opaque, uint64_t offset, unsigned size)
{
    FakeDev *d = opaque;
    d->reads++;
    d->last_offset = offset;
    d->last_size = size;
    return 0x1122334455667788ull & (size == 8 ? ~0ull : (1ull << (8 * size)) - 1);
}

static void dev_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    FakeDev *d = opaque;
    d->writes++;
    d->last_offset = offset;
    d->last_value = value;
    d->last_size = size;
}

static const DeviceMmioOps dev_ops = {dev_read, dev_write};

typedef struct Fixture {
    PhysMap map;
    FakeDev dev;
    CpuCommon *cpu;
} Fixture;

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    phys_map_init(&f->map);
    assert_int_equal(phys_map_add_ram(&f->map, "ram", RAM_BASE, RAM_SIZE, PHYS_RAM), 0);
    assert_int_equal(phys_map_add_mmio(&f->map, "dev", MMIO_BASE, 0x1000, &dev_ops, &f->dev), 0);
    f->cpu = calloc(1, sizeof(CpuCommon));
    f->cpu->fe = &fake_fe;
    f->cpu->phys = &f->map;
    tlb_flush_all(&f->cpu->tlb);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    phys_map_destroy(&f->map);
    free(f->cpu);
    free(f);
    return 0;
}

static uint8_t *ram(Fixture *f, uint64_t pa) { return phys_map_ram_ptr(&f->map, pa, 1, true); }

/* Runs cpu_ld; returns the exception raised (CPU_EXCP_NONE if none). */
static int try_ld(CpuCommon *cpu, uint64_t addr, IrMemOp mo, uint64_t *v)
{
    if (sigsetjmp(cpu->jmp, 0))
        return cpu->exception;
    *v = cpu_ld(cpu, addr, mo, IR_I64);
    return CPU_EXCP_NONE;
}

static int try_st(CpuCommon *cpu, uint64_t addr, IrMemOp mo, uint64_t v)
{
    if (sigsetjmp(cpu->jmp, 0))
        return cpu->exception;
    cpu_st(cpu, addr, v, mo);
    return CPU_EXCP_NONE;
}

static void test_ram_round_trip(void **state)
{
    Fixture *f = *state;
    uint64_t v = 0;
    assert_int_equal(try_st(f->cpu, 0x40000010, ir_memop(3, 0, 1), 0x0123456789abcdefull), CPU_EXCP_NONE);
    assert_memory_equal(ram(f, RAM_BASE + 0x5010), "\xef\xcd\xab\x89\x67\x45\x23\x01", 8);
    assert_int_equal(try_ld(f->cpu, 0x40000010, ir_memop(2, IR_MO_SIGN, 1), &v), CPU_EXCP_NONE);
    assert_int_equal(v, 0xffffffff89abcdefull);
    /* the second access hits: one fill */
    assert_int_equal(f->cpu->tlb.fills, 1);
}

static void test_split_across_pages(void **state)
{
    Fixture *f = *state;
    /* 0x40000ffc..0x40001003: last 4 bytes of pa 0x5000 page, first 4 of 0x2000 */
    assert_int_equal(try_st(f->cpu, 0x40000ffc, ir_memop(3, 0, 0), 0x8877665544332211ull), CPU_EXCP_NONE);
    assert_memory_equal(ram(f, RAM_BASE + 0x5ffc), "\x11\x22\x33\x44", 4);
    assert_memory_equal(ram(f, RAM_BASE + 0x2000), "\x55\x66\x77\x88", 4);
    uint64_t v = 0;
    assert_int_equal(try_ld(f->cpu, 0x40000ffc, ir_memop(3, 0, 0), &v), CPU_EXCP_NONE);
    assert_int_equal(v, 0x8877665544332211ull);
    uint8_t code[8];
    assert_true(cpu_fetch_code(f->cpu, 0x40000ffc, code, 8));
    assert_memory_equal(code, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
}

static void test_store_into_fault_writes_nothing(void **state)
{
    Fixture *f = *state;
    memset(ram(f, RAM_BASE + 0x2ff8), 0xaa, 8);
    /* 0x40001ffc crosses into 0x40002000, which is read-only */
    assert_int_equal(try_st(f->cpu, 0x40001ffc, ir_memop(3, 0, 0), 0), CPU_EXCP_STORE_PAGE_FAULT);
    assert_int_equal(f->cpu->exception_aux, 0x40002003);
    assert_memory_equal(ram(f, RAM_BASE + 0x2ff8), "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa", 8);
}

static void test_faults(void **state)
{
    Fixture *f = *state;
    uint64_t v;
    assert_int_equal(try_ld(f->cpu, 0x7000123, ir_memop(0, 0, 0), &v), CPU_EXCP_LOAD_PAGE_FAULT);
    assert_int_equal(f->cpu->exception_aux, 0x7000123);
    assert_int_equal(try_st(f->cpu, 0x40002008, ir_memop(2, 0, 0), 1), CPU_EXCP_STORE_PAGE_FAULT);
    /* mapped by the page table to where nothing is: an access fault */
    assert_int_equal(try_ld(f->cpu, 0x60000040, ir_memop(3, 0, 0), &v), CPU_EXCP_LOAD_FAULT);
    assert_int_equal(try_ld(f->cpu, 0x40000001, ir_memop(1, IR_MO_ALIGN, 0), &v), CPU_EXCP_LOAD_MISALIGNED);
    uint8_t code[4];
    assert_false(cpu_fetch_code(f->cpu, 0x40002000, code, 4));   /* no execute */
    assert_false(cpu_fetch_code(f->cpu, 0x50000000, code, 4));   /* device memory */
    assert_int_equal(softmmu_fetch_fault(f->cpu, 0x40002000, 0), CPU_EXCP_FETCH_PAGE_FAULT);
}

static void test_mmio(void **state)
{
    Fixture *f = *state;
    uint64_t v = 0;
    assert_int_equal(try_ld(f->cpu, 0x50000024, ir_memop(2, 0, 0), &v), CPU_EXCP_NONE);
    assert_int_equal(v, 0x55667788);
    assert_int_equal(f->dev.last_offset, 0x24);
    assert_int_equal(f->dev.last_size, 4);
    assert_int_equal(try_st(f->cpu, 0x50000008, ir_memop(0, 0, 0), 0x1ff), CPU_EXCP_NONE);
    assert_int_equal(f->dev.last_offset, 8);
    assert_int_equal(f->dev.last_value & 0xff, 0xff);
    assert_int_equal(f->dev.last_size, 1);
    /* every access goes to the device, none is cached */
    assert_int_equal(try_ld(f->cpu, 0x50000024, ir_memop(2, 0, 0), &v), CPU_EXCP_NONE);
    assert_int_equal(f->dev.reads, 2);
    /* no atomics on device memory */
    if (sigsetjmp(f->cpu->jmp, 0) == 0) {
        cpu_atomic_rmw(f->cpu, 0x50000000, 1, ir_memop(2, 0, 0), IR_ATOMIC_ADD, IR_I64);
        fail_msg("atomic on MMIO did not fault");
    }
    assert_int_equal(f->cpu->exception, CPU_EXCP_STORE_FAULT);
}

static void test_code_page_write(void **state)
{
    Fixture *f = *state;
    uint64_t v;
    assert_int_equal(try_ld(f->cpu, 0x40000000, ir_memop(3, 0, 0), &v), CPU_EXCP_NONE);
    assert_int_equal(try_st(f->cpu, 0x40000100, ir_memop(3, 0, 0), 7), CPU_EXCP_NONE);
    assert_int_equal(f->map.code_writes, 0);
    softmmu_mark_code(f->cpu, RAM_BASE + 0x5000);
    /* the entry filled before the mark now sends writes to the slow path,
     * which counts a code write this vCPU has already dealt with */
    assert_int_equal(try_st(f->cpu, 0x40000108, ir_memop(3, 0, 0), 9), CPU_EXCP_NONE);
    assert_int_equal(f->map.code_writes, 1);
    assert_int_equal(f->cpu->code_writes_seen, 1);
    assert_int_equal(*(uint64_t *)(void *)ram(f, RAM_BASE + 0x5108), 9);
    /* so its instruction barrier drops nothing more */
    cpu_instruction_barrier(f->cpu);
    assert_false(f->cpu->flush_pending);
    /* the mark is gone: later writes are plain again */
    assert_int_equal(try_st(f->cpu, 0x40000110, ir_memop(3, 0, 0), 10), CPU_EXCP_NONE);
    assert_int_equal(f->map.code_writes, 1);
    /* a page marked before its entry is filled is slow from the start */
    tlb_flush_all(&f->cpu->tlb);
    softmmu_mark_code(f->cpu, RAM_BASE + 0x2000);
    assert_int_equal(try_st(f->cpu, 0x40001000, ir_memop(0, 0, 0), 1), CPU_EXCP_NONE);
    assert_int_equal(f->map.code_writes, 2);
    /* a device writing a code page (DMA) is seen at the next barrier */
    softmmu_mark_code(f->cpu, RAM_BASE + 0x7000);
    assert_non_null(phys_map_ram_ptr(&f->map, RAM_BASE + 0x6ff8, 16, true));
    assert_int_equal(f->map.code_writes, 3);
    assert_non_null(phys_map_ram_ptr(&f->map, RAM_BASE + 0x7000, 16, false));
    assert_int_equal(f->map.code_writes, 3);
    cpu_instruction_barrier(f->cpu);
    assert_true(f->cpu->flush_pending);
    assert_int_equal(f->cpu->code_writes_seen, 3);
}

static void test_flush_page(void **state)
{
    Fixture *f = *state;
    uint64_t v;
    assert_int_equal(try_ld(f->cpu, 0x40000000, ir_memop(3, 0, 2), &v), CPU_EXCP_NONE);
    uint64_t fills = f->cpu->tlb.fills;
    tlb_flush_page(&f->cpu->tlb, 0x40000abc);
    assert_int_equal(try_ld(f->cpu, 0x40000000, ir_memop(3, 0, 2), &v), CPU_EXCP_NONE);
    assert_int_equal(f->cpu->tlb.fills, fills + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ram_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_across_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_into_fault_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mmio, setup, teardown),
        cmocka_unit_test_setup_teardown(test_code_page_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flush_page, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
