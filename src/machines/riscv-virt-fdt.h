/*
 * Device tree of the riscv64 `virt` board, built with libfdt.
 *
 * The board copies QEMU's virt memory map and interrupt numbers (the table
 * below is the one place that states them; the board file maps its devices
 * from it too), so OpenSBI's generic platform and Linux find the same
 * devices at the same places as under QEMU: CLINT, PLIC, a 16550 UART,
 * eight virtio-mmio slots, the SiFive test device (poweroff/reboot through
 * syscon) and a goldfish RTC.
 *
 * Use:
 *   RiscvVirtFdtConfig cfg = { .harts = 1, .ram_base = 0x80000000, .ram_size = 512 << 20,
 *                              .bootargs = "console=ttyS0", .mmu_type = "sv39" };
 *   void *dtb; size_t size;
 *   if (riscv_virt_fdt_build(&cfg, &dtb, &size, err, sizeof err) < 0) ... err says why
 *   riscv_virt_fdt_write("out.dtb", dtb, size, err, sizeof err);   // -machine dumpdtb=FILE
 *   free(dtb);
 */
#ifndef POLYVM_MACHINES_RISCV_VIRT_FDT_H
#define POLYVM_MACHINES_RISCV_VIRT_FDT_H

#include <stddef.h>
#include <stdint.h>

/* QEMU virt's memory map: X(NAME, base, size, first PLIC source or 0). */
#define RISCV_VIRT_MEMMAP(X)                        \
    X(MROM, 0x00001000, 0xf000, 0)                  \
    X(TEST, 0x00100000, 0x1000, 0)                  \
    X(RTC, 0x00101000, 0x1000, 11)                  \
    X(CLINT, 0x02000000, 0x10000, 0)                \
    X(PLIC, 0x0c000000, 0x600000, 0)                \
    X(UART0, 0x10000000, 0x100, 10)                 \
    X(VIRTIO, 0x10001000, 0x1000, 1) /* slot 0 of RISCV_VIRT_VIRTIO_SLOTS */ \
    X(DRAM, 0x80000000, 0, 0)        /* size: as configured */

typedef enum RiscvVirtRegion {
#define RISCV_VIRT_REGION_ENUM(name, base, size, irq) RISCV_VIRT_##name,
    RISCV_VIRT_MEMMAP(RISCV_VIRT_REGION_ENUM)
#undef RISCV_VIRT_REGION_ENUM
    RISCV_VIRT_REGION_COUNT
} RiscvVirtRegion;

typedef struct RiscvVirtMapEntry {
    const char *name;
    uint64_t base, size;
    unsigned irq;        /* PLIC source; 0 = none */
} RiscvVirtMapEntry;

extern const RiscvVirtMapEntry riscv_virt_memmap[RISCV_VIRT_REGION_COUNT];

#define RISCV_VIRT_VIRTIO_SLOTS 8          /* virtio_mmio@10001000 .. @10008000, sources 1..8 */
#define RISCV_VIRT_PLIC_SOURCES 96         /* source 0 is reserved: riscv,ndev = 95 */
#define RISCV_VIRT_MAX_HARTS 512           /* what the PLIC's 0x600000 of contexts covers */
#define RISCV_VIRT_TIMEBASE_HZ 10000000    /* CLINT mtime ticks */
#define RISCV_VIRT_UART_CLOCK_HZ 3686400
#define RISCV_VIRT_TEST_POWEROFF 0x5555    /* values written to the test device */
#define RISCV_VIRT_TEST_REBOOT 0x7777
#define RISCV_VIRT_DEFAULT_ISA "rv64imafdc_zicsr_zifencei_zba_zbb_zbs"

typedef struct RiscvVirtFdtConfig {
    unsigned harts;                 /* 1 .. RISCV_VIRT_MAX_HARTS */
    uint64_t ram_base, ram_size;
    const char *bootargs;           /* NULL or "" = no bootargs */
    uint64_t initrd_start, initrd_end;  /* both 0 = no initrd */
    const char *isa;                /* riscv,isa string; NULL = RISCV_VIRT_DEFAULT_ISA */
    const char *mmu_type;           /* "sv39", "sv48", "sv57" (or "riscv,svNN"); NULL = sv39 */
    const uint8_t *rng_seed;        /* optional /chosen/rng-seed for early kernel entropy */
    size_t rng_seed_len;
} RiscvVirtFdtConfig;

/* Builds the tree into a malloc'd blob (*blob, *size); 0 or a negative
 * errno with the reason in err. */
int riscv_virt_fdt_build(const RiscvVirtFdtConfig *cfg, void **blob, size_t *size, char *err, size_t errlen);
/* Writes a blob to path; 0 or a negative errno with path and reason in err. */
int riscv_virt_fdt_write(const char *path, const void *blob, size_t size, char *err, size_t errlen);

#endif
