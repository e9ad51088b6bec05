/*
 * The user-mode runner: loads the program, builds its stack, and runs the
 * vCPU loop, handling the exceptions that come back from it: system calls
 * go to user_syscall(), guest faults end the process with the signal Linux
 * would deliver (exit status 128+N, as a shell reports it).
 */
#include <elf.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "polyvm/engine.h"
#include "polyvm/user.h"
#include "user-internal.h"

#define GUEST_SPACE (4ull << 30)
#define PIE_BASE 0x40000000ull

static int signal_for(int excp)
{
    switch (excp) {
    case CPU_EXCP_ILLEGAL: return SIGILL;
    case CPU_EXCP_BREAKPOINT: return SIGTRAP;
    case CPU_EXCP_LOAD_MISALIGNED:
    case CPU_EXCP_STORE_MISALIGNED: return SIGBUS;
    default: return SIGSEGV;
    }
}

static int run_loop(UserProcess *p)
{
    RvCpu *cpu = p->cpu;
    for (;;) {
        int excp = cpu_exec(&cpu->common);
        if (excp == CPU_EXCP_SYSCALL) {
            cpu->x[10] = (uint64_t)user_syscall(p, cpu->x[17], &cpu->x[10]);
            if (p->exited)
                return p->exit_status;
            cpu->common.pc += 4;
            continue;
        }
        int sig = signal_for(excp);
        fprintf(stderr, "polyvm: guest %s at pc 0x%" PRIx64 " (0x%" PRIx64 "): %s\n",
                cpu_exception_name(excp), cpu->common.pc, cpu->common.exception_aux, strsignal(sig));
        return 128 + sig;
    }
}

int user_run(const UserOptions *o)
{
    static UserProcess proc;
    UserProcess *p = &proc;
    char err[512];
    int r = guest_mem_init(&p->mem, GUEST_SPACE);
    if (r) {
        fprintf(stderr, "polyvm: cannot reserve guest memory: %s\n", strerror(-r));
        return -1;
    }
    r = elf_load(o->program, EM_RISCV, &p->mem, PIE_BASE, &p->elf, err, sizeof err);
    if (r) {
        fprintf(stderr, "polyvm: %s\n", err);
        guest_mem_destroy(&p->mem);
        return -1;
    }
    if (p->elf.interp[0]) {
        fprintf(stderr, "polyvm: %s: dynamically linked (interpreter %s); this build runs static programs only\n",
                o->program, p->elf.interp);
        guest_mem_destroy(&p->mem);
        return -1;
    }
    p->cpu = rv_cpu_new(&p->mem);
    uint64_t sp = p->cpu ? user_setup_stack(p, o->argc, o->argv, o->envp, o->program) : 0;
    if (!sp) {
        fprintf(stderr, "polyvm: cannot set up the guest process\n");
        rv_cpu_free(p->cpu);
        guest_mem_destroy(&p->mem);
        return -1;
    }
    p->cpu->x[2] = sp;
    p->cpu->common.pc = p->elf.entry;
    int status = run_loop(p);
    fflush(stdout);
    if (o->print_stats) {
        const CpuStats *s = &p->cpu->common.stats;
        fprintf(stderr,
                "polyvm stats: blocks translated %" PRIu64 ", guest insns translated %" PRIu64
                ", blocks executed %" PRIu64 "\n",
                s->blocks_translated, s->guest_insns_translated, s->blocks_executed);
    }
    rv_cpu_free(p->cpu);
    guest_mem_destroy(&p->mem);
    return status;
}
