/*
 * The libslirp backend (see net-slirp.h). One thread owns the Slirp
 * instance after creation: it polls slirp's sockets plus an eventfd that
 * net_backend_send() kicks, feeds queued guest frames to slirp_input(),
 * runs slirp's timers, and passes slirp's outgoing frames straight to the
 * device's receive callback (no lock of ours is held then).
 */
#include "net-slirp.h"
#include "polyvm/host-clock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libslirp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define GUEST_DEFAULT "10.0.2.15"

typedef struct SlirpTimer {
    SlirpTimerCb cb;
    void *cb_opaque;
    int64_t expire_ms;            /* -1: not armed */
    struct SlirpTimer *next;
} SlirpTimer;

typedef struct TxFrame {
    size_t len;
    uint8_t *data;
} TxFrame;

typedef struct NetSlirp {
    NetBackend be;
    Slirp *slirp;
    int wake_fd;
    pthread_t thread;
    bool started;
    SlirpTimer *timers;           /* touched by the backend thread only (and before it starts) */
    struct pollfd *pfds;
    unsigned npfds, cap_pfds;

    pthread_mutex_t lock;         /* guards the fields below */
    bool stop;
    TxFrame tx[NET_SLIRP_TX_QUEUE];
    unsigned tx_head, tx_count;
} NetSlirp;

/* ---- hostfwd parsing ---- */

static bool parse_port(const char *s, int *port)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < 1 || v > 65535)
        return false;
    *port = (int)v;
    return true;
}

/* "addr:port" with an optional addr; the part is modified. */
static const char *parse_endpoint(char *part, const char *default_addr, struct in_addr *addr, int *port)
{
    char *colon = strrchr(part, ':');
    if (!colon)
        return "expected ADDR:PORT with a ':'";
    *colon = '\0';
    const char *a = *part ? part : default_addr;
    if (inet_pton(AF_INET, a, addr) != 1)
        return "bad IPv4 address";
    if (!parse_port(colon + 1, port))
        return "port must be a number from 1 to 65535";
    return NULL;
}

int net_slirp_parse_hostfwd(const char *spec, NetHostFwd *out, char *err, size_t err_len)
{
    char buf[256];
    const char *why = NULL;
    const char *s = strncmp(spec, "hostfwd=", 8) == 0 ? spec + 8 : spec;
    if (strlen(s) >= sizeof buf) {
        why = "too long";
        goto bad;
    }
    strcpy(buf, s);
    memset(out, 0, sizeof *out);
    char *colon = strchr(buf, ':');
    if (!colon) {
        why = "expected [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport";
        goto bad;
    }
    *colon = '\0';
    if (strcmp(buf, "udp") == 0)
        out->udp = true;
    else if (buf[0] && strcmp(buf, "tcp") != 0) {
        why = "protocol must be tcp or udp";
        goto bad;
    }
    char *host = colon + 1;
    char *dash = strchr(host, '-');
    if (!dash) {
        why = "expected '-' between the host and the guest side";
        goto bad;
    }
    *dash = '\0';
    why = parse_endpoint(host, "0.0.0.0", &out->host_addr, &out->host_port);
    if (!why)
        why = parse_endpoint(dash + 1, GUEST_DEFAULT, &out->guest_addr, &out->guest_port);
    if (!why)
        return 0;
bad:
    snprintf(err, err_len, "invalid hostfwd '%s': %s", spec, why);
    return -1;
}

/* ---- callbacks from slirp (backend thread, or creation before it runs) ---- */

static int64_t now_ns(void) { return (int64_t)host_monotonic_ns(); }

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
    NetSlirp *s = opaque;
    if (s->be.receive)
        s->be.receive(s->be.receive_opaque, buf, len);
    return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
    (void)opaque;
    fprintf(stderr, "polyvm: slirp: guest error: %s\n", msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
    (void)opaque;
    return now_ns();
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    NetSlirp *s = opaque;
    SlirpTimer *t = calloc(1, sizeof *t);
    if (!t)
        abort();    /* slirp has no way to take a failure here */
    t->cb = cb;
    t->cb_opaque = cb_opaque;
    t->expire_ms = -1;
    t->next = s->timers;
    s->timers = t;
    return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
    NetSlirp *s = opaque;
    for (SlirpTimer **p = &s->timers; *p; p = &(*p)->next) {
        if (*p == timer) {
            *p = ((SlirpTimer *)timer)->next;
            free(timer);
            return;
        }
    }
}

static void cb_timer_mod(void *timer, int64_t expire_time, void *opaque)
{
    (void)opaque;
    ((SlirpTimer *)timer)->expire_ms = expire_time;
}

static void cb_register_poll_fd(int fd, void *opaque)
{
    (void)fd;
    (void)opaque;
}

static void cb_notify(void *opaque)
{
    (void)opaque;    /* slirp is only ever called from the loop, which re-polls anyway */
}

static const SlirpCb slirp_callbacks = {
    .send_packet = cb_send_packet,
    .guest_error = cb_guest_error,
    .clock_get_ns = cb_clock_get_ns,
    .timer_new = cb_timer_new,
    .timer_free = cb_timer_free,
    .timer_mod = cb_timer_mod,
    .register_poll_fd = cb_register_poll_fd,
    .unregister_poll_fd = cb_register_poll_fd,
    .notify = cb_notify,
};

/* ---- the poll loop ---- */

static int add_poll(int fd, int events, void *opaque)
{
    NetSlirp *s = opaque;
    if (s->npfds == s->cap_pfds) {
        unsigned cap = s->cap_pfds ? 2 * s->cap_pfds : 16;
        struct pollfd *p = realloc(s->pfds, cap * sizeof *p);
        if (!p)
            abort();
        s->pfds = p;
        s->cap_pfds = cap;
    }
    short ev = 0;
    if (events & SLIRP_POLL_IN)
        ev |= POLLIN;
    if (events & SLIRP_POLL_OUT)
        ev |= POLLOUT;
    if (events & SLIRP_POLL_PRI)
        ev |= POLLPRI;
    s->pfds[s->npfds] = (struct pollfd){ .fd = fd, .events = ev };
    return (int)s->npfds++;
}

static int get_revents(int idx, void *opaque)
{
    NetSlirp *s = opaque;
    if (idx < 0 || (unsigned)idx >= s->npfds)
        return 0;
    short re = s->pfds[idx].revents;
    int r = 0;
    if (re & POLLIN)
        r |= SLIRP_POLL_IN;
    if (re & POLLOUT)
        r |= SLIRP_POLL_OUT;
    if (re & POLLPRI)
        r |= SLIRP_POLL_PRI;
    if (re & POLLERR)
        r |= SLIRP_POLL_ERR;
    if (re & POLLHUP)
        r |= SLIRP_POLL_HUP;
    return r;
}

static void run_timers(NetSlirp *s)
{
    int64_t now_ms = now_ns() / 1000000;
    /* a callback may free or add timers: restart the walk after each one */
    for (bool fired = true; fired;) {
        fired = false;
        for (SlirpTimer *t = s->timers; t; t = t->next) {
            if (t->expire_ms >= 0 && t->expire_ms <= now_ms) {
                t->expire_ms = -1;
                t->cb(t->cb_opaque);
                fired = true;
                break;
            }
        }
    }
}

static uint32_t timer_timeout_ms(NetSlirp *s, uint32_t timeout)
{
    int64_t now_ms = now_ns() / 1000000;
    for (SlirpTimer *t = s->timers; t; t = t->next) {
        if (t->expire_ms < 0)
            continue;
        int64_t left = t->expire_ms > now_ms ? t->expire_ms - now_ms : 0;
        if (left < (int64_t)timeout)
            timeout = (uint32_t)left;
    }
    return timeout;
}

/* Takes the queued guest frames under the lock, feeds them unlocked. */
static bool feed_tx(NetSlirp *s)
{
    TxFrame batch[NET_SLIRP_TX_QUEUE];
    unsigned n = 0;
    pthread_mutex_lock(&s->lock);
    bool stop = s->stop;
    while (s->tx_count) {
        batch[n++] = s->tx[s->tx_head];
        s->tx_head = (s->tx_head + 1) % NET_SLIRP_TX_QUEUE;
        s->tx_count--;
    }
    pthread_mutex_unlock(&s->lock);
    for (unsigned k = 0; k < n; k++) {
        if (!stop)
            slirp_input(s->slirp, batch[k].data, (int)batch[k].len);
        free(batch[k].data);
    }
    return !stop;
}

static void *slirp_thread(void *opaque)
{
    NetSlirp *s = opaque;
    while (feed_tx(s)) {
        s->npfds = 0;
        add_poll(s->wake_fd, SLIRP_POLL_IN, s);
        uint32_t timeout = 1000;
        slirp_pollfds_fill(s->slirp, &timeout, add_poll, s);
        timeout = timer_timeout_ms(s, timeout);
        int r = poll(s->pfds, s->npfds, (int)timeout);
        if (r > 0 && (s->pfds[0].revents & POLLIN)) {
            uint64_t v;
            if (read(s->wake_fd, &v, sizeof v) < 0 && errno != EAGAIN)
                perror("polyvm: slirp: eventfd");
        }
        slirp_pollfds_poll(s->slirp, r < 0, get_revents, s);
        run_timers(s);
    }
    return NULL;
}

static void kick(NetSlirp *s)
{
    uint64_t one = 1;
    if (write(s->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
        perror("polyvm: slirp: eventfd");
}

/* ---- NetBackend ops ---- */

static void slirp_attach(NetBackend *be)
{
    NetSlirp *s = (NetSlirp *)be;
    if (s->started)
        return;
    if (pthread_create(&s->thread, NULL, slirp_thread, s) == 0)
        s->started = true;
    else
        fprintf(stderr, "polyvm: slirp: cannot start its thread; networking is off\n");
}

static int slirp_send(NetBackend *be, const uint8_t *frame, size_t len)
{
    NetSlirp *s = (NetSlirp *)be;
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, frame, len);
    pthread_mutex_lock(&s->lock);
    if (s->tx_count == NET_SLIRP_TX_QUEUE) {
        pthread_mutex_unlock(&s->lock);
        free(copy);
        return -ENOBUFS;
    }
    s->tx[(s->tx_head + s->tx_count) % NET_SLIRP_TX_QUEUE] = (TxFrame){ len, copy };
    s->tx_count++;
    pthread_mutex_unlock(&s->lock);
    kick(s);
    return 0;
}

static void slirp_destroy(NetBackend *be)
{
    NetSlirp *s = (NetSlirp *)be;
    pthread_mutex_lock(&s->lock);
    s->stop = true;
    pthread_mutex_unlock(&s->lock);
    if (s->started) {
        kick(s);
        pthread_join(s->thread, NULL);
    }
    feed_tx(s);    /* frees what is left */
    if (s->slirp)
        slirp_cleanup(s->slirp);
    while (s->timers)
        cb_timer_free(s->timers, s);
    if (s->wake_fd >= 0)
        close(s->wake_fd);
    pthread_mutex_destroy(&s->lock);
    free(s->pfds);
    free(s);
}

static const NetBackendOps slirp_ops = {
    .attach = slirp_attach,
    .send = slirp_send,
    .destroy = slirp_destroy,
};

NetBackend *net_slirp_create(const char *const *hostfwd, unsigned n_hostfwd, char *err, size_t err_len)
{
    NetHostFwd *fwd = calloc(n_hostfwd ? n_hostfwd : 1, sizeof *fwd);
    if (!fwd) {
        snprintf(err, err_len, "slirp: out of memory");
        return NULL;
    }
    for (unsigned k = 0; k < n_hostfwd; k++) {
        if (net_slirp_parse_hostfwd(hostfwd[k], &fwd[k], err, err_len) < 0) {
            free(fwd);
            return NULL;
        }
    }
    NetSlirp *s = calloc(1, sizeof *s);
    if (!s) {
        free(fwd);
        snprintf(err, err_len, "slirp: out of memory");
        return NULL;
    }
    s->be.ops = &slirp_ops;
    pthread_mutex_init(&s->lock, NULL);
    s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (s->wake_fd < 0) {
        snprintf(err, err_len, "slirp: eventfd: %s", strerror(errno));
        goto fail;
    }

    SlirpConfig cfg = { .version = 4 };
    cfg.in_enabled = true;
    inet_pton(AF_INET, "10.0.2.0", &cfg.vnetwork);
    inet_pton(AF_INET, "255.255.255.0", &cfg.vnetmask);
    inet_pton(AF_INET, "10.0.2.2", &cfg.vhost);
    inet_pton(AF_INET, GUEST_DEFAULT, &cfg.vdhcp_start);
    inet_pton(AF_INET, "10.0.2.3", &cfg.vnameserver);
    s->slirp = slirp_new(&cfg, &slirp_callbacks, s);
    if (!s->slirp) {
        snprintf(err, err_len, "slirp: cannot start user networking");
        goto fail;
    }
    for (unsigned k = 0; k < n_hostfwd; k++) {
        if (slirp_add_hostfwd(s->slirp, fwd[k].udp, fwd[k].host_addr, fwd[k].host_port, fwd[k].guest_addr,
                              fwd[k].guest_port) < 0) {
            snprintf(err, err_len, "hostfwd '%s': cannot listen on host port %d (in use?)", hostfwd[k],
                     fwd[k].host_port);
            goto fail;
        }
    }
    free(fwd);
    return &s->be;
fail:
    free(fwd);
    slirp_destroy(&s->be);
    return NULL;
}
