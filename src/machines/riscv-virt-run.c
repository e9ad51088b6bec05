/*
 * Running the riscv `virt` board: one host thread per hart in rv_cpu_run(),
 * while the calling thread sleeps in machine_events_wait() until the guest
 * powers off, fails, resets, a hart hits a host error, or the user quits.
 * Then every hart is stopped and joined; a reset rebuilds the machine
 * (riscv_virt_reset) and starts the harts again, anything else ends the run
 * with QEMU's exit status.
 */
#include <stdio.h>
#include <string.h>

#include "machines/riscv-virt.h"

static void *hart_main(void *opaque)
{
    RiscvVirtHart *h = opaque;
    if (rv_cpu_run(h->cpu) < 0)
        machine_events_post(h->board->cfg.events, MACHINE_EVENT_ERROR, 0);
    return NULL;
}

static void stop_harts(RiscvVirt *b)
{
    for (unsigned i = 0; i < b->cfg.harts; i++)
        if (b->harts[i].running)
            rv_cpu_stop(b->harts[i].cpu);
    for (unsigned i = 0; i < b->cfg.harts; i++)
        if (b->harts[i].running) {
            pthread_join(b->harts[i].thread, NULL);
            b->harts[i].running = false;
        }
}

static int start_harts(RiscvVirt *b, char *err, size_t errlen)
{
    for (unsigned i = 0; i < b->cfg.harts; i++) {
        int rc = pthread_create(&b->harts[i].thread, NULL, hart_main, &b->harts[i]);
        if (rc) {
            snprintf(err, errlen, "virt board: cannot start the thread of hart %u: %s", i, strerror(rc));
            stop_harts(b);
            return -rc;
        }
        b->harts[i].running = true;
    }
    return 0;
}

int riscv_virt_run(RiscvVirt *b, char *err, size_t errlen)
{
    for (;;) {
        if (start_harts(b, err, errlen))
            return 1;
        MachineEvent e = machine_events_wait(b->cfg.events);
        stop_harts(b);
        /* Something that ends the machine may have come in while the harts
         * stopped (a second hart powering off, Ctrl-A X); it wins over a
         * reset, and further resets add nothing. */
        MachineEvent late = machine_events_take(b->cfg.events);
        if (!machine_event_ends(e) && machine_event_ends(late))
            e = late;
        if (e.kind == MACHINE_EVENT_ERROR)
            snprintf(err, errlen, "virt board: %s", machine_event_name(e.kind));
        if (machine_event_ends(e))
            return machine_event_exit_status(e);
        if (b->cfg.no_reboot)
            return 0;
        if (riscv_virt_reset(b, err, errlen))
            return 1;
    }
}
