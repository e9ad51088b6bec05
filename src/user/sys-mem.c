/*
 * Memory system calls of user mode: mmap, munmap, mprotect, mremap, brk,
 * madvise, msync, mincore, mlock and riscv_flush_icache.
 *
 * The guest address space is the reserved GuestMem range; these calls keep
 * its page table and the host mappings in step (guest-mem.c), under
 * mm_lock because threads share it. Any change that touches a page the
 * guest could have executed drops every thread's translations, since a
 * block translated from the old contents must never run again.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "user-internal.h"

#define PAGE_MASK (GUEST_PAGE_SIZE - 1)

static uint64_t page_align(uint64_t len) { return (len + PAGE_MASK) & ~PAGE_MASK; }

static bool in_space(const UserProcess *p, uint64_t addr, uint64_t len)
{
    return len <= p->mem.size && addr <= p->mem.size - len;
}

/* true if any page of the range is mapped with the bits of mask */
static bool any_page(const UserProcess *p, uint64_t addr, uint64_t len, unsigned mask)
{
    for (uint64_t a = addr; a < addr + len; a += GUEST_PAGE_SIZE)
        if (p->mem.page_prot[a >> GUEST_PAGE_BITS] & mask)
            return true;
    return false;
}

static bool all_mapped(const UserProcess *p, uint64_t addr, uint64_t len)
{
    for (uint64_t a = addr; a < addr + len; a += GUEST_PAGE_SIZE)
        if (!(p->mem.page_prot[a >> GUEST_PAGE_BITS] & GUEST_PAGE_MAPPED))
            return false;
    return true;
}

static unsigned guest_prot(uint64_t prot)
{
    return ((prot & PROT_READ) ? GUEST_PROT_READ : 0) | ((prot & PROT_WRITE) ? GUEST_PROT_WRITE : 0) |
           ((prot & PROT_EXEC) ? GUEST_PROT_EXEC : 0);
}

static void flush_if_code(UserThread *t, uint64_t addr, uint64_t len)
{
    if (any_page(t->proc, addr, len, GUEST_PROT_EXEC))
        user_flush_all_code(t->proc);
}

/* Picks where a mapping goes; 0 with *err set if it cannot. */
static uint64_t place_mapping(UserThread *t, uint64_t hint, uint64_t len, uint64_t flags, int64_t *err)
{
    UserProcess *p = t->proc;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if (hint & PAGE_MASK) {
            *err = -EINVAL;
            return 0;
        }
        if (!in_space(p, hint, len) || hint < USER_MMAP_BOTTOM) {
            *err = -ENOMEM;
            return 0;
        }
        if ((flags & MAP_FIXED_NOREPLACE) && any_page(p, hint, len, GUEST_PAGE_MAPPED)) {
            *err = -EEXIST;
            return 0;
        }
        return hint;
    }
    hint &= ~PAGE_MASK;
    if (hint >= USER_MMAP_BOTTOM && in_space(p, hint, len) && !any_page(p, hint, len, GUEST_PAGE_MAPPED))
        return hint;
    uint64_t at = user_find_free(p, len);
    if (!at)
        *err = -ENOMEM;
    return at;
}

int64_t sys_mmap(SYSCALL_ARGS)
{
    uint64_t addr = a[0], len = a[1], prot = a[2], flags = a[3], offset = a[5];
    int fd = (int)a[4];
    if (len == 0 || (offset & PAGE_MASK) || page_align(len) < len)
        return -EINVAL;
    if ((prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC)) != 0)
        return -EINVAL;
    uint64_t type = flags & MAP_TYPE;
    if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
        return -EINVAL;
    len = page_align(len);
    UserProcess *p = t->proc;
    pthread_mutex_lock(&p->mm_lock);
    int64_t r = 0;
    uint64_t at = place_mapping(t, addr, len, flags, &r);
    if (at) {
        flush_if_code(t, at, len);
        bool shared = type != MAP_PRIVATE;
        if (flags & MAP_ANONYMOUS)
            r = shared ? guest_mem_map_file(&p->mem, at, len, guest_prot(prot), true, -1, 0)
                       : guest_mem_map(&p->mem, at, len, guest_prot(prot));
        else
            r = guest_mem_map_file(&p->mem, at, len, guest_prot(prot), shared, fd, offset);
    }
    pthread_mutex_unlock(&p->mm_lock);
    /* a failed MAP_FIXED may have left the target unmapped, as on Linux */
    return r < 0 ? r : (int64_t)at;
}

int64_t sys_munmap(SYSCALL_ARGS)
{
    uint64_t addr = a[0], len = page_align(a[1]);
    UserProcess *p = t->proc;
    if ((addr & PAGE_MASK) || a[1] == 0 || len < a[1] || !in_space(p, addr, len))
        return -EINVAL;
    pthread_mutex_lock(&p->mm_lock);
    flush_if_code(t, addr, len);
    int r = guest_mem_unmap(&p->mem, addr, len);
    pthread_mutex_unlock(&p->mm_lock);
    return r;
}

int64_t sys_mprotect(SYSCALL_ARGS)
{
    uint64_t addr = a[0], len = page_align(a[1]), prot = a[2];
    UserProcess *p = t->proc;
    if ((addr & PAGE_MASK) || len < a[1])
        return -EINVAL;
    if ((prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)) != 0)
        return -EINVAL;
    if (len == 0)
        return 0;
    if (!in_space(p, addr, len))
        return -ENOMEM;
    pthread_mutex_lock(&p->mm_lock);
    int r = -ENOMEM;
    if (all_mapped(p, addr, len)) {
        flush_if_code(t, addr, len);
        r = guest_mem_protect(&p->mem, addr, len, guest_prot(prot));
    }
    pthread_mutex_unlock(&p->mm_lock);
    return r;
}

static int64_t mremap_locked(UserThread *t, uint64_t old, uint64_t old_len, uint64_t new_len, uint64_t flags,
                             uint64_t new_addr)
{
    UserProcess *p = t->proc;
    if (!all_mapped(p, old, old_len))
        return -EFAULT;
    if (flags & MREMAP_FIXED) {
        if ((new_addr & PAGE_MASK) || !in_space(p, new_addr, new_len) || new_addr < USER_MMAP_BOTTOM)
            return -EINVAL;
        if (new_addr < old + old_len && old < new_addr + new_len)
            return -EINVAL;
        flush_if_code(t, new_addr, new_len);
        flush_if_code(t, old, old_len);
        return guest_mem_move(&p->mem, old, old_len, new_addr, new_len) ?: (int64_t)new_addr;
    }
    if (new_len <= old_len) {
        if (new_len < old_len) {
            flush_if_code(t, old + new_len, old_len - new_len);
            int r = guest_mem_unmap(&p->mem, old + new_len, old_len - new_len);
            if (r)
                return r;
        }
        return (int64_t)old;
    }
    uint64_t grow = new_len - old_len, tail = old + old_len;
    uint8_t last = p->mem.page_prot[(tail - 1) >> GUEST_PAGE_BITS];
    bool room = in_space(p, tail, grow) && !any_page(p, tail, grow, GUEST_PAGE_MAPPED);
    if (room && !(last & GUEST_PAGE_FILE)) {
        /* private anonymous memory grows in place with fresh zero pages */
        int r = guest_mem_map(&p->mem, tail, grow, last & (GUEST_PROT_READ | GUEST_PROT_WRITE | GUEST_PROT_EXEC));
        return r ? r : (int64_t)old;
    }
    if (!(flags & MREMAP_MAYMOVE))
        return -ENOMEM;
    uint64_t at = user_find_free(p, new_len);
    if (!at)
        return -ENOMEM;
    flush_if_code(t, old, old_len);
    return guest_mem_move(&p->mem, old, old_len, at, new_len) ?: (int64_t)at;
}

int64_t sys_mremap(SYSCALL_ARGS)
{
    uint64_t old = a[0], old_len = page_align(a[1]), new_len = page_align(a[2]), flags = a[3];
    if ((old & PAGE_MASK) || new_len == 0 || new_len < a[2] || old_len < a[1] || old_len == 0)
        return -EINVAL;
    if (flags & ~(uint64_t)(MREMAP_MAYMOVE | MREMAP_FIXED))
        return -EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
        return -EINVAL;
    if (!in_space(t->proc, old, old_len))
        return -EFAULT;
    pthread_mutex_lock(&t->proc->mm_lock);
    int64_t r = mremap_locked(t, old, old_len, new_len, flags, a[4]);
    pthread_mutex_unlock(&t->proc->mm_lock);
    return r;
}

/* brk returns the new break on success and the unchanged one on failure,
 * as the kernel does; libc's brk() compares. */
int64_t sys_brk(SYSCALL_ARGS)
{
    UserProcess *p = t->proc;
    uint64_t want = a[0];
    pthread_mutex_lock(&p->mm_lock);
    uint64_t cur = p->brk_cur;
    if (want >= p->brk_start && in_space(p, want, 0)) {
        uint64_t old_end = page_align(cur), new_end = page_align(want);
        int r = 0;
        if (new_end > old_end) {
            if (any_page(p, old_end, new_end - old_end, GUEST_PAGE_MAPPED))
                r = -ENOMEM;
            else
                r = guest_mem_map(&p->mem, old_end, new_end - old_end, GUEST_PROT_READ | GUEST_PROT_WRITE);
        } else if (new_end < old_end) {
            r = guest_mem_unmap(&p->mem, new_end, old_end - new_end);
        }
        if (r == 0)
            p->brk_cur = cur = want;
    }
    pthread_mutex_unlock(&p->mm_lock);
    return (int64_t)cur;
}

/* Host pointer and length for a page-aligned guest range that must be
 * entirely mapped (the rule of madvise, msync, mincore, mlock). */
static int mapped_range(UserThread *t, uint64_t addr, uint64_t len, void **host, size_t *host_len)
{
    UserProcess *p = t->proc;
    if (addr & PAGE_MASK)
        return -EINVAL;
    uint64_t plen = page_align(len);
    if (plen < len || !in_space(p, addr, plen))
        return -ENOMEM;
    if (!all_mapped(p, addr, plen))
        return -ENOMEM;
    *host = p->mem.base + addr;
    *host_len = plen;
    return 0;
}

int64_t sys_madvise(SYSCALL_ARGS)
{
    int advice = (int)a[2];
    void *host;
    size_t len;
    if (a[1] == 0)
        return (a[0] & PAGE_MASK) ? -EINVAL : 0;
    switch (advice) {
    case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
    case MADV_DONTNEED: case MADV_FREE: case MADV_HUGEPAGE: case MADV_NOHUGEPAGE:
    case MADV_DONTDUMP: case MADV_DODUMP: case MADV_COLD: case MADV_PAGEOUT:
        break;
    case MADV_DONTFORK: case MADV_DOFORK: case MADV_MERGEABLE: case MADV_UNMERGEABLE:
    case MADV_WIPEONFORK: case MADV_KEEPONFORK:
        /* advice about polyvm's own process: accepted, not applied */
        return 0;
    default:
        return -EINVAL;
    }
    pthread_mutex_lock(&t->proc->mm_lock);
    int r = mapped_range(t, a[0], a[1], &host, &len);
    if (r == 0)
        r = madvise(host, len, advice) ? -errno : 0;
    pthread_mutex_unlock(&t->proc->mm_lock);
    return r;
}

int64_t sys_msync(SYSCALL_ARGS)
{
    void *host;
    size_t len;
    int r = mapped_range(t, a[0], a[1], &host, &len);
    return r ? r : user_result(msync(host, len, (int)a[2]));
}

int64_t sys_mincore(SYSCALL_ARGS)
{
    void *host;
    size_t len;
    int r = mapped_range(t, a[0], a[1], &host, &len);
    if (r)
        return r;
    unsigned char *vec = user_ptr(t, a[2], len >> GUEST_PAGE_BITS, GUEST_PROT_WRITE);
    if (!vec)
        return -EFAULT;
    return user_result(mincore(host, len, vec));
}

/* mlock and munlock take any address and round the range out to pages */
static int64_t lock_range(UserThread *t, const uint64_t *a, int (*op)(const void *, size_t))
{
    void *host;
    size_t len;
    uint64_t start = a[0] & ~PAGE_MASK;
    int r = mapped_range(t, start, a[1] + (a[0] - start), &host, &len);
    return r ? r : user_result(op(host, len));
}

int64_t sys_mlock(SYSCALL_ARGS) { return lock_range(t, a, mlock); }
int64_t sys_munlock(SYSCALL_ARGS) { return lock_range(t, a, munlock); }

/* Locking all of polyvm's memory is not what the guest asked for; the
 * guest's pages are locked page by page through mlock instead. */
int64_t sys_mlockall(SYSCALL_ARGS)
{
    (void)t;
    return (a[0] & ~(uint64_t)(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || !a[0] ? -EINVAL : 0;
}

int64_t sys_munlockall(SYSCALL_ARGS)
{
    (void)t;
    (void)a;
    return 0;
}

/* Another thread may have written code this thread runs: every thread
 * drops its translations, which is what the cross-hart fence.i implies. */
int64_t sys_riscv_flush_icache(SYSCALL_ARGS)
{
    if (a[2] & ~1ull)
        return -EINVAL;
    user_flush_all_code(t->proc);
    return 0;
}
