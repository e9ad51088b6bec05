/*
 * `-d out_asm`: the host code of a freshly compiled block, disassembled
 * with Capstone when polyvm was built with it (else as hex bytes), with
 * the guest instruction each inline memory access belongs to.
 */
#include <inttypes.h>
#include <stdio.h>

#include "engine/jit/jit.h"
#include "polyvm/log.h"
#ifdef POLYVM_HAVE_CAPSTONE
#include <capstone/capstone.h>
#endif

static void note_fault_site(FILE *f, const JitBlock *jb, uint64_t offset)
{
    for (uint32_t i = 0; i < jb->nfaults; i++)
        if (jb->faults[i].host_offset == offset)
            fprintf(f, "    ; guest %s at pc 0x%" PRIx64, jb->faults[i].is_store ? "store" : "load",
                    jb->faults[i].guest_pc);
}

void jit_log_out_asm(const TranslatedBlock *tb)
{
    FILE *f = log_file();
    const JitBlock *jb = tb->jit;
    const uint8_t *code = (const uint8_t *)jb->entry;
    fprintf(f, "OUT: [guest 0x%" PRIx64 ", %u guest insns, %u host bytes]\n", tb->pc, tb->guest_insns, jb->size);
#ifdef POLYVM_HAVE_CAPSTONE
    csh cs;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) == CS_ERR_OK) {
        cs_insn *insn;
        size_t n = cs_disasm(cs, code, jb->size, jb->entry, 0, &insn);
        for (size_t i = 0; i < n; i++) {
            fprintf(f, "0x%012" PRIx64 ":  %-8s %s", insn[i].address, insn[i].mnemonic, insn[i].op_str);
            note_fault_site(f, jb, insn[i].address - jb->entry);
            fputc('\n', f);
        }
        if (n)
            cs_free(insn, n);
        cs_close(&cs);
        fputc('\n', f);
        return;
    }
#endif
    for (uint32_t i = 0; i < jb->size; i += 16) {
        fprintf(f, "0x%012" PRIxPTR ": ", jb->entry + i);
        for (uint32_t k = i; k < i + 16 && k < jb->size; k++)
            fprintf(f, " %02x", code[k]);
        fputc('\n', f);
    }
    fputc('\n', f);
}
