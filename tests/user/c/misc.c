/*
 * User-mode test: the system calls the other programs and Debian's tools
 * do not reach. Identity and limits (the get* family, rlimits, rusage,
 * times, scheduling queries), more file calls (dup, fchdir, *at forms,
 * flock, statfs, statx, truncate, fallocate, vectored positioned I/O,
 * copy_file_range, splice/tee, the sync family, close_range, openat2,
 * mknodat), memory (mremap, mlock, mincore), POSIX and timerfd timers,
 * waitid, signalfd and tkill. Each result is checked against what Linux
 * defines, so the program prints PASS under qemu-riscv64 and polyvm alike.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ucheck.h"

static char dir[256];

static void test_identity(void)
{
    uid_t r, e, s;
    gid_t gr, ge, gs;
    CHECK(getresuid(&r, &e, &s) == 0 && r == getuid() && e == geteuid(), "getresuid");
    CHECK(getresgid(&gr, &ge, &gs) == 0 && gr == getgid() && ge == getegid(), "getresgid");
    CHECK(getgroups(0, NULL) >= 0, "getgroups: %s", strerror(errno));
    CHECK(getpgid(0) == getpgrp() && getsid(0) > 0, "getpgid/getsid");
    errno = 0;
    int prio = getpriority(PRIO_PROCESS, 0);
    CHECK(errno == 0 && prio >= -20 && prio <= 19, "getpriority %d", prio);
    CHECK(setpriority(PRIO_PROCESS, 0, prio + 1 > 19 ? 19 : prio + 1) == 0, "setpriority: %s", strerror(errno));
    struct rlimit rl, rl2;
    CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > 0, "getrlimit");
    rl2 = rl;
    rl2.rlim_cur = rl.rlim_cur > 64 ? 64 : rl.rlim_cur;
    CHECK(setrlimit(RLIMIT_NOFILE, &rl2) == 0 && getrlimit(RLIMIT_NOFILE, &rl2) == 0 &&
              rl2.rlim_cur == (rl.rlim_cur > 64 ? 64 : rl.rlim_cur), "setrlimit round trip");
    setrlimit(RLIMIT_NOFILE, &rl);
    struct rusage ru;
    CHECK(getrusage(RUSAGE_SELF, &ru) == 0 && ru.ru_maxrss > 0, "getrusage maxrss %ld", ru.ru_maxrss);
    struct tms tm;
    CHECK(times(&tm) != (clock_t)-1, "times: %s", strerror(errno));
    struct timeval tv;
    CHECK(gettimeofday(&tv, NULL) == 0 && tv.tv_sec > 1600000000, "gettimeofday %lld", (long long)tv.tv_sec);
    struct timespec res;
    CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0, "clock_getres");
    unsigned cpu = 99999;
    CHECK(getcpu(&cpu, NULL) == 0 && cpu < 4096, "getcpu %u", cpu);
    CHECK(sched_get_priority_max(SCHED_FIFO) == 99 && sched_get_priority_min(SCHED_FIFO) == 1, "priority range");
    struct sched_param sp;
    CHECK(sched_getparam(0, &sp) == 0 && sp.sched_priority == 0 && sched_getscheduler(0) == SCHED_OTHER,
          "sched_getparam/getscheduler");
    cpu_set_t set;
    CHECK(sched_getaffinity(0, sizeof set, &set) == 0 && sched_setaffinity(0, sizeof set, &set) == 0,
          "affinity round trip: %s", strerror(errno));
    struct timespec nap = {0, 1000000};
    CHECK(nanosleep(&nap, NULL) == 0, "nanosleep");
}

static void test_files(int dfd)
{
    int fd = openat(dfd, "f", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 0, "openat: %s", strerror(errno));
    int d = dup(fd);
    CHECK(d > fd, "dup");
    close(d);
    char a[] = "abcdef", b[] = "ghij";
    struct iovec wv[2] = {{a, 6}, {b, 4}};
    CHECK(pwritev(fd, wv, 2, 0) == 10, "pwritev");
    CHECK(pwritev2(fd, wv, 1, 10, 0) == 6, "pwritev2");
    char r1[4] = {0}, r2[4] = {0};
    struct iovec rv[2] = {{r1, 3}, {r2, 3}};
    CHECK(preadv(fd, rv, 2, 2) == 6 && !memcmp(r1, "cde", 3) && !memcmp(r2, "fgh", 3), "preadv");
    CHECK(preadv2(fd, rv, 1, 10, 0) == 3 && !memcmp(r1, "abc", 3), "preadv2");
    CHECK(flock(fd, LOCK_EX | LOCK_NB) == 0 && flock(fd, LOCK_UN) == 0, "flock: %s", strerror(errno));
    CHECK(fallocate(fd, 0, 0, 8192) == 0 || errno == EOPNOTSUPP, "fallocate: %s", strerror(errno));
    CHECK(readahead(fd, 0, 4096) == 0 || errno == EINVAL, "readahead: %s", strerror(errno));
    CHECK(sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE) == 0, "sync_file_range: %s", strerror(errno));
    CHECK(syncfs(fd) == 0, "syncfs: %s", strerror(errno));
    sync();
    struct statfs sf, fsf;
    CHECK(statfs(dir, &sf) == 0 && fstatfs(fd, &fsf) == 0 && sf.f_type == fsf.f_type && sf.f_bsize > 0, "statfs");
    struct statx sx;
    CHECK(statx(dfd, "f", 0, STATX_SIZE | STATX_MODE, &sx) == 0 && S_ISREG(sx.stx_mode), "statx: %s",
          strerror(errno));
    char path[300];
    snprintf(path, sizeof path, "%s/f", dir);
    CHECK(truncate(path, 5) == 0 && statx(dfd, "f", 0, STATX_SIZE, &sx) == 0 && sx.stx_size == 5, "truncate");
    int out = openat(dfd, "g", O_CREAT | O_RDWR | O_TRUNC, 0600);
    loff_t in_off = 0;
    CHECK(copy_file_range(fd, &in_off, out, NULL, 5, 0) == 5 && in_off == 5, "copy_file_range: %s",
          strerror(errno));
    int p1[2], p2[2];
    CHECK(pipe(p1) == 0 && pipe(p2) == 0, "pipes");
    loff_t off = 0;
    CHECK(splice(fd, &off, p1[1], NULL, 5, 0) == 5, "splice file->pipe: %s", strerror(errno));
    CHECK(tee(p1[0], p2[1], 5, 0) == 5, "tee: %s", strerror(errno));
    char s1[6] = {0}, s2[6] = {0};
    CHECK(read(p1[0], s1, 5) == 5 && read(p2[0], s2, 5) == 5 && !strcmp(s1, "abcde") && !strcmp(s2, "abcde"),
          "splice/tee data '%s' '%s'", s1, s2);
    CHECK(fchmodat(dfd, "g", 0640, 0) == 0 && statx(dfd, "g", 0, STATX_MODE, &sx) == 0 &&
              (sx.stx_mode & 0777) == 0640, "fchmodat");
    CHECK(fchownat(dfd, "g", getuid(), getgid(), 0) == 0, "fchownat: %s", strerror(errno));
    CHECK(mknodat(dfd, "fifo", S_IFIFO | 0600, 0) == 0 && statx(dfd, "fifo", 0, STATX_MODE, &sx) == 0 &&
              S_ISFIFO(sx.stx_mode), "mknodat fifo: %s", strerror(errno));
    /* qemu-riscv64 7.2 has no openat2 (ENOSYS): checked under polyvm only */
    struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_BENEATH};
    int o2 = getenv("PVTEST_QEMU_ORACLE") ? openat(dfd, "f", O_RDONLY)
                                          : (int)syscall(SYS_openat2, dfd, "f", &how, sizeof how);
    CHECK(o2 >= 0, "openat2: %s", strerror(errno));
    if (!getenv("PVTEST_QEMU_ORACLE"))
        CHECK(syscall(SYS_openat2, dfd, "/etc/passwd", &how, sizeof how) == -1 && errno == EXDEV,
              "openat2 beneath");
    int hi = dup3(o2, 200, 0);
    CHECK(hi == 200 && syscall(SYS_close_range, 200, 210, 0) == 0 && fcntl(200, F_GETFD) == -1 && errno == EBADF,
          "close_range");
    close(o2);
    int cwd = open(".", O_RDONLY | O_DIRECTORY);
    char got[300];
    CHECK(fchdir(dfd) == 0 && getcwd(got, sizeof got) && !strcmp(got, dir), "fchdir -> %s", got);
    CHECK(fchdir(cwd) == 0, "fchdir back");
    close(cwd);
    for (int i = 0; i < 2; i++) {
        close(p1[i]);
        close(p2[i]);
    }
    close(out);
    close(fd);
    unlinkat(dfd, "f", 0);
    unlinkat(dfd, "g", 0);
    unlinkat(dfd, "fifo", 0);
}

static void test_memory(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED, "mmap");
    m[0] = 7;
    m[page] = 9;
    unsigned char vec[2];
    CHECK(mincore(m, 2 * page, vec) == 0 && (vec[0] & 1), "mincore: %s", strerror(errno));
    CHECK(mlock(m, page) == 0 || errno == EPERM || errno == ENOMEM, "mlock: %s", strerror(errno));
    CHECK(munlock(m, page) == 0, "munlock: %s", strerror(errno));
    char *g = mremap(m, 2 * page, 64 * page, MREMAP_MAYMOVE);
    CHECK(g != MAP_FAILED && g[0] == 7 && g[page] == 9 && g[63 * page] == 0, "mremap grow keeps data");
    g[63 * page] = 1;
    char *s = mremap(g, 64 * page, page, 0);
    CHECK(s == g && s[0] == 7, "mremap shrink in place");
    CHECK(munmap(s, page) == 0, "munmap");
}

static volatile sig_atomic_t timer_hits;
static void on_timer(int sig) { (void)sig; timer_hits++; }

static void test_timers(void)
{
    struct sigaction sa = {.sa_handler = on_timer};
    sigaction(SIGUSR2, &sa, NULL);
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2};
    timer_t tid;
    CHECK(timer_create(CLOCK_MONOTONIC, &ev, &tid) == 0, "timer_create: %s", strerror(errno));
    struct itimerspec its = {.it_value = {0, 20000000}}, cur;
    CHECK(timer_settime(tid, 0, &its, NULL) == 0, "timer_settime");
    CHECK(timer_gettime(tid, &cur) == 0 && cur.it_value.tv_nsec > 0, "timer_gettime");
    for (int i = 0; i < 200 && !timer_hits; i++) {
        struct timespec nap = {0, 1000000};
        nanosleep(&nap, NULL);
    }
    CHECK(timer_hits == 1 && timer_getoverrun(tid) == 0, "POSIX timer fired once (%d)", (int)timer_hits);
    CHECK(timer_delete(tid) == 0, "timer_delete");
    struct itimerval iv;
    CHECK(getitimer(ITIMER_REAL, &iv) == 0 && iv.it_value.tv_sec == 0 && iv.it_value.tv_usec == 0, "getitimer");
    int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec t10 = {.it_value = {10, 0}};
    CHECK(timerfd_settime(tfd, 0, &t10, NULL) == 0 && timerfd_gettime(tfd, &cur) == 0 &&
              cur.it_value.tv_sec >= 9 && cur.it_value.tv_sec <= 10, "timerfd_gettime %lld",
          (long long)cur.it_value.tv_sec);
    close(tfd);
}

static void test_signals_and_wait(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int sfd = signalfd(-1, &set, SFD_CLOEXEC);
    CHECK(sfd >= 0, "signalfd: %s", strerror(errno));
    CHECK(syscall(SYS_tkill, (pid_t)syscall(SYS_gettid), SIGUSR1) == 0, "tkill");
    struct signalfd_siginfo si;
    CHECK(read(sfd, &si, sizeof si) == sizeof si && si.ssi_signo == SIGUSR1 && si.ssi_code == SI_TKILL,
          "signalfd read: signo %u code %d", si.ssi_signo, si.ssi_code);
    close(sfd);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    pid_t child = fork();
    if (child == 0) {
        setpgid(0, 0);
        _exit(setsid() == -1 && errno == EPERM ? 23 : 24);
    }
    siginfo_t info = {0};
    CHECK(waitid(P_PID, (id_t)child, &info, WEXITED) == 0 && info.si_pid == child && info.si_code == CLD_EXITED &&
              info.si_status == 23, "waitid: code %d status %d", info.si_code, info.si_status);
}

int main(void)
{
    if (!uc_make_tmpdir("misc", dir, sizeof dir))
        return 1;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0, "open %s", dir);
    test_identity();
    test_files(dfd);
    test_memory();
    test_timers();
    test_signals_and_wait();
    close(dfd);
    CHECK(rmdir(dir) == 0, "rmdir %s: %s", dir, strerror(errno));
    return uc_finish("misc");
}
