/*
 * Random RV64GC + Zba/Zbb/Zbs instruction sequences: the template table and
 * the generator behind rv64_random_insn.h.
 *
 * The encodings are not written here: every template row names a row of the
 * front end's insn32.def / insn16.def and takes its fixed bits from there,
 * so the generator cannot drift from the decoder's tables. rvg_init() insists
 * that the templates list exactly the .def rows in the same order; a new .def
 * row therefore fails the differential tests until it gets a template here.
 * What a template adds is how to pick operands (kind) and where the row
 * belongs for coverage and oracle exclusions (group).
 *
 * Operand rules that keep every sequence runnable on every engine:
 * - memory operands use base registers that hold data-page addresses and are
 *   never written (sp is the exception: c.addi16sp moves it inside a bounded
 *   window the generator tracks), immediates are chosen so that every access
 *   stays in the data page whatever branches are taken;
 * - atomics use a base register as is, so they are naturally aligned; all LRs
 *   and SCs of a sequence have one size (mixed sizes are implementation-defined);
 * - control flow only goes forward, to an instruction boundary inside the
 *   sequence or to its end, never into the middle of an auipc+jalr pair;
 * - CSR writes never leave an invalid frm; no counters are read.
 *
 * With the loops option, backward branches are `blt zero, c, target` right
 * after a decrement of the counter register c (which nothing else writes and
 * nothing may jump between): every backward jump lowers c and needs c > 0,
 * so there are at most c's initial value of them, and each instruction runs
 * at most RVG_LOOP_MAX_COUNT + 1 times (which bounds sp's drift, too). With
 * the faults option, one load/store/atomic uses a reserved base register
 * whose value puts the access on an unmapped page, across a mapping's edge,
 * past the end of the guest space or at a wrapping 64-bit address.
 */
#include "rv64_random_insn.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Operand shapes. */
enum {
    K_NEVER,                                             /* not generated */
    K_R, K_R1, K_IALU, K_SH6, K_SH5, K_LUI, K_AUIPC,
    K_LOAD, K_STORE, K_FLOAD, K_FSTORE, K_AMO, K_LR, K_SC,
    K_BRANCH, K_JAL, K_JALR, K_FENCE, K_FENCEI, K_CSR, K_CSRI,
    K_FRRM, K_FR, K_FCMP, K_R4, K_F1RM, K_F2XRM, K_X2FRM, K_F2X, K_X2F,
    KC_ADDI4SPN, KC_LOAD, KC_FLOAD, KC_STORE, KC_FSTORE, KC_ADDI, KC_LI,
    KC_ADDI16SP, KC_LUI, KC_SHIFTR, KC_ANDI, KC_CA, KC_J, KC_BRANCH, KC_SLLI,
    KC_LDSP, KC_FLDSP, KC_JR, KC_JALR, KC_MV, KC_ADD, KC_SDSP, KC_FSDSP,
};

/*
 * T(name, kind, group, memory access size): one row per .def row, same order.
 */
#define RVG_TEMPLATES32(T)                                                                     \
    T(lui, K_LUI, RV64I, 0) T(auipc, K_AUIPC, PCREL, 0) T(jal, K_JAL, PCREL, 0)                 \
    T(jalr, K_JALR, PCREL, 0)                                                                   \
    T(beq, K_BRANCH, BRANCH, 0) T(bne, K_BRANCH, BRANCH, 0) T(blt, K_BRANCH, BRANCH, 0)         \
    T(bge, K_BRANCH, BRANCH, 0) T(bltu, K_BRANCH, BRANCH, 0) T(bgeu, K_BRANCH, BRANCH, 0)       \
    T(lb, K_LOAD, RV64I, 1) T(lh, K_LOAD, RV64I, 2) T(lw, K_LOAD, RV64I, 4)                     \
    T(ld, K_LOAD, RV64I, 8) T(lbu, K_LOAD, RV64I, 1) T(lhu, K_LOAD, RV64I, 2)                   \
    T(lwu, K_LOAD, RV64I, 4)                                                                    \
    T(sb, K_STORE, RV64I, 1) T(sh, K_STORE, RV64I, 2) T(sw, K_STORE, RV64I, 4)                  \
    T(sd, K_STORE, RV64I, 8)                                                                    \
    T(addi, K_IALU, RV64I, 0) T(slti, K_IALU, RV64I, 0) T(sltiu, K_IALU, RV64I, 0)              \
    T(xori, K_IALU, RV64I, 0) T(ori, K_IALU, RV64I, 0) T(andi, K_IALU, RV64I, 0)                \
    T(slli, K_SH6, RV64I, 0) T(srli, K_SH6, RV64I, 0) T(srai, K_SH6, RV64I, 0)                  \
    T(add, K_R, RV64I, 0) T(sub, K_R, RV64I, 0) T(sll, K_R, RV64I, 0) T(slt, K_R, RV64I, 0)     \
    T(sltu, K_R, RV64I, 0) T(xor, K_R, RV64I, 0) T(srl, K_R, RV64I, 0) T(sra, K_R, RV64I, 0)    \
    T(or, K_R, RV64I, 0) T(and, K_R, RV64I, 0)                                                  \
    T(addiw, K_IALU, RV64I, 0) T(slliw, K_SH5, RV64I, 0) T(srliw, K_SH5, RV64I, 0)              \
    T(sraiw, K_SH5, RV64I, 0) T(addw, K_R, RV64I, 0) T(subw, K_R, RV64I, 0)                     \
    T(sllw, K_R, RV64I, 0) T(srlw, K_R, RV64I, 0) T(sraw, K_R, RV64I, 0)                        \
    T(fence, K_FENCE, RV64I, 0) T(ecall, K_NEVER, RV64I, 0) T(ebreak, K_NEVER, RV64I, 0)        \
    T(mret, K_NEVER, RV64I, 0) T(sret, K_NEVER, RV64I, 0) T(wfi, K_NEVER, RV64I, 0)             \
    T(sfence_vma, K_NEVER, RV64I, 0)                                                            \
    T(fence_i, K_FENCEI, ZIFENCEI, 0)                                                           \
    T(csrrw, K_CSR, ZICSR, 0) T(csrrs, K_CSR, ZICSR, 0) T(csrrc, K_CSR, ZICSR, 0)               \
    T(csrrwi, K_CSRI, ZICSR, 0) T(csrrsi, K_CSRI, ZICSR, 0) T(csrrci, K_CSRI, ZICSR, 0)         \
    T(mul, K_R, M, 0) T(mulh, K_R, M, 0) T(mulhsu, K_R, M, 0) T(mulhu, K_R, M, 0)               \
    T(div, K_R, M, 0) T(divu, K_R, M, 0) T(rem, K_R, M, 0) T(remu, K_R, M, 0)                   \
    T(mulw, K_R, M, 0) T(divw, K_R, M, 0) T(divuw, K_R, M, 0) T(remw, K_R, M, 0)                \
    T(remuw, K_R, M, 0)                                                                         \
    T(lr_w, K_LR, A, 4) T(sc_w, K_SC, A, 4) T(amoswap_w, K_AMO, A, 4) T(amoadd_w, K_AMO, A, 4)  \
    T(amoxor_w, K_AMO, A, 4) T(amoand_w, K_AMO, A, 4) T(amoor_w, K_AMO, A, 4)                   \
    T(amomin_w, K_AMO, A, 4) T(amomax_w, K_AMO, A, 4) T(amominu_w, K_AMO, A, 4)                 \
    T(amomaxu_w, K_AMO, A, 4)                                                                   \
    T(lr_d, K_LR, A, 8) T(sc_d, K_SC, A, 8) T(amoswap_d, K_AMO, A, 8) T(amoadd_d, K_AMO, A, 8)  \
    T(amoxor_d, K_AMO, A, 8) T(amoand_d, K_AMO, A, 8) T(amoor_d, K_AMO, A, 8)                   \
    T(amomin_d, K_AMO, A, 8) T(amomax_d, K_AMO, A, 8) T(amominu_d, K_AMO, A, 8)                 \
    T(amomaxu_d, K_AMO, A, 8)                                                                   \
    T(flw, K_FLOAD, F, 4) T(fld, K_FLOAD, D, 8) T(fsw, K_FSTORE, F, 4) T(fsd, K_FSTORE, D, 8)   \
    T(fmadd_s, K_R4, F, 0) T(fmsub_s, K_R4, F, 0) T(fnmsub_s, K_R4, F, 0)                       \
    T(fnmadd_s, K_R4, F, 0) T(fmadd_d, K_R4, D, 0) T(fmsub_d, K_R4, D, 0)                       \
    T(fnmsub_d, K_R4, D, 0) T(fnmadd_d, K_R4, D, 0)                                             \
    T(fadd_s, K_FRRM, F, 0) T(fsub_s, K_FRRM, F, 0) T(fmul_s, K_FRRM, F, 0)                     \
    T(fdiv_s, K_FRRM, F, 0) T(fsqrt_s, K_F1RM, F, 0)                                            \
    T(fsgnj_s, K_FR, F, 0) T(fsgnjn_s, K_FR, F, 0) T(fsgnjx_s, K_FR, F, 0)                      \
    T(fmin_s, K_FR, F, 0) T(fmax_s, K_FR, F, 0)                                                 \
    T(fcvt_w_s, K_F2XRM, F, 0) T(fcvt_wu_s, K_F2XRM, F, 0) T(fcvt_l_s, K_F2XRM, F, 0)           \
    T(fcvt_lu_s, K_F2XRM, F, 0) T(fmv_x_w, K_F2X, F, 0)                                         \
    T(feq_s, K_FCMP, F, 0) T(flt_s, K_FCMP, F, 0) T(fle_s, K_FCMP, F, 0)                        \
    T(fclass_s, K_F2X, F, 0)                                                                    \
    T(fcvt_s_w, K_X2FRM, F, 0) T(fcvt_s_wu, K_X2FRM, F, 0) T(fcvt_s_l, K_X2FRM, F, 0)           \
    T(fcvt_s_lu, K_X2FRM, F, 0) T(fmv_w_x, K_X2F, F, 0)                                         \
    T(fadd_d, K_FRRM, D, 0) T(fsub_d, K_FRRM, D, 0) T(fmul_d, K_FRRM, D, 0)                     \
    T(fdiv_d, K_FRRM, D, 0) T(fsqrt_d, K_F1RM, D, 0)                                            \
    T(fsgnj_d, K_FR, D, 0) T(fsgnjn_d, K_FR, D, 0) T(fsgnjx_d, K_FR, D, 0)                      \
    T(fmin_d, K_FR, D, 0) T(fmax_d, K_FR, D, 0)                                                 \
    T(fcvt_s_d, K_F1RM, D, 0) T(fcvt_d_s, K_F1RM, D, 0)                                         \
    T(feq_d, K_FCMP, D, 0) T(flt_d, K_FCMP, D, 0) T(fle_d, K_FCMP, D, 0)                        \
    T(fclass_d, K_F2X, D, 0)                                                                    \
    T(fcvt_w_d, K_F2XRM, D, 0) T(fcvt_wu_d, K_F2XRM, D, 0) T(fcvt_l_d, K_F2XRM, D, 0)           \
    T(fcvt_lu_d, K_F2XRM, D, 0)                                                                 \
    T(fcvt_d_w, K_X2FRM, D, 0) T(fcvt_d_wu, K_X2FRM, D, 0) T(fcvt_d_l, K_X2FRM, D, 0)           \
    T(fcvt_d_lu, K_X2FRM, D, 0) T(fmv_x_d, K_F2X, D, 0) T(fmv_d_x, K_X2F, D, 0)                 \
    T(add_uw, K_R, ZBA, 0) T(sh1add, K_R, ZBA, 0) T(sh2add, K_R, ZBA, 0)                        \
    T(sh3add, K_R, ZBA, 0) T(sh1add_uw, K_R, ZBA, 0) T(sh2add_uw, K_R, ZBA, 0)                  \
    T(sh3add_uw, K_R, ZBA, 0) T(slli_uw, K_SH6, ZBA, 0)                                         \
    T(andn, K_R, ZBB, 0) T(orn, K_R, ZBB, 0) T(xnor, K_R, ZBB, 0)                               \
    T(clz, K_R1, ZBB, 0) T(ctz, K_R1, ZBB, 0) T(cpop, K_R1, ZBB, 0)                             \
    T(clzw, K_R1, ZBB, 0) T(ctzw, K_R1, ZBB, 0) T(cpopw, K_R1, ZBB, 0)                          \
    T(max, K_R, ZBB, 0) T(maxu, K_R, ZBB, 0) T(min, K_R, ZBB, 0) T(minu, K_R, ZBB, 0)           \
    T(sext_b, K_R1, ZBB, 0) T(sext_h, K_R1, ZBB, 0) T(zext_h, K_R1, ZBB, 0)                     \
    T(rol, K_R, ZBB, 0) T(ror, K_R, ZBB, 0) T(rolw, K_R, ZBB, 0) T(rorw, K_R, ZBB, 0)           \
    T(rori, K_SH6, ZBB, 0) T(roriw, K_SH5, ZBB, 0) T(orc_b, K_R1, ZBB, 0)                       \
    T(rev8, K_R1, ZBB, 0)                                                                       \
    T(bclr, K_R, ZBS, 0) T(bext, K_R, ZBS, 0) T(binv, K_R, ZBS, 0) T(bset, K_R, ZBS, 0)         \
    T(bclri, K_SH6, ZBS, 0) T(bexti, K_SH6, ZBS, 0) T(binvi, K_SH6, ZBS, 0)                     \
    T(bseti, K_SH6, ZBS, 0)

#define RVG_TEMPLATES16(T)                                                                     \
    T(c_addi4spn, KC_ADDI4SPN, C, 0) T(c_fld, KC_FLOAD, CD, 8) T(c_lw, KC_LOAD, C, 4)           \
    T(c_ld, KC_LOAD, C, 8) T(c_fsd, KC_FSTORE, CD, 8) T(c_sw, KC_STORE, C, 4)                   \
    T(c_sd, KC_STORE, C, 8)                                                                     \
    T(c_addi, KC_ADDI, C, 0) T(c_addiw, KC_ADDI, C, 0) T(c_li, KC_LI, C, 0)                     \
    T(c_addi16sp, KC_ADDI16SP, C, 0) T(c_lui, KC_LUI, C, 0)                                     \
    T(c_srli, KC_SHIFTR, C, 0) T(c_srai, KC_SHIFTR, C, 0) T(c_andi, KC_ANDI, C, 0)              \
    T(c_sub, KC_CA, C, 0) T(c_xor, KC_CA, C, 0) T(c_or, KC_CA, C, 0) T(c_and, KC_CA, C, 0)      \
    T(c_subw, KC_CA, C, 0) T(c_addw, KC_CA, C, 0)                                               \
    T(c_j, KC_J, PCREL, 0) T(c_beqz, KC_BRANCH, BRANCH, 0) T(c_bnez, KC_BRANCH, BRANCH, 0)      \
    T(c_slli, KC_SLLI, C, 0) T(c_fldsp, KC_FLDSP, CD, 8) T(c_lwsp, KC_LDSP, C, 4)               \
    T(c_ldsp, KC_LDSP, C, 8) T(c_jr, KC_JR, PCREL, 0) T(c_mv, KC_MV, C, 0)                      \
    T(c_ebreak, K_NEVER, C, 0) T(c_jalr, KC_JALR, PCREL, 0) T(c_add, KC_ADD, C, 0)              \
    T(c_fsdsp, KC_FSDSP, CD, 8) T(c_swsp, KC_SDSP, C, 4) T(c_sdsp, KC_SDSP, C, 8)

typedef struct RvgRow {
    const char *name;
    uint8_t kind, group, size;
    bool compressed;
    bool enabled;
    uint32_t mask, match;
    uint64_t emitted;
} RvgRow;

static RvgRow rows[] = {
#define T(name, kind, group, size) {#name, kind, RVG_GROUP_##group, size, false, true, 0, 0, 0},
    RVG_TEMPLATES32(T)
#undef T
#define T(name, kind, group, size) {#name, kind, RVG_GROUP_##group, size, true, true, 0, 0, 0},
    RVG_TEMPLATES16(T)
#undef T
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

typedef struct DefRow {
    const char *name, *pattern;
} DefRow;

static const DefRow def32[] = {
#define RV_INSN(name, pattern, format) {#name, pattern},
#include "frontend/riscv64/insn32.def"
#undef RV_INSN
};
static const DefRow def16[] = {
#define RV_CINSN(name, pattern, format, target) {#name, pattern},
#include "frontend/riscv64/insn16.def"
#undef RV_CINSN
};
#define NDEF32 (sizeof(def32) / sizeof(def32[0]))
#define NDEF16 (sizeof(def16) / sizeof(def16[0]))

static const char *const group_names[] = {
#define X(id, name, text) name,
    RVG_GROUPS(X)
#undef X
};
static const char *const group_texts[] = {
#define X(id, name, text) text,
    RVG_GROUPS(X)
#undef X
};

static const char *const xnames[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

/* ---- table set-up ---- */

static bool parse_pattern(const char *p, unsigned width, uint32_t *mask, uint32_t *match)
{
    unsigned bit = width;
    *mask = *match = 0;
    for (; *p; p++) {
        if (*p == ' ')
            continue;
        if ((*p != '0' && *p != '1' && *p != '-') || bit == 0)
            return false;
        bit--;
        if (*p != '-') {
            *mask |= 1u << bit;
            if (*p == '1')
                *match |= 1u << bit;
        }
    }
    return bit == 0;
}

int rvg_init(char *err, size_t errlen)
{
    size_t ndef = NDEF32 + NDEF16;
    for (size_t i = 0; i < NROWS || i < ndef; i++) {
        const DefRow *d = i < NDEF32 ? &def32[i] : i < ndef ? &def16[i - NDEF32] : NULL;
        const RvgRow *r = i < NROWS ? &rows[i] : NULL;
        if (!d || !r || strcmp(d->name, r->name) != 0 || r->compressed != (i >= NDEF32)) {
            snprintf(err, errlen,
                     "generator templates out of sync with insn32.def/insn16.def at row %zu: "
                     "def has %s, templates have %s (add or reorder rows in rv64_random_insn.c)",
                     i, d ? d->name : "(end)", r ? r->name : "(end)");
            return -1;
        }
        if (!parse_pattern(d->pattern, r->compressed ? 16 : 32, &rows[i].mask, &rows[i].match)) {
            snprintf(err, errlen, "bad pattern for %s: \"%s\"", d->name, d->pattern);
            return -1;
        }
    }
    return 0;
}

unsigned rvg_row_count(void) { return (unsigned)NROWS; }
const char *rvg_row_name(unsigned row) { return rows[row].name; }
RvgGroup rvg_row_group(unsigned row) { return (RvgGroup)rows[row].group; }
bool rvg_row_generated(unsigned row) { return rows[row].kind != K_NEVER; }
const char *rvg_group_name(RvgGroup g) { return group_names[g]; }
const char *rvg_group_text(RvgGroup g) { return group_texts[g]; }
bool rvg_row_enabled(unsigned row) { return rows[row].enabled && rows[row].kind != K_NEVER; }
uint64_t rvg_row_emitted(unsigned row) { return rows[row].emitted; }

int rvg_enable(const char *name, bool on)
{
    int changed = 0;
    bool known = false;
    for (unsigned i = 0; i < NROWS; i++) {
        bool hit = strcmp(name, "all") == 0 || strcmp(name, rows[i].name) == 0 ||
                   strcmp(name, group_names[rows[i].group]) == 0;
        if (!hit)
            continue;
        known = true;
        if (rows[i].enabled != on)
            changed++;
        rows[i].enabled = on;
    }
    return known ? changed : -1;
}

/* ---- encoders ---- */

uint32_t rvg_enc_r(uint32_t opc, unsigned rd, unsigned f3, unsigned rs1, unsigned rs2, unsigned f7)
{
    return opc | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | f7 << 25;
}

uint32_t rvg_enc_i(uint32_t opc, unsigned rd, unsigned f3, unsigned rs1, int32_t imm)
{
    return opc | rd << 7 | f3 << 12 | rs1 << 15 | ((uint32_t)imm & 0xfff) << 20;
}

uint32_t rvg_enc_s(uint32_t opc, unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return opc | (u & 0x1f) << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | ((u >> 5) & 0x7f) << 25;
}

uint32_t rvg_enc_b(uint32_t opc, unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return opc | ((u >> 11) & 1) << 7 | ((u >> 1) & 0xf) << 8 | f3 << 12 | rs1 << 15 | rs2 << 20 |
           ((u >> 5) & 0x3f) << 25 | ((u >> 12) & 1) << 31;
}

uint32_t rvg_enc_u(uint32_t opc, unsigned rd, int32_t imm)
{
    return opc | rd << 7 | ((uint32_t)imm & 0xfffff000u);
}

uint32_t rvg_enc_j(uint32_t opc, unsigned rd, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return opc | rd << 7 | ((u >> 12) & 0xff) << 12 | ((u >> 11) & 1) << 20 |
           ((u >> 1) & 0x3ff) << 21 | ((u >> 20) & 1) << 31;
}

static inline uint32_t bit(uint32_t v, unsigned b) { return (v >> b) & 1; }
static inline uint32_t bits(uint32_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}
static inline int64_t sext(uint64_t v, unsigned width)
{
    return (int64_t)(v << (64 - width)) >> (64 - width);
}

/* compressed immediates, field by field as the C extension lays them out */
static uint32_t cj_imm(int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return bit(u, 11) << 12 | bit(u, 4) << 11 | bits(u, 9, 8) << 9 | bit(u, 10) << 8 |
           bit(u, 6) << 7 | bit(u, 7) << 6 | bits(u, 3, 1) << 3 | bit(u, 5) << 2;
}
static uint32_t cb_imm(int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return bit(u, 8) << 12 | bits(u, 4, 3) << 10 | bits(u, 7, 6) << 5 | bits(u, 2, 1) << 3 |
           bit(u, 5) << 2;
}
static uint32_t ci_imm6(int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return bit(u, 5) << 12 | bits(u, 4, 0) << 2;
}

/* ---- values ---- */

static const uint64_t int_specials[] = {
    0, 1, UINT64_MAX, 2, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x7fffffff, 0x80000000,
    0xffffffff, 0xffffffff80000000ull, 0x100000000ull, 0x7fff, 0x8000, 0xffff, 0x7f, 0x80, 0xff,
    UINT64_MAX - 1, 0x5555555555555555ull, 0xaaaaaaaaaaaaaaaaull, 31, 32, 63, 64,
    0xffffffff7fffffffull, 0x00000000ffff8000ull, 0x8000000000000001ull, 0x0101010101010101ull,
};

static const uint64_t f64_specials[] = {
    0x0000000000000000ull, 0x8000000000000000ull,                         /* +-0 */
    0x7ff0000000000000ull, 0xfff0000000000000ull,                         /* +-inf */
    0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff8000000000123ull,  /* qNaN */
    0x7ff0000000000001ull, 0x7ff4000000000000ull, 0xfff0000000000001ull,  /* sNaN */
    0x0000000000000001ull, 0x000fffffffffffffull, 0x8000000000000001ull,  /* denormals */
    0x0008000000000000ull,
    0x7fefffffffffffffull, 0xffefffffffffffffull,                         /* +-max */
    0x0010000000000000ull, 0x8010000000000000ull,                         /* +-min normal */
    0x3ff0000000000000ull, 0xbff0000000000000ull, 0x3fe0000000000000ull,  /* 1 -1 0.5 */
    0x3ff8000000000000ull, 0x4004000000000000ull, 0xc004000000000000ull,  /* 1.5 2.5 -2.5 */
    0xbfe0000000000000ull, 0x3fdfffffffffffffull,                         /* -0.5, 0.49999 */
    0x41dfffffffc00000ull, 0x41dfffffffe00000ull, 0x41e0000000000000ull,  /* 2^31-1, -.5, 2^31 */
    0xc1e0000000000000ull, 0xc1e0000000100000ull, 0xc1dfffffffffffffull,  /* -2^31, -2^31-.5 */
    0x41efffffffe00000ull, 0x41effffffff00000ull, 0x41f0000000000000ull,  /* 2^32-1, -.5, 2^32 */
    0x43dfffffffffffffull, 0x43e0000000000000ull, 0xc3e0000000000000ull,  /* around 2^63 */
    0xc3e0000000000001ull, 0x43efffffffffffffull, 0x43f0000000000000ull,  /* -2^63-, 2^64 */
    0x4340000000000001ull, 0x3ff0000000000001ull, 0x7fe0000000000000ull,  /* 2^53+2, 1+ulp, 2^1023 */
    0x36a0000000000000ull, 0x3810000000000000ull, 0x47efffffe0000000ull,  /* float edges */
};

static const uint32_t f32_specials[] = {
    0x00000000, 0x80000000, 0x7f800000, 0xff800000,              /* +-0, +-inf */
    0x7fc00000, 0xffc00000, 0x7fc00123,                          /* qNaN */
    0x7f800001, 0x7fa00000, 0xff800001,                          /* sNaN */
    0x00000001, 0x007fffff, 0x80000001, 0x00400000,              /* denormals */
    0x7f7fffff, 0xff7fffff, 0x00800000, 0x80800000,              /* +-max, +-min normal */
    0x3f800000, 0xbf800000, 0x3f000000, 0x3fc00000, 0x40200000,  /* 1 -1 .5 1.5 2.5 */
    0xc0200000, 0xbf000000, 0x3effffff,
    0x4f000000, 0xcf000000, 0x4effffff, 0xcf000001,              /* around 2^31 */
    0x4f800000, 0x4f7fffff, 0x5f000000, 0xdf000000, 0x5effffff,  /* 2^32, 2^63 */
    0xdf000001, 0x5f800000, 0x5f7fffff, 0x4b800001, 0x3f800001,
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const uint64_t rvg_special_dwords[RVG_SPECIALS] = {
    0x0000000000000000ull, 0xffffffffffffffffull, 0x8000000000000000ull, 0x7fffffffffffffffull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff0000000000001ull,
    0x000fffffffffffffull, 0x0010000000000000ull, 0x3ff0000000000000ull, 0xc1e0000000000000ull,
    0x43e0000000000000ull, 0x41efffffffe00000ull, 0x7fefffffffffffffull, 0x8000000000000001ull,
    0xffffffff3f800000ull, 0xffffffff7fc00000ull, 0xffffffff7f800001ull, 0xffffffff80000000ull,
    0x7f8000007f800000ull, 0x00000001007fffffull, 0x4f0000007f7fffffull, 0x5f000000cf000000ull,
    0x000000007fffffffull, 0x0000000080000000ull, 0xffffffff80000000ull, 0x00000000ffffffffull,
    0x0000800000008000ull, 0x8080808080808080ull, 0x3f8000003f800000ull, 0x7fc000007fa00000ull,
};

uint64_t rvg_xorshift(uint64_t x)
{
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
}

void rvg_fill_data(uint64_t seed, uint8_t *page)
{
    uint64_t x = seed;
    for (unsigned off = 0; off < RVG_DATA_SIZE; off += 8) {
        x = rvg_xorshift(x);
        uint64_t v = (x & 7) < 3 ? rvg_special_dwords[(x >> 3) & (RVG_SPECIALS - 1)] : x;
        for (unsigned b = 0; b < 8; b++)
            page[off + b] = (uint8_t)(v >> (8 * b));
    }
}

static uint64_t rand_int_value(uint64_t *r)
{
    unsigned pick = (unsigned)rvg_below(r, 100);
    if (pick < 30)
        return int_specials[rvg_below(r, NELEM(int_specials))];
    if (pick < 50)
        return (uint64_t)((int64_t)rvg_below(r, 33) - 16);
    if (pick < 65)
        return (uint64_t)(int64_t)(int32_t)rvg_rand(r);
    if (pick < 75)
        return (uint32_t)rvg_rand(r);
    if (pick < 85)
        return rvg_rand(r) & rvg_rand(r) & rvg_rand(r);
    return rvg_rand(r);
}

static uint64_t rand_f64(uint64_t *r)
{
    unsigned pick = (unsigned)rvg_below(r, 100);
    if (pick < 55)
        return f64_specials[rvg_below(r, NELEM(f64_specials))];
    if (pick < 85) {   /* a moderate normal number: arithmetic that rounds */
        uint64_t exp = 1023 + rvg_below(r, 81) - 40;
        return (rvg_rand(r) & 0x800fffffffffffffull) | exp << 52;
    }
    if (pick < 92) {   /* an integer-valued double */
        double d = (double)(int64_t)(int32_t)rvg_rand(r);
        uint64_t u;
        memcpy(&u, &d, 8);
        return u;
    }
    return rvg_rand(r);
}

static uint32_t rand_f32(uint64_t *r)
{
    unsigned pick = (unsigned)rvg_below(r, 100);
    if (pick < 55)
        return f32_specials[rvg_below(r, NELEM(f32_specials))];
    if (pick < 85) {
        uint32_t exp = 127 + (uint32_t)rvg_below(r, 41) - 20;
        return ((uint32_t)rvg_rand(r) & 0x807fffffu) | exp << 23;
    }
    if (pick < 92) {
        float f = (float)(int16_t)rvg_rand(r);
        uint32_t u;
        memcpy(&u, &f, 4);
        return u;
    }
    return (uint32_t)rvg_rand(r);
}

static uint64_t rand_fp_reg(uint64_t *r)
{
    if (rvg_below(r, 2))
        return rand_f64(r);
    uint64_t lo = rand_f32(r);
    unsigned box = (unsigned)rvg_below(r, 100);
    if (box < 90)
        return 0xffffffff00000000ull | lo;          /* properly NaN-boxed */
    if (box < 95)
        return lo;                                   /* upper half zero: not boxed */
    return (rvg_rand(r) & 0xfffffffe00000000ull) | lo;  /* upper half not all ones */
}

/* ---- generation ---- */

typedef struct Gen {
    uint64_t r;
    RvgSeq *seq;
    const RvgOptions *opt;
    uint64_t lo[32], hi[32];   /* value ranges of the base registers */
    uint8_t cbase[8];          /* bases usable by compressed loads/stores (x8..x15) */
    unsigned ncbase;
    uint8_t base[32];
    unsigned nbase;
    int lr_base;               /* base of the last LR emitted, for matching SCs */
    uint8_t rsv_size;          /* LR/SC access size of this sequence, once chosen */
    uint64_t no_land;          /* bitmap: insns a jump must not land on */
    uint64_t pending;          /* bitmap: insns whose offset is resolved at the end */
    uint8_t recent_x[4], recent_f[4];   /* last destinations written */
    unsigned nrecent_x, nrecent_f;
    uint32_t reserved;         /* loop counter and fault base: never written */
    uint64_t backward;         /* bitmap: pending jumps that go backward */
    unsigned nloops;
    uint64_t sp_down, sp_up;   /* loops: sp drift left within the preset window */
} Gen;

#define SP_LO (RVG_DATA_BASE + 0x200)
#define SP_HI (RVG_DATA_BASE + 0xe00)
/* loops: sp may move this far either way from its initial value, since a
 * c.addi16sp inside a loop runs several times */
#define SP_LOOP_WINDOW 0x200u

/* registers no generated insn may write */
static bool is_fixed(const Gen *g, unsigned reg) { return ((g->seq->base_mask | g->reserved) >> reg) & 1; }

/* Sources come from recent destinations a good part of the time, so results
 * feed later instructions (NaN-boxing, flags, sign extension chains). */
#define RECENT 4

static void note_recent(uint8_t *ring, unsigned *n, unsigned reg)
{
    ring[*n % RECENT] = (uint8_t)reg;
    (*n)++;
}

static unsigned from_recent(Gen *g, const uint8_t *ring, unsigned n, unsigned fallback)
{
    if (n == 0 || rvg_below(&g->r, 100) >= 35)
        return fallback;
    return ring[rvg_below(&g->r, n < RECENT ? n : RECENT)];
}

/* integer destination: any register but the bases; x0 now and then */
static unsigned pick_xd(Gen *g)
{
    unsigned reg = 0;
    if (rvg_below(&g->r, 25) != 0) {
        do
            reg = 1 + (unsigned)rvg_below(&g->r, 31);
        while (is_fixed(g, reg));
        note_recent(g->recent_x, &g->nrecent_x, reg);
    }
    return reg;
}
static unsigned pick_xd_nz(Gen *g)
{
    unsigned reg;
    while ((reg = pick_xd(g)) == 0)
        ;
    return reg;
}
static unsigned pick_xs(Gen *g)
{
    unsigned reg = rvg_below(&g->r, 20) == 0 ? 0 : (unsigned)rvg_below(&g->r, 32);
    return from_recent(g, g->recent_x, g->nrecent_x, reg);
}
/* x8..x15 destination for the 3-bit register fields; none when all are bases */
static int pick_cxd(Gen *g)
{
    for (unsigned tries = 0; tries < 32; tries++) {
        unsigned reg = 8 + (unsigned)rvg_below(&g->r, 8);
        if (!is_fixed(g, reg)) {
            note_recent(g->recent_x, &g->nrecent_x, reg);
            return (int)reg;
        }
    }
    return -1;
}
static unsigned pick_cxs(Gen *g) { return 8 + (unsigned)rvg_below(&g->r, 8); }
static unsigned pick_fd(Gen *g)
{
    unsigned reg = (unsigned)rvg_below(&g->r, 32);
    note_recent(g->recent_f, &g->nrecent_f, reg);
    return reg;
}
static unsigned pick_fs(Gen *g)
{
    unsigned reg = (unsigned)rvg_below(&g->r, 32);
    return from_recent(g, g->recent_f, g->nrecent_f, reg);
}
static unsigned pick_rm(Gen *g)
{
    if (rvg_below(&g->r, 10) < 4)
        return 7;   /* dynamic: frm */
    return (unsigned)rvg_below(&g->r, 5);
}

static int push(Gen *g, unsigned row, uint32_t insn_bits)
{
    RvgSeq *s = g->seq;
    const RvgRow *rw = &rows[row];
    if ((insn_bits & rw->mask) != rw->match) {
        fprintf(stderr, "rv64_random_insn: template %s built %08x outside its pattern\n", rw->name,
                insn_bits);
        abort();
    }
    RvgInsn *in = &s->insn[s->ninsns];
    memset(in, 0, sizeof(*in));
    in->bits = insn_bits;
    in->len = rw->compressed ? 2 : 4;
    in->row = (uint16_t)row;
    in->target = -1;
    in->anchor = (int16_t)s->ninsns;
    rows[row].emitted++;
    return (int)s->ninsns++;
}

static unsigned row_by_name(const char *name)
{
    for (unsigned i = 0; i < NROWS; i++)
        if (strcmp(rows[i].name, name) == 0)
            return i;
    abort();
}

/* a base register for a memory operand; compressed forms need x8..x15 */
static unsigned pick_base(Gen *g, bool compressed)
{
    if (compressed)
        return g->cbase[rvg_below(&g->r, g->ncbase)];
    return g->base[rvg_below(&g->r, g->nbase)];
}

/* a 12-bit offset that keeps [base+imm, +size) in the data page */
static int32_t pick_mem_imm(Gen *g, unsigned base, unsigned size)
{
    bool misaligned = rvg_below(&g->r, 100) < g->opt->misaligned_pct && size > 1;
    for (unsigned tries = 0; tries < 16; tries++) {
        int64_t imm = (int64_t)rvg_below(&g->r, 2048) - 1024;
        if (misaligned)
            imm |= (int64_t)(1 + rvg_below(&g->r, size - 1));
        else
            imm &= ~(int64_t)(size - 1);
        if (g->lo[base] + (uint64_t)imm >= RVG_DATA_BASE &&
            g->hi[base] + (uint64_t)imm + size <= RVG_DATA_BASE + RVG_DATA_SIZE)
            return (int32_t)imm;
    }
    return 0;
}

/* scaled unsigned offset of a compressed load/store: units of `scale`, at most max */
static uint32_t pick_cmem_off(Gen *g, unsigned base, unsigned size, unsigned scale, unsigned max)
{
    for (unsigned tries = 0; tries < 16; tries++) {
        uint32_t off = (uint32_t)rvg_below(&g->r, max / scale + 1) * scale;
        if (g->hi[base] + off + size <= RVG_DATA_BASE + RVG_DATA_SIZE)
            return off;
    }
    return 0;
}

static void mark_pending(Gen *g, int idx) { g->pending |= 1ull << idx; }
static void mark_no_land(Gen *g, int idx) { g->no_land |= 1ull << idx; }

/* CSR operands that never leave frm out of 0..4 (see the file comment) */
static bool emit_csr(Gen *g, unsigned row, const RvgRow *rw)
{
    enum { FFLAGS = 0x001, FRM = 0x002, FCSR = 0x003 };
    enum { RW = 1, RS = 2, RC = 3, RWI = 5, RSI = 6, RCI = 7 };
    unsigned csr = FFLAGS + (unsigned)rvg_below(&g->r, 3);
    unsigned f3 = bits(rw->match, 14, 12);
    unsigned rd = pick_xd(g), src;
    if (rw->kind == K_CSR) {
        /* csrrw/csrrs of a register could set any frm: only clearing (csrrc) is safe */
        src = pick_xs(g);
        if (csr != FFLAGS && f3 != RC)
            src = 0;
    } else {
        /* zimm reaches fcsr bits 4:0 only, i.e. fflags; for frm itself keep it valid */
        src = (unsigned)rvg_below(&g->r, 32);
        if (csr == FRM && f3 == RWI)
            src = (unsigned)rvg_below(&g->r, 5);
        else if (csr == FRM && f3 == RSI)
            src = 0;
    }
    push(g, row, rw->match | rd << 7 | src << 15 | csr << 20);
    return true;
}

static bool emit(Gen *g, unsigned row)
{
    const RvgRow *rw = &rows[row];
    uint32_t m = rw->match;
    RvgSeq *s = g->seq;
    int idx;
    switch (rw->kind) {
    case K_NEVER:
        return false;
    case K_R: {
        unsigned rs1 = pick_xs(g), rs2 = pick_xs(g), rd = pick_xd(g);
        push(g, row, m | rd << 7 | rs1 << 15 | rs2 << 20);
        return true;
    }
    case K_R1: {
        unsigned rs1 = pick_xs(g), rd = pick_xd(g);
        push(g, row, m | rd << 7 | rs1 << 15);
        return true;
    }
    case K_IALU: {
        uint32_t imm = rvg_below(&g->r, 2) ? (uint32_t)rvg_rand(&g->r) & 0xfff
                                           : (uint32_t)(rvg_below(&g->r, 33) - 16) & 0xfff;
        unsigned rs1 = pick_xs(g), rd = pick_xd(g);
        push(g, row, m | rd << 7 | rs1 << 15 | imm << 20);
        return true;
    }
    case K_SH6:
    case K_SH5: {
        uint32_t sh = (uint32_t)rvg_below(&g->r, rw->kind == K_SH6 ? 64 : 32);
        unsigned rs1 = pick_xs(g), rd = pick_xd(g);
        push(g, row, m | rd << 7 | rs1 << 15 | sh << 20);
        return true;
    }
    case K_LUI:
    case K_AUIPC: {
        uint32_t imm = (uint32_t)rvg_rand(&g->r) & 0xfffff000u;
        push(g, row, m | pick_xd(g) << 7 | imm);
        return true;
    }
    case K_LOAD:
    case K_FLOAD: {
        unsigned b = pick_base(g, false);
        int32_t imm = pick_mem_imm(g, b, rw->size);
        unsigned rd = rw->kind == K_LOAD ? pick_xd(g) : pick_fd(g);
        push(g, row, m | rvg_enc_i(0, rd, 0, b, imm));
        return true;
    }
    case K_STORE:
    case K_FSTORE: {
        unsigned b = pick_base(g, false);
        int32_t imm = pick_mem_imm(g, b, rw->size);
        unsigned rs2 = rw->kind == K_STORE ? pick_xs(g) : pick_fs(g);
        push(g, row, m | rvg_enc_s(0, 0, b, rs2, imm));
        return true;
    }
    case K_AMO: {
        uint32_t aqrl = (uint32_t)rvg_below(&g->r, 4);
        unsigned b = pick_base(g, false), rs2 = pick_xs(g), rd = pick_xd(g);
        push(g, row, m | rd << 7 | b << 15 | rs2 << 20 | aqrl << 25);
        return true;
    }
    case K_LR:
    case K_SC: {
        /* An SC pairing with an LR of the other size is implementation-defined
         * (QEMU compares the reserved value at the SC's width) and base
         * registers may alias (sp moves), so one sequence uses one LR/SC size.
         * SCs prefer the last LR's base. */
        if (g->rsv_size && g->rsv_size != rw->size)
            return false;
        g->rsv_size = rw->size;
        uint32_t aqrl = (uint32_t)rvg_below(&g->r, 4);
        unsigned b = pick_base(g, false);
        if (rw->kind == K_SC && g->lr_base >= 0 && rvg_below(&g->r, 10) < 7)
            b = (unsigned)g->lr_base;
        if (rw->kind == K_LR)
            g->lr_base = (int)b;
        unsigned rs2 = rw->kind == K_LR ? 0 : pick_xs(g);
        unsigned rd = pick_xd(g);
        push(g, row, m | rd << 7 | b << 15 | rs2 << 20 | aqrl << 25);
        return true;
    }
    case K_BRANCH: {
        unsigned rs1 = pick_xs(g), rs2 = pick_xs(g);
        mark_pending(g, push(g, row, m | rs1 << 15 | rs2 << 20));
        return true;
    }
    case K_JAL:
        mark_pending(g, push(g, row, m | pick_xd(g) << 7));
        return true;
    case K_JALR: {
        unsigned t = pick_xd_nz(g);
        int a = push(g, row_by_name("auipc"), rvg_enc_u(0x17, t, 0));
        idx = push(g, row, m | pick_xd(g) << 7 | t << 15);
        s->insn[idx].anchor = (int16_t)a;
        s->insn[idx].lsb = (int8_t)rvg_below(&g->r, 2);
        mark_pending(g, idx);
        mark_no_land(g, idx);
        return true;
    }
    case KC_JR:
    case KC_JALR: {
        unsigned t = pick_xd_nz(g);
        int a = push(g, row_by_name("auipc"), rvg_enc_u(0x17, t, 0));
        idx = push(g, row_by_name("addi"), rvg_enc_i(0x13, t, 0, t, 0));
        s->insn[idx].anchor = (int16_t)a;
        mark_pending(g, idx);
        mark_no_land(g, idx);
        int j = push(g, row, m | t << 7);
        mark_no_land(g, j);
        s->insn[idx].target = (int16_t)-(j + 2);   /* resolved after j: lands after the jump */
        return true;
    }
    case K_FENCE: {
        uint32_t imm = rvg_below(&g->r, 10) == 0 ? 0x833 : (uint32_t)rvg_below(&g->r, 256);
        push(g, row, m | imm << 20);
        return true;
    }
    case K_FENCEI:
        push(g, row, m);
        return true;
    case K_CSR:
    case K_CSRI:
        return emit_csr(g, row, rw);
    case K_FRRM:
    case K_FR:
    case K_FCMP:
    case K_R4: {
        unsigned rm = rw->kind == K_FR || rw->kind == K_FCMP ? 0 : pick_rm(g);
        unsigned rs1 = pick_fs(g), rs2 = pick_fs(g), rs3 = rw->kind == K_R4 ? pick_fs(g) : 0;
        unsigned rd = rw->kind == K_FCMP ? pick_xd(g) : pick_fd(g);
        push(g, row, m | rd << 7 | rm << 12 | rs1 << 15 | rs2 << 20 | rs3 << 27);
        return true;
    }
    case K_F1RM:
    case K_F2XRM:
    case K_F2X: {
        unsigned rm = rw->kind == K_F2X ? 0 : pick_rm(g);
        unsigned rs1 = pick_fs(g);
        unsigned rd = rw->kind == K_F1RM ? pick_fd(g) : pick_xd(g);
        push(g, row, m | rd << 7 | rm << 12 | rs1 << 15);
        return true;
    }
    case K_X2FRM:
    case K_X2F: {
        unsigned rm = rw->kind == K_X2F ? 0 : pick_rm(g);
        unsigned rs1 = pick_xs(g), rd = pick_fd(g);
        push(g, row, m | rd << 7 | rm << 12 | rs1 << 15);
        return true;
    }

    /* compressed */
    case KC_ADDI4SPN: {
        int rd = pick_cxd(g);
        if (rd < 0)
            return false;
        uint32_t imm = (1 + (uint32_t)rvg_below(&g->r, 255)) * 4;
        push(g, row, m | bits(imm, 5, 4) << 11 | bits(imm, 9, 6) << 7 | bit(imm, 2) << 6 |
                         bit(imm, 3) << 5 | (uint32_t)(rd - 8) << 2);
        return true;
    }
    case KC_LOAD:
    case KC_FLOAD:
    case KC_STORE:
    case KC_FSTORE: {
        unsigned b = pick_base(g, true);
        int r2;
        if (rw->kind == KC_LOAD)
            r2 = pick_cxd(g);
        else if (rw->kind == KC_STORE)
            r2 = (int)pick_cxs(g);
        else
            r2 = 8 + (int)rvg_below(&g->r, 8);   /* f8..f15, load or store */
        if (r2 < 0)
            return false;
        uint32_t off, f = (uint32_t)(r2 - 8) << 2 | (b - 8) << 7;
        if (rw->size == 4) {
            off = pick_cmem_off(g, b, 4, 4, 124);
            f |= bits(off, 5, 3) << 10 | bit(off, 2) << 6 | bit(off, 6) << 5;
        } else {
            off = pick_cmem_off(g, b, 8, 8, 248);
            f |= bits(off, 5, 3) << 10 | bits(off, 7, 6) << 5;
        }
        push(g, row, m | f);
        return true;
    }
    case KC_ADDI:
    case KC_LI: {
        unsigned rd = pick_xd_nz(g);
        int32_t imm = (int32_t)rvg_below(&g->r, 64) - 32;
        push(g, row, m | rd << 7 | ci_imm6(imm));
        return true;
    }
    case KC_ADDI16SP: {
        for (unsigned tries = 0; tries < 8; tries++) {
            int32_t imm = ((int32_t)rvg_below(&g->r, 64) - 32) * 16;
            if (imm == 0)
                continue;
            if (g->opt->loops) {
                /* the worst case: every run of every c.addi16sp in one direction */
                uint64_t drift = (uint64_t)(imm < 0 ? -imm : imm) * (RVG_LOOP_MAX_COUNT + 1);
                uint64_t *left = imm < 0 ? &g->sp_down : &g->sp_up;
                if (drift > *left)
                    continue;
                *left -= drift;
            } else {
                uint64_t lo = g->lo[2] + (uint64_t)(int64_t)(imm < 0 ? imm : 0);
                uint64_t hi = g->hi[2] + (uint64_t)(int64_t)(imm > 0 ? imm : 0);
                if (lo < SP_LO || hi > SP_HI)
                    continue;
                g->lo[2] = lo;
                g->hi[2] = hi;
            }
            uint32_t u = (uint32_t)imm;
            push(g, row, m | bit(u, 9) << 12 | bit(u, 4) << 6 | bit(u, 6) << 5 | bits(u, 8, 7) << 3 |
                             bit(u, 5) << 2);
            return true;
        }
        return false;
    }
    case KC_LUI: {
        unsigned rd;
        while ((rd = pick_xd_nz(g)) == 2)
            ;
        int32_t imm;
        while ((imm = (int32_t)rvg_below(&g->r, 64) - 32) == 0)
            ;
        push(g, row, m | rd << 7 | ci_imm6(imm));
        return true;
    }
    case KC_SHIFTR:
    case KC_SLLI: {
        int rd = rw->kind == KC_SLLI ? (int)pick_xd_nz(g) : pick_cxd(g);
        if (rd < 0)
            return false;
        uint32_t sh = 1 + (uint32_t)rvg_below(&g->r, 63);
        uint32_t r = rw->kind == KC_SLLI ? (uint32_t)rd << 7 : (uint32_t)(rd - 8) << 7;
        push(g, row, m | r | bit(sh, 5) << 12 | bits(sh, 4, 0) << 2);
        return true;
    }
    case KC_ANDI: {
        int rd = pick_cxd(g);
        if (rd < 0)
            return false;
        push(g, row, m | (uint32_t)(rd - 8) << 7 | ci_imm6((int32_t)rvg_below(&g->r, 64) - 32));
        return true;
    }
    case KC_CA: {
        int rd = pick_cxd(g);
        if (rd < 0)
            return false;
        push(g, row, m | (uint32_t)(rd - 8) << 7 | (pick_cxs(g) - 8) << 2);
        return true;
    }
    case KC_J:
        mark_pending(g, push(g, row, m));
        return true;
    case KC_BRANCH:
        mark_pending(g, push(g, row, m | (pick_cxs(g) - 8) << 7));
        return true;
    case KC_LDSP:
    case KC_FLDSP: {
        unsigned rd = rw->kind == KC_FLDSP ? pick_fd(g) : pick_xd_nz(g);
        uint32_t off;
        if (rw->size == 4) {
            off = pick_cmem_off(g, 2, 4, 4, 252);
            push(g, row, m | rd << 7 | bit(off, 5) << 12 | bits(off, 4, 2) << 4 | bits(off, 7, 6) << 2);
        } else {
            off = pick_cmem_off(g, 2, 8, 8, 504);
            push(g, row, m | rd << 7 | bit(off, 5) << 12 | bits(off, 4, 3) << 5 | bits(off, 8, 6) << 2);
        }
        return true;
    }
    case KC_SDSP:
    case KC_FSDSP: {
        unsigned rs2 = rw->kind == KC_FSDSP ? pick_fs(g) : pick_xs(g);
        uint32_t off;
        if (rw->size == 4) {
            off = pick_cmem_off(g, 2, 4, 4, 252);
            push(g, row, m | rs2 << 2 | bits(off, 5, 2) << 9 | bits(off, 7, 6) << 7);
        } else {
            off = pick_cmem_off(g, 2, 8, 8, 504);
            push(g, row, m | rs2 << 2 | bits(off, 5, 3) << 10 | bits(off, 8, 6) << 7);
        }
        return true;
    }
    case KC_MV:
    case KC_ADD: {
        unsigned rs2;
        while ((rs2 = pick_xs(g)) == 0)
            ;
        push(g, row, m | pick_xd_nz(g) << 7 | rs2 << 2);
        return true;
    }
    }
    return false;
}

/* ---- loops and faults (options for runners that compare polyvm with itself) ---- */

/* counter decrement, then `blt zero, counter, <earlier insn>` */
static void emit_loop_back(Gen *g)
{
    RvgSeq *s = g->seq;
    unsigned c = s->loop_reg, c_addi = row_by_name("c_addi"), blt = row_by_name("blt");
    int dec;
    if (rvg_row_enabled(c_addi) && rvg_below(&g->r, 2))
        dec = push(g, c_addi, rows[c_addi].match | c << 7 | ci_imm6(-1));
    else
        dec = push(g, row_by_name("addi"), rvg_enc_i(0x13, c, 0, c, -1));
    s->insn[dec].loop_counter = true;
    int br = push(g, blt, rows[blt].match | 0u << 15 | c << 20);
    mark_pending(g, br);
    mark_no_land(g, br);   /* a jump straight to it would skip the decrement */
    g->backward |= 1ull << br;
    g->nloops++;
}

/* An address an access of `size` bytes faults at in the direct runners'
 * layout (only the data page and the code page are mapped; the code page is
 * read-only there, so only stores and atomics fault on it). */
static uint64_t pick_fault_addr(Gen *g, unsigned size)
{
    uint64_t straddle = size > 1 ? 1 + rvg_below(&g->r, size - 1) : 0;
    switch (rvg_below(&g->r, 10)) {
    case 0: return rvg_below(&g->r, 4096);                                 /* null page */
    case 1: return RVG_DATA_BASE - (straddle ? straddle : 1);              /* into the data page */
    case 2: return RVG_DATA_BASE + RVG_DATA_SIZE - straddle;               /* out of it */
    case 3: return RVG_DATA_BASE + RVG_DATA_SIZE + rvg_below(&g->r, 4096); /* the page between */
    case 4: return RVG_CODE_BASE + rvg_below(&g->r, 4096 - size + 1);      /* code: read-only */
    case 5: return RVG_CODE_BASE + 4096 + rvg_below(&g->r, 1 << 16);       /* after the code */
    case 6: return RVG_SPACE_SIZE - (straddle ? straddle : size);          /* end of the space */
    case 7: return RVG_SPACE_SIZE + rvg_below(&g->r, 1 << 20);             /* past it */
    case 8: return UINT64_MAX - rvg_below(&g->r, size);                    /* wraps around */
    default: {
        static const uint64_t far[] = {
            1ull << 32, 1ull << 47, (1ull << 47) - 8, 1ull << 63, 0xffffffff80000000ull,
            0xfffffffffffff000ull, 0x00000000fffffff8ull,
        };
        return far[rvg_below(&g->r, NELEM(far))];
    }
    }
}

static bool is_fault_kind(unsigned kind, bool compressed_ok)
{
    switch (kind) {
    case K_LOAD: case K_STORE: case K_FLOAD: case K_FSTORE: case K_AMO: case K_LR: case K_SC:
        return true;
    case KC_LOAD: case KC_STORE: case KC_FLOAD: case KC_FSTORE:
        return compressed_ok;
    default:
        return false;
    }
}

/* One access through the fault base; its value (address - offset) goes into
 * the initial state. */
static void emit_fault_access(Gen *g)
{
    RvgSeq *s = g->seq;
    unsigned b = s->fault_reg;
    bool cb = b >= 8 && b <= 15;
    unsigned cand[NROWS], n = 0;
    for (unsigned i = 0; i < NROWS; i++)
        if (rvg_row_enabled(i) && is_fault_kind(rows[i].kind, cb))
            cand[n++] = i;
    if (!n)
        return;
    unsigned row = cand[rvg_below(&g->r, n)];
    const RvgRow *rw = &rows[row];
    uint32_t m = rw->match;
    uint64_t addr = pick_fault_addr(g, rw->size);
    int64_t off = 0;
    switch (rw->kind) {
    case K_LOAD:
    case K_FLOAD:
        off = (int64_t)rvg_below(&g->r, 4096) - 2048;
        push(g, row, m | rvg_enc_i(0, rw->kind == K_LOAD ? pick_xd(g) : pick_fd(g), 0, b, (int32_t)off));
        break;
    case K_STORE:
    case K_FSTORE:
        off = (int64_t)rvg_below(&g->r, 4096) - 2048;
        push(g, row, m | rvg_enc_s(0, 0, b, rw->kind == K_STORE ? pick_xs(g) : pick_fs(g), (int32_t)off));
        break;
    case K_AMO:
    case K_LR:
    case K_SC: {
        if (rvg_below(&g->r, 4))
            addr &= ~(uint64_t)(rw->size - 1);   /* mostly aligned: else a misaligned fault */
        unsigned rs2 = rw->kind == K_LR ? 0 : pick_xs(g);
        push(g, row, m | pick_xd(g) << 7 | b << 15 | rs2 << 20 | (uint32_t)rvg_below(&g->r, 4) << 25);
        break;
    }
    default: {   /* compressed, base in x8..x15 */
        int r2 = rw->kind == KC_LOAD ? pick_cxd(g) : (int)pick_cxs(g);
        if (r2 < 0)
            return;
        uint32_t u, f = (uint32_t)(r2 - 8) << 2 | (b - 8) << 7;
        if (rw->size == 4) {
            u = (uint32_t)rvg_below(&g->r, 32) * 4;
            f |= bits(u, 5, 3) << 10 | bit(u, 2) << 6 | bit(u, 6) << 5;
        } else {
            u = (uint32_t)rvg_below(&g->r, 32) * 8;
            f |= bits(u, 5, 3) << 10 | bits(u, 7, 6) << 5;
        }
        off = u;
        push(g, row, m | f);
        break;
    }
    }
    s->fault_insn = (int16_t)(s->ninsns - 1);
    s->fault_addr = addr;
    s->init.x[b] = addr - (uint64_t)off;
}

/* a register for the loop counter or the fault base; x8..x15 when asked */
static unsigned pick_reserved(Gen *g, bool compressible)
{
    for (;;) {
        unsigned reg = compressible ? 8 + (unsigned)rvg_below(&g->r, 8) : 3 + (unsigned)rvg_below(&g->r, 29);
        if (!is_fixed(g, reg))
            return reg;
        compressible = false;   /* x8..x15 may all be taken */
    }
}

static uint32_t insn_addr(const RvgSeq *s, int idx)
{
    uint32_t a = 0;
    for (int i = 0; i < idx; i++)
        a += s->insn[i].len;
    return a;
}

/* picks landing spots for forward jumps and writes their offsets */
static void resolve_jumps(Gen *g)
{
    RvgSeq *s = g->seq;
    int n = (int)s->ninsns;
    for (int i = 0; i < n; i++) {
        if (!((g->pending >> i) & 1))
            continue;
        RvgInsn *in = &s->insn[i];
        int from = i + 1;
        if (in->target < -1)
            from = -in->target - 1;   /* the jump of an auipc+addi+c.jr triple */
        int t;
        if ((g->backward >> i) & 1) {
            do   /* to the counter decrement right before at the latest */
                t = (int)rvg_below(&g->r, (uint64_t)i);
            while ((g->no_land >> t) & 1);
        } else {
            do
                t = from + (int)rvg_below(&g->r, (uint64_t)(n - from + 1));
            while (t < n && ((g->no_land >> t) & 1));
        }
        in->target = (int16_t)t;
        int32_t off = (int32_t)(insn_addr(s, t) - insn_addr(s, in->anchor));
        const RvgRow *rw = &rows[in->row];
        switch (rw->kind) {
        case K_BRANCH:
            in->bits |= rvg_enc_b(0, 0, 0, 0, off);
            break;
        case K_JAL:
            in->bits |= rvg_enc_j(0, 0, off);
            break;
        case K_JALR:
            in->bits |= ((uint32_t)(off + in->lsb) & 0xfff) << 20;
            break;
        case K_IALU:   /* addi of a c.jr/c.jalr triple */
            in->bits |= ((uint32_t)off & 0xfff) << 20;
            break;
        case KC_J:
            in->bits |= cj_imm(off);
            break;
        case KC_BRANCH:
            in->bits |= cb_imm(off);
            break;
        default:
            abort();
        }
    }
}

static void rebuild_code(RvgSeq *s)
{
    s->code_len = 0;
    for (unsigned i = 0; i < s->ninsns; i++) {
        const RvgInsn *in = &s->insn[i];
        for (unsigned b = 0; b < in->len; b++)
            s->code[s->code_len++] = (uint8_t)(in->bits >> (8 * b));
    }
}

void rvg_generate(RvgSeq *s, const RvgOptions *opt, uint64_t seed, uint64_t index)
{
    Gen g;
    memset(&g, 0, sizeof(g));
    memset(s, 0, sizeof(*s));
    g.seq = s;
    g.opt = opt;
    g.r = seed ^ (index * 0xd1342543de82ef95ull);
    rvg_rand(&g.r);
    s->seed = seed;
    s->index = index;
    g.lr_base = -1;

    /* bases: sp, one of x8..x15 (compressed forms; the runners' dump register), maybe more */
    unsigned cb = 8 + (unsigned)rvg_below(&g.r, 8);
    s->dump_reg = (uint8_t)cb;
    s->base_mask = 1u << 2 | 1u << cb;
    g.cbase[g.ncbase++] = (uint8_t)cb;
    unsigned extra = (unsigned)rvg_below(&g.r, 3);
    for (unsigned i = 0; i < extra; i++) {
        unsigned reg = 3 + (unsigned)rvg_below(&g.r, 29);   /* never x1: c.jalr writes it */
        s->base_mask |= 1u << reg;
        if (reg >= 8 && reg <= 15 && reg != cb)
            g.cbase[g.ncbase++] = (uint8_t)reg;
    }
    for (unsigned reg = 0; reg < 32; reg++)
        if ((s->base_mask >> reg) & 1)
            g.base[g.nbase++] = (uint8_t)reg;
    s->fault_insn = -1;
    if (opt->loops) {
        s->loop_reg = (uint8_t)pick_reserved(&g, false);
        g.reserved |= 1u << s->loop_reg;
    }
    if (opt->fault_pct) {
        s->fault_reg = (uint8_t)pick_reserved(&g, rvg_below(&g.r, 2));
        g.reserved |= 1u << s->fault_reg;
    }

    RvgState *st = &s->init;
    for (unsigned reg = 1; reg < 32; reg++) {
        if ((s->base_mask >> reg) & 1) {
            uint64_t v = RVG_DATA_BASE + 0x800 + (uint64_t)(((int64_t)rvg_below(&g.r, 65) - 32) * 8);
            if (reg == 2)
                v &= ~15ull;
            st->x[reg] = g.lo[reg] = g.hi[reg] = v;
        } else {
            st->x[reg] = rand_int_value(&g.r);
        }
    }
    for (unsigned reg = 0; reg < 32; reg++)
        st->f[reg] = rand_fp_reg(&g.r);
    /* frm is mostly round-to-nearest, the mode real code runs in; half the
     * streams start with NX already accrued, as the JIT's host-FPU fast
     * path wants (docs/jit.md), so both of its sides are exercised */
    uint64_t frm = rvg_below(&g.r, 2) ? 0 : rvg_below(&g.r, 5);
    st->fcsr = frm << RVG_FCSR_FRM_SHIFT | rvg_below(&g.r, 2);
    st->data_seed = rvg_rand(&g.r) | 1;
    if (opt->loops) {
        st->x[s->loop_reg] = 1 + rvg_below(&g.r, RVG_LOOP_MAX_COUNT);
        /* every access through sp is checked against the whole window */
        g.lo[2] = st->x[2] - SP_LOOP_WINDOW;
        g.hi[2] = st->x[2] + SP_LOOP_WINDOW;
        g.sp_down = g.sp_up = SP_LOOP_WINDOW;
    }

    /* instructions: rows drawn uniformly from the enabled ones */
    unsigned enabled[NROWS], nen = 0;
    for (unsigned i = 0; i < NROWS; i++)
        if (rvg_row_enabled(i))
            enabled[nen++] = i;
    unsigned max = opt->max_insns ? opt->max_insns : 20;
    if (max > RVG_MAX_INSNS - 8)
        max = RVG_MAX_INSNS - 8;
    unsigned want = 1 + (unsigned)rvg_below(&g.r, max);
    int fault_at = opt->fault_pct && rvg_below(&g.r, 100) < opt->fault_pct ? (int)rvg_below(&g.r, want) : -1;
    for (unsigned tries = 0; nen && s->ninsns < want && tries < 4 * want; tries++) {
        if (fault_at >= 0 && (int)s->ninsns >= fault_at) {
            emit_fault_access(&g);
            fault_at = -1;
        } else if (opt->loops && g.nloops < opt->loops && s->ninsns > 0 && rvg_below(&g.r, 6) == 0) {
            emit_loop_back(&g);
        } else {
            emit(&g, enabled[rvg_below(&g.r, nen)]);
        }
    }
    resolve_jumps(&g);

    rebuild_code(s);
}

void rvg_make_nop(RvgSeq *s, unsigned i)
{
    RvgInsn *in = &s->insn[i];
    in->bits = in->len == 4 ? 0x00000013u : 0x0001u;   /* addi x0, x0, 0 / c.nop */
    in->row = (uint16_t)row_by_name(in->len == 4 ? "addi" : "c_addi");
    in->target = -1;
    rebuild_code(s);
}

bool rvg_can_nop(const RvgSeq *s, unsigned i) { return !s->insn[i].loop_counter; }

bool rvg_insn_is_nop(const RvgInsn *in)
{
    return in->bits == (in->len == 4 ? 0x00000013u : 0x0001u);
}

/* ---- printing ---- */

static const char *fflag_rm_name(unsigned rm)
{
    static const char *const names[8] = {"rne", "rtz", "rdn", "rup", "rmm", "rm5", "rm6", "dyn"};
    return names[rm & 7];
}

void rvg_disasm(const RvgInsn *in, char *buf, size_t len)
{
    const RvgRow *rw = &rows[in->row];
    uint32_t i = in->bits;
    unsigned rd = bits(i, 11, 7), rs1 = bits(i, 19, 15), rs2 = bits(i, 24, 20), rs3 = bits(i, 31, 27);
    const char *rm = fflag_rm_name(bits(i, 14, 12));
    char name[24];
    snprintf(name, sizeof(name), "%s", rw->name);
    for (char *p = name; *p; p++)
        if (*p == '_')
            *p = '.';
    unsigned cr7 = 8 + bits(i, 9, 7), cr2 = 8 + bits(i, 4, 2), r11 = bits(i, 11, 7), r6 = bits(i, 6, 2);
    switch (rw->kind) {
    case K_R:
        snprintf(buf, len, "%s %s, %s, %s", name, xnames[rd], xnames[rs1], xnames[rs2]);
        break;
    case K_R1:
        snprintf(buf, len, "%s %s, %s", name, xnames[rd], xnames[rs1]);
        break;
    case K_IALU:
    case K_JALR:
        snprintf(buf, len, "%s %s, %s, %" PRId64, name, xnames[rd], xnames[rs1], sext(i >> 20, 12));
        break;
    case K_SH6:
    case K_SH5:
        snprintf(buf, len, "%s %s, %s, %u", name, xnames[rd], xnames[rs1],
                 rw->kind == K_SH6 ? bits(i, 25, 20) : bits(i, 24, 20));
        break;
    case K_LUI:
    case K_AUIPC:
        snprintf(buf, len, "%s %s, 0x%x", name, xnames[rd], i >> 12);
        break;
    case K_LOAD:
    case K_FLOAD:
        snprintf(buf, len, "%s %s%u, %" PRId64 "(%s)", name, rw->kind == K_LOAD ? "x" : "f", rd,
                 sext(i >> 20, 12), xnames[rs1]);
        break;
    case K_STORE:
    case K_FSTORE:
        snprintf(buf, len, "%s %s%u, %" PRId64 "(%s)", name, rw->kind == K_STORE ? "x" : "f", rs2,
                 sext(bits(i, 31, 25) << 5 | bits(i, 11, 7), 12), xnames[rs1]);
        break;
    case K_AMO:
    case K_LR:
    case K_SC:
        snprintf(buf, len, "%s%s%s %s, %s, (%s)", name, bit(i, 26) ? ".aq" : "", bit(i, 25) ? ".rl" : "",
                 xnames[rd], xnames[rs2], xnames[rs1]);
        break;
    case K_BRANCH:
        snprintf(buf, len, "%s %s, %s -> insn %d", name, xnames[rs1], xnames[rs2], in->target);
        break;
    case K_JAL:
        snprintf(buf, len, "%s %s -> insn %d", name, xnames[rd], in->target);
        break;
    case KC_J:
        snprintf(buf, len, "%s -> insn %d", name, in->target);
        break;
    case KC_BRANCH:
        snprintf(buf, len, "%s %s -> insn %d", name, xnames[cr7], in->target);
        break;
    case K_FENCE:
        snprintf(buf, len, "%s fm=%x pred=%x succ=%x", name, bits(i, 31, 28), bits(i, 27, 24),
                 bits(i, 23, 20));
        break;
    case K_CSR:
        snprintf(buf, len, "%s %s, 0x%03x, %s", name, xnames[rd], i >> 20, xnames[rs1]);
        break;
    case K_CSRI:
        snprintf(buf, len, "%s %s, 0x%03x, %u", name, xnames[rd], i >> 20, rs1);
        break;
    case K_FRRM:
        snprintf(buf, len, "%s f%u, f%u, f%u, %s", name, rd, rs1, rs2, rm);
        break;
    case K_FR:
        snprintf(buf, len, "%s f%u, f%u, f%u", name, rd, rs1, rs2);
        break;
    case K_FCMP:
        snprintf(buf, len, "%s %s, f%u, f%u", name, xnames[rd], rs1, rs2);
        break;
    case K_R4:
        snprintf(buf, len, "%s f%u, f%u, f%u, f%u, %s", name, rd, rs1, rs2, rs3, rm);
        break;
    case K_F1RM:
        snprintf(buf, len, "%s f%u, f%u, %s", name, rd, rs1, rm);
        break;
    case K_F2XRM:
        snprintf(buf, len, "%s %s, f%u, %s", name, xnames[rd], rs1, rm);
        break;
    case K_X2FRM:
        snprintf(buf, len, "%s f%u, %s, %s", name, rd, xnames[rs1], rm);
        break;
    case K_F2X:
        snprintf(buf, len, "%s %s, f%u", name, xnames[rd], rs1);
        break;
    case K_X2F:
        snprintf(buf, len, "%s f%u, %s", name, rd, xnames[rs1]);
        break;
    case KC_ADDI:
    case KC_LI:
    case KC_LUI:
        snprintf(buf, len, "%s %s, %" PRId64, name, xnames[r11], sext(bit(i, 12) << 5 | r6, 6));
        break;
    case KC_SLLI:
        snprintf(buf, len, "%s %s, %u", name, xnames[r11], bit(i, 12) << 5 | r6);
        break;
    case KC_SHIFTR:
        snprintf(buf, len, "%s %s, %u", name, xnames[cr7], bit(i, 12) << 5 | r6);
        break;
    case KC_ANDI:
        snprintf(buf, len, "%s %s, %" PRId64, name, xnames[cr7], sext(bit(i, 12) << 5 | r6, 6));
        break;
    case KC_CA:
        snprintf(buf, len, "%s %s, %s", name, xnames[cr7], xnames[cr2]);
        break;
    case KC_MV:
    case KC_ADD:
        snprintf(buf, len, "%s %s, %s", name, xnames[r11], xnames[r6]);
        break;
    case KC_JR:
    case KC_JALR:
        snprintf(buf, len, "%s %s", name, xnames[r11]);
        break;
    case KC_LOAD:
    case KC_FLOAD:
    case KC_STORE:
    case KC_FSTORE: {
        unsigned off = rw->size == 4 ? bits(i, 12, 10) << 3 | bit(i, 6) << 2 | bit(i, 5) << 6
                                     : bits(i, 12, 10) << 3 | bits(i, 6, 5) << 6;
        bool fp = rw->kind == KC_FLOAD || rw->kind == KC_FSTORE;
        snprintf(buf, len, "%s %s%u, %u(%s)", name, fp ? "f" : "x", cr2, off, xnames[cr7]);
        break;
    }
    case KC_ADDI4SPN:
        snprintf(buf, len, "%s %s, sp, %u", name, xnames[cr2],
                 bits(i, 12, 11) << 4 | bits(i, 10, 7) << 6 | bit(i, 6) << 2 | bit(i, 5) << 3);
        break;
    case KC_ADDI16SP:
        snprintf(buf, len, "%s sp, %" PRId64, name,
                 sext(bit(i, 12) << 9 | bit(i, 6) << 4 | bit(i, 5) << 6 | bits(i, 4, 3) << 7 |
                          bit(i, 2) << 5, 10));
        break;
    case KC_LDSP:
    case KC_FLDSP: {
        unsigned off = rw->size == 4 ? bit(i, 12) << 5 | bits(i, 6, 4) << 2 | bits(i, 3, 2) << 6
                                     : bit(i, 12) << 5 | bits(i, 6, 5) << 3 | bits(i, 4, 2) << 6;
        snprintf(buf, len, "%s %s%u, %u(sp)", name, rw->kind == KC_FLDSP ? "f" : "x", r11, off);
        break;
    }
    case KC_SDSP:
    case KC_FSDSP: {
        unsigned off = rw->size == 4 ? bits(i, 12, 9) << 2 | bits(i, 8, 7) << 6
                                     : bits(i, 12, 10) << 3 | bits(i, 9, 7) << 6;
        snprintf(buf, len, "%s %s%u, %u(sp)", name, rw->kind == KC_FSDSP ? "f" : "x", r6, off);
        break;
    }
    default:
        snprintf(buf, len, "%s", name);
        break;
    }
}

void rvg_print_seq(FILE *out, const RvgSeq *s, bool skip_nops)
{
    uint32_t off = 0;
    fprintf(out, "  code (%u insns, %u bytes; bases:", s->ninsns, s->code_len);
    for (unsigned r = 0; r < 32; r++)
        if ((s->base_mask >> r) & 1)
            fprintf(out, " %s", xnames[r]);
    fprintf(out, ")");
    if (s->loop_reg)
        fprintf(out, "; loop counter %s = %" PRIu64, xnames[s->loop_reg], s->init.x[s->loop_reg]);
    if (s->fault_insn >= 0)
        fprintf(out, "; insn %d accesses 0x%" PRIx64 " through %s", s->fault_insn, s->fault_addr,
                xnames[s->fault_reg]);
    fprintf(out, ":\n");
    for (unsigned i = 0; i < s->ninsns; i++) {
        char text[96];
        rvg_disasm(&s->insn[i], text, sizeof(text));
        if (skip_nops && rvg_insn_is_nop(&s->insn[i])) {
            off += s->insn[i].len;
            continue;
        }
        if (s->insn[i].len == 2)
            fprintf(out, "    %2u +%-3u     %04x  %s\n", i, off, s->insn[i].bits, text);
        else
            fprintf(out, "    %2u +%-3u %08x  %s\n", i, off, s->insn[i].bits, text);
        off += s->insn[i].len;
    }
    fprintf(out, "    %2u +%-3u           (end)\n", s->ninsns, off);
}

void rvg_print_state(FILE *out, const RvgState *st)
{
    for (unsigned r = 0; r < 32; r++)
        fprintf(out, "  x%-2u %-4s %016" PRIx64 "%s", r, xnames[r], st->x[r], r % 4 == 3 ? "\n" : "  ");
    for (unsigned r = 0; r < 32; r++)
        fprintf(out, "  f%-2u %016" PRIx64 "%s", r, st->f[r], r % 4 == 3 ? "\n" : "  ");
    fprintf(out, "  fcsr %02" PRIx64 " (frm %" PRIu64 ")  data_seed %016" PRIx64 "\n", st->fcsr,
            st->fcsr >> RVG_FCSR_FRM_SHIFT, st->data_seed);
}

void rvg_print_coverage(FILE *out)
{
    fprintf(out, "coverage (insn: times emitted; \"never\": not generated, the runners' terminators; "
                 "\"off\": disabled in this run):\n");
    unsigned col = 0;
    for (unsigned i = 0; i < NROWS; i++) {
        if (rows[i].kind == K_NEVER)
            fprintf(out, "  %-12s   never", rows[i].name);
        else if (!rows[i].enabled && rows[i].emitted == 0)
            fprintf(out, "  %-12s     off", rows[i].name);
        else
            fprintf(out, "  %-12s %7" PRIu64, rows[i].name, rows[i].emitted);
        if (++col % 5 == 0)
            fprintf(out, "\n");
    }
    if (col % 5)
        fprintf(out, "\n");
}
