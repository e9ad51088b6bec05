/*
 * Guest system-call dispatch for user mode. Arguments come from a0..a5,
 * the number from a7, the result goes to a0 as a negative errno on failure,
 * as the Linux ABI says. The handlers live in sys-*.c, one file per area;
 * syscalls.def says which calls exist and which are implemented, and
 * generates the dispatch table below. `-d strace` logs every call.
 */
#include <stdio.h>

#include "polyvm/log.h"
#include "user-internal.h"

#define SYSCALL_FN_Y(name) sys_##name
#define SYSCALL_FN_N(name) NULL

static const SyscallFn syscall_table[] = {
#define SYSCALL(name, nr, impl) [nr] = SYSCALL_FN_##impl(name),
#include "syscalls.def"
#undef SYSCALL
};

static const char *const syscall_names[] = {
#define SYSCALL(name, nr, impl) [nr] = #name,
#include "syscalls.def"
#undef SYSCALL
};

#define TABLE_SIZE (sizeof syscall_table / sizeof syscall_table[0])

const char *user_syscall_name(uint64_t nr)
{
    return nr < TABLE_SIZE ? syscall_names[nr] : NULL;
}

static void log_unimplemented(UserProcess *p, uint64_t nr)
{
    if (nr < sizeof p->unimp_logged && p->unimp_logged[nr])
        return;
    if (nr < sizeof p->unimp_logged)
        p->unimp_logged[nr] = true;
    const char *name = user_syscall_name(nr);
    log_printf(LOG_UNIMP, "polyvm: unimplemented syscall %llu%s%s -> ENOSYS\n", (unsigned long long)nr,
               name ? " " : "", name ? name : "");
}

int64_t user_syscall(UserThread *t, uint64_t nr, const uint64_t *a)
{
    SyscallFn fn = nr < TABLE_SIZE ? syscall_table[nr] : NULL;
    if (!fn) {
        log_unimplemented(t->proc, nr);
        return -ENOSYS;
    }
    int64_t r = fn(t, a);
    if (log_enabled(LOG_STRACE))
        log_printf(LOG_STRACE, "%d %s(0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx) = %lld\n", (int)t->tid,
                   user_syscall_name(nr), (unsigned long long)a[0], (unsigned long long)a[1],
                   (unsigned long long)a[2], (unsigned long long)a[3], (unsigned long long)a[4],
                   (unsigned long long)a[5], (long long)r);
    return r;
}
