/*
 * The riscv `virt` board: every region of RISCV_VIRT_MEMMAP is mapped at its
 * base; the reset ROM's instructions decode to a0/a1/a2 set-up and a jump to
 * the right place; fw_dynamic_info says what OpenSBI needs; the device tree
 * in RAM carries -append and the initrd range; virtio devices fill slots
 * from the top; a reset keeps the board usable; bad configurations fail
 * with a message naming the cause; dumpdtb writes a tree dtc accepts (when
 * $DTC names it); and a tiny guest program ends the run with its code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/virtio/virtio-mmio.h"
#include "machines/riscv-virt.h"

#define MIB (1ull << 20)
#define RAM_BASE 0x80000000ull

/* lui t0,0x100; lui t1,0x53; addi t1,t1,0x333; sw t1,0(t0); j .
 * = write 0x3333 | 5 << 16 (failure, code 5) to the test device. */
static const uint32_t fail5_program[] = {0x001002b7, 0x00053337, 0x33330313, 0x0062a023, 0x0000006f};

typedef struct Fixture {
    char dir[64];
    char kernel[128], image[128], initrd[128], firmware[128];
    MachineEvents events;
} Fixture;

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* A minimal RISC-V Image header: text_offset 2 MiB, image_size 1 MiB. */
static void write_image(const char *path)
{
    uint8_t h[4096] = {0};
    h[8 + 2] = 0x20;                 /* text_offset 0x200000 */
    h[16 + 2] = 0x10;                /* image_size 0x100000 */
    memcpy(h + 56, "RSC\x05", 4);
    write_file(path, h, sizeof h);
}

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/polyvm-virt-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->kernel, sizeof f->kernel, "%s/prog.bin", f->dir);
    snprintf(f->image, sizeof f->image, "%s/Image", f->dir);
    snprintf(f->initrd, sizeof f->initrd, "%s/initrd", f->dir);
    snprintf(f->firmware, sizeof f->firmware, "%s/fw.bin", f->dir);
    write_file(f->kernel, fail5_program, sizeof fail5_program);
    write_image(f->image);
    write_file(f->initrd, "initrd contents", 15);
    uint8_t fw[300 * 1024];
    memset(fw, 0x13, sizeof fw);     /* 300 KiB of nops, like OpenSBI's size */
    write_file(f->firmware, fw, sizeof fw);
    machine_events_init(&f->events);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    machine_events_destroy(&f->events);
    free(f);
    return 0;
}

static RiscvVirtConfig bare_config(Fixture *f)
{
    RiscvVirtConfig c = riscv_virt_default_config();
    c.ram_size = 64 * MIB;
    c.bios = RISCV_VIRT_BIOS_NONE;
    c.kernel = f->kernel;
    c.rng = false;
    c.events = &f->events;
    return c;
}

static RiscvVirt *create_ok(const RiscvVirtConfig *c)
{
    char err[512] = "";
    RiscvVirt *b = riscv_virt_create(c, err, sizeof err);
    if (!b)
        fail_msg("board creation failed: %s", err);
    return b;
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static const uint8_t *rom_of(RiscvVirt *b)
{
    const uint8_t *rom = phys_map_ram_ptr(&b->phys, riscv_virt_memmap[RISCV_VIRT_MROM].base, RISCV_VIRT_ROM_USED, false);
    assert_non_null(rom);
    return rom;
}

static void test_physical_map(void **state)
{
    RiscvVirtConfig c = bare_config(*state);
    RiscvVirt *b = create_ok(&c);
    for (unsigned r = 0; r < RISCV_VIRT_REGION_COUNT; r++) {
        const RiscvVirtMapEntry *e = &riscv_virt_memmap[r];
        unsigned copies = r == RISCV_VIRT_VIRTIO ? RISCV_VIRT_VIRTIO_SLOTS : 1;
        for (unsigned n = 0; n < copies; n++) {
            const PhysRegion *pr = phys_map_find(&b->phys, e->base + n * e->size);
            if (!pr)
                fail_msg("%s (slot %u) not mapped at 0x%llx", e->name, n, (unsigned long long)(e->base + n * e->size));
            assert_int_equal(pr->base, e->base + n * e->size);
            assert_int_equal(pr->size, r == RISCV_VIRT_DRAM ? c.ram_size : e->size);
            assert_int_equal(pr->kind, r == RISCV_VIRT_MROM   ? PHYS_ROM
                                       : r == RISCV_VIRT_DRAM ? PHYS_RAM
                                                              : PHYS_MMIO);
        }
    }
    riscv_virt_destroy(b);
}

/* Field extraction of the base instruction formats, to check the ROM words
 * against their meaning rather than against the same constants. */
static unsigned opcode(uint32_t w) { return w & 0x7f; }
static unsigned rd(uint32_t w) { return (w >> 7) & 31; }
static unsigned funct3(uint32_t w) { return (w >> 12) & 7; }
static unsigned rs1(uint32_t w) { return (w >> 15) & 31; }
static int32_t imm_i(uint32_t w) { return (int32_t)w >> 20; }

static void test_reset_rom(void **state)
{
    Fixture *f = *state;
    RiscvVirtConfig c = bare_config(f);
    c.kernel = f->image;
    c.bios = f->firmware;
    RiscvVirt *b = create_ok(&c);
    const uint8_t *rom = rom_of(b);
    uint32_t w[RISCV_VIRT_ROM_CODE_WORDS];
    for (unsigned i = 0; i < RISCV_VIRT_ROM_CODE_WORDS; i++)
        w[i] = (uint32_t)le64(rom + 4 * i);     /* low 4 bytes */
    enum { T0 = 5, A0 = 10, A1 = 11, A2 = 12 };
    /* auipc t0, 0 */
    assert_int_equal(opcode(w[0]), 0x17);
    assert_int_equal(rd(w[0]), T0);
    assert_int_equal(w[0] >> 12, 0);
    /* addi a2, t0, fw_dynamic_info */
    assert_int_equal(opcode(w[1]), 0x13);
    assert_int_equal(funct3(w[1]), 0);
    assert_int_equal(rd(w[1]), A2);
    assert_int_equal(rs1(w[1]), T0);
    assert_int_equal(imm_i(w[1]), RISCV_VIRT_ROM_FW_DYNAMIC_OFF);
    /* csrrs a0, mhartid, x0 */
    assert_int_equal(opcode(w[2]), 0x73);
    assert_int_equal(funct3(w[2]), 2);
    assert_int_equal(rd(w[2]), A0);
    assert_int_equal(rs1(w[2]), 0);
    assert_int_equal(w[2] >> 20, 0xf14);
    /* ld a1, fdt(t0); ld t0, start(t0) */
    assert_int_equal(opcode(w[3]), 0x03);
    assert_int_equal(funct3(w[3]), 3);
    assert_int_equal(rd(w[3]), A1);
    assert_int_equal(rs1(w[3]), T0);
    assert_int_equal(imm_i(w[3]), RISCV_VIRT_ROM_FDT_OFF);
    assert_int_equal(opcode(w[4]), 0x03);
    assert_int_equal(funct3(w[4]), 3);
    assert_int_equal(rd(w[4]), T0);
    assert_int_equal(rs1(w[4]), T0);
    assert_int_equal(imm_i(w[4]), RISCV_VIRT_ROM_START_OFF);
    /* jalr x0, 0(t0) */
    assert_int_equal(opcode(w[5]), 0x67);
    assert_int_equal(rd(w[5]), 0);
    assert_int_equal(rs1(w[5]), T0);
    assert_int_equal(imm_i(w[5]), 0);
    /* with firmware: jump to it; the kernel goes 2 MiB above */
    assert_int_equal(le64(rom + RISCV_VIRT_ROM_START_OFF), RAM_BASE);
    assert_int_equal(le64(rom + RISCV_VIRT_ROM_FDT_OFF), b->boot.fdt_addr);
    assert_int_equal(b->boot.firmware_end, RAM_BASE + 300 * 1024);
    assert_int_equal(b->boot.kernel_entry, RAM_BASE + 2 * MIB);
    riscv_virt_destroy(b);

    /* -bios none: straight into the program */
    c = bare_config(f);
    b = create_ok(&c);
    assert_int_equal(le64(rom_of(b) + RISCV_VIRT_ROM_START_OFF), RAM_BASE);
    assert_int_equal(b->boot.kernel_entry, RAM_BASE);
    riscv_virt_destroy(b);
}

static void test_fw_dynamic_info(void **state)
{
    Fixture *f = *state;
    RiscvVirtConfig c = bare_config(f);
    c.kernel = f->image;
    c.bios = f->firmware;
    RiscvVirt *b = create_ok(&c);
    const uint8_t *info = rom_of(b) + RISCV_VIRT_ROM_FW_DYNAMIC_OFF;
    assert_int_equal(RISCV_VIRT_ROM_FW_DYNAMIC_OFF % 8, 0);    /* fw_dynamic wants it XLEN aligned */
    assert_int_equal(le64(info + 0), 0x4942534f);               /* "OSBI" */
    assert_int_equal(le64(info + 8), 2);                        /* version */
    assert_int_equal(le64(info + 16), RAM_BASE + 2 * MIB);      /* next_addr: the kernel */
    assert_int_equal(le64(info + 24), 1);                       /* next_mode: S */
    assert_int_equal(le64(info + 32), 0);                       /* options */
    assert_int_equal(le64(info + 40), 0);                       /* boot_hart */
    riscv_virt_destroy(b);
}

static void test_fdt_in_ram(void **state)
{
    Fixture *f = *state;
    RiscvVirtConfig c = bare_config(f);
    c.kernel = f->image;
    c.bios = f->firmware;
    c.initrd = f->initrd;
    c.append = "console=ttyS0 root=/dev/vda";
    c.harts = 2;
    RiscvVirt *b = create_ok(&c);
    /* QEMU's place: 2 MiB aligned below the end of RAM (under 3 GiB) */
    assert_int_equal(b->boot.fdt_addr, (RAM_BASE + c.ram_size - b->fdt_size) & ~(2 * MIB - 1));
    const void *fdt = phys_map_ram_ptr(&b->phys, b->boot.fdt_addr, b->fdt_size, false);
    assert_non_null(fdt);
    assert_memory_equal(fdt, b->fdt, b->fdt_size);
    assert_int_equal(fdt_check_header(fdt), 0);
    int chosen = fdt_path_offset(fdt, "/chosen");
    assert_true(chosen >= 0);
    const char *bootargs = fdt_getprop(fdt, chosen, "bootargs", NULL);
    assert_non_null(bootargs);
    assert_string_equal(bootargs, c.append);
    int len;
    /* properties are only 4-byte aligned in the blob: copy before reading */
    const void *start = fdt_getprop(fdt, chosen, "linux,initrd-start", &len);
    assert_non_null(start);
    assert_int_equal(len, 8);
    const void *end = fdt_getprop(fdt, chosen, "linux,initrd-end", &len);
    assert_non_null(end);
    fdt64_t start_be, end_be;
    memcpy(&start_be, start, 8);
    memcpy(&end_be, end, 8);
    assert_int_equal(fdt64_to_cpu(start_be), b->boot.initrd_start);
    assert_int_equal(fdt64_to_cpu(end_be), b->boot.initrd_end);
    assert_int_equal(b->boot.initrd_end - b->boot.initrd_start, 15);
    assert_true(b->boot.initrd_start >= b->boot.kernel_end && b->boot.initrd_end <= b->boot.fdt_addr);
    assert_memory_equal(phys_map_ram_ptr(&b->phys, b->boot.initrd_start, 15, false), "initrd contents", 15);
    assert_true(fdt_path_offset(fdt, "/cpus/cpu@1") >= 0);
    riscv_virt_destroy(b);
}

static void test_dumpdtb(void **state)
{
    Fixture *f = *state;
    RiscvVirtConfig c = bare_config(f);
    c.append = "console=ttyS0";
    RiscvVirt *b = create_ok(&c);
    char path[160], err[256] = "";
    snprintf(path, sizeof path, "%s/virt.dtb", f->dir);
    if (riscv_virt_dump_dtb(b, path, err, sizeof err) < 0)
        fail_msg("dumpdtb: %s", err);
    riscv_virt_destroy(b);
    const char *dtc = getenv("DTC");
    if (!dtc || !*dtc) {
        print_message("dtc check skipped: $DTC not set (install device-tree-compiler)\n");
        return;
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "'%s' -q -I dtb -O dts -o /dev/null '%s'", dtc, path);
    assert_int_equal(system(cmd), 0);
}

static uint32_t mmio_read32(RiscvVirt *b, uint64_t addr)
{
    const PhysRegion *r = phys_map_find(&b->phys, addr);
    assert_non_null(r);
    assert_int_equal(r->kind, PHYS_MMIO);
    return (uint32_t)r->ops->read(r->opaque, addr - r->base, 4);
}

static void test_virtio_slots(void **state)
{
    RiscvVirtConfig c = bare_config(*state);
    static const RiscvVirtDevice devs[] = {{.kind = RISCV_VIRT_DEV_RNG}};
    c.devices = devs;
    c.n_devices = 1;
    c.rng = true;    /* one is already there: no second */
    RiscvVirt *b = create_ok(&c);
    const RiscvVirtMapEntry *v = &riscv_virt_memmap[RISCV_VIRT_VIRTIO];
    for (unsigned n = 0; n < RISCV_VIRT_VIRTIO_SLOTS; n++) {
        uint64_t base = v->base + n * v->size;
        assert_int_equal(mmio_read32(b, base + VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC_NUMBER);
        /* QEMU fills from the top slot; empty slots answer with device id 0 */
        assert_int_equal(mmio_read32(b, base + VIRTIO_MMIO_DEVICE_ID),
                         n == RISCV_VIRT_VIRTIO_SLOTS - 1 ? VIRTIO_ID_RNG : VIRTIO_ID_NONE);
    }
    /* after a reset the same device sits behind a fresh transport */
    char err[256] = "";
    if (riscv_virt_reset(b, err, sizeof err) < 0)
        fail_msg("reset: %s", err);
    assert_int_equal(mmio_read32(b, v->base + 7 * v->size + VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_RNG);
    assert_int_equal(le64(rom_of(b)) & 0xffffffff, riscv_virt_rom_code[0]);
    riscv_virt_destroy(b);
}

static void expect_error(const RiscvVirtConfig *c, const char *needle)
{
    char err[512] = "";
    RiscvVirt *b = riscv_virt_create(c, err, sizeof err);
    if (b)
        fail_msg("board created, expected an error with '%s'", needle);
    if (!strstr(err, needle))
        fail_msg("error '%s' does not contain '%s'", err, needle);
}

static void test_errors(void **state)
{
    Fixture *f = *state;
    RiscvVirtConfig c = bare_config(f);
    char missing[160];
    snprintf(missing, sizeof missing, "%s/no-such-kernel", f->dir);
    c.kernel = missing;
    expect_error(&c, "no-such-kernel: cannot open");

    c = bare_config(f);
    c.ram_size = 1 * MIB;
    expect_error(&c, "too small");

    c = bare_config(f);
    c.kernel = f->image;       /* a 1 MiB Image 2 MiB above the firmware, in 2 MiB of RAM */
    c.bios = f->firmware;
    c.ram_size = 2 * MIB;
    expect_error(&c, "does not fit");

    c = bare_config(f);
    c.bios = missing;
    expect_error(&c, "no-such-kernel: cannot open");

    c = bare_config(f);
    c.initrd = missing;
    expect_error(&c, "no-such-kernel: cannot open");

    c = bare_config(f);
    c.harts = 0;
    expect_error(&c, "harts");

    c = bare_config(f);
    static RiscvVirtDevice nine[9];
    for (unsigned i = 0; i < 9; i++)
        nine[i] = (RiscvVirtDevice){.kind = RISCV_VIRT_DEV_RNG};
    c.devices = nine;
    c.n_devices = 9;
    expect_error(&c, "too many virtio devices");

    c = bare_config(f);
    static RiscvVirtDevice disk = {.kind = RISCV_VIRT_DEV_BLK};
    disk.path = missing;
    c.devices = &disk;
    c.n_devices = 1;
    expect_error(&c, "no-such-kernel");
}

static void test_default_bios(void **state)
{
    Fixture *f = *state;
    char err[512] = "";
    setenv("POLYVM_RV64_OPENSBI", "/somewhere/fw.bin", 1);
    char *p = riscv_virt_default_bios(err, sizeof err);
    assert_string_equal(p, "/somewhere/fw.bin");
    free(p);
    unsetenv("POLYVM_RV64_OPENSBI");
    char kit[160], cmd[640];
    snprintf(kit, sizeof kit, "%s/riscv64/firmware", f->dir);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp '%s' '%s/fw_dynamic.bin'", kit, f->firmware, kit);
    assert_int_equal(system(cmd), 0);
    setenv("POLYVM_CACHE", f->dir, 1);
    p = riscv_virt_default_bios(err, sizeof err);
    assert_non_null(p);
    assert_true(strstr(p, f->dir) == p);
    free(p);
    unsetenv("POLYVM_CACHE");
}

static void test_events(void **state)
{
    Fixture *f = *state;
    machine_events_post(&f->events, MACHINE_EVENT_RESET, 0);
    machine_events_post(&f->events, MACHINE_EVENT_FAIL, 3);
    machine_events_post(&f->events, MACHINE_EVENT_QUIT, 0);     /* the first ending request wins */
    MachineEvent e = machine_events_wait(&f->events);
    assert_int_equal(e.kind, MACHINE_EVENT_FAIL);
    assert_int_equal(machine_event_exit_status(e), 3);
    assert_int_equal(machine_events_take(&f->events).kind, MACHINE_EVENT_NONE);
}

/* The whole path: reset ROM, hart thread, test device, event, exit status. */
static void test_run_to_failure_code(void **state)
{
    RiscvVirtConfig c = bare_config(*state);
    c.harts = 2;
    RiscvVirt *b = create_ok(&c);
    char err[256] = "";
    assert_int_equal(riscv_virt_run(b, err, sizeof err), 5);
    riscv_virt_destroy(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_physical_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_rom, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fw_dynamic_info, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fdt_in_ram, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dumpdtb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtio_slots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_bios, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_to_failure_code, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
