/*
 * Guest pointers and paths for the syscall layer. Every guest address a
 * syscall receives goes through here: a pointer into unmapped or protected
 * guest memory gives -EFAULT, never a host access outside the guest range.
 *
 * Paths follow qemu-user's -L rule: an absolute guest path that exists in
 * the sysroot is used from there (so the dynamic loader finds the guest's
 * libc), anything else is the host's own path. /proc/self/exe names the
 * guest program, not polyvm.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "user-internal.h"

void *user_ptr(UserThread *t, uint64_t addr, uint64_t len, unsigned prot)
{
    return guest_mem_ptr(&t->proc->mem, addr, len, prot);
}

int user_copy_in(UserThread *t, void *dst, uint64_t src, size_t len)
{
    const void *s = user_ptr(t, src, len, GUEST_PROT_READ);
    if (!s && len)
        return -EFAULT;
    memcpy(dst, s, len);
    return 0;
}

int user_copy_out(UserThread *t, uint64_t dst, const void *src, size_t len)
{
    void *d = user_ptr(t, dst, len, GUEST_PROT_WRITE);
    if (!d && len)
        return -EFAULT;
    memcpy(d, src, len);
    return 0;
}

int user_copy_in_opt(UserThread *t, void *dst, uint64_t src, size_t len, void **host)
{
    *host = NULL;
    if (!src)
        return 0;
    if (user_copy_in(t, dst, src, len))
        return -EFAULT;
    *host = dst;
    return 0;
}

long user_string(UserThread *t, uint64_t addr, char *buf, size_t size)
{
    const GuestMem *m = &t->proc->mem;
    for (size_t i = 0; i < size; i++) {
        /* check page by page: the string may end just before an unmapped page */
        if (i == 0 || ((addr + i) & (GUEST_PAGE_SIZE - 1)) == 0)
            if (!guest_mem_check(m, addr + i, 1, GUEST_PROT_READ))
                return -EFAULT;
        buf[i] = (char)m->base[addr + i];
        if (!buf[i])
            return (long)i;
    }
    return -ENAMETOOLONG;
}

bool user_is_proc_self_exe(const char *path)
{
    char self[64];
    snprintf(self, sizeof self, "/proc/%d/exe", (int)getpid());
    return !strcmp(path, "/proc/self/exe") || !strcmp(path, "/proc/thread-self/exe") || !strcmp(path, self);
}

void user_map_path(UserProcess *p, const char *path, char *out, size_t size)
{
    if (user_is_proc_self_exe(path)) {
        snprintf(out, size, "%s", p->exe_path);
        return;
    }
    if (p->sysroot[0] && path[0] == '/' && strcmp(path, "/") != 0) {
        struct stat st;
        int n = snprintf(out, size, "%s%s", p->sysroot, path);
        if (n > 0 && (size_t)n < size && lstat(out, &st) == 0)
            return;
    }
    snprintf(out, size, "%s", path);
}

int user_path(UserThread *t, uint64_t addr, char *out, size_t size)
{
    char guest[PATH_MAX];
    long n = user_string(t, addr, guest, sizeof guest);
    if (n < 0)
        return (int)n;
    user_map_path(t->proc, guest, out, size);
    return 0;
}
