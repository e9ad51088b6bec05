/*
 * rv64-lockstep: polyvm's interpreter against its JIT, block by block.
 *
 * Random RV64GC + Zba/Zbb/Zbs streams from the differential tests' generator
 * (rv64_random_insn.c), with its two options for self-comparison switched
 * on: loops (backward branches bounded by a counter register) and faults
 * (one access to an unmapped, read-only, out-of-range or wrapping address).
 * Each stream runs on two RvCpus over two identical guest memories (16 MiB
 * space, data page RW at RVG_DATA_BASE, code page RX at RVG_CODE_BASE, the
 * stream then ebreak, and the last page of the space RW, so that accesses
 * across the end of the space start on a mapped page), one with the
 * interpreter and one with the JIT.
 *
 * Step phase: the CPUs run one block per cpu_exec() call. The harness wraps
 * the front end so that each block starts with a helper call that makes the
 * vCPU leave at the next block boundary (cpu_request_exit); cpu_exec()
 * then returns CPU_EXCP_EXIT_REQUEST after exactly that block, through the
 * real vCPU loop, exits and jump-cache probes (a request made before the
 * call would return before any block runs). After every block pc, x1..x31,
 * f0..f31, fflags, frm, the LR reservation, the data and last pages and the
 * exception (code and aux) must be equal.
 * Plain phase: the same stream from the same state with the unwrapped
 * front end in one cpu_exec() call each, so JIT blocks chain as in
 * production; the end states must be equal, and equal to the step phase's.
 * A stream ends with ebreak, or with the fault its faulting access raises.
 *
 *   rv64-lockstep [--count N] [--seed S] [--only I] [--verbose] [--loops N]
 *                 [--faults PCT] [common options of rv64-unicorn-diff]
 *
 * A mismatch report gives the seed, the stream index, a reproducer, the
 * disassembled stream, the blocks run, the differing state and a minimised
 * stream. The last line is "N streams, B blocks, M mismatches".
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/jit/jit.h"
#include "polyvm/cpu.h"
#include "polyvm/frontend.h"
#include "polyvm/mem.h"
#include "polyvm/riscv64.h"
#include "rv64_diff.h"

#define EBREAK 0x00100073u
#define MAX_BLOCKS 2000          /* a stream runs at most ~200 blocks (see the generator) */
#define WATCHDOG_SECONDS 60
#define NSIDES 2

/* ---- the two vCPUs ---- */

typedef struct Side {
    const char *name;
    CpuEngine engine;
    GuestMem mem;
    RvCpu *cpu;
    uint8_t *code, *data, *tail; /* host views of the code, data and last pages */
} Side;

#define TAIL_BASE (RVG_SPACE_SIZE - GUEST_PAGE_SIZE)

/* Everything compared, as one engine left it after a block or a run. */
typedef struct Snap {
    int excp;
    uint64_t pc, aux;
    uint64_t x[32], f[32], fflags, frm, reservation;
    uint8_t data[RVG_DATA_SIZE];
    uint8_t tail[GUEST_PAGE_SIZE];
} Snap;

/* ---- per-block exits: the wrapped front end ---- */

static FrontendOps step_frontend;

static uint64_t leave_after_this_block(void *cpu)
{
    cpu_request_exit(cpu);
    return 0;
}

static const IrHelper leave_helper = {"lockstep_leave", (void *)leave_after_this_block, 0, 0, NULL};

static bool step_translate_insn(DisasContextBase *ctx)
{
    if (ctx->num_insns == 0)
        ir_call(ctx->ir, &leave_helper, IR_NO_TEMP, NULL, 0);
    return rv64_frontend.translate_insn(ctx);
}

/* ---- host faults of JIT code and the watchdog ---- */

static CpuCommon *volatile running_cpu;
static struct sigaction previous_action[NSIG];
static volatile uint64_t current_stream;

static void on_host_fault(int sig, siginfo_t *si, void *uc)
{
    CpuCommon *cpu = running_cpu;
    if (cpu && jit_host_fault(cpu, sig, si, uc))
        return;
    /* not a guest access: the previous handler (default or a sanitizer's)
     * gets the fault when the instruction runs again */
    sigaction(sig, &previous_action[sig], NULL);
}

static void install_fault_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_host_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &previous_action[SIGSEGV]);
    sigaction(SIGBUS, &sa, &previous_action[SIGBUS]);
}

static void watchdog(int sig)
{
    char msg[96] = "rv64-lockstep: stream 0x";
    size_t n = strlen(msg);
    for (int shift = 60; shift >= 0; shift -= 4)
        msg[n++] = "0123456789abcdef"[(current_stream >> shift) & 0xf];
    static const char tail[] = " did not finish (hang?)\n";
    memcpy(msg + n, tail, sizeof(tail) - 1);
    n += sizeof(tail) - 1;
    (void)sig;
    if (write(2, msg, n) < 0)
        _exit(3);
    _exit(3);
}

static int exec_on(Side *s)
{
    running_cpu = &s->cpu->common;
    int excp = cpu_exec(&s->cpu->common);
    running_cpu = NULL;
    return excp;
}

/* ---- set-up ---- */

static int side_init(Side *s, const char *name, CpuEngine engine)
{
    s->name = name;
    s->engine = engine;
    int err = guest_mem_init(&s->mem, RVG_SPACE_SIZE);
    if (!err)
        err = guest_mem_map(&s->mem, RVG_DATA_BASE, RVG_DATA_SIZE, GUEST_PROT_READ | GUEST_PROT_WRITE);
    if (!err)
        err = guest_mem_map(&s->mem, RVG_CODE_BASE, GUEST_PAGE_SIZE, GUEST_PROT_READ | GUEST_PROT_EXEC);
    if (!err)
        err = guest_mem_map(&s->mem, TAIL_BASE, GUEST_PAGE_SIZE, GUEST_PROT_READ | GUEST_PROT_WRITE);
    if (err) {
        fprintf(stderr, "rv64-lockstep: guest memory set-up failed: %s\n", strerror(-err));
        return -1;
    }
    s->code = s->mem.base + RVG_CODE_BASE;
    s->data = s->mem.base + RVG_DATA_BASE;
    s->tail = s->mem.base + TAIL_BASE;
    s->cpu = rv_cpu_new(&s->mem);
    if (!s->cpu) {
        fprintf(stderr, "rv64-lockstep: rv_cpu_new failed\n");
        return -1;
    }
    s->cpu->common.engine = engine;
    return 0;
}

static void side_free(Side *s)
{
    rv_cpu_free(s->cpu);
    guest_mem_destroy(&s->mem);
}

/* The code page is read-only to the guest (stores to it must fault), so it
 * is made writable only while the harness writes it. */
static int load_code(Side *s, const RvgSeq *q)
{
    if (guest_mem_protect(&s->mem, RVG_CODE_BASE, GUEST_PAGE_SIZE, GUEST_PROT_READ | GUEST_PROT_WRITE))
        return -1;
    memset(s->code, 0, GUEST_PAGE_SIZE);
    memcpy(s->code, q->code, q->code_len);
    uint32_t ebreak = EBREAK;
    memcpy(s->code + q->code_len, &ebreak, 4);
    return guest_mem_protect(&s->mem, RVG_CODE_BASE, GUEST_PAGE_SIZE, GUEST_PROT_READ | GUEST_PROT_EXEC);
}

/* Initial state and fresh translations made with the given front end. */
static void reset(Side *s, const RvgSeq *q, const FrontendOps *fe)
{
    RvCpu *cpu = s->cpu;
    rvg_fill_data(q->init.data_seed, s->data);
    memset(s->tail, 0, GUEST_PAGE_SIZE);
    memcpy(cpu->x, q->init.x, sizeof(cpu->x));
    cpu->x[0] = 0;
    memcpy(cpu->f, q->init.f, sizeof(cpu->f));
    cpu->fflags = q->init.fcsr & RVG_FCSR_FFLAGS_MASK;
    cpu->frm = q->init.fcsr >> RVG_FCSR_FRM_SHIFT;
    cpu->reservation_addr = UINT64_MAX;
    cpu->common.fe = fe;
    /* a request left by the last block of the previous run */
    cpu->common.exit_request = 0;
    cpu_flush_code(&cpu->common);
    cpu->common.pc = RVG_CODE_BASE;
}

static void snap(const Side *s, int excp, Snap *o)
{
    const RvCpu *cpu = s->cpu;
    o->excp = excp;
    o->pc = cpu->common.pc;
    o->aux = excp == CPU_EXCP_EXIT_REQUEST ? 0 : cpu->common.exception_aux;
    memcpy(o->x, cpu->x, sizeof(o->x));
    memcpy(o->f, cpu->f, sizeof(o->f));
    o->fflags = cpu->fflags;
    o->frm = cpu->frm;
    o->reservation = cpu->reservation_addr;
    memcpy(o->data, s->data, RVG_DATA_SIZE);
    memcpy(o->tail, s->tail, GUEST_PAGE_SIZE);
}

static bool snap_equal(const Snap *a, const Snap *b)
{
    return a->excp == b->excp && a->pc == b->pc && a->aux == b->aux &&
           memcmp(a->x + 1, b->x + 1, 31 * 8) == 0 && memcmp(a->f, b->f, sizeof(a->f)) == 0 &&
           a->fflags == b->fflags && a->frm == b->frm && a->reservation == b->reservation &&
           memcmp(a->data, b->data, RVG_DATA_SIZE) == 0 && memcmp(a->tail, b->tail, GUEST_PAGE_SIZE) == 0;
}

/* ---- one stream ---- */

typedef enum Phase { PHASE_STEP, PHASE_PLAIN, PHASE_STEP_VS_PLAIN } Phase;

typedef struct Outcome {
    bool mismatch;
    bool hang;                   /* the step phase hit MAX_BLOCKS */
    Phase phase;
    const char *name_a, *name_b;
    Snap a, b;                   /* the differing states, or the final ones */
    unsigned blocks;             /* blocks stepped (until the mismatch, if any) */
    uint64_t block_pc[MAX_BLOCKS];
} Outcome;

static Side sides[NSIDES];


/* Runs both sides once and snapshots them; false (with o->mismatch) if
 * they disagree. *excp is the interpreter side's exception. */
static bool run_both(Outcome *o, Side *ia, Side *jb, int *excp)
{
    int ea = exec_on(ia), eb = exec_on(jb);
    snap(ia, ea, &o->a);
    snap(jb, eb, &o->b);
    *excp = ea;
    if (!snap_equal(&o->a, &o->b)) {
        o->mismatch = true;
        return false;
    }
    return true;
}

static void run_stream(const RvgSeq *q, Outcome *o, Snap *scratch)
{
    Side *ia = &sides[0], *jb = &sides[1];
    o->mismatch = o->hang = false;
    o->blocks = 0;
    o->name_a = ia->name;
    o->name_b = jb->name;
    for (unsigned k = 0; k < NSIDES; k++) {
        if (load_code(&sides[k], q) < 0) {
            fprintf(stderr, "rv64-lockstep: cannot write the code page\n");
            exit(2);
        }
        reset(&sides[k], q, &step_frontend);
    }
    current_stream = q->index;
    alarm(WATCHDOG_SECONDS);
    o->phase = PHASE_STEP;
    for (;;) {
        if (o->blocks == MAX_BLOCKS) {
            o->hang = true;
            o->mismatch = true;
            return;
        }
        o->block_pc[o->blocks++] = ia->cpu->common.pc;
        int ea;
        if (!run_both(o, ia, jb, &ea))
            return;
        if (ea != CPU_EXCP_EXIT_REQUEST)
            break;
    }
    *scratch = o->a;   /* the step phase's end state */
    o->phase = PHASE_PLAIN;
    for (unsigned k = 0; k < NSIDES; k++)
        reset(&sides[k], q, &rv64_frontend);
    int ea;
    if (!run_both(o, ia, jb, &ea))
        return;
    if (!snap_equal(scratch, &o->a)) {
        o->phase = PHASE_STEP_VS_PLAIN;
        o->b = o->a;
        o->a = *scratch;
        o->name_a = "interp stepped";
        o->name_b = "interp plain";
        o->mismatch = true;
    }
}

/* How a stream may end: ebreak after the last insn, or a fault at the
 * faulting access. Anything else is reported even when both engines agree. */
static bool expected_end(const RvgSeq *q, const Snap *s)
{
    if (s->excp == CPU_EXCP_BREAKPOINT)
        return s->pc == RVG_CODE_BASE + q->code_len;
    if (q->fault_insn < 0)
        return false;
    uint64_t at = RVG_CODE_BASE;
    for (int i = 0; i < q->fault_insn; i++)
        at += q->insn[i].len;
    bool fault = s->excp == CPU_EXCP_LOAD_FAULT || s->excp == CPU_EXCP_STORE_FAULT ||
                 s->excp == CPU_EXCP_LOAD_MISALIGNED || s->excp == CPU_EXCP_STORE_MISALIGNED;
    return fault && s->pc == at;
}

/* ---- reports ---- */

static const char *const xnames[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static void print_exit(FILE *out, const char *name, const Snap *s)
{
    fprintf(out, "    %-14s %s at pc 0x%" PRIx64 " (+%" PRId64 ")", name, cpu_exception_name(s->excp), s->pc,
            (int64_t)(s->pc - RVG_CODE_BASE));
    if (s->excp != CPU_EXCP_EXIT_REQUEST)
        fprintf(out, ", aux 0x%" PRIx64, s->aux);
    fprintf(out, "\n");
}

static void print_memory_differences(FILE *out, uint64_t base, const uint8_t *a, const uint8_t *b, unsigned len)
{
    unsigned shown = 0;
    for (unsigned off = 0; off < len; off += 8) {
        uint64_t va, vb;
        memcpy(&va, a + off, 8);
        memcpy(&vb, b + off, 8);
        if (va != vb && shown++ < 8)
            fprintf(out, "    mem 0x%" PRIx64 "  %016" PRIx64 "  %016" PRIx64 "\n", base + off, va, vb);
    }
    if (shown > 8)
        fprintf(out, "    ... %u differing dwords from 0x%" PRIx64 " in all\n", shown, base);
}

static void print_differences(FILE *out, const Outcome *o)
{
    const Snap *a = &o->a, *b = &o->b;
    fprintf(out, "  differences (%s vs %s):\n", o->name_a, o->name_b);
    if (a->excp != b->excp || a->pc != b->pc || a->aux != b->aux) {
        print_exit(out, o->name_a, a);
        print_exit(out, o->name_b, b);
    }
    for (unsigned r = 1; r < 32; r++)
        if (a->x[r] != b->x[r])
            fprintf(out, "    x%-2u %-4s %016" PRIx64 "  %016" PRIx64 "\n", r, xnames[r], a->x[r], b->x[r]);
    for (unsigned r = 0; r < 32; r++)
        if (a->f[r] != b->f[r])
            fprintf(out, "    f%-2u      %016" PRIx64 "  %016" PRIx64 "\n", r, a->f[r], b->f[r]);
    if (a->fflags != b->fflags)
        fprintf(out, "    fflags   %02" PRIx64 "  %02" PRIx64 "  (NV DZ OF UF NX)\n", a->fflags, b->fflags);
    if (a->frm != b->frm)
        fprintf(out, "    frm      %" PRIu64 "  %" PRIu64 "\n", a->frm, b->frm);
    if (a->reservation != b->reservation)
        fprintf(out, "    LR reservation %016" PRIx64 "  %016" PRIx64 "\n", a->reservation, b->reservation);
    print_memory_differences(out, RVG_DATA_BASE, a->data, b->data, RVG_DATA_SIZE);
    print_memory_differences(out, TAIL_BASE, a->tail, b->tail, GUEST_PAGE_SIZE);
}

static const char *phase_text(Phase p)
{
    switch (p) {
    case PHASE_STEP: return "after a block (one block per cpu_exec)";
    case PHASE_PLAIN: return "at the end of a plain run (chained JIT blocks)";
    default: return "between the stepped and the plain run of the interpreter";
    }
}

static void print_blocks(FILE *out, const Outcome *o)
{
    fprintf(out, "  blocks run (offsets of their first insn):");
    for (unsigned i = 0; i < o->blocks && i < 64; i++)
        fprintf(out, " +%" PRId64, (int64_t)(o->block_pc[i] - RVG_CODE_BASE));
    fprintf(out, o->blocks > 64 ? " ...\n" : "\n");
}

static void print_reproducer(FILE *out, const RvDiffOptions *opt, uint64_t index)
{
    fprintf(out, "  reproduce: %s", opt->argv[0]);
    for (int i = 1; i < opt->argc; i++) {
        const char *a = opt->argv[i];
        if ((strcmp(a, "--seed") == 0 || strcmp(a, "--only") == 0 || strcmp(a, "--count") == 0) &&
            i + 1 < opt->argc) {
            i++;
            continue;
        }
        fprintf(out, " %s", a);
    }
    fprintf(out, " --seed 0x%" PRIx64 " --only %" PRIu64 "\n", opt->seed, index);
}

/* Greedily replaces insns by nops while a mismatch remains. */
static void minimize(FILE *out, const RvgSeq *orig, Outcome *o, Snap *scratch)
{
    RvgSeq *m = malloc(sizeof(*m)), *t = malloc(sizeof(*t));
    if (!m || !t)
        goto done;
    *m = *orig;
    for (bool progress = true; progress;) {
        progress = false;
        for (unsigned i = 0; i < m->ninsns; i++) {
            if (rvg_insn_is_nop(&m->insn[i]) || !rvg_can_nop(m, i))
                continue;
            *t = *m;
            rvg_make_nop(t, i);
            run_stream(t, o, scratch);
            if (o->mismatch && !o->hang) {
                *m = *t;
                progress = true;
            }
        }
    }
    run_stream(m, o, scratch);
    fprintf(out, "  minimized (remaining insns; the others are nops), mismatch %s:\n", phase_text(o->phase));
    rvg_print_seq(out, m, true);
    print_blocks(out, o);
    print_differences(out, o);
done:
    free(m);
    free(t);
}

static void report(FILE *out, const RvDiffOptions *opt, const RvgSeq *q, Outcome *o, Snap *scratch,
                   bool full, bool do_min, const char *what)
{
    fprintf(out, "%s seed=0x%016" PRIx64 " stream=%" PRIu64 ": ", what, q->seed, q->index);
    if (o->hang)
        fprintf(out, "no end after %u blocks\n", MAX_BLOCKS);
    else if (o->mismatch)
        fprintf(out, "%s\n", phase_text(o->phase));
    else
        fprintf(out, "both engines stop neither at the end nor at the faulting access\n");
    print_reproducer(out, opt, q->index);
    if (!full)
        return;
    rvg_print_seq(out, q, false);
    fprintf(out, "  initial state:\n");
    rvg_print_state(out, &q->init);
    print_blocks(out, o);
    if (o->mismatch)
        print_differences(out, o);
    else
        print_exit(out, "both", &o->a);
    if (do_min && o->mismatch && !o->hang)
        minimize(out, q, o, scratch);
}

/* ---- options and main ---- */

typedef struct Extra {
    unsigned loops, faults;
} Extra;

static const char usage_extra[] = "\n          [--loops N] [--faults PCT]";

static int extra_option(void *vctx, int argc, char **argv, int i)
{
    Extra *e = vctx;
    const char *a = argv[i];
    char *end;
    if ((strcmp(a, "--loops") == 0 || strcmp(a, "--faults") == 0) && i + 1 < argc) {
        unsigned long v = strtoul(argv[i + 1], &end, 0);
        if (!*argv[i + 1] || *end || (a[2] == 'f' && v > 100) || (a[2] == 'l' && v > 8))
            return 0;
        *(a[2] == 'l' ? &e->loops : &e->faults) = (unsigned)v;
        return 2;
    }
    if (strcmp(a, "--help") == 0) {
        rv_diff_usage(argv[0], usage_extra);
        exit(0);
    }
    return 0;
}

#define BRIEF_REPORTS 20

int main(int argc, char **argv)
{
    char err[256];
    if (rvg_init(err, sizeof(err)) < 0) {
        fprintf(stderr, "%s: %s\n", argv[0], err);
        return 2;
    }
    Extra extra = {2, 15};
    RvDiffOptions opt;
    if (rv_diff_parse(&opt, argc, argv, extra_option, &extra) < 0) {
        rv_diff_usage(argv[0], usage_extra);
        return 2;
    }
    opt.gen.loops = extra.loops;
    opt.gen.fault_pct = extra.faults;

    step_frontend = rv64_frontend;
    step_frontend.translate_insn = step_translate_insn;
    if (side_init(&sides[0], "interp", CPU_ENGINE_INTERP) < 0 || side_init(&sides[1], "jit", CPU_ENGINE_JIT) < 0)
        return 2;
    install_fault_handler();
    signal(SIGALRM, watchdog);

    printf("seed=0x%016" PRIx64 "\n", opt.seed);
    fflush(stdout);
    RvgSeq *q = malloc(sizeof(*q));
    Outcome *o = malloc(sizeof(*o));
    Snap *scratch = malloc(sizeof(*scratch));
    if (!q || !o || !scratch) {
        fprintf(stderr, "%s: out of memory\n", argv[0]);
        return 2;
    }
    uint64_t first = opt.only >= 0 ? (uint64_t)opt.only : 0;
    uint64_t total = opt.only >= 0 ? 1 : opt.count;
    uint64_t blocks = 0, faults = 0, bad = 0, reports = 0, minimized = 0;
    for (uint64_t n = 0; n < total; n++) {
        rvg_generate(q, &opt.gen, opt.seed, first + n);
        run_stream(q, o, scratch);
        blocks += o->blocks;
        bool odd_end = !o->mismatch && !expected_end(q, &o->a);
        faults += !o->mismatch && o->a.excp != CPU_EXCP_BREAKPOINT;
        if (!o->mismatch && !odd_end) {
            if (opt.only >= 0 && opt.verbose)
                report(stdout, &opt, q, o, scratch, true, false, "SAME");
            continue;
        }
        bad++;
        bool full = reports < opt.max_reports || opt.only >= 0;
        bool do_min = full && minimized < opt.minimize;
        minimized += do_min;
        if (reports++ < opt.max_reports + BRIEF_REPORTS || opt.only >= 0)
            report(stdout, &opt, q, o, scratch, full, do_min, o->mismatch ? "MISMATCH" : "UNEXPECTED END");
        fflush(stdout);
    }
    alarm(0);
    if (reports > opt.max_reports + BRIEF_REPORTS)
        printf("(%" PRIu64 " more not listed)\n", reports - opt.max_reports - BRIEF_REPORTS);
    if (opt.verbose) {
        rvg_print_coverage(stdout);
        for (unsigned k = 0; k < NSIDES; k++) {
            const CpuStats *st = &sides[k].cpu->common.stats;
            printf("%s: %" PRIu64 " blocks translated, %" PRIu64 " run from the loop, %" PRIu64
                   " chained jumps\n", sides[k].name, st->blocks_translated, st->blocks_executed,
                   st->chained_jumps);
        }
    }
    printf("%" PRIu64 " streams, %" PRIu64 " blocks, %" PRIu64 " ended in a fault, %" PRIu64 " mismatches\n",
           total, blocks, faults, bad);
    free(q);
    free(o);
    free(scratch);
    for (unsigned k = 0; k < NSIDES; k++)
        side_free(&sides[k]);
    return bad ? 1 : 0;
}
