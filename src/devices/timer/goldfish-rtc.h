/*
 * The Goldfish real-time clock of the riscv `virt` board (0x101000, 0x1000
 * bytes, PLIC source 11): wall-clock time in ns since the Unix epoch, read
 * as two 32-bit halves (reading TIME_LOW latches TIME_HIGH), settable by the
 * guest (that shifts an offset, the host clock is never touched), and one
 * alarm with an interrupt.
 *
 * The alarm fires when it is armed in the past, when the guest touches any
 * register after it is due, or when the board calls goldfish_rtc_poll();
 * there is no host timer behind it (Linux only uses it for wake alarms).
 *
 * Use:
 *     GoldfishRtc *r = goldfish_rtc_new(&(GoldfishRtcConfig){.irq = plic_irq_line(plic, 11)});
 *     phys_map_add_mmio(map, "rtc", 0x101000, GOLDFISH_RTC_MMIO_SIZE, &goldfish_rtc_mmio_ops, r);
 */
#ifndef POLYVM_GOLDFISH_RTC_H
#define POLYVM_GOLDFISH_RTC_H

#include <stdint.h>

#include "polyvm/device.h"

enum {
    GOLDFISH_RTC_MMIO_SIZE = 0x1000,
    GOLDFISH_RTC_TIME_LOW = 0x00,
    GOLDFISH_RTC_TIME_HIGH = 0x04,
    GOLDFISH_RTC_ALARM_LOW = 0x08,
    GOLDFISH_RTC_ALARM_HIGH = 0x0c,
    GOLDFISH_RTC_IRQ_ENABLED = 0x10,
    GOLDFISH_RTC_CLEAR_ALARM = 0x14,
    GOLDFISH_RTC_ALARM_STATUS = 0x18,
    GOLDFISH_RTC_CLEAR_INTERRUPT = 0x1c,
};

typedef struct GoldfishRtcConfig {
    IrqLine irq;
    /* Host wall clock in ns since the epoch; NULL: CLOCK_REALTIME. */
    uint64_t (*clock_ns)(void *opaque);
    void *clock_opaque;
} GoldfishRtcConfig;

typedef struct GoldfishRtc GoldfishRtc;

GoldfishRtc *goldfish_rtc_new(const GoldfishRtcConfig *cfg);   /* NULL on ENOMEM */
void goldfish_rtc_free(GoldfishRtc *r);
/* Fires the alarm if it is due. */
void goldfish_rtc_poll(GoldfishRtc *r);

extern const DeviceMmioOps goldfish_rtc_mmio_ops;

#endif
