/*
 * The guest-physical map: lookups by bisection, overlap rejection, and
 * phys_map_ram_ptr() refusing any range that leaves its RAM region, even
 * into adjacent RAM, and any length that would wrap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "polyvm/phys-map.h"

static uint64_t dummy_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)opaque;
    (void)size;
    return offset;
}

static void dummy_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    (void)opaque;
    (void)offset;
    (void)value;
    (void)size;
}

static const DeviceMmioOps dummy_ops = {dummy_read, dummy_write};

static void test_find_and_order(void **state)
{
    (void)state;
    PhysMap map;
    phys_map_init(&map);
    /* Added out of order: the map keeps them sorted. */
    assert_int_equal(phys_map_add_ram(&map, "ram", 0x80000000, 1ull << 30, PHYS_RAM), 0);
    assert_int_equal(phys_map_add_mmio(&map, "uart", 0x10000000, 0x100, &dummy_ops, NULL), 0);
    assert_int_equal(phys_map_add_ram(&map, "rom", 0x1000, 0x1000, PHYS_ROM), 0);
    assert_int_equal(phys_map_add_mmio(&map, "clint", 0x2000000, 0x10000, &dummy_ops, NULL), 0);
    assert_int_equal(map.count, 4);
    for (size_t i = 1; i < map.count; i++)
        assert_true(map.regions[i - 1].base < map.regions[i].base);

    assert_null(phys_map_find(&map, 0));
    assert_null(phys_map_find(&map, 0xfff));
    assert_string_equal(phys_map_find(&map, 0x1000)->name, "rom");
    assert_string_equal(phys_map_find(&map, 0x1fff)->name, "rom");
    assert_null(phys_map_find(&map, 0x2000));
    assert_string_equal(phys_map_find(&map, 0x200bff8)->name, "clint");
    assert_string_equal(phys_map_find(&map, 0x100000ff)->name, "uart");
    assert_null(phys_map_find(&map, 0x10000100));
    const PhysRegion *ram = phys_map_find(&map, 0xbfffffff);
    assert_non_null(ram);
    assert_int_equal(ram->kind, PHYS_RAM);
    assert_null(phys_map_find(&map, 0xc0000000));
    assert_null(phys_map_find(&map, UINT64_MAX));
    phys_map_destroy(&map);
    assert_int_equal(map.count, 0);
}

static void test_overlap_rejected(void **state)
{
    (void)state;
    PhysMap map;
    phys_map_init(&map);
    assert_int_equal(phys_map_add_mmio(&map, "a", 0x1000, 0x1000, &dummy_ops, NULL), 0);
    assert_int_equal(phys_map_add_mmio(&map, "b", 0x3000, 0x1000, &dummy_ops, NULL), 0);
    /* Every kind of overlap: inside, across either edge, covering, same base. */
    assert_int_equal(phys_map_add_mmio(&map, "x", 0x1800, 0x10, &dummy_ops, NULL), -EEXIST);
    assert_int_equal(phys_map_add_mmio(&map, "x", 0x0800, 0x1000, &dummy_ops, NULL), -EEXIST);
    assert_int_equal(phys_map_add_mmio(&map, "x", 0x1fff, 0x2, &dummy_ops, NULL), -EEXIST);
    assert_int_equal(phys_map_add_mmio(&map, "x", 0x2fff, 0x2, &dummy_ops, NULL), -EEXIST);
    assert_int_equal(phys_map_add_mmio(&map, "x", 0x0, 0x10000, &dummy_ops, NULL), -EEXIST);
    assert_int_equal(phys_map_add_ram(&map, "x", 0x1000, 0x1000, PHYS_RAM), -EEXIST);
    /* Bad shapes. */
    assert_int_equal(phys_map_add_mmio(&map, "x", 0x9000, 0, &dummy_ops, NULL), -EINVAL);
    assert_int_equal(phys_map_add_mmio(&map, "x", UINT64_MAX, 2, &dummy_ops, NULL), -EINVAL);
    assert_int_equal(phys_map_add_ram(&map, "x", 0x9000, 0x1000, PHYS_MMIO), -EINVAL);
    assert_int_equal(map.count, 2);
    /* Touching edges are fine, as is a region ending at the top of the space. */
    assert_int_equal(phys_map_add_mmio(&map, "c", 0x2000, 0x1000, &dummy_ops, NULL), 0);
    assert_int_equal(phys_map_add_mmio(&map, "top", UINT64_MAX - 0xfff, 0x1000, &dummy_ops, NULL), 0);
    assert_string_equal(phys_map_find(&map, UINT64_MAX)->name, "top");
    assert_string_equal(phys_map_find(&map, 0x2000)->name, "c");
    assert_int_equal(map.count, 4);
    phys_map_destroy(&map);
}

static void test_ram_ptr_bounds(void **state)
{
    (void)state;
    PhysMap map;
    phys_map_init(&map);
    assert_int_equal(phys_map_add_ram(&map, "ram0", 0x80000000, 0x10000, PHYS_RAM), 0);
    assert_int_equal(phys_map_add_ram(&map, "ram1", 0x80010000, 0x10000, PHYS_RAM), 0);
    assert_int_equal(phys_map_add_ram(&map, "rom", 0x1000, 0x1000, PHYS_ROM), 0);
    assert_int_equal(phys_map_add_mmio(&map, "dev", 0x10000000, 0x1000, &dummy_ops, NULL), 0);

    uint8_t *p = phys_map_ram_ptr(&map, 0x80000000, 0x10000, true);
    assert_non_null(p);
    assert_int_equal(p[0], 0);   /* zeroed */
    p[0x1234] = 0xab;
    uint8_t *q = phys_map_ram_ptr(&map, 0x80001234, 1, true);
    assert_ptr_equal(q, p + 0x1234);
    assert_int_equal(*q, 0xab);

    /* Crossing the end of a region, even into adjacent RAM: refused. */
    assert_null(phys_map_ram_ptr(&map, 0x8000ffff, 2, true));
    assert_non_null(phys_map_ram_ptr(&map, 0x8000ffff, 1, true));
    /* Lengths that would wrap past 2^64. */
    assert_null(phys_map_ram_ptr(&map, 0x80000010, UINT64_MAX, false));
    assert_null(phys_map_ram_ptr(&map, 0x80000010, UINT64_MAX - 0x7fffffff, false));
    /* Holes, MMIO and ROM-for-writing. */
    assert_null(phys_map_ram_ptr(&map, 0x80020000, 1, false));
    assert_null(phys_map_ram_ptr(&map, 0x10000000, 4, false));
    assert_null(phys_map_ram_ptr(&map, 0x1000, 4, true));
    assert_non_null(phys_map_ram_ptr(&map, 0x1000, 0x1000, false));
    assert_null(phys_map_ram_ptr(&map, 0x1000, 0x1001, false));
    phys_map_destroy(&map);
}

static void test_big_ram_is_lazy(void **state)
{
    (void)state;
    PhysMap map;
    phys_map_init(&map);
    /* 16 GiB, most of it never touched: only what is used costs host memory. */
    assert_int_equal(phys_map_add_ram(&map, "big", 0x80000000, 16ull << 30, PHYS_RAM), 0);
    uint8_t *last = phys_map_ram_ptr(&map, 0x80000000 + (16ull << 30) - 1, 1, true);
    assert_non_null(last);
    *last = 1;
    phys_map_destroy(&map);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_and_order),
        cmocka_unit_test(test_overlap_rejected),
        cmocka_unit_test(test_ram_ptr_bounds),
        cmocka_unit_test(test_big_ram_is_lazy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
