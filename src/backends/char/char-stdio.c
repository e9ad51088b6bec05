/*
 * stdio character backend (see char-stdio.h).
 *
 * One input thread per backend polls two descriptors: the input, and an
 * eventfd that means "look again" (stop requested, or the frontend made
 * room). Input bytes pass the escape filter into a small pending buffer
 * that is handed to the frontend as it makes room. On a terminal the
 * input keeps being read even when the buffer is full (excess keys are
 * dropped, as a real UART overruns), so Ctrl-A x still works when the guest
 * has stopped reading; a pipe is simply not read until there is room.
 *
 * Raw mode is process-wide state (one terminal), kept in file-scope
 * variables that the atexit and signal handlers can reach.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <termios.h>
#include <unistd.h>

#include "backends/char/char-stdio.h"

enum { ESCAPE_CHAR = 0x01, PENDING_SIZE = 256 };

typedef struct CharStdio {
    CharBackend be;          /* first: the ops receive &be */
    int in_fd, out_fd, wake_fd;
    bool escapes;            /* the input is a terminal */
    bool raw;                /* this backend put the terminal in raw mode */
    void (*quit)(void *opaque);
    void *quit_opaque;

    pthread_t thread;
    bool thread_started;
    atomic_bool stopping;
    atomic_bool wants_room;  /* the thread sleeps until the frontend has room */

    /* Guards be.frontend and in_call, so attach() can wait out a delivery. */
    pthread_mutex_t lock;
    pthread_cond_t idle;
    bool in_call;

    pthread_mutex_t write_lock;   /* guest output and help text do not interleave */

    /* Thread-owned. */
    uint8_t pending[PENDING_SIZE];
    size_t pending_start, pending_end;
    bool got_escape, input_done;
} CharStdio;

/* ---- terminal raw mode, restored however the process ends ---- */

static const int fatal_signals[] = {SIGTERM, SIGHUP, SIGQUIT, SIGINT, SIGABRT,
                                    SIGSEGV, SIGBUS, SIGILL, SIGFPE};
enum { FATAL_SIGNAL_COUNT = sizeof(fatal_signals) / sizeof(fatal_signals[0]) };

static struct termios saved_termios;
static volatile sig_atomic_t raw_fd = -1;
static struct sigaction saved_actions[FATAL_SIGNAL_COUNT];
static bool handler_installed[FATAL_SIGNAL_COUNT];
static bool atexit_registered;

static void restore_terminal(void)
{
    int fd = raw_fd;
    if (fd >= 0) {
        tcsetattr(fd, TCSANOW, &saved_termios);   /* async-signal-safe */
        raw_fd = -1;
    }
}

/* Runs once (SA_RESETHAND): the terminal comes back, then the signal is
 * raised again with its default action, so the process dies as it would
 * have (status, core dump). */
static void fatal_signal_handler(int sig)
{
    restore_terminal();
    raise(sig);
}

static void install_signal_handlers(void)
{
    for (int i = 0; i < FATAL_SIGNAL_COUNT; i++) {
        struct sigaction old;
        if (sigaction(fatal_signals[i], NULL, &old) != 0)
            continue;
        /* Someone else's handler (e.g. a fault handler) stays in charge. */
        if (old.sa_handler != SIG_DFL || (old.sa_flags & SA_SIGINFO))
            continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = fatal_signal_handler;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND | SA_NODEFER;
        if (sigaction(fatal_signals[i], &sa, NULL) == 0) {
            saved_actions[i] = old;
            handler_installed[i] = true;
        }
    }
}

static void remove_signal_handlers(void)
{
    for (int i = 0; i < FATAL_SIGNAL_COUNT; i++) {
        if (!handler_installed[i])
            continue;
        handler_installed[i] = false;
        /* Put the old action back only if nobody replaced ours since. */
        struct sigaction now;
        if (sigaction(fatal_signals[i], NULL, &now) == 0 &&
            now.sa_handler == fatal_signal_handler)
            sigaction(fatal_signals[i], &saved_actions[i], NULL);
    }
}

static int enter_raw_mode(int fd)
{
    if (raw_fd >= 0)
        return -EBUSY;
    struct termios t;
    if (tcgetattr(fd, &t) != 0)
        return -errno;
    saved_termios = t;
    /* Every key reaches the guest as typed; output processing is left alone
     * so the host terminal still renders the guest's lines. */
    t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cflag = (t.c_cflag & ~(tcflag_t)(CSIZE | PARENB)) | CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (!atexit_registered) {
        atexit(restore_terminal);
        atexit_registered = true;
    }
    raw_fd = fd;
    install_signal_handlers();
    if (tcsetattr(fd, TCSANOW, &t) != 0) {
        int err = -errno;
        raw_fd = -1;
        remove_signal_handlers();
        return err;
    }
    return 0;
}

static void leave_raw_mode(void)
{
    restore_terminal();
    remove_signal_handlers();
}

/* ---- output ---- */

static void write_all(CharStdio *s, const void *buf, size_t len)
{
    if (s->out_fd < 0)
        return;
    const uint8_t *p = buf;
    pthread_mutex_lock(&s->write_lock);
    while (len > 0) {
        ssize_t n = write(s->out_fd, p, len);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
        } else if (n < 0 && errno == EAGAIN) {
            struct pollfd pfd = {.fd = s->out_fd, .events = POLLOUT};
            poll(&pfd, 1, -1);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            break;   /* the host side is gone: drop, as an unplugged cable would */
        }
    }
    pthread_mutex_unlock(&s->write_lock);
}

static void stdio_write(CharBackend *be, const uint8_t *buf, size_t len)
{
    write_all((CharStdio *)be, buf, len);
}

static void wake_thread(CharStdio *s)
{
    uint64_t one = 1;
    ssize_t n = write(s->wake_fd, &one, sizeof(one));
    (void)n;   /* an eventfd only fails when its counter is saturated: awake anyway */
}

static void stdio_accept_input(CharBackend *be)
{
    CharStdio *s = (CharStdio *)be;
    if (atomic_exchange(&s->wants_room, false))
        wake_thread(s);
}

/* ---- input thread ---- */

static const char escape_help[] =
    "\r\n"
    "C-a h    print this help\r\n"
    "C-a x    exit polyvm\r\n"
    "C-a C-a  send C-a to the guest\r\n";

static void pend(CharStdio *s, uint8_t byte)
{
    if (s->pending_end < PENDING_SIZE)
        s->pending[s->pending_end++] = byte;
}

/* Runs input through the escape filter into pending. False once the user
 * asked to quit. */
static bool filter_input(CharStdio *s, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];
        if (!s->escapes) {
            pend(s, c);
        } else if (s->got_escape) {
            s->got_escape = false;
            if (c == ESCAPE_CHAR) {
                pend(s, c);
            } else if (c == 'x' || c == 'X') {
                static const char msg[] = "\r\npolyvm: terminated\r\n";
                write_all(s, msg, sizeof(msg) - 1);
                return false;
            } else if (c == 'h' || c == 'H' || c == '?') {
                write_all(s, escape_help, sizeof(escape_help) - 1);
            }
            /* other escapes mean nothing here and are dropped */
        } else if (c == ESCAPE_CHAR) {
            s->got_escape = true;
        } else {
            pend(s, c);
        }
    }
    return true;
}

/* Hands pending bytes to the frontend while it has room. */
static void deliver(CharStdio *s)
{
    while (s->pending_start < s->pending_end && !atomic_load(&s->stopping)) {
        pthread_mutex_lock(&s->lock);
        CharFrontend fe = s->be.frontend;
        if (!fe.can_receive || !fe.receive) {
            pthread_mutex_unlock(&s->lock);
            atomic_store(&s->wants_room, true);   /* attach() wakes us */
            return;
        }
        s->in_call = true;
        pthread_mutex_unlock(&s->lock);

        /* Announce the wait before asking, so room made in between is not missed. */
        atomic_store(&s->wants_room, true);
        size_t room = fe.can_receive(fe.opaque);
        size_t avail = s->pending_end - s->pending_start;
        size_t taken = room ? fe.receive(fe.opaque, s->pending + s->pending_start,
                                         room < avail ? room : avail) : 0;

        pthread_mutex_lock(&s->lock);
        s->in_call = false;
        pthread_cond_broadcast(&s->idle);
        pthread_mutex_unlock(&s->lock);

        s->pending_start += taken;
        if (taken == 0)
            return;   /* wait for accept_input() */
        atomic_store(&s->wants_room, false);
    }
    if (s->pending_start == s->pending_end)
        s->pending_start = s->pending_end = 0;
}

/* Reads what the input has into pending; false once input should stop. */
static bool read_input(CharStdio *s)
{
    uint8_t buf[PENDING_SIZE];
    /* Compact so the free space is contiguous. */
    if (s->pending_start > 0) {
        memmove(s->pending, s->pending + s->pending_start, s->pending_end - s->pending_start);
        s->pending_end -= s->pending_start;
        s->pending_start = 0;
    }
    /* A pipe is read only as far as there is room (nothing lost); a
     * terminal is read in full, keys beyond the room are dropped. */
    size_t want = s->escapes ? sizeof(buf) : PENDING_SIZE - s->pending_end;
    ssize_t n = read(s->in_fd, buf, want);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0) {
        s->input_done = true;   /* EOF or a dead input: the guest just gets no more */
        return true;
    }
    if (!filter_input(s, buf, (size_t)n)) {
        s->input_done = true;
        deliver(s);   /* what came before the escape, if there is room; never waits */
        if (s->quit)
            s->quit(s->quit_opaque);
        return false;
    }
    return true;
}

static void *input_thread(void *opaque)
{
    CharStdio *s = opaque;
    while (!atomic_load(&s->stopping)) {
        deliver(s);
        bool room = s->pending_end < PENDING_SIZE;
        struct pollfd fds[2] = {
            {.fd = s->wake_fd, .events = POLLIN},
            /* A pipe waits for room; a terminal is read anyway for escapes. */
            {.fd = (!s->input_done && (room || s->escapes)) ? s->in_fd : -1, .events = POLLIN},
        };
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[0].revents & POLLIN) {
            uint64_t count;
            ssize_t n = read(s->wake_fd, &count, sizeof(count));
            (void)n;
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (!read_input(s))
                break;
        } else if (fds[1].revents & POLLNVAL) {
            s->input_done = true;
        }
    }
    return NULL;
}

/* ---- life cycle ---- */

static void stdio_attach(CharBackend *be, const CharFrontend *fe)
{
    CharStdio *s = (CharStdio *)be;
    pthread_mutex_lock(&s->lock);
    while (s->in_call)
        pthread_cond_wait(&s->idle, &s->lock);
    s->be.frontend = *fe;
    pthread_mutex_unlock(&s->lock);

    if (s->in_fd < 0)
        return;
    if (!s->thread_started && fe->receive) {
        if (pthread_create(&s->thread, NULL, input_thread, s) == 0)
            s->thread_started = true;
    } else if (s->thread_started) {
        atomic_store(&s->wants_room, false);
        wake_thread(s);
    }
}

static void stdio_destroy(CharBackend *be)
{
    CharStdio *s = (CharStdio *)be;
    if (s->thread_started) {
        atomic_store(&s->stopping, true);
        wake_thread(s);
        pthread_join(s->thread, NULL);
    }
    if (s->raw)
        leave_raw_mode();
    close(s->wake_fd);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->idle);
    pthread_mutex_destroy(&s->write_lock);
    free(s);
}

static const CharBackendOps stdio_ops = {
    .attach = stdio_attach,
    .write = stdio_write,
    .accept_input = stdio_accept_input,
    .destroy = stdio_destroy,
};

CharBackend *char_stdio_new(const CharStdioConfig *cfg)
{
    CharStdio *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->be.ops = &stdio_ops;
    s->in_fd = cfg->in_fd;
    s->out_fd = cfg->out_fd;
    s->quit = cfg->quit;
    s->quit_opaque = cfg->quit_opaque;
    s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (s->wake_fd < 0) {
        free(s);
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->idle, NULL);
    pthread_mutex_init(&s->write_lock, NULL);
    atomic_init(&s->stopping, false);
    atomic_init(&s->wants_room, false);

    if (s->in_fd >= 0 && isatty(s->in_fd)) {
        s->escapes = true;
        /* A second terminal backend keeps its escapes but cannot also own raw mode. */
        s->raw = enter_raw_mode(s->in_fd) == 0;
    }
    return &s->be;
}
