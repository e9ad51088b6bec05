/*
 * What every loader (ELF programs, kernels, initrds, firmware) does the same
 * way: opening its input file, and the error formatter, "FILE: what went
 * wrong" into the caller's buffer, returning the error code so a failing
 * path is one `return error_text_for(...)`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "polyvm/loader.h"

int loader_open_regular(const char *path, uint64_t *size, char *err, size_t errlen)
{
    /* non-blocking until it is known to be a file: opening a FIFO for
     * reading would otherwise wait for a writer forever */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return error_text_for(err, errlen, -errno, path, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return error_text_for(err, errlen, -EINVAL, path, "not a regular file");
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    if (size)
        *size = (uint64_t)st.st_size;
    return fd;
}
