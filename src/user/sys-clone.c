/*
 * clone for riscv64 guests: new processes and new threads.
 *
 * A guest process is a polyvm process, so a clone without CLONE_VM (fork)
 * is a host fork: the child keeps only the calling guest thread and
 * continues from the ecall with a0 = 0.
 *
 * vfork (CLONE_VM|CLONE_VFORK, also what glibc's posix_spawn, system and
 * popen use) is a real vfork, not qemu-user's fork: the child borrows the
 * parent's memory, so what it writes before exec is seen by the parent
 * (posix_spawn reports exec errors that way). It is a host vfork whose
 * child never returns from the call that made it; it runs with its own
 * vCPU and its own copy of the process state (the signal dispositions are
 * its own, as on Linux; the guest memory behind it is shared). The calling
 * host thread sleeps in the kernel until the child execs or exits, then
 * frees what the child used.
 *
 * A guest thread (CLONE_VM|CLONE_THREAD|...) is a host pthread with its
 * own vCPU, a copy of the caller's registers, running user_thread_loop()
 * over the shared guest memory. Its host tid is its guest tid, so the
 * tid-based calls (tgkill, futex PI words, set_tid_address) need no
 * translation. The thread's exit is sys_exit's (sys-proc.c); the code
 * here frees it once its loop has ended.
 *
 * riscv64's argument order: clone(flags, newsp, parent_tidptr, tls,
 * child_tidptr). clone3 is left unimplemented: glibc falls back to clone.
 */
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "user-internal.h"

#define RV_REG_SP 2
#define RV_REG_TP 4
#define RV_REG_A0 10

/* Host stack of a guest thread: room for polyvm's own code only (the
 * guest's stack is guest memory). */
#define THREAD_HOST_STACK (8u << 20)

/* What a thread needs to share every resource a thread shares; glibc,
 * musl and Go all pass these (plus some of THREAD_OPTIONAL). */
#define THREAD_REQUIRED (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
#define THREAD_OPTIONAL \
    (CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED)
/* A fork or vfork shares nothing but (vfork) memory, so only these. */
#define FORK_ALLOWED                                                                                         \
    (CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID |           \
     CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_PTRACE | CLONE_UNTRACED)

/* Stores a tid into a guest int as the kernel would (a plain 32-bit store). */
static void put_tid(UserThread *t, uint64_t addr, pid_t tid)
{
    int32_t *p = user_ptr(t, addr, sizeof *p, GUEST_PROT_WRITE);
    if (p)
        __atomic_store_n(p, (int32_t)tid, __ATOMIC_SEQ_CST);
}

/* The raw call: glibc's would leave 32 and 33 alone, and those are the
 * guest libc's signals too. */
static void host_sigmask(const uint64_t *set, uint64_t *old)
{
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, set, old, sizeof *set);
}

/* A vCPU for a new thread or vfork child, continuing after the caller's
 * ecall with a0 = 0. */
static RvCpu *copy_cpu(const RvCpu *from, GuestMem *mem, uint64_t flags, uint64_t newsp, uint64_t tls)
{
    RvCpu *cpu = rv_cpu_new(mem);
    if (!cpu)
        return NULL;
    memcpy(cpu->x, from->x, sizeof cpu->x);
    memcpy(cpu->f, from->f, sizeof cpu->f);
    cpu->fflags = from->fflags;
    cpu->frm = from->frm;
    cpu->x[RV_REG_A0] = 0;
    if (newsp)
        cpu->x[RV_REG_SP] = newsp;
    if (flags & CLONE_SETTLS)
        cpu->x[RV_REG_TP] = tls;
    cpu->common.pc = from->common.pc + 4;
    return cpu;
}

/* ---- fork and vfork ---- */

/* In the child: the other guest threads did not come along. */
static void keep_only(UserThread *self)
{
    UserProcess *p = self->proc;
    UserThread *others = p->threads;
    p->threads = self;
    p->nthreads = 1;
    while (others) {
        UserThread *next = others->next;
        if (others != self) {
            rv_cpu_free(others->cpu);
            free(others);
        }
        others = next;
    }
    self->next = NULL;
}

static pid_t host_fork(int exit_signal, bool single_threaded)
{
    /* fork() always reports the child's death with SIGCHLD. Another exit
     * signal needs the raw clone, which skips glibc's fork bookkeeping;
     * that is safe only while no other host thread can hold a libc lock. */
    if (exit_signal == SIGCHLD || !single_threaded)
        return fork();
    return (pid_t)syscall(SYS_clone, (long)exit_signal, 0L, 0L, 0L, 0L);
}

static int64_t clone_process(UserThread *t, uint64_t flags, uint64_t newsp, uint64_t ptid, uint64_t tls,
                             uint64_t ctid)
{
    UserProcess *p = t->proc;
    if ((flags & ~(uint64_t)FORK_ALLOWED) || ((flags & CLONE_VM) && !(flags & CLONE_VFORK)))
        return -EINVAL;
    if ((flags & CLONE_PARENT_SETTID) && !user_ptr(t, ptid, 4, GUEST_PROT_WRITE))
        return -EFAULT;
    int exit_signal = (int)(flags & CSIGNAL);
    if (exit_signal > GUEST_NSIG)
        return -EINVAL;

    /* Nothing buffered may be written twice, and no lock may be held by a
     * thread the child will not have. */
    fflush(NULL);
    pthread_mutex_lock(&p->mm_lock);
    pthread_mutex_lock(&p->thread_lock);
    pid_t pid = host_fork(exit_signal, p->nthreads == 1);
    int err = errno;
    pthread_mutex_unlock(&p->thread_lock);
    pthread_mutex_unlock(&p->mm_lock);
    if (pid < 0)
        return -err;

    if (pid > 0) {
        if (flags & CLONE_PARENT_SETTID)
            put_tid(t, ptid, pid);
        return pid;
    }

    /* the child */
    /* The JIT's code buffer is shared memory, still the parent's: start a
     * private one rather than write into the parent's code. */
    cpu_drop_translations(&t->cpu->common);
    t->tid = gettid();
    pthread_mutex_lock(&p->thread_lock);
    keep_only(t);
    pthread_mutex_unlock(&p->thread_lock);
    /* A new process starts with no signal pending; the host mask, which
     * also holds back the parent's undelivered ones, is redone to match. */
    atomic_store(&t->sig_pending, 0);
    user_signals_thread_start(t);
    if (newsp)
        t->cpu->x[RV_REG_SP] = newsp;
    if (flags & CLONE_SETTLS)
        t->cpu->x[RV_REG_TP] = tls;
    if (flags & CLONE_CHILD_SETTID)
        put_tid(t, ctid, t->tid);
    if (flags & CLONE_CHILD_CLEARTID)
        t->clear_child_tid = ctid;
    return 0;
}

/* On the suspended parent's stack, which the child may read. */
typedef struct VforkStart {
    UserThread *child;
    uint64_t settid;   /* CLONE_CHILD_SETTID address, or 0 */
} VforkStart;

/* The vfork child: runs until its exec or exit replaces or ends it (both
 * release the parent); it must never return into the parent's frames. */
static _Noreturn void vfork_child_main(const VforkStart *v)
{
    UserThread *child = v->child;
    child->tid = gettid();
    /* thread-local state is the suspended parent's; it restores this */
    user_current = child;
    if (v->settid)
        put_tid(child, v->settid, child->tid);
    user_exit_group(child, user_thread_loop(child));
}

/* Starts the child and returns once it has exec'd or exited. Apart from
 * clone_vfork so that few values live across the vfork. */
static __attribute__((noinline)) pid_t vfork_and_wait(UserThread *t, const VforkStart *v, int *err)
{
    /* No host handler may run on this thread while user_current is the
     * child's (the child sets it, in our thread-local storage). */
    uint64_t all = ~0ull, saved;
    host_sigmask(&all, &saved);
    pid_t pid = vfork();
    if (pid == 0)
        vfork_child_main(v);
    *err = errno;
    user_current = t;
    host_sigmask(&saved, NULL);
    return pid;
}

/* Returns the child's pid or -errno. */
static int64_t clone_vfork(UserThread *t, uint64_t flags, uint64_t newsp, uint64_t ptid, uint64_t tls,
                           uint64_t ctid)
{
    UserProcess *p = t->proc;
    UserProcess *cp = malloc(sizeof *cp);
    if (!cp)
        return -ENOMEM;
    /* The child's own process state, over the same guest memory. */
    pthread_mutex_lock(&p->thread_lock);
    memcpy(cp, p, sizeof *cp);
    pthread_mutex_unlock(&p->thread_lock);
    pthread_mutex_init(&cp->mm_lock, NULL);
    pthread_mutex_init(&cp->thread_lock, NULL);
    cp->threads = NULL;
    cp->nthreads = 0;
    RvCpu *cpu = copy_cpu(t->cpu, &cp->mem, flags, newsp, tls);
    UserThread *child = cpu ? user_thread_new(cp, cpu) : NULL;
    if (!child) {
        rv_cpu_free(cpu);
        free(cp);
        return -ENOMEM;
    }
    child->sig_blocked = t->sig_blocked;
    child->altstack_sp = t->altstack_sp;   /* a vfork child keeps the alternate stack */
    child->altstack_size = t->altstack_size;
    child->altstack_flags = t->altstack_flags;
    child->clear_child_tid = (flags & CLONE_CHILD_CLEARTID) ? ctid : 0;
    VforkStart v = {.child = child, .settid = (flags & CLONE_CHILD_SETTID) ? ctid : 0};

    int err = 0;
    pid_t pid = vfork_and_wait(t, &v, &err);
    free(child->exec_scratch);   /* left by the child's exec */
    user_thread_free(child);
    pthread_mutex_destroy(&cp->mm_lock);
    pthread_mutex_destroy(&cp->thread_lock);
    free(cp);
    if (pid < 0)
        return -err;
    if (flags & CLONE_PARENT_SETTID)
        put_tid(t, ptid, pid);
    return pid;
}

/* ---- threads ---- */

/* Handed from the creating thread to the new one; lives on the creator's
 * stack until `ready` is posted. */
typedef struct ThreadStart {
    UserThread *parent;
    RvCpu *cpu;
    uint64_t flags, ptid, ctid;
    uint64_t host_mask;      /* the creator's host signal mask, to restore */
    int64_t result;          /* the new tid, or -errno */
    sem_t ready;
} ThreadStart;

static bool still_listed(UserThread *t)
{
    UserProcess *p = t->proc;
    bool found = false;
    pthread_mutex_lock(&p->thread_lock);
    for (UserThread *u = p->threads; u && !found; u = u->next)
        found = u == t;
    pthread_mutex_unlock(&p->thread_lock);
    return found;
}

static void *thread_main(void *arg)
{
    ThreadStart *s = arg;
    UserThread *parent = s->parent;
    UserThread *t = user_thread_new(parent->proc, s->cpu);
    if (!t) {
        s->result = -ENOMEM;
        sem_post(&s->ready);
        return NULL;
    }
    t->sig_blocked = parent->sig_blocked;
    if (s->flags & CLONE_CHILD_CLEARTID)
        t->clear_child_tid = s->ctid;
    /* Both tids are in place before either thread runs guest code. */
    if (s->flags & CLONE_PARENT_SETTID)
        put_tid(t, s->ptid, t->tid);
    if (s->flags & CLONE_CHILD_SETTID)
        put_tid(t, s->ctid, t->tid);
    user_current = t;
    uint64_t mask = s->host_mask;
    s->result = t->tid;
    sem_post(&s->ready);   /* s is gone from here on */
    host_sigmask(&mask, NULL);

    int status = user_thread_loop(t);
    /* sys_exit takes a thread off the list unless it is the last one,
     * whose exit ends the process. */
    if (still_listed(t))
        user_exit_group(t, status);
    user_current = NULL;
    uint32_t *joiner_word = user_child_tid_word(t);
    user_thread_free(t);
    user_release_child_tid(joiner_word);
    return NULL;
}

static int64_t clone_thread(UserThread *t, uint64_t flags, uint64_t newsp, uint64_t ptid, uint64_t tls,
                            uint64_t ctid)
{
    if ((flags & THREAD_REQUIRED) != THREAD_REQUIRED ||
        (flags & ~(uint64_t)(THREAD_REQUIRED | THREAD_OPTIONAL | CSIGNAL)))
        return -EINVAL;
    if ((flags & CLONE_PARENT_SETTID) && !user_ptr(t, ptid, 4, GUEST_PROT_WRITE))
        return -EFAULT;

    RvCpu *cpu = copy_cpu(t->cpu, &t->proc->mem, flags, newsp, tls);
    if (!cpu)
        return -ENOMEM;

    ThreadStart s = {.parent = t, .cpu = cpu, .flags = flags, .ptid = ptid, .ctid = ctid};
    sem_init(&s.ready, 0, 0);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, THREAD_HOST_STACK);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* The new host thread starts with every signal blocked, so no host
     * handler runs on it before it knows its guest thread. */
    uint64_t all = ~0ull;
    host_sigmask(&all, &s.host_mask);
    pthread_t th;
    int err = pthread_create(&th, &attr, thread_main, &s);
    host_sigmask(&s.host_mask, NULL);
    pthread_attr_destroy(&attr);
    if (err) {
        sem_destroy(&s.ready);
        rv_cpu_free(cpu);
        return -err;
    }
    while (sem_wait(&s.ready) && errno == EINTR)
        ;
    sem_destroy(&s.ready);
    if (s.result < 0)
        rv_cpu_free(cpu);
    return s.result;
}

int64_t sys_clone(SYSCALL_ARGS)
{
    uint64_t flags = a[0], newsp = a[1], ptid = a[2], tls = a[3], ctid = a[4];
    if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
        return clone_thread(t, flags, newsp, ptid, tls, ctid);
    /* a host vfork reports the child's death with SIGCHLD; a vfork that
     * asks for another signal is run as a fork */
    if ((flags & CLONE_VM) && !(flags & ~(uint64_t)FORK_ALLOWED) && (flags & CSIGNAL) == SIGCHLD) {
        if ((flags & CLONE_PARENT_SETTID) && !user_ptr(t, ptid, 4, GUEST_PROT_WRITE))
            return -EFAULT;
        return clone_vfork(t, flags, newsp, ptid, tls, ctid);
    }
    return clone_process(t, flags, newsp, ptid, tls, ctid);
}
