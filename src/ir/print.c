/*
 * The IR printer behind `-d ir`: one insn a line, deterministic, so logs of
 * two runs can be diffed and tests can match golden text.
 *
 *   IR 0x10078: 2 guest insns, 5 ops, 70 temps
 *    ---- 0x10078
 *    add_i64 t65, a0, $0x10
 *    ld_i64 t70, [t69] mo=u32 le
 *   L3:
 *    brcond_i64 t70, $0x0, eq, L3
 *    call_i64 t71, helper_name(t65, t70)
 *    goto_tb 0, 0x10080
 *
 * Temps print as their global name, "tN" or "$0x..." (constants). Constant
 * operands are formatted by their IrConstKind (verify.c). ir_print_insn()
 * writes one insn without indentation or newline, so it can be embedded in
 * other messages; it tolerates malformed insns.
 */
#include <inttypes.h>
#include <stdio.h>

#include "polyvm/ir.h"

static void print_temp(const IrBlock *b, IrTemp t, FILE *out)
{
    if (t >= b->ntemps) {
        fprintf(out, "t?%u", t);
        return;
    }
    const IrTempInfo *ti = &b->temps[t];
    switch (ti->kind) {
    case IR_TEMP_GLOBAL:
        if (ti->name)
            fputs(ti->name, out);
        else
            fprintf(out, "g%u", t);
        break;
    case IR_TEMP_CONST:
        fprintf(out, "$0x%" PRIx64, ti->value);
        break;
    default:
        fprintf(out, "t%u", t);
        break;
    }
}

static void print_memop(uint64_t mo, FILE *out)
{
    fprintf(out, " mo=%c%u %s", (mo & IR_MO_SIGN) ? 's' : 'u', ir_memop_size((IrMemOp)mo) * 8,
            (mo & IR_MO_BE) ? "be" : "le");
    if (mo & IR_MO_ALIGN)
        fputs(" align", out);
    if (ir_memop_mmu((IrMemOp)mo))
        fprintf(out, " mmu=%u", ir_memop_mmu((IrMemOp)mo));
}

/* Prints constant operand i; `first` says whether anything precedes it. */
static void print_const(const IrInsn *insn, unsigned i, bool first, FILE *out)
{
    uint64_t c = insn->c[i];
    const char *sep = first ? "" : ", ";
    switch (ir_const_kind((IrOpcode)insn->op, i)) {
    case IR_CK_COND:
        fprintf(out, "%s%s", sep, ir_cond_name((IrCond)c));
        break;
    case IR_CK_LABEL:
        fprintf(out, "%sL%" PRIu64, sep, c);
        break;
    case IR_CK_MEMOP:
        print_memop(c, out);
        break;
    case IR_CK_ATOMIC:
        fprintf(out, " op=%s", ir_atomic_name((IrAtomicOp)c));
        break;
    case IR_CK_HELPER: {
        const IrHelper *h = (const IrHelper *)(uintptr_t)c;
        fprintf(out, "%s%s", sep, h && h->name ? h->name : "?");
        break;
    }
    case IR_CK_ENV_OFFSET:
        fprintf(out, "%s[env+0x%" PRIx64 "]", sep, c);
        break;
    case IR_CK_SIZE_LOG2:
        fprintf(out, " size=%u", c < 8 ? 1u << c : 0u);
        break;
    case IR_CK_EXIT_SLOT:
    case IR_CK_EXCEPTION:
        fprintf(out, "%s%" PRIu64, sep, c);
        break;
    case IR_CK_PC:
    case IR_CK_RAW:
        fprintf(out, "%s0x%" PRIx64, sep, c);
        break;
    }
}

/* Width conversions carry their types in the name; exits and labels have none. */
static bool name_has_type_suffix(const IrInsn *insn)
{
    unsigned flags = ir_op_defs[insn->op].flags;
    if (flags & (IR_F_IN32 | IR_F_IN64 | IR_F_EXIT | IR_F_LABEL))
        return false;
    return insn->nout + insn->nin > 0;
}

static void print_call(const IrBlock *b, const IrInsn *insn, FILE *out)
{
    const IrHelper *h = (const IrHelper *)(uintptr_t)insn->c[0];
    fputs("call", out);
    if (insn->nout) {
        fprintf(out, "_i%u ", insn->type == IR_I32 ? 32 : 64);
        print_temp(b, insn->args[0], out);
        fputc(',', out);
    }
    fprintf(out, " %s(", h && h->name ? h->name : "?");
    for (unsigned i = 0; i < insn->nin && insn->nout + i < IR_MAX_ARGS; i++) {
        if (i)
            fputs(", ", out);
        print_temp(b, insn->args[insn->nout + i], out);
    }
    fputc(')', out);
}

void ir_print_insn(const IrBlock *b, const IrInsn *insn, FILE *out)
{
    if (insn->op >= IR_OP_COUNT) {
        fprintf(out, "<bad op %u>", insn->op);
        return;
    }
    const IrOpDef *def = &ir_op_defs[insn->op];
    if (insn->op == IR_OP_insn_start) {
        fprintf(out, "---- 0x%" PRIx64, insn->c[0]);
        return;
    }
    if (insn->op == IR_OP_set_label) {
        fprintf(out, "L%" PRIu64 ":", insn->c[0]);
        return;
    }
    if (insn->op == IR_OP_call) {
        print_call(b, insn, out);
        return;
    }

    fputs(def->name, out);
    if (name_has_type_suffix(insn))
        fprintf(out, "_i%u", insn->type == IR_I32 ? 32 : 64);
    unsigned nargs = insn->nout + insn->nin;
    if (nargs > IR_MAX_ARGS)
        nargs = IR_MAX_ARGS;
    for (unsigned i = 0; i < nargs; i++) {
        bool address = (def->flags & IR_F_MEM) && i == nargs - 1;
        fputs(i ? ", " : " ", out);
        if (address)
            fputc('[', out);
        print_temp(b, insn->args[i], out);
        if (address)
            fputc(']', out);
    }
    for (unsigned i = 0; i < def->nconst && i < IR_MAX_CONSTS; i++) {
        if (i == 0 && nargs == 0)
            fputc(' ', out);
        print_const(insn, i, i == 0 && nargs == 0, out);
    }
}

void ir_print(const IrBlock *b, FILE *out)
{
    fprintf(out, "IR 0x%" PRIx64 ": %u guest insns, %u ops, %u temps\n", b->guest_pc,
            b->guest_insns, b->ninsns, b->ntemps);
    for (uint32_t i = 0; i < b->ninsns; i++) {
        const IrInsn *insn = &b->insns[i];
        if (insn->op != IR_OP_set_label)
            fputc(' ', out);
        ir_print_insn(b, insn, out);
        fputc('\n', out);
    }
}
