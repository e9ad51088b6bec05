/*
 * State of a user-mode guest process and its threads, shared by the runner,
 * the loader, the signal code and the syscall layer (src/user/sys-*.c).
 *
 * One UserProcess per polyvm process (fork gives the child its own copy,
 * as the host fork does). One UserThread per guest thread: each runs on its
 * own host thread with its own vCPU and translation cache, so translation
 * needs no locks; what the threads share (guest memory, the signal
 * dispositions, the memory map) is guarded by the process locks below.
 */
#ifndef POLYVM_USER_INTERNAL_H
#define POLYVM_USER_INTERNAL_H

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "polyvm/loader.h"
#include "polyvm/mem.h"
#include "polyvm/riscv64.h"
#include "polyvm/user.h"

/* Guest address-space layout (user mode). */
#define USER_GUEST_SPACE (4ull << 30)
#define USER_PIE_BASE 0x40000000ull       /* load bias of an ET_DYN program */
#define USER_STACK_TOP 0xf0000000ull
#define USER_STACK_SIZE (8ull << 20)
#define USER_MMAP_TOP (USER_STACK_TOP - USER_STACK_SIZE - (16ull << 20))
#define USER_MMAP_BOTTOM 0x10000ull       /* as vm.mmap_min_addr */
/* The sigreturn trampoline page (riscv64 Linux uses the vDSO's; we have none). */
#define USER_SIGTRAMP_ADDR (USER_STACK_TOP + GUEST_PAGE_SIZE)

#define GUEST_NSIG 64

/* A guest sigaction as riscv64's kernel stores it (no sa_restorer on riscv). */
typedef struct GuestSigaction {
    uint64_t handler;   /* guest address, or 0 = SIG_DFL, 1 = SIG_IGN */
    uint64_t flags;     /* SA_* (same values as the host's) */
    uint64_t mask;      /* signals blocked while the handler runs */
} GuestSigaction;

/* siginfo as riscv64 lays it out (128 bytes, the generic 64-bit layout). */
typedef struct GuestSiginfo {
    int32_t si_signo, si_errno, si_code, pad;
    uint8_t fields[112];   /* union by si_code: addr, pid/uid, status ... */
} GuestSiginfo;

typedef struct UserProcess UserProcess;

typedef struct UserThread {
    RvCpu *cpu;
    UserProcess *proc;
    pid_t tid;                      /* host tid = guest tid */
    uint64_t clear_child_tid;       /* set_tid_address / CLONE_CHILD_CLEARTID */
    uint64_t robust_list;
    /* signals: the blocked mask is the guest's; pending bits are set from
     * host signal handlers (async-signal-safe atomics) and by the runner
     * for synchronous faults, and delivered between blocks or syscalls. */
    uint64_t sig_blocked;
    _Atomic uint64_t sig_pending;
    GuestSiginfo sig_info[GUEST_NSIG + 1];
    uint64_t altstack_sp, altstack_size;
    int altstack_flags;
    bool syscall_restart;           /* the last syscall returned -USER_ERESTARTSYS */
    bool exited;
    int exit_status;
    /* execve's copy of the new image's argv/envp: a vfork child shares the
     * parent's heap, so after its exec the parent frees this (sys-clone.c) */
    void *exec_scratch;
    struct UserThread *next;        /* in proc->threads */
} UserThread;

struct UserProcess {
    GuestMem mem;
    ElfInfo elf;                    /* the main program */
    ElfInfo interp;                 /* its PT_INTERP, if dynamic */
    char exe_path[PATH_MAX];        /* host path of the main program (/proc/self/exe) */
    char sysroot[PATH_MAX];         /* -L: prefix tried first for absolute paths; "" = none */
    UserOptions opts;               /* how polyvm was started, to re-exec for execve */
    uint64_t brk_start, brk_cur;    /* program break (brk) */
    uint64_t mmap_cursor;           /* next-fit search start for mmap without a hint */
    pthread_mutex_t mm_lock;        /* guest memory map changes */
    pthread_mutex_t thread_lock;    /* threads list, sigactions */
    UserThread *threads;
    int nthreads;
    GuestSigaction sigactions[GUEST_NSIG + 1];
    _Atomic bool exiting;           /* exit_group in progress */
    int exit_group_status;
    bool unimp_logged[512];
};

/* the guest thread running on the calling host thread */
extern __thread UserThread *user_current;

/* ---- runner (user-run.c) ---- */
/* Runs t until it exits; returns its exit status (or the group's). */
int user_thread_loop(UserThread *t);
UserThread *user_thread_new(UserProcess *p, RvCpu *cpu);
void user_thread_free(UserThread *t);
/* Flushes the guest's stdout, prints --stats, flushes the log: the last
 * words before the process ends by exit or by a signal. */
void user_finish_output(UserThread *t);
/* Thread exit (sys-proc.c): the CLONE_CHILD_CLEARTID word to clear, then
 * clearing it and waking the joiner, done last because the joiner may
 * free the thread's stack and end the process right away. */
uint32_t *user_child_tid_word(UserThread *t);
void user_release_child_tid(uint32_t *word);
/* Ends the whole process now with the status a parent would see. */
_Noreturn void user_exit_group(UserThread *t, int status);

/* ---- program loading (exec.c) ---- */
/* Loads path (and its interpreter) into p's fresh memory; builds the stack.
 * On success fills *entry and *sp; on failure prints why and returns <0. */
int user_load_program(UserProcess *p, const char *path, int argc, char **argv, char **envp, uint64_t *entry,
                      uint64_t *sp);
uint64_t user_setup_stack(UserProcess *p, int argc, char **argv, char **envp, const char *execfn);

/* ---- guest memory map (mmap-space.c) ---- */
/* Finds len bytes of unmapped guest space (page multiple), top-down from
 * the cursor; returns 0 if none. Caller holds mm_lock. */
uint64_t user_find_free(UserProcess *p, uint64_t len);
/* Tells every thread's vCPU to drop its translations (unmap, mprotect of
 * code, riscv_flush_icache). */
void user_flush_all_code(UserProcess *p);

/* ---- guest pointers and paths (guest-ptr.c) ---- */
/* host pointer to guest [addr, addr+len) with prot, or NULL (-> -EFAULT) */
void *user_ptr(UserThread *t, uint64_t addr, uint64_t len, unsigned prot);
/* Copies a NUL-terminated guest string; returns its length or -EFAULT / -ENAMETOOLONG. */
long user_string(UserThread *t, uint64_t addr, char *buf, size_t size);
/* Reads a guest path and maps it to the host path to use: absolute paths
 * are tried inside the sysroot first (as qemu-user's -L), /proc/self/exe is
 * the guest program. Returns 0 or a negative errno. */
int user_path(UserThread *t, uint64_t addr, char *out, size_t size);
/* Opens the guest's own /proc/self/{cmdline,maps} (proc-self.c): an fd,
 * -errno, or USER_NOT_SPECIAL for any other path. */
#define USER_NOT_SPECIAL (-100000)
int user_open_proc_self(UserThread *t, const char *guest_path, int flags);
/* true for the guest's names of its own executable (/proc/self/exe ...) */
bool user_is_proc_self_exe(const char *path);
/* The same mapping for a path already in host memory. */
void user_map_path(UserProcess *p, const char *path, char *out, size_t size);
/* Copies between guest and host memory; 0 or -EFAULT. */
int user_copy_in(UserThread *t, void *dst, uint64_t src, size_t len);
int user_copy_out(UserThread *t, uint64_t dst, const void *src, size_t len);
/* For optional struct arguments: a NULL guest pointer gives *host = NULL,
 * else the struct is copied into dst and *host = dst. 0 or -EFAULT. */
int user_copy_in_opt(UserThread *t, void *dst, uint64_t src, size_t len, void **host);

/* ---- system calls (syscall.c and sys-*.c) ---- */
#define SYSCALL_ARGS UserThread *t, const uint64_t *a
typedef int64_t (*SyscallFn)(SYSCALL_ARGS);
#define SYSCALL_DECL_Y(name) int64_t sys_##name(SYSCALL_ARGS);
#define SYSCALL_DECL_N(name)
#define SYSCALL(name, nr, impl) SYSCALL_DECL_##impl(name)
#include "syscalls.def"
#undef SYSCALL
/* Internal result asking the runner to restart the syscall after a signal
 * handler with SA_RESTART (else the guest sees -EINTR), as Linux's ERESTARTSYS. */
#define USER_ERESTARTSYS 512
/* Internal result of handlers that set every register themselves
 * (rt_sigreturn): the runner leaves a0 and pc alone. */
#define USER_EJUSTRETURN 1000

/* Runs one guest syscall; returns the value for a0 (-errno on failure). */
int64_t user_syscall(UserThread *t, uint64_t nr, const uint64_t *args);
const char *user_syscall_name(uint64_t nr);
/* -errno from a host call that returned r (r < 0 with errno set) */
static inline int64_t user_result(long r) { return r < 0 ? -(int64_t)errno : r; }

/* A host syscall that may block: a guest signal arriving before or during
 * it makes it return -USER_ERESTARTSYS instead of blocking (safe-syscall.c). */
long user_safe_syscall(UserThread *t, long nr, long a0, long a1, long a2, long a3, long a4, long a5);

/* ---- signals (signal.c, signal-frame.c) ---- */
/* Installs polyvm's host signal handling; called once at start-up. */
void user_signals_init(UserProcess *p);
/* Delivers pending unblocked signals to t: sets up the guest handler frame
 * or performs the default action. If t->syscall_restart is set (the ecall
 * at pc returned -USER_ERESTARTSYS, a0 still holds its first argument) it
 * also decides the restart: a handler without SA_RESTART makes a0 = -EINTR
 * and pc += 4; otherwise pc stays on the ecall so it runs again. */
void user_signals_deliver(UserThread *t);
/* A synchronous guest fault: sig with si_code and fault address; what
 * names the exception for the message printed if the signal kills. */
void user_signal_fault(UserThread *t, int sig, int code, uint64_t addr, const char *what);
/* Queues sig for t (from kill/tgkill to itself, or a fault). */
void user_signal_queue(UserThread *t, int sig, const GuestSiginfo *info);
/* The runner calls these when a thread starts and stops running guest
 * code: the host thread's signal mask follows the guest's, then blocks all. */
void user_signals_thread_start(UserThread *t);
void user_signals_thread_end(UserThread *t);
/* For syscalls that wait with a temporary mask (rt_sigsuspend, ppoll,
 * pselect6, epoll_pwait): sets t's blocked mask to mask until the next
 * signal delivery, which saves the previous mask in the handler's frame
 * (restored by rt_sigreturn) or, if no handler runs, restores it right
 * after the syscall. Call it before the user_safe_syscall wait. */
void user_sigmask_temporary(UserThread *t, uint64_t mask);

#endif
