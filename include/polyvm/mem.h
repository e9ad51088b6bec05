/*
 * Guest memory as seen by the engines. This is the user-mode (flat) layout:
 * guest virtual address A lives at host address base + A inside one reserved
 * range, with a per-page permission table so that a guest access to an
 * unmapped or protected page becomes a guest fault, never a host crash.
 * The host mapping of each page mirrors its guest permissions (execute reads
 * as read; unmapped is PROT_NONE), so host code that skips the table, like
 * a JIT's inline access, still faults where the guest would.
 * System mode (soft MMU + TLB) plugs in behind the same cpu_ld/cpu_st calls.
 *
 * Use: guest_mem_init() reserves the range, guest_mem_map() makes pages
 * accessible (and zero), guest_mem_protect() changes permissions, and
 * guest_mem_ptr() gives a host pointer for loaders and syscalls after a
 * permission check.
 */
#ifndef POLYVM_MEM_H
#define POLYVM_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_PAGE_BITS 12
#define GUEST_PAGE_SIZE (1ull << GUEST_PAGE_BITS)

enum { GUEST_PROT_READ = 1, GUEST_PROT_WRITE = 2, GUEST_PROT_EXEC = 4 };
/* In page_prot only: the page is mapped (possibly with no access at all), so
 * an address-space search must not hand it out again. */
enum { GUEST_PAGE_MAPPED = 8 };
/* In page_prot only: backed by a file or shared memory (user-mode mmap), so
 * growing it in place by mapping fresh anonymous pages would be wrong. */
enum { GUEST_PAGE_FILE = 16 };

/* Never mapped, below and above the range: translated code checks an
 * access's base register against the size and adds a displacement of up
 * to a few KiB, and checks only the start of an access, so an access
 * that ends up just outside the range faults here and touches nothing
 * else of the host's. */
#define GUEST_MEM_GUARD_SIZE (64u << 10)

typedef struct GuestMem {
    uint8_t *base;        /* host address of guest address 0 */
    uint64_t size;        /* guest addresses [0, size) are reserved */
    uint8_t *page_prot;   /* GUEST_PROT_* per guest page */
} GuestMem;

/* Returns 0 or a negative errno. size is rounded up to a page. */
int guest_mem_init(GuestMem *m, uint64_t size);
void guest_mem_destroy(GuestMem *m);
/* Makes [addr, addr+len) accessible with prot and zero-filled. */
int guest_mem_map(GuestMem *m, uint64_t addr, uint64_t len, unsigned prot);
int guest_mem_protect(GuestMem *m, uint64_t addr, uint64_t len, unsigned prot);
int guest_mem_unmap(GuestMem *m, uint64_t addr, uint64_t len);
/* Moves the mapping [old, old+old_len) to [new, new+new_len) keeping its
 * contents and backing (as mremap); the old range becomes unmapped. */
int guest_mem_move(GuestMem *m, uint64_t old, uint64_t old_len, uint64_t new, uint64_t new_len);
/* Maps len bytes of the open file fd at offset into [addr, addr+len), private
 * (copy on write) or shared as mmap's MAP_PRIVATE/MAP_SHARED; fd < 0 maps
 * anonymous memory (shared anonymous memory survives fork as shared). The
 * pages are marked GUEST_PAGE_FILE. */
int guest_mem_map_file(GuestMem *m, uint64_t addr, uint64_t len, unsigned prot, bool shared, int fd,
                       uint64_t offset);

/* true if every byte of [addr, addr+len) has all the bits of prot */
static inline bool guest_mem_check(const GuestMem *m, uint64_t addr, uint64_t len, unsigned prot)
{
    if (len == 0)
        return addr <= m->size;   /* an empty range still needs a real address */
    if (addr >= m->size || len > m->size - addr)
        return false;
    uint64_t first = addr >> GUEST_PAGE_BITS, last = (addr + len - 1) >> GUEST_PAGE_BITS;
    for (uint64_t p = first; p <= last; p++)
        if ((m->page_prot[p] & prot) != prot)
            return false;
    return true;
}

/* host pointer to guest [addr, addr+len) if accessible with prot, else NULL */
static inline void *guest_mem_ptr(const GuestMem *m, uint64_t addr, uint64_t len, unsigned prot)
{
    return guest_mem_check(m, addr, len, prot) ? m->base + addr : NULL;
}

#endif
