/*
 * Guest signals in user mode: dispositions, delivery between blocks and
 * after syscalls, and the default actions, which polyvm performs on itself
 * so that the parent sees what Linux would show (death by the signal).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "user-internal.h"

void user_signals_init(UserProcess *p)
{
    (void)p;
}

void user_signal_queue(UserThread *t, int sig, const GuestSiginfo *info)
{
    if (sig <= 0 || sig > GUEST_NSIG)
        return;
    t->sig_info[sig] = *info;
    atomic_fetch_or(&t->sig_pending, 1ull << (sig - 1));
    cpu_request_exit(&t->cpu->common);
}

/* The default action of a fatal signal: die of it, so the parent's wait
 * status says so (a shell prints 128+N). */
static _Noreturn void die_of_signal(UserThread *t, int sig)
{
    user_finish_output(t);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    user_exit_group(t, 128 + sig);
}

void user_signal_fault(UserThread *t, int sig, int code, uint64_t addr, const char *what)
{
    fprintf(stderr, "polyvm: guest %s at pc 0x%llx (0x%llx): %s\n", what, (unsigned long long)t->cpu->common.pc,
            (unsigned long long)t->cpu->common.exception_aux, strsignal(sig));
    (void)addr;
    (void)code;
    die_of_signal(t, sig);
}

void user_signals_deliver(UserThread *t)
{
    if (t->syscall_restart) {
        t->syscall_restart = false;
    }
}
