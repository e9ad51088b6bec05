/*
 * SiFive PLIC model (see plic.h). Register facts: the RISC-V PLIC
 * specification and the FU540 manual's PLIC chapter.
 *
 * Gateway model for level-triggered sources: while a source's line is high
 * and it is not claimed, it is pending; a claim takes it out of pending
 * until the matching complete, after which a line still high pends it
 * again. A line that drops before the claim withdraws the request (as QEMU
 * does), so the guest is not sent chasing a device that has nothing to say.
 *
 * As the specification says, claim picks the highest-priority enabled
 * pending source whatever the threshold (the threshold only gates the
 * context's output line); ties go to the lowest source number; priority 0
 * never interrupts and is never claimed. A complete for a source not
 * enabled in that context is ignored.
 */
#include <pthread.h>
#include <stdlib.h>

#include "devices/irq/plic.h"
#include "polyvm/log.h"

enum { WORDS = (PLIC_NUM_SOURCES + 31) / 32, CLAIM_OFFSET = 4 };

struct Plic {
    pthread_mutex_t lock;
    unsigned contexts;
    IrqLine *lines;
    bool *line_level;

    uint8_t priority[PLIC_NUM_SOURCES];
    uint32_t pending[WORDS];
    uint32_t claimed[WORDS];    /* claimed, not yet completed */
    uint32_t level[WORDS];      /* the source lines as devices drive them */
    uint32_t (*enable)[WORDS];  /* per context */
    uint8_t *threshold;         /* per context */
};

static bool test_bit(const uint32_t *bits, unsigned n) { return (bits[n / 32] >> (n % 32)) & 1; }

static void put_bit(uint32_t *bits, unsigned n, bool value)
{
    if (value)
        bits[n / 32] |= 1u << (n % 32);
    else
        bits[n / 32] &= ~(1u << (n % 32));
}

/* Highest-priority enabled pending source of ctx above min_priority, or 0. */
static unsigned best_source(const Plic *p, unsigned ctx, unsigned min_priority)
{
    unsigned best = 0, best_priority = min_priority;
    for (unsigned w = 0; w < WORDS; w++) {
        uint32_t candidates = p->pending[w] & p->enable[ctx][w];
        while (candidates) {
            unsigned src = w * 32 + (unsigned)__builtin_ctz(candidates);
            candidates &= candidates - 1;
            if (p->priority[src] > best_priority) {
                best = src;
                best_priority = p->priority[src];
            }
        }
    }
    return best;
}

static void update_outputs(Plic *p)
{
    for (unsigned ctx = 0; ctx < p->contexts; ctx++) {
        bool level = best_source(p, ctx, p->threshold[ctx]) != 0;
        if (level != p->line_level[ctx]) {
            p->line_level[ctx] = level;
            irq_line_set(&p->lines[ctx], level);
        }
    }
}

static void set_source(void *opaque, unsigned src, bool level)
{
    Plic *p = opaque;
    if (src == 0 || src >= PLIC_NUM_SOURCES)
        return;
    pthread_mutex_lock(&p->lock);
    put_bit(p->level, src, level);
    if (!test_bit(p->claimed, src))
        put_bit(p->pending, src, level);
    update_outputs(p);
    pthread_mutex_unlock(&p->lock);
}

IrqLine plic_irq_line(Plic *p, unsigned source)
{
    if (source == 0 || source >= PLIC_NUM_SOURCES)
        return (IrqLine){0};
    return (IrqLine){.set = set_source, .opaque = p, .n = source};
}

static uint32_t claim(Plic *p, unsigned ctx)
{
    unsigned src = best_source(p, ctx, 0);
    if (src) {
        put_bit(p->pending, src, false);
        put_bit(p->claimed, src, true);
    }
    return src;
}

static void complete(Plic *p, unsigned ctx, uint32_t src)
{
    if (src == 0 || src >= PLIC_NUM_SOURCES || !test_bit(p->enable[ctx], src))
        return;
    if (!test_bit(p->claimed, src))
        return;
    put_bit(p->claimed, src, false);
    if (test_bit(p->level, src))
        put_bit(p->pending, src, true);
}

/* Where a 32-bit register offset lands: a context-relative offset and the
 * context, for the enable and context blocks. */
static bool in_block(uint64_t offset, uint64_t base, uint64_t stride, unsigned contexts,
                     unsigned *ctx, uint64_t *rel)
{
    if (offset < base || offset >= base + stride * contexts)
        return false;
    *ctx = (unsigned)((offset - base) / stride);
    *rel = (offset - base) % stride;
    return true;
}

/* Caller holds the lock; offset is 4-aligned. */
static uint32_t read32(Plic *p, uint64_t offset)
{
    unsigned ctx;
    uint64_t rel;
    if (offset < PLIC_PRIORITY_BASE + 4 * PLIC_NUM_SOURCES)
        return p->priority[offset / 4];
    if (offset >= PLIC_PENDING_BASE && offset < PLIC_PENDING_BASE + 4 * WORDS)
        return p->pending[(offset - PLIC_PENDING_BASE) / 4];
    if (in_block(offset, PLIC_ENABLE_BASE, PLIC_ENABLE_STRIDE, p->contexts, &ctx, &rel)) {
        if (rel < 4 * WORDS)
            return p->enable[ctx][rel / 4];
    } else if (in_block(offset, PLIC_CONTEXT_BASE, PLIC_CONTEXT_STRIDE, p->contexts, &ctx, &rel)) {
        if (rel == 0)
            return p->threshold[ctx];
        if (rel == CLAIM_OFFSET) {
            uint32_t src = claim(p, ctx);
            update_outputs(p);
            return src;
        }
    }
    log_printf(LOG_UNIMP, "plic: read of offset 0x%llx\n", (unsigned long long)offset);
    return 0;
}

static void write32(Plic *p, uint64_t offset, uint32_t value)
{
    unsigned ctx;
    uint64_t rel;
    if (offset < PLIC_PRIORITY_BASE + 4 * PLIC_NUM_SOURCES) {
        unsigned src = (unsigned)(offset / 4);
        if (src != 0)   /* source 0 does not exist; its priority stays 0 */
            p->priority[src] = value & PLIC_MAX_PRIORITY;
    } else if (offset >= PLIC_PENDING_BASE && offset < PLIC_PENDING_BASE + 4 * WORDS) {
        /* pending bits are read-only */
    } else if (in_block(offset, PLIC_ENABLE_BASE, PLIC_ENABLE_STRIDE, p->contexts, &ctx, &rel) &&
               rel < 4 * WORDS) {
        unsigned word = (unsigned)(rel / 4);
        p->enable[ctx][word] = word == 0 ? value & ~1u : value;
    } else if (in_block(offset, PLIC_CONTEXT_BASE, PLIC_CONTEXT_STRIDE, p->contexts, &ctx, &rel) &&
               rel <= CLAIM_OFFSET) {
        if (rel == 0)
            p->threshold[ctx] = value & PLIC_MAX_PRIORITY;
        else
            complete(p, ctx, value);
    } else {
        log_printf(LOG_UNIMP, "plic: write of offset 0x%llx\n", (unsigned long long)offset);
        return;
    }
    update_outputs(p);
}

/* All registers are 32 bits wide; a 64-bit access is two of them, low
 * first. Other widths and misaligned accesses hit nothing. */
static bool access_ok(uint64_t offset, unsigned size)
{
    return (size == 4 || size == 8) && (offset & (size - 1)) == 0 && offset < PLIC_MMIO_SIZE;
}

static uint64_t plic_read(void *opaque, uint64_t offset, unsigned size)
{
    Plic *p = opaque;
    if (!access_ok(offset, size)) {
        log_printf(LOG_UNIMP, "plic: bad read at 0x%llx size %u\n", (unsigned long long)offset, size);
        return 0;
    }
    pthread_mutex_lock(&p->lock);
    uint64_t value = read32(p, offset);
    if (size == 8)
        value |= (uint64_t)read32(p, offset + 4) << 32;
    pthread_mutex_unlock(&p->lock);
    return value;
}

static void plic_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Plic *p = opaque;
    if (!access_ok(offset, size)) {
        log_printf(LOG_UNIMP, "plic: bad write at 0x%llx size %u\n", (unsigned long long)offset, size);
        return;
    }
    pthread_mutex_lock(&p->lock);
    write32(p, offset, (uint32_t)value);
    if (size == 8)
        write32(p, offset + 4, (uint32_t)(value >> 32));
    pthread_mutex_unlock(&p->lock);
}

const DeviceMmioOps plic_mmio_ops = {
    .read = plic_read,
    .write = plic_write,
};

Plic *plic_new(const PlicConfig *cfg)
{
    if (cfg->harts == 0 || 2ull * cfg->harts > PLIC_MAX_CONTEXTS)
        return NULL;
    Plic *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    pthread_mutex_init(&p->lock, NULL);
    p->contexts = 2 * cfg->harts;
    p->lines = calloc(p->contexts, sizeof(*p->lines));
    p->line_level = calloc(p->contexts, sizeof(*p->line_level));
    p->enable = calloc(p->contexts, sizeof(*p->enable));
    p->threshold = calloc(p->contexts, sizeof(*p->threshold));
    if (!p->lines || !p->line_level || !p->enable || !p->threshold) {
        plic_free(p);
        return NULL;
    }
    if (cfg->context_lines)
        for (unsigned ctx = 0; ctx < p->contexts; ctx++)
            p->lines[ctx] = cfg->context_lines[ctx];
    return p;
}

void plic_free(Plic *p)
{
    if (!p)
        return;
    pthread_mutex_destroy(&p->lock);
    free(p->lines);
    free(p->line_level);
    free(p->enable);
    free(p->threshold);
    free(p);
}
