/*
 * The transport-independent part of a virtio device (include/polyvm/virtio.h):
 * status byte and its state machine, feature negotiation, config space
 * access, the error state, and the queues' lifetime. Transports call in
 * with dev->lock held; nothing here knows about registers or interrupt wires.
 */
#include "polyvm/virtio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "polyvm/log.h"
#include "virtqueue.h"

#define CORE_FEATURES ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_INDIRECT_DESC) | \
                       (1ull << VIRTIO_F_EVENT_IDX))

int virtio_device_init(VirtioDevice *dev, const VirtioDeviceOps *ops, uint32_t device_id,
                       uint64_t device_features, const PhysMap *mem,
                       unsigned num_queues, uint16_t queue_max_size,
                       uint8_t *config, uint32_t config_len)
{
    memset(dev, 0, sizeof *dev);
    dev->ops = ops;
    dev->device_id = device_id;
    dev->device_features = device_features | CORE_FEATURES;
    dev->mem = mem;
    dev->config = config;
    dev->config_len = config_len;
    dev->queues = calloc(num_queues ? num_queues : 1, sizeof *dev->queues);
    if (!dev->queues)
        return -ENOMEM;
    for (unsigned q = 0; q < num_queues; q++) {
        if (virtq_init(&dev->queues[q], dev, q, queue_max_size) < 0) {
            for (unsigned k = 0; k < q; k++)
                virtq_cleanup(&dev->queues[k]);
            free(dev->queues);
            dev->queues = NULL;
            return -ENOMEM;
        }
    }
    dev->num_queues = num_queues;
    pthread_mutex_init(&dev->lock, NULL);
    return 0;
}

void virtio_device_cleanup(VirtioDevice *dev)
{
    for (unsigned q = 0; q < dev->num_queues; q++)
        virtq_cleanup(&dev->queues[q]);
    free(dev->queues);
    dev->queues = NULL;
    dev->num_queues = 0;
    pthread_mutex_destroy(&dev->lock);
}

void virtio_device_destroy(VirtioDevice *dev)
{
    if (dev)
        dev->ops->destroy(dev);
}

void virtio_device_reset(VirtioDevice *dev)
{
    dev->status = 0;
    dev->driver_features = 0;
    dev->error = NULL;
    for (unsigned q = 0; q < dev->num_queues; q++)
        virtq_reset(&dev->queues[q]);
    if (dev->ops->reset)
        dev->ops->reset(dev);
}

static bool features_acceptable(VirtioDevice *dev)
{
    uint64_t f = dev->driver_features;
    if (f & ~dev->device_features)
        return false;
    if (!(f & (1ull << VIRTIO_F_VERSION_1)))
        return false;   /* a legacy driver: we have no legacy interface */
    return !dev->ops->features_ok || dev->ops->features_ok(dev, f);
}

void virtio_set_status(VirtioDevice *dev, uint8_t status)
{
    if (status == 0) {
        virtio_device_reset(dev);
        return;
    }
    uint8_t old = dev->status;
    /* NEEDS_RESET is the device's to set and only a reset clears it */
    uint8_t now = (uint8_t)((status & ~VIRTIO_STATUS_DEVICE_NEEDS_RESET) |
                            (old & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
    if ((now & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK) &&
        !features_acceptable(dev))
        now &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;   /* 3.1.1: the driver re-reads it */
    dev->status = now;
    if ((now & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK)) {
        if (!(now & VIRTIO_STATUS_FEATURES_OK)) {
            virtio_device_set_error(dev, "DRIVER_OK without FEATURES_OK");
            return;
        }
        /* buffers made available before DRIVER_OK are taken now */
        for (unsigned q = 0; q < dev->num_queues && !virtio_device_broken(dev); q++)
            if (dev->queues[q].ready)
                dev->ops->queue_notify(dev, q);
    }
}

uint32_t virtio_get_device_features(const VirtioDevice *dev, uint32_t sel)
{
    return sel < 2 ? (uint32_t)(dev->device_features >> (32 * sel)) : 0;
}

void virtio_set_driver_features(VirtioDevice *dev, uint32_t sel, uint32_t value)
{
    if (sel >= 2 || (dev->status & VIRTIO_STATUS_FEATURES_OK))
        return;
    unsigned shift = 32 * sel;
    dev->driver_features = (dev->driver_features & ~(0xffffffffull << shift)) |
                           ((uint64_t)value << shift);
}

static bool config_range_ok(const VirtioDevice *dev, uint32_t offset, unsigned size)
{
    return (size == 1 || size == 2 || size == 4 || size == 8) &&
           offset <= dev->config_len && size <= dev->config_len - offset;
}

uint64_t virtio_config_read(const VirtioDevice *dev, uint32_t offset, unsigned size)
{
    if (!config_range_ok(dev, offset, size))
        return 0;
    uint64_t v = 0;
    for (unsigned k = 0; k < size; k++)
        v |= (uint64_t)dev->config[offset + k] << (8 * k);
    return v;
}

void virtio_config_write(VirtioDevice *dev, uint32_t offset, uint64_t value, unsigned size)
{
    if (config_range_ok(dev, offset, size) && dev->ops->config_write)
        dev->ops->config_write(dev, offset, value, size);
}

void virtio_queue_notify(VirtioDevice *dev, unsigned queue)
{
    if (queue >= dev->num_queues || !dev->queues[queue].ready ||
        !(dev->status & VIRTIO_STATUS_DRIVER_OK) || virtio_device_broken(dev))
        return;
    dev->ops->queue_notify(dev, queue);
}

void virtio_device_set_error(VirtioDevice *dev, const char *why)
{
    if (virtio_device_broken(dev))
        return;
    dev->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    dev->error = why;
    log_printf(LOG_UNIMP, "virtio %s: guest error, device needs reset: %s\n", dev->ops->name, why);
    /* 2.1.2: with DRIVER_OK set, NEEDS_RESET comes with a config notification */
    virtio_raise_interrupt(dev, VIRTIO_INT_CONFIG, 0);
}
