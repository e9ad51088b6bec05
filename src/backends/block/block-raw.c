/*
 * Raw image block backend (see block-raw.h). One file descriptor, plain
 * positioned I/O: the kernel does the caching, fdatasync() makes writes
 * durable when the guest asks for a flush.
 */
#include "block-raw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "polyvm/error-text.h"

/* iovecs handed to one preadv/pwritev: far below IOV_MAX, small on the stack */
#define IOV_CHUNK 256
#define ZERO_CHUNK (64 * 1024)

typedef struct RawBackend {
    BlockBackend be;
    int fd;
    char *path;
} RawBackend;

static RawBackend *raw_of(BlockBackend *be)
{
    return (RawBackend *)be;
}


/* Transfers all of iov[0..n) at offset, retrying short transfers. */
static int transfer_all(int fd, const struct iovec *iov, unsigned n, uint64_t offset, bool write)
{
    struct iovec chunk[IOV_CHUNK];
    while (n) {
        unsigned c = n < IOV_CHUNK ? n : IOV_CHUNK;
        memcpy(chunk, iov, c * sizeof *iov);
        iov += c;
        n -= c;
        struct iovec *cur = chunk;
        unsigned left = c;
        for (;;) {
            while (left && cur->iov_len == 0) {
                cur++;
                left--;
            }
            if (!left)
                break;
            if (offset > (uint64_t)INT64_MAX)
                return -EINVAL;
            int cnt = (int)left;
            ssize_t r = write ? pwritev(fd, cur, cnt, (off_t)offset) : preadv(fd, cur, cnt, (off_t)offset);
            if (r < 0) {
                if (errno == EINTR)
                    continue;
                return -errno;
            }
            if (r == 0)
                return -EIO;   /* end of file inside the image: it shrank under us */
            offset += (uint64_t)r;
            size_t done = (size_t)r;
            while (done) {
                if (done >= cur->iov_len) {
                    done -= cur->iov_len;
                    cur++;
                    left--;
                } else {
                    cur->iov_base = (uint8_t *)cur->iov_base + done;
                    cur->iov_len -= done;
                    done = 0;
                }
            }
        }
    }
    return 0;
}

static int raw_preadv(BlockBackend *be, const struct iovec *iov, unsigned n, uint64_t offset)
{
    return transfer_all(raw_of(be)->fd, iov, n, offset, false);
}

static int raw_pwritev(BlockBackend *be, const struct iovec *iov, unsigned n, uint64_t offset)
{
    return transfer_all(raw_of(be)->fd, iov, n, offset, true);
}

static int raw_flush(BlockBackend *be)
{
    while (fdatasync(raw_of(be)->fd) < 0) {
        if (errno != EINTR)
            return -errno;
    }
    return 0;
}

static int punch(int fd, int mode, uint64_t offset, uint64_t len)
{
    if (offset > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX - offset)
        return -EINVAL;
    while (fallocate(fd, mode, (off_t)offset, (off_t)len) < 0) {
        if (errno != EINTR)
            return -errno;
    }
    return 0;
}

static int raw_discard(BlockBackend *be, uint64_t offset, uint64_t len)
{
    return punch(raw_of(be)->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, len);
}

static int raw_write_zeroes(BlockBackend *be, uint64_t offset, uint64_t len, bool may_unmap)
{
    int fd = raw_of(be)->fd;
    /* a punched hole reads as zeroes too */
    if (may_unmap && punch(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, len) == 0)
        return 0;
    if (punch(fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, offset, len) == 0)
        return 0;
    /* file system without either: write the zeroes */
    static const uint8_t zeroes[ZERO_CHUNK];
    while (len) {
        size_t c = len < ZERO_CHUNK ? (size_t)len : ZERO_CHUNK;
        struct iovec iov = { .iov_base = (void *)zeroes, .iov_len = c };
        int r = transfer_all(fd, &iov, 1, offset, true);
        if (r < 0)
            return r;
        offset += c;
        len -= c;
    }
    return 0;
}

static void raw_close(BlockBackend *be)
{
    RawBackend *raw = raw_of(be);
    close(raw->fd);
    free(raw->path);
    free(raw);
}

static const BlockBackendOps raw_ops = {
    .preadv = raw_preadv,
    .pwritev = raw_pwritev,
    .flush = raw_flush,
    .discard = raw_discard,
    .write_zeroes = raw_write_zeroes,
    .close = raw_close,
};

int block_raw_open(const char *path, bool read_only, BlockBackend **out, char *err, size_t errlen)
{
    *out = NULL;
    /* non-blocking until the type is known: a FIFO would wait for a peer */
    int fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        return error_text_for(err, errlen, -e, path, "cannot open%s: %s", read_only ? "" : " for reading and writing",
                              strerror(e));
    }
    int rc;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        rc = error_text_for(err, errlen, -errno, path, "cannot stat: %s", strerror(errno));
        goto out_close;
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        rc = error_text_for(err, errlen, -EINVAL, path, "not a regular file or block device");
        goto out_close;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    /* a qcow2 file handed over as raw would boot garbage: say so instead */
    unsigned char magic[4];
    if (pread(fd, magic, sizeof magic, 0) == (ssize_t)sizeof magic && !memcmp(magic, "QFI\xfb", 4)) {
        rc = error_text_for(err, errlen, -EINVAL, path, "qcow2 image; only raw images are supported "
                            "(convert with 'qemu-img convert -O raw %s IMAGE.raw')", path);
        goto out_close;
    }
    off_t size = lseek(fd, 0, SEEK_END);     /* also right for block devices */
    if (size < 0) {
        rc = error_text_for(err, errlen, -errno, path, "cannot find the size: %s", strerror(errno));
        goto out_close;
    }
    struct flock lock = { .l_type = read_only ? F_RDLCK : F_WRLCK, .l_whence = SEEK_SET };
    if (fcntl(fd, F_OFD_SETLK, &lock) < 0 && (errno == EAGAIN || errno == EACCES)) {
        rc = error_text_for(err, errlen, -EBUSY, path, "in use by another process (its lock is held)");
        goto out_close;
    }   /* file systems without locks: go on unlocked */

    RawBackend *raw = calloc(1, sizeof *raw);
    char *copy = strdup(path);
    if (!raw || !copy) {
        free(raw);
        free(copy);
        rc = error_text_for(err, errlen, -ENOMEM, path, "out of memory");
        goto out_close;
    }
    raw->fd = fd;
    raw->path = copy;
    raw->be.ops = &raw_ops;
    raw->be.name = copy;
    raw->be.size = (uint64_t)size;
    raw->be.read_only = read_only;
    *out = &raw->be;
    return 0;

out_close:
    close(fd);
    return rc;
}
