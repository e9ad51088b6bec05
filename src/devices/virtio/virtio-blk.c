/*
 * virtio-blk device model (see virtio-blk.h). A request is a descriptor
 * chain: a 16-byte header (type, reserved, sector) the device reads, data
 * (read or written depending on the type), and a status byte, the last
 * device-writable byte. Everything the guest states (lengths, sectors,
 * segment counts) is checked against the chain and the capacity; a bad
 * request ends with IOERR/UNSUPP, never with an access outside it.
 */
#include "virtio-blk.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "virtqueue.h"

#define SECTOR 512u
#define HEADER_SIZE 16u
#define SEGMENT_SIZE 16u          /* struct virtio_blk_discard_write_zeroes */
#define MAX_RANGE_SECTORS (1u << 22)   /* 2 GiB per discard/write-zeroes segment */
#define MAX_RANGE_SEGS 1u

typedef struct VirtioBlk {
    VirtioDevice vdev;
    BlockBackend *backend;
    uint64_t capacity;                  /* sectors */
    char id[VIRTIO_BLK_ID_BYTES];       /* NUL-padded, not terminated when full */
    uint8_t config[VIRTIO_BLK_CONFIG_SIZE];
    struct iovec iov[VIRTIO_BLK_QUEUE_SIZE];   /* data part of one request */
} VirtioBlk;

/* What a request did: its status, and how many bytes at the start of the
 * device-writable area it wrote (the used length must not overstate it). */
typedef struct BlkResult {
    uint8_t status;
    uint64_t data_written;
} BlkResult;

static void put_le32(uint8_t *p, uint32_t v)
{
    v = htole32(v);
    memcpy(p, &v, 4);
}

static void put_le64(uint8_t *p, uint64_t v)
{
    v = htole64(v);
    memcpy(p, &v, 8);
}

static bool range_ok(const VirtioBlk *b, uint64_t sector, uint64_t nsectors)
{
    return sector <= b->capacity && nsectors <= b->capacity - sector;
}

/* Makes a completed write durable unless the driver took on flushing:
 * 5.2.6.2, FLUSH offered but not negotiated means writethrough. */
static int write_barrier(VirtioBlk *b)
{
    return virtio_has_feature(&b->vdev, VIRTIO_BLK_F_FLUSH) ? 0 : block_backend_flush(b->backend);
}

static uint8_t do_read(VirtioBlk *b, const VirtqElement *e, uint64_t sector, BlkResult *res)
{
    uint64_t len = e->in_len - 1;
    if (len % SECTOR || !range_ok(b, sector, len / SECTOR))
        return VIRTIO_BLK_S_IOERR;
    unsigned n = iov_slice(e->in, e->in_num, 0, len, b->iov, VIRTIO_BLK_QUEUE_SIZE);
    if (block_backend_preadv(b->backend, b->iov, n, sector * SECTOR) < 0)
        return VIRTIO_BLK_S_IOERR;
    res->data_written = len;
    return VIRTIO_BLK_S_OK;
}

static uint8_t do_write(VirtioBlk *b, const VirtqElement *e, uint64_t sector)
{
    uint64_t len = e->out_len - HEADER_SIZE;
    if (b->backend->read_only || len % SECTOR || !range_ok(b, sector, len / SECTOR))
        return VIRTIO_BLK_S_IOERR;
    unsigned n = iov_slice(e->out, e->out_num, HEADER_SIZE, len, b->iov, VIRTIO_BLK_QUEUE_SIZE);
    if (block_backend_pwritev(b->backend, b->iov, n, sector * SECTOR) < 0 || write_barrier(b) < 0)
        return VIRTIO_BLK_S_IOERR;
    return VIRTIO_BLK_S_OK;
}

static uint8_t do_get_id(VirtioBlk *b, const VirtqElement *e, BlkResult *res)
{
    uint64_t room = e->in_len - 1;
    size_t len = room < VIRTIO_BLK_ID_BYTES ? (size_t)room : VIRTIO_BLK_ID_BYTES;
    res->data_written = virtq_write_in(e, 0, b->id, len);
    return VIRTIO_BLK_S_OK;
}

/* DISCARD and WRITE_ZEROES: a list of {le64 sector, le32 num_sectors, le32 flags}. */
static uint8_t do_ranges(VirtioBlk *b, const VirtqElement *e, uint32_t type)
{
    bool zeroes = type == VIRTIO_BLK_T_WRITE_ZEROES;
    if (!virtio_has_feature(&b->vdev, zeroes ? VIRTIO_BLK_F_WRITE_ZEROES : VIRTIO_BLK_F_DISCARD))
        return VIRTIO_BLK_S_UNSUPP;
    if (b->backend->read_only)
        return VIRTIO_BLK_S_IOERR;
    uint64_t len = e->out_len - HEADER_SIZE;
    if (len == 0 || len % SEGMENT_SIZE || len / SEGMENT_SIZE > MAX_RANGE_SEGS)
        return VIRTIO_BLK_S_IOERR;
    for (uint64_t off = HEADER_SIZE; off < e->out_len; off += SEGMENT_SIZE) {
        uint8_t seg[SEGMENT_SIZE];
        virtq_read_out(e, off, seg, sizeof seg);
        uint64_t sector;
        uint32_t num, flags;
        memcpy(&sector, seg, 8);
        memcpy(&num, seg + 8, 4);
        memcpy(&flags, seg + 12, 4);
        sector = le64toh(sector);
        num = le32toh(num);
        flags = le32toh(flags);
        /* bit 0 is unmap, allowed for write-zeroes only (5.2.6.2) */
        if (flags & ~(zeroes ? 1u : 0u))
            return VIRTIO_BLK_S_UNSUPP;
        if (num > MAX_RANGE_SECTORS || !range_ok(b, sector, num))
            return VIRTIO_BLK_S_IOERR;
        if (zeroes) {
            if (block_backend_write_zeroes(b->backend, sector * SECTOR, (uint64_t)num * SECTOR, flags & 1) < 0)
                return VIRTIO_BLK_S_IOERR;
        } else {
            /* a hint: a file system that cannot punch holes keeps the data */
            int r = block_backend_discard(b->backend, sector * SECTOR, (uint64_t)num * SECTOR);
            if (r < 0 && r != -EOPNOTSUPP)
                return VIRTIO_BLK_S_IOERR;
        }
    }
    return write_barrier(b) < 0 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

static BlkResult handle(VirtioBlk *b, const VirtqElement *e)
{
    BlkResult res = { VIRTIO_BLK_S_IOERR, 0 };
    uint8_t hdr[HEADER_SIZE];
    if (virtq_read_out(e, 0, hdr, sizeof hdr) < sizeof hdr)
        return res;
    uint32_t type;
    uint64_t sector;
    memcpy(&type, hdr, 4);
    memcpy(&sector, hdr + 8, 8);
    type = le32toh(type);
    sector = le64toh(sector);
    switch (type) {
    case VIRTIO_BLK_T_IN: res.status = do_read(b, e, sector, &res); break;
    case VIRTIO_BLK_T_OUT: res.status = do_write(b, e, sector); break;
    case VIRTIO_BLK_T_FLUSH:
        res.status = block_backend_flush(b->backend) < 0 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
        break;
    case VIRTIO_BLK_T_GET_ID: res.status = do_get_id(b, e, &res); break;
    case VIRTIO_BLK_T_DISCARD:
    case VIRTIO_BLK_T_WRITE_ZEROES: res.status = do_ranges(b, e, type); break;
    default: res.status = VIRTIO_BLK_S_UNSUPP; break;
    }
    return res;
}

static void blk_queue_notify(VirtioDevice *dev, unsigned queue)
{
    VirtioBlk *b = (VirtioBlk *)dev;
    VirtQueue *vq = &dev->queues[queue];
    VirtqElement *e;
    while ((e = virtq_pop(vq))) {
        uint32_t used = 0;
        if (e->in_len) {    /* else there is nowhere to put a status: complete it empty */
            BlkResult res = handle(b, e);
            virtq_write_in(e, e->in_len - 1, &res.status, 1);
            /* the status is the last writable byte: count it only if all before it was written */
            if (res.data_written == e->in_len - 1)
                used = (uint32_t)e->in_len;
        }
        virtq_push(vq, e, used);
        free(e);
    }
    virtq_notify_driver(vq);
}

static void blk_destroy(VirtioDevice *dev)
{
    VirtioBlk *b = (VirtioBlk *)dev;
    virtio_device_cleanup(dev);
    block_backend_close(b->backend);
    free(b);
}

static const VirtioDeviceOps blk_ops = {
    .name = "virtio-blk",
    .queue_notify = blk_queue_notify,
    .destroy = blk_destroy,
};

VirtioDevice *virtio_blk_create(const PhysMap *mem, BlockBackend *backend, const char *serial)
{
    VirtioBlk *b = calloc(1, sizeof *b);
    if (!b) {
        block_backend_close(backend);
        return NULL;
    }
    b->backend = backend;
    b->capacity = backend->size / SECTOR;
    const char *id = serial ? serial : "polyvm-disk";
    memcpy(b->id, id, strnlen(id, sizeof b->id));

    uint64_t features = (1ull << VIRTIO_BLK_F_SEG_MAX) | (1ull << VIRTIO_BLK_F_BLK_SIZE) |
                        (1ull << VIRTIO_BLK_F_FLUSH);
    if (backend->read_only) {
        features |= 1ull << VIRTIO_BLK_F_RO;
    } else {
        if (backend->ops->discard)
            features |= 1ull << VIRTIO_BLK_F_DISCARD;
        if (backend->ops->write_zeroes)
            features |= 1ull << VIRTIO_BLK_F_WRITE_ZEROES;
    }
    uint8_t *c = b->config;
    put_le64(c + VIRTIO_BLK_CFG_CAPACITY, b->capacity);
    /* a request is header + data segments + status, and one chain holds
     * at most a queue's worth of descriptors */
    put_le32(c + VIRTIO_BLK_CFG_SEG_MAX, VIRTIO_BLK_QUEUE_SIZE - 2);
    put_le32(c + VIRTIO_BLK_CFG_BLK_SIZE, SECTOR);
    put_le32(c + VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, MAX_RANGE_SECTORS);
    put_le32(c + VIRTIO_BLK_CFG_MAX_DISCARD_SEG, MAX_RANGE_SEGS);
    put_le32(c + VIRTIO_BLK_CFG_DISCARD_ALIGNMENT, 1);
    put_le32(c + VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SECTORS, MAX_RANGE_SECTORS);
    put_le32(c + VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SEG, MAX_RANGE_SEGS);
    c[VIRTIO_BLK_CFG_WRITE_ZEROES_MAY_UNMAP] = 1;

    if (virtio_device_init(&b->vdev, &blk_ops, VIRTIO_ID_BLOCK, features, mem, 1,
                           VIRTIO_BLK_QUEUE_SIZE, b->config, sizeof b->config) < 0) {
        block_backend_close(backend);
        free(b);
        return NULL;
    }
    return &b->vdev;
}
