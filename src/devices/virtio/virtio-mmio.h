/*
 * The virtio-mmio transport, modern layout (virtio 1.2, 4.2.2: Version 2):
 * one 4 KiB register window per device with the device's config space at
 * 0x100, and one level-triggered interrupt wire.
 *
 * Use (board, QEMU virt layout): for slot n in 0..7,
 *     VirtioMmio *t = virtio_mmio_create(dev_or_NULL, irq_line_for(1 + n));
 *     phys_map_add_mmio(map, "virtio-mmio", 0x10001000 + n * 0x1000,
 *                       VIRTIO_MMIO_REGION_SIZE, &virtio_mmio_ops, t);
 * and a "virtio,mmio" device-tree node per slot. A NULL device makes an empty
 * slot (DeviceID 0), which drivers skip, as QEMU's unused slots are.
 * virtio_mmio_destroy() leaves the device alive; destroy it afterwards.
 */
#ifndef POLYVM_VIRTIO_MMIO_H
#define POLYVM_VIRTIO_MMIO_H

#include "polyvm/device.h"
#include "polyvm/virtio.h"

#define VIRTIO_MMIO_REGION_SIZE 0x1000u
#define VIRTIO_MMIO_MAGIC_NUMBER   0x74726976u   /* "virt" */
#define VIRTIO_MMIO_MODERN_VERSION 2u
#define VIRTIO_MMIO_POLYVM_VENDOR  0x4d564c50u   /* "PLVM" */

/* Register offsets: one X-macro table feeds the enum and the names in logs. */
#define VIRTIO_MMIO_REGS(X)                       \
    X(MAGIC_VALUE, 0x000)                         \
    X(VERSION, 0x004)                             \
    X(DEVICE_ID, 0x008)                           \
    X(VENDOR_ID, 0x00c)                           \
    X(DEVICE_FEATURES, 0x010)                     \
    X(DEVICE_FEATURES_SEL, 0x014)                 \
    X(DRIVER_FEATURES, 0x020)                     \
    X(DRIVER_FEATURES_SEL, 0x024)                 \
    X(QUEUE_SEL, 0x030)                           \
    X(QUEUE_NUM_MAX, 0x034)                       \
    X(QUEUE_NUM, 0x038)                           \
    X(QUEUE_READY, 0x044)                         \
    X(QUEUE_NOTIFY, 0x050)                        \
    X(INTERRUPT_STATUS, 0x060)                    \
    X(INTERRUPT_ACK, 0x064)                       \
    X(STATUS, 0x070)                              \
    X(QUEUE_DESC_LOW, 0x080)                      \
    X(QUEUE_DESC_HIGH, 0x084)                     \
    X(QUEUE_DRIVER_LOW, 0x090)                    \
    X(QUEUE_DRIVER_HIGH, 0x094)                   \
    X(QUEUE_DEVICE_LOW, 0x0a0)                    \
    X(QUEUE_DEVICE_HIGH, 0x0a4)                   \
    X(SHM_SEL, 0x0ac)                             \
    X(SHM_LEN_LOW, 0x0b0)                         \
    X(SHM_LEN_HIGH, 0x0b4)                        \
    X(SHM_BASE_LOW, 0x0b8)                        \
    X(SHM_BASE_HIGH, 0x0bc)                       \
    X(QUEUE_RESET, 0x0c0)                         \
    X(CONFIG_GENERATION, 0x0fc)                   \
    X(CONFIG, 0x100)

enum {
#define X(name, offset) VIRTIO_MMIO_##name = offset,
    VIRTIO_MMIO_REGS(X)
#undef X
};

typedef struct VirtioMmio VirtioMmio;

extern const DeviceMmioOps virtio_mmio_ops;

/* dev may be NULL (an empty slot). NULL only on out of memory. */
VirtioMmio *virtio_mmio_create(VirtioDevice *dev, IrqLine irq);
void virtio_mmio_destroy(VirtioMmio *t);

#endif
