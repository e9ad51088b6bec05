/*
 * Shared by the IR unit tests (test_ir.c: builder, verifier, printer,
 * folding, DCE; test_ir_combine.c: the rotate pass): a CPU state whose
 * fields are four IR globals, test helpers for calls, block utilities, a
 * small reference evaluator that runs a block over that state (op
 * semantics from ir_eval_pure(), so it checks passes, not ops), and the
 * random generator the property tests draw blocks from.
 */
#ifndef POLYVM_IR_TEST_SUPPORT_H
#define POLYVM_IR_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyvm/ir.h"

/* ---- fixture: a CPU state with four globals and some unnamed state ---- */

#define NGLOBALS 4
#define GUEST_MEM 64
typedef struct TestCpu {
    uint64_t g[NGLOBALS];
    uint64_t env[2];      /* reached with ld_env/st_env only */
    uint8_t mem[GUEST_MEM];   /* guest memory: accesses beyond it fault */
} TestCpu;

extern IrGlobals globals;
extern IrTemp G[NGLOBALS];   /* a0..a3 */
#define ENV_OFFSET(i) ((uint32_t)(offsetof(TestCpu, env) + 8 * (i)))
void init_globals(void);

/* helpers: bump writes guest registers, mix is pure with a result, trap
 * faults on a multiple of 8, reads/faults/pure take one argument with
 * those flags, five and six take that many arguments */
extern const IrHelper h_bump, h_mix, h_trap, h_reads, h_faults, h_pure, h_five, h_six;

/* ---- small utilities ---- */

IrBlock *new_block(void);
char *print_block(const IrBlock *b);   /* malloc'd text */
void assert_valid(const IrBlock *b);
unsigned count_op(const IrBlock *b, IrOpcode op);
const IrInsn *find_op(const IrBlock *b, IrOpcode op, unsigned nth);   /* the nth insn with this opcode */
const IrInsn *last_def(const IrBlock *b, IrTemp t);                   /* the last insn writing t */
bool is_const(const IrBlock *b, IrTemp t, uint64_t v);
IrBlock *clone_block(const IrBlock *src);

/* ---- reference evaluator ---- */

#define EXIT_FAULT ((IrOpcode)(IR_OP_COUNT + 1))
typedef struct ExitState {
    IrOpcode op;          /* the exit insn taken, or EXIT_FAULT */
    uint64_t a, b;        /* its operands (slot/target, pc, exception/aux; fault: guest pc) */
} ExitState;
bool same_exit(ExitState x, ExitState y);
/* Runs a block (no atomics); returns how it exited. A guest fault leaves
 * the CPU state as it was at the faulting insn. */
ExitState eval_block(const IrBlock *b, TestCpu *cpu);

/* ---- random blocks ---- */

typedef struct Rng {
    uint64_t s;
} Rng;
uint64_t rng_next(Rng *r);
unsigned rng_below(Rng *r, unsigned n);
uint64_t rng_value(Rng *r);   /* values that exercise identities, overflow and sign edges */

#define NTEMP64 3
#define NTEMP32 2
typedef struct Gen {
    Rng *r;
    IrBlock *b;
    IrTemp t64[NTEMP64], t32[NTEMP32];
    IrLabel labels[4];        /* forward targets */
    bool placed[4];
    unsigned nlabels;
    IrTemp trips;             /* counts back edges taken, so loops end */
    IrLabel loop_head;
    bool in_loop;
    uint64_t guest_pc;
} Gen;

IrTemp gen_temp(Gen *g, IrType type, bool allow_const);
int gen_unplaced_label(Gen *g);   /* -1 when all are placed */
void gen_place_label(Gen *g, int l);

/* prints a failing block before and after a pass, and the start state */
void dump_failure(const char *pass, const IrBlock *orig, const IrBlock *opt, const TestCpu *start);

#endif
