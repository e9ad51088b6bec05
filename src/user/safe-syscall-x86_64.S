/*
 * user_safe_syscall_base for x86-64 hosts: check "is a guest signal
 * deliverable?" and enter the kernel with no gap a signal could slip into.
 * The C side and the reasoning are in safe-syscall.c.
 *
 *   long user_safe_syscall_base(const uint64_t *pending, const uint64_t *blocked,
 *                               long nr, long a0, long a1, long a2, long a3, long a4, long a5);
 *
 * Returns the raw kernel result (-errno on failure), or -EINTR without
 * entering the kernel when (*pending & ~*blocked) != 0. A host signal handler
 * that interrupts the code between user_safe_syscall_start and
 * user_safe_syscall_end (the pending check up to and including the syscall
 * instruction itself) moves the PC to user_safe_syscall_interrupted, so the
 * check is in effect redone after the handler ran.
 *
 * Also here, as the other piece of host signal plumbing that must be
 * assembly: user_host_sigreturn, the SA_RESTORER trampoline signal.c hands
 * to the raw rt_sigaction syscall (x86-64 handlers return through it into
 * the kernel's rt_sigreturn, 15). signal.c installs handlers with the raw
 * syscall rather than glibc's sigaction because glibc refuses signals 32
 * and 33, which a guest's own libc uses.
 */
#if defined(__x86_64__)
        .text
        .globl  user_safe_syscall_base
        .hidden user_safe_syscall_base
        .globl  user_safe_syscall_start
        .hidden user_safe_syscall_start
        .globl  user_safe_syscall_end
        .hidden user_safe_syscall_end
        .globl  user_safe_syscall_interrupted
        .hidden user_safe_syscall_interrupted
        .type   user_safe_syscall_base, @function
user_safe_syscall_base:
        .cfi_startproc
        /* SysV call: rdi, rsi, rdx, rcx, r8, r9, then the stack.
         * Linux syscall: rax = number; rdi, rsi, rdx, r10, r8, r9. */
        movq    %rdx, %rax              /* number */
        movq    %rdi, %r11              /* &pending (r11 is free until the syscall) */
        movq    %rsi, %r10              /* &blocked, parked */
        movq    %rcx, %rdi              /* a0 */
        movq    %r10, %rcx              /* &blocked (rcx is free until the syscall) */
        movq    %r8, %rsi               /* a1 */
        movq    %r9, %rdx               /* a2 */
        movq    8(%rsp), %r10           /* a3 */
        movq    16(%rsp), %r8           /* a4 */
        movq    24(%rsp), %r9           /* a5 */
user_safe_syscall_start:
        movq    (%rcx), %rcx
        notq    %rcx
        andq    (%r11), %rcx            /* pending & ~blocked */
        jnz     user_safe_syscall_interrupted
        syscall
user_safe_syscall_end:
        ret
user_safe_syscall_interrupted:
        movq    $-4, %rax               /* -EINTR: the caller turns it into a restart */
        ret
        .cfi_endproc
        .size   user_safe_syscall_base, . - user_safe_syscall_base

        .globl  user_host_sigreturn
        .hidden user_host_sigreturn
        .type   user_host_sigreturn, @function
user_host_sigreturn:
        movq    $15, %rax               /* rt_sigreturn */
        syscall
        .size   user_host_sigreturn, . - user_host_sigreturn
#endif
        .section .note.GNU-stack, "", @progbits
