/*
 * Internal state of the x86-64 back end while it compiles one IR block,
 * shared by its parts:
 *   x86-regs.c   where each IR value lives (host register, home slot) and
 *                the spills and syncs the IR's flags demand
 *   x86-lower.c  one lowering per IR op
 *   x86-exits.c  block entry, exits, chaining slots, the entry/exit
 *                routines, host-fault lookup
 *   x86-jit.c    the driver: liveness, the op loop, labels, stubs
 *
 * Fixed registers while translated code runs: rbp = the CPU (CpuCommon *),
 * r15 = guest_base, rsp 16-byte aligned (calls need no adjustment). All
 * other general registers are allocatable; see docs/jit.md.
 */
#ifndef POLYVM_X86_JIT_H
#define POLYVM_X86_JIT_H

#include <stddef.h>

#include "engine/jit/host-x86_64/x86-emit.h"
#include "engine/jit/jit.h"

#define X86_CPU_REG X86_RBP
#define X86_GUEST_BASE_REG X86_R15

/* rbp points this far past the CPU pointer, so that the first 256 bytes
 * after CpuCommon - the front end's integer registers - are in reach of a
 * one-byte displacement: shorter code for the hottest accesses. */
#define X86_CPU_BIAS ((int32_t)(sizeof(CpuCommon) + 128))

/* [rbp + ...] for byte offset `offset` in the CPU state */
static inline X86Mem x86_cpu_mem(size_t offset) { return x86_mem(X86_CPU_REG, (int32_t)offset - X86_CPU_BIAS); }

/* registers a C call may clobber (System V) */
#define X86_CALL_CLOBBERED                                                                       \
    ((1u << X86_RAX) | (1u << X86_RCX) | (1u << X86_RDX) | (1u << X86_RSI) | (1u << X86_RDI) |   \
     (1u << X86_R8) | (1u << X86_R9) | (1u << X86_R10) | (1u << X86_R11))

typedef struct X86TempState {
    int8_t reg;          /* host register holding the value, or X86_NOREG */
    bool mem_valid;      /* the home slot holds the value (constants: always) */
    /* user mode: the value passed a base check, so it is below the guest
     * size, or within X86_FOLD_DISP_MAX of either end when the stub found
     * base + disp in range (x86-guest-access.c) */
    bool in_range;
    int8_t xmm;          /* xmm register holding a copy (x86-xmm.c), or -1 */
} X86TempState;

/* the xmm copies when a stub was recorded: the host register each xmm
 * register is rebuilt from, or X86_NOREG (x86-xmm.c) */
typedef struct X86XmmSnap {
    int8_t src[16];
} X86XmmSnap;

/* add(base, disp) that emitted nothing: the access at insn `at` takes
 * base + disp as its address temp's value */
typedef struct X86FoldedAddress {
    uint32_t at;
    IrTemp temp, base;
    int32_t disp;
} X86FoldedAddress;

/* the largest displacement an access folds (x86-guest-access.c) */
#define X86_FOLD_DISP_MAX 4095

/* the dirty guest registers at one access: X86Jit.dirty[first, first+count) */
typedef struct X86DirtyRange {
    uint32_t first;
    uint16_t count;
} X86DirtyRange;

/* an out-of-line guest-address check failure, emitted after the body */
typedef struct X86FaultStub {
    uint8_t *jcc;        /* rel32 of the branch to the stub */
    uint8_t *cont;       /* writable address of the access, if in range after all */
    uint64_t guest_pc;
    int8_t addr_reg;     /* the base; the address is base + disp */
    int32_t disp;
    bool is_store;
    X86DirtyRange dirty; /* the stub stores them before raising the fault */
} X86FaultStub;

/* a soft-TLB miss of one system-mode access (x86-softmmu.c): the stub
 * calls cpu_ld/cpu_st and returns to cont */
typedef struct X86TlbStub {
    uint8_t *jcc;        /* rel32 of the branch to the stub */
    uint8_t *cont;       /* writable address of the code after the access */
    uint64_t guest_pc;
    IrMemOp mo;
    IrType type;         /* loads: type of the result */
    bool is_store;
    int8_t addr_reg;
    int8_t value_reg;    /* load result, or store value (X86_NOREG: imm) */
    int32_t imm;
    uint16_t save;       /* call-clobbered registers to preserve */
    X86DirtyRange dirty; /* stored before the call, so faults are precise */
    X86XmmSnap xmm;      /* xmm copies to rebuild before coming back */
} X86TlbStub;

/* the helper call behind one inlined host-FPU operation (x86-hostfp.c) */
typedef struct X86FpStub {
    uint8_t *jcc[3];     /* rel32s of the branches to the stub (NULL: unused) */
    uint8_t *cont;       /* writable address of the code after the operation */
    const IrHelper *helper;
    uint64_t guest_pc;
    bool has_rm;         /* arithmetic: the helper takes a rounding mode ... */
    uint64_t rm;         /* ... this one */
    int8_t in_reg[2];    /* operands (in_reg[1] X86_NOREG for sqrt) */
    int8_t out_reg;
    uint16_t save;       /* call-clobbered registers to preserve */
    X86DirtyRange dirty; /* stored before the call, so faults are precise */
    X86XmmSnap xmm;      /* xmm copies to rebuild (the result's included) */
} X86FpStub;

typedef struct X86LabelRef {
    uint8_t *rel32;      /* branch displacement to patch */
    uint32_t label;
} X86LabelRef;

typedef struct X86Jit {
    JitBuf b;
    JitState *js;
    const IrBlock *ir;
    TranslatedBlock *tb;
    bool count_stats;

    X86TempState *ts;            /* per IR temp */
    uint32_t *last_use;          /* per IR temp: index of the last insn reading it */
    int16_t reg_temp[16];        /* IR temp in each host register, or -1 */
    int16_t xmm_temp[16];        /* IR temp each xmm register has a copy of, or -1 */
    uint32_t xmm_stamp[16];      /* insn index of each copy's last use */
    uint16_t locked;             /* registers the current insn relies on */
    uint32_t cur;                /* index of the insn being lowered */
    uint64_t insn_pc;            /* guest PC of the current guest instruction */
    bool unreachable;            /* after an exit, until the next label */

    uint8_t **label_pos;         /* writable address of each label, NULL until placed */
    X86LabelRef *label_refs;
    uint32_t nlabel_refs, cap_label_refs;
    X86FaultStub *stubs;
    uint32_t nstubs, cap_stubs;
    X86TlbStub *tlb_stubs;
    uint32_t ntlb_stubs, cap_tlb_stubs;
    X86FpStub *fp_stubs;
    uint32_t nfp_stubs, cap_fp_stubs;
    JitFaultSite *faults;
    uint32_t nfaults, cap_faults;
    JitDirtyGlobal *dirty;
    uint32_t ndirty, cap_dirty;
    uint8_t *entry_jcc;          /* the leave_code check's branch */
    X86FoldedAddress fold;       /* an add the next access folds (x86-guest-access.c) */
    /* A block that jumps back to its own start runs that loop inside its
     * code: the guest registers it uses most stay pinned in host registers
     * from loop_head on, stored only where something outside may look. */
    int8_t *pin;                 /* per global: its pinned register, or X86_NOREG */
    bool *pin_written;           /* per global: some op of the block writes it */
    uint16_t pin_mask;           /* the pinned registers */
    uint8_t *loop_head;          /* writable address of the loop's top, or NULL */
    uint32_t last_label;         /* the label placed last */
    uint8_t *exit_jmp[2];        /* rel32 of each chainable goto_tb slot */
    uint8_t *exit_stub[2];
    uint8_t *exit_jcc[2];        /* rel32 of a branch patched with the slot */
    bool failed;                 /* out of memory or unsupported IR */
} X86Jit;

/* Room for one more element at items[n] of an array that doubles as it
 * grows; false (and j->failed set) when out of memory. */
#define X86_ROOM(j, items, n, cap) ((n) < (cap) || x86_grow_array((j), &(items), &(cap), sizeof(*(items))))
bool x86_grow_array(X86Jit *j, void *items, uint32_t *cap, size_t elem_size);

/* ---- values (x86-regs.c) ---- */
X86Mem x86_home(const X86Jit *j, IrTemp t);
bool x86_temp_is_const(const X86Jit *j, IrTemp t);
uint64_t x86_const_value(const X86Jit *j, IrTemp t);
/* The constant as a sign-extended imm32 if the temp is one that fits. */
bool x86_const_imm32(const X86Jit *j, IrTemp t, int32_t *imm);
/* A free register outside `avoid`, evicting an unlocked value if needed. */
X86Reg x86_alloc_reg(X86Jit *j, uint16_t avoid);
/* Makes temp t's value live in a register (locked for this insn). */
X86Reg x86_use(X86Jit *j, IrTemp t, uint16_t avoid);
/* A register for output t, whose previous value is dropped (locked). */
X86Reg x86_def(X86Jit *j, IrTemp t, uint16_t avoid);
/* t, in its register (x86_use), is about to be changed there. */
void x86_redefine_in_place(X86Jit *j, IrTemp t);
/* Output t is in register r, which the caller emptied (fixed registers). */
void x86_bind_output(X86Jit *j, IrTemp t, X86Reg r);
/* Temp t is in a register and the current insn is its last reader (not a
 * global or a constant), so its register may be taken over. */
bool x86_dies_here(const X86Jit *j, IrTemp t);
/* Output t takes over input register r of a temp that dies here, if so. */
bool x86_def_reuse(X86Jit *j, IrTemp out, IrTemp in);
/* Empties register r (storing its value if still needed later). */
void x86_evict_reg(X86Jit *j, X86Reg r);
/* Stores dirty globals to the CPU state (they stay in their registers). */
void x86_sync_globals(X86Jit *j);
/* Before a C call: syncs (and, if the callee writes globals, drops) the
 * globals and moves every still-needed value out of clobbered registers. */
void x86_prepare_call(X86Jit *j, bool callee_reads_globals, bool callee_writes_globals);
/* At labels and branches: every value to its home, registers empty. */
void x86_spill_all(X86Jit *j);
/* Puts every pinned global back in its register after an op or a call
 * that moved or evicted it. */
void x86_fix_pins(X86Jit *j);
/* Stores the dirty globals that are not pinned (a loop's back edge). */
void x86_sync_unpinned(X86Jit *j);
/* Frees the registers of temps whose last use is the current insn. */
void x86_release_dead(X86Jit *j);
/* Forgets every register assignment (values are already home). */
void x86_forget_regs(X86Jit *j);

/* ---- ops (x86-lower.c) ---- */
/* Lowers one non-exit, non-label op; false if unsupported. */
bool x86_lower_insn(X86Jit *j, const IrInsn *in);
/* Emits a call to fn(cpu, args...) with args from temps or immediates. */
typedef struct X86CallArg {
    bool is_temp;
    IrTemp temp;
    uint64_t imm;
} X86CallArg;
void x86_emit_call(X86Jit *j, const void *fn, const X86CallArg *args, unsigned nargs);
void x86_store_insn_pc(X86Jit *j);
/* r = the guest value at m, extended per mo to type (the one load insn) */
void x86_emit_guest_load(X86Jit *j, X86Reg r, X86Mem m, IrMemOp mo, IrType type);
/* Whether a store of val can take it as an immediate (*imm), and the store
 * itself: v, or imm when v is X86_NOREG */
bool x86_store_imm_operand(const X86Jit *j, IrTemp val, unsigned size, int32_t *imm);
void x86_emit_guest_store(X86Jit *j, X86Mem m, unsigned size, X86Reg v, int32_t imm);
X86Cond x86_cond(IrCond c);
/* cmp/test a, b for cond; returns the x86 condition to branch or set on. */
X86Cond x86_compare(X86Jit *j, IrCond cond, IrType type, IrTemp a, IrTemp c);

/* ---- exits (x86-exits.c) ---- */
void x86_emit_block_entry(X86Jit *j);
void x86_emit_goto_tb(X86Jit *j, unsigned slot, uint64_t target);
/* goto_tb to the block's own start when it has a loop head */
void x86_emit_loop_back(X86Jit *j);
void x86_emit_exit_indirect(X86Jit *j, IrTemp target);
void x86_emit_raise(X86Jit *j, uint32_t excp, uint64_t aux);
/* the leave_code check's target: leave with the block's PC */
void x86_emit_entry_stub(X86Jit *j);
/* Raises the access fault at addr of the guest insn at pc; the guest
 * registers are already in the CPU. */
_Noreturn void jit_raise_access_fault(CpuCommon *cpu, uint64_t addr, uint64_t pc, uint64_t is_store);

/* ---- user-mode memory access (x86-guest-access.c) ---- */
/* Whether an access with this memop is inlined (else cpu_ld/cpu_st). */
bool x86_inline_access(IrMemOp mo);
/* Lowering an add: true (and nothing emitted) if the next op, an inline
 * user-mode access, folds it as base + displacement. */
bool x86_fold_address(X86Jit *j, const IrInsn *in);
void x86_lower_user_load(X86Jit *j, IrTemp out, IrTemp addr, IrMemOp mo, IrType type);
void x86_lower_user_store(X86Jit *j, IrTemp val, IrTemp addr, IrMemOp mo);
/* the range checks' stubs: raise the fault, or go back if in range */
void x86_emit_fault_stubs(X86Jit *j);

/* ---- system-mode memory access (x86-softmmu.c) ---- */
void x86_lower_tlb_load(X86Jit *j, IrTemp out, IrTemp addr, IrMemOp mo, IrType type);
void x86_lower_tlb_store(X86Jit *j, IrTemp val, IrTemp addr, IrMemOp mo);
void x86_emit_tlb_stubs(X86Jit *j);
/* The guest registers dirty in host registers now, for a fault site or
 * a stub to write back (x86-lower.c). */
X86DirtyRange x86_note_dirty_globals(X86Jit *j);
/* ---- out-of-line stubs that call C and come back (x86-stub.c) ---- */
/* call-clobbered registers holding values the code after a stub needs */
uint16_t x86_live_clobbered(const X86Jit *j, uint16_t extra);
/* Points jcc (if any) here, stores the dirty globals, saves `save` and aligns rsp;
 * returns what x86_stub_end needs. */
unsigned x86_stub_begin(X86Jit *j, uint8_t *jcc, X86DirtyRange dirty, uint16_t save);
/* Restores what x86_stub_begin saved, rebuilds the xmm copies and jumps
 * back to cont. */
void x86_stub_end(X86Jit *j, uint16_t save, unsigned pushed, const X86XmmSnap *xmm, uint8_t *cont);

/* ---- xmm copies of FP values (x86-xmm.c) ---- */
/* Drops temp t's copy / every copy (C calls, labels). */
void x86_xmm_forget(X86Jit *j, IrTemp t);
void x86_xmm_clear(X86Jit *j);
/* An xmm register outside `avoid`, dropping the oldest copy if needed. */
unsigned x86_xmm_alloc(X86Jit *j, uint16_t avoid);
/* xmm register x now holds a copy of t. */
void x86_xmm_bind(X86Jit *j, IrTemp t, unsigned x);
/* An xmm register with a copy of t, whose value is in host register r. */
unsigned x86_xmm_use(X86Jit *j, IrTemp t, X86Reg r, uint16_t avoid);
void x86_xmm_snapshot(const X86Jit *j, X86XmmSnap *snap);
void x86_xmm_reload(X86Jit *j, const X86XmmSnap *snap);

/* ---- the host-FPU fast path (x86-hostfp.c) ---- */
/* Inlines a helper call that describes an IrHostFp operation; false (and
 * nothing emitted) when this call does not qualify. */
bool x86_lower_host_fp(X86Jit *j, const IrInsn *in);
void x86_emit_fp_stubs(X86Jit *j);

/* Emits the shared enter/epilogue routines at the start of the buffer. */
bool x86_emit_entry_routines(JitState *js);

static inline size_t x86_frame_offset(IrTemp t) { return offsetof(CpuCommon, frame) + 8 * (size_t)t; }

#endif
