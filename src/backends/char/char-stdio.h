/*
 * The stdio character backend: the guest's serial console on the host's
 * terminal, as QEMU's `-serial mon:stdio` feels. When the input is a
 * terminal it is switched to raw mode (keys, Ctrl-C included, go to the
 * guest) and restored when the backend is destroyed, at exit, and on fatal
 * signals. On a terminal, Ctrl-A starts an escape:
 *     Ctrl-A x        quit (the board's quit callback runs)
 *     Ctrl-A h or ?   print the escape help
 *     Ctrl-A Ctrl-A   send one Ctrl-A to the guest
 * Input that is not a terminal (a pipe, a file) is forwarded unchanged, and
 * EOF simply ends the input.
 *
 * A host thread reads the input and delivers it when the frontend has room
 * (see char-backend.h); it sleeps in poll() meanwhile, never spins.
 *
 * Use:
 *     CharBackend *be = char_stdio_new(&(CharStdioConfig){
 *         .in_fd = STDIN_FILENO, .out_fd = STDOUT_FILENO,
 *         .quit = board_quit, .quit_opaque = board});
 *     ... hand be to the UART ...
 *     char_backend_destroy(be);   (after the UART is freed)
 * The quit callback runs on the input thread; it must not destroy the
 * backend itself (it should ask the vCPUs to stop and return).
 */
#ifndef POLYVM_CHAR_STDIO_H
#define POLYVM_CHAR_STDIO_H

#include "backends/char/char-backend.h"

typedef struct CharStdioConfig {
    int in_fd;      /* -1: no input */
    int out_fd;     /* -1: output dropped */
    void (*quit)(void *opaque);
    void *quit_opaque;
} CharStdioConfig;

/* NULL with errno set if the host resources (eventfd, termios) fail. */
CharBackend *char_stdio_new(const CharStdioConfig *cfg);

#endif
