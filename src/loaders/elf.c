/*
 * ELF loader on libelf: validates the header (class, byte order, type,
 * machine), then maps each PT_LOAD segment into guest memory with the
 * segment's permissions. Every offset and size from the file is checked
 * against the file size and the guest range first: a corrupt or hostile
 * file gives an error message, never an out-of-bounds access.
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "polyvm/loader.h"

const char *elf_machine_name(unsigned machine)
{
    switch (machine) {
    case EM_RISCV: return "riscv64";
    case EM_AARCH64: return "aarch64";
    case EM_X86_64: return "x86-64";
    case EM_386: return "i386";
    case EM_ARM: return "arm";
    default: return "an unknown machine";
    }
}


static unsigned prot_of(uint32_t flags)
{
    return ((flags & PF_R) ? GUEST_PROT_READ : 0) | ((flags & PF_W) ? GUEST_PROT_WRITE : 0) |
           ((flags & PF_X) ? GUEST_PROT_EXEC : 0);
}

/* Segments may share a page (the end of text and the start of data in a
 * tightly linked file): such a page keeps what is already there and gets
 * the union of both permissions, as the kernel's loader gives it. */
static int map_segment(GuestMem *mem, const uint8_t *image, const GElf_Phdr *ph, uint64_t bias)
{
    uint64_t start = (ph->p_vaddr + bias) & ~(GUEST_PAGE_SIZE - 1);
    uint64_t end = ph->p_vaddr + bias + ph->p_memsz;
    uint64_t first = start >> GUEST_PAGE_BITS, npages = (end - start + GUEST_PAGE_SIZE - 1) >> GUEST_PAGE_BITS;
    uint8_t old_first = mem->page_prot[first], old_last = mem->page_prot[first + npages - 1];
    int r = 0;
    uint64_t run = 0;   /* pages of the current run of fresh pages */
    for (uint64_t i = 0; i <= npages && !r; i++) {
        bool mapped = i < npages && (mem->page_prot[first + i] & GUEST_PAGE_MAPPED);
        if (i < npages && !mapped) {
            run++;
            continue;
        }
        if (run)
            r = guest_mem_map(mem, (first + i - run) << GUEST_PAGE_BITS, run << GUEST_PAGE_BITS,
                              GUEST_PROT_READ | GUEST_PROT_WRITE);
        run = 0;
        if (mapped && !r)
            r = guest_mem_protect(mem, (first + i) << GUEST_PAGE_BITS, GUEST_PAGE_SIZE,
                                  GUEST_PROT_READ | GUEST_PROT_WRITE);
    }
    if (r)
        return r;
    memcpy(mem->base + ph->p_vaddr + bias, image + ph->p_offset, ph->p_filesz);
    unsigned prot = prot_of(ph->p_flags);
    r = guest_mem_protect(mem, start, end - start, prot);
    if (!r && (old_first & GUEST_PAGE_MAPPED))
        r = guest_mem_protect(mem, start, GUEST_PAGE_SIZE, (old_first | prot) & ~GUEST_PAGE_MAPPED);
    if (!r && (old_last & GUEST_PAGE_MAPPED))
        r = guest_mem_protect(mem, (first + npages - 1) << GUEST_PAGE_BITS, GUEST_PAGE_SIZE,
                              (old_last | prot) & ~GUEST_PAGE_MAPPED);
    return r;
}

/* Extent [lo, hi) of the PT_LOAD segments before relocation; hi = 0 if none. */
static void load_extent(Elf *elf, size_t phnum, uint64_t *lo, uint64_t *hi)
{
    *lo = UINT64_MAX;
    *hi = 0;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD || ph.p_vaddr + ph.p_memsz < ph.p_vaddr)
            continue;
        if ((ph.p_vaddr & ~(GUEST_PAGE_SIZE - 1)) < *lo)
            *lo = ph.p_vaddr & ~(GUEST_PAGE_SIZE - 1);
        if (ph.p_vaddr + ph.p_memsz > *hi)
            *hi = ph.p_vaddr + ph.p_memsz;
    }
}

int elf_load(const char *path, unsigned expected_machine, GuestMem *mem, const ElfPlacement *place,
             ElfInfo *info, char *err, size_t errlen)
{
    memset(info, 0, sizeof(*info));
    int fd = loader_open_regular(path, NULL, err, errlen);
    if (fd < 0)
        return fd;
    elf_version(EV_CURRENT);
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    int rc = 0;
    GElf_Ehdr eh;
    size_t image_size = 0;
    const uint8_t *image = NULL;
    if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
        rc = error_text_for(err, errlen, -ENOEXEC, path, "not an ELF file");
        goto out;
    }
    image = (const uint8_t *)elf_rawfile(elf, &image_size);
    if (gelf_getclass(elf) != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB) {
        rc = error_text_for(err, errlen, -ENOEXEC, path, "not a 64-bit little-endian ELF file");
        goto out;
    }
    if (eh.e_machine != expected_machine) {
        rc = error_text_for(err, errlen, -ENOEXEC, path, "ELF for %s, expected %s", elf_machine_name(eh.e_machine),
                            elf_machine_name(expected_machine));
        goto out;
    }
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
        rc = error_text_for(err, errlen, -ENOEXEC, path, "not an executable (ELF type %u)", eh.e_type);
        goto out;
    }
    size_t phnum;
    if (elf_getphdrnum(elf, &phnum) != 0 || phnum == 0 || !image || eh.e_phentsize != sizeof(Elf64_Phdr) ||
        eh.e_phoff > image_size || phnum * (uint64_t)eh.e_phentsize > image_size - eh.e_phoff) {
        rc = error_text_for(err, errlen, -ENOEXEC, path, "truncated or missing program headers");
        goto out;
    }
    uint64_t bias = 0;
    if (eh.e_type == ET_DYN) {
        bias = place->dyn_base;
        uint64_t lo, hi;
        load_extent(elf, phnum, &lo, &hi);
        if (place->choose && hi > lo) {
            uint64_t at = place->choose(place->ctx, hi - lo);
            if (!at) {
                rc = error_text_for(err, errlen, -ENOMEM, path, "no room for %llu bytes in the guest address space",
                                    (unsigned long long)(hi - lo));
                goto out;
            }
            bias = at - lo;
        }
    }
    info->lowest_addr = UINT64_MAX;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph)) {
            rc = error_text_for(err, errlen, -ENOEXEC, path, "unreadable program header %zu", i);
            goto out;
        }
        if (ph.p_type == PT_INTERP) {
            if (ph.p_offset > image_size || ph.p_filesz > image_size - ph.p_offset || ph.p_filesz == 0 ||
                ph.p_filesz >= sizeof(info->interp)) {
                rc = error_text_for(err, errlen, -ENOEXEC, path, "bad PT_INTERP segment");
                goto out;
            }
            memcpy(info->interp, image + ph.p_offset, ph.p_filesz);
            info->interp[ph.p_filesz - 1] = 0;
        }
        if (ph.p_type != PT_LOAD)
            continue;
        if (ph.p_offset > image_size || ph.p_filesz > image_size - ph.p_offset) {
            rc = error_text_for(err, errlen, -ENOEXEC, path, "truncated: segment %zu ends past the end of the file", i);
            goto out;
        }
        if (ph.p_filesz > ph.p_memsz || ph.p_vaddr + bias < ph.p_vaddr || ph.p_memsz > mem->size ||
            ph.p_vaddr + bias > mem->size - ph.p_memsz) {
            rc = error_text_for(err, errlen, -ENOEXEC, path, "segment %zu at 0x%llx does not fit the guest address space",
                                i, (unsigned long long)ph.p_vaddr);
            goto out;
        }
        if (ph.p_memsz == 0)
            continue;   /* nothing to map, as Linux skips it */
        int r = map_segment(mem, image, &ph, bias);
        if (r) {
            rc = error_text_for(err, errlen, r, path, "cannot map segment %zu: %s", i, strerror(-r));
            goto out;
        }
        uint64_t lo = ph.p_vaddr + bias, hi = lo + ph.p_memsz;
        if (lo < info->lowest_addr)
            info->lowest_addr = lo;
        if (hi > info->highest_addr)
            info->highest_addr = hi;
        if ((ph.p_flags & PF_W) && hi > info->brk)
            info->brk = hi;
        if (ph.p_offset <= eh.e_phoff && eh.e_phoff < ph.p_offset + ph.p_filesz)
            info->phdr_addr = lo + (eh.e_phoff - ph.p_offset);
    }
    if (info->highest_addr == 0) {
        rc = error_text_for(err, errlen, -ENOEXEC, path, "no loadable segment");
        goto out;
    }
    if (info->brk == 0)
        info->brk = info->highest_addr;
    info->entry = eh.e_entry + bias;
    info->load_bias = bias;
    info->phent = eh.e_phentsize;
    info->phnum = phnum;
    if (!guest_mem_check(mem, info->entry, 2, GUEST_PROT_EXEC))
        rc = error_text_for(err, errlen, -ENOEXEC, path, "entry point 0x%llx is not in an executable segment",
                            (unsigned long long)info->entry);
out:
    if (elf)
        elf_end(elf);
    close(fd);
    return rc;
}
