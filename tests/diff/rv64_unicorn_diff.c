/*
 * rv64-unicorn-diff: random RV64GC instruction sequences run on Unicorn and
 * on polyvm (its JIT, or its interpreter with --engine interp), final states
 * compared (x1..x31, f0..f31, fcsr and the data page). Instruction groups
 * Unicorn 2.0.1 gets wrong are left out (RV_UNICORN_EXCLUSIONS in
 * rv64_diff.h) and covered by rv64-qemu-diff instead.
 *
 *   rv64-unicorn-diff [--count N] [--seed S] [--only I] [--verbose] ...
 *   rv64-unicorn-diff --cross-check      Unicorn against qemu-riscv64, no polyvm:
 *                                         how the exclusion table was found
 *
 * Unicorn runs the guest in machine mode with mstatus.FS off, so FS is set to
 * dirty before every sequence or every FP instruction traps. Its LR
 * reservation outlives uc_emu_start(), so a store-conditional to address 0
 * (which fails without touching memory and drops the reservation) runs
 * before each sequence.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "rv64_diff.h"

#define MSTATUS_FS_DIRTY (3ull << 13)
#define EBREAK 0x00100073u
#define SC_D_X0 0x1800302fu        /* sc.d x0, x0, (x0) */
#define STUB_OFFSET 0xf00u

typedef struct UcCtx {
    uc_engine *uc;
} UcCtx;

static int uc_check(uc_err e, const char *what)
{
    if (e == UC_ERR_OK)
        return 0;
    fprintf(stderr, "unicorn runner: %s: %s\n", what, uc_strerror(e));
    return -1;
}

static int uc_setup(UcCtx *c)
{
    if (uc_check(uc_open(UC_ARCH_RISCV, UC_MODE_RISCV64, &c->uc), "uc_open") ||
        uc_check(uc_mem_map(c->uc, RVG_DATA_BASE, RVG_DATA_SIZE, UC_PROT_READ | UC_PROT_WRITE), "map data") ||
        uc_check(uc_mem_map(c->uc, RVG_CODE_BASE, 4096, UC_PROT_ALL), "map code"))
        return -1;
    return 0;
}

static int set_state(uc_engine *uc, const RvgState *st)
{
    uint64_t mstatus;
    if (uc_check(uc_reg_read(uc, UC_RISCV_REG_MSTATUS, &mstatus), "read mstatus"))
        return -1;
    mstatus |= MSTATUS_FS_DIRTY;
    if (uc_check(uc_reg_write(uc, UC_RISCV_REG_MSTATUS, &mstatus), "write mstatus"))
        return -1;
    for (unsigned r = 1; r < 32; r++)
        if (uc_check(uc_reg_write(uc, UC_RISCV_REG_X0 + (int)r, &st->x[r]), "write x"))
            return -1;
    for (unsigned r = 0; r < 32; r++)
        if (uc_check(uc_reg_write(uc, UC_RISCV_REG_F0 + (int)r, &st->f[r]), "write f"))
            return -1;
    return uc_check(uc_reg_write(uc, UC_RISCV_REG_FCSR, &st->fcsr), "write fcsr");
}

static int get_state(uc_engine *uc, RvgFinal *f)
{
    f->x[0] = 0;
    for (unsigned r = 1; r < 32; r++)
        if (uc_check(uc_reg_read(uc, UC_RISCV_REG_X0 + (int)r, &f->x[r]), "read x"))
            return -1;
    for (unsigned r = 0; r < 32; r++)
        if (uc_check(uc_reg_read(uc, UC_RISCV_REG_F0 + (int)r, &f->f[r]), "read f"))
            return -1;
    if (uc_check(uc_reg_read(uc, UC_RISCV_REG_FCSR, &f->fcsr), "read fcsr"))
        return -1;
    return uc_check(uc_mem_read(uc, RVG_DATA_BASE, f->data, RVG_DATA_SIZE), "read data");
}

static int unicorn_run(void *vctx, const RvgSeq *seqs, size_t n, RvgFinal *out)
{
    UcCtx *c = vctx;
    /* A fresh engine per batch: after some 600,000 sequences in one engine
     * Unicorn 2.0.1 crashes in tb_set_jmp_target (its code buffer refilling
     * after the per-sequence cache removals, it seems). */
    if (c->uc) {
        uc_close(c->uc);
        c->uc = NULL;
    }
    if (uc_setup(c) < 0)
        return -1;
    uc_engine *uc = c->uc;
    static uint8_t page[4096];
    static uint8_t data[RVG_DATA_SIZE];
    for (size_t k = 0; k < n; k++) {
        const RvgSeq *s = &seqs[k];
        RvgFinal *f = &out[k];
        uint32_t stub[2] = {SC_D_X0, EBREAK}, ebreak = EBREAK;
        memset(page, 0, sizeof(page));
        memcpy(page, s->code, s->code_len);
        memcpy(page + s->code_len, &ebreak, 4);
        memcpy(page + STUB_OFFSET, stub, sizeof(stub));
        if (uc_check(uc_mem_write(uc, RVG_CODE_BASE, page, sizeof(page)), "write code") ||
            uc_check(uc_ctl_remove_cache(uc, RVG_CODE_BASE, RVG_CODE_BASE + sizeof(page)), "flush code") ||
            uc_check(uc_emu_start(uc, RVG_CODE_BASE + STUB_OFFSET, RVG_CODE_BASE + STUB_OFFSET + 4, 0, 0),
                     "run reservation reset"))
            return -1;
        rvg_fill_data(s->init.data_seed, data);
        if (uc_check(uc_mem_write(uc, RVG_DATA_BASE, data, RVG_DATA_SIZE), "write data") ||
            set_state(uc, &s->init) < 0)
            return -1;
        uint64_t end = RVG_CODE_BASE + s->code_len, pc = 0;
        uc_err e = uc_emu_start(uc, RVG_CODE_BASE, end, 0, 0);
        if (uc_check(uc_reg_read(uc, UC_RISCV_REG_PC, &pc), "read pc") || get_state(uc, f) < 0)
            return -1;
        if (e != UC_ERR_OK || pc != end) {
            f->failed = true;
            snprintf(f->why, sizeof(f->why), "unicorn: %s, pc +%" PRId64, uc_strerror(e),
                     (int64_t)(pc - RVG_CODE_BASE));
        }
    }
    return 0;
}

static const struct {
    const char *name;
    bool excluded;
    const char *why;
} exclusions[] = {
#define X(name, excluded, why) {name, excluded, why},
    RV_UNICORN_EXCLUSIONS(X)
#undef X
};

typedef struct Extra {
    bool cross_check;
    const char *qemu;
} Extra;

static int extra_option(void *vctx, int argc, char **argv, int i)
{
    Extra *e = vctx;
    if (strcmp(argv[i], "--cross-check") == 0) {
        e->cross_check = true;
        return 1;
    }
    if (strcmp(argv[i], "--qemu") == 0 && i + 1 < argc) {
        e->qemu = argv[i + 1];
        return 2;
    }
    if (strcmp(argv[i], "--list-exclusions") == 0) {
        for (size_t k = 0; k < sizeof(exclusions) / sizeof(exclusions[0]); k++)
            printf("%-10s %-8s %s\n", exclusions[k].name, exclusions[k].excluded ? "excluded" : "kept",
                   exclusions[k].why);
        exit(0);
    }
    if (strcmp(argv[i], "--help") == 0) {
        rv_diff_usage(argv[0], "\n          [--cross-check [--qemu PATH]] [--list-exclusions]");
        exit(0);
    }
    return 0;
}

int main(int argc, char **argv)
{
    char err[256];
    if (rvg_init(err, sizeof(err)) < 0) {
        fprintf(stderr, "%s: %s\n", argv[0], err);
        return 2;
    }
    for (size_t k = 0; k < sizeof(exclusions) / sizeof(exclusions[0]); k++)
        if (rvg_enable(exclusions[k].name, !exclusions[k].excluded) < 0) {
            fprintf(stderr, "%s: exclusion names unknown row '%s'\n", argv[0], exclusions[k].name);
            return 2;
        }
    Extra extra = {false, "qemu-riscv64"};
    RvDiffOptions o;
    if (rv_diff_parse(&o, argc, argv, extra_option, &extra) < 0) {
        rv_diff_usage(argv[0], "\n          [--cross-check [--qemu PATH]] [--list-exclusions]");
        return 2;
    }
    static UcCtx uc_ctx;
    RvDiffConfig cfg = {
        .prog = argv[0],
        .oracle = {"unicorn", unicorn_run, &uc_ctx},
        .polyvm = rv_polyvm_direct_runner(),
        .batch = 500,
    };
    if (extra.cross_check) {
        /* the ELF places code elsewhere: PC-relative results differ by design */
        rvg_enable("pcrel", false);
        rv_apply_qemu_exclusions();
        cfg.polyvm = rv_qemu_runner(extra.qemu, RV_QEMU_CPU);
        cfg.batch = 1000;
    }
    int rc = rv_diff_main(&cfg, &o);
    if (uc_ctx.uc)
        uc_close(uc_ctx.uc);
    return rc;
}
