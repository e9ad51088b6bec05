/*
 * The signal system calls of riscv64 Linux: rt_sigaction, rt_sigprocmask,
 * rt_sigpending, rt_sigsuspend, rt_sigtimedwait, rt_sigqueueinfo,
 * rt_tgsigqueueinfo, sigaltstack and rt_sigreturn. The state they change
 * lives in signal.c (dispositions, masks) and signal-frame.c (frames, the
 * alternate stack). riscv64 has a 64-bit sigset_t in the kernel ABI, so
 * sigsetsize must be 8 and a set is one uint64_t (signal n = bit n-1).
 */
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "signal-internal.h"

#define GUEST_SIGSET_SIZE 8

static bool valid_signal(uint64_t sig)
{
    return sig >= 1 && sig <= GUEST_NSIG;
}

int64_t sys_rt_sigaction(SYSCALL_ARGS)
{
    uint64_t sig = a[0];
    if (a[3] != GUEST_SIGSET_SIZE || !valid_signal(sig))
        return -EINVAL;
    GuestSigaction act, old;
    if (a[1]) {
        if (user_copy_in(t, &act, a[1], sizeof act))
            return -EFAULT;
        if (GUEST_SIG_BIT(sig) & GUEST_SIG_UNBLOCKABLE)
            return -EINVAL;
    }
    user_sigaction_exchange(t, (int)sig, a[1] ? &act : NULL, &old);
    if (a[2] && user_copy_out(t, a[2], &old, sizeof old))
        return -EFAULT;
    return 0;
}

int64_t sys_rt_sigprocmask(SYSCALL_ARGS)
{
    if (a[3] != GUEST_SIGSET_SIZE)
        return -EINVAL;
    uint64_t old = t->sig_blocked;
    if (a[1]) {
        uint64_t set;
        if (user_copy_in(t, &set, a[1], sizeof set))
            return -EFAULT;
        switch (a[0]) {
        case SIG_BLOCK: user_sigmask_set(t, old | set); break;
        case SIG_UNBLOCK: user_sigmask_set(t, old & ~set); break;
        case SIG_SETMASK: user_sigmask_set(t, set); break;
        default: return -EINVAL;
        }
    }
    if (a[2] && user_copy_out(t, a[2], &old, sizeof old))
        return -EFAULT;
    return 0;
}

int64_t sys_rt_sigpending(SYSCALL_ARGS)
{
    if (a[1] > GUEST_SIGSET_SIZE)
        return -EINVAL;
    uint64_t set = (atomic_load(&t->sig_pending) | user_signals_host_pending()) & t->sig_blocked;
    return user_copy_out(t, a[0], &set, a[1]);
}

/* Waits with the given mask until a signal is delivered; the old mask comes
 * back when the handler returns. Always "fails": with EINTR once a handler
 * ran (the runner's restart decision), else it simply runs again. */
int64_t sys_rt_sigsuspend(SYSCALL_ARGS)
{
    if (a[1] != GUEST_SIGSET_SIZE)
        return -EINVAL;
    uint64_t mask;
    if (user_copy_in(t, &mask, a[0], sizeof mask))
        return -EFAULT;
    user_sigmask_temporary(t, mask);
    /* the host mask just set, so the wait changes nothing but waits */
    uint64_t host_mask = user_host_mask_of(t->sig_blocked) | atomic_load(&t->sig_pending);
    user_safe_syscall(t, SYS_rt_sigsuspend, (long)&host_mask, sizeof host_mask, 0, 0, 0, 0);
    return -USER_ERESTARTSYS;
}

int64_t sys_rt_sigtimedwait(SYSCALL_ARGS)
{
    if (a[3] != GUEST_SIGSET_SIZE)
        return -EINVAL;
    uint64_t set;
    struct timespec ts;
    if (user_copy_in(t, &set, a[0], sizeof set) || (a[2] && user_copy_in(t, &ts, a[2], sizeof ts)))
        return -EFAULT;
    set &= ~GUEST_SIG_UNBLOCKABLE;
    GuestSiginfo info;
    /* taken from the host already (it arrived while unblocked) */
    int sig = user_signal_take(t, set, &info);
    if (!sig) {
        /* the kernel takes the waited-for signals itself, without running
         * polyvm's handler; any other signal interrupts the wait */
        siginfo_t host_info;
        long r = user_safe_syscall(t, SYS_rt_sigtimedwait, (long)&set, (long)&host_info, a[2] ? (long)&ts : 0,
                                   sizeof set, 0, 0);
        if (r < 0)
            return r;
        sig = (int)r;
        _Static_assert(sizeof host_info == sizeof info, "siginfo layouts agree");
        memcpy(&info, &host_info, sizeof info);
    }
    if (a[1] && user_copy_out(t, a[1], &info, sizeof info))
        return -EFAULT;
    return sig;
}

/* A synchronous signal with a kernel si_code that a thread sends itself
 * (Linux allows that only to yourself) would reach polyvm's host fault
 * handler as a fault of polyvm's own: queue it here instead. */
static bool forged_fault(UserThread *t, int sig, const GuestSiginfo *info, pid_t target)
{
    return sig >= 1 && sig <= GUEST_NSIG && (GUEST_SIG_BIT(sig) & GUEST_SIG_SYNC) && info->si_code > 0 &&
           target == t->tid;
}

int64_t sys_rt_sigqueueinfo(SYSCALL_ARGS)
{
    GuestSiginfo info;
    if (user_copy_in(t, &info, a[2], sizeof info))
        return -EFAULT;
    if (forged_fault(t, (int)a[1], &info, (pid_t)a[0])) {
        info.si_signo = (int)a[1];
        user_signal_queue(t, (int)a[1], &info);
        return 0;
    }
    return user_result(syscall(SYS_rt_sigqueueinfo, (pid_t)a[0], (int)a[1], &info));
}

int64_t sys_rt_tgsigqueueinfo(SYSCALL_ARGS)
{
    GuestSiginfo info;
    if (user_copy_in(t, &info, a[3], sizeof info))
        return -EFAULT;
    if ((pid_t)a[0] == getpid() && forged_fault(t, (int)a[2], &info, (pid_t)a[1])) {
        info.si_signo = (int)a[2];
        user_signal_queue(t, (int)a[2], &info);
        return 0;
    }
    return user_result(syscall(SYS_rt_tgsigqueueinfo, (pid_t)a[0], (pid_t)a[1], (int)a[2], &info));
}

int64_t sys_sigaltstack(SYSCALL_ARGS)
{
    uint64_t sp = t->cpu->x[2];
    GuestStack old = user_altstack_get(t, sp);
    if (a[0]) {
        GuestStack ss;
        if (user_copy_in(t, &ss, a[0], sizeof ss))
            return -EFAULT;
        int r = user_altstack_set(t, &ss, sp);
        if (r)
            return r;
    }
    if (a[1] && user_copy_out(t, a[1], &old, sizeof old))
        return -EFAULT;
    return 0;
}

int64_t sys_rt_sigreturn(SYSCALL_ARGS)
{
    (void)a;
    if (user_sigframe_pop(t))
        user_signal_force(t, SIGSEGV, SI_KERNEL, t->cpu->x[2], "bad signal frame");
    return -USER_EJUSTRETURN;
}
