/*
 * Unit test of the x86-64 emitter (src/engine/jit/host-x86_64/x86-emit.c),
 * checked by disassembly with Capstone.
 *
 * Every row of every instruction table and every encoder is emitted into a
 * JitBuf over all 16 registers, the special memory bases (rsp/r12 need a SIB
 * byte, rbp/r13 a displacement), displacements and immediates on both sides
 * of the 8/32-bit boundaries, and every condition code. Each emission must
 * decode as exactly one instruction that uses every emitted byte, print the
 * expected Intel-syntax text and have the expected (shortest) length.
 *
 * The expected mnemonics, operand names, operand sizes and lengths come from
 * this file's own tables and the SDM's encoding rules, not from the emitter's
 * tables, so a wrong opcode, /digit or mnemonic in a table row shows up as a
 * mismatch; the length check catches encodings that decode right but waste
 * bytes (a disp32 where a disp8 fits, a needless REX, imm32 for an imm8).
 *
 * Written against Capstone 4.0.2, whose printing rules this file encodes
 * (see hex_u/hex_s and alu_imm_text); another major version may print some
 * immediates differently.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <capstone.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "engine/jit/host-x86_64/x86-emit.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- what the test expects, written down independently of the emitter ---- */

static const char *const names64[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};
static const char *const names32[16] = {
    "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
    "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d",
};
static const char *const names16[16] = {
    "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
    "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w",
};
/* with a REX prefix, byte registers 4-7 are spl..dil (ah..bh without) */
static const char *const names8[16] = {
    "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
    "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b",
};

static const char *reg_name(int r, unsigned size)
{
    switch (size) {
    case 1: return names8[r];
    case 2: return names16[r];
    case 4: return names32[r];
    default: return names64[r];
    }
}

/* The "reg, r/m" family: mnemonic, r/m operand size when it is not the
 * operation's, mandatory prefix and opcode lengths, and the operand shapes. */
typedef struct RmExpect {
    const char *mn;
    unsigned src_size;
    unsigned prefix_len;
    unsigned opcode_len;
    bool rm_first;   /* opcode 85 is TEST r/m, reg: Capstone prints r/m first */
    bool mem_only;   /* LEA of a register is not an instruction */
    bool w64_only;   /* MOVSXD without REX.W is the discouraged 32-bit move */
} RmExpect;

static const RmExpect rm_expect[X86_OP_COUNT] = {
    [X86_OP_MOV] = {"mov", 0, 0, 1, false, false, false},
    [X86_OP_ADD] = {"add", 0, 0, 1, false, false, false},
    [X86_OP_OR] = {"or", 0, 0, 1, false, false, false},
    [X86_OP_ADC] = {"adc", 0, 0, 1, false, false, false},
    [X86_OP_SBB] = {"sbb", 0, 0, 1, false, false, false},
    [X86_OP_AND] = {"and", 0, 0, 1, false, false, false},
    [X86_OP_SUB] = {"sub", 0, 0, 1, false, false, false},
    [X86_OP_XOR] = {"xor", 0, 0, 1, false, false, false},
    [X86_OP_CMP] = {"cmp", 0, 0, 1, false, false, false},
    [X86_OP_TEST] = {"test", 0, 0, 1, true, false, false},
    [X86_OP_IMUL] = {"imul", 0, 0, 2, false, false, false},
    [X86_OP_MOVZX8] = {"movzx", 1, 0, 2, false, false, false},
    [X86_OP_MOVZX16] = {"movzx", 2, 0, 2, false, false, false},
    [X86_OP_MOVSX8] = {"movsx", 1, 0, 2, false, false, false},
    [X86_OP_MOVSX16] = {"movsx", 2, 0, 2, false, false, false},
    [X86_OP_MOVSXD] = {"movsxd", 4, 0, 1, false, false, true},
    [X86_OP_BSR] = {"bsr", 0, 0, 2, false, false, false},
    [X86_OP_BSF] = {"bsf", 0, 0, 2, false, false, false},
    [X86_OP_LZCNT] = {"lzcnt", 0, 1, 2, false, false, false},
    [X86_OP_TZCNT] = {"tzcnt", 0, 1, 2, false, false, false},
    [X86_OP_POPCNT] = {"popcnt", 0, 1, 2, false, false, false},
    [X86_OP_LEA] = {"lea", 0, 0, 1, false, true, false},
};

/* and/or/xor: Capstone prints their immediates unsigned (see alu_imm_text) */
typedef struct AluExpect {
    const char *mn;
    bool logical;
} AluExpect;
static const AluExpect alu_expect[X86_ALUI_COUNT] = {
    [X86_ALUI_ADD] = {"add", false}, [X86_ALUI_OR] = {"or", true},
    [X86_ALUI_AND] = {"and", true},  [X86_ALUI_SUB] = {"sub", false},
    [X86_ALUI_XOR] = {"xor", true},  [X86_ALUI_CMP] = {"cmp", false},
};
static const char *const shift_expect[X86_SH_COUNT] = {
    [X86_SH_ROL] = "rol", [X86_SH_ROR] = "ror", [X86_SH_SHL] = "shl",
    [X86_SH_SHR] = "shr", [X86_SH_SAR] = "sar",
};
/* SSE rows: mnemonic and prefix + escape + opcode bytes */
static const char *const sse_expect[X86_SSE_COUNT] = {
    [X86_SSE_SQRTSD] = "sqrtsd", [X86_SSE_ADDSD] = "addsd", [X86_SSE_MULSD] = "mulsd",
    [X86_SSE_SUBSD] = "subsd",   [X86_SSE_DIVSD] = "divsd", [X86_SSE_UCOMISD] = "ucomisd",
    [X86_SSE_MOVAPS] = "movaps",
};
static const char *const unary_expect[X86_UN_COUNT] = {
    [X86_UN_NOT] = "not", [X86_UN_NEG] = "neg", [X86_UN_MUL] = "mul",
    [X86_UN_IMUL1] = "imul", [X86_UN_DIV] = "div", [X86_UN_IDIV] = "idiv",
};
static const char *const cond_expect[X86_CC_COUNT] = {
    [X86_CC_O] = "o",   [X86_CC_NO] = "no", [X86_CC_B] = "b",   [X86_CC_AE] = "ae",
    [X86_CC_E] = "e",   [X86_CC_NE] = "ne", [X86_CC_BE] = "be", [X86_CC_A] = "a",
    [X86_CC_S] = "s",   [X86_CC_NS] = "ns", [X86_CC_P] = "p",   [X86_CC_NP] = "np",
    [X86_CC_L] = "l",   [X86_CC_GE] = "ge", [X86_CC_LE] = "le", [X86_CC_G] = "g",
};
/* the opposite condition of each, by name */
static const char *const cond_opposite[X86_CC_COUNT] = {
    [X86_CC_O] = "no",  [X86_CC_NO] = "o",  [X86_CC_B] = "ae",  [X86_CC_AE] = "b",
    [X86_CC_E] = "ne",  [X86_CC_NE] = "e",  [X86_CC_BE] = "a",  [X86_CC_A] = "be",
    [X86_CC_S] = "ns",  [X86_CC_NS] = "s",  [X86_CC_P] = "np",  [X86_CC_NP] = "p",
    [X86_CC_L] = "ge",  [X86_CC_GE] = "l",  [X86_CC_LE] = "g",  [X86_CC_G] = "le",
};

/* immediates on both sides of the imm8 and imm32 limits, and Capstone's
 * decimal/hex switch between 9 and 10 */
static const int32_t imms[] = {0, 1, 9, 10, -1, -9, -10, 127, 128, -128, -129, INT32_MAX, INT32_MIN};
static const int32_t disps[] = {0, 1, 9, 10, -8, -10, 127, 128, -128, -129, INT32_MAX, INT32_MIN};

/* every base, with no index and with each legal index (not rsp) */
#define MAX_MEMS (16 * 16 * ARRAY_LEN(disps))
static X86Mem mems[MAX_MEMS];
static size_t nmems;

static bool fits_s8(int64_t v) { return v >= -128 && v <= 127; }
static bool is_byte_rex_reg(int r) { return r >= 4 && r <= 7; }   /* spl bpl sil dil */

/* ---- expected text ---- */

typedef struct Text {
    char s[192];
} Text;

static void add(Text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(Text *t, const char *fmt, ...)
{
    size_t used = strlen(t->s);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->s + used, sizeof(t->s) - used, fmt, ap);
    va_end(ap);
}

static Text text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static Text text(const char *fmt, ...)
{
    Text t;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t.s, sizeof(t.s), fmt, ap);
    va_end(ap);
    return t;
}

/* Capstone 4 prints numbers up to 9 in decimal and larger ones in hex,
 * negative ones as "-" and the magnitude in the same style. */
static Text hex_u(uint64_t v)
{
    return v <= 9 ? text("%" PRIu64, v) : text("0x%" PRIx64, v);
}
static Text hex_s(int64_t v)
{
    return v < 0 ? text("-%s", hex_u(-(uint64_t)v).s) : hex_u((uint64_t)v);
}

/*
 * How Capstone 4 shows an ALU immediate. It keeps an imm8 sign-extended but
 * a 32-bit operation's imm32 as the raw unsigned 32 bits, so `add eax, -129`
 * prints 0xffffff7f while `add eax, -128` prints -0x80; and it never prints
 * and/or/xor immediates negative, showing the operand-size two's complement
 * instead (`and rax, 0xffffffffffffff80`).
 */
static Text alu_imm_text(bool logical, bool w64, int32_t imm)
{
    if (logical)
        return hex_u(w64 ? (uint64_t)(int64_t)imm : (uint64_t)(uint32_t)imm);
    if (w64 || fits_s8(imm))
        return hex_s(imm);
    return hex_u((uint32_t)imm);
}

static const char *ptr_name(unsigned size)
{
    switch (size) {
    case 1: return "byte ptr ";
    case 2: return "word ptr ";
    case 4: return "dword ptr ";
    case 8: return "qword ptr ";
    default: return "";   /* lea's operand has no size */
    }
}

static Text mem_text(unsigned size, X86Mem m)
{
    Text t = text("%s[%s", ptr_name(size), names64[m.base]);
    if (m.index != X86_NOREG)
        add(&t, " + %s", names64[m.index]);
    if (m.disp > 0)
        add(&t, " + %s", hex_u((uint64_t)m.disp).s);
    else if (m.disp < 0)
        add(&t, " - %s", hex_u((uint64_t)(-(int64_t)m.disp)).s);
    add(&t, "]");
    return t;
}

/* ---- expected length (SDM vol. 2, ch. 2) ---- */

/* REX is needed for REX.W, to reach r8-r15 (R, X or B), and to name
 * spl/bpl/sil/dil as byte registers */
static unsigned rex_len(bool w, bool high_reg, bool byte_rex)
{
    return (w || high_reg || byte_rex) ? 1 : 0;
}
static bool mem_high(X86Mem m) { return m.base >= 8 || (m.index != X86_NOREG && m.index >= 8); }

/* ModRM, SIB when there is an index or the base is rsp/r12, and the
 * shortest displacement (rbp/r13 have no displacement-free form) */
static unsigned mem_len(X86Mem m)
{
    unsigned n = 1;
    if (m.index != X86_NOREG || (m.base & 7) == 4)
        n++;
    if (m.disp != 0 || (m.base & 7) == 5)
        n += fits_s8(m.disp) ? 1 : 4;
    return n;
}

/* ---- emitting and checking ---- */

static csh cs;
static unsigned long checks;   /* encodings verified, over the whole run */
static unsigned failures;      /* in the current test */
static uint8_t code[64];
static JitBuf jb;

static JitBuf *fresh(void)
{
    jit_buf_init(&jb, code, sizeof(code), 0);
    return &jb;
}

static void mismatch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void mismatch(const char *fmt, ...)
{
    if (failures++ >= 40)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    print_error("%s\n", msg);
}

static Text bytes_text(const uint8_t *p, size_t n)
{
    Text t = text("%s", "");
    for (size_t i = 0; i < n && i < 40; i++)
        add(&t, "%02x ", p[i]);
    return t;
}

/*
 * b's emission, disassembled at its executable address, must be exactly the
 * n instructions `want` and use all its bytes; want_len 0 skips the length
 * check.
 */
static void expect_seq(const JitBuf *b, size_t want_len, size_t n, const char *const want[])
{
    checks++;
    size_t len = jit_buf_offset(b);
    Text bytes = bytes_text(b->start, len);
    if (b->overflow) {
        mismatch("[%s] overflowed emitting %s", bytes.s, want[0]);
        return;
    }
    if (want_len && len != want_len)
        mismatch("[%s] is %zu bytes, want %zu for %s", bytes.s, len, want_len, want[0]);

    cs_insn *insn;
    uint64_t addr = jit_buf_exec_addr(b, b->start);
    size_t count = cs_disasm(cs, b->start, len, addr, 0, &insn);
    size_t used = 0;
    bool ok = count == n;
    for (size_t i = 0; i < count; i++) {
        used += insn[i].size;
        if (i < n) {
            Text got = text("%s%s%s", insn[i].mnemonic, insn[i].op_str[0] ? " " : "", insn[i].op_str);
            ok = ok && strcmp(got.s, want[i]) == 0;
        }
    }
    ok = ok && used == len;
    if (!ok) {
        Text got = text("%s", "");
        for (size_t i = 0; i < count; i++)
            add(&got, "%s'%s %s'", i ? "; " : "", insn[i].mnemonic, insn[i].op_str);
        mismatch("[%s] decodes as %zu insn(s) using %zu of %zu bytes: %s; want '%s'%s", bytes.s, count,
             used, len, got.s, want[0], n > 1 ? " ..." : "");
    }
    if (count)
        cs_free(insn, count);
}

static void expect1(size_t want_len, Text want)
{
    const char *w[1] = {want.s};
    expect_seq(&jb, want_len, 1, w);
}

static int reset_failures(void **state)
{
    (void)state;
    failures = 0;
    return 0;
}

static void end_test(void)
{
    unsigned n = failures;
    failures = 0;
    assert_int_equal(n, 0);
}

/* ---- the table rows ---- */

static void test_name_tables(void **state)
{
    (void)state;
    for (int op = 0; op < X86_OP_COUNT; op++)
        assert_string_equal(x86_rm_op_names[op], rm_expect[op].mn);
    for (int op = 0; op < X86_ALUI_COUNT; op++)
        assert_string_equal(x86_alu_imm_names[op], alu_expect[op].mn);
    for (int op = 0; op < X86_SH_COUNT; op++)
        assert_string_equal(x86_shift_names[op], shift_expect[op]);
    for (int op = 0; op < X86_UN_COUNT; op++)
        assert_string_equal(x86_unary_names[op], unary_expect[op]);
    for (int op = 0; op < X86_SSE_COUNT; op++)
        assert_string_equal(x86_sse_names[op], sse_expect[op]);
    for (int cc = 0; cc < X86_CC_COUNT; cc++) {
        assert_string_equal(x86_cond_names[cc], cond_expect[cc]);
        assert_string_equal(cond_expect[x86_cond_invert((X86Cond)cc)], cond_opposite[cc]);
    }
}

/* Capstone 4 prints MOVSXD without REX.W as "movsxd rax, ecx" although the
 * SDM makes it a 32-bit move; that form is skipped (rm_expect.w64_only). */
static void test_rm_ops_reg(void **state)
{
    (void)state;
    for (int op = 0; op < X86_OP_COUNT; op++) {
        const RmExpect *e = &rm_expect[op];
        if (e->mem_only)
            continue;
        for (int w = 0; w < 2; w++) {
            if (e->w64_only && !w)
                continue;
            unsigned size = w ? 8 : 4, src = e->src_size ? e->src_size : size;
            for (int reg = 0; reg < 16; reg++)
                for (int rm = 0; rm < 16; rm++) {
                    x86_rr(fresh(), (X86RmOp)op, w, (X86Reg)reg, (X86Reg)rm);
                    Text want = e->rm_first
                                    ? text("%s %s, %s", e->mn, reg_name(rm, src), reg_name(reg, size))
                                    : text("%s %s, %s", e->mn, reg_name(reg, size), reg_name(rm, src));
                    unsigned len = e->prefix_len + e->opcode_len + 1 +
                                   rex_len(w, reg >= 8 || rm >= 8, src == 1 && is_byte_rex_reg(rm));
                    expect1(len, want);
                }
        }
    }
    end_test();
}

static void test_rm_ops_mem(void **state)
{
    (void)state;
    for (int op = 0; op < X86_OP_COUNT; op++) {
        const RmExpect *e = &rm_expect[op];
        for (int w = 0; w < 2; w++) {
            if (e->w64_only && !w)
                continue;
            unsigned size = w ? 8 : 4, src = e->src_size ? e->src_size : size;
            for (size_t i = 0; i < nmems; i++) {
                X86Mem m = mems[i];
                int reg = (int)(i % 16);
                x86_rm(fresh(), (X86RmOp)op, w, (X86Reg)reg, m);
                Text mt = mem_text(e->mem_only ? 0 : src, m);
                Text want = e->rm_first ? text("%s %s, %s", e->mn, mt.s, reg_name(reg, size))
                                        : text("%s %s, %s", e->mn, reg_name(reg, size), mt.s);
                unsigned len = e->prefix_len + e->opcode_len + mem_len(m) +
                               rex_len(w, reg >= 8 || mem_high(m), false);
                expect1(len, want);
            }
        }
    }
    end_test();
}

/* ---- stores ---- */

static void check_store(unsigned size, X86Mem m, int src)
{
    x86_store(fresh(), size, m, (X86Reg)src);
    unsigned len = (size == 2) + 1 + mem_len(m) +
                   rex_len(size == 8, src >= 8 || mem_high(m), size == 1 && is_byte_rex_reg(src));
    expect1(len, text("mov %s, %s", mem_text(size, m).s, reg_name(src, size)));
}

static void test_store(void **state)
{
    (void)state;
    static const unsigned sizes[] = {1, 2, 4, 8};
    for (size_t s = 0; s < ARRAY_LEN(sizes); s++) {
        for (size_t i = 0; i < nmems; i++)
            check_store(sizes[s], mems[i], (int)(i % 16));
        /* every source over every base, spl..dil included for size 1 */
        for (int src = 0; src < 16; src++)
            for (int base = 0; base < 16; base++)
                check_store(sizes[s], x86_mem((X86Reg)base, 0), src);
    }
    end_test();
}

/* mov r/m32, imm32 (C7 /0), with REX.W the sign-extended imm32; Capstone
 * shows the 32-bit one unsigned (see alu_imm_text) */
static void test_store_imm(void **state)
{
    (void)state;
    for (unsigned size = 4; size <= 8; size += 4)
        for (size_t i = 0; i < nmems; i++) {
            X86Mem m = mems[i];
            int32_t imm = imms[i % ARRAY_LEN(imms)];
            x86_store_imm(fresh(), size, m, imm);
            Text it = size == 8 ? hex_s(imm) : hex_u((uint32_t)imm);
            expect1(rex_len(size == 8, mem_high(m), false) + 1 + mem_len(m) + 4,
                    text("mov %s, %s", mem_text(size, m).s, it.s));
        }
    end_test();
}

/* ---- immediates ---- */

static void test_alu_imm(void **state)
{
    (void)state;
    for (int op = 0; op < X86_ALUI_COUNT; op++) {
        const AluExpect *e = &alu_expect[op];
        for (int w = 0; w < 2; w++) {
            unsigned size = w ? 8 : 4;
            for (int reg = 0; reg < 16; reg++)
                for (size_t k = 0; k < ARRAY_LEN(imms); k++) {
                    int32_t imm = imms[k];
                    x86_alu_ri(fresh(), (X86AluImm)op, w, (X86Reg)reg, imm);
                    expect1(rex_len(w, reg >= 8, false) + 2 + (fits_s8(imm) ? 1 : 4),
                            text("%s %s, %s", e->mn, reg_name(reg, size), alu_imm_text(e->logical, w, imm).s));
                }
            for (size_t i = 0; i < nmems; i++) {
                X86Mem m = mems[i];
                int32_t imm = imms[i % ARRAY_LEN(imms)];
                x86_alu_mi(fresh(), (X86AluImm)op, w, m, imm);
                expect1(rex_len(w, mem_high(m), false) + 1 + mem_len(m) + (fits_s8(imm) ? 1 : 4),
                        text("%s %s, %s", e->mn, mem_text(size, m).s, alu_imm_text(e->logical, w, imm).s));
            }
        }
    }
    end_test();
}

static void test_test_ri(void **state)
{
    (void)state;
    for (int w = 0; w < 2; w++)
        for (int reg = 0; reg < 16; reg++)
            for (size_t k = 0; k < ARRAY_LEN(imms); k++) {
                int32_t imm = imms[k];
                x86_test_ri(fresh(), w, (X86Reg)reg, imm);
                /* imm32 only: shown unsigned for 32 bits, as in alu_imm_text */
                Text it = w ? hex_s(imm) : hex_u((uint32_t)imm);
                expect1(rex_len(w, reg >= 8, false) + 2 + 4,
                        text("test %s, %s", reg_name(reg, w ? 8 : 4), it.s));
            }
    end_test();
}

/* The shortest move of imm into reg: B8+r imm32 when it zero-extends, C7 /0
 * imm32 with REX.W when it sign-extends, else movabs (B8+r imm64). */
static Text mov_ri_text(bool w64, int reg, uint64_t imm, unsigned *len)
{
    uint64_t v = w64 ? imm : (uint32_t)imm;
    if (v <= UINT32_MAX) {
        *len = rex_len(false, reg >= 8, false) + 1 + 4;
        return text("mov %s, %s", names32[reg], hex_u(v).s);
    }
    if ((int64_t)v >= INT32_MIN && (int64_t)v <= INT32_MAX) {
        *len = 1 + 1 + 1 + 4;
        return text("mov %s, %s", names64[reg], hex_s((int64_t)v).s);
    }
    *len = 1 + 1 + 8;
    return text("movabs %s, 0x%" PRIx64, names64[reg], v);   /* movabs: always hex */
}

static void test_mov_ri(void **state)
{
    (void)state;
    static const uint64_t values[] = {
        0, 1, 9, 10, 0x7fffffff, 0x80000000, 0xffffffff,         /* zero-extending imm32 */
        UINT64_MAX, 0xffffffff80000000ull, 0xffffffffffffff80ull, /* sign-extending imm32 */
        0x100000000ull, 0xffffffff7fffffffull, 0x8000000000000000ull, 0x7fffffffffffffffull,
        0x123456789abcdef0ull,                                    /* 64-bit */
    };
    for (int w = 0; w < 2; w++)
        for (int reg = 0; reg < 16; reg++)
            for (size_t k = 0; k < ARRAY_LEN(values); k++) {
                unsigned len;
                Text want = mov_ri_text(w, reg, values[k], &len);
                x86_mov_ri(fresh(), w, (X86Reg)reg, values[k]);
                expect1(len, want);
            }
    end_test();
}

static void test_imul_ri(void **state)
{
    (void)state;
    for (int w = 0; w < 2; w++)
        for (int reg = 0; reg < 16; reg++)
            for (int rm = 0; rm < 16; rm++)
                for (size_t k = 0; k < ARRAY_LEN(imms); k++) {
                    int32_t imm = imms[k];
                    unsigned size = w ? 8 : 4;
                    x86_imul_ri(fresh(), w, (X86Reg)reg, (X86Reg)rm, imm);
                    expect1(rex_len(w, reg >= 8 || rm >= 8, false) + 2 + (fits_s8(imm) ? 1 : 4),
                            text("imul %s, %s, %s", reg_name(reg, size), reg_name(rm, size),
                                 alu_imm_text(false, w, imm).s));
                }
    end_test();
}

/* ---- SSE, for the host-FPU fast path ---- */

static void test_sse(void **state)
{
    (void)state;
    for (int op = 0; op < X86_SSE_COUNT; op++)
        for (int d = 0; d < 16; d++)
            for (int s = 0; s < 16; s++) {
                x86_sse_rr(fresh(), (X86SseOp)op, (unsigned)d, (unsigned)s);
                /* prefix (movaps has none), REX for xmm8-15, 0F, opcode, ModRM */
                expect1((op != X86_SSE_MOVAPS) + rex_len(false, d >= 8 || s >= 8, false) + 3,
                        text("%s xmm%d, xmm%d", sse_expect[op], d, s));
            }
    for (int x = 0; x < 16; x++)
        for (int r = 0; r < 16; r++) {
            x86_movq_to_xmm(fresh(), (unsigned)x, (X86Reg)r);
            expect1(5, text("movq xmm%d, %s", x, names64[r]));
            x86_movq_from_xmm(fresh(), (X86Reg)r, (unsigned)x);
            expect1(5, text("movq %s, xmm%d", names64[r], x));
        }
    for (size_t i = 0; i < nmems; i++) {
        X86Mem m = mems[i];
        uint8_t imm = (uint8_t)(i * 37);
        x86_test_mi8(fresh(), m, imm);
        expect1(rex_len(false, mem_high(m), false) + 1 + mem_len(m) + 1,
                text("test %s, %s", mem_text(1, m).s, hex_u(imm).s));
    }
    end_test();
}

/* ---- one-register forms ---- */

static void test_shifts(void **state)
{
    (void)state;
    static const uint8_t counts[] = {0, 1, 2, 9, 10, 31, 32, 63};
    for (int op = 0; op < X86_SH_COUNT; op++)
        for (int w = 0; w < 2; w++)
            for (int reg = 0; reg < 16; reg++) {
                const char *r = reg_name(reg, w ? 8 : 4);
                unsigned rex = rex_len(w, reg >= 8, false);
                for (size_t k = 0; k < ARRAY_LEN(counts); k++) {
                    /* a count of 1 has its own opcode (D1) without the imm8 */
                    x86_shift_ri(fresh(), (X86Shift)op, w, (X86Reg)reg, counts[k]);
                    expect1(rex + 2 + (counts[k] != 1),
                            text("%s %s, %s", shift_expect[op], r, hex_u(counts[k]).s));
                }
                x86_shift_cl(fresh(), (X86Shift)op, w, (X86Reg)reg);
                expect1(rex + 2, text("%s %s, cl", shift_expect[op], r));
            }
    end_test();
}

static void test_unary(void **state)
{
    (void)state;
    for (int op = 0; op < X86_UN_COUNT; op++)
        for (int w = 0; w < 2; w++)
            for (int reg = 0; reg < 16; reg++) {
                x86_unary(fresh(), (X86Unary)op, w, (X86Reg)reg);
                expect1(rex_len(w, reg >= 8, false) + 2,
                        text("%s %s", unary_expect[op], reg_name(reg, w ? 8 : 4)));
            }
    end_test();
}

static void test_setcc_cmov(void **state)
{
    (void)state;
    for (int cc = 0; cc < X86_CC_COUNT; cc++) {
        for (int reg = 0; reg < 16; reg++) {
            x86_setcc(fresh(), (X86Cond)cc, (X86Reg)reg);
            expect1(rex_len(false, reg >= 8, is_byte_rex_reg(reg)) + 3,
                    text("set%s %s", cond_expect[cc], names8[reg]));
        }
        for (int w = 0; w < 2; w++)
            for (int reg = 0; reg < 16; reg++)
                for (int rm = 0; rm < 16; rm++) {
                    unsigned size = w ? 8 : 4;
                    x86_cmov(fresh(), (X86Cond)cc, w, (X86Reg)reg, (X86Reg)rm);
                    expect1(rex_len(w, reg >= 8 || rm >= 8, false) + 3,
                            text("cmov%s %s, %s", cond_expect[cc], reg_name(reg, size), reg_name(rm, size)));
                }
    }
    end_test();
}

static void test_misc(void **state)
{
    (void)state;
    for (int reg = 0; reg < 16; reg++) {
        for (int w = 0; w < 2; w++) {
            x86_bswap(fresh(), w, (X86Reg)reg);
            expect1(rex_len(w, reg >= 8, false) + 2, text("bswap %s", reg_name(reg, w ? 8 : 4)));
        }
        x86_push(fresh(), (X86Reg)reg);
        expect1(rex_len(false, reg >= 8, false) + 1, text("push %s", names64[reg]));
        x86_pop(fresh(), (X86Reg)reg);
        expect1(rex_len(false, reg >= 8, false) + 1, text("pop %s", names64[reg]));
        /* near indirect branches default to 64-bit operands: no REX.W */
        x86_jmp_reg(fresh(), (X86Reg)reg);
        expect1(rex_len(false, reg >= 8, false) + 2, text("jmp %s", names64[reg]));
        x86_call_reg(fresh(), (X86Reg)reg);
        expect1(rex_len(false, reg >= 8, false) + 2, text("call %s", names64[reg]));
    }
    for (size_t i = 0; i < nmems; i++) {
        x86_jmp_mem(fresh(), mems[i]);
        expect1(rex_len(false, mem_high(mems[i]), false) + 1 + mem_len(mems[i]),
                text("jmp %s", mem_text(8, mems[i]).s));
    }
    x86_cqo(fresh(), true);
    expect1(2, text("cqo"));
    x86_cqo(fresh(), false);
    expect1(1, text("cdq"));
    x86_ret(fresh());
    expect1(1, text("ret"));
    x86_ud2(fresh());
    expect1(2, text("ud2"));
    end_test();
}

/* Capstone prints the multi-byte nops with their dummy memory operand
 * ("nop dword ptr [rax + rax]"), so only the mnemonic is compared. */
static void test_nops(void **state)
{
    (void)state;
    for (unsigned n = 1; n <= 20; n++) {
        x86_nops(fresh(), n);
        checks++;
        size_t len = jit_buf_offset(&jb);
        if (jb.overflow || len != n)
            mismatch("nops(%u) emitted %zu bytes", n, len);
        cs_insn *insn;
        size_t count = cs_disasm(cs, code, len, (uintptr_t)code, 0, &insn);
        size_t used = 0;
        bool all_nop = true;
        for (size_t i = 0; i < count; i++) {
            used += insn[i].size;
            all_nop = all_nop && strcmp(insn[i].mnemonic, "nop") == 0;
        }
        /* longest first, up to 8 bytes each */
        if (!all_nop || used != n || count != (n + 7) / 8)
            mismatch("nops(%u): [%s] decodes as %zu insns using %zu bytes%s", n, bytes_text(code, len).s,
                 count, used, all_nop ? "" : ", not all nop");
        if (count)
            cs_free(insn, count);
    }
    end_test();
}

/* ---- branches ---- */

/* executable addresses the tests pretend the code runs at (0: where it is);
 * from 0x1000 a backward rel32 wraps below zero, as RIP arithmetic does */
static const uintptr_t exec_bases[] = {0, 0x1000, 0x100000000ull, 0x7fffffff0000ull};

static void init_at(JitBuf *b, uintptr_t exec_base)
{
    uintptr_t delta = exec_base ? exec_base - (uintptr_t)code : 0;
    jit_buf_init(b, code, sizeof(code), delta);
}

typedef enum BranchKind { BR_JMP, BR_CALL, BR_JCC } BranchKind;

static uint8_t *emit_branch(JitBuf *b, BranchKind kind, X86Cond cc, Text *mn, unsigned *len)
{
    switch (kind) {
    case BR_JMP: *mn = text("jmp"); *len = 5; return x86_jmp_rel32(b);
    case BR_CALL: *mn = text("call"); *len = 5; return x86_call_rel32(b);
    default: *mn = text("j%s", cond_expect[cc]); *len = 6; return x86_jcc_rel32(b, cc);
    }
}

static void test_rel32_patch(void **state)
{
    (void)state;
    for (size_t e = 0; e < ARRAY_LEN(exec_bases); e++)
        for (int k = 0; k < 2 + X86_CC_COUNT; k++) {   /* jmp, call, then jcc of each condition */
            BranchKind kind = k < 2 ? (BranchKind)k : BR_JCC;
            X86Cond cc = k < 2 ? X86_CC_O : (X86Cond)(k - 2);
            Text mn;
            unsigned len;
            init_at(&jb, exec_bases[e]);
            uint8_t *disp = emit_branch(&jb, kind, cc, &mn, &len);
            assert_non_null(disp);
            assert_ptr_equal(disp + 4, jb.p);   /* the rel32 ends the instruction */
            uintptr_t at = jit_buf_exec_addr(&jb, code), next = at + len;

            /* unpatched: a rel32 of 0 falls through to the next instruction */
            expect1(len, text("%s %s", mn.s, hex_u(next).s));

            const uintptr_t targets[] = {
                next + 0x1000, next - 0x1000, at, next,
                next + (uintptr_t)INT32_MAX, next - (uintptr_t)0x80000000u,   /* the extremes */
            };
            for (size_t i = 0; i < ARRAY_LEN(targets); i++) {
                if (!x86_patch_rel32(&jb, disp, targets[i]))
                    mismatch("patch %s to 0x%" PRIxPTR " refused", mn.s, targets[i]);
                expect1(len, text("%s %s", mn.s, hex_u(targets[i]).s));
            }
            /* one past either extreme, or anything farther, is refused and leaves
             * the old target */
            uint8_t before[8];
            memcpy(before, code, len);
            if (x86_patch_rel32(&jb, disp, next + (uintptr_t)INT32_MAX + 1) ||
                x86_patch_rel32(&jb, disp, next - (uintptr_t)0x80000001u) ||
                x86_patch_rel32(&jb, disp, next ^ 0x8000000000000000ull) ||
                x86_patch_rel32(&jb, disp, 0x8000000000000000ull) ||
                x86_patch_rel32(&jb, disp, 0x7fffffffffffffffull) ||
                memcmp(before, code, len) != 0)
                mismatch("%s: out-of-range patch accepted or wrote", mn.s);
            checks++;
        }
    assert_false(x86_patch_rel32(&jb, NULL, 0));
    end_test();
}

/* call_abs / jmp_abs: rel32 when the target is within reach, else the
 * shortest mov of the target into scratch and an indirect branch */
static void test_abs_branches(void **state)
{
    (void)state;
    static const X86Reg scratches[] = {X86_RAX, X86_R11, X86_R15};
    for (size_t e = 0; e < ARRAY_LEN(exec_bases); e++)
        for (int call = 0; call < 2; call++)
            for (size_t s = 0; s < ARRAY_LEN(scratches); s++) {
                init_at(&jb, exec_bases[e]);
                uintptr_t next = jit_buf_exec_addr(&jb, code) + 5;
                const uintptr_t targets[] = {
                    next + 0x1234, next - 0x1234,
                    next + (uintptr_t)INT32_MAX, next + (uintptr_t)INT32_MAX + 1,
                    next - (uintptr_t)0x80000000u, next - (uintptr_t)0x80000001u,
                    0x1000, 0x123456789abcull, 0xffffffff80000000ull, 0xffff800000000000ull,
                    0x8000000000000000ull, next ^ 0x8000000000000000ull,
                };
                for (size_t i = 0; i < ARRAY_LEN(targets); i++) {
                    uintptr_t target = targets[i];
                    X86Reg scratch = scratches[s];
                    init_at(&jb, exec_bases[e]);
                    if (call)
                        x86_call_abs(&jb, target, scratch);
                    else
                        x86_jmp_abs(&jb, target, scratch);
                    const char *mn = call ? "call" : "jmp";
                    intptr_t rel = (intptr_t)(target - next);
                    if (rel >= INT32_MIN && rel <= INT32_MAX) {
                        expect1(5, text("%s %s", mn, hex_u(target).s));
                    } else {
                        unsigned mov_len;
                        Text mov = mov_ri_text(true, scratch, target, &mov_len);
                        Text branch = text("%s %s", mn, names64[scratch]);
                        const char *want[2] = {mov.s, branch.s};
                        expect_seq(&jb, mov_len + rex_len(false, scratch >= 8, false) + 2, 2, want);
                    }
                }
            }
    end_test();
}

/* ---- JitBuf overflow ---- */

static void emit_movabs(JitBuf *b) { x86_mov_ri(b, true, X86_R9, 0x123456789abcdef0ull); }
static void emit_alu_mi(JitBuf *b) { x86_alu_mi(b, X86_ALUI_CMP, true, x86_mem_idx(X86_R12, X86_R13, INT32_MIN), -129); }
static void emit_store_imm(JitBuf *b) { x86_store_imm(b, 8, x86_mem(X86_RSP, 0x1000), -1); }
static void emit_jcc(JitBuf *b) { x86_jcc_rel32(b, X86_CC_LE); }
static void emit_call_far(JitBuf *b) { x86_call_abs(b, 0xffff800000000000ull, X86_R11); }
static void emit_nops(JitBuf *b) { x86_nops(b, 20); }
static void emit_lzcnt(JitBuf *b) { x86_rm(b, X86_OP_LZCNT, true, X86_R8, x86_mem_idx(X86_RBP, X86_R12, 0x100)); }

/* Every emission into every too-small buffer sets overflow, leaves p at the
 * end and writes nothing past it; a buffer of the exact size gets the same
 * bytes as a large one. */
static void test_overflow(void **state)
{
    (void)state;
    static void (*const emitters[])(JitBuf *) = {
        emit_movabs, emit_alu_mi, emit_store_imm, emit_jcc, emit_call_far, emit_nops, emit_lzcnt,
    };
    for (size_t k = 0; k < ARRAY_LEN(emitters); k++) {
        uint8_t full[64], area[64];
        JitBuf b;
        jit_buf_init(&b, full, sizeof(full), 0);
        emitters[k](&b);
        size_t n = jit_buf_offset(&b);
        assert_false(b.overflow);
        assert_true(n > 0 && n < sizeof(area));
        for (size_t size = 0; size <= n; size++) {
            memset(area, 0xa5, sizeof(area));
            jit_buf_init(&b, area, size, (uintptr_t)full - (uintptr_t)area);
            emitters[k](&b);
            x86_ret(&b);   /* more emission after an overflow is dropped too */
            checks++;
            assert_true(b.overflow);
            assert_ptr_equal(b.p, area + size);
            for (size_t i = size; i < sizeof(area); i++)
                assert_int_equal(area[i], 0xa5);
        }
        /* exact fit */
        memset(area, 0xa5, sizeof(area));
        jit_buf_init(&b, area, n, (uintptr_t)full - (uintptr_t)area);
        emitters[k](&b);
        assert_false(b.overflow);
        assert_int_equal(jit_buf_offset(&b), n);
        assert_memory_equal(area, full, n);
        assert_int_equal(area[n], 0xa5);
    }

    /* a rel32 whose slot does not fit is not handed out */
    uint8_t area[8];
    JitBuf b;
    jit_buf_init(&b, area, 4, 0);
    assert_null(x86_jmp_rel32(&b));
    assert_true(b.overflow);
    jit_buf_init(&b, area, 5, 0);
    assert_null(x86_jcc_rel32(&b, X86_CC_E));
    jit_buf_init(&b, area, 5, 0);
    assert_non_null(x86_call_rel32(&b));
    assert_false(b.overflow);
    end_test();
}

/* ---- set-up ---- */

static int group_setup(void **state)
{
    (void)state;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
        return -1;
    cs_option(cs, CS_OPT_SYNTAX, CS_OPT_SYNTAX_INTEL);
    nmems = 0;
    for (int base = 0; base < 16; base++)
        for (int index = -1; index < 16; index++) {
            if (index == X86_RSP)
                continue;   /* SIB index 100 means "none": rsp cannot be an index */
            for (size_t d = 0; d < ARRAY_LEN(disps); d++)
                mems[nmems++] = x86_mem_idx((X86Reg)base, (X86Reg)index, disps[d]);
        }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    cs_close(&cs);
    print_message("x86 emitter: %lu encodings checked by disassembly\n", checks);
    return 0;
}

#define TEST(fn) cmocka_unit_test_setup(fn, reset_failures)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_name_tables), TEST(test_rm_ops_reg), TEST(test_rm_ops_mem),
        TEST(test_store),       TEST(test_store_imm),  TEST(test_alu_imm),
        TEST(test_test_ri),     TEST(test_mov_ri),     TEST(test_imul_ri),
        TEST(test_shifts),      TEST(test_unary),      TEST(test_setcc_cmov),
        TEST(test_misc),        TEST(test_nops),       TEST(test_rel32_patch),
        TEST(test_abs_branches), TEST(test_overflow),  TEST(test_sse),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
