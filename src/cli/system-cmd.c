/*
 * `polyvm system [options]`: turns a qemu-system-riscv64 style command line
 * into a RiscvVirtConfig, builds the board and runs it (system-cmd.h).
 *
 * The options and their --help lines come from one table (SYSTEM_OPTIONS).
 * -drive/-netdev/-device refer to each other by id in any order, as in
 * QEMU, so they are collected first and matched up once every option has
 * been read. Virtio devices keep command-line order (-device and -nic where
 * they appear, then -drive if=virtio disks, then the default virtio-rng);
 * the board gives the first of them the highest slot, as QEMU does.
 */
#include "cli/system-cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/char/char-stdio.h"
#include "backends/net/net-slirp.h"
#include "machines/riscv-virt.h"

/* X(id, name, alias or NULL, argument or NULL, help) */
#define SYSTEM_OPTIONS(X)                                                                                  \
    X(MACHINE, "-M", "-machine", "virt[,dumpdtb=FILE]",                                                    \
      "the board (virt is the only one; -M help lists it); dumpdtb=FILE writes the device tree and exits") \
    X(MEM, "-m", NULL, "SIZE", "RAM size, suffix K, M, G or T; a plain number is MiB (default 512M)")     \
    X(SMP, "-smp", NULL, "[cpus=]N", "number of harts (default 1, at most 512)")                          \
    X(BIOS, "-bios", NULL, "FILE|none",                                                                   \
      "firmware at 0x80000000 (default: OpenSBI fw_dynamic.bin, see docs/system-mode.md)")               \
    X(KERNEL, "-kernel", NULL, "FILE",                                                                    \
      "Linux Image, Image.gz, EFI zboot or vmlinux; any other ELF at its addresses, other files as raw bytes") \
    X(INITRD, "-initrd", NULL, "FILE", "initial RAM disk (needs -kernel)")                                \
    X(APPEND, "-append", NULL, "STRING", "kernel command line")                                           \
    X(DRIVE, "-drive", NULL, "file=F[,format=raw][,if=virtio|none][,readonly=on][,id=ID][,serial=S][,media=disk]", \
      "a raw disk image; if=virtio (the default) adds a virtio-blk disk")                                 \
    X(NETDEV, "-netdev", NULL, "user,id=ID[,hostfwd=tcp::HOSTPORT-:GUESTPORT]...",                        \
      "user-mode network (10.0.2.0/24, NAT), for -device virtio-net-device,netdev=ID")                   \
    X(NIC, "-nic", NULL, "user[,model=virtio-net-device][,hostfwd=...]|none",                            \
      "shorthand: -netdev user plus a virtio-net-device")                                                \
    X(DEVICE, "-device", NULL, "DRIVER[,drive=ID|netdev=ID]",                                             \
      "virtio-blk-device,drive=ID, virtio-net-device,netdev=ID or virtio-rng-device (-device help)")     \
    X(NODEFAULTS, "-nodefaults", NULL, NULL, "no default virtio-rng (otherwise one is always added)")    \
    X(NO_REBOOT, "-no-reboot", NULL, NULL, "exit with status 0 when the guest resets")                   \
    X(SERIAL, "-serial", NULL, "mon:stdio|stdio", "the console on this terminal (the default and only choice)") \
    X(NOGRAPHIC, "-nographic", NULL, NULL, "accepted; there is no display")                              \
    X(DISPLAY, "-display", NULL, "none", "accepted; there is no display")                                \
    X(HELP, "-h", "-help", NULL, "show this help and exit")

typedef enum SystemOption {
#define SYSTEM_OPTION_ENUM(id, name, alias, arg, help) OPT_##id,
    SYSTEM_OPTIONS(SYSTEM_OPTION_ENUM)
#undef SYSTEM_OPTION_ENUM
    OPT_COUNT
} SystemOption;

typedef struct OptionInfo {
    const char *name, *alias, *arg, *help;
} OptionInfo;

static const OptionInfo options[OPT_COUNT] = {
#define SYSTEM_OPTION_INFO(id, name, alias, arg, help) [OPT_##id] = {name, alias, arg, help},
    SYSTEM_OPTIONS(SYSTEM_OPTION_INFO)
#undef SYSTEM_OPTION_INFO
};

void system_usage(FILE *out)
{
    fprintf(out, "Options of 'system' (as qemu-system-riscv64; 'polyvm system -M help', '-device help'):\n");
    for (int i = 0; i < OPT_COUNT; i++) {
        char left[96];
        snprintf(left, sizeof left, "%s%s%s%s%s", options[i].name, options[i].alias ? ", " : "",
                 options[i].alias ? options[i].alias : "", options[i].arg ? " " : "",
                 options[i].arg ? options[i].arg : "");
        if (strlen(left) > 24) {
            fprintf(out, "  %s\n", left);
            left[0] = '\0';
        }
        /* the help column wraps at word boundaries to stay within 90 columns */
        const char *h = options[i].help;
        while (*h) {
            size_t n = strlen(h);
            if (n > 63) {
                n = 63;
                while (n > 0 && h[n] != ' ')
                    n--;
                if (n == 0)
                    n = strcspn(h, " ");
            }
            fprintf(out, "  %-24s %.*s\n", left, (int)n, h);
            left[0] = '\0';
            h += n;
            while (*h == ' ')
                h++;
        }
    }
    fprintf(out, "Exit status of 'system': 0 when the guest powers off (or Ctrl-A X), the guest's code\n"
                 "when it reports a failure through the test device, 1 when the machine cannot be\n"
                 "built or run, 2 for a bad command line.\n");
}

static int bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "polyvm system: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "; try 'polyvm --help'\n");
    va_end(ap);
    return 2;
}

/* ---- what the command line collects ---- */

enum { MAX_ITEMS = 32, MAX_HOSTFWD = 16 };

typedef struct Drive {
    char *id, *file, *serial;
    bool read_only, virtio, used;
} Drive;

typedef struct Netdev {
    char *id;
    const char *hostfwd[MAX_HOSTFWD];
    unsigned n_hostfwd;
    bool used;
} Netdev;

typedef struct DeviceReq {
    RiscvVirtDeviceKind kind;
    char *ref;              /* drive= or netdev= id; NULL for rng */
    char *serial;
} DeviceReq;

typedef struct SystemCmdLine {
    RiscvVirtConfig cfg;
    const char *dumpdtb;
    Drive drives[MAX_ITEMS];
    unsigned n_drives;
    Netdev netdevs[MAX_ITEMS];
    unsigned n_netdevs;
    DeviceReq reqs[MAX_ITEMS];
    unsigned n_reqs;
    RiscvVirtDevice devices[MAX_ITEMS];
    char *copies[4 * MAX_ITEMS];       /* option strings split in place; freed at the end */
    unsigned n_copies;
    unsigned n_auto_nics;
    char auto_ids[MAX_ITEMS][16];
} SystemCmdLine;

/* A writable copy of an option value, split in place by next_pair(). */
static char *keep_copy(SystemCmdLine *c, const char *s)
{
    if (c->n_copies == sizeof c->copies / sizeof c->copies[0])
        return NULL;
    return c->copies[c->n_copies++] = strdup(s);
}

/* The next "key=value" or bare "word" of a comma-separated list; QEMU's ",,"
 * escape stands for a literal comma. false at the end. */
static bool next_pair(char **cursor, char **key, char **value)
{
    char *p = *cursor;
    if (!p || !*p)
        return false;
    *key = p;
    *value = NULL;
    char *out = p;
    for (; *p; p++) {
        if (*p == ',' && p[1] == ',') {
            *out++ = ',';
            p++;
        } else if (*p == ',') {
            break;
        } else if (*p == '=' && !*value) {
            *out++ = '\0';
            *value = out;
        } else {
            *out++ = *p;
        }
    }
    *cursor = *p ? p + 1 : p;
    *out = '\0';
    return true;
}

static bool on_off(const char *v, bool *out)
{
    if (!v || !strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes"))
        *out = true;
    else if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no"))
        *out = false;
    else
        return false;
    return true;
}

/* QEMU's -m: a size with an optional K/M/G/T suffix (B accepted too), a
 * plain number meaning MiB; "size=" prefix allowed. Rounded up to 4 KiB. */
static bool parse_ram_size(const char *s, uint64_t *out)
{
    if (!strncmp(s, "size=", 5))
        s += 5;
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v) || v <= 0 || *s == '-' || *s == '+')
        return false;
    double unit = 1024.0 * 1024;
    if (*end) {
        const char *units = "BKMGT";
        const char *u = strchr(units, end[0] >= 'a' ? end[0] - 32 : end[0]);
        if (!u || !end[0] || end[1])
            return false;
        unit = ldexp(1.0, 10 * (int)(u - units));
    }
    double bytes = ceil(v * unit / 4096) * 4096;
    if (bytes > (double)RISCV_VIRT_MAX_RAM || bytes < 4096)
        return false;
    *out = (uint64_t)bytes;
    return true;
}

static bool parse_uint(const char *s, unsigned long max, unsigned *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return false;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || v > max)
        return false;
    *out = (unsigned)v;
    return true;
}

/* ---- option values ---- */

static int opt_machine(SystemCmdLine *c, char *v)
{
    char *key, *val;
    bool first = true;
    while (next_pair(&v, &key, &val)) {
        if (first && !val) {
            if (!strcmp(key, "help")) {
                printf("Supported machines are:\nvirt                 RISC-V VirtIO board (QEMU's riscv64 virt layout)\n");
                return -1;
            }
            if (strcmp(key, "virt"))
                return bad_usage("unknown machine '%s' (supported: virt)", key);
        } else if (!strcmp(key, "type") && val) {
            if (strcmp(val, "virt"))
                return bad_usage("unknown machine '%s' (supported: virt)", val);
        } else if (!strcmp(key, "dumpdtb") && val && *val) {
            c->dumpdtb = val;
        } else {
            return bad_usage("-machine: property '%s' is not supported (supported: dumpdtb=FILE)", key);
        }
        first = false;
    }
    return 0;
}

static int opt_smp(SystemCmdLine *c, char *v)
{
    char *key, *val;
    while (next_pair(&v, &key, &val)) {
        const char *n = val && !strcmp(key, "cpus") ? val : !val ? key : NULL;
        if (!n)
            return bad_usage("-smp: '%s' is not supported (only the number of harts: -smp N)", key);
        if (!parse_uint(n, RISCV_VIRT_MAX_HARTS, &c->cfg.harts) || c->cfg.harts == 0)
            return bad_usage("-smp: '%s' is not a hart count from 1 to %u", n, RISCV_VIRT_MAX_HARTS);
    }
    return 0;
}

static bool id_taken(const SystemCmdLine *c, const char *id)
{
    for (unsigned i = 0; i < c->n_drives; i++)
        if (c->drives[i].id && !strcmp(c->drives[i].id, id))
            return true;
    for (unsigned i = 0; i < c->n_netdevs; i++)
        if (!strcmp(c->netdevs[i].id, id))
            return true;
    return false;
}

static int opt_drive(SystemCmdLine *c, char *v)
{
    if (c->n_drives == MAX_ITEMS)
        return bad_usage("too many -drive options");
    Drive *d = &c->drives[c->n_drives];
    *d = (Drive){.virtio = true};
    char *key, *val;
    while (next_pair(&v, &key, &val)) {
        if (!val && strcmp(key, "readonly"))
            return bad_usage("-drive: '%s' needs a value (KEY=VALUE)", key);
        if (!strcmp(key, "file")) {
            d->file = val;
        } else if (!strcmp(key, "id")) {
            d->id = val;
        } else if (!strcmp(key, "serial")) {
            d->serial = val;
        } else if (!strcmp(key, "format")) {
            if (strcmp(val, "raw"))
                return bad_usage("-drive: format=%s is not supported, only raw images (convert with "
                                 "'qemu-img convert -O raw IN OUT')", val);
        } else if (!strcmp(key, "if")) {
            if (strcmp(val, "virtio") && strcmp(val, "none"))
                return bad_usage("-drive: if=%s is not supported on virt (use if=virtio or if=none)", val);
            d->virtio = !strcmp(val, "virtio");
        } else if (!strcmp(key, "readonly")) {
            if (!on_off(val, &d->read_only))
                return bad_usage("-drive: readonly=%s: expected on or off", val);
        } else if (!strcmp(key, "media")) {
            if (strcmp(val, "disk"))
                return bad_usage("-drive: media=%s is not supported (only disk)", val);
        } else {
            return bad_usage("-drive: '%s' is not supported (supported: file, format=raw, if, readonly, id, "
                             "serial, media=disk)", key);
        }
    }
    if (!d->file || !*d->file)
        return bad_usage("-drive needs file=FILE");
    if (!d->virtio && !d->id)
        return bad_usage("-drive if=none needs id=ID for -device virtio-blk-device,drive=ID");
    if (d->id && id_taken(c, d->id))
        return bad_usage("duplicate id '%s'", d->id);
    c->n_drives++;
    return 0;
}

/* -netdev user,... and the backend half of -nic user,... */
static int add_netdev(SystemCmdLine *c, char *v, const char *opt, bool nic)
{
    if (c->n_netdevs == MAX_ITEMS)
        return bad_usage("too many %s options", opt);
    Netdev *n = &c->netdevs[c->n_netdevs];
    *n = (Netdev){0};
    char *key, *val;
    bool first = true;
    while (next_pair(&v, &key, &val)) {
        if (first) {
            if (val || strcmp(key, "user"))
                return bad_usage("%s %s is not supported (only user networking: %s user,...)", opt, key, opt);
        } else if (!strcmp(key, "id") && val && !nic) {
            n->id = val;
        } else if (!strcmp(key, "hostfwd") && val) {
            char err[256];
            NetHostFwd fwd;
            if (net_slirp_parse_hostfwd(val, &fwd, err, sizeof err) < 0)
                return bad_usage("%s: %s", opt, err);
            if (n->n_hostfwd == MAX_HOSTFWD)
                return bad_usage("%s: more than %u hostfwd rules", opt, MAX_HOSTFWD);
            n->hostfwd[n->n_hostfwd++] = val;
        } else if (nic && !strcmp(key, "model") && val) {
            if (strcmp(val, "virtio") && strcmp(val, "virtio-net-device"))
                return bad_usage("-nic model=%s is not supported (only virtio-net-device)", val);
        } else {
            return bad_usage("%s: '%s' is not supported (supported: %s)", opt, key,
                             nic ? "user, hostfwd, model" : "user, id, hostfwd");
        }
        first = false;
    }
    if (first)
        return bad_usage("%s needs a type (user)", opt);
    if (nic) {
        /* an id of its own, one no command line can spell (it has a space) */
        snprintf(c->auto_ids[c->n_auto_nics], sizeof c->auto_ids[0], "nic %u", c->n_auto_nics);
        n->id = c->auto_ids[c->n_auto_nics++];
    }
    if (!n->id)
        return bad_usage("-netdev needs id=ID");
    if (id_taken(c, n->id))
        return bad_usage("duplicate id '%s'", n->id);
    c->n_netdevs++;
    return 0;
}

static int add_request(SystemCmdLine *c, RiscvVirtDeviceKind kind, char *ref, char *serial)
{
    if (c->n_reqs == MAX_ITEMS)
        return bad_usage("too many -device options");
    c->reqs[c->n_reqs++] = (DeviceReq){kind, ref, serial};
    return 0;
}

static int opt_nic(SystemCmdLine *c, char *v)
{
    if (!strcmp(v, "none"))
        return 0;
    int rc = add_netdev(c, v, "-nic", true);
    return rc ? rc : add_request(c, RISCV_VIRT_DEV_NET, c->netdevs[c->n_netdevs - 1].id, NULL);
}

static int opt_device(SystemCmdLine *c, char *v)
{
    char *driver, *val, *key;
    if (!next_pair(&v, &driver, &val) || val)
        return bad_usage("-device needs a driver name (-device help lists them)");
    if (!strcmp(driver, "help")) {
        printf("Devices of the virt board (virtio-mmio):\n");
        for (unsigned k = 0; k <= RISCV_VIRT_DEV_RNG; k++)
            printf("  %s\n", riscv_virt_device_driver((RiscvVirtDeviceKind)k));
        return -1;
    }
    int kind = riscv_virt_device_kind(driver);
    if (kind < 0)
        return bad_usage("-device %s is not supported (supported: virtio-blk-device, virtio-net-device, "
                         "virtio-rng-device)", driver);
    const char *ref_key = kind == RISCV_VIRT_DEV_BLK ? "drive" : kind == RISCV_VIRT_DEV_NET ? "netdev" : NULL;
    char *ref = NULL, *serial = NULL;
    while (next_pair(&v, &key, &val)) {
        if (ref_key && !strcmp(key, ref_key) && val)
            ref = val;
        else if (kind == RISCV_VIRT_DEV_BLK && !strcmp(key, "serial") && val)
            serial = val;
        else if (!strcmp(key, "id") && val)
            continue;       /* device ids name nothing else here */
        else
            return bad_usage("-device %s: '%s' is not supported%s%s%s", driver, key,
                             ref_key ? " (supported: " : "", ref_key ? ref_key : "", ref_key ? "=ID)" : "");
    }
    if (ref_key && !ref)
        return bad_usage("-device %s needs %s=ID", driver, ref_key);
    return add_request(c, (RiscvVirtDeviceKind)kind, ref, serial);
}

/* Matches -device requests with their -drive/-netdev, then adds the
 * if=virtio disks; fills cfg.devices. */
static int resolve_devices(SystemCmdLine *c)
{
    unsigned n = 0;
    for (unsigned i = 0; i < c->n_reqs; i++) {
        DeviceReq *r = &c->reqs[i];
        RiscvVirtDevice *d = &c->devices[n++];
        *d = (RiscvVirtDevice){.kind = r->kind, .serial = r->serial};
        if (r->kind == RISCV_VIRT_DEV_BLK) {
            Drive *drive = NULL;
            for (unsigned j = 0; j < c->n_drives && !drive; j++)
                if (c->drives[j].id && !strcmp(c->drives[j].id, r->ref))
                    drive = &c->drives[j];
            if (!drive)
                return bad_usage("-device virtio-blk-device: no -drive with id '%s'", r->ref);
            if (drive->used || drive->virtio)
                return bad_usage("drive '%s' is already in use (give it if=none and one -device)", r->ref);
            drive->used = true;
            d->path = drive->file;
            d->read_only = drive->read_only;
            if (!d->serial)
                d->serial = drive->serial;
        } else if (r->kind == RISCV_VIRT_DEV_NET) {
            Netdev *net = NULL;
            for (unsigned j = 0; j < c->n_netdevs && !net; j++)
                if (!strcmp(c->netdevs[j].id, r->ref))
                    net = &c->netdevs[j];
            if (!net)
                return bad_usage("-device virtio-net-device: no -netdev with id '%s'", r->ref);
            if (net->used)
                return bad_usage("netdev '%s' is already in use", r->ref);
            net->used = true;
            d->hostfwd = net->hostfwd;
            d->n_hostfwd = net->n_hostfwd;
        }
    }
    for (unsigned j = 0; j < c->n_drives; j++) {
        Drive *drive = &c->drives[j];
        if (!drive->virtio) {
            if (!drive->used)
                fprintf(stderr, "polyvm system: warning: drive '%s' is not used by any -device\n", drive->id);
            continue;
        }
        if (n == MAX_ITEMS)
            return bad_usage("too many virtio devices");
        c->devices[n++] = (RiscvVirtDevice){.kind = RISCV_VIRT_DEV_BLK, .path = drive->file,
                                            .read_only = drive->read_only, .serial = drive->serial};
    }
    for (unsigned j = 0; j < c->n_netdevs; j++)
        if (!c->netdevs[j].used)
            fprintf(stderr, "polyvm system: warning: netdev '%s' is not used by any -device\n", c->netdevs[j].id);
    bool has_rng = false;
    for (unsigned i = 0; i < n; i++)
        has_rng |= c->devices[i].kind == RISCV_VIRT_DEV_RNG;
    unsigned total = n + (c->cfg.rng && !has_rng);
    if (total > RISCV_VIRT_VIRTIO_SLOTS)
        return bad_usage("%u virtio devices%s, but the virt board has %u virtio-mmio slots", total,
                         total > n ? " (with the default virtio-rng; -nodefaults drops it)" : "",
                         RISCV_VIRT_VIRTIO_SLOTS);
    c->cfg.devices = c->devices;
    c->cfg.n_devices = n;
    return 0;
}

static int find_option(const char *arg)
{
    if (arg[0] == '-' && arg[1] == '-')
        arg++;      /* QEMU takes --opt as -opt */
    for (int i = 0; i < OPT_COUNT; i++)
        if (!strcmp(arg, options[i].name) || (options[i].alias && !strcmp(arg, options[i].alias)))
            return i;
    return -1;
}

/* 0, or the exit status to end with: 2 for bad usage, -1 after printing help. */
static int parse_command_line(SystemCmdLine *c, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        int opt = find_option(argv[i]);
        if (opt < 0)
            return argv[i][0] == '-' ? bad_usage("unknown option '%s' for 'system'", argv[i])
                                     : bad_usage("unexpected argument '%s' (disk images go in -drive file=...)",
                                                 argv[i]);
        char *v = NULL;
        if (options[opt].arg) {
            if (i + 1 >= argc)
                return bad_usage("option '%s' needs an argument", argv[i]);
            if (!(v = keep_copy(c, argv[++i])))
                return bad_usage("too many options");
        }
        int rc = 0;
        switch ((SystemOption)opt) {
        case OPT_MACHINE: rc = opt_machine(c, v); break;
        case OPT_MEM:
            if (!parse_ram_size(v, &c->cfg.ram_size))
                rc = bad_usage("-m %s: expected a RAM size such as 512M or 2G (4 KiB to 1T)", v);
            break;
        case OPT_SMP: rc = opt_smp(c, v); break;
        case OPT_BIOS: c->cfg.bios = v; break;
        case OPT_KERNEL: c->cfg.kernel = v; break;
        case OPT_INITRD: c->cfg.initrd = v; break;
        case OPT_APPEND: c->cfg.append = v; break;
        case OPT_DRIVE: rc = opt_drive(c, v); break;
        case OPT_NETDEV: rc = add_netdev(c, v, "-netdev", false); break;
        case OPT_NIC: rc = opt_nic(c, v); break;
        case OPT_DEVICE: rc = opt_device(c, v); break;
        case OPT_NODEFAULTS: c->cfg.rng = false; break;
        case OPT_NO_REBOOT: c->cfg.no_reboot = true; break;
        case OPT_SERIAL:
            if (strcmp(v, "mon:stdio") && strcmp(v, "stdio"))
                rc = bad_usage("-serial %s is not supported (the console is always stdio)", v);
            break;
        case OPT_NOGRAPHIC: break;
        case OPT_DISPLAY:
            if (strcmp(v, "none"))
                rc = bad_usage("-display %s is not supported (only none)", v);
            break;
        case OPT_HELP: system_usage(stdout); return -1;
        case OPT_COUNT: break;
        }
        if (rc)
            return rc;
    }
    if (c->cfg.initrd && !c->cfg.kernel)
        return bad_usage("-initrd needs -kernel");
    return resolve_devices(c);
}

static int run_machine(SystemCmdLine *c, bool stats)
{
    int status;
    MachineEvents events;
    machine_events_init(&events);
    c->cfg.events = &events;
    CharBackend *console = NULL;
    /* dumpdtb never runs the guest, so it leaves the terminal alone */
    if (!c->dumpdtb) {
        console = char_stdio_new(&(CharStdioConfig){.in_fd = STDIN_FILENO, .out_fd = STDOUT_FILENO,
                                                    .quit = machine_events_quit, .quit_opaque = &events});
        if (!console) {
            fprintf(stderr, "polyvm system: cannot set up the console on stdio: %s\n", strerror(errno));
            machine_events_destroy(&events);
            return 1;
        }
    }
    c->cfg.console = console;
    char err[1024] = "";
    CpuStats sum = {0};
    CpuEngine engine = cpu_default_engine;
    bool ran = false;
    RiscvVirt *b = riscv_virt_create(&c->cfg, err, sizeof err);
    if (!b) {
        status = 1;
    } else if (c->dumpdtb) {
        status = riscv_virt_dump_dtb(b, c->dumpdtb, err, sizeof err) < 0 ? 1 : 0;
    } else {
        for (unsigned h = 0; h < b->cfg.harts; h++)
            b->harts[h].cpu->common.stats.count_in_code = stats;
        status = riscv_virt_run(b, err, sizeof err);
        ran = true;
        for (unsigned h = 0; h < b->cfg.harts; h++)
            cpu_stats_add(&sum, &b->harts[h].cpu->common.stats);
        engine = b->harts[0].cpu->common.engine;
    }
    riscv_virt_destroy(b);
    /* after the console is gone the terminal is back in its normal mode */
    char_backend_destroy(console);
    machine_events_destroy(&events);
    if (*err && status)
        fprintf(stderr, "polyvm system: %s\n", err);
    if (stats && ran)
        cpu_stats_print(stderr, &sum, engine);   /* summed over the harts */
    return status;
}

int cmd_system(int argc, char **argv, bool stats)
{
    SystemCmdLine *c = calloc(1, sizeof *c);
    if (!c) {
        fprintf(stderr, "polyvm system: out of memory\n");
        return 1;
    }
    c->cfg = riscv_virt_default_config();
    int status = parse_command_line(c, argc, argv);
    if (status == 0)
        status = run_machine(c, stats);
    else if (status < 0)
        status = 0;     /* --help */
    for (unsigned i = 0; i < c->n_copies; i++)
        free(c->copies[i]);
    free(c);
    return status;
}
