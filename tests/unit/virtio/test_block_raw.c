/*
 * Unit tests of the raw image block backend: error messages that name the
 * file, size, scattered preadv/pwritev, read-only refusal, flush, write-zeroes
 * and discard, and the lock that keeps a second writer out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/block/block-raw.h"

static void make_file(char *path, size_t size)
{
    strcpy(path, "/tmp/polyvm-raw-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    uint8_t *data = malloc(size);
    for (size_t k = 0; k < size; k++)
        data[k] = (uint8_t)(k * 13 + 1);
    assert_int_equal(write(fd, data, size), (ssize_t)size);
    free(data);
    close(fd);
}

static void test_missing_file(void **state)
{
    (void)state;
    char err[256] = "";
    BlockBackend *be = (BlockBackend *)1;
    int r = block_raw_open("/nonexistent/polyvm-disk.img", false, &be, err, sizeof err);
    assert_int_equal(r, -ENOENT);
    assert_null(be);
    assert_non_null(strstr(err, "/nonexistent/polyvm-disk.img"));
    assert_non_null(strstr(err, "No such file"));

    r = block_raw_open("/tmp", true, &be, err, sizeof err);
    assert_true(r < 0);
    assert_non_null(strstr(err, "/tmp"));
}

static void test_io(void **state)
{
    (void)state;
    char path[64], err[256];
    make_file(path, 8192 + 100);     /* a tail that is not a whole sector */
    BlockBackend *be;
    assert_int_equal(block_raw_open(path, false, &be, err, sizeof err), 0);
    assert_int_equal(be->size, 8192 + 100);
    assert_false(be->read_only);

    uint8_t a[3], b[1000], c[97];
    memset(a, 1, sizeof a);
    memset(b, 2, sizeof b);
    memset(c, 3, sizeof c);
    struct iovec iov[] = { { a, sizeof a }, { NULL, 0 }, { b, sizeof b }, { c, sizeof c } };
    assert_int_equal(block_backend_pwritev(be, iov, 4, 4000), 0);
    uint8_t back[1200];
    struct iovec one = { back, sizeof back };
    assert_int_equal(block_backend_preadv(be, &one, 1, 4000), 0);
    assert_int_equal(back[0], 1);
    assert_int_equal(back[3], 2);
    assert_int_equal(back[1002], 2);
    assert_int_equal(back[1003], 3);
    assert_int_equal(back[1099], 3);
    assert_int_equal(block_backend_flush(be), 0);

    /* reading past the end of the file fails, it does not return garbage */
    struct iovec past = { back, 512 };
    assert_int_equal(block_backend_preadv(be, &past, 1, 8192), -EIO);

    assert_int_equal(block_backend_write_zeroes(be, 4096, 1024, false), 0);
    assert_int_equal(block_backend_preadv(be, &one, 1, 4000), 0);
    assert_int_equal(back[0], 1);
    for (unsigned k = 96; k < 96 + 1024; k++)
        if (back[k] != 0)
            fail_msg("byte %u not zeroed", k);
    int r = block_backend_discard(be, 0, 4096);
    assert_true(r == 0 || r == -EOPNOTSUPP);

    /* a second writer is turned away while we hold the image */
    BlockBackend *other;
    r = block_raw_open(path, false, &other, err, sizeof err);
    assert_int_equal(r, -EBUSY);
    assert_non_null(strstr(err, path));
    block_backend_close(be);
    assert_int_equal(block_raw_open(path, false, &other, err, sizeof err), 0);
    block_backend_close(other);
    unlink(path);
}

static void test_read_only(void **state)
{
    (void)state;
    char path[64], err[256];
    make_file(path, 4096);
    BlockBackend *be, *be2;
    assert_int_equal(block_raw_open(path, true, &be, err, sizeof err), 0);
    assert_true(be->read_only);
    /* readers share */
    assert_int_equal(block_raw_open(path, true, &be2, err, sizeof err), 0);
    uint8_t buf[16] = { 0 };
    struct iovec iov = { buf, sizeof buf };
    assert_int_equal(block_backend_pwritev(be, &iov, 1, 0), -EROFS);
    assert_int_equal(block_backend_write_zeroes(be, 0, 512, false), -EROFS);
    assert_int_equal(block_backend_discard(be, 0, 512), -EROFS);
    assert_int_equal(block_backend_preadv(be, &iov, 1, 0), 0);
    assert_int_equal(buf[1], 14);
    block_backend_close(be2);
    block_backend_close(be);
    block_backend_close(NULL);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_io),
        cmocka_unit_test(test_read_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
