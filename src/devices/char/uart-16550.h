/*
 * A 16550A UART as the riscv `virt` board has it (ns16550a at 0x10000000,
 * reg-shift 0, PLIC source 10): eight byte registers, a 16-byte receive
 * FIFO, a transmitter that finishes instantly, and one interrupt output.
 * Guest output goes to a CharBackend; input arrives from the backend
 * through the CharFrontend the UART attaches, never faster than the FIFO
 * drains, so nothing is lost while the guest is busy.
 *
 * Use:
 *     Uart16550 *u = uart_16550_new(&(Uart16550Config){.irq = line, .backend = be});
 *     phys_map_add_mmio(map, "uart0", 0x10000000, 0x100, &uart_16550_mmio_ops, u);
 *     ...
 *     uart_16550_free(u);   (before destroying the backend)
 *
 * Thread safety: MMIO from vCPU threads and input from backend threads may
 * arrive at once; a mutex orders them. The IRQ line is set with that mutex
 * held (lock order: device, then interrupt controller, then CPU).
 */
#ifndef POLYVM_UART_16550_H
#define POLYVM_UART_16550_H

#include <stddef.h>
#include <stdint.h>

#include "polyvm/device.h"
#include "backends/char/char-backend.h"

enum {
    UART_16550_FIFO_SIZE = 16,
    UART_16550_MMIO_SIZE = 0x100,   /* the virt board's window */
};

typedef struct Uart16550Config {
    IrqLine irq;
    CharBackend *backend;   /* may be NULL: output dropped, no input */
    unsigned reg_shift;     /* register stride is 1 << reg_shift bytes (0 on virt) */
} Uart16550Config;

typedef struct Uart16550 Uart16550;

Uart16550 *uart_16550_new(const Uart16550Config *cfg);   /* NULL on ENOMEM */
void uart_16550_free(Uart16550 *uart);

/* Serial input from the host: takes at most the free FIFO space and returns
 * how many bytes it took (0 in loopback mode, where the line is cut). */
size_t uart_16550_receive(Uart16550 *uart, const uint8_t *buf, size_t len);
size_t uart_16550_can_receive(Uart16550 *uart);

extern const DeviceMmioOps uart_16550_mmio_ops;

#endif
