/*
 * The IR verifier: ir_verify() checks that a block is well formed before an
 * optimizer pass or an engine relies on it. Front ends run it in debug
 * builds and tests run it after every pass.
 *
 * Operand counts and types come from the ir_op_defs flags (ir-ops.def), so a
 * new op is checked without touching this file unless it brings a new kind
 * of constant operand (const_kinds below). On failure the error names the
 * index of the offending insn and the broken rule.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "polyvm/ir.h"

/* Ops not listed have no constants (or only IR_CK_RAW ones). */
static const uint8_t const_kinds[IR_OP_COUNT][IR_MAX_CONSTS] = {
    [IR_OP_setcond] = {IR_CK_COND},
    [IR_OP_movcond] = {IR_CK_COND},
    [IR_OP_set_label] = {IR_CK_LABEL},
    [IR_OP_br] = {IR_CK_LABEL},
    [IR_OP_brcond] = {IR_CK_COND, IR_CK_LABEL},
    [IR_OP_ld] = {IR_CK_MEMOP},
    [IR_OP_st] = {IR_CK_MEMOP},
    [IR_OP_atomic_rmw] = {IR_CK_MEMOP, IR_CK_ATOMIC},
    [IR_OP_cmpxchg] = {IR_CK_MEMOP},
    [IR_OP_ld_env] = {IR_CK_ENV_OFFSET, IR_CK_SIZE_LOG2},
    [IR_OP_st_env] = {IR_CK_ENV_OFFSET, IR_CK_SIZE_LOG2},
    [IR_OP_call] = {IR_CK_HELPER},
    [IR_OP_insn_start] = {IR_CK_PC},
    [IR_OP_goto_tb] = {IR_CK_EXIT_SLOT, IR_CK_PC},
    [IR_OP_raise] = {IR_CK_EXCEPTION, IR_CK_RAW},
};

IrConstKind ir_const_kind(IrOpcode op, unsigned idx)
{
    if ((unsigned)op >= IR_OP_COUNT || idx >= ir_op_defs[op].nconst)
        return IR_CK_RAW;
    return (IrConstKind)const_kinds[op][idx];
}

static const char *type_name(unsigned t) { return t == IR_I32 ? "i32" : t == IR_I64 ? "i64" : "?"; }

__attribute__((format(printf, 4, 0)))
static bool vfail(IrError *err, uint32_t idx, const char *prefix, const char *fmt, va_list ap)
{
    if (!err)
        return false;
    err->insn = idx;
    int n = snprintf(err->msg, sizeof(err->msg), "%s", prefix);
    if (n >= 0 && (size_t)n < sizeof(err->msg))
        vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
    return false;
}

/* an error about the whole block */
__attribute__((format(printf, 2, 3)))
static bool fail(IrError *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(err, UINT32_MAX, "", fmt, ap);
    va_end(ap);
    return false;
}

/* an error about one insn: the message starts with its index and op name */
__attribute__((format(printf, 4, 5)))
static bool fail_at(IrError *err, const IrInsn *insn, uint32_t idx, const char *fmt, ...)
{
    char prefix[48];
    if (insn->op < IR_OP_COUNT)
        snprintf(prefix, sizeof(prefix), "insn %u (%s): ", idx, ir_op_defs[insn->op].name);
    else
        snprintf(prefix, sizeof(prefix), "insn %u: ", idx);
    va_list ap;
    va_start(ap, fmt);
    vfail(err, idx, prefix, fmt, ap);
    va_end(ap);
    return false;
}

/* The type an input must have, or -1 when any type is accepted. */
static int input_type(const IrInsn *insn, unsigned i)
{
    unsigned flags = ir_op_defs[insn->op].flags;
    if (flags & IR_F_CALL)
        return -1;
    if (flags & IR_F_IN32)
        return IR_I32;
    if (flags & IR_F_IN64)
        return IR_I64;
    if ((flags & IR_F_MEM) && i == insn->nin - 1u)
        return IR_I64;           /* guest address */
    if (flags & IR_F_EXIT)
        return IR_I64;           /* guest PC */
    return insn->type;
}

typedef struct VerifyState {
    const IrBlock *b;
    IrError *err;
    uint32_t *label_set_at;      /* insn index + 1 of the set_label, 0 if unset */
    uint32_t *label_used_at;     /* insn index + 1 of the first branch to it */
} VerifyState;

static bool check_temps_table(const IrBlock *b, IrError *err)
{
    if (b->nglobals > b->ntemps || b->ntemps > b->cap_temps)
        return fail(err, "temp table: %u globals, %u temps, capacity %u",
                    b->nglobals, b->ntemps, b->cap_temps);
    for (uint32_t t = 0; t < b->ntemps; t++) {
        const IrTempInfo *ti = &b->temps[t];
        bool want_global = t < b->nglobals;
        if (ti->type > IR_I64)
            return fail(err, "temp %u: bad type %u", t, ti->type);
        if ((ti->kind == IR_TEMP_GLOBAL) != want_global || ti->kind > IR_TEMP_CONST)
            return fail(err, "temp %u: kind %u out of place", t, ti->kind);
        if (ti->kind == IR_TEMP_CONST && (ti->value & ~ir_type_mask((IrType)ti->type)))
            return fail(err, "temp %u: constant 0x%llx wider than %s", t,
                        (unsigned long long)ti->value, type_name(ti->type));
    }
    return true;
}

static bool check_counts(const IrInsn *insn, uint32_t idx, IrError *err)
{
    const IrOpDef *def = &ir_op_defs[insn->op];
    if (def->nout != IR_VARIADIC && insn->nout != def->nout)
        return fail_at(err, insn, idx, "%u outputs, expected %u", insn->nout, def->nout);
    if (def->nin != IR_VARIADIC && insn->nin != def->nin)
        return fail_at(err, insn, idx, "%u inputs, expected %u", insn->nin, def->nin);
    if (def->flags & IR_F_CALL) {
        if (insn->nout > 1)
            return fail_at(err, insn, idx, "%u outputs, at most 1", insn->nout);
        if (insn->nin > IR_MAX_CALL_ARGS)
            return fail_at(err, insn, idx, "%u arguments, at most %u", insn->nin, IR_MAX_CALL_ARGS);
    }
    if (insn->nout + insn->nin > IR_MAX_ARGS)
        return fail_at(err, insn, idx, "%u operands, at most %u",
                       (unsigned)(insn->nout + insn->nin), IR_MAX_ARGS);
    return true;
}

static bool check_operands(const IrBlock *b, const IrInsn *insn, uint32_t idx, IrError *err)
{
    const IrOpDef *def = &ir_op_defs[insn->op];
    if (insn->type > IR_I64)
        return fail_at(err, insn, idx, "bad type %u", insn->type);
    if ((def->flags & IR_F_ONLY64) && insn->type != IR_I64)
        return fail_at(err, insn, idx, "only valid with i64");
    /* IN32/IN64 ops are the width conversions: the result has the other width */
    if ((def->flags & IR_F_IN32) && insn->type != IR_I64)
        return fail_at(err, insn, idx, "conversion from i32 must have type i64");
    if ((def->flags & IR_F_IN64) && insn->type != IR_I32)
        return fail_at(err, insn, idx, "conversion from i64 must have type i32");

    for (unsigned i = 0; i < insn->nout + insn->nin; i++) {
        IrTemp t = insn->args[i];
        bool is_out = i < insn->nout;
        const char *role = is_out ? "output" : "input";
        unsigned n = is_out ? i : i - insn->nout;
        if (t >= b->ntemps)
            return fail_at(err, insn, idx, "%s %u is temp %u, only %u temps", role, n, t,
                           b->ntemps);
        unsigned ttype = b->temps[t].type;
        if (is_out) {
            if (b->temps[t].kind == IR_TEMP_CONST)
                return fail_at(err, insn, idx, "output %u is a constant", n);
            if (ttype != insn->type)
                return fail_at(err, insn, idx, "output %u has type %s, expected %s", n,
                               type_name(ttype), type_name(insn->type));
        } else {
            int want = input_type(insn, n);
            if (want >= 0 && ttype != (unsigned)want)
                return fail_at(err, insn, idx, "input %u has type %s, expected %s", n,
                               type_name(ttype), type_name((unsigned)want));
        }
    }
    return true;
}

static bool check_memop(const IrInsn *insn, uint32_t idx, uint64_t mo, IrError *err)
{
    const uint64_t valid = IR_MO_SIZE_MASK | IR_MO_SIGN | IR_MO_BE | IR_MO_ALIGN |
                           (0xffull << IR_MO_MMU_SHIFT);
    if (mo & ~valid)
        return fail_at(err, insn, idx, "memop 0x%llx has unknown bits", (unsigned long long)mo);
    if (ir_memop_size((IrMemOp)mo) > (insn->type == IR_I64 ? 8u : 4u))
        return fail_at(err, insn, idx, "%u-byte access wider than %s",
                       ir_memop_size((IrMemOp)mo), type_name(insn->type));
    return true;
}

static bool check_constants(VerifyState *s, const IrInsn *insn, uint32_t idx)
{
    const IrOpDef *def = &ir_op_defs[insn->op];
    IrError *err = s->err;
    for (unsigned i = 0; i < def->nconst; i++) {
        uint64_t c = insn->c[i];
        switch (ir_const_kind((IrOpcode)insn->op, i)) {
        case IR_CK_COND:
            if (c >= IR_COND_COUNT)
                return fail_at(err, insn, idx, "bad condition %llu", (unsigned long long)c);
            break;
        case IR_CK_LABEL:
            if (c >= s->b->nlabels)
                return fail_at(err, insn, idx, "label L%llu, only %u labels",
                               (unsigned long long)c, s->b->nlabels);
            if (def->flags & IR_F_LABEL) {
                if (s->label_set_at[c])
                    return fail_at(err, insn, idx, "label L%llu already set at insn %u",
                                   (unsigned long long)c, s->label_set_at[c] - 1);
                s->label_set_at[c] = idx + 1;
            } else if (!s->label_used_at[c]) {
                s->label_used_at[c] = idx + 1;
            }
            break;
        case IR_CK_MEMOP:
            if (!check_memop(insn, idx, c, err))
                return false;
            break;
        case IR_CK_ATOMIC:
            if (c >= IR_ATOMIC_COUNT)
                return fail_at(err, insn, idx, "bad atomic op %llu", (unsigned long long)c);
            break;
        case IR_CK_HELPER: {
            const IrHelper *h = (const IrHelper *)(uintptr_t)c;
            if (!h || !h->fn)
                return fail_at(err, insn, idx, "no helper function");
            if (insn->nin != h->nargs)
                return fail_at(err, insn, idx, "%u arguments, helper %s takes %u", insn->nin,
                               h->name ? h->name : "?", h->nargs);
            if (insn->nout && !(h->flags & IR_HELPER_HAS_RESULT))
                return fail_at(err, insn, idx, "output, but helper %s has no result",
                               h->name ? h->name : "?");
            break;
        }
        case IR_CK_SIZE_LOG2:
            if (c > (insn->type == IR_I64 ? 3u : 2u))
                return fail_at(err, insn, idx, "size log2 %llu too wide for %s",
                               (unsigned long long)c, type_name(insn->type));
            break;
        case IR_CK_ENV_OFFSET:
        case IR_CK_EXCEPTION:
            if (c > UINT32_MAX)
                return fail_at(err, insn, idx, "constant %u out of range", i);
            break;
        case IR_CK_EXIT_SLOT:
            if (c > 1)
                return fail_at(err, insn, idx, "exit slot %llu, only 0 and 1",
                               (unsigned long long)c);
            break;
        case IR_CK_RAW:
        case IR_CK_PC:
            break;
        }
    }
    return true;
}

static bool verify_insns(VerifyState *s)
{
    const IrBlock *b = s->b;
    bool after_jump = false;     /* previous insn never falls through */
    for (uint32_t i = 0; i < b->ninsns; i++) {
        const IrInsn *insn = &b->insns[i];
        if (insn->op >= IR_OP_COUNT)
            return fail_at(s->err, insn, i, "opcode %u out of range", insn->op);
        unsigned flags = ir_op_defs[insn->op].flags;
        if (after_jump && !(flags & IR_F_LABEL))
            return fail_at(s->err, insn, i, "unreachable: follows a jump or exit, no label");
        if (!check_counts(insn, i, s->err) || !check_operands(b, insn, i, s->err) ||
            !check_constants(s, insn, i))
            return false;
        after_jump = (flags & IR_F_EXIT) || insn->op == IR_OP_br;
    }
    return true;
}

bool ir_verify(const IrBlock *b, IrError *err)
{
    if (err) {
        err->insn = UINT32_MAX;
        err->msg[0] = '\0';
    }
    if (!check_temps_table(b, err))
        return false;
    if (b->ninsns == 0)
        return fail(err, "empty block");

    VerifyState s = {b, err, NULL, NULL};
    size_t n = b->nlabels ? b->nlabels : 1;
    s.label_set_at = calloc(n, sizeof(uint32_t));
    s.label_used_at = calloc(n, sizeof(uint32_t));
    bool ok = s.label_set_at && s.label_used_at;
    if (!ok)
        fail(err, "out of memory");
    ok = ok && verify_insns(&s);
    for (uint32_t l = 0; ok && l < b->nlabels; l++) {
        if (s.label_used_at[l] && !s.label_set_at[l]) {
            uint32_t at = s.label_used_at[l] - 1;
            ok = fail_at(err, &b->insns[at], at, "label L%u is never set", l);
        }
    }
    if (ok) {
        uint32_t last = b->ninsns - 1;
        const IrInsn *insn = &b->insns[last];
        if (!(ir_op_defs[insn->op].flags & IR_F_EXIT) && insn->op != IR_OP_br)
            ok = fail_at(err, insn, last, "block must end with an exit or br");
    }
    free(s.label_set_at);
    free(s.label_used_at);
    return ok;
}
