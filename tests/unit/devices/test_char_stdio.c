/*
 * The stdio character backend over a pipe (bytes forwarded unchanged, in
 * step with the frontend's room) and over a pseudo-terminal (raw mode on
 * and back off, Ctrl-A escapes: help, a literal Ctrl-A, quit).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "backends/char/char-stdio.h"

/* A frontend with a tiny receive buffer the test drains by hand. */
typedef struct TestFrontend {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    size_t capacity, held;        /* bytes not yet drained */
    uint8_t got[2048];   /* the first bytes received; got_len counts them all */
    size_t got_len;
    bool quit;
} TestFrontend;

static size_t fe_can_receive(void *opaque)
{
    TestFrontend *t = opaque;
    pthread_mutex_lock(&t->lock);
    size_t room = t->capacity - t->held;
    pthread_mutex_unlock(&t->lock);
    return room;
}

static size_t fe_receive(void *opaque, const uint8_t *buf, size_t len)
{
    TestFrontend *t = opaque;
    pthread_mutex_lock(&t->lock);
    size_t room = t->capacity - t->held;
    size_t n = len < room ? len : room;
    for (size_t i = 0; i < n; i++, t->got_len++)
        if (t->got_len < sizeof(t->got))
            t->got[t->got_len] = buf[i];
    t->held += n;
    pthread_cond_broadcast(&t->changed);
    pthread_mutex_unlock(&t->lock);
    return n;
}

static void on_quit(void *opaque)
{
    TestFrontend *t = opaque;
    pthread_mutex_lock(&t->lock);
    t->quit = true;
    pthread_cond_broadcast(&t->changed);
    pthread_mutex_unlock(&t->lock);
}

static void frontend_init(TestFrontend *t, size_t capacity)
{
    memset(t, 0, sizeof(*t));
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->changed, NULL);
    t->capacity = capacity;
}

/* Waits (bounded, so a broken backend fails instead of hanging) until the
 * frontend has got `count` bytes or, with count 0, until quit. */
static bool wait_for(TestFrontend *t, size_t count)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 10;
    pthread_mutex_lock(&t->lock);
    int err = 0;
    while (err == 0 && (count ? t->got_len < count : !t->quit))
        err = pthread_cond_timedwait(&t->changed, &t->lock, &deadline);
    bool ok = count ? t->got_len >= count : t->quit;
    pthread_mutex_unlock(&t->lock);
    return ok;
}

static void drain(TestFrontend *t, CharBackend *be)
{
    pthread_mutex_lock(&t->lock);
    t->held = 0;
    pthread_mutex_unlock(&t->lock);
    char_backend_accept_input(be);
}

static void test_pipe_forwards_with_flow_control(void **state)
{
    (void)state;
    int in[2], out[2];
    assert_int_equal(pipe(in), 0);
    assert_int_equal(pipe(out), 0);
    TestFrontend t;
    frontend_init(&t, 4);
    CharBackend *be = char_stdio_new(&(CharStdioConfig){.in_fd = in[0], .out_fd = out[1],
                                                        .quit = on_quit, .quit_opaque = &t});
    assert_non_null(be);
    char_backend_attach(be, &(CharFrontend){fe_can_receive, fe_receive, &t});

    /* Ctrl-A is an ordinary byte when the input is not a terminal. */
    const char msg[] = "hello\x01x world";
    size_t len = sizeof(msg) - 1;
    assert_int_equal(write(in[1], msg, len), (ssize_t)len);
    for (size_t done = 4; done < len; done += 4) {
        assert_true(wait_for(&t, done));
        /* The frontend is full: nothing more arrives until it drains. */
        assert_int_equal(t.got_len, done);
        drain(&t, be);
    }
    assert_true(wait_for(&t, len));
    assert_memory_equal(t.got, msg, len);
    assert_false(t.quit);
    drain(&t, be);

    /* More than the backend buffers at once: nothing may be lost. */
    static uint8_t big[1000];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 7);
    pthread_mutex_lock(&t.lock);
    t.got_len = 0;
    pthread_mutex_unlock(&t.lock);
    assert_int_equal(write(in[1], big, sizeof(big)), (ssize_t)sizeof(big));
    for (size_t i = 0; i < sizeof(big); i += 4) {
        assert_true(wait_for(&t, i + 4));
        drain(&t, be);
    }
    assert_memory_equal(t.got, big, sizeof(big));

    char_backend_write(be, (const uint8_t *)"out", 3);
    char buf[8] = {0};
    assert_int_equal(read(out[0], buf, sizeof(buf)), 3);
    assert_string_equal(buf, "out");

    close(in[1]);   /* EOF: the backend just stops reading */
    char_backend_destroy(be);
    close(in[0]);
    close(out[0]);
    close(out[1]);
}

static bool read_until(int fd, char *buf, size_t size, const char *needle)
{
    size_t len = 0;
    buf[0] = 0;
    while (!strstr(buf, needle) && len + 1 < size) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, 10000) <= 0)
            return false;
        ssize_t n = read(fd, buf + len, size - 1 - len);
        if (n <= 0)
            return false;
        len += (size_t)n;
        buf[len] = 0;
    }
    return strstr(buf, needle) != NULL;
}

static void test_terminal_raw_mode_and_escapes(void **state)
{
    (void)state;
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
        if (master >= 0)
            close(master);
        skip();   /* no pseudo-terminals in this sandbox */
    }
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    assert_true(slave >= 0);
    struct termios before;
    assert_int_equal(tcgetattr(slave, &before), 0);
    assert_true(before.c_lflag & ICANON);

    TestFrontend t;
    frontend_init(&t, 64);
    CharBackend *be = char_stdio_new(&(CharStdioConfig){.in_fd = slave, .out_fd = slave,
                                                        .quit = on_quit, .quit_opaque = &t});
    assert_non_null(be);
    struct termios raw;
    assert_int_equal(tcgetattr(slave, &raw), 0);
    assert_false(raw.c_lflag & (ICANON | ECHO | ISIG));
    assert_false(raw.c_iflag & ICRNL);
    char_backend_attach(be, &(CharFrontend){fe_can_receive, fe_receive, &t});

    /* Ctrl-C and CR pass through untouched; Ctrl-A Ctrl-A is one Ctrl-A. */
    const char keys[] = "a\x03\r\x01\x01" "b";
    assert_int_equal(write(master, keys, sizeof(keys) - 1), (ssize_t)sizeof(keys) - 1);
    assert_true(wait_for(&t, 5));
    assert_memory_equal(t.got, "a\x03\r\x01" "b", 5);

    char buf[512];
    assert_int_equal(write(master, "\x01h", 2), 2);
    assert_true(read_until(master, buf, sizeof(buf), "C-a x"));

    assert_int_equal(write(master, "c\x01x", 3), 3);
    assert_true(wait_for(&t, 0));
    assert_int_equal(t.got_len, 6);   /* "c" arrived; the escape itself did not */
    assert_int_equal(t.got[5], 'c');

    char_backend_destroy(be);
    struct termios after;
    assert_int_equal(tcgetattr(slave, &after), 0);
    assert_true(after.c_lflag & ICANON);
    assert_int_equal(after.c_lflag, before.c_lflag);
    assert_int_equal(after.c_iflag, before.c_iflag);
    close(slave);
    close(master);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipe_forwards_with_flow_control),
        cmocka_unit_test(test_terminal_raw_mode_and_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
