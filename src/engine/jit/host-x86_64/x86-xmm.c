/*
 * The xmm copy cache: the host-FPU fast path (x86-hostfp.c) keeps a copy
 * of each binary64 value it reads or computes in an xmm register, so a
 * chain of FP ops moves each value into the SSE unit once instead of at
 * every use. The general-purpose register stays the value's one true
 * place (everything else in the JIT reads it there); an xmm register is
 * only a second copy, and a copy is dropped the moment it could differ:
 *   - a temp's copy lives only while the temp sits in a host register
 *     (x86_xmm_forget from drop_reg), so a stub can rebuild it from there;
 *   - defining a temp drops its copy (x86_def and friends);
 *   - a C call, which clobbers every xmm register, or a label, where paths
 *     with different copies meet, drops them all (x86_xmm_clear).
 * Out-of-line stubs call C and come back: they take a snapshot of the
 * copies (x86_xmm_snapshot) when they are recorded and rebuild them from
 * the registers before jumping back (x86_xmm_reload, in x86_stub_end).
 */
#include "engine/jit/host-x86_64/x86-jit.h"

void x86_xmm_forget(X86Jit *j, IrTemp t)
{
    int x = j->ts[t].xmm;
    if (x < 0)
        return;
    j->xmm_temp[x] = -1;
    j->ts[t].xmm = -1;
}

void x86_xmm_clear(X86Jit *j)
{
    for (unsigned x = 0; x < 16; x++)
        if (j->xmm_temp[x] >= 0)
            x86_xmm_forget(j, (IrTemp)j->xmm_temp[x]);
}

unsigned x86_xmm_alloc(X86Jit *j, uint16_t avoid)
{
    /* a free one, else the copy used longest ago: dropping a copy costs
     * nothing but a movq if the value is wanted again */
    int best = -1;
    for (unsigned x = 0; x < 16; x++) {
        if (avoid & (1u << x))
            continue;
        if (j->xmm_temp[x] < 0)
            return x;
        if (best < 0 || j->xmm_stamp[x] < j->xmm_stamp[best])
            best = (int)x;
    }
    x86_xmm_forget(j, (IrTemp)j->xmm_temp[best]);
    return (unsigned)best;
}

void x86_xmm_bind(X86Jit *j, IrTemp t, unsigned x)
{
    x86_xmm_forget(j, t);
    j->xmm_temp[x] = (int16_t)t;
    j->xmm_stamp[x] = j->cur;
    j->ts[t].xmm = (int8_t)x;
}

unsigned x86_xmm_use(X86Jit *j, IrTemp t, X86Reg r, uint16_t avoid)
{
    int x = j->ts[t].xmm;
    if (x >= 0) {
        j->xmm_stamp[x] = j->cur;
        return (unsigned)x;
    }
    unsigned n = x86_xmm_alloc(j, avoid);
    x86_movq_to_xmm(&j->b, n, r);
    x86_xmm_bind(j, t, n);
    return n;
}

void x86_xmm_snapshot(const X86Jit *j, X86XmmSnap *snap)
{
    for (unsigned x = 0; x < 16; x++) {
        int t = j->xmm_temp[x];
        snap->src[x] = t >= 0 ? j->ts[t].reg : X86_NOREG;
    }
}

void x86_xmm_reload(X86Jit *j, const X86XmmSnap *snap)
{
    for (unsigned x = 0; x < 16; x++)
        if (snap->src[x] != X86_NOREG)
            x86_movq_to_xmm(&j->b, x, (X86Reg)snap->src[x]);
}
