/*
 * User-mode guest memory: one reserved host range plus a page permission
 * table (see polyvm/mem.h). Pages are backed lazily by the kernel
 * (MAP_NORESERVE), so a large guest range costs nothing until touched.
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
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return -errno;
    m->page_prot = calloc(size >> GUEST_PAGE_BITS, 1);
    if (!m->page_prot) {
        munmap(p, size);
        return -ENOMEM;
    }
    m->base = p;
    m->size = size;
    return 0;
}

void guest_mem_destroy(GuestMem *m)
{
    if (m->base)
        munmap(m->base, m->size);
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

int guest_mem_map(GuestMem *m, uint64_t addr, uint64_t len, unsigned prot)
{
    uint64_t first, end;
    int r = page_range(m, addr, len, &first, &end);
    if (r)
        return r;
    /* fresh anonymous pages read as zero, as mmap promises the guest */
    uint8_t *start = m->base + (first << GUEST_PAGE_BITS);
    size_t bytes = (end - first) << GUEST_PAGE_BITS;
    if (madvise(start, bytes, MADV_DONTNEED) != 0)
        memset(start, 0, bytes);
    memset(m->page_prot + first, (int)prot, end - first);
    return 0;
}

int guest_mem_protect(GuestMem *m, uint64_t addr, uint64_t len, unsigned prot)
{
    uint64_t first, end;
    int r = page_range(m, addr, len, &first, &end);
    if (r)
        return r;
    memset(m->page_prot + first, (int)prot, end - first);
    return 0;
}

int guest_mem_unmap(GuestMem *m, uint64_t addr, uint64_t len)
{
    uint64_t first, end;
    int r = page_range(m, addr, len, &first, &end);
    if (r)
        return r;
    memset(m->page_prot + first, 0, end - first);
    madvise(m->base + (first << GUEST_PAGE_BITS), (end - first) << GUEST_PAGE_BITS, MADV_DONTNEED);
    return 0;
}
