/*
 * The 16550A UART driven through its MMIO ops as a guest driver would:
 * transmit to a capturing backend, receive from it, loopback, the divisor
 * latch, LSR/IIR bits, and the interrupt line rising and falling.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include <string.h>

#include "devices/char/uart-16550.h"
#include "irq-recorder.h"

enum { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4,
       LSR = 5, MSR = 6, SCR = 7 };

/* A backend that keeps what the guest sent and counts accept_input calls. */
typedef struct TestBackend {
    CharBackend be;
    uint8_t out[256];
    size_t out_len;
    unsigned accept_calls;
} TestBackend;

static void tb_write(CharBackend *be, const uint8_t *buf, size_t len)
{
    TestBackend *t = (TestBackend *)be;
    for (size_t i = 0; i < len && t->out_len < sizeof(t->out); i++)
        t->out[t->out_len++] = buf[i];
}

static void tb_accept_input(CharBackend *be)
{
    ((TestBackend *)be)->accept_calls++;
}

static const CharBackendOps tb_ops = {.write = tb_write, .accept_input = tb_accept_input};

typedef struct Fixture {
    TestBackend backend;
    IrqRecorder irq;
    Uart16550 *uart;
} Fixture;

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    f->backend.be.ops = &tb_ops;
    f->uart = uart_16550_new(&(Uart16550Config){.irq = irq_recorder_line(&f->irq, 0),
                                                .backend = &f->backend.be});
    *state = f;
    return f->uart ? 0 : -1;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    uart_16550_free(f->uart);
    free(f);
    return 0;
}

static uint8_t rd(Fixture *f, unsigned reg)
{
    return (uint8_t)uart_16550_mmio_ops.read(f->uart, reg, 1);
}

static void wr(Fixture *f, unsigned reg, uint8_t value)
{
    uart_16550_mmio_ops.write(f->uart, reg, value, 1);
}

static void test_transmit(void **state)
{
    Fixture *f = *state;
    assert_int_equal(rd(f, LSR) & 0x60, 0x60);   /* THRE | TEMT */
    const char *msg = "hello\n";
    for (const char *p = msg; *p; p++)
        wr(f, THR, (uint8_t)*p);
    assert_int_equal(f->backend.out_len, strlen(msg));
    assert_memory_equal(f->backend.out, msg, strlen(msg));
    assert_int_equal(rd(f, LSR) & 0x60, 0x60);
    assert_false(f->irq.level[0]);   /* no interrupt enabled */
}

static void test_receive_fifo_and_lsr(void **state)
{
    Fixture *f = *state;
    wr(f, FCR, 0x01);   /* FIFO on, trigger 1 */
    assert_int_equal(rd(f, IIR) & 0xc0, 0xc0);
    assert_int_equal(rd(f, LSR) & 0x01, 0);
    assert_int_equal(uart_16550_can_receive(f->uart), 16);
    uint8_t in[20];
    for (unsigned i = 0; i < sizeof(in); i++)
        in[i] = (uint8_t)('a' + i);
    /* Only what the FIFO can hold is taken: the backend keeps the rest. */
    assert_int_equal(uart_16550_receive(f->uart, in, sizeof(in)), 16);
    assert_int_equal(uart_16550_can_receive(f->uart), 0);
    assert_int_equal(rd(f, LSR) & 0x03, 0x01);   /* data ready, no overrun */
    unsigned before = f->backend.accept_calls;
    for (unsigned i = 0; i < 16; i++) {
        assert_int_equal(rd(f, LSR) & 0x01, 1);
        assert_int_equal(rd(f, RBR), 'a' + i);
    }
    assert_int_equal(rd(f, LSR) & 0x01, 0);
    assert_true(f->backend.accept_calls > before);   /* told the backend there is room */
    assert_int_equal(uart_16550_can_receive(f->uart), 16);

    /* FIFO off: a single holding register. */
    wr(f, FCR, 0x00);
    assert_int_equal(rd(f, IIR) & 0xc0, 0);
    assert_int_equal(uart_16550_receive(f->uart, in, 3), 1);
    assert_int_equal(rd(f, RBR), 'a');
}

static void test_rx_interrupt(void **state)
{
    Fixture *f = *state;
    wr(f, FCR, 0xc1);   /* FIFO on, trigger 14 */
    wr(f, IER, 0x01);   /* received data available */
    assert_false(f->irq.level[0]);
    assert_int_equal(rd(f, IIR) & 0x0f, 0x01);   /* nothing pending */
    const uint8_t byte = 'k';
    assert_int_equal(uart_16550_receive(f->uart, &byte, 1), 1);
    assert_true(f->irq.level[0]);
    assert_int_equal(rd(f, IIR) & 0x0f, 0x0c);   /* below trigger: timeout */
    uint8_t many[14];
    memset(many, 'm', sizeof(many));
    assert_int_equal(uart_16550_receive(f->uart, many, 13), 13);
    assert_int_equal(rd(f, IIR) & 0x0f, 0x04);   /* at trigger level */
    while (rd(f, LSR) & 0x01)
        rd(f, RBR);
    assert_false(f->irq.level[0]);
    assert_int_equal(rd(f, IIR) & 0x0f, 0x01);

    /* Disabling the interrupt drops the line even with data waiting. */
    assert_int_equal(uart_16550_receive(f->uart, &byte, 1), 1);
    assert_true(f->irq.level[0]);
    wr(f, IER, 0x00);
    assert_false(f->irq.level[0]);
}

static void test_thr_empty_interrupt(void **state)
{
    Fixture *f = *state;
    wr(f, IER, 0x02);   /* THR empty: raised at once, THR is empty */
    assert_true(f->irq.level[0]);
    assert_int_equal(rd(f, IIR) & 0x0f, 0x02);
    /* Reading IIR acknowledged it. */
    assert_false(f->irq.level[0]);
    assert_int_equal(rd(f, IIR) & 0x0f, 0x01);
    /* Each transmitted byte empties THR again. */
    wr(f, THR, 'z');
    assert_true(f->irq.level[0]);
    /* Received data outranks THR empty. */
    wr(f, IER, 0x03);
    const uint8_t byte = 'q';
    uart_16550_receive(f->uart, &byte, 1);
    assert_int_equal(rd(f, IIR) & 0x0f, 0x04);
    assert_int_equal(rd(f, RBR), 'q');
    assert_int_equal(rd(f, IIR) & 0x0f, 0x02);
    assert_int_equal(rd(f, IIR) & 0x0f, 0x01);
    assert_false(f->irq.level[0]);
}

static void test_dlab(void **state)
{
    Fixture *f = *state;
    wr(f, IER, 0x05);
    wr(f, LCR, 0x83);   /* DLAB, 8N1 */
    wr(f, DLL, 0x0c);
    wr(f, DLM, 0x34);
    assert_int_equal(rd(f, DLL), 0x0c);
    assert_int_equal(rd(f, DLM), 0x34);
    assert_int_equal(f->backend.out_len, 0);   /* DLL write did not transmit */
    wr(f, LCR, 0x03);
    assert_int_equal(rd(f, LCR), 0x03);
    assert_int_equal(rd(f, IER), 0x05);        /* IER unchanged by the DLM write */
    wr(f, THR, 'x');
    assert_int_equal(f->backend.out_len, 1);
    wr(f, LCR, 0x80);
    assert_int_equal(rd(f, DLL), 0x0c);        /* the latch kept its value */
    wr(f, LCR, 0x03);
    wr(f, SCR, 0x5a);
    assert_int_equal(rd(f, SCR), 0x5a);
}

static void test_loopback_and_overrun(void **state)
{
    Fixture *f = *state;
    wr(f, FCR, 0x07);
    wr(f, MCR, 0x10 | 0x0a);   /* loopback, RTS, OUT2 */
    /* Modem outputs loop into MSR: RTS -> CTS, OUT2 -> DCD. */
    assert_int_equal(rd(f, MSR) & 0xf0, 0x90);
    assert_int_equal(uart_16550_can_receive(f->uart), 0);   /* line cut */
    const uint8_t host = 'h';
    assert_int_equal(uart_16550_receive(f->uart, &host, 1), 0);

    wr(f, IER, 0x05);   /* RX data + line status */
    for (unsigned i = 0; i < 17; i++)
        wr(f, THR, (uint8_t)('A' + i));
    assert_int_equal(f->backend.out_len, 0);   /* nothing left the chip */
    assert_true(f->irq.level[0]);
    assert_int_equal(rd(f, IIR) & 0x0f, 0x06); /* overrun outranks data */
    assert_int_equal(rd(f, LSR) & 0x03, 0x03); /* DR | OE; reading clears OE */
    assert_int_equal(rd(f, LSR) & 0x03, 0x01);
    assert_int_equal(rd(f, IIR) & 0x0f, 0x04);
    for (unsigned i = 0; i < 16; i++)
        assert_int_equal(rd(f, RBR), 'A' + i);
    assert_false(f->irq.level[0]);

    wr(f, MCR, 0x0b);   /* loopback off: the peer is there again */
    assert_int_equal(rd(f, MSR) & 0xf0, 0xb0);
    assert_int_equal(uart_16550_can_receive(f->uart), 16);
    wr(f, THR, 'o');
    assert_int_equal(f->backend.out_len, 1);
}

static void test_modem_status_interrupt(void **state)
{
    Fixture *f = *state;
    wr(f, MCR, 0x10);
    rd(f, MSR);   /* clear the deltas entering loopback made */
    wr(f, IER, 0x08);
    assert_false(f->irq.level[0]);
    wr(f, MCR, 0x11);   /* DTR -> DSR changes */
    assert_true(f->irq.level[0]);
    assert_int_equal(rd(f, IIR) & 0x0f, 0x00);
    assert_int_equal(rd(f, MSR), 0x20 | 0x02);  /* DSR, delta DSR */
    assert_false(f->irq.level[0]);
}

static void test_any_access_is_safe(void **state)
{
    Fixture *f = *state;
    for (uint64_t off = 0; off < UART_16550_MMIO_SIZE + 16; off++) {
        for (unsigned size = 1; size <= 8; size *= 2) {
            uart_16550_mmio_ops.read(f->uart, off, size);
            /* Skip THR/MCR so the run stays quiet and out of loopback. */
            if (off != THR && off != MCR)
                uart_16550_mmio_ops.write(f->uart, off, 0xffffffffffffffffull, size);
        }
    }
    uart_16550_mmio_ops.read(f->uart, UINT64_MAX, 8);
    uart_16550_mmio_ops.write(f->uart, UINT64_MAX, 0, 8);
    /* Out-of-range offsets hit nothing: the scratch register is untouched. */
    wr(f, LCR, 0x03);
    wr(f, SCR, 0x11);
    uart_16550_mmio_ops.write(f->uart, 0x17, 0x22, 1);
    assert_int_equal(rd(f, SCR), 0x11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_transmit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_receive_fifo_and_lsr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_interrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thr_empty_interrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dlab, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loopback_and_overrun, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modem_status_interrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_any_access_is_safe, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
