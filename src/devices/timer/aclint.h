/*
 * The SiFive CLINT register layout as the riscv `virt` board has it
 * (0x2000000, 0x10000 bytes), which is also ACLINT's MSWI + MTIMER pair:
 *     +0x0000 + 4*hart   msip       bit 0 drives the hart's MSIP
 *     +0x4000 + 8*hart   mtimecmp   MTIP = (mtime >= mtimecmp)
 *     +0xbff8            mtime      10 MHz (virt's timebase-frequency)
 * Registers take 32- and 64-bit accesses (narrower ones too), naturally
 * aligned. mtime is derived from the host's CLOCK_MONOTONIC, so it runs at
 * real speed whatever the guest does, and writes to it shift that origin.
 *
 * MTIP changes as time passes, not only on register writes; something has to
 * look at the clock. Either the board calls aclint_start_timer_thread(), and
 * a host thread raises each MTIP line at its deadline (sleeping, never
 * spinning), or the vCPU loop calls aclint_update() itself and, in WFI,
 * sleeps until aclint_next_deadline_ns(). Both can be used together.
 *
 * Use:
 *     Aclint *c = aclint_new(&(AclintConfig){.harts = n, .msip = msip_lines,
 *                                            .mtip = mtip_lines});
 *     phys_map_add_mmio(map, "clint", 0x2000000, ACLINT_MMIO_SIZE, &aclint_mmio_ops, c);
 *     aclint_start_timer_thread(c);
 *     ... the time CSR reads aclint_mtime(c, aclint_clock_ns(c)) ...
 *     aclint_free(c);
 *
 * Thread safety: any thread may access it; the IRQ lines are set with the
 * CLINT's mutex held (lock order: device, then CPU).
 */
#ifndef POLYVM_ACLINT_H
#define POLYVM_ACLINT_H

#include <stdbool.h>
#include <stdint.h>

#include "polyvm/device.h"

enum {
    ACLINT_MMIO_SIZE = 0x10000,
    ACLINT_MSIP_BASE = 0x0,
    ACLINT_MTIMECMP_BASE = 0x4000,
    ACLINT_MTIME = 0xbff8,
    /* mtimecmp registers must end below mtime: (0xbff8 - 0x4000) / 8 */
    ACLINT_MAX_HARTS = 4095,
};

#define ACLINT_VIRT_TIMEBASE_HZ 10000000u
#define ACLINT_NO_DEADLINE UINT64_MAX

typedef struct AclintConfig {
    unsigned harts;              /* 1..ACLINT_MAX_HARTS */
    const IrqLine *msip;         /* harts entries (copied); NULL: not wired */
    const IrqLine *mtip;         /* harts entries (copied); NULL: not wired */
    uint64_t timebase_hz;        /* 0: ACLINT_VIRT_TIMEBASE_HZ */
    /* Host time source in ns; NULL: CLOCK_MONOTONIC. Tests pass a fake. */
    uint64_t (*clock_ns)(void *opaque);
    void *clock_opaque;
} AclintConfig;

typedef struct Aclint Aclint;

Aclint *aclint_new(const AclintConfig *cfg);   /* NULL on a bad config or ENOMEM */
void aclint_free(Aclint *c);                   /* stops the timer thread first */

/* Now on the CLINT's host clock, in ns. */
uint64_t aclint_clock_ns(const Aclint *c);
/* The mtime value at host time now_ns (the guest's `time` CSR reads this). */
uint64_t aclint_mtime(const Aclint *c, uint64_t now_ns);
/* Re-evaluates every MTIP line against the current time. */
void aclint_update(Aclint *c);
/* Host time (ns, same clock) at which the hart's MTIP will rise: now or
 * earlier if it is already up, ACLINT_NO_DEADLINE if mtimecmp is out of
 * reach (e.g. all ones). hart == -1u: the earliest over all harts. */
uint64_t aclint_next_deadline_ns(Aclint *c, unsigned hart);
/* A host thread that calls aclint_update() at each deadline. 0 or -errno. */
int aclint_start_timer_thread(Aclint *c);

extern const DeviceMmioOps aclint_mmio_ops;

#endif
