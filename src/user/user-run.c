/*
 * The user-mode runner: sets up the process (guest memory, program,
 * interpreter, stack), then runs each guest thread's vCPU loop, handling
 * what comes back from cpu_exec(): system calls go to user_syscall(),
 * guest faults become signals (user_signal_fault), and pending signals are
 * delivered between blocks and after each syscall.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "polyvm/engine.h"
#include "polyvm/log.h"
#include "user-internal.h"

__thread UserThread *user_current;

static void fault_signal(int excp, int *sig, int *code)
{
    switch (excp) {
    case CPU_EXCP_ILLEGAL: *sig = SIGILL; *code = ILL_ILLOPC; return;
    case CPU_EXCP_BREAKPOINT: *sig = SIGTRAP; *code = TRAP_BRKPT; return;
    case CPU_EXCP_LOAD_MISALIGNED:
    case CPU_EXCP_STORE_MISALIGNED: *sig = SIGBUS; *code = BUS_ADRALN; return;
    default: *sig = SIGSEGV; *code = SEGV_MAPERR; return;
    }
}

static void handle_syscall(UserThread *t)
{
    RvCpu *cpu = t->cpu;
    int64_t r = user_syscall(t, cpu->x[17], &cpu->x[10]);
    if (r == -USER_EJUSTRETURN)
        return;
    if (r == -USER_ERESTARTSYS) {
        t->syscall_restart = true;   /* signal delivery decides: rerun or -EINTR */
        return;
    }
    cpu->x[10] = (uint64_t)r;
    cpu->common.pc += 4;
}

int user_thread_loop(UserThread *t)
{
    user_current = t;
    user_signals_thread_start(t);
    RvCpu *cpu = t->cpu;
    while (!t->exited) {
        int excp = cpu_exec(&cpu->common);
        switch (excp) {
        case CPU_EXCP_SYSCALL:
            handle_syscall(t);
            break;
        case CPU_EXCP_EXIT_REQUEST:
            break;
        case CPU_EXCP_HALT:
            fprintf(stderr, "polyvm: vCPU halted at pc 0x%" PRIx64 "\n", cpu->common.pc);
            user_exit_group(t, 128 + SIGABRT);
        default: {
            int sig, code;
            fault_signal(excp, &sig, &code);
            uint64_t addr = excp == CPU_EXCP_ILLEGAL || excp == CPU_EXCP_BREAKPOINT ? cpu->common.pc
                                                                                     : cpu->common.exception_aux;
            log_printf(LOG_INT, "polyvm: guest %s at pc 0x%" PRIx64 " (0x%" PRIx64 ") -> signal %d\n",
                       cpu_exception_name(excp), cpu->common.pc, cpu->common.exception_aux, sig);
            user_signal_fault(t, sig, code, addr, cpu_exception_name(excp));
            break;
        }
        }
        if (!t->exited)
            user_signals_deliver(t);
    }
    user_signals_thread_end(t);
    return t->exit_status;
}

UserThread *user_thread_new(UserProcess *p, RvCpu *cpu)
{
    UserThread *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->cpu = cpu;
    t->proc = p;
    t->tid = gettid();
    cpu->common.stats.count_in_code = p->opts.print_stats;
    pthread_mutex_lock(&p->thread_lock);
    t->next = p->threads;
    p->threads = t;
    p->nthreads++;
    pthread_mutex_unlock(&p->thread_lock);
    return t;
}

void user_thread_free(UserThread *t)
{
    UserProcess *p = t->proc;
    pthread_mutex_lock(&p->thread_lock);
    for (UserThread **pp = &p->threads; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            p->nthreads--;
            break;
        }
    pthread_mutex_unlock(&p->thread_lock);
    rv_cpu_free(t->cpu);
    free(t);
}

/* --stats goes to a private copy of stderr: guest programs such as xz
 * close their stdout and stderr before exiting, and the guest's fds are
 * the host's. */
static FILE *stats_out;

static void open_stats_output(void)
{
    int fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 512);
    stats_out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!stats_out)
        stats_out = stderr;
}

static void print_stats(const UserThread *t)
{
    cpu_stats_print(stats_out, &t->cpu->common.stats, t->cpu->common.engine);
    fflush(stats_out);
}

void user_finish_output(UserThread *t)
{
    fflush(stdout);
    if (t->proc->opts.print_stats)
        print_stats(t);
    fflush(log_file());
}

_Noreturn void user_exit_group(UserThread *t, int status)
{
    user_finish_output(t);
    _exit(status);
}

static int start_process(UserProcess *p, const UserOptions *o)
{
    memset(p, 0, sizeof(*p));
    p->opts = *o;
    pthread_mutex_init(&p->mm_lock, NULL);
    pthread_mutex_init(&p->thread_lock, NULL);
    if (o->sysroot)
        snprintf(p->sysroot, sizeof p->sysroot, "%s", o->sysroot);
    if (!realpath(o->program, p->exe_path))
        snprintf(p->exe_path, sizeof p->exe_path, "%s", o->program);
    int r = guest_mem_init(&p->mem, USER_GUEST_SPACE);
    if (r) {
        fprintf(stderr, "polyvm: cannot reserve guest memory: %s\n", strerror(-r));
        return -1;
    }
    return 0;
}

int user_run(const UserOptions *o)
{
    static UserProcess proc;
    UserProcess *p = &proc;
    if (start_process(p, o))
        return -1;
    if (o->print_stats)
        open_stats_output();
    uint64_t entry, sp;
    RvCpu *cpu = NULL;
    UserThread *t = NULL;
    int status = -1;
    if (user_load_program(p, o->program, o->argc, o->argv, o->envp, &entry, &sp) == 0 &&
        (cpu = rv_cpu_new(&p->mem)) && (t = user_thread_new(p, cpu))) {
        cpu->x[2] = sp;
        cpu->common.pc = entry;
        user_signals_init(p);
        status = user_thread_loop(t);
        user_finish_output(t);
    } else if (!t && cpu) {
        fprintf(stderr, "polyvm: out of memory creating the guest thread\n");
    }
    if (t)
        user_thread_free(t);
    else
        rv_cpu_free(cpu);
    guest_mem_destroy(&p->mem);
    return status;
}
