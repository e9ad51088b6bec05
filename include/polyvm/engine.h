/*
 * Execution engines and translated blocks.
 *
 * A TranslatedBlock is one guest block (indexed by guest PC plus the CPU mode
 * flags that changed its translation) with each engine's form of it. Today
 * the interpreter is the only engine: interp_compile() turns an optimized
 * IrBlock into an InterpCode and interp_exec() runs it. The JIT and AOT
 * engines attach their code to the same TranslatedBlock later.
 *
 * Use: cpu_exec() (src/engine/cpu-exec.c) looks blocks up in the CPU's
 * TbCache, translates misses with translator_translate() + ir_optimize()
 * + interp_compile(), and runs them.
 */
#ifndef POLYVM_ENGINE_H
#define POLYVM_ENGINE_H

#include <stdint.h>

#include "polyvm/cpu.h"
#include "polyvm/ir.h"

typedef struct InterpCode InterpCode;

typedef struct TranslatedBlock {
    uint64_t pc;
    uint32_t flags;
    uint32_t guest_size;
    uint32_t guest_insns;
    InterpCode *interp;
    struct TranslatedBlock *hash_next;
} TranslatedBlock;

/* How a block ended, as the engines report it to cpu_exec(). */
typedef enum EngineExit {
    ENGINE_EXIT_NEXT,        /* cpu->pc holds the next block's PC */
    ENGINE_EXIT_EXCEPTION,   /* cpu->exception / exception_aux / pc are set */
} EngineExit;

typedef struct TbCache TbCache;
TbCache *tb_cache_new(void);
void tb_cache_free(TbCache *c);
TranslatedBlock *tb_cache_lookup(TbCache *c, uint64_t pc, uint32_t flags);
void tb_cache_insert(TbCache *c, TranslatedBlock *tb);
void tb_cache_flush(TbCache *c);
uint64_t tb_cache_count(const TbCache *c);
/* the scratch IR block used for translation, reused between blocks */
IrBlock *tb_cache_scratch_ir(TbCache *c, const IrGlobals *globals);

InterpCode *interp_compile(const IrBlock *ir);
void interp_free(InterpCode *code);
EngineExit interp_exec(CpuCommon *cpu, const InterpCode *code);

/* Translates (or finds) the block at cpu->pc; NULL only on allocation failure. */
TranslatedBlock *engine_get_block(CpuCommon *cpu);

#endif
