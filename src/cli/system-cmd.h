/*
 * `polyvm system`: a whole riscv64 machine (QEMU's `virt` board) from a
 * qemu-system-riscv64 style command line (docs/system-mode.md).
 *
 * Use (main.c): system_usage(out) prints the options for --help;
 * cmd_system(argc, argv, stats) parses the options after `system`, runs the
 * machine and returns the exit status: the guest's (0 on power-off, the
 * code of a failure), 1 when the machine cannot be built or run, 2 for a
 * bad command line.
 */
#ifndef POLYVM_CLI_SYSTEM_CMD_H
#define POLYVM_CLI_SYSTEM_CMD_H

#include <stdbool.h>
#include <stdio.h>

void system_usage(FILE *out);
int cmd_system(int argc, char **argv, bool stats);

#endif
