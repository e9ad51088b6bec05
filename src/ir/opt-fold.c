/*
 * ir_opt_fold: constant folding, constant propagation and copy propagation
 * in one forward pass over a block (the first stage of ir_optimize()).
 *
 * Temps are not SSA: normal temps and globals may be assigned many times.
 * The pass keeps, for every non-constant temp, what is known about its
 * current value: a constant, or "copy of temp S as S was at version v".
 * Every definition of a temp bumps its version, which silently invalidates
 * copies taken from its old value, and clears its own facts. Facts are
 * dropped at labels (join points), and facts about globals after a helper
 * that may write them.
 *
 * All value semantics come from ir_eval_pure_inline() (ir-eval.h), the same
 * code the interpreter runs, so folding cannot disagree with execution.
 * Only ops flagged IR_F_PURE are folded; loads, stores and calls are kept,
 * though their inputs are still propagated.
 */
#include <stdlib.h>
#include <string.h>

#include "ir-eval.h"
#include "polyvm/ir.h"

typedef struct Fact {
    uint32_t version;      /* bumped on every definition of the temp */
    bool known;            /* value holds the temp's current value */
    uint64_t value;
    IrTemp copy_of;        /* IR_NO_TEMP, or a temp holding the same value ... */
    uint32_t copy_version; /* ... while its version is still this */
} Fact;

typedef struct FoldState {
    IrBlock *b;
    uint32_t nfacts;       /* temps present when the pass began; newer ones are constants */
    Fact *facts;
    bool unreachable;      /* after a jump or exit, until the next label */
} FoldState;

static Fact *fact_of(FoldState *s, IrTemp t)
{
    if (t >= s->nfacts || s->b->temps[t].kind == IR_TEMP_CONST)
        return NULL;
    return &s->facts[t];
}

static void forget(Fact *f)
{
    f->known = false;
    f->copy_of = IR_NO_TEMP;
}

static void forget_all(FoldState *s)
{
    for (uint32_t t = 0; t < s->nfacts; t++)
        forget(&s->facts[t]);
}

/* A helper wrote some globals: treat every global as redefined. */
static void forget_globals(FoldState *s)
{
    for (uint32_t t = 0; t < s->b->nglobals && t < s->nfacts; t++) {
        s->facts[t].version++;
        forget(&s->facts[t]);
    }
}

static void redefine(FoldState *s, IrTemp t)
{
    Fact *f = fact_of(s, t);
    if (f) {
        f->version++;
        forget(f);
    }
}

static bool value_of(FoldState *s, IrTemp t, uint64_t *v)
{
    if (s->b->temps[t].kind == IR_TEMP_CONST) {
        *v = s->b->temps[t].value;
        return true;
    }
    Fact *f = fact_of(s, t);
    if (f && f->known) {
        *v = f->value;
        return true;
    }
    return false;
}

/* Never lets the builder overflow: a full temp table just stops folding. */
static bool make_const(FoldState *s, IrType type, uint64_t v, IrTemp *out)
{
    if (s->b->ntemps >= s->b->cap_temps)
        return false;
    *out = ir_const(s->b, type, v);
    return true;
}

/* The temp to read instead of t: a constant or the source of a live copy. */
static IrTemp propagate(FoldState *s, IrTemp t)
{
    Fact *f = fact_of(s, t);
    if (!f)
        return t;
    IrTemp c;
    if (f->known && make_const(s, ir_temp_type(s->b, t), f->value, &c))
        return c;
    if (f->copy_of != IR_NO_TEMP && s->facts[f->copy_of].version == f->copy_version)
        return f->copy_of;
    return t;
}

static void make_mov(IrInsn *insn, IrTemp out, IrTemp src, IrType type)
{
    memset(insn, 0, sizeof(*insn));
    insn->op = IR_OP_mov;
    insn->type = (uint8_t)type;
    insn->nout = insn->nin = 1;
    insn->args[0] = out;
    insn->args[1] = src;
}

/* Rewrites insn as out = constant; false when no constant temp is left. */
static bool make_mov_const(FoldState *s, IrInsn *insn, uint64_t v)
{
    IrTemp out = insn->args[0];
    IrType type = ir_temp_type(s->b, out);
    IrTemp c;
    if (!make_const(s, type, v & ir_type_mask(type), &c))
        return false;
    make_mov(insn, out, c, type);
    return true;
}

/* 1/0 when cond on inputs a, b is decided at translation time, -1 if not. */
static int decide_cond(FoldState *s, IrCond cond, IrType type, IrTemp a, IrTemp b)
{
    uint64_t va, vb;
    if (value_of(s, a, &va) && value_of(s, b, &vb))
        return ir_cond_eval(cond, type, va, vb);
    /* x cmp x does not depend on x for orderings; the test conditions do */
    if (a == b && cond != IR_COND_TSTEQ && cond != IR_COND_TSTNE)
        return ir_cond_eval(cond, type, 0, 0);
    return -1;
}

/*
 * Algebraic identities with a constant second operand (commutative ops are
 * first turned round so the constant is second). Each is exact for both
 * widths given zero-extended I32 values.
 */
typedef enum { K_ZERO, K_ONE, K_ONES } IdentityConst;
typedef enum { R_FIRST, R_ZERO, R_ONES } IdentityResult;
static const struct Identity {
    uint16_t op;
    uint8_t when;      /* IdentityConst */
    uint8_t result;    /* IdentityResult */
} identities[] = {
    {IR_OP_add, K_ZERO, R_FIRST},  {IR_OP_sub, K_ZERO, R_FIRST},
    {IR_OP_mul, K_ONE, R_FIRST},   {IR_OP_mul, K_ZERO, R_ZERO},
    {IR_OP_and, K_ONES, R_FIRST},  {IR_OP_and, K_ZERO, R_ZERO},
    {IR_OP_or, K_ZERO, R_FIRST},   {IR_OP_or, K_ONES, R_ONES},
    {IR_OP_xor, K_ZERO, R_FIRST},  {IR_OP_andc, K_ZERO, R_FIRST},
    {IR_OP_shl, K_ZERO, R_FIRST},  {IR_OP_shr, K_ZERO, R_FIRST},
    {IR_OP_sar, K_ZERO, R_FIRST},  {IR_OP_rotl, K_ZERO, R_FIRST},
    {IR_OP_rotr, K_ZERO, R_FIRST},
};

/* x OP x */
static const struct SameOperands {
    uint16_t op;
    uint8_t result;    /* IdentityResult */
} same_operands[] = {
    {IR_OP_sub, R_ZERO}, {IR_OP_xor, R_ZERO}, {IR_OP_and, R_FIRST}, {IR_OP_or, R_FIRST},
};

static bool apply_result(FoldState *s, IrInsn *insn, IdentityResult r)
{
    IrType type = (IrType)insn->type;
    switch (r) {
    case R_FIRST:
        make_mov(insn, insn->args[0], insn->args[1], type);
        return true;
    case R_ZERO:
        return make_mov_const(s, insn, 0);
    case R_ONES:
        return make_mov_const(s, insn, ir_type_mask(type));
    }
    return false;
}

static void simplify_identity(FoldState *s, IrInsn *insn)
{
    if (insn->nout != 1 || insn->nin != 2)
        return;
    uint64_t c, other;
    if ((ir_op_defs[insn->op].flags & IR_F_COMMUTATIVE) && value_of(s, insn->args[1], &c) &&
        !value_of(s, insn->args[2], &other)) {
        IrTemp t = insn->args[1];
        insn->args[1] = insn->args[2];
        insn->args[2] = t;
    }
    if (insn->args[1] == insn->args[2]) {
        for (size_t i = 0; i < sizeof(same_operands) / sizeof(same_operands[0]); i++)
            if (same_operands[i].op == insn->op) {
                apply_result(s, insn, (IdentityResult)same_operands[i].result);
                return;
            }
        return;
    }
    if (!value_of(s, insn->args[2], &c))
        return;
    uint64_t ones = ir_type_mask((IrType)insn->type);
    for (size_t i = 0; i < sizeof(identities) / sizeof(identities[0]); i++) {
        const struct Identity *id = &identities[i];
        bool match = id->when == K_ZERO ? c == 0 : id->when == K_ONE ? c == 1 : c == ones;
        if (id->op == insn->op && match) {
            apply_result(s, insn, (IdentityResult)id->result);
            return;
        }
    }
}

/* Rewrites a pure insn into a simpler one where its inputs allow. */
static void simplify_pure(FoldState *s, IrInsn *insn)
{
    uint64_t in[IR_MAX_ARGS] = {0};
    bool all_known = true;
    for (unsigned i = 0; i < insn->nin; i++)
        all_known = all_known && value_of(s, insn->args[insn->nout + i], &in[i]);
    if (insn->op == IR_OP_mov)
        return;
    if (all_known) {
        make_mov_const(s, insn, ir_eval_pure_inline((IrOpcode)insn->op, (IrType)insn->type,
                                                    in, insn->c));
        return;
    }
    if (insn->op == IR_OP_setcond || insn->op == IR_OP_movcond) {
        IrTemp *a = &insn->args[1];
        int taken = decide_cond(s, (IrCond)insn->c[0], (IrType)insn->type, a[0], a[1]);
        if (insn->op == IR_OP_setcond && taken >= 0)
            make_mov_const(s, insn, (uint64_t)taken);
        else if (insn->op == IR_OP_movcond && (taken >= 0 || a[2] == a[3]))
            make_mov(insn, insn->args[0], taken == 0 ? a[3] : a[2], (IrType)insn->type);
        return;
    }
    simplify_identity(s, insn);
}

/* Records what a mov teaches about its output. */
static void learn_mov(FoldState *s, IrTemp out, IrTemp src)
{
    uint64_t v;
    bool known = value_of(s, src, &v);
    Fact *src_fact = fact_of(s, src);
    redefine(s, out);
    Fact *f = fact_of(s, out);
    if (!f)
        return;
    if (known) {
        f->known = true;
        f->value = v & ir_type_mask(ir_temp_type(s->b, out));
    } else if (src_fact) {
        f->copy_of = src;
        f->copy_version = src_fact->version;
    }
}

/* Processes one insn in place; returns false when it is to be deleted. */
static bool fold_insn(FoldState *s, IrInsn *insn)
{
    const IrOpDef *def = &ir_op_defs[insn->op];
    if (def->flags & IR_F_LABEL) {
        forget_all(s);
        s->unreachable = false;
        return true;
    }
    if (s->unreachable)
        return false;

    for (unsigned i = insn->nout; i < insn->nout + insn->nin; i++)
        insn->args[i] = propagate(s, insn->args[i]);

    if (insn->op == IR_OP_brcond) {
        int taken = decide_cond(s, (IrCond)insn->c[0], (IrType)insn->type, insn->args[0],
                                insn->args[1]);
        if (taken == 0)
            return false;
        if (taken == 1) {
            uint64_t label = insn->c[1];
            memset(insn, 0, sizeof(*insn));
            insn->op = IR_OP_br;
            insn->type = IR_I64;
            insn->c[0] = label;
        }
    } else if (def->flags & IR_F_PURE) {
        simplify_pure(s, insn);
    }

    if (insn->op == IR_OP_mov) {
        if (insn->args[0] == insn->args[1])
            return false;        /* out already holds the value */
        learn_mov(s, insn->args[0], insn->args[1]);
    } else {
        if (ir_insn_writes_globals(insn))
            forget_globals(s);
        for (unsigned i = 0; i < insn->nout; i++)
            redefine(s, insn->args[i]);
    }
    if (insn->op == IR_OP_br || (ir_op_defs[insn->op].flags & IR_F_EXIT))
        s->unreachable = true;
    return true;
}

void ir_opt_fold(IrBlock *b)
{
    FoldState s = {b, b->ntemps, NULL, false};
    s.facts = malloc((b->ntemps ? b->ntemps : 1) * sizeof(Fact));
    if (!s.facts)
        return;                  /* folding is an optimisation: skip it */
    for (uint32_t t = 0; t < b->ntemps; t++) {
        s.facts[t].version = 0;
        forget(&s.facts[t]);
    }
    uint32_t kept = 0;
    for (uint32_t i = 0; i < b->ninsns; i++) {
        IrInsn insn = b->insns[i];
        if (fold_insn(&s, &insn))
            b->insns[kept++] = insn;
    }
    b->ninsns = kept;
    free(s.facts);
}
