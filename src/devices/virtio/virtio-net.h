/*
 * virtio-net (virtio 1.2, 5.1): one receive queue (0) and one transmit
 * queue (1) over a NetBackend. Every buffer starts with the 12-byte
 * virtio_net_hdr (VERSION_1 layout, num_buffers included); no checksum or
 * segmentation offloads are offered, so the header is all zero apart from
 * num_buffers on receive. Features: MAC, STATUS (the link is always up),
 * and MRG_RXBUF when asked for at creation.
 *
 * Frames from the backend arrive on its thread; when the driver has no
 * receive buffers they wait in a bounded queue (VIRTIO_NET_RX_PENDING
 * frames) and are dropped beyond it, never blocking the backend. Transmit
 * runs synchronously in the driver's notification.
 *
 * Use: NetBackend *be = net_slirp_create(...);
 *      VirtioDevice *dev = virtio_net_create(mem, be, NULL, true);
 *      ... virtio_mmio_create(dev, irq) ...; virtio_device_destroy(dev);
 * The device owns the backend from then on (destroys it first when destroyed).
 */
#ifndef POLYVM_VIRTIO_NET_H
#define POLYVM_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "backends/net/net-backend.h"
#include "polyvm/virtio.h"

#define VIRTIO_NET_QUEUE_SIZE 256u
#define VIRTIO_NET_RXQ 0u
#define VIRTIO_NET_TXQ 1u
#define VIRTIO_NET_HDR_SIZE 12u
#define VIRTIO_NET_MAX_FRAME 65536u     /* no GSO: anything longer is dropped */
#define VIRTIO_NET_RX_PENDING 256u

/* Device feature bits (5.1.3). */
#define VIRTIO_NET_F_MAC       5
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS    16

#define VIRTIO_NET_S_LINK_UP 1u

/* Config space (5.1.4). */
#define VIRTIO_NET_CFG_MAC                 0
#define VIRTIO_NET_CFG_STATUS              6
#define VIRTIO_NET_CFG_MAX_VIRTQUEUE_PAIRS 8
#define VIRTIO_NET_CONFIG_SIZE             10

/* Header offsets (5.1.6). */
#define VIRTIO_NET_HDR_NUM_BUFFERS 10

typedef struct VirtioNetStats {
    uint64_t rx_frames, rx_dropped;   /* to the guest */
    uint64_t tx_frames, tx_dropped;   /* from the guest */
} VirtioNetStats;

/* mac: NULL gives 52:54:00:12:34:56. backend: taken over (destroyed on
 * failure too). NULL on out of memory. */
VirtioDevice *virtio_net_create(const PhysMap *mem, NetBackend *backend, const uint8_t *mac,
                                bool mrg_rxbuf);
/* Counters so far (takes the device lock). */
VirtioNetStats virtio_net_stats(VirtioDevice *dev);

#endif
