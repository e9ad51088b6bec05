/*
 * What the guest-signal files share among themselves (and nobody else
 * needs): signal.c keeps the dispositions, masks and host handlers,
 * signal-frame.c lays out riscv64's rt_sigframe and the alternate stack,
 * sys-signal.c holds the rt_sig* system calls, safe-syscall.c lets a host
 * handler abort a blocking host call that has not started yet.
 */
#ifndef POLYVM_USER_SIGNAL_INTERNAL_H
#define POLYVM_USER_SIGNAL_INTERNAL_H

#include <signal.h>

#include "user-internal.h"

#define GUEST_SIG_BIT(sig) (1ull << ((sig) - 1))
/* can be neither caught, ignored nor blocked */
#define GUEST_SIG_UNBLOCKABLE (GUEST_SIG_BIT(SIGKILL) | GUEST_SIG_BIT(SIGSTOP))
/* raised by the runner from guest faults; polyvm keeps its own host
 * handlers for these, whatever the guest's disposition */
#define GUEST_SIG_SYNC                                                                                       \
    (GUEST_SIG_BIT(SIGSEGV) | GUEST_SIG_BIT(SIGBUS) | GUEST_SIG_BIT(SIGILL) | GUEST_SIG_BIT(SIGFPE) |        \
     GUEST_SIG_BIT(SIGTRAP))

/* guest handler values with a meaning of their own */
#define GUEST_SIG_DFL 0
#define GUEST_SIG_IGN 1

/* stack_t as riscv64 lays it out (the same as x86-64's) */
typedef struct GuestStack {
    uint64_t ss_sp;
    int32_t ss_flags;
    int32_t pad;
    uint64_t ss_size;
} GuestStack;

/* ---- signal.c ---- */
/* Sets t's blocked mask (SIGKILL/SIGSTOP dropped) and mirrors it into the
 * host thread's mask so the kernel routes process signals to a thread that
 * takes them. */
void user_sigmask_set(UserThread *t, uint64_t mask);
/* Reads and/or replaces the disposition of sig (1..64, not KILL/STOP when
 * act is given); updates the host disposition to match. */
void user_sigaction_exchange(UserThread *t, int sig, const GuestSigaction *act, GuestSigaction *old);
/* Takes the lowest signal of set already pending in polyvm for t; 0 if none. */
int user_signal_take(UserThread *t, uint64_t set, GuestSiginfo *info);
/* Signals pending in the host kernel for this thread or the process. */
uint64_t user_signals_host_pending(void);
/* Forces sig on t as the kernel's force_sig does: delivered to a handler if
 * one is installed and the signal is not blocked, else the process dies of
 * it (printing "polyvm: guest <what> ..."). */
void user_signal_force(UserThread *t, int sig, int code, uint64_t addr, const char *what);
/* Writes a host mask (64 bits, signal n = bit n-1) with the raw syscall,
 * so glibc's reserved signals 32 and 33 are the guest's too. */
void user_host_sigmask(int how, uint64_t mask);
/* host mask mirroring a guest blocked mask */
uint64_t user_host_mask_of(uint64_t guest_blocked);

/* ---- signal-frame.c ---- */
bool user_altstack_contains(const UserThread *t, uint64_t sp);
/* the stack_t that sigaltstack reports for t at guest sp */
GuestStack user_altstack_get(const UserThread *t, uint64_t sp);
/* sigaltstack's checks and update; 0 or -EPERM/-EINVAL/-ENOMEM */
int user_altstack_set(UserThread *t, const GuestStack *ss, uint64_t sp);
/* Builds the rt_sigframe for sig on t's stack (or alternate stack) saving
 * the registers and saved_mask, and points the vCPU at the handler.
 * 0, or -EFAULT if the frame cannot be written (the caller forces SIGSEGV). */
int user_sigframe_push(UserThread *t, int sig, const GuestSigaction *act, const GuestSiginfo *info,
                       uint64_t saved_mask);
/* rt_sigreturn: restores registers, FP state, mask and alternate stack
 * from the frame at the guest sp. 0 or -EFAULT. */
int user_sigframe_pop(UserThread *t);

/* ---- safe-syscall.c ---- */
/* Called by host signal handlers with their ucontext: if the thread was
 * between user_safe_syscall's pending check and its syscall instruction,
 * moves it to the path that returns "interrupted". */
void user_safe_syscall_rewind(void *host_ucontext);

#endif
