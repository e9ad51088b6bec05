/*
 * Run-time helpers of the privileged instructions (system mode): CSR
 * accesses other than the FPU's, mret, sret, wfi and sfence.vma. The
 * trans functions in trans_priv.c and trans_zicsr.c call them; each raises
 * an illegal-instruction exception itself when the current mode may not
 * execute the instruction, because the mode is only known at run time for
 * some checks (TSR, TVM, TW, counter enables).
 */
#include "rv-gen.h"
#include "rv-system.h"

static _Noreturn void illegal(RvCpu *cpu, uint32_t opcode)
{
    cpu_raise(&cpu->common, CPU_EXCP_ILLEGAL, opcode);
}

/* desc: rv_csr_helper_desc(); returns the CSR's old value */
static uint64_t helper_csr(void *opaque, uint64_t desc, uint64_t operand)
{
    RvCpu *cpu = opaque;
    unsigned csr = desc & 0xfff, fx = 0;
    RvCsrOp op = (RvCsrOp)((desc >> 12) & 3);
    bool write = (desc >> 14) & 1;
    uint64_t old;
    if (!rv_csr_rmw(rv_priv(cpu), csr, op, operand, write, &old, &fx))
        illegal(cpu, (uint32_t)(desc >> 32));
    if (fx)
        rv_sys_after_change(cpu, fx);
    return old;
}

static uint64_t helper_xret(RvCpu *cpu, bool (*xret)(RvPriv *, uint64_t *), uint32_t opcode)
{
    uint64_t pc;
    if (!xret(rv_priv(cpu), &pc))
        illegal(cpu, opcode);
    /* the new mode may enable interrupts that are already pending */
    rv_sys_after_change(cpu, RV_CSR_FX_IRQ);
    return pc;
}

static uint64_t helper_mret(void *cpu, uint64_t opcode) { return helper_xret(cpu, rv_mret, (uint32_t)opcode); }
static uint64_t helper_sret(void *cpu, uint64_t opcode) { return helper_xret(cpu, rv_sret, (uint32_t)opcode); }

static void helper_wfi(void *opaque, uint64_t opcode)
{
    RvCpu *cpu = opaque;
    if (!rv_wfi_allowed(rv_priv(cpu)))
        illegal(cpu, (uint32_t)opcode);
    /* the hart loop sleeps once the block has ended at the next insn */
    cpu->sys->in_wfi = true;
    cpu_request_exit(&cpu->common);
}

/* has_vaddr: rs1 was not x0, so only vaddr's page is flushed (the ASID in
 * rs2 is ignored: entries carry no ASID, so flushing more is correct) */
static void helper_sfence_vma(void *opaque, uint64_t vaddr, uint64_t desc)
{
    RvCpu *cpu = opaque;
    if (!rv_sfence_vma_allowed(rv_priv(cpu)))
        illegal(cpu, (uint32_t)(desc >> 32));
    if (desc & 1)
        tlb_flush_page(&cpu->common.tlb, vaddr);
    else
        tlb_flush_all(&cpu->common.tlb);
    /* jump-cache entries map virtual PCs to blocks of the old mapping */
    cpu_jump_cache_clear(&cpu->common);
}

#define FAULTS IR_HELPER_CAN_FAULT
const IrHelper rv_helper_csr = {"csr", (void *)helper_csr, 2, FAULTS | IR_HELPER_HAS_RESULT, NULL};
const IrHelper rv_helper_mret = {"mret", (void *)helper_mret, 1, FAULTS | IR_HELPER_HAS_RESULT, NULL};
const IrHelper rv_helper_sret = {"sret", (void *)helper_sret, 1, FAULTS | IR_HELPER_HAS_RESULT, NULL};
const IrHelper rv_helper_wfi = {"wfi", (void *)helper_wfi, 1, FAULTS, NULL};
const IrHelper rv_helper_sfence_vma = {"sfence_vma", (void *)helper_sfence_vma, 2, FAULTS, NULL};
