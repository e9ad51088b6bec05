/*
 * Guest system-call dispatch for user mode. Arguments come from a0..a5,
 * the number from a7, the result goes to a0 as a negative errno on failure,
 * as the Linux ABI says. Guest buffers are reached through guest_mem_ptr(),
 * so a bad pointer yields -EFAULT instead of touching host memory.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>

#include "polyvm/log.h"
#include "user-internal.h"

enum {
#define SYSCALL(name, nr) SYS_##name = nr,
#include "syscalls.def"
#undef SYSCALL
};

static int64_t result_of(ssize_t r) { return r < 0 ? -errno : r; }

static int64_t sys_write(UserProcess *p, const uint64_t *a)
{
    const void *buf = guest_mem_ptr(&p->mem, a[1], a[2], GUEST_PROT_READ);
    if (!buf && a[2])
        return -EFAULT;
    return result_of(write((int)a[0], buf, a[2]));
}

static int64_t sys_writev(UserProcess *p, const uint64_t *a)
{
    enum { MAX_IOV = 1024 };
    uint64_t count = a[2];
    if (count > MAX_IOV)
        return -EINVAL;
    const uint64_t *giov = guest_mem_ptr(&p->mem, a[1], count * 16, GUEST_PROT_READ);
    if (!giov && count)
        return -EFAULT;
    struct iovec iov[MAX_IOV];
    for (uint64_t i = 0; i < count; i++) {
        iov[i].iov_len = giov[2 * i + 1];
        iov[i].iov_base = guest_mem_ptr(&p->mem, giov[2 * i], iov[i].iov_len, GUEST_PROT_READ);
        if (!iov[i].iov_base && iov[i].iov_len)
            return -EFAULT;
    }
    return result_of(writev((int)a[0], iov, (int)count));
}

static const char *syscall_name(uint64_t nr)
{
    switch (nr) {
#define SYSCALL(name, number) case number: return #name;
#include "syscalls.def"
#undef SYSCALL
    default: return NULL;
    }
}

int64_t user_syscall(UserProcess *p, uint64_t nr, const uint64_t *a)
{
    switch (nr) {
    case SYS_write: return sys_write(p, a);
    case SYS_writev: return sys_writev(p, a);
    case SYS_exit:
    case SYS_exit_group:
        p->exited = true;
        p->exit_status = (int)(a[0] & 0xff);
        return 0;
    default:
        break;
    }
    if (nr < 1024 && !p->unimp_logged[nr]) {
        p->unimp_logged[nr] = true;
        const char *name = syscall_name(nr);
        log_printf(LOG_UNIMP, "polyvm: unimplemented syscall %llu%s%s -> ENOSYS\n", (unsigned long long)nr,
                   name ? " " : "", name ? name : "");
    }
    return -ENOSYS;
}
