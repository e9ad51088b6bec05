/*
 * A static riscv64 Linux ELF that runs a batch of generated sequences and
 * writes each one's final state to stdout, so user-mode emulators (qemu-user,
 * polyvm's own loop) can be compared without a toolchain.
 *
 * Layout (one PT_LOAD, RWX, at RVE_LOAD_ADDR): ELF headers, the table of
 * special data words, the data page (RVG_DATA_BASE), the dump area
 * (RVG_DUMP_BASE), then code: a set-up routine, a dump routine, every
 * sequence wrapped in a preamble and an epilogue, the exit call, and the
 * records holding each sequence's initial state.
 *
 * Per sequence: the preamble points x31 at the record and calls set-up
 * (fcsr, f0..f31, data page from the seed), then loads x1..x31 from the
 * record; the sequence runs; the epilogue points the sequence's dump register
 * (a base register nothing writes) at the dump area, saves x31 and x1, calls
 * the dump routine, which saves the rest and does write(1, data page,
 * RVE_DUMP_BYTES). The first dword of a dump is the dump call's return
 * address: it names the sequence, so lost dumps cannot shift the others.
 */
#ifndef RV64_ELF_BATCH_H
#define RV64_ELF_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "rv64_random_insn.h"

#define RVE_LOAD_ADDR UINT64_C(0x10000)
#define RVE_DUMP_REGS (32 + 32 + 1)                       /* marker/x1..x31, f0..f31, fcsr */
#define RVE_DUMP_BYTES (RVG_DATA_SIZE + 8 * RVE_DUMP_REGS) /* data page then the registers */

typedef struct RvElfImage {
    uint8_t *bytes;        /* the file; also the memory image from RVE_LOAD_ADDR */
    size_t size;
    uint64_t entry;
    size_t nseq;
    uint64_t *seq_begin;   /* first preamble insn of each sequence */
    uint64_t *seq_code;    /* first generated insn */
    uint64_t *seq_end;     /* first epilogue insn */
    uint64_t *marker;      /* return address of the dump call */
} RvElfImage;

int rv_elf_build(RvElfImage *img, const RvgSeq *seqs, size_t n);
void rv_elf_free(RvElfImage *img);

/* Index of the sequence whose [seq_begin, next seq_begin) holds pc, or -1. */
long rv_elf_seq_at(const RvElfImage *img, uint64_t pc);

/* Splits the image's output into final states: out[k] gets the dump of
 * sequence k; sequences without a dump are left failed ("no dump").
 * Returns the number of dumps found, -1 on garbage. */
long rv_elf_parse(const RvElfImage *img, const RvgSeq *seqs, const uint8_t *buf, size_t len,
                  RvgFinal *out);

#endif
