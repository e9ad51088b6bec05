/*
 * The host's monotonic clock in nanoseconds, and the timespec form that
 * pthread_cond_timedwait() wants for a condition variable created with
 * CLOCK_MONOTONIC. Every timer, deadline and duration polyvm measures on
 * the host goes through these two.
 */
#ifndef POLYVM_HOST_CLOCK_H
#define POLYVM_HOST_CLOCK_H

#include <stdint.h>
#include <time.h>

#define HOST_NS_PER_SEC 1000000000u

static inline uint64_t host_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * HOST_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

static inline struct timespec host_timespec(uint64_t ns)
{
    return (struct timespec){.tv_sec = (time_t)(ns / HOST_NS_PER_SEC), .tv_nsec = (long)(ns % HOST_NS_PER_SEC)};
}

#endif
