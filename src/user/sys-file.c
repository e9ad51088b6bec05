/*
 * File-descriptor I/O system calls: open/close, read/write and their
 * vectored and positioned forms, lseek, dup, pipes, fcntl, sync, sendfile.
 * Guest fds are host fds (the guest owns the process's fd table, as under
 * qemu-user); buffers are checked guest ranges. Calls that can block go
 * through user_safe_syscall so a signal interrupts them as on Linux.
 */
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "user-internal.h"

int64_t sys_write(SYSCALL_ARGS)
{
    if (!user_ptr(t, a[1], a[2], GUEST_PROT_READ) && a[2])
        return -EFAULT;
    return user_safe_syscall(t, SYS_write, (long)a[0], (long)(t->proc->mem.base + a[1]), (long)a[2], 0, 0, 0);
}

/* Converts a guest iovec array to host iovecs; returns count or -errno. */
static int64_t host_iovec(UserThread *t, uint64_t guest_iov, uint64_t count, unsigned prot, struct iovec *iov)
{
    if (count > IOV_MAX)
        return -EINVAL;
    const uint64_t *g = user_ptr(t, guest_iov, count * 16, GUEST_PROT_READ);
    if (!g && count)
        return -EFAULT;
    for (uint64_t i = 0; i < count; i++) {
        iov[i].iov_len = g[2 * i + 1];
        iov[i].iov_base = user_ptr(t, g[2 * i], iov[i].iov_len, prot);
        if (!iov[i].iov_base && iov[i].iov_len)
            return -EFAULT;
    }
    return (int64_t)count;
}

int64_t sys_writev(SYSCALL_ARGS)
{
    struct iovec iov[IOV_MAX];
    int64_t n = host_iovec(t, a[1], a[2], GUEST_PROT_READ, iov);
    if (n < 0)
        return n;
    return user_safe_syscall(t, SYS_writev, (long)a[0], (long)iov, (long)n, 0, 0, 0);
}
