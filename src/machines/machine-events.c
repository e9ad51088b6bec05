/*
 * The machine's request box (machine-events.h): one pending request guarded
 * by a mutex, a condition variable to sleep on.
 */
#include "machines/machine-events.h"

void machine_events_init(MachineEvents *ev)
{
    pthread_mutex_init(&ev->lock, NULL);
    pthread_cond_init(&ev->cond, NULL);
    ev->pending = (MachineEvent){MACHINE_EVENT_NONE, 0};
}

void machine_events_destroy(MachineEvents *ev)
{
    pthread_cond_destroy(&ev->cond);
    pthread_mutex_destroy(&ev->lock);
}

void machine_events_post(MachineEvents *ev, MachineEventKind kind, int code)
{
    pthread_mutex_lock(&ev->lock);
    /* The first request that ends the machine is the one that decides the
     * exit status; a reset never replaces it. */
    if (!machine_event_ends(ev->pending) && kind > ev->pending.kind)
        ev->pending = (MachineEvent){kind, code};
    pthread_cond_broadcast(&ev->cond);
    pthread_mutex_unlock(&ev->lock);
}

void machine_events_quit(void *opaque)
{
    machine_events_post(opaque, MACHINE_EVENT_QUIT, 0);
}

static MachineEvent take_locked(MachineEvents *ev)
{
    MachineEvent e = ev->pending;
    ev->pending = (MachineEvent){MACHINE_EVENT_NONE, 0};
    return e;
}

MachineEvent machine_events_wait(MachineEvents *ev)
{
    pthread_mutex_lock(&ev->lock);
    while (ev->pending.kind == MACHINE_EVENT_NONE)
        pthread_cond_wait(&ev->cond, &ev->lock);
    MachineEvent e = take_locked(ev);
    pthread_mutex_unlock(&ev->lock);
    return e;
}

MachineEvent machine_events_take(MachineEvents *ev)
{
    pthread_mutex_lock(&ev->lock);
    MachineEvent e = take_locked(ev);
    pthread_mutex_unlock(&ev->lock);
    return e;
}

int machine_event_exit_status(MachineEvent e)
{
    switch (e.kind) {
    case MACHINE_EVENT_FAIL: return e.code;
    case MACHINE_EVENT_ERROR: return 1;
    default: return 0;
    }
}

const char *machine_event_name(MachineEventKind kind)
{
    switch (kind) {
#define MACHINE_EVENT_CASE(name, text) case MACHINE_EVENT_##name: return text;
        MACHINE_EVENT_KINDS(MACHINE_EVENT_CASE)
#undef MACHINE_EVENT_CASE
    }
    return "unknown";
}
