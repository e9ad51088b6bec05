/*
 * The driver shared by rv64-unicorn-diff and rv64-qemu-diff (see rv64_diff.h),
 * and the qemu-user runner, which runs batches as one ELF under
 * qemu-riscv64 and reads the register dumps back from its stdout.
 */
#include "rv64_diff.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "polyvm/cpu.h"
#include "rv64_elf_batch.h"

extern char **environ;

/* ---- options ---- */

void rv_diff_usage(const char *prog, const char *extra_usage)
{
    fprintf(stderr,
            "usage: %s [--count N] [--seed S] [--only INDEX] [--verbose]\n"
            "          [--max-insns N] [--misaligned PCT] [--enable NAME] [--disable NAME]\n"
            "          [--max-reports N] [--minimize N] [--engine jit|interp]%s\n"
            "  The seed comes from --seed, else $POLYVM_SEED, else the clock; it is printed\n"
            "  as seed=0x... . NAME is a group (rv64i m a f d c zba ...) or an insn (fmin_s).\n"
            "  --engine: polyvm's engine (default jit).\n",
            prog, extra_usage ? extra_usage : "");
}

static bool parse_u64(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    *v = strtoull(s, &end, 0);
    return errno == 0 && *s && !*end;
}

int rv_diff_parse(RvDiffOptions *o, int argc, char **argv,
                  int (*extra)(void *ctx, int argc, char **argv, int i), void *extra_ctx)
{
    memset(o, 0, sizeof(*o));
    o->count = 10000;
    o->only = -1;
    o->max_reports = 10;
    o->minimize = 5;
    o->gen.max_insns = 20;
    o->gen.misaligned_pct = 10;
    o->argc = argc;
    o->argv = argv;
    const char *env = getenv("POLYVM_SEED");
    if (env && *env) {
        if (!parse_u64(env, &o->seed)) {
            fprintf(stderr, "%s: bad POLYVM_SEED '%s'\n", argv[0], env);
            return -1;
        }
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t s = (uint64_t)ts.tv_sec * 1000000007ull ^ (uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 32;
        o->seed = rvg_rand(&s);
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t v = 0;
        bool num = val && parse_u64(val, &v);
        if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
            o->verbose = true;
        } else if (strcmp(a, "--count") == 0 && num) {
            o->count = v;
            i++;
        } else if (strcmp(a, "--seed") == 0 && num) {
            o->seed = v;
            i++;
        } else if (strcmp(a, "--only") == 0 && num) {
            o->only = (int64_t)v;
            i++;
        } else if (strcmp(a, "--max-insns") == 0 && num && v >= 1) {
            o->gen.max_insns = (unsigned)v;
            i++;
        } else if (strcmp(a, "--misaligned") == 0 && num && v <= 100) {
            o->gen.misaligned_pct = (unsigned)v;
            i++;
        } else if (strcmp(a, "--max-reports") == 0 && num) {
            o->max_reports = (unsigned)v;
            i++;
        } else if (strcmp(a, "--minimize") == 0 && num) {
            o->minimize = (unsigned)v;
            i++;
        } else if (strcmp(a, "--engine") == 0 && val) {
            int e = cpu_engine_from_name(val);
            if (e < 0) {
                fprintf(stderr, "%s: no engine named '%s' (jit, interp)\n", argv[0], val);
                return -1;
            }
            cpu_default_engine = (CpuEngine)e;   /* the runners' rv_cpu_new uses it */
            i++;
        } else if ((strcmp(a, "--enable") == 0 || strcmp(a, "--disable") == 0) && val) {
            if (rvg_enable(val, a[2] == 'e') < 0) {
                fprintf(stderr, "%s: no group or instruction named '%s'\n", argv[0], val);
                return -1;
            }
            i++;
        } else {
            int used = extra ? extra(extra_ctx, argc, argv, i) : 0;
            if (used <= 0) {
                fprintf(stderr, "%s: bad argument '%s'\n", argv[0], a);
                return -1;
            }
            i += used - 1;
        }
    }
    return 0;
}

/* ---- comparison and reports ---- */

bool rv_final_equal(const RvgFinal *a, const RvgFinal *b)
{
    if (a->failed || b->failed)
        return false;
    return memcmp(a->x + 1, b->x + 1, 31 * 8) == 0 && memcmp(a->f, b->f, sizeof(a->f)) == 0 &&
           a->fcsr == b->fcsr && memcmp(a->data, b->data, RVG_DATA_SIZE) == 0;
}

static uint64_t load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static void print_final(FILE *out, const char *name, const RvgFinal *f)
{
    if (f->failed) {
        fprintf(out, "  %s: FAILED: %s\n", name, f->why);
        return;
    }
    fprintf(out, "  %s final:\n", name);
    for (unsigned r = 0; r < 32; r++)
        fprintf(out, "  x%-2u %016" PRIx64 "%s", r, f->x[r], r % 4 == 3 ? "\n" : "");
    for (unsigned r = 0; r < 32; r++)
        fprintf(out, "  f%-2u %016" PRIx64 "%s", r, f->f[r], r % 4 == 3 ? "\n" : "");
    fprintf(out, "  fcsr %02" PRIx64 "\n", f->fcsr);
}

static void print_differences(FILE *out, const RvDiffConfig *cfg, const RvgFinal *a, const RvgFinal *b)
{
    const char *na = cfg->oracle.name, *nb = cfg->polyvm.name;
    fprintf(out, "  differences (%s vs %s):\n", na, nb);
    for (unsigned r = 1; r < 32; r++)
        if (a->x[r] != b->x[r])
            fprintf(out, "    x%-2u  %016" PRIx64 "  %016" PRIx64 "\n", r, a->x[r], b->x[r]);
    for (unsigned r = 0; r < 32; r++)
        if (a->f[r] != b->f[r])
            fprintf(out, "    f%-2u  %016" PRIx64 "  %016" PRIx64 "\n", r, a->f[r], b->f[r]);
    if (a->fcsr != b->fcsr)
        fprintf(out, "    fcsr %02" PRIx64 " %02" PRIx64 "  (frm<<5 | NV DZ OF UF NX)\n", a->fcsr, b->fcsr);
    unsigned shown = 0;
    for (unsigned off = 0; off < RVG_DATA_SIZE; off += 8) {
        uint64_t va = load64(a->data + off), vb = load64(b->data + off);
        if (va == vb)
            continue;
        if (shown++ < 8)
            fprintf(out, "    mem 0x%" PRIx64 "  %016" PRIx64 "  %016" PRIx64 "\n", RVG_DATA_BASE + off, va,
                    vb);
    }
    if (shown > 8)
        fprintf(out, "    ... %u differing data dwords in all\n", shown);
}

static bool run_pair(const RvDiffConfig *cfg, const RvgSeq *s, RvgFinal *a, RvgFinal *b)
{
    memset(a, 0, sizeof(*a));
    memset(b, 0, sizeof(*b));
    if (cfg->oracle.run(cfg->oracle.ctx, s, 1, a) < 0 || cfg->polyvm.run(cfg->polyvm.ctx, s, 1, b) < 0)
        return false;
    return true;
}

/* Greedily replaces insns by nops while the mismatch persists and both
 * runners still finish: what is left is what the report needs. */
static void minimize(FILE *out, const RvDiffConfig *cfg, const RvgSeq *orig)
{
    RvgSeq *m = malloc(sizeof(*m)), *t = malloc(sizeof(*t));
    RvgFinal *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
    if (!m || !t || !a || !b)
        goto done;
    *m = *orig;
    bool progress = true;
    while (progress) {
        progress = false;
        for (unsigned i = 0; i < m->ninsns; i++) {
            if (rvg_insn_is_nop(&m->insn[i]))
                continue;
            *t = *m;
            rvg_make_nop(t, i);
            if (!run_pair(cfg, t, a, b))
                goto done;
            if (!a->failed && !b->failed && !rv_final_equal(a, b)) {
                *m = *t;
                progress = true;
            }
        }
    }
    if (!run_pair(cfg, m, a, b))
        goto done;
    fprintf(out, "  minimized (remaining insns; the others are nops):\n");
    rvg_print_seq(out, m, true);
    if (a->failed || b->failed) {
        print_final(out, cfg->oracle.name, a);
        print_final(out, cfg->polyvm.name, b);
    } else {
        print_differences(out, cfg, a, b);
    }
done:
    free(m);
    free(t);
    free(a);
    free(b);
}

/* the command line with --seed/--only/--count replaced by this sequence's */
static void print_reproducer(FILE *out, const RvDiffOptions *o, uint64_t index)
{
    fprintf(out, "  reproduce: %s", o->argv[0]);
    for (int i = 1; i < o->argc; i++) {
        const char *a = o->argv[i];
        if ((strcmp(a, "--seed") == 0 || strcmp(a, "--only") == 0 || strcmp(a, "--count") == 0) &&
            i + 1 < o->argc) {
            i++;
            continue;
        }
        fprintf(out, " %s", a);
    }
    fprintf(out, " --seed 0x%" PRIx64 " --only %" PRIu64 "\n", o->seed, index);
}

static void report(FILE *out, const RvDiffConfig *cfg, const RvDiffOptions *o, const RvgSeq *s,
                   const RvgFinal *a, const RvgFinal *b, bool full, bool do_min)
{
    const char *what = a->failed ? "ORACLE FAILED" : rv_final_equal(a, b) ? "SAME" : "MISMATCH";
    fprintf(out, "%s seed=0x%016" PRIx64 " seq=%" PRIu64 " (%s vs %s)\n", what, s->seed, s->index,
            cfg->oracle.name, cfg->polyvm.name);
    print_reproducer(out, o, s->index);
    if (!full) {
        if (a->failed || b->failed)
            fprintf(out, "  %s\n", a->failed ? a->why : b->why);
        return;
    }
    rvg_print_seq(out, s, false);
    fprintf(out, "  initial state:\n");
    rvg_print_state(out, &s->init);
    if (!a->failed && !b->failed)
        print_differences(out, cfg, a, b);
    print_final(out, cfg->oracle.name, a);
    print_final(out, cfg->polyvm.name, b);
    if (do_min && !a->failed)
        minimize(out, cfg, s);
}

#define BRIEF_REPORTS 50

int rv_diff_main(const RvDiffConfig *cfg, const RvDiffOptions *o)
{
    printf("seed=0x%016" PRIx64 " engine=%s\n", o->seed, cpu_engine_name(cpu_default_engine));
    fflush(stdout);
    size_t batch = cfg->batch ? cfg->batch : 500;
    RvgSeq *seqs = calloc(batch, sizeof(*seqs));
    RvgFinal *fa = calloc(batch, sizeof(*fa)), *fb = calloc(batch, sizeof(*fb));
    if (!seqs || !fa || !fb) {
        fprintf(stderr, "%s: out of memory\n", cfg->prog);
        return 2;
    }
    uint64_t first = o->only >= 0 ? (uint64_t)o->only : 0;
    uint64_t total = o->only >= 0 ? 1 : o->count;
    uint64_t mismatches = 0, oracle_errors = 0, reports = 0, minimized = 0;
    int rc = 0;
    for (uint64_t done = 0; done < total;) {
        size_t n = total - done < batch ? (size_t)(total - done) : batch;
        for (size_t k = 0; k < n; k++)
            rvg_generate(&seqs[k], &o->gen, o->seed, first + done + k);
        memset(fa, 0, n * sizeof(*fa));
        memset(fb, 0, n * sizeof(*fb));
        if (cfg->oracle.run(cfg->oracle.ctx, seqs, n, fa) < 0 ||
            cfg->polyvm.run(cfg->polyvm.ctx, seqs, n, fb) < 0) {
            fprintf(stderr, "%s: a runner broke; stopping\n", cfg->prog);
            rc = 2;
            break;
        }
        for (size_t k = 0; k < n; k++) {
            bool verbose_one = o->only >= 0 && o->verbose;
            if (rv_final_equal(&fa[k], &fb[k])) {
                if (verbose_one)
                    report(stdout, cfg, o, &seqs[k], &fa[k], &fb[k], true, false);
                continue;
            }
            mismatches++;
            if (fa[k].failed)
                oracle_errors++;
            /* full reports for the first few, one line for the next ones, then only counts */
            bool full = reports < o->max_reports || o->only >= 0;
            bool do_min = full && minimized < o->minimize;
            if (do_min)
                minimized++;
            if (reports++ < o->max_reports + BRIEF_REPORTS || o->only >= 0)
                report(stdout, cfg, o, &seqs[k], &fa[k], &fb[k], full, do_min);
            fflush(stdout);
        }
        done += n;
    }
    if (reports > o->max_reports + BRIEF_REPORTS)
        printf("(%" PRIu64 " more mismatches not listed)\n", reports - o->max_reports - BRIEF_REPORTS);
    if (o->verbose)
        rvg_print_coverage(stdout);
    printf("%" PRIu64 " sequences, %" PRIu64 " mismatches", total, mismatches);
    if (oracle_errors)
        printf(" (%" PRIu64 " where the oracle failed)", oracle_errors);
    printf("\n");
    free(seqs);
    free(fa);
    free(fb);
    if (rc)
        return rc;
    return mismatches ? 1 : 0;
}

/* ---- qemu-user runner ---- */

bool rv_apply_qemu_exclusions(void)
{
#define X(name, why)                      \
    if (rvg_enable(name, false) < 0)      \
        return false;
    RV_QEMU_EXCLUSIONS(X)
#undef X
    return true;
}

typedef struct QemuCtx {
    const char *qemu, *cpu;
} QemuCtx;

typedef struct Captured {
    uint8_t *out;
    size_t out_len, out_cap;
    char err[512];
    size_t err_len;
    int status;
} Captured;

static int append(Captured *c, const uint8_t *p, size_t n)
{
    if (c->out_len + n > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap * 2 : 1 << 20;
        while (cap < c->out_len + n)
            cap *= 2;
        uint8_t *nb = realloc(c->out, cap);
        if (!nb)
            return -1;
        c->out = nb;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, p, n);
    c->out_len += n;
    return 0;
}

/* runs argv with stdout and stderr captured; kills it after timeout_ms */
static int run_captured(char *const argv[], Captured *c, int timeout_ms)
{
    int po[2], pe[2];
    if (pipe(po) < 0 || pipe(pe) < 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
    posix_spawn_file_actions_addclose(&fa, po[0]);
    posix_spawn_file_actions_addclose(&fa, pe[0]);
    pid_t pid;
    int err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(po[1]);
    close(pe[1]);
    if (err) {
        close(po[0]);
        close(pe[0]);
        snprintf(c->err, sizeof(c->err), "cannot start %s: %s", argv[0], strerror(err));
        return -1;
    }
    struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    int open_fds = 2;
    uint8_t buf[65536];
    while (open_fds) {
        int r = poll(fds, 2, timeout_ms);
        if (r == 0) {
            kill(pid, SIGKILL);
            snprintf(c->err, sizeof(c->err), "timed out");
            break;
        }
        if (r < 0 && errno == EINTR)
            continue;
        for (unsigned i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t got = read(fds[i].fd, buf, sizeof(buf));
            if (got <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            } else if (i == 0) {
                if (append(c, buf, (size_t)got) < 0)
                    kill(pid, SIGKILL);
            } else {
                size_t room = sizeof(c->err) - 1 - c->err_len;
                size_t take = (size_t)got < room ? (size_t)got : room;
                memcpy(c->err + c->err_len, buf, take);
                c->err_len += take;
                c->err[c->err_len] = 0;
            }
        }
    }
    for (unsigned i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    while (waitpid(pid, &c->status, 0) < 0 && errno == EINTR)
        ;
    return 0;
}

static int write_temp(const uint8_t *bytes, size_t len, char *path, size_t pathlen)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, pathlen, "%s/rv64-diff-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, bytes + off, len - off);
        if (w <= 0) {
            close(fd);
            unlink(path);
            return -1;
        }
        off += (size_t)w;
    }
    fchmod(fd, 0700);
    close(fd);
    return 0;
}

static int qemu_run(void *vctx, const RvgSeq *seqs, size_t n, RvgFinal *out)
{
    QemuCtx *ctx = vctx;
    size_t start = 0;
    while (start < n) {
        RvElfImage img;
        if (rv_elf_build(&img, seqs + start, n - start) < 0) {
            fprintf(stderr, "qemu runner: cannot build the ELF image\n");
            return -1;
        }
        char path[256];
        if (write_temp(img.bytes, img.size, path, sizeof(path)) < 0) {
            fprintf(stderr, "qemu runner: cannot write a temporary file: %s\n", strerror(errno));
            rv_elf_free(&img);
            return -1;
        }
        char *argv[] = {(char *)ctx->qemu, (char *)"-cpu", (char *)ctx->cpu, path, NULL};
        Captured c;
        memset(&c, 0, sizeof(c));
        int r = run_captured(argv, &c, 120000);
        unlink(path);
        if (r < 0) {
            fprintf(stderr, "qemu runner: %s\n", c.err);
            rv_elf_free(&img);
            free(c.out);
            return -1;
        }
        long found = rv_elf_parse(&img, seqs + start, c.out, c.out_len, out + start);
        rv_elf_free(&img);
        free(c.out);
        if (found < 0) {
            fprintf(stderr, "qemu runner: unreadable output\n");
            return -1;
        }
        /* the first sequence without a dump is where qemu stopped; skip it, rerun the rest */
        size_t k = start;
        while (k < n && !out[k].failed)
            k++;
        if (k == n)
            break;
        if (WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0) {
            fprintf(stderr, "qemu runner: qemu exited normally but sequence %zu wrote nothing\n", k);
            return -1;
        }
        char *nl = strchr(c.err, '\n');
        if (nl)
            *nl = 0;
        if (WIFSIGNALED(c.status))
            snprintf(out[k].why, sizeof(out[k].why), "qemu killed by signal %d (%s) %.100s", WTERMSIG(c.status),
                     strsignal(WTERMSIG(c.status)), c.err);
        else
            snprintf(out[k].why, sizeof(out[k].why), "qemu exit status %d %.100s", WEXITSTATUS(c.status), c.err);
        start = k + 1;
    }
    return 0;
}

RvRunner rv_qemu_runner(const char *qemu, const char *cpu)
{
    static QemuCtx ctx;
    ctx.qemu = qemu;
    ctx.cpu = cpu;
    return (RvRunner){"qemu", qemu_run, &ctx};
}
