/*
 * Unit tests of the IR core: builder, verifier, printer, constant folding,
 * dead-code elimination, and a property test that random blocks compute the
 * same guest state before and after ir_optimize(). The rotate pass has its
 * own file, test_ir_combine.c; both share ir_test_support.h.
 *
 * The property test draws its seed from the clock and prints it; set
 * POLYVM_SEED=<n> to replay a failing run. The reference evaluator of
 * ir_test_support.c runs blocks over a TestCpu whose fields are the IR
 * globals; it relies on ir_eval_pure() for op semantics, so it checks the
 * passes, not the ops.
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
#include <time.h>

#include "ir_test_support.h"

/* ==== verifier ==== */

/* One block using every opcode; the test below checks nothing is missing. */
static IrBlock *block_with_every_op(void)
{
    IrBlock *b = new_block();
    IrTemp t64 = ir_temp_new(b, IR_I64), u64 = ir_temp_new(b, IR_I64);
    IrTemp t32 = ir_temp_new(b, IR_I32), u32 = ir_temp_new(b, IR_I32);
    IrLabel l0 = ir_label_new(b), l1 = ir_label_new(b);

    ir_insn_start(b, 0x1000);
    ir_movi(b, t64, 7);
    ir_trunc_i64_i32(b, t32, G[1]);
    ir_ext_i32_i64(b, u64, t32);
    ir_extu_i32_i64(b, u64, t32);
#define X(name) ir_##name(b, t64, G[0], u64); ir_##name(b, u32, t32, t32);
    IR_BINARY_BUILDERS(X)
#undef X
#define X(name) ir_##name(b, t64, u64);
    IR_UNARY_BUILDERS(X)
#undef X
    ir_not(b, u32, t32);
    ir_setcond(b, IR_COND_LTU, t64, G[0], u64);
    ir_setcond(b, IR_COND_EQ, u32, t32, ir_const32(b, 3));
    ir_movcond(b, IR_COND_GE, t64, G[0], u64, G[1], ir_const64(b, 1));
    ir_set_label(b, l0);
    ir_brcond(b, IR_COND_NE, t32, u32, l1);
    ir_ld(b, t64, G[2], ir_memop(3, 0, 0));
    ir_ld(b, t32, G[2], ir_memop(1, IR_MO_SIGN | IR_MO_BE | IR_MO_ALIGN, 1));
    ir_st(b, t32, G[2], ir_memop(2, 0, 0));
    ir_atomic_rmw(b, IR_ATOMIC_UMAX, t64, G[2], u64, ir_memop(3, IR_MO_ALIGN, 0));
    ir_cmpxchg(b, t32, G[2], t32, u32, ir_memop(2, IR_MO_ALIGN, 0));
    ir_ld_env(b, u64, ENV_OFFSET(0), 3);
    ir_st_env(b, u32, ENV_OFFSET(1), 2);
    IrTemp args[5] = {t64, t32, u64, u32, G[3]};
    ir_call(b, &h_five, t64, args, 5);
    ir_call(b, &h_bump, IR_NO_TEMP, NULL, 0);
    ir_brcond(b, IR_COND_EQ, t64, u64, l0);
    ir_goto_tb(b, 1, 0x2000);
    ir_set_label(b, l1);
    ir_brcond(b, IR_COND_TSTNE, G[0], G[1], l0);
    ir_exit_indirect(b, t64);
    IrLabel l2 = ir_label_new(b);
    ir_set_label(b, l2);
    ir_br(b, l2);
    IrLabel l3 = ir_label_new(b);
    ir_set_label(b, l3);
    ir_raise(b, 2, 0x1234);
    return b;
}

static void test_verify_accepts_every_op(void **state)
{
    (void)state;
    IrBlock *b = block_with_every_op();
    assert_valid(b);
    for (unsigned op = 0; op < IR_OP_COUNT; op++)
        if (!count_op(b, (IrOpcode)op))
            fail_msg("op %s missing from block_with_every_op", ir_op_defs[op].name);
    ir_block_free(b);
}

static void test_verify_accepts_i32_call_args_and_loops(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    IrTemp t32 = ir_temp_new(b, IR_I32), t64 = ir_temp_new(b, IR_I64);
    IrLabel top = ir_label_new(b);
    ir_movi(b, t32, 1);
    ir_set_label(b, top);
    IrTemp args[2] = {t32, G[0]};
    ir_call(b, &h_mix, t64, args, 2);
    ir_brcond(b, IR_COND_LTU, t64, G[1], top);
    ir_goto_tb(b, 0, 0x10);
    assert_valid(b);
    ir_block_free(b);
}

static void test_const_kinds_cover_every_op(void **state)
{
    (void)state;
    /* an op given constants must say what they mean (verify.c table) */
    for (unsigned op = 0; op < IR_OP_COUNT; op++)
        if (ir_op_defs[op].nconst)
            assert_int_not_equal(ir_const_kind((IrOpcode)op, 0), IR_CK_RAW);
    assert_int_equal(ir_const_kind(IR_OP_brcond, 1), IR_CK_LABEL);
    assert_int_equal(ir_const_kind(IR_OP_add, 0), IR_CK_RAW);
}

/* Invalid blocks: each builder breaks one rule and returns the insn index
 * the error must name. */
typedef struct VerifyCase {
    const char *name;
    uint32_t (*build)(IrBlock *b);
    const char *msg;          /* substring of the error message */
} VerifyCase;

static uint32_t bad_empty(IrBlock *b) { (void)b; return UINT32_MAX; }

static uint32_t bad_opcode(IrBlock *b)
{
    ir_movi(b, G[0], 1);
    ir_movi(b, G[1], 2);
    ir_goto_tb(b, 0, 0);
    b->insns[1].op = IR_OP_COUNT;
    return 1;
}

static uint32_t bad_input_count(IrBlock *b)
{
    ir_insn_start(b, 0);
    ir_emit(b, IR_OP_add, IR_I64, &G[0], 1, &G[1], 1, NULL);
    ir_goto_tb(b, 0, 0);
    return 1;
}

static uint32_t bad_output_count(IrBlock *b)
{
    IrTemp in[2] = {G[0], G[1]};
    ir_emit(b, IR_OP_add, IR_I64, NULL, 0, in, 2, NULL);
    ir_goto_tb(b, 0, 0);
    return 0;
}

static uint32_t bad_call_too_many_args(IrBlock *b)
{
    IrTemp args[6] = {G[0], G[1], G[2], G[3], G[0], G[1]};
    ir_call(b, &h_six, G[0], args, 6);
    ir_goto_tb(b, 0, 0);
    return 0;
}

static uint32_t bad_call_arg_count(IrBlock *b)
{
    ir_movi(b, G[0], 1);
    ir_call(b, &h_mix, G[0], &G[1], 1);
    ir_goto_tb(b, 0, 0);
    return 1;
}

static uint32_t bad_call_null_helper(IrBlock *b)
{
    ir_call(b, NULL, IR_NO_TEMP, NULL, 0);
    ir_goto_tb(b, 0, 0);
    return 0;
}

static uint32_t bad_call_output_without_result(IrBlock *b)
{
    ir_call(b, &h_pure, G[0], &G[1], 1);
    ir_goto_tb(b, 0, 0);
    return 0;
}

static uint32_t bad_temp_index(IrBlock *b)
{
    ir_add(b, G[0], G[1], G[2]);
    ir_goto_tb(b, 0, 0);
    b->insns[0].args[2] = b->ntemps + 3;
    return 0;
}

static uint32_t bad_output_const(IrBlock *b)
{
    ir_mov(b, ir_const64(b, 5), G[0]);
    ir_goto_tb(b, 0, 0);
    return 0;
}

static uint32_t bad_input_type(IrBlock *b)
{
    IrTemp t32 = ir_temp_new(b, IR_I32);
    ir_movi(b, t32, 0);
    ir_emit2(b, IR_OP_add, IR_I64, G[0], G[1], t32);
    ir_goto_tb(b, 0, 0);
    return 1;
}

static uint32_t bad_output_type(IrBlock *b)
{
    IrTemp t32 = ir_temp_new(b, IR_I32);
    ir_emit2(b, IR_OP_add, IR_I64, t32, G[1], G[2]);
    ir_goto_tb(b, 0, 0);
    return 0;
}

static uint32_t bad_ext_input_i64(IrBlock *b)
{
    ir_ext_i32_i64(b, G[0], G[1]);
    ir_goto_tb(b, 0, 0);
    return 0;
}

static uint32_t bad_ext_type_i32(IrBlock *b)
{
    IrTemp t32 = ir_temp_new(b, IR_I32), u32 = ir_temp_new(b, IR_I32);
    ir_movi(b, u32, 0);
    ir_emit1(b, IR_OP_extu_i32_i64, IR_I32, t32, u32);
    ir_goto_tb(b, 0, 0);
    return 1;
}

static uint32_t bad_trunc_input_i32(IrBlock *b)
{
    IrTemp t32 = ir_temp_new(b, IR_I32);
    ir_trunc_i64_i32(b, t32, ir_const32(b, 1));
    ir_goto_tb(b, 0, 0);
    return 0;
}

static uint32_t bad_only64(IrBlock *b)
{
    IrTemp t32 = ir_temp_new(b, IR_I32);
    ir_emit1(b, IR_OP_ext32s, IR_I32, t32, ir_const32(b, 1));
    ir_goto_tb(b, 0, 0);
    return 0;
}

static uint32_t bad_address_i32(IrBlock *b)
{
    IrTemp t32 = ir_temp_new(b, IR_I32);
    ir_movi(b, t32, 0x100);
    ir_insn_start(b, 4);
    ir_st(b, G[0], t32, ir_memop(3, 0, 0));
    ir_goto_tb(b, 0, 0);
    return 2;
}

static uint32_t bad_access_too_wide(IrBlock *b)
{
    IrTemp t32 = ir_temp_new(b, IR_I32);
    ir_ld(b, t32, G[0], ir_memop(3, 0, 0));
    ir_goto_tb(b, 0, 0);
    return 0;
}

static uint32_t bad_memop_bits(IrBlock *b)
{
    ir_ld(b, G[1], G[0], ir_memop(3, 1u << 6, 0));
    ir_goto_tb(b, 0, 0);
    return 0;
}

static uint32_t bad_setcond_output(IrBlock *b)
{
    IrTemp t32 = ir_temp_new(b, IR_I32);
    ir_setcond(b, IR_COND_EQ, t32, G[0], G[1]);
    ir_goto_tb(b, 0, 0);
    return 0;
}

static uint32_t bad_brcond_input_types(IrBlock *b)
{
    IrTemp t32 = ir_temp_new(b, IR_I32);
    IrLabel l = ir_label_new(b);
    ir_movi(b, t32, 0);
    ir_brcond(b, IR_COND_EQ, G[0], t32, l);
    ir_set_label(b, l);
    ir_goto_tb(b, 0, 0);
    return 1;
}

static uint32_t bad_exit_indirect_i32(IrBlock *b)
{
    IrTemp t32 = ir_temp_new(b, IR_I32);
    ir_movi(b, t32, 0);
    ir_emit(b, IR_OP_exit_indirect, IR_I32, NULL, 0, &t32, 1, NULL);
    return 1;
}

static uint32_t bad_condition(IrBlock *b)
{
    IrLabel l = ir_label_new(b);
    ir_brcond(b, (IrCond)IR_COND_COUNT, G[0], G[1], l);
    ir_set_label(b, l);
    ir_goto_tb(b, 0, 0);
    return 0;
}

static uint32_t bad_label_range(IrBlock *b)
{
    IrLabel l = ir_label_new(b);
    ir_set_label(b, l);
    ir_br(b, l + 1);
    return 1;
}

static uint32_t bad_label_never_set(IrBlock *b)
{
    IrLabel l = ir_label_new(b);
    ir_movi(b, G[0], 0);
    ir_brcond(b, IR_COND_EQ, G[0], G[1], l);
    ir_goto_tb(b, 0, 0);
    return 1;
}

static uint32_t bad_label_set_twice(IrBlock *b)
{
    IrLabel l = ir_label_new(b);
    ir_set_label(b, l);
    ir_movi(b, G[0], 0);
    ir_set_label(b, l);
    ir_goto_tb(b, 0, 0);
    return 2;
}

static uint32_t bad_atomic_op(IrBlock *b)
{
    ir_atomic_rmw(b, (IrAtomicOp)IR_ATOMIC_COUNT, G[0], G[1], G[2], ir_memop(3, 0, 0));
    ir_goto_tb(b, 0, 0);
    return 0;
}

static uint32_t bad_env_size(IrBlock *b)
{
    IrTemp t32 = ir_temp_new(b, IR_I32);
    ir_ld_env(b, t32, ENV_OFFSET(0), 3);
    ir_goto_tb(b, 0, 0);
    return 0;
}

static uint32_t bad_exit_slot(IrBlock *b)
{
    ir_goto_tb(b, 2, 0);
    return 0;
}

static uint32_t bad_unreachable_after_exit(IrBlock *b)
{
    ir_goto_tb(b, 0, 0);
    ir_movi(b, G[0], 1);
    ir_goto_tb(b, 1, 0);
    return 1;
}

static uint32_t bad_unreachable_after_br(IrBlock *b)
{
    IrLabel l = ir_label_new(b);
    ir_set_label(b, l);
    ir_movi(b, G[0], 1);
    ir_br(b, l);
    ir_insn_start(b, 8);
    ir_goto_tb(b, 1, 0);
    return 3;
}

static uint32_t bad_no_exit(IrBlock *b)
{
    ir_movi(b, G[0], 1);
    ir_add(b, G[0], G[0], G[1]);
    return 1;
}

static uint32_t bad_ends_with_brcond(IrBlock *b)
{
    IrLabel l = ir_label_new(b);
    ir_set_label(b, l);
    ir_brcond(b, IR_COND_EQ, G[0], G[1], l);
    return 1;
}

static uint32_t bad_const_value(IrBlock *b)
{
    IrTemp c = ir_const32(b, 5);
    ir_goto_tb(b, 0, 0);
    b->temps[c].value = 1ull << 40;
    return UINT32_MAX;
}

static const VerifyCase verify_cases[] = {
    {"verify_rejects_empty_block", bad_empty, "empty"},
    {"verify_rejects_bad_opcode", bad_opcode, "opcode"},
    {"verify_rejects_input_count", bad_input_count, "1 inputs, expected 2"},
    {"verify_rejects_output_count", bad_output_count, "0 outputs, expected 1"},
    {"verify_rejects_call_over_max_args", bad_call_too_many_args, "at most 5"},
    {"verify_rejects_call_arg_count", bad_call_arg_count, "helper mix takes 2"},
    {"verify_rejects_call_null_helper", bad_call_null_helper, "no helper"},
    {"verify_rejects_call_output_no_result", bad_call_output_without_result, "no result"},
    {"verify_rejects_temp_index", bad_temp_index, "only"},
    {"verify_rejects_output_const", bad_output_const, "constant"},
    {"verify_rejects_input_type", bad_input_type, "input 1 has type i32, expected i64"},
    {"verify_rejects_output_type", bad_output_type, "output 0 has type i32"},
    {"verify_rejects_ext_input_i64", bad_ext_input_i64, "input 0 has type i64, expected i32"},
    {"verify_rejects_ext_type_i32", bad_ext_type_i32, "conversion"},
    {"verify_rejects_trunc_input_i32", bad_trunc_input_i32, "expected i64"},
    {"verify_rejects_only64", bad_only64, "only valid with i64"},
    {"verify_rejects_address_i32", bad_address_i32, "input 1 has type i32, expected i64"},
    {"verify_rejects_access_too_wide", bad_access_too_wide, "wider"},
    {"verify_rejects_memop_bits", bad_memop_bits, "unknown bits"},
    {"verify_rejects_setcond_output", bad_setcond_output, "output 0"},
    {"verify_rejects_brcond_input_types", bad_brcond_input_types, "input 1"},
    {"verify_rejects_exit_indirect_i32", bad_exit_indirect_i32, "expected i64"},
    {"verify_rejects_condition", bad_condition, "condition"},
    {"verify_rejects_label_range", bad_label_range, "only 1 labels"},
    {"verify_rejects_label_never_set", bad_label_never_set, "never set"},
    {"verify_rejects_label_set_twice", bad_label_set_twice, "already set at insn 0"},
    {"verify_rejects_atomic_op", bad_atomic_op, "atomic"},
    {"verify_rejects_env_size", bad_env_size, "too wide"},
    {"verify_rejects_exit_slot", bad_exit_slot, "slot"},
    {"verify_rejects_code_after_exit", bad_unreachable_after_exit, "unreachable"},
    {"verify_rejects_code_after_br", bad_unreachable_after_br, "unreachable"},
    {"verify_rejects_missing_exit", bad_no_exit, "must end"},
    {"verify_rejects_ending_in_brcond", bad_ends_with_brcond, "must end"},
    {"verify_rejects_wide_constant", bad_const_value, "wider"},
};

static void run_verify_case(void **state)
{
    const VerifyCase *vc = *state;
    IrBlock *b = new_block();
    uint32_t want = vc->build(b);
    IrError err;
    bool ok = ir_verify(b, &err);
    if (ok) {
        char *text = print_block(b);
        print_message("%s", text);
        free(text);
        fail_msg("%s: block was accepted", vc->name);
    }
    if (err.insn != want || !strstr(err.msg, vc->msg))
        fail_msg("%s: got insn %d \"%s\", want insn %d and \"%s\"", vc->name, (int)err.insn,
                 err.msg, (int)want, vc->msg);
    if (want != UINT32_MAX) {
        char prefix[32];
        snprintf(prefix, sizeof(prefix), "insn %u", want);
        assert_non_null(strstr(err.msg, prefix));
    }
    assert_false(ir_verify(b, NULL));   /* no error record needed */
    ir_block_free(b);
}

/* ==== printer ==== */

static void assert_contains(const char *text, const char *fmt, ...)
{
    char want[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(want, sizeof(want), fmt, ap);
    va_end(ap);
    if (!strstr(text, want)) {
        print_message("%s", text);
        fail_msg("printer output lacks \"%s\"", want);
    }
}

static void test_print_golden(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    b->guest_pc = 0x10078;
    IrTemp t = ir_temp_new(b, IR_I64), v = ir_temp_new(b, IR_I64), w = ir_temp_new(b, IR_I32);
    IrLabel l = ir_label_new(b);
    ir_insn_start(b, 0x10078);
    ir_addi(b, t, G[0], 0x10);
    ir_ld(b, v, t, ir_memop(2, 0, 0));
    ir_ld(b, w, t, ir_memop(1, IR_MO_SIGN | IR_MO_BE | IR_MO_ALIGN, 3));
    ir_st(b, w, t, ir_memop(2, 0, 0));
    ir_set_label(b, l);
    ir_brcond(b, IR_COND_LTU, v, ir_const64(b, 0xff), l);
    ir_setcond(b, IR_COND_EQ, G[1], v, t);
    ir_ext_i32_i64(b, G[2], w);
    IrTemp args[2] = {G[1], w};
    ir_call(b, &h_mix, v, args, 2);
    ir_call(b, &h_bump, IR_NO_TEMP, NULL, 0);
    ir_atomic_rmw(b, IR_ATOMIC_ADD, v, t, G[3], ir_memop(3, 0, 0));
    ir_ld_env(b, v, ENV_OFFSET(1), 3);
    ir_goto_tb(b, 0, 0x10080);

    char *text = print_block(b);
    assert_contains(text, "IR 0x10078:");
    assert_contains(text, "\n ---- 0x10078\n");
    assert_contains(text, "\n add_i64 t%u, a0, $0x10\n", t);
    assert_contains(text, "\n ld_i64 t%u, [t%u] mo=u32 le\n", v, t);
    assert_contains(text, "\n ld_i32 t%u, [t%u] mo=s16 be align mmu=3\n", w, t);
    assert_contains(text, "\n st_i32 t%u, [t%u] mo=u32 le\n", w, t);
    assert_contains(text, "\nL0:\n");
    assert_contains(text, "\n brcond_i64 t%u, $0xff, ltu, L0\n", v);
    assert_contains(text, "\n setcond_i64 a1, t%u, t%u, eq\n", v, t);
    assert_contains(text, "\n ext_i32_i64 a2, t%u\n", w);
    assert_contains(text, "\n call_i64 t%u, mix(a1, t%u)\n", v, w);
    assert_contains(text, "\n call bump()\n");
    assert_contains(text, "\n atomic_rmw_i64 t%u, a3, [t%u] mo=u64 le op=add\n", v, t);
    assert_contains(text, "\n ld_env_i64 t%u, [env+0x%x] size=8\n", v, ENV_OFFSET(1));
    assert_contains(text, "\n goto_tb 0, 0x10080\n");

    char *again = print_block(b);
    assert_string_equal(text, again);      /* deterministic */
    free(text);
    free(again);
    ir_block_free(b);
}

static void test_print_exits_and_malformed(void **state)
{
    (void)state;
    IrBlock *b = block_with_every_op();
    char *text = print_block(b);
    assert_contains(text, "\n raise 2, 0x1234\n");
    assert_contains(text, "\n exit_indirect t");
    assert_contains(text, "\n cmpxchg_i32 ");
    assert_contains(text, "\n movcond_i64 ");
    assert_contains(text, ", $0x1, ge\n");
    assert_contains(text, "\n br L2\n");
    assert_contains(text, "call_i64 t%u, five(", b->nglobals);
    free(text);

    /* the printer must survive what the verifier rejects */
    IrInsn bad = b->insns[2];
    bad.args[1] = 99999;
    char *line = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&line, &len);
    ir_print_insn(b, &bad, f);
    bad.op = IR_OP_COUNT + 5;
    ir_print_insn(b, &bad, f);
    fclose(f);
    assert_non_null(strstr(line, "t?99999"));
    assert_non_null(strstr(line, "bad op"));
    free(line);
    ir_block_free(b);
}

/* ==== constant folding and propagation ==== */

static void test_fold_constant_chain(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    IrTemp t1 = ir_temp_new(b, IR_I64), t2 = ir_temp_new(b, IR_I64), t3 = ir_temp_new(b, IR_I64);
    ir_movi(b, t1, 5);
    ir_addi(b, t2, t1, 3);
    ir_mul(b, t3, t2, ir_const64(b, 2));
    ir_sub(b, t3, t3, t1);
    ir_mov(b, G[0], t3);
    ir_goto_tb(b, 0, 0);
    ir_opt_fold(b);
    assert_valid(b);
    const IrInsn *d = last_def(b, G[0]);
    assert_int_equal(d->op, IR_OP_mov);
    assert_true(is_const(b, d->args[1], 11));
    for (uint32_t i = 0; i + 1 < b->ninsns; i++)
        assert_int_equal(b->insns[i].op, IR_OP_mov);
    ir_opt_dce(b);
    assert_valid(b);
    assert_int_equal(b->ninsns, 2);     /* a0 = $11; goto_tb */
    ir_block_free(b);
}

static void test_fold_i32_semantics(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    IrTemp x = ir_temp_new(b, IR_I32), y = ir_temp_new(b, IR_I32), z = ir_temp_new(b, IR_I32);
    ir_movi(b, x, 0xffffffff);
    ir_addi(b, y, x, 1);                  /* wraps to 0, no carry out */
    ir_ext_i32_i64(b, G[0], ir_const32(b, 0x80000000));
    ir_extu_i32_i64(b, G[1], ir_const32(b, 0x80000000));
    ir_shl(b, z, x, ir_const32(b, 4));
    ir_extu_i32_i64(b, G[2], z);
    ir_trunc_i64_i32(b, z, ir_const64(b, 0x123456789));
    ir_ext_i32_i64(b, G[3], z);
    ir_extu_i32_i64(b, G[1], y);
    ir_goto_tb(b, 0, 0);
    ir_opt_fold(b);
    assert_valid(b);
    assert_true(is_const(b, last_def(b, G[0])->args[1], 0xffffffff80000000ull));
    assert_true(is_const(b, last_def(b, G[1])->args[1], 0));
    assert_true(is_const(b, last_def(b, G[2])->args[1], 0xfffffff0));
    assert_true(is_const(b, last_def(b, G[3])->args[1], 0x23456789));
    ir_block_free(b);
}

static void test_fold_uses_shared_semantics(void **state)
{
    (void)state;
    /* whatever ir_eval_pure says about division by zero is what folding gives */
    static const IrOpcode ops[] = {IR_OP_div, IR_OP_divu, IR_OP_rem, IR_OP_remu,
                                   IR_OP_clz, IR_OP_ctz, IR_OP_mulsh, IR_OP_rotr};
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        for (int type = IR_I32; type <= IR_I64; type++) {
            IrBlock *b = new_block();
            IrTemp out = ir_temp_new(b, (IrType)type);
            IrTemp a = ir_const(b, (IrType)type, 0x80000000);
            IrTemp z = ir_const(b, (IrType)type, 0);
            if (ir_op_defs[ops[i]].nin == 2)
                ir_emit2(b, ops[i], (IrType)type, out, a, z);
            else
                ir_emit1(b, ops[i], (IrType)type, out, z);
            if (type == IR_I64)
                ir_mov(b, G[1], out);
            else
                ir_extu_i32_i64(b, G[1], out);
            ir_goto_tb(b, 0, 0);
            uint64_t in[2] = {0x80000000, 0};
            if (ir_op_defs[ops[i]].nin == 1)
                in[0] = 0;
            uint64_t want = ir_eval_pure(ops[i], (IrType)type, in, NULL);
            ir_opt_fold(b);
            assert_valid(b);
            const IrInsn *d = last_def(b, G[1]);
            if (!is_const(b, d->args[1], want))
                fail_msg("%s_i%d not folded to 0x%" PRIx64, ir_op_defs[ops[i]].name,
                         type == IR_I32 ? 32 : 64, want);
            ir_block_free(b);
        }
    }
}

static void test_fold_copy_propagation(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    IrTemp t1 = ir_temp_new(b, IR_I64), t2 = ir_temp_new(b, IR_I64);
    ir_mov(b, t1, G[0]);
    ir_mov(b, t2, t1);
    ir_add(b, G[1], t1, t2);
    ir_mov(b, t1, G[2]);                   /* redefining the copy updates it */
    ir_mov(b, G[3], t1);
    ir_goto_tb(b, 0, 0);
    ir_opt_fold(b);
    assert_valid(b);
    const IrInsn *add = find_op(b, IR_OP_add, 0);
    assert_int_equal(add->args[1], G[0]);
    assert_int_equal(add->args[2], G[0]);
    assert_int_equal(last_def(b, G[3])->args[1], G[2]);
    ir_opt_dce(b);
    assert_valid(b);
    assert_int_equal(b->ninsns, 3);       /* add, mov, goto_tb */
    ir_block_free(b);
}

/* The tricky case: a copy must not be replaced by its source once the
 * source has been redefined. */
static void test_fold_copy_of_redefined_source(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    IrTemp t1 = ir_temp_new(b, IR_I64), t2 = ir_temp_new(b, IR_I64);
    ir_mov(b, t1, G[0]);                   /* t1 = a0 */
    ir_mov(b, t2, t1);                     /* t2 = t1 = a0 */
    ir_addi(b, G[0], G[0], 1);             /* a0 changes: t1, t2 keep the old value */
    ir_mov(b, G[1], t1);
    ir_mov(b, G[2], t2);
    ir_movi(b, G[0], 7);                   /* and again, now to a constant */
    ir_mov(b, G[3], t2);
    ir_goto_tb(b, 0, 0);
    IrBlock *orig = clone_block(b);
    ir_optimize(b);
    assert_valid(b);
    for (int g = 1; g <= 3; g++) {
        IrTemp src = last_def(b, G[g])->args[1];
        assert_int_not_equal(src, G[0]);
        assert_false(ir_temp_is_const(b, src));
    }
    TestCpu before = {.g = {100, 1, 2, 3}}, after = before;
    eval_block(orig, &before);
    eval_block(b, &after);
    assert_memory_equal(&before, &after, sizeof(before));
    assert_int_equal(after.g[1], 100);
    assert_int_equal(after.g[3], 100);
    assert_int_equal(after.g[0], 7);
    ir_block_free(orig);
    ir_block_free(b);
}

static void test_fold_forgets_at_labels(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    IrTemp t1 = ir_temp_new(b, IR_I64);
    IrLabel l = ir_label_new(b);
    ir_movi(b, t1, 5);
    ir_mov(b, t1, t1);                     /* self move: dropped */
    ir_brcond(b, IR_COND_EQ, G[0], ir_const64(b, 0), l);
    ir_addi(b, G[2], t1, 1);               /* fall-through path still knows t1 */
    ir_movi(b, t1, 7);
    ir_set_label(b, l);
    ir_mov(b, G[1], t1);                   /* join: t1 is 5 or 7 */
    ir_goto_tb(b, 0, 0);
    ir_opt_fold(b);
    assert_valid(b);
    assert_true(is_const(b, last_def(b, G[2])->args[1], 6));
    assert_int_equal(last_def(b, G[1])->args[1], t1);
    ir_block_free(b);
}

static void test_fold_calls_and_globals(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    IrTemp t1 = ir_temp_new(b, IR_I64), t2 = ir_temp_new(b, IR_I64), r = ir_temp_new(b, IR_I64);
    ir_movi(b, G[0], 5);
    ir_movi(b, t1, 3);
    ir_mov(b, t2, G[1]);
    IrTemp args[2] = {G[0], t1};
    ir_call(b, &h_mix, r, args, 2);          /* writes no globals */
    ir_mov(b, G[2], G[0]);                  /* still $5 */
    ir_call(b, &h_bump, IR_NO_TEMP, NULL, 0); /* may write any global */
    ir_mov(b, G[3], G[0]);                  /* unknown now */
    ir_add(b, G[2], t1, t2);                /* t1 is still $3; t2 is a1's old value */
    ir_goto_tb(b, 0, 0);
    IrBlock *orig = clone_block(b);
    ir_opt_fold(b);
    assert_valid(b);
    const IrInsn *mix = find_op(b, IR_OP_call, 0);
    assert_true(is_const(b, mix->args[1], 5));
    assert_true(is_const(b, mix->args[2], 3));
    assert_true(is_const(b, find_op(b, IR_OP_mov, 3)->args[1], 5));   /* a2 = a0 */
    assert_int_equal(last_def(b, G[3])->args[1], G[0]);
    const IrInsn *add = last_def(b, G[2]);
    assert_int_equal(add->op, IR_OP_add);
    assert_int_equal(add->args[1], t2);      /* constant moved second */
    assert_true(is_const(b, add->args[2], 3));
    TestCpu before = {.g = {1, 2, 3, 4}}, after = before;
    eval_block(orig, &before);
    eval_block(b, &after);
    assert_memory_equal(&before, &after, sizeof(before));
    ir_block_free(orig);
    ir_block_free(b);
}

static void test_fold_brcond(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    IrTemp t1 = ir_temp_new(b, IR_I64);
    IrLabel skip = ir_label_new(b), never = ir_label_new(b), same = ir_label_new(b);
    ir_movi(b, t1, 10);
    ir_brcond(b, IR_COND_LTU, t1, ir_const64(b, 3), never);   /* never taken: removed */
    ir_brcond(b, IR_COND_LTU, G[0], G[0], never);             /* x < x: removed */
    ir_brcond(b, IR_COND_GEU, t1, ir_const64(b, 3), skip);    /* always taken: br */
    ir_movi(b, G[0], 1);                                      /* now unreachable */
    ir_insn_start(b, 4);
    ir_set_label(b, never);
    ir_movi(b, G[1], 2);
    ir_set_label(b, skip);
    ir_brcond(b, IR_COND_LE, G[2], G[2], same);               /* x <= x: br */
    ir_movi(b, G[1], 3);
    ir_set_label(b, same);
    ir_brcond(b, IR_COND_TSTNE, G[2], G[2], same);            /* depends on x: kept */
    ir_goto_tb(b, 0, 0);
    ir_opt_fold(b);
    assert_valid(b);
    assert_int_equal(count_op(b, IR_OP_brcond), 1);
    assert_int_equal(count_op(b, IR_OP_br), 2);
    assert_int_equal(find_op(b, IR_OP_br, 0)->c[0], skip);
    assert_int_equal(find_op(b, IR_OP_br, 1)->c[0], same);
    assert_int_equal(count_op(b, IR_OP_insn_start), 0);
    assert_int_equal(find_op(b, IR_OP_brcond, 0)->c[0], IR_COND_TSTNE);
    ir_block_free(b);
}

static void test_fold_setcond_movcond(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    IrTemp s32 = ir_temp_new(b, IR_I32), x = ir_temp_new(b, IR_I32), e = ir_temp_new(b, IR_I64);
    ir_movi(b, x, 0xfffffffe);
    ir_setcond(b, IR_COND_LT, s32, x, ir_const32(b, 1));       /* -2 < 1 signed: 1 */
    ir_extu_i32_i64(b, G[0], s32);
    ir_setcond(b, IR_COND_GTU, G[1], G[3], G[3]);               /* x > x: 0 */
    ir_movcond(b, IR_COND_LTU, G[2], G[3], G[3], G[1], G[3]);   /* x < x: false arm */
    ir_ld_env(b, e, ENV_OFFSET(0), 3);
    ir_movcond(b, IR_COND_EQ, G[0], G[3], e, G[3], G[3]);       /* both arms a3 */
    ir_goto_tb(b, 0, 0);
    ir_opt_fold(b);
    assert_valid(b);
    assert_int_equal(count_op(b, IR_OP_setcond), 0);
    assert_int_equal(count_op(b, IR_OP_movcond), 0);
    assert_true(is_const(b, find_op(b, IR_OP_mov, 1)->args[1], 1));   /* a0 = extu($1) */
    assert_true(is_const(b, last_def(b, G[1])->args[1], 0));
    assert_int_equal(last_def(b, G[2])->args[1], G[3]);
    assert_int_equal(last_def(b, G[0])->args[1], G[3]);
    ir_block_free(b);
}

typedef struct IdentityCase {
    IrOpcode op;
    IrType type;
    bool const_first;
    uint64_t c;
    int result;           /* 0: mov x, 1: mov $expected, -1: unchanged */
    uint64_t expected;
} IdentityCase;

static void test_fold_identities(void **state)
{
    (void)state;
    static const IdentityCase cases[] = {
        {IR_OP_add, IR_I64, false, 0, 0, 0},
        {IR_OP_add, IR_I32, true, 0, 0, 0},
        {IR_OP_sub, IR_I64, false, 0, 0, 0},
        {IR_OP_sub, IR_I64, true, 0, -1, 0},          /* 0 - x is neg, not x */
        {IR_OP_mul, IR_I64, true, 1, 0, 0},
        {IR_OP_mul, IR_I32, false, 0, 1, 0},
        {IR_OP_and, IR_I64, false, ~0ull, 0, 0},
        {IR_OP_and, IR_I32, false, 0xffffffff, 0, 0},
        {IR_OP_and, IR_I64, false, 0xffffffff, -1, 0}, /* only the low half */
        {IR_OP_and, IR_I64, true, 0, 1, 0},
        {IR_OP_or, IR_I64, false, 0, 0, 0},
        {IR_OP_or, IR_I32, true, 0xffffffff, 1, 0xffffffff},
        {IR_OP_xor, IR_I32, false, 0, 0, 0},
        {IR_OP_xor, IR_I64, false, 1, -1, 0},
        {IR_OP_shl, IR_I64, false, 0, 0, 0},
        {IR_OP_shr, IR_I32, false, 0, 0, 0},
        {IR_OP_sar, IR_I64, false, 0, 0, 0},
        {IR_OP_rotl, IR_I32, false, 0, 0, 0},
        {IR_OP_rotr, IR_I64, false, 0, 0, 0},
        {IR_OP_shl, IR_I64, true, 0, -1, 0},          /* 0 << x stays: not an identity here */
        {IR_OP_andc, IR_I64, false, 0, 0, 0},
        {IR_OP_div, IR_I64, false, 1, -1, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const IdentityCase *ic = &cases[i];
        IrBlock *b = new_block();
        IrTemp x = ir_temp_new(b, ic->type), out = ir_temp_new(b, ic->type);
        IrTemp c = ir_const(b, ic->type, ic->c);
        if (ic->type == IR_I32)
            ir_trunc_i64_i32(b, x, G[0]);
        else
            ir_mov(b, x, G[0]);
        ir_emit2(b, ic->op, ic->type, out, ic->const_first ? c : x, ic->const_first ? x : c);
        if (ic->type == IR_I32)
            ir_extu_i32_i64(b, G[1], out);
        else
            ir_mov(b, G[1], out);
        ir_goto_tb(b, 0, 0);
        IrBlock *orig = clone_block(b);
        ir_opt_fold(b);
        assert_valid(b);
        const IrInsn *d = last_def(b, out);
        IrTemp x_now = ic->type == IR_I64 ? G[0] : x;   /* i64 x is a copy of a0 */
        bool ok = ic->result < 0 ? d->op == ic->op
                : ic->result == 0 ? d->op == IR_OP_mov && d->args[1] == x_now
                : d->op == IR_OP_mov && is_const(b, d->args[1], ic->expected);
        if (!ok)
            fail_msg("identity case %zu (%s_i%d) folded wrongly", i, ir_op_defs[ic->op].name,
                     ic->type == IR_I32 ? 32 : 64);
        for (uint64_t v = 0; v < 4; v++) {
            TestCpu before = {.g = {v * 0x9e3779b97f4a7c15ull, 0, 0, 0}}, after = before;
            eval_block(orig, &before);
            eval_block(b, &after);
            assert_memory_equal(&before, &after, sizeof(before));
        }
        ir_block_free(orig);
        ir_block_free(b);
    }
}

static void test_fold_same_operands(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    ir_sub(b, G[0], G[3], G[3]);
    ir_xor(b, G[1], G[3], G[3]);
    ir_and(b, G[2], G[3], G[3]);
    ir_or(b, G[3], G[2], G[2]);
    ir_goto_tb(b, 0, 0);
    ir_opt_fold(b);
    assert_valid(b);
    assert_true(is_const(b, last_def(b, G[0])->args[1], 0));
    assert_true(is_const(b, last_def(b, G[1])->args[1], 0));
    assert_int_equal(last_def(b, G[2])->args[1], G[3]);
    /* a2 is a copy of a3, and a3 = a2 | a2 is then a self-move: dropped */
    assert_int_equal(count_op(b, IR_OP_or), 0);
    assert_int_equal(b->ninsns, 4);
    ir_block_free(b);
}

static void test_fold_keeps_side_effects(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    IrTemp addr = ir_temp_new(b, IR_I64), v = ir_temp_new(b, IR_I64), e = ir_temp_new(b, IR_I64);
    ir_movi(b, addr, 0x1000);
    ir_ld(b, v, addr, ir_memop(3, 0, 0));
    ir_st(b, v, addr, ir_memop(3, 0, 0));
    ir_movi(b, e, 9);
    ir_st_env(b, e, ENV_OFFSET(0), 3);
    ir_ld_env(b, e, ENV_OFFSET(0), 3);
    ir_mov(b, G[0], e);
    ir_mov(b, G[1], v);
    ir_goto_tb(b, 0, 0);
    ir_opt_fold(b);
    assert_valid(b);
    assert_int_equal(count_op(b, IR_OP_ld), 1);
    assert_int_equal(count_op(b, IR_OP_st), 1);
    assert_int_equal(count_op(b, IR_OP_ld_env), 1);
    assert_true(is_const(b, find_op(b, IR_OP_ld, 0)->args[1], 0x1000));
    assert_true(is_const(b, find_op(b, IR_OP_st_env, 0)->args[0], 9));
    assert_int_equal(last_def(b, G[0])->args[1], e);   /* ld_env result is unknown */
    assert_int_equal(last_def(b, G[1])->args[1], v);
    ir_block_free(b);
}

/* ==== dead-code elimination ==== */

static void test_dce_removes_dead_temps(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    IrTemp t1 = ir_temp_new(b, IR_I64), t2 = ir_temp_new(b, IR_I64), t3 = ir_temp_new(b, IR_I64);
    ir_insn_start(b, 0);
    ir_add(b, t1, G[0], G[1]);          /* feeds only dead t2 */
    ir_mul(b, t2, t1, t1);
    ir_ld_env(b, t3, ENV_OFFSET(0), 3);  /* unused */
    ir_mov(b, t3, t3);
    ir_addi(b, G[0], G[0], 1);
    ir_mov(b, t1, G[0]);                /* normal temps are dead at the exit */
    ir_goto_tb(b, 0, 4);
    ir_opt_dce(b);
    assert_valid(b);
    assert_int_equal(b->ninsns, 3);     /* insn_start, add, goto_tb */
    assert_int_equal(b->insns[1].op, IR_OP_add);
    assert_int_equal(b->insns[1].args[0], G[0]);
    ir_block_free(b);
}

static void test_dce_keeps_side_effects(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    IrTemp t1 = ir_temp_new(b, IR_I64), t2 = ir_temp_new(b, IR_I64), r = ir_temp_new(b, IR_I64);
    ir_ld(b, t1, G[0], ir_memop(3, 0, 0));        /* result unused, but may fault */
    ir_st(b, G[1], G[0], ir_memop(3, 0, 0));
    ir_atomic_rmw(b, IR_ATOMIC_ADD, t2, G[0], G[1], ir_memop(3, 0, 0));
    ir_cmpxchg(b, t2, G[0], G[1], G[2], ir_memop(3, 0, 0));
    ir_st_env(b, G[1], ENV_OFFSET(1), 3);
    IrTemp args[2] = {G[0], G[1]};
    ir_call(b, &h_mix, r, args, 2);               /* result unused; calls are kept */
    ir_goto_tb(b, 0, 4);
    uint32_t n = b->ninsns;
    ir_opt_dce(b);
    assert_valid(b);
    assert_int_equal(b->ninsns, n);
    ir_block_free(b);
}

static void test_dce_global_overwritten(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    ir_insn_start(b, 0);
    ir_movi(b, G[0], 1);                /* overwritten, nothing can fault: dead */
    ir_insn_start(b, 4);
    ir_add(b, G[1], G[2], G[3]);
    ir_movi(b, G[0], 2);
    ir_goto_tb(b, 0, 8);
    ir_opt_dce(b);
    assert_valid(b);
    assert_int_equal(count_op(b, IR_OP_mov), 1);
    assert_true(is_const(b, find_op(b, IR_OP_mov, 0)->args[1], 2));
    assert_int_equal(count_op(b, IR_OP_add), 1);
    ir_block_free(b);
}

static void test_dce_global_before_fault_kept(void **state)
{
    (void)state;
    /* A guest fault in the ld must see a0 == 1: the first write stays. */
    static const struct {
        const char *what;
        bool kept;
    } cases[] = {
        {"ld", true},
        {"helper reading globals", true},
        {"helper that can fault", true},
        {"pure helper", false},
        {"st_env", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        IrBlock *b = new_block();
        IrTemp t = ir_temp_new(b, IR_I64);
        ir_movi(b, G[0], 1);
        switch (i) {
        case 0: ir_ld(b, t, G[1], ir_memop(3, 0, 0)); break;
        case 1: ir_call(b, &h_reads, IR_NO_TEMP, &G[1], 1); break;
        case 2: ir_call(b, &h_faults, IR_NO_TEMP, &G[1], 1); break;
        case 3: ir_call(b, &h_pure, IR_NO_TEMP, &G[1], 1); break;
        default: ir_st_env(b, G[1], ENV_OFFSET(0), 3); break;
        }
        ir_movi(b, G[0], 2);
        ir_goto_tb(b, 0, 8);
        ir_opt_dce(b);
        assert_valid(b);
        if ((count_op(b, IR_OP_mov) == 2) != cases[i].kept)
            fail_msg("before %s: first write of a0 %s", cases[i].what,
                     cases[i].kept ? "removed" : "kept");
        ir_block_free(b);
    }
}

static void test_dce_branches_and_loops(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    IrTemp i = ir_temp_new(b, IR_I64), sq = ir_temp_new(b, IR_I64), far = ir_temp_new(b, IR_I64);
    IrLabel top = ir_label_new(b), side = ir_label_new(b);
    ir_addi(b, far, G[1], 9);            /* used only on the branch target path */
    ir_movi(b, i, 0);
    ir_set_label(b, top);
    ir_mul(b, sq, i, i);                 /* dead in every iteration */
    ir_addi(b, i, i, 1);                 /* loop-carried: live around the back edge */
    ir_brcond(b, IR_COND_LTU, i, ir_const64(b, 10), top);
    ir_brcond(b, IR_COND_EQ, G[2], ir_const64(b, 0), side);
    ir_mov(b, G[0], i);
    ir_goto_tb(b, 0, 8);
    ir_set_label(b, side);
    ir_mov(b, G[3], far);
    ir_exit_indirect(b, G[3]);
    IrBlock *orig = clone_block(b);
    ir_opt_dce(b);
    assert_valid(b);
    assert_int_equal(count_op(b, IR_OP_mul), 0);
    assert_int_equal(b->ninsns, orig->ninsns - 1);
    for (uint64_t g2 = 0; g2 < 2; g2++) {
        TestCpu before = {.g = {0, 5, g2, 0}}, after = before;
        ExitState e1 = eval_block(orig, &before), e2 = eval_block(b, &after);
        assert_memory_equal(&before, &after, sizeof(before));
        assert_true(same_exit(e1, e2));
    }
    assert_int_equal(b->insns[0].args[0], far);
    ir_block_free(orig);
    ir_block_free(b);
}

/* Liveness must flow round the back edge: one backward sweep is not enough. */
static void test_dce_loop_needs_fixpoint(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    IrTemp i = ir_temp_new(b, IR_I64), y = ir_temp_new(b, IR_I64);
    IrLabel top = ir_label_new(b), out = ir_label_new(b);
    ir_movi(b, i, 0);
    ir_movi(b, y, 1);
    ir_set_label(b, top);
    ir_brcond(b, IR_COND_EQ, i, ir_const64(b, 5), out);
    ir_add(b, G[1], G[1], y);            /* live only once a1 is known live at top */
    ir_add(b, y, y, y);                  /* live only through the back edge */
    ir_addi(b, i, i, 1);
    ir_br(b, top);
    ir_set_label(b, out);
    ir_goto_tb(b, 0, 0);
    IrBlock *orig = clone_block(b);
    ir_opt_dce(b);
    assert_valid(b);
    assert_int_equal(b->ninsns, orig->ninsns);
    TestCpu before = {.g = {0}}, after = before;
    eval_block(orig, &before);
    eval_block(b, &after);
    assert_int_equal(before.g[1], 31);     /* 1 + 2 + ... + 16 */
    assert_memory_equal(&before, &after, sizeof(before));
    ir_block_free(orig);
    ir_block_free(b);
}

static void test_dce_unreachable_code(void **state)
{
    (void)state;
    IrBlock *b = new_block();
    IrLabel l = ir_label_new(b);
    ir_brcond(b, IR_COND_EQ, G[0], G[1], l);
    ir_raise(b, 3, 0);
    ir_movi(b, G[0], 1);                 /* after an exit, before a label */
    ir_insn_start(b, 4);
    ir_set_label(b, l);
    ir_movi(b, G[1], 1);
    ir_goto_tb(b, 0, 8);
    ir_opt_dce(b);
    assert_valid(b);
    assert_int_equal(b->ninsns, 5);
    assert_int_equal(b->insns[2].op, IR_OP_set_label);
    ir_block_free(b);
}

static void test_optimize_pipeline(void **state)
{
    (void)state;
    /* roughly what a front end makes of: li a1, 8; addi a2, a1, 0; add a3, a2, a0; sd a3, 0(a2) */
    IrBlock *b = new_block();
    IrTemp t = ir_temp_new(b, IR_I64), u = ir_temp_new(b, IR_I64);
    ir_insn_start(b, 0x100);
    ir_add(b, t, ir_const64(b, 0), ir_const64(b, 8));
    ir_mov(b, G[1], t);
    ir_insn_start(b, 0x104);
    ir_addi(b, u, G[1], 0);
    ir_mov(b, G[2], u);
    ir_insn_start(b, 0x108);
    ir_add(b, u, G[2], G[0]);
    ir_mov(b, G[3], u);
    ir_insn_start(b, 0x10c);
    ir_add(b, t, G[2], ir_const64(b, 0));
    ir_st(b, G[3], t, ir_memop(3, 0, 0));
    ir_goto_tb(b, 0, 0x110);
    ir_optimize(b);
    assert_valid(b);
    char *text = print_block(b);
    assert_contains(text, "\n mov_i64 a1, $0x8\n");
    assert_contains(text, "\n mov_i64 a2, $0x8\n");
    assert_contains(text, "\n add_i64 t%u, a0, $0x8\n", u);  /* constant second */
    assert_contains(text, "\n mov_i64 a3, t%u\n", u);
    assert_contains(text, "\n st_i64 t%u, [$0x8] mo=u64 le\n", u);
    assert_int_equal(b->ninsns, 10);
    free(text);
    ir_block_free(b);
}

/* ==== property test: random blocks keep their meaning ==== */

static void gen_pure_op(Gen *g, const IrOpcode *pure_ops, unsigned npure)
{
    IrOpcode op = pure_ops[rng_below(g->r, npure)];
    if (rng_below(g->r, 4) == 0)
        op = IR_OP_mov;                       /* copies make the interesting cases */
    unsigned flags = ir_op_defs[op].flags;
    IrType type = rng_below(g->r, 2) ? IR_I64 : IR_I32;
    IrType in_type = type;
    if (flags & IR_F_ONLY64)
        type = in_type = IR_I64;
    if (flags & IR_F_IN32)
        type = IR_I64, in_type = IR_I32;
    if (flags & IR_F_IN64)
        type = IR_I32, in_type = IR_I64;

    IrTemp out = gen_temp(g, type, false);
    IrTemp in[4];
    for (unsigned i = 0; i < ir_op_defs[op].nin; i++)
        in[i] = gen_temp(g, in_type, true);
    if (ir_op_defs[op].nin >= 2 && rng_below(g->r, 6) == 0)
        in[1] = in[0];                        /* x OP x */
    uint64_t c[1] = {rng_below(g->r, IR_COND_COUNT)};
    ir_emit(g->b, op, type, &out, 1, in, ir_op_defs[op].nin, c);
}

/* an address that is usually inside guest memory */
static IrTemp gen_address(Gen *g)
{
    if (rng_below(g->r, 4) == 0)
        return gen_temp(g, IR_I64, true);
    return ir_const64(g->b, rng_below(g->r, GUEST_MEM + 8));
}

static void gen_memory_op(Gen *g)
{
    IrType type = rng_below(g->r, 2) ? IR_I64 : IR_I32;
    unsigned size = rng_below(g->r, type == IR_I64 ? 4 : 3);
    unsigned flags = (rng_below(g->r, 2) ? IR_MO_SIGN : 0) | (rng_below(g->r, 4) ? 0 : IR_MO_BE);
    IrMemOp mo = ir_memop(size, flags, 0);
    if (rng_below(g->r, 2))
        ir_ld(g->b, gen_temp(g, type, false), gen_address(g), mo);
    else
        ir_st(g->b, gen_temp(g, type, true), gen_address(g), mo);
}

/* Loops run a bounded number of times: `trips` only ever grows. */
static void gen_loop_edge(Gen *g)
{
    if (!g->in_loop) {
        g->loop_head = ir_label_new(g->b);
        ir_set_label(g->b, g->loop_head);
        g->in_loop = true;
        return;
    }
    ir_addi(g->b, g->trips, g->trips, 1);
    ir_brcond(g->b, IR_COND_LTU, g->trips, ir_const64(g->b, 1 + rng_below(g->r, 4)),
              g->loop_head);
    g->in_loop = false;
}

static void gen_exit(Gen *g)
{
    if (rng_below(g->r, 2))
        ir_goto_tb(g->b, rng_below(g->r, 2), rng_next(g->r));
    else
        ir_exit_indirect(g->b, gen_temp(g, IR_I64, true));
}

static IrBlock *gen_block(Rng *r, const IrOpcode *pure_ops, unsigned npure)
{
    Gen g = {.r = r, .b = new_block(), .guest_pc = 0x1000};
    for (unsigned i = 0; i < NTEMP64; i++) {
        g.t64[i] = ir_temp_new(g.b, IR_I64);
        ir_mov(g.b, g.t64[i], rng_below(r, 2) ? G[rng_below(r, NGLOBALS)]
                                               : ir_const64(g.b, rng_value(r)));
    }
    for (unsigned i = 0; i < NTEMP32; i++) {
        g.t32[i] = ir_temp_new(g.b, IR_I32);
        ir_trunc_i64_i32(g.b, g.t32[i], G[rng_below(r, NGLOBALS)]);
    }
    g.trips = ir_temp_new(g.b, IR_I64);
    ir_movi(g.b, g.trips, 0);
    g.nlabels = rng_below(r, 5);
    for (unsigned l = 0; l < g.nlabels; l++)
        g.labels[l] = ir_label_new(g.b);

    unsigned n = 4 + rng_below(r, 32);
    for (unsigned k = 0; k < n; k++) {
        unsigned what = rng_below(r, 100);
        int l = g.nlabels ? gen_unplaced_label(&g) : -1;
        if (what < 60) {
            gen_pure_op(&g, pure_ops, npure);
        } else if (what < 66) {
            ir_insn_start(g.b, g.guest_pc += 4);
        } else if (what < 72 && l >= 0) {
            IrType t = rng_below(r, 2) ? IR_I64 : IR_I32;
            IrTemp a = gen_temp(&g, t, true), c = gen_temp(&g, t, true);
            ir_brcond(g.b, (IrCond)rng_below(r, IR_COND_COUNT), a, c, g.labels[l]);
        } else if (what < 76 && l >= 0) {
            gen_place_label(&g, l);
        } else if (what < 78 && l >= 0) {
            ir_br(g.b, g.labels[l]);
            gen_place_label(&g, gen_unplaced_label(&g));
        } else if (what < 80 && l >= 0) {
            gen_exit(&g);
            gen_place_label(&g, l);
        } else if (what < 83) {
            gen_loop_edge(&g);
        } else if (what < 85) {
            ir_call(g.b, &h_bump, IR_NO_TEMP, NULL, 0);
        } else if (what < 87) {
            IrTemp args[2] = {gen_temp(&g, IR_I64, true), gen_temp(&g, IR_I32, true)};
            ir_call(g.b, &h_mix, gen_temp(&g, IR_I64, false), args, 2);
        } else if (what < 89) {
            IrTemp arg = gen_temp(&g, IR_I64, true);
            ir_call(g.b, &h_trap, IR_NO_TEMP, &arg, 1);
        } else if (what < 95) {
            gen_memory_op(&g);
        } else if (what < 98) {
            bool wide = rng_below(r, 2);
            IrTemp t = gen_temp(&g, wide ? IR_I64 : IR_I32, false);
            ir_ld_env(g.b, t, ENV_OFFSET(rng_below(r, 2)), wide ? 3 : 2);
        } else {
            IrTemp t = gen_temp(&g, IR_I64, true);
            ir_st_env(g.b, t, ENV_OFFSET(rng_below(r, 2)), 3);
        }
    }
    if (g.in_loop)
        gen_loop_edge(&g);
    for (int l; g.nlabels && (l = gen_unplaced_label(&g)) >= 0;)
        gen_place_label(&g, l);
    gen_exit(&g);
    return g.b;
}

static void test_property_optimize_preserves_semantics(void **state)
{
    (void)state;
    const char *env = getenv("POLYVM_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL) ^ (uint64_t)clock();
    print_message("test_ir property seed: POLYVM_SEED=%" PRIu64 "\n", seed);
    Rng r = {seed * 0x9e3779b97f4a7c15ull + 1};

    IrOpcode pure_ops[IR_OP_COUNT];
    unsigned npure = 0;
    for (unsigned op = 0; op < IR_OP_COUNT; op++)
        if (ir_op_defs[op].flags & IR_F_PURE)
            pure_ops[npure++] = (IrOpcode)op;

    static void (*const passes[])(IrBlock *) = {ir_opt_fold, ir_opt_dce, ir_optimize};
    static const char *const pass_names[] = {"fold", "dce", "optimize"};
    unsigned removed = 0, total = 0, runs = 0, faults = 0;
    for (unsigned iter = 0; iter < 3000; iter++) {
        IrBlock *orig = gen_block(&r, pure_ops, npure);
        assert_valid(orig);
        for (unsigned p = 0; p < 3; p++) {
            IrBlock *opt = clone_block(orig);
            passes[p](opt);
            IrError err;
            if (!ir_verify(opt, &err)) {
                TestCpu none = {.g = {0}};
                dump_failure(pass_names[p], orig, opt, &none);
                fail_msg("seed %" PRIu64 " block %u: %s output invalid: %s", seed, iter,
                         pass_names[p], err.msg);
            }
            if (p == 2) {
                total += orig->ninsns;
                removed += orig->ninsns - opt->ninsns;
            }
            for (unsigned k = 0; k < 4; k++) {
                TestCpu start;
                for (unsigned i = 0; i < NGLOBALS; i++)
                    start.g[i] = rng_value(&r);
                start.env[0] = rng_value(&r);
                start.env[1] = rng_value(&r);
                for (unsigned i = 0; i < GUEST_MEM; i++)
                    start.mem[i] = (uint8_t)rng_next(&r);
                TestCpu want = start, got = start;
                ExitState e1 = eval_block(orig, &want), e2 = eval_block(opt, &got);
                runs++;
                faults += e1.op == EXIT_FAULT;
                if (memcmp(&want, &got, sizeof(want)) || !same_exit(e1, e2)) {
                    dump_failure(pass_names[p], orig, opt, &start);
                    fail_msg("seed %" PRIu64 " block %u: %s changed the result", seed, iter,
                             pass_names[p]);
                }
            }
            ir_block_free(opt);
        }
        ir_block_free(orig);
    }
    print_message("optimize removed %u of %u insns; %u of %u runs faulted\n", removed, total,
                  faults, runs);
    assert_true(removed > 0);
    assert_true(faults > runs / 20 && faults < runs / 2);   /* both paths well exercised */
}

int main(void)
{
    init_globals();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify_accepts_every_op),
        cmocka_unit_test(test_verify_accepts_i32_call_args_and_loops),
        cmocka_unit_test(test_const_kinds_cover_every_op),
        cmocka_unit_test(test_print_golden),
        cmocka_unit_test(test_print_exits_and_malformed),
        cmocka_unit_test(test_fold_constant_chain),
        cmocka_unit_test(test_fold_i32_semantics),
        cmocka_unit_test(test_fold_uses_shared_semantics),
        cmocka_unit_test(test_fold_copy_propagation),
        cmocka_unit_test(test_fold_copy_of_redefined_source),
        cmocka_unit_test(test_fold_forgets_at_labels),
        cmocka_unit_test(test_fold_calls_and_globals),
        cmocka_unit_test(test_fold_brcond),
        cmocka_unit_test(test_fold_setcond_movcond),
        cmocka_unit_test(test_fold_identities),
        cmocka_unit_test(test_fold_same_operands),
        cmocka_unit_test(test_fold_keeps_side_effects),
        cmocka_unit_test(test_dce_removes_dead_temps),
        cmocka_unit_test(test_dce_keeps_side_effects),
        cmocka_unit_test(test_dce_global_overwritten),
        cmocka_unit_test(test_dce_global_before_fault_kept),
        cmocka_unit_test(test_dce_branches_and_loops),
        cmocka_unit_test(test_dce_loop_needs_fixpoint),
        cmocka_unit_test(test_dce_unreachable_code),
        cmocka_unit_test(test_optimize_pipeline),
        cmocka_unit_test(test_property_optimize_preserves_semantics),
    };
    enum { NCASES = sizeof(verify_cases) / sizeof(verify_cases[0]) };
    struct CMUnitTest case_tests[NCASES];
    for (size_t i = 0; i < NCASES; i++)
        case_tests[i] = (struct CMUnitTest){.name = verify_cases[i].name,
                                            .test_func = run_verify_case,
                                            .initial_state = (void *)&verify_cases[i]};
    int failed = _cmocka_run_group_tests("ir_verify_rejects", case_tests, NCASES, NULL, NULL);
    failed += cmocka_run_group_tests_name("ir", tests, NULL, NULL);
    return failed;
}
