/*
 * Block chaining and its undoing, on a real vCPU running JIT code: a
 * two-block loop on one guest page gets its direct exits patched into each
 * other (tb_link from the loop), and tb_cache_remove() must point every
 * jump into the removed block back at its exit stub - proved by changing
 * the removed block's guest code and seeing the new code run, where a stale
 * chain would still run the old. That holds for a jmp exit and for a taken
 * conditional branch patched with its slot (JitBlock.exit_jcc).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/jit/jit.h"
#include "polyvm/engine.h"
#include "polyvm/riscv64.h"

enum { CODE = 0x1000, LOOP_A = CODE, LOOP_B = CODE + 0x10 };

static const uint32_t program[] = {
    0x00150513, /* a:  addi a0, a0, 1 */
    0x00c0006f, /*     j b */
    0x00000013, /*     nop */
    0x00000013, /*     nop */
    0x00158593, /* b:  addi a1, a1, 1 */
    0xfec5c6e3, /*     blt a1, a2, a */
    0x00100073, /*     ebreak */
};
#define ADDI_A1_2 0x00258593u
#define ADDI_A0_2 0x00250513u

static int run_loop(RvCpu *cpu, uint64_t limit)
{
    cpu->x[10] = 0;
    cpu->x[11] = 0;
    cpu->x[12] = limit;
    cpu->common.pc = LOOP_A;
    return cpu_exec(&cpu->common);
}

static void test_chain_then_remove(void **state)
{
    (void)state;
    GuestMem mem;
    assert_int_equal(guest_mem_init(&mem, 1u << 20), 0);
    assert_int_equal(guest_mem_map(&mem, CODE, GUEST_PAGE_SIZE,
                                   GUEST_PROT_READ | GUEST_PROT_WRITE | GUEST_PROT_EXEC), 0);
    memcpy(mem.base + CODE, program, sizeof(program));
    RvCpu *cpu = rv_cpu_new(&mem);
    assert_non_null(cpu);
    cpu->common.engine = CPU_ENGINE_JIT;

    assert_int_equal(run_loop(cpu, 100), CPU_EXCP_BREAKPOINT);
    assert_int_equal(cpu->x[10], 100);
    assert_int_equal(cpu->x[11], 100);
    TbCache *tbs = cpu->common.tbs;
    TranslatedBlock *a = tb_cache_lookup(tbs, LOOP_A, LOOP_A, 0), *b = tb_cache_lookup(tbs, LOOP_B, LOOP_B, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(a->jit);
    /* a's jump to b and b's taken branch back to a are chained; the loop
     * then ran without the vCPU loop: far fewer dispatches than blocks */
    assert_ptr_equal(a->link_to[0], b);
    assert_ptr_equal(b->link_to[0], a);
    assert_true(cpu->common.stats.chained_jumps >= 2);
    assert_true(cpu->common.stats.blocks_executed < 20);

    /* b now adds 2; without the removal the chain would run the old b */
    uint32_t patched = ADDI_A1_2;
    memcpy(mem.base + LOOP_B, &patched, 4);
    uint64_t translated = cpu->common.stats.blocks_translated;
    tb_cache_remove(tbs, &cpu->common, b);
    assert_null(a->link_to[0]);
    assert_null(tb_cache_lookup(tbs, LOOP_B, LOOP_B, 0));

    assert_int_equal(run_loop(cpu, 100), CPU_EXCP_BREAKPOINT);
    assert_int_equal(cpu->x[10], 50);
    assert_int_equal(cpu->x[11], 100);
    assert_int_equal(cpu->common.stats.blocks_translated, translated + 1);
    TranslatedBlock *b2 = tb_cache_lookup(tbs, LOOP_B, LOOP_B, 0);
    assert_non_null(b2);
    assert_ptr_equal(a->link_to[0], b2);

    /* removing the block others jump into and out of leaves no chain */
    tb_cache_remove(tbs, &cpu->common, a);
    assert_null(b2->link_to[0]);
    assert_int_equal(b2->link_in, 0);
    assert_int_equal(run_loop(cpu, 10), CPU_EXCP_BREAKPOINT);
    assert_int_equal(cpu->x[10], 5);

    /* b's taken blt reaches a by the branch itself (exit_jcc), patched and
     * unpatched with the slot's jmp: once the retranslated a is removed and
     * its code changed, the branch must not go on into the old a */
    TranslatedBlock *a2 = tb_cache_lookup(tbs, LOOP_A, LOOP_A, 0);
    assert_non_null(a2);
    assert_ptr_equal(b2->link_to[0], a2);
    assert_true(b2->jit->exit_jcc[0] != 0);
    uint32_t addi_a0_2 = ADDI_A0_2;
    memcpy(mem.base + LOOP_A, &addi_a0_2, 4);
    tb_cache_remove(tbs, &cpu->common, a2);
    assert_null(b2->link_to[0]);
    assert_int_equal(run_loop(cpu, 10), CPU_EXCP_BREAKPOINT);
    assert_int_equal(cpu->x[10], 10);
    rv_cpu_free(cpu);
    guest_mem_destroy(&mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_then_remove),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
