/*
 * Shared driver of the RISC-V64 differential tests (rv64-unicorn-diff,
 * rv64-qemu-diff): options, the runner interface, comparison, mismatch
 * reports with automatic minimisation, and the summary line.
 *
 * Use: a main fills an RvDiffConfig with two runners (the oracle and polyvm),
 * selects generator rows with rvg_enable(), and calls rv_diff_main(). A
 * runner executes a batch of generated sequences and reports each one's final
 * state; it marks a sequence failed when it could not finish it (exception,
 * crash), which the driver reports like a mismatch.
 *
 * Exclusion tables: which rows each oracle must not see, and why.
 */
#ifndef RV64_DIFF_H
#define RV64_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rv64_random_insn.h"

typedef struct RvRunner {
    const char *name;
    /* Runs seqs[0..n) and fills out[0..n); returns 0, or -1 when the runner itself broke. */
    int (*run)(void *ctx, const RvgSeq *seqs, size_t n, RvgFinal *out);
    void *ctx;
} RvRunner;

/*
 * What Unicorn 2.0.1 (QEMU 5.0 based) cannot run or gets wrong, found by
 * `rv64-unicorn-diff --cross-check` (Unicorn against qemu-riscv64 7.2) and
 * checked against the ISA manual; README.md has the details and reproducers.
 * X(group or row name, excluded, reason), applied in order: rows excluded
 * here are left out of rv64-unicorn-diff and are what rv64-qemu-diff tests
 * by default; "kept" rows re-include part of an excluded group.
 */
#define RV_UNICORN_EXCLUSIONS(X)                                                          \
    X("zba", true, "not implemented: illegal instruction")                               \
    X("zbb", true, "not implemented: illegal instruction")                               \
    X("zbs", true, "not implemented: illegal instruction")                               \
    X("f", true, "single-precision results are not NaN-boxed (upper half 0) and "         \
                 "unboxed inputs are used as is instead of as the canonical NaN")         \
    X("flw", false, "kept: boxes the loaded value correctly")                            \
    X("fsw", false, "kept: stores the low 32 bits")                                      \
    X("fmv_x_w", false, "kept: sign-extends the low 32 bits")                            \
    X("fcvt_s_d", true, "result not NaN-boxed")                                          \
    X("fcvt_d_s", true, "unboxed input converted as is instead of as the canonical NaN") \
    X("fmin_d", true, "signalling NaN operand gives the canonical NaN, not the other "   \
                      "operand (pre-2.2 minNum semantics)")                              \
    X("fmax_d", true, "as fmin_d")                                                       \
    X("fmadd_d", true, "0 * inf + quiet NaN does not raise NV")                          \
    X("fmsub_d", true, "as fmadd_d")                                                     \
    X("fnmsub_d", true, "as fmadd_d")                                                    \
    X("fnmadd_d", true, "as fmadd_d")                                                    \
    X("amomin_w", true, "compares the sign-extended memory word with all 64 bits of "    \
                        "rs2 instead of its low 32 bits")                                 \
    X("amomax_w", true, "as amomin_w")                                                   \
    X("amominu_w", true, "as amomin_w")                                                  \
    X("amomaxu_w", true, "as amomin_w")

/*
 * What qemu-riscv64 7.2 (Debian 1:7.2+dfsg-7) gets wrong: left out of every
 * run that uses it as the oracle. X(row name, reason).
 */
#define RV_QEMU_EXCLUSIONS(X)                                                             \
    X("ctzw", "when the low word is 0 it counts the zeros of all 64 bits (63 for "       \
              "0x8000000000000000) instead of returning 32")

/* Applies RV_QEMU_EXCLUSIONS to the generator; false if a name is unknown. */
bool rv_apply_qemu_exclusions(void);

typedef struct RvDiffConfig {
    const char *prog;           /* program name for messages */
    RvRunner oracle, polyvm;
    size_t batch;               /* sequences per runner call */
} RvDiffConfig;

/* The common options, filled by rv_diff_parse(). */
typedef struct RvDiffOptions {
    uint64_t seed;
    uint64_t count;
    int64_t only;               /* run only this sequence index; -1 = all */
    bool verbose;
    unsigned max_reports;       /* full reports for the first mismatches */
    unsigned minimize;          /* minimise the first this many mismatches */
    RvgOptions gen;
    int argc;                   /* the command line, repeated in "reproduce:" hints */
    char **argv;
} RvDiffOptions;

/* Handles --count --seed --only --verbose --max-insns --misaligned
 * --enable --disable --max-reports --minimize --engine (which sets
 * cpu_default_engine, polyvm's engine); calls extra(ctx, argc, argv, i)
 * for anything else, which returns how many argv entries it used (0 =
 * unknown option: the parse fails). */
int rv_diff_parse(RvDiffOptions *o, int argc, char **argv,
                  int (*extra)(void *ctx, int argc, char **argv, int i), void *extra_ctx);
void rv_diff_usage(const char *prog, const char *extra_usage);

/* Runs the test; returns the process exit code. */
int rv_diff_main(const RvDiffConfig *cfg, const RvDiffOptions *o);

/* Both runs finished with identical states (x1..x31, f, fcsr, data page)? */
bool rv_final_equal(const RvgFinal *a, const RvgFinal *b);

/* Runners shared by the two programs. */
RvRunner rv_polyvm_direct_runner(void);  /* one sequence at a time, at RVG_CODE_BASE */
RvRunner rv_polyvm_elf_runner(void);     /* the ELF batch image, syscalls handled in-process */
RvRunner rv_qemu_runner(const char *qemu, const char *cpu);
/* qemu 7.2's CPU with the bit-manipulation extensions switched on */
#define RV_QEMU_CPU "rv64,zba=true,zbb=true,zbs=true"

#endif
