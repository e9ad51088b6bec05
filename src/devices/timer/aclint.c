/*
 * CLINT / ACLINT MSWI + MTIMER model (see aclint.h). Register facts: the
 * SiFive CLINT chapter of the FU540 manual and the RISC-V ACLINT spec.
 *
 * mtime is never stored: it is (host ns since origin) scaled to the
 * timebase, plus an offset that guest writes to mtime change. Reading it is
 * lock-free, as the time CSR reads it on every rdtime.
 *
 * mtimecmp resets to all ones (no timer pending until software programs
 * one); the specs leave the reset value open.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "devices/timer/aclint.h"
#include "polyvm/host-clock.h"
#include "polyvm/log.h"

struct Aclint {
    unsigned harts;
    uint64_t hz;
    uint64_t (*clock_ns)(void *opaque);
    void *clock_opaque;
    uint64_t origin_ns;                 /* host time at which ticks count from 0 */
    _Atomic uint64_t mtime_offset;      /* mtime = ticks + offset (mod 2^64) */

    pthread_mutex_t lock;               /* registers, levels, the thread's state */
    IrqLine *msip_lines, *mtip_lines;
    uint32_t *msip;
    uint64_t *mtimecmp;
    bool *mtip_level;

    pthread_cond_t changed;             /* a deadline moved, or stop */
    pthread_t thread;
    bool thread_started, stopping;
};

static uint64_t monotonic_ns(void *opaque)
{
    (void)opaque;
    return host_monotonic_ns();
}

uint64_t aclint_clock_ns(const Aclint *c)
{
    return c->clock_ns(c->clock_opaque);
}

static uint64_t ticks_at(const Aclint *c, uint64_t now_ns)
{
    if (now_ns < c->origin_ns)
        return 0;
    return (uint64_t)((unsigned __int128)(now_ns - c->origin_ns) * c->hz / HOST_NS_PER_SEC);
}

uint64_t aclint_mtime(const Aclint *c, uint64_t now_ns)
{
    return ticks_at(c, now_ns) + atomic_load_explicit(&c->mtime_offset, memory_order_acquire);
}

/* Host time at which mtime reaches cmp, given the time now; now itself if
 * it already has. Caller holds the lock (mtimecmp may change). */
static uint64_t deadline_for(const Aclint *c, uint64_t cmp, uint64_t now_ns)
{
    uint64_t mtime = aclint_mtime(c, now_ns);
    if (mtime >= cmp)
        return now_ns;
    /* The first ns count whose tick count reaches the target: ceil(). */
    unsigned __int128 target_ticks = (unsigned __int128)ticks_at(c, now_ns) + (cmp - mtime);
    unsigned __int128 elapsed = (target_ticks * HOST_NS_PER_SEC + c->hz - 1) / c->hz;
    unsigned __int128 deadline = elapsed + c->origin_ns;
    return deadline >= ACLINT_NO_DEADLINE ? ACLINT_NO_DEADLINE : (uint64_t)deadline;
}

static void update_mtip(Aclint *c, unsigned hart, uint64_t now_ns)
{
    bool level = aclint_mtime(c, now_ns) >= c->mtimecmp[hart];
    if (level != c->mtip_level[hart]) {
        c->mtip_level[hart] = level;
        irq_line_set(&c->mtip_lines[hart], level);
    }
}

static void update_all_locked(Aclint *c)
{
    uint64_t now = aclint_clock_ns(c);
    for (unsigned h = 0; h < c->harts; h++)
        update_mtip(c, h, now);
}

void aclint_update(Aclint *c)
{
    pthread_mutex_lock(&c->lock);
    update_all_locked(c);
    pthread_mutex_unlock(&c->lock);
}

uint64_t aclint_next_deadline_ns(Aclint *c, unsigned hart)
{
    uint64_t now = aclint_clock_ns(c), best = ACLINT_NO_DEADLINE;
    pthread_mutex_lock(&c->lock);
    for (unsigned h = 0; h < c->harts; h++) {
        if (hart != -1u && h != hart)
            continue;
        uint64_t d = deadline_for(c, c->mtimecmp[h], now);
        if (d < best)
            best = d;
    }
    pthread_mutex_unlock(&c->lock);
    return best;
}

/* ---- timer thread ---- */

static void *timer_thread(void *opaque)
{
    Aclint *c = opaque;
    pthread_mutex_lock(&c->lock);
    while (!c->stopping) {
        update_all_locked(c);
        /* Only lines still low have a deadline ahead: a raised line stays up
         * until a register write, which wakes us. */
        uint64_t now = aclint_clock_ns(c), next = ACLINT_NO_DEADLINE;
        for (unsigned h = 0; h < c->harts; h++) {
            if (c->mtip_level[h])
                continue;
            uint64_t d = deadline_for(c, c->mtimecmp[h], now);
            if (d < next)
                next = d;
        }
        if (next == ACLINT_NO_DEADLINE) {
            pthread_cond_wait(&c->changed, &c->lock);
            continue;
        }
        /* The device clock may not be CLOCK_MONOTONIC: wait for the same
         * duration on the monotonic clock the condition variable uses. */
        uint64_t wait_ns = next > now ? next - now : 0;
        uint64_t until = monotonic_ns(NULL) + wait_ns;
        struct timespec ts = host_timespec(until);
        pthread_cond_timedwait(&c->changed, &c->lock, &ts);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

int aclint_start_timer_thread(Aclint *c)
{
    pthread_mutex_lock(&c->lock);
    int err = 0;
    if (!c->thread_started) {
        err = -pthread_create(&c->thread, NULL, timer_thread, c);
        c->thread_started = err == 0;
    }
    pthread_mutex_unlock(&c->lock);
    return err;
}

/* ---- registers ---- */

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (1ull << (size * 8)) - 1;
}

/* A narrow access into a wider register: value merged at the byte lane. */
static uint64_t merge_lane(uint64_t reg, uint64_t offset, unsigned size, uint64_t value)
{
    unsigned shift = (unsigned)(offset * 8);
    uint64_t mask = size_mask(size) << shift;
    return (reg & ~mask) | ((value << shift) & mask);
}

static uint64_t extract_lane(uint64_t reg, uint64_t offset, unsigned size)
{
    return (reg >> (offset * 8)) & size_mask(size);
}

static bool access_ok(uint64_t offset, unsigned size)
{
    return (size == 1 || size == 2 || size == 4 || size == 8) && (offset & (size - 1)) == 0 &&
           offset < ACLINT_MMIO_SIZE;
}

/* One access no wider than the register it lands in. Caller holds the lock. */
static uint64_t read_reg(Aclint *c, uint64_t offset, unsigned size)
{
    if (offset < ACLINT_MSIP_BASE + 4ull * c->harts) {
        uint64_t hart = offset / 4;
        return extract_lane(c->msip[hart], offset % 4, size);
    }
    if (offset >= ACLINT_MTIMECMP_BASE && offset < ACLINT_MTIMECMP_BASE + 8ull * c->harts) {
        uint64_t hart = (offset - ACLINT_MTIMECMP_BASE) / 8;
        return extract_lane(c->mtimecmp[hart], offset % 8, size);
    }
    if (offset >= ACLINT_MTIME && offset < ACLINT_MTIME + 8)
        return extract_lane(aclint_mtime(c, aclint_clock_ns(c)), offset % 8, size);
    log_printf(LOG_UNIMP, "aclint: read of offset 0x%llx size %u\n",
               (unsigned long long)offset, size);
    return 0;
}

static void write_reg(Aclint *c, uint64_t offset, unsigned size, uint64_t value)
{
    if (offset < ACLINT_MSIP_BASE + 4ull * c->harts) {
        uint64_t hart = offset / 4;
        c->msip[hart] = (uint32_t)merge_lane(c->msip[hart], offset % 4, size, value) & 1;
        irq_line_set(&c->msip_lines[hart], c->msip[hart]);
        return;
    }
    uint64_t now = aclint_clock_ns(c);
    if (offset >= ACLINT_MTIMECMP_BASE && offset < ACLINT_MTIMECMP_BASE + 8ull * c->harts) {
        uint64_t hart = (offset - ACLINT_MTIMECMP_BASE) / 8;
        c->mtimecmp[hart] = merge_lane(c->mtimecmp[hart], offset % 8, size, value);
        update_mtip(c, (unsigned)hart, now);
        pthread_cond_signal(&c->changed);
        return;
    }
    if (offset >= ACLINT_MTIME && offset < ACLINT_MTIME + 8) {
        uint64_t mtime = merge_lane(aclint_mtime(c, now), offset % 8, size, value);
        atomic_store_explicit(&c->mtime_offset, mtime - ticks_at(c, now), memory_order_release);
        for (unsigned h = 0; h < c->harts; h++)
            update_mtip(c, h, now);
        pthread_cond_signal(&c->changed);
        return;
    }
    log_printf(LOG_UNIMP, "aclint: write of offset 0x%llx size %u\n",
               (unsigned long long)offset, size);
}

/* msip registers are 4 bytes wide: a 64-bit access spans two harts. */
static bool splits(const Aclint *c, uint64_t offset, unsigned size)
{
    return size == 8 && offset < ACLINT_MSIP_BASE + 4ull * c->harts;
}

static uint64_t aclint_read(void *opaque, uint64_t offset, unsigned size)
{
    Aclint *c = opaque;
    if (!access_ok(offset, size)) {
        log_printf(LOG_UNIMP, "aclint: bad read at 0x%llx size %u\n",
                   (unsigned long long)offset, size);
        return 0;
    }
    pthread_mutex_lock(&c->lock);
    uint64_t value;
    if (splits(c, offset, size))
        value = read_reg(c, offset, 4) | read_reg(c, offset + 4, 4) << 32;
    else
        value = read_reg(c, offset, size);
    pthread_mutex_unlock(&c->lock);
    return value;
}

static void aclint_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Aclint *c = opaque;
    if (!access_ok(offset, size)) {
        log_printf(LOG_UNIMP, "aclint: bad write at 0x%llx size %u\n",
                   (unsigned long long)offset, size);
        return;
    }
    pthread_mutex_lock(&c->lock);
    if (splits(c, offset, size)) {
        write_reg(c, offset, 4, value & UINT32_MAX);
        write_reg(c, offset + 4, 4, value >> 32);
    } else {
        write_reg(c, offset, size, value);
    }
    pthread_mutex_unlock(&c->lock);
}

const DeviceMmioOps aclint_mmio_ops = {
    .read = aclint_read,
    .write = aclint_write,
};

/* ---- life cycle ---- */

Aclint *aclint_new(const AclintConfig *cfg)
{
    if (cfg->harts == 0 || cfg->harts > ACLINT_MAX_HARTS)
        return NULL;
    Aclint *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    pthread_mutex_init(&c->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&c->changed, &attr);
    pthread_condattr_destroy(&attr);

    unsigned n = cfg->harts;
    c->harts = n;
    c->msip_lines = calloc(n, sizeof(*c->msip_lines));
    c->mtip_lines = calloc(n, sizeof(*c->mtip_lines));
    c->msip = calloc(n, sizeof(*c->msip));
    c->mtimecmp = calloc(n, sizeof(*c->mtimecmp));
    c->mtip_level = calloc(n, sizeof(*c->mtip_level));
    if (!c->msip_lines || !c->mtip_lines || !c->msip || !c->mtimecmp || !c->mtip_level) {
        aclint_free(c);
        return NULL;
    }
    for (unsigned h = 0; h < n; h++) {
        if (cfg->msip)
            c->msip_lines[h] = cfg->msip[h];
        if (cfg->mtip)
            c->mtip_lines[h] = cfg->mtip[h];
        c->mtimecmp[h] = UINT64_MAX;
    }
    c->hz = cfg->timebase_hz ? cfg->timebase_hz : ACLINT_VIRT_TIMEBASE_HZ;
    c->clock_ns = cfg->clock_ns ? cfg->clock_ns : monotonic_ns;
    c->clock_opaque = cfg->clock_opaque;
    c->origin_ns = aclint_clock_ns(c);
    atomic_init(&c->mtime_offset, 0);
    return c;
}

void aclint_free(Aclint *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    bool started = c->thread_started;
    c->stopping = true;
    pthread_cond_signal(&c->changed);
    pthread_mutex_unlock(&c->lock);
    if (started)
        pthread_join(c->thread, NULL);
    pthread_cond_destroy(&c->changed);
    pthread_mutex_destroy(&c->lock);
    free(c->msip_lines);
    free(c->mtip_lines);
    free(c->msip);
    free(c->mtimecmp);
    free(c->mtip_level);
    free(c);
}
