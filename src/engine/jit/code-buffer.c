/*
 * Dual-mapped JIT code buffer (see code-buffer.h): a memfd mapped
 * PROT_READ|PROT_WRITE once and PROT_READ|PROT_EXEC once.
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engine/jit/code-buffer.h"

int code_buffer_init(CodeBuffer *cb, size_t size)
{
    *cb = (CodeBuffer){0};
    int fd = memfd_create("polyvm-jit", MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    int err = 0;
    if (ftruncate(fd, (off_t)size) < 0) {
        err = -errno;
        goto out;
    }
    void *rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (rw == MAP_FAILED) {
        err = -errno;
        goto out;
    }
    void *rx = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    if (rx == MAP_FAILED) {
        err = -errno;
        munmap(rw, size);
        goto out;
    }
    cb->rw = rw;
    cb->rx = rx;
    cb->size = size;
out:
    /* the mappings keep the memory alive; the descriptor is not needed */
    close(fd);
    return err;
}

void code_buffer_destroy(CodeBuffer *cb)
{
    if (cb->rw)
        munmap(cb->rw, cb->size);
    if (cb->rx)
        munmap(cb->rx, cb->size);
    *cb = (CodeBuffer){0};
}

void code_buffer_begin(CodeBuffer *cb, JitBuf *b)
{
    size_t start = (cb->used + 15) & ~(size_t)15;
    if (start > cb->size)
        start = cb->size;
    jit_buf_init(b, cb->rw + start, cb->size - start, (uintptr_t)cb->rx - (uintptr_t)cb->rw);
}

uintptr_t code_buffer_commit(CodeBuffer *cb, const JitBuf *b)
{
    cb->used = (size_t)(b->p - cb->rw);
    return jit_buf_exec_addr(b, b->start);
}

void code_buffer_reset(CodeBuffer *cb)
{
    cb->used = cb->reserved;
}
