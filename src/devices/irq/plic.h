/*
 * The SiFive PLIC as the riscv `virt` board has it (0xc000000, 0x600000
 * bytes, 96 sources of which 1..95 exist, 3 priority bits). Each hart has two
 * contexts: 2*hart drives its MEIP (M-mode), 2*hart+1 its SEIP (S-mode).
 *     +0x000000 + 4*src               priority (0 = never interrupts)
 *     +0x001000                       pending bits, read-only
 *     +0x002000 + 0x80*ctx            enable bits
 *     +0x200000 + 0x1000*ctx          priority threshold
 *     +0x200004 + 0x1000*ctx          claim (read) / complete (write)
 * Sources are level-triggered lines (device.h); each context's output is
 * an IrqLine to its hart's MEIP/SEIP.
 *
 * Use:
 *     Plic *p = plic_new(&(PlicConfig){.harts = n, .context_lines = lines});
 *     phys_map_add_mmio(map, "plic", 0xc000000, PLIC_MMIO_SIZE, &plic_mmio_ops, p);
 *     uart = uart_16550_new(&(Uart16550Config){.irq = plic_irq_line(p, 10), ...});
 *     ...
 *     plic_free(p);
 *
 * Thread safety: sources may change from any thread; a mutex orders them
 * with guest accesses. Context lines are set with that mutex held (lock
 * order: device, then PLIC, then CPU).
 */
#ifndef POLYVM_PLIC_H
#define POLYVM_PLIC_H

#include <stdbool.h>
#include <stdint.h>

#include "polyvm/device.h"

enum {
    PLIC_MMIO_SIZE = 0x600000,
    PLIC_NUM_SOURCES = 96,          /* source 0 is "no interrupt" */
    PLIC_MAX_PRIORITY = 7,
    PLIC_PRIORITY_BASE = 0x0,
    PLIC_PENDING_BASE = 0x1000,
    PLIC_ENABLE_BASE = 0x2000,
    PLIC_ENABLE_STRIDE = 0x80,
    PLIC_CONTEXT_BASE = 0x200000,
    PLIC_CONTEXT_STRIDE = 0x1000,
    PLIC_MAX_CONTEXTS = (PLIC_MMIO_SIZE - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE,
};

typedef struct PlicConfig {
    unsigned harts;                 /* contexts = 2 * harts, at most PLIC_MAX_CONTEXTS */
    const IrqLine *context_lines;   /* 2 * harts entries (copied); NULL: not wired */
} PlicConfig;

typedef struct Plic Plic;

Plic *plic_new(const PlicConfig *cfg);   /* NULL on a bad config or ENOMEM */
void plic_free(Plic *p);

/* The input line of a source (1..PLIC_NUM_SOURCES-1); a device holds it and
 * calls irq_line_set(). Out-of-range sources give a line that does nothing. */
IrqLine plic_irq_line(Plic *p, unsigned source);

extern const DeviceMmioOps plic_mmio_ops;

#endif
