/*
 * RISC-V decoder: turns the bit patterns of insn32.def / insn16.def into
 * mask/match pairs (once, at start-up), buckets them by major opcode, and
 * dispatches an instruction to its trans function with fields extracted by
 * its format. First match in table order wins, so a specific pattern (c.nop,
 * c.addi16sp) is listed before the general one it overlaps.
 */
#include <pthread.h>
#include <string.h>

#include "rv-translate.h"

typedef struct RvDecodeEntry {
    const char *name;
    const char *pattern;
    uint32_t mask, match;
    uint8_t format;
    RvTransFn trans;
} RvDecodeEntry;

static RvDecodeEntry table32[] = {
#define RV_INSN(name, pattern, format) {#name, pattern, 0, 0, RV_FMT_##format, trans_##name},
#include "insn32.def"
#undef RV_INSN
};

static RvDecodeEntry table16[] = {
#define RV_CINSN(name, pattern, format, target) {#name, pattern, 0, 0, RV_FMT16_##format, trans_##target},
#include "insn16.def"
#undef RV_CINSN
};

#define N32 (sizeof(table32) / sizeof(table32[0]))
#define N16 (sizeof(table16) / sizeof(table16[0]))

/* bucket lists: 32-bit by opcode[6:2], 16-bit by quadrant and funct3 */
static uint16_t bucket32[32][N32 + 1];
static uint16_t bucket16[32][N16 + 1];

static void parse_pattern(const char *p, unsigned width, uint32_t *mask, uint32_t *match)
{
    unsigned bit = width;
    *mask = *match = 0;
    for (; *p; p++) {
        if (*p != '0' && *p != '1' && *p != '-')
            continue;
        bit--;
        if (*p != '-') {
            *mask |= 1u << bit;
            if (*p == '1')
                *match |= 1u << bit;
        }
    }
}

static unsigned key16(uint32_t insn) { return ((insn >> 13) & 7) | ((insn & 3) << 3); }

static void decode_init_once(void)
{
    for (unsigned i = 0; i < N32; i++)
        parse_pattern(table32[i].pattern, 32, &table32[i].mask, &table32[i].match);
    for (unsigned i = 0; i < N16; i++)
        parse_pattern(table16[i].pattern, 16, &table16[i].mask, &table16[i].match);
    for (unsigned k = 0; k < 32; k++) {
        unsigned n = 0;
        for (unsigned i = 0; i < N32; i++) {
            /* an entry belongs to bucket k unless its fixed opcode bits exclude it */
            uint32_t probe = (k << 2) | 3;
            if (((probe ^ table32[i].match) & table32[i].mask & 0x7f) == 0)
                bucket32[k][n++] = (uint16_t)(i + 1);
        }
        bucket32[k][n] = 0;
        n = 0;
        for (unsigned i = 0; i < N16; i++) {
            uint32_t probe = ((k & 7) << 13) | (k >> 3);
            uint32_t m = table16[i].mask & 0xe003;
            if (((probe ^ table16[i].match) & m) == 0)
                bucket16[k][n++] = (uint16_t)(i + 1);
        }
        bucket16[k][n] = 0;
    }
}

void rv_decode_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, decode_init_once);
}

static inline uint32_t bits(uint32_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static inline int64_t sext(uint64_t v, unsigned width)
{
    return (int64_t)(v << (64 - width)) >> (64 - width);
}

static bool extract32(RvFormat32 f, uint32_t i, RvArgs *a)
{
    a->rd = bits(i, 11, 7);
    a->rs1 = bits(i, 19, 15);
    a->rs2 = bits(i, 24, 20);
    a->rs3 = bits(i, 31, 27);
    a->rm = bits(i, 14, 12);
    switch (f) {
    case RV_FMT_I:
        a->imm = sext(bits(i, 31, 20), 12);
        break;
    case RV_FMT_S:
        a->imm = sext((bits(i, 31, 25) << 5) | bits(i, 11, 7), 12);
        break;
    case RV_FMT_B:
        a->imm = sext((bits(i, 31, 31) << 12) | (bits(i, 7, 7) << 11) | (bits(i, 30, 25) << 5) |
                          (bits(i, 11, 8) << 1), 13);
        break;
    case RV_FMT_U:
        a->imm = sext(i & 0xfffff000u, 32);
        break;
    case RV_FMT_J:
        a->imm = sext((bits(i, 31, 31) << 20) | (bits(i, 19, 12) << 12) | (bits(i, 20, 20) << 11) |
                          (bits(i, 30, 21) << 1), 21);
        break;
    case RV_FMT_SH6:
        a->shamt = bits(i, 25, 20);
        break;
    case RV_FMT_SH5:
        a->shamt = bits(i, 24, 20);
        break;
    case RV_FMT_CSR:
        a->csr = bits(i, 31, 20);
        break;
    case RV_FMT_CSRI:
        a->csr = bits(i, 31, 20);
        a->imm = a->rs1;   /* zimm */
        break;
    case RV_FMT_ATOM:
    case RV_FMT_ATOM_LR:
        a->aq = bits(i, 26, 26);
        a->rl = bits(i, 25, 25);
        break;
    default:
        break;
    }
    return true;
}

/* compressed register fields name x8..x15 */
static inline uint8_t creg(uint32_t v) { return (uint8_t)(8 + v); }

static bool extract16(RvFormat16 f, uint32_t i, RvArgs *a)
{
    memset(a, 0, sizeof(*a));
    a->rm = RV_RM_DYN;
    switch (f) {
    case RV_FMT16_CIW_ADDI4SPN:
        a->rd = creg(bits(i, 4, 2));
        a->rs1 = 2;
        a->imm = (bits(i, 12, 11) << 4) | (bits(i, 10, 7) << 6) | (bits(i, 6, 6) << 2) | (bits(i, 5, 5) << 3);
        return a->imm != 0;
    case RV_FMT16_CL_W:
    case RV_FMT16_CS_W:
        a->rd = a->rs2 = creg(bits(i, 4, 2));
        a->rs1 = creg(bits(i, 9, 7));
        a->imm = (bits(i, 12, 10) << 3) | (bits(i, 6, 6) << 2) | (bits(i, 5, 5) << 6);
        return true;
    case RV_FMT16_CL_D:
    case RV_FMT16_CS_D:
        a->rd = a->rs2 = creg(bits(i, 4, 2));
        a->rs1 = creg(bits(i, 9, 7));
        a->imm = (bits(i, 12, 10) << 3) | (bits(i, 6, 5) << 6);
        return true;
    case RV_FMT16_CI_ADDI:
    case RV_FMT16_CI_ADDIW:
        a->rd = a->rs1 = bits(i, 11, 7);
        a->imm = sext((bits(i, 12, 12) << 5) | bits(i, 6, 2), 6);
        return f != RV_FMT16_CI_ADDIW || a->rd != 0;
    case RV_FMT16_CI_LI:
        a->rd = bits(i, 11, 7);
        a->rs1 = 0;
        a->imm = sext((bits(i, 12, 12) << 5) | bits(i, 6, 2), 6);
        return true;
    case RV_FMT16_CI_ADDI16SP:
        a->rd = a->rs1 = 2;
        a->imm = sext((bits(i, 12, 12) << 9) | (bits(i, 6, 6) << 4) | (bits(i, 5, 5) << 6) |
                          (bits(i, 4, 3) << 7) | (bits(i, 2, 2) << 5), 10);
        return a->imm != 0;
    case RV_FMT16_CI_LUI:
        a->rd = bits(i, 11, 7);
        a->imm = sext((bits(i, 12, 12) << 17) | (bits(i, 6, 2) << 12), 18);
        return a->imm != 0;
    case RV_FMT16_CI_SHIFT:
        a->rd = a->rs1 = bits(i, 11, 7);
        a->shamt = (bits(i, 12, 12) << 5) | bits(i, 6, 2);
        return true;
    case RV_FMT16_CB_SHIFT:
        a->rd = a->rs1 = creg(bits(i, 9, 7));
        a->shamt = (bits(i, 12, 12) << 5) | bits(i, 6, 2);
        return true;
    case RV_FMT16_CB_ANDI:
        a->rd = a->rs1 = creg(bits(i, 9, 7));
        a->imm = sext((bits(i, 12, 12) << 5) | bits(i, 6, 2), 6);
        return true;
    case RV_FMT16_CA:
    case RV_FMT16_CA_W:
        a->rd = a->rs1 = creg(bits(i, 9, 7));
        a->rs2 = creg(bits(i, 4, 2));
        return true;
    case RV_FMT16_CJ:
        a->rd = 0;
        a->imm = sext((bits(i, 12, 12) << 11) | (bits(i, 11, 11) << 4) | (bits(i, 10, 9) << 8) |
                          (bits(i, 8, 8) << 10) | (bits(i, 7, 7) << 6) | (bits(i, 6, 6) << 7) |
                          (bits(i, 5, 3) << 1) | (bits(i, 2, 2) << 5), 12);
        return true;
    case RV_FMT16_CB_BRANCH:
        a->rs1 = creg(bits(i, 9, 7));
        a->rs2 = 0;
        a->imm = sext((bits(i, 12, 12) << 8) | (bits(i, 11, 10) << 3) | (bits(i, 6, 5) << 6) |
                          (bits(i, 4, 3) << 1) | (bits(i, 2, 2) << 5), 9);
        return true;
    case RV_FMT16_CI_LWSP:
        a->rd = bits(i, 11, 7);
        a->rs1 = 2;
        a->imm = (bits(i, 12, 12) << 5) | (bits(i, 6, 4) << 2) | (bits(i, 3, 2) << 6);
        return a->rd != 0;
    case RV_FMT16_CI_LDSP:
        a->rd = bits(i, 11, 7);
        a->rs1 = 2;
        a->imm = (bits(i, 12, 12) << 5) | (bits(i, 6, 5) << 3) | (bits(i, 4, 2) << 6);
        return a->rd != 0;
    case RV_FMT16_CI_FLDSP:
        a->rd = bits(i, 11, 7);
        a->rs1 = 2;
        a->imm = (bits(i, 12, 12) << 5) | (bits(i, 6, 5) << 3) | (bits(i, 4, 2) << 6);
        return true;
    case RV_FMT16_CSS_SWSP:
        a->rs1 = 2;
        a->rs2 = bits(i, 6, 2);
        a->imm = (bits(i, 12, 9) << 2) | (bits(i, 8, 7) << 6);
        return true;
    case RV_FMT16_CSS_SDSP:
    case RV_FMT16_CSS_FSDSP:
        a->rs1 = 2;
        a->rs2 = bits(i, 6, 2);
        a->imm = (bits(i, 12, 10) << 3) | (bits(i, 9, 7) << 6);
        return true;
    case RV_FMT16_CR_JR:
        a->rd = 0;
        a->rs1 = bits(i, 11, 7);
        a->imm = 0;
        return a->rs1 != 0;
    case RV_FMT16_CR_JALR:
        a->rd = 1;
        a->rs1 = bits(i, 11, 7);
        a->imm = 0;
        return a->rs1 != 0;
    case RV_FMT16_CR_MV:
        a->rd = bits(i, 11, 7);
        a->rs1 = 0;
        a->rs2 = bits(i, 6, 2);
        return a->rs2 != 0;
    case RV_FMT16_CR_ADD:
        a->rd = a->rs1 = bits(i, 11, 7);
        a->rs2 = bits(i, 6, 2);
        return a->rs2 != 0;
    case RV_FMT16_NONE16:
        return true;
    }
    return false;
}

static const RvDecodeEntry *lookup(uint32_t insn, unsigned len, RvArgs *a)
{
    if (len == 4) {
        for (const uint16_t *p = bucket32[(insn >> 2) & 31]; *p; p++) {
            const RvDecodeEntry *e = &table32[*p - 1];
            if ((insn & e->mask) == e->match) {
                memset(a, 0, sizeof(*a));
                if (extract32((RvFormat32)e->format, insn, a))
                    return e;
                return NULL;
            }
        }
        return NULL;
    }
    for (const uint16_t *p = bucket16[key16(insn)]; *p; p++) {
        const RvDecodeEntry *e = &table16[*p - 1];
        if ((insn & e->mask) == e->match)
            return extract16((RvFormat16)e->format, insn, a) ? e : NULL;
    }
    return NULL;
}

/* F and D instructions by major opcode (and the compressed FP loads and
 * stores), which are illegal while mstatus.FS is Off */
static bool uses_fpu(uint32_t insn, unsigned len)
{
    if (len == 2) {
        unsigned quadrant = insn & 3, funct3 = (insn >> 13) & 7;
        return (quadrant == 0 || quadrant == 2) && (funct3 == 1 || funct3 == 5);
    }
    switch (insn & 0x7f) {
    case 0x07: case 0x27:                          /* FP loads and stores */
    case 0x43: case 0x47: case 0x4b: case 0x4f:    /* fused multiply-add */
    case 0x53:                                     /* OP-FP */
        return true;
    default:
        return false;
    }
}

bool rv_decode_and_translate(RvContext *ctx, uint32_t insn, unsigned len)
{
    if (ctx->fs_off && uses_fpu(insn, len))
        return rv_gen_illegal(ctx);
    RvArgs a;
    const RvDecodeEntry *e = lookup(insn, len, &a);
    uint32_t mark = rv_ir(ctx)->ninsns;
    if (e && e->trans(ctx, &a))
        return true;
    /* a trans function may reject after emitting; drop its partial IR */
    rv_ir(ctx)->ninsns = mark;
    return rv_gen_illegal(ctx);
}

const char *rv_decode_name(uint32_t insn, unsigned len, RvArgs *a)
{
    rv_decode_init();
    const RvDecodeEntry *e = lookup(insn, len, a);
    return e ? e->name : NULL;
}
