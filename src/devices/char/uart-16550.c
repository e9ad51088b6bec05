/*
 * 16550A UART model (see uart-16550.h). Register facts come from the
 * National/TI PC16550D data sheet; where that leaves room, behaviour
 * follows what Linux's 8250 driver and OpenSBI expect of QEMU's virt board.
 *
 * Model choices:
 * - The transmitter is infinitely fast: a byte written to THR goes to the
 *   backend at once, so LSR always shows THRE|TEMT and the THR-empty
 *   interrupt re-arms right after every write.
 * - The receive "character timeout" fires at once: any byte in the FIFO
 *   below the trigger level is reported as a timeout interrupt (IIR 0xc),
 *   so the guest never waits four character times for a lone key press.
 * - Loopback (MCR bit 4) routes THR into the RX FIFO and the modem control
 *   outputs into MSR, as the chip does; host input is held off meanwhile.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "devices/char/uart-16550.h"
#include "polyvm/log.h"

/* Register indexes (offset >> reg_shift). */
enum {
    REG_RBR_THR_DLL = 0, REG_IER_DLM = 1, REG_IIR_FCR = 2, REG_LCR = 3,
    REG_MCR = 4, REG_LSR = 5, REG_MSR = 6, REG_SCR = 7, REG_COUNT = 8,
};

enum {
    IER_RDA = 0x01, IER_THRE = 0x02, IER_RLS = 0x04, IER_MS = 0x08, IER_MASK = 0x0f,

    IIR_NONE = 0x01, IIR_MS = 0x00, IIR_THRE = 0x02, IIR_RDA = 0x04, IIR_RLS = 0x06,
    IIR_TIMEOUT = 0x0c, IIR_FIFO_ON = 0xc0,

    FCR_ENABLE = 0x01, FCR_CLEAR_RX = 0x02, FCR_CLEAR_TX = 0x04, FCR_DMA = 0x08,
    FCR_TRIGGER = 0xc0,

    LCR_DLAB = 0x80,

    MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10,
    MCR_MASK = 0x1f,

    LSR_DR = 0x01, LSR_OE = 0x02, LSR_PE = 0x04, LSR_FE = 0x08, LSR_BI = 0x10,
    LSR_THRE = 0x20, LSR_TEMT = 0x40, LSR_ERRORS = LSR_OE | LSR_PE | LSR_FE | LSR_BI,

    MSR_DCTS = 0x01, MSR_DDSR = 0x02, MSR_TERI = 0x04, MSR_DDCD = 0x08,
    MSR_CTS = 0x10, MSR_DSR = 0x20, MSR_RI = 0x40, MSR_DCD = 0x80,
};

struct Uart16550 {
    pthread_mutex_t lock;
    IrqLine irq;
    CharBackend *backend;
    unsigned reg_shift;

    uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
    uint8_t lsr_errors;      /* sticky until LSR is read */
    uint8_t msr_deltas;      /* sticky until MSR is read */
    bool thr_ipending;       /* THR-empty interrupt armed, not yet acknowledged */
    bool irq_level;

    uint8_t rx[UART_16550_FIFO_SIZE];
    unsigned rx_head, rx_count;
};

static const unsigned trigger_levels[4] = {1, 4, 8, 14};

static unsigned rx_capacity(const Uart16550 *u)
{
    return (u->fcr & FCR_ENABLE) ? UART_16550_FIFO_SIZE : 1;
}

static bool rx_push(Uart16550 *u, uint8_t byte)
{
    if (u->rx_count >= rx_capacity(u)) {
        u->lsr_errors |= LSR_OE;
        return false;
    }
    u->rx[(u->rx_head + u->rx_count) % UART_16550_FIFO_SIZE] = byte;
    u->rx_count++;
    return true;
}

static uint8_t rx_pop(Uart16550 *u)
{
    if (u->rx_count == 0)
        return 0;
    uint8_t byte = u->rx[u->rx_head];
    u->rx_head = (u->rx_head + 1) % UART_16550_FIFO_SIZE;
    u->rx_count--;
    return byte;
}

/* Modem status inputs: wired to our own outputs in loopback, otherwise a
 * peer that is always there and ready. */
static uint8_t msr_inputs(const Uart16550 *u)
{
    if (!(u->mcr & MCR_LOOP))
        return MSR_DCD | MSR_DSR | MSR_CTS;
    uint8_t m = 0;
    if (u->mcr & MCR_DTR)
        m |= MSR_DSR;
    if (u->mcr & MCR_RTS)
        m |= MSR_CTS;
    if (u->mcr & MCR_OUT1)
        m |= MSR_RI;
    if (u->mcr & MCR_OUT2)
        m |= MSR_DCD;
    return m;
}

/* Highest-priority pending interrupt as IIR bits 3:0. */
static uint8_t pending_interrupt(const Uart16550 *u)
{
    if ((u->ier & IER_RLS) && u->lsr_errors)
        return IIR_RLS;
    if ((u->ier & IER_RDA) && u->rx_count) {
        bool fifo = u->fcr & FCR_ENABLE;
        if (fifo && u->rx_count < trigger_levels[u->fcr >> 6])
            return IIR_TIMEOUT;
        return IIR_RDA;
    }
    if ((u->ier & IER_THRE) && u->thr_ipending)
        return IIR_THRE;
    if ((u->ier & IER_MS) && u->msr_deltas)
        return IIR_MS;
    return IIR_NONE;
}

static void update_irq(Uart16550 *u)
{
    bool level = pending_interrupt(u) != IIR_NONE;
    if (level != u->irq_level) {
        u->irq_level = level;
        irq_line_set(&u->irq, level);
    }
}

static void set_mcr(Uart16550 *u, uint8_t value)
{
    uint8_t before = msr_inputs(u);
    u->mcr = value & MCR_MASK;
    uint8_t after = msr_inputs(u);
    uint8_t changed = before ^ after;
    if (changed & MSR_CTS)
        u->msr_deltas |= MSR_DCTS;
    if (changed & MSR_DSR)
        u->msr_deltas |= MSR_DDSR;
    if ((before & MSR_RI) && !(after & MSR_RI))
        u->msr_deltas |= MSR_TERI;
    if (changed & MSR_DCD)
        u->msr_deltas |= MSR_DDCD;
}

static void set_fcr(Uart16550 *u, uint8_t value)
{
    /* Toggling the enable bit empties both FIFOs; the other bits only take
     * while the enable bit is written as 1. */
    if ((value ^ u->fcr) & FCR_ENABLE)
        u->rx_head = u->rx_count = 0;
    if (!(value & FCR_ENABLE)) {
        u->fcr = 0;
        return;
    }
    if (value & FCR_CLEAR_RX)
        u->rx_head = u->rx_count = 0;
    u->fcr = value & (FCR_ENABLE | FCR_DMA | FCR_TRIGGER);
}

static void transmit(Uart16550 *u, uint8_t byte)
{
    if (u->mcr & MCR_LOOP)
        rx_push(u, byte);
    else
        char_backend_write(u->backend, &byte, 1);
    u->thr_ipending = true;   /* sent at once, so THR is empty again */
}

/* Register index for an access, or -1 if the access hits no register. */
static int reg_index(const Uart16550 *u, uint64_t offset)
{
    uint64_t stride = 1ull << u->reg_shift;
    if (offset & (stride - 1))
        return -1;
    uint64_t index = offset >> u->reg_shift;
    return index < REG_COUNT ? (int)index : -1;
}

/* End of a register access (called with the lock held; releases it): the
 * interrupt line follows the new state, and a backend that was held back
 * by a full FIFO is told there is room, outside the lock. In loopback the
 * FIFO is fed by the UART itself, so the backend stays held back. */
static void finish_access(Uart16550 *u, bool room_freed)
{
    update_irq(u);
    bool loop = u->mcr & MCR_LOOP;
    pthread_mutex_unlock(&u->lock);
    if (room_freed && !loop)
        char_backend_accept_input(u->backend);
}

static uint64_t uart_read(void *opaque, uint64_t offset, unsigned size)
{
    Uart16550 *u = opaque;
    int reg = reg_index(u, offset);
    if (reg < 0) {
        log_printf(LOG_UNIMP, "uart16550: read of offset 0x%llx size %u\n",
                   (unsigned long long)offset, size);
        return 0;
    }
    bool room_freed = false;
    uint8_t value = 0;

    pthread_mutex_lock(&u->lock);
    bool dlab = u->lcr & LCR_DLAB;
    switch (reg) {
    case REG_RBR_THR_DLL:
        if (dlab) {
            value = u->dll;
        } else {
            room_freed = u->rx_count > 0;
            value = rx_pop(u);
        }
        break;
    case REG_IER_DLM:
        value = dlab ? u->dlm : u->ier;
        break;
    case REG_IIR_FCR: {
        uint8_t id = pending_interrupt(u);
        if (id == IIR_THRE)
            u->thr_ipending = false;   /* reading IIR acknowledges THR empty */
        value = id | ((u->fcr & FCR_ENABLE) ? IIR_FIFO_ON : 0);
        break;
    }
    case REG_LCR:
        value = u->lcr;
        break;
    case REG_MCR:
        value = u->mcr;
        break;
    case REG_LSR:
        value = LSR_THRE | LSR_TEMT | u->lsr_errors | (u->rx_count ? LSR_DR : 0);
        u->lsr_errors = 0;
        break;
    case REG_MSR:
        value = msr_inputs(u) | u->msr_deltas;
        u->msr_deltas = 0;
        break;
    case REG_SCR:
        value = u->scr;
        break;
    }
    finish_access(u, room_freed);
    return value;
}

static void uart_write(void *opaque, uint64_t offset, uint64_t value64, unsigned size)
{
    Uart16550 *u = opaque;
    int reg = reg_index(u, offset);
    if (reg < 0) {
        log_printf(LOG_UNIMP, "uart16550: write of offset 0x%llx size %u\n",
                   (unsigned long long)offset, size);
        return;
    }
    uint8_t value = (uint8_t)value64;
    bool room_freed = false;

    pthread_mutex_lock(&u->lock);
    bool dlab = u->lcr & LCR_DLAB;
    switch (reg) {
    case REG_RBR_THR_DLL:
        if (dlab)
            u->dll = value;
        else
            transmit(u, value);
        break;
    case REG_IER_DLM:
        if (dlab) {
            u->dlm = value;
        } else {
            uint8_t old = u->ier;
            u->ier = value & IER_MASK;
            /* Enabling the THR-empty interrupt while THR is empty raises it. */
            if ((u->ier & IER_THRE) && !(old & IER_THRE))
                u->thr_ipending = true;
        }
        break;
    case REG_IIR_FCR: {
        unsigned before = u->rx_count;
        set_fcr(u, value);
        room_freed = u->rx_count < before;
        break;
    }
    case REG_LCR:
        u->lcr = value;
        break;
    case REG_MCR: {
        bool was_loop = u->mcr & MCR_LOOP;
        set_mcr(u, value);
        room_freed = was_loop && !(u->mcr & MCR_LOOP);
        break;
    }
    case REG_LSR:
    case REG_MSR:
        break;   /* read-only on the 16550A (factory test use only) */
    case REG_SCR:
        u->scr = value;
        break;
    }
    finish_access(u, room_freed);
}

const DeviceMmioOps uart_16550_mmio_ops = {
    .read = uart_read,
    .write = uart_write,
};

size_t uart_16550_can_receive(Uart16550 *u)
{
    pthread_mutex_lock(&u->lock);
    size_t room = (u->mcr & MCR_LOOP) ? 0 : rx_capacity(u) - u->rx_count;
    pthread_mutex_unlock(&u->lock);
    return room;
}

size_t uart_16550_receive(Uart16550 *u, const uint8_t *buf, size_t len)
{
    size_t taken = 0;
    pthread_mutex_lock(&u->lock);
    if (!(u->mcr & MCR_LOOP)) {
        while (taken < len && u->rx_count < rx_capacity(u))
            rx_push(u, buf[taken++]);
        update_irq(u);
    }
    pthread_mutex_unlock(&u->lock);
    return taken;
}

static size_t frontend_can_receive(void *opaque)
{
    return uart_16550_can_receive(opaque);
}

static size_t frontend_receive(void *opaque, const uint8_t *buf, size_t len)
{
    return uart_16550_receive(opaque, buf, len);
}

Uart16550 *uart_16550_new(const Uart16550Config *cfg)
{
    Uart16550 *u = calloc(1, sizeof(*u));
    if (!u)
        return NULL;
    pthread_mutex_init(&u->lock, NULL);
    u->irq = cfg->irq;
    u->backend = cfg->backend;
    u->reg_shift = cfg->reg_shift < 8 ? cfg->reg_shift : 0;
    if (u->backend) {
        CharFrontend fe = {.can_receive = frontend_can_receive, .receive = frontend_receive,
                           .opaque = u};
        char_backend_attach(u->backend, &fe);
    }
    return u;
}

void uart_16550_free(Uart16550 *u)
{
    if (!u)
        return;
    if (u->backend) {
        /* The backend waits out any delivery in progress before this returns. */
        CharFrontend none = {0};
        char_backend_attach(u->backend, &none);
    }
    pthread_mutex_destroy(&u->lock);
    free(u);
}
