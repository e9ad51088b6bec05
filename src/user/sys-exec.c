/*
 * execve and execveat for riscv64 guests.
 *
 * A new riscv64 image starts in a fresh polyvm: the call becomes a host
 * execve of polyvm itself (/proc/self/exe) with the options it was started
 * with, the sysroot, the guest's argv[0] (-0) and the program's host path,
 * and the guest's environment as the environment. "#!" scripts are
 * resolved here the way the kernel does it, so that a script whose
 * interpreter is a riscv64 program (looked up in the sysroot first) runs
 * under polyvm too. Anything else - a host program, a script for a host
 * interpreter, a file of no known format - goes to the host execve
 * unchanged, as qemu-user without binfmt_misc does; the host then runs it
 * or fails with the error Linux gives.
 *
 * The guest's blocked-signal mask becomes the host mask across the exec,
 * so the new polyvm can hand it to the new image as Linux would.
 */
#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "user-internal.h"

/* Linux's limits: one argument string, the "#!" line buffer, the depth of
 * interpreters running interpreters. */
#define EXEC_MAX_STRLEN (32 * 4096)
#define EXEC_MAX_TOTAL (2u << 20)   /* ARG_MAX for the default 8 MiB stack */
#define SCRIPT_BUF 256
#define SCRIPT_MAX_DEPTH 4

/* A NULL-terminated, growable string vector owning its strings. */
typedef struct StrVec {
    char **v;
    size_t n, cap;
    size_t bytes;   /* total size of the strings with their NULs */
} StrVec;

static void vec_free(StrVec *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    *s = (StrVec){0};
}

/* Inserts a copy of str at position at; 0 or -ENOMEM / -E2BIG. */
static int vec_insert(StrVec *s, size_t at, const char *str)
{
    size_t len = strlen(str) + 1;
    if (s->bytes + len + (s->n + 1) * sizeof(char *) > EXEC_MAX_TOTAL)
        return -E2BIG;
    if (s->n + 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        s->v = v;
        s->cap = cap;
    }
    char *copy = strdup(str);
    if (!copy)
        return -ENOMEM;
    memmove(&s->v[at + 1], &s->v[at], (s->n - at) * sizeof *s->v);
    s->v[at] = copy;
    s->n++;
    s->v[s->n] = NULL;
    s->bytes += len;
    return 0;
}

static int vec_push(StrVec *s, const char *str) { return vec_insert(s, s->n, str); }

static void vec_remove_first(StrVec *s)
{
    if (!s->n)
        return;
    s->bytes -= strlen(s->v[0]) + 1;
    free(s->v[0]);
    memmove(&s->v[0], &s->v[1], s->n * sizeof *s->v);   /* with the NULL */
    s->n--;
}

/* Reads a guest argv/envp array (NULL array = empty, as Linux allows). */
static int read_guest_strings(UserThread *t, uint64_t array, StrVec *out)
{
    if (!array)
        return 0;
    char *buf = malloc(EXEC_MAX_STRLEN);
    if (!buf)
        return -ENOMEM;
    int r = 0;
    for (uint64_t i = 0;; i++) {
        uint64_t ptr;
        if (user_copy_in(t, &ptr, array + i * sizeof ptr, sizeof ptr)) {
            r = -EFAULT;
            break;
        }
        if (!ptr)
            break;
        long len = user_string(t, ptr, buf, EXEC_MAX_STRLEN);
        if (len < 0) {
            r = len == -ENAMETOOLONG ? -E2BIG : (int)len;
            break;
        }
        if ((r = vec_push(out, buf)))
            break;
    }
    free(buf);
    return r;
}

/* ---- what kind of file is it ---- */

typedef enum { FILE_RV64_ELF, FILE_SCRIPT, FILE_OTHER } FileKind;

static bool is_rv64_elf(const unsigned char *b, size_t len)
{
    const Elf64_Ehdr *h = (const Elf64_Ehdr *)b;
    return len >= sizeof *h && !memcmp(b, ELFMAG, SELFMAG) && b[EI_CLASS] == ELFCLASS64 &&
           b[EI_DATA] == ELFDATA2LSB && h->e_machine == EM_RISCV &&
           (h->e_type == ET_EXEC || h->e_type == ET_DYN);
}

/* Checks that path may be executed and reads its first bytes into buf
 * (NUL-terminated). Returns the kind, or a negative errno. */
static int inspect(const char *path, char *buf, size_t size)
{
    struct stat st;
    if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) || stat(path, &st))
        return -errno;
    if (!S_ISREG(st.st_mode))
        return -EACCES;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return FILE_OTHER;   /* executable but unreadable: only the host can run it */
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0)
        return FILE_OTHER;
    buf[n] = 0;
    if (is_rv64_elf((const unsigned char *)buf, (size_t)n))
        return FILE_RV64_ELF;
    if (n >= 2 && buf[0] == '#' && buf[1] == '!')
        return FILE_SCRIPT;
    return FILE_OTHER;
}

/* Splits a "#!" line in place into the interpreter and its optional single
 * argument (the rest of the line, trimmed). -ENOEXEC if it names none. */
static int parse_script_line(char *buf, char **interp, char **arg)
{
    char *line = buf + 2;
    char *nl = strchr(line, '\n');
    if (nl)
        *nl = 0;
    line += strspn(line, " \t");
    size_t name_len = strcspn(line, " \t");
    /* without a newline in the buffer the name must end before its end */
    if (!name_len || (!nl && !line[name_len]))
        return -ENOEXEC;
    *interp = line;
    char *rest = line + name_len;
    if (*rest)
        *rest++ = 0;
    rest += strspn(rest, " \t");
    char *end = rest + strlen(rest);
    while (end > rest && (end[-1] == ' ' || end[-1] == '\t'))
        *--end = 0;
    *arg = *rest ? rest : NULL;
    return 0;
}

/* ---- running it ---- */

/* Packs argv and envp into one block (two NULL-terminated vectors, then
 * the strings), so that an exec leaves exactly one allocation behind. */
static void *pack_vectors(const StrVec *argv, const StrVec *envp, char ***av, char ***ev)
{
    size_t nptr = argv->n + envp->n + 2;
    char **block = malloc(nptr * sizeof(char *) + argv->bytes + envp->bytes);
    if (!block)
        return NULL;
    char *str = (char *)(block + nptr);
    char **out = block;
    const StrVec *vecs[] = {argv, envp};
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < vecs[k]->n; i++) {
            size_t len = strlen(vecs[k]->v[i]) + 1;
            memcpy(str, vecs[k]->v[i], len);
            *out++ = str;
            str += len;
        }
        *out++ = NULL;
    }
    *av = block;
    *ev = block + argv->n + 1;
    return block;
}

/* Replaces the process; returns only on failure (-errno). Empties argv and
 * envp either way: a vfork child's exec must leave nothing allocated in
 * the heap it shares with its parent but t->exec_scratch. */
static int host_execve(UserThread *t, const char *path, StrVec *argv, StrVec *envp)
{
    char **av, **ev;
    void *block = pack_vectors(argv, envp, &av, &ev);
    vec_free(argv);
    vec_free(envp);
    if (!block)
        return -ENOMEM;
    t->exec_scratch = block;
    /* The guest's mask is what the new image starts with; the raw call
     * because glibc would drop 32 and 33, which are the guest libc's. */
    uint64_t guest_mask = t->sig_blocked, saved;
    fflush(NULL);
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &guest_mask, &saved, sizeof guest_mask);
    execve(path, av, ev);
    int err = errno;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &saved, NULL, sizeof saved);
    t->exec_scratch = NULL;
    free(block);
    return -err;
}

/* polyvm [global options] user -L SYSROOT -0 ARGV0 -- PROGRAM ARGV[1..]
 * (consumes argv and envp) */
static int exec_polyvm(UserThread *t, const char *program, StrVec *argv, StrVec *envp)
{
    const UserOptions *o = &t->proc->opts;
    StrVec cmd = {0};
    int r = vec_push(&cmd, "polyvm");
    for (int i = 0; !r && i < o->nglobal_args; i++)
        r = vec_push(&cmd, o->global_args[i]);
    const char *fixed[] = {"user", "-L", t->proc->sysroot, "-0", argv->n ? argv->v[0] : "", "--", program};
    for (size_t i = 0; !r && i < sizeof fixed / sizeof fixed[0]; i++)
        r = vec_push(&cmd, fixed[i]);
    for (size_t i = 1; !r && i < argv->n; i++)
        r = vec_push(&cmd, argv->v[i]);
    vec_free(argv);
    if (!r)
        r = host_execve(t, "/proc/self/exe", &cmd, envp);
    vec_free(&cmd);
    return r;
}

/* guest_name: the path as the guest named it (a script's interpreter sees
 * it as its argument); host_path: where that file is on the host. Returns
 * only on failure, or 1: the host is to run the guest's call as it is. */
static int resolve_and_exec(UserThread *t, const char *guest_name, const char *host_path, StrVec *argv,
                            StrVec *envp)
{
    char buf[SCRIPT_BUF + 1];
    char cur_host[PATH_MAX], name[PATH_MAX];
    snprintf(cur_host, sizeof cur_host, "%s", host_path);
    snprintf(name, sizeof name, "%s", guest_name);
    for (int depth = 0;; depth++) {
        int kind = inspect(cur_host, buf, sizeof buf);
        if (kind < 0)
            return kind;
        if (kind == FILE_RV64_ELF)
            return exec_polyvm(t, cur_host, argv, envp);
        if (kind == FILE_OTHER)
            return 1;
        if (depth == SCRIPT_MAX_DEPTH)
            return -ELOOP;
        /* argv becomes: interpreter, its argument, the script, argv[1..] */
        char *interp, *arg;
        int r = parse_script_line(buf, &interp, &arg);
        if (r)
            return r;
        vec_remove_first(argv);
        if ((r = vec_insert(argv, 0, name)) || (arg && (r = vec_insert(argv, 0, arg))) ||
            (r = vec_insert(argv, 0, interp)))
            return r;
        snprintf(name, sizeof name, "%s", interp);
        user_map_path(t->proc, interp, cur_host, sizeof cur_host);
    }
}

static int64_t exec_common(UserThread *t, const char *guest_name, const char *host_path, uint64_t argv_addr,
                           uint64_t envp_addr)
{
    /* As Linux, a missing or unexecutable file is reported before
     * anything about the arguments. */
    char head[SCRIPT_BUF + 1];
    int r = inspect(host_path, head, sizeof head);
    if (r < 0)
        return r;
    StrVec argv = {0}, envp = {0};
    if (!(r = read_guest_strings(t, argv_addr, &argv)) && !(r = read_guest_strings(t, envp_addr, &envp)))
        r = resolve_and_exec(t, guest_name, host_path, &argv, &envp);
    if (r == 1) {
        /* not ours: the original call, with argv as the guest gave it */
        vec_free(&argv);
        if (!(r = read_guest_strings(t, argv_addr, &argv)))
            r = host_execve(t, host_path, &argv, &envp);
    }
    vec_free(&argv);
    vec_free(&envp);
    return r;
}

int64_t sys_execve(SYSCALL_ARGS)
{
    char guest[PATH_MAX], host[PATH_MAX];
    long n = user_string(t, a[0], guest, sizeof guest);
    if (n < 0)
        return n;
    if (!n)
        return -ENOENT;
    user_map_path(t->proc, guest, host, sizeof host);
    return exec_common(t, guest, host, a[1], a[2]);
}

/* The host path of an open file or directory. */
static int fd_path(int fd, char *out, size_t size)
{
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, out, size - 1);
    if (n < 0)
        return errno == ENOENT ? -EBADF : -errno;
    out[n] = 0;
    return 0;
}

int64_t sys_execveat(SYSCALL_ARGS)
{
    int dirfd = (int)a[0];
    int flags = (int)a[4];
    if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
        return -EINVAL;
    char guest[PATH_MAX], host[PATH_MAX], name[PATH_MAX + 32];
    long n = user_string(t, a[1], guest, sizeof guest);
    if (n < 0)
        return n;
    int r;
    if (!n) {
        if (!(flags & AT_EMPTY_PATH))
            return -ENOENT;
        /* the file open on dirfd itself (fexecve) */
        if ((r = fd_path(dirfd, host, sizeof host)))
            return r;
        snprintf(name, sizeof name, "/dev/fd/%d", dirfd);
    } else if (guest[0] == '/' || dirfd == AT_FDCWD) {
        user_map_path(t->proc, guest, host, sizeof host);
        snprintf(name, sizeof name, "%s", guest);
    } else {
        char dir[PATH_MAX];
        if ((r = fd_path(dirfd, dir, sizeof dir)))
            return r;
        if (snprintf(host, sizeof host, "%s/%s", dir, guest) >= (int)sizeof host)
            return -ENAMETOOLONG;
        snprintf(name, sizeof name, "/dev/fd/%d/%s", dirfd, guest);
    }
    if (flags & AT_SYMLINK_NOFOLLOW) {
        struct stat st;
        if (lstat(host, &st) == 0 && S_ISLNK(st.st_mode))
            return -ELOOP;
    }
    return exec_common(t, name, host, a[2], a[3]);
}
