/*
 * Translated-block cache: a chained hash table from (guest PC, mode flags) to
 * TranslatedBlock. It owns the blocks, their engine code and the JIT's code
 * buffer. Flushing drops everything; tb_cache_remove() drops one block
 * (unlinked first), the step per-page invalidation and the generational code
 * cache are built from (docs/codecache.md will describe them).
 */
#include <stdlib.h>
#include <string.h>

#include "engine/jit/jit.h"
#include "polyvm/engine.h"

/* The blocks whose code comes from one guest-physical page (system mode). */
typedef struct TbPage {
    uint64_t ppage;
    TranslatedBlock *first;   /* threaded through page_next[0 or 1] */
    struct TbPage *next;
} TbPage;

#define PAGE_BUCKETS 4096u

struct TbCache {
    TranslatedBlock **buckets;
    uint64_t nbuckets;   /* power of two */
    uint64_t count;
    TbPage *pages[PAGE_BUCKETS];
    TranslatedBlock *retired;   /* invalidated, freed between blocks */
    IrBlock *scratch;
    JitState *jit;
};

static void detach(TbCache *c, CpuCommon *cpu, TranslatedBlock *tb);

static void free_block(TranslatedBlock *tb)
{
    interp_free(tb->interp);
    jit_block_free(tb->jit);
    free(tb);
}

/* by physical PC: per-page invalidation will find a page's blocks by it */
static uint64_t tb_hash(uint64_t phys_pc, uint32_t flags, uint64_t nbuckets)
{
    uint64_t h = (phys_pc >> 1) ^ ((uint64_t)flags << 32);
    h *= 0x9e3779b97f4a7c15ull;
    return (h >> 20) & (nbuckets - 1);
}

TbCache *tb_cache_new(void)
{
    TbCache *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->nbuckets = 1u << 14;
    c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
    if (!c->buckets) {
        free(c);
        return NULL;
    }
    return c;
}

static void free_pages(TbCache *c)
{
    for (unsigned i = 0; i < PAGE_BUCKETS; i++) {
        while (c->pages[i]) {
            TbPage *p = c->pages[i];
            c->pages[i] = p->next;
            free(p);
        }
    }
}

bool tb_cache_free_retired(TbCache *c)
{
    if (!c->retired)
        return false;
    while (c->retired) {
        TranslatedBlock *tb = c->retired;
        c->retired = tb->hash_next;
        free_block(tb);
    }
    return true;
}

void tb_cache_flush(TbCache *c)
{
    free_pages(c);
    tb_cache_free_retired(c);
    for (uint64_t i = 0; i < c->nbuckets; i++) {
        TranslatedBlock *tb = c->buckets[i];
        while (tb) {
            TranslatedBlock *next = tb->hash_next;
            free_block(tb);
            tb = next;
        }
        c->buckets[i] = NULL;
    }
    c->count = 0;
    if (c->jit)
        jit_state_reset(c->jit);
}

void tb_cache_free(TbCache *c)
{
    if (!c)
        return;
    tb_cache_flush(c);
    ir_block_free(c->scratch);
    jit_state_free(c->jit);
    free(c->buckets);
    free(c);
}

TranslatedBlock *tb_cache_lookup(TbCache *c, uint64_t pc, uint64_t phys_pc, uint32_t flags)
{
    for (TranslatedBlock *tb = c->buckets[tb_hash(phys_pc, flags, c->nbuckets)]; tb; tb = tb->hash_next)
        if (tb->pc == pc && tb->phys_pc == phys_pc && tb->flags == flags)
            return tb;
    return NULL;
}

static void grow(TbCache *c)
{
    uint64_t n = c->nbuckets * 2;
    TranslatedBlock **nb = calloc(n, sizeof(*nb));
    if (!nb)
        return;   /* keep the old table: longer chains, still correct */
    for (uint64_t i = 0; i < c->nbuckets; i++) {
        TranslatedBlock *tb = c->buckets[i];
        while (tb) {
            TranslatedBlock *next = tb->hash_next;
            uint64_t h = tb_hash(tb->phys_pc, tb->flags, n);
            tb->hash_next = nb[h];
            nb[h] = tb;
            tb = next;
        }
    }
    free(c->buckets);
    c->buckets = nb;
    c->nbuckets = n;
}

static unsigned page_bucket(uint64_t ppage) { return (unsigned)((ppage >> 12) * 0x9e3779b1u >> 20) & (PAGE_BUCKETS - 1); }

static TbPage **page_slot(TbCache *c, uint64_t ppage)
{
    TbPage **p = &c->pages[page_bucket(ppage)];
    while (*p && (*p)->ppage != ppage)
        p = &(*p)->next;
    return p;
}

/* which of tb's page links threads the list of ppage */
static unsigned page_link(const TranslatedBlock *tb, uint64_t ppage)
{
    return (tb->phys_pc & TLB_PAGE_MASK) == ppage ? 0 : 1;
}

static bool page_add(TbCache *c, TranslatedBlock *tb, uint64_t ppage, unsigned link)
{
    TbPage **slot = page_slot(c, ppage);
    if (!*slot) {
        TbPage *p = calloc(1, sizeof(*p));
        if (!p)
            return false;
        p->ppage = ppage;
        *slot = p;
    }
    tb->page_next[link] = (*slot)->first;
    (*slot)->first = tb;
    return true;
}

static void page_remove(TbCache *c, TranslatedBlock *tb, uint64_t ppage)
{
    TbPage **slot = page_slot(c, ppage);
    if (!*slot)
        return;
    TranslatedBlock **pp = &(*slot)->first;
    while (*pp && *pp != tb)
        pp = &(*pp)->page_next[page_link(*pp, ppage)];
    if (*pp)
        *pp = tb->page_next[page_link(tb, ppage)];
    if (!(*slot)->first) {
        TbPage *dead = *slot;
        *slot = dead->next;
        free(dead);
    }
}

bool tb_cache_insert(TbCache *c, TranslatedBlock *tb)
{
    if (c->count >= c->nbuckets)
        grow(c);
    uint64_t h = tb_hash(tb->phys_pc, tb->flags, c->nbuckets);
    tb->hash_next = c->buckets[h];
    c->buckets[h] = tb;
    c->count++;
    if (!tb->indexed_by_page)
        return true;
    bool ok = page_add(c, tb, tb->phys_pc & TLB_PAGE_MASK, 0);
    if (tb->phys_page2 != TB_NO_PAGE2)
        ok &= page_add(c, tb, tb->phys_page2, 1);
    return ok;
}


IrBlock *tb_cache_scratch_ir(TbCache *c, const IrGlobals *globals)
{
    if (!c->scratch)
        c->scratch = ir_block_new(globals);
    return c->scratch;
}

JitState *tb_cache_jit(TbCache *c)
{
    if (!c->jit)
        c->jit = jit_state_new();
    return c->jit;
}

JitState *tb_cache_jit_existing(const TbCache *c) { return c->jit; }

void tb_cache_remove(TbCache *c, CpuCommon *cpu, TranslatedBlock *tb)
{
    detach(c, cpu, tb);
    if (tb->indexed_by_page) {
        page_remove(c, tb, tb->phys_pc & TLB_PAGE_MASK);
        if (tb->phys_page2 != TB_NO_PAGE2)
            page_remove(c, tb, tb->phys_page2);
    }
    free_block(tb);
}

/* Takes tb out of every lookup path: chains, hash table, jump cache and the
 * JIT's fault table. */
static void detach(TbCache *c, CpuCommon *cpu, TranslatedBlock *tb)
{
    tb_unlink(c, tb);
    TranslatedBlock **p = &c->buckets[tb_hash(tb->phys_pc, tb->flags, c->nbuckets)];
    while (*p && *p != tb)
        p = &(*p)->hash_next;
    if (*p) {
        *p = tb->hash_next;
        c->count--;
    }
    CpuJumpCacheEntry *e = &cpu->jump_cache[cpu_jump_cache_index(tb->pc)];
    if (e->tb == tb)
        *e = (CpuJumpCacheEntry){.pc = CPU_JUMP_CACHE_EMPTY};
    JitState *js = c->jit;
    if (js && tb->jit && tb->jit->nfaults) {
        /* the fault lookup must not find it; its code space is reclaimed
         * at the next reset */
        for (uint32_t i = 0; i < js->nblocks; i++) {
            if (js->blocks[i] == tb) {
                memmove(&js->blocks[i], &js->blocks[i + 1], (js->nblocks - i - 1) * sizeof(*js->blocks));
                js->nblocks--;
                break;
            }
        }
    }
}

void tb_cache_invalidate_page(TbCache *c, CpuCommon *cpu, uint64_t ppage)
{
    TbPage **slot = page_slot(c, ppage);
    if (!*slot)
        return;
    TbPage *page = *slot;
    *slot = page->next;
    for (TranslatedBlock *tb = page->first, *next; tb; tb = next) {
        unsigned link = page_link(tb, ppage);
        next = tb->page_next[link];
        /* a block on two pages also leaves the other page's list */
        if (tb->phys_page2 != TB_NO_PAGE2)
            page_remove(c, tb, link == 0 ? tb->phys_page2 : tb->phys_pc & TLB_PAGE_MASK);
        detach(c, cpu, tb);
        tb->hash_next = c->retired;
        c->retired = tb;
    }
    free(page);
}
