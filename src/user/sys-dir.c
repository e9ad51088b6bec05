/*
 * Directory and name system calls: getdents64, the working directory
 * (getcwd, chdir, fchdir, chroot), creating, linking, renaming and removing
 * names, readlinkat, access checks, permissions, ownership, timestamps and
 * umask; inotify watches.
 *
 * Every path argument goes through user_path, so absolute names are looked
 * up in the sysroot first (as qemu -L does); a symlink's target is stored
 * text, not a name to look up, and is passed as the guest wrote it. The
 * structures involved (linux_dirent64, timespec) have one layout on
 * riscv64 and x86-64, so buffers are handed to the host kernel directly
 * once checked.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "user-internal.h"

int64_t sys_getdents64(SYSCALL_ARGS)
{
    void *buf = user_ptr(t, a[1], a[2], GUEST_PROT_WRITE);
    if (!buf)
        return -EFAULT;
    return user_result(syscall(SYS_getdents64, (int)a[0], buf, (unsigned)a[2]));
}

/* ---- working directory ---- */

int64_t sys_getcwd(SYSCALL_ARGS)
{
    char cwd[PATH_MAX];
    size_t size = a[1] < sizeof cwd ? a[1] : sizeof cwd;
    /* the raw syscall (not libc's getcwd) returns the length with the NUL */
    long n = syscall(SYS_getcwd, cwd, size);
    if (n < 0)
        return -errno;
    int r = user_copy_out(t, a[0], cwd, (size_t)n);
    return r ? r : n;
}

int64_t sys_chdir(SYSCALL_ARGS)
{
    char path[PATH_MAX];
    int r = user_path(t, a[0], path, sizeof path);
    if (r)
        return r;
    return user_result(chdir(path));
}

int64_t sys_fchdir(SYSCALL_ARGS)
{
    (void)t;
    return user_result(fchdir((int)a[0]));
}

/* Passed through: it changes polyvm's root too, which is what the guest
 * means when it runs with privileges (the sysroot lookup stays relative). */
int64_t sys_chroot(SYSCALL_ARGS)
{
    char path[PATH_MAX];
    int r = user_path(t, a[0], path, sizeof path);
    if (r)
        return r;
    return user_result(chroot(path));
}

int64_t sys_umask(SYSCALL_ARGS)
{
    (void)t;
    return umask((mode_t)(a[0] & 0777));
}

/* ---- creating and removing names ---- */

int64_t sys_mkdirat(SYSCALL_ARGS)
{
    char path[PATH_MAX];
    int r = user_path(t, a[1], path, sizeof path);
    if (r)
        return r;
    return user_result(mkdirat((int)a[0], path, (mode_t)a[2]));
}

int64_t sys_mknodat(SYSCALL_ARGS)
{
    char path[PATH_MAX];
    int r = user_path(t, a[1], path, sizeof path);
    if (r)
        return r;
    /* dev is the kernel's 32-bit encoding on both ABIs */
    return user_result(syscall(SYS_mknodat, (int)a[0], path, (unsigned)a[2], (unsigned)a[3]));
}

int64_t sys_unlinkat(SYSCALL_ARGS)
{
    char path[PATH_MAX];
    int r = user_path(t, a[1], path, sizeof path);
    if (r)
        return r;
    return user_result(unlinkat((int)a[0], path, (int)a[2]));
}

/* Reads and maps the old and new paths of a rename or link. */
static int two_paths(UserThread *t, uint64_t old_addr, uint64_t new_addr, char *old_path, char *new_path)
{
    int r = user_path(t, old_addr, old_path, PATH_MAX);
    return r ? r : user_path(t, new_addr, new_path, PATH_MAX);
}

int64_t sys_renameat2(SYSCALL_ARGS)
{
    char old_path[PATH_MAX], new_path[PATH_MAX];
    int r = two_paths(t, a[1], a[3], old_path, new_path);
    if (r)
        return r;
    return user_result(syscall(SYS_renameat2, (int)a[0], old_path, (int)a[2], new_path, (unsigned)a[4]));
}

int64_t sys_linkat(SYSCALL_ARGS)
{
    char old_path[PATH_MAX], new_path[PATH_MAX];
    int r = two_paths(t, a[1], a[3], old_path, new_path);
    if (r)
        return r;
    return user_result(linkat((int)a[0], old_path, (int)a[2], new_path, (int)a[4]));
}

int64_t sys_symlinkat(SYSCALL_ARGS)
{
    char target[PATH_MAX], link_path[PATH_MAX];
    long n = user_string(t, a[0], target, sizeof target);
    if (n < 0)
        return n;
    int r = user_path(t, a[2], link_path, sizeof link_path);
    if (r)
        return r;
    return user_result(symlinkat(target, (int)a[1], link_path));
}

/* ---- reading links ---- */

/* The target of the link: the guest program for its own /proc exe link,
 * else the host's answer for the mapped path. Returns length or -errno. */
static long link_target(UserThread *t, int dirfd, const char *guest_path, char *out, size_t size)
{
    if (user_is_proc_self_exe(guest_path)) {
        size_t len = strlen(t->proc->exe_path);
        if (len > size)
            len = size;
        memcpy(out, t->proc->exe_path, len);
        return (long)len;
    }
    char path[PATH_MAX];
    user_map_path(t->proc, guest_path, path, sizeof path);
    long n = readlinkat(dirfd, path, out, size);
    return n < 0 ? -errno : n;
}

int64_t sys_readlinkat(SYSCALL_ARGS)
{
    char guest_path[PATH_MAX], target[PATH_MAX];
    if ((int)a[3] <= 0)
        return -EINVAL;
    long n = user_string(t, a[1], guest_path, sizeof guest_path);
    if (n < 0)
        return n;
    n = link_target(t, (int)a[0], guest_path, target, sizeof target);
    if (n < 0)
        return n;
    /* readlink truncates to the buffer silently and writes no NUL */
    if (n > (int)a[3])
        n = (int)a[3];
    int r = user_copy_out(t, a[2], target, (size_t)n);
    return r ? r : n;
}

/* ---- access, permissions, ownership, times ---- */

int64_t sys_faccessat(SYSCALL_ARGS)
{
    char path[PATH_MAX];
    int r = user_path(t, a[1], path, sizeof path);
    if (r)
        return r;
    return user_result(syscall(SYS_faccessat, (int)a[0], path, (int)a[2]));
}

int64_t sys_faccessat2(SYSCALL_ARGS)
{
    char path[PATH_MAX];
    int r = user_path(t, a[1], path, sizeof path);
    if (r)
        return r;
    return user_result(syscall(SYS_faccessat2, (int)a[0], path, (int)a[2], (int)a[3]));
}

int64_t sys_fchmod(SYSCALL_ARGS)
{
    (void)t;
    return user_result(fchmod((int)a[0], (mode_t)a[1]));
}

int64_t sys_fchmodat(SYSCALL_ARGS)
{
    char path[PATH_MAX];
    int r = user_path(t, a[1], path, sizeof path);
    if (r)
        return r;
    /* the syscall has no flags argument (libc's fchmodat emulates some) */
    return user_result(syscall(SYS_fchmodat, (int)a[0], path, (mode_t)a[2]));
}

int64_t sys_fchown(SYSCALL_ARGS)
{
    (void)t;
    return user_result(fchown((int)a[0], (uid_t)a[1], (gid_t)a[2]));
}

int64_t sys_fchownat(SYSCALL_ARGS)
{
    char path[PATH_MAX];
    int r = user_path(t, a[1], path, sizeof path);
    if (r)
        return r;
    return user_result(fchownat((int)a[0], path, (uid_t)a[2], (gid_t)a[3], (int)a[4]));
}

/* utimensat(dirfd, path, times, flags): a NULL path means dirfd itself
 * and NULL times means "now", so both stay NULL rather than -EFAULT. */
int64_t sys_utimensat(SYSCALL_ARGS)
{
    char path[PATH_MAX];
    const char *host_path = NULL;
    if (a[1]) {
        int r = user_path(t, a[1], path, sizeof path);
        if (r)
            return r;
        host_path = path;
    }
    const struct timespec *times = NULL;
    if (a[2]) {
        times = user_ptr(t, a[2], 2 * sizeof(struct timespec), GUEST_PROT_READ);
        if (!times)
            return -EFAULT;
    }
    return user_result(syscall(SYS_utimensat, (int)a[0], host_path, times, (int)a[3]));
}

/* ---- watching names (inotify) ---- */

/* struct inotify_event has one layout on both ABIs, so reading events is
 * a plain read(); only the watched path needs mapping. */
int64_t sys_inotify_init1(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_inotify_init1, (int)a[0]));
}

int64_t sys_inotify_add_watch(SYSCALL_ARGS)
{
    char path[PATH_MAX];
    int r = user_path(t, a[1], path, sizeof path);
    if (r)
        return r;
    return user_result(syscall(SYS_inotify_add_watch, (int)a[0], path, (uint32_t)a[2]));
}

int64_t sys_inotify_rm_watch(SYSCALL_ARGS)
{
    (void)t;
    return user_result(syscall(SYS_inotify_rm_watch, (int)a[0], (int)a[1]));
}
