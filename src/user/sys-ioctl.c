/*
 * The ioctl system call for terminals and other common fds.
 *
 * riscv64 and x86-64 both take their terminal ioctl numbers and structures
 * from the generic kernel headers (asm-generic/ioctls.h, termbits.h), so a
 * known request passes through to the host once its argument has been
 * checked: the table below says, per request, whether the argument is a
 * plain value or a guest buffer of a given size read or written by the
 * kernel. Anything not in the table answers -ENOTTY, what Linux says to a
 * request the fd does not know (current qemu-user agrees; its
 * 7.2 said -ENOSYS), and is logged once under -d unimp.
 */
#include <asm/termbits.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "polyvm/log.h"
#include "user-internal.h"

/* The kernel's termios structures (asm/termbits.h, not libc's struct
 * termios, which adds speed fields on x86-64): 4 tcflag_t, c_line,
 * c_cc[19], then for termios2 two speed_t, as on riscv64. */
#define KERNEL_TERMIOS_SIZE 36
#define KERNEL_TERMIOS2_SIZE 44
_Static_assert(sizeof(struct termios) == KERNEL_TERMIOS_SIZE, "kernel termios differs from riscv64's");
_Static_assert(sizeof(struct termios2) == KERNEL_TERMIOS2_SIZE, "kernel termios2 differs from riscv64's");

typedef enum IoctlArg {
    IOCTL_VALUE,   /* an integer or nothing: passed through */
    IOCTL_IN,      /* a buffer the kernel reads */
    IOCTL_OUT,     /* a buffer the kernel writes */
} IoctlArg;

/* X(request, argument kind, argument size in bytes) */
#define IOCTL_REQUESTS(X)                               \
    X(TCGETS, IOCTL_OUT, KERNEL_TERMIOS_SIZE)           \
    X(TCSETS, IOCTL_IN, KERNEL_TERMIOS_SIZE)            \
    X(TCSETSW, IOCTL_IN, KERNEL_TERMIOS_SIZE)           \
    X(TCSETSF, IOCTL_IN, KERNEL_TERMIOS_SIZE)           \
    X(TCGETS2, IOCTL_OUT, KERNEL_TERMIOS2_SIZE)         \
    X(TCSETS2, IOCTL_IN, KERNEL_TERMIOS2_SIZE)          \
    X(TCSETSW2, IOCTL_IN, KERNEL_TERMIOS2_SIZE)         \
    X(TCSETSF2, IOCTL_IN, KERNEL_TERMIOS2_SIZE)         \
    X(TCGETA, IOCTL_OUT, sizeof(struct termio))         \
    X(TCSETA, IOCTL_IN, sizeof(struct termio))          \
    X(TCSETAW, IOCTL_IN, sizeof(struct termio))         \
    X(TCSETAF, IOCTL_IN, sizeof(struct termio))         \
    X(TCSBRK, IOCTL_VALUE, 0)                           \
    X(TCSBRKP, IOCTL_VALUE, 0)                          \
    X(TCXONC, IOCTL_VALUE, 0)                           \
    X(TCFLSH, IOCTL_VALUE, 0)                           \
    X(TIOCSBRK, IOCTL_VALUE, 0)                         \
    X(TIOCCBRK, IOCTL_VALUE, 0)                         \
    X(TIOCGWINSZ, IOCTL_OUT, sizeof(struct winsize))    \
    X(TIOCSWINSZ, IOCTL_IN, sizeof(struct winsize))     \
    X(TIOCGPGRP, IOCTL_OUT, sizeof(int))                \
    X(TIOCSPGRP, IOCTL_IN, sizeof(int))                 \
    X(TIOCGSID, IOCTL_OUT, sizeof(int))                 \
    X(TIOCSCTTY, IOCTL_VALUE, 0)                        \
    X(TIOCNOTTY, IOCTL_VALUE, 0)                        \
    X(TIOCEXCL, IOCTL_VALUE, 0)                         \
    X(TIOCNXCL, IOCTL_VALUE, 0)                         \
    X(TIOCGEXCL, IOCTL_OUT, sizeof(int))                \
    X(TIOCOUTQ, IOCTL_OUT, sizeof(int))                 \
    X(TIOCSTI, IOCTL_IN, 1)                             \
    X(TIOCMGET, IOCTL_OUT, sizeof(int))                 \
    X(TIOCMSET, IOCTL_IN, sizeof(int))                  \
    X(TIOCMBIS, IOCTL_IN, sizeof(int))                  \
    X(TIOCMBIC, IOCTL_IN, sizeof(int))                  \
    X(TIOCGETD, IOCTL_OUT, sizeof(int))                 \
    X(TIOCSETD, IOCTL_IN, sizeof(int))                  \
    X(TIOCGPTN, IOCTL_OUT, sizeof(unsigned))            \
    X(TIOCSPTLCK, IOCTL_IN, sizeof(int))                \
    X(TIOCGPTLCK, IOCTL_OUT, sizeof(int))               \
    X(TIOCGPTPEER, IOCTL_VALUE, 0)                      \
    X(FIONREAD, IOCTL_OUT, sizeof(int))                 \
    X(FIONBIO, IOCTL_IN, sizeof(int))                   \
    X(FIOASYNC, IOCTL_IN, sizeof(int))                  \
    X(FIOCLEX, IOCTL_VALUE, 0)                          \
    X(FIONCLEX, IOCTL_VALUE, 0)

_Static_assert(sizeof(struct winsize) == 8, "struct winsize differs from riscv64's");
_Static_assert(sizeof(struct termio) == 18, "struct termio differs from riscv64's");

typedef struct IoctlInfo {
    IoctlArg kind;
    uint32_t size;
} IoctlInfo;

static bool ioctl_info(uint32_t request, IoctlInfo *info)
{
    switch (request) {
#define X(req, k, sz) case req: *info = (IoctlInfo){k, sz}; return true;
        IOCTL_REQUESTS(X)
#undef X
    }
    return false;
}

/* Unknown requests seen so far, so each is logged once; past the cap
 * (a guest probing hundreds of requests) further ones go unlogged. */
#define LOGGED_REQUESTS_MAX 64

static void log_unknown_once(uint32_t fd, uint32_t request)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static uint32_t logged[LOGGED_REQUESTS_MAX];
    static unsigned nlogged;
    if (!log_enabled(LOG_UNIMP))
        return;
    pthread_mutex_lock(&lock);
    bool seen = false;
    for (unsigned i = 0; i < nlogged && !seen; i++)
        seen = logged[i] == request;
    bool log_it = !seen && nlogged < LOGGED_REQUESTS_MAX;
    if (log_it)
        logged[nlogged++] = request;
    pthread_mutex_unlock(&lock);
    if (log_it)
        log_printf(LOG_UNIMP, "polyvm: unsupported ioctl 0x%x (on fd %u) -> ENOTTY\n", request, fd);
}

int64_t sys_ioctl(SYSCALL_ARGS)
{
    uint32_t request = (uint32_t)a[1];   /* the kernel's cmd is an unsigned int */
    IoctlInfo info;
    if (!ioctl_info(request, &info)) {
        log_unknown_once((uint32_t)a[0], request);
        return -ENOTTY;
    }
    long arg = (long)a[2];
    if (info.kind != IOCTL_VALUE) {
        unsigned prot = info.kind == IOCTL_IN ? GUEST_PROT_READ : GUEST_PROT_WRITE;
        void *p = user_ptr(t, a[2], info.size, prot);
        if (!p)
            return -EFAULT;
        arg = (long)p;
    }
    /* TCSETSW, TCSBRK and friends wait for output to drain */
    return user_safe_syscall(t, SYS_ioctl, (long)a[0], (long)request, arg, 0, 0, 0);
}
