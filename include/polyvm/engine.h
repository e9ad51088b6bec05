/*
 * Execution engines and translated blocks.
 *
 * A TranslatedBlock is one guest block (indexed by guest PC plus the CPU mode
 * flags that changed its translation) with each engine's form of it:
 * interp_compile() turns an optimized IrBlock into an InterpCode that
 * interp_exec() runs; jit_compile() (src/engine/jit/jit.h) turns it into
 * host code. The AOT engine will attach its code to the same block.
 *
 * Use: cpu_exec() (src/engine/cpu-exec.c) looks blocks up in the CPU's
 * jump cache and TbCache, translates misses with translator_translate() +
 * ir_optimize() + the vCPU's engine, runs them, and chains JIT blocks.
 */
#ifndef POLYVM_ENGINE_H
#define POLYVM_ENGINE_H

#include <stdint.h>

#include "polyvm/cpu.h"
#include "polyvm/ir.h"

typedef struct InterpCode InterpCode;
typedef struct JitBlock JitBlock;

typedef struct TranslatedBlock {
    uint64_t pc;
    uint64_t phys_pc;          /* system mode: guest-physical PC; user mode: pc */
    /* system mode: guest-physical page of the block's last byte when it
     * lies on another page than the first (one instruction straddling a
     * page boundary), else TB_NO_PAGE2; such blocks are checked on every
     * lookup and never chained to or kept in the jump cache */
    uint64_t phys_page2;
    uint32_t flags;
    bool indexed_by_page;      /* system mode: in the cache's page index */
    uint32_t guest_size;
    uint32_t guest_insns;
    InterpCode *interp;        /* set when the interpreter runs this block */
    JitBlock *jit;             /* set when it has host code */
    struct TranslatedBlock *hash_next;
    /* system mode: the next block of the same physical page in the
     * cache's page index, for the first page [0] and phys_page2 [1] */
    struct TranslatedBlock *page_next[2];
    /* Chaining (tb-link.c): link_to[n] is the block goto_tb slot n jumps
     * to directly; link_in lists the (block | slot) pairs jumping here,
     * threaded through each source's link_next[slot]. */
    struct TranslatedBlock *link_to[2];
    uintptr_t link_in;
    uintptr_t link_next[2];
} TranslatedBlock;

/* How a block ended, as the engines report it to cpu_exec(). */
typedef enum EngineExit {
    ENGINE_EXIT_NEXT,        /* cpu->pc holds the next block's PC */
    ENGINE_EXIT_EXCEPTION,   /* cpu->exception / exception_aux / pc are set */
} EngineExit;

typedef struct TbCache TbCache;
TbCache *tb_cache_new(void);
void tb_cache_free(TbCache *c);
#define TB_NO_PAGE2 UINT64_MAX
TranslatedBlock *tb_cache_lookup(TbCache *c, uint64_t pc, uint64_t phys_pc, uint32_t flags);
/* false: out of memory for the page index, so writes to the block's page
 * would not find it; the caller must flush the cache (it stays usable) */
bool tb_cache_insert(TbCache *c, TranslatedBlock *tb);
void tb_cache_flush(TbCache *c);
/* the scratch IR block used for translation, reused between blocks */
IrBlock *tb_cache_scratch_ir(TbCache *c, const IrGlobals *globals);

struct JitState;
/* the cache's JIT state, created on first use; NULL if it cannot be */
struct JitState *tb_cache_jit(TbCache *c);
/* the same without creating it (async-signal-safe) */
struct JitState *tb_cache_jit_existing(const TbCache *c);
/* Removes one block (unlinked, out of the hash table and the CPU's jump
 * cache) and frees it: the unit of invalidation. */
void tb_cache_remove(TbCache *c, CpuCommon *cpu, TranslatedBlock *tb);
/* System mode: removes every block with code on guest-physical page ppage.
 * The blocks may be running (a store into its own page): they are only
 * freed by tb_cache_free_retired(), between blocks. */
void tb_cache_invalidate_page(TbCache *c, CpuCommon *cpu, uint64_t ppage);
/* Frees the blocks invalidate_page retired; true if there were any (a
 * pending chain from one of them must not be made). */
bool tb_cache_free_retired(TbCache *c);

/* Chains goto_tb slot of src straight to dst (both JIT blocks). */
void tb_link(TbCache *c, TranslatedBlock *src, unsigned slot, TranslatedBlock *dst);
/* Undoes every chain into and out of tb. */
void tb_unlink(TbCache *c, TranslatedBlock *tb);

InterpCode *interp_compile(const IrBlock *ir);
void interp_free(InterpCode *code);
EngineExit interp_exec(CpuCommon *cpu, const InterpCode *code);

#endif
