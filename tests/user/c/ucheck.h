/*
 * Tiny self-check helpers for the user-mode C test programs (tests/user/c).
 * Each program calls CHECK(cond, fmt, ...) as it goes and ends with
 * `return uc_finish("name");`, which prints "PASS name (N checks)" and
 * returns 0, or prints the failure count and returns 1. Failures print at
 * once with file:line, so a log shows every broken check, not just the first.
 * Output goes through write(2) directly: the programs fork, and stdio
 * buffers duplicated by fork would print twice.
 */
#ifndef UCHECK_H
#define UCHECK_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int uc_checks, uc_failures;

__attribute__((format(printf, 1, 2))) static inline void uc_say(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof buf)
        n = sizeof buf - 1;
    for (int off = 0; off < n;) {
        ssize_t w = write(1, buf + off, (size_t)(n - off));
        if (w <= 0)
            return;
        off += (int)w;
    }
}

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        uc_checks++;                                                       \
        if (!(cond)) {                                                     \
            uc_failures++;                                                 \
            uc_say("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);         \
            uc_say(__VA_ARGS__);                                           \
            uc_say("\n");                                                  \
        }                                                                  \
    } while (0)

/* Makes a fresh directory under $TMPDIR (or /tmp) named after the test and
 * stores its resolved path in dir (getcwd reports resolved paths, so the
 * tests compare against that). Returns false after saying why. */
static inline bool uc_make_tmpdir(const char *name, char *dir, size_t size)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, size, "%s/pvtest-%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
    if (!mkdtemp(dir)) {
        uc_say("mkdtemp %s: %s\n", dir, strerror(errno));
        return false;
    }
    char *real = realpath(dir, NULL);
    if (real) {
        snprintf(dir, size, "%s", real);
        free(real);
    }
    return true;
}

static inline int uc_finish(const char *name)
{
    if (uc_failures) {
        uc_say("FAIL %s (%d of %d checks failed)\n", name, uc_failures, uc_checks);
        return 1;
    }
    uc_say("PASS %s (%d checks)\n", name, uc_checks);
    return 0;
}

#endif
