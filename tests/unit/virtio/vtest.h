/*
 * A tiny guest-side virtio driver for the unit tests: guest RAM and ROM in a
 * hand-built PhysMap (host memory from malloc, so ASan sees any access past
 * them), one virtio-mmio transport with a recorded IRQ line, and the steps
 * a Linux driver takes: reset, feature negotiation, queue setup, making
 * descriptor chains available, notifying, reading the used ring.
 *
 * Use: VTest *vt = vt_new(); vt_attach(vt, virtio_rng_create(vt_map(vt)));
 *      vt_init_driver(vt, features);
 *      vt_setup_queue(vt, 0, 64); vt_driver_ok(vt);
 *      uint64_t buf = vt_alloc(vt, 512);
 *      vt_desc(vt, 0, buf, 512, VIRTQ_DESC_F_WRITE, 0); vt_submit(vt, 0);
 *      VtUsed u; vt_pop_used(vt, &u); ...; vt_free(vt);
 * Guest layout: ROM at VT_ROM_BASE, RAM at VT_RAM_BASE; rings at the start
 * of RAM, vt_alloc() hands out buffers after them.
 */
#ifndef POLYVM_TEST_VTEST_H
#define POLYVM_TEST_VTEST_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/virtio/virtio-mmio.h"
#include "devices/virtio/virtqueue.h"
#include "polyvm/phys-map.h"
#include "polyvm/virtio.h"

#define VT_ROM_BASE 0x1000ull
#define VT_ROM_SIZE 0x1000ull
#define VT_RAM_BASE 0x80000000ull
#define VT_RAM_SIZE (4ull << 20)
#define VT_RAM_END (VT_RAM_BASE + VT_RAM_SIZE)
/* where vt_setup_queue() puts the rings */
#define VT_DESC_GPA   (VT_RAM_BASE + 0x00000)
#define VT_AVAIL_GPA  (VT_RAM_BASE + 0x80000)
#define VT_USED_GPA   (VT_RAM_BASE + 0x90000)
#define VT_HEAP_GPA   (VT_RAM_BASE + 0x100000)

typedef struct VTest {
    PhysRegion regions[2];
    PhysMap map;
    uint8_t *rom, *ram;
    VirtioDevice *dev;
    VirtioMmio *mmio;
    bool irq_level;
    unsigned irq_raised;       /* low-to-high edges seen */
    uint16_t qsize;
    uint16_t avail_idx;        /* driver's next available index */
    uint16_t used_seen;        /* used entries consumed by vt_pop_used */
    uint64_t heap;             /* next free byte for vt_alloc */
} VTest;

typedef struct VtUsed {
    uint32_t id, len;
} VtUsed;

/* The guest memory comes first (devices are created with vt_map()); then
 * vt_attach() puts dev (NULL: an empty slot) behind a virtio-mmio transport
 * and takes it over. */
VTest *vt_new(void);
const PhysMap *vt_map(VTest *vt);
void vt_attach(VTest *vt, VirtioDevice *dev);
void vt_free(VTest *vt);

uint32_t vt_read(VTest *vt, uint64_t offset);
void vt_write(VTest *vt, uint64_t offset, uint32_t value);
uint8_t *vt_host(VTest *vt, uint64_t gpa);   /* host pointer of a RAM address */

uint64_t vt_device_features(VTest *vt);
/* Reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK; returns whether the
 * device kept FEATURES_OK. */
bool vt_init_driver(VTest *vt, uint64_t features);
/* Queue q of size entries at the VT_*_GPA areas, zeroed, then QueueReady. */
void vt_setup_queue(VTest *vt, unsigned q, uint16_t size);
void vt_driver_ok(VTest *vt);
uint32_t vt_status(VTest *vt);
bool vt_needs_reset(VTest *vt);
/* Reads and acknowledges InterruptStatus. */
uint32_t vt_ack_interrupts(VTest *vt);

uint64_t vt_alloc(VTest *vt, uint64_t len);   /* 16-byte aligned, zeroed */
void vt_desc(VTest *vt, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next);
/* Writes descriptor i of a table at guest address table_gpa. */
void vt_desc_at(VTest *vt, uint64_t table_gpa, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
                uint16_t next);
/* Puts head in the available ring, publishes it and notifies queue 0. */
void vt_submit(VTest *vt, uint16_t head);
/* Sets avail->idx (after the caller filled ring entries) without notifying. */
void vt_set_avail_idx(VTest *vt, uint16_t idx);
void vt_set_avail_flags(VTest *vt, uint16_t flags);
void vt_set_used_event(VTest *vt, uint16_t event);
void vt_notify(VTest *vt, unsigned q);
uint16_t vt_used_idx(VTest *vt);
/* Takes the next used element; false if there is none. */
bool vt_pop_used(VTest *vt, VtUsed *u);

/* ---- virtio-blk helpers ---- */
typedef struct VtBlkResult {
    bool completed;     /* an element came back */
    uint8_t status;
    uint32_t used_len;
} VtBlkResult;
/* One request as a 3-descriptor chain (header, data unless data_len is 0,
 * status), direct or through an indirect table. data_gpa is read by the
 * device for OUT-like requests and written for IN/GET_ID. */
VtBlkResult vt_blk_request(VTest *vt, uint32_t type, uint64_t sector, uint64_t data_gpa, uint32_t data_len,
                           bool indirect);

/* The seed for randomised tests: POLYVM_SEED or the clock; printed. */
unsigned vt_seed(const char *test);

#endif
