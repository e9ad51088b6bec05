/*
 * polyvm IR: the one intermediate representation every front end emits and
 * every engine (interpreter, JIT, AOT) executes. See docs/ir.md.
 *
 * Use: a front end gets an IrBlock from ir_block_new(), declares the guest
 * registers once with ir_global() (cached per front end), then emits ops with
 * the ir_* builder functions below. ir_verify() checks the block, ir_optimize()
 * folds/propagates/removes dead code, ir_print() writes it for `-d ir`.
 *
 * Temps are typed (IR_I32 or IR_I64); an IR_I32 value is held zero-extended.
 * Globals live in the CPU state at a byte offset (8-byte slots). Constants are
 * interned temps of kind IR_TEMP_CONST, so every op takes temps only.
 */
#ifndef POLYVM_IR_H
#define POLYVM_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define IR_VARIADIC 0xff
#define IR_MAX_ARGS 8        /* temp operands of one insn (outputs + inputs) */
#define IR_MAX_CONSTS 2
#define IR_MAX_CALL_ARGS 5   /* helper arguments after the implicit CPU pointer */
#define IR_MAX_TEMPS 4096    /* per block, so engines can size frames statically */

/* IR_F_*: properties of an op, used by verifier, optimizer and engines */
enum {
    IR_F_PURE = 1 << 0,        /* result depends only on inputs; no side effect */
    IR_F_COMMUTATIVE = 1 << 1,
    IR_F_IN32 = 1 << 2,        /* inputs are I32 whatever the insn type */
    IR_F_IN64 = 1 << 3,        /* inputs are I64 whatever the insn type */
    IR_F_ONLY64 = 1 << 4,      /* only valid with type I64 */
    IR_F_LABEL = 1 << 5,
    IR_F_BRANCH = 1 << 6,
    IR_F_MEM = 1 << 7,         /* guest memory access; last input is the I64 address */
    IR_F_CAN_FAULT = 1 << 8,   /* may raise a guest exception: globals must be in sync */
    IR_F_SIDE = 1 << 9,        /* has a side effect: never removed */
    IR_F_CALL = 1 << 10,
    IR_F_EXIT = 1 << 11,       /* ends the block */
};

typedef enum IrOpcode {
#define DEF(name, nout, nin, nconst, flags) IR_OP_##name,
#include "../../src/ir/ir-ops.def"
#undef DEF
    IR_OP_COUNT
} IrOpcode;

typedef struct IrOpDef {
    const char *name;
    uint8_t nout, nin, nconst;
    uint16_t flags;
} IrOpDef;

extern const IrOpDef ir_op_defs[IR_OP_COUNT];

typedef enum IrType { IR_I32 = 0, IR_I64 = 1 } IrType;

/* Conditions for setcond/movcond/brcond. One table drives names and evaluation. */
#define IR_CONDS(X)                                                         \
    X(EQ, eq) X(NE, ne) X(LT, lt) X(GE, ge) X(LE, le) X(GT, gt)             \
    X(LTU, ltu) X(GEU, geu) X(LEU, leu) X(GTU, gtu)                         \
    X(TSTEQ, tsteq) X(TSTNE, tstne)
typedef enum IrCond {
#define X(up, low) IR_COND_##up,
    IR_CONDS(X)
#undef X
    IR_COND_COUNT
} IrCond;
const char *ir_cond_name(IrCond c);
IrCond ir_cond_invert(IrCond c);
IrCond ir_cond_swap(IrCond c);       /* condition with operands exchanged */
bool ir_cond_eval(IrCond c, IrType t, uint64_t a, uint64_t b);

/*
 * IrMemOp: size, signedness, endianness, alignment and MMU index of a guest
 * memory access, packed into one constant.
 */
enum {
    IR_MO_8 = 0, IR_MO_16 = 1, IR_MO_32 = 2, IR_MO_64 = 3,
    IR_MO_SIZE_MASK = 3,
    IR_MO_SIGN = 1 << 2,      /* sign-extend loads to the insn type */
    IR_MO_BE = 1 << 3,        /* big-endian guest access */
    IR_MO_ALIGN = 1 << 4,     /* misaligned access raises an alignment fault */
    IR_MO_MMU_SHIFT = 8,      /* MMU index in bits 8..15 */
};
typedef uint32_t IrMemOp;
static inline IrMemOp ir_memop(unsigned size_log2, unsigned flags, unsigned mmu_idx)
{
    return (size_log2 & IR_MO_SIZE_MASK) | flags | (mmu_idx << IR_MO_MMU_SHIFT);
}
static inline unsigned ir_memop_size(IrMemOp mo) { return 1u << (mo & IR_MO_SIZE_MASK); }
static inline unsigned ir_memop_mmu(IrMemOp mo) { return (mo >> IR_MO_MMU_SHIFT) & 0xff; }

#define IR_ATOMIC_OPS(X)                                                    \
    X(XCHG, xchg) X(ADD, add) X(AND, and) X(OR, or) X(XOR, xor)             \
    X(SMIN, smin) X(SMAX, smax) X(UMIN, umin) X(UMAX, umax)
typedef enum IrAtomicOp {
#define X(up, low) IR_ATOMIC_##up,
    IR_ATOMIC_OPS(X)
#undef X
    IR_ATOMIC_COUNT
} IrAtomicOp;
const char *ir_atomic_name(IrAtomicOp op);
/* the value an atomic op stores, given the old memory value and the operand */
uint64_t ir_atomic_apply(IrAtomicOp op, IrType t, uint64_t old, uint64_t val);

/*
 * Helpers: C functions the IR calls for complex semantics. Every helper takes
 * the CPU pointer first, then nargs uint64_t arguments, and returns uint64_t
 * (ignored when it has no result). The flags say what the helper touches, so
 * engines know which globals to sync around the call.
 */
enum {
    IR_HELPER_READS_GLOBALS = 1 << 0,   /* reads guest registers from CPU state */
    IR_HELPER_WRITES_GLOBALS = 1 << 1,  /* writes guest registers in CPU state */
    IR_HELPER_CAN_FAULT = 1 << 2,       /* may raise a guest exception (longjmp) */
    IR_HELPER_HAS_RESULT = 1 << 3,
};
/*
 * A helper that does one IEEE-754 binary64 operation may describe it, so
 * that a JIT can inline the host's instruction in front of the call
 * (docs/jit.md, "The host-FPU fast path"). For arithmetic the inline
 * result stands only when it must equal the helper's: the rounding mode
 * is to-nearest-even, the result is finite and well clear of the
 * subnormal range (so it is no NaN and no operation raised any flag but
 * inexact), and the guest's accrued inexact flag is already set, so the
 * helper would have changed no state but the result. Compares (result 0
 * or 1) stand when neither operand is a NaN, as they raise nothing then.
 * Anything else calls the helper. The helper's arguments are the
 * operands, then for arithmetic the rounding mode; engines without such a
 * path ignore this.
 */
#define IR_HOST_FP_OPS(X) X(ADD) X(SUB) X(MUL) X(DIV) X(SQRT) X(LT) X(LE) X(EQ)
typedef enum IrHostFpOp {
    IR_HOST_FP_NONE,
#define X(up) IR_HOST_FP_##up,
    IR_HOST_FP_OPS(X)
#undef X
    IR_HOST_FP_COUNT
} IrHostFpOp;
/* compares: no rounding-mode argument, no flags to check */
static inline bool ir_host_fp_is_compare(unsigned op) { return op >= IR_HOST_FP_LT; }
typedef struct IrHostFp {
    uint8_t op;              /* IrHostFpOp; SQRT takes one operand, the rest two */
    uint8_t rm_nearest;      /* rounding-mode argument meaning to-nearest-even */
    uint8_t rm_dynamic;      /* ... meaning "the mode at dynamic_rm_offset" */
    uint8_t dynamic_rm_nearest; /* the value there meaning to-nearest-even */
    uint8_t inexact_mask;    /* the accrued inexact flag, in the flags' low byte */
    uint32_t flags_offset;   /* byte offset from the CPU of the accrued flags */
    uint32_t dynamic_rm_offset; /* byte offset of the dynamic mode (32 bits read) */
} IrHostFp;

typedef struct IrHelper {
    const char *name;
    void *fn;
    uint8_t nargs;
    uint8_t flags;
    const IrHostFp *host_fp; /* NULL, or the operation for a JIT to inline */
} IrHelper;
#define IR_HELPER_PURE 0
typedef uint64_t (*IrHelperFn0)(void *cpu);
typedef uint64_t (*IrHelperFn1)(void *cpu, uint64_t);
typedef uint64_t (*IrHelperFn2)(void *cpu, uint64_t, uint64_t);
typedef uint64_t (*IrHelperFn3)(void *cpu, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*IrHelperFn4)(void *cpu, uint64_t, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*IrHelperFn5)(void *cpu, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t ir_helper_invoke(const IrHelper *h, void *cpu, const uint64_t *args);

typedef enum IrTempKind {
    IR_TEMP_NORMAL,   /* lives for the whole block */
    IR_TEMP_GLOBAL,   /* backed by CPU state at `offset` */
    IR_TEMP_CONST,    /* value fixed in `value` */
} IrTempKind;

typedef uint32_t IrTemp;   /* index into IrBlock.temps */
typedef uint32_t IrLabel;

typedef struct IrTempInfo {
    uint8_t type;        /* IrType */
    uint8_t kind;        /* IrTempKind */
    uint32_t offset;     /* globals: byte offset in CPU state */
    uint64_t value;      /* constants */
    const char *name;    /* globals: register name for the printer */
} IrTempInfo;

typedef struct IrInsn {
    uint16_t op;         /* IrOpcode */
    uint8_t type;        /* IrType */
    uint8_t nout, nin;   /* actual operand counts (variadic call) */
    IrTemp args[IR_MAX_ARGS];
    uint64_t c[IR_MAX_CONSTS];
} IrInsn;

typedef struct IrBlock {
    uint64_t guest_pc;        /* first guest instruction */
    uint64_t guest_size;      /* bytes of guest code covered */
    uint32_t guest_insns;     /* guest instructions translated */
    uint32_t flags;           /* CPU mode bits that affected translation */
    /* system mode: guest memory is reached through the soft TLB, never
     * as guest_base + address */
    bool softmmu;
    /* the first instruction could not be fetched: the block is only the
     * fetch fault, which must not be cached (the page may be mapped next) */
    bool fetch_failed;

    IrInsn *insns;
    uint32_t ninsns, cap_insns;
    IrTempInfo *temps;
    uint32_t ntemps, cap_temps;
    uint32_t nlabels;
    uint32_t nglobals;        /* temps [0, nglobals) are the globals */
    bool overflow;            /* builder ran out of room: block must be cut */
} IrBlock;

/* Globals are declared once per front end and copied into each new block. */
typedef struct IrGlobals {
    IrTempInfo info[256];
    uint32_t count;
} IrGlobals;
IrTemp ir_globals_add(IrGlobals *g, IrType type, uint32_t offset, const char *name);

IrBlock *ir_block_new(const IrGlobals *globals);
void ir_block_reset(IrBlock *b, const IrGlobals *globals);
void ir_block_free(IrBlock *b);

/* temps */
IrTemp ir_temp_new(IrBlock *b, IrType type);
IrTemp ir_const(IrBlock *b, IrType type, uint64_t value);
static inline IrTemp ir_const64(IrBlock *b, uint64_t v) { return ir_const(b, IR_I64, v); }
static inline IrTemp ir_const32(IrBlock *b, uint32_t v) { return ir_const(b, IR_I32, v); }
static inline IrType ir_temp_type(const IrBlock *b, IrTemp t) { return (IrType)b->temps[t].type; }
static inline bool ir_temp_is_const(const IrBlock *b, IrTemp t) { return b->temps[t].kind == IR_TEMP_CONST; }
/* true for a call of a helper that may write guest registers (globals):
 * what an optimization pass knows about any global is stale after it */
static inline bool ir_insn_writes_globals(const IrInsn *insn)
{
    if (!(ir_op_defs[insn->op].flags & IR_F_CALL))
        return false;
    const IrHelper *h = (const IrHelper *)(uintptr_t)insn->c[0];
    return h && (h->flags & IR_HELPER_WRITES_GLOBALS);
}
IrLabel ir_label_new(IrBlock *b);

/* generic emission; the typed wrappers below are what front ends use */
IrInsn *ir_emit(IrBlock *b, IrOpcode op, IrType type, const IrTemp *outs, unsigned nout,
                const IrTemp *ins, unsigned nin, const uint64_t *consts);
void ir_emit1(IrBlock *b, IrOpcode op, IrType type, IrTemp out, IrTemp a);
void ir_emit2(IrBlock *b, IrOpcode op, IrType type, IrTemp out, IrTemp a, IrTemp c);

/* out = a OP b (types taken from out) */
#define IR_BINARY_BUILDERS(X) X(add) X(sub) X(mul) X(mulsh) X(muluh) X(mulsuh) \
    X(div) X(divu) X(rem) X(remu) X(and) X(or) X(xor) X(andc) X(orc) X(xnor)     \
    X(shl) X(shr) X(sar) X(rotl) X(rotr)
#define IR_UNARY_BUILDERS(X) X(mov) X(neg) X(not) X(clz) X(ctz) X(ctpop) X(bswap)  \
    X(ext8s) X(ext8u) X(ext16s) X(ext16u) X(ext32s) X(ext32u)
#define X(name) void ir_##name(IrBlock *b, IrTemp out, IrTemp a, IrTemp c);
IR_BINARY_BUILDERS(X)
#undef X
#define X(name) void ir_##name(IrBlock *b, IrTemp out, IrTemp a);
IR_UNARY_BUILDERS(X)
#undef X
void ir_movi(IrBlock *b, IrTemp out, uint64_t value);
void ir_addi(IrBlock *b, IrTemp out, IrTemp a, int64_t imm);
void ir_ext_i32_i64(IrBlock *b, IrTemp out64, IrTemp a32);
void ir_extu_i32_i64(IrBlock *b, IrTemp out64, IrTemp a32);
void ir_trunc_i64_i32(IrBlock *b, IrTemp out32, IrTemp a64);
void ir_setcond(IrBlock *b, IrCond cond, IrTemp out, IrTemp a, IrTemp c);
void ir_movcond(IrBlock *b, IrCond cond, IrTemp out, IrTemp a, IrTemp c, IrTemp vtrue, IrTemp vfalse);
void ir_set_label(IrBlock *b, IrLabel l);
void ir_br(IrBlock *b, IrLabel l);
void ir_brcond(IrBlock *b, IrCond cond, IrTemp a, IrTemp c, IrLabel l);
void ir_ld(IrBlock *b, IrTemp out, IrTemp addr, IrMemOp mo);
void ir_st(IrBlock *b, IrTemp val, IrTemp addr, IrMemOp mo);
void ir_atomic_rmw(IrBlock *b, IrAtomicOp aop, IrTemp out, IrTemp addr, IrTemp val, IrMemOp mo);
void ir_cmpxchg(IrBlock *b, IrTemp out, IrTemp addr, IrTemp expected, IrTemp newv, IrMemOp mo);
void ir_ld_env(IrBlock *b, IrTemp out, uint32_t offset, unsigned size_log2);
void ir_st_env(IrBlock *b, IrTemp val, uint32_t offset, unsigned size_log2);
/* out may be IR_NO_TEMP when the helper has no result */
#define IR_NO_TEMP UINT32_MAX
void ir_call(IrBlock *b, const IrHelper *h, IrTemp out, const IrTemp *args, unsigned nargs);
void ir_insn_start(IrBlock *b, uint64_t guest_pc);
void ir_goto_tb(IrBlock *b, unsigned slot, uint64_t target_pc);
void ir_exit_indirect(IrBlock *b, IrTemp target_pc);
void ir_raise(IrBlock *b, uint32_t exception, uint64_t aux);

/* checks, passes, printing */
typedef struct IrError {
    uint32_t insn;       /* index of the offending insn, or UINT32_MAX */
    char msg[160];
} IrError;
bool ir_verify(const IrBlock *b, IrError *err);

/* What constant operand idx of an op means; one table (verify.c) serves the
 * verifier, the printer and anything else that reads IrInsn.c[]. */
typedef enum IrConstKind {
    IR_CK_RAW,         /* plain number (raise aux value) */
    IR_CK_COND,        /* IrCond */
    IR_CK_LABEL,       /* IrLabel */
    IR_CK_MEMOP,       /* IrMemOp */
    IR_CK_ATOMIC,      /* IrAtomicOp */
    IR_CK_HELPER,      /* const IrHelper * */
    IR_CK_PC,          /* guest address */
    IR_CK_ENV_OFFSET,  /* byte offset in CPU state */
    IR_CK_SIZE_LOG2,   /* access size of ld_env/st_env */
    IR_CK_EXIT_SLOT,   /* goto_tb chaining slot: 0 or 1 */
    IR_CK_EXCEPTION,   /* exception number */
} IrConstKind;
IrConstKind ir_const_kind(IrOpcode op, unsigned idx);
void ir_opt_fold(IrBlock *b);       /* constant folding and propagation, copy propagation */
void ir_opt_combine(IrBlock *b);    /* peephole: shift pairs into rotates, known-bits extensions */
void ir_opt_dce(IrBlock *b);        /* dead-code elimination by liveness */
void ir_optimize(IrBlock *b);       /* the standard pipeline */
void ir_print(const IrBlock *b, FILE *out);
void ir_print_insn(const IrBlock *b, const IrInsn *insn, FILE *out);

/* evaluation of pure ops, shared by the folder and the interpreter */
uint64_t ir_eval_pure(IrOpcode op, IrType type, const uint64_t *in, const uint64_t *consts);
static inline uint64_t ir_type_mask(IrType t) { return t == IR_I32 ? 0xffffffffull : ~0ull; }

#endif
