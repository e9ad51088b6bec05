/*
 * The IR interpreter: the reference engine that the JIT and AOT engines are
 * checked against.
 *
 * interp_compile() lowers an IrBlock into a flat array of InterpInsn whose
 * operands are byte offsets from the CPU pointer: globals at their CPU-state
 * offset, other temps in CpuCommon.frame. One operand form for both keeps
 * dispatch to a single load per operand. Constants are copied into the frame
 * at block entry; labels become instruction indices.
 *
 * The value semantics of pure ops come from ir-eval.h (shared with the
 * constant folder); the dispatch switch is generated from ir-ops.def.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ir/ir-eval.h"
#include "polyvm/engine.h"

typedef struct InterpInsn {
    uint16_t op;
    uint8_t type;
    uint8_t nin;
    uint32_t arg[IR_MAX_ARGS];   /* byte offsets from the CPU pointer; outputs first */
    uint64_t c[IR_MAX_CONSTS];   /* constants; branch labels resolved to insn indices */
} InterpInsn;

typedef struct InterpConst {
    uint32_t offset;
    uint64_t value;
} InterpConst;

struct InterpCode {
    uint32_t ninsns, nconsts;
    InterpConst *consts;
    InterpInsn insns[];
};

static uint32_t operand_offset(const IrBlock *ir, IrTemp t)
{
    const IrTempInfo *ti = &ir->temps[t];
    if (ti->kind == IR_TEMP_GLOBAL)
        return ti->offset;
    return (uint32_t)(offsetof(CpuCommon, frame) + 8 * t);
}

InterpCode *interp_compile(const IrBlock *ir)
{
    InterpCode *code = calloc(1, sizeof(InterpCode) + ir->ninsns * sizeof(InterpInsn));
    uint32_t *label_pos = calloc(ir->nlabels + 1, sizeof(uint32_t));
    uint32_t nconsts = 0;
    for (uint32_t t = ir->nglobals; t < ir->ntemps; t++)
        nconsts += ir->temps[t].kind == IR_TEMP_CONST;
    InterpConst *consts = calloc(nconsts + 1, sizeof(InterpConst));
    if (!code || !label_pos || !consts) {
        free(code);
        free(label_pos);
        free(consts);
        return NULL;
    }
    code->consts = consts;
    for (uint32_t t = ir->nglobals; t < ir->ntemps; t++) {
        if (ir->temps[t].kind == IR_TEMP_CONST) {
            consts[code->nconsts].offset = operand_offset(ir, t);
            consts[code->nconsts].value = ir->temps[t].value;
            code->nconsts++;
        }
    }

    /* set_label emits nothing: a label is the index of the next real insn */
    uint32_t n = 0;
    for (uint32_t i = 0; i < ir->ninsns; i++) {
        const IrInsn *in = &ir->insns[i];
        if (in->op == IR_OP_set_label) {
            label_pos[in->c[0]] = n;
            continue;
        }
        InterpInsn *out = &code->insns[n++];
        out->op = in->op;
        out->type = in->type;
        out->nin = in->nin;
        for (unsigned k = 0; k < (unsigned)in->nout + in->nin; k++)
            out->arg[k] = operand_offset(ir, in->args[k]);
        /* ops without an output keep inputs at arg[1..] so every op reads
         * its first input from the same place */
        if (in->nout == 0) {
            memmove(&out->arg[1], &out->arg[0], sizeof(uint32_t) * in->nin);
            out->arg[0] = 0;
        }
        memcpy(out->c, in->c, sizeof(out->c));
    }
    code->ninsns = n;
    for (uint32_t i = 0; i < n; i++) {
        InterpInsn *in = &code->insns[i];
        if (in->op == IR_OP_br)
            in->c[0] = label_pos[in->c[0]];
        else if (in->op == IR_OP_brcond)
            in->c[1] = label_pos[in->c[1]];
    }
    free(label_pos);
    return code;
}

void interp_free(InterpCode *code)
{
    if (!code)
        return;
    free(code->consts);
    free(code);
}

#define SLOT(off) (*(uint64_t *)(base + (off)))

static inline uint64_t load_env(const char *base, uint64_t off, unsigned size_log2)
{
    switch (size_log2) {
    case 0: return *(const uint8_t *)(base + off);
    case 1: return *(const uint16_t *)(base + off);
    case 2: return *(const uint32_t *)(base + off);
    default: return *(const uint64_t *)(base + off);
    }
}

static inline void store_env(char *base, uint64_t off, unsigned size_log2, uint64_t v)
{
    switch (size_log2) {
    case 0: *(uint8_t *)(base + off) = (uint8_t)v; break;
    case 1: *(uint16_t *)(base + off) = (uint16_t)v; break;
    case 2: *(uint32_t *)(base + off) = (uint32_t)v; break;
    default: *(uint64_t *)(base + off) = v; break;
    }
}

static inline void gather_inputs(const char *base, const InterpInsn *in, uint64_t *v, unsigned n)
{
    for (unsigned k = 0; k < n && k < 4; k++)
        v[k] = SLOT(in->arg[1 + k]);
}

EngineExit interp_exec(CpuCommon *cpu, const InterpCode *code)
{
    char *base = (char *)cpu;
    for (uint32_t i = 0; i < code->nconsts; i++)
        SLOT(code->consts[i].offset) = code->consts[i].value;

    const InterpInsn *insns = code->insns;
    uint32_t ip = 0;
    for (;;) {
        const InterpInsn *in = &insns[ip++];
        const IrType type = (IrType)in->type;
        switch ((IrOpcode)in->op) {
        /* Pure ops: one case each, generated from the table; the constant
         * op and input count let the compiler specialise ir_eval_pure_inline. */
#define DEF(name, nout, nin, nconst, flags)                                           \
        case IR_OP_##name:                                                            \
            if (((flags) & IR_F_PURE) && (nin) <= 4) {                                \
                uint64_t v[4] = {0, 0, 0, 0};                                         \
                gather_inputs(base, in, v, (nin));                                    \
                SLOT(in->arg[0]) = ir_eval_pure_inline(IR_OP_##name, type, v, in->c); \
                break;                                                                \
            }                                                                         \
            goto special;
#include "ir/ir-ops.def"
#undef DEF
        default:
            goto special;
        }
        continue;

    special:
        switch ((IrOpcode)in->op) {
        case IR_OP_set_label:
            break;
        case IR_OP_br:
            ip = (uint32_t)in->c[0];
            break;
        case IR_OP_brcond:
            if (ir_cond_eval((IrCond)in->c[0], type, SLOT(in->arg[1]), SLOT(in->arg[2])))
                ip = (uint32_t)in->c[1];
            break;
        case IR_OP_ld:
            SLOT(in->arg[0]) = cpu_ld(cpu, SLOT(in->arg[1]), (IrMemOp)in->c[0], type);
            break;
        case IR_OP_st:
            cpu_st(cpu, SLOT(in->arg[2]), SLOT(in->arg[1]), (IrMemOp)in->c[0]);
            break;
        case IR_OP_atomic_rmw:
            SLOT(in->arg[0]) = cpu_atomic_rmw(cpu, SLOT(in->arg[2]), SLOT(in->arg[1]), (IrMemOp)in->c[0],
                                              (IrAtomicOp)in->c[1], type);
            break;
        case IR_OP_cmpxchg:
            SLOT(in->arg[0]) = cpu_cmpxchg(cpu, SLOT(in->arg[3]), SLOT(in->arg[1]), SLOT(in->arg[2]),
                                           (IrMemOp)in->c[0], type);
            break;
        case IR_OP_ld_env:
            SLOT(in->arg[0]) = load_env(base, in->c[0], (unsigned)in->c[1]) & ir_type_mask(type);
            break;
        case IR_OP_st_env:
            store_env(base, in->c[0], (unsigned)in->c[1], SLOT(in->arg[1]));
            break;
        case IR_OP_call: {
            const IrHelper *h = (const IrHelper *)(uintptr_t)in->c[0];
            uint64_t args[IR_MAX_CALL_ARGS] = {0};
            for (unsigned k = 0; k < in->nin && k < IR_MAX_CALL_ARGS; k++)
                args[k] = SLOT(in->arg[1 + k]);
            uint64_t r = ir_helper_invoke(h, cpu, args);
            if (h->flags & IR_HELPER_HAS_RESULT)
                SLOT(in->arg[0]) = r & ir_type_mask(type);
            break;
        }
        case IR_OP_insn_start:
            cpu->insn_pc = in->c[0];
            break;
        case IR_OP_goto_tb:
            cpu->pc = in->c[1];
            return ENGINE_EXIT_NEXT;
        case IR_OP_exit_indirect:
            cpu->pc = SLOT(in->arg[1]);
            return ENGINE_EXIT_NEXT;
        case IR_OP_raise:
            cpu->pc = cpu->insn_pc;
            cpu->exception = (int32_t)in->c[0];
            cpu->exception_aux = in->c[1];
            return ENGINE_EXIT_EXCEPTION;
        default:
            /* the verifier admits no other op: reaching here is a polyvm bug */
            cpu->pc = cpu->insn_pc;
            cpu->exception = CPU_EXCP_ILLEGAL;
            cpu->exception_aux = 0;
            return ENGINE_EXIT_EXCEPTION;
        }
    }
}
