/*
 * Waiting for file descriptors and event fds: ppoll, pselect6 (riscv64
 * has no poll or select: libcs build them on these), epoll, eventfd and
 * signalfd.
 *
 * pollfd, fd_set, timespec and sigset_t (8 bytes) are laid out alike on
 * riscv64 and the host, so the host kernel works on the guest's own arrays.
 * struct epoll_event is not: riscv64's is 16 bytes {events, pad, data},
 * x86-64's is packed into 12, so epoll events are converted both ways.
 *
 * The waits block: they run through user_safe_syscall so a guest signal
 * ends them. A signal mask passed by the guest (ppoll, pselect6,
 * epoll_pwait) becomes the thread's guest mask for the call through the
 * signal code (user_sigmask_temporary), which also mirrors it into the
 * host thread's mask; the host call itself gets no mask argument.
 */
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "user-internal.h"

#define GUEST_SIGSET_SIZE 8

_Static_assert(sizeof(struct pollfd) == 8, "pollfd layout differs from riscv64");

/* riscv64's struct epoll_event (natural alignment, unlike x86-64's) */
typedef struct GuestEpollEvent {
    uint32_t events;
    uint32_t pad;
    uint64_t data;
} GuestEpollEvent;

/* Host events fetched per epoll wait. Returning fewer events than the
 * guest allowed is within epoll's contract; the rest stay ready. */
#define EPOLL_BATCH 256

/* Reads the optional guest sigset of a wait (ppoll, pselect6, epoll_pwait):
 * *set is 0 and *given false without one. 0 or a negative errno. */
static int64_t read_wait_mask(UserThread *t, uint64_t set_addr, uint64_t set_size, uint64_t *set, bool *given)
{
    *set = 0;
    *given = false;
    if (!set_addr)
        return 0;
    if (set_size != GUEST_SIGSET_SIZE)
        return -EINVAL;
    if (user_copy_in(t, set, set_addr, sizeof *set))
        return -EFAULT;
    *given = true;
    return 0;
}

/* Runs a blocking wait under the guest's temporary mask, if it gave one.
 * The signal code puts the caller's mask back: in the frame of a handler
 * that ends the wait (rt_sigreturn restores it), or right after the call
 * when no handler runs; it also turns an interruption into EINTR or a
 * restart as Linux would for this call. */
static int64_t masked_wait(UserThread *t, bool masked, uint64_t mask, long nr, long a0, long a1, long a2, long a3,
                           long a4, long a5)
{
    if (masked)
        user_sigmask_temporary(t, mask);
    return user_safe_syscall(t, nr, a0, a1, a2, a3, a4, a5);
}

/* Linux writes the time left back into ppoll's and pselect6's timeout,
 * ignoring a read-only one; a restarted call then waits only the rest. */
static void write_back_timeout(UserThread *t, uint64_t addr, const struct timespec *left)
{
    if (addr)
        (void)user_copy_out(t, addr, left, sizeof *left);
}

/* ---- ppoll and pselect6 ---- */

int64_t sys_ppoll(SYSCALL_ARGS)
{
    uint64_t nfds = a[1];
    if (nfds > INT_MAX / sizeof(struct pollfd))
        return -EINVAL;   /* above any RLIMIT_NOFILE; the host checks the real one */
    /* no descriptors: a sleep, whatever the array pointer says */
    struct pollfd *fds = NULL;
    if (nfds && !(fds = user_ptr(t, a[0], nfds * sizeof(struct pollfd), GUEST_PROT_READ | GUEST_PROT_WRITE)))
        return -EFAULT;
    struct timespec timeout;
    void *timeoutp;
    if (user_copy_in_opt(t, &timeout, a[2], sizeof timeout, &timeoutp))
        return -EFAULT;
    uint64_t mask;
    bool masked;
    int64_t r = read_wait_mask(t, a[3], a[4], &mask, &masked);
    if (r < 0)
        return r;
    r = masked_wait(t, masked, mask, SYS_ppoll, (long)fds, (long)nfds, (long)timeoutp, 0, 0, 0);
    write_back_timeout(t, a[2], &timeout);
    return r;
}

/* The kernel looks at no more descriptors than its fd table holds, so a
 * large n must not make us demand guest memory it would never touch. The
 * table never outgrows RLIMIT_NOFILE (unless the limit was lowered). */
static int clamp_select_nfds(int n)
{
    struct rlimit lim;
    if (n <= FD_SETSIZE || getrlimit(RLIMIT_NOFILE, &lim) < 0)
        return n;
    rlim_t most = lim.rlim_cur < FD_SETSIZE ? FD_SETSIZE : lim.rlim_cur;
    return (rlim_t)n > most ? (int)most : n;
}

/* host pointer to an optional guest fd_set of bytes bytes (none when
 * bytes is 0: the kernel then looks at no set); *bad on a fault */
static fd_set *guest_fd_set(UserThread *t, uint64_t addr, size_t bytes, bool *bad)
{
    if (!addr || !bytes)
        return NULL;
    fd_set *set = user_ptr(t, addr, bytes, GUEST_PROT_READ | GUEST_PROT_WRITE);
    if (!set)
        *bad = true;
    return set;
}

int64_t sys_pselect6(SYSCALL_ARGS)
{
    int n = (int)a[0];
    if (n < 0)
        return -EINVAL;
    n = clamp_select_nfds(n);
    size_t bytes = ((size_t)n + 63) / 64 * 8;
    bool bad = false;
    fd_set *in = guest_fd_set(t, a[1], bytes, &bad);
    fd_set *out = guest_fd_set(t, a[2], bytes, &bad);
    fd_set *ex = guest_fd_set(t, a[3], bytes, &bad);
    struct timespec timeout;
    void *timeoutp;
    if (bad || user_copy_in_opt(t, &timeout, a[4], sizeof timeout, &timeoutp))
        return -EFAULT;
    /* the sixth argument points at { const sigset_t *set; size_t size; } */
    uint64_t sigarg[2] = { 0, 0 };
    if (a[5] && user_copy_in(t, sigarg, a[5], sizeof sigarg))
        return -EFAULT;
    uint64_t mask;
    bool masked;
    int64_t r = read_wait_mask(t, sigarg[0], sigarg[1], &mask, &masked);
    if (r < 0)
        return r;
    r = masked_wait(t, masked, mask, SYS_pselect6, n, (long)in, (long)out, (long)ex, (long)timeoutp, 0);
    write_back_timeout(t, a[4], &timeout);
    return r;
}

/* ---- epoll ---- */

int64_t sys_epoll_create1(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_epoll_create1, (int)a[0]));
}

int64_t sys_epoll_ctl(SYSCALL_ARGS)
{
    struct epoll_event ev, *evp = NULL;
    /* EPOLL_CTL_DEL ignores the event (it may be NULL); the others read it */
    if ((int)a[1] != EPOLL_CTL_DEL) {
        GuestEpollEvent g;
        if (user_copy_in(t, &g, a[3], sizeof g))
            return -EFAULT;
        ev.events = g.events;
        ev.data.u64 = g.data;
        evp = &ev;
    }
    return user_result(syscall(SYS_epoll_ctl, (int)a[0], (int)a[1], (int)a[2], evp));
}

/* epoll_pwait and epoll_pwait2: (epfd, events, maxevents, timeout, sigmask,
 * sigsetsize); the timeout is milliseconds or a timespec pointer. */
static int64_t guest_epoll_wait(UserThread *t, const uint64_t *a, bool timespec_timeout)
{
    int maxevents = (int)a[2];
    if (maxevents <= 0 || (size_t)maxevents > INT_MAX / sizeof(GuestEpollEvent))
        return -EINVAL;
    GuestEpollEvent *out = user_ptr(t, a[1], (uint64_t)maxevents * sizeof *out, GUEST_PROT_WRITE);
    if (!out)
        return -EFAULT;
    struct timespec timeout;
    void *timeoutp = NULL;
    if (timespec_timeout && user_copy_in_opt(t, &timeout, a[3], sizeof timeout, &timeoutp))
        return -EFAULT;
    uint64_t mask;
    bool masked;
    int64_t r = read_wait_mask(t, a[4], a[5], &mask, &masked);
    if (r < 0)
        return r;
    struct epoll_event host[EPOLL_BATCH];
    int n = maxevents < EPOLL_BATCH ? maxevents : EPOLL_BATCH;
    r = timespec_timeout
            ? masked_wait(t, masked, mask, SYS_epoll_pwait2, (int)a[0], (long)host, n, (long)timeoutp, 0, 0)
            : masked_wait(t, masked, mask, SYS_epoll_pwait, (int)a[0], (long)host, n, (int)a[3], 0, 0);
    for (int64_t i = 0; i < r; i++)
        out[i] = (GuestEpollEvent){ .events = host[i].events, .data = host[i].data.u64 };
    return r;
}

int64_t sys_epoll_pwait(SYSCALL_ARGS)
{
    return guest_epoll_wait(t, a, false);
}

int64_t sys_epoll_pwait2(SYSCALL_ARGS)
{
    return guest_epoll_wait(t, a, true);
}

/* ---- eventfd and signalfd ---- */

int64_t sys_eventfd2(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_eventfd2, (unsigned)a[0], (int)a[1]));
}

/* A signalfd sees only signals the host thread has blocked (others go to
 * polyvm's handlers); the signal code mirrors the guest's blocked mask
 * into the host's, so the usual block-then-read pattern works. */
int64_t sys_signalfd4(SYSCALL_ARGS)
{
    if (a[2] != GUEST_SIGSET_SIZE)
        return -EINVAL;
    uint64_t set;
    if (user_copy_in(t, &set, a[1], sizeof set))
        return -EFAULT;
    return user_result(syscall(SYS_signalfd4, (int)a[0], &set, GUEST_SIGSET_SIZE, (int)a[3]));
}
