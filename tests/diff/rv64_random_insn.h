/*
 * Random RV64GC + Zba/Zbb/Zbs instruction sequences for differential tests.
 *
 * Use: rvg_init() once (it checks that every row of the front end's
 * insn32.def / insn16.def has a generator template), optionally disable
 * templates with rvg_enable(), then rvg_generate(&seq, seed, index) gives a
 * reproducible sequence: an initial architectural state and up to
 * RVG_MAX_INSNS instructions whose memory operands all land in the data page
 * [RVG_DATA_BASE, +RVG_DATA_SIZE). The code bytes are position independent
 * (branches only go forward inside the sequence and land at most on its end),
 * so a runner places them anywhere and appends its own terminator (ebreak, or
 * the register dump of the ELF batch image).
 *
 * The data page's initial contents are a function of a seed (rvg_fill_data),
 * simple enough that guest code can compute it too (the ELF batch image does).
 *
 * Two options serve runners that compare polyvm with itself (rv64-lockstep)
 * and are off for the oracles: loops (backward branches, bounded by a
 * counter register) and faults (one access to an address that is unmapped in
 * the direct runners' layout). With both off a seed gives the same sequences
 * as before they existed.
 */
#ifndef RV64_RANDOM_INSN_H
#define RV64_RANDOM_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Memory map shared by every runner. */
#define RVG_DATA_BASE UINT64_C(0x11000) /* data page all memory operands fall into */
#define RVG_DATA_SIZE 4096u
#define RVG_DUMP_BASE UINT64_C(0x12000) /* ELF image: register dump area after the data page */
#define RVG_CODE_BASE UINT64_C(0x13000) /* direct runners: the sequence, then the terminator */
/* Direct runners reserve this much guest address space and map only the data
 * and code pages in it; fault addresses are chosen against this layout. */
#define RVG_SPACE_SIZE (UINT64_C(16) << 20)

#define RVG_MAX_INSNS 40          /* including the helper insns of indirect jumps */
#define RVG_MAX_CODE (RVG_MAX_INSNS * 4)

/* fcsr layout */
#define RVG_FCSR_FFLAGS_MASK 0x1fu
#define RVG_FCSR_FRM_SHIFT 5

/* Instruction groups: the unit of coverage summaries and of oracle exclusions. */
#define RVG_GROUPS(X)                                                         \
    X(RV64I, "rv64i", "base integer")                                        \
    X(PCREL, "pcrel", "auipc, jal, jalr and compressed jumps (write PC values)") \
    X(BRANCH, "branch", "conditional forward branches")                      \
    X(M, "m", "multiply/divide")                                              \
    X(A, "a", "atomics, LR/SC")                                               \
    X(ZICSR, "zicsr", "fflags/frm/fcsr CSR access")                           \
    X(ZIFENCEI, "zifencei", "fence.i")                                        \
    X(F, "f", "single precision")                                             \
    X(D, "d", "double precision")                                             \
    X(C, "c", "compressed integer")                                           \
    X(CD, "cd", "compressed double loads/stores")                             \
    X(ZBA, "zba", "address generation")                                       \
    X(ZBB, "zbb", "basic bit manipulation")                                   \
    X(ZBS, "zbs", "single-bit instructions")
typedef enum RvgGroup {
#define X(id, name, text) RVG_GROUP_##id,
    RVG_GROUPS(X)
#undef X
    RVG_GROUP_COUNT
} RvgGroup;

/* Initial architectural state of a sequence. */
typedef struct RvgState {
    uint64_t x[32];
    uint64_t f[32];
    uint64_t fcsr;        /* frm << 5 | fflags; fflags start at 0 */
    uint64_t data_seed;   /* the data page is rvg_fill_data(data_seed) */
} RvgState;

/* Final architectural state as a runner reports it. */
typedef struct RvgFinal {
    uint64_t x[32];
    uint64_t f[32];
    uint64_t fcsr;
    uint8_t data[RVG_DATA_SIZE];
    bool failed;          /* the runner could not finish the sequence */
    char why[160];
} RvgFinal;

typedef struct RvgInsn {
    uint32_t bits;
    uint8_t len;          /* 2 or 4 */
    uint16_t row;         /* index into the template table */
    int16_t target;       /* branch/jump: index of the insn it lands on (ninsns = end) */
    int16_t anchor;       /* offsets are measured from this insn (auipc of a jalr pair) */
    int8_t lsb;           /* jalr: extra 1 added to the offset (cleared by jalr) */
    bool loop_counter;    /* decrements the loop counter before a backward branch */
} RvgInsn;

typedef struct RvgSeq {
    uint64_t seed, index;
    RvgState init;
    uint32_t ninsns;
    RvgInsn insn[RVG_MAX_INSNS];
    uint32_t code_len;
    uint8_t code[RVG_MAX_CODE];
    uint8_t dump_reg;     /* a base register (x8..x15) no insn writes; runners may clobber it */
    uint32_t base_mask;   /* registers holding data addresses, never written */
    /* loops/faults options only (0 = none): registers no insn writes either */
    uint8_t loop_reg;     /* counter of the backward branches: each one decrements it first */
    uint8_t fault_reg;    /* base of the faulting access */
    int16_t fault_insn;   /* index of the access meant to fault, -1 if none */
    uint64_t fault_addr;  /* the address it accesses */
} RvgSeq;

/* Generation options. */
typedef struct RvgOptions {
    unsigned max_insns;        /* 1..RVG_MAX_INSNS-8: generated insns per sequence at most */
    unsigned misaligned_pct;   /* share of plain loads/stores that are misaligned */
    unsigned loops;            /* backward branches per sequence at most (0: forward only) */
    unsigned fault_pct;        /* share of sequences with an access to an unmapped address */
} RvgOptions;
/* Upper bound of the loop counter's initial value: with loops, an insn runs at
 * most RVG_LOOP_MAX_COUNT + 1 times. */
#define RVG_LOOP_MAX_COUNT 4

int rvg_init(char *err, size_t errlen);
unsigned rvg_row_count(void);
const char *rvg_row_name(unsigned row);
RvgGroup rvg_row_group(unsigned row);
bool rvg_row_generated(unsigned row);        /* false for rows never emitted (ecall, ...) */
const char *rvg_group_name(RvgGroup g);
const char *rvg_group_text(RvgGroup g);

/* Selects templates: by group name or row name ("zbb", "fmin_s", "c_addi").
 * Returns the number of rows changed, -1 if the name is unknown. */
int rvg_enable(const char *name, bool on);
bool rvg_row_enabled(unsigned row);

void rvg_generate(RvgSeq *seq, const RvgOptions *opt, uint64_t seed, uint64_t index);

/* Minimisation support: replaces insn i by a nop of the same length (so
 * offsets stay valid) and rebuilds the code bytes. rvg_can_nop() is false
 * for the counter decrement of a loop, without which it might not end. */
void rvg_make_nop(RvgSeq *seq, unsigned i);
bool rvg_can_nop(const RvgSeq *seq, unsigned i);
bool rvg_insn_is_nop(const RvgInsn *in);

/* Data page contents for a seed; the table is what guest code indexes too. */
#define RVG_SPECIALS 32
extern const uint64_t rvg_special_dwords[RVG_SPECIALS];
uint64_t rvg_xorshift(uint64_t x);
void rvg_fill_data(uint64_t seed, uint8_t *page);

/* Instruction coverage: rows emitted by rvg_generate so far. */
uint64_t rvg_row_emitted(unsigned row);
void rvg_print_coverage(FILE *out);

/* "name operands" of one generated insn. */
void rvg_disasm(const RvgInsn *in, char *buf, size_t len);
void rvg_print_seq(FILE *out, const RvgSeq *seq, bool skip_nops);
void rvg_print_state(FILE *out, const RvgState *st);

/* Encoders shared with the ELF image builder. */
uint32_t rvg_enc_r(uint32_t opc, unsigned rd, unsigned f3, unsigned rs1, unsigned rs2, unsigned f7);
uint32_t rvg_enc_i(uint32_t opc, unsigned rd, unsigned f3, unsigned rs1, int32_t imm);
uint32_t rvg_enc_s(uint32_t opc, unsigned f3, unsigned rs1, unsigned rs2, int32_t imm);
uint32_t rvg_enc_b(uint32_t opc, unsigned f3, unsigned rs1, unsigned rs2, int32_t imm);
uint32_t rvg_enc_u(uint32_t opc, unsigned rd, int32_t imm);
uint32_t rvg_enc_j(uint32_t opc, unsigned rd, int32_t imm);

/* splitmix64: the seeded PRNG of the generator and the harnesses */
static inline uint64_t rvg_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static inline uint64_t rvg_below(uint64_t *s, uint64_t n) { return n ? rvg_rand(s) % n : 0; }

#endif
