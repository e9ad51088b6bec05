/*
 * Socket system calls: creating, binding, connecting and accepting
 * sockets, socket options, and sending and receiving, including the
 * msghdr forms (sendmsg, recvmsg, sendmmsg, recvmmsg).
 *
 * Guest sockets are host sockets. Socket addresses, msghdr, iovec and
 * cmsghdr have the same layout on riscv64 and the host (LP64 little
 * endian, same constants), so addresses and ancillary data pass unchanged
 * (SCM_RIGHTS descriptors are host fds, which are the guest's); only the
 * pointers inside a msghdr are translated, each checked against guest
 * memory. Calls that may block (connect, accept, send and receive) go
 * through user_safe_syscall so a guest signal interrupts them; the runner
 * restarts them or reports EINTR by SA_RESTART, as Linux does.
 */
#include <linux/filter.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "user-internal.h"

/* riscv64's struct msghdr (same as the host's, but holding guest pointers) */
typedef struct GuestMsghdr {
    uint64_t name;
    uint32_t namelen;
    uint32_t pad0;
    uint64_t iov;
    uint64_t iovlen;
    uint64_t control;
    uint64_t controllen;
    int32_t flags;
    uint32_t pad1;
} GuestMsghdr;

/* riscv64's struct mmsghdr: a msghdr and the byte count of that message */
typedef struct GuestMmsghdr {
    GuestMsghdr hdr;
    uint32_t len;
    uint32_t pad;
} GuestMmsghdr;

_Static_assert(sizeof(struct msghdr) == sizeof(GuestMsghdr), "msghdr layout differs from riscv64");
_Static_assert(sizeof(struct cmsghdr) == 16, "cmsghdr layout differs from riscv64");
_Static_assert(sizeof(struct sockaddr_storage) == 128, "sockaddr_storage differs from riscv64");

/* most messages sendmmsg/recvmmsg handle per call, as Linux (UIO_MAXIOV) */
#define MMSG_MAX 1024

/* Host pointer to guest [addr, addr+len) with prot, or NULL. The kernel
 * never touches a zero-length range, so any guest address is fine for one;
 * it then gets the start of guest memory rather than base + a wild addr. */
static void *net_ptr(UserThread *t, uint64_t addr, uint64_t len, unsigned prot)
{
    return len ? user_ptr(t, addr, len, prot) : t->proc->mem.base;
}

/* Host pointer to an optional guest buffer: guest NULL stays NULL (the host
 * kernel then reacts to NULL as the guest's would); else the whole range
 * must be guest memory with prot. Returns 0 or -EFAULT. */
static int guest_buf(UserThread *t, uint64_t addr, uint64_t len, unsigned prot, void **host)
{
    *host = NULL;
    if (!addr)
        return 0;
    *host = net_ptr(t, addr, len, prot);
    return *host ? 0 : -EFAULT;
}

/* ---- socket addresses ---- */

/* A socket address the guest passes in, copied as the kernel copies it. */
static int copy_sockaddr_in(UserThread *t, uint64_t addr, uint64_t len, struct sockaddr_storage *out)
{
    if ((int)len < 0 || len > sizeof *out)
        return -EINVAL;
    return len ? user_copy_in(t, out, addr, len) : 0;
}

/* A socket address the kernel returns through (addr, *lenp): it writes at
 * most min(*lenp, its own length <= sockaddr_storage) bytes and stores its
 * full length in *lenp, so the host kernel works on the guest's memory
 * once those bytes are known to be guest memory. Guest NULL addr = not
 * wanted (accept, recvfrom). */
static int guest_sockaddr_out(UserThread *t, uint64_t addr, uint64_t lenp_addr, void **host_addr,
                              socklen_t **host_lenp)
{
    *host_addr = NULL;
    *host_lenp = NULL;
    if (!addr)
        return 0;
    socklen_t *lenp = user_ptr(t, lenp_addr, sizeof *lenp, GUEST_PROT_READ | GUEST_PROT_WRITE);
    if (!lenp)
        return -EFAULT;
    if ((int)*lenp < 0)
        return -EINVAL;
    uint64_t most = *lenp < sizeof(struct sockaddr_storage) ? *lenp : sizeof(struct sockaddr_storage);
    *host_addr = net_ptr(t, addr, most, GUEST_PROT_WRITE);
    if (!*host_addr)
        return -EFAULT;
    *host_lenp = lenp;
    return 0;
}

/* ---- sockets ---- */

int64_t sys_socket(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_socket, (int)a[0], (int)a[1], (int)a[2]));
}

int64_t sys_socketpair(SYSCALL_ARGS)
{
    /* checked first: a pair whose fds the guest cannot learn would leak */
    int *fds = user_ptr(t, a[3], 2 * sizeof(int), GUEST_PROT_WRITE);
    if (!fds)
        return -EFAULT;
    return user_result(syscall(SYS_socketpair, (int)a[0], (int)a[1], (int)a[2], fds));
}

int64_t sys_bind(SYSCALL_ARGS)
{
    struct sockaddr_storage sa;
    int r = copy_sockaddr_in(t, a[1], a[2], &sa);
    if (r < 0)
        return r;
    return user_result(syscall(SYS_bind, (int)a[0], &sa, (socklen_t)a[2]));
}

int64_t sys_connect(SYSCALL_ARGS)
{
    struct sockaddr_storage sa;
    int r = copy_sockaddr_in(t, a[1], a[2], &sa);
    if (r < 0)
        return r;
    return user_safe_syscall(t, SYS_connect, (int)a[0], (long)&sa, (socklen_t)a[2], 0, 0, 0);
}

int64_t sys_listen(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_listen, (int)a[0], (int)a[1]));
}

int64_t sys_shutdown(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_shutdown, (int)a[0], (int)a[1]));
}

int64_t sys_accept4(SYSCALL_ARGS)
{
    void *addr;
    socklen_t *lenp;
    int r = guest_sockaddr_out(t, a[1], a[2], &addr, &lenp);
    if (r < 0)
        return r;
    return user_safe_syscall(t, SYS_accept4, (int)a[0], (long)addr, (long)lenp, (int)a[3], 0, 0);
}

int64_t sys_accept(SYSCALL_ARGS)
{
    const uint64_t args[6] = { a[0], a[1], a[2], 0, 0, 0 };
    return sys_accept4(t, args);
}

/* getsockname and getpeername: (fd, addr, lenp), both required */
static int64_t get_name(UserThread *t, long nr, const uint64_t *a)
{
    void *addr;
    socklen_t *lenp;
    int r = a[1] ? guest_sockaddr_out(t, a[1], a[2], &addr, &lenp) : -EFAULT;
    if (r < 0)
        return r;
    return user_result(syscall(nr, (int)a[0], addr, lenp));
}

int64_t sys_getsockname(SYSCALL_ARGS)
{
    return get_name(t, SYS_getsockname, a);
}

int64_t sys_getpeername(SYSCALL_ARGS)
{
    return get_name(t, SYS_getpeername, a);
}

/* ---- socket options ---- */

/* riscv64's struct sock_fprog (a classic BPF program: count, pointer) */
typedef struct GuestSockFprog {
    uint16_t len;
    uint16_t pad[3];
    uint64_t filter;
} GuestSockFprog;

/* Options whose value holds a pointer: a classic BPF program to attach. */
static bool option_is_bpf_program(int level, int name)
{
    return level == SOL_SOCKET && (name == SO_ATTACH_FILTER || name == SO_ATTACH_REUSEPORT_CBPF);
}

/* Attaches a guest BPF program: its instruction array is guest memory. */
static int64_t set_bpf_program(UserThread *t, const uint64_t *a)
{
    GuestSockFprog g;
    if (a[4] < sizeof g)
        return -EINVAL;
    if (user_copy_in(t, &g, a[3], sizeof g))
        return -EFAULT;
    struct sock_fprog prog = { .len = g.len };
    prog.filter = net_ptr(t, g.filter, (uint64_t)g.len * sizeof(struct sock_filter), GUEST_PROT_READ);
    if (!prog.filter)
        return -EFAULT;
    return user_result(syscall(SYS_setsockopt, (int)a[0], (int)a[1], (int)a[2], &prog, sizeof prog));
}

int64_t sys_setsockopt(SYSCALL_ARGS)
{
    if ((int)a[4] < 0)
        return -EINVAL;
    if (option_is_bpf_program((int)a[1], (int)a[2]))
        return set_bpf_program(t, a);
    void *value;
    if (guest_buf(t, a[3], a[4], GUEST_PROT_READ, &value))
        return -EFAULT;
    return user_result(syscall(SYS_setsockopt, (int)a[0], (int)a[1], (int)a[2], value, (socklen_t)a[4]));
}

/* The kernel writes at most *lenp bytes of value and updates *lenp. */
int64_t sys_getsockopt(SYSCALL_ARGS)
{
    socklen_t *lenp = user_ptr(t, a[4], sizeof *lenp, GUEST_PROT_READ | GUEST_PROT_WRITE);
    if (!lenp)
        return -EFAULT;
    if ((int)*lenp < 0)
        return -EINVAL;
    void *value;
    if (guest_buf(t, a[3], *lenp, GUEST_PROT_WRITE, &value))
        return -EFAULT;
    return user_result(syscall(SYS_getsockopt, (int)a[0], (int)a[1], (int)a[2], value, lenp));
}

/* ---- sendto and recvfrom ---- */

int64_t sys_sendto(SYSCALL_ARGS)
{
    void *buf;
    if (guest_buf(t, a[1], a[2], GUEST_PROT_READ, &buf))
        return -EFAULT;
    struct sockaddr_storage sa;
    void *sap = NULL;
    if (a[4]) {
        int r = copy_sockaddr_in(t, a[4], a[5], &sa);
        if (r < 0)
            return r;
        sap = &sa;
    }
    return user_safe_syscall(t, SYS_sendto, (int)a[0], (long)buf, (long)a[2], (int)a[3], (long)sap,
                             sap ? (socklen_t)a[5] : 0);
}

int64_t sys_recvfrom(SYSCALL_ARGS)
{
    void *buf, *addr;
    socklen_t *lenp;
    if (guest_buf(t, a[1], a[2], GUEST_PROT_WRITE, &buf))
        return -EFAULT;
    /* checked before receiving, so a bad address loses no data */
    int r = guest_sockaddr_out(t, a[4], a[5], &addr, &lenp);
    if (r < 0)
        return r;
    return user_safe_syscall(t, SYS_recvfrom, (int)a[0], (long)buf, (long)a[2], (int)a[3], (long)addr, (long)lenp);
}

/* ---- msghdr forms ---- */

/* A guest message translated to the host: the msghdr and its iovecs. */
typedef struct HostMsg {
    struct msghdr hdr;
    struct iovec iov[IOV_MAX];
} HostMsg;

static int host_iovecs(UserThread *t, const GuestMsghdr *g, unsigned prot, HostMsg *m)
{
    if (g->iovlen > IOV_MAX)
        return -EMSGSIZE;
    const uint64_t *giov = net_ptr(t, g->iov, g->iovlen * 16, GUEST_PROT_READ);
    if (!giov)
        return -EFAULT;
    for (uint64_t i = 0; i < g->iovlen; i++) {
        m->iov[i].iov_len = giov[2 * i + 1];
        m->iov[i].iov_base = net_ptr(t, giov[2 * i], m->iov[i].iov_len, prot);
        if (!m->iov[i].iov_base)
            return -EFAULT;
    }
    m->hdr.msg_iov = m->iov;
    m->hdr.msg_iovlen = g->iovlen;
    return 0;
}

/* Translates the guest msghdr *g for sending (buffers read) or receiving
 * (buffers written). Like the kernel, a longer address than any socket's
 * is clamped, and a control buffer over INT_MAX is refused. */
static int host_msg(UserThread *t, const GuestMsghdr *g, bool receiving, HostMsg *m)
{
    unsigned prot = receiving ? GUEST_PROT_WRITE : GUEST_PROT_READ;
    if ((int32_t)g->namelen < 0)
        return -EINVAL;
    if (g->controllen > INT_MAX)
        return -ENOBUFS;
    m->hdr = (struct msghdr){ 0 };
    if (g->name) {
        m->hdr.msg_namelen = g->namelen < sizeof(struct sockaddr_storage) ? g->namelen
                                                                         : sizeof(struct sockaddr_storage);
        if (guest_buf(t, g->name, m->hdr.msg_namelen, prot, &m->hdr.msg_name))
            return -EFAULT;
    }
    if (guest_buf(t, g->control, g->controllen, prot, &m->hdr.msg_control))
        return -EFAULT;
    m->hdr.msg_controllen = g->controllen;
    return host_iovecs(t, g, prot, m);
}

/* What recvmsg reports back in the guest's msghdr at addr: the address
 * length (when an address was asked for), the control length and flags. */
static int store_recv_results(UserThread *t, uint64_t addr, const GuestMsghdr *g, const HostMsg *m)
{
    GuestMsghdr out = *g;
    if (g->name)
        out.namelen = m->hdr.msg_namelen;
    out.controllen = m->hdr.msg_controllen;
    out.flags = m->hdr.msg_flags;
    return user_copy_out(t, addr, &out, sizeof out);
}

/* One sendmsg or recvmsg on the guest msghdr at addr. */
static int64_t one_msg(UserThread *t, int fd, uint64_t addr, int flags, bool receiving)
{
    GuestMsghdr g;
    if (user_copy_in(t, &g, addr, sizeof g))
        return -EFAULT;
    if (receiving && !user_ptr(t, addr, sizeof g, GUEST_PROT_WRITE))
        return -EFAULT;   /* before receiving, so no data is lost */
    HostMsg m;
    int r = host_msg(t, &g, receiving, &m);
    if (r < 0)
        return r;
    long n = user_safe_syscall(t, receiving ? SYS_recvmsg : SYS_sendmsg, fd, (long)&m.hdr, flags, 0, 0, 0);
    if (n >= 0 && receiving && store_recv_results(t, addr, &g, &m))
        return -EFAULT;
    return n;
}

int64_t sys_sendmsg(SYSCALL_ARGS)
{
    return one_msg(t, (int)a[0], a[1], (int)a[2], false);
}

int64_t sys_recvmsg(SYSCALL_ARGS)
{
    return one_msg(t, (int)a[0], a[1], (int)a[2], true);
}

/* Stores a message's byte count in its guest mmsghdr. */
static int store_mmsg_len(UserThread *t, uint64_t entry, long n)
{
    uint32_t len = (uint32_t)n;
    return user_copy_out(t, entry + offsetof(GuestMmsghdr, len), &len, sizeof len);
}

/* sendmmsg: one host sendmsg per message. As on Linux, an error after the
 * first message ends the batch and the count sent so far is returned. */
int64_t sys_sendmmsg(SYSCALL_ARGS)
{
    uint64_t vlen = a[2] < MMSG_MAX ? a[2] : MMSG_MAX;
    uint64_t sent = 0;
    for (; sent < vlen; sent++) {
        uint64_t entry = a[1] + sent * sizeof(GuestMmsghdr);
        long n = one_msg(t, (int)a[0], entry, (int)a[3], false);
        if (n >= 0 && store_mmsg_len(t, entry, n))
            n = -EFAULT;
        if (n < 0)
            return sent ? (int64_t)sent : n;
    }
    return (int64_t)sent;
}

static int64_t timespec_ns(const struct timespec *ts)
{
    return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/* recvmmsg: one host recvmsg per message. MSG_WAITFORONE makes all but the
 * first non-blocking; the timeout, as on Linux, is only looked at after
 * each message, and the time left is written back. */
int64_t sys_recvmmsg(SYSCALL_ARGS)
{
    struct timespec timeout, now;
    int64_t deadline = 0;
    if (a[4]) {
        if (user_copy_in(t, &timeout, a[4], sizeof timeout))
            return -EFAULT;
        if (timeout.tv_sec < 0 || timeout.tv_nsec < 0 || timeout.tv_nsec >= 1000000000)
            return -EINVAL;
        clock_gettime(CLOCK_MONOTONIC, &now);
        deadline = timespec_ns(&now) + timespec_ns(&timeout);
    }
    uint64_t vlen = a[2] < MMSG_MAX ? a[2] : MMSG_MAX;
    int flags = (int)a[3] & ~MSG_WAITFORONE;
    uint64_t got = 0;
    int64_t err = 0;
    while (got < vlen) {
        uint64_t entry = a[1] + got * sizeof(GuestMmsghdr);
        long n = one_msg(t, (int)a[0], entry, flags, true);
        if (n >= 0 && store_mmsg_len(t, entry, n))
            n = -EFAULT;
        if (n < 0) {
            err = n;
            break;
        }
        got++;
        if (a[3] & MSG_WAITFORONE)
            flags |= MSG_DONTWAIT;
        if (a[4]) {
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (timespec_ns(&now) >= deadline)
                break;
        }
    }
    if (a[4] && got) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        int64_t left = deadline > timespec_ns(&now) ? deadline - timespec_ns(&now) : 0;
        timeout = (struct timespec){ .tv_sec = left / 1000000000, .tv_nsec = left % 1000000000 };
        if (user_copy_out(t, a[4], &timeout, sizeof timeout))
            return -EFAULT;
    }
    return got ? (int64_t)got : err;
}
