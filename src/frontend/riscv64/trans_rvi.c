/*
 * RV64I base integer instructions: the trans_* functions insn32.def names
 * in its RV64I section (compressed forms reuse them through insn16.def).
 *
 * Control transfers end the block: direct targets leave through goto_tb
 * (slot 0 taken, slot 1 fall-through) so the code cache can chain them,
 * jalr through exit_indirect. ecall/ebreak raise the guest exception and the
 * runner handles it with cpu->pc at the instruction.
 */
#include "rv-gen.h"

static void end_block(RvContext *ctx) { ctx->base.is_jmp = DISAS_NORETURN; }

static bool gen_branch(RvContext *ctx, const RvArgs *a, IrCond cond)
{
    IrBlock *b = rv_ir(ctx);
    IrLabel taken = ir_label_new(b);
    ir_brcond(b, cond, rv_get_gpr(ctx, a->rs1), rv_get_gpr(ctx, a->rs2), taken);
    rv_gen_goto(ctx, 1, rv_next_pc(ctx));
    ir_set_label(b, taken);
    rv_gen_goto(ctx, 0, rv_pc(ctx) + (uint64_t)a->imm);
    end_block(ctx);
    return true;
}

/* the load runs even for rd = x0: it may fault */
static bool gen_load(RvContext *ctx, const RvArgs *a, unsigned size_log2, unsigned flags)
{
    IrTemp addr = rv_addr(ctx, a->rs1, a->imm);
    ir_ld(rv_ir(ctx), rv_dest(ctx, a->rd), addr, rv_memop(ctx, size_log2, flags));
    return true;
}

static bool gen_store(RvContext *ctx, const RvArgs *a, unsigned size_log2)
{
    IrTemp addr = rv_addr(ctx, a->rs1, a->imm);
    ir_st(rv_ir(ctx), rv_get_gpr(ctx, a->rs2), addr, rv_memop(ctx, size_log2, 0));
    return true;
}

/* set-less-than as binary ops, so slt/slti share gen_arith's shape */
static void op_slt(IrBlock *b, IrTemp out, IrTemp x, IrTemp y) { ir_setcond(b, IR_COND_LT, out, x, y); }
static void op_sltu(IrBlock *b, IrTemp out, IrTemp x, IrTemp y) { ir_setcond(b, IR_COND_LTU, out, x, y); }

bool trans_lui(RvContext *ctx, const RvArgs *a)
{
    rv_set_gpr(ctx, a->rd, rv_imm(ctx, a->imm));
    return true;
}

bool trans_auipc(RvContext *ctx, const RvArgs *a)
{
    rv_set_gpr(ctx, a->rd, rv_imm(ctx, (int64_t)(rv_pc(ctx) + (uint64_t)a->imm)));
    return true;
}

bool trans_jal(RvContext *ctx, const RvArgs *a)
{
    rv_set_gpr(ctx, a->rd, rv_imm(ctx, (int64_t)rv_next_pc(ctx)));
    rv_gen_goto(ctx, 0, rv_pc(ctx) + (uint64_t)a->imm);
    end_block(ctx);
    return true;
}

bool trans_jalr(RvContext *ctx, const RvArgs *a)
{
    /* the target is taken before rd is written: rd may be rs1 */
    IrTemp target = rv_tmp64(ctx);
    ir_and(rv_ir(ctx), target, rv_addr(ctx, a->rs1, a->imm), rv_imm(ctx, -2));
    rv_set_gpr(ctx, a->rd, rv_imm(ctx, (int64_t)rv_next_pc(ctx)));
    ir_exit_indirect(rv_ir(ctx), target);
    end_block(ctx);
    return true;
}

bool trans_beq(RvContext *ctx, const RvArgs *a) { return gen_branch(ctx, a, IR_COND_EQ); }
bool trans_bne(RvContext *ctx, const RvArgs *a) { return gen_branch(ctx, a, IR_COND_NE); }
bool trans_blt(RvContext *ctx, const RvArgs *a) { return gen_branch(ctx, a, IR_COND_LT); }
bool trans_bge(RvContext *ctx, const RvArgs *a) { return gen_branch(ctx, a, IR_COND_GE); }
bool trans_bltu(RvContext *ctx, const RvArgs *a) { return gen_branch(ctx, a, IR_COND_LTU); }
bool trans_bgeu(RvContext *ctx, const RvArgs *a) { return gen_branch(ctx, a, IR_COND_GEU); }

bool trans_lb(RvContext *ctx, const RvArgs *a) { return gen_load(ctx, a, IR_MO_8, IR_MO_SIGN); }
bool trans_lh(RvContext *ctx, const RvArgs *a) { return gen_load(ctx, a, IR_MO_16, IR_MO_SIGN); }
bool trans_lw(RvContext *ctx, const RvArgs *a) { return gen_load(ctx, a, IR_MO_32, IR_MO_SIGN); }
bool trans_ld(RvContext *ctx, const RvArgs *a) { return gen_load(ctx, a, IR_MO_64, 0); }
bool trans_lbu(RvContext *ctx, const RvArgs *a) { return gen_load(ctx, a, IR_MO_8, 0); }
bool trans_lhu(RvContext *ctx, const RvArgs *a) { return gen_load(ctx, a, IR_MO_16, 0); }
bool trans_lwu(RvContext *ctx, const RvArgs *a) { return gen_load(ctx, a, IR_MO_32, 0); }

bool trans_sb(RvContext *ctx, const RvArgs *a) { return gen_store(ctx, a, IR_MO_8); }
bool trans_sh(RvContext *ctx, const RvArgs *a) { return gen_store(ctx, a, IR_MO_16); }
bool trans_sw(RvContext *ctx, const RvArgs *a) { return gen_store(ctx, a, IR_MO_32); }
bool trans_sd(RvContext *ctx, const RvArgs *a) { return gen_store(ctx, a, IR_MO_64); }

bool trans_addi(RvContext *ctx, const RvArgs *a) { return gen_arith_imm(ctx, a, RV_X, ir_add); }
bool trans_slti(RvContext *ctx, const RvArgs *a) { return gen_arith_imm(ctx, a, RV_X, op_slt); }
bool trans_sltiu(RvContext *ctx, const RvArgs *a) { return gen_arith_imm(ctx, a, RV_X, op_sltu); }
bool trans_xori(RvContext *ctx, const RvArgs *a) { return gen_arith_imm(ctx, a, RV_X, ir_xor); }
bool trans_ori(RvContext *ctx, const RvArgs *a) { return gen_arith_imm(ctx, a, RV_X, ir_or); }
bool trans_andi(RvContext *ctx, const RvArgs *a) { return gen_arith_imm(ctx, a, RV_X, ir_and); }
bool trans_slli(RvContext *ctx, const RvArgs *a) { return gen_shift_imm(ctx, a, RV_X, ir_shl); }
bool trans_srli(RvContext *ctx, const RvArgs *a) { return gen_shift_imm(ctx, a, RV_X, ir_shr); }
bool trans_srai(RvContext *ctx, const RvArgs *a) { return gen_shift_imm(ctx, a, RV_X, ir_sar); }

/* register shifts: the IR takes counts modulo the width, as RISC-V does */
bool trans_add(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_add); }
bool trans_sub(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_sub); }
bool trans_sll(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_shl); }
bool trans_slt(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, op_slt); }
bool trans_sltu(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, op_sltu); }
bool trans_xor(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_xor); }
bool trans_srl(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_shr); }
bool trans_sra(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_sar); }
bool trans_or(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_or); }
bool trans_and(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_X, ir_and); }

/* slliw's count is below 32, so the 64-bit shift has the right low word */
bool trans_addiw(RvContext *ctx, const RvArgs *a) { return gen_arith_imm(ctx, a, RV_LO32, ir_add); }
bool trans_slliw(RvContext *ctx, const RvArgs *a) { return gen_shift_imm(ctx, a, RV_LO32, ir_shl); }
bool trans_srliw(RvContext *ctx, const RvArgs *a) { return gen_shift_imm(ctx, a, RV_W32, ir_shr); }
bool trans_sraiw(RvContext *ctx, const RvArgs *a) { return gen_shift_imm(ctx, a, RV_W32, ir_sar); }
bool trans_addw(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_LO32, ir_add); }
bool trans_subw(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_LO32, ir_sub); }
bool trans_sllw(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_W32, ir_shl); }
bool trans_srlw(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_W32, ir_shr); }
bool trans_sraw(RvContext *ctx, const RvArgs *a) { return gen_arith(ctx, a, RV_W32, ir_sar); }

bool trans_fence(RvContext *ctx, const RvArgs *a)
{
    /* Guest memory is host memory and the IR's atomics are sequentially
     * consistent; plain accesses of one vCPU need no barrier. Multi-vCPU
     * system mode will need a host fence here. */
    (void)ctx;
    (void)a;
    return true;
}

bool trans_ecall(RvContext *ctx, const RvArgs *a)
{
    (void)a;
    ir_raise(rv_ir(ctx), CPU_EXCP_SYSCALL, 0);
    end_block(ctx);
    return true;
}

bool trans_ebreak(RvContext *ctx, const RvArgs *a)
{
    (void)a;
    ir_raise(rv_ir(ctx), CPU_EXCP_BREAKPOINT, 0);
    end_block(ctx);
    return true;
}
