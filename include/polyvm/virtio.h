/*
 * The virtio 1.x device model (modern only, no legacy interface), apart from
 * its transport. A VirtioDevice holds what every virtio device has: its id,
 * the features it offers and the ones the driver accepted, the status byte,
 * a little-endian configuration image, and its virtqueues. A transport
 * (virtio-mmio today, PCI later) maps its registers onto the virtio_*()
 * calls below and turns virtio interrupts into its own (VirtioTransport).
 *
 * Use (board): dev = virtio_blk_create(...) or virtio_rng_create(...);
 * t = virtio_mmio_create(dev, irq) (virtio-mmio.h) and map t's registers;
 * at the end virtio_mmio_destroy(t), virtio_device_destroy(dev).
 * Use (device model): embed a VirtioDevice, call virtio_device_init() with
 * its VirtioDeviceOps, take buffers with virtq_pop()/virtq_push()
 * (src/devices/virtio/virtqueue.h) from ops->queue_notify.
 *
 * Locking: every entry point runs with dev->lock held (transports take it),
 * so a device model needs no lock of its own for its queues or config.
 * A guest that breaks the rules (hostile descriptors, bad ring addresses)
 * puts the device in the error state: DEVICE_NEEDS_RESET is set, a
 * configuration-change interrupt is raised, and queues stay untouched until
 * the driver resets the device.
 */
#ifndef POLYVM_VIRTIO_H
#define POLYVM_VIRTIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "polyvm/phys-map.h"

/* Device status bits (virtio 1.2, 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE        1u
#define VIRTIO_STATUS_DRIVER             2u
#define VIRTIO_STATUS_DRIVER_OK          4u
#define VIRTIO_STATUS_FEATURES_OK        8u
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED             128u

/* Reserved (device-independent) feature bits (virtio 1.2, 6). */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX     29
#define VIRTIO_F_VERSION_1     32

/* Device ids (virtio 1.2, 5). */
#define VIRTIO_ID_NONE    0u    /* an empty transport slot */
#define VIRTIO_ID_NET     1u
#define VIRTIO_ID_BLOCK   2u
#define VIRTIO_ID_CONSOLE 3u
#define VIRTIO_ID_RNG     4u

/* Why a device interrupts; the values are virtio-mmio's InterruptStatus bits
 * and PCI's ISR bits alike. */
typedef enum VirtioInterrupt {
    VIRTIO_INT_USED_BUFFER = 1,
    VIRTIO_INT_CONFIG = 2,
} VirtioInterrupt;

typedef struct VirtioDevice VirtioDevice;
typedef struct VirtQueue VirtQueue;

/* The transport side, set by the transport when it takes the device. */
typedef struct VirtioTransport {
    /* An event happened (queue: which queue, for USED_BUFFER). Called with
     * dev->lock held; must not call back into the device. */
    void (*interrupt)(void *opaque, VirtioInterrupt why, unsigned queue);
    void *opaque;
} VirtioTransport;

typedef struct VirtioDeviceOps {
    const char *name;
    /* The driver made buffers available on queue (or the device just became
     * DRIVER_OK and queue is ready). Synchronous devices process them here. */
    void (*queue_notify)(VirtioDevice *dev, unsigned queue);
    /* Optional: a driver write of size bytes at offset in the config space,
     * already checked to lie inside it; without it writes are ignored. */
    void (*config_write)(VirtioDevice *dev, uint32_t offset, uint64_t value, unsigned size);
    /* Optional: may the driver run with these features? (The core already
     * checked they are a subset of the offer and include VERSION_1.) */
    bool (*features_ok)(VirtioDevice *dev, uint64_t features);
    /* Optional: device state back to its power-on values (the core resets
     * status, features and queues itself). */
    void (*reset)(VirtioDevice *dev);
    /* Frees the device model (calling virtio_device_cleanup()) and its backend. */
    void (*destroy)(VirtioDevice *dev);
} VirtioDeviceOps;

struct VirtioDevice {
    const VirtioDeviceOps *ops;
    uint32_t device_id;
    uint64_t device_features;     /* offered; always has VERSION_1 */
    uint64_t driver_features;     /* written by the driver; valid once FEATURES_OK */
    uint8_t status;
    uint32_t config_generation;
    uint8_t *config;              /* little-endian image, owned by the device model */
    uint32_t config_len;
    VirtQueue *queues;
    unsigned num_queues;
    const PhysMap *mem;           /* where descriptors and buffers live */
    VirtioTransport transport;
    const char *error;            /* why the device needs a reset, or NULL */
    pthread_mutex_t lock;
};

/* Sets up the common part. device_features are the device-specific bits;
 * VERSION_1, INDIRECT_DESC and EVENT_IDX are added. Every queue offers
 * queue_max_size entries (a power of two, at most 32768). 0 or -ENOMEM. */
int virtio_device_init(VirtioDevice *dev, const VirtioDeviceOps *ops, uint32_t device_id,
                       uint64_t device_features, const PhysMap *mem,
                       unsigned num_queues, uint16_t queue_max_size,
                       uint8_t *config, uint32_t config_len);
void virtio_device_cleanup(VirtioDevice *dev);
/* ops->destroy(); NULL is fine. */
void virtio_device_destroy(VirtioDevice *dev);

/* ---- called by transports, with dev->lock held ---- */

/* Back to the power-on state: status 0, no features, all queues off. */
void virtio_device_reset(VirtioDevice *dev);
/* A driver write to the status byte: 0 resets; FEATURES_OK is kept only if
 * the negotiation is acceptable; DRIVER_OK starts the device. */
void virtio_set_status(VirtioDevice *dev, uint8_t status);
/* 32-bit windows (sel 0: bits 0-31, sel 1: 32-63, others 0). */
uint32_t virtio_get_device_features(const VirtioDevice *dev, uint32_t sel);
/* Ignored once FEATURES_OK is set. */
void virtio_set_driver_features(VirtioDevice *dev, uint32_t sel, uint32_t value);
/* Config space access of size 1, 2, 4 or 8 bytes; out-of-range reads are 0
 * and out-of-range writes are ignored. */
uint64_t virtio_config_read(const VirtioDevice *dev, uint32_t offset, unsigned size);
void virtio_config_write(VirtioDevice *dev, uint32_t offset, uint64_t value, unsigned size);
/* The driver notified queue (ignored unless DRIVER_OK and the queue is ready). */
void virtio_queue_notify(VirtioDevice *dev, unsigned queue);

/* ---- called by device models, with dev->lock held ---- */

static inline bool virtio_has_feature(const VirtioDevice *dev, unsigned bit)
{
    return (dev->driver_features >> bit) & 1;
}
static inline void virtio_raise_interrupt(VirtioDevice *dev, VirtioInterrupt why, unsigned queue)
{
    if (dev->transport.interrupt)
        dev->transport.interrupt(dev->transport.opaque, why, queue);
}
/* The guest broke the rules (why: a static string, kept for tests and logs):
 * DEVICE_NEEDS_RESET, a config interrupt, and no more queue processing. */
void virtio_device_set_error(VirtioDevice *dev, const char *why);
static inline bool virtio_device_broken(const VirtioDevice *dev)
{
    return (dev->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) != 0;
}

#endif
