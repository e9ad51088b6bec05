/*
 * IR blocks and the builder: temp allocation, constant interning and op
 * emission. Op metadata comes from ir-ops.def; see include/polyvm/ir.h.
 *
 * The builder never fails loudly: when a block runs out of temps it sets
 * b->overflow and the translator loop ends the block at the previous guest
 * instruction (so IR_MAX_TEMPS bounds engine frames without limiting guests).
 */
#include <stdlib.h>
#include <string.h>

#include "ir-eval.h"
#include "polyvm/ir.h"

const IrOpDef ir_op_defs[IR_OP_COUNT] = {
#define DEF(name, nout, nin, nconst, flags) [IR_OP_##name] = {#name, nout, nin, nconst, flags},
#include "ir-ops.def"
#undef DEF
};

static const char *const cond_names[IR_COND_COUNT] = {
#define X(up, low) #low,
    IR_CONDS(X)
#undef X
};

const char *ir_cond_name(IrCond c) { return c < IR_COND_COUNT ? cond_names[c] : "?"; }

IrCond ir_cond_invert(IrCond c)
{
    static const IrCond inv[IR_COND_COUNT] = {
        [IR_COND_EQ] = IR_COND_NE, [IR_COND_NE] = IR_COND_EQ,
        [IR_COND_LT] = IR_COND_GE, [IR_COND_GE] = IR_COND_LT,
        [IR_COND_LE] = IR_COND_GT, [IR_COND_GT] = IR_COND_LE,
        [IR_COND_LTU] = IR_COND_GEU, [IR_COND_GEU] = IR_COND_LTU,
        [IR_COND_LEU] = IR_COND_GTU, [IR_COND_GTU] = IR_COND_LEU,
        [IR_COND_TSTEQ] = IR_COND_TSTNE, [IR_COND_TSTNE] = IR_COND_TSTEQ,
    };
    return inv[c];
}

IrCond ir_cond_swap(IrCond c)
{
    static const IrCond sw[IR_COND_COUNT] = {
        [IR_COND_EQ] = IR_COND_EQ, [IR_COND_NE] = IR_COND_NE,
        [IR_COND_LT] = IR_COND_GT, [IR_COND_GE] = IR_COND_LE,
        [IR_COND_LE] = IR_COND_GE, [IR_COND_GT] = IR_COND_LT,
        [IR_COND_LTU] = IR_COND_GTU, [IR_COND_GEU] = IR_COND_LEU,
        [IR_COND_LEU] = IR_COND_GEU, [IR_COND_GTU] = IR_COND_LTU,
        [IR_COND_TSTEQ] = IR_COND_TSTEQ, [IR_COND_TSTNE] = IR_COND_TSTNE,
    };
    return sw[c];
}

bool ir_cond_eval(IrCond c, IrType t, uint64_t a, uint64_t b)
{
    uint64_t m = ir_type_mask(t);
    a &= m;
    b &= m;
    int64_t sa = ir_signed(t, a), sb = ir_signed(t, b);
    switch (c) {
    case IR_COND_EQ: return a == b;
    case IR_COND_NE: return a != b;
    case IR_COND_LT: return sa < sb;
    case IR_COND_GE: return sa >= sb;
    case IR_COND_LE: return sa <= sb;
    case IR_COND_GT: return sa > sb;
    case IR_COND_LTU: return a < b;
    case IR_COND_GEU: return a >= b;
    case IR_COND_LEU: return a <= b;
    case IR_COND_GTU: return a > b;
    case IR_COND_TSTEQ: return (a & b) == 0;
    case IR_COND_TSTNE: return (a & b) != 0;
    default: return false;
    }
}

static const char *const atomic_names[IR_ATOMIC_COUNT] = {
#define X(up, low) #low,
    IR_ATOMIC_OPS(X)
#undef X
};

const char *ir_atomic_name(IrAtomicOp op) { return op < IR_ATOMIC_COUNT ? atomic_names[op] : "?"; }

uint64_t ir_atomic_apply(IrAtomicOp op, IrType t, uint64_t old, uint64_t val)
{
    uint64_t m = ir_type_mask(t);
    old &= m;
    val &= m;
    switch (op) {
    case IR_ATOMIC_XCHG: return val;
    case IR_ATOMIC_ADD: return (old + val) & m;
    case IR_ATOMIC_AND: return old & val;
    case IR_ATOMIC_OR: return old | val;
    case IR_ATOMIC_XOR: return old ^ val;
    case IR_ATOMIC_SMIN: return ir_signed(t, old) < ir_signed(t, val) ? old : val;
    case IR_ATOMIC_SMAX: return ir_signed(t, old) > ir_signed(t, val) ? old : val;
    case IR_ATOMIC_UMIN: return old < val ? old : val;
    case IR_ATOMIC_UMAX: return old > val ? old : val;
    default: return old;
    }
}

uint64_t ir_eval_pure(IrOpcode op, IrType type, const uint64_t *in, const uint64_t *consts)
{
    return ir_eval_pure_inline(op, type, in, consts);
}

uint64_t ir_helper_invoke(const IrHelper *h, void *cpu, const uint64_t *a)
{
    switch (h->nargs) {
    case 0: return ((IrHelperFn0)h->fn)(cpu);
    case 1: return ((IrHelperFn1)h->fn)(cpu, a[0]);
    case 2: return ((IrHelperFn2)h->fn)(cpu, a[0], a[1]);
    case 3: return ((IrHelperFn3)h->fn)(cpu, a[0], a[1], a[2]);
    case 4: return ((IrHelperFn4)h->fn)(cpu, a[0], a[1], a[2], a[3]);
    default: return ((IrHelperFn5)h->fn)(cpu, a[0], a[1], a[2], a[3], a[4]);
    }
}

IrTemp ir_globals_add(IrGlobals *g, IrType type, uint32_t offset, const char *name)
{
    if (g->count >= sizeof(g->info) / sizeof(g->info[0]))
        abort();   /* a front end declaring this many globals is a polyvm bug */
    IrTempInfo *t = &g->info[g->count];
    t->type = (uint8_t)type;
    t->kind = IR_TEMP_GLOBAL;
    t->offset = offset;
    t->value = 0;
    t->name = name;
    return g->count++;
}

void ir_block_reset(IrBlock *b, const IrGlobals *globals)
{
    b->ninsns = 0;
    b->nlabels = 0;
    b->overflow = false;
    b->guest_pc = b->guest_size = 0;
    b->guest_insns = 0;
    b->flags = 0;
    b->softmmu = false;
    b->fetch_failed = false;
    b->nglobals = globals ? globals->count : 0;
    if (globals)
        memcpy(b->temps, globals->info, sizeof(IrTempInfo) * globals->count);
    b->ntemps = b->nglobals;
}

IrBlock *ir_block_new(const IrGlobals *globals)
{
    IrBlock *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    b->cap_temps = IR_MAX_TEMPS;
    b->cap_insns = 1024;
    b->temps = calloc(b->cap_temps, sizeof(IrTempInfo));
    b->insns = calloc(b->cap_insns, sizeof(IrInsn));
    if (!b->temps || !b->insns) {
        ir_block_free(b);
        return NULL;
    }
    ir_block_reset(b, globals);
    return b;
}

void ir_block_free(IrBlock *b)
{
    if (!b)
        return;
    free(b->temps);
    free(b->insns);
    free(b);
}

static IrTemp temp_alloc(IrBlock *b, IrType type, IrTempKind kind, uint64_t value)
{
    if (b->ntemps >= b->cap_temps) {
        /* Reuse the last temp so emission stays well-formed; the translator
         * discards this block's last instruction when overflow is set. */
        b->overflow = true;
        return b->ntemps - 1;
    }
    IrTempInfo *t = &b->temps[b->ntemps];
    memset(t, 0, sizeof(*t));
    t->type = (uint8_t)type;
    t->kind = (uint8_t)kind;
    t->value = value;
    return b->ntemps++;
}

IrTemp ir_temp_new(IrBlock *b, IrType type) { return temp_alloc(b, type, IR_TEMP_NORMAL, 0); }

IrTemp ir_const(IrBlock *b, IrType type, uint64_t value)
{
    value &= ir_type_mask(type);
    /* Interning keeps blocks small; scanning backwards finds recent constants fast. */
    for (uint32_t i = b->ntemps; i-- > b->nglobals;) {
        const IrTempInfo *t = &b->temps[i];
        if (t->kind == IR_TEMP_CONST && t->type == type && t->value == value)
            return i;
        if (b->ntemps - i > 64)
            break;
    }
    return temp_alloc(b, type, IR_TEMP_CONST, value);
}

IrLabel ir_label_new(IrBlock *b) { return b->nlabels++; }

IrInsn *ir_emit(IrBlock *b, IrOpcode op, IrType type, const IrTemp *outs, unsigned nout,
                const IrTemp *ins, unsigned nin, const uint64_t *consts)
{
    if (b->ninsns >= b->cap_insns) {
        uint32_t cap = b->cap_insns * 2;
        IrInsn *n = realloc(b->insns, cap * sizeof(IrInsn));
        if (!n) {
            b->overflow = true;
            return &b->insns[b->ninsns - 1];
        }
        b->insns = n;
        b->cap_insns = cap;
    }
    IrInsn *insn = &b->insns[b->ninsns++];
    memset(insn, 0, sizeof(*insn));
    insn->op = (uint16_t)op;
    insn->type = (uint8_t)type;
    insn->nout = (uint8_t)nout;
    insn->nin = (uint8_t)nin;
    /* Too many operands is a front-end bug: keep the counts for ir_verify()
     * to report, but never write past args[]. */
    for (unsigned i = 0; i < nout && i < IR_MAX_ARGS; i++)
        insn->args[i] = outs[i];
    for (unsigned i = 0; i < nin && nout + i < IR_MAX_ARGS; i++)
        insn->args[nout + i] = ins[i];
    for (unsigned i = 0; i < ir_op_defs[op].nconst && consts; i++)
        insn->c[i] = consts[i];
    return insn;
}

void ir_emit1(IrBlock *b, IrOpcode op, IrType type, IrTemp out, IrTemp a)
{
    ir_emit(b, op, type, &out, 1, &a, 1, NULL);
}

void ir_emit2(IrBlock *b, IrOpcode op, IrType type, IrTemp out, IrTemp a, IrTemp c)
{
    IrTemp in[2] = {a, c};
    ir_emit(b, op, type, &out, 1, in, 2, NULL);
}

#define X(name)                                                               \
    void ir_##name(IrBlock *b, IrTemp out, IrTemp a, IrTemp c)                \
    {                                                                         \
        ir_emit2(b, IR_OP_##name, ir_temp_type(b, out), out, a, c);           \
    }
IR_BINARY_BUILDERS(X)
#undef X
#define X(name)                                                               \
    void ir_##name(IrBlock *b, IrTemp out, IrTemp a)                          \
    {                                                                         \
        ir_emit1(b, IR_OP_##name, ir_temp_type(b, out), out, a);              \
    }
IR_UNARY_BUILDERS(X)
#undef X

void ir_movi(IrBlock *b, IrTemp out, uint64_t value)
{
    IrType t = ir_temp_type(b, out);
    ir_mov(b, out, ir_const(b, t, value));
}

void ir_addi(IrBlock *b, IrTemp out, IrTemp a, int64_t imm)
{
    IrType t = ir_temp_type(b, out);
    if (imm == 0)
        ir_mov(b, out, a);
    else
        ir_add(b, out, a, ir_const(b, t, (uint64_t)imm));
}

void ir_ext_i32_i64(IrBlock *b, IrTemp out, IrTemp a) { ir_emit1(b, IR_OP_ext_i32_i64, IR_I64, out, a); }
void ir_extu_i32_i64(IrBlock *b, IrTemp out, IrTemp a) { ir_emit1(b, IR_OP_extu_i32_i64, IR_I64, out, a); }
void ir_trunc_i64_i32(IrBlock *b, IrTemp out, IrTemp a) { ir_emit1(b, IR_OP_trunc_i64_i32, IR_I32, out, a); }

void ir_setcond(IrBlock *b, IrCond cond, IrTemp out, IrTemp a, IrTemp c)
{
    IrTemp in[2] = {a, c};
    uint64_t k[1] = {cond};
    ir_emit(b, IR_OP_setcond, ir_temp_type(b, a), &out, 1, in, 2, k);
}

void ir_movcond(IrBlock *b, IrCond cond, IrTemp out, IrTemp a, IrTemp c, IrTemp vt, IrTemp vf)
{
    IrTemp in[4] = {a, c, vt, vf};
    uint64_t k[1] = {cond};
    ir_emit(b, IR_OP_movcond, ir_temp_type(b, out), &out, 1, in, 4, k);
}

void ir_set_label(IrBlock *b, IrLabel l)
{
    uint64_t k[1] = {l};
    ir_emit(b, IR_OP_set_label, IR_I64, NULL, 0, NULL, 0, k);
}

void ir_br(IrBlock *b, IrLabel l)
{
    uint64_t k[1] = {l};
    ir_emit(b, IR_OP_br, IR_I64, NULL, 0, NULL, 0, k);
}

void ir_brcond(IrBlock *b, IrCond cond, IrTemp a, IrTemp c, IrLabel l)
{
    IrTemp in[2] = {a, c};
    uint64_t k[2] = {cond, l};
    ir_emit(b, IR_OP_brcond, ir_temp_type(b, a), NULL, 0, in, 2, k);
}

void ir_ld(IrBlock *b, IrTemp out, IrTemp addr, IrMemOp mo)
{
    uint64_t k[1] = {mo};
    ir_emit(b, IR_OP_ld, ir_temp_type(b, out), &out, 1, &addr, 1, k);
}

void ir_st(IrBlock *b, IrTemp val, IrTemp addr, IrMemOp mo)
{
    IrTemp in[2] = {val, addr};
    uint64_t k[1] = {mo};
    ir_emit(b, IR_OP_st, ir_temp_type(b, val), NULL, 0, in, 2, k);
}

void ir_atomic_rmw(IrBlock *b, IrAtomicOp aop, IrTemp out, IrTemp addr, IrTemp val, IrMemOp mo)
{
    IrTemp in[2] = {val, addr};
    uint64_t k[2] = {mo, aop};
    ir_emit(b, IR_OP_atomic_rmw, ir_temp_type(b, out), &out, 1, in, 2, k);
}

void ir_cmpxchg(IrBlock *b, IrTemp out, IrTemp addr, IrTemp expected, IrTemp newv, IrMemOp mo)
{
    IrTemp in[3] = {expected, newv, addr};
    uint64_t k[1] = {mo};
    ir_emit(b, IR_OP_cmpxchg, ir_temp_type(b, out), &out, 1, in, 3, k);
}

void ir_ld_env(IrBlock *b, IrTemp out, uint32_t offset, unsigned size_log2)
{
    uint64_t k[2] = {offset, size_log2};
    ir_emit(b, IR_OP_ld_env, ir_temp_type(b, out), &out, 1, NULL, 0, k);
}

void ir_st_env(IrBlock *b, IrTemp val, uint32_t offset, unsigned size_log2)
{
    uint64_t k[2] = {offset, size_log2};
    ir_emit(b, IR_OP_st_env, ir_temp_type(b, val), NULL, 0, &val, 1, k);
}

void ir_call(IrBlock *b, const IrHelper *h, IrTemp out, const IrTemp *args, unsigned nargs)
{
    uint64_t k[1] = {(uint64_t)(uintptr_t)h};
    unsigned nout = out == IR_NO_TEMP ? 0 : 1;
    ir_emit(b, IR_OP_call, nout ? ir_temp_type(b, out) : IR_I64, &out, nout, args, nargs, k);
}

void ir_insn_start(IrBlock *b, uint64_t pc)
{
    uint64_t k[1] = {pc};
    ir_emit(b, IR_OP_insn_start, IR_I64, NULL, 0, NULL, 0, k);
}

void ir_goto_tb(IrBlock *b, unsigned slot, uint64_t target)
{
    uint64_t k[2] = {slot, target};
    ir_emit(b, IR_OP_goto_tb, IR_I64, NULL, 0, NULL, 0, k);
}

void ir_exit_indirect(IrBlock *b, IrTemp target)
{
    ir_emit(b, IR_OP_exit_indirect, IR_I64, NULL, 0, &target, 1, NULL);
}

void ir_raise(IrBlock *b, uint32_t exception, uint64_t aux)
{
    uint64_t k[2] = {exception, aux};
    ir_emit(b, IR_OP_raise, IR_I64, NULL, 0, NULL, 0, k);
}
