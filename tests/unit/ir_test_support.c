/*
 * The IR tests' shared fixture, utilities, reference evaluator and random
 * generator (ir_test_support.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir_test_support.h"

IrGlobals globals;
IrTemp G[NGLOBALS];   /* a0..a3 */
static const char *const global_names[NGLOBALS] = {"a0", "a1", "a2", "a3"};

void init_globals(void)
{
    memset(&globals, 0, sizeof(globals));
    for (unsigned i = 0; i < NGLOBALS; i++)
        G[i] = ir_globals_add(&globals, IR_I64, (uint32_t)offsetof(TestCpu, g[i]), global_names[i]);
}

/* g0 = g0 * 5 + g1: reads and writes guest registers */
static uint64_t helper_bump(void *cpu)
{
    TestCpu *c = cpu;
    c->g[0] = c->g[0] * 5 + c->g[1];
    return 0;
}
static uint64_t helper_mix(void *cpu, uint64_t a, uint64_t b)
{
    (void)cpu;
    return (a * 3) ^ (b >> 1);
}
static void guest_fault(void);
/* faults when its argument is a multiple of 8 */
static uint64_t helper_trap(void *cpu, uint64_t a)
{
    (void)cpu;
    if ((a & 7) == 0)
        guest_fault();
    return 0;
}
static uint64_t helper_check(void *cpu, uint64_t a)
{
    (void)cpu;
    (void)a;
    return 0;
}
static uint64_t helper_six(void *cpu, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                           uint64_t e)
{
    (void)cpu;
    return a + b + c + d + e;
}

const IrHelper h_bump = {"bump", (void *)helper_bump, 0,
                                IR_HELPER_READS_GLOBALS | IR_HELPER_WRITES_GLOBALS, NULL};
const IrHelper h_mix = {"mix", (void *)helper_mix, 2, IR_HELPER_HAS_RESULT, NULL};
const IrHelper h_trap = {"trap", (void *)helper_trap, 1, IR_HELPER_CAN_FAULT, NULL};
const IrHelper h_reads = {"reads", (void *)helper_check, 1, IR_HELPER_READS_GLOBALS, NULL};
const IrHelper h_faults = {"faults", (void *)helper_check, 1, IR_HELPER_CAN_FAULT, NULL};
const IrHelper h_pure = {"pure", (void *)helper_check, 1, IR_HELPER_PURE, NULL};
const IrHelper h_five = {"five", (void *)helper_six, 5, IR_HELPER_HAS_RESULT, NULL};
const IrHelper h_six = {"six", (void *)helper_six, 6, IR_HELPER_HAS_RESULT, NULL};

/* ---- small utilities ---- */

IrBlock *new_block(void)
{
    IrBlock *b = ir_block_new(&globals);
    assert_non_null(b);
    return b;
}

char *print_block(const IrBlock *b)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    ir_print(b, f);
    fclose(f);
    return text;
}

void assert_valid(const IrBlock *b)
{
    IrError err;
    if (!ir_verify(b, &err)) {
        char *text = print_block(b);
        print_message("%s", text);
        free(text);
        fail_msg("verify failed: %s", err.msg);
    }
}

unsigned count_op(const IrBlock *b, IrOpcode op)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < b->ninsns; i++)
        n += b->insns[i].op == op;
    return n;
}

/* the nth insn with this opcode */
const IrInsn *find_op(const IrBlock *b, IrOpcode op, unsigned nth)
{
    for (uint32_t i = 0; i < b->ninsns; i++)
        if (b->insns[i].op == op && nth-- == 0)
            return &b->insns[i];
    fail_msg("no %s #%u in block", ir_op_defs[op].name, nth);
    return NULL;
}

/* the last insn writing temp t */
const IrInsn *last_def(const IrBlock *b, IrTemp t)
{
    for (uint32_t i = b->ninsns; i-- > 0;)
        if (b->insns[i].nout && b->insns[i].args[0] == t)
            return &b->insns[i];
    fail_msg("temp %u is never written", t);
    return NULL;
}

bool is_const(const IrBlock *b, IrTemp t, uint64_t v)
{
    return ir_temp_is_const(b, t) && b->temps[t].value == v;
}

IrBlock *clone_block(const IrBlock *src)
{
    IrBlock *b = new_block();
    assert_true(src->ninsns <= b->cap_insns);
    memcpy(b->temps, src->temps, src->ntemps * sizeof(IrTempInfo));
    memcpy(b->insns, src->insns, src->ninsns * sizeof(IrInsn));
    b->ntemps = src->ntemps;
    b->ninsns = src->ninsns;
    b->nlabels = src->nlabels;
    b->guest_pc = src->guest_pc;
    return b;
}

/* ---- reference evaluator ---- */

bool same_exit(ExitState x, ExitState y) { return x.op == y.op && x.a == y.a && x.b == y.b; }

/* One run; on the heap so it survives the longjmp of a guest fault. */
typedef struct EvalRun {
    const IrBlock *b;
    TestCpu *cpu;
    uint64_t *vals;       /* normal temps */
    uint32_t *label_at;
    uint64_t guest_pc;    /* of the last insn_start: what a fault reports */
    jmp_buf fault;
} EvalRun;
static EvalRun *current_run;

static void guest_fault(void) { longjmp(current_run->fault, 1); }

static uint64_t read_temp(EvalRun *run, IrTemp t)
{
    const IrTempInfo *ti = &run->b->temps[t];
    uint64_t v;
    switch (ti->kind) {
    case IR_TEMP_CONST: return ti->value;
    case IR_TEMP_GLOBAL:
        memcpy(&v, (char *)run->cpu + ti->offset, 8);
        return v & ir_type_mask((IrType)ti->type);
    default: return run->vals[t];
    }
}

static void write_temp(EvalRun *run, IrTemp t, uint64_t v)
{
    const IrTempInfo *ti = &run->b->temps[t];
    v &= ir_type_mask((IrType)ti->type);
    assert_int_not_equal(ti->kind, IR_TEMP_CONST);
    if (ti->kind == IR_TEMP_GLOBAL)
        memcpy((char *)run->cpu + ti->offset, &v, 8);
    else
        run->vals[t] = v;
}

static uint64_t mem_load(TestCpu *cpu, uint64_t addr, IrMemOp mo, IrType type)
{
    unsigned size = ir_memop_size(mo);
    if (addr > GUEST_MEM - size)
        guest_fault();
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        unsigned shift = (mo & IR_MO_BE) ? 8 * (size - 1 - i) : 8 * i;
        v |= (uint64_t)cpu->mem[addr + i] << shift;
    }
    if ((mo & IR_MO_SIGN) && size < 8 && (v >> (8 * size - 1) & 1))
        v |= ~0ull << (8 * size);
    return v & ir_type_mask(type);
}

static void mem_store(TestCpu *cpu, uint64_t addr, IrMemOp mo, uint64_t v)
{
    unsigned size = ir_memop_size(mo);
    if (addr > GUEST_MEM - size)
        guest_fault();
    for (unsigned i = 0; i < size; i++) {
        unsigned shift = (mo & IR_MO_BE) ? 8 * (size - 1 - i) : 8 * i;
        cpu->mem[addr + i] = (uint8_t)(v >> shift);
    }
}

static ExitState run_insns(EvalRun *run)
{
    const IrBlock *b = run->b;
    unsigned steps = 0;
    for (uint32_t pc = 0; pc < b->ninsns; pc++) {
        assert_true(++steps < 100000);
        const IrInsn *insn = &b->insns[pc];
        uint64_t in[IR_MAX_ARGS] = {0};
        for (unsigned i = 0; i < insn->nin; i++)
            in[i] = read_temp(run, insn->args[insn->nout + i]);
        uint64_t result = 0;
        if (ir_op_defs[insn->op].flags & IR_F_PURE) {
            result = ir_eval_pure((IrOpcode)insn->op, (IrType)insn->type, in, insn->c);
        } else {
            switch (insn->op) {
            case IR_OP_set_label:
                break;
            case IR_OP_insn_start:
                run->guest_pc = insn->c[0];
                break;
            case IR_OP_br:
                pc = run->label_at[insn->c[0]];
                break;
            case IR_OP_brcond:
                if (ir_cond_eval((IrCond)insn->c[0], (IrType)insn->type, in[0], in[1]))
                    pc = run->label_at[insn->c[1]];
                break;
            case IR_OP_call:
                result = ir_helper_invoke((const IrHelper *)(uintptr_t)insn->c[0], run->cpu, in);
                break;
            case IR_OP_ld:
                result = mem_load(run->cpu, in[0], (IrMemOp)insn->c[0], (IrType)insn->type);
                break;
            case IR_OP_st:
                mem_store(run->cpu, in[1], (IrMemOp)insn->c[0], in[0]);
                break;
            case IR_OP_ld_env:
                memcpy(&result, (char *)run->cpu + insn->c[0], 1u << insn->c[1]);
                break;
            case IR_OP_st_env:
                memcpy((char *)run->cpu + insn->c[0], &in[0], 1u << insn->c[1]);
                break;
            case IR_OP_goto_tb:
            case IR_OP_raise:
                return (ExitState){(IrOpcode)insn->op, insn->c[0], insn->c[1]};
            case IR_OP_exit_indirect:
                return (ExitState){IR_OP_exit_indirect, in[0], 0};
            default:
                fail_msg("evaluator: unsupported op %s", ir_op_defs[insn->op].name);
            }
        }
        if (insn->nout)
            write_temp(run, insn->args[0], result);
    }
    fail_msg("evaluator: fell off the end of the block");
    return (ExitState){IR_OP_COUNT, 0, 0};
}

/* Runs a block (no atomics); returns how it exited. A guest fault leaves
 * the CPU state as it was at the faulting insn. */
ExitState eval_block(const IrBlock *b, TestCpu *cpu)
{
    EvalRun *run = calloc(1, sizeof(*run));
    assert_non_null(run);
    run->b = b;
    run->cpu = cpu;
    run->vals = calloc(b->ntemps, sizeof(uint64_t));
    run->label_at = calloc(b->nlabels + 1, sizeof(uint32_t));
    assert_true(run->vals && run->label_at);
    for (uint32_t i = 0; i < b->ninsns; i++)
        if (b->insns[i].op == IR_OP_set_label)
            run->label_at[b->insns[i].c[0]] = i;
    current_run = run;
    ExitState ex;
    if (setjmp(run->fault) == 0)
        ex = run_insns(run);
    else
        ex = (ExitState){EXIT_FAULT, run->guest_pc, 0};
    current_run = NULL;
    free(run->vals);
    free(run->label_at);
    free(run);
    return ex;
}

uint64_t rng_next(Rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dull;
}
unsigned rng_below(Rng *r, unsigned n) { return (unsigned)(rng_next(r) % n); }

/* values that exercise identities, overflow and sign edges */
uint64_t rng_value(Rng *r)
{
    static const uint64_t special[] = {0, 1, 2, 31, 32, 63, 64, 0x7fffffff, 0x80000000,
                                       0xffffffff, 0x8000000000000000ull, ~0ull, ~1ull};
    if (rng_below(r, 3))
        return special[rng_below(r, sizeof(special) / sizeof(special[0]))];
    return rng_next(r) >> rng_below(r, 64);
}

IrTemp gen_temp(Gen *g, IrType type, bool allow_const)
{
    if (allow_const && rng_below(g->r, 4) == 0)
        return ir_const(g->b, type, rng_value(g->r));
    if (type == IR_I32)
        return g->t32[rng_below(g->r, NTEMP32)];
    unsigned k = rng_below(g->r, NGLOBALS + NTEMP64);
    return k < NGLOBALS ? G[k] : g->t64[k - NGLOBALS];
}

int gen_unplaced_label(Gen *g)
{
    unsigned start = rng_below(g->r, g->nlabels);
    for (unsigned k = 0; k < g->nlabels; k++) {
        unsigned l = (start + k) % g->nlabels;
        if (!g->placed[l])
            return (int)l;
    }
    return -1;
}

void gen_place_label(Gen *g, int l)
{
    g->placed[l] = true;
    ir_set_label(g->b, g->labels[l]);
}

void dump_failure(const char *pass, const IrBlock *orig, const IrBlock *opt,
                         const TestCpu *start)
{
    char *a = print_block(orig), *b = print_block(opt);
    print_message("initial state: %" PRIx64 " %" PRIx64 " %" PRIx64 " %" PRIx64 "\n",
                  start->g[0], start->g[1], start->g[2], start->g[3]);
    print_message("before %s:\n%s\nafter:\n%s\n", pass, a, b);
    free(a);
    free(b);
}