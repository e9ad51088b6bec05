/*
 * Block chaining bookkeeping, independent of the host: which goto_tb slot
 * of which block jumps straight into which other block, so that removing
 * a block (invalidation, the code-cache GC) can first point every jump
 * into it back at its source's exit stub, and drop its own outgoing
 * links from its targets' lists.
 *
 * Each block's link_in is a singly linked list of (source | slot) words,
 * threaded through the sources' link_next[slot]; a block has at most two
 * outgoing links, so the lists cost two words per block.
 */
#include "engine/jit/jit.h"
#include "polyvm/engine.h"

#define LINK_SLOT(w) ((unsigned)((w) & 1))
#define LINK_TB(w) ((TranslatedBlock *)((w) & ~(uintptr_t)1))

void tb_link(TbCache *c, TranslatedBlock *src, unsigned slot, TranslatedBlock *dst)
{
    JitState *js = tb_cache_jit(c);
    if (!js || !src->jit || !dst->jit || src->link_to[slot] || !src->jit->exit_jmp[slot])
        return;
    jit_patch_exit(js, src, slot, dst->jit->entry);
    src->link_to[slot] = dst;
    src->link_next[slot] = dst->link_in;
    dst->link_in = (uintptr_t)src | slot;
}

/* removes (src, slot) from dst's incoming list */
static void drop_incoming(TranslatedBlock *dst, TranslatedBlock *src, unsigned slot)
{
    uintptr_t *w = &dst->link_in;
    while (*w) {
        TranslatedBlock *t = LINK_TB(*w);
        unsigned s = LINK_SLOT(*w);
        if (t == src && s == slot) {
            *w = src->link_next[slot];
            return;
        }
        w = &t->link_next[s];
    }
}

void tb_unlink(TbCache *c, TranslatedBlock *tb)
{
    JitState *js = tb_cache_jit_existing(c);
    if (!js)
        return;
    for (uintptr_t w = tb->link_in; w;) {
        TranslatedBlock *src = LINK_TB(w);
        unsigned s = LINK_SLOT(w);
        w = src->link_next[s];
        jit_unpatch_exit(js, src, s);
        src->link_to[s] = NULL;
        src->link_next[s] = 0;
    }
    tb->link_in = 0;
    for (unsigned s = 0; s < 2; s++) {
        TranslatedBlock *dst = tb->link_to[s];
        if (!dst)
            continue;
        drop_incoming(dst, tb, s);
        jit_unpatch_exit(js, tb, s);
        tb->link_to[s] = NULL;
        tb->link_next[s] = 0;
    }
}
