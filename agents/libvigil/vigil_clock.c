#include "vigil_clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

vigil_clock vigil_clock_state = {.source = VIGIL_CLOCK_MONOTONIC};

/* Both flags must be present: only then does the TSC tick at a fixed rate
 * through frequency changes and deep C-states. */
static int tsc_is_invariant(void) {
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return 0;
    char line[4096];
    int ok = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "flags", 5) != 0) continue;
        ok = strstr(line, " constant_tsc") && strstr(line, " nonstop_tsc");
        break;
    }
    fclose(f);
    return ok;
}

#if defined(__x86_64__)
static void calibrate_tsc(void) {
    const uint64_t span_ns = 10 * 1000 * 1000;
    uint64_t ns0 = vigil_monotonic_ns();
    uint64_t t0 = __builtin_ia32_rdtsc();
    uint64_t ns1, t1;
    do {
        ns1 = vigil_monotonic_ns();
        t1 = __builtin_ia32_rdtsc();
    } while (ns1 - ns0 < span_ns);
    if (t1 <= t0) return; /* TSC not usable: stay on clock_gettime */
    vigil_clock_state.mult = (uint64_t)(((unsigned __int128)(ns1 - ns0) << 32) / (t1 - t0));
    vigil_clock_state.tsc_base = t1;
    vigil_clock_state.ns_base = ns1;
    vigil_clock_state.source = VIGIL_CLOCK_TSC;
}
#endif

void vigil_clock_init(void) {
    const char *forced = getenv("VIGIL_CLOCK");
    if (forced && strcmp(forced, "monotonic") == 0) return;
#if defined(__x86_64__)
    if (tsc_is_invariant()) calibrate_tsc();
#endif
}

int64_t vigil_clock_wall_offset(void) {
    struct timespec wall;
    uint64_t mono = vigil_monotonic_ns();
    clock_gettime(CLOCK_REALTIME, &wall);
    return (int64_t)((uint64_t)wall.tv_sec * 1000000000ull + (uint64_t)wall.tv_nsec) - (int64_t)mono;
}
