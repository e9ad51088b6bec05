/*
 * Guest signals in user mode: dispositions, blocked masks, the host
 * handlers that turn host signals into pending guest signals, and delivery
 * between blocks and after syscalls (user_signals_deliver, called by the
 * runner). The rt_sigframe lives in signal-frame.c, the system calls in
 * sys-signal.c.
 *
 * Guest signals travel as host signals, so the host disposition mirrors
 * the guest's:
 * - guest SIG_DFL -> host SIG_DFL: the kernel performs the default action
 *   on polyvm itself, so the parent's wait status shows death by the signal
 *   and stop/continue work;
 * - guest SIG_IGN -> host SIG_IGN (and it survives execve, as on Linux);
 * - a guest handler -> host_signal_handler (SA_SIGINFO, no SA_RESTART so a
 *   blocking host call fails with EINTR). It only copies the siginfo into
 *   the current UserThread, sets the pending bit atomically and makes the
 *   vCPU return to the runner; it also leaves the signal blocked on the
 *   host thread until the runner has taken it, so a second instance (a
 *   queued real-time signal) waits in the kernel instead of overwriting the
 *   first. Handlers touch nothing else: they may interrupt polyvm holding
 *   any lock.
 * Each guest thread's blocked mask is mirrored into its host thread's mask,
 * so the kernel gives a process-directed signal to a thread that takes it.
 *
 * SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGTRAP are different: the runner
 * raises them from guest faults (user_signal_fault), and polyvm keeps its
 * own host handler for them whatever the guest chose. That handler passes
 * on what kill/tgkill/sigqueue sent (si_code <= 0); a real fault inside
 * polyvm is reported as an internal error and kills polyvm with the signal.
 *
 * Masks and dispositions are set with the raw syscalls: glibc refuses
 * signals 32 and 33, which the guest's libc uses for itself.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "engine/jit/jit.h"

#include "signal-internal.h"

/* the kernel's struct sigaction on the host (x86-64 and generic) */
typedef struct HostKernelSigaction {
    uintptr_t handler;
    unsigned long flags;
    uintptr_t restorer;
    uint64_t mask;
} HostKernelSigaction;

#define HOST_SA_RESTORER 0x04000000ul

#if defined(__x86_64__)
void user_host_sigreturn(void);   /* safe-syscall-x86_64.S */
#endif

/* the SA_* bits Linux keeps in a riscv64 sigaction; the rest read back as 0 */
#define GUEST_SA_KNOWN                                                                                        \
    ((uint64_t)(SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER |             \
                SA_RESETHAND | 0x800 /* SA_EXPOSE_TAGBITS */))

/* guest syscall numbers, for the calls that never restart after a handler */
enum {
#define SYSCALL(name, nr, impl) GUEST_NR_##name = nr,
#include "syscalls.def"
#undef SYSCALL
};

/* what polyvm found installed for the synchronous signals, put back when
 * polyvm itself faults (a sanitizer's handler, or SIG_DFL) */
static HostKernelSigaction previous_sync_action[GUEST_NSIG + 1];

/* sigsuspend, ppoll ...: the mask to put back once a handler has run with
 * the temporary one (it goes into the handler's frame) or, with no
 * handler, right after the syscall */
static __thread bool mask_restore_pending;
static __thread uint64_t mask_to_restore;

static int host_sigaction(int sig, const HostKernelSigaction *act, HostKernelSigaction *old)
{
    return (int)syscall(SYS_rt_sigaction, sig, act, old, sizeof(uint64_t));
}

static HostKernelSigaction host_action(uintptr_t handler, unsigned long flags)
{
    HostKernelSigaction a = {.handler = handler, .flags = flags};
    if (handler != (uintptr_t)SIG_DFL && handler != (uintptr_t)SIG_IGN) {
        a.flags |= SA_SIGINFO;
#if defined(__x86_64__)
        a.flags |= HOST_SA_RESTORER;
        a.restorer = (uintptr_t)user_host_sigreturn;
#endif
    }
    return a;
}

void user_host_sigmask(int how, uint64_t mask)
{
    syscall(SYS_rt_sigprocmask, how, &mask, NULL, sizeof mask);
}

uint64_t user_host_mask_of(uint64_t guest_blocked)
{
    return guest_blocked & ~(GUEST_SIG_SYNC | GUEST_SIG_UNBLOCKABLE);
}

/* Signals taken from the host but not yet delivered stay blocked on the
 * host thread (see the overview); the rest mirrors the guest's mask. */
static void refresh_host_mask(UserThread *t)
{
    user_host_sigmask(SIG_SETMASK, user_host_mask_of(t->sig_blocked) | atomic_load(&t->sig_pending));
}

uint64_t user_signals_host_pending(void)
{
    uint64_t set = 0;
    syscall(SYS_rt_sigpending, &set, sizeof set);
    return set;
}

/* ---- host signal handlers (async-signal-safe: atomics and syscalls only) ---- */

static void take_host_signal(int sig, const siginfo_t *si, ucontext_t *uc)
{
    int saved_errno = errno;
    /* keep sig blocked on this thread after the handler returns, until the
     * runner has taken this instance (refresh_host_mask unblocks it) */
    uc->uc_sigmask.__val[0] |= GUEST_SIG_BIT(sig);
    UserThread *t = user_current;
    if (t) {
        t->sig_info[sig] = *(const GuestSiginfo *)si;
        atomic_fetch_or(&t->sig_pending, GUEST_SIG_BIT(sig));
        cpu_request_exit(&t->cpu->common);
        user_safe_syscall_rewind(uc);
    } else if (syscall(SYS_rt_sigqueueinfo, getpid(), sig, si) < 0) {
        /* a host thread running no guest code (being created or ending):
         * send the signal on to the process; it is blocked here now */
        kill(getpid(), sig);
    }
    errno = saved_errno;
}

static void host_signal_handler(int sig, siginfo_t *si, void *uc)
{
    take_host_signal(sig, si, uc);
}

static char *put_str(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}

static char *put_hex(char *p, uint64_t v)
{
    p = put_str(p, "0x");
    int shift = 60;
    while (shift > 0 && !(v >> shift))
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        *p++ = "0123456789abcdef"[(v >> shift) & 15];
    return p;
}

static const char *sync_signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    default: return "SIGTRAP";
    }
}

/* polyvm itself faulted: say so, whatever the guest's disposition. A fault
 * on guest memory is the guest's doing that no check caught (a file
 * mapping read past the end of its file gives SIGBUS): name the guest
 * address; anything else is a polyvm bug. */
static void report_host_fault(int sig, const siginfo_t *si, const ucontext_t *uc)
{
    char msg[256], *p = msg;
    uintptr_t addr = (uintptr_t)si->si_addr;
    UserThread *t = user_current;
    bool guest = t && addr - (uintptr_t)t->proc->mem.base < t->proc->mem.size;
    p = put_str(p, guest ? "polyvm: host " : "polyvm: internal error: host ");
    p = put_str(p, sync_signal_name(sig));
    p = put_str(p, guest ? " on guest memory at " : " at address ");
    p = put_hex(p, guest ? addr - (uintptr_t)t->proc->mem.base : addr);
#if defined(__x86_64__)
    p = put_str(p, ", host pc ");
    p = put_hex(p, (uint64_t)uc->uc_mcontext.gregs[REG_RIP]);
#else
    (void)uc;
#endif
    p = put_str(p, "\n");
    ssize_t ignored = write(STDERR_FILENO, msg, (size_t)(p - msg));
    (void)ignored;
}

static void host_sync_handler(int sig, siginfo_t *si, void *uc)
{
    if (si->si_code <= 0) {   /* sent by kill, tgkill or sigqueue: the guest's */
        take_host_signal(sig, si, uc);
        return;
    }
    /* an inline guest access in translated code: a guest fault */
    UserThread *t = user_current;
    if (t && jit_host_fault(&t->cpu->common, sig, si, uc))
        return;
    report_host_fault(sig, si, uc);
    HostKernelSigaction prev = previous_sync_action[sig];
    bool own_handler = prev.handler != (uintptr_t)SIG_DFL && prev.handler != (uintptr_t)SIG_IGN;
    if (!own_handler)
        prev = host_action((uintptr_t)SIG_DFL, 0);
    host_sigaction(sig, &prev, NULL);
    /* A handler found at start-up (a sanitizer's) gets the fault again when
     * the instruction reruns; otherwise die of it as soon as this returns. */
    if (!own_handler)
        syscall(SYS_tgkill, getpid(), gettid(), sig);
}

/* ---- dispositions ---- */

static bool is_handler(uint64_t handler)
{
    return handler != GUEST_SIG_DFL && handler != GUEST_SIG_IGN;
}

static bool default_ignores(int sig)
{
    return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

static bool default_stops(int sig)
{
    return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* Caller holds thread_lock, so the host and guest dispositions agree. */
static void mirror_disposition(int sig, const GuestSigaction *a)
{
    if (GUEST_SIG_BIT(sig) & (GUEST_SIG_SYNC | GUEST_SIG_UNBLOCKABLE))
        return;
    uintptr_t h = a->handler == GUEST_SIG_DFL   ? (uintptr_t)SIG_DFL
                  : a->handler == GUEST_SIG_IGN ? (uintptr_t)SIG_IGN
                                                : (uintptr_t)host_signal_handler;
    /* these change what the kernel does with polyvm's children, which are
     * the guest's */
    unsigned long flags = sig == SIGCHLD ? (unsigned long)(a->flags & (SA_NOCLDSTOP | SA_NOCLDWAIT)) : 0;
    HostKernelSigaction ka = host_action(h, flags);
    host_sigaction(sig, &ka, NULL);
}

void user_sigaction_exchange(UserThread *t, int sig, const GuestSigaction *act, GuestSigaction *old)
{
    UserProcess *p = t->proc;
    pthread_mutex_lock(&p->thread_lock);
    if (old)
        *old = p->sigactions[sig];
    if (act) {
        GuestSigaction a = *act;
        a.flags &= GUEST_SA_KNOWN;
        a.mask &= ~GUEST_SIG_UNBLOCKABLE;
        p->sigactions[sig] = a;
        mirror_disposition(sig, &a);
        /* POSIX: a pending signal that becomes ignored is discarded */
        if (a.handler == GUEST_SIG_IGN || (a.handler == GUEST_SIG_DFL && default_ignores(sig)))
            for (UserThread *u = p->threads; u; u = u->next)
                atomic_fetch_and(&u->sig_pending, ~GUEST_SIG_BIT(sig));
    }
    pthread_mutex_unlock(&p->thread_lock);
}

/* The action for one delivery of sig; SA_RESETHAND makes it the last. */
static GuestSigaction take_action(UserProcess *p, int sig)
{
    pthread_mutex_lock(&p->thread_lock);
    GuestSigaction a = p->sigactions[sig];
    if (is_handler(a.handler) && (a.flags & SA_RESETHAND)) {
        GuestSigaction dfl = {0};
        p->sigactions[sig] = dfl;
        mirror_disposition(sig, &dfl);
    }
    pthread_mutex_unlock(&p->thread_lock);
    return a;
}

/* ---- masks ---- */

void user_sigmask_set(UserThread *t, uint64_t mask)
{
    t->sig_blocked = mask & ~GUEST_SIG_UNBLOCKABLE;
    refresh_host_mask(t);
}

void user_sigmask_temporary(UserThread *t, uint64_t mask)
{
    if (!mask_restore_pending) {
        mask_to_restore = t->sig_blocked;
        mask_restore_pending = true;
    }
    user_sigmask_set(t, mask);
}

/* ---- queueing ---- */

void user_signal_queue(UserThread *t, int sig, const GuestSiginfo *info)
{
    if (sig <= 0 || sig > GUEST_NSIG)
        return;
    t->sig_info[sig] = *info;
    atomic_fetch_or(&t->sig_pending, GUEST_SIG_BIT(sig));
    cpu_request_exit(&t->cpu->common);
}

/* synchronous signals first, as Linux dequeues them, then the lowest */
static int next_signal(uint64_t ready)
{
    uint64_t sync = ready & GUEST_SIG_SYNC;
    uint64_t pick = sync ? sync : ready;
    return pick ? __builtin_ctzll(pick) + 1 : 0;
}

int user_signal_take(UserThread *t, uint64_t set, GuestSiginfo *info)
{
    int sig = next_signal(atomic_load(&t->sig_pending) & set);
    if (!sig)
        return 0;
    atomic_fetch_and(&t->sig_pending, ~GUEST_SIG_BIT(sig));
    *info = t->sig_info[sig];
    refresh_host_mask(t);
    return sig;
}

/* ---- default actions ---- */

/* Dies of sig, so the parent's wait status says so (a shell prints 128+N). */
static _Noreturn void die_of_signal(UserThread *t, int sig)
{
    user_finish_output(t);
    HostKernelSigaction dfl = host_action((uintptr_t)SIG_DFL, 0);
    host_sigaction(sig, &dfl, NULL);
    user_host_sigmask(SIG_UNBLOCK, GUEST_SIG_BIT(sig));
    syscall(SYS_tgkill, getpid(), gettid(), sig);
    user_exit_group(t, 128 + sig);
}

static void default_action(UserThread *t, int sig)
{
    if (default_ignores(sig))
        return;
    if (default_stops(sig)) {
        kill(getpid(), SIGSTOP);
        return;
    }
    die_of_signal(t, sig);
}

static void force_signal(UserThread *t, int sig, int code, uint64_t addr, uint64_t aux, const char *what)
{
    UserProcess *p = t->proc;
    pthread_mutex_lock(&p->thread_lock);
    bool handled = is_handler(p->sigactions[sig].handler) && !(t->sig_blocked & GUEST_SIG_BIT(sig));
    pthread_mutex_unlock(&p->thread_lock);
    if (!handled) {
        fprintf(stderr, "polyvm: guest %s at pc 0x%llx (0x%llx): %s\n", what, (unsigned long long)t->cpu->common.pc,
                (unsigned long long)aux, strsignal(sig));
        die_of_signal(t, sig);
    }
    GuestSiginfo info = {.si_signo = sig, .si_code = code};
    memcpy(info.fields, &addr, sizeof addr);   /* si_addr */
    user_signal_queue(t, sig, &info);
}

void user_signal_force(UserThread *t, int sig, int code, uint64_t addr, const char *what)
{
    force_signal(t, sig, code, addr, addr, what);
}

void user_signal_fault(UserThread *t, int sig, int code, uint64_t addr, const char *what)
{
    const GuestMem *m = &t->proc->mem;
    /* a page that is mapped but forbids the access: ACCERR, as Linux says */
    if (sig == SIGSEGV && code == SEGV_MAPERR && addr < m->size &&
        (m->page_prot[addr >> GUEST_PAGE_BITS] & GUEST_PAGE_MAPPED))
        code = SEGV_ACCERR;
    force_signal(t, sig, code, addr, t->cpu->common.exception_aux, what);
}

/* ---- delivery ---- */

/* Linux fails these with EINTR after a handler even with SA_RESTART
 * (signal(7)): waits with a timeout, and the signal waits themselves. */
static bool restarts_after_handler(const RvCpu *cpu)
{
    switch (cpu->x[17]) {
    case GUEST_NR_rt_sigsuspend:
    case GUEST_NR_rt_sigtimedwait:
    case GUEST_NR_ppoll:
    case GUEST_NR_pselect6:
    case GUEST_NR_epoll_pwait:
    case GUEST_NR_epoll_pwait2:
    case GUEST_NR_nanosleep:
    case GUEST_NR_clock_nanosleep:
    case GUEST_NR_io_getevents:
    case GUEST_NR_io_pgetevents:
    case GUEST_NR_msgrcv:
    case GUEST_NR_msgsnd:
    case GUEST_NR_semop:
    case GUEST_NR_semtimedop:
        return false;
    case GUEST_NR_futex: {
        /* FUTEX_WAIT and FUTEX_WAIT_BITSET with a timeout */
        uint64_t cmd = cpu->x[11] & 127;
        return !((cmd == 0 || cmd == 9) && cpu->x[13] != 0);
    }
    default:
        return true;
    }
}

/* The syscall at pc was interrupted and a handler is about to run: fail it
 * with EINTR, or leave pc on the ecall so it runs again after the handler
 * (a0 still holds its first argument). */
static void finish_interrupted_syscall(UserThread *t, const GuestSigaction *act)
{
    RvCpu *cpu = t->cpu;
    if ((act->flags & SA_RESTART) && restarts_after_handler(cpu))
        return;
    cpu->x[10] = (uint64_t)-EINTR;
    cpu->common.pc += 4;
}

static void run_handler(UserThread *t, int sig, const GuestSigaction *act, const GuestSiginfo *info)
{
    uint64_t saved_mask = mask_restore_pending ? mask_to_restore : t->sig_blocked;
    if (user_sigframe_push(t, sig, act, info, saved_mask) < 0) {
        /* as Linux's force_sigsegv: no room for a SIGSEGV frame is fatal */
        if (sig == SIGSEGV) {
            pthread_mutex_lock(&t->proc->thread_lock);
            t->proc->sigactions[SIGSEGV].handler = GUEST_SIG_DFL;
            pthread_mutex_unlock(&t->proc->thread_lock);
        }
        user_signal_force(t, SIGSEGV, SI_KERNEL, 0, "signal frame write fault");
        return;
    }
    mask_restore_pending = false;
    uint64_t add = act->mask | (act->flags & SA_NODEFER ? 0 : GUEST_SIG_BIT(sig));
    t->sig_blocked = (t->sig_blocked | add) & ~GUEST_SIG_UNBLOCKABLE;
}

void user_signals_deliver(UserThread *t)
{
    if (!(atomic_load(&t->sig_pending) & ~t->sig_blocked) && !t->syscall_restart && !mask_restore_pending)
        return;
    bool restart = t->syscall_restart;
    t->syscall_restart = false;
    int sig;
    /* several handlers nest, each frame on top of the previous, as on Linux */
    while ((sig = next_signal(atomic_load(&t->sig_pending) & ~t->sig_blocked))) {
        atomic_fetch_and(&t->sig_pending, ~GUEST_SIG_BIT(sig));
        GuestSiginfo info = t->sig_info[sig];
        GuestSigaction act = take_action(t->proc, sig);
        if (act.handler == GUEST_SIG_IGN)
            continue;
        if (act.handler == GUEST_SIG_DFL) {
            default_action(t, sig);
            continue;
        }
        if (restart) {
            finish_interrupted_syscall(t, &act);
            restart = false;
        }
        run_handler(t, sig, &act, &info);
    }
    if (mask_restore_pending) {
        t->sig_blocked = mask_to_restore;
        mask_restore_pending = false;
    }
    refresh_host_mask(t);
}

/* ---- start-up and threads ---- */

void user_signals_init(UserProcess *p)
{
    uint64_t host_blocked = 0;
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &host_blocked, sizeof host_blocked);
    for (int sig = 1; sig <= GUEST_NSIG; sig++) {
        if (GUEST_SIG_BIT(sig) & GUEST_SIG_UNBLOCKABLE)
            continue;
        HostKernelSigaction cur;
        if (host_sigaction(sig, NULL, &cur) != 0)
            continue;
        /* ignored signals stay ignored across execve */
        if (cur.handler == (uintptr_t)SIG_IGN)
            p->sigactions[sig].handler = GUEST_SIG_IGN;
        if (GUEST_SIG_BIT(sig) & GUEST_SIG_SYNC) {
            previous_sync_action[sig] = cur;
            HostKernelSigaction ka = host_action((uintptr_t)host_sync_handler, 0);
            host_sigaction(sig, &ka, NULL);
        }
    }
    /* the blocked mask survives execve too */
    for (UserThread *t = p->threads; t; t = t->next)
        t->sig_blocked = host_blocked & ~GUEST_SIG_UNBLOCKABLE;
}

void user_signals_thread_start(UserThread *t)
{
    refresh_host_mask(t);
}

void user_signals_thread_end(UserThread *t)
{
    (void)t;
    /* from now on signals go to the threads still running guest code */
    user_host_sigmask(SIG_SETMASK, ~0ull);
    user_current = NULL;
}
