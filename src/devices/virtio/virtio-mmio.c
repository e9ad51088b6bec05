/*
 * virtio-mmio transport, Version 2 (see virtio-mmio.h). Registers map onto
 * the transport-independent calls of polyvm/virtio.h; this file only adds
 * the selector registers, InterruptStatus/InterruptACK and the wire.
 *
 * Control registers take 32-bit aligned accesses only (4.2.2.2); anything
 * else reads 0 and is ignored on write, logged under -d unimp. Writes to a
 * queue's size or addresses while it is ready are ignored, so the rings the
 * device is using never change under it.
 */
#include "virtio-mmio.h"

#include <stdlib.h>

#include "polyvm/log.h"
#include "virtqueue.h"

struct VirtioMmio {
    VirtioDevice *dev;             /* NULL: empty slot */
    IrqLine irq;
    uint32_t interrupt_status;     /* VirtioInterrupt bits not yet acknowledged */
    uint32_t device_features_sel, driver_features_sel, queue_sel;
};

static const char *reg_name(uint64_t offset)
{
    switch (offset) {
#define X(name, off) case off: return #name;
        VIRTIO_MMIO_REGS(X)
#undef X
    default: return "unknown register";
    }
}

static void update_irq(VirtioMmio *t)
{
    irq_line_set(&t->irq, t->interrupt_status != 0);
}

static void mmio_interrupt(void *opaque, VirtioInterrupt why, unsigned queue)
{
    VirtioMmio *t = opaque;
    (void)queue;     /* one wire for all queues */
    t->interrupt_status |= why;
    update_irq(t);
}

static VirtQueue *selected_queue(VirtioMmio *t)
{
    return t->queue_sel < t->dev->num_queues ? &t->dev->queues[t->queue_sel] : NULL;
}

static uint32_t read_reg(VirtioMmio *t, uint64_t offset)
{
    VirtioDevice *dev = t->dev;
    VirtQueue *q = selected_queue(t);
    switch (offset) {
    case VIRTIO_MMIO_DEVICE_FEATURES: return virtio_get_device_features(dev, t->device_features_sel);
    case VIRTIO_MMIO_QUEUE_NUM_MAX: return q ? q->num_max : 0;
    case VIRTIO_MMIO_QUEUE_READY: return q ? q->ready : 0;
    case VIRTIO_MMIO_INTERRUPT_STATUS: return t->interrupt_status;
    case VIRTIO_MMIO_STATUS: return dev->status;
    /* no shared memory regions: a length of -1 says so (4.2.2) */
    case VIRTIO_MMIO_SHM_LEN_LOW:
    case VIRTIO_MMIO_SHM_LEN_HIGH: return 0xffffffffu;
    case VIRTIO_MMIO_CONFIG_GENERATION: return dev->config_generation;
    default: return 0;   /* write-only registers and holes */
    }
}

static uint64_t mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    VirtioMmio *t = opaque;
    VirtioDevice *dev = t->dev;
    if (offset >= VIRTIO_MMIO_CONFIG) {
        if (!dev || offset >= VIRTIO_MMIO_REGION_SIZE)
            return 0;
        pthread_mutex_lock(&dev->lock);
        uint64_t v = virtio_config_read(dev, (uint32_t)(offset - VIRTIO_MMIO_CONFIG), size);
        pthread_mutex_unlock(&dev->lock);
        return v;
    }
    if (size != 4 || (offset & 3)) {
        log_printf(LOG_UNIMP, "virtio-mmio: %u-byte read at 0x%03llx (%s) ignored\n", size,
                   (unsigned long long)offset, reg_name(offset & ~3ull));
        return 0;
    }
    switch (offset) {
    case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC_NUMBER;
    case VIRTIO_MMIO_VERSION: return VIRTIO_MMIO_MODERN_VERSION;
    case VIRTIO_MMIO_DEVICE_ID: return dev ? dev->device_id : VIRTIO_ID_NONE;
    case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_MMIO_POLYVM_VENDOR;
    }
    if (!dev)
        return 0;
    pthread_mutex_lock(&dev->lock);
    uint32_t v = read_reg(t, offset);
    pthread_mutex_unlock(&dev->lock);
    return v;
}

static void set_half(uint64_t *addr, bool high, uint32_t value)
{
    unsigned shift = high ? 32 : 0;
    *addr = (*addr & ~(0xffffffffull << shift)) | ((uint64_t)value << shift);
}

static void write_reg(VirtioMmio *t, uint64_t offset, uint32_t value)
{
    VirtioDevice *dev = t->dev;
    VirtQueue *q = selected_queue(t);
    /* queue layout is fixed while the queue is ready */
    VirtQueue *q_setup = q && !q->ready ? q : NULL;
    switch (offset) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL: t->device_features_sel = value; break;
    case VIRTIO_MMIO_DRIVER_FEATURES: virtio_set_driver_features(dev, t->driver_features_sel, value); break;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL: t->driver_features_sel = value; break;
    case VIRTIO_MMIO_QUEUE_SEL: t->queue_sel = value; break;
    case VIRTIO_MMIO_QUEUE_NUM:
        if (q_setup)    /* checked when used: a bad size breaks the device then */
            q_setup->num = value <= q_setup->num_max ? (uint16_t)value : 0;
        break;
    case VIRTIO_MMIO_QUEUE_READY:
        if (q)
            virtq_set_ready(q, value & 1);
        break;
    case VIRTIO_MMIO_QUEUE_NOTIFY: virtio_queue_notify(dev, value); break;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        t->interrupt_status &= ~value;
        update_irq(t);
        break;
    case VIRTIO_MMIO_STATUS:
        virtio_set_status(dev, (uint8_t)value);
        if (value == 0) {     /* 4.2.2.1: reset clears InterruptStatus */
            t->interrupt_status = 0;
            update_irq(t);
        }
        break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        if (q_setup)
            set_half(&q_setup->desc_addr, offset == VIRTIO_MMIO_QUEUE_DESC_HIGH, value);
        break;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        if (q_setup)
            set_half(&q_setup->driver_addr, offset == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, value);
        break;
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        if (q_setup)
            set_half(&q_setup->device_addr, offset == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, value);
        break;
    case VIRTIO_MMIO_SHM_SEL: break;      /* no regions to select */
    default:
        log_printf(LOG_UNIMP, "virtio-mmio: write 0x%x to 0x%03llx (%s) ignored\n", value,
                   (unsigned long long)offset, reg_name(offset));
        break;
    }
}

static void mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    VirtioMmio *t = opaque;
    VirtioDevice *dev = t->dev;
    if (!dev)
        return;
    if (offset >= VIRTIO_MMIO_CONFIG) {
        if (offset >= VIRTIO_MMIO_REGION_SIZE)
            return;
        pthread_mutex_lock(&dev->lock);
        virtio_config_write(dev, (uint32_t)(offset - VIRTIO_MMIO_CONFIG), value, size);
        pthread_mutex_unlock(&dev->lock);
        return;
    }
    if (size != 4 || (offset & 3)) {
        log_printf(LOG_UNIMP, "virtio-mmio: %u-byte write at 0x%03llx (%s) ignored\n", size,
                   (unsigned long long)offset, reg_name(offset & ~3ull));
        return;
    }
    pthread_mutex_lock(&dev->lock);
    write_reg(t, offset, (uint32_t)value);
    pthread_mutex_unlock(&dev->lock);
}

const DeviceMmioOps virtio_mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
};

VirtioMmio *virtio_mmio_create(VirtioDevice *dev, IrqLine irq)
{
    VirtioMmio *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->dev = dev;
    t->irq = irq;
    if (dev) {
        pthread_mutex_lock(&dev->lock);
        dev->transport.interrupt = mmio_interrupt;
        dev->transport.opaque = t;
        pthread_mutex_unlock(&dev->lock);
    }
    return t;
}

void virtio_mmio_destroy(VirtioMmio *t)
{
    if (!t)
        return;
    if (t->dev) {
        pthread_mutex_lock(&t->dev->lock);
        t->dev->transport.interrupt = NULL;
        t->dev->transport.opaque = NULL;
        pthread_mutex_unlock(&t->dev->lock);
    }
    free(t);
}
