/*
 * ir_opt_combine: a peephole pass that joins shift pairs into rotates (the
 * stage of ir_optimize() between folding and DCE).
 *
 * ISAs without a rotate instruction (RV64GC) spell one as two shifts and an
 * or: srliw t, x, a; slliw u, x, 32-a; or d, t, u. Hashes like SHA-256 are
 * made of such rotates, and a host with a rotate instruction runs one insn
 * instead of about seven. The pass rewrites the combining op (or, xor or add:
 * the two halves have disjoint bits, so all three give the same value) into a
 * rotate of the shared source; it leaves the shifts alone, so they stay when
 * their outputs are guest registers still live, and DCE removes them if not.
 * One known-bits rule rides along: sign-extending the result of a 32-bit
 * right shift by 1..31 is a zero extension (on x86 a plain 32-bit move,
 * which the core eliminates, where movsxd is an ALU op).
 *
 * Temps are not SSA, so like opt-fold.c the pass versions every temp: each
 * definition bumps the version. A temp's "shape" records that its current
 * value is a shift of some source temp as that source was at a given version;
 * two halves only pair up when they name the same source at the same version,
 * and the rotate is only emitted while that value is still readable (from the
 * source itself, or from an I32 temp holding its low half). Shapes are
 * dropped at labels (join points), and shapes of globals after a helper that
 * may write them.
 */
#include <stdlib.h>
#include <string.h>

#include "polyvm/ir.h"

typedef enum ShapeKind {
    SHAPE_NONE,
    SHAPE_LOW32,    /* I32: low32(src) */
    SHAPE_SHR32,    /* R = low32(src) >> amount, as a 32-bit value */
    SHAPE_SHL32,    /* R = low32(src) << amount, as a 32-bit value */
    SHAPE_SHR64,    /* I64: src >> amount */
    SHAPE_SHL64,    /* I64: src << amount */
} ShapeKind;

/* How a 32-bit result R sits in its temp: an I32 temp holds R itself, an
 * I64 temp its sign or zero extension. */
typedef enum Widen { WIDEN_NONE, WIDEN_SEXT, WIDEN_ZEXT } Widen;

typedef struct Shape {
    uint8_t kind;          /* ShapeKind */
    uint8_t widen;         /* Widen, for SHR32/SHL32 */
    uint8_t amount;
    IrTemp src;            /* the value shifted is src ... */
    uint32_t src_version;  /* ... as it was at this version */
    IrTemp low;            /* IR_NO_TEMP, or an I32 temp holding low32 of that value ... */
    uint32_t low_version;  /* ... while its version is still this */
} Shape;

typedef struct TempState {
    uint32_t version;      /* bumped on every definition of the temp */
    Shape shape;           /* what the current value is, if known */
} TempState;

typedef struct CombineState {
    IrBlock *b;
    uint32_t nstates;      /* temps present when the pass began; newer ones are ours */
    TempState *st;
    IrInsn *out;           /* the rewritten insn list */
    uint32_t nout, cap_out;
} CombineState;

static const Shape no_shape = {SHAPE_NONE, WIDEN_NONE, 0, IR_NO_TEMP, 0, IR_NO_TEMP, 0};

static TempState *state_of(CombineState *s, IrTemp t)
{
    if (t >= s->nstates || s->b->temps[t].kind == IR_TEMP_CONST)
        return NULL;
    return &s->st[t];
}

static Shape shape_of(CombineState *s, IrTemp t)
{
    TempState *ts = state_of(s, t);
    return ts ? ts->shape : no_shape;
}

static bool is_current(CombineState *s, IrTemp t, uint32_t version)
{
    TempState *ts = state_of(s, t);
    return ts && ts->version == version;
}

static void redefine(CombineState *s, IrTemp t)
{
    TempState *ts = state_of(s, t);
    if (ts) {
        ts->version++;
        ts->shape = no_shape;
    }
}

static void forget_all(CombineState *s)
{
    for (uint32_t t = 0; t < s->nstates; t++)
        s->st[t].shape = no_shape;
}

/* A helper wrote some globals: treat every global as redefined. */
static void forget_globals(CombineState *s)
{
    for (uint32_t t = 0; t < s->b->nglobals && t < s->nstates; t++)
        redefine(s, t);
}

static bool const_amount(CombineState *s, IrTemp t, unsigned width, unsigned *amount)
{
    if (!ir_temp_is_const(s->b, t))
        return false;
    *amount = (unsigned)(s->b->temps[t].value & (width - 1));
    return *amount != 0;
}

/* The shape "low32 of t's current value": through a truncation when t is
 * one, else t itself (an I32 temp, or an I64 one whose low half is used). */
static Shape low32_view(CombineState *s, IrTemp t)
{
    TempState *ts = state_of(s, t);
    if (!ts)
        return no_shape;
    if (ts->shape.kind == SHAPE_LOW32) {
        Shape v = ts->shape;     /* t itself now holds the low half */
        v.low = t;
        v.low_version = ts->version;
        return v;
    }
    Shape v = {SHAPE_LOW32, WIDEN_NONE, 0, t, ts->version, IR_NO_TEMP, 0};
    if (ir_temp_type(s->b, t) == IR_I32) {
        v.low = t;
        v.low_version = ts->version;
    }
    return v;
}

static Shape shifted(Shape base, ShapeKind kind, unsigned amount, Widen widen)
{
    base.kind = (uint8_t)kind;
    base.amount = (uint8_t)amount;
    base.widen = (uint8_t)widen;
    return base;
}

/* What insn's output will hold, computed before the output is redefined. */
static Shape shape_after(CombineState *s, const IrInsn *insn)
{
    IrTemp a = insn->args[1];
    unsigned n;
    Shape in = insn->nin >= 1 ? shape_of(s, a) : no_shape;
    switch (insn->op) {
    case IR_OP_mov:
        return in;
    case IR_OP_trunc_i64_i32:
        if (in.kind == SHAPE_SHL64 && in.amount < 32)
            return shifted(in, SHAPE_SHL32, in.amount, WIDEN_NONE);
        if (in.kind == SHAPE_SHR32 || in.kind == SHAPE_SHL32)
            return shifted(in, (ShapeKind)in.kind, in.amount, WIDEN_NONE);
        return low32_view(s, a);
    case IR_OP_shr:
    case IR_OP_shl: {
        bool left = insn->op == IR_OP_shl;
        if (insn->type == IR_I64) {
            if (!const_amount(s, insn->args[2], 64, &n) || !state_of(s, a))
                return no_shape;
            Shape src = {SHAPE_NONE, WIDEN_NONE, 0, a, state_of(s, a)->version, IR_NO_TEMP, 0};
            return shifted(src, left ? SHAPE_SHL64 : SHAPE_SHR64, n, WIDEN_NONE);
        }
        if (!const_amount(s, insn->args[2], 32, &n))
            return no_shape;
        Shape base = low32_view(s, a);
        if (base.kind != SHAPE_LOW32)
            return no_shape;
        return shifted(base, left ? SHAPE_SHL32 : SHAPE_SHR32, n, WIDEN_NONE);
    }
    case IR_OP_ext_i32_i64:
    case IR_OP_extu_i32_i64:
        if ((in.kind != SHAPE_SHR32 && in.kind != SHAPE_SHL32) || in.widen != WIDEN_NONE)
            return no_shape;
        return shifted(in, (ShapeKind)in.kind, in.amount,
                       insn->op == IR_OP_ext_i32_i64 ? WIDEN_SEXT : WIDEN_ZEXT);
    case IR_OP_ext32s:
    case IR_OP_ext32u: {
        Widen w = insn->op == IR_OP_ext32s ? WIDEN_SEXT : WIDEN_ZEXT;
        if (in.kind == SHAPE_SHL64 && in.amount < 32)
            return shifted(in, SHAPE_SHL32, in.amount, w);
        if (in.kind == SHAPE_SHR32 || in.kind == SHAPE_SHL32)
            return shifted(in, (ShapeKind)in.kind, in.amount, w);
        return no_shape;
    }
    default:
        return no_shape;
    }
}

/* ---- output list ---- */

static bool reserve(CombineState *s, uint32_t more)
{
    if (s->nout + more <= s->cap_out)
        return true;
    uint32_t cap = s->cap_out * 2 + more;
    IrInsn *n = realloc(s->out, cap * sizeof(IrInsn));
    if (!n)
        return false;
    s->out = n;
    s->cap_out = cap;
    return true;
}

static void put(CombineState *s, IrOpcode op, IrType type, IrTemp out, IrTemp a, IrTemp c)
{
    IrInsn *insn = &s->out[s->nout++];
    memset(insn, 0, sizeof(*insn));
    insn->op = (uint16_t)op;
    insn->type = (uint8_t)type;
    insn->nout = 1;
    insn->nin = c == IR_NO_TEMP ? 1 : 2;
    insn->args[0] = out;
    insn->args[1] = a;
    insn->args[2] = c;
}

/* ---- rotates ---- */

static bool same_value(const Shape *x, const Shape *y)
{
    return x->src == y->src && x->src_version == y->src_version;
}

/* A temp to read low32 of the shared source from, or IR_NO_TEMP. */
static IrTemp readable_low(CombineState *s, const Shape *x, const Shape *y, bool *need_trunc)
{
    *need_trunc = false;
    if (x->low != IR_NO_TEMP && is_current(s, x->low, x->low_version))
        return x->low;
    if (y->low != IR_NO_TEMP && is_current(s, y->low, y->low_version))
        return y->low;
    if (!is_current(s, x->src, x->src_version))
        return IR_NO_TEMP;
    *need_trunc = ir_temp_type(s->b, x->src) == IR_I64;
    return x->src;
}

/* Room for up to three temps without ever making the builder overflow. */
static bool temps_left(CombineState *s) { return s->b->ntemps + 3 <= s->b->cap_temps; }

/* d = (src >> a) | (src << b) over 32 bits, a + b == 32: rotr32 by a. */
static bool emit_rotate32(CombineState *s, const IrInsn *insn, const Shape *shr,
                          const Shape *shl)
{
    bool wide = insn->type == IR_I64;
    if (wide ? shr->widen == WIDEN_NONE || shl->widen == WIDEN_NONE
             : shr->widen != WIDEN_NONE || shl->widen != WIDEN_NONE)
        return false;
    bool need_trunc;
    IrTemp x = readable_low(s, shr, shl, &need_trunc);
    if (x == IR_NO_TEMP || !temps_left(s) || !reserve(s, 3))
        return false;
    if (need_trunc) {
        IrTemp low = ir_temp_new(s->b, IR_I32);
        put(s, IR_OP_trunc_i64_i32, IR_I32, low, x, IR_NO_TEMP);
        x = low;
    }
    IrTemp amount = ir_const32(s->b, shr->amount);
    if (!wide) {
        put(s, IR_OP_rotr, IR_I32, insn->args[0], x, amount);
        return true;
    }
    /* bit 31 of the rotate comes from the left half, so its extension wins;
     * the right half's upper bits are zero either way */
    IrTemp rot = ir_temp_new(s->b, IR_I32);
    put(s, IR_OP_rotr, IR_I32, rot, x, amount);
    put(s, shl->widen == WIDEN_SEXT ? IR_OP_ext_i32_i64 : IR_OP_extu_i32_i64, IR_I64,
        insn->args[0], rot, IR_NO_TEMP);
    return true;
}

/* d = (src >> a) | (src << b) over 64 bits, a + b == 64: rotr64 by a. */
static bool emit_rotate64(CombineState *s, const IrInsn *insn, const Shape *shr)
{
    if (insn->type != IR_I64 || !is_current(s, shr->src, shr->src_version) ||
        !temps_left(s) || !reserve(s, 1))
        return false;
    put(s, IR_OP_rotr, IR_I64, insn->args[0], shr->src, ir_const64(s->b, shr->amount));
    return true;
}

/* Emits a rotate in place of or/xor/add insn when its inputs are the two
 * halves of one; false leaves the insn to be copied as it is. */
static bool try_rotate(CombineState *s, const IrInsn *insn)
{
    if (insn->op != IR_OP_or && insn->op != IR_OP_xor && insn->op != IR_OP_add)
        return false;
    Shape p = shape_of(s, insn->args[1]), q = shape_of(s, insn->args[2]);
    if (q.kind == SHAPE_SHR32 || q.kind == SHAPE_SHR64) {
        Shape t = p;
        p = q;
        q = t;
    }
    if (!same_value(&p, &q))
        return false;
    if (p.kind == SHAPE_SHR32 && q.kind == SHAPE_SHL32 && p.amount + q.amount == 32)
        return emit_rotate32(s, insn, &p, &q);
    if (p.kind == SHAPE_SHR64 && q.kind == SHAPE_SHL64 && p.amount + q.amount == 64)
        return emit_rotate64(s, insn, &p);
    return false;
}

/* ---- the pass ---- */

/* Copies or rewrites one insn into the output list and updates the states;
 * false when the output list could not grow. */
static bool combine_insn(CombineState *s, const IrInsn *insn)
{
    const IrOpDef *def = &ir_op_defs[insn->op];
    if (def->flags & IR_F_LABEL)
        forget_all(s);
    Shape next = insn->nout == 1 ? shape_after(s, insn) : no_shape;

    if (!try_rotate(s, insn)) {
        if (!reserve(s, 1))
            return false;
        IrInsn *copy = &s->out[s->nout++];
        *copy = *insn;
        /* the sign bit of (x >> 1..31) is zero: zero-extend instead */
        Shape in = insn->op == IR_OP_ext_i32_i64 ? shape_of(s, insn->args[1]) : no_shape;
        if (in.kind == SHAPE_SHR32 && in.widen == WIDEN_NONE)
            copy->op = IR_OP_extu_i32_i64;
    }

    if (ir_insn_writes_globals(insn))
        forget_globals(s);
    for (unsigned i = 0; i < insn->nout; i++)
        redefine(s, insn->args[i]);
    TempState *ts = insn->nout == 1 ? state_of(s, insn->args[0]) : NULL;
    if (ts)
        ts->shape = next;
    return true;
}

/* Both rewrites need a right shift by a constant: most blocks have none,
 * and need neither the states nor the copy. */
static bool has_constant_shr(const IrBlock *b)
{
    for (uint32_t i = 0; i < b->ninsns; i++)
        if (b->insns[i].op == IR_OP_shr && ir_temp_is_const(b, b->insns[i].args[2]))
            return true;
    return false;
}

void ir_opt_combine(IrBlock *b)
{
    if (!has_constant_shr(b))
        return;
    CombineState s = {b, b->ntemps, NULL, NULL, 0, 0};
    s.st = malloc((b->ntemps ? b->ntemps : 1) * sizeof(TempState));
    s.cap_out = b->ninsns + 16;
    s.out = malloc(s.cap_out * sizeof(IrInsn));
    if (!s.st || !s.out)
        goto out;                /* combining is an optimisation: skip it */
    for (uint32_t t = 0; t < b->ntemps; t++)
        s.st[t] = (TempState){0, no_shape};
    for (uint32_t i = 0; i < b->ninsns; i++)
        if (!combine_insn(&s, &b->insns[i]))
            goto out;            /* out of memory: keep the block as it was */
    if (s.nout > b->cap_insns) {
        IrInsn *n = realloc(b->insns, s.nout * sizeof(IrInsn));
        if (!n)
            goto out;
        b->insns = n;
        b->cap_insns = s.nout;
    }
    memcpy(b->insns, s.out, s.nout * sizeof(IrInsn));
    b->ninsns = s.nout;
out:
    free(s.st);
    free(s.out);
}
