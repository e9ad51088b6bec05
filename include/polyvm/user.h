/*
 * Linux user mode: run one guest program on the host, its system calls
 * translated to host calls.
 *
 * Use: fill UserOptions and call user_run(); it returns the exit status a
 * shell would see (the program's exit code, or 128+N for death by signal N)
 * or -1 after printing why the program could not be started.
 *
 * Static and dynamic riscv64 programs run, with threads, signals, fork and
 * execve; docs/user-mode.md describes the design and lists the syscalls.
 */
#ifndef POLYVM_USER_H
#define POLYVM_USER_H

#include <stdbool.h>

typedef struct UserOptions {
    const char *program;      /* host path of the guest ELF */
    int argc;
    char **argv;              /* guest argv; argv[0] may differ from program (-0) */
    char **envp;              /* guest environment, NULL-terminated */
    bool print_stats;
    const char *sysroot;      /* -L / QEMU_LD_PREFIX, or NULL */
    char **global_args;       /* polyvm's options before 'user' (for execve) */
    int nglobal_args;
} UserOptions;

int user_run(const UserOptions *opts);

#endif
