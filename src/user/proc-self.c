/*
 * The /proc files that must describe the guest, not polyvm: a guest that
 * opens its own cmdline or maps gets a memfd with the guest's view (its
 * argv; its mappings from the guest page table), as qemu-user does.
 * /proc/self/exe is handled by path mapping (guest-ptr.c). Everything else
 * under /proc is the host's.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "user-internal.h"

typedef enum { PROC_NONE, PROC_CMDLINE, PROC_MAPS } ProcFile;

static ProcFile special_file(const char *path)
{
    char own[32];
    snprintf(own, sizeof own, "/proc/%d/", (int)getpid());
    const char *rest = NULL;
    if (!strncmp(path, "/proc/self/", 11))
        rest = path + 11;
    else if (!strncmp(path, "/proc/thread-self/", 18))
        rest = path + 18;
    else if (!strncmp(path, own, strlen(own)))
        rest = path + strlen(own);
    if (!rest)
        return PROC_NONE;
    if (!strcmp(rest, "cmdline"))
        return PROC_CMDLINE;
    if (!strcmp(rest, "maps"))
        return PROC_MAPS;
    return PROC_NONE;
}

static void write_cmdline(UserProcess *p, FILE *f)
{
    for (int i = 0; i < p->opts.argc; i++)
        fwrite(p->opts.argv[i], 1, strlen(p->opts.argv[i]) + 1, f);
}

static const char *map_name(UserProcess *p, uint64_t start)
{
    if (start >= USER_STACK_TOP - USER_STACK_SIZE && start < USER_STACK_TOP)
        return "[stack]";
    if (start >= p->brk_start && start < ((p->brk_cur + GUEST_PAGE_SIZE - 1) & ~(GUEST_PAGE_SIZE - 1)))
        return "[heap]";
    return "";
}

/* one line per run of pages with equal guest permissions */
static void write_maps(UserProcess *p, FILE *f)
{
    const GuestMem *m = &p->mem;
    uint64_t npages = m->size >> GUEST_PAGE_BITS;
    for (uint64_t i = 0; i < npages;) {
        uint8_t v = m->page_prot[i];
        uint64_t j = i + 1;
        while (j < npages && m->page_prot[j] == v)
            j++;
        if (v & GUEST_PAGE_MAPPED) {
            uint64_t start = i << GUEST_PAGE_BITS;
            fprintf(f, "%08llx-%08llx %c%c%c%c 00000000 00:00 0 %s\n", (unsigned long long)start,
                    (unsigned long long)(j << GUEST_PAGE_BITS), (v & GUEST_PROT_READ) ? 'r' : '-',
                    (v & GUEST_PROT_WRITE) ? 'w' : '-', (v & GUEST_PROT_EXEC) ? 'x' : '-',
                    (v & GUEST_PAGE_FILE) ? 's' : 'p', map_name(p, start));
        }
        i = j;
    }
}

int user_open_proc_self(UserThread *t, const char *guest_path, int flags)
{
    ProcFile which = special_file(guest_path);
    if (which == PROC_NONE)
        return USER_NOT_SPECIAL;
    if ((flags & O_ACCMODE) != O_RDONLY)
        return -EACCES;
    int fd = memfd_create("polyvm-proc", (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
    if (fd < 0)
        return -errno;
    FILE *f = fdopen(dup(fd), "w");
    if (!f) {
        close(fd);
        return -ENOMEM;
    }
    pthread_mutex_lock(&t->proc->mm_lock);
    if (which == PROC_CMDLINE)
        write_cmdline(t->proc, f);
    else
        write_maps(t->proc, f);
    pthread_mutex_unlock(&t->proc->mm_lock);
    fclose(f);
    lseek(fd, 0, SEEK_SET);
    return fd;
}
