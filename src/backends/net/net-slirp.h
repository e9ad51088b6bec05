/*
 * User-mode networking with libslirp, as QEMU's `-netdev user`: the guest
 * sits on 10.0.2.0/24 behind a NAT, the host is 10.0.2.2, DNS 10.0.2.3,
 * DHCP hands out addresses from 10.0.2.15. IPv4 only. Port forwards use
 * QEMU's hostfwd syntax: [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport
 * (an optional "hostfwd=" prefix is accepted; the protocol defaults to tcp,
 * the host address to any, the guest address to 10.0.2.15).
 *
 * All of libslirp runs on one backend thread (a poll loop over slirp's
 * sockets and its timers); frames from the device are queued (bounded) and
 * handed to slirp there, so net_backend_send never blocks or re-enters.
 *
 * Use: char err[256];
 *      NetBackend *be = net_slirp_create(specs, n_specs, err, sizeof err);
 *      if (!be) die(err);
 */
#ifndef POLYVM_NET_SLIRP_H
#define POLYVM_NET_SLIRP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "backends/net/net-backend.h"

#define NET_SLIRP_TX_QUEUE 256u    /* frames waiting for the backend thread */

typedef struct NetHostFwd {
    bool udp;
    struct in_addr host_addr;      /* INADDR_ANY when not given */
    int host_port;
    struct in_addr guest_addr;
    int guest_port;
} NetHostFwd;

/* 0, or -1 with a message naming the spec and the problem in err. */
int net_slirp_parse_hostfwd(const char *spec, NetHostFwd *out, char *err, size_t err_len);

/* The backend, or NULL with a message in err (bad hostfwd spec, a host port
 * that cannot be bound, slirp failing to start). Its thread starts when a
 * device attaches. */
NetBackend *net_slirp_create(const char *const *hostfwd, unsigned n_hostfwd, char *err, size_t err_len);

#endif
