/*
 * Split virtqueue, device side (see virtqueue.h for the contract).
 *
 * The rings live in guest RAM that vCPU threads write while we read, so:
 * ring indices are read and written with atomics (acquire on the driver's
 * avail->idx, release on our used->idx, a full fence before looking at the
 * driver's suppression fields); a descriptor is copied once into a local
 * and only the copy is checked and used, so a guest rewriting it under our
 * feet cannot slip a different value past the checks. Ring addresses are
 * resolved through phys_map_ram_ptr on every use, never cached.
 */
#include "virtqueue.h"

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CHAIN_MAX_BYTES (1ull << 32)   /* 2.7.5: no chain longer than 2^32 bytes */

typedef struct VirtqDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
} VirtqDesc;

/* Host views of the three areas of a queue, valid for one operation. */
typedef struct Rings {
    const uint8_t *desc;
    uint8_t *avail;       /* driver area: written by the guest, read by us */
    uint8_t *used;        /* device area */
} Rings;

static uint16_t load16(const uint8_t *p, int order)
{
    return le16toh(__atomic_load_n((const uint16_t *)(const void *)p, order));
}

static void store16(uint8_t *p, uint16_t v, int order)
{
    __atomic_store_n((uint16_t *)(void *)p, htole16(v), order);
}

static void store32(uint8_t *p, uint32_t v)
{
    __atomic_store_n((uint32_t *)(void *)p, htole32(v), __ATOMIC_RELAXED);
}

static bool guest_error(VirtQueue *vq, const char *why)
{
    virtio_device_set_error(vq->dev, why);
    return false;
}

static bool is_pow2(unsigned n)
{
    return n && !(n & (n - 1));
}

static bool map_rings(VirtQueue *vq, Rings *r)
{
    const PhysMap *mem = vq->dev->mem;
    unsigned n = vq->num;
    if (!is_pow2(n) || n > vq->num_max)
        return guest_error(vq, "queue size is not a power of two up to QueueNumMax");
    /* 2.7: alignment 16 / 2 / 4; our atomics rely on the last two */
    if ((vq->desc_addr & 15) || (vq->driver_addr & 1) || (vq->device_addr & 3))
        return guest_error(vq, "virtqueue area misaligned");
    r->desc = phys_map_ram_ptr(mem, vq->desc_addr, VIRTQ_DESC_SIZE(n), false);
    r->avail = phys_map_ram_ptr(mem, vq->driver_addr, VIRTQ_AVAIL_SIZE(n), false);
    r->used = phys_map_ram_ptr(mem, vq->device_addr, VIRTQ_USED_SIZE(n), true);
    if (!r->desc || !r->avail || !r->used)
        return guest_error(vq, "virtqueue area outside guest RAM");
    /* guest alignment implies host alignment only if RAM's host base is aligned */
    if (((uintptr_t)r->avail & 1) || ((uintptr_t)r->used & 3))
        return guest_error(vq, "virtqueue area misaligned in host memory");
    return true;
}

static void read_desc(const uint8_t *table, uint32_t i, VirtqDesc *d)
{
    uint8_t raw[16];
    memcpy(raw, table + 16ull * i, sizeof raw);
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
    memcpy(&addr, raw, 8);
    memcpy(&len, raw + 8, 4);
    memcpy(&flags, raw + 12, 2);
    memcpy(&next, raw + 14, 2);
    d->addr = le64toh(addr);
    d->len = le32toh(len);
    d->flags = le16toh(flags);
    d->next = le16toh(next);
}

int virtq_init(VirtQueue *vq, VirtioDevice *dev, unsigned index, uint16_t num_max)
{
    memset(vq, 0, sizeof *vq);
    vq->dev = dev;
    vq->index = index;
    vq->num_max = num_max;
    vq->scratch = calloc(num_max ? num_max : 1, sizeof *vq->scratch);
    if (!vq->scratch)
        return -ENOMEM;
    virtq_reset(vq);
    return 0;
}

void virtq_cleanup(VirtQueue *vq)
{
    free(vq->scratch);
    vq->scratch = NULL;
}

void virtq_reset(VirtQueue *vq)
{
    vq->ready = false;
    vq->num = vq->num_max;
    vq->desc_addr = vq->driver_addr = vq->device_addr = 0;
    vq->last_avail_idx = vq->used_idx = vq->signalled_used = 0;
}

void virtq_set_ready(VirtQueue *vq, bool ready)
{
    if (ready && !vq->ready)
        vq->last_avail_idx = vq->used_idx = vq->signalled_used = 0;
    vq->ready = ready;
}

/* Walks the chain at head into vq->scratch and returns it as an element,
 * or NULL with the device in the error state. */
static VirtqElement *walk_chain(VirtQueue *vq, const Rings *r, uint16_t head)
{
    VirtioDevice *dev = vq->dev;
    const uint8_t *table = r->desc;
    uint64_t table_entries = vq->num;
    uint32_t i = head;
    bool in_indirect = false, writable_seen = false;
    unsigned count = 0, nseg = 0, out_num = 0;
    uint64_t out_len = 0, in_len = 0;

    for (;;) {
        if (i >= table_entries) {
            guest_error(vq, "descriptor index out of range");
            return NULL;
        }
        VirtqDesc d;
        read_desc(table, i, &d);

        if (d.flags & VIRTQ_DESC_F_INDIRECT) {
            const char *bad = NULL;
            if (!virtio_has_feature(dev, VIRTIO_F_INDIRECT_DESC))
                bad = "indirect descriptor without VIRTIO_F_INDIRECT_DESC";
            else if (in_indirect)
                bad = "indirect descriptor inside an indirect table";
            else if (d.flags & VIRTQ_DESC_F_NEXT)
                bad = "indirect descriptor with NEXT set";
            else if (d.len == 0 || d.len % 16)
                bad = "indirect table length not a multiple of 16";
            else if (!(table = phys_map_ram_ptr(dev->mem, d.addr, d.len, false)))
                bad = "indirect table outside guest RAM";
            if (bad) {
                guest_error(vq, bad);
                return NULL;
            }
            table_entries = d.len / 16;
            in_indirect = true;
            i = 0;
            continue;
        }

        /* also what stops a loop in next: a chain visits at most num buffers */
        if (++count > vq->num) {
            guest_error(vq, "descriptor chain longer than the queue (a loop?)");
            return NULL;
        }
        bool writable = d.flags & VIRTQ_DESC_F_WRITE;
        if (writable) {
            writable_seen = true;
        } else if (writable_seen) {
            guest_error(vq, "device-readable descriptor after a device-writable one");
            return NULL;
        }
        if (out_len + in_len + d.len > CHAIN_MAX_BYTES) {
            guest_error(vq, "descriptor chain longer than 4 GiB");
            return NULL;
        }
        if (d.len) {
            void *host = phys_map_ram_ptr(dev->mem, d.addr, d.len, writable);
            if (!host) {
                guest_error(vq, writable ? "device-writable buffer outside guest RAM"
                                         : "device-readable buffer outside guest RAM");
                return NULL;
            }
            vq->scratch[nseg].iov_base = host;
            vq->scratch[nseg].iov_len = d.len;
            nseg++;
            if (writable) {
                in_len += d.len;
            } else {
                out_len += d.len;
                out_num++;
            }
        }
        if (!(d.flags & VIRTQ_DESC_F_NEXT))
            break;
        i = d.next;
    }

    VirtqElement *e = malloc(sizeof *e + nseg * sizeof e->iov[0]);
    if (!e) {
        guest_error(vq, "host out of memory");
        return NULL;
    }
    e->head = head;
    e->out_num = out_num;
    e->in_num = nseg - out_num;
    e->out_len = out_len;
    e->in_len = in_len;
    memcpy(e->iov, vq->scratch, nseg * sizeof e->iov[0]);
    e->out = e->iov;
    e->in = e->iov + out_num;
    return e;
}

VirtqElement *virtq_pop(VirtQueue *vq)
{
    VirtioDevice *dev = vq->dev;
    if (!vq->ready || !(dev->status & VIRTIO_STATUS_DRIVER_OK) || virtio_device_broken(dev))
        return NULL;
    Rings r;
    if (!map_rings(vq, &r))
        return NULL;
    unsigned n = vq->num;
    uint16_t avail_idx = load16(r.avail + 2, __ATOMIC_ACQUIRE);
    if (avail_idx == vq->last_avail_idx) {
        if (!virtio_has_feature(dev, VIRTIO_F_EVENT_IDX))
            return NULL;
        /* Ask for a notification at the next entry, then look again: the
         * driver may have added one before it could see avail_event. */
        store16(r.used + 4 + 8ull * n, vq->last_avail_idx, __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        avail_idx = load16(r.avail + 2, __ATOMIC_ACQUIRE);
        if (avail_idx == vq->last_avail_idx)
            return NULL;
    }
    if ((uint16_t)(avail_idx - vq->last_avail_idx) > n) {
        guest_error(vq, "available index ran past the ring");
        return NULL;
    }
    uint16_t head = load16(r.avail + 4 + 2ull * (vq->last_avail_idx & (n - 1)), __ATOMIC_RELAXED);
    VirtqElement *e = walk_chain(vq, &r, head);
    if (e)
        vq->last_avail_idx++;
    return e;
}

void virtq_push(VirtQueue *vq, const VirtqElement *e, uint32_t len)
{
    Rings r;
    if (!map_rings(vq, &r))
        return;
    if (len > e->in_len)
        len = (uint32_t)e->in_len;
    uint8_t *elem = r.used + 4 + 8ull * (vq->used_idx & (vq->num - 1));
    store32(elem, e->head);
    store32(elem + 4, len);
    vq->used_idx++;
    store16(r.used + 2, vq->used_idx, __ATOMIC_RELEASE);
}

void virtq_notify_driver(VirtQueue *vq)
{
    if (vq->used_idx == vq->signalled_used)
        return;
    Rings r;
    if (!map_rings(vq, &r))
        return;
    /* our used->idx store must be visible before we read the driver's wish */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    bool need;
    if (virtio_has_feature(vq->dev, VIRTIO_F_EVENT_IDX)) {
        /* interrupt if used_event lies in [old, new): 2.7.10 */
        uint16_t event = load16(r.avail + 4 + 2ull * vq->num, __ATOMIC_RELAXED);
        need = (uint16_t)(vq->used_idx - event - 1) < (uint16_t)(vq->used_idx - vq->signalled_used);
    } else {
        need = !(load16(r.avail, __ATOMIC_RELAXED) & VIRTQ_AVAIL_F_NO_INTERRUPT);
    }
    vq->signalled_used = vq->used_idx;
    if (need)
        virtio_raise_interrupt(vq->dev, VIRTIO_INT_USED_BUFFER, vq->index);
}

/* Copies between buf and segments [offset, offset+len); to_iov picks the way. */
static size_t iov_copy(const struct iovec *iov, unsigned n, uint64_t offset, void *buf, size_t len,
                       bool to_iov)
{
    size_t done = 0;
    for (unsigned k = 0; k < n && done < len; k++) {
        if (offset >= iov[k].iov_len) {
            offset -= iov[k].iov_len;
            continue;
        }
        size_t chunk = iov[k].iov_len - offset;
        if (chunk > len - done)
            chunk = len - done;
        uint8_t *seg = (uint8_t *)iov[k].iov_base + offset;
        if (to_iov)
            memcpy(seg, (const uint8_t *)buf + done, chunk);
        else
            memcpy((uint8_t *)buf + done, seg, chunk);
        done += chunk;
        offset = 0;
    }
    return done;
}

size_t virtq_read_out(const VirtqElement *e, uint64_t offset, void *buf, size_t len)
{
    return iov_copy(e->out, e->out_num, offset, buf, len, false);
}

size_t virtq_write_in(const VirtqElement *e, uint64_t offset, const void *buf, size_t len)
{
    return iov_copy(e->in, e->in_num, offset, (void *)buf, len, true);
}

unsigned iov_slice(const struct iovec *src, unsigned n, uint64_t offset, uint64_t len,
                   struct iovec *dst, unsigned max)
{
    unsigned used = 0;
    for (unsigned k = 0; k < n && len && used < max; k++) {
        if (offset >= src[k].iov_len) {
            offset -= src[k].iov_len;
            continue;
        }
        uint64_t chunk = src[k].iov_len - offset;
        if (chunk > len)
            chunk = len;
        dst[used].iov_base = (uint8_t *)src[k].iov_base + offset;
        dst[used].iov_len = chunk;
        used++;
        len -= chunk;
        offset = 0;
    }
    return used;
}
