/*
 * Files under user mode, in a fresh directory under $TMPDIR (or /tmp):
 * openat relative to a directory fd, O_EXCL, the riscv64 struct stat
 * layout (size, mode, links, inode, blocks, times set by utimensat),
 * fstatat with AT_SYMLINK_NOFOLLOW, lseek (SET/CUR/END, holes read as
 * zeros), pread/pwrite leaving the offset alone, readv/writev, O_APPEND,
 * fcntl (F_GETFL/F_SETFL, F_DUPFD_CLOEXEC, FD_CLOEXEC, record locks),
 * dup2, ftruncate, rename, link, symlink/readlink, getdents through
 * readdir (names and d_type), mkdir/rmdir, chdir/getcwd, access, errno
 * values, and mmap of a file: a MAP_SHARED store is seen by read(), a
 * write() is seen through the mapping, MAP_PRIVATE stores are not written
 * back, and mappings at a page offset; memfd_create and inotify. Prints PASS
 * when all hold.
 */
#define _GNU_SOURCE   /* memfd_create */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ucheck.h"

static char dir[PATH_MAX];

static void test_open_stat(int dfd)
{
    umask(022);
    int fd = openat(dfd, "a.txt", O_CREAT | O_EXCL | O_RDWR, 0666);
    CHECK(fd >= 0, "openat: %s", strerror(errno));
    CHECK(openat(dfd, "a.txt", O_CREAT | O_EXCL | O_RDWR, 0666) == -1 && errno == EEXIST, "O_EXCL: %s",
          strerror(errno));
    CHECK(write(fd, "hello, world\n", 13) == 13, "write");
    struct stat st, st2;
    CHECK(fstat(fd, &st) == 0, "fstat: %s", strerror(errno));
    CHECK(st.st_size == 13, "st_size %lld", (long long)st.st_size);
    CHECK((st.st_mode & 07777) == 0644 && S_ISREG(st.st_mode), "st_mode 0%o", (unsigned)st.st_mode);
    CHECK(st.st_nlink == 1, "st_nlink %lu", (unsigned long)st.st_nlink);
    CHECK(st.st_uid == getuid() && st.st_gid == getgid(), "owner %u:%u", (unsigned)st.st_uid, (unsigned)st.st_gid);
    CHECK(st.st_blksize > 0 && st.st_blocks >= 0, "blksize %ld blocks %lld", (long)st.st_blksize,
          (long long)st.st_blocks);
    CHECK(fstatat(dfd, "a.txt", &st2, 0) == 0 && st2.st_ino == st.st_ino && st2.st_dev == st.st_dev,
          "fstatat inode %llu vs %llu", (unsigned long long)st2.st_ino, (unsigned long long)st.st_ino);

    struct timespec times[2] = {{1000000000, 123456789}, {1234567890, 987654321}};
    CHECK(utimensat(dfd, "a.txt", times, 0) == 0, "utimensat: %s", strerror(errno));
    CHECK(fstat(fd, &st) == 0 && st.st_mtim.tv_sec == 1234567890 && st.st_atim.tv_sec == 1000000000,
          "times %lld %lld", (long long)st.st_mtim.tv_sec, (long long)st.st_atim.tv_sec);
    CHECK(st.st_mtim.tv_nsec == 987654321 && st.st_atim.tv_nsec == 123456789, "nanoseconds %ld %ld",
          st.st_mtim.tv_nsec, st.st_atim.tv_nsec);

    CHECK(fchmod(fd, 0600) == 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0600, "fchmod: mode 0%o",
          (unsigned)st.st_mode);
    CHECK(faccessat(dfd, "a.txt", R_OK | W_OK, 0) == 0, "access: %s", strerror(errno));
    CHECK(faccessat(dfd, "missing", F_OK, 0) == -1 && errno == ENOENT, "access missing: %s", strerror(errno));
    CHECK(openat(dfd, "a.txt/x", O_RDONLY) == -1 && errno == ENOTDIR, "ENOTDIR: %s", strerror(errno));
    CHECK(openat(dfd, ".", O_WRONLY) == -1 && errno == EISDIR, "EISDIR: %s", strerror(errno));
    close(fd);
}

static void test_seek_io(int dfd)
{
    int fd = openat(dfd, "io.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 0, "open io.bin");
    CHECK(write(fd, "0123456789", 10) == 10, "write");
    CHECK(lseek(fd, 0, SEEK_CUR) == 10, "SEEK_CUR after write");
    CHECK(lseek(fd, 2, SEEK_SET) == 2, "SEEK_SET");
    char buf[64] = {0};
    CHECK(read(fd, buf, 3) == 3 && memcmp(buf, "234", 3) == 0, "read after seek '%s'", buf);
    CHECK(lseek(fd, -1, SEEK_END) == 9, "SEEK_END -1");
    CHECK(read(fd, buf, 10) == 1 && buf[0] == '9', "read at end");
    CHECK(read(fd, buf, 10) == 0, "read past end not 0");

    /* pread/pwrite do not move the offset. */
    off_t before = lseek(fd, 4, SEEK_SET);
    CHECK(pwrite(fd, "AB", 2, 7) == 2, "pwrite");
    CHECK(pread(fd, buf, 4, 6) == 4 && memcmp(buf, "6AB9", 4) == 0, "pread '%.4s'", buf);
    CHECK(lseek(fd, 0, SEEK_CUR) == before, "offset moved by pread/pwrite");

    /* A hole: seek past the end, write, the gap reads as zeros. */
    CHECK(lseek(fd, 100000, SEEK_SET) == 100000 && write(fd, "Z", 1) == 1, "write after hole");
    struct stat st;
    fstat(fd, &st);
    CHECK(st.st_size == 100001, "size with hole %lld", (long long)st.st_size);
    char zeros[512];
    CHECK(pread(fd, zeros, sizeof zeros, 50000) == (ssize_t)sizeof zeros, "pread in hole");
    int nonzero = 0;
    for (size_t i = 0; i < sizeof zeros; i++)
        nonzero += zeros[i] != 0;
    CHECK(nonzero == 0, "hole has %d non-zero bytes", nonzero);

    /* writev / readv. */
    CHECK(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0, "ftruncate");
    struct iovec out[3] = {{"abc", 3}, {"", 0}, {"defgh", 5}};
    CHECK(writev(fd, out, 3) == 8, "writev");
    char x[2], y[6] = {0};
    struct iovec in[2] = {{x, 2}, {y, 6}};
    lseek(fd, 0, SEEK_SET);
    CHECK(readv(fd, in, 2) == 8 && memcmp(x, "ab", 2) == 0 && memcmp(y, "cdefgh", 6) == 0, "readv '%.2s' '%.6s'", x,
          y);

    /* O_APPEND via F_SETFL: writes go to the end whatever the offset. */
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR, "F_GETFL");
    CHECK(fcntl(fd, F_SETFL, O_APPEND) == 0 && (fcntl(fd, F_GETFL) & O_APPEND), "F_SETFL O_APPEND");
    lseek(fd, 0, SEEK_SET);
    CHECK(write(fd, "!", 1) == 1 && pread(fd, buf, 9, 0) == 9 && memcmp(buf, "abcdefgh!", 9) == 0, "append '%.9s'",
          buf);

    /* Descriptors: F_DUPFD_CLOEXEC, FD_CLOEXEC, dup2 sharing the offset. */
    int d = fcntl(fd, F_DUPFD_CLOEXEC, 50);
    CHECK(d >= 50 && fcntl(d, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC -> %d flags %d", d, fcntl(d, F_GETFD));
    CHECK(fcntl(d, F_SETFD, 0) == 0 && fcntl(d, F_GETFD) == 0, "F_SETFD");
    CHECK(dup2(fd, 60) == 60, "dup2");
    lseek(fd, 3, SEEK_SET);
    CHECK(lseek(60, 0, SEEK_CUR) == 3, "dup2 copy does not share the offset");
    close(60);
    close(d);

    /* Record locks: our own lock does not conflict with ourselves. */
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 4};
    CHECK(fcntl(fd, F_SETLK, &fl) == 0, "F_SETLK: %s", strerror(errno));
    struct flock q = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 4};
    CHECK(fcntl(fd, F_GETLK, &q) == 0 && q.l_type == F_UNLCK, "F_GETLK type %d", q.l_type);
    fl.l_type = F_UNLCK;
    CHECK(fcntl(fd, F_SETLK, &fl) == 0, "unlock");
    CHECK(fsync(fd) == 0 && fdatasync(fd) == 0, "fsync");
    close(fd);
    CHECK(read(fd, buf, 1) == -1 && errno == EBADF, "read of a closed fd: %s", strerror(errno));
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void test_names(int dfd)
{
    CHECK(renameat(dfd, "io.bin", dfd, "renamed.bin") == 0, "renameat: %s", strerror(errno));
    CHECK(faccessat(dfd, "io.bin", F_OK, 0) == -1 && errno == ENOENT, "old name still there");
    CHECK(linkat(dfd, "renamed.bin", dfd, "hard.bin", 0) == 0, "linkat: %s", strerror(errno));
    struct stat st;
    CHECK(fstatat(dfd, "hard.bin", &st, 0) == 0 && st.st_nlink == 2, "nlink after link %lu",
          (unsigned long)st.st_nlink);
    CHECK(symlinkat("renamed.bin", dfd, "sym") == 0, "symlinkat: %s", strerror(errno));
    char target[64] = {0};
    CHECK(readlinkat(dfd, "sym", target, sizeof target - 1) == 11 && strcmp(target, "renamed.bin") == 0,
          "readlink '%s'", target);
    CHECK(fstatat(dfd, "sym", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode) && st.st_size == 11,
          "lstat of symlink: mode 0%o size %lld", (unsigned)st.st_mode, (long long)st.st_size);
    CHECK(fstatat(dfd, "sym", &st, 0) == 0 && S_ISREG(st.st_mode) && st.st_size == 9, "stat through symlink");
    CHECK(mkdirat(dfd, "sub", 0755) == 0, "mkdirat");
    CHECK(mkdirat(dfd, "sub", 0755) == -1 && errno == EEXIST, "mkdir twice");
    int sfd = openat(dfd, "sub/inner", O_CREAT | O_WRONLY, 0644);
    close(sfd);
    CHECK(unlinkat(dfd, "sub", AT_REMOVEDIR) == -1 && errno == ENOTEMPTY, "rmdir of a non-empty dir: %s",
          strerror(errno));

    /* getdents64 through readdir: exactly our entries, with types. */
    int rfd = openat(dfd, ".", O_RDONLY | O_DIRECTORY);
    DIR *d = fdopendir(rfd);
    CHECK(d != NULL, "fdopendir");
    char *names[16];
    int n = 0, types_ok = 1;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && n < 16) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        names[n++] = strdup(e->d_name);
        unsigned char want = strcmp(e->d_name, "sym") == 0 ? DT_LNK : strcmp(e->d_name, "sub") == 0 ? DT_DIR : DT_REG;
        if (e->d_type != DT_UNKNOWN && e->d_type != want)
            types_ok = 0;
    }
    if (d)
        closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_str);
    char list[256] = {0};
    for (int i = 0; i < n; i++) {
        strcat(list, names[i]);
        strcat(list, i + 1 < n ? "," : "");
        free(names[i]);
    }
    CHECK(strcmp(list, "a.txt,hard.bin,renamed.bin,sub,sym") == 0, "directory lists '%s'", list);
    CHECK(types_ok, "wrong d_type in readdir");

    /* chdir + getcwd + relative paths. */
    char old[PATH_MAX], cwd[PATH_MAX];
    CHECK(getcwd(old, sizeof old) != NULL, "getcwd");
    CHECK(chdir(dir) == 0 && getcwd(cwd, sizeof cwd) && strcmp(cwd, dir) == 0, "getcwd after chdir '%s' want '%s'",
          cwd, dir);
    CHECK(access("sub/inner", F_OK) == 0, "relative path after chdir");
    CHECK(chdir(old) == 0, "chdir back");

    CHECK(unlinkat(dfd, "sub/inner", 0) == 0 && unlinkat(dfd, "sub", AT_REMOVEDIR) == 0, "rmdir");
    CHECK(unlinkat(dfd, "hard.bin", 0) == 0 && unlinkat(dfd, "sym", 0) == 0, "unlink");
    CHECK(fstatat(dfd, "renamed.bin", &st, 0) == 0 && st.st_nlink == 1, "nlink after unlink");
    CHECK(unlinkat(dfd, "hard.bin", 0) == -1 && errno == ENOENT, "unlink twice");
}

static void test_mmap(int dfd)
{
    long page = sysconf(_SC_PAGESIZE);
    int fd = openat(dfd, "map.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 0 && ftruncate(fd, page * 3) == 0, "ftruncate for mmap");
    char *m = mmap(NULL, (size_t)page * 3, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED, "mmap shared: %s", strerror(errno));
    if (m == MAP_FAILED)
        return;
    memcpy(m + 10, "shared store", 12);
    memcpy(m + page * 2 + 5, "third page", 10);
    char buf[16] = {0};
    CHECK(pread(fd, buf, 12, 10) == 12 && memcmp(buf, "shared store", 12) == 0, "read sees '%.12s'", buf);
    CHECK(msync(m, (size_t)page * 3, MS_SYNC) == 0, "msync");
    CHECK(pread(fd, buf, 10, page * 2 + 5) == 10 && memcmp(buf, "third page", 10) == 0, "third page '%.10s'", buf);
    CHECK(pwrite(fd, "via write", 9, 100) == 9 && memcmp(m + 100, "via write", 9) == 0, "mapping sees write: '%.9s'",
          m + 100);

    /* A second mapping at a page offset sees the same bytes. */
    char *m2 = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, page * 2);
    CHECK(m2 != MAP_FAILED && memcmp(m2 + 5, "third page", 10) == 0, "offset mapping");
    if (m2 != MAP_FAILED)
        munmap(m2, (size_t)page);

    /* MAP_PRIVATE: copy on write, the file keeps its bytes. */
    char *p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(p != MAP_FAILED && memcmp(p + 10, "shared store", 12) == 0, "private mapping reads the file");
    if (p != MAP_FAILED) {
        memcpy(p + 10, "PRIVATE", 7);
        CHECK(pread(fd, buf, 12, 10) == 12 && memcmp(buf, "shared store", 12) == 0, "private store leaked: '%.12s'",
              buf);
        CHECK(memcmp(m + 10, "shared store", 12) == 0, "private store seen by the shared mapping");
        munmap(p, (size_t)page);
    }
    munmap(m, (size_t)page * 3);

    /* After unmapping, the data stays in the file. */
    close(fd);
    fd = openat(dfd, "map.bin", O_RDONLY);
    CHECK(pread(fd, buf, 12, 10) == 12 && memcmp(buf, "shared store", 12) == 0, "after munmap '%.12s'", buf);
    close(fd);
    unlinkat(dfd, "map.bin", 0);
}

/* memfd_create gives an anonymous file; inotify reports a name created in
 * the watched directory. */
static void test_memfd_inotify(int dfd)
{
    int fd = memfd_create("pvtest", MFD_CLOEXEC);
    CHECK(fd >= 0, "memfd_create: %s", strerror(errno));
    char buf[8] = {0};
    CHECK(write(fd, "memfd", 5) == 5 && pread(fd, buf, 5, 0) == 5 && !memcmp(buf, "memfd", 5), "memfd io");
    CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, "memfd MFD_CLOEXEC");
    close(fd);
    int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    CHECK(in >= 0, "inotify_init1: %s", strerror(errno));
    int w = inotify_add_watch(in, dir, IN_CREATE);
    CHECK(w > 0, "inotify_add_watch: %s", strerror(errno));
    int f = openat(dfd, "watched", O_CREAT | O_WRONLY, 0600);
    close(f);
    union { struct inotify_event e; char bytes[4096]; } ev;
    ssize_t n = read(in, &ev, sizeof ev);
    CHECK(n >= (ssize_t)sizeof ev.e && ev.e.wd == w && (ev.e.mask & IN_CREATE) && !strcmp(ev.e.name, "watched"),
          "inotify event: n %zd mask 0x%x", n, n > 0 ? ev.e.mask : 0);
    CHECK(inotify_rm_watch(in, w) == 0, "inotify_rm_watch: %s", strerror(errno));
    close(in);
    unlinkat(dfd, "watched", 0);
}

int main(void)
{
    if (!uc_make_tmpdir("files", dir, sizeof dir))
        return 1;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0, "open %s: %s", dir, strerror(errno));
    test_open_stat(dfd);
    test_seek_io(dfd);
    test_names(dfd);
    test_mmap(dfd);
    test_memfd_inotify(dfd);
    unlinkat(dfd, "a.txt", 0);
    unlinkat(dfd, "renamed.bin", 0);
    close(dfd);
    CHECK(rmdir(dir) == 0, "rmdir %s: %s (leftover files?)", dir, strerror(errno));
    return uc_finish("files");
}
