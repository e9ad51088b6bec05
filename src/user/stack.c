/*
 * The initial process stack of a Linux program, as the kernel's ELF loader
 * lays it out: argc, argv pointers, NULL, envp pointers, NULL, auxv pairs,
 * AT_NULL, then the strings and the 16 AT_RANDOM bytes above them.
 * AT_BASE is the interpreter's load bias for dynamic programs; AT_HWCAP has
 * the ISA letters the front end implements (RV64IMAFDC).
 */
#include <elf.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "user-internal.h"

/* AT_HWCAP on riscv: one bit per single-letter extension ('a' = bit 0). */
#define HWCAP_LETTER(c) (1ull << ((c) - 'a'))
#define RV_HWCAP (HWCAP_LETTER('i') | HWCAP_LETTER('m') | HWCAP_LETTER('a') | HWCAP_LETTER('f') | \
                  HWCAP_LETTER('d') | HWCAP_LETTER('c'))

static bool push_bytes(UserProcess *p, uint64_t *sp, const void *data, size_t len)
{
    *sp -= len;
    void *dst = guest_mem_ptr(&p->mem, *sp, len, GUEST_PROT_WRITE);
    if (!dst)
        return false;
    memcpy(dst, data, len);
    return true;
}

uint64_t user_setup_stack(UserProcess *p, int argc, char **argv, char **envp, const char *execfn)
{
    if (guest_mem_map(&p->mem, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE, GUEST_PROT_READ | GUEST_PROT_WRITE))
        return 0;
    uint64_t sp = USER_STACK_TOP;
    int envc = 0;
    while (envp && envp[envc])
        envc++;
    uint64_t strs[argc + envc + 1];
    bool ok = true;
    for (int i = 0; i < argc; i++) {
        ok &= push_bytes(p, &sp, argv[i], strlen(argv[i]) + 1);
        strs[i] = sp;
    }
    for (int i = 0; i < envc; i++) {
        ok &= push_bytes(p, &sp, envp[i], strlen(envp[i]) + 1);
        strs[argc + i] = sp;
    }
    ok &= push_bytes(p, &sp, execfn, strlen(execfn) + 1);
    uint64_t execfn_addr = sp;
    uint8_t random[16];
    if (getrandom(random, sizeof random, 0) != sizeof random)
        memset(random, 0x5a, sizeof random);
    ok &= push_bytes(p, &sp, random, sizeof random);
    uint64_t random_addr = sp;
    if (!ok)
        return 0;

    uint64_t auxv[][2] = {
        {AT_PHDR, p->elf.phdr_addr}, {AT_PHENT, p->elf.phent}, {AT_PHNUM, p->elf.phnum},
        {AT_PAGESZ, GUEST_PAGE_SIZE}, {AT_BASE, p->interp.entry ? p->interp.load_bias : 0}, {AT_FLAGS, 0},
        {AT_ENTRY, p->elf.entry}, {AT_UID, getuid()}, {AT_EUID, geteuid()}, {AT_GID, getgid()},
        {AT_EGID, getegid()}, {AT_SECURE, 0}, {AT_HWCAP, RV_HWCAP},
        {AT_CLKTCK, 100}, {AT_RANDOM, random_addr}, {AT_EXECFN, execfn_addr}, {AT_NULL, 0},
    };
    size_t nwords = 1 + (size_t)argc + 1 + (size_t)envc + 1 + 2 * (sizeof auxv / sizeof auxv[0]);
    sp = (sp - nwords * 8) & ~15ull;
    uint64_t *w = guest_mem_ptr(&p->mem, sp, nwords * 8, GUEST_PROT_WRITE);
    if (!w)
        return 0;
    size_t k = 0;
    w[k++] = (uint64_t)argc;
    for (int i = 0; i < argc; i++)
        w[k++] = strs[i];
    w[k++] = 0;
    for (int i = 0; i < envc; i++)
        w[k++] = strs[argc + i];
    w[k++] = 0;
    memcpy(&w[k], auxv, sizeof auxv);
    return sp;
}
