/*
 * Register allocation within one block, in the style of a local allocator:
 * every IR value is either in a host register, in its home slot (a global's
 * field in the CPU state, a temp's slot in CpuCommon.frame), or both.
 * Values are loaded on first use and stay in registers until a call, a
 * label, an exit or register pressure forces them home. Globals are only
 * written back where the IR says someone may look: before an op that can
 * fault, a helper that reads them, and at block exits.
 *
 * In a block that loops on itself, pinned globals (X86Jit.pin) own their
 * register for the whole block: nothing else is allocated there, labels
 * keep them, and x86_fix_pins() moves one back after any op or call that
 * left it elsewhere, so every path reaches a label or the loop head with
 * the same registers.
 */
#include "engine/jit/host-x86_64/x86-jit.h"

/* Callee-saved registers first, so long-lived values (the guest registers)
 * survive helper calls; rcx and rdx, which shifts and multiplies need,
 * last. */
static const X86Reg alloc_order[] = {
    X86_RBX, X86_R12, X86_R13, X86_R14, X86_RSI, X86_RDI, X86_R8,
    X86_R9,  X86_R10, X86_R11, X86_RAX, X86_RDX, X86_RCX,
};

X86Mem x86_home(const X86Jit *j, IrTemp t)
{
    const IrTempInfo *ti = &j->ir->temps[t];
    if (ti->kind == IR_TEMP_GLOBAL)
        return x86_cpu_mem(ti->offset);
    return x86_cpu_mem(x86_frame_offset(t));
}

bool x86_temp_is_const(const X86Jit *j, IrTemp t) { return j->ir->temps[t].kind == IR_TEMP_CONST; }

uint64_t x86_const_value(const X86Jit *j, IrTemp t) { return j->ir->temps[t].value; }

bool x86_const_imm32(const X86Jit *j, IrTemp t, int32_t *imm)
{
    if (!x86_temp_is_const(j, t))
        return false;
    uint64_t v = j->ir->temps[t].value;
    /* I32 values are used by 32-bit instructions, whose imm32 is the value */
    if (j->ir->temps[t].type == IR_I32) {
        *imm = (int32_t)(uint32_t)v;
        return true;
    }
    if ((int64_t)v != (int32_t)v)
        return false;
    *imm = (int32_t)v;
    return true;
}

static bool is_global(const X86Jit *j, IrTemp t) { return j->ir->temps[t].kind == IR_TEMP_GLOBAL; }

/* Inputs of the current insn count as needed: a call evicts them from
 * clobbered registers before it reads them from their home slots. */
static bool needed_later(const X86Jit *j, IrTemp t)
{
    return is_global(j, t) || j->last_use[t] >= j->cur;
}

/* What the block knows about t's value goes when t gets a new one. */
static void value_changes(X86Jit *j, IrTemp t)
{
    x86_xmm_forget(j, t);
    j->ts[t].in_range = false;
}

/* Forgets every value's range check: at labels, where paths with other
 * knowledge meet, and at C calls, which may write guest registers. */
static void forget_ranges(X86Jit *j)
{
    for (IrTemp t = 0; t < j->ir->ntemps; t++)
        j->ts[t].in_range = false;
}

static void store_home(X86Jit *j, IrTemp t)
{
    X86TempState *s = &j->ts[t];
    if (s->reg != X86_NOREG && !s->mem_valid) {
        x86_store(&j->b, 8, x86_home(j, t), (X86Reg)s->reg);
        s->mem_valid = true;
    }
}

static void drop_reg(X86Jit *j, X86Reg r)
{
    int t = j->reg_temp[r];
    if (t >= 0) {
        j->ts[t].reg = X86_NOREG;
        x86_xmm_forget(j, (IrTemp)t);   /* a copy lives only beside its register */
    }
    j->reg_temp[r] = -1;
    j->locked &= (uint16_t)~(1u << r);
}

void x86_evict_reg(X86Jit *j, X86Reg r)
{
    int t = j->reg_temp[r];
    if (t >= 0 && needed_later(j, (IrTemp)t))
        store_home(j, (IrTemp)t);
    drop_reg(j, r);
}

X86Reg x86_alloc_reg(X86Jit *j, uint16_t avoid)
{
    avoid |= j->locked | j->pin_mask;
    for (unsigned i = 0; i < sizeof(alloc_order) / sizeof(alloc_order[0]); i++) {
        X86Reg r = alloc_order[i];
        if (!(avoid & (1u << r)) && j->reg_temp[r] < 0)
            return r;
    }
    /* Evict the unlocked value needed furthest ahead (dead ones first). */
    X86Reg best = X86_NOREG;
    uint32_t best_use = 0;
    for (unsigned i = 0; i < sizeof(alloc_order) / sizeof(alloc_order[0]); i++) {
        X86Reg r = alloc_order[i];
        if (avoid & (1u << r))
            continue;
        IrTemp t = (IrTemp)j->reg_temp[r];
        uint32_t use = is_global(j, t) ? UINT32_MAX - 1 : j->last_use[t];
        if (j->ts[t].mem_valid)
            use = UINT32_MAX;   /* free to drop: nothing to store */
        if (best == X86_NOREG || use > best_use) {
            best = r;
            best_use = use;
        }
    }
    if (best == X86_NOREG) {
        /* every register locked by one insn: impossible with <= 8 operands */
        j->failed = true;
        return X86_RAX;
    }
    x86_evict_reg(j, best);
    return best;
}

static void bind(X86Jit *j, IrTemp t, X86Reg r)
{
    j->reg_temp[r] = (int16_t)t;
    j->ts[t].reg = (int8_t)r;
    j->locked |= (uint16_t)(1u << r);
}

X86Reg x86_use(X86Jit *j, IrTemp t, uint16_t avoid)
{
    X86TempState *s = &j->ts[t];
    if (s->reg != X86_NOREG && !(avoid & (1u << s->reg))) {
        j->locked |= (uint16_t)(1u << s->reg);
        return (X86Reg)s->reg;
    }
    X86Reg r = x86_alloc_reg(j, avoid);
    if (s->reg != X86_NOREG) {
        /* in a register the caller cannot use: copy, and let the copy be it */
        X86Reg old = (X86Reg)s->reg;
        x86_rr(&j->b, X86_OP_MOV, true, r, old);
        j->reg_temp[old] = -1;
        j->locked &= (uint16_t)~(1u << old);
    } else if (x86_temp_is_const(j, t)) {
        x86_mov_ri(&j->b, true, r, x86_const_value(j, t));
    } else {
        x86_rm(&j->b, X86_OP_MOV, true, r, x86_home(j, t));
    }
    bind(j, t, r);
    return r;
}

X86Reg x86_def(X86Jit *j, IrTemp t, uint16_t avoid)
{
    X86TempState *s = &j->ts[t];
    X86Reg r;
    if (s->reg != X86_NOREG && !(avoid & (1u << s->reg)) && !(j->locked & (1u << s->reg))) {
        r = (X86Reg)s->reg;
    } else {
        r = x86_alloc_reg(j, avoid);
        /* The old register may still hold this insn's input (t is both
         * read and written): unbind it but keep it locked until the insn
         * is done, so nothing else is put there meanwhile. */
        if (s->reg != X86_NOREG)
            j->reg_temp[s->reg] = -1;
    }
    bind(j, t, r);
    s->mem_valid = false;
    value_changes(j, t);
    return r;
}

void x86_bind_output(X86Jit *j, IrTemp t, X86Reg r)
{
    X86TempState *s = &j->ts[t];
    if (s->reg != X86_NOREG && s->reg != r)
        j->reg_temp[s->reg] = -1;
    bind(j, t, r);
    s->mem_valid = false;
    value_changes(j, t);
}

void x86_redefine_in_place(X86Jit *j, IrTemp t)
{
    j->ts[t].mem_valid = false;
    value_changes(j, t);
}

bool x86_dies_here(const X86Jit *j, IrTemp t)
{
    return j->ts[t].reg != X86_NOREG && !is_global(j, t) && !x86_temp_is_const(j, t) && j->last_use[t] == j->cur;
}

bool x86_def_reuse(X86Jit *j, IrTemp out, IrTemp in)
{
    X86TempState *si = &j->ts[in];
    if (si->reg == X86_NOREG)
        return false;
    if (in == out) {
        j->locked |= (uint16_t)(1u << si->reg);
        x86_redefine_in_place(j, in);
        return true;
    }
    if (!x86_dies_here(j, in))
        return false;
    X86Reg r = (X86Reg)si->reg;
    X86TempState *so = &j->ts[out];
    if (so->reg != X86_NOREG)
        drop_reg(j, (X86Reg)so->reg);
    si->reg = X86_NOREG;
    x86_xmm_forget(j, in);
    bind(j, out, r);
    so->mem_valid = false;
    value_changes(j, out);
    return true;
}

void x86_sync_globals(X86Jit *j)
{
    for (IrTemp t = 0; t < j->ir->nglobals; t++)
        store_home(j, t);
}

void x86_prepare_call(X86Jit *j, bool callee_reads_globals, bool callee_writes_globals)
{
    x86_xmm_clear(j);   /* the callee may clobber every xmm register */
    forget_ranges(j);
    if (callee_reads_globals || callee_writes_globals)
        x86_sync_globals(j);
    for (X86Reg r = X86_RAX; r <= X86_R15; r++) {
        int t = j->reg_temp[r];
        if (t < 0)
            continue;
        bool clobbered = X86_CALL_CLOBBERED & (1u << r);
        if (clobbered || (callee_writes_globals && is_global(j, (IrTemp)t)))
            x86_evict_reg(j, r);
    }
}

static bool pinned_in_place(const X86Jit *j, X86Reg r)
{
    int t = j->reg_temp[r];
    return t >= 0 && (IrTemp)t < j->ir->nglobals && j->pin && j->pin[t] == (int8_t)r;
}

void x86_spill_all(X86Jit *j)
{
    for (X86Reg r = X86_RAX; r <= X86_R15; r++)
        if (j->reg_temp[r] >= 0 && !pinned_in_place(j, r))
            x86_evict_reg(j, r);
}

void x86_sync_unpinned(X86Jit *j)
{
    for (IrTemp t = 0; t < j->ir->nglobals; t++)
        if (!j->pin || j->pin[t] == X86_NOREG)
            store_home(j, t);
}

void x86_fix_pins(X86Jit *j)
{
    if (!j->pin_mask)
        return;
    for (IrTemp g = 0; g < j->ir->nglobals; g++) {
        X86Reg r = (X86Reg)j->pin[g];
        X86TempState *s = &j->ts[g];
        if (j->pin[g] == X86_NOREG || s->reg == r)
            continue;
        if (j->reg_temp[r] >= 0) {
            j->failed = true;   /* cannot happen: nothing else is allocated there */
            return;
        }
        if (s->reg != X86_NOREG) {
            x86_rr(&j->b, X86_OP_MOV, true, r, (X86Reg)s->reg);
            j->reg_temp[s->reg] = -1;
        } else {
            x86_rm(&j->b, X86_OP_MOV, true, r, x86_home(j, g));   /* evicted: home is valid */
        }
        j->reg_temp[r] = (int16_t)g;
        s->reg = (int8_t)r;
    }
}

void x86_release_dead(X86Jit *j)
{
    for (X86Reg r = X86_RAX; r <= X86_R15; r++) {
        int t = j->reg_temp[r];
        /* temps and materialized constants; globals live to the block's end */
        if (t >= 0 && !is_global(j, (IrTemp)t) && j->last_use[t] <= j->cur)
            drop_reg(j, r);
    }
    j->locked = 0;
}

void x86_forget_regs(X86Jit *j)
{
    for (X86Reg r = X86_RAX; r <= X86_R15; r++)
        drop_reg(j, r);   /* and with them every xmm copy */
    j->locked = 0;
    forget_ranges(j);
    if (!j->pin_mask)
        return;
    /* Pins survive: every path into a label has them in place. Whether the
     * home slot is current differs by path, so assume not where written. */
    for (IrTemp g = 0; g < j->ir->nglobals; g++) {
        if (j->pin[g] == X86_NOREG)
            continue;
        j->reg_temp[j->pin[g]] = (int16_t)g;
        j->ts[g].reg = j->pin[g];
        j->ts[g].mem_valid = !j->pin_written[g];
    }
}
