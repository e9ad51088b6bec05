/*
 * Blocking host system calls that a guest signal can interrupt
 * (user_safe_syscall, see user-internal.h).
 */
#include <unistd.h>

#include "user-internal.h"

long user_safe_syscall(UserThread *t, long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
    if (atomic_load(&t->sig_pending) & ~t->sig_blocked)
        return -USER_ERESTARTSYS;
    long r = syscall(nr, a0, a1, a2, a3, a4, a5);
    if (r < 0 && errno == EINTR)
        return -USER_ERESTARTSYS;
    return r < 0 ? -errno : r;
}
