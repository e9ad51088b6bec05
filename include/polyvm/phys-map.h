/*
 * The guest-physical address space of a machine (system mode): RAM and ROM
 * regions backed by host memory, and MMIO regions dispatched to device models
 * (device.h). The soft MMU resolves a guest-physical address through
 * phys_map_find() once per TLB fill; DMA-capable devices reach RAM through
 * phys_map_ram_ptr(), which checks the whole range, so a guest-supplied
 * address or length can never reach outside guest RAM.
 *
 * Use: phys_map_init(), phys_map_add_ram()/phys_map_add_mmio() per region at
 * board creation, phys_map_find() on accesses, phys_map_destroy() at the end.
 */
#ifndef POLYVM_PHYS_MAP_H
#define POLYVM_PHYS_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyvm/device.h"

typedef enum PhysRegionKind { PHYS_RAM, PHYS_ROM, PHYS_MMIO } PhysRegionKind;

typedef struct PhysRegion {
    const char *name;
    PhysRegionKind kind;
    uint64_t base, size;
    uint8_t *host;                 /* RAM/ROM: host address of base */
    const DeviceMmioOps *ops;      /* MMIO */
    void *opaque;                  /* MMIO */
    /* RAM: one byte per page, nonzero while translated code comes from
     * that page (soft-tlb.c allocates it on first use; freed with the map) */
    uint8_t *code_map;
} PhysRegion;

typedef struct PhysMap {
    PhysRegion *regions;           /* sorted by base, never overlapping */
    size_t count, cap;
    /* Writes that reached pages holding translated code, counted (atomic)
     * for cpu_instruction_barrier(): vCPUs drop their own stale blocks at
     * once, but a DMA write or another vCPU's only shows up here. */
    uint64_t code_writes;
} PhysMap;

void phys_map_init(PhysMap *map);
void phys_map_destroy(PhysMap *map);   /* frees the RAM/ROM it allocated */
/* Allocates zeroed host memory for [base, base+size). 0 or negative errno
 * (-EEXIST on overlap, -ENOMEM). */
int phys_map_add_ram(PhysMap *map, const char *name, uint64_t base, uint64_t size, PhysRegionKind kind);
int phys_map_add_mmio(PhysMap *map, const char *name, uint64_t base, uint64_t size,
                      const DeviceMmioOps *ops, void *opaque);
/* The region holding addr, or NULL. */
const PhysRegion *phys_map_find(const PhysMap *map, uint64_t addr);
/* Host pointer to [addr, addr+len) if it lies wholly inside one RAM region
 * (ROM too when writable is false), else NULL. A writable range over pages
 * holding translated code counts as a code write (devices' DMA). */
void *phys_map_ram_ptr(const PhysMap *map, uint64_t addr, uint64_t len, bool writable);

#endif
