/*
 * One x86-64 lowering per IR op (block exits and control flow are in
 * x86-exits.c and x86-jit.c). Common ops get inline code; the rare pure
 * ones (division, bit counts, the Zbb logic forms) call one C routine that
 * evaluates them with ir-eval.h, so every op has exactly the interpreter's
 * semantics.
 *
 * Guest memory in user mode is guest_base + address, checked against the
 * guest size inline; the host mapping mirrors guest permissions, so a
 * denied access faults in the host and jit_host_fault() makes it a precise
 * guest fault, writing back the guest registers that were only in host
 * registers (each access's fault site lists them), so no access needs
 * stores before it. docs/jit.md gives the system-mode (soft-TLB) form.
 */
#include <stdlib.h>

#include "engine/jit/host-x86_64/x86-jit.h"
#include "ir/ir-eval.h"

static inline uint16_t bit(X86Reg r) { return (uint16_t)(1u << r); }

X86Cond x86_cond(IrCond c)
{
    static const X86Cond map[IR_COND_COUNT] = {
        [IR_COND_EQ] = X86_CC_E,   [IR_COND_NE] = X86_CC_NE,  [IR_COND_LT] = X86_CC_L,
        [IR_COND_GE] = X86_CC_GE,  [IR_COND_LE] = X86_CC_LE,  [IR_COND_GT] = X86_CC_G,
        [IR_COND_LTU] = X86_CC_B,  [IR_COND_GEU] = X86_CC_AE, [IR_COND_LEU] = X86_CC_BE,
        [IR_COND_GTU] = X86_CC_A,  [IR_COND_TSTEQ] = X86_CC_E, [IR_COND_TSTNE] = X86_CC_NE,
    };
    return map[c];
}

X86Cond x86_compare(X86Jit *j, IrCond cond, IrType type, IrTemp a, IrTemp c)
{
    bool w64 = type == IR_I64;
    if (x86_temp_is_const(j, a) && !x86_temp_is_const(j, c)) {
        IrTemp t = a;
        a = c;
        c = t;
        cond = ir_cond_swap(cond);
    }
    bool test = cond == IR_COND_TSTEQ || cond == IR_COND_TSTNE;
    X86Reg ra = x86_use(j, a, 0);
    int32_t imm;
    if (x86_const_imm32(j, c, &imm)) {
        if (test)
            x86_test_ri(&j->b, w64, ra, imm);
        else if (imm == 0 && (cond == IR_COND_EQ || cond == IR_COND_NE))
            x86_rr(&j->b, X86_OP_TEST, w64, ra, ra);
        else
            x86_alu_ri(&j->b, X86_ALUI_CMP, w64, ra, imm);
    } else {
        X86Reg rc = x86_use(j, c, 0);
        x86_rr(&j->b, test ? X86_OP_TEST : X86_OP_CMP, w64, ra, rc);
    }
    return x86_cond(cond);
}

/* A register for output out holding input a's value, ready to be changed
 * in place (two-address x86 forms). */
static X86Reg def_from(X86Jit *j, IrTemp out, IrTemp a, uint16_t avoid)
{
    if (out == a) {
        X86Reg r = x86_use(j, a, avoid);
        x86_redefine_in_place(j, out);
        return r;
    }
    int ra_now = j->ts[a].reg;
    if ((ra_now == X86_NOREG || !(avoid & bit((X86Reg)ra_now))) && x86_def_reuse(j, out, a))
        return (X86Reg)j->ts[out].reg;
    if (x86_temp_is_const(j, a)) {
        X86Reg r = x86_def(j, out, avoid);
        x86_mov_ri(&j->b, true, r, x86_const_value(j, a));
        return r;
    }
    X86Reg ra = x86_use(j, a, 0);
    X86Reg r = x86_def(j, out, avoid);
    if (r != ra)
        x86_rr(&j->b, X86_OP_MOV, true, r, ra);
    return r;
}

/* out = a + c (or a - imm) into a third register as one lea, where a
 * two-operand add would first copy a: when out is neither input and
 * neither input's register can be taken over (it lives on). False when
 * lower_alu's in-place form is as good or the operands do not fit. */
static bool lower_add_lea(X86Jit *j, const IrInsn *in)
{
    IrTemp out = in->args[0], a = in->args[1], c = in->args[2];
    if (in->op == IR_OP_add && x86_temp_is_const(j, a)) {
        IrTemp t = a;
        a = c;
        c = t;
    }
    if (x86_temp_is_const(j, a) || out == a || out == c)
        return false;
    int32_t imm = 0;
    bool has_imm = x86_const_imm32(j, c, &imm);
    if (in->op == IR_OP_sub) {
        if (!has_imm || imm == INT32_MIN)
            return false;
        imm = -imm;
    } else if (!has_imm && x86_temp_is_const(j, c)) {
        return false;
    }
    if (x86_dies_here(j, a) || (!has_imm && x86_dies_here(j, c)))
        return false;
    X86Reg ra = x86_use(j, a, 0);
    X86Reg rc = has_imm ? X86_NOREG : x86_use(j, c, 0);
    X86Reg r = x86_def(j, out, 0);
    x86_rm(&j->b, X86_OP_LEA, in->type == IR_I64, r, has_imm ? x86_mem(ra, imm) : x86_mem_idx(ra, rc, 0));
    return true;
}

/* out = a op c for the ALU ops with an immediate form */
static void lower_alu(X86Jit *j, const IrInsn *in, X86RmOp op, X86AluImm iop, bool commutative)
{
    bool w64 = in->type == IR_I64;
    IrTemp out = in->args[0], a = in->args[1], c = in->args[2];
    int32_t imm;
    if (commutative && x86_temp_is_const(j, a) && !x86_temp_is_const(j, c)) {
        IrTemp t = a;
        a = c;
        c = t;
    }
    if (x86_const_imm32(j, c, &imm)) {
        X86Reg r = def_from(j, out, a, 0);
        x86_alu_ri(&j->b, iop, w64, r, imm);
        return;
    }
    X86Reg rc = x86_use(j, c, 0);
    /* out == c with a different a: def_from gives a fresh register (c's
     * is locked), so c survives the copy of a */
    X86Reg r = def_from(j, out, a, bit(rc));
    x86_rr(&j->b, op, w64, r, rc);
}

static void lower_mul(X86Jit *j, const IrInsn *in)
{
    bool w64 = in->type == IR_I64;
    IrTemp out = in->args[0], a = in->args[1], c = in->args[2];
    int32_t imm;
    if (x86_temp_is_const(j, a) && !x86_temp_is_const(j, c)) {
        IrTemp t = a;
        a = c;
        c = t;
    }
    if (x86_const_imm32(j, c, &imm)) {
        X86Reg ra = x86_use(j, a, 0);
        X86Reg r = x86_def(j, out, 0);
        x86_imul_ri(&j->b, w64, r, ra, imm);
        return;
    }
    X86Reg rc = x86_use(j, c, 0);
    X86Reg r = def_from(j, out, a, bit(rc));
    x86_rr(&j->b, X86_OP_IMUL, w64, r, rc);
}

/* the high half of a 64x64 multiply, from rdx after mul/imul */
static void lower_mulh(X86Jit *j, const IrInsn *in, X86Unary op)
{
    IrTemp out = in->args[0], a = in->args[1], c = in->args[2];
    x86_evict_reg(j, X86_RAX);
    x86_evict_reg(j, X86_RDX);
    j->locked |= bit(X86_RAX) | bit(X86_RDX);
    X86Reg ra = x86_use(j, a, bit(X86_RAX) | bit(X86_RDX));
    X86Reg rc = x86_use(j, c, bit(X86_RAX) | bit(X86_RDX));
    x86_rr(&j->b, X86_OP_MOV, true, X86_RAX, ra);
    x86_unary(&j->b, op, true, rc);
    x86_bind_output(j, out, X86_RDX);
}

static void lower_shift(X86Jit *j, const IrInsn *in, X86Shift op)
{
    bool w64 = in->type == IR_I64;
    IrTemp out = in->args[0], a = in->args[1], c = in->args[2];
    if (x86_temp_is_const(j, c)) {
        X86Reg r = def_from(j, out, a, 0);
        uint8_t count = (uint8_t)(x86_const_value(j, c) & (w64 ? 63 : 31));
        if (count)
            x86_shift_ri(&j->b, op, w64, r, count);
        return;
    }
    x86_evict_reg(j, X86_RCX);
    X86Reg rc = x86_use(j, c, 0);
    if (rc != X86_RCX)
        x86_rr(&j->b, X86_OP_MOV, false, X86_RCX, rc);
    j->locked |= bit(X86_RCX);
    X86Reg r = def_from(j, out, a, bit(X86_RCX));
    /* x86 masks the count to 5 or 6 bits: the IR's "modulo the width" */
    x86_shift_cl(&j->b, op, w64, r);
}

static void lower_unary(X86Jit *j, const IrInsn *in, X86Unary op)
{
    X86Reg r = def_from(j, in->args[0], in->args[1], 0);
    x86_unary(&j->b, op, in->type == IR_I64, r);
}

/* out = ext(a): movzx/movsx/movsxd/mov forms */
static void lower_ext(X86Jit *j, const IrInsn *in, X86RmOp op, bool w64)
{
    IrTemp out = in->args[0], a = in->args[1];
    X86Reg ra, r;
    if (x86_def_reuse(j, out, a)) {
        ra = r = (X86Reg)j->ts[out].reg;
    } else {
        ra = x86_use(j, a, 0);
        r = x86_def(j, out, 0);
    }
    x86_rr(&j->b, op, w64, r, ra);
}

static void lower_mov(X86Jit *j, const IrInsn *in)
{
    IrTemp out = in->args[0], a = in->args[1];
    if (out == a || x86_def_reuse(j, out, a))
        return;
    if (x86_temp_is_const(j, a)) {
        X86Reg r = x86_def(j, out, 0);
        x86_mov_ri(&j->b, true, r, x86_const_value(j, a));
        return;
    }
    X86Reg ra = x86_use(j, a, 0);
    X86Reg r = x86_def(j, out, 0);
    x86_rr(&j->b, X86_OP_MOV, true, r, ra);
}

static void lower_setcond(X86Jit *j, const IrInsn *in)
{
    X86Cond cc = x86_compare(j, (IrCond)in->c[0], (IrType)in->type, in->args[1], in->args[2]);
    /* x86_def may only store (evict) here: no flag-changing instruction */
    X86Reg r = x86_def(j, in->args[0], 0);
    x86_setcc(&j->b, cc, r);
    x86_rr(&j->b, X86_OP_MOVZX8, false, r, r);
}

static void lower_movcond(X86Jit *j, const IrInsn *in)
{
    X86Cond cc = x86_compare(j, (IrCond)in->c[0], (IrType)in->type, in->args[1], in->args[2]);
    X86Reg rt = x86_use(j, in->args[3], 0);
    X86Reg rf = x86_use(j, in->args[4], 0);
    X86Reg r = x86_def(j, in->args[0], 0);
    if (r != rf)
        x86_rr(&j->b, X86_OP_MOV, true, r, rf);
    x86_cmov(&j->b, cc, true, r, rt);
}

/* ---- calls ---- */

static const X86Reg arg_regs[] = {X86_RSI, X86_RDX, X86_RCX, X86_R8, X86_R9};

void x86_emit_call(X86Jit *j, const void *fn, const X86CallArg *args, unsigned nargs)
{
    /* x86_prepare_call emptied the argument registers, so every source is
     * a callee-saved register, a home slot or a constant: no move can
     * overwrite another's source. */
    for (unsigned i = 0; i < nargs; i++) {
        X86Reg dst = arg_regs[i];
        const X86CallArg *a = &args[i];
        if (!a->is_temp) {
            x86_mov_ri(&j->b, true, dst, a->imm);
        } else if (x86_temp_is_const(j, a->temp)) {
            x86_mov_ri(&j->b, true, dst, x86_const_value(j, a->temp));
        } else if (j->ts[a->temp].reg != X86_NOREG) {
            x86_rr(&j->b, X86_OP_MOV, true, dst, (X86Reg)j->ts[a->temp].reg);
        } else {
            x86_rm(&j->b, X86_OP_MOV, true, dst, x86_home(j, a->temp));
        }
    }
    x86_rm(&j->b, X86_OP_LEA, true, X86_RDI, x86_mem(X86_CPU_REG, -X86_CPU_BIAS));
    x86_call_abs(&j->b, (uintptr_t)fn, X86_RAX);
    x86_fix_pins(j);
}

void x86_store_insn_pc(X86Jit *j)
{
    x86_mov_ri(&j->b, true, X86_RAX, j->insn_pc);
    x86_store(&j->b, 8, x86_cpu_mem(offsetof(CpuCommon, insn_pc)), X86_RAX);
}

/* the result of a call in rax, masked to the output's type */
static void take_result(X86Jit *j, IrTemp out, IrType type)
{
    if (type == IR_I32)
        x86_rr(&j->b, X86_OP_MOV, false, X86_RAX, X86_RAX);
    x86_bind_output(j, out, X86_RAX);
}

static uint64_t jit_eval_pure(void *cpu, uint64_t op_type, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    (void)cpu;
    const uint64_t in[4] = {a, b, c, d};
    const uint64_t consts[IR_MAX_CONSTS] = {0};
    return ir_eval_pure((IrOpcode)(op_type & 0xffff), (IrType)(op_type >> 16), in, consts);
}

static void lower_pure_call(X86Jit *j, const IrInsn *in)
{
    X86CallArg args[5] = {{false, 0, in->op | ((uint64_t)in->type << 16)}};
    for (unsigned k = 0; k < in->nin && k < 4; k++)
        args[1 + k] = (X86CallArg){true, in->args[in->nout + k], 0};
    x86_prepare_call(j, false, false);
    x86_emit_call(j, (const void *)jit_eval_pure, args, 1 + in->nin);
    take_result(j, in->args[0], (IrType)in->type);
}

static void lower_helper(X86Jit *j, const IrInsn *in)
{
    const IrHelper *h = (const IrHelper *)(uintptr_t)in->c[0];
    bool can_fault = h->flags & IR_HELPER_CAN_FAULT;
    x86_prepare_call(j, can_fault || (h->flags & IR_HELPER_READS_GLOBALS), h->flags & IR_HELPER_WRITES_GLOBALS);
    if (can_fault)
        x86_store_insn_pc(j);
    X86CallArg args[IR_MAX_CALL_ARGS];
    for (unsigned k = 0; k < in->nin && k < IR_MAX_CALL_ARGS; k++)
        args[k] = (X86CallArg){true, in->args[in->nout + k], 0};
    x86_emit_call(j, h->fn, args, in->nin);
    if (in->nout && (h->flags & IR_HELPER_HAS_RESULT))
        take_result(j, in->args[0], (IrType)in->type);
}

/* ---- guest memory ---- */

/* Plain little-endian accesses are inlined (guest_base + address in user
 * mode, the soft-TLB probe of x86-softmmu.c in system mode); the rest call
 * the accessors. */
bool x86_inline_access(IrMemOp mo) { return !(mo & (IR_MO_BE | IR_MO_ALIGN)); }

/* Notes which guest registers are dirty in host registers right now: a
 * fault at the coming access writes them back (jit_host_fault or the
 * range-check stub), so the access needs no stores before it. */
X86DirtyRange x86_note_dirty_globals(X86Jit *j)
{
    X86DirtyRange d = {j->ndirty, 0};
    for (IrTemp t = 0; t < j->ir->nglobals; t++) {
        const X86TempState *s = &j->ts[t];
        if (s->reg == X86_NOREG || s->mem_valid)
            continue;
        if (!X86_ROOM(j, j->dirty, j->ndirty, j->cap_dirty))
            return d;
        j->dirty[j->ndirty++] = (JitDirtyGlobal){j->ir->temps[t].offset, (uint8_t)s->reg};
        d.count++;
    }
    return d;
}

void x86_emit_guest_load(X86Jit *j, X86Reg r, X86Mem m, IrMemOp mo, IrType type)
{
    bool sign = mo & IR_MO_SIGN, w64 = type == IR_I64;
    switch (mo & IR_MO_SIZE_MASK) {
    case IR_MO_8: x86_rm(&j->b, sign ? X86_OP_MOVSX8 : X86_OP_MOVZX8, sign && w64, r, m); break;
    case IR_MO_16: x86_rm(&j->b, sign ? X86_OP_MOVSX16 : X86_OP_MOVZX16, sign && w64, r, m); break;
    case IR_MO_32:
        if (sign && w64)
            x86_rm(&j->b, X86_OP_MOVSXD, true, r, m);
        else
            x86_rm(&j->b, X86_OP_MOV, false, r, m);
        break;
    default: x86_rm(&j->b, X86_OP_MOV, w64, r, m); break;
    }
}

static void lower_load(X86Jit *j, const IrInsn *in)
{
    IrMemOp mo = (IrMemOp)in->c[0];
    IrType type = (IrType)in->type;
    IrTemp out = in->args[0], addr = in->args[1];
    if (!x86_inline_access(mo)) {
        x86_prepare_call(j, true, false);
        x86_store_insn_pc(j);
        X86CallArg args[3] = {{true, addr, 0}, {false, 0, mo}, {false, 0, type}};
        x86_emit_call(j, (const void *)cpu_ld, args, 3);
        take_result(j, out, type);
        return;
    }
    if (j->ir->softmmu) {
        x86_lower_tlb_load(j, out, addr, mo, type);
        return;
    }
    x86_lower_user_load(j, out, addr, mo, type);
}

bool x86_store_imm_operand(const X86Jit *j, IrTemp val, unsigned size, int32_t *imm)
{
    /* x86 stores take at most a sign-extended imm32 */
    return size >= 4 && x86_const_imm32(j, val, imm) && (size == 4 || (int64_t)x86_const_value(j, val) == *imm);
}

void x86_emit_guest_store(X86Jit *j, X86Mem m, unsigned size, X86Reg v, int32_t imm)
{
    if (v == X86_NOREG)
        x86_store_imm(&j->b, size, m, imm);
    else
        x86_store(&j->b, size, m, v);
}

static void lower_store(X86Jit *j, const IrInsn *in)
{
    IrMemOp mo = (IrMemOp)in->c[0];
    IrTemp val = in->args[0], addr = in->args[1];
    if (!x86_inline_access(mo)) {
        x86_prepare_call(j, true, false);
        x86_store_insn_pc(j);
        X86CallArg args[3] = {{true, addr, 0}, {true, val, 0}, {false, 0, mo}};
        x86_emit_call(j, (const void *)cpu_st, args, 3);
        return;
    }
    if (j->ir->softmmu) {
        x86_lower_tlb_store(j, val, addr, mo);
        return;
    }
    x86_lower_user_store(j, val, addr, mo);
}

static void lower_atomic(X86Jit *j, const IrInsn *in)
{
    IrType type = (IrType)in->type;
    x86_prepare_call(j, true, false);
    x86_store_insn_pc(j);
    if (in->op == IR_OP_atomic_rmw) {
        /* inputs: value, addr */
        X86CallArg args[5] = {{true, in->args[2], 0}, {true, in->args[1], 0}, {false, 0, in->c[0]},
                              {false, 0, in->c[1]}, {false, 0, type}};
        x86_emit_call(j, (const void *)cpu_atomic_rmw, args, 5);
    } else {
        /* inputs: expected, new, addr */
        X86CallArg args[5] = {{true, in->args[3], 0}, {true, in->args[1], 0}, {true, in->args[2], 0},
                              {false, 0, in->c[0]}, {false, 0, type}};
        x86_emit_call(j, (const void *)cpu_cmpxchg, args, 5);
    }
    x86_bind_output(j, in->args[0], X86_RAX);
}

static void lower_ld_env(X86Jit *j, const IrInsn *in)
{
    X86Reg r = x86_def(j, in->args[0], 0);
    X86Mem m = x86_cpu_mem(in->c[0]);
    switch (in->c[1]) {
    case 0: x86_rm(&j->b, X86_OP_MOVZX8, false, r, m); break;
    case 1: x86_rm(&j->b, X86_OP_MOVZX16, false, r, m); break;
    case 2: x86_rm(&j->b, X86_OP_MOV, false, r, m); break;
    default: x86_rm(&j->b, X86_OP_MOV, in->type == IR_I64, r, m); break;
    }
}

static void lower_st_env(X86Jit *j, const IrInsn *in)
{
    X86Reg r = x86_use(j, in->args[0], 0);
    x86_store(&j->b, 1u << in->c[1], x86_cpu_mem(in->c[0]), r);
}

bool x86_lower_insn(X86Jit *j, const IrInsn *in)
{
    bool w64 = in->type == IR_I64;
    switch ((IrOpcode)in->op) {
    case IR_OP_mov: lower_mov(j, in); break;
    case IR_OP_ext_i32_i64: lower_ext(j, in, X86_OP_MOVSXD, true); break;
    case IR_OP_ext32s: lower_ext(j, in, X86_OP_MOVSXD, true); break;
    case IR_OP_extu_i32_i64:
    case IR_OP_trunc_i64_i32:
    case IR_OP_ext32u: lower_ext(j, in, X86_OP_MOV, false); break;
    case IR_OP_ext8s: lower_ext(j, in, X86_OP_MOVSX8, w64); break;
    case IR_OP_ext8u: lower_ext(j, in, X86_OP_MOVZX8, false); break;
    case IR_OP_ext16s: lower_ext(j, in, X86_OP_MOVSX16, w64); break;
    case IR_OP_ext16u: lower_ext(j, in, X86_OP_MOVZX16, false); break;
    case IR_OP_add:
        if (x86_fold_address(j, in))
            break;
        if (!lower_add_lea(j, in))
            lower_alu(j, in, X86_OP_ADD, X86_ALUI_ADD, true);
        break;
    case IR_OP_sub:
        if (!lower_add_lea(j, in))
            lower_alu(j, in, X86_OP_SUB, X86_ALUI_SUB, false);
        break;
    case IR_OP_and: lower_alu(j, in, X86_OP_AND, X86_ALUI_AND, true); break;
    case IR_OP_or: lower_alu(j, in, X86_OP_OR, X86_ALUI_OR, true); break;
    case IR_OP_xor: lower_alu(j, in, X86_OP_XOR, X86_ALUI_XOR, true); break;
    case IR_OP_mul: lower_mul(j, in); break;
    case IR_OP_mulsh:
    case IR_OP_muluh:
        if (!w64) {
            lower_pure_call(j, in);
            break;
        }
        lower_mulh(j, in, in->op == IR_OP_mulsh ? X86_UN_IMUL1 : X86_UN_MUL);
        break;
    case IR_OP_neg: lower_unary(j, in, X86_UN_NEG); break;
    case IR_OP_not: lower_unary(j, in, X86_UN_NOT); break;
    case IR_OP_shl: lower_shift(j, in, X86_SH_SHL); break;
    case IR_OP_shr: lower_shift(j, in, X86_SH_SHR); break;
    case IR_OP_sar: lower_shift(j, in, X86_SH_SAR); break;
    case IR_OP_rotl: lower_shift(j, in, X86_SH_ROL); break;
    case IR_OP_rotr: lower_shift(j, in, X86_SH_ROR); break;
    case IR_OP_bswap: {
        X86Reg r = def_from(j, in->args[0], in->args[1], 0);
        x86_bswap(&j->b, w64, r);
        break;
    }
    case IR_OP_setcond: lower_setcond(j, in); break;
    case IR_OP_movcond: lower_movcond(j, in); break;
    case IR_OP_ld: lower_load(j, in); break;
    case IR_OP_st: lower_store(j, in); break;
    case IR_OP_atomic_rmw:
    case IR_OP_cmpxchg: lower_atomic(j, in); break;
    case IR_OP_ld_env: lower_ld_env(j, in); break;
    case IR_OP_st_env: lower_st_env(j, in); break;
    case IR_OP_call:
        if (!x86_lower_host_fp(j, in))
            lower_helper(j, in);
        break;
    default:
        if (!(ir_op_defs[in->op].flags & IR_F_PURE) || in->nout != 1 || in->nin > 4 || ir_op_defs[in->op].nconst)
            return false;
        lower_pure_call(j, in);
        break;
    }
    return !j->failed;
}
