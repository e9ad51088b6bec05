/*
 * Translated-block cache: a chained hash table from (guest PC, mode flags) to
 * TranslatedBlock. It owns the blocks and their engine code. Flushing drops
 * everything; per-page invalidation and the generational code cache come with
 * the JIT and system mode (docs/codecache.md will describe them).
 */
#include <stdlib.h>

#include "polyvm/engine.h"

struct TbCache {
    TranslatedBlock **buckets;
    uint64_t nbuckets;   /* power of two */
    uint64_t count;
    IrBlock *scratch;
};

static uint64_t tb_hash(uint64_t pc, uint32_t flags, uint64_t nbuckets)
{
    uint64_t h = (pc >> 1) ^ ((uint64_t)flags << 32);
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

void tb_cache_flush(TbCache *c)
{
    for (uint64_t i = 0; i < c->nbuckets; i++) {
        TranslatedBlock *tb = c->buckets[i];
        while (tb) {
            TranslatedBlock *next = tb->hash_next;
            interp_free(tb->interp);
            free(tb);
            tb = next;
        }
        c->buckets[i] = NULL;
    }
    c->count = 0;
}

void tb_cache_free(TbCache *c)
{
    if (!c)
        return;
    tb_cache_flush(c);
    ir_block_free(c->scratch);
    free(c->buckets);
    free(c);
}

TranslatedBlock *tb_cache_lookup(TbCache *c, uint64_t pc, uint32_t flags)
{
    for (TranslatedBlock *tb = c->buckets[tb_hash(pc, flags, c->nbuckets)]; tb; tb = tb->hash_next)
        if (tb->pc == pc && tb->flags == flags)
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
            uint64_t h = tb_hash(tb->pc, tb->flags, n);
            tb->hash_next = nb[h];
            nb[h] = tb;
            tb = next;
        }
    }
    free(c->buckets);
    c->buckets = nb;
    c->nbuckets = n;
}

void tb_cache_insert(TbCache *c, TranslatedBlock *tb)
{
    if (c->count >= c->nbuckets)
        grow(c);
    uint64_t h = tb_hash(tb->pc, tb->flags, c->nbuckets);
    tb->hash_next = c->buckets[h];
    c->buckets[h] = tb;
    c->count++;
}

uint64_t tb_cache_count(const TbCache *c) { return c->count; }

IrBlock *tb_cache_scratch_ir(TbCache *c, const IrGlobals *globals)
{
    if (!c->scratch)
        c->scratch = ir_block_new(globals);
    return c->scratch;
}
