/*
 * The riscv virt board's device tree: every node and property the kernel
 * and OpenSBI look for, checked through libfdt; bad configurations refused
 * with a message; the blob round-tripped through dtc with no warning (when
 * $DTC names it); and the nodes it shares with QEMU's own virt tree compared
 * property by property (when $QEMU_SYSTEM_RISCV64 names a QEMU).
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
#include <sys/stat.h>
#include <unistd.h>

#include "machines/riscv-virt-fdt.h"

static const RiscvVirtFdtConfig base_cfg = {
    .harts = 2,
    .ram_base = 0x80000000,
    .ram_size = 512ull << 20,
    .bootargs = "console=ttyS0 polyvm.script=\"true\"",
    .initrd_start = 0x88000000,
    .initrd_end = 0x88123456,
    .mmu_type = "sv48",
};

static void *build_ok(const RiscvVirtFdtConfig *cfg, size_t *size)
{
    char err[256] = "";
    void *blob = NULL;
    int rc = riscv_virt_fdt_build(cfg, &blob, size, err, sizeof err);
    if (rc != 0)
        fail_msg("build failed: %s", err);
    assert_non_null(blob);
    assert_int_equal(fdt_check_header(blob), 0);
    assert_int_equal(fdt_totalsize(blob), *size);
    return blob;
}

static int path(const void *fdt, const char *p)
{
    int off = fdt_path_offset(fdt, p);
    if (off < 0)
        fail_msg("node %s missing: %s", p, fdt_strerror(off));
    return off;
}

static const void *getprop(const void *fdt, const char *node, const char *name, int *len)
{
    const void *v = fdt_getprop(fdt, path(fdt, node), name, len);
    if (!v)
        fail_msg("%s: property %s missing", node, name);
    return v;
}

static void expect_str(const void *fdt, const char *node, const char *name, const char *want)
{
    int len;
    const char *v = getprop(fdt, node, name, &len);
    assert_int_equal(len, (int)strlen(want) + 1);
    assert_string_equal(v, want);
}

/* want: a string list with embedded NULs, wantlen bytes. */
static void expect_strs(const void *fdt, const char *node, const char *name, const char *want, int wantlen)
{
    int len;
    const char *v = getprop(fdt, node, name, &len);
    assert_int_equal(len, wantlen);
    assert_memory_equal(v, want, (size_t)wantlen);
}

static void expect_cells(const void *fdt, const char *node, const char *name, const uint32_t *want, int n)
{
    int len;
    const fdt32_t *v = getprop(fdt, node, name, &len);
    assert_int_equal(len, n * 4);
    for (int i = 0; i < n; i++)
        if (fdt32_to_cpu(v[i]) != want[i])
            fail_msg("%s %s cell %d: 0x%x, want 0x%x", node, name, i, fdt32_to_cpu(v[i]), want[i]);
}

static void expect_u32(const void *fdt, const char *node, const char *name, uint32_t want)
{
    expect_cells(fdt, node, name, &want, 1);
}

static void expect_reg(const void *fdt, const char *node, uint64_t base, uint64_t size)
{
    uint32_t cells[4] = {(uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32), (uint32_t)size};
    expect_cells(fdt, node, "reg", cells, 4);
}

static uint32_t phandle_of(const void *fdt, const char *node)
{
    uint32_t ph = fdt_get_phandle(fdt, path(fdt, node));
    assert_true(ph != 0);
    return ph;
}

static void test_nodes_and_properties(void **state)
{
    (void)state;
    size_t size;
    void *fdt = build_ok(&base_cfg, &size);

    expect_u32(fdt, "/", "#address-cells", 2);
    expect_u32(fdt, "/", "#size-cells", 2);
    expect_str(fdt, "/", "compatible", "riscv-virtio");

    expect_str(fdt, "/chosen", "bootargs", base_cfg.bootargs);
    expect_str(fdt, "/chosen", "stdout-path", "/soc/serial@10000000");
    uint32_t initrd_start[2] = {0, 0x88000000}, initrd_end[2] = {0, 0x88123456};
    expect_cells(fdt, "/chosen", "linux,initrd-start", initrd_start, 2);
    expect_cells(fdt, "/chosen", "linux,initrd-end", initrd_end, 2);
    assert_null(fdt_getprop(fdt, path(fdt, "/chosen"), "rng-seed", NULL));

    expect_u32(fdt, "/cpus", "timebase-frequency", 10000000);
    expect_u32(fdt, "/cpus", "#address-cells", 1);
    expect_u32(fdt, "/cpus", "#size-cells", 0);
    static const char exts[] = "i\0m\0a\0f\0d\0c\0zicsr\0zifencei\0zba\0zbb\0zbs";
    for (unsigned h = 0; h < 2; h++) {
        char cpu[32], intc[64], core[48];
        snprintf(cpu, sizeof cpu, "/cpus/cpu@%u", h);
        snprintf(intc, sizeof intc, "%s/interrupt-controller", cpu);
        snprintf(core, sizeof core, "/cpus/cpu-map/cluster0/core%u", h);
        expect_str(fdt, cpu, "device_type", "cpu");
        expect_u32(fdt, cpu, "reg", h);
        expect_str(fdt, cpu, "status", "okay");
        expect_str(fdt, cpu, "compatible", "riscv");
        expect_str(fdt, cpu, "riscv,isa", RISCV_VIRT_DEFAULT_ISA);
        expect_str(fdt, cpu, "riscv,isa-base", "rv64i");
        expect_strs(fdt, cpu, "riscv,isa-extensions", exts, (int)sizeof(exts));
        expect_str(fdt, cpu, "mmu-type", "riscv,sv48");
        expect_u32(fdt, intc, "#interrupt-cells", 1);
        expect_str(fdt, intc, "compatible", "riscv,cpu-intc");
        assert_non_null(fdt_getprop(fdt, path(fdt, intc), "interrupt-controller", NULL));
        expect_u32(fdt, core, "cpu", phandle_of(fdt, cpu));
    }

    expect_str(fdt, "/memory@80000000", "device_type", "memory");
    expect_reg(fdt, "/memory@80000000", 0x80000000, 512ull << 20);

    expect_u32(fdt, "/soc", "#address-cells", 2);
    expect_str(fdt, "/soc", "compatible", "simple-bus");
    uint32_t i0 = phandle_of(fdt, "/cpus/cpu@0/interrupt-controller");
    uint32_t i1 = phandle_of(fdt, "/cpus/cpu@1/interrupt-controller");
    assert_int_not_equal(i0, i1);

    const char *clint = "/soc/clint@2000000";
    expect_strs(fdt, clint, "compatible", "sifive,clint0\0riscv,clint0", sizeof("sifive,clint0\0riscv,clint0"));
    expect_reg(fdt, clint, 0x2000000, 0x10000);
    uint32_t clint_irqs[] = {i0, 3, i0, 7, i1, 3, i1, 7};
    expect_cells(fdt, clint, "interrupts-extended", clint_irqs, 8);

    const char *plic = "/soc/plic@c000000";
    expect_strs(fdt, plic, "compatible", "sifive,plic-1.0.0\0riscv,plic0", sizeof("sifive,plic-1.0.0\0riscv,plic0"));
    expect_reg(fdt, plic, 0xc000000, 0x600000);
    expect_u32(fdt, plic, "riscv,ndev", 95);
    expect_u32(fdt, plic, "#interrupt-cells", 1);
    expect_u32(fdt, plic, "#address-cells", 0);
    assert_non_null(fdt_getprop(fdt, path(fdt, plic), "interrupt-controller", NULL));
    uint32_t plic_irqs[] = {i0, 11, i0, 9, i1, 11, i1, 9};
    expect_cells(fdt, plic, "interrupts-extended", plic_irqs, 8);
    uint32_t plic_ph = phandle_of(fdt, plic);

    const char *uart = "/soc/serial@10000000";
    expect_str(fdt, uart, "compatible", "ns16550a");
    expect_reg(fdt, uart, 0x10000000, 0x100);
    expect_u32(fdt, uart, "clock-frequency", 3686400);
    expect_u32(fdt, uart, "interrupts", 10);
    expect_u32(fdt, uart, "interrupt-parent", plic_ph);

    for (unsigned i = 0; i < 8; i++) {
        char node[48];
        snprintf(node, sizeof node, "/soc/virtio_mmio@%x", 0x10001000 + i * 0x1000);
        expect_str(fdt, node, "compatible", "virtio,mmio");
        expect_reg(fdt, node, 0x10001000 + i * 0x1000, 0x1000);
        expect_u32(fdt, node, "interrupts", i + 1);
        expect_u32(fdt, node, "interrupt-parent", plic_ph);
    }

    const char *test = "/soc/test@100000";
    expect_strs(fdt, test, "compatible", "sifive,test1\0sifive,test0\0syscon",
                sizeof("sifive,test1\0sifive,test0\0syscon"));
    expect_reg(fdt, test, 0x100000, 0x1000);
    uint32_t test_ph = phandle_of(fdt, test);
    expect_str(fdt, "/poweroff", "compatible", "syscon-poweroff");
    expect_u32(fdt, "/poweroff", "regmap", test_ph);
    expect_u32(fdt, "/poweroff", "offset", 0);
    expect_u32(fdt, "/poweroff", "value", 0x5555);
    expect_str(fdt, "/reboot", "compatible", "syscon-reboot");
    expect_u32(fdt, "/reboot", "regmap", test_ph);
    expect_u32(fdt, "/reboot", "value", 0x7777);

    const char *rtc = "/soc/rtc@101000";
    expect_str(fdt, rtc, "compatible", "google,goldfish-rtc");
    expect_reg(fdt, rtc, 0x101000, 0x1000);
    expect_u32(fdt, rtc, "interrupts", 11);
    expect_u32(fdt, rtc, "interrupt-parent", plic_ph);
    free(fdt);
}

static void test_options(void **state)
{
    (void)state;
    static const uint8_t seed[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    RiscvVirtFdtConfig cfg = {.harts = 1, .ram_base = 0x80000000, .ram_size = 128 << 20,
                              .isa = "rv64gc_zba_zicsr", .mmu_type = "riscv,sv57",
                              .rng_seed = seed, .rng_seed_len = sizeof seed};
    size_t size;
    void *fdt = build_ok(&cfg, &size);
    /* g = imafd_zicsr_zifencei, duplicates dropped, order kept. */
    static const char exts[] = "i\0m\0a\0f\0d\0zicsr\0zifencei\0c\0zba";
    expect_strs(fdt, "/cpus/cpu@0", "riscv,isa-extensions", exts, (int)sizeof(exts));
    expect_str(fdt, "/cpus/cpu@0", "riscv,isa", "rv64gc_zba_zicsr");
    expect_str(fdt, "/cpus/cpu@0", "mmu-type", "riscv,sv57");
    assert_true(fdt_path_offset(fdt, "/cpus/cpu@1") < 0);
    assert_null(fdt_getprop(fdt, path(fdt, "/chosen"), "bootargs", NULL));
    assert_null(fdt_getprop(fdt, path(fdt, "/chosen"), "linux,initrd-start", NULL));
    int len;
    const void *v = getprop(fdt, "/chosen", "rng-seed", &len);
    assert_int_equal(len, sizeof seed);
    assert_memory_equal(v, seed, sizeof seed);
    free(fdt);

    /* The default MMU mode is the most widely implemented one. */
    cfg.mmu_type = NULL;
    fdt = build_ok(&cfg, &size);
    expect_str(fdt, "/cpus/cpu@0", "mmu-type", "riscv,sv39");
    free(fdt);
}

static void test_many_harts(void **state)
{
    (void)state;
    RiscvVirtFdtConfig cfg = base_cfg;
    cfg.harts = RISCV_VIRT_MAX_HARTS;    /* outgrows the first buffer */
    size_t size;
    void *fdt = build_ok(&cfg, &size);
    assert_true(size > 16 * 1024);
    path(fdt, "/cpus/cpu@1ff/interrupt-controller");
    int len;
    getprop(fdt, "/soc/plic@c000000", "interrupts-extended", &len);
    assert_int_equal(len, RISCV_VIRT_MAX_HARTS * 16);
    free(fdt);
}

static void expect_error(const RiscvVirtFdtConfig *cfg, const char *needle)
{
    char err[256] = "";
    void *blob = (void *)1;
    size_t size = 1;
    int rc = riscv_virt_fdt_build(cfg, &blob, &size, err, sizeof err);
    assert_true(rc < 0);
    assert_null(blob);
    assert_int_equal(size, 0);
    if (!strstr(err, needle))
        fail_msg("error '%s' does not mention '%s'", err, needle);
}

static void test_bad_configs(void **state)
{
    (void)state;
    RiscvVirtFdtConfig cfg = base_cfg;
    cfg.harts = 0;
    expect_error(&cfg, "0 harts");
    cfg.harts = RISCV_VIRT_MAX_HARTS + 1;
    expect_error(&cfg, "harts");

    cfg = base_cfg;
    cfg.mmu_type = "sv32";
    expect_error(&cfg, "mmu type 'sv32'");
    cfg = base_cfg;
    cfg.isa = "rv32imac";
    expect_error(&cfg, "not rv64");
    cfg.isa = "x86_64";
    expect_error(&cfg, "must start with rv64");
    cfg.isa = "rv64mac";
    expect_error(&cfg, "base must be");
    cfg.isa = "rv64imA";
    expect_error(&cfg, "'A'");
    cfg.isa = "rv64i2p1";
    expect_error(&cfg, "'2'");
    cfg.isa = "rv64imac_z";
    expect_error(&cfg, "bad multi-letter");
    cfg.isa = "rv64imac_zba-zbb";
    expect_error(&cfg, "bad multi-letter");

    cfg = base_cfg;
    cfg.initrd_end = cfg.initrd_start;
    expect_error(&cfg, "initrd");
    cfg = base_cfg;
    cfg.initrd_end = cfg.ram_base + cfg.ram_size + 1;
    expect_error(&cfg, "not inside RAM");
    cfg = base_cfg;
    cfg.ram_size = 0;
    expect_error(&cfg, "bad RAM range");
    cfg = base_cfg;
    cfg.ram_base = 0x10000000;
    cfg.initrd_start = cfg.initrd_end = 0;
    expect_error(&cfg, "overlaps the devices");
}

/* Runs cmd; returns its exit status, with its stderr in errbuf. */
static int run(const char *cmd, char *errbuf, size_t errlen)
{
    char full[1024];
    char errfile[] = "/tmp/test_fdt_err.XXXXXX";
    int fd = mkstemp(errfile);
    assert_true(fd >= 0);
    close(fd);
    snprintf(full, sizeof full, "%s 2>%s", cmd, errfile);
    int status = system(full);
    FILE *f = fopen(errfile, "r");
    size_t n = f ? fread(errbuf, 1, errlen - 1, f) : 0;
    errbuf[n] = 0;
    if (f)
        fclose(f);
    unlink(errfile);
    return status;
}

static void test_write_and_dtc(void **state)
{
    (void)state;
    size_t size;
    void *fdt = build_ok(&base_cfg, &size);
    char err[256];
    char file[] = "/tmp/test_fdt.XXXXXX";
    int fd = mkstemp(file);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(riscv_virt_fdt_write(file, fdt, size, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal((size_t)st.st_size, size);

    assert_true(riscv_virt_fdt_write("/nonexistent-dir/x.dtb", fdt, size, err, sizeof err) < 0);
    assert_non_null(strstr(err, "/nonexistent-dir/x.dtb"));
    assert_true(riscv_virt_fdt_write(file, "garbage", 7, err, sizeof err) < 0);
    assert_non_null(strstr(err, "invalid"));

    const char *dtc = getenv("DTC");
    if (dtc && *dtc) {
        char cmd[512], out[4096];
        snprintf(cmd, sizeof cmd, "'%s' -I dtb -O dts -o /dev/null '%s'", dtc, file);
        int status = run(cmd, out, sizeof out);
        if (status != 0 || out[0])
            fail_msg("dtc exit %d: %s", status, out);
    } else {
        print_message("dtc round trip skipped: $DTC not set (install device-tree-compiler)\n");
    }
    unlink(file);
    free(fdt);
}

/* QEMU's virt tree is the fact source: every property of ours that QEMU's
 * same node also has must be equal, for the nodes both boards have. */
static void compare_node(const void *ours, const void *qemu, const char *node, const char *const *props)
{
    int qoff = fdt_path_offset(qemu, node);
    if (qoff < 0)
        fail_msg("QEMU's tree has no %s", node);
    for (const char *const *p = props; *p; p++) {
        int olen, qlen;
        const void *ov = getprop(ours, node, *p, &olen);
        const void *qv = fdt_getprop(qemu, qoff, *p, &qlen);
        if (!qv)
            fail_msg("QEMU's %s has no %s", node, *p);
        if (olen != qlen || memcmp(ov, qv, (size_t)olen))
            fail_msg("%s %s differs from QEMU's", node, *p);
    }
}

static void test_matches_qemu(void **state)
{
    (void)state;
    const char *qemu = getenv("QEMU_SYSTEM_RISCV64");
    if (!qemu || !*qemu) {
        print_message("comparison with QEMU skipped: $QEMU_SYSTEM_RISCV64 not set\n");
        return;
    }
    char file[] = "/tmp/test_fdt_qemu.XXXXXX";
    int fd = mkstemp(file);
    assert_true(fd >= 0);
    close(fd);
    char cmd[1024], out[4096];
    snprintf(cmd, sizeof cmd, "'%s' -M virt,dumpdtb='%s' -smp 2 -m 512M -nographic >/dev/null", qemu, file);
    if (run(cmd, out, sizeof out) != 0)
        fail_msg("%s failed: %s", cmd, out);
    FILE *f = fopen(file, "rb");
    assert_non_null(f);
    static uint8_t qdtb[1 << 20];
    size_t n = fread(qdtb, 1, sizeof qdtb, f);
    fclose(f);
    unlink(file);
    assert_int_equal(fdt_check_header(qdtb), 0);
    assert_true(n >= fdt_totalsize(qdtb));

    size_t size;
    void *fdt = build_ok(&base_cfg, &size);
    static const char *const dev[] = {"compatible", "reg", "interrupts", NULL};
    static const char *const reg_compat[] = {"compatible", "reg", NULL};
    static const char *const uart[] = {"compatible", "reg", "interrupts", "clock-frequency", NULL};
    static const char *const syscon[] = {"compatible", "offset", "value", NULL};
    /* mmu-type left out: it depends on the QEMU version's default CPU. */
    static const char *const cpu[] = {"device_type", "reg", "status", "compatible", NULL};
    static const char *const intc[] = {"compatible", "#interrupt-cells", "interrupt-controller", NULL};
    static const char *const root[] = {"#address-cells", "#size-cells", "compatible", "model", NULL};
    compare_node(fdt, qdtb, "/", root);
    compare_node(fdt, qdtb, "/cpus", (const char *const[]){"timebase-frequency", NULL});
    compare_node(fdt, qdtb, "/cpus/cpu@0", cpu);
    compare_node(fdt, qdtb, "/cpus/cpu@1", cpu);
    compare_node(fdt, qdtb, "/cpus/cpu@0/interrupt-controller", intc);
    compare_node(fdt, qdtb, "/memory@80000000", (const char *const[]){"device_type", "reg", NULL});
    compare_node(fdt, qdtb, "/chosen", (const char *const[]){"stdout-path", NULL});
    compare_node(fdt, qdtb, "/soc", (const char *const[]){"#address-cells", "#size-cells", "compatible", "ranges", NULL});
    compare_node(fdt, qdtb, "/soc/clint@2000000", reg_compat);
    compare_node(fdt, qdtb, "/soc/plic@c000000",
                 (const char *const[]){"compatible", "reg", "#interrupt-cells", "#address-cells",
                                       "interrupt-controller", NULL});
    compare_node(fdt, qdtb, "/soc/serial@10000000", uart);
    compare_node(fdt, qdtb, "/soc/rtc@101000", dev);
    compare_node(fdt, qdtb, "/soc/test@100000", reg_compat);
    for (unsigned i = 0; i < 8; i++) {
        char node[48];
        snprintf(node, sizeof node, "/soc/virtio_mmio@%x", 0x10001000 + i * 0x1000);
        compare_node(fdt, qdtb, node, dev);
    }
    compare_node(fdt, qdtb, "/poweroff", syscon);
    compare_node(fdt, qdtb, "/reboot", syscon);
    free(fdt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nodes_and_properties),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_many_harts),
        cmocka_unit_test(test_bad_configs),
        cmocka_unit_test(test_write_and_dtc),
        cmocka_unit_test(test_matches_qemu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
