/*
 * virtio-rng device model (see virtio-rng.h): every buffer the driver makes
 * available is filled, front to back, with bytes from getrandom() and
 * returned with the number of bytes written.
 */
#include "virtio-rng.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include "virtqueue.h"

typedef struct VirtioRng {
    VirtioDevice vdev;
} VirtioRng;

/* Fills up to len bytes at p; returns how many it did. */
static size_t fill_random(void *p, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t r = getrandom((char *)p + done, len - done, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        done += (size_t)r;
    }
    return done;
}

static uint32_t fill_element(const VirtqElement *e)
{
    size_t budget = VIRTIO_RNG_MAX_FILL, written = 0;
    for (unsigned k = 0; k < e->in_num && budget; k++) {
        size_t want = e->in[k].iov_len < budget ? e->in[k].iov_len : budget;
        size_t got = fill_random(e->in[k].iov_base, want);
        written += got;
        budget -= got;
        if (got < want)
            break;    /* the used length must cover only what was written */
    }
    return (uint32_t)written;
}

static void rng_queue_notify(VirtioDevice *dev, unsigned queue)
{
    VirtQueue *vq = &dev->queues[queue];
    VirtqElement *e;
    while ((e = virtq_pop(vq))) {
        virtq_push(vq, e, fill_element(e));
        free(e);
    }
    virtq_notify_driver(vq);
}

static void rng_destroy(VirtioDevice *dev)
{
    virtio_device_cleanup(dev);
    free((VirtioRng *)dev);
}

static const VirtioDeviceOps rng_ops = {
    .name = "virtio-rng",
    .queue_notify = rng_queue_notify,
    .destroy = rng_destroy,
};

VirtioDevice *virtio_rng_create(const PhysMap *mem)
{
    VirtioRng *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (virtio_device_init(&r->vdev, &rng_ops, VIRTIO_ID_RNG, 0, mem, 1, VIRTIO_RNG_QUEUE_SIZE, NULL, 0) < 0) {
        free(r);
        return NULL;
    }
    return &r->vdev;
}
