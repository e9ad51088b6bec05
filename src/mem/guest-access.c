/*
 * Guest loads, stores and atomics for the engines (cpu_ld, cpu_st, ...).
 * Every access is checked against the page permissions; a denied or
 * misaligned access becomes a guest exception via cpu_raise(), so a guest
 * can never make polyvm touch host memory outside its range.
 *
 * User mode checks the flat GuestMem's page table; system mode (cpu->phys
 * set) goes through the soft TLB, where an access may also reach a
 * device's registers, and splits accesses that cross a page.
 */
#include <string.h>

#include "mem/softmmu.h"
#include "polyvm/cpu.h"

static inline uint64_t load_raw(const uint8_t *p, unsigned size)
{
    switch (size) {
    case 1: return *p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

static inline void store_raw(uint8_t *p, unsigned size, uint64_t v)
{
    switch (size) {
    case 1: *p = (uint8_t)v; break;
    case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

static inline uint64_t swap_size(uint64_t v, unsigned size)
{
    switch (size) {
    case 2: return __builtin_bswap16((uint16_t)v);
    case 4: return __builtin_bswap32((uint32_t)v);
    case 8: return __builtin_bswap64(v);
    default: return v;
    }
}

/* value as loaded from memory -> value of the IR type */
static inline uint64_t extend(uint64_t v, IrMemOp mo, IrType type)
{
    unsigned size = ir_memop_size(mo);
    if ((mo & IR_MO_SIGN) && size < 8) {
        unsigned shift = 64 - 8 * size;
        v = (uint64_t)((int64_t)(v << shift) >> shift);
    }
    return v & ir_type_mask(type);
}

static uint8_t *check(CpuCommon *cpu, uint64_t addr, IrMemOp mo, unsigned prot, int fault, int misaligned)
{
    unsigned size = ir_memop_size(mo);
    if ((mo & IR_MO_ALIGN) && (addr & (size - 1)))
        cpu_raise(cpu, misaligned, addr);
    uint8_t *p = guest_mem_ptr(cpu->mem, addr, size, prot);
    if (!p)
        cpu_raise(cpu, fault, addr);
    return p;
}

/* ---- system mode ---- */

static bool crosses_page(uint64_t addr, unsigned size)
{
    return ((addr & ~TLB_PAGE_MASK) + size) > (1u << TLB_PAGE_BITS);
}

/* raw little-endian value of size bytes within one page */
static uint64_t sys_load_in_page(CpuCommon *cpu, uint64_t addr, unsigned size, unsigned mmu)
{
    SoftmmuMmio io;
    uint8_t *p = softmmu_translate(cpu, addr, TLB_READ, mmu, &io);
    if (p)
        return load_raw(p, size);
    return io.region->ops->read(io.region->opaque, io.offset, size);
}

static void sys_store_in_page(CpuCommon *cpu, uint64_t addr, unsigned size, unsigned mmu, uint64_t v)
{
    SoftmmuMmio io;
    uint8_t *p = softmmu_translate(cpu, addr, TLB_WRITE, mmu, &io);
    if (p)
        store_raw(p, size, v);
    else
        io.region->ops->write(io.region->opaque, io.offset, v, size);
}

static uint64_t sys_load(CpuCommon *cpu, uint64_t addr, IrMemOp mo)
{
    unsigned size = ir_memop_size(mo), mmu = ir_memop_mmu(mo);
    if ((mo & IR_MO_ALIGN) && (addr & (size - 1)))
        cpu_raise(cpu, CPU_EXCP_LOAD_MISALIGNED, addr);
    if (!crosses_page(addr, size))
        return sys_load_in_page(cpu, addr, size, mmu);
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= sys_load_in_page(cpu, addr + i, 1, mmu) << (8 * i);
    return v;
}

static void sys_store(CpuCommon *cpu, uint64_t addr, IrMemOp mo, uint64_t v)
{
    unsigned size = ir_memop_size(mo), mmu = ir_memop_mmu(mo);
    if ((mo & IR_MO_ALIGN) && (addr & (size - 1)))
        cpu_raise(cpu, CPU_EXCP_STORE_MISALIGNED, addr);
    if (!crosses_page(addr, size)) {
        sys_store_in_page(cpu, addr, size, mmu, v);
        return;
    }
    /* Both pages must be writable before any byte is: a fault on the
     * second leaves memory as it was. */
    SoftmmuMmio io;
    softmmu_translate(cpu, addr, TLB_WRITE, mmu, &io);
    softmmu_translate(cpu, addr + size - 1, TLB_WRITE, mmu, &io);
    for (unsigned i = 0; i < size; i++)
        sys_store_in_page(cpu, addr + i, 1, mmu, v >> (8 * i));
}

/* Atomics: aligned, so within a page, and only on RAM. */
static uint8_t *sys_atomic_ptr(CpuCommon *cpu, uint64_t addr, IrMemOp mo)
{
    unsigned size = ir_memop_size(mo);
    if (addr & (size - 1))
        cpu_raise(cpu, CPU_EXCP_STORE_MISALIGNED, addr);
    SoftmmuMmio io;
    uint8_t *p = softmmu_translate(cpu, addr, TLB_WRITE, ir_memop_mmu(mo), &io);
    if (!p)
        cpu_raise(cpu, CPU_EXCP_STORE_FAULT, addr);
    return p;
}

/* ---- the accessors ---- */

uint64_t cpu_ld(CpuCommon *cpu, uint64_t addr, IrMemOp mo, IrType type)
{
    unsigned size = ir_memop_size(mo);
    if (cpu->phys) {
        uint64_t v = sys_load(cpu, addr, mo);
        return extend(mo & IR_MO_BE ? swap_size(v, size) : v, mo, type);
    }
    uint8_t *p = check(cpu, addr, mo, GUEST_PROT_READ, CPU_EXCP_LOAD_FAULT, CPU_EXCP_LOAD_MISALIGNED);
    uint64_t v = load_raw(p, size);
    if (mo & IR_MO_BE)
        v = swap_size(v, size);
    return extend(v, mo, type);
}

void cpu_st(CpuCommon *cpu, uint64_t addr, uint64_t val, IrMemOp mo)
{
    unsigned size = ir_memop_size(mo);
    if (cpu->phys) {
        sys_store(cpu, addr, mo, mo & IR_MO_BE ? swap_size(val, size) : val);
        return;
    }
    uint8_t *p = check(cpu, addr, mo, GUEST_PROT_WRITE, CPU_EXCP_STORE_FAULT, CPU_EXCP_STORE_MISALIGNED);
    if (mo & IR_MO_BE)
        val = swap_size(val, size);
    store_raw(p, size, val);
}

/* Atomics need natural alignment on the host too: misaligned ones fault
 * whatever the memop says, as RISC-V and AArch64 require. */
static uint8_t *check_atomic(CpuCommon *cpu, uint64_t addr, IrMemOp mo)
{
    if (cpu->phys)
        return sys_atomic_ptr(cpu, addr, mo);
    return check(cpu, addr, mo | IR_MO_ALIGN, GUEST_PROT_READ | GUEST_PROT_WRITE, CPU_EXCP_STORE_FAULT,
                 CPU_EXCP_STORE_MISALIGNED);
}

/* Host compare-and-swap of size bytes; *expected gets the value found. */
static bool host_cas(uint8_t *p, unsigned size, uint64_t *expected, uint64_t desired)
{
#define CAS(T)                                                                                  \
    do {                                                                                        \
        T e = (T)*expected;                                                                     \
        bool ok = __atomic_compare_exchange_n((T *)(void *)p, &e, (T)desired, false,           \
                                              __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);              \
        *expected = e;                                                                          \
        return ok;                                                                              \
    } while (0)
    switch (size) {
    case 1: CAS(uint8_t);
    case 2: CAS(uint16_t);
    case 4: CAS(uint32_t);
    default: CAS(uint64_t);
    }
#undef CAS
}

static inline uint64_t to_host(uint64_t v, IrMemOp mo, unsigned size)
{
    return mo & IR_MO_BE ? swap_size(v, size) : v;
}

uint64_t cpu_atomic_rmw(CpuCommon *cpu, uint64_t addr, uint64_t val, IrMemOp mo, IrAtomicOp aop, IrType type)
{
    unsigned size = ir_memop_size(mo);
    uint8_t *p = check_atomic(cpu, addr, mo);
    /* Signed min/max of sub-word values compare the sign-extended values
     * at 64 bits; the result is truncated to the access size on store. */
    bool sub_word_signed = size < 4 && (aop == IR_ATOMIC_SMIN || aop == IR_ATOMIC_SMAX);
    IrType mem_type = size == 8 || sub_word_signed ? IR_I64 : IR_I32;
    IrMemOp signed_mo = (mo & ~IR_MO_SIGN) | IR_MO_SIGN;
    uint64_t operand = sub_word_signed ? extend(val, signed_mo, IR_I64) : val;
    uint64_t old = load_raw(p, size);
    /* A CAS loop gives every op (min/max included) one implementation. */
    for (;;) {
        uint64_t cur = to_host(old, mo, size);
        if (sub_word_signed)
            cur = extend(cur, signed_mo, IR_I64);
        uint64_t desired = ir_atomic_apply(aop, mem_type, cur, operand);
        if (host_cas(p, size, &old, to_host(desired, mo, size)))
            break;
    }
    return extend(to_host(old, mo, size), mo, type);
}

uint64_t cpu_cmpxchg(CpuCommon *cpu, uint64_t addr, uint64_t expected, uint64_t newv, IrMemOp mo, IrType type)
{
    unsigned size = ir_memop_size(mo);
    uint8_t *p = check_atomic(cpu, addr, mo);
    uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
    uint64_t old = to_host(expected & mask, mo, size);
    host_cas(p, size, &old, to_host(newv & mask, mo, size));
    return extend(to_host(old, mo, size), mo, type);
}

bool cpu_fetch_code(CpuCommon *cpu, uint64_t addr, void *buf, unsigned len)
{
    if (cpu->phys) {
        uint8_t *out = buf;
        while (len) {
            unsigned chunk = (unsigned)((1u << TLB_PAGE_BITS) - (addr & ~TLB_PAGE_MASK));
            chunk = chunk < len ? chunk : len;
            if (!softmmu_fetch(cpu, addr, cpu->fetch_mmu_idx, out, chunk, NULL))
                return false;
            addr += chunk;
            out += chunk;
            len -= chunk;
        }
        return true;
    }
    const uint8_t *p = guest_mem_ptr(cpu->mem, addr, len, GUEST_PROT_EXEC);
    if (!p)
        return false;
    memcpy(buf, p, len);
    return true;
}
