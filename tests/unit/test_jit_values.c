/*
 * What the JIT knows about a value within a block must go when the value
 * changes, including when an op changes it in its own register:
 *  - a base register checked against the guest size (x86-guest-access.c):
 *    after `add a1, a1, a2` moves it far out of the guest range, onto host
 *    memory that is mapped, the next load through it must raise a guest
 *    fault, not read the host's page;
 *  - an FP value's xmm copy (x86-xmm.c): after `fneg.d f0, f0` (an integer
 *    xor on f0's register), `fadd.d f2, f0, f0` must see the new f0.
 * Each runs a short guest block on a real vCPU with the JIT.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/mman.h>

#include "polyvm/engine.h"
#include "polyvm/riscv64.h"

enum { CODE = 0x1000, DATA = 0x2000 };

static RvCpu *cpu_with_code(GuestMem *mem, const uint32_t *code, size_t size)
{
    assert_int_equal(guest_mem_init(mem, 1u << 20), 0);
    assert_int_equal(guest_mem_map(mem, CODE, GUEST_PAGE_SIZE, GUEST_PROT_READ | GUEST_PROT_WRITE | GUEST_PROT_EXEC), 0);
    assert_int_equal(guest_mem_map(mem, DATA, GUEST_PAGE_SIZE, GUEST_PROT_READ | GUEST_PROT_WRITE), 0);
    memcpy(mem->base + CODE, code, size);
    RvCpu *cpu = rv_cpu_new(mem);
    assert_non_null(cpu);
    cpu->common.engine = CPU_ENGINE_JIT;
    cpu->common.pc = CODE;
    return cpu;
}

static void test_base_moved_out_of_range(void **state)
{
    (void)state;
    static const uint32_t code[] = {
        0x0005b503, /* ld a0, 0(a1) */
        0x00c585b3, /* add a1, a1, a2 */
        0x0005b503, /* ld a0, 0(a1) */
        0x00100073, /* ebreak */
    };
    GuestMem mem;
    RvCpu *cpu = cpu_with_code(&mem, code, sizeof(code));
    *(uint64_t *)(mem.base + DATA) = 0x1111;
    /* a readable host page well past the guest range and its guard */
    uint64_t off = 0;
    void *host = MAP_FAILED;
    for (uint64_t try = 16u << 20; try <= 256u << 20 && host == MAP_FAILED; try += 16u << 20) {
        host = mmap(mem.base + try, GUEST_PAGE_SIZE, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        off = try;
    }
    assert_true(host != MAP_FAILED);
    *(uint64_t *)host = 0x2222;

    cpu->x[11] = DATA;
    cpu->x[12] = off;
    assert_int_equal(cpu_exec(&cpu->common), CPU_EXCP_LOAD_FAULT);
    assert_int_equal(cpu->common.exception_aux, DATA + off);
    assert_int_equal(cpu->x[10], 0x1111);
    assert_int_equal(cpu->common.pc, CODE + 8);

    munmap(host, GUEST_PAGE_SIZE);
    rv_cpu_free(cpu);
    guest_mem_destroy(&mem);
}

static void test_fp_value_changed_in_place(void **state)
{
    (void)state;
    static const uint32_t code[] = {
        0x020070d3, /* fadd.d f1, f0, f0 */
        0x22001053, /* fsgnjn.d f0, f0, f0 (fneg.d f0, f0) */
        0x02007153, /* fadd.d f2, f0, f0 */
        0x00100073, /* ebreak */
    };
    GuestMem mem;
    RvCpu *cpu = cpu_with_code(&mem, code, sizeof(code));
    cpu->fflags = RV_FFLAG_NX;   /* so the adds take the inline path */
    cpu->frm = RV_RM_RNE;
    cpu->f[0] = 0x3ff8000000000000ull;   /* 1.5 */
    assert_int_equal(cpu_exec(&cpu->common), CPU_EXCP_BREAKPOINT);
    assert_int_equal(cpu->f[1], 0x4008000000000000ull);   /* 3.0 */
    assert_int_equal(cpu->f[0], 0xbff8000000000000ull);   /* -1.5 */
    assert_int_equal(cpu->f[2], 0xc008000000000000ull);   /* -3.0 */
    rv_cpu_free(cpu);
    guest_mem_destroy(&mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_moved_out_of_range),
        cmocka_unit_test(test_fp_value_changed_in_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
