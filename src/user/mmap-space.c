/*
 * The guest address-space allocator of user mode: where an mmap without
 * MAP_FIXED, or the ELF interpreter, goes. It searches the page table
 * top-down from a cursor (next fit), as Linux's top-down mmap layout
 * places mappings below the stack, and wraps around once.
 */
#include "user-internal.h"

static uint64_t search(const GuestMem *m, uint64_t top, uint64_t bottom, uint64_t pages)
{
    uint64_t run = 0;
    for (uint64_t page = top >> GUEST_PAGE_BITS; page > bottom >> GUEST_PAGE_BITS; page--) {
        if (m->page_prot[page - 1]) {
            run = 0;
            continue;
        }
        if (++run == pages)
            return (page - 1) << GUEST_PAGE_BITS;
    }
    return 0;
}

uint64_t user_find_free(UserProcess *p, uint64_t len)
{
    uint64_t pages = (len + GUEST_PAGE_SIZE - 1) >> GUEST_PAGE_BITS;
    if (pages == 0)
        return 0;
    uint64_t at = search(&p->mem, p->mmap_cursor, USER_MMAP_BOTTOM, pages);
    if (!at)
        at = search(&p->mem, USER_MMAP_TOP, USER_MMAP_BOTTOM, pages);
    if (at)
        p->mmap_cursor = at;
    return at;
}

void user_flush_all_code(UserProcess *p)
{
    pthread_mutex_lock(&p->thread_lock);
    for (UserThread *t = p->threads; t; t = t->next) {
        t->cpu->common.flush_pending = true;
        cpu_request_exit(&t->cpu->common);
    }
    pthread_mutex_unlock(&p->thread_lock);
}
