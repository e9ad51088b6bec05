/*
 * State of one user-mode guest process, shared by the runner, the stack
 * builder and the syscall layer.
 */
#ifndef POLYVM_USER_INTERNAL_H
#define POLYVM_USER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "polyvm/loader.h"
#include "polyvm/mem.h"
#include "polyvm/riscv64.h"

typedef struct UserProcess {
    GuestMem mem;
    RvCpu *cpu;
    ElfInfo elf;
    bool exited;
    int exit_status;
    bool unimp_logged[1024];
} UserProcess;

int64_t user_syscall(UserProcess *p, uint64_t nr, const uint64_t *args);
/* Builds argv/envp/auxv on a fresh stack; returns the initial sp or 0. */
uint64_t user_setup_stack(UserProcess *p, int argc, char **argv, char **envp, const char *execfn);

#endif
