/*
 * File status system calls: fstat, newfstatat, statx, statfs, fstatfs.
 *
 * riscv64 uses the generic struct stat (asm-generic/stat.h, 128 bytes),
 * which x86-64's own struct stat does not match, so those results are
 * converted field by field in one place (guest_stat_from_host). statx and
 * statfs have one layout on both 64-bit ABIs and are copied as they are.
 * Paths go through user_path (the sysroot comes first, as with qemu -L).
 */
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "user-internal.h"

/* struct stat as the riscv64 kernel writes it (asm-generic/stat.h). */
typedef struct GuestStat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_rdev;
    uint64_t pad1;
    int64_t st_size;
    int32_t st_blksize;
    int32_t pad2;
    int64_t st_blocks;
    int64_t st_atime_sec;
    uint64_t st_atime_nsec;
    int64_t st_mtime_sec;
    uint64_t st_mtime_nsec;
    int64_t st_ctime_sec;
    uint64_t st_ctime_nsec;
    uint32_t unused4;
    uint32_t unused5;
} GuestStat;

_Static_assert(sizeof(GuestStat) == 128, "riscv64 struct stat is 128 bytes");
_Static_assert(offsetof(GuestStat, st_size) == 48, "riscv64 st_size offset");
_Static_assert(offsetof(GuestStat, st_atime_sec) == 72, "riscv64 st_atime offset");

/* statx and statfs are written by the host kernel straight into the guest's
 * buffer: these sizes are the riscv64 ones. */
#define GUEST_STATX_SIZE 256
_Static_assert(sizeof(struct statfs) == 120, "struct statfs differs from riscv64's");

static void guest_stat_from_host(GuestStat *g, const struct stat *h)
{
    memset(g, 0, sizeof *g);
    g->st_dev = h->st_dev;
    g->st_ino = h->st_ino;
    g->st_mode = h->st_mode;
    /* x86-64's nlink is 64-bit; Linux clamps it for narrower ABIs too */
    g->st_nlink = h->st_nlink > UINT32_MAX ? UINT32_MAX : (uint32_t)h->st_nlink;
    g->st_uid = h->st_uid;
    g->st_gid = h->st_gid;
    g->st_rdev = h->st_rdev;
    g->st_size = h->st_size;
    g->st_blksize = (int32_t)h->st_blksize;
    g->st_blocks = h->st_blocks;
    g->st_atime_sec = h->st_atim.tv_sec;
    g->st_atime_nsec = (uint64_t)h->st_atim.tv_nsec;
    g->st_mtime_sec = h->st_mtim.tv_sec;
    g->st_mtime_nsec = (uint64_t)h->st_mtim.tv_nsec;
    g->st_ctime_sec = h->st_ctim.tv_sec;
    g->st_ctime_nsec = (uint64_t)h->st_ctim.tv_nsec;
}

static int64_t copy_out_stat(UserThread *t, uint64_t addr, const struct stat *h)
{
    GuestStat g;
    guest_stat_from_host(&g, h);
    return user_copy_out(t, addr, &g, sizeof g);
}

/* The path of an *at call that takes AT_EMPTY_PATH. Since Linux 6.11 a
 * NULL path with AT_EMPTY_PATH means the fd itself, like "". */
static int at_path(UserThread *t, uint64_t addr, int flags, char *out, size_t size)
{
    if (!addr && (flags & AT_EMPTY_PATH)) {
        out[0] = '\0';
        return 0;
    }
    return user_path(t, addr, out, size);
}

int64_t sys_fstat(SYSCALL_ARGS)
{
    /* fail before the call, as the kernel would, so bad buffers never
     * depend on the fd being valid */
    if (!user_ptr(t, a[1], sizeof(GuestStat), GUEST_PROT_WRITE))
        return -EFAULT;
    struct stat st;
    if (fstat((int)a[0], &st) < 0)
        return -errno;
    return copy_out_stat(t, a[1], &st);
}

int64_t sys_newfstatat(SYSCALL_ARGS)
{
    char path[PATH_MAX];
    int r = at_path(t, a[1], (int)a[3], path, sizeof path);
    if (r)
        return r;
    if (!user_ptr(t, a[2], sizeof(GuestStat), GUEST_PROT_WRITE))
        return -EFAULT;
    struct stat st;
    if (fstatat((int)a[0], path, &st, (int)a[3]) < 0)
        return -errno;
    return copy_out_stat(t, a[2], &st);
}

int64_t sys_statx(SYSCALL_ARGS)
{
    char path[PATH_MAX];
    int r = at_path(t, a[1], (int)a[2], path, sizeof path);
    if (r)
        return r;
    void *buf = user_ptr(t, a[4], GUEST_STATX_SIZE, GUEST_PROT_WRITE);
    if (!buf)
        return -EFAULT;
    return user_result(syscall(SYS_statx, (int)a[0], path, (int)a[2], (unsigned)a[3], buf));
}

int64_t sys_statfs(SYSCALL_ARGS)
{
    char path[PATH_MAX];
    int r = user_path(t, a[0], path, sizeof path);
    if (r)
        return r;
    void *buf = user_ptr(t, a[1], sizeof(struct statfs), GUEST_PROT_WRITE);
    if (!buf)
        return -EFAULT;
    return user_result(statfs(path, buf));
}

int64_t sys_fstatfs(SYSCALL_ARGS)
{
    void *buf = user_ptr(t, a[1], sizeof(struct statfs), GUEST_PROT_WRITE);
    if (!buf)
        return -EFAULT;
    return user_result(fstatfs((int)a[0], buf));
}
