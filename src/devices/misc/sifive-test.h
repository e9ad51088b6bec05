/*
 * The SiFive test finisher of the riscv `virt` board (0x100000, 0x1000
 * bytes): one 32-bit register at offset 0 that ends the machine. The device
 * tree also names it as syscon, so Linux's syscon-poweroff/-reboot drivers
 * and OpenSBI's reset driver write here.
 *     0x5555                  power off, success
 *     0x3333 | code << 16     power off, failure with exit code `code`
 *     0x7777                  reset
 * Any other value is ignored, as are reads (0).
 *
 * Use:
 *     SifiveTest *t = sifive_test_new(board_finish, board);
 *     phys_map_add_mmio(map, "test", 0x100000, SIFIVE_TEST_MMIO_SIZE, &sifive_test_mmio_ops, t);
 * board_finish() runs on the vCPU thread that wrote the register; it should
 * stop the machine and return, not exit().
 */
#ifndef POLYVM_SIFIVE_TEST_H
#define POLYVM_SIFIVE_TEST_H

#include <stdint.h>

#include "polyvm/device.h"

enum { SIFIVE_TEST_MMIO_SIZE = 0x1000 };

#define SIFIVE_TEST_EVENTS(X)                     \
    X(PASS, 0x5555, "power off (success)")        \
    X(FAIL, 0x3333, "power off (failure code)")   \
    X(RESET, 0x7777, "reset")

typedef enum SifiveTestEvent {
#define X(name, value, help) SIFIVE_TEST_##name = value,
    SIFIVE_TEST_EVENTS(X)
#undef X
} SifiveTestEvent;

/* code: the failure code for SIFIVE_TEST_FAIL, else 0. */
typedef void SifiveTestHandler(void *opaque, SifiveTestEvent event, uint32_t code);

typedef struct SifiveTest SifiveTest;

SifiveTest *sifive_test_new(SifiveTestHandler *handler, void *opaque);   /* NULL on ENOMEM */
void sifive_test_free(SifiveTest *t);

extern const DeviceMmioOps sifive_test_mmio_ops;

#endif
