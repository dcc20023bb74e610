/*
 * deadline.h - points in time ahead, for bounded waits.
 *
 * A deadline is a struct timespec on a given clock: CLOCK_MONOTONIC for
 * waits polled by hand (poll, epoll), CLOCK_REALTIME for
 * pthread_cond_timedwait (whose default clock it is). Pure and
 * thread-safe.
 */
#ifndef PARITY_DEADLINE_H
#define PARITY_DEADLINE_H

#include <time.h>

/* The time ms milliseconds from now on clock. */
struct timespec deadline_after(clockid_t clock, int ms);

/* Milliseconds from now (CLOCK_MONOTONIC) until deadline, negative once it
 * has passed. */
long deadline_ms_left(const struct timespec *deadline);

#endif
