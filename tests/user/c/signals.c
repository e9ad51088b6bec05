/*
 * Signals under user mode, each case checked against what Linux defines:
 *  - a handler that clobbers registers, and rt_sigreturn restoring every
 *    integer and FP register and fcsr (sigregs.S sends the signal from asm);
 *  - SA_SIGINFO: si_code SI_USER / SI_TKILL / SI_QUEUE, si_value, si_pid;
 *  - SIGSEGV (unmapped: SEGV_MAPERR, read-only: SEGV_ACCERR) and SIGILL
 *    (ILL_ILLOPC) with exact si_addr, recovered with siglongjmp;
 *  - loads and stores as base + offset across the ends of the address
 *    range and wrapping round zero: the whole address decides;
 *  - sigaltstack and SA_ONSTACK; sa_mask and the handled signal blocked
 *    inside the handler; SA_RESETHAND; SA_NODEFER;
 *  - sigprocmask: a blocked signal stays pending, runs on unblock;
 *    sigsuspend; sigtimedwait taking a blocked signal;
 *  - alarm / setitimer interrupting a blocking read: EINTR without
 *    SA_RESTART, a restarted read that returns data with it;
 *  - SIGPIPE: handler + EPIPE, ignored + EPIPE, default action kills;
 *  - pthread_kill to one thread; SIGCHLD on child exit;
 *  - tight loops: a timer signal ends a loop that spins on a flag, and a
 *    fault inside a summing loop shows every register's current value.
 * Prints PASS when every check holds (also under qemu-riscv64).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "ucheck.h"

void sig_regs_probe(uint64_t *xout, uint64_t *fout, long pid, long tid, long sig);
extern const uint64_t sig_regs_fpattern[32];
void sig_loop_fault(const int32_t *words);
extern const char sig_loop_fault_load[];

static volatile sig_atomic_t hits;
static volatile sig_atomic_t last_sig;
static siginfo_t last_info;
static sigjmp_buf recover;

static pid_t gettid_raw(void) { return (pid_t)syscall(SYS_gettid); }

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags, const sigset_t *mask)
{
    struct sigaction sa = {0};
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    if (mask)
        sa.sa_mask = *mask;
    else
        sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, NULL) != 0)
        uc_say("sigaction(%d) failed: %s\n", sig, strerror(errno));
}

static void record(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    hits++;
    last_sig = sig;
    last_info = *si;
}

/* --- registers across a handler ---------------------------------------- */

static void clobber(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    hits++;
    last_sig = sig;
    /* Change every caller-saved register, the rounding mode and the flags;
     * the interrupted code must not see any of it. */
    volatile double third = 1.0;
    third /= 3.0;
    __asm__ volatile(
        "fsrmi 3\n\t"
        "li t0, -1\n\tli t1, -1\n\tli t2, -1\n\tli t3, -1\n\tli t4, -1\n\tli t5, -1\n\tli t6, -1\n\t"
        "li a1, -1\n\tli a2, -1\n\tli a3, -1\n\tli a4, -1\n\tli a5, -1\n\tli a6, -1\n\tli a7, -1\n\t"
        "fmv.d.x ft0, t0\n\tfmv.d.x ft1, t0\n\tfmv.d.x ft2, t0\n\tfmv.d.x ft3, t0\n\t"
        "fmv.d.x ft4, t0\n\tfmv.d.x ft5, t0\n\tfmv.d.x ft6, t0\n\tfmv.d.x ft7, t0\n\t"
        "fmv.d.x ft8, t0\n\tfmv.d.x ft9, t0\n\tfmv.d.x ft10, t0\n\tfmv.d.x ft11, t0\n\t"
        "fmv.d.x fa0, t0\n\tfmv.d.x fa1, t0\n\tfmv.d.x fa2, t0\n\tfmv.d.x fa3, t0\n\t"
        "fmv.d.x fa4, t0\n\tfmv.d.x fa5, t0\n\tfmv.d.x fa6, t0\n\tfmv.d.x fa7, t0\n\t"
        "fsrmi 0\n\t"
        :
        :
        : "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "ft0", "ft1",
          "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "ft8", "ft9", "ft10", "ft11", "fa0", "fa1", "fa2", "fa3",
          "fa4", "fa5", "fa6", "fa7", "memory");
    /* fsrmi 0 above is RNE; set a different mode to leave behind. */
    __asm__ volatile("fsrmi 2" ::: "memory");
}

static void test_registers(void)
{
    uint64_t x[32] = {0}, f[32] = {0};
    hits = 0;
    install(SIGUSR1, clobber, 0, NULL);
    sig_regs_probe(x, f, getpid(), gettid_raw(), SIGUSR1);
    CHECK(hits == 1 && last_sig == SIGUSR1, "handler hits %d", (int)hits);
    static const int patterned[] = {1, 5, 6, 7, 8, 9, 13, 14, 15, 16, 18, 19, 20, 21, 22,
                                    23, 24, 25, 26, 27, 28, 29, 30, 31};
    for (size_t i = 0; i < sizeof patterned / sizeof patterned[0]; i++) {
        int r = patterned[i];
        uint64_t want = (uint64_t)r * 0x0101010101010101ull;
        CHECK(x[r] == want, "x%d = 0x%llx after the handler, want 0x%llx", r, (unsigned long long)x[r],
              (unsigned long long)want);
    }
    CHECK(x[10] == 0, "a0 (tgkill result) = %lld", (long long)x[10]);
    CHECK(x[11] == (uint64_t)gettid_raw(), "a1 = %lld", (long long)x[11]);
    CHECK(x[12] == SIGUSR1, "a2 = %lld", (long long)x[12]);
    CHECK(x[17] == 131, "a7 = %lld", (long long)x[17]);
    CHECK(x[0] == 0x20, "fcsr = 0x%llx after the handler, want 0x20 (RTZ, no flags)", (unsigned long long)x[0]);
    for (int i = 0; i < 32; i++)
        CHECK(f[i] == sig_regs_fpattern[i], "f%d = 0x%llx after the handler, want 0x%llx", i,
              (unsigned long long)f[i], (unsigned long long)sig_regs_fpattern[i]);
    signal(SIGUSR1, SIG_DFL);
}

/* --- siginfo ------------------------------------------------------------ */

static void test_siginfo(void)
{
    install(SIGUSR2, record, 0, NULL);
    hits = 0;
    kill(getpid(), SIGUSR2);
    CHECK(hits == 1, "kill: hits %d", (int)hits);
    CHECK(last_info.si_signo == SIGUSR2 && last_info.si_code == SI_USER, "kill: signo %d code %d",
          last_info.si_signo, last_info.si_code);
    CHECK(last_info.si_pid == getpid() && last_info.si_uid == getuid(), "kill: pid %d uid %d",
          (int)last_info.si_pid, (int)last_info.si_uid);

    raise(SIGUSR2);
    CHECK(hits == 2 && last_info.si_code == SI_TKILL, "raise: hits %d code %d", (int)hits, last_info.si_code);

    union sigval v = {.sival_int = 0x5eed};
    CHECK(sigqueue(getpid(), SIGUSR2, v) == 0, "sigqueue: %s", strerror(errno));
    CHECK(hits == 3 && last_info.si_code == SI_QUEUE, "sigqueue: hits %d code %d", (int)hits, last_info.si_code);
    CHECK(last_info.si_value.sival_int == 0x5eed, "sigqueue: value 0x%x", last_info.si_value.sival_int);
    CHECK(last_info.si_pid == getpid(), "sigqueue: pid %d", (int)last_info.si_pid);

    /* A real-time signal queued twice while blocked is delivered twice,
     * in order, with both values. */
    static int values[2];
    sigset_t rt, old;
    sigemptyset(&rt);
    sigaddset(&rt, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &rt, &old);
    install(SIGRTMIN + 1, record, 0, NULL);
    sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = 11});
    sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = 22});
    siginfo_t si;
    struct timespec zero = {0, 0};
    values[0] = sigtimedwait(&rt, &si, &zero) == SIGRTMIN + 1 ? si.si_value.sival_int : -1;
    values[1] = sigtimedwait(&rt, &si, &zero) == SIGRTMIN + 1 ? si.si_value.sival_int : -1;
    CHECK(values[0] == 11 && values[1] == 22, "queued real-time values %d %d", values[0], values[1]);
    CHECK(sigtimedwait(&rt, &si, &zero) == -1 && errno == EAGAIN, "third sigtimedwait did not fail with EAGAIN");
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGRTMIN + 1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

/* --- faults ------------------------------------------------------------- */

static void fault_handler(int sig, siginfo_t *si, void *uc)
{
    record(sig, si, uc);
    siglongjmp(recover, 1);
}

extern char ill_insn[];
__attribute__((noinline)) static void run_illegal(void)
{
    /* c.unimp (16 zero bits) followed by padding; never returns. */
    __asm__ volatile(".globl ill_insn\nill_insn:\n\t.4byte 0\n\t" ::: "memory");
}

static void test_faults(void)
{
    long page = sysconf(_SC_PAGESIZE);
    install(SIGSEGV, fault_handler, 0, NULL);
    install(SIGBUS, fault_handler, 0, NULL);
    install(SIGILL, fault_handler, 0, NULL);

    char *area = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(area != MAP_FAILED, "mmap");
    munmap(area + page, (size_t)page);
    volatile char *hole = area + page + 123;
    hits = 0;
    if (sigsetjmp(recover, 1) == 0) {
        (void)*hole;
        CHECK(0, "read of an unmapped page did not fault");
    }
    CHECK(hits == 1 && last_sig == SIGSEGV, "unmapped read: hits %d sig %d", (int)hits, (int)last_sig);
    CHECK(last_info.si_code == SEGV_MAPERR, "unmapped read: si_code %d", last_info.si_code);
    CHECK(last_info.si_addr == (void *)hole, "unmapped read: si_addr %p, want %p", last_info.si_addr, (void *)hole);

    mprotect(area, (size_t)page, PROT_READ);
    volatile char *ro = area + 77;
    if (sigsetjmp(recover, 1) == 0) {
        *ro = 1;
        CHECK(0, "write to a read-only page did not fault");
    }
    CHECK(hits == 2 && last_sig == SIGSEGV, "read-only write: hits %d sig %d", (int)hits, (int)last_sig);
    CHECK(last_info.si_code == SEGV_ACCERR, "read-only write: si_code %d", last_info.si_code);
    CHECK(last_info.si_addr == (void *)ro, "read-only write: si_addr %p, want %p", last_info.si_addr, (void *)ro);
    munmap(area, (size_t)page);

    /* The mask saved by sigsetjmp(.., 1) is restored: SIGSEGV is not left
     * blocked after the siglongjmp out of its handler. */
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK(!sigismember(&now, SIGSEGV), "SIGSEGV still blocked after siglongjmp");

    if (sigsetjmp(recover, 1) == 0) {
        run_illegal();
        CHECK(0, "illegal instruction did not trap");
    }
    CHECK(hits == 3 && last_sig == SIGILL, "illegal: hits %d sig %d", (int)hits, (int)last_sig);
    CHECK(last_info.si_code == ILL_ILLOPC, "illegal: si_code %d", last_info.si_code);
    CHECK(last_info.si_addr == (void *)ill_insn, "illegal: si_addr %p, want %p", last_info.si_addr,
          (void *)ill_insn);

    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    signal(SIGILL, SIG_DFL);
}

/* --- addresses as base register + offset, at the edges ------------------ */

/* Loads and stores through base + a fixed offset, the forms a JIT may
 * check by the base alone: each must behave as the whole address says. */
__attribute__((noinline)) static long load_minus16(uintptr_t base)
{
    long v;
    __asm__ volatile("ld %0, -16(%1)" : "=r"(v) : "r"(base) : "memory");
    return v;
}

__attribute__((noinline)) static void store_minus16(uintptr_t base, long v)
{
    __asm__ volatile("sd %0, -16(%1)" ::"r"(v), "r"(base) : "memory");
}

__attribute__((noinline)) static long load_plus16(uintptr_t base)
{
    long v;
    __asm__ volatile("ld %0, 16(%1)" : "=r"(v) : "r"(base) : "memory");
    return v;
}

/* two loads from one base: the second 16 bytes further on */
__attribute__((noinline)) static long load_0_and_16(uintptr_t base)
{
    long a, b;
    __asm__ volatile("ld %0, 0(%2)\n\tld %1, 16(%2)" : "=&r"(a), "=&r"(b) : "r"(base) : "memory");
    return a + b;
}

static void expect_segv(const char *what, uintptr_t addr)
{
    CHECK(last_sig == SIGSEGV, "%s: signal %d", what, (int)last_sig);
    CHECK(last_info.si_addr == (void *)addr, "%s: si_addr %p, want %p", what, last_info.si_addr, (void *)addr);
}

static void test_address_edges(void)
{
    long page = sysconf(_SC_PAGESIZE);
    install(SIGSEGV, fault_handler, 0, NULL);
    /* the page just below 4 GiB: a base past it plus a negative offset is
     * back inside it */
    uintptr_t top = 0x100000000ul;
    char *p = mmap((void *)(top - (uintptr_t)page), (size_t)page, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(p == (char *)(top - (uintptr_t)page), "mmap of the page below 4 GiB: %p", (void *)p);
    if (p != MAP_FAILED) {
        *(volatile long *)(top - 8) = 0x1234567;
        CHECK(load_minus16(top + 8) == 0x1234567, "load at (4 GiB + 8) - 16");
        store_minus16(top + 8, 0x7654321);
        CHECK(*(volatile long *)(top - 8) == 0x7654321, "store at (4 GiB + 8) - 16");
        if (sigsetjmp(recover, 1) == 0) {
            (void)load_0_and_16(top - 8);
            CHECK(0, "load at (4 GiB - 8) + 16 did not fault");
        }
        expect_segv("load at (4 GiB - 8) + 16", top + 8);
        munmap(p, (size_t)page);
    }
    if (sigsetjmp(recover, 1) == 0) {
        (void)load_plus16(top);
        CHECK(0, "load at 4 GiB + 16 did not fault");
    }
    expect_segv("load at 4 GiB + 16", top + 16);
    /* a small base and a negative offset: the address wraps to the top */
    if (sigsetjmp(recover, 1) == 0) {
        (void)load_minus16(8);
        CHECK(0, "load at 8 - 16 did not fault");
    }
    expect_segv("load at 8 - 16", (uintptr_t)-8);
    /* and a base at the top plus an offset wraps to page 0 */
    if (sigsetjmp(recover, 1) == 0) {
        (void)load_plus16((uintptr_t)-8);
        CHECK(0, "load at -8 + 16 did not fault");
    }
    expect_segv("load at -8 + 16", 8);
    signal(SIGSEGV, SIG_DFL);
}

/* --- alternate stack, masks inside handlers ----------------------------- */

static char *alt_base;
static size_t alt_size;
static volatile uintptr_t handler_local;
static volatile int handler_on_altstack, usr2_blocked_inside, self_blocked_inside;
static volatile int nested_depth, nested_max;

static void on_alt(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    int local = 0;
    handler_local = (uintptr_t)&local;
    stack_t now;
    sigaltstack(NULL, &now);
    handler_on_altstack = (now.ss_flags & SS_ONSTACK) != 0;
    sigset_t mask;
    sigprocmask(SIG_BLOCK, NULL, &mask);
    usr2_blocked_inside = sigismember(&mask, SIGUSR2);
    self_blocked_inside = sigismember(&mask, sig);
    hits++;
}

static void nodefer(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    nested_depth++;
    if (nested_depth > nested_max)
        nested_max = nested_depth;
    if (nested_depth < 3)
        raise(sig);   /* runs at once: SA_NODEFER leaves sig unblocked */
    nested_depth--;
}

static void test_altstack_and_masks(void)
{
    alt_size = 64 * 1024;
    alt_base = malloc(alt_size);
    stack_t ss = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0};
    CHECK(sigaltstack(&ss, NULL) == 0, "sigaltstack: %s", strerror(errno));
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR2);
    install(SIGUSR1, on_alt, SA_ONSTACK, &mask);
    hits = 0;
    raise(SIGUSR1);
    CHECK(hits == 1, "altstack handler hits %d", (int)hits);
    CHECK(handler_local >= (uintptr_t)alt_base && handler_local < (uintptr_t)alt_base + alt_size,
          "handler local at %p, alt stack %p..%p", (void *)handler_local, (void *)alt_base,
          (void *)(alt_base + alt_size));
    CHECK(handler_on_altstack, "SS_ONSTACK not reported inside the handler");
    /* qemu-riscv64 7.2 does not apply sa_mask (checked against the host
     * kernel running the same code natively); its oracle run says so. */
    if (getenv("PVTEST_QEMU_ORACLE"))
        uc_say("note: sa_mask check skipped under qemu-riscv64 (it ignores sa_mask)\n");
    else
        CHECK(usr2_blocked_inside, "sa_mask signal not blocked inside the handler");
    CHECK(self_blocked_inside, "handled signal not blocked inside the handler");
    stack_t after;
    sigaltstack(NULL, &after);
    CHECK(!(after.ss_flags & SS_ONSTACK) && after.ss_sp == alt_base && after.ss_size == alt_size,
          "alt stack after the handler: flags %d sp %p size %zu", after.ss_flags, after.ss_sp, after.ss_size);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK(!sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2), "mask not restored after the handler");

    /* Without SA_ONSTACK the handler stays on the normal stack. */
    install(SIGUSR1, on_alt, 0, NULL);
    raise(SIGUSR1);
    CHECK(hits == 2 && !handler_on_altstack, "handler without SA_ONSTACK ran on the alt stack");
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    free(alt_base);

    /* SA_NODEFER: the handler is re-entered; SA_RESETHAND: one shot. */
    nested_depth = nested_max = 0;
    install(SIGUSR2, nodefer, SA_NODEFER, NULL);
    raise(SIGUSR2);
    CHECK(nested_max == 3, "SA_NODEFER nesting depth %d, want 3", (int)nested_max);
    install(SIGUSR2, record, SA_RESETHAND, NULL);
    hits = 0;
    raise(SIGUSR2);
    struct sigaction cur;
    sigaction(SIGUSR2, NULL, &cur);
    CHECK(hits == 1 && cur.sa_handler == SIG_DFL, "SA_RESETHAND: hits %d, handler not reset", (int)hits);
    signal(SIGUSR1, SIG_DFL);
}

/* --- blocking, pending, waiting ----------------------------------------- */

static void test_pending(void)
{
    install(SIGUSR1, record, 0, NULL);
    sigset_t set, old, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    hits = 0;
    raise(SIGUSR1);
    raise(SIGUSR1);   /* standard signals do not queue */
    CHECK(hits == 0, "blocked signal delivered (hits %d)", (int)hits);
    sigpending(&pend);
    CHECK(sigismember(&pend, SIGUSR1), "blocked signal not pending");
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    CHECK(hits == 1, "after unblock hits %d, want 1", (int)hits);
    sigpending(&pend);
    CHECK(!sigismember(&pend, SIGUSR1), "still pending after delivery");

    /* sigsuspend: block, send from a child, wait with it unblocked. */
    sigprocmask(SIG_BLOCK, &set, NULL);
    hits = 0;
    pid_t child = fork();
    if (child == 0) {
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    sigset_t wait_mask = old;
    sigdelset(&wait_mask, SIGUSR1);
    int r = sigsuspend(&wait_mask);
    CHECK(r == -1 && errno == EINTR && hits == 1, "sigsuspend: r %d hits %d", r, (int)hits);
    CHECK(last_info.si_pid == child && last_info.si_code == SI_USER, "sigsuspend: from pid %d code %d",
          (int)last_info.si_pid, last_info.si_code);
    waitpid(child, NULL, 0);

    /* sigwaitinfo takes a blocked signal without running the handler. */
    kill(getpid(), SIGUSR1);
    siginfo_t si;
    CHECK(sigwaitinfo(&set, &si) == SIGUSR1 && si.si_code == SI_USER && hits == 1,
          "sigwaitinfo: code %d hits %d", si.si_code, (int)hits);
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGUSR1, SIG_DFL);
}

/* --- interrupted and restarted system calls ----------------------------- */

static int pipe_w;

static void *late_writer(void *arg)
{
    (void)arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    struct timespec d = {0, 400 * 1000 * 1000};
    nanosleep(&d, NULL);
    ssize_t w = write(pipe_w, "r", 1);
    (void)w;
    return NULL;
}

static void test_interrupted_read(void)
{
    int p[2];
    char c = 0;
    CHECK(pipe(p) == 0, "pipe");

    install(SIGALRM, record, 0, NULL);   /* no SA_RESTART */
    hits = 0;
    alarm(1);
    ssize_t r = read(p[0], &c, 1);
    int err = errno;
    CHECK(r == -1 && err == EINTR, "read interrupted by alarm: r %zd errno %d", r, err);
    CHECK(hits == 1 && last_sig == SIGALRM, "alarm handler hits %d", (int)hits);
    CHECK(last_info.si_code == SI_KERNEL, "SIGALRM si_code %d, want SI_KERNEL", last_info.si_code);

    install(SIGALRM, record, SA_RESTART, NULL);
    hits = 0;
    pipe_w = p[1];
    pthread_t t;
    CHECK(pthread_create(&t, NULL, late_writer, NULL) == 0, "create writer");
    struct itimerval it = {.it_value = {0, 100 * 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
    r = read(p[0], &c, 1);
    err = errno;
    CHECK(r == 1 && c == 'r', "restarted read: r %zd errno %d c %d", r, err, c);
    CHECK(hits == 1, "itimer handler hits %d (the signal must arrive before the data)", (int)hits);
    pthread_join(t, NULL);
    close(p[0]);
    close(p[1]);
    signal(SIGALRM, SIG_DFL);
}

/* --- SIGPIPE ------------------------------------------------------------ */

static void test_sigpipe(void)
{
    int p[2];
    pipe(p);
    close(p[0]);
    install(SIGPIPE, record, 0, NULL);
    hits = 0;
    ssize_t r = write(p[1], "x", 1);
    int err = errno;
    CHECK(r == -1 && err == EPIPE, "write to a closed pipe: r %zd errno %d", r, err);
    CHECK(hits == 1 && last_sig == SIGPIPE, "SIGPIPE handler hits %d", (int)hits);

    signal(SIGPIPE, SIG_IGN);
    r = write(p[1], "x", 1);
    err = errno;
    CHECK(r == -1 && err == EPIPE && hits == 1, "ignored SIGPIPE: r %zd errno %d hits %d", r, err, (int)hits);
    close(p[1]);

    /* The read end is closed before the fork, so no reader exists. */
    signal(SIGPIPE, SIG_DFL);
    pipe(p);
    close(p[0]);
    pid_t child = fork();
    if (child == 0) {
        ssize_t w = write(p[1], "x", 1);
        (void)w;
        _exit(0);
    }
    close(p[1]);
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE, "child status 0x%x, want killed by SIGPIPE", status);
}

/* --- threads and children ----------------------------------------------- */

static atomic_int thread_ready;
static volatile pid_t handled_on_tid;

static void on_thread(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)si;
    (void)uc;
    handled_on_tid = gettid_raw();
}

static void *waiter(void *arg)
{
    pid_t *tid = arg;
    *tid = gettid_raw();
    atomic_store(&thread_ready, 1);
    while (handled_on_tid == 0)
        sched_yield();
    return NULL;
}

static void on_child(int sig, siginfo_t *si, void *uc)
{
    record(sig, si, uc);
}

static void test_thread_and_child(void)
{
    install(SIGUSR1, on_thread, 0, NULL);
    pid_t tid = 0;
    pthread_t t;
    handled_on_tid = 0;
    pthread_create(&t, NULL, waiter, &tid);
    while (!atomic_load(&thread_ready))
        sched_yield();
    pthread_kill(t, SIGUSR1);
    pthread_join(t, NULL);
    CHECK(handled_on_tid == tid && tid != getpid(), "pthread_kill handled on tid %d, want %d", (int)handled_on_tid,
          (int)tid);
    signal(SIGUSR1, SIG_DFL);

    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, &old);
    install(SIGCHLD, on_child, 0, NULL);
    hits = 0;
    pid_t child = fork();
    if (child == 0)
        _exit(5);
    int status;
    waitpid(child, &status, 0);
    sigprocmask(SIG_SETMASK, &old, NULL);
    CHECK(hits == 1 && last_sig == SIGCHLD, "SIGCHLD hits %d", (int)hits);
    CHECK(last_info.si_code == CLD_EXITED && last_info.si_pid == child && last_info.si_status == 5,
          "SIGCHLD code %d pid %d status %d", last_info.si_code, (int)last_info.si_pid, last_info.si_status);
    signal(SIGCHLD, SIG_DFL);
}

/* --- signals and faults inside tight loops ----------------------------- */

static volatile sig_atomic_t alarm_seen;
static volatile uint64_t fault_t0, fault_t1, fault_a0, fault_pc;

static void on_alarm(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)si;
    (void)uc;
    alarm_seen = 1;
}

static void on_loop_fault(int sig, siginfo_t *si, void *ucv)
{
    (void)si;
    ucontext_t *uc = ucv;
    last_sig = sig;
    fault_t0 = uc->uc_mcontext.__gregs[5];
    fault_t1 = uc->uc_mcontext.__gregs[6];
    fault_a0 = uc->uc_mcontext.__gregs[10];
    fault_pc = uc->uc_mcontext.__gregs[0];
    siglongjmp(recover, 1);
}

static void test_tight_loops(void)
{
    /* A loop polling a flag only a signal handler sets must see the signal. */
    install(SIGALRM, on_alarm, 0, NULL);
    alarm_seen = 0;
    struct itimerval it = {.it_value = {.tv_usec = 20000}};
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer");
    unsigned long spins = 0;
    while (!alarm_seen)
        spins++;
    CHECK(spins > 0, "flag loop: no spins");
    signal(SIGALRM, SIG_DFL);

    /* A fault in the middle of a summing loop: the handler sees the values
     * the loop's registers hold at the faulting load. */
    long page = sysconf(_SC_PAGESIZE);
    char *area = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(area != MAP_FAILED, "mmap");
    munmap(area + page, (size_t)page);
    int32_t *words = (int32_t *)area;
    uint64_t want_sum = 0x1234;
    long nwords = page / 4;
    for (long i = 0; i < nwords; i++) {
        words[i] = (int32_t)(i * 7919 - 100000);
        want_sum += (uint64_t)(int64_t)words[i];
    }
    install(SIGSEGV, on_loop_fault, 0, NULL);
    last_sig = 0;
    if (sigsetjmp(recover, 1) == 0) {
        sig_loop_fault(words);
        CHECK(0, "summing loop ran off its page without a fault");
    }
    CHECK(last_sig == SIGSEGV, "summing loop: signal %d", (int)last_sig);
    CHECK(fault_t0 == (uint64_t)nwords, "summing loop: t0 (loads done) %llu, want %ld",
          (unsigned long long)fault_t0, nwords);
    CHECK(fault_t1 == want_sum, "summing loop: t1 (sum) %#llx, want %#llx", (unsigned long long)fault_t1,
          (unsigned long long)want_sum);
    CHECK(fault_a0 == (uint64_t)(uintptr_t)(area + page), "summing loop: a0 %#llx, want %p",
          (unsigned long long)fault_a0, (void *)(area + page));
    CHECK(fault_pc == (uint64_t)(uintptr_t)sig_loop_fault_load, "summing loop: pc %#llx, want %p",
          (unsigned long long)fault_pc, (void *)sig_loop_fault_load);
    signal(SIGSEGV, SIG_DFL);
    munmap(area, (size_t)page);
}

int main(void)
{
    test_registers();
    test_siginfo();
    test_faults();
    test_address_edges();
    test_altstack_and_masks();
    test_pending();
    test_interrupted_read();
    test_sigpipe();
    test_thread_and_child();
    test_tight_loops();
    return uc_finish("signals");
}
