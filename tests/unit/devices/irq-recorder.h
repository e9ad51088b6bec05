/*
 * Test helper: IrqLine receivers that record the last level of each line
 * and how many times it changed, so tests can assert what a device drove.
 */
#ifndef POLYVM_TEST_IRQ_RECORDER_H
#define POLYVM_TEST_IRQ_RECORDER_H

#include <stdbool.h>

#include "polyvm/device.h"

enum { IRQ_RECORDER_LINES = 16 };

typedef struct IrqRecorder {
    bool level[IRQ_RECORDER_LINES];
    unsigned changes[IRQ_RECORDER_LINES];
} IrqRecorder;

static inline void irq_recorder_set(void *opaque, unsigned n, bool level)
{
    IrqRecorder *r = opaque;
    if (n >= IRQ_RECORDER_LINES)
        return;
    if (r->level[n] != level)
        r->changes[n]++;
    r->level[n] = level;
}

static inline IrqLine irq_recorder_line(IrqRecorder *r, unsigned n)
{
    return (IrqLine){.set = irq_recorder_set, .opaque = r, .n = n};
}

#endif
