/*
 * What the test workloads share: options, compute that spins (a CPU-bound
 * rank) or sleeps (a rank waiting on its GPU), and their progress lines.
 * Each workload is a training loop of another shape than vigil-train's, for
 * judging the detector on programs it was not tuned to.
 */
#ifndef VIGIL_WORKLOAD_H
#define VIGIL_WORKLOAD_H

#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct workload_options {
    long steps;
    int compute_us;   /* per step */
    int sleep;        /* compute sleeps instead of spinning */
    int tp;           /* mesh: tensor-parallel group size */
    int eval_every, eval_ms;  /* uneven: rank 0 evaluates every N steps for M ms */
    int load_every, load_ms;  /* uneven: every rank waits on data every N steps for M ms */
    int stages, micro_batches, activation_kb;  /* pipeline */
    int cells, allreduce_every;                /* stencil: cube edge per rank, steps between allreduces */
    int log_every;
} workload_options;

/* --name value pairs into `o`; 0, or -1 on anything unknown or out of range. */
static inline int workload_parse(int argc, char **argv, workload_options *o) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--sleep")) { o->sleep = 1; continue; }
        if (i + 1 >= argc) return -1;
        long v = strtol(argv[++i], NULL, 10);
        if (v < 0) return -1;
        if (!strcmp(a, "--steps")) o->steps = v;
        else if (!strcmp(a, "--compute-us")) o->compute_us = (int)v;
        else if (!strcmp(a, "--tp")) o->tp = (int)v;
        else if (!strcmp(a, "--eval-every")) o->eval_every = (int)v;
        else if (!strcmp(a, "--eval-ms")) o->eval_ms = (int)v;
        else if (!strcmp(a, "--load-every")) o->load_every = (int)v;
        else if (!strcmp(a, "--load-ms")) o->load_ms = (int)v;
        else if (!strcmp(a, "--log-every")) o->log_every = (int)v;
        else if (!strcmp(a, "--stages")) o->stages = (int)v;
        else if (!strcmp(a, "--micro-batches")) o->micro_batches = (int)v;
        else if (!strcmp(a, "--activation-kb")) o->activation_kb = (int)v;
        else if (!strcmp(a, "--cells")) o->cells = (int)v;
        else if (!strcmp(a, "--allreduce-every")) o->allreduce_every = (int)v;
        else return -1;
    }
    return o->log_every > 0 ? 0 : -1;
}

static inline long workload_elapsed_us(const struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000000L + (t.tv_nsec - t0->tv_nsec) / 1000;
}

/* A slow accelerator (clocked down by heat or a power cap): SIGUSR1 makes
 * slept compute take twice as long, the next SIGUSR1 ends it. A CPU quota
 * cannot slow a rank whose compute sleeps; this can. */
static volatile sig_atomic_t workload_slow_accelerator;

static void workload_toggle_slow_accelerator(int sig) {
    (void)sig;
    workload_slow_accelerator = !workload_slow_accelerator;
}

static inline void workload_handle_slow_accelerator(void) {
    struct sigaction toggle = {.sa_handler = workload_toggle_slow_accelerator, .sa_flags = SA_RESTART};
    sigemptyset(&toggle.sa_mask);
    sigaction(SIGUSR1, &toggle, NULL);
}

/* `us` of compute: spinning on the CPU, or asleep as a rank waiting on its accelerator. */
static inline void workload_compute(int us, int sleep) {
    if (us <= 0) return;
    if (sleep) {
        if (workload_slow_accelerator) us *= 2;
        struct timespec d = {.tv_sec = us / 1000000, .tv_nsec = (long)(us % 1000000) * 1000};
        while (nanosleep(&d, &d) != 0) {}
        return;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    volatile double x = 1;
    while (workload_elapsed_us(&t0) < us) x = x * 1.0000001 + 1e-9;
}

static inline void workload_progress(int rank, long step, const workload_options *o, double value) {
    if (rank == 0 && step % o->log_every == 0) {
        printf("step %ld value %.6g\n", step, value);
        fflush(stdout);
    }
}

#endif
