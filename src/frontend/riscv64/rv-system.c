/*
 * A RISC-V hart in system mode: creation and reset, its interrupt lines,
 * and the hart loop that runs guest code with cpu_exec() and turns what it
 * returns into RISC-V traps, takes interrupts between blocks, and sleeps in
 * WFI until an interrupt line or the Sstc timer wakes it.
 *
 * Threads: rv_cpu_run() runs on the hart's own thread. Interrupt lines and
 * rv_cpu_stop() may be driven from any thread (device threads, the timer
 * thread, the board); they set the line and kick the hart (cpu_request_exit
 * plus a condition-variable signal for WFI), never touching its state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem/softmmu.h"
#include "polyvm/frontend.h"
#include "polyvm/host-clock.h"
#include "polyvm/log.h"
#include "rv-system.h"

#define DEFAULT_TIMEBASE_HZ 10000000u   /* the virt board's; rv_cpu_set_timebase() */

/* ---- mode and change tracking ---- */

void rv_sys_mode_changed(RvCpu *cpu)
{
    RvPriv *p = rv_priv(cpu);
    uint32_t flags = RV_TBF_SYSTEM | p->mode | rv_priv_data_mode(p) << RV_TBF_DATA_SHIFT |
                     ((p->mstatus & RV_MSTATUS_FS) ? 0 : RV_TBF_FS_OFF);
    cpu->common.fetch_mmu_idx = (uint8_t)p->mode;
    cpu_set_tb_flags(&cpu->common, flags);
}

/* Tells the timer thread about a new stimecmp deadline, if there is one. */
static void update_timer(RvSystem *s)
{
    uint64_t cmp = rv_stimecmp_deadline(&s->priv);
    if (cmp == __atomic_load_n(&s->timer_cmp, __ATOMIC_RELAXED))
        return;
    pthread_mutex_lock(&s->lock);
    s->timer_cmp = cmp;
    pthread_cond_signal(&s->timer_wake);
    pthread_mutex_unlock(&s->lock);
}

void rv_sys_after_change(RvCpu *cpu, unsigned fx)
{
    RvPriv *p = rv_priv(cpu);
    if (fx & RV_CSR_FX_TLB) {
        tlb_flush_all(&cpu->common.tlb);
        cpu_jump_cache_clear(&cpu->common);
    }
    rv_sys_mode_changed(cpu);
    if (fx & RV_CSR_FX_IRQ) {
        if (rv_pending_interrupt(p) >= 0)
            cpu_request_exit(&cpu->common);
        update_timer(cpu->sys);   /* stimecmp or its enables may have changed */
    }
}

void rv_sys_trap(RvCpu *cpu, unsigned cause, bool is_interrupt, uint64_t tval, uint64_t pc)
{
    RvPriv *p = rv_priv(cpu);
    if (log_enabled(LOG_INT))
        log_printf(LOG_INT, "riscv: %s %u (%s) at pc 0x%" PRIx64 " tval 0x%" PRIx64 " from mode %u\n",
                   is_interrupt ? "interrupt" : "exception", cause,
                   is_interrupt ? rv_interrupt_name(cause) : rv_exception_name(cause), pc, tval, p->mode);
    cpu->common.pc = rv_take_trap(p, cause, is_interrupt, tval, pc);
    /* an interrupted LR/SC sequence must not succeed */
    cpu->reservation_addr = UINT64_MAX;
    rv_sys_mode_changed(cpu);
}

/* ---- clocks ---- */

static uint64_t read_count_ns(void *opaque)
{
    (void)opaque;
    return host_monotonic_ns();
}

void rv_cpu_set_clock(RvCpu *cpu, uint64_t (*read_time)(void *opaque), void *opaque)
{
    RvPriv *p = rv_priv(cpu);
    p->read_time = read_time;
    p->clock_opaque = opaque;
}

void rv_cpu_set_timebase(RvCpu *cpu, uint64_t hz)
{
    cpu->sys->timebase_hz = hz ? hz : DEFAULT_TIMEBASE_HZ;
}

/* CLOCK_MONOTONIC time at which the time CSR reaches `ticks`, or 0 if it
 * has; UINT64_MAX without a deadline. Caller holds the lock. */
static uint64_t deadline_ns(RvSystem *s, uint64_t ticks)
{
    if (ticks == UINT64_MAX || !s->priv.read_time)
        return UINT64_MAX;
    uint64_t now = s->priv.read_time(s->priv.clock_opaque);
    if (now >= ticks)
        return 0;
    uint64_t delta = ticks - now;
    /* 128-bit product: a far deadline must not wrap into the past */
    unsigned __int128 ns = (unsigned __int128)delta * HOST_NS_PER_SEC / s->timebase_hz;
    uint64_t t = host_monotonic_ns();
    return ns > UINT64_MAX - t ? UINT64_MAX - 1 : t + (uint64_t)ns;
}

/* Waits on cond until signalled or CLOCK_MONOTONIC reaches abs_ns. */
static void wait_until(RvSystem *s, pthread_cond_t *cond, uint64_t abs_ns)
{
    if (abs_ns == UINT64_MAX) {
        pthread_cond_wait(cond, &s->lock);
        return;
    }
    struct timespec ts = host_timespec(abs_ns);
    pthread_cond_timedwait(cond, &s->lock, &ts);
}

/* The Sstc timer: kicks the hart once per stimecmp value when time reaches
 * it, which raises STIP through rv_priv_mip(). */
static void *sstc_timer_main(void *opaque)
{
    RvCpu *cpu = opaque;
    RvSystem *s = cpu->sys;
    uint64_t fired_for = UINT64_MAX;
    pthread_mutex_lock(&s->lock);
    while (!s->timer_quit) {
        uint64_t cmp = s->timer_cmp;
        uint64_t when = cmp == fired_for ? UINT64_MAX : deadline_ns(s, cmp);
        if (when == 0) {
            fired_for = cmp;
            cpu_request_exit(&cpu->common);
            pthread_cond_broadcast(&s->wake);
            continue;
        }
        wait_until(s, &s->timer_wake, when);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* ---- interrupt lines ---- */

static void irq_line_changed(void *opaque, unsigned n, bool level)
{
    RvCpu *cpu = opaque;
    RvSystem *s = cpu->sys;
    rv_priv_set_irq_line(&s->priv, 1ull << n, level);
    if (level)
        cpu_request_exit(&cpu->common);
    /* under the lock: a hart deciding to sleep either sees the new level
     * or is already waiting when the signal comes */
    pthread_mutex_lock(&s->lock);
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->lock);
}

IrqLine rv_cpu_irq_line(RvCpu *cpu, unsigned line)
{
    return (IrqLine){.set = irq_line_changed, .opaque = cpu, .n = line};
}

/* ---- creation and reset ---- */

RvCpu *rv_cpu_new_system(const PhysMap *phys, uint64_t hartid)
{
    RvCpu *cpu = rv_cpu_new(NULL);
    RvSystem *s = cpu ? calloc(1, sizeof(*s)) : NULL;
    if (!s) {
        rv_cpu_free(cpu);
        return NULL;
    }
    cpu->sys = s;
    cpu->common.phys = phys;
    s->hartid = hartid;
    s->timebase_hz = DEFAULT_TIMEBASE_HZ;
    pthread_mutex_init(&s->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->wake, &ca);
    pthread_cond_init(&s->timer_wake, &ca);
    pthread_condattr_destroy(&ca);
    rv_cpu_reset(cpu, 0x1000);
    return cpu;
}

void rv_cpu_reset(RvCpu *cpu, uint64_t reset_pc)
{
    RvSystem *s = cpu->sys;
    uint64_t (*read_time)(void *) = s->priv.read_time;
    void *clock_opaque = s->priv.clock_opaque;
    uint64_t lines = __atomic_load_n(&s->priv.irq_lines, __ATOMIC_ACQUIRE);
    rv_priv_init(&s->priv, s->hartid);
    s->priv.read_time = read_time;
    s->priv.clock_opaque = clock_opaque;
    s->priv.read_count = read_count_ns;
    /* device lines keep their level across a reset of the hart */
    s->priv.irq_lines = lines;
    memset(cpu->x, 0, sizeof(cpu->x));
    memset(cpu->f, 0, sizeof(cpu->f));
    cpu->fflags = cpu->frm = 0;
    cpu->reservation_addr = UINT64_MAX;
    cpu->common.pc = reset_pc;
    s->in_wfi = false;
    s->stop = 0;
    s->timer_cmp = UINT64_MAX;
    tlb_flush_all(&cpu->common.tlb);
    cpu_drop_translations(&cpu->common);
    cpu_set_tb_flags(&cpu->common, 0);
    rv_sys_mode_changed(cpu);
}

void rv_cpu_stop(RvCpu *cpu)
{
    RvSystem *s = cpu->sys;
    pthread_mutex_lock(&s->lock);
    s->stop = 1;
    cpu_request_exit(&cpu->common);
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->lock);
}

void rv_cpu_free_system(RvCpu *cpu)
{
    RvSystem *s = cpu->sys;
    pthread_cond_destroy(&s->wake);
    pthread_cond_destroy(&s->timer_wake);
    pthread_mutex_destroy(&s->lock);
    free(s);
    cpu->sys = NULL;
}

/* ---- the hart loop ---- */

/* The RISC-V cause and tval of what cpu_exec() returned. */
static void deliver_exception(RvCpu *cpu, int excp)
{
    CpuCommon *c = &cpu->common;
    RvPriv *p = rv_priv(cpu);
    uint64_t pc = c->pc, aux = c->exception_aux;
    unsigned cause;
    uint64_t tval = aux;
    switch (excp) {
    case CPU_EXCP_SYSCALL: cause = rv_ecall_cause(p); tval = 0; break;
    case CPU_EXCP_BREAKPOINT: cause = RV_EXC_BREAKPOINT; tval = pc; break;
    case CPU_EXCP_ILLEGAL: cause = RV_EXC_ILLEGAL_INSN; break;
    case CPU_EXCP_LOAD_FAULT: cause = RV_EXC_LOAD_ACCESS; break;
    case CPU_EXCP_STORE_FAULT: cause = RV_EXC_STORE_ACCESS; break;
    case CPU_EXCP_LOAD_MISALIGNED: cause = RV_EXC_LOAD_MISALIGNED; break;
    case CPU_EXCP_STORE_MISALIGNED: cause = RV_EXC_STORE_MISALIGNED; break;
    case CPU_EXCP_LOAD_PAGE_FAULT: cause = RV_EXC_LOAD_PAGE_FAULT; break;
    case CPU_EXCP_STORE_PAGE_FAULT: cause = RV_EXC_STORE_PAGE_FAULT; break;
    case CPU_EXCP_FETCH_PAGE_FAULT: cause = RV_EXC_INSN_PAGE_FAULT; break;
    case CPU_EXCP_FETCH_FAULT: {
        /* the translator only knows the bytes were unfetchable: find which
         * half of the instruction and why */
        cause = RV_EXC_INSN_ACCESS;
        int why = softmmu_fetch_fault(c, aux, c->fetch_mmu_idx);
        if (why == CPU_EXCP_NONE) {
            tval = aux + 2;
            why = softmmu_fetch_fault(c, tval, c->fetch_mmu_idx);
        }
        if (why == CPU_EXCP_FETCH_PAGE_FAULT)
            cause = RV_EXC_INSN_PAGE_FAULT;
        break;
    }
    default: cause = RV_EXC_ILLEGAL_INSN; tval = 0; break;
    }
    rv_sys_trap(cpu, cause, false, tval, pc);
}

static void wait_for_interrupt(RvCpu *cpu)
{
    RvSystem *s = cpu->sys;
    pthread_mutex_lock(&s->lock);
    while (!s->stop && !rv_wfi_wakeup(&s->priv))
        pthread_cond_wait(&s->wake, &s->lock);
    s->in_wfi = false;
    pthread_mutex_unlock(&s->lock);
}

static int start_sstc_timer(RvCpu *cpu)
{
    RvSystem *s = cpu->sys;
    s->timer_quit = false;
    if (pthread_create(&s->timer_thread, NULL, sstc_timer_main, cpu) != 0)
        return -1;
    s->timer_running = true;
    return 0;
}

static void stop_sstc_timer(RvCpu *cpu)
{
    RvSystem *s = cpu->sys;
    if (!s->timer_running)
        return;
    pthread_mutex_lock(&s->lock);
    s->timer_quit = true;
    pthread_cond_signal(&s->timer_wake);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->timer_thread, NULL);
    s->timer_running = false;
}

int rv_cpu_run(RvCpu *cpu)
{
    RvSystem *s = cpu->sys;
    CpuCommon *c = &cpu->common;
    if (start_sstc_timer(cpu) < 0) {
        fprintf(stderr, "polyvm: hart %" PRIu64 ": cannot start its timer thread\n", s->hartid);
        return -1;
    }
    int ret = 0;
    while (!s->stop) {
        if (s->in_wfi) {
            wait_for_interrupt(cpu);
            continue;
        }
        int irq = rv_pending_interrupt(&s->priv);
        if (irq >= 0)
            rv_sys_trap(cpu, (unsigned)irq, true, 0, c->pc);
        int excp = cpu_exec(c);
        if (excp == CPU_EXCP_EXIT_REQUEST)
            continue;
        if (excp == CPU_EXCP_HALT) {
            fprintf(stderr, "polyvm: hart %" PRIu64 " stopped at pc 0x%" PRIx64 "\n", s->hartid, c->pc);
            ret = -1;
            break;
        }
        deliver_exception(cpu, excp);
    }
    stop_sstc_timer(cpu);
    return ret;
}
