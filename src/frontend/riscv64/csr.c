/*
 * The CSRs a RISC-V user-mode program can reach, and the helpers that read
 * and write them. trans_zicsr.c looks a CSR up with rv_csr_find() at
 * translation time, so an unknown CSR or a write to a read-only one becomes
 * an illegal instruction without any run-time check; the helpers themselves
 * never fault.
 *
 * fflags/frm/fcsr are views of RvCpu.fflags and RvCpu.frm (the F/D helpers
 * update the same fields). cycle and instret count host nanoseconds and time
 * runs at 10 MHz, all from CLOCK_MONOTONIC: monotonic, which is what guest
 * code measuring intervals needs.
 */
#include "polyvm/host-clock.h"

#include "rv-gen.h"

/* RW(num, name): readable and writable; RO(num, name): read-only */
#define RV_CSRS(RW, RO)     \
    RW(0x001, fflags)       \
    RW(0x002, frm)          \
    RW(0x003, fcsr)         \
    RO(0xc00, cycle)        \
    RO(0xc01, time)         \
    RO(0xc02, instret)

#define FFLAGS_MASK 0x1fu
#define FRM_MASK 0x7u
#define FCSR_FRM_SHIFT 5

static uint64_t csr_read_fflags(void *cpu) { return ((RvCpu *)cpu)->fflags; }
static uint64_t csr_read_frm(void *cpu) { return ((RvCpu *)cpu)->frm; }
static uint64_t csr_read_fcsr(void *cpu)
{
    const RvCpu *rv = cpu;
    return (rv->frm << FCSR_FRM_SHIFT) | rv->fflags;
}
static uint64_t csr_read_cycle(void *cpu) { (void)cpu; return host_monotonic_ns(); }
static uint64_t csr_read_time(void *cpu) { (void)cpu; return host_monotonic_ns() / 100; }
static uint64_t csr_read_instret(void *cpu) { (void)cpu; return host_monotonic_ns(); }

static uint64_t csr_write_fflags(void *cpu, uint64_t v)
{
    ((RvCpu *)cpu)->fflags = v & FFLAGS_MASK;
    return 0;
}

static uint64_t csr_write_frm(void *cpu, uint64_t v)
{
    ((RvCpu *)cpu)->frm = v & FRM_MASK;
    return 0;
}

static uint64_t csr_write_fcsr(void *cpu, uint64_t v)
{
    RvCpu *rv = cpu;
    rv->fflags = v & FFLAGS_MASK;
    rv->frm = (v >> FCSR_FRM_SHIFT) & FRM_MASK;
    return 0;
}

/* The helpers touch CPU fields that are not IR globals, so they declare no
 * global access; the call op itself is never removed or reordered. */
#define DEF_READ(num, name) \
    static const IrHelper csr_read_##name##_helper = {"csr_read_" #name, (void *)csr_read_##name, 0, IR_HELPER_HAS_RESULT, NULL};
#define DEF_RW(num, name)                                                                        \
    DEF_READ(num, name)                                                                          \
    static const IrHelper csr_write_##name##_helper = {"csr_write_" #name, (void *)csr_write_##name, 1, 0, NULL};
RV_CSRS(DEF_RW, DEF_READ)
#undef DEF_RW
#undef DEF_READ

static const RvCsr csrs[] = {
#define ROW_RW(num, name) {num, #name, &csr_read_##name##_helper, &csr_write_##name##_helper},
#define ROW_RO(num, name) {num, #name, &csr_read_##name##_helper, NULL},
    RV_CSRS(ROW_RW, ROW_RO)
#undef ROW_RW
#undef ROW_RO
};

const RvCsr *rv_csr_find(unsigned num)
{
    for (size_t i = 0; i < sizeof(csrs) / sizeof(csrs[0]); i++)
        if (csrs[i].num == num)
            return &csrs[i];
    return NULL;
}
