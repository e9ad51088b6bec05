/*
 * polyvm command line: global options, then a sub-command.
 *
 *   polyvm [-d items] [-D file] user [-L DIR] [-E VAR=VALUE] [-U VAR] [-0 ARGV0] PROGRAM [ARGS...]
 *   polyvm [-d items] [-D file] system [-M virt] [-m SIZE] [-kernel FILE] ...   (cli/system-cmd.c)
 *
 * Options follow QEMU's habits where a QEMU user would expect them. Every
 * bad invocation prints one clear line and exits with status 2; a program
 * that cannot be started exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/system-cmd.h"
#include "polyvm/cpu.h"
#include "polyvm/log.h"
#include "polyvm/user.h"

#define POLYVM_VERSION "0.1.0"

extern char **environ;

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: polyvm [global options] COMMAND [options] ...\n"
            "\n"
            "Commands:\n"
            "  user PROGRAM [ARGS...]   run a riscv64 Linux program (user mode)\n"
            "  system [OPTIONS]         run a riscv64 machine, QEMU's virt board (system mode)\n"
            "\n"
            "Global options:\n"
            "  -d ITEM[,ITEM...]        log items (-d help lists them)\n"
            "  -D FILE                  write the log to FILE instead of stderr\n"
            "  --engine jit|interp      execution engine: jit compiles guest code to host code\n"
            "                           (default), interp runs the IR in the reference\n"
            "                           interpreter (default: $POLYVM_ENGINE, else jit)\n"
            "  --stats                  print translation and execution counters at exit\n"
            "  -h, --help               show this help and exit\n"
            "  -V, --version            show the version and exit\n"
            "\n"
            "Options of 'user' (as qemu-user):\n"
            "  -L DIR                   sysroot: the ELF interpreter and absolute paths are looked\n"
            "                           up in DIR first (default: $QEMU_LD_PREFIX)\n"
            "  -E VAR=VALUE             set VAR in the guest environment\n"
            "  -U VAR                   remove VAR from the guest environment\n"
            "  -0 ARGV0                 use ARGV0 as the program's argv[0]\n"
            "\n"
            "Exit status: the guest program's, 128+N if it died of signal N,\n"
            "1 if it could not be started, 2 for a bad command line.\n"
            "\n");
    system_usage(out);
}

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "polyvm: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "; try 'polyvm --help'\n");
    return 2;
}

/* guest environment: a copy of ours, edited by -E and -U */
typedef struct EnvList {
    char **v;
    size_t n, cap;
} EnvList;

static bool env_remove(EnvList *e, const char *name, size_t len)
{
    for (size_t i = 0; i < e->n; i++) {
        if (strncmp(e->v[i], name, len) == 0 && e->v[i][len] == '=') {
            memmove(&e->v[i], &e->v[i + 1], (e->n - i) * sizeof(char *));
            e->n--;
            return true;
        }
    }
    return false;
}

static bool env_push(EnvList *e, char *s)
{
    if (e->n + 2 > e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 64;
        char **v = realloc(e->v, cap * sizeof(char *));
        if (!v)
            return false;
        e->v = v;
        e->cap = cap;
    }
    e->v[e->n++] = s;
    e->v[e->n] = NULL;
    return true;
}

/* Parses the options of 'user' into env and *argv0; returns the index of
 * PROGRAM, or -1 after reporting a bad command line. */
static int parse_user_options(int argc, char **argv, EnvList *env, const char **argv0, const char **sysroot)
{
    int i = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--") == 0)
            return i + 1 < argc ? i + 1 : (bad_usage("%s", "'user' needs a PROGRAM"), -1);
        if (strcmp(opt, "-E") && strcmp(opt, "-U") && strcmp(opt, "-0") && strcmp(opt, "-L"))
            return bad_usage("unknown option '%s' for 'user'", opt), -1;
        if (i + 1 >= argc)
            return bad_usage("option '%s' needs an argument", opt), -1;
        const char *val = argv[++i];
        if (strcmp(opt, "-0") == 0) {
            *argv0 = val;
        } else if (strcmp(opt, "-L") == 0) {
            *sysroot = val;
        } else if (strcmp(opt, "-U") == 0) {
            env_remove(env, val, strlen(val));
        } else {
            const char *eq = strchr(val, '=');
            if (!eq)
                return bad_usage("-E needs VAR=VALUE, got '%s'", val), -1;
            env_remove(env, val, (size_t)(eq - val));
            if (!env_push(env, (char *)val))
                return -1;
        }
    }
    if (i >= argc)
        return bad_usage("%s", "'user' needs a PROGRAM"), -1;
    return i;
}

/* global_args: the options before 'user', kept so that a guest execve can
 * start polyvm again the same way */
static int cmd_user(int argc, char **argv, bool stats, char **global_args, int nglobal_args)
{
    EnvList env = {0};
    const char *argv0 = NULL;
    const char *sysroot = getenv("QEMU_LD_PREFIX");
    int status = 2;
    for (char **p = environ; *p; p++)
        if (!env_push(&env, *p))
            goto out;
    int i = parse_user_options(argc, argv, &env, &argv0, &sysroot);
    if (i < 0)
        goto out;
    UserOptions o = {
        .program = argv[i],
        .argc = argc - i,
        .argv = &argv[i],
        .envp = env.v,
        .print_stats = stats,
        .sysroot = sysroot && *sysroot ? sysroot : NULL,
        .global_args = global_args,
        .nglobal_args = nglobal_args,
    };
    if (argv0)
        o.argv[0] = (char *)argv0;
    status = user_run(&o);
    status = status < 0 ? 1 : status;
out:
    free(env.v);
    return status;
}

int main(int argc, char **argv)
{
    bool stats = false;
    int i = 1;
    /* the test suite runs everything once per engine through this */
    const char *env_engine = getenv("POLYVM_ENGINE");
    if (env_engine && *env_engine) {
        int e = cpu_engine_from_name(env_engine);
        if (e < 0) {
            fprintf(stderr, "polyvm: POLYVM_ENGINE names no engine: '%s' (built: jit, interp)\n", env_engine);
            return 2;
        }
        cpu_default_engine = (CpuEngine)e;
    }
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *opt = argv[i];
        if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(opt, "-V") || !strcmp(opt, "--version")) {
            printf("polyvm %s\n", POLYVM_VERSION);
            return 0;
        }
        if (!strcmp(opt, "--stats")) {
            stats = true;
            continue;
        }
        if (!strcmp(opt, "-d") || !strcmp(opt, "-D") || !strcmp(opt, "--engine")) {
            if (i + 1 >= argc)
                return bad_usage("option '%s' needs an argument", opt);
            const char *val = argv[++i];
            if (!strcmp(opt, "-d")) {
                if (!strcmp(val, "help")) {
                    log_print_items(stdout);
                    return 0;
                }
                if (!log_parse_mask(val, &log_mask))
                    return 2;
            } else if (!strcmp(opt, "-D")) {
                if (!log_set_file(val))
                    return 2;
            } else {
                int e = cpu_engine_from_name(val);
                if (e < 0)
                    return bad_usage("engine '%s' is not available (built: jit, interp)", val);
                cpu_default_engine = (CpuEngine)e;
            }
            continue;
        }
        return bad_usage("unknown option '%s'", opt);
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[i], "user"))
        return cmd_user(argc - i - 1, argv + i + 1, stats, argv + 1, i - 1);
    if (!strcmp(argv[i], "system"))
        return cmd_system(argc - i - 1, argv + i + 1, stats);
    return bad_usage("unknown command '%s'", argv[i]);
}
