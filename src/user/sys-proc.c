/*
 * Process system calls: exit and exit_group, the getpid family, wait4 and
 * waitid, kill/tkill/tgkill, process groups and sessions, prctl,
 * set_tid_address and the robust futex list.
 *
 * Guest pids and tids are the host's (each guest process is a polyvm
 * process, each guest thread a host thread), so most of these are the host
 * call with the guest's pointers checked and turned into host pointers.
 * Signals sent with kill and friends are host signals; polyvm's host
 * handlers turn them into guest signals on arrival (signal.c).
 *
 * A thread's exit is done here, as the kernel does it: the robust futex
 * list is released, clear_child_tid is zeroed and woken (pthread_join waits
 * on it), and the last thread's exit ends the process.
 */
#include <linux/futex.h>
#include <signal.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "user-internal.h"

/* The kernel's bound on a robust list walk (a loop in it must not hang us). */
#define ROBUST_LIST_LIMIT 2048
#define GUEST_ROBUST_HEAD_SIZE 24   /* struct robust_list_head: next, futex_offset, list_op_pending */
#define TASK_COMM_LEN 16

/* ---- thread exit ---- */

/* The kernel's wakes on exit are shared futex wakes (glibc waits on these
 * words with shared futex operations for that reason). */
static void futex_wake_one(uint32_t *word)
{
    syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* A robust mutex still held by the dying thread: mark its owner dead. */
static void robust_futex_died(UserThread *t, uint64_t addr, bool pi)
{
    uint32_t *word = user_ptr(t, addr, 4, GUEST_PROT_READ | GUEST_PROT_WRITE);
    if (!word || (addr & 3))
        return;
    uint32_t val = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    while ((val & FUTEX_TID_MASK) == (uint32_t)t->tid) {
        uint32_t died = (val & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
        if (__atomic_compare_exchange_n(word, &val, died, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            if (!pi && (val & FUTEX_WAITERS))
                futex_wake_one(word);
            return;
        }
    }
}

static bool read_u64(UserThread *t, uint64_t addr, uint64_t *out)
{
    return user_copy_in(t, out, addr, sizeof *out) == 0;
}

static void release_robust_list(UserThread *t)
{
    uint64_t head = t->robust_list, entry, offset, pending;
    if (!head || !read_u64(t, head, &entry) || !read_u64(t, head + 8, &offset) ||
        !read_u64(t, head + 16, &pending))
        return;
    /* bit 0 of a list pointer marks a PI futex */
    for (int n = 0; (entry & ~1ull) != head && n < ROBUST_LIST_LIMIT; n++) {
        uint64_t next;
        if (!read_u64(t, entry & ~1ull, &next))
            break;
        if ((entry & ~1ull) != (pending & ~1ull))
            robust_futex_died(t, (entry & ~1ull) + offset, entry & 1);
        entry = next;
    }
    if (pending & ~1ull)
        robust_futex_died(t, (pending & ~1ull) + offset, pending & 1);
}

uint32_t *user_child_tid_word(UserThread *t)
{
    uint32_t *word = t->clear_child_tid ? user_ptr(t, t->clear_child_tid, 4, GUEST_PROT_WRITE) : NULL;
    t->clear_child_tid = 0;
    return word;
}

void user_release_child_tid(uint32_t *word)
{
    if (!word)
        return;
    __atomic_store_n(word, 0, __ATOMIC_SEQ_CST);
    futex_wake_one(word);
}

/* Takes t off the thread list unless it is the last; true if it was. */
static bool leave_thread_list(UserThread *t)
{
    UserProcess *p = t->proc;
    bool last = true;
    pthread_mutex_lock(&p->thread_lock);
    if (p->nthreads > 1) {
        for (UserThread **pp = &p->threads; *pp; pp = &(*pp)->next)
            if (*pp == t) {
                *pp = t->next;
                p->nthreads--;
                last = false;
                break;
            }
    }
    pthread_mutex_unlock(&p->thread_lock);
    return last;
}

/* The host thread whose tid is the pid is the one user_run() runs on (or
 * a fork child's only thread): returning from its loop would tear the
 * process down under the other threads, so it sleeps instead until the
 * last thread ends the process. */
static _Noreturn void park_thread(void)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, NULL);
    user_current = NULL;
    for (;;)
        pause();
}

int64_t sys_exit(SYSCALL_ARGS)
{
    int status = (int)(a[0] & 0xff);
    if (!leave_thread_list(t)) {
        /* Not the last thread: its mutexes, then its joiner. The loop
         * ends and sys-clone.c frees the thread. */
        release_robust_list(t);
        /* A clone thread wakes its joiner only after freeing its own state
         * (sys-clone.c), so nothing of it is left when the process ends. */
        if (t->tid == getpid()) {
            user_release_child_tid(user_child_tid_word(t));
            park_thread();
        }
    }
    /* The last thread ends the process with its status once its loop
     * returns (in user_run, or in sys-clone.c's thread_main). */
    t->exited = true;
    t->exit_status = status;
    return 0;
}

int64_t sys_exit_group(SYSCALL_ARGS)
{
    if (t->proc->nthreads > 1)
        user_exit_group(t, (int)(a[0] & 0xff));
    t->exited = true;
    t->exit_status = (int)(a[0] & 0xff);
    return 0;
}

/* ---- ids, groups, sessions ---- */

int64_t sys_getpid(SYSCALL_ARGS)
{
    (void)t;
    (void)a;
    return getpid();
}

int64_t sys_getppid(SYSCALL_ARGS)
{
    (void)t;
    (void)a;
    return getppid();
}

int64_t sys_gettid(SYSCALL_ARGS)
{
    (void)a;
    return t->tid;
}

int64_t sys_getpgid(SYSCALL_ARGS)
{
    (void)t;
    return user_result(getpgid((pid_t)a[0]));
}

int64_t sys_setpgid(SYSCALL_ARGS)
{
    (void)t;
    return user_result(setpgid((pid_t)a[0], (pid_t)a[1]));
}

int64_t sys_getsid(SYSCALL_ARGS)
{
    (void)t;
    return user_result(getsid((pid_t)a[0]));
}

int64_t sys_setsid(SYSCALL_ARGS)
{
    (void)t;
    (void)a;
    return user_result(setsid());
}

int64_t sys_set_tid_address(SYSCALL_ARGS)
{
    t->clear_child_tid = a[0];
    return t->tid;
}

int64_t sys_set_robust_list(SYSCALL_ARGS)
{
    if (a[1] != GUEST_ROBUST_HEAD_SIZE)
        return -EINVAL;
    t->robust_list = a[0];
    return 0;
}

int64_t sys_get_robust_list(SYSCALL_ARGS)
{
    pid_t pid = (pid_t)a[0];
    uint64_t head = 0;
    bool found = false;
    UserProcess *p = t->proc;
    pthread_mutex_lock(&p->thread_lock);
    for (UserThread *u = p->threads; u && !found; u = u->next)
        if (pid == 0 ? u == t : u->tid == pid) {
            head = u->robust_list;
            found = true;
        }
    pthread_mutex_unlock(&p->thread_lock);
    if (!found)
        return -ESRCH;   /* other processes' lists are not ours to read */
    uint64_t len = GUEST_ROBUST_HEAD_SIZE;
    if (user_copy_out(t, a[1], &head, sizeof head) || user_copy_out(t, a[2], &len, sizeof len))
        return -EFAULT;
    return 0;
}

/* ---- waiting for children ---- */

/* host pointer for an optional guest output buffer; false = -EFAULT */
static bool out_ptr(UserThread *t, uint64_t addr, uint64_t len, void **host)
{
    *host = NULL;
    if (!addr)
        return true;
    *host = user_ptr(t, addr, len, GUEST_PROT_WRITE);
    return *host != NULL;
}

int64_t sys_wait4(SYSCALL_ARGS)
{
    void *status, *usage;
    if (!out_ptr(t, a[1], sizeof(int), &status) || !out_ptr(t, a[3], sizeof(struct rusage), &usage))
        return -EFAULT;
    return user_safe_syscall(t, SYS_wait4, (pid_t)a[0], (long)status, (int)a[2], (long)usage, 0, 0);
}

int64_t sys_waitid(SYSCALL_ARGS)
{
    void *info, *usage;
    if (!out_ptr(t, a[2], sizeof(siginfo_t), &info) || !out_ptr(t, a[4], sizeof(struct rusage), &usage))
        return -EFAULT;
    return user_safe_syscall(t, SYS_waitid, (int)a[0], (pid_t)a[1], (long)info, (int)a[3], (long)usage, 0);
}

/* ---- signals to processes and threads ---- */

int64_t sys_kill(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_kill, (pid_t)a[0], (int)a[1]));
}

int64_t sys_tkill(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_tkill, (pid_t)a[0], (int)a[1]));
}

int64_t sys_tgkill(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_tgkill, (pid_t)a[0], (pid_t)a[1], (int)a[2]));
}

/* ---- prctl ---- */

static int64_t prctl_int_out(UserThread *t, int option, uint64_t addr)
{
    int v = 0;
    if (prctl(option, &v, 0, 0, 0) < 0)
        return -errno;
    return user_copy_out(t, addr, &v, sizeof v);
}

int64_t sys_prctl(SYSCALL_ARGS)
{
    int option = (int)a[0];
    switch (option) {
    case PR_SET_NAME: {
        char name[TASK_COMM_LEN] = {0};
        /* the kernel takes at most 15 bytes and need not see a NUL */
        for (size_t i = 0; i + 1 < sizeof name; i++) {
            if (user_copy_in(t, &name[i], a[1] + i, 1))
                return -EFAULT;
            if (!name[i])
                break;
        }
        return user_result(prctl(PR_SET_NAME, name, 0, 0, 0));
    }
    case PR_GET_NAME: {
        char name[TASK_COMM_LEN] = {0};
        if (prctl(PR_GET_NAME, name, 0, 0, 0) < 0)
            return -errno;
        return user_copy_out(t, a[1], name, sizeof name);
    }
    case PR_GET_PDEATHSIG:
        return prctl_int_out(t, option, a[1]);
    case PR_GET_TID_ADDRESS:
        return user_copy_out(t, a[1], &t->clear_child_tid, sizeof t->clear_child_tid);
    /* whole-process or scalar settings that mean the same for the guest */
    case PR_SET_PDEATHSIG:
    case PR_GET_DUMPABLE:
    case PR_SET_DUMPABLE:
    case PR_GET_KEEPCAPS:
    case PR_SET_KEEPCAPS:
    case PR_SET_NO_NEW_PRIVS:
    case PR_GET_NO_NEW_PRIVS:
    case PR_SET_CHILD_SUBREAPER:
    case PR_CAPBSET_READ:
    case PR_GET_TIMERSLACK:
    case PR_SET_TIMERSLACK:
        return user_result(prctl(option, (unsigned long)a[1], (unsigned long)a[2], (unsigned long)a[3],
                                 (unsigned long)a[4]));
    case PR_GET_CHILD_SUBREAPER:
        return prctl_int_out(t, option, a[1]);
    default:
        return -EINVAL;
    }
}
