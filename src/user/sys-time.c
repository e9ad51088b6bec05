/*
 * Time system calls: clocks, sleeps, interval timers, POSIX timers and
 * timerfds, adjtimex.
 *
 * riscv64 and the host are both LP64 little-endian, so timespec, timeval,
 * itimerval, itimerspec, sigevent, tms and timex have the same layout on
 * both (checked below): each call copies its guest structures into host
 * ones, makes the host call and copies the results back. Timer ids and
 * timerfds are the host kernel's; the signals timers raise reach the guest
 * through the signal code like any other host signal. Sleeps block, so they
 * go through user_safe_syscall and a guest signal interrupts them.
 */
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "user-internal.h"

/* sizes of the riscv64 structures (from its kernel headers) */
_Static_assert(sizeof(struct timespec) == 16, "timespec layout differs from riscv64");
_Static_assert(sizeof(struct timeval) == 16, "timeval layout differs from riscv64");
_Static_assert(sizeof(struct itimerspec) == 32, "itimerspec layout differs from riscv64");
_Static_assert(sizeof(struct tms) == 32, "tms layout differs from riscv64");
_Static_assert(sizeof(struct timex) == 208, "timex layout differs from riscv64");

#define GUEST_SIGEVENT_SIZE 64

/* Copies a host result to an optional guest output (NULL = not wanted). */
static int copy_out_opt(UserThread *t, uint64_t addr, const void *src, size_t len)
{
    return addr ? user_copy_out(t, addr, src, len) : 0;
}

/* Will a guest handler run for a signal pending now? Then the signal code
 * fails an interrupted sleep with EINTR (Linux never resumes one after a
 * handler, whatever SA_RESTART says); with no handler it restarts it. */
static bool guest_handler_due(UserThread *t)
{
    uint64_t due = atomic_load(&t->sig_pending) & ~t->sig_blocked;
    for (int sig = 1; sig <= GUEST_NSIG; sig++)
        if ((due >> (sig - 1) & 1) && t->proc->sigactions[sig].handler > 1 /* not SIG_DFL, SIG_IGN */)
            return true;
    return false;
}

int64_t sys_clock_gettime(SYSCALL_ARGS)
{
    struct timespec ts;
    /* libc's clock_gettime uses the vDSO: no kernel entry for the common clocks */
    if (clock_gettime((clockid_t)a[0], &ts) < 0)
        return -errno;
    return user_copy_out(t, a[1], &ts, sizeof ts);
}

int64_t sys_clock_getres(SYSCALL_ARGS)
{
    struct timespec ts;
    long r = syscall(SYS_clock_getres, (clockid_t)a[0], a[1] ? &ts : NULL);
    if (r < 0)
        return -errno;
    return copy_out_opt(t, a[1], &ts, sizeof ts);
}

int64_t sys_clock_settime(SYSCALL_ARGS)
{
    struct timespec ts;
    if (user_copy_in(t, &ts, a[1], sizeof ts))
        return -EFAULT;
    return user_result(syscall(SYS_clock_settime, (clockid_t)a[0], &ts));
}

/* nanosleep and clock_nanosleep. When a handler will end the sleep with
 * EINTR, a relative sleep reports the time left in *rem_addr, as Linux
 * does. (A restart, with no handler, sleeps the full time again: Linux
 * would resume with the time left.) */
static int64_t guest_sleep(UserThread *t, long nr, clockid_t clock, int flags, uint64_t req_addr, uint64_t rem_addr)
{
    struct timespec req, rem;
    if (user_copy_in(t, &req, req_addr, sizeof req))
        return -EFAULT;
    rem = req;   /* what is left if a signal stops it before it starts */
    long r = nr == SYS_nanosleep
                 ? user_safe_syscall(t, SYS_nanosleep, (long)&req, (long)&rem, 0, 0, 0, 0)
                 : user_safe_syscall(t, SYS_clock_nanosleep, clock, flags, (long)&req, (long)&rem, 0, 0);
    if (r != -USER_ERESTARTSYS || !guest_handler_due(t) || (flags & TIMER_ABSTIME))
        return r;
    if (copy_out_opt(t, rem_addr, &rem, sizeof rem))
        return -EFAULT;
    return r;
}

int64_t sys_nanosleep(SYSCALL_ARGS)
{
    return guest_sleep(t, SYS_nanosleep, CLOCK_MONOTONIC, 0, a[0], a[1]);
}

int64_t sys_clock_nanosleep(SYSCALL_ARGS)
{
    return guest_sleep(t, SYS_clock_nanosleep, (clockid_t)a[0], (int)a[1], a[2], a[3]);
}

int64_t sys_gettimeofday(SYSCALL_ARGS)
{
    struct timeval tv;
    struct timezone tz;
    if (gettimeofday(&tv, &tz) < 0)
        return -errno;
    if (copy_out_opt(t, a[0], &tv, sizeof tv) || copy_out_opt(t, a[1], &tz, sizeof tz))
        return -EFAULT;
    return 0;
}

int64_t sys_settimeofday(SYSCALL_ARGS)
{
    struct timeval tv;
    struct timezone tz;
    void *tvp, *tzp;
    if (user_copy_in_opt(t, &tv, a[0], sizeof tv, &tvp) || user_copy_in_opt(t, &tz, a[1], sizeof tz, &tzp))
        return -EFAULT;
    return user_result(syscall(SYS_settimeofday, tvp, tzp));
}

int64_t sys_times(SYSCALL_ARGS)
{
    struct tms buf;
    long r = syscall(SYS_times, &buf);
    if (r == -1)
        return -errno;
    if (copy_out_opt(t, a[0], &buf, sizeof buf))
        return -EFAULT;
    return r;
}

int64_t sys_getitimer(SYSCALL_ARGS)
{
    struct itimerval cur;
    if (syscall(SYS_getitimer, (int)a[0], &cur) < 0)
        return -errno;
    return user_copy_out(t, a[1], &cur, sizeof cur);
}

int64_t sys_setitimer(SYSCALL_ARGS)
{
    struct itimerval new_value, old_value;
    void *newp;
    if (user_copy_in_opt(t, &new_value, a[1], sizeof new_value, &newp))
        return -EFAULT;
    if (syscall(SYS_setitimer, (int)a[0], newp, a[2] ? &old_value : NULL) < 0)
        return -errno;
    return copy_out_opt(t, a[2], &old_value, sizeof old_value);
}

/* struct sigevent is the same 64 bytes on both; SIGEV_THREAD_ID names a
 * host tid, which is the guest's tid. glibc's SIGEV_THREAD is built in
 * the guest's libc on top of SIGEV_THREAD_ID, so the kernel never sees it. */
int64_t sys_timer_create(SYSCALL_ARGS)
{
    uint64_t sev[GUEST_SIGEVENT_SIZE / 8];
    void *sevp;
    if (user_copy_in_opt(t, sev, a[1], sizeof sev, &sevp))
        return -EFAULT;
    /* checked before creating: a timer whose id the guest never learns would leak */
    int *id = user_ptr(t, a[2], sizeof(int), GUEST_PROT_WRITE);
    if (!id)
        return -EFAULT;
    return user_result(syscall(SYS_timer_create, (clockid_t)a[0], sevp, id));
}

/* timer_settime and timerfd_settime: (id, flags, new, old) */
static int64_t settime(UserThread *t, long nr, const uint64_t *a)
{
    struct itimerspec new_value, old_value;
    void *newp;
    if (user_copy_in_opt(t, &new_value, a[2], sizeof new_value, &newp))
        return -EFAULT;
    if (syscall(nr, (int)a[0], (int)a[1], newp, a[3] ? &old_value : NULL) < 0)
        return -errno;
    return copy_out_opt(t, a[3], &old_value, sizeof old_value);
}

/* timer_gettime and timerfd_gettime: (id, cur) */
static int64_t gettime(UserThread *t, long nr, const uint64_t *a)
{
    struct itimerspec cur;
    if (syscall(nr, (int)a[0], &cur) < 0)
        return -errno;
    return user_copy_out(t, a[1], &cur, sizeof cur);
}

int64_t sys_timer_settime(SYSCALL_ARGS)
{
    return settime(t, SYS_timer_settime, a);
}

int64_t sys_timer_gettime(SYSCALL_ARGS)
{
    return gettime(t, SYS_timer_gettime, a);
}

int64_t sys_timer_getoverrun(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_timer_getoverrun, (int)a[0]));
}

int64_t sys_timer_delete(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_timer_delete, (int)a[0]));
}

int64_t sys_timerfd_create(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_timerfd_create, (int)a[0], (int)a[1]));
}

int64_t sys_timerfd_settime(SYSCALL_ARGS)
{
    return settime(t, SYS_timerfd_settime, a);
}

int64_t sys_timerfd_gettime(SYSCALL_ARGS)
{
    return gettime(t, SYS_timerfd_gettime, a);
}

/* adjtimex and clock_adjtime read and update the guest's struct timex. */
static int64_t adjtime_on(UserThread *t, bool with_clock, clockid_t clock, uint64_t buf_addr)
{
    struct timex tx;
    if (user_copy_in(t, &tx, buf_addr, sizeof tx))
        return -EFAULT;
    long r = with_clock ? syscall(SYS_clock_adjtime, clock, &tx) : syscall(SYS_adjtimex, &tx);
    if (r < 0)
        return -errno;
    if (user_copy_out(t, buf_addr, &tx, sizeof tx))
        return -EFAULT;
    return r;
}

int64_t sys_adjtimex(SYSCALL_ARGS)
{
    return adjtime_on(t, false, 0, a[0]);
}

int64_t sys_clock_adjtime(SYSCALL_ARGS)
{
    return adjtime_on(t, true, (clockid_t)a[0], a[1]);
}
