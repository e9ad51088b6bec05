/*
 * polyvm as a runner of the RISC-V64 differential tests, through its public
 * API (guest_mem_*, rv_cpu_new, cpu_exec). The CPUs get cpu_default_engine
 * (the tools' --engine option).
 *
 * Direct runner: one sequence at a time at RVG_CODE_BASE followed by ebreak;
 * the state is set in RvCpu and read back when cpu_exec() returns the
 * breakpoint there. ELF runner: the batch image of rv64_elf_batch.c, with the
 * two system calls it makes (write, exit) done here; a sequence that raises
 * an exception is recorded as failed and execution resumes at the next one.
 * A watchdog alarm turns a hang into a clear message instead of a stuck test.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "polyvm/cpu.h"
#include "polyvm/mem.h"
#include "polyvm/riscv64.h"
#include "rv64_diff.h"
#include "rv64_elf_batch.h"

#define EBREAK 0x00100073u
#define WATCHDOG_SECONDS 120

static void watchdog(int sig)
{
    static const char msg[] = "rv64 diff: polyvm did not finish a batch in time (hang?)\n";
    (void)sig;
    if (write(2, msg, sizeof(msg) - 1) < 0)
        _exit(3);
    _exit(3);
}

static void arm_watchdog(void)
{
    signal(SIGALRM, watchdog);
    alarm(WATCHDOG_SECONDS);
}

static void set_state(RvCpu *cpu, const RvgState *st)
{
    memcpy(cpu->x, st->x, sizeof(cpu->x));
    cpu->x[0] = 0;
    memcpy(cpu->f, st->f, sizeof(cpu->f));
    cpu->fflags = st->fcsr & RVG_FCSR_FFLAGS_MASK;
    cpu->frm = st->fcsr >> RVG_FCSR_FRM_SHIFT;
    cpu->reservation_addr = UINT64_MAX;
}

static void describe_exception(char *buf, size_t len, const RvCpu *cpu, int excp, uint64_t base)
{
    snprintf(buf, len, "polyvm: %s at pc 0x%" PRIx64 " (+%" PRId64 "), aux 0x%" PRIx64,
             cpu_exception_name(excp), cpu->common.pc, (int64_t)(cpu->common.pc - base),
             cpu->common.exception_aux);
}

/* ---- direct ---- */

typedef struct DirectCtx {
    GuestMem mem;
    RvCpu *cpu;
    bool ready;
} DirectCtx;

static int direct_setup(DirectCtx *c)
{
    int err = guest_mem_init(&c->mem, RVG_SPACE_SIZE);
    if (!err)
        err = guest_mem_map(&c->mem, RVG_DATA_BASE, RVG_DATA_SIZE, GUEST_PROT_READ | GUEST_PROT_WRITE);
    if (!err)
        err = guest_mem_map(&c->mem, RVG_CODE_BASE, GUEST_PAGE_SIZE, GUEST_PROT_READ | GUEST_PROT_WRITE | GUEST_PROT_EXEC);
    if (err) {
        fprintf(stderr, "polyvm runner: guest memory set-up failed: %s\n", strerror(-err));
        return -1;
    }
    c->cpu = rv_cpu_new(&c->mem);
    if (!c->cpu) {
        fprintf(stderr, "polyvm runner: rv_cpu_new failed\n");
        return -1;
    }
    c->ready = true;
    return 0;
}

static int direct_run(void *vctx, const RvgSeq *seqs, size_t n, RvgFinal *out)
{
    DirectCtx *c = vctx;
    if (!c->ready && direct_setup(c) < 0)
        return -1;
    RvCpu *cpu = c->cpu;
    uint8_t *code = guest_mem_ptr(&c->mem, RVG_CODE_BASE, GUEST_PAGE_SIZE, GUEST_PROT_READ);
    uint8_t *data = guest_mem_ptr(&c->mem, RVG_DATA_BASE, RVG_DATA_SIZE, GUEST_PROT_READ);
    arm_watchdog();
    for (size_t k = 0; k < n; k++) {
        const RvgSeq *s = &seqs[k];
        RvgFinal *f = &out[k];
        memset(code, 0, GUEST_PAGE_SIZE);
        memcpy(code, s->code, s->code_len);
        uint32_t ebreak = EBREAK;
        memcpy(code + s->code_len, &ebreak, 4);
        cpu_flush_code(&cpu->common);
        rvg_fill_data(s->init.data_seed, data);
        set_state(cpu, &s->init);
        cpu->common.pc = RVG_CODE_BASE;
        int excp = cpu_exec(&cpu->common);
        if (excp != CPU_EXCP_BREAKPOINT || cpu->common.pc != RVG_CODE_BASE + s->code_len) {
            f->failed = true;
            describe_exception(f->why, sizeof(f->why), cpu, excp, RVG_CODE_BASE);
        }
        memcpy(f->x, cpu->x, sizeof(f->x));
        memcpy(f->f, cpu->f, sizeof(f->f));
        f->fcsr = cpu->frm << RVG_FCSR_FRM_SHIFT | (cpu->fflags & RVG_FCSR_FFLAGS_MASK);
        memcpy(f->data, data, RVG_DATA_SIZE);
    }
    alarm(0);
    return 0;
}

/* "polyvm-jit" or "polyvm-interp": the engine rv_cpu_new gives the runner's CPUs */
static const char *runner_name(void)
{
    static char name[32];
    snprintf(name, sizeof(name), "polyvm-%s", cpu_engine_name(cpu_default_engine));
    return name;
}

RvRunner rv_polyvm_direct_runner(void)
{
    static DirectCtx ctx;
    return (RvRunner){runner_name(), direct_run, &ctx};
}

/* ---- ELF batch image ---- */

typedef struct Output {
    uint8_t *buf;
    size_t len, cap;
} Output;

static bool out_append(Output *o, const void *p, size_t n)
{
    if (o->len + n > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 1 << 20;
        while (cap < o->len + n)
            cap *= 2;
        uint8_t *nb = realloc(o->buf, cap);
        if (!nb)
            return false;
        o->buf = nb;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
    return true;
}

enum { SYS_WRITE = 64, SYS_EXIT = 93 };

static int elf_run(void *vctx, const RvgSeq *seqs, size_t n, RvgFinal *out)
{
    (void)vctx;
    RvElfImage img;
    if (rv_elf_build(&img, seqs, n) < 0) {
        fprintf(stderr, "polyvm runner: cannot build the ELF image\n");
        return -1;
    }
    GuestMem mem;
    uint64_t span = (img.size + GUEST_PAGE_SIZE - 1) & ~(GUEST_PAGE_SIZE - 1);
    int err = guest_mem_init(&mem, RVE_LOAD_ADDR + span + (16u << 20));
    if (!err)
        err = guest_mem_map(&mem, RVE_LOAD_ADDR, span, GUEST_PROT_READ | GUEST_PROT_WRITE | GUEST_PROT_EXEC);
    if (err) {
        fprintf(stderr, "polyvm runner: guest memory set-up failed: %s\n", strerror(-err));
        rv_elf_free(&img);
        return -1;
    }
    memcpy(guest_mem_ptr(&mem, RVE_LOAD_ADDR, img.size, GUEST_PROT_READ), img.bytes, img.size);
    RvCpu *cpu = rv_cpu_new(&mem);
    if (!cpu) {
        fprintf(stderr, "polyvm runner: rv_cpu_new failed\n");
        guest_mem_destroy(&mem);
        rv_elf_free(&img);
        return -1;
    }
    Output o = {0};
    int rc = 0;
    cpu->common.pc = img.entry;
    arm_watchdog();
    for (;;) {
        int excp = cpu_exec(&cpu->common);
        uint64_t pc = cpu->common.pc;
        if (excp == CPU_EXCP_SYSCALL && cpu->x[17] == SYS_WRITE) {
            uint64_t addr = cpu->x[11], len = cpu->x[12];
            const void *p = guest_mem_ptr(&mem, addr, len, GUEST_PROT_READ);
            if (!p || !out_append(&o, p, len)) {
                fprintf(stderr, "polyvm runner: bad write(0x%" PRIx64 ", %" PRIu64 ")\n", addr, len);
                rc = -1;
                break;
            }
            cpu->x[10] = len;
            cpu->common.pc = pc + 4;
            continue;
        }
        if (excp == CPU_EXCP_SYSCALL && cpu->x[17] == SYS_EXIT)
            break;
        /* an exception inside a sequence: record it, go on with the next one */
        long k = rv_elf_seq_at(&img, pc);
        if (k >= 0 && pc >= img.seq_code[k] && pc < img.seq_end[k] + 4) {
            out[k].failed = true;
            describe_exception(out[k].why, sizeof(out[k].why), cpu, excp, img.seq_code[k]);
            cpu->common.pc = img.seq_begin[k + 1];
            continue;
        }
        char why[160];
        describe_exception(why, sizeof(why), cpu, excp, RVE_LOAD_ADDR);
        fprintf(stderr, "polyvm runner: batch image stopped outside the sequences: %s\n", why);
        if (k >= 0) {
            out[k].failed = true;
            snprintf(out[k].why, sizeof(out[k].why), "in the harness code: %.120s", why);
        }
        break;
    }
    alarm(0);
    if (rc == 0 && rv_elf_parse(&img, seqs, o.buf, o.len, out) < 0) {
        fprintf(stderr, "polyvm runner: unreadable output of the batch image\n");
        rc = -1;
    }
    free(o.buf);
    rv_cpu_free(cpu);
    guest_mem_destroy(&mem);
    rv_elf_free(&img);
    return rc;
}

RvRunner rv_polyvm_elf_runner(void)
{
    return (RvRunner){runner_name(), elf_run, NULL};
}
