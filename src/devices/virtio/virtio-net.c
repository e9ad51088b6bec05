/*
 * virtio-net device model (see virtio-net.h). Receive: frames from the
 * backend go into a bounded FIFO, which is drained into the driver's
 * receive buffers whenever either side makes progress (a frame arrives, the
 * driver adds buffers, the device starts). With MRG_RXBUF a frame may span
 * several buffers; chains taken from the ring but not yet filled are kept
 * in `held` so that running out of buffers halfway loses nothing.
 * Transmit: each chain is header + frame; the header is skipped and the
 * frame handed to the backend whole.
 */
#include "virtio-net.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "virtqueue.h"

typedef struct RxFrame {
    size_t len;
    uint8_t *data;
} RxFrame;

typedef struct VirtioNet {
    VirtioDevice vdev;
    NetBackend *backend;
    uint8_t config[VIRTIO_NET_CONFIG_SIZE];
    RxFrame pending[VIRTIO_NET_RX_PENDING];   /* ring buffer */
    unsigned pending_head, pending_count;
    VirtqElement *held[VIRTIO_NET_QUEUE_SIZE];
    unsigned held_num;
    uint8_t *tx_buf;                           /* VIRTIO_NET_MAX_FRAME bytes */
    VirtioNetStats stats;
} VirtioNet;

static const uint8_t default_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* Copies [off, off+len) of the byte stream hdr || frame into e's writable part. */
static void write_stream(const VirtqElement *e, const uint8_t *hdr, const RxFrame *f, size_t off, size_t len)
{
    size_t at = 0;
    if (off < VIRTIO_NET_HDR_SIZE) {
        size_t n = VIRTIO_NET_HDR_SIZE - off < len ? VIRTIO_NET_HDR_SIZE - off : len;
        virtq_write_in(e, 0, hdr + off, n);
        at = n;
        off += n;
        len -= n;
    }
    if (len)
        virtq_write_in(e, at, f->data + (off - VIRTIO_NET_HDR_SIZE), len);
}

static void release_held(VirtioNet *n, unsigned count)
{
    for (unsigned k = 0; k < count; k++)
        free(n->held[k]);
    memmove(n->held, n->held + count, (n->held_num - count) * sizeof n->held[0]);
    n->held_num -= count;
}

/* Gives one frame to the driver. False when there are not enough buffers
 * yet (the frame stays pending); true when it was delivered or dropped. */
static bool deliver(VirtioNet *n, const RxFrame *f)
{
    VirtQueue *vq = &n->vdev.queues[VIRTIO_NET_RXQ];
    bool mrg = virtio_has_feature(&n->vdev, VIRTIO_NET_F_MRG_RXBUF);
    uint64_t total = VIRTIO_NET_HDR_SIZE + f->len, room = 0;
    unsigned used = 0;
    while (room < total) {
        if (used == n->held_num) {
            if (n->held_num == VIRTIO_NET_QUEUE_SIZE)
                break;    /* a whole ring of tiny buffers: cannot fit */
            VirtqElement *e = virtq_pop(vq);
            if (!e)
                return false;
            n->held[n->held_num++] = e;
        }
        room += n->held[used++]->in_len;
        if (!mrg)
            break;
    }
    if (room < total) {
        /* the driver's buffers are too small for this frame: hand them back
         * empty (the driver counts a length error) and drop it */
        for (unsigned k = 0; k < used; k++)
            virtq_push(vq, n->held[k], 0);
        release_held(n, used);
        n->stats.rx_dropped++;
        return true;
    }
    uint8_t hdr[VIRTIO_NET_HDR_SIZE] = { 0 };
    uint16_t nb = htole16((uint16_t)used);
    memcpy(hdr + VIRTIO_NET_HDR_NUM_BUFFERS, &nb, 2);
    uint64_t off = 0;
    for (unsigned k = 0; k < used; k++) {
        uint64_t chunk = total - off < n->held[k]->in_len ? total - off : n->held[k]->in_len;
        write_stream(n->held[k], hdr, f, (size_t)off, (size_t)chunk);
        virtq_push(vq, n->held[k], (uint32_t)chunk);
        off += chunk;
    }
    release_held(n, used);
    n->stats.rx_frames++;
    return true;
}

/* Moves pending frames into receive buffers while both exist. */
static void flush_rx(VirtioNet *n)
{
    VirtQueue *vq = &n->vdev.queues[VIRTIO_NET_RXQ];
    while (n->pending_count && !virtio_device_broken(&n->vdev)) {
        RxFrame *f = &n->pending[n->pending_head];
        if (!deliver(n, f))
            break;
        free(f->data);
        f->data = NULL;
        n->pending_head = (n->pending_head + 1) % VIRTIO_NET_RX_PENDING;
        n->pending_count--;
    }
    virtq_notify_driver(vq);
}

static void drop_pending(VirtioNet *n)
{
    while (n->pending_count) {
        free(n->pending[n->pending_head].data);
        n->pending[n->pending_head].data = NULL;
        n->pending_head = (n->pending_head + 1) % VIRTIO_NET_RX_PENDING;
        n->pending_count--;
    }
    release_held(n, n->held_num);
}

/* The backend's receive callback: its thread, no backend lock held. */
static void net_receive(void *opaque, const uint8_t *frame, size_t len)
{
    VirtioNet *n = opaque;
    pthread_mutex_lock(&n->vdev.lock);
    bool running = (n->vdev.status & VIRTIO_STATUS_DRIVER_OK) && !virtio_device_broken(&n->vdev);
    uint8_t *copy = NULL;
    if (running && len <= VIRTIO_NET_MAX_FRAME && n->pending_count < VIRTIO_NET_RX_PENDING)
        copy = malloc(len ? len : 1);
    if (copy) {
        memcpy(copy, frame, len);
        RxFrame *f = &n->pending[(n->pending_head + n->pending_count) % VIRTIO_NET_RX_PENDING];
        f->data = copy;
        f->len = len;
        n->pending_count++;
        flush_rx(n);
    } else {
        n->stats.rx_dropped++;
    }
    pthread_mutex_unlock(&n->vdev.lock);
}

static void transmit(VirtioNet *n)
{
    VirtQueue *vq = &n->vdev.queues[VIRTIO_NET_TXQ];
    VirtqElement *e;
    while ((e = virtq_pop(vq))) {
        uint64_t len = e->out_len > VIRTIO_NET_HDR_SIZE ? e->out_len - VIRTIO_NET_HDR_SIZE : 0;
        if (len == 0 || len > VIRTIO_NET_MAX_FRAME) {
            n->stats.tx_dropped++;
        } else {
            virtq_read_out(e, VIRTIO_NET_HDR_SIZE, n->tx_buf, (size_t)len);
            if (net_backend_send(n->backend, n->tx_buf, (size_t)len) < 0)
                n->stats.tx_dropped++;
            else
                n->stats.tx_frames++;
        }
        virtq_push(vq, e, 0);
        free(e);
    }
    virtq_notify_driver(vq);
}

static void net_queue_notify(VirtioDevice *dev, unsigned queue)
{
    VirtioNet *n = (VirtioNet *)dev;
    if (queue == VIRTIO_NET_TXQ)
        transmit(n);
    else
        flush_rx(n);
}

static void net_reset(VirtioDevice *dev)
{
    drop_pending((VirtioNet *)dev);
}

static void net_destroy(VirtioDevice *dev)
{
    VirtioNet *n = (VirtioNet *)dev;
    net_backend_destroy(n->backend);    /* first: no more receive callbacks */
    drop_pending(n);
    virtio_device_cleanup(dev);
    free(n->tx_buf);
    free(n);
}

static const VirtioDeviceOps net_ops = {
    .name = "virtio-net",
    .queue_notify = net_queue_notify,
    .reset = net_reset,
    .destroy = net_destroy,
};

VirtioDevice *virtio_net_create(const PhysMap *mem, NetBackend *backend, const uint8_t *mac, bool mrg_rxbuf)
{
    VirtioNet *n = calloc(1, sizeof *n);
    uint8_t *tx_buf = malloc(VIRTIO_NET_MAX_FRAME);
    if (!n || !tx_buf)
        goto fail;
    n->backend = backend;
    n->tx_buf = tx_buf;
    memcpy(n->config + VIRTIO_NET_CFG_MAC, mac ? mac : default_mac, 6);
    uint16_t v = htole16(VIRTIO_NET_S_LINK_UP);
    memcpy(n->config + VIRTIO_NET_CFG_STATUS, &v, 2);
    v = htole16(1);
    memcpy(n->config + VIRTIO_NET_CFG_MAX_VIRTQUEUE_PAIRS, &v, 2);
    uint64_t features = (1ull << VIRTIO_NET_F_MAC) | (1ull << VIRTIO_NET_F_STATUS);
    if (mrg_rxbuf)
        features |= 1ull << VIRTIO_NET_F_MRG_RXBUF;
    if (virtio_device_init(&n->vdev, &net_ops, VIRTIO_ID_NET, features, mem, 2, VIRTIO_NET_QUEUE_SIZE,
                           n->config, sizeof n->config) < 0)
        goto fail;
    net_backend_attach(backend, net_receive, n);
    return &n->vdev;
fail:
    net_backend_destroy(backend);
    free(tx_buf);
    free(n);
    return NULL;
}

VirtioNetStats virtio_net_stats(VirtioDevice *dev)
{
    pthread_mutex_lock(&dev->lock);
    VirtioNetStats s = ((VirtioNet *)dev)->stats;
    pthread_mutex_unlock(&dev->lock);
    return s;
}
