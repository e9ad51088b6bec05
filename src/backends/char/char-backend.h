/*
 * The link between a character device model (a UART, a console) and the host
 * side that carries its bytes (a terminal, a socket, a test buffer). The two
 * halves never see each other's types: the device is a CharFrontend (can it
 * take bytes now? take them), the host side is a CharBackend (send these
 * bytes; the frontend has room again).
 *
 * Use: the board creates a backend (e.g. char_stdio_new()), then the device
 * with that backend; the device calls char_backend_attach() with its
 * CharFrontend, char_backend_write() for every byte the guest transmits, and
 * char_backend_accept_input() when room frees up in its receive buffer.
 * The backend delivers input only through frontend.receive(), never more
 * than frontend.can_receive() said, and from any thread it likes.
 *
 * Locking rule: a backend holds none of its own locks while it calls into the
 * frontend, so a frontend may call write()/accept_input() while holding its
 * own lock.
 */
#ifndef POLYVM_CHAR_BACKEND_H
#define POLYVM_CHAR_BACKEND_H

#include <stddef.h>
#include <stdint.h>

typedef struct CharFrontend {
    /* How many bytes receive() would accept now (0: hold on). */
    size_t (*can_receive)(void *opaque);
    /* Takes up to len bytes; returns how many it took. */
    size_t (*receive)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
} CharFrontend;

typedef struct CharBackend CharBackend;

typedef struct CharBackendOps {
    /* Optional: stores the frontend and starts delivering input (a backend
     * with host threads starts them here, so they never see a half-set
     * frontend). Without it, char_backend_attach() just stores it. */
    void (*attach)(CharBackend *be, const CharFrontend *fe);
    /* Sends guest output to the host; may drop bytes if the host side is gone. */
    void (*write)(CharBackend *be, const uint8_t *buf, size_t len);
    /* The frontend has room again: deliver any input held back. */
    void (*accept_input)(CharBackend *be);
    /* Stops host threads and frees the backend. */
    void (*destroy)(CharBackend *be);
} CharBackendOps;

struct CharBackend {
    const CharBackendOps *ops;
    CharFrontend frontend;     /* set by char_backend_attach(); zero until then */
};

/* Connects the device; input starts flowing once a frontend is attached. */
static inline void char_backend_attach(CharBackend *be, const CharFrontend *fe)
{
    if (be->ops->attach)
        be->ops->attach(be, fe);
    else
        be->frontend = *fe;
}

static inline void char_backend_write(CharBackend *be, const uint8_t *buf, size_t len)
{
    if (be && be->ops->write)
        be->ops->write(be, buf, len);
}

static inline void char_backend_accept_input(CharBackend *be)
{
    if (be && be->ops->accept_input)
        be->ops->accept_input(be);
}

static inline void char_backend_destroy(CharBackend *be)
{
    if (be && be->ops->destroy)
        be->ops->destroy(be);
}

#endif
