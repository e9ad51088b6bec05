/*
 * The contract between a board, its devices and the guest-physical address
 * space (system mode). A device model exposes its registers as an MMIO region
 * (DeviceMmioOps + opaque) and raises interrupts through IrqLine values the
 * board hands it; it never knows which interrupt controller or CPU is behind
 * the line. Host-side backends (files, terminal, network) are separate
 * objects the device is given at creation.
 *
 * Use: a board creates the interrupt controller, asks it for lines
 * (irq_line_set(&line, level) from the device), creates each device with its
 * line, and maps device_mmio regions into the PhysMap (phys-map.h).
 */
#ifndef POLYVM_DEVICE_H
#define POLYVM_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

/* Register access of width 1, 2, 4 or 8 bytes at offset from the region's
 * base. Reads of unimplemented registers return 0 and writes are ignored
 * (logged under -d unimp), as real buses do; they never fail the host. */
typedef struct DeviceMmioOps {
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
    void (*write)(void *opaque, uint64_t offset, uint64_t value, unsigned size);
} DeviceMmioOps;

/* A level-triggered interrupt wire. set() is called by the device whenever its
 * output level may have changed; the receiver (PLIC, CLINT, CPU) latches it. */
typedef struct IrqLine {
    void (*set)(void *opaque, unsigned n, bool level);
    void *opaque;
    unsigned n;     /* source number at the receiver */
} IrqLine;

static inline void irq_line_set(const IrqLine *line, bool level)
{
    if (line->set)
        line->set(line->opaque, line->n, level);
}

#endif
