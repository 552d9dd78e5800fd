/*
 * Timestamps for the interposer: CLOCK_MONOTONIC nanoseconds.
 *
 * Two clock_gettime calls per collective cost about 55 ns here, nearly the
 * whole per-call budget, so on CPUs with an invariant TSC (constant_tsc and
 * nonstop_tsc) we read the TSC and convert it with a multiplier calibrated
 * against CLOCK_MONOTONIC at init. VIGIL_CLOCK=monotonic forces the syscall
 * path (also the fallback elsewhere).
 */
#ifndef VIGIL_CLOCK_H
#define VIGIL_CLOCK_H

#include <stdint.h>
#include <time.h>

enum vigil_clock_source { VIGIL_CLOCK_TSC = 1, VIGIL_CLOCK_MONOTONIC = 2 };

typedef struct vigil_clock {
    uint32_t source;
    uint64_t tsc_base;
    uint64_t ns_base;
    uint64_t mult;      /* ns per tick, fixed point 32.32 */
} vigil_clock;

extern vigil_clock vigil_clock_state;

/* Pick the source and calibrate (about 10 ms with TSC). */
void vigil_clock_init(void);

/* CLOCK_REALTIME minus CLOCK_MONOTONIC, in ns, now. */
int64_t vigil_clock_wall_offset(void);

static inline uint64_t vigil_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t vigil_now(void) {
#if defined(__x86_64__)
    if (__builtin_expect(vigil_clock_state.source == VIGIL_CLOCK_TSC, 1)) {
        uint64_t ticks = __builtin_ia32_rdtsc() - vigil_clock_state.tsc_base;
        return vigil_clock_state.ns_base +
               (uint64_t)(((unsigned __int128)ticks * vigil_clock_state.mult) >> 32);
    }
#endif
    return vigil_monotonic_ns();
}

#endif
