/*
 * The host side of a block device: a byte-addressed image of fixed size that
 * device models (virtio-blk) read and write with scatter-gather lists that
 * point straight into guest RAM. Implementations: block-raw.c (a raw image
 * file or host block device, synchronous); io_uring may follow.
 *
 * Use: open a backend (e.g. block_raw_open()), read be->size and
 * be->read_only, call block_backend_preadv()/... from the device, and
 * block_backend_close() at the end. Every call returns 0 or a negative errno;
 * a transfer either completes in full or fails (short I/O is retried
 * inside the backend).
 */
#ifndef POLYVM_BLOCK_BACKEND_H
#define POLYVM_BLOCK_BACKEND_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

typedef struct BlockBackend BlockBackend;

typedef struct BlockBackendOps {
    int (*preadv)(BlockBackend *be, const struct iovec *iov, unsigned n, uint64_t offset);
    int (*pwritev)(BlockBackend *be, const struct iovec *iov, unsigned n, uint64_t offset);
    /* Makes completed writes durable. */
    int (*flush)(BlockBackend *be);
    /* Optional: the range may be deallocated; its contents become undefined. */
    int (*discard)(BlockBackend *be, uint64_t offset, uint64_t len);
    /* Optional: the range reads as zeroes afterwards; may_unmap allows
     * deallocating it. Without it the device writes zero buffers. */
    int (*write_zeroes)(BlockBackend *be, uint64_t offset, uint64_t len, bool may_unmap);
    void (*close)(BlockBackend *be);
} BlockBackendOps;

struct BlockBackend {
    const BlockBackendOps *ops;
    const char *name;        /* for messages: the file name */
    uint64_t size;           /* bytes */
    bool read_only;
};

static inline int block_backend_preadv(BlockBackend *be, const struct iovec *iov, unsigned n,
                                       uint64_t offset)
{
    return be->ops->preadv(be, iov, n, offset);
}

static inline int block_backend_pwritev(BlockBackend *be, const struct iovec *iov, unsigned n,
                                        uint64_t offset)
{
    return be->read_only ? -EROFS : be->ops->pwritev(be, iov, n, offset);
}

static inline int block_backend_flush(BlockBackend *be)
{
    return be->ops->flush(be);
}

static inline int block_backend_discard(BlockBackend *be, uint64_t offset, uint64_t len)
{
    if (be->read_only)
        return -EROFS;
    return be->ops->discard ? be->ops->discard(be, offset, len) : -EOPNOTSUPP;
}

static inline int block_backend_write_zeroes(BlockBackend *be, uint64_t offset, uint64_t len,
                                             bool may_unmap)
{
    if (be->read_only)
        return -EROFS;
    return be->ops->write_zeroes ? be->ops->write_zeroes(be, offset, len, may_unmap) : -EOPNOTSUPP;
}

/* NULL is fine. */
static inline void block_backend_close(BlockBackend *be)
{
    if (be)
        be->ops->close(be);
}

#endif
