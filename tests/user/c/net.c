/*
 * Sockets, polling and time under user mode: TCP over 127.0.0.1 (bind to
 * port 0, getsockname, listen, connect, accept4 with SOCK_CLOEXEC, a 64 KiB
 * pattern each way with a forked peer, shutdown, end of stream after the
 * peer closes), UDP sendto/recvfrom with the sender's address,
 * socketpair(AF_UNIX) passing an fd with SCM_RIGHTS, SO_TYPE and
 * SO_REUSEADDR, epoll returning each fd's data.u64, ppoll timing out and
 * then seeing a pipe write, select (pselect6), eventfd counters, a one-shot
 * timerfd, CLOCK_MONOTONIC across nanosleep, and uname's machine. Prints
 * PASS when all hold.
 */
#define _GNU_SOURCE   /* accept4, ppoll */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ucheck.h"

#define PATTERN_SIZE (64 * 1024)

/* A byte sequence with no short period, so a dropped or repeated chunk shows. */
static unsigned char pattern_byte(size_t i, unsigned seed)
{
    return (unsigned char)((i * 131u + (i >> 8) * 7u + seed) & 0xff);
}

static void fill_pattern(unsigned char *buf, unsigned seed)
{
    for (size_t i = 0; i < PATTERN_SIZE; i++)
        buf[i] = pattern_byte(i, seed);
}

static int matches_pattern(const unsigned char *buf, unsigned seed)
{
    for (size_t i = 0; i < PATTERN_SIZE; i++)
        if (buf[i] != pattern_byte(i, seed))
            return 0;
    return 1;
}

static int send_all(int fd, const unsigned char *buf, size_t len)
{
    for (size_t off = 0; off < len;) {
        ssize_t n = send(fd, buf + off, len - off, 0);
        if (n <= 0)
            return -1;
        off += (size_t)n;
    }
    return 0;
}

/* Reads until len bytes or end of stream; returns the count read. */
static size_t recv_all(int fd, unsigned char *buf, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = recv(fd, buf + off, len - off, 0);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    return off;
}

static long ns_between(struct timespec a, struct timespec b)
{
    return (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
}

/* The child is the client: it sends pattern 1, expects pattern 2 back, then
 * closes. Its exit code names the step that went wrong. */
static void tcp_client(const struct sockaddr_in *server)
{
    static unsigned char buf[PATTERN_SIZE];
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (const struct sockaddr *)server, sizeof *server) != 0)
        _exit(10);
    fill_pattern(buf, 1);
    if (send_all(c, buf, sizeof buf) != 0)
        _exit(11);
    if (shutdown(c, SHUT_WR) != 0)
        _exit(12);
    memset(buf, 0, sizeof buf);
    if (recv_all(c, buf, sizeof buf) != sizeof buf)
        _exit(13);
    if (!matches_pattern(buf, 2))
        _exit(14);
    close(c);
    _exit(0);
}

static void test_tcp(void)
{
    static unsigned char buf[PATTERN_SIZE];
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(ls >= 0, "socket: %s", strerror(errno));
    int one = 1, val = 0;
    socklen_t vl = sizeof val;
    CHECK(setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0, "SO_REUSEADDR: %s", strerror(errno));
    CHECK(getsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &val, &vl) == 0 && val != 0 && vl == sizeof val,
          "SO_REUSEADDR read back %d len %u", val, (unsigned)vl);
    vl = sizeof val;
    CHECK(getsockopt(ls, SOL_SOCKET, SO_TYPE, &val, &vl) == 0 && val == SOCK_STREAM, "SO_TYPE %d", val);

    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CHECK(bind(ls, (struct sockaddr *)&sin, sizeof sin) == 0, "bind: %s", strerror(errno));
    CHECK(listen(ls, 4) == 0, "listen: %s", strerror(errno));
    socklen_t sl = sizeof sin;
    CHECK(getsockname(ls, (struct sockaddr *)&sin, &sl) == 0 && sl == sizeof sin && sin.sin_family == AF_INET &&
              sin.sin_port != 0 && sin.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
          "getsockname len %u port %u", (unsigned)sl, ntohs(sin.sin_port));

    pid_t pid = fork();
    CHECK(pid >= 0, "fork: %s", strerror(errno));
    if (pid < 0)
        return;
    if (pid == 0)
        tcp_client(&sin);

    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    int as = accept4(ls, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC);
    CHECK(as >= 0 && pl == sizeof peer && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && peer.sin_port != 0,
          "accept4: %s", strerror(errno));
    CHECK(fcntl(as, F_GETFD) == FD_CLOEXEC, "accepted fd flags %d", fcntl(as, F_GETFD));

    memset(buf, 0, sizeof buf);
    size_t got = recv_all(as, buf, sizeof buf);
    CHECK(got == sizeof buf && matches_pattern(buf, 1), "received %zu bytes from the child", got);
    char extra;
    CHECK(recv(as, &extra, 1, 0) == 0, "no end of stream after the child's shutdown");
    fill_pattern(buf, 2);
    CHECK(send_all(as, buf, sizeof buf) == 0, "send to the child: %s", strerror(errno));
    CHECK(shutdown(as, SHUT_WR) == 0, "shutdown: %s", strerror(errno));

    int status = -1;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "TCP client status 0x%x", (unsigned)status);
    CHECK(recv(as, &extra, 1, 0) == 0, "recv after the peer closed");
    close(as);
    close(ls);
}

static void test_udp(void)
{
    int s1 = socket(AF_INET, SOCK_DGRAM, 0), s2 = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(s1 >= 0 && s2 >= 0, "UDP sockets: %s", strerror(errno));
    int val = 0;
    socklen_t vl = sizeof val;
    CHECK(getsockopt(s1, SOL_SOCKET, SO_TYPE, &val, &vl) == 0 && val == SOCK_DGRAM, "UDP SO_TYPE %d", val);
    struct sockaddr_in a1 = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)}, a2 = a1;
    socklen_t l1 = sizeof a1, l2 = sizeof a2;
    CHECK(bind(s1, (struct sockaddr *)&a1, sizeof a1) == 0 && getsockname(s1, (struct sockaddr *)&a1, &l1) == 0,
          "bind s1: %s", strerror(errno));
    CHECK(bind(s2, (struct sockaddr *)&a2, sizeof a2) == 0 && getsockname(s2, (struct sockaddr *)&a2, &l2) == 0,
          "bind s2: %s", strerror(errno));
    CHECK(sendto(s1, "datagram", 8, 0, (struct sockaddr *)&a2, sizeof a2) == 8, "sendto: %s", strerror(errno));
    char buf[16] = {0};
    struct sockaddr_in from;
    memset(&from, 0, sizeof from);
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(s2, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    CHECK(n == 8 && memcmp(buf, "datagram", 8) == 0, "recvfrom %zd '%s'", n, buf);
    CHECK(fl == sizeof from && from.sin_family == AF_INET && from.sin_port == a1.sin_port &&
              from.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
          "source len %u port %u (want %u)", (unsigned)fl, ntohs(from.sin_port), ntohs(a1.sin_port));
    close(s1);
    close(s2);
}

static void test_scm_rights(void)
{
    int sv[2], pipefd[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair: %s", strerror(errno));
    CHECK(pipe(pipefd) == 0, "pipe: %s", strerror(errno));
    CHECK(write(pipefd[1], "through the fd", 14) == 14, "pipe write");

    char data[] = "fd!";
    struct iovec iov = {data, 3};
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &pipefd[0], sizeof(int));
    CHECK(sendmsg(sv[0], &msg, 0) == 3, "sendmsg: %s", strerror(errno));
    close(pipefd[0]);

    char rdata[8] = {0};
    struct iovec riov = {rdata, sizeof rdata};
    union {
        struct cmsghdr align;
        char buf[64];
    } rctl;
    memset(&rctl, 0, sizeof rctl);
    struct msghdr rmsg = {.msg_iov = &riov, .msg_iovlen = 1, .msg_control = rctl.buf, .msg_controllen = sizeof rctl.buf};
    CHECK(recvmsg(sv[1], &rmsg, 0) == 3 && memcmp(rdata, "fd!", 3) == 0, "recvmsg '%s': %s", rdata, strerror(errno));
    struct cmsghdr *rc = CMSG_FIRSTHDR(&rmsg);
    int got = -1;
    CHECK(rc && rc->cmsg_level == SOL_SOCKET && rc->cmsg_type == SCM_RIGHTS && rc->cmsg_len == CMSG_LEN(sizeof(int)),
          "control message missing or wrong");
    if (rc)
        memcpy(&got, CMSG_DATA(rc), sizeof got);
    CHECK(!(rmsg.msg_flags & MSG_CTRUNC), "MSG_CTRUNC set");
    char via[16] = {0};
    CHECK(got >= 0 && read(got, via, sizeof via) == 14 && memcmp(via, "through the fd", 14) == 0,
          "passed fd %d read '%s'", got, via);
    if (got >= 0)
        close(got);
    close(pipefd[1]);
    close(sv[0]);
    close(sv[1]);
}

static void test_epoll(void)
{
    int ready[2], idle[2];
    CHECK(pipe(ready) == 0 && pipe(idle) == 0, "pipes: %s", strerror(errno));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK(ep >= 0, "epoll_create1: %s", strerror(errno));
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1122334455667788ull};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ready[0], &ev) == 0, "epoll_ctl ready: %s", strerror(errno));
    ev.data.u64 = 0xdeadbeefcafef00dull;
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, idle[0], &ev) == 0, "epoll_ctl idle: %s", strerror(errno));
    CHECK(write(ready[1], "x", 1) == 1, "pipe write");
    struct epoll_event out[4];
    memset(out, 0, sizeof out);
    int n = epoll_wait(ep, out, 4, 1000);
    CHECK(n == 1 && out[0].events == EPOLLIN && out[0].data.u64 == 0x1122334455667788ull,
          "epoll_wait %d events 0x%x data 0x%llx", n, out[0].events, (unsigned long long)out[0].data.u64);
    CHECK(write(idle[1], "y", 1) == 1, "pipe write");
    char b;
    CHECK(read(ready[0], &b, 1) == 1, "pipe read");
    n = epoll_wait(ep, out, 4, 1000);
    CHECK(n == 1 && out[0].data.u64 == 0xdeadbeefcafef00dull, "second epoll_wait %d data 0x%llx", n,
          (unsigned long long)out[0].data.u64);
    close(ep);
    close(ready[0]);
    close(ready[1]);
    close(idle[0]);
    close(idle[1]);
}

static void test_ppoll_select(void)
{
    int p[2];
    CHECK(pipe(p) == 0, "pipe: %s", strerror(errno));
    struct pollfd pfd = {p[0], POLLIN, 0};
    struct timespec to = {0, 20000000}, t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(ppoll(&pfd, 1, &to, NULL) == 0 && pfd.revents == 0, "ppoll on an empty pipe revents 0x%x", pfd.revents);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(ns_between(t0, t1) >= 20000000, "ppoll returned after %ld ns", ns_between(t0, t1));

    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    struct timeval tv = {0, 10000};
    CHECK(select(p[0] + 1, &rd, NULL, NULL, &tv) == 0 && !FD_ISSET(p[0], &rd), "select on an empty pipe");

    CHECK(write(p[1], "z", 1) == 1, "pipe write");
    to = (struct timespec){1, 0};
    CHECK(ppoll(&pfd, 1, &to, NULL) == 1 && pfd.revents == POLLIN, "ppoll after a write revents 0x%x", pfd.revents);
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    fd_set wr;
    FD_ZERO(&wr);
    FD_SET(p[1], &wr);
    tv = (struct timeval){1, 0};
    CHECK(select(p[1] + 1, &rd, &wr, NULL, &tv) == 2 && FD_ISSET(p[0], &rd) && FD_ISSET(p[1], &wr),
          "select after a write");
    close(p[0]);
    close(p[1]);
}

static void test_eventfd_timerfd(void)
{
    int efd = eventfd(3, EFD_NONBLOCK);
    CHECK(efd >= 0, "eventfd: %s", strerror(errno));
    uint64_t v = 4;
    CHECK(write(efd, &v, 8) == 8, "eventfd write");
    v = 0;
    CHECK(read(efd, &v, 8) == 8 && v == 7, "eventfd counter %llu", (unsigned long long)v);
    CHECK(read(efd, &v, 8) == -1 && errno == EAGAIN, "empty eventfd read: %s", strerror(errno));
    close(efd);

    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    CHECK(tfd >= 0, "timerfd_create: %s", strerror(errno));
    struct itimerspec its = {{0, 0}, {0, 20000000}};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(timerfd_settime(tfd, 0, &its, NULL) == 0, "timerfd_settime: %s", strerror(errno));
    uint64_t ticks = 0;
    CHECK(read(tfd, &ticks, 8) == 8 && ticks == 1, "timerfd ticks %llu", (unsigned long long)ticks);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(ns_between(t0, t1) >= 20000000, "timerfd fired after %ld ns", ns_between(t0, t1));
    close(tfd);
}

static void test_clock_uname(void)
{
    struct timespec a, b, req = {0, 10000000};
    CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0, "clock_gettime: %s", strerror(errno));
    CHECK(nanosleep(&req, NULL) == 0, "nanosleep: %s", strerror(errno));
    CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0, "clock_gettime: %s", strerror(errno));
    long ns = ns_between(a, b);
    CHECK(ns >= 10000000, "monotonic clock moved %ld ns across a 10 ms sleep", ns);
    struct utsname u;
    memset(&u, 0, sizeof u);
    CHECK(uname(&u) == 0 && strcmp(u.machine, "riscv64") == 0, "uname machine '%s'", u.machine);
}

int main(void)
{
    test_tcp();
    test_udp();
    test_scm_rights();
    test_epoll();
    test_ppoll_select();
    test_eventfd_timerfd();
    test_clock_uname();
    return uc_finish("net");
}
