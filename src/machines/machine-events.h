/*
 * What ends or restarts a running machine, and the main thread's wait for it.
 *
 * Devices and host threads post requests (the guest powered off, failed,
 * asked for a reset; the user pressed Ctrl-A X; a hart stopped on a host
 * error); the thread that owns the machine sleeps on a condition variable
 * until one arrives, never polling. A request that ends the machine is never
 * hidden by a reset that comes after it: among several, the first ending one
 * wins, and a reset only counts when nothing ends the machine.
 *
 * Use:
 *     MachineEvents ev;
 *     machine_events_init(&ev);
 *     ... char_stdio_new(&(CharStdioConfig){.quit = machine_events_quit, .quit_opaque = &ev, ...});
 *     ... a device: machine_events_post(&ev, MACHINE_EVENT_POWEROFF, 0);
 *     MachineEvent e = machine_events_wait(&ev);      (main thread)
 *     return machine_event_exit_status(e);
 */
#ifndef POLYVM_MACHINES_MACHINE_EVENTS_H
#define POLYVM_MACHINES_MACHINE_EVENTS_H

#include <pthread.h>
#include <stdbool.h>

/* X(name, description); ordered so that every kind after RESET ends the machine */
#define MACHINE_EVENT_KINDS(X)                             \
    X(NONE, "nothing")                                     \
    X(RESET, "the guest asked for a reset")                \
    X(POWEROFF, "the guest powered off")                   \
    X(FAIL, "the guest reported a failure")                \
    X(QUIT, "quit from the console")                       \
    X(ERROR, "a hart stopped on a host error")

typedef enum MachineEventKind {
#define MACHINE_EVENT_ENUM(name, text) MACHINE_EVENT_##name,
    MACHINE_EVENT_KINDS(MACHINE_EVENT_ENUM)
#undef MACHINE_EVENT_ENUM
} MachineEventKind;

typedef struct MachineEvent {
    MachineEventKind kind;
    int code;               /* FAIL: the guest's exit code */
} MachineEvent;

typedef struct MachineEvents {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    MachineEvent pending;   /* kind NONE when nothing waits */
} MachineEvents;

void machine_events_init(MachineEvents *ev);
void machine_events_destroy(MachineEvents *ev);

/* Any thread. */
void machine_events_post(MachineEvents *ev, MachineEventKind kind, int code);
/* A CharStdioConfig.quit callback: posts QUIT. */
void machine_events_quit(void *opaque);

/* Sleeps until a request is pending, then takes it. */
MachineEvent machine_events_wait(MachineEvents *ev);
/* Takes the pending request without waiting (kind NONE if there is none). */
MachineEvent machine_events_take(MachineEvents *ev);

static inline bool machine_event_ends(MachineEvent e)
{
    return e.kind > MACHINE_EVENT_RESET;
}

/* The process exit status for an ending request, as QEMU gives it: 0 for a
 * power-off or a quit, the guest's code for a failure, 1 for a host error. */
int machine_event_exit_status(MachineEvent e);
const char *machine_event_name(MachineEventKind kind);

#endif
