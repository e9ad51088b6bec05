/*
 * Blocking host system calls that a guest signal can interrupt
 * (user_safe_syscall, see user-internal.h).
 *
 * The problem: a guest signal arrives as a host signal whose handler only
 * sets a pending bit; the guest sees it once the thread is back in the
 * runner. A thread about to block in read() must not sleep through it. The
 * naive "if (pending) return; syscall(...)" has a window: a signal landing
 * after the check but before the kernel starts waiting is noted, and the
 * thread then sleeps anyway, perhaps for ever.
 *
 * The fix, the same idea as qemu-user's safe_syscall: the check and the
 * syscall instruction live in one small assembly routine
 * (safe-syscall-x86_64.S) with a label before the check and one just after
 * the syscall instruction. Every polyvm host signal handler calls
 * user_safe_syscall_rewind() with its ucontext; if the interrupted PC lies
 * in that range, the kernel had not been entered yet, so the handler
 * moves the PC to a label that returns "interrupted" instead. Once the
 * kernel is entered, a signal makes the call fail with EINTR (polyvm's
 * handlers are installed without SA_RESTART). Both ways the caller gets
 * -USER_ERESTARTSYS and the runner delivers the signal, then restarts the
 * guest syscall or fails it with EINTR as the handler's SA_RESTART says.
 *
 * Hosts without the assembly routine fall back to the racy check; they only
 * lose the wake-up of a signal landing in that few-instruction window.
 */
#include <signal.h>
#include <ucontext.h>
#include <unistd.h>

#include "signal-internal.h"

#if defined(__x86_64__)
long user_safe_syscall_base(const _Atomic uint64_t *pending, const uint64_t *blocked, long nr, long a0, long a1,
                            long a2, long a3, long a4, long a5);
extern const char user_safe_syscall_start[], user_safe_syscall_end[], user_safe_syscall_interrupted[];

void user_safe_syscall_rewind(void *host_ucontext)
{
    ucontext_t *uc = host_ucontext;
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    if (pc >= (uintptr_t)user_safe_syscall_start && pc < (uintptr_t)user_safe_syscall_end)
        uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)user_safe_syscall_interrupted;
}
#else
static long user_safe_syscall_base(const _Atomic uint64_t *pending, const uint64_t *blocked, long nr, long a0,
                                   long a1, long a2, long a3, long a4, long a5)
{
    if (atomic_load(pending) & ~*blocked)
        return -EINTR;
    long r = syscall(nr, a0, a1, a2, a3, a4, a5);
    return r < 0 ? -errno : r;
}

void user_safe_syscall_rewind(void *host_ucontext)
{
    (void)host_ucontext;
}
#endif

long user_safe_syscall(UserThread *t, long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
    long r = user_safe_syscall_base(&t->sig_pending, &t->sig_blocked, nr, a0, a1, a2, a3, a4, a5);
    return r == -EINTR ? -USER_ERESTARTSYS : r;
}
