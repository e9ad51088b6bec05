/*
 * Builds the batch ELF described in rv64_elf_batch.h and parses its output.
 * The guest code is assembled here with the generator's encoders; the
 * data-page fill loop computes exactly what rvg_fill_data() computes.
 */
#include "rv64_elf_batch.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REC_BYTES 528          /* x[32] (x0 unused), f[32], fcsr, data seed */
#define REC_F 256
#define REC_FCSR 512
#define REC_SEED 520
#define TABLE_ADDR (RVE_LOAD_ADDR + 0x100)
#define REC_ADDR (RVG_DUMP_BASE + 0x1000)
#define CSR_FCSR 0x003

/* register numbers used by the fixed routines */
enum { RA = 1, T0 = 5, T1 = 6, T2 = 7, A0 = 10, A1 = 11, A2 = 12, A7 = 17, T3 = 28, T4 = 29, T6 = 31 };

typedef struct Asm {
    uint8_t *buf;          /* buf[0] is RVE_LOAD_ADDR */
    uint64_t pc;
} Asm;

static uint64_t emit(Asm *a, uint32_t insn)
{
    uint64_t at = a->pc;
    for (unsigned b = 0; b < 4; b++)
        a->buf[at - RVE_LOAD_ADDR + b] = (uint8_t)(insn >> (8 * b));
    a->pc += 4;
    return at;
}

static void patch(Asm *a, uint64_t at, uint32_t insn)
{
    for (unsigned b = 0; b < 4; b++)
        a->buf[at - RVE_LOAD_ADDR + b] = (uint8_t)(insn >> (8 * b));
}

static void put64(uint8_t *p, uint64_t v)
{
    for (unsigned b = 0; b < 8; b++)
        p[b] = (uint8_t)(v >> (8 * b));
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned b = 0; b < 8; b++)
        v |= (uint64_t)p[b] << (8 * b);
    return v;
}

static uint32_t addi(unsigned rd, unsigned rs1, int32_t imm) { return rvg_enc_i(0x13, rd, 0, rs1, imm); }
static uint32_t ld(unsigned rd, unsigned rs1, int32_t imm) { return rvg_enc_i(0x03, rd, 3, rs1, imm); }
static uint32_t sd(unsigned rs2, unsigned rs1, int32_t imm) { return rvg_enc_s(0x23, 3, rs1, rs2, imm); }
static uint32_t jal(unsigned rd, int64_t off) { return rvg_enc_j(0x6f, rd, (int32_t)off); }

/* rd = value, for values below 2^31 - 2^11 (all addresses of the image) */
static void li(Asm *a, unsigned rd, uint64_t value)
{
    uint64_t hi = (value + 0x800) & ~0xfffull;
    emit(a, rvg_enc_u(0x37, rd, (int32_t)hi));
    emit(a, addi(rd, rd, (int32_t)(value - hi)));
}

/* x31 = record: fcsr, f0..f31, LR reservation, then the data page from the seed */
static uint64_t emit_setup(Asm *a)
{
    uint64_t start = a->pc;
    emit(a, ld(T0, T6, REC_FCSR));
    emit(a, rvg_enc_i(0x73, 0, 1, T0, CSR_FCSR));                     /* fscsr t0 */
    for (unsigned i = 0; i < 32; i++)
        emit(a, rvg_enc_i(0x07, i, 3, T6, REC_F + 8 * (int32_t)i));   /* fld */
    emit(a, ld(T0, T6, REC_SEED));
    li(a, T1, RVG_DATA_BASE);
    /* drop an LR reservation left by the previous sequence: sc.d x0, x0, (t1);
     * should it succeed, the fill below overwrites what it stored */
    emit(a, rvg_enc_r(0x2f, 0, 3, T1, 0, 0x0c));
    li(a, T2, RVG_DATA_BASE + RVG_DATA_SIZE);
    li(a, T3, TABLE_ADDR);
    uint64_t loop = a->pc;
    emit(a, rvg_enc_i(0x13, T4, 1, T0, 13));                          /* xorshift64 */
    emit(a, rvg_enc_r(0x33, T0, 4, T0, T4, 0));
    emit(a, rvg_enc_i(0x13, T4, 5, T0, 7));
    emit(a, rvg_enc_r(0x33, T0, 4, T0, T4, 0));
    emit(a, rvg_enc_i(0x13, T4, 1, T0, 17));
    emit(a, rvg_enc_r(0x33, T0, 4, T0, T4, 0));
    emit(a, rvg_enc_i(0x13, T4, 7, T0, 7));                           /* andi: low 3 bits */
    emit(a, rvg_enc_i(0x13, T4, 3, T4, 3));                           /* sltiu: < 3 */
    uint64_t to_plain = emit(a, 0);
    emit(a, rvg_enc_i(0x13, T4, 5, T0, 3));                           /* table index */
    emit(a, rvg_enc_i(0x13, T4, 7, T4, RVG_SPECIALS - 1));
    emit(a, rvg_enc_i(0x13, T4, 1, T4, 3));
    emit(a, rvg_enc_r(0x33, T4, 0, T4, T3, 0));
    emit(a, ld(T4, T4, 0));
    emit(a, sd(T4, T1, 0));
    uint64_t to_next = emit(a, 0);
    uint64_t plain = emit(a, sd(T0, T1, 0));
    uint64_t next = emit(a, addi(T1, T1, 8));
    emit(a, rvg_enc_b(0x63, 6, T1, T2, (int32_t)(loop - a->pc)));     /* bltu */
    emit(a, rvg_enc_i(0x67, 0, 0, RA, 0));                            /* ret */
    patch(a, to_plain, rvg_enc_b(0x63, 0, T4, 0, (int32_t)(plain - to_plain)));
    patch(a, to_next, jal(0, (int64_t)(next - to_next)));
    return start;
}

/* x31 = dump area, x1 = return address; x1 and x31 of the sequence are saved */
static uint64_t emit_dump(Asm *a)
{
    uint64_t start = a->pc;
    emit(a, sd(RA, T6, 0));                                           /* marker */
    for (unsigned r = 2; r < 31; r++)
        emit(a, sd(r, T6, 8 * (int32_t)r));
    for (unsigned i = 0; i < 32; i++)
        emit(a, rvg_enc_s(0x27, 3, T6, i, REC_F + 8 * (int32_t)i));   /* fsd */
    emit(a, rvg_enc_i(0x73, T0, 2, 0, CSR_FCSR));                     /* frcsr t0 */
    emit(a, sd(T0, T6, REC_FCSR));
    emit(a, addi(A0, 0, 1));
    li(a, A1, RVG_DATA_BASE);
    li(a, A2, RVE_DUMP_BYTES);
    emit(a, addi(A7, 0, 64));                                         /* write */
    emit(a, 0x00000073);                                              /* ecall */
    emit(a, rvg_enc_i(0x67, 0, 0, RA, 0));
    return start;
}

static void write_record(uint8_t *p, const RvgState *st)
{
    for (unsigned r = 0; r < 32; r++)
        put64(p + 8 * r, st->x[r]);
    for (unsigned i = 0; i < 32; i++)
        put64(p + REC_F + 8 * i, st->f[i]);
    put64(p + REC_FCSR, st->fcsr);
    put64(p + REC_SEED, st->data_seed);
}

int rv_elf_build(RvElfImage *img, const RvgSeq *seqs, size_t n)
{
    memset(img, 0, sizeof(*img));
    uint64_t code_base = (REC_ADDR + n * REC_BYTES + 63) & ~63ull;
    size_t per_seq = 4 * (3 + 31) + RVG_MAX_CODE + 4 * 8;
    uint64_t limit = code_base + 4096 + n * per_seq;
    if (limit - RVE_LOAD_ADDR > (1u << 20) * 64 || code_base + 4096 + n * per_seq >= (1ull << 31) - 4096)
        return -1;
    img->bytes = calloc(1, limit - RVE_LOAD_ADDR);
    img->seq_begin = calloc(n + 1, sizeof(uint64_t));
    img->seq_code = calloc(n + 1, sizeof(uint64_t));
    img->seq_end = calloc(n + 1, sizeof(uint64_t));
    img->marker = calloc(n + 1, sizeof(uint64_t));
    if (!img->bytes || !img->seq_begin || !img->seq_code || !img->seq_end || !img->marker) {
        rv_elf_free(img);
        return -1;
    }
    img->nseq = n;
    Asm a = {img->bytes, code_base};

    for (unsigned i = 0; i < RVG_SPECIALS; i++)
        put64(img->bytes + (TABLE_ADDR - RVE_LOAD_ADDR) + 8 * i, rvg_special_dwords[i]);
    uint64_t setup = emit_setup(&a);
    uint64_t dump = emit_dump(&a);

    for (size_t k = 0; k < n; k++) {
        const RvgSeq *s = &seqs[k];
        uint64_t rec = REC_ADDR + k * REC_BYTES;
        write_record(img->bytes + (rec - RVE_LOAD_ADDR), &s->init);
        img->seq_begin[k] = a.pc;
        li(&a, T6, rec);
        emit(&a, jal(RA, (int64_t)(setup - a.pc)));
        for (unsigned r = 1; r < 32; r++)
            emit(&a, ld(r, T6, 8 * (int32_t)r));
        img->seq_code[k] = a.pc;
        memcpy(img->bytes + (a.pc - RVE_LOAD_ADDR), s->code, s->code_len);
        a.pc += s->code_len;
        img->seq_end[k] = a.pc;
        unsigned b = s->dump_reg;
        emit(&a, rvg_enc_u(0x37, b, (int32_t)RVG_DUMP_BASE));
        emit(&a, sd(T6, b, 8 * 31));
        emit(&a, sd(RA, b, 8));
        emit(&a, addi(T6, b, 0));
        emit(&a, jal(RA, (int64_t)(dump - a.pc)));
        img->marker[k] = a.pc;
    }
    img->seq_begin[n] = a.pc;
    uint64_t exit_code = a.pc;
    emit(&a, addi(A0, 0, 0));
    emit(&a, addi(A7, 0, 93));                                        /* exit */
    emit(&a, 0x00000073);
    img->entry = n ? img->seq_begin[0] : exit_code;
    img->size = a.pc - RVE_LOAD_ADDR;

    Elf64_Ehdr *eh = (Elf64_Ehdr *)img->bytes;
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_ident[EI_OSABI] = ELFOSABI_SYSV;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_RISCV;
    eh->e_version = EV_CURRENT;
    eh->e_entry = img->entry;
    eh->e_phoff = sizeof(Elf64_Ehdr);
    eh->e_flags = 0x5;   /* RVC, double-float ABI */
    eh->e_ehsize = sizeof(Elf64_Ehdr);
    eh->e_phentsize = sizeof(Elf64_Phdr);
    eh->e_phnum = 1;
    Elf64_Phdr ph = {
        .p_type = PT_LOAD,
        .p_flags = PF_R | PF_W | PF_X,
        .p_offset = 0,
        .p_vaddr = RVE_LOAD_ADDR,
        .p_paddr = RVE_LOAD_ADDR,
        .p_filesz = img->size,
        .p_memsz = img->size,
        .p_align = 0x1000,
    };
    memcpy(img->bytes + sizeof(Elf64_Ehdr), &ph, sizeof(ph));
    return 0;
}

void rv_elf_free(RvElfImage *img)
{
    free(img->bytes);
    free(img->seq_begin);
    free(img->seq_code);
    free(img->seq_end);
    free(img->marker);
    memset(img, 0, sizeof(*img));
}

long rv_elf_seq_at(const RvElfImage *img, uint64_t pc)
{
    size_t lo = 0, hi = img->nseq;
    if (img->nseq == 0 || pc < img->seq_begin[0] || pc >= img->seq_begin[img->nseq])
        return -1;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (img->seq_begin[mid] <= pc)
            lo = mid;
        else
            hi = mid;
    }
    return (long)lo;
}

long rv_elf_parse(const RvElfImage *img, const RvgSeq *seqs, const uint8_t *buf, size_t len,
                  RvgFinal *out)
{
    long found = 0;
    for (size_t k = 0; k < img->nseq; k++) {
        if (!out[k].failed) {
            out[k].failed = true;
            snprintf(out[k].why, sizeof(out[k].why), "no dump written");
        }
    }
    for (size_t off = 0; off + RVE_DUMP_BYTES <= len; off += RVE_DUMP_BYTES) {
        const uint8_t *regs = buf + off + RVG_DATA_SIZE;
        uint64_t marker = get64(regs);
        long k = rv_elf_seq_at(img, marker - 4);
        if (k < 0 || img->marker[k] != marker)
            return -1;
        RvgFinal *f = &out[k];
        memcpy(f->data, buf + off, RVG_DATA_SIZE);
        f->x[0] = 0;
        for (unsigned r = 1; r < 32; r++)
            f->x[r] = get64(regs + 8 * r);
        f->x[seqs[k].dump_reg] = seqs[k].init.x[seqs[k].dump_reg];
        for (unsigned i = 0; i < 32; i++)
            f->f[i] = get64(regs + REC_F + 8 * i);
        f->fcsr = get64(regs + REC_FCSR);
        f->failed = false;
        f->why[0] = 0;
        found++;
    }
    return found;
}
