/*
 * System-mode guest loads and stores: the soft-TLB probe inlined in the
 * block, with the miss path (page walk, MMIO, code-page writes, faults) in
 * an out-of-line stub that calls cpu_ld/cpu_st. docs/jit.md describes the
 * form; x86-lower.c sends every plain load and store of a softmmu block here.
 *
 * Fast path of a load of `size` bytes from guest address a, MMU index m:
 *     mov i, a ; shr i, 12 ; and i, TLB_SIZE-1 ; shl i, 5
 *     lea c, [a + size-1] ; and c, ~0xfff     ; the page of the last byte
 *     cmp c, [cpu + tlb.e[m] + i].addr_read    ; page-crossing accesses miss
 *     jne stub
 *     mov c, [cpu + tlb.e[m] + i].addend
 *     mov r, [c + a]
 *   cont:
 * The stub stores the dirty guest registers (so a fault it raises is
 * precise), saves the call-clobbered registers holding values, calls the
 * accessor, and comes back to cont with the result in r. The allocator's
 * state is the same on both paths, because the stub changes nothing it
 * knows about.
 */
#include <stdlib.h>

#include "engine/jit/host-x86_64/x86-jit.h"

_Static_assert(sizeof(TlbEntry) == 32, "soft-TLB index scaling");

static int32_t tlb_field(unsigned mmu, size_t field)
{
    size_t off = offsetof(CpuCommon, tlb) + offsetof(SoftTlb, e) + (size_t)mmu * TLB_SIZE * sizeof(TlbEntry) + field;
    return (int32_t)off - X86_CPU_BIAS;
}

static bool add_stub(X86Jit *j, const X86TlbStub *s)
{
    if (!X86_ROOM(j, j->tlb_stubs, j->ntlb_stubs, j->cap_tlb_stubs))
        return false;
    j->tlb_stubs[j->ntlb_stubs++] = *s;
    return true;
}

/* Two scratch registers for the probe, locked for this insn. Taken before
 * the dirty globals are noted: taking one may evict (and so move) a value. */
static void probe_regs(X86Jit *j, X86Reg *i, X86Reg *c)
{
    *i = x86_alloc_reg(j, 0);
    j->locked |= (uint16_t)(1u << *i);
    *c = x86_alloc_reg(j, 0);
    j->locked |= (uint16_t)(1u << *c);
}

/* The probe up to the branch to the stub; leaves the host address base in c. */
static uint8_t *emit_probe(X86Jit *j, X86Reg a, X86Reg i, X86Reg c, unsigned size, unsigned mmu, size_t tag)
{
    x86_rr(&j->b, X86_OP_MOV, true, i, a);
    x86_shift_ri(&j->b, X86_SH_SHR, true, i, TLB_PAGE_BITS);
    x86_alu_ri(&j->b, X86_ALUI_AND, false, i, TLB_SIZE - 1);
    x86_shift_ri(&j->b, X86_SH_SHL, false, i, 5);
    x86_rm(&j->b, X86_OP_LEA, true, c, x86_mem(a, (int32_t)size - 1));
    x86_alu_ri(&j->b, X86_ALUI_AND, true, c, (int32_t)TLB_PAGE_MASK);
    x86_rm(&j->b, X86_OP_CMP, true, c, x86_mem_idx(X86_CPU_REG, i, tlb_field(mmu, tag)));
    uint8_t *jcc = x86_jcc_rel32(&j->b, X86_CC_NE);
    x86_rm(&j->b, X86_OP_MOV, true, c, x86_mem_idx(X86_CPU_REG, i, tlb_field(mmu, offsetof(TlbEntry, addend))));
    return jcc;
}

void x86_lower_tlb_load(X86Jit *j, IrTemp out, IrTemp addr, IrMemOp mo, IrType type)
{
    unsigned size = ir_memop_size(mo), mmu = ir_memop_mmu(mo) & (TLB_MMU_COUNT - 1);
    X86Reg a = x86_use(j, addr, 0), i, c;
    probe_regs(j, &i, &c);
    X86DirtyRange dirty = x86_note_dirty_globals(j);
    X86Reg r = x86_def(j, out, 0);
    X86TlbStub s = {.jcc = emit_probe(j, a, i, c, size, mmu, offsetof(TlbEntry, addr_read)),
                    .guest_pc = j->insn_pc, .mo = mo, .type = type, .addr_reg = (int8_t)a,
                    .value_reg = (int8_t)r, .dirty = dirty};
    x86_emit_guest_load(j, r, x86_mem_idx(c, a, 0), mo, type);
    s.cont = j->b.p;
    s.save = x86_live_clobbered(j, (uint16_t)(1u << a)) & (uint16_t)~(1u << r);
    x86_xmm_snapshot(j, &s.xmm);
    add_stub(j, &s);
}

void x86_lower_tlb_store(X86Jit *j, IrTemp val, IrTemp addr, IrMemOp mo)
{
    unsigned size = ir_memop_size(mo), mmu = ir_memop_mmu(mo) & (TLB_MMU_COUNT - 1);
    int32_t imm = 0;
    bool use_imm = x86_store_imm_operand(j, val, size, &imm);
    X86Reg v = use_imm ? X86_NOREG : x86_use(j, val, 0);
    X86Reg a = x86_use(j, addr, 0), i, c;
    probe_regs(j, &i, &c);
    X86DirtyRange dirty = x86_note_dirty_globals(j);
    X86TlbStub s = {.jcc = emit_probe(j, a, i, c, size, mmu, offsetof(TlbEntry, addr_write)),
                    .guest_pc = j->insn_pc, .mo = mo, .is_store = true, .addr_reg = (int8_t)a,
                    .value_reg = (int8_t)v, .imm = imm, .dirty = dirty};
    x86_emit_guest_store(j, x86_mem_idx(c, a, 0), size, v, imm);
    s.cont = j->b.p;
    s.save = x86_live_clobbered(j, (uint16_t)(1u << a | (v != X86_NOREG ? 1u << v : 0)));
    x86_xmm_snapshot(j, &s.xmm);
    add_stub(j, &s);
}

/* rsi = address, rdx = value (stores), whichever order keeps both */
static void load_args(X86Jit *j, const X86TlbStub *s)
{
    X86Reg a = (X86Reg)s->addr_reg, v = (X86Reg)s->value_reg;
    if (!s->is_store || v == X86_NOREG) {
        if (a != X86_RSI)
            x86_rr(&j->b, X86_OP_MOV, true, X86_RSI, a);
        if (s->is_store)
            x86_mov_ri(&j->b, true, X86_RDX, (uint64_t)(int64_t)s->imm);
        return;
    }
    if (v == X86_RSI && a == X86_RDX) {
        /* swapped: rax is free until the stub loads insn_pc into it */
        x86_rr(&j->b, X86_OP_MOV, true, X86_RAX, X86_RSI);
        x86_rr(&j->b, X86_OP_MOV, true, X86_RSI, X86_RDX);
        x86_rr(&j->b, X86_OP_MOV, true, X86_RDX, X86_RAX);
        return;
    }
    if (v == X86_RSI) {
        x86_rr(&j->b, X86_OP_MOV, true, X86_RDX, v);
        x86_rr(&j->b, X86_OP_MOV, true, X86_RSI, a);
    } else {
        if (a != X86_RSI)
            x86_rr(&j->b, X86_OP_MOV, true, X86_RSI, a);
        if (v != X86_RDX)
            x86_rr(&j->b, X86_OP_MOV, true, X86_RDX, v);
    }
}

static void emit_stub(X86Jit *j, const X86TlbStub *s)
{
    unsigned pushed = x86_stub_begin(j, s->jcc, s->dirty, s->save);
    load_args(j, s);
    x86_mov_ri(&j->b, true, X86_RAX, s->guest_pc);
    x86_store(&j->b, 8, x86_cpu_mem(offsetof(CpuCommon, insn_pc)), X86_RAX);
    x86_rm(&j->b, X86_OP_LEA, true, X86_RDI, x86_mem(X86_CPU_REG, -X86_CPU_BIAS));
    if (s->is_store) {
        x86_mov_ri(&j->b, false, X86_RCX, s->mo);
        x86_call_abs(&j->b, (uintptr_t)cpu_st, X86_RAX);
    } else {
        x86_mov_ri(&j->b, false, X86_RDX, s->mo);
        x86_mov_ri(&j->b, false, X86_RCX, s->type);
        x86_call_abs(&j->b, (uintptr_t)cpu_ld, X86_RAX);
        x86_rr(&j->b, X86_OP_MOV, s->type == IR_I64, (X86Reg)s->value_reg, X86_RAX);
    }
    x86_stub_end(j, s->save, pushed, &s->xmm, s->cont);
}

void x86_emit_tlb_stubs(X86Jit *j)
{
    for (uint32_t k = 0; k < j->ntlb_stubs; k++)
        emit_stub(j, &j->tlb_stubs[k]);
}
