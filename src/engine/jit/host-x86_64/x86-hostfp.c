/*
 * The host-FPU fast path: a call of an FP helper that describes its
 * operation (IrHostFp, ir.h) becomes the host's SSE2 instruction inline,
 * with the helper called from an out-of-line stub whenever the host's
 * answer might not be the helper's. docs/jit.md, "The host-FPU fast path".
 *
 *     test byte [cpu + flags], inexact ; jz stub     guest NX not yet set
 *     cmp dword [cpu + dyn_rm], nearest ; jne stub   dynamic mode only
 *     movaps xr, xa ; addsd xr, xb                   xa, xb: copies of a, b
 *     movq t, xr ; add t, t ; shr t, 53              the exponent
 *     sub t32, 2 ; cmp t32, 0x7fc ; ja stub          not 2 <= e <= 0x7fe
 *     movq r, xr
 *   cont:
 * The operands' xmm copies (x86-xmm.c) come from earlier FP ops or one
 * movq each; xr becomes the result's copy, and is an operand's own
 * register when that operand dies here (no movaps).
 * A result whose magnitude is at least twice the smallest normal and
 * finite cannot be a NaN (so no invalid operation and no payload to
 * differ), an infinity (no overflow, no division by zero) or tiny (no
 * underflow, whichever way tininess is detected). The host rounds to
 * nearest-even (polyvm never changes MXCSR, whose default also keeps
 * subnormal inputs exact), so the bits are IEEE-754's and the only flag
 * the operation can raise is inexact, which the guest has already
 * accrued: the helper would return the same bits and change nothing else.
 * Subnormal or zero inputs are fine when the result passes. Zeros, tiny
 * or huge results and NaNs take the stub, which returns with the
 * helper's result in r.
 * Reading MXCSR's flags instead (stmxcsr) would check less code but
 * waits for every FP op in flight on AMD cores, which costs more than it
 * saves.
 */
#include <stdlib.h>

#include "engine/jit/host-x86_64/x86-jit.h"

/* binary64 exponents that pass: [2, 0x7fe], tested as e - 2 <= 0x7fc */
enum { EXP_LOW = 2, EXP_SPAN = 0x7fe - 2 };

static const X86SseOp sse_of[] = {   /* arithmetic */
    [IR_HOST_FP_ADD] = X86_SSE_ADDSD, [IR_HOST_FP_SUB] = X86_SSE_SUBSD, [IR_HOST_FP_MUL] = X86_SSE_MULSD,
    [IR_HOST_FP_DIV] = X86_SSE_DIVSD, [IR_HOST_FP_SQRT] = X86_SSE_SQRTSD,
};

static bool add_stub(X86Jit *j, const X86FpStub *s)
{
    if (!X86_ROOM(j, j->fp_stubs, j->nfp_stubs, j->cap_fp_stubs))
        return false;
    j->fp_stubs[j->nfp_stubs++] = *s;
    return true;
}

static const X86Cond compare_cond[] = {
    [IR_HOST_FP_LT] = X86_CC_B, [IR_HOST_FP_LE] = X86_CC_BE, [IR_HOST_FP_EQ] = X86_CC_E,
};

/* The operands in host registers (locked), recorded in the stub, and
 * their xmm copies in x[]. */
static uint16_t use_operands(X86Jit *j, const IrInsn *in, unsigned nsrc, X86FpStub *s, unsigned *x)
{
    uint16_t inputs = 0;
    for (unsigned k = 0; k < nsrc; k++) {
        X86Reg r = x86_use(j, in->args[in->nout + k], 0);
        s->in_reg[k] = (int8_t)r;
        inputs |= (uint16_t)(1u << r);
    }
    uint16_t xmm_used = 0;
    for (unsigned k = 0; k < nsrc; k++) {
        x[k] = x86_xmm_use(j, in->args[in->nout + k], (X86Reg)s->in_reg[k], xmm_used);
        xmm_used |= (uint16_t)(1u << x[k]);
    }
    return inputs;
}

/* Compares: ucomisd sets PF only for an unordered pair, and an ordered
 * one raises nothing, so the flags give the answer:
 *     ucomisd xa, xb ; jp stub ; setb/setbe/sete r8 ; movzx r32, r8 */
static bool lower_compare(X86Jit *j, const IrInsn *in, const IrHostFp *f, X86FpStub *s)
{
    if (in->nin != 2)
        return false;
    unsigned x[2];
    uint16_t inputs = use_operands(j, in, 2, s, x);
    s->dirty = x86_note_dirty_globals(j);   /* as in x86_lower_host_fp */
    X86Reg out = x86_def(j, in->args[0], 0);
    s->out_reg = (int8_t)out;
    x86_sse_rr(&j->b, X86_SSE_UCOMISD, x[0], x[1]);
    s->jcc[0] = x86_jcc_rel32(&j->b, X86_CC_P);
    x86_setcc(&j->b, compare_cond[f->op], out);
    x86_rr(&j->b, X86_OP_MOVZX8, false, out, out);
    s->cont = j->b.p;
    s->save = x86_live_clobbered(j, inputs) & (uint16_t)~(1u << out);
    x86_xmm_snapshot(j, &s->xmm);
    return add_stub(j, s);
}

/* The register the result is computed in: an operand's own when that
 * operand dies here (either one if the operation commutes), else a free
 * one that gets a copy of the first operand. */
static unsigned result_xmm(X86Jit *j, const IrInsn *in, const IrHostFp *f, unsigned nsrc, unsigned *x)
{
    IrTemp a = in->args[in->nout];
    if (nsrc == 1)
        return x86_xmm_alloc(j, (uint16_t)(1u << x[0]));
    IrTemp b = in->args[in->nout + 1];
    if (x86_dies_here(j, a) && a != b) {
        x86_xmm_forget(j, a);
        return x[0];
    }
    bool commutes = f->op == IR_HOST_FP_ADD || f->op == IR_HOST_FP_MUL;
    if (commutes && x86_dies_here(j, b) && a != b) {
        x86_xmm_forget(j, b);
        unsigned t = x[0];
        x[0] = x[1];
        x[1] = t;
        return x[0];
    }
    unsigned r = x86_xmm_alloc(j, (uint16_t)(1u << x[0] | 1u << x[1]));
    x86_sse_rr(&j->b, X86_SSE_MOVAPS, r, x[0]);
    x[0] = r;
    return r;
}

bool x86_lower_host_fp(X86Jit *j, const IrInsn *in)
{
    const IrHelper *h = (const IrHelper *)(uintptr_t)in->c[0];
    const IrHostFp *f = h->host_fp;
    if (!f || f->op == IR_HOST_FP_NONE || f->op >= IR_HOST_FP_COUNT || in->nout != 1)
        return false;
    X86FpStub s = {.helper = h, .guest_pc = j->insn_pc, .in_reg = {X86_NOREG, X86_NOREG}};
    if (ir_host_fp_is_compare(f->op))
        return lower_compare(j, in, f, &s);
    unsigned nsrc = f->op == IR_HOST_FP_SQRT ? 1 : 2;
    if (in->nin != nsrc + 1 || h->nargs != nsrc + 1)
        return false;
    IrTemp rm_temp = in->args[in->nout + nsrc];
    if (!x86_temp_is_const(j, rm_temp))
        return false;
    uint64_t rm = x86_const_value(j, rm_temp);
    if (rm != f->rm_nearest && rm != f->rm_dynamic)
        return false;
    s.has_rm = true;
    s.rm = rm;

    unsigned x[2];
    uint16_t inputs = use_operands(j, in, nsrc, &s, x);
    /* taken before the dirty globals are noted: taking one may move a value */
    X86Reg t = x86_alloc_reg(j, 0);
    j->locked |= (uint16_t)(1u << t);
    /* Noted before the output is defined, and the output is written only
     * after the last branch to the stub: there, every register the note
     * names still holds the value it names, even one x86_def has just
     * evicted, and a global that is also the output still has its old
     * value in its old register (x86_def). */
    s.dirty = x86_note_dirty_globals(j);
    X86Reg out = x86_def(j, in->args[0], 0);
    s.out_reg = (int8_t)out;

    unsigned nj = 0;
    x86_test_mi8(&j->b, x86_cpu_mem(f->flags_offset), f->inexact_mask);
    s.jcc[nj++] = x86_jcc_rel32(&j->b, X86_CC_E);
    if (rm == f->rm_dynamic) {
        x86_alu_mi(&j->b, X86_ALUI_CMP, false, x86_cpu_mem(f->dynamic_rm_offset), f->dynamic_rm_nearest);
        s.jcc[nj++] = x86_jcc_rel32(&j->b, X86_CC_NE);
    }
    unsigned xr = result_xmm(j, in, f, nsrc, x);
    x86_sse_rr(&j->b, sse_of[f->op], xr, nsrc == 2 ? x[1] : x[0]);
    x86_movq_from_xmm(&j->b, t, xr);
    x86_rr(&j->b, X86_OP_ADD, true, t, t);
    x86_shift_ri(&j->b, X86_SH_SHR, true, t, 53);
    x86_alu_ri(&j->b, X86_ALUI_SUB, false, t, EXP_LOW);
    x86_alu_ri(&j->b, X86_ALUI_CMP, false, t, EXP_SPAN);
    s.jcc[nj++] = x86_jcc_rel32(&j->b, X86_CC_A);
    x86_movq_from_xmm(&j->b, out, xr);
    x86_xmm_bind(j, in->args[0], xr);
    s.cont = j->b.p;
    s.save = x86_live_clobbered(j, inputs) & (uint16_t)~(1u << out);
    x86_xmm_snapshot(j, &s.xmm);   /* the stub rebuilds xr from out */
    return add_stub(j, &s);
}

static void emit_stub(X86Jit *j, const X86FpStub *s)
{
    for (unsigned k = 0; k < 3; k++)
        if (s->jcc[k])
            x86_patch_rel32(&j->b, s->jcc[k], jit_buf_exec_addr(&j->b, j->b.p));
    unsigned pushed = x86_stub_begin(j, NULL, s->dirty, s->save);
    /* through xmm2/xmm3 (x86_stub_end rebuilds the copies): a parallel
     * move whatever registers hold the operands */
    x86_movq_to_xmm(&j->b, 2, (X86Reg)s->in_reg[0]);
    bool two = s->in_reg[1] != X86_NOREG;
    if (two)
        x86_movq_to_xmm(&j->b, 3, (X86Reg)s->in_reg[1]);
    x86_movq_from_xmm(&j->b, X86_RSI, 2);
    if (two)
        x86_movq_from_xmm(&j->b, X86_RDX, 3);
    if (s->has_rm)
        x86_mov_ri(&j->b, false, two ? X86_RCX : X86_RDX, s->rm);
    x86_mov_ri(&j->b, true, X86_RAX, s->guest_pc);
    x86_store(&j->b, 8, x86_cpu_mem(offsetof(CpuCommon, insn_pc)), X86_RAX);
    x86_rm(&j->b, X86_OP_LEA, true, X86_RDI, x86_mem(X86_CPU_REG, -X86_CPU_BIAS));
    x86_call_abs(&j->b, (uintptr_t)s->helper->fn, X86_RAX);
    x86_rr(&j->b, X86_OP_MOV, true, (X86Reg)s->out_reg, X86_RAX);
    x86_stub_end(j, s->save, pushed, &s->xmm, s->cont);
}

void x86_emit_fp_stubs(X86Jit *j)
{
    for (uint32_t k = 0; k < j->nfp_stubs; k++)
        emit_stub(j, &j->fp_stubs[k]);
}
