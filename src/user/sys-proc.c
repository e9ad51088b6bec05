/*
 * Process system calls: exit and exit_group, the getpid family, wait4 and
 * waitid, process groups and sessions, prctl, set_tid_address and the
 * robust futex list.
 */
#include "user-internal.h"

int64_t sys_exit(SYSCALL_ARGS)
{
    t->exited = true;
    t->exit_status = (int)(a[0] & 0xff);
    return 0;
}

int64_t sys_exit_group(SYSCALL_ARGS)
{
    if (t->proc->nthreads > 1)
        user_exit_group(t, (int)(a[0] & 0xff));
    t->exited = true;
    t->exit_status = (int)(a[0] & 0xff);
    return 0;
}
