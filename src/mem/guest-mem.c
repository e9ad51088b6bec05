/*
 * User-mode guest memory: one reserved host range plus a page permission
 * table (see polyvm/mem.h). The range is reserved PROT_NONE and
 * MAP_NORESERVE, so a large guest range costs nothing until mapped; each
 * mapping replaces part of it with MAP_FIXED and host permissions that
 * mirror the guest's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "polyvm/mem.h"

int guest_mem_init(GuestMem *m, uint64_t size)
{
    memset(m, 0, sizeof(*m));
    size = (size + GUEST_PAGE_SIZE - 1) & ~(GUEST_PAGE_SIZE - 1);
    if (size == 0)
        return -EINVAL;
    uint8_t *p = mmap(NULL, size + 2 * GUEST_MEM_GUARD_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                      -1, 0);
    if (p == MAP_FAILED)
        return -errno;
    m->page_prot = calloc(size >> GUEST_PAGE_BITS, 1);
    if (!m->page_prot) {
        munmap(p, size + 2 * GUEST_MEM_GUARD_SIZE);
        return -ENOMEM;
    }
    m->base = p + GUEST_MEM_GUARD_SIZE;
    m->size = size;
    return 0;
}

void guest_mem_destroy(GuestMem *m)
{
    if (m->base)
        munmap(m->base - GUEST_MEM_GUARD_SIZE, m->size + 2 * GUEST_MEM_GUARD_SIZE);
    free(m->page_prot);
    memset(m, 0, sizeof(*m));
}

static int page_range(const GuestMem *m, uint64_t addr, uint64_t len, uint64_t *first, uint64_t *end)
{
    if (len == 0 || addr >= m->size || len > m->size - addr)
        return -ENOMEM;
    *first = addr >> GUEST_PAGE_BITS;
    *end = (addr + len + GUEST_PAGE_SIZE - 1) >> GUEST_PAGE_BITS;
    return 0;
}

static int host_prot(unsigned prot)
{
    return ((prot & (GUEST_PROT_READ | GUEST_PROT_EXEC)) ? PROT_READ : 0) |
           ((prot & GUEST_PROT_WRITE) ? PROT_READ | PROT_WRITE : 0);
}

static void set_table(GuestMem *m, uint64_t first, uint64_t end, unsigned value)
{
    memset(m->page_prot + first, (int)value, end - first);
}

/* changes permissions but keeps the MAPPED and FILE marks of each page */
static void set_table_prot(GuestMem *m, uint64_t first, uint64_t end, unsigned prot)
{
    for (uint64_t i = first; i < end; i++)
        m->page_prot[i] = (uint8_t)((m->page_prot[i] & GUEST_PAGE_FILE) | prot | GUEST_PAGE_MAPPED);
}

static int reserve(GuestMem *m, uint64_t first, uint64_t end)
{
    void *p = mmap(m->base + (first << GUEST_PAGE_BITS), (end - first) << GUEST_PAGE_BITS, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    if (p == MAP_FAILED)
        return -errno;
    set_table(m, first, end, 0);
    return 0;
}

static int map_pages(GuestMem *m, uint64_t addr, uint64_t len, unsigned prot, unsigned marks, int flags, int fd,
                     uint64_t offset)
{
    uint64_t first, end;
    int r = page_range(m, addr, len, &first, &end);
    if (r)
        return r;
    void *want = m->base + (first << GUEST_PAGE_BITS);
    void *got = mmap(want, (end - first) << GUEST_PAGE_BITS, host_prot(prot), flags | MAP_FIXED, fd, (off_t)offset);
    if (got == MAP_FAILED)
        return -errno;
    set_table(m, first, end, prot | marks | GUEST_PAGE_MAPPED);
    return 0;
}

int guest_mem_map(GuestMem *m, uint64_t addr, uint64_t len, unsigned prot)
{
    /* a fresh anonymous mapping reads as zero, as mmap promises the guest */
    return map_pages(m, addr, len, prot, 0, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
}

int guest_mem_map_file(GuestMem *m, uint64_t addr, uint64_t len, unsigned prot, bool shared, int fd,
                       uint64_t offset)
{
    int flags = (shared ? MAP_SHARED : MAP_PRIVATE) | (fd < 0 ? MAP_ANONYMOUS : 0);
    return map_pages(m, addr, len, prot, GUEST_PAGE_FILE, flags, fd, offset);
}

int guest_mem_protect(GuestMem *m, uint64_t addr, uint64_t len, unsigned prot)
{
    uint64_t first, end;
    int r = page_range(m, addr, len, &first, &end);
    if (r)
        return r;
    if (mprotect(m->base + (first << GUEST_PAGE_BITS), (end - first) << GUEST_PAGE_BITS, host_prot(prot)) != 0)
        return -errno;
    set_table_prot(m, first, end, prot);
    return 0;
}

int guest_mem_unmap(GuestMem *m, uint64_t addr, uint64_t len)
{
    uint64_t first, end;
    int r = page_range(m, addr, len, &first, &end);
    if (r)
        return r;
    /* back to reserved: no access, no memory, nothing another mmap can hit */
    return reserve(m, first, end);
}

int guest_mem_move(GuestMem *m, uint64_t old, uint64_t old_len, uint64_t new, uint64_t new_len)
{
    uint64_t of, oe, nf, ne;
    int r = page_range(m, old, old_len, &of, &oe);
    if (!r)
        r = page_range(m, new, new_len, &nf, &ne);
    if (r)
        return r;
    uint8_t marks = m->page_prot[of];
    /* MREMAP_FIXED replaces the reservation at the target in one step */
    void *p = mremap(m->base + (of << GUEST_PAGE_BITS), (oe - of) << GUEST_PAGE_BITS, (ne - nf) << GUEST_PAGE_BITS,
                     MREMAP_MAYMOVE | MREMAP_FIXED, m->base + (nf << GUEST_PAGE_BITS));
    if (p == MAP_FAILED)
        return -errno;
    /* the moved range keeps the first page's permissions and backing, as
     * mremap requires one mapping; the source is a hole now: reserve it */
    set_table(m, nf, ne, marks);
    return reserve(m, of, oe);
}
