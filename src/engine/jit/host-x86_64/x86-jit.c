/*
 * The x86-64 back end's driver: jit_compile() walks an optimized IR block
 * once, lowering each op with the register state of x86-regs.c, then emits
 * the out-of-line stubs, resolves label branches and records the block's
 * fault sites and chaining slots in a JitBlock.
 *
 * Control flow inside a block is handled simply: at every label and
 * branch all values go home, so any path reaching a label finds the same
 * (empty) register state. Blocks rarely branch inside (division guards,
 * conditional branches right before the exit), so this costs little.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/jit/host-x86_64/x86-jit.h"

JitState *jit_state_new(void)
{
    JitState *js = calloc(1, sizeof(*js));
    if (!js)
        return NULL;
    if (code_buffer_init(&js->code, JIT_CODE_BUFFER_SIZE) < 0 || !x86_emit_entry_routines(js)) {
        code_buffer_destroy(&js->code);
        free(js);
        return NULL;
    }
    return js;
}

void jit_state_free(JitState *js)
{
    if (!js)
        return;
    code_buffer_destroy(&js->code);
    free(js->blocks);
    free(js);
}

void jit_state_reset(JitState *js)
{
    code_buffer_reset(&js->code);
    js->nblocks = 0;
}

void jit_block_free(JitBlock *jb) { free(jb); }

/* last_use[t]: the last insn reading t. A backward branch could carry a
 * value round a loop past its last linear use, so then every temp lives to
 * the end of the block. */
static void compute_liveness(X86Jit *j)
{
    const IrBlock *ir = j->ir;
    bool backward = false;
    bool *placed = calloc(ir->nlabels + 1, sizeof(bool));
    if (!placed) {
        j->failed = true;
        return;
    }
    for (uint32_t i = 0; i < ir->ninsns; i++) {
        const IrInsn *in = &ir->insns[i];
        for (unsigned k = in->nout; k < (unsigned)in->nout + in->nin; k++)
            j->last_use[in->args[k]] = i;
        if (in->op == IR_OP_set_label)
            placed[in->c[0]] = true;
        else if (in->op == IR_OP_br && placed[in->c[0]])
            backward = true;
        else if (in->op == IR_OP_brcond && placed[in->c[1]])
            backward = true;
    }
    free(placed);
    if (backward)
        for (IrTemp t = ir->nglobals; t < ir->ntemps; t++)
            j->last_use[t] = ir->ninsns;
}

/* A loop on the block itself: some goto_tb targets the block's start. */
static bool loops_on_itself(const X86Jit *j)
{
    for (uint32_t i = 0; i < j->ir->ninsns; i++) {
        const IrInsn *in = &j->ir->insns[i];
        if (in->op == IR_OP_goto_tb && in->c[1] == j->tb->pc)
            return true;
    }
    return false;
}

/* Pins the globals the block uses most. Callee-saved registers cost
 * nothing at calls; the caller-saved ones are only worth it in a block
 * without helper calls (each call stores and reloads them). */
static const X86Reg pin_callee_saved[] = {X86_RBX, X86_R12, X86_R13, X86_R14};
static const X86Reg pin_caller_saved[] = {X86_RSI, X86_RDI, X86_R8, X86_R9};

static bool choose_pins(X86Jit *j)
{
    const IrBlock *ir = j->ir;
    uint32_t *uses = calloc(ir->nglobals, sizeof(*uses));
    j->pin = malloc(ir->nglobals * sizeof(*j->pin));
    j->pin_written = calloc(ir->nglobals, sizeof(*j->pin_written));
    if (!uses || !j->pin || !j->pin_written) {
        free(uses);
        return false;
    }
    bool calls = false;
    for (uint32_t i = 0; i < ir->ninsns; i++) {
        const IrInsn *in = &ir->insns[i];
        calls |= in->op == IR_OP_call;
        for (unsigned k = 0; k < (unsigned)in->nout + in->nin; k++) {
            IrTemp t = in->args[k];
            if (t < ir->nglobals) {
                uses[t]++;
                if (k < in->nout)
                    j->pin_written[t] = true;
            }
        }
    }
    for (IrTemp g = 0; g < ir->nglobals; g++)
        j->pin[g] = X86_NOREG;
    unsigned npool = calls ? 4 : 8;
    for (unsigned n = 0; n < npool; n++) {
        IrTemp best = 0;
        uint32_t best_uses = 0;
        for (IrTemp g = 0; g < ir->nglobals; g++)
            if (j->pin[g] == X86_NOREG && uses[g] > best_uses) {
                best = g;
                best_uses = uses[g];
            }
        if (!best_uses)
            break;
        X86Reg r = n < 4 ? pin_callee_saved[n] : pin_caller_saved[n - 4];
        j->pin[best] = (int8_t)r;
        j->pin_mask |= (uint16_t)(1u << r);
    }
    free(uses);
    return true;
}

/* After the entry check: load the pins; the loop comes back to the head,
 * which checks leave_code (the back edge is then a bare jump, which a
 * brcond can take directly, x86_emit_loop_back):
 *         mov pin, [home] ...
 *         jmp head
 *   leave: mov [home], pin ...     (the pins the block writes)
 *         jmp entry                (whose own check leaves)
 *   head: cmp dword [leave_code], 0 ; jne leave */
static void emit_loop_head(X86Jit *j)
{
    for (IrTemp g = 0; g < j->ir->nglobals; g++) {
        if (j->pin[g] == X86_NOREG)
            continue;
        x86_rm(&j->b, X86_OP_MOV, true, (X86Reg)j->pin[g], x86_home(j, g));
    }
    uint8_t *skip = x86_jmp_rel32(&j->b);
    uint8_t *leave = j->b.p;
    for (IrTemp g = 0; g < j->ir->nglobals; g++)
        if (j->pin[g] != X86_NOREG && j->pin_written[g])
            x86_store(&j->b, 8, x86_home(j, g), (X86Reg)j->pin[g]);
    uint8_t *out = x86_jmp_rel32(&j->b);
    x86_patch_rel32(&j->b, out, jit_buf_exec_addr(&j->b, j->b.start));
    x86_patch_rel32(&j->b, skip, jit_buf_exec_addr(&j->b, j->b.p));
    x86_forget_regs(j);   /* binds the pins as a label would */
    j->loop_head = j->b.p;
    x86_alu_mi(&j->b, X86_ALUI_CMP, false, x86_cpu_mem(offsetof(CpuCommon, leave_code)), 0);
    uint8_t *jne = x86_jcc_rel32(&j->b, X86_CC_NE);
    x86_patch_rel32(&j->b, jne, jit_buf_exec_addr(&j->b, leave));
}

bool x86_grow_array(X86Jit *j, void *items, uint32_t *cap, size_t elem_size)
{
    void *old, *grown;
    memcpy(&old, items, sizeof(old));   /* items is the address of some T * */
    uint32_t n = *cap ? 2 * *cap : 16;
    grown = realloc(old, n * elem_size);
    if (!grown) {
        j->failed = true;
        return false;
    }
    memcpy(items, &grown, sizeof(grown));
    *cap = n;
    return true;
}

static void add_label_ref(X86Jit *j, uint8_t *rel32, uint32_t label)
{
    if (X86_ROOM(j, j->label_refs, j->nlabel_refs, j->cap_label_refs))
        j->label_refs[j->nlabel_refs++] = (X86LabelRef){rel32, label};
}

/* Lowers one insn; false when the block cannot be compiled. */
static bool lower(X86Jit *j, const IrInsn *in)
{
    switch ((IrOpcode)in->op) {
    case IR_OP_set_label:
        if (!j->unreachable)
            x86_spill_all(j);
        x86_forget_regs(j);
        j->label_pos[in->c[0]] = j->b.p;
        j->last_label = (uint32_t)in->c[0];
        j->unreachable = false;
        return true;
    case IR_OP_insn_start:
        j->insn_pc = in->c[0];
        return true;
    default:
        break;
    }
    if (j->unreachable)
        return true;   /* dead code after an exit, up to the next label */
    switch ((IrOpcode)in->op) {
    case IR_OP_br:
        x86_spill_all(j);
        add_label_ref(j, x86_jmp_rel32(&j->b), (uint32_t)in->c[0]);
        x86_forget_regs(j);
        j->unreachable = true;
        return true;
    case IR_OP_brcond: {
        X86Cond cc = x86_compare(j, (IrCond)in->c[0], (IrType)in->type, in->args[0], in->args[1]);
        x86_spill_all(j);   /* stores only: the flags survive */
        add_label_ref(j, x86_jcc_rel32(&j->b, cc), (uint32_t)in->c[1]);
        x86_forget_regs(j);
        return true;
    }
    case IR_OP_goto_tb:
        if (j->loop_head && in->c[1] == j->tb->pc)
            x86_emit_loop_back(j);
        else
            x86_emit_goto_tb(j, (unsigned)in->c[0], in->c[1]);
        break;
    case IR_OP_exit_indirect:
        x86_emit_exit_indirect(j, in->args[0]);
        break;
    case IR_OP_raise:
        x86_emit_raise(j, (uint32_t)in->c[0], in->c[1]);
        break;
    default:
        return x86_lower_insn(j, in);
    }
    x86_forget_regs(j);
    j->unreachable = true;
    return true;
}

/* A branch to a label placed right at a chainable slot's jmp (nothing
 * stored in between) becomes that slot's second patch site: it goes to
 * the stub for now, and straight to the next block once chained. */
static uint8_t *exit_for_label(X86Jit *j, const X86LabelRef *ref, uint8_t *target)
{
    for (unsigned s = 0; s < 2; s++)
        if (j->exit_jmp[s] && target == j->exit_jmp[s] - 1 && !j->exit_jcc[s]) {
            j->exit_jcc[s] = ref->rel32;
            return j->exit_stub[s];
        }
    return target;
}

static bool resolve_labels(X86Jit *j)
{
    for (uint32_t i = 0; i < j->nlabel_refs; i++) {
        uint8_t *target = j->label_pos[j->label_refs[i].label];
        if (target)
            target = exit_for_label(j, &j->label_refs[i], target);
        if (!target || !x86_patch_rel32(&j->b, j->label_refs[i].rel32, jit_buf_exec_addr(&j->b, target)))
            return false;
    }
    return true;
}

static JitResult finish_block(X86Jit *j, TranslatedBlock *tb)
{
    JitState *js = j->js;
    if (js->nblocks == js->cap_blocks) {
        uint32_t cap = js->cap_blocks ? 2 * js->cap_blocks : 1024;
        TranslatedBlock **n = realloc(js->blocks, cap * sizeof(*n));
        if (!n)
            return JIT_NOMEM;
        js->blocks = n;
        js->cap_blocks = cap;
    }
    size_t faults_size = j->nfaults * sizeof(JitFaultSite);
    JitBlock *jb = calloc(1, sizeof(JitBlock) + faults_size + j->ndirty * sizeof(JitDirtyGlobal));
    if (!jb)
        return JIT_NOMEM;
    JitDirtyGlobal *dirty = (JitDirtyGlobal *)((char *)jb->faults + faults_size);
    if (j->ndirty)
        memcpy(dirty, j->dirty, j->ndirty * sizeof(JitDirtyGlobal));
    jb->dirty = dirty;
    jb->entry = code_buffer_commit(&js->code, &j->b);
    jb->size = (uint32_t)jit_buf_offset(&j->b);
    for (unsigned s = 0; s < 2; s++) {
        if (j->exit_jmp[s]) {
            jb->exit_jmp[s] = (uint32_t)(j->exit_jmp[s] - j->b.start);
            jb->exit_stub[s] = (uint32_t)(j->exit_stub[s] - j->b.start);
            if (j->exit_jcc[s])
                jb->exit_jcc[s] = (uint32_t)(j->exit_jcc[s] - j->b.start);
        }
    }
    jb->nfaults = j->nfaults;
    if (j->nfaults)
        memcpy(jb->faults, j->faults, j->nfaults * sizeof(JitFaultSite));
    tb->jit = jb;
    /* only blocks with guest accesses the host can fault on (user mode)
     * need finding by host PC; system-mode blocks have none */
    if (j->nfaults)
        js->blocks[js->nblocks++] = tb;
    return JIT_OK;
}

JitResult jit_compile(JitState *js, const IrBlock *ir, TranslatedBlock *tb, bool count_stats)
{
    X86Jit j = {.js = js, .ir = ir, .tb = tb, .count_stats = count_stats};
    j.ts = malloc(ir->ntemps * sizeof(*j.ts));
    j.last_use = calloc(ir->ntemps, sizeof(*j.last_use));
    j.label_pos = calloc(ir->nlabels + 1, sizeof(*j.label_pos));
    JitResult result = JIT_NOMEM;
    if (!j.ts || !j.last_use || !j.label_pos)
        goto out;
    for (IrTemp t = 0; t < ir->ntemps; t++) {
        j.ts[t].reg = X86_NOREG;
        j.ts[t].mem_valid = ir->temps[t].kind != IR_TEMP_NORMAL;
        j.ts[t].xmm = -1;
        j.ts[t].in_range = false;
    }
    for (unsigned r = 0; r < 16; r++)
        j.reg_temp[r] = j.xmm_temp[r] = -1;
    j.fold.at = UINT32_MAX;
    compute_liveness(&j);
    if (loops_on_itself(&j) && !choose_pins(&j))
        goto out;
    code_buffer_begin(&js->code, &j.b);
    x86_emit_block_entry(&j);
    if (j.pin_mask)
        emit_loop_head(&j);
    result = JIT_UNSUPPORTED;
    for (uint32_t i = 0; i < ir->ninsns && !j.failed; i++) {
        j.cur = i;
        if (!lower(&j, &ir->insns[i]))
            goto out;
        if (!j.unreachable)
            x86_fix_pins(&j);
        x86_release_dead(&j);
    }
    /* a block must end in an exit; one that falls off the end is not ours */
    if (j.failed || !j.unreachable)
        goto out;
    x86_emit_entry_stub(&j);
    x86_emit_fault_stubs(&j);
    x86_emit_tlb_stubs(&j);
    x86_emit_fp_stubs(&j);
    if (j.b.overflow) {
        result = JIT_FULL;
        goto out;
    }
    if (!resolve_labels(&j))
        goto out;
    result = finish_block(&j, tb);
out:
    free(j.ts);
    free(j.last_use);
    free(j.label_pos);
    free(j.label_refs);
    free(j.stubs);
    free(j.tlb_stubs);
    free(j.fp_stubs);
    free(j.faults);
    free(j.dirty);
    free(j.pin);
    free(j.pin_written);
    return result;
}
