/*
 * virtio-rng / entropy device (virtio 1.2, 5.4): one request queue whose
 * device-writable buffers the device fills from the host's getrandom().
 * No features, no config space.
 *
 * Use: VirtioDevice *dev = virtio_rng_create(mem); then a transport
 * (virtio_mmio_create) and, at the end, virtio_device_destroy(dev).
 */
#ifndef POLYVM_VIRTIO_RNG_H
#define POLYVM_VIRTIO_RNG_H

#include "polyvm/virtio.h"

#define VIRTIO_RNG_QUEUE_SIZE 64u
/* Bytes filled per buffer at most, so a huge guest buffer cannot keep the
 * vCPU inside getrandom(); the used length tells the driver how many. */
#define VIRTIO_RNG_MAX_FILL (64u * 1024)

/* NULL on out of memory. */
VirtioDevice *virtio_rng_create(const PhysMap *mem);

#endif
