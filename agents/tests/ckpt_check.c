/*
 * vigil-ckpt-check: a training loop that checkpoints with libvigil's
 * client, for the checkpoint tests. Each step changes every parameter
 * (deterministically, from the step and the rank); every --every steps it
 * saves, lazily: the copy overlaps the next step's "forward and backward"
 * (--compute-us of spinning), and the update waits in before_update.
 * --resume restores first and goes on from the restored step. At the end
 * it waits until the last checkpoint reached --wait-level (vigil.h's
 * levels; 1, this rank's shard durable locally, by default) and prints the
 * parameters' XXH3 and the client's figures. Directories: --dir, else the
 * agent's.
 *
 *   vigil-ckpt-check [--dir D] [--bytes N] [--steps N] [--every K] [--staging BYTES]
 *                    [--compute-us N] [--wait-level L] [--resume]
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "vigil.h"

typedef struct options {
    const char *dir;
    long bytes, steps, every, staging, compute_us, wait_level;
    int resume;
} options;

static int parse(int argc, char **argv, options *o) {
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--resume")) { o->resume = 1; continue; }
        if (i + 1 >= argc) return -1;
        const char *a = argv[i], *v = argv[++i];
        if (!strcmp(a, "--dir")) o->dir = v;
        else if (!strcmp(a, "--bytes")) o->bytes = atol(v);
        else if (!strcmp(a, "--steps")) o->steps = atol(v);
        else if (!strcmp(a, "--every")) o->every = atol(v);
        else if (!strcmp(a, "--staging")) o->staging = atol(v);
        else if (!strcmp(a, "--compute-us")) o->compute_us = atol(v);
        else if (!strcmp(a, "--wait-level")) o->wait_level = atol(v);
        else return -1;
    }
    return o->bytes >= 8 && o->every > 0 ? 0 : -1;
}

static void spin(long us) {
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do clock_gettime(CLOCK_MONOTONIC, &t);
    while ((t.tv_sec - t0.tv_sec) * 1000000L + (t.tv_nsec - t0.tv_nsec) / 1000 < us);
}

/* Resident set size now, from /proc (the staging pool's real cost, not its accounting). */
static long rss_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (f && fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    if (f) fclose(f);
    return resident * 4096;
}

static int check(int r, const char *what, int rank) {
    if (r != 0) fprintf(stderr, "rank %d: %s: %d: %s\n", rank, what, r, vigil_ckpt_error());
    return r;
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    options o = {.bytes = 1 << 20, .steps = 20, .every = 5, .compute_us = 1000, .wait_level = VIGIL_CKPT_LOCAL};
    if (parse(argc, argv, &o) != 0) {
        if (rank == 0) fprintf(stderr, "usage: vigil-ckpt-check [--dir D] [--bytes N] [--steps N] [--every K] "
                                       "[--staging BYTES] [--compute-us N] [--wait-level L] [--resume]\n");
        MPI_Finalize();
        return 2;
    }
    size_t n = (size_t)o.bytes / sizeof(double);
    double *params = malloc(n * sizeof(double));
    long step = 0;
    for (size_t i = 0; i < n; i++) params[i] = (double)(rank + 1) * (double)i;
    vigil_ckpt_options co = {.local_dir = o.dir, .staging_bytes = (size_t)o.staging};
    if (check(vigil_ckpt_init(&co), "init", rank) || check(vigil_ckpt_register("params", params, n * sizeof(double)), "register", rank) ||
        check(vigil_ckpt_register("step", &step, sizeof step), "register", rank))
        MPI_Abort(MPI_COMM_WORLD, 1);
    struct timespec r0, r1;
    clock_gettime(CLOCK_MONOTONIC, &r0);
    r1 = r0;
    if (o.resume) {
        long restored = -1;
        if (check(vigil_ckpt_restore(&restored), "restore", rank)) MPI_Abort(MPI_COMM_WORLD, 1);
        clock_gettime(CLOCK_MONOTONIC, &r1);
        if (rank == 0) printf("restored step %ld\n", restored);
        if (restored >= 0 && step != restored) {
            fprintf(stderr, "rank %d: restored step %ld holds step %ld\n", rank, restored, step);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    int failures = 0;
    long rss_before = rss_bytes();   /* the state is resident: what grows from here is the client's */
    while (step < o.steps) {
        spin(o.compute_us);                                   /* forward and backward: the state is only read */
        if (vigil_ckpt_before_update(30) != 0) failures++, check(-1, "before_update", rank);
        step++;
        for (size_t i = 0; i < n; i++) params[i] = params[i] * 0.999 + (double)step * 1e-3 + (double)i * 1e-9;
        if (step % o.every == 0 && vigil_ckpt_save(step) != 0) failures++, check(-1, "save", rank);
    }
    if (vigil_ckpt_wait((int)o.wait_level, 60) != 0) failures++, check(-1, "wait", rank);
    vigil_ckpt_stats s;
    vigil_ckpt_stats_get(&s);
    printf("rank %d digest %016llx step %ld saves %llu failures %llu local %ld blocked_ns %llu staged %llu flushed %llu "
           "flush_ns %llu checksum_ns %llu high_water %llu rss_growth %ld restore_ns %lld errors %d\n",
           rank, (unsigned long long)XXH3_64bits(params, n * sizeof(double)), step, (unsigned long long)s.saves,
           (unsigned long long)s.failures, s.last_local_step, (unsigned long long)s.blocked_ns,
           (unsigned long long)s.staged_bytes, (unsigned long long)s.flushed_bytes, (unsigned long long)s.flush_ns,
           (unsigned long long)s.checksum_ns, (unsigned long long)s.staging_high_water,
           rss_bytes() > rss_before ? rss_bytes() - rss_before : 0,
           (long long)(r1.tv_sec - r0.tv_sec) * 1000000000LL + (r1.tv_nsec - r0.tv_nsec), failures);
    vigil_ckpt_finalize(60);
    free(params);
    MPI_Finalize();
    return 0;
}
