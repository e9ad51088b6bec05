/*
 * User-mode guest memory accesses: one host instruction on
 * [guest_base + base + disp], after a range check of the base that a
 * block makes once per base value.
 *
 * The front end computes an address as add(base, constant) right before
 * the load or store. When that sum has no other reader, the add emits
 * nothing (x86_fold_address) and the access takes the constant as its
 * displacement. The check compares only the base with the guest size:
 *     cmp base, [cpu + guest_size] ; jae stub      (once per base value)
 *     mov r, [r15 + base + disp]                   (a fault site)
 * A base below the size plus a displacement within X86_FOLD_DISP_MAX
 * lands at most that far outside the guest range, in the never-mapped
 * guards the range has on both sides (GUEST_MEM_GUARD_SIZE), where the
 * host fault is the guest's (jit_host_fault, with the same base + disp).
 * Once checked, a base stays known in range (X86TempState.in_range) until
 * it is defined again, a C call (which may write guest registers) or a
 * label. The stub re-checks the whole address, since a base just past
 * either end plus a displacement back may still be in range: then it goes
 * back to the access; else it raises the fault.
 */
#include "engine/jit/host-x86_64/x86-jit.h"
#include "polyvm/mem.h"

/* A base within the range's size, or the stub's "in range after all" base
 * within one displacement of it, plus a displacement and an access of up
 * to 16 bytes stays inside the guards. */
_Static_assert(2 * X86_FOLD_DISP_MAX + 16 <= GUEST_MEM_GUARD_SIZE, "guest range guards too small");

static bool inline_user_access(const X86Jit *j, const IrInsn *in)
{
    if (j->ir->softmmu || (in->op != IR_OP_ld && in->op != IR_OP_st))
        return false;
    return x86_inline_access((IrMemOp)in->c[0]);
}

bool x86_fold_address(X86Jit *j, const IrInsn *in)
{
    if (in->op != IR_OP_add || in->type != IR_I64 || j->cur + 1 >= j->ir->ninsns)
        return false;
    IrTemp out = in->args[0], base = in->args[1], c = in->args[2];
    if (x86_temp_is_const(j, base)) {
        base = c;
        c = in->args[1];
    }
    if (x86_temp_is_const(j, base) || !x86_temp_is_const(j, c))
        return false;
    int64_t disp = (int64_t)x86_const_value(j, c);
    if (disp < -X86_FOLD_DISP_MAX || disp > X86_FOLD_DISP_MAX)
        return false;
    /* the next op's address and nothing else: a temp read there last */
    const IrInsn *next = &j->ir->insns[j->cur + 1];
    if (j->ir->temps[out].kind != IR_TEMP_NORMAL || j->last_use[out] != j->cur + 1 ||
        !inline_user_access(j, next) || next->args[1] != out || (next->op == IR_OP_st && next->args[0] == out))
        return false;
    j->fold = (X86FoldedAddress){.at = j->cur + 1, .temp = out, .base = base, .disp = (int32_t)disp};
    if (j->last_use[base] < j->cur + 1)
        j->last_use[base] = j->cur + 1;   /* read by the access now */
    return true;
}

/* Records the access emitted next as a fault site. Between the range
 * check and here only stores (evictions) may be emitted, so the registers
 * the dirty list names still hold those values. */
static void add_fault_site(X86Jit *j, X86Reg rb, int32_t disp, bool is_store, X86DirtyRange dirty)
{
    if (!X86_ROOM(j, j->faults, j->nfaults, j->cap_faults))
        return;
    j->faults[j->nfaults++] = (JitFaultSite){(uint32_t)jit_buf_offset(&j->b), is_store, (uint8_t)rb,
                                             dirty.count, dirty.first, disp, j->insn_pc};
}

/* The access's base (in a register, locked) and displacement. */
static X86Reg address_of(X86Jit *j, IrTemp addr, IrTemp *base, int32_t *disp)
{
    *base = addr;
    *disp = 0;
    if (j->fold.at == j->cur && j->fold.temp == addr) {
        *base = j->fold.base;
        *disp = j->fold.disp;
    }
    return x86_use(j, *base, 0);
}

/* Checks the base against the guest size unless known in range; returns
 * the dirty globals for the access's fault site. */
static X86DirtyRange check_base(X86Jit *j, IrTemp base, X86Reg rb, int32_t disp, bool is_store)
{
    X86DirtyRange dirty = x86_note_dirty_globals(j);
    if (j->ts[base].in_range)
        return dirty;
    x86_rm(&j->b, X86_OP_CMP, true, rb, x86_cpu_mem(offsetof(CpuCommon, guest_size)));
    uint8_t *jcc = x86_jcc_rel32(&j->b, X86_CC_AE);
    if (!X86_ROOM(j, j->stubs, j->nstubs, j->cap_stubs))
        return dirty;
    j->stubs[j->nstubs++] = (X86FaultStub){.jcc = jcc, .cont = j->b.p, .guest_pc = j->insn_pc,
                                           .addr_reg = (int8_t)rb, .disp = disp, .is_store = is_store,
                                           .dirty = dirty};
    j->ts[base].in_range = true;
    return dirty;
}

void x86_lower_user_load(X86Jit *j, IrTemp out, IrTemp addr, IrMemOp mo, IrType type)
{
    IrTemp base;
    int32_t disp;
    X86Reg rb = address_of(j, addr, &base, &disp);
    X86DirtyRange dirty = check_base(j, base, rb, disp, false);
    /* into the base's own register when the base is the output (ld a0,
     * 8(a0)) or dies here: the load reads it before writing, and a fault
     * leaves it unwritten */
    X86Reg r = x86_def_reuse(j, out, base) ? (X86Reg)j->ts[out].reg : x86_def(j, out, 0);
    add_fault_site(j, rb, disp, false, dirty);
    x86_emit_guest_load(j, r, x86_mem_idx(X86_GUEST_BASE_REG, rb, disp), mo, type);
}

void x86_lower_user_store(X86Jit *j, IrTemp val, IrTemp addr, IrMemOp mo)
{
    unsigned size = ir_memop_size(mo);
    int32_t imm;
    bool use_imm = x86_store_imm_operand(j, val, size, &imm);
    X86Reg rv = use_imm ? X86_NOREG : x86_use(j, val, 0);
    IrTemp base;
    int32_t disp;
    X86Reg rb = address_of(j, addr, &base, &disp);
    X86DirtyRange dirty = check_base(j, base, rb, disp, true);
    add_fault_site(j, rb, disp, true, dirty);
    x86_emit_guest_store(j, x86_mem_idx(X86_GUEST_BASE_REG, rb, disp), size, rv, imm);
}

void x86_emit_fault_stubs(X86Jit *j)
{
    for (uint32_t i = 0; i < j->nstubs; i++) {
        const X86FaultStub *s = &j->stubs[i];
        x86_patch_rel32(&j->b, s->jcc, jit_buf_exec_addr(&j->b, j->b.p));
        X86Reg rb = (X86Reg)s->addr_reg;
        if (s->disp) {
            /* the whole address may be in range: then back to the access,
             * every register as it was (pop leaves the flags) */
            x86_push(&j->b, X86_RAX);
            x86_rm(&j->b, X86_OP_LEA, true, X86_RAX, x86_mem(rb, s->disp));
            x86_rm(&j->b, X86_OP_CMP, true, X86_RAX, x86_cpu_mem(offsetof(CpuCommon, guest_size)));
            x86_pop(&j->b, X86_RAX);
            uint8_t *back = x86_jcc_rel32(&j->b, X86_CC_B);
            x86_patch_rel32(&j->b, back, jit_buf_exec_addr(&j->b, s->cont));
        }
        for (uint32_t k = s->dirty.first; k < s->dirty.first + s->dirty.count; k++)
            x86_store(&j->b, 8, x86_cpu_mem(j->dirty[k].offset), (X86Reg)j->dirty[k].host_reg);
        x86_rm(&j->b, X86_OP_LEA, true, X86_RSI, x86_mem(rb, s->disp));
        x86_mov_ri(&j->b, true, X86_RDX, s->guest_pc);
        x86_mov_ri(&j->b, false, X86_RCX, s->is_store);
        x86_rm(&j->b, X86_OP_LEA, true, X86_RDI, x86_mem(X86_CPU_REG, -X86_CPU_BIAS));
        x86_call_abs(&j->b, (uintptr_t)jit_raise_access_fault, X86_RAX);
    }
}
