/*
 * rv64-qemu-diff: random RISC-V64 sequences for what rv64-unicorn-diff cannot
 * check (Zba/Zbb/Zbs, single precision, and the other rows of
 * RV_UNICORN_EXCLUSIONS), run under qemu-riscv64 7.2 and under polyvm.
 *
 * Each batch of sequences becomes one static ELF (rv64_elf_batch.c) that sets
 * up every sequence's state, runs it and writes the final state to stdout.
 * qemu-riscv64 runs the file; polyvm runs the same image in-process with the
 * write/exit calls handled by the harness; the dumps are compared.
 *
 *   rv64-qemu-diff [--all] [--qemu PATH] [--cpu MODEL] [common options]
 *     --all    every instruction row, not just Unicorn's exclusions
 *
 * Rows qemu 7.2 itself gets wrong (RV_QEMU_EXCLUSIONS) are never generated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rv64_diff.h"

typedef struct Extra {
    const char *qemu, *cpu;
} Extra;

static const char usage_extra[] = "\n          [--all] [--qemu PATH] [--cpu MODEL]";

static int extra_option(void *vctx, int argc, char **argv, int i)
{
    Extra *e = vctx;
    if (strcmp(argv[i], "--all") == 0) {
        rvg_enable("all", true);
        rv_apply_qemu_exclusions();
        return 1;
    }
    if (strcmp(argv[i], "--qemu") == 0 && i + 1 < argc) {
        e->qemu = argv[i + 1];
        return 2;
    }
    if (strcmp(argv[i], "--cpu") == 0 && i + 1 < argc) {
        e->cpu = argv[i + 1];
        return 2;
    }
    if (strcmp(argv[i], "--help") == 0) {
        rv_diff_usage(argv[0], usage_extra);
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
    /* by default: every row the Unicorn test leaves out, plus the rows of
     * the table that re-include part of a group (they feed the others) */
    rvg_enable("all", false);
#define X(name, excluded, why)                                                      \
    if (rvg_enable(name, true) < 0) {                                               \
        fprintf(stderr, "%s: exclusion names unknown row '%s'\n", argv[0], name);  \
        return 2;                                                                   \
    }
    RV_UNICORN_EXCLUSIONS(X)
#undef X
    if (!rv_apply_qemu_exclusions()) {
        fprintf(stderr, "%s: RV_QEMU_EXCLUSIONS names an unknown row\n", argv[0]);
        return 2;
    }
    Extra extra = {"qemu-riscv64", RV_QEMU_CPU};
    RvDiffOptions o;
    if (rv_diff_parse(&o, argc, argv, extra_option, &extra) < 0) {
        rv_diff_usage(argv[0], usage_extra);
        return 2;
    }
    RvDiffConfig cfg = {
        .prog = argv[0],
        .oracle = rv_qemu_runner(extra.qemu, extra.cpu),
        .polyvm = rv_polyvm_elf_runner(),
        .batch = 1000,
    };
    return rv_diff_main(&cfg, &o);
}
