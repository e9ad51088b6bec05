/*
 * The riscv64 Linux signal frame and the alternate signal stack.
 *
 * user_sigframe_push() saves the interrupted guest state where a handler
 * (and glibc's getcontext-style code, debuggers, unwinders) expects it, as
 * Linux's arch/riscv signal code lays it out: an rt_sigframe of siginfo
 * followed by a ucontext whose mcontext is struct sigcontext, the
 * user_regs_struct (pc, x1..x31) and the FP state in the D-extension layout
 * inside the Q-sized union. It then enters the handler with a0 = signal,
 * a1 = &siginfo, a2 = &ucontext and ra = the sigreturn trampoline.
 * user_sigframe_pop() is rt_sigreturn's half: the handler returned, the
 * trampoline ran `li a7, 139; ecall`, sp points at the frame again.
 */
#include <signal.h>
#include <stddef.h>
#include <string.h>

#include "signal-internal.h"

/* struct sigcontext: user_regs_struct + union __riscv_fp_state */
typedef struct GuestSigcontext {
    uint64_t regs[32];          /* pc, then x1..x31 */
    uint64_t fpregs[32];        /* __riscv_d_ext_state.f */
    uint32_t fcsr;              /* frm << 5 | fflags */
    uint32_t fp_reserved[67];   /* rest of the union, sized by __riscv_q_ext_state */
} __attribute__((aligned(16))) GuestSigcontext;

typedef struct GuestUcontext {
    uint64_t uc_flags;
    uint64_t uc_link;
    GuestStack uc_stack;
    uint64_t uc_sigmask;
    uint8_t sigmask_reserved[120];   /* room for a 1024-bit sigset_t */
    GuestSigcontext uc_mcontext;
} GuestUcontext;

typedef struct GuestSigframe {
    GuestSiginfo info;
    GuestUcontext uc;
} GuestSigframe;

/* sizes from riscv64's asm/ucontext.h, sigcontext.h and glibc's ucontext_t */
_Static_assert(sizeof(GuestSiginfo) == 128, "siginfo is 128 bytes");
_Static_assert(sizeof(GuestStack) == 24, "stack_t is 24 bytes");
_Static_assert(sizeof(GuestSigcontext) == 784, "sigcontext is 784 bytes");
_Static_assert(offsetof(GuestUcontext, uc_sigmask) == 40, "uc_sigmask at 40");
_Static_assert(offsetof(GuestUcontext, uc_mcontext) == 176, "uc_mcontext at 176");
_Static_assert(sizeof(GuestUcontext) == 960, "ucontext is 960 bytes");
_Static_assert(offsetof(GuestSigframe, uc) == 128, "ucontext follows siginfo");

#define GUEST_MINSIGSTKSZ 2048
#define GUEST_SS_AUTODISARM (1u << 31)

/* ---- alternate signal stack ---- */

bool user_altstack_contains(const UserThread *t, uint64_t sp)
{
    /* with SS_AUTODISARM the thread may have left it without telling */
    if (t->altstack_flags & (int)GUEST_SS_AUTODISARM)
        return false;
    return sp > t->altstack_sp && sp - t->altstack_sp <= t->altstack_size;
}

GuestStack user_altstack_get(const UserThread *t, uint64_t sp)
{
    GuestStack ss = {.ss_sp = t->altstack_sp, .ss_size = t->altstack_size};
    if (!t->altstack_size)
        ss.ss_flags = SS_DISABLE;
    else if (user_altstack_contains(t, sp))
        ss.ss_flags = SS_ONSTACK;
    ss.ss_flags |= t->altstack_flags;
    return ss;
}

int user_altstack_set(UserThread *t, const GuestStack *ss, uint64_t sp)
{
    if (user_altstack_contains(t, sp))
        return -EPERM;
    int autodisarm = ss->ss_flags & (int)GUEST_SS_AUTODISARM;
    int mode = ss->ss_flags & ~(int)GUEST_SS_AUTODISARM;
    if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
        return -EINVAL;
    if (mode == SS_DISABLE) {
        t->altstack_sp = 0;
        t->altstack_size = 0;
    } else {
        if (ss->ss_size < GUEST_MINSIGSTKSZ)
            return -ENOMEM;
        t->altstack_sp = ss->ss_sp;
        t->altstack_size = ss->ss_size;
    }
    t->altstack_flags = autodisarm;
    return 0;
}

/* ---- the frame ---- */

static void save_registers(const RvCpu *cpu, GuestSigcontext *sc)
{
    sc->regs[0] = cpu->common.pc;
    for (int i = 1; i < 32; i++)
        sc->regs[i] = cpu->x[i];
    memcpy(sc->fpregs, cpu->f, sizeof sc->fpregs);
    sc->fcsr = (uint32_t)((cpu->frm & 7) << 5 | (cpu->fflags & 31));
}

static void restore_registers(RvCpu *cpu, const GuestSigcontext *sc)
{
    cpu->common.pc = sc->regs[0];
    for (int i = 1; i < 32; i++)
        cpu->x[i] = sc->regs[i];
    memcpy(cpu->f, sc->fpregs, sizeof cpu->f);
    cpu->fflags = sc->fcsr & 31;
    cpu->frm = (sc->fcsr >> 5) & 7;
}

int user_sigframe_push(UserThread *t, int sig, const GuestSigaction *act, const GuestSiginfo *info,
                       uint64_t saved_mask)
{
    RvCpu *cpu = t->cpu;
    uint64_t sp = cpu->x[2];
    /* overflowing the alternate stack gets SIGSEGV rather than a frame
     * written below it */
    if (user_altstack_contains(t, sp) && !user_altstack_contains(t, sp - sizeof(GuestSigframe)))
        return -EFAULT;
    uint64_t top = sp;
    if ((act->flags & SA_ONSTACK) && t->altstack_size && !user_altstack_contains(t, sp))
        top = t->altstack_sp + t->altstack_size;
    uint64_t frame = (top - sizeof(GuestSigframe)) & ~15ull;

    GuestSigframe f;
    memset(&f, 0, sizeof f);
    f.info = *info;
    f.uc.uc_stack = user_altstack_get(t, sp);
    f.uc.uc_sigmask = saved_mask;
    save_registers(cpu, &f.uc.uc_mcontext);
    if (user_copy_out(t, frame, &f, sizeof f))
        return -EFAULT;
    if (t->altstack_flags & (int)GUEST_SS_AUTODISARM) {
        t->altstack_sp = 0;
        t->altstack_size = 0;
        t->altstack_flags = 0;
    }

    cpu->x[1] = USER_SIGTRAMP_ADDR;   /* ra: the handler returns into rt_sigreturn */
    cpu->x[2] = frame;
    cpu->x[10] = (uint64_t)sig;
    cpu->x[11] = frame + offsetof(GuestSigframe, info);
    cpu->x[12] = frame + offsetof(GuestSigframe, uc);
    cpu->common.pc = act->handler;
    cpu->reservation_addr = UINT64_MAX;
    return 0;
}

int user_sigframe_pop(UserThread *t)
{
    RvCpu *cpu = t->cpu;
    GuestUcontext uc;
    if (user_copy_in(t, &uc, cpu->x[2] + offsetof(GuestSigframe, uc), sizeof uc))
        return -EFAULT;
    restore_registers(cpu, &uc.uc_mcontext);
    cpu->reservation_addr = UINT64_MAX;
    user_sigmask_set(t, uc.uc_sigmask);
    /* re-arms an SS_AUTODISARM stack; like Linux, errors other than a bad
     * pointer are dropped (the frame was readable, so there are none) */
    user_altstack_set(t, &uc.uc_stack, cpu->x[2]);
    return 0;
}
