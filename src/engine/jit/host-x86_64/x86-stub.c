/*
 * The frame of an out-of-line slow path ("stub") that calls C from the
 * middle of a block and comes back: the soft-TLB miss (x86-softmmu.c) and
 * the host-FPU fallback (x86-hostfp.c). The stub is emitted after the
 * block's body; the allocator's state is the same on both paths because
 * the stub preserves every register it does not define and rebuilds the
 * xmm copies (x86-xmm.c) from them.
 */
#include "engine/jit/host-x86_64/x86-jit.h"

uint16_t x86_live_clobbered(const X86Jit *j, uint16_t extra)
{
    uint16_t live = j->pin_mask | extra;
    for (unsigned r = 0; r < 16; r++)
        if (j->reg_temp[r] >= 0)
            live |= (uint16_t)(1u << r);
    return live & X86_CALL_CLOBBERED;
}

unsigned x86_stub_begin(X86Jit *j, uint8_t *jcc, X86DirtyRange dirty, uint16_t save)
{
    if (jcc)
        x86_patch_rel32(&j->b, jcc, jit_buf_exec_addr(&j->b, j->b.p));
    /* a fault raised by the call then sees current guest registers; the
     * main path still counts them as dirty */
    for (uint32_t k = dirty.first; k < dirty.first + dirty.count; k++)
        x86_store(&j->b, 8, x86_cpu_mem(j->dirty[k].offset), (X86Reg)j->dirty[k].host_reg);
    unsigned pushed = 0;
    for (unsigned r = 0; r < 16; r++)
        if (save & (1u << r)) {
            x86_push(&j->b, (X86Reg)r);
            pushed++;
        }
    if (pushed & 1)   /* calls need rsp 16-byte aligned */
        x86_alu_ri(&j->b, X86_ALUI_SUB, true, X86_RSP, 8);
    return pushed;
}

void x86_stub_end(X86Jit *j, uint16_t save, unsigned pushed, const X86XmmSnap *xmm, uint8_t *cont)
{
    if (pushed & 1)
        x86_alu_ri(&j->b, X86_ALUI_ADD, true, X86_RSP, 8);
    for (int r = 15; r >= 0; r--)
        if (save & (1u << r))
            x86_pop(&j->b, (X86Reg)r);
    x86_xmm_reload(j, xmm);   /* the call clobbered them; the registers are back */
    uint8_t *back = x86_jmp_rel32(&j->b);
    x86_patch_rel32(&j->b, back, jit_buf_exec_addr(&j->b, cont));
}
