/*
 * Error text for set-up code (machines, loaders, back ends): a failing
 * call writes a printf-style message into the caller's buffer and returns
 * its error code in one statement, so the caller can print the message
 * as is.
 *
 * Use: return error_text_for(err, errlen, -errno, path, "cannot open: %s", strerror(errno));
 */
#ifndef POLYVM_ERROR_TEXT_H
#define POLYVM_ERROR_TEXT_H

#include <stddef.h>

/* Formats the message into err (errlen bytes) and returns code. */
int error_text(char *err, size_t errlen, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The same, as "NAME: message" (NAME: the file or device it is about). */
int error_text_for(char *err, size_t errlen, int code, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
