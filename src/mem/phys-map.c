/*
 * The guest-physical address map (see polyvm/phys-map.h): a sorted array of
 * non-overlapping regions searched by bisection. Boards add a handful of
 * regions once, while lookups happen on every TLB fill and DMA, so a sorted
 * array beats anything fancier.
 *
 * RAM and ROM are anonymous private mappings with MAP_NORESERVE: the kernel
 * hands out zeroed pages on first touch, so a guest with gigabytes of RAM
 * costs only what it uses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "polyvm/phys-map.h"
#include "polyvm/soft-tlb.h"

void phys_map_init(PhysMap *map)
{
    memset(map, 0, sizeof(*map));
}

void phys_map_destroy(PhysMap *map)
{
    for (size_t i = 0; i < map->count; i++) {
        PhysRegion *r = &map->regions[i];
        if (r->kind != PHYS_MMIO && r->host)
            munmap(r->host, r->size);
        free(r->code_map);
        free((char *)r->name);
    }
    free(map->regions);
    phys_map_init(map);
}

/* Index of the first region whose base is above addr (0..count). */
static size_t first_above(const PhysMap *map, uint64_t addr)
{
    size_t lo = 0, hi = map->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (map->regions[mid].base <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Last byte of a region; regions may end at 2^64 - 1, so "end" would overflow. */
static uint64_t last_byte(const PhysRegion *r)
{
    return r->base + (r->size - 1);
}

/* 0 if [base, base+size) is a valid, free range; it may end at 2^64. */
static int check_free(const PhysMap *map, uint64_t base, uint64_t size)
{
    if (size == 0 || base + (size - 1) < base)
        return -EINVAL;
    size_t at = first_above(map, base);
    /* The neighbour below must end before us, the one above start after us. */
    if (at > 0 && last_byte(&map->regions[at - 1]) >= base)
        return -EEXIST;
    if (at < map->count && map->regions[at].base <= base + (size - 1))
        return -EEXIST;
    return 0;
}

static int insert_region(PhysMap *map, const PhysRegion *region)
{
    int err = check_free(map, region->base, region->size);
    if (err)
        return err;
    size_t at = first_above(map, region->base);
    if (map->count == map->cap) {
        size_t cap = map->cap ? map->cap * 2 : 16;
        PhysRegion *grown = realloc(map->regions, cap * sizeof(*grown));
        if (!grown)
            return -ENOMEM;
        map->regions = grown;
        map->cap = cap;
    }
    char *name = strdup(region->name ? region->name : "?");
    if (!name)
        return -ENOMEM;
    memmove(&map->regions[at + 1], &map->regions[at], (map->count - at) * sizeof(*map->regions));
    map->regions[at] = *region;
    map->regions[at].name = name;
    map->count++;
    return 0;
}

int phys_map_add_ram(PhysMap *map, const char *name, uint64_t base, uint64_t size, PhysRegionKind kind)
{
    if (kind == PHYS_MMIO || size == 0 || size > SIZE_MAX)
        return -EINVAL;
    /* Check the placement before reserving host memory for it. */
    int err = check_free(map, base, size);
    if (err)
        return err;
    void *host = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (host == MAP_FAILED)
        return -ENOMEM;
    PhysRegion r = {.name = name, .kind = kind, .base = base, .size = size, .host = host};
    err = insert_region(map, &r);
    if (err)
        munmap(host, (size_t)size);
    return err;
}

int phys_map_add_mmio(PhysMap *map, const char *name, uint64_t base, uint64_t size,
                      const DeviceMmioOps *ops, void *opaque)
{
    if (!ops || !ops->read || !ops->write)
        return -EINVAL;
    PhysRegion r = {.name = name, .kind = PHYS_MMIO, .base = base, .size = size,
                    .ops = ops, .opaque = opaque};
    return insert_region(map, &r);
}

const PhysRegion *phys_map_find(const PhysMap *map, uint64_t addr)
{
    size_t at = first_above(map, addr);
    if (at == 0)
        return NULL;
    const PhysRegion *r = &map->regions[at - 1];
    return addr - r->base < r->size ? r : NULL;
}

/* The vCPUs find out at their next instruction barrier (the guest's driver
 * issues one before running code it read from a device). */
static void note_dma_code_write(const PhysMap *map, const PhysRegion *r, uint64_t offset, uint64_t len)
{
    for (uint64_t pg = offset >> TLB_PAGE_BITS; pg <= (offset + len - 1) >> TLB_PAGE_BITS; pg++)
        if (__atomic_load_n(&r->code_map[pg], __ATOMIC_ACQUIRE)) {
            __atomic_add_fetch(&((PhysMap *)map)->code_writes, 1, __ATOMIC_ACQ_REL);
            return;
        }
}

void *phys_map_ram_ptr(const PhysMap *map, uint64_t addr, uint64_t len, bool writable)
{
    const PhysRegion *r = phys_map_find(map, addr);
    if (!r || r->kind == PHYS_MMIO || (writable && r->kind == PHYS_ROM))
        return NULL;
    /* Written so that no sum can wrap: a guest picks both addr and len. */
    uint64_t offset = addr - r->base;
    if (len > r->size - offset)
        return NULL;
    if (writable && len && r->code_map)
        note_dma_code_write(map, r, offset, len);
    return r->host + offset;
}
