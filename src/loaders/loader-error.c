/*
 * The one error formatter of the loaders (ELF programs, kernels, initrds,
 * firmware): "FILE: what went wrong" into the caller's buffer, returning
 * the error code so a failing path is one `return loader_fail(...)`.
 */
#include <stdarg.h>
#include <stdio.h>

#include "polyvm/loader.h"

int loader_fail(char *err, size_t errlen, int code, const char *name, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(err, errlen, "%s: ", name);
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < errlen)
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return code;
}
