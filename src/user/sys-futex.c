/*
 * futex for riscv64 guests, done by the host kernel.
 *
 * A guest futex word at guest address A is the host word at mem.base + A,
 * and guest threads are host threads, so the host futex does all the
 * work: waiters and wakers meet on the same host address, shared futexes
 * in MAP_SHARED memory meet across processes, and the PI operations see
 * guest tids that are host tids. This file only checks the guest's
 * addresses (aligned, mapped) and hands the host addresses on. The
 * timespec layout is the same on both sides. Waits go through
 * user_safe_syscall so that a guest signal interrupts them.
 */
#include <linux/futex.h>
#include <time.h>
#include <sys/syscall.h>

#include "user-internal.h"

/* Host address of a guest futex word, or NULL with *err set. */
static uint32_t *futex_word(UserThread *t, uint64_t addr, unsigned prot, int64_t *err)
{
    if (addr & 3) {
        *err = -EINVAL;
        return NULL;
    }
    uint32_t *w = user_ptr(t, addr, 4, prot);
    if (!w)
        *err = -EFAULT;
    return w;
}

int64_t sys_futex(SYSCALL_ARGS)
{
    int op = (int)a[1];
    int cmd = op & FUTEX_CMD_MASK;
    int64_t err = 0;
    uint32_t *uaddr, *uaddr2 = NULL;
    struct timespec ts, *timeout = NULL;
    long val = (long)(uint32_t)a[2], val3 = (long)(uint32_t)a[5];

    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
        /* LOCK_PI also writes the word, but the kernel does that itself
         * and fails with EFAULT if it may not. */
        if (!(uaddr = futex_word(t, a[0], GUEST_PROT_READ, &err)))
            return err;
        if ((err = user_copy_in_opt(t, &ts, a[3], sizeof ts, (void **)&timeout)))
            return err;
        return user_safe_syscall(t, SYS_futex, (long)uaddr, op, val, (long)timeout, 0, val3);
    case FUTEX_WAIT_REQUEUE_PI:
        if (!(uaddr = futex_word(t, a[0], GUEST_PROT_READ, &err)) ||
            !(uaddr2 = futex_word(t, a[4], GUEST_PROT_READ, &err)))
            return err;
        if ((err = user_copy_in_opt(t, &ts, a[3], sizeof ts, (void **)&timeout)))
            return err;
        return user_safe_syscall(t, SYS_futex, (long)uaddr, op, val, (long)timeout, (long)uaddr2, val3);
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
        /* a private wake never touches the word, so on Linux waking an
         * unmapped one just finds nobody (memory freed after an unlock) */
        if (!(uaddr = futex_word(t, a[0], GUEST_PROT_READ, &err)))
            return err == -EFAULT && (op & FUTEX_PRIVATE_FLAG) ? 0 : err;
        return user_result(syscall(SYS_futex, uaddr, op, val, NULL, NULL, val3));
    case FUTEX_TRYLOCK_PI:
    case FUTEX_UNLOCK_PI:
        if (!(uaddr = futex_word(t, a[0], GUEST_PROT_READ, &err)))
            return err;
        return user_result(syscall(SYS_futex, uaddr, op, val, NULL, NULL, val3));
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
    case FUTEX_CMP_REQUEUE_PI:
        /* the fourth argument is a count here, not a timeout */
        if (!(uaddr = futex_word(t, a[0], GUEST_PROT_READ, &err)) ||
            !(uaddr2 = futex_word(t, a[4], GUEST_PROT_READ, &err)))
            return err;
        return user_result(syscall(SYS_futex, uaddr, op, val, (long)(uint32_t)a[3], uaddr2, val3));
    case FUTEX_WAKE_OP:
        /* the operation is done on the second word */
        if (!(uaddr = futex_word(t, a[0], GUEST_PROT_READ, &err)) ||
            !(uaddr2 = futex_word(t, a[4], GUEST_PROT_READ | GUEST_PROT_WRITE, &err)))
            return err;
        return user_result(syscall(SYS_futex, uaddr, op, val, (long)(uint32_t)a[3], uaddr2, val3));
    default:
        return -ENOSYS;
    }
}
