/*
 * Split virtqueues (virtio 1.2, 2.7), the device side: take the next
 * available descriptor chain, hand it to the device model as host iovecs,
 * and return it through the used ring with the number of bytes written.
 *
 * Everything the guest supplies is untrusted: ring addresses, the available
 * index, descriptor indices, addresses, lengths and flags. Each is checked
 * (every buffer goes through phys_map_ram_ptr), and a rule broken puts the
 * device in the error state (virtio_device_set_error) instead of touching
 * memory outside guest RAM. Supported: direct and indirect descriptors
 * (VIRTIO_F_INDIRECT_DESC, also after direct ones), notification
 * suppression with and without VIRTIO_F_EVENT_IDX. Not supported: packed
 * rings, VIRTIO_F_IN_ORDER, VIRTIO_F_NOTIFICATION_DATA, per-queue reset.
 *
 * Use, from a device's queue_notify (dev->lock held):
 *     VirtqElement *e;
 *     while ((e = virtq_pop(vq))) {
 *         ... read e->out[], write e->in[] ...
 *         virtq_push(vq, e, bytes_written);
 *         free(e);
 *     }
 *     virtq_notify_driver(vq);
 */
#ifndef POLYVM_VIRTQUEUE_H
#define POLYVM_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "polyvm/virtio.h"

#define VIRTQ_MAX_SIZE 32768u

#define VIRTQ_DESC_F_NEXT     1u
#define VIRTQ_DESC_F_WRITE    2u
#define VIRTQ_DESC_F_INDIRECT 4u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
#define VIRTQ_USED_F_NO_NOTIFY     1u

/* Sizes of the three areas for a queue of n entries (2.7). */
#define VIRTQ_DESC_SIZE(n)  (16ull * (n))
#define VIRTQ_AVAIL_SIZE(n) (6ull + 2ull * (n))
#define VIRTQ_USED_SIZE(n)  (6ull + 8ull * (n))

struct VirtQueue {
    VirtioDevice *dev;
    unsigned index;
    uint16_t num_max;       /* what the device offers */
    uint16_t num;           /* what the driver chose */
    bool ready;
    uint64_t desc_addr, driver_addr, device_addr;   /* guest-physical */
    uint16_t last_avail_idx;      /* next available entry to take */
    uint16_t used_idx;            /* our copy of used->idx */
    uint16_t signalled_used;      /* used_idx when we last decided on an interrupt */
    struct iovec *scratch;        /* num_max entries, for walking one chain */
};

/* One descriptor chain: device-readable segments (out) come first in iov[],
 * then device-writable ones (in). Zero-length descriptors are left out. */
typedef struct VirtqElement {
    uint16_t head;
    unsigned out_num, in_num;
    uint64_t out_len, in_len;     /* bytes; together at most 4 GiB */
    struct iovec *out, *in;
    struct iovec iov[];
} VirtqElement;

/* 0 or -ENOMEM. */
int virtq_init(VirtQueue *vq, VirtioDevice *dev, unsigned index, uint16_t num_max);
void virtq_cleanup(VirtQueue *vq);
/* Queue off, size back to num_max, addresses and indices 0. */
void virtq_reset(VirtQueue *vq);
/* The driver switches the queue on or off; on makes the rings start at 0. */
void virtq_set_ready(VirtQueue *vq, bool ready);

/* The next chain (malloc'd, free() it after virtq_push), or NULL when the
 * queue is empty, off, the device is not DRIVER_OK, or the guest broke a
 * rule (the device is then in the error state). */
VirtqElement *virtq_pop(VirtQueue *vq);
/* Returns e to the driver with len bytes written (a prefix of e->in). */
void virtq_push(VirtQueue *vq, const VirtqElement *e, uint32_t len);
/* Interrupts the driver if something was pushed since the last call and
 * the driver did not suppress it. */
void virtq_notify_driver(VirtQueue *vq);

/* Copy between a buffer and the element's segments, starting offset bytes
 * in; return the bytes copied (short at the end of the segments). */
size_t virtq_read_out(const VirtqElement *e, uint64_t offset, void *buf, size_t len);
size_t virtq_write_in(const VirtqElement *e, uint64_t offset, const void *buf, size_t len);
/* Fills dst (room for max entries) with the part [offset, offset+len) of
 * the segments src[0..n); returns the entries used (fewer bytes if the
 * segments end first). */
unsigned iov_slice(const struct iovec *src, unsigned n, uint64_t offset, uint64_t len,
                   struct iovec *dst, unsigned max);

#endif
