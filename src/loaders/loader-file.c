/*
 * What every loader (ELF programs, kernels, initrds, firmware) does the same
 * way: opening its input file, and the error formatter, "FILE: what went
 * wrong" into the caller's buffer, returning the error code so a failing
 * path is one `return loader_fail(...)`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int loader_open_regular(const char *path, uint64_t *size, char *err, size_t errlen)
{
    /* non-blocking until it is known to be a file: opening a FIFO for
     * reading would otherwise wait for a writer forever */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return loader_fail(err, errlen, -errno, path, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return loader_fail(err, errlen, -EINVAL, path, "not a regular file");
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    if (size)
        *size = (uint64_t)st.st_size;
    return fd;
}
