/*
 * Identity and system-information system calls: uname, sysinfo,
 * getrandom, resource limits and usage, user and group ids, capabilities,
 * personality, scheduling (policy, priority, affinity, yield) and getcpu.
 *
 * The guest is a host process with the host's pids, credentials and
 * limits, so most calls go straight to the host kernel. They use raw
 * syscall(), not the libc wrappers: glibc's setuid() family changes every
 * thread's credentials by signalling them, while Linux changes only the
 * caller's, and the guest's own libc does the broadcasting when it wants
 * to. The host kernel's return values (getpriority's 20-nice, setfsuid's
 * old id) are then exactly what the guest's kernel ABI expects.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "user-internal.h"

_Static_assert(sizeof(struct utsname) == 390, "utsname layout differs from riscv64");
_Static_assert(sizeof(struct sysinfo) == 112, "sysinfo layout differs from riscv64");
_Static_assert(sizeof(struct rusage) == 144, "rusage layout differs from riscv64");
_Static_assert(sizeof(struct rlimit) == 16, "rlimit layout differs from riscv64");

/* Calls whose arguments are all plain integers: the host's answer is the
 * guest's. Unused trailing arguments are harmless to the kernel. */
#define PASS_THROUGH(name)                                                                         \
    int64_t sys_##name(SYSCALL_ARGS)                                                               \
    {                                                                                              \
        (void)t;                                                                                   \
        return user_result(syscall(SYS_##name, a[0], a[1], a[2], a[3], a[4], a[5]));               \
    }
PASS_THROUGH(getuid)
PASS_THROUGH(geteuid)
PASS_THROUGH(getgid)
PASS_THROUGH(getegid)
PASS_THROUGH(setuid)
PASS_THROUGH(setgid)
PASS_THROUGH(setreuid)
PASS_THROUGH(setregid)
PASS_THROUGH(setresuid)
PASS_THROUGH(setresgid)
PASS_THROUGH(setfsuid)
PASS_THROUGH(setfsgid)
PASS_THROUGH(personality)
PASS_THROUGH(sched_yield)
PASS_THROUGH(sched_getscheduler)
PASS_THROUGH(sched_get_priority_max)
PASS_THROUGH(sched_get_priority_min)
PASS_THROUGH(getpriority)
PASS_THROUGH(setpriority)

int64_t sys_uname(SYSCALL_ARGS)
{
    struct utsname u;
    if (uname(&u) < 0)
        return -errno;
    /* the host's node name, release and version, but the guest's machine */
    snprintf(u.machine, sizeof u.machine, "riscv64");
    return user_copy_out(t, a[0], &u, sizeof u);
}

int64_t sys_sysinfo(SYSCALL_ARGS)
{
    struct sysinfo info;
    if (syscall(SYS_sysinfo, &info) < 0)
        return -errno;
    return user_copy_out(t, a[0], &info, sizeof info);
}

int64_t sys_getrandom(SYSCALL_ARGS)
{
    void *buf = NULL;
    if (a[1] && !(buf = user_ptr(t, a[0], a[1], GUEST_PROT_WRITE)))
        return -EFAULT;
    /* blocks until the host's pool is ready (or for GRND_RANDOM) */
    return user_safe_syscall(t, SYS_getrandom, (long)buf, (long)a[1], (long)a[2], 0, 0, 0);
}

/* ---- resource limits and usage ---- */

/* Limits on polyvm's own memory: a guest lowering them would starve the
 * emulator (its guest-space reservation, its heap, its host stack), so
 * like qemu-user we accept but do not apply them to our own process. */
static bool limit_guards_polyvm(pid_t pid, int resource)
{
    bool self = pid == 0 || pid == getpid();
    return self && (resource == RLIMIT_AS || resource == RLIMIT_DATA || resource == RLIMIT_STACK);
}

static int64_t guest_prlimit(UserThread *t, pid_t pid, int resource, uint64_t new_addr, uint64_t old_addr)
{
    struct rlimit new_limit, old_limit;
    const struct rlimit *newp = NULL;
    if (new_addr) {
        if (user_copy_in(t, &new_limit, new_addr, sizeof new_limit))
            return -EFAULT;
        if (new_limit.rlim_cur > new_limit.rlim_max)
            return -EINVAL;
        if (!limit_guards_polyvm(pid, resource))
            newp = &new_limit;
    }
    if (syscall(SYS_prlimit64, pid, resource, newp, old_addr ? &old_limit : NULL) < 0)
        return -errno;
    if (old_addr && user_copy_out(t, old_addr, &old_limit, sizeof old_limit))
        return -EFAULT;
    return 0;
}

int64_t sys_prlimit64(SYSCALL_ARGS)
{
    return guest_prlimit(t, (pid_t)a[0], (int)a[1], a[2], a[3]);
}

int64_t sys_getrlimit(SYSCALL_ARGS)
{
    return guest_prlimit(t, 0, (int)a[0], 0, a[1]);
}

int64_t sys_setrlimit(SYSCALL_ARGS)
{
    return guest_prlimit(t, 0, (int)a[0], a[1], 0);
}

int64_t sys_getrusage(SYSCALL_ARGS)
{
    struct rusage ru;
    if (syscall(SYS_getrusage, (int)a[0], &ru) < 0)
        return -errno;
    return user_copy_out(t, a[1], &ru, sizeof ru);
}

/* ---- ids, groups and capabilities ---- */

/* getresuid and getresgid: three ids, each to its own guest pointer */
static int64_t get_three_ids(UserThread *t, long nr, const uint64_t *a)
{
    uint32_t ids[3];
    if (syscall(nr, &ids[0], &ids[1], &ids[2]) < 0)
        return -errno;
    for (int i = 0; i < 3; i++)
        if (user_copy_out(t, a[i], &ids[i], sizeof ids[i]))
            return -EFAULT;
    return 0;
}

int64_t sys_getresuid(SYSCALL_ARGS)
{
    return get_three_ids(t, SYS_getresuid, a);
}

int64_t sys_getresgid(SYSCALL_ARGS)
{
    return get_three_ids(t, SYS_getresgid, a);
}

int64_t sys_getgroups(SYSCALL_ARGS)
{
    int size = (int)a[0];
    if (size < 0)
        return -EINVAL;
    long count = syscall(SYS_getgroups, 0, NULL);
    if (count <= 0 || size == 0)
        return user_result(count);
    if (size < count)
        return -EINVAL;
    /* only count entries are written, so only they must be guest memory */
    gid_t *list = user_ptr(t, a[1], (uint64_t)count * sizeof(gid_t), GUEST_PROT_WRITE);
    if (!list)
        return -EFAULT;
    return user_result(syscall(SYS_getgroups, count, list));
}

int64_t sys_setgroups(SYSCALL_ARGS)
{
    if (a[0] > NGROUPS_MAX)
        return -EINVAL;
    const gid_t *list = NULL;
    if (a[0] && !(list = user_ptr(t, a[1], a[0] * sizeof(gid_t), GUEST_PROT_READ)))
        return -EFAULT;
    return user_result(syscall(SYS_setgroups, (int)a[0], list));
}

/* Capability data holds one 3-word set per 32 capabilities: one for the
 * first header version, two for the later ones; 0 = a version the kernel
 * rejects (it then only writes its own version into the header). */
static size_t cap_data_size(uint32_t version)
{
    switch (version) {
    case 0x19980330: return 1 * 12;
    case 0x20071026:
    case 0x20080522: return 2 * 12;
    default: return 0;
    }
}

typedef struct GuestCapHeader {
    uint32_t version;
    int32_t pid;
} GuestCapHeader;

int64_t sys_capget(SYSCALL_ARGS)
{
    GuestCapHeader hdr;
    uint32_t data[6];
    if (user_copy_in(t, &hdr, a[0], sizeof hdr))
        return -EFAULT;
    uint32_t asked = hdr.version;
    /* NULL data with an unknown version is how libcap probes: the kernel
     * then answers 0 and its version in the header */
    long r = syscall(SYS_capget, &hdr, a[1] ? data : NULL);
    int err = errno;
    if (hdr.version != asked && user_copy_out(t, a[0], &hdr, sizeof hdr))
        return -EFAULT;
    if (r < 0)
        return -err;
    size_t size = cap_data_size(hdr.version);
    if (a[1] && size && user_copy_out(t, a[1], data, size))
        return -EFAULT;
    return 0;
}

int64_t sys_capset(SYSCALL_ARGS)
{
    GuestCapHeader hdr;
    uint32_t data[6] = { 0 };
    if (user_copy_in(t, &hdr, a[0], sizeof hdr))
        return -EFAULT;
    size_t size = cap_data_size(hdr.version);
    if (size && user_copy_in(t, data, a[1], size))
        return -EFAULT;
    uint32_t asked = hdr.version;
    long r = syscall(SYS_capset, &hdr, data);
    int err = errno;
    if (hdr.version != asked && user_copy_out(t, a[0], &hdr, sizeof hdr))
        return -EFAULT;
    return r < 0 ? -err : r;
}

/* ---- scheduling ---- */

int64_t sys_sched_getparam(SYSCALL_ARGS)
{
    int priority;
    if (syscall(SYS_sched_getparam, (pid_t)a[0], &priority) < 0)
        return -errno;
    return user_copy_out(t, a[1], &priority, sizeof priority);
}

int64_t sys_sched_setparam(SYSCALL_ARGS)
{
    int priority;
    if (user_copy_in(t, &priority, a[1], sizeof priority))
        return -EFAULT;
    return user_result(syscall(SYS_sched_setparam, (pid_t)a[0], &priority));
}

int64_t sys_sched_setscheduler(SYSCALL_ARGS)
{
    int priority;
    if (user_copy_in(t, &priority, a[2], sizeof priority))
        return -EFAULT;
    return user_result(syscall(SYS_sched_setscheduler, (pid_t)a[0], (int)a[1], &priority));
}

int64_t sys_sched_rr_get_interval(SYSCALL_ARGS)
{
    struct timespec ts;
    if (syscall(SYS_sched_rr_get_interval, (pid_t)a[0], &ts) < 0)
        return -errno;
    return user_copy_out(t, a[1], &ts, sizeof ts);
}

/* Affinity masks go through a host buffer of 8192 CPUs: the kernel reads
 * or writes at most its own mask size, which is no larger. */
#define AFFINITY_BYTES 1024

int64_t sys_sched_getaffinity(SYSCALL_ARGS)
{
    uint64_t mask[AFFINITY_BYTES / 8];
    if (a[1] & 7)
        return -EINVAL;   /* the kernel wants whole longs, before any capping */
    size_t len = a[1] < sizeof mask ? a[1] : sizeof mask;
    long n = syscall(SYS_sched_getaffinity, (pid_t)a[0], len, mask);
    if (n < 0)
        return -errno;
    if (user_copy_out(t, a[2], mask, (size_t)n))
        return -EFAULT;
    return n;
}

int64_t sys_sched_setaffinity(SYSCALL_ARGS)
{
    uint64_t mask[AFFINITY_BYTES / 8];
    size_t len = a[1] < sizeof mask ? a[1] : sizeof mask;
    if (len && user_copy_in(t, mask, a[2], len))
        return -EFAULT;
    return user_result(syscall(SYS_sched_setaffinity, (pid_t)a[0], len, mask));
}

int64_t sys_getcpu(SYSCALL_ARGS)
{
    unsigned cpu, node;
    if (syscall(SYS_getcpu, &cpu, &node, NULL) < 0)
        return -errno;
    if ((a[0] && user_copy_out(t, a[0], &cpu, sizeof cpu)) || (a[1] && user_copy_out(t, a[1], &node, sizeof node)))
        return -EFAULT;
    return 0;
}
