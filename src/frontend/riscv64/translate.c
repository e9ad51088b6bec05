/*
 * RISC-V64 front end glue: register globals, the FrontendOps table the
 * generic translator loop drives, and the small gen_* helpers every trans
 * file uses (register access, immediates, illegal instruction, block exit).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "polyvm/engine.h"
#include "rv-system.h"
#include "rv-translate.h"

IrGlobals rv_globals;
IrTemp rv_gpr[32];
IrTemp rv_fpr[32];

static const char *const gpr_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};
static const char *const fpr_names[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
    "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

static void globals_init_once(void)
{
    for (unsigned i = 0; i < 32; i++)
        rv_gpr[i] = ir_globals_add(&rv_globals, IR_I64, RV_CPU_OFFSET(x[i]), gpr_names[i]);
    for (unsigned i = 0; i < 32; i++)
        rv_fpr[i] = ir_globals_add(&rv_globals, IR_I64, RV_CPU_OFFSET(f[i]), fpr_names[i]);
}

void rv_globals_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, globals_init_once);
}

IrTemp rv_get_gpr(RvContext *ctx, unsigned reg)
{
    return reg == 0 ? ir_const64(rv_ir(ctx), 0) : rv_gpr[reg];
}

void rv_set_gpr(RvContext *ctx, unsigned reg, IrTemp v)
{
    if (reg != 0)
        ir_mov(rv_ir(ctx), rv_gpr[reg], v);
}

IrTemp rv_tmp64(RvContext *ctx) { return ir_temp_new(rv_ir(ctx), IR_I64); }
IrTemp rv_tmp32(RvContext *ctx) { return ir_temp_new(rv_ir(ctx), IR_I32); }
IrTemp rv_imm(RvContext *ctx, int64_t v) { return ir_const64(rv_ir(ctx), (uint64_t)v); }

IrTemp rv_addr(RvContext *ctx, unsigned rs1, int64_t imm)
{
    if (imm == 0)
        return rv_get_gpr(ctx, rs1);
    IrTemp t = rv_tmp64(ctx);
    ir_add(rv_ir(ctx), t, rv_get_gpr(ctx, rs1), rv_imm(ctx, imm));
    return t;
}

bool rv_gen_illegal(RvContext *ctx)
{
    ir_raise(rv_ir(ctx), CPU_EXCP_ILLEGAL, ctx->opcode);
    ctx->base.is_jmp = DISAS_NORETURN;
    return true;
}

void rv_gen_goto(RvContext *ctx, unsigned slot, uint64_t target)
{
    ir_goto_tb(rv_ir(ctx), slot, target);
}

void rv_gen_call(RvContext *ctx, const IrHelper *h, IrTemp out, unsigned nargs, ...)
{
    IrTemp args[IR_MAX_CALL_ARGS];
    va_list ap;
    va_start(ap, nargs);
    for (unsigned i = 0; i < nargs && i < IR_MAX_CALL_ARGS; i++)
        args[i] = va_arg(ap, IrTemp);
    va_end(ap);
    ir_call(rv_ir(ctx), h, out, args, nargs);
}

static void rv_init_ctx(DisasContextBase *base, CpuCommon *cpu)
{
    RvContext *ctx = (RvContext *)base;
    ctx->cpu = (RvCpu *)cpu;
    ctx->system = ctx->cpu->sys != NULL;
    if (ctx->system) {
        ctx->mem_idx = (cpu->tb_flags & RV_TBF_DATA_MASK) >> RV_TBF_DATA_SHIFT;
        ctx->fs_off = (cpu->tb_flags & RV_TBF_FS_OFF) != 0;
    }
}

static bool rv_translate_insn(DisasContextBase *base)
{
    RvContext *ctx = (RvContext *)base;
    uint16_t lo;
    if (!cpu_fetch_code(base->cpu, base->pc_next, &lo, 2))
        return false;
    uint32_t insn = lo;
    unsigned len = 2;
    if ((lo & 3) == 3) {
        uint16_t hi;
        if (!cpu_fetch_code(base->cpu, base->pc_next + 2, &hi, 2))
            return false;
        insn |= (uint32_t)hi << 16;
        len = 4;
    }
    ctx->opcode = insn;
    ctx->insn_len = len;
    rv_decode_and_translate(ctx, insn, len);
    base->pc_next += len;
    return true;
}

static void rv_tb_stop(DisasContextBase *base)
{
    if (base->is_jmp != DISAS_NORETURN)
        ir_goto_tb(base->ir, 0, base->pc_next);
}

static unsigned rv_disas(CpuCommon *cpu, uint64_t pc, char *buf, unsigned buflen)
{
    uint16_t lo = 0, hi = 0;
    if (!cpu_fetch_code(cpu, pc, &lo, 2)) {
        snprintf(buf, buflen, "<unmapped>");
        return 2;
    }
    uint32_t insn = lo;
    unsigned len = 2;
    if ((lo & 3) == 3 && cpu_fetch_code(cpu, pc + 2, &hi, 2)) {
        insn |= (uint32_t)hi << 16;
        len = 4;
    }
    RvArgs a;
    const char *name = rv_decode_name(insn, len, &a);
    if (len == 4)
        snprintf(buf, buflen, "%08x  %s", insn, name ? name : "<illegal>");
    else
        snprintf(buf, buflen, "%04x      %s", insn, name ? name : "<illegal>");
    return len;
}

const FrontendOps rv64_frontend = {
    .name = "riscv64",
    .globals = &rv_globals,
    .ctx_size = sizeof(RvContext),
    .min_insn_bytes = 2,
    .init_ctx = rv_init_ctx,
    .translate_insn = rv_translate_insn,
    .tb_stop = rv_tb_stop,
    .tlb_fill = rv_tlb_fill,   /* called only in system mode (cpu->phys set) */
    .disas = rv_disas,
};

RvCpu *rv_cpu_new(GuestMem *mem)
{
    rv_globals_init();
    rv_decode_init();
    RvCpu *cpu = calloc(1, sizeof(*cpu));
    if (!cpu)
        return NULL;
    cpu->common.mem = mem;
    cpu->common.fe = &rv64_frontend;
    cpu->common.engine = cpu_default_engine;
    cpu->reservation_addr = UINT64_MAX;
    return cpu;
}

void rv_cpu_free(RvCpu *cpu)
{
    if (!cpu)
        return;
    if (cpu->sys)
        rv_cpu_free_system(cpu);
    tb_cache_free(cpu->common.tbs);
    free(cpu);
}
