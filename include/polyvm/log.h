/*
 * Runtime logging, QEMU style: `-d item,item` picks what to log and `-D file`
 * where. Items come from one X-macro table, which also feeds `-d help`.
 *
 * Use: if (log_enabled(LOG_IR)) ir_print(block, log_file());
 * Library code never prints to stdout (the guest owns it).
 */
#ifndef POLYVM_LOG_H
#define POLYVM_LOG_H

#include <stdbool.h>
#include <stdio.h>

#define LOG_ITEMS(X)                                                        \
    X(IN_ASM, "in_asm", "guest code of each translated block")              \
    X(IR, "ir", "IR of each block as translated")                           \
    X(IR_OPT, "ir_opt", "IR of each block after optimization")              \
    X(OUT_ASM, "out_asm", "host code generated (JIT engine)")               \
    X(EXEC, "exec", "each block executed")                                  \
    X(INT, "int", "guest exceptions and interrupts")                        \
    X(MMU, "mmu", "guest page-table walks and faults")                      \
    X(STRACE, "strace", "every guest system call with its result (user mode)") \
    X(UNIMP, "unimp", "unimplemented features (e.g. unknown syscalls), once each")

typedef enum LogItem {
#define X(id, name, help) LOG_##id,
    LOG_ITEMS(X)
#undef X
    LOG_ITEM_COUNT
} LogItem;

extern unsigned log_mask;

static inline bool log_enabled(LogItem item) { return (log_mask >> item) & 1; }
FILE *log_file(void);

/* Parses a comma-separated list; "help" prints the items. Returns false with
 * a message on stderr for an unknown item. */
bool log_parse_mask(const char *list, unsigned *mask);
void log_print_items(FILE *out);
/* Opens path for logging (-D); false with a message if it cannot. */
bool log_set_file(const char *path);
void log_printf(LogItem item, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
