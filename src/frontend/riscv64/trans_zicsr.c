/*
 * Zicsr: csrrw/csrrs/csrrc and their immediate forms, for the user-level
 * CSRs listed in csr.c.
 *
 * Which accesses happen is decided from the encoding, as the spec says:
 * csrrw with rd = x0 does not read; csrrs/csrrc with rs1 = x0 (or a zero
 * immediate) do not write. So "csrr rd, cycle" is legal while a write to
 * cycle is an illegal instruction, decided here at translation time.
 * The access itself is a helper call; set/clear are IR ops between the read
 * and the write.
 *
 * In system mode the FPU CSRs keep that path (illegal while mstatus.FS is
 * Off) and every other CSR goes to rv_helper_csr, which applies the
 * privileged rules of rv-priv.c at run time; a write ends the block, since
 * it may change the mode, interrupts or address translation.
 */
#include "rv-gen.h"
#include "rv-system.h"

typedef enum CsrOp { CSR_WRITE, CSR_SET, CSR_CLEAR } CsrOp;

static bool is_fpu_csr(unsigned num) { return num >= 0x001 && num <= 0x003; }

static bool gen_system_csr(RvContext *ctx, const RvArgs *a, CsrOp op, IrTemp src, bool writes)
{
    static const RvCsrOp ops[] = {[CSR_WRITE] = RV_CSR_RW, [CSR_SET] = RV_CSR_RS, [CSR_CLEAR] = RV_CSR_RC};
    IrTemp old = rv_tmp64(ctx);
    uint64_t desc = rv_csr_helper_desc(a->csr, ops[op], writes, ctx->opcode);
    rv_gen_call(ctx, &rv_helper_csr, old, 2, rv_imm(ctx, (int64_t)desc), src);
    rv_set_gpr(ctx, a->rd, old);
    if (writes)
        ctx->base.is_jmp = DISAS_TOO_MANY;   /* the block ends after it */
    return true;
}

/* src: the operand (register or zimm); src_is_x0: rs1 = x0 / zimm = 0 */
static bool gen_csr(RvContext *ctx, const RvArgs *a, CsrOp op, IrTemp src, bool src_is_x0)
{
    bool reads = op != CSR_WRITE || a->rd != 0;
    bool writes = op == CSR_WRITE || !src_is_x0;
    if (ctx->system && !is_fpu_csr(a->csr))
        return gen_system_csr(ctx, a, op, src, writes);
    if (ctx->fs_off)
        return false;
    const RvCsr *csr = rv_csr_find(a->csr);
    if (!csr || (writes && !csr->write))
        return false;

    IrBlock *b = rv_ir(ctx);
    IrTemp old = rv_tmp64(ctx);
    if (reads)
        rv_gen_call(ctx, csr->read, old, 0);
    if (writes) {
        IrTemp val = src;
        if (op != CSR_WRITE) {
            val = rv_tmp64(ctx);
            if (op == CSR_SET)
                ir_or(b, val, old, src);
            else
                ir_andc(b, val, old, src);
        }
        rv_gen_call(ctx, csr->write, IR_NO_TEMP, 1, val);
    }
    /* rd last: it may be the source register */
    if (reads)
        rv_set_gpr(ctx, a->rd, old);
    return true;
}

bool trans_csrrw(RvContext *ctx, const RvArgs *a)
{
    return gen_csr(ctx, a, CSR_WRITE, rv_get_gpr(ctx, a->rs1), a->rs1 == 0);
}

bool trans_csrrs(RvContext *ctx, const RvArgs *a)
{
    return gen_csr(ctx, a, CSR_SET, rv_get_gpr(ctx, a->rs1), a->rs1 == 0);
}

bool trans_csrrc(RvContext *ctx, const RvArgs *a)
{
    return gen_csr(ctx, a, CSR_CLEAR, rv_get_gpr(ctx, a->rs1), a->rs1 == 0);
}

bool trans_csrrwi(RvContext *ctx, const RvArgs *a)
{
    return gen_csr(ctx, a, CSR_WRITE, rv_imm(ctx, a->imm), a->imm == 0);
}

bool trans_csrrsi(RvContext *ctx, const RvArgs *a)
{
    return gen_csr(ctx, a, CSR_SET, rv_imm(ctx, a->imm), a->imm == 0);
}

bool trans_csrrci(RvContext *ctx, const RvArgs *a)
{
    return gen_csr(ctx, a, CSR_CLEAR, rv_imm(ctx, a->imm), a->imm == 0);
}
