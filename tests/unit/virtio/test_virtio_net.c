/*
 * Unit tests of virtio-net, driven through virtio-mmio as a driver would,
 * with two queues set up by hand (vtest's helpers drive one queue): over a
 * fake backend, transmit (header stripped, frame whole across descriptors),
 * receive (header with num_buffers), frames waiting for buffers and the
 * bound on that wait, mergeable receive buffers; hostfwd spec parsing; and
 * over libslirp, a DHCP DISCOVER that must come back as an OFFER of
 * 10.0.2.15 (skipped with a message if slirp cannot start).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/net/net-slirp.h"
#include "devices/virtio/virtio-net.h"
#include "vtest.h"

#define F(bit) (1ull << (bit))
#define HDR VIRTIO_NET_HDR_SIZE

/* ---- a fake backend that records what the device sends ---- */

typedef struct FakeNet {
    NetBackend be;
    unsigned sent;
    size_t last_len;
    uint8_t last[2048];
} FakeNet;

static int fake_send(NetBackend *be, const uint8_t *frame, size_t len)
{
    FakeNet *f = (FakeNet *)be;
    f->sent++;
    f->last_len = len;
    memcpy(f->last, frame, len < sizeof f->last ? len : sizeof f->last);
    return 0;
}

static void fake_destroy(NetBackend *be)
{
    free(be);
}

static const NetBackendOps fake_ops = { .send = fake_send, .destroy = fake_destroy };

static void fake_inject(FakeNet *f, const uint8_t *frame, size_t len)
{
    f->be.receive(f->be.receive_opaque, frame, len);
}

/* ---- a queue of our own, anywhere in guest RAM ---- */

typedef struct Q {
    unsigned index;
    uint64_t desc, avail, used;
    uint16_t size, avail_idx, used_seen, next_desc;
} Q;

static void q_setup(VTest *vt, Q *q, unsigned index, uint16_t size)
{
    *q = (Q){ .index = index, .size = size };
    q->desc = vt_alloc(vt, VIRTQ_DESC_SIZE(size));
    q->avail = vt_alloc(vt, VIRTQ_AVAIL_SIZE(size));
    q->used = vt_alloc(vt, VIRTQ_USED_SIZE(size));
    vt_write(vt, VIRTIO_MMIO_QUEUE_SEL, index);
    vt_write(vt, VIRTIO_MMIO_QUEUE_NUM, size);
    vt_write(vt, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)q->desc);
    vt_write(vt, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(q->desc >> 32));
    vt_write(vt, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)q->avail);
    vt_write(vt, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(q->avail >> 32));
    vt_write(vt, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)q->used);
    vt_write(vt, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(q->used >> 32));
    vt_write(vt, VIRTIO_MMIO_QUEUE_READY, 1);
}

/* Adds a chain of n buffers (flags for all) and makes it available, notifying. */
static uint16_t q_add(VTest *vt, Q *q, const uint64_t *addr, const uint32_t *len, unsigned n, uint16_t flags,
                      bool notify)
{
    uint16_t head = q->next_desc;
    for (unsigned k = 0; k < n; k++) {
        uint16_t i = (uint16_t)((head + k) % q->size);
        bool more = k + 1 < n;
        vt_desc_at(vt, q->desc, i, addr[k], len[k], (uint16_t)(flags | (more ? VIRTQ_DESC_F_NEXT : 0)),
                   (uint16_t)((i + 1) % q->size));
    }
    q->next_desc = (uint16_t)((head + n) % q->size);
    uint16_t v = htole16(head);
    memcpy(vt_host(vt, q->avail + 4 + 2ull * (q->avail_idx % q->size)), &v, 2);
    q->avail_idx++;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    v = htole16(q->avail_idx);
    memcpy(vt_host(vt, q->avail + 2), &v, 2);
    if (notify)
        vt_notify(vt, q->index);
    return head;
}

static bool q_used(VTest *vt, Q *q, VtUsed *u)
{
    uint16_t idx;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    memcpy(&idx, vt_host(vt, q->used + 2), 2);
    if (le16toh(idx) == q->used_seen)
        return false;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    uint64_t e = q->used + 4 + 8ull * (q->used_seen % q->size);
    uint32_t w[2];
    memcpy(w, vt_host(vt, e), 8);
    u->id = le32toh(w[0]);
    u->len = le32toh(w[1]);
    q->used_seen++;
    return true;
}

typedef struct Net {
    VTest *vt;
    FakeNet *fake;
    Q rx, tx;
} Net;

static void net_open(Net *n, NetBackend *be, uint64_t features, bool offer_mrg)
{
    n->vt = vt_new();
    vt_attach(n->vt, virtio_net_create(vt_map(n->vt), be, NULL, offer_mrg));
    assert_non_null(n->vt->dev);
    n->vt->heap = VT_HEAP_GPA;
    assert_true(vt_init_driver(n->vt, features));
    q_setup(n->vt, &n->rx, VIRTIO_NET_RXQ, 64);
    q_setup(n->vt, &n->tx, VIRTIO_NET_TXQ, 64);
    vt_driver_ok(n->vt);
}

static FakeNet *fake_new(void)
{
    FakeNet *f = calloc(1, sizeof *f);
    f->be.ops = &fake_ops;
    return f;
}

static void pattern(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t k = 0; k < n; k++)
        p[k] = (uint8_t)(k * 13 + seed);
}

/* ---- tests over the fake backend ---- */

static void test_config(void **state)
{
    (void)state;
    Net n;
    net_open(&n, &fake_new()->be, F(VIRTIO_F_VERSION_1) | F(VIRTIO_NET_F_MAC) | F(VIRTIO_NET_F_STATUS), false);
    assert_int_equal(vt_read(n.vt, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET);
    uint64_t f = vt_device_features(n.vt);
    assert_true(f & F(VIRTIO_NET_F_MAC));
    assert_true(f & F(VIRTIO_NET_F_STATUS));
    assert_false(f & F(VIRTIO_NET_F_MRG_RXBUF));
    static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    for (unsigned k = 0; k < 6; k++)
        assert_int_equal(virtio_config_read(n.vt->dev, k, 1), mac[k]);
    assert_int_equal(virtio_config_read(n.vt->dev, VIRTIO_NET_CFG_STATUS, 2), VIRTIO_NET_S_LINK_UP);
    vt_free(n.vt);
}

static void test_tx(void **state)
{
    (void)state;
    Net n;
    FakeNet *fake = fake_new();
    net_open(&n, &fake->be, F(VIRTIO_F_VERSION_1), false);
    /* header and the first 20 bytes in one buffer, the rest in two more */
    uint8_t frame[300];
    pattern(frame, sizeof frame, 1);
    uint64_t a = vt_alloc(n.vt, HDR + 20), b = vt_alloc(n.vt, 80), c = vt_alloc(n.vt, 200);
    memset(vt_host(n.vt, a), 0, HDR);
    memcpy(vt_host(n.vt, a) + HDR, frame, 20);
    memcpy(vt_host(n.vt, b), frame + 20, 80);
    memcpy(vt_host(n.vt, c), frame + 100, 200);
    uint64_t addr[3] = { a, b, c };
    uint32_t len[3] = { HDR + 20, 80, 200 };
    uint16_t head = q_add(n.vt, &n.tx, addr, len, 3, 0, true);
    VtUsed u;
    assert_true(q_used(n.vt, &n.tx, &u));
    assert_int_equal(u.id, head);
    assert_int_equal(u.len, 0);
    assert_int_equal(fake->sent, 1);
    assert_int_equal(fake->last_len, sizeof frame);
    assert_memory_equal(fake->last, frame, sizeof frame);

    /* a chain with only (part of) a header sends nothing and is still returned */
    uint64_t h = vt_alloc(n.vt, 8);
    uint32_t hl = 8;
    q_add(n.vt, &n.tx, &h, &hl, 1, 0, true);
    assert_true(q_used(n.vt, &n.tx, &u));
    assert_int_equal(fake->sent, 1);
    assert_int_equal(virtio_net_stats(n.vt->dev).tx_dropped, 1);
    assert_false(vt_needs_reset(n.vt));
    vt_free(n.vt);
}

static void post_rx(Net *n, unsigned count, uint32_t size, uint64_t *addrs)
{
    for (unsigned k = 0; k < count; k++) {
        addrs[k] = vt_alloc(n->vt, size);
        q_add(n->vt, &n->rx, &addrs[k], &size, 1, VIRTQ_DESC_F_WRITE, true);
    }
}

static uint16_t hdr_num_buffers(const uint8_t *h)
{
    uint16_t v;
    memcpy(&v, h + VIRTIO_NET_HDR_NUM_BUFFERS, 2);
    return le16toh(v);
}

static void test_rx(void **state)
{
    (void)state;
    Net n;
    FakeNet *fake = fake_new();
    net_open(&n, &fake->be, F(VIRTIO_F_VERSION_1), false);
    uint8_t frame[100];
    pattern(frame, sizeof frame, 7);

    /* no buffer yet: the frame waits */
    vt_ack_interrupts(n.vt);
    fake_inject(fake, frame, sizeof frame);
    VtUsed u;
    assert_false(q_used(n.vt, &n.rx, &u));

    uint64_t buf;
    post_rx(&n, 1, 1526, &buf);
    assert_true(q_used(n.vt, &n.rx, &u));
    assert_int_equal(u.len, HDR + sizeof frame);
    uint8_t *p = vt_host(n.vt, buf);
    assert_int_equal(hdr_num_buffers(p), 1);
    for (unsigned k = 0; k < VIRTIO_NET_HDR_NUM_BUFFERS; k++)
        assert_int_equal(p[k], 0);
    assert_memory_equal(p + HDR, frame, sizeof frame);
    assert_true(vt_ack_interrupts(n.vt) & VIRTIO_INT_USED_BUFFER);

    /* with a buffer waiting, a frame goes straight in */
    post_rx(&n, 1, 1526, &buf);
    pattern(frame, sizeof frame, 9);
    fake_inject(fake, frame, 60);
    assert_true(q_used(n.vt, &n.rx, &u));
    assert_int_equal(u.len, HDR + 60);
    assert_memory_equal(vt_host(n.vt, buf) + HDR, frame, 60);

    /* a buffer too small for the frame comes back empty, the frame is dropped */
    post_rx(&n, 1, 40, &buf);
    fake_inject(fake, frame, 100);
    assert_true(q_used(n.vt, &n.rx, &u));
    assert_int_equal(u.len, 0);

    /* without buffers, at most VIRTIO_NET_RX_PENDING frames wait */
    for (unsigned k = 0; k < VIRTIO_NET_RX_PENDING + 44; k++)
        fake_inject(fake, frame, 60);
    VirtioNetStats s = virtio_net_stats(n.vt->dev);
    assert_int_equal(s.rx_dropped, 1 + 44);
    assert_int_equal(s.rx_frames, 2);
    assert_false(vt_needs_reset(n.vt));
    vt_free(n.vt);
}

static void test_rx_mergeable(void **state)
{
    (void)state;
    Net n;
    FakeNet *fake = fake_new();
    net_open(&n, &fake->be, F(VIRTIO_F_VERSION_1) | F(VIRTIO_NET_F_MRG_RXBUF), true);
    uint8_t frame[150];
    pattern(frame, sizeof frame, 3);
    uint64_t bufs[3];
    post_rx(&n, 2, 64, bufs);
    fake_inject(fake, frame, sizeof frame);     /* 162 bytes do not fit in 128: waits */
    VtUsed u;
    assert_false(q_used(n.vt, &n.rx, &u));
    post_rx(&n, 1, 64, bufs + 2);
    uint32_t lens[3];
    for (unsigned k = 0; k < 3; k++) {
        assert_true(q_used(n.vt, &n.rx, &u));
        lens[k] = u.len;
    }
    assert_int_equal(lens[0], 64);
    assert_int_equal(lens[1], 64);
    assert_int_equal(lens[2], HDR + sizeof frame - 128);
    assert_int_equal(hdr_num_buffers(vt_host(n.vt, bufs[0])), 3);
    uint8_t got[150];
    memcpy(got, vt_host(n.vt, bufs[0]) + HDR, 64 - HDR);
    memcpy(got + 64 - HDR, vt_host(n.vt, bufs[1]), 64);
    memcpy(got + 128 - HDR, vt_host(n.vt, bufs[2]), sizeof frame - (128 - HDR));
    assert_memory_equal(got, frame, sizeof frame);
    vt_free(n.vt);
}

/* ---- hostfwd parsing ---- */

static void test_hostfwd_parse(void **state)
{
    (void)state;
    char err[256];
    NetHostFwd f;
    char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

    assert_int_equal(net_slirp_parse_hostfwd("hostfwd=tcp::2222-:22", &f, err, sizeof err), 0);
    assert_false(f.udp);
    assert_int_equal(f.host_port, 2222);
    assert_int_equal(f.guest_port, 22);
    assert_string_equal(inet_ntop(AF_INET, &f.host_addr, a, sizeof a), "0.0.0.0");
    assert_string_equal(inet_ntop(AF_INET, &f.guest_addr, b, sizeof b), "10.0.2.15");

    assert_int_equal(net_slirp_parse_hostfwd("udp:127.0.0.1:5353-10.0.2.20:53", &f, err, sizeof err), 0);
    assert_true(f.udp);
    assert_string_equal(inet_ntop(AF_INET, &f.host_addr, a, sizeof a), "127.0.0.1");
    assert_string_equal(inet_ntop(AF_INET, &f.guest_addr, b, sizeof b), "10.0.2.20");
    assert_int_equal(f.host_port, 5353);
    assert_int_equal(f.guest_port, 53);

    assert_int_equal(net_slirp_parse_hostfwd("::8080-:80", &f, err, sizeof err), 0);    /* tcp by default */
    assert_false(f.udp);

    static const struct {
        const char *spec, *why;
    } bad[] = {
        { "sctp::1-:2", "protocol must be tcp or udp" },
        { "tcp::2222", "expected '-'" },
        { "tcp::0-:22", "port must be" },
        { "tcp::70000-:22", "port must be" },
        { "tcp::22x-:22", "port must be" },
        { "tcp:1.2.3:2222-:22", "bad IPv4 address" },
        { "tcp::2222-22", "expected ADDR:PORT" },
        { "tcp", "expected [tcp|udp]" },
    };
    for (unsigned k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        err[0] = '\0';
        assert_int_equal(net_slirp_parse_hostfwd(bad[k].spec, &f, err, sizeof err), -1);
        if (!strstr(err, bad[k].why) || !strstr(err, bad[k].spec))
            fail_msg("spec '%s': error '%s' lacks '%s'", bad[k].spec, err, bad[k].why);
    }
    /* a bad spec makes creation fail with the same message */
    const char *specs[] = { "tcp::2222-:22", "tcp::x-:1" };
    assert_null(net_slirp_create(specs, 2, err, sizeof err));
    assert_non_null(strstr(err, "tcp::x-:1"));
}

/* ---- DHCP through libslirp ---- */

static uint16_t ip_checksum(const uint8_t *p, size_t n)
{
    uint32_t sum = 0;
    for (size_t k = 0; k + 1 < n; k += 2)
        sum += (uint32_t)(p[k] << 8 | p[k + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static size_t build_discover(uint8_t *f, const uint8_t mac[6])
{
    const size_t bootp_len = 236 + 4 + 3 + 1;
    const size_t udp_len = 8 + bootp_len, ip_len = 20 + udp_len;
    memset(f, 0, 14 + ip_len);
    memset(f, 0xff, 6);
    memcpy(f + 6, mac, 6);
    f[12] = 0x08;
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    ip[2] = (uint8_t)(ip_len >> 8);
    ip[3] = (uint8_t)ip_len;
    ip[8] = 64;
    ip[9] = 17;
    memset(ip + 16, 0xff, 4);
    uint16_t cs = ip_checksum(ip, 20);
    ip[10] = (uint8_t)(cs >> 8);
    ip[11] = (uint8_t)cs;
    uint8_t *udp = ip + 20;
    udp[1] = 68;
    udp[3] = 67;
    udp[4] = (uint8_t)(udp_len >> 8);
    udp[5] = (uint8_t)udp_len;
    uint8_t *bootp = udp + 8;
    bootp[0] = 1;
    bootp[1] = 1;
    bootp[2] = 6;
    memcpy(bootp + 4, "\x12\x34\x56\x78", 4);
    memcpy(bootp + 28, mac, 6);
    memcpy(bootp + 236, "\x63\x82\x53\x63", 4);
    memcpy(bootp + 240, "\x35\x01\x01\xff", 4);    /* DHCP message type DISCOVER, end */
    return 14 + ip_len;
}

/* Is the frame (after the virtio header) a DHCP OFFER of 10.0.2.15? */
static bool is_offer(const uint8_t *f, size_t len)
{
    if (len < 14 + 20 + 8 + 240 + 3 || f[12] != 0x08 || f[13] != 0 || f[14 + 9] != 17)
        return false;
    const uint8_t *udp = f + 14 + (f[14] & 0xf) * 4;
    const uint8_t *bootp = udp + 8;
    if (udp[3] != 68 || bootp[0] != 2 || memcmp(bootp + 16, "\x0a\x00\x02\x0f", 4) != 0)
        return false;
    for (const uint8_t *o = bootp + 240; o + 2 < f + len && *o != 0xff; o += o[0] ? 2 + o[1] : 1)
        if (o[0] == 53)
            return o[2] == 2;
    return false;
}

static void test_slirp_dhcp(void **state)
{
    (void)state;
    char err[256];
    NetBackend *be = net_slirp_create(NULL, 0, err, sizeof err);
    if (!be) {
        printf("SKIP test_slirp_dhcp: slirp cannot start: %s\n", err);
        skip();
    }
    Net n;
    net_open(&n, be, F(VIRTIO_F_VERSION_1) | F(VIRTIO_NET_F_MAC), false);
    uint64_t bufs[16];
    post_rx(&n, 16, 2048, bufs);

    static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    uint64_t tx = vt_alloc(n.vt, 2048);
    size_t len = build_discover(vt_host(n.vt, tx) + HDR, mac);
    uint32_t tl = (uint32_t)(HDR + len);
    q_add(n.vt, &n.tx, &tx, &tl, 1, 0, true);

    bool offered = false;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do {
        VtUsed u;
        pthread_mutex_lock(&n.vt->dev->lock);    /* the backend thread delivers concurrently */
        bool got = q_used(n.vt, &n.rx, &u);
        pthread_mutex_unlock(&n.vt->dev->lock);
        if (got) {
            assert_true(u.id < 16 && u.len >= HDR);
            offered = is_offer(vt_host(n.vt, bufs[u.id]) + HDR, u.len - HDR);
            continue;
        }
        nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (!offered && now.tv_sec - start.tv_sec < 5);
    assert_true(offered);
    vt_free(n.vt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_tx),
        cmocka_unit_test(test_rx),
        cmocka_unit_test(test_rx_mergeable),
        cmocka_unit_test(test_hostfwd_parse),
        cmocka_unit_test(test_slirp_dhcp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
