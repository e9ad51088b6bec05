/*
 * Program start-up for user mode: map the program, its ELF interpreter
 * (PT_INTERP, looked up inside the sysroot) and the sigreturn trampoline,
 * then build the initial stack. Used once at start and again by execve,
 * which re-executes polyvm itself (sys-exec.c) so a new image always
 * starts from a fresh process.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "user-internal.h"

static uint64_t choose_free(void *ctx, uint64_t span)
{
    UserProcess *p = ctx;
    return user_find_free(p, (span + GUEST_PAGE_SIZE - 1) & ~(GUEST_PAGE_SIZE - 1));
}

/* rt_sigreturn: li a7, 139; ecall. Handlers return here through ra, as they
 * return to the vDSO's __vdso_rt_sigreturn on a real kernel. */
static int map_sigreturn_trampoline(UserProcess *p)
{
    static const uint32_t code[] = {0x08b00893u, 0x00000073u};
    int r = guest_mem_map(&p->mem, USER_SIGTRAMP_ADDR, GUEST_PAGE_SIZE, GUEST_PROT_READ | GUEST_PROT_WRITE);
    if (r)
        return r;
    memcpy(p->mem.base + USER_SIGTRAMP_ADDR, code, sizeof code);
    return guest_mem_protect(&p->mem, USER_SIGTRAMP_ADDR, GUEST_PAGE_SIZE, GUEST_PROT_READ | GUEST_PROT_EXEC);
}

int user_load_program(UserProcess *p, const char *path, int argc, char **argv, char **envp, uint64_t *entry,
                      uint64_t *sp)
{
    char err[PATH_MAX + 256];
    ElfPlacement main_place = {.dyn_base = USER_PIE_BASE};
    if (elf_load(path, EM_RISCV, &p->mem, &main_place, &p->elf, err, sizeof err)) {
        fprintf(stderr, "polyvm: %s\n", err);
        return -1;
    }
    p->brk_start = p->brk_cur = (p->elf.brk + GUEST_PAGE_SIZE - 1) & ~(GUEST_PAGE_SIZE - 1);
    p->mmap_cursor = USER_MMAP_TOP;
    *entry = p->elf.entry;
    memset(&p->interp, 0, sizeof p->interp);
    if (p->elf.interp[0]) {
        char host_interp[PATH_MAX];
        user_map_path(p, p->elf.interp, host_interp, sizeof host_interp);
        ElfPlacement interp_place = {.choose = choose_free, .ctx = p};
        if (elf_load(host_interp, EM_RISCV, &p->mem, &interp_place, &p->interp, err, sizeof err)) {
            fprintf(stderr, "polyvm: %s: cannot load its ELF interpreter %s%s%s: %s\n", path, p->elf.interp,
                    p->sysroot[0] ? " in the sysroot " : " (no sysroot: give -L DIR or QEMU_LD_PREFIX)",
                    p->sysroot, err);
            return -1;
        }
        *entry = p->interp.entry;
    }
    if (map_sigreturn_trampoline(p)) {
        fprintf(stderr, "polyvm: cannot map the signal trampoline\n");
        return -1;
    }
    *sp = user_setup_stack(p, argc, argv, envp, path);
    if (!*sp) {
        fprintf(stderr, "polyvm: %s: cannot build the initial stack (arguments too large?)\n", path);
        return -1;
    }
    return 0;
}
