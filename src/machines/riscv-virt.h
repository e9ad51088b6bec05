/*
 * The riscv64 `virt` board (system mode): QEMU's memory map and interrupt
 * numbers (RISCV_VIRT_MEMMAP in riscv-virt-fdt.h), so OpenSBI's generic
 * platform and Debian's kernels run unchanged. It puts together the harts,
 * the reset ROM, RAM, the CLINT, the PLIC, a 16550 UART, the SiFive test
 * device, a goldfish RTC and eight virtio-mmio slots, loads firmware, kernel,
 * initrd and device tree, runs one host thread per hart and handles the
 * guest's power-off, failure and reset requests (docs/system-mode.md).
 *
 * Use:
 *     MachineEvents ev; machine_events_init(&ev);
 *     RiscvVirtConfig cfg = riscv_virt_default_config();
 *     cfg.kernel = "Image"; cfg.events = &ev; cfg.console = stdio_backend; ...
 *     char err[512];
 *     RiscvVirt *b = riscv_virt_create(&cfg, err, sizeof err);   // NULL: err says why
 *     int status = riscv_virt_run(b, err, sizeof err);            // the exit status
 *     riscv_virt_destroy(b);
 *
 * Files: riscv-virt.c (creation, reset, teardown), riscv-virt-boot.c (what
 * goes into ROM and RAM before the first instruction), riscv-virt-run.c
 * (hart threads and the wait for requests).
 */
#ifndef POLYVM_MACHINES_RISCV_VIRT_H
#define POLYVM_MACHINES_RISCV_VIRT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/char/char-backend.h"
#include "machines/machine-events.h"
#include "machines/riscv-virt-fdt.h"
#include "polyvm/phys-map.h"
#include "polyvm/riscv64.h"
#include "polyvm/virtio.h"

#define RISCV_VIRT_DEFAULT_RAM (512ull << 20)
#define RISCV_VIRT_MAX_RAM (1ull << 40)
#define RISCV_VIRT_BIOS_NONE "none"

/* X(name, -device driver name) of the virtio devices a board can hold */
#define RISCV_VIRT_DEVICE_KINDS(X)          \
    X(BLK, "virtio-blk-device")             \
    X(NET, "virtio-net-device")             \
    X(RNG, "virtio-rng-device")

typedef enum RiscvVirtDeviceKind {
#define RISCV_VIRT_DEVICE_ENUM(name, driver) RISCV_VIRT_DEV_##name,
    RISCV_VIRT_DEVICE_KINDS(RISCV_VIRT_DEVICE_ENUM)
#undef RISCV_VIRT_DEVICE_ENUM
} RiscvVirtDeviceKind;

typedef struct RiscvVirtDevice {
    RiscvVirtDeviceKind kind;
    /* BLK: a raw image file, opened once for the life of the board */
    const char *path;
    bool read_only;
    const char *serial;                 /* GET_ID answer; NULL: the device's default */
    /* NET: user networking with these QEMU hostfwd rules */
    const char *const *hostfwd;
    unsigned n_hostfwd;
} RiscvVirtDevice;

typedef struct RiscvVirtConfig {
    uint64_t ram_size;                  /* bytes, a multiple of 4 KiB */
    unsigned harts;                     /* 1 .. RISCV_VIRT_MAX_HARTS */
    const char *bios;                   /* NULL: riscv_virt_default_bios(); "none": no firmware */
    const char *kernel, *initrd, *append;   /* each may be NULL */
    /* Virtio devices in the order the command line named them: the first
     * takes the last slot (0x10008000), as QEMU assigns them. */
    const RiscvVirtDevice *devices;
    unsigned n_devices;
    bool rng;                           /* add a virtio-rng unless devices has one */
    bool no_reboot;                     /* a guest reset ends the run (QEMU's -no-reboot) */
    CharBackend *console;               /* the UART's host side; NULL: output dropped */
    MachineEvents *events;              /* where power-off/reset requests go; required */
} RiscvVirtConfig;

/* What the boot code put where (guest-physical addresses). */
typedef struct RiscvVirtBootInfo {
    uint64_t start_addr;                /* where the reset ROM jumps */
    uint64_t firmware_end;              /* ram base when there is no firmware */
    uint64_t kernel_entry;              /* fw_dynamic next_addr; 0 without a kernel */
    uint64_t kernel_end;
    uint64_t initrd_start, initrd_end;  /* 0, 0 without an initrd */
    uint64_t fdt_addr;
} RiscvVirtBootInfo;

/* Forwards a region's accesses to the device model currently behind it, so
 * a reset can replace the model without touching the physical map. */
typedef struct RiscvVirtMmio {
    const DeviceMmioOps *ops;
    void *dev;
} RiscvVirtMmio;

typedef struct RiscvVirtHart {
    struct RiscvVirt *board;
    RvCpu *cpu;
    pthread_t thread;
    bool running;
} RiscvVirtHart;

typedef struct RiscvVirt {
    RiscvVirtConfig cfg;                /* strings and arrays stay the caller's */
    char *bios_path;                    /* resolved; NULL with -bios none */
    PhysMap phys;
    RiscvVirtHart *harts;
    /* Platform devices: rebuilt at every reset (they have no reset of their own). */
    struct Plic *plic;
    struct Aclint *aclint;
    struct Uart16550 *uart;
    struct GoldfishRtc *rtc;
    struct SifiveTest *test;
    struct VirtioMmio *transports[RISCV_VIRT_VIRTIO_SLOTS];
    RiscvVirtMmio mmio[RISCV_VIRT_REGION_COUNT];        /* TEST, RTC, CLINT, PLIC, UART0 */
    RiscvVirtMmio virtio_mmio[RISCV_VIRT_VIRTIO_SLOTS];
    /* Virtio devices per slot (NULL: empty); kept across resets with their
     * backends, so a reboot finds the same disk image and network. */
    VirtioDevice *virtio[RISCV_VIRT_VIRTIO_SLOTS];
    RiscvVirtBootInfo boot;
    void *fdt;                          /* the tree as loaded into RAM */
    size_t fdt_size;
} RiscvVirt;

RiscvVirtConfig riscv_virt_default_config(void);
/* The firmware -bios leaves to the board: $POLYVM_RV64_OPENSBI, else the
 * guest kit's fw_dynamic.bin, else Debian's opensbi package. A malloc'd
 * path, or NULL with err listing what was tried. */
char *riscv_virt_default_bios(char *err, size_t errlen);

/* The board with everything loaded and the harts at the reset vector,
 * not running yet; NULL with a one-line reason in err. */
RiscvVirt *riscv_virt_create(const RiscvVirtConfig *cfg, char *err, size_t errlen);
/* A machine reset (harts must be stopped): platform devices rebuilt, virtio
 * devices reset, images loaded again, harts back at the reset vector.
 * 0 or a negative errno with err. */
int riscv_virt_reset(RiscvVirt *b, char *err, size_t errlen);
/* Runs until the guest or the user ends it; returns the exit status (err
 * says why when it is a host error). Resets are handled inside. */
int riscv_virt_run(RiscvVirt *b, char *err, size_t errlen);
/* -machine dumpdtb=FILE: writes the loaded tree. 0 or a negative errno. */
int riscv_virt_dump_dtb(const RiscvVirt *b, const char *path, char *err, size_t errlen);
void riscv_virt_destroy(RiscvVirt *b);

/* Device driver name <-> kind, for the command line. */
const char *riscv_virt_device_driver(RiscvVirtDeviceKind kind);
int riscv_virt_device_kind(const char *driver);   /* -1 if unknown */

/* riscv-virt-boot.c: loads firmware, kernel, initrd and the device tree into
 * RAM and writes the reset ROM; fills b->boot, b->fdt. */
int riscv_virt_boot_load(RiscvVirt *b, char *err, size_t errlen);

/* The reset ROM at MROM's base (riscv-virt-boot.c). */
enum {
    RISCV_VIRT_ROM_CODE_WORDS = 6,
    RISCV_VIRT_ROM_START_OFF = 0x18,     /* .dword: where to jump */
    RISCV_VIRT_ROM_FDT_OFF = 0x20,       /* .dword: the device tree (a1) */
    RISCV_VIRT_ROM_FW_DYNAMIC_OFF = 0x28, /* struct fw_dynamic_info (a2) */
    RISCV_VIRT_ROM_USED = 0x28 + 6 * 8,
};
#define FW_DYNAMIC_INFO_MAGIC 0x4942534full   /* "OSBI" */
#define FW_DYNAMIC_INFO_VERSION 2ull          /* has boot_hart */
#define FW_DYNAMIC_INFO_NEXT_MODE_S 1ull
extern const uint32_t riscv_virt_rom_code[RISCV_VIRT_ROM_CODE_WORDS];
/* Fills rom (at least RISCV_VIRT_ROM_USED bytes) for the given addresses. */
void riscv_virt_rom_write(uint8_t *rom, uint64_t start_addr, uint64_t fdt_addr, uint64_t next_addr);

#endif
