/*
 * File-descriptor I/O system calls: open/close, read/write and their
 * vectored and positioned forms, lseek, dup, pipes, fcntl, truncation,
 * sync, locks, and the in-kernel copies (sendfile, splice, tee,
 * copy_file_range).
 *
 * Guest fds are host fds (the guest owns the process's fd table, as under
 * qemu-user), and riscv64 shares x86-64's O_* flags, fcntl commands and
 * struct flock layout, so most calls pass straight through once every
 * guest pointer has been checked and turned into a host pointer. Calls
 * that can block (pipes, ttys, sockets, FIFOs, locks) go through
 * user_safe_syscall so a guest signal interrupts them as on Linux.
 */
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "user-internal.h"

/* ---- guest buffers ---- */

/* How many bytes from addr on are accessible with prot, up to len. Linux
 * copies a read or write buffer until the first bad page and returns the
 * short count, so the host call gets only the accessible prefix. */
static uint64_t accessible_prefix(UserThread *t, uint64_t addr, uint64_t len, unsigned prot)
{
    if (user_ptr(t, addr, len, prot))
        return len;
    uint64_t done = 0;
    while (done < len) {
        uint64_t at = addr + done;
        uint64_t chunk = GUEST_PAGE_SIZE - (at & (GUEST_PAGE_SIZE - 1));
        if (chunk > len - done)
            chunk = len - done;
        if (!user_ptr(t, at, chunk, prot))
            break;
        done += chunk;
    }
    return done;
}

/* The host view of a read/write buffer: sets *host and *len to the part
 * the host call may touch; -EFAULT if not even its first byte is usable.
 * An empty buffer is passed as NULL, which no kernel dereferences. */
static int io_buffer(UserThread *t, uint64_t addr, uint64_t *len, unsigned prot, void **host)
{
    *host = NULL;
    if (*len == 0)
        return 0;
    *len = accessible_prefix(t, addr, *len, prot);
    if (*len == 0)
        return -EFAULT;
    *host = user_ptr(t, addr, *len, prot);
    return 0;
}

/* An optional in/out loff_t argument (sendfile, splice ...): NULL stays
 * NULL, anything else must be a readable and writable guest u64. */
static int offset_pointer(UserThread *t, uint64_t addr, long *host)
{
    *host = 0;
    if (!addr)
        return 0;
    void *p = user_ptr(t, addr, sizeof(int64_t), GUEST_PROT_READ | GUEST_PROT_WRITE);
    if (!p)
        return -EFAULT;
    *host = (long)p;
    return 0;
}

/* Converts a guest iovec array (same layout as the host's) to host iovecs;
 * returns the count to pass on or -errno. As Linux, a negative length is
 * -EINVAL before anything moves, and a bad buffer ends the transfer there:
 * the host call gets the accessible part before it (a short count), or
 * -EFAULT when that part is empty. */
static int64_t host_iovec(UserThread *t, uint64_t guest_iov, uint64_t count, unsigned prot, struct iovec *iov)
{
    if (count > IOV_MAX)
        return -EINVAL;
    const uint64_t *g = user_ptr(t, guest_iov, count * 16, GUEST_PROT_READ);
    if (!g && count)
        return -EFAULT;
    uint64_t wanted = 0;
    for (uint64_t i = 0; i < count; i++) {
        if ((int64_t)g[2 * i + 1] < 0)
            return -EINVAL;
        wanted |= g[2 * i + 1];
    }
    uint64_t usable = 0, n = 0;
    for (; n < count; n++) {
        uint64_t addr = g[2 * n], len = g[2 * n + 1];
        uint64_t ok = len ? accessible_prefix(t, addr, len, prot) : 0;
        iov[n].iov_base = ok ? user_ptr(t, addr, ok, prot) : NULL;
        iov[n].iov_len = ok;
        usable |= ok;
        if (ok < len) {
            n += ok != 0;
            break;
        }
    }
    return wanted && !usable ? -EFAULT : (int64_t)n;
}

/* ---- open and close ---- */

int64_t sys_openat(SYSCALL_ARGS)
{
    char guest[PATH_MAX], path[PATH_MAX];
    long n = user_string(t, a[1], guest, sizeof guest);
    if (n < 0)
        return n;
    int special = user_open_proc_self(t, guest, (int)a[2]);
    if (special != USER_NOT_SPECIAL)
        return special;
    user_map_path(t->proc, guest, path, sizeof path);
    /* opening a FIFO blocks until the other end opens */
    return user_safe_syscall(t, SYS_openat, (long)a[0], (long)path, (long)a[2], (long)a[3], 0, 0);
}

/* struct open_how is extensible: the kernel checks size and the unknown
 * tail itself, so only the range has to be valid guest memory. */
#define OPEN_HOW_MIN_SIZE 24

int64_t sys_openat2(SYSCALL_ARGS)
{
    if (a[3] < OPEN_HOW_MIN_SIZE)
        return -EINVAL;
    if (a[3] > GUEST_PAGE_SIZE)
        return -E2BIG;
    const void *how = user_ptr(t, a[2], a[3], GUEST_PROT_READ);
    if (!how)
        return -EFAULT;
    char path[PATH_MAX];
    int r = user_path(t, a[1], path, sizeof path);
    if (r)
        return r;
    return user_safe_syscall(t, SYS_openat2, (long)a[0], (long)path, (long)how, (long)a[3], 0, 0);
}

int64_t sys_close(SYSCALL_ARGS)
{
    (void)t;
    return user_result(close((int)a[0]));
}

int64_t sys_close_range(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_close_range, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2]));
}

/* ---- read and write ---- */

/* read, write, pread64 and pwrite64 share one shape: (fd, buf, len, pos);
 * the host ignores pos for the first two, so it can always be passed. */
static int64_t buffer_io(UserThread *t, const uint64_t *a, long host_nr, unsigned prot)
{
    uint64_t len = a[2];
    void *buf;
    int r = io_buffer(t, a[1], &len, prot, &buf);
    if (r)
        return r;
    return user_safe_syscall(t, host_nr, (long)a[0], (long)buf, (long)len, (long)a[3], 0, 0);
}

int64_t sys_read(SYSCALL_ARGS) { return buffer_io(t, a, SYS_read, GUEST_PROT_WRITE); }
int64_t sys_write(SYSCALL_ARGS) { return buffer_io(t, a, SYS_write, GUEST_PROT_READ); }
int64_t sys_pread64(SYSCALL_ARGS) { return buffer_io(t, a, SYS_pread64, GUEST_PROT_WRITE); }
int64_t sys_pwrite64(SYSCALL_ARGS) { return buffer_io(t, a, SYS_pwrite64, GUEST_PROT_READ); }

/* The vectored calls share one shape: (fd, iov, count, pos_l, pos_h,
 * flags). On 64-bit both the guest and the host take the whole offset in
 * pos_l and ignore pos_h, so the registers pass through unchanged. */
static int64_t vectored_io(UserThread *t, const uint64_t *a, long host_nr, unsigned prot)
{
    struct iovec iov[IOV_MAX];
    int64_t n = host_iovec(t, a[1], a[2], prot, iov);
    if (n < 0)
        return n;
    return user_safe_syscall(t, host_nr, (long)a[0], (long)iov, (long)n, (long)a[3], (long)a[4], (long)a[5]);
}

int64_t sys_readv(SYSCALL_ARGS) { return vectored_io(t, a, SYS_readv, GUEST_PROT_WRITE); }
int64_t sys_writev(SYSCALL_ARGS) { return vectored_io(t, a, SYS_writev, GUEST_PROT_READ); }
int64_t sys_preadv(SYSCALL_ARGS) { return vectored_io(t, a, SYS_preadv, GUEST_PROT_WRITE); }
int64_t sys_pwritev(SYSCALL_ARGS) { return vectored_io(t, a, SYS_pwritev, GUEST_PROT_READ); }
int64_t sys_preadv2(SYSCALL_ARGS) { return vectored_io(t, a, SYS_preadv2, GUEST_PROT_WRITE); }
int64_t sys_pwritev2(SYSCALL_ARGS) { return vectored_io(t, a, SYS_pwritev2, GUEST_PROT_READ); }

int64_t sys_lseek(SYSCALL_ARGS)
{
    (void)t;
    return user_result(lseek((int)a[0], (off_t)a[1], (int)a[2]));
}

/* ---- descriptors ---- */

int64_t sys_dup(SYSCALL_ARGS)
{
    (void)t;
    return user_result(dup((int)a[0]));
}

int64_t sys_dup3(SYSCALL_ARGS)
{
    (void)t;
    return user_result(dup3((int)a[0], (int)a[1], (int)a[2]));
}

int64_t sys_pipe2(SYSCALL_ARGS)
{
    /* check first: a pipe made for a bad pointer would leak two fds */
    if (!user_ptr(t, a[0], 2 * sizeof(int), GUEST_PROT_WRITE))
        return -EFAULT;
    int fds[2];
    if (pipe2(fds, (int)a[1]) < 0)
        return -errno;
    return user_copy_out(t, a[0], fds, sizeof fds);
}

/* ---- fcntl ---- */

/* What a command's third argument is. Everything not listed gets -EINVAL,
 * as Linux answers an unknown command. */
typedef enum FcntlArg {
    FCNTL_VALUE,        /* an int or nothing: passes through */
    FCNTL_LOCK_GET,     /* struct flock in and out */
    FCNTL_LOCK_SET,     /* struct flock in */
    FCNTL_LOCK_WAIT,    /* struct flock in; may block */
    FCNTL_OWNER_GET,    /* struct f_owner_ex out */
    FCNTL_OWNER_SET,    /* struct f_owner_ex in */
} FcntlArg;

#define FCNTL_COMMANDS(X)                 \
    X(F_DUPFD, FCNTL_VALUE)               \
    X(F_DUPFD_CLOEXEC, FCNTL_VALUE)       \
    X(F_GETFD, FCNTL_VALUE)               \
    X(F_SETFD, FCNTL_VALUE)               \
    X(F_GETFL, FCNTL_VALUE)               \
    X(F_SETFL, FCNTL_VALUE)               \
    X(F_GETOWN, FCNTL_VALUE)              \
    X(F_SETOWN, FCNTL_VALUE)              \
    X(F_GETSIG, FCNTL_VALUE)              \
    X(F_SETSIG, FCNTL_VALUE)              \
    X(F_GETLEASE, FCNTL_VALUE)            \
    X(F_SETLEASE, FCNTL_VALUE)            \
    X(F_NOTIFY, FCNTL_VALUE)              \
    X(F_GETPIPE_SZ, FCNTL_VALUE)          \
    X(F_SETPIPE_SZ, FCNTL_VALUE)          \
    X(F_GET_SEALS, FCNTL_VALUE)           \
    X(F_ADD_SEALS, FCNTL_VALUE)           \
    X(F_GETLK, FCNTL_LOCK_GET)            \
    X(F_SETLK, FCNTL_LOCK_SET)            \
    X(F_SETLKW, FCNTL_LOCK_WAIT)          \
    X(F_OFD_GETLK, FCNTL_LOCK_GET)        \
    X(F_OFD_SETLK, FCNTL_LOCK_SET)        \
    X(F_OFD_SETLKW, FCNTL_LOCK_WAIT)      \
    X(F_GETOWN_EX, FCNTL_OWNER_GET)       \
    X(F_SETOWN_EX, FCNTL_OWNER_SET)

/* struct flock and struct f_owner_ex have one layout on riscv64 and
 * x86-64 (LP64, generic asm/fcntl.h), so the guest's copy is handed on. */
_Static_assert(sizeof(struct flock) == 32, "struct flock differs from riscv64's");
_Static_assert(sizeof(struct f_owner_ex) == 8, "struct f_owner_ex differs from riscv64's");

static int fcntl_arg_kind(uint64_t cmd, FcntlArg *kind)
{
    switch (cmd) {
#define X(name, k) case name: *kind = k; return 0;
        FCNTL_COMMANDS(X)
#undef X
    }
    return -EINVAL;
}

static int64_t fcntl_struct(UserThread *t, const uint64_t *a, size_t size, unsigned prot, bool may_block)
{
    void *arg = user_ptr(t, a[2], size, prot);
    if (!arg)
        return -EFAULT;
    if (may_block)
        return user_safe_syscall(t, SYS_fcntl, (long)a[0], (long)a[1], (long)arg, 0, 0, 0);
    return user_result(syscall(SYS_fcntl, (int)a[0], (int)a[1], arg));
}

int64_t sys_fcntl(SYSCALL_ARGS)
{
    const unsigned rw = GUEST_PROT_READ | GUEST_PROT_WRITE;
    FcntlArg kind;
    if (fcntl_arg_kind((unsigned)a[1], &kind))
        return -EINVAL;
    switch (kind) {
    case FCNTL_VALUE: return user_result(syscall(SYS_fcntl, (int)a[0], (int)a[1], (unsigned long)a[2]));
    case FCNTL_LOCK_GET: return fcntl_struct(t, a, sizeof(struct flock), rw, false);
    case FCNTL_LOCK_SET: return fcntl_struct(t, a, sizeof(struct flock), GUEST_PROT_READ, false);
    case FCNTL_LOCK_WAIT: return fcntl_struct(t, a, sizeof(struct flock), GUEST_PROT_READ, true);
    case FCNTL_OWNER_GET: return fcntl_struct(t, a, sizeof(struct f_owner_ex), GUEST_PROT_WRITE, false);
    case FCNTL_OWNER_SET: return fcntl_struct(t, a, sizeof(struct f_owner_ex), GUEST_PROT_READ, false);
    }
    return -EINVAL;
}

int64_t sys_flock(SYSCALL_ARGS)
{
    /* LOCK_EX/LOCK_SH without LOCK_NB wait for the holder */
    return user_safe_syscall(t, SYS_flock, (long)a[0], (long)a[1], 0, 0, 0, 0);
}

/* ---- size, space and syncing ---- */

int64_t sys_truncate(SYSCALL_ARGS)
{
    char path[PATH_MAX];
    int r = user_path(t, a[0], path, sizeof path);
    if (r)
        return r;
    return user_result(truncate(path, (off_t)a[1]));
}

int64_t sys_ftruncate(SYSCALL_ARGS)
{
    (void)t;
    return user_result(ftruncate((int)a[0], (off_t)a[1]));
}

int64_t sys_fallocate(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_fallocate, (int)a[0], (int)a[1], (off_t)a[2], (off_t)a[3]));
}

int64_t sys_fsync(SYSCALL_ARGS)
{
    (void)t;
    return user_result(fsync((int)a[0]));
}

int64_t sys_fdatasync(SYSCALL_ARGS)
{
    (void)t;
    return user_result(fdatasync((int)a[0]));
}

int64_t sys_sync(SYSCALL_ARGS)
{
    (void)t, (void)a;
    sync();
    return 0;
}

int64_t sys_syncfs(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_syncfs, (int)a[0]));
}

int64_t sys_sync_file_range(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_sync_file_range, (int)a[0], (off_t)a[1], (off_t)a[2], (unsigned)a[3]));
}

/* readahead and fadvise are hints; both ABIs pass 64-bit offsets whole and
 * share the POSIX_FADV_* values. */
int64_t sys_readahead(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_readahead, (int)a[0], (off_t)a[1], (size_t)a[2]));
}

int64_t sys_fadvise64(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_fadvise64, (int)a[0], (off_t)a[1], (off_t)a[2], (int)a[3]));
}

/* ---- in-kernel copies ---- */

int64_t sys_sendfile(SYSCALL_ARGS)
{
    long offset;
    int r = offset_pointer(t, a[2], &offset);
    if (r)
        return r;
    return user_safe_syscall(t, SYS_sendfile, (long)a[0], (long)a[1], offset, (long)a[3], 0, 0);
}

/* splice and copy_file_range: (fd_in, off_in*, fd_out, off_out*, len, flags) */
static int64_t copy_between(UserThread *t, const uint64_t *a, long host_nr)
{
    long off_in, off_out;
    int r = offset_pointer(t, a[1], &off_in);
    if (!r)
        r = offset_pointer(t, a[3], &off_out);
    if (r)
        return r;
    return user_safe_syscall(t, host_nr, (long)a[0], off_in, (long)a[2], off_out, (long)a[4], (long)a[5]);
}

int64_t sys_splice(SYSCALL_ARGS) { return copy_between(t, a, SYS_splice); }
int64_t sys_copy_file_range(SYSCALL_ARGS) { return copy_between(t, a, SYS_copy_file_range); }

int64_t sys_tee(SYSCALL_ARGS)
{
    return user_safe_syscall(t, SYS_tee, (long)a[0], (long)a[1], (long)a[2], (long)a[3], 0, 0);
}

/* ---- anonymous files ---- */

/* The name is only a label shown in /proc; the flags have the same
 * values on both ABIs. */
int64_t sys_memfd_create(SYSCALL_ARGS)
{
    char name[256];
    long n = user_string(t, a[0], name, sizeof name);
    if (n < 0)
        return n == -ENAMETOOLONG ? -EINVAL : n;
    return user_result(syscall(SYS_memfd_create, name, (unsigned)a[1]));
}
