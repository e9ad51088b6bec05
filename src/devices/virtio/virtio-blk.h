/*
 * virtio-blk (virtio 1.2, 5.2): one request queue over a BlockBackend.
 * Requests: IN, OUT, FLUSH, GET_ID, DISCARD, WRITE_ZEROES (the last two
 * only when the backend can and the disk is writable). A read-only backend
 * makes a read-only disk (VIRTIO_BLK_F_RO): writes end with IOERR. Requests
 * run synchronously inside the driver's queue notification.
 *
 * Use: BlockBackend *be; block_raw_open(path, ro, &be, err, sizeof err);
 *      VirtioDevice *dev = virtio_blk_create(mem, be, "serial");
 *      ... virtio_mmio_create(dev, irq) ...; virtio_device_destroy(dev);
 * The device owns the backend from then on (closes it when destroyed).
 */
#ifndef POLYVM_VIRTIO_BLK_H
#define POLYVM_VIRTIO_BLK_H

#include "backends/block/block-backend.h"
#include "polyvm/virtio.h"

#define VIRTIO_BLK_QUEUE_SIZE 256u
#define VIRTIO_BLK_ID_BYTES 20u

/* Device feature bits (5.2.3). */
#define VIRTIO_BLK_F_SEG_MAX      2
#define VIRTIO_BLK_F_RO           5
#define VIRTIO_BLK_F_BLK_SIZE     6
#define VIRTIO_BLK_F_FLUSH        9
#define VIRTIO_BLK_F_DISCARD      13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

/* Request types and status values (5.2.6). */
#define VIRTIO_BLK_T_IN           0u
#define VIRTIO_BLK_T_OUT          1u
#define VIRTIO_BLK_T_FLUSH        4u
#define VIRTIO_BLK_T_GET_ID       8u
#define VIRTIO_BLK_T_DISCARD      11u
#define VIRTIO_BLK_T_WRITE_ZEROES 13u
#define VIRTIO_BLK_S_OK     0u
#define VIRTIO_BLK_S_IOERR  1u
#define VIRTIO_BLK_S_UNSUPP 2u

/* Config space offsets (5.2.4) of the fields we fill. */
#define VIRTIO_BLK_CFG_CAPACITY                 0
#define VIRTIO_BLK_CFG_SEG_MAX                  12
#define VIRTIO_BLK_CFG_BLK_SIZE                 20
#define VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS      36
#define VIRTIO_BLK_CFG_MAX_DISCARD_SEG          40
#define VIRTIO_BLK_CFG_DISCARD_ALIGNMENT        44
#define VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SECTORS 48
#define VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SEG     52
#define VIRTIO_BLK_CFG_WRITE_ZEROES_MAY_UNMAP   56
#define VIRTIO_BLK_CONFIG_SIZE                  60

/* backend: taken over by the device. serial: the GET_ID answer (at most 20
 * bytes used; NULL gives "polyvm-disk"). NULL on out of memory, and the
 * backend is closed then too. */
VirtioDevice *virtio_blk_create(const PhysMap *mem, BlockBackend *backend, const char *serial);

#endif
