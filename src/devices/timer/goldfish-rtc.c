/*
 * Goldfish RTC model (see goldfish-rtc.h). Register facts: the register
 * list of Linux's rtc-goldfish driver and the Goldfish virtual hardware
 * description. Registers are 32 bits wide; other widths are ignored.
 *
 * Guest time = host wall clock + offset; setting the time writes TIME_HIGH
 * first, then TIME_LOW, which applies the pair.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "devices/timer/goldfish-rtc.h"
#include "polyvm/log.h"

struct GoldfishRtc {
    pthread_mutex_t lock;
    IrqLine irq;
    uint64_t (*clock_ns)(void *opaque);
    void *clock_opaque;

    uint64_t offset_ns;         /* guest time - host time (mod 2^64) */
    uint32_t time_high_latch;   /* TIME_HIGH as of the last TIME_LOW read */
    uint32_t time_high_write;   /* TIME_HIGH waiting for its TIME_LOW */
    uint64_t alarm_ns;
    bool alarm_armed, irq_enabled, irq_pending, irq_level;
};

static uint64_t realtime_ns(void *opaque)
{
    (void)opaque;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t guest_now(const GoldfishRtc *r)
{
    return r->clock_ns(r->clock_opaque) + r->offset_ns;
}

/* Caller holds the lock. */
static void update(GoldfishRtc *r)
{
    if (r->alarm_armed && guest_now(r) >= r->alarm_ns) {
        r->alarm_armed = false;
        r->irq_pending = true;
    }
    bool level = r->irq_pending && r->irq_enabled;
    if (level != r->irq_level) {
        r->irq_level = level;
        irq_line_set(&r->irq, level);
    }
}

void goldfish_rtc_poll(GoldfishRtc *r)
{
    pthread_mutex_lock(&r->lock);
    update(r);
    pthread_mutex_unlock(&r->lock);
}

static uint64_t rtc_read(void *opaque, uint64_t offset, unsigned size)
{
    GoldfishRtc *r = opaque;
    if (size != 4 || (offset & 3)) {
        log_printf(LOG_UNIMP, "goldfish-rtc: read at 0x%llx size %u\n", (unsigned long long)offset, size);
        return 0;
    }
    uint32_t value = 0;
    pthread_mutex_lock(&r->lock);
    switch (offset) {
    case GOLDFISH_RTC_TIME_LOW: {
        uint64_t now = guest_now(r);
        r->time_high_latch = (uint32_t)(now >> 32);
        value = (uint32_t)now;
        break;
    }
    case GOLDFISH_RTC_TIME_HIGH:
        value = r->time_high_latch;
        break;
    case GOLDFISH_RTC_ALARM_LOW:
        value = (uint32_t)r->alarm_ns;
        break;
    case GOLDFISH_RTC_ALARM_HIGH:
        value = (uint32_t)(r->alarm_ns >> 32);
        break;
    case GOLDFISH_RTC_IRQ_ENABLED:
        value = r->irq_enabled;
        break;
    case GOLDFISH_RTC_ALARM_STATUS:
        value = r->alarm_armed;
        break;
    default:
        log_printf(LOG_UNIMP, "goldfish-rtc: read of offset 0x%llx\n", (unsigned long long)offset);
        break;
    }
    update(r);
    pthread_mutex_unlock(&r->lock);
    return value;
}

static void rtc_write(void *opaque, uint64_t offset, uint64_t value64, unsigned size)
{
    GoldfishRtc *r = opaque;
    if (size != 4 || (offset & 3)) {
        log_printf(LOG_UNIMP, "goldfish-rtc: write at 0x%llx size %u\n", (unsigned long long)offset, size);
        return;
    }
    uint32_t value = (uint32_t)value64;
    pthread_mutex_lock(&r->lock);
    switch (offset) {
    case GOLDFISH_RTC_TIME_LOW: {
        uint64_t wanted = (uint64_t)r->time_high_write << 32 | value;
        r->offset_ns = wanted - r->clock_ns(r->clock_opaque);
        break;
    }
    case GOLDFISH_RTC_TIME_HIGH:
        r->time_high_write = value;
        break;
    case GOLDFISH_RTC_ALARM_LOW:
        r->alarm_ns = (r->alarm_ns & ~(uint64_t)UINT32_MAX) | value;
        r->alarm_armed = true;
        break;
    case GOLDFISH_RTC_ALARM_HIGH:
        r->alarm_ns = (r->alarm_ns & UINT32_MAX) | (uint64_t)value << 32;
        break;
    case GOLDFISH_RTC_IRQ_ENABLED:
        r->irq_enabled = value & 1;
        break;
    case GOLDFISH_RTC_CLEAR_ALARM:
        r->alarm_armed = false;
        break;
    case GOLDFISH_RTC_CLEAR_INTERRUPT:
        r->irq_pending = false;
        break;
    default:
        log_printf(LOG_UNIMP, "goldfish-rtc: write of offset 0x%llx\n", (unsigned long long)offset);
        break;
    }
    update(r);
    pthread_mutex_unlock(&r->lock);
}

const DeviceMmioOps goldfish_rtc_mmio_ops = {
    .read = rtc_read,
    .write = rtc_write,
};

GoldfishRtc *goldfish_rtc_new(const GoldfishRtcConfig *cfg)
{
    GoldfishRtc *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    pthread_mutex_init(&r->lock, NULL);
    r->irq = cfg->irq;
    r->clock_ns = cfg->clock_ns ? cfg->clock_ns : realtime_ns;
    r->clock_opaque = cfg->clock_opaque;
    return r;
}

void goldfish_rtc_free(GoldfishRtc *r)
{
    if (!r)
        return;
    pthread_mutex_destroy(&r->lock);
    free(r);
}
