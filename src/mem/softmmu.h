/*
 * Internal interface between the generic guest accessors (guest-access.c,
 * the cpu_ld/cpu_st family) and the system-mode soft TLB (soft-tlb.c).
 * Engines never call these directly.
 */
#ifndef POLYVM_MEM_SOFTMMU_H
#define POLYVM_MEM_SOFTMMU_H

#include "polyvm/cpu.h"
#include "polyvm/phys-map.h"

/* Where an MMIO access goes. */
typedef struct SoftmmuMmio {
    const PhysRegion *region;
    uint64_t offset;   /* from the region's base */
} SoftmmuMmio;

/* Host pointer for vaddr (RAM), or NULL with *mmio filled; raises the guest
 * fault on a miss the page walk refuses. The access must not cross a page. */
uint8_t *softmmu_translate(CpuCommon *cpu, uint64_t vaddr, TlbAccess access, unsigned mmu, SoftmmuMmio *mmio);
/* Code bytes for translation, never raising; *paddr (if given) gets the
 * physical address of vaddr. Within one page. */
bool softmmu_fetch(CpuCommon *cpu, uint64_t vaddr, unsigned mmu, void *buf, unsigned len, uint64_t *paddr);
/* The guest-physical address of code at vaddr in *paddr (CPU_EXCP_NONE),
 * or the fault a fetch from there raises; never raises itself. */
int softmmu_code_phys(CpuCommon *cpu, uint64_t vaddr, unsigned mmu, uint64_t *paddr);
/* The fault a fetch from vaddr raises (CPU_EXCP_NONE if none). */
int softmmu_fetch_fault(CpuCommon *cpu, uint64_t vaddr, unsigned mmu);
/* Translated code now comes from the RAM page holding paddr: writes there
 * must take the slow path. */
void softmmu_mark_code(CpuCommon *cpu, uint64_t paddr);
/* A write reached a marked page: drop the mark and the translations. */
void softmmu_code_written(CpuCommon *cpu, const PhysRegion *r, uint64_t paddr);

#endif
