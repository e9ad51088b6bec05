/*
 * Guest program loading (ELF today; Linux Image, bzImage and initrd with
 * system mode).
 *
 * Use: elf_load(path, EM_RISCV, mem, &place, &info, err, sizeof err) maps every
 * PT_LOAD segment of an executable or shared object into guest memory with its
 * permissions and fills info; on failure it returns a negative errno and
 * err names the file and the cause ("not an ELF file", "ELF for x86-64,
 * expected riscv64", "truncated: segment 2 ends past end of file" ...).
 */
#ifndef POLYVM_LOADER_H
#define POLYVM_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "polyvm/error-text.h"

#include "polyvm/mem.h"

typedef struct ElfInfo {
    uint64_t entry;
    uint64_t load_bias;      /* added to every address of an ET_DYN image */
    uint64_t phdr_addr;      /* guest address of the program headers (AT_PHDR) */
    uint64_t phent, phnum;
    uint64_t lowest_addr, highest_addr;   /* extent of the mapped image */
    uint64_t brk;            /* end of the highest writable segment */
    char interp[256];        /* PT_INTERP path, empty for static programs */
} ElfInfo;

/* Where an ET_DYN image goes: at dyn_base, or, if choose is set, wherever
 * choose(ctx, span) says (a page-aligned guest address, 0 = no room). */
typedef struct ElfPlacement {
    uint64_t dyn_base;
    uint64_t (*choose)(void *ctx, uint64_t span);
    void *ctx;
} ElfPlacement;

int elf_load(const char *path, unsigned expected_machine, GuestMem *mem, const ElfPlacement *place,
             ElfInfo *info, char *err, size_t errlen);
const char *elf_machine_name(unsigned machine);

/* Opens path read-only as a regular file: the fd, with *size (if given) its length,
 * or a negative errno with the message in err. */
int loader_open_regular(const char *path, uint64_t *size, char *err, size_t errlen);

#endif
