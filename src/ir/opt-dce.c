/*
 * ir_opt_dce: dead-code elimination by liveness (the second stage of
 * ir_optimize()).
 *
 * The block is split into basic blocks at labels, branches and exits; a
 * backward dataflow computes the temps live at each basic block's start,
 * iterated to a fixpoint because branches may go backward. A removable insn
 * whose outputs are all dead contributes no uses, so whole dead chains go in
 * one run.
 *
 * Precise guest state: every global is live at each block exit, before each
 * insn that can fault, and before each call to a helper that reads globals
 * or can fault. Normal temps are dead at exits. Removable insns are the pure
 * ops and ld_env; loads may fault and are kept, as is anything with a side
 * effect. Self-moves and code after an unconditional jump or exit (up to the
 * next label) are removed too.
 */
#include <stdlib.h>
#include <string.h>

#include "polyvm/ir.h"

typedef struct LiveSets {
    uint32_t words;          /* uint64_t per set */
    uint64_t *globals;       /* the set of all globals */
    uint64_t *all;           /* every temp: a branch to a label never set */
} LiveSets;

typedef struct BasicBlock {
    uint32_t first, end;     /* insns [first, end) */
    uint32_t succ[2];        /* basic block indexes, UINT32_MAX when absent */
    bool exits;              /* leaves the IR block: globals live, temps dead */
    bool unknown_target;     /* branches to a label that is never set */
} BasicBlock;

static bool bit_get(const uint64_t *set, uint32_t t) { return set[t / 64] >> (t % 64) & 1; }
static void bit_set(uint64_t *set, uint32_t t) { set[t / 64] |= 1ull << (t % 64); }
static void bit_clear(uint64_t *set, uint32_t t) { set[t / 64] &= ~(1ull << (t % 64)); }

static void set_union(uint64_t *dst, const uint64_t *src, uint32_t words)
{
    for (uint32_t i = 0; i < words; i++)
        dst[i] |= src[i];
}

static bool is_self_mov(const IrInsn *insn)
{
    return insn->op == IR_OP_mov && insn->args[0] == insn->args[1];
}

/* Removable when nothing reads its outputs. */
static bool removable(const IrInsn *insn, const uint64_t *live)
{
    if (is_self_mov(insn))
        return true;
    unsigned flags = ir_op_defs[insn->op].flags;
    if (!(flags & IR_F_PURE) && insn->op != IR_OP_ld_env)
        return false;
    if (flags & (IR_F_SIDE | IR_F_CAN_FAULT | IR_F_CALL | IR_F_EXIT | IR_F_MEM))
        return false;
    for (unsigned i = 0; i < insn->nout; i++)
        if (bit_get(live, insn->args[i]))
            return false;
    return true;
}

/* At this insn, must every global hold its guest value in the CPU state? */
static bool needs_guest_state(const IrInsn *insn)
{
    unsigned flags = ir_op_defs[insn->op].flags;
    if (flags & IR_F_CAN_FAULT)
        return true;
    if (flags & IR_F_CALL) {
        const IrHelper *h = (const IrHelper *)(uintptr_t)insn->c[0];
        return !h || (h->flags & (IR_HELPER_READS_GLOBALS | IR_HELPER_CAN_FAULT));
    }
    return false;
}

/* live: the set after insn on entry, before it on return. Dead insns are
 * marked in `dead` (when given) and leave the set alone. */
static void transfer(const IrInsn *insn, uint64_t *live, const LiveSets *ls, uint8_t *dead)
{
    if (removable(insn, live)) {
        if (dead)
            *dead = 1;
        return;
    }
    for (unsigned i = 0; i < insn->nout; i++)
        bit_clear(live, insn->args[i]);
    for (unsigned i = insn->nout; i < insn->nout + insn->nin; i++)
        bit_set(live, insn->args[i]);
    if (needs_guest_state(insn))
        set_union(live, ls->globals, ls->words);
}

static void live_out(const BasicBlock *bb, uint64_t *live, const uint64_t *live_in,
                     const LiveSets *ls)
{
    memset(live, 0, ls->words * sizeof(uint64_t));
    if (bb->exits)
        set_union(live, ls->globals, ls->words);
    if (bb->unknown_target)
        set_union(live, ls->all, ls->words);
    for (int k = 0; k < 2; k++)
        if (bb->succ[k] != UINT32_MAX)
            set_union(live, live_in + (size_t)bb->succ[k] * ls->words, ls->words);
}

/* Deletes insns after an unconditional jump or exit up to the next label,
 * and self-moves. */
static void remove_unreachable(IrBlock *b)
{
    uint32_t kept = 0;
    bool unreachable = false;
    for (uint32_t i = 0; i < b->ninsns; i++) {
        const IrInsn *insn = &b->insns[i];
        unsigned flags = ir_op_defs[insn->op].flags;
        if (flags & IR_F_LABEL)
            unreachable = false;
        if (unreachable || is_self_mov(insn))
            continue;
        if ((flags & IR_F_EXIT) || insn->op == IR_OP_br)
            unreachable = true;
        b->insns[kept++] = *insn;
    }
    b->ninsns = kept;
}

static bool ends_basic_block(const IrInsn *insn)
{
    return ir_op_defs[insn->op].flags & (IR_F_BRANCH | IR_F_EXIT);
}

/* Splits the block and links successors; returns the count or 0 on failure. */
static uint32_t build_basic_blocks(const IrBlock *b, BasicBlock *bbs)
{
    uint32_t *label_bb = malloc((b->nlabels ? b->nlabels : 1) * sizeof(uint32_t));
    if (!label_bb)
        return 0;
    for (uint32_t l = 0; l < b->nlabels; l++)
        label_bb[l] = UINT32_MAX;

    uint32_t n = 0;
    for (uint32_t i = 0; i < b->ninsns; i++) {
        const IrInsn *insn = &b->insns[i];
        bool starts = i == 0 || insn->op == IR_OP_set_label || ends_basic_block(&b->insns[i - 1]);
        if (starts) {
            bbs[n] = (BasicBlock){.first = i, .succ = {UINT32_MAX, UINT32_MAX}};
            n++;
        }
        bbs[n - 1].end = i + 1;
        if (insn->op == IR_OP_set_label && insn->c[0] < b->nlabels)
            label_bb[insn->c[0]] = n - 1;
    }

    for (uint32_t k = 0; k < n; k++) {
        BasicBlock *bb = &bbs[k];
        const IrInsn *last = &b->insns[bb->end - 1];
        unsigned flags = ir_op_defs[last->op].flags;
        uint32_t next = k + 1 < n ? k + 1 : UINT32_MAX;
        if (flags & IR_F_EXIT) {
            bb->exits = true;
            continue;
        }
        if (flags & IR_F_BRANCH) {
            uint64_t label = last->op == IR_OP_br ? last->c[0] : last->c[1];
            uint32_t target = label < b->nlabels ? label_bb[label] : UINT32_MAX;
            bb->succ[0] = target;
            bb->unknown_target = target == UINT32_MAX;
            if (last->op == IR_OP_br)
                continue;
        }
        bb->succ[1] = next;
        bb->exits = bb->exits || next == UINT32_MAX;   /* falls off the end */
    }
    free(label_bb);
    return n;
}

/* Iterates live-in sets to the least fixpoint. */
static void solve_liveness(const IrBlock *b, const BasicBlock *bbs, uint32_t nbb,
                           uint64_t *live_in, uint64_t *live, const LiveSets *ls)
{
    bool changed = true;
    while (changed) {
        changed = false;
        for (uint32_t k = nbb; k-- > 0;) {
            const BasicBlock *bb = &bbs[k];
            live_out(bb, live, live_in, ls);
            for (uint32_t i = bb->end; i-- > bb->first;)
                transfer(&b->insns[i], live, ls, NULL);
            uint64_t *in = live_in + (size_t)k * ls->words;
            if (memcmp(in, live, ls->words * sizeof(uint64_t))) {
                memcpy(in, live, ls->words * sizeof(uint64_t));
                changed = true;
            }
        }
    }
}

void ir_opt_dce(IrBlock *b)
{
    remove_unreachable(b);
    if (b->ninsns == 0)
        return;

    LiveSets ls = {.words = b->ntemps / 64 + 1};
    uint64_t *sets = NULL;
    uint8_t *dead = calloc(b->ninsns, 1);
    BasicBlock *bbs = malloc(b->ninsns * sizeof(BasicBlock));
    uint32_t nbb = bbs ? build_basic_blocks(b, bbs) : 0;
    if (nbb)
        sets = calloc((size_t)nbb + 3, ls.words * sizeof(uint64_t));
    if (!dead || !sets)
        goto out;                /* DCE is an optimisation: skip it */
    ls.globals = sets;
    ls.all = sets + ls.words;
    uint64_t *live = sets + 2 * ls.words;
    uint64_t *live_in = sets + 3 * ls.words;
    for (uint32_t t = 0; t < b->nglobals; t++)
        bit_set(ls.globals, t);
    for (uint32_t t = 0; t < b->ntemps; t++)
        bit_set(ls.all, t);

    solve_liveness(b, bbs, nbb, live_in, live, &ls);
    for (uint32_t k = 0; k < nbb; k++) {
        live_out(&bbs[k], live, live_in, &ls);
        for (uint32_t i = bbs[k].end; i-- > bbs[k].first;)
            transfer(&b->insns[i], live, &ls, &dead[i]);
    }
    uint32_t kept = 0;
    for (uint32_t i = 0; i < b->ninsns; i++)
        if (!dead[i])
            b->insns[kept++] = b->insns[i];
    b->ninsns = kept;
out:
    free(bbs);
    free(dead);
    free(sets);
}
