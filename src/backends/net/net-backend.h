/*
 * The contract between a network device model and a host network backend
 * (user networking with libslirp today; tap later). Frames are whole
 * Ethernet frames without any virtio header.
 *
 * Device -> backend: net_backend_send(be, frame, len). It never blocks and
 * never calls back into the device from inside the call, so the device may
 * hold its own lock while sending.
 * Backend -> device: the receive callback given to net_backend_attach(),
 * called from the backend's own thread with no backend lock held; the
 * device copies the frame (it is only valid during the call).
 *
 * Use: NetBackend *be = net_slirp_create(...); net_backend_attach(be, rx, dev);
 *      ... net_backend_send(be, f, n) ...; net_backend_destroy(be);
 * After net_backend_destroy() returns, the callback is never called again.
 */
#ifndef POLYVM_NET_BACKEND_H
#define POLYVM_NET_BACKEND_H

#include <stddef.h>
#include <stdint.h>

typedef void (*NetReceiveFn)(void *opaque, const uint8_t *frame, size_t len);

typedef struct NetBackend NetBackend;

typedef struct NetBackendOps {
    /* Starts delivery to the callback (already set in be). */
    void (*attach)(NetBackend *be);
    /* Queues one frame for the outside; 0, or -errno when it was dropped. */
    int (*send)(NetBackend *be, const uint8_t *frame, size_t len);
    /* Stops the backend's thread, then frees it. */
    void (*destroy)(NetBackend *be);
} NetBackendOps;

struct NetBackend {
    const NetBackendOps *ops;
    NetReceiveFn receive;
    void *receive_opaque;
};

static inline void net_backend_attach(NetBackend *be, NetReceiveFn receive, void *opaque)
{
    be->receive = receive;
    be->receive_opaque = opaque;
    if (be->ops->attach)
        be->ops->attach(be);
}

static inline int net_backend_send(NetBackend *be, const uint8_t *frame, size_t len)
{
    return be->ops->send(be, frame, len);
}

/* NULL is fine. */
static inline void net_backend_destroy(NetBackend *be)
{
    if (be)
        be->ops->destroy(be);
}

#endif
