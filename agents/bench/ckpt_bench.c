/*
 * ckpt-bench: what a checkpoint costs the training thread, per rank, for
 * BYTES of state: a plain memcpy of it, a synchronous write + fsync of it
 * in the training thread, and libvigil's lazy checkpoint (save, then a
 * "forward and backward" of COMPUTE_MS, then before_update) with a pool as
 * large as the state. The forward and backward sleep, as a rank driving a
 * GPU does (its CPU waits on the device); `spin` makes them spin, as a
 * CPU-bound rank's do, where the copy competes for the cores. Also the
 * flush's throughput (the slowest rank's, and all ranks' together) and the
 * checksum's share of it. Prints the worst rank's figures.
 *   usage: ckpt-bench DIR [BYTES] [COMPUTE_MS] [ROUNDS] [sleep|spin]
 */
#include <fcntl.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vigil.h"

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void compute_ms(double ms, int spin) {
    if (!spin) {
        struct timespec d = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)((ms - 1000 * (double)(long)(ms / 1000)) * 1e6)};
        while (nanosleep(&d, &d) != 0) {}
        return;
    }
    double until = now_ns() + ms * 1e6;
    while (now_ns() < until) {}
}

static double sync_write(const char *dir, int rank, const char *state, size_t bytes) {
    char path[4096];
    snprintf(path, sizeof path, "%s/sync-%d.bin", dir, rank);
    double t0 = now_ns();
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for (size_t done = 0; fd >= 0 && done < bytes;) {
        ssize_t n = write(fd, state + done, bytes - done);
        if (n <= 0) break;
        done += (size_t)n;
    }
    if (fd >= 0) fsync(fd), close(fd);
    double took = now_ns() - t0;
    unlink(path);
    return took;
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (argc < 2) {
        if (rank == 0) fprintf(stderr, "usage: ckpt-bench DIR [BYTES] [COMPUTE_MS] [ROUNDS] [sleep|spin]\n");
        MPI_Finalize();
        return 2;
    }
    size_t bytes = argc > 2 ? (size_t)atol(argv[2]) : (size_t)256 << 20;
    double compute = argc > 3 ? atof(argv[3]) : 500;
    int rounds = argc > 4 ? atoi(argv[4]) : 3;
    int spin = argc > 5 && !strcmp(argv[5], "spin");
    char *state = malloc(bytes), *scratch = malloc(bytes);
    for (size_t i = 0; i < bytes; i++) state[i] = (char)(i * 131 + (size_t)rank);
    memset(scratch, 0, bytes);

    double copy = 1e300, sync = 1e300;
    for (int r = 0; r < rounds; r++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = now_ns();
        memcpy(scratch, state, bytes);
        double t = now_ns() - t0;
        if (t < copy) copy = t;
    }
    MPI_Barrier(MPI_COMM_WORLD);
    sync = sync_write(argv[1], rank, state, bytes);

    vigil_ckpt_options o = {.job = "ckpt-bench", .local_dir = argv[1], .staging_bytes = bytes + (1 << 20)};
    if (vigil_ckpt_init(&o) != 0 || vigil_ckpt_register("state", state, bytes) != 0) {
        fprintf(stderr, "rank %d: %s\n", rank, vigil_ckpt_error());
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    double blocked = 0;
    vigil_ckpt_stats after;
    for (int r = 1; r <= rounds; r++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = now_ns();
        vigil_ckpt_save(r);
        double in_save = now_ns() - t0;
        compute_ms(compute, spin);         /* forward and backward: the copy runs meanwhile */
        t0 = now_ns();
        vigil_ckpt_before_update(60);
        double waited = in_save + (now_ns() - t0);
        if (waited > blocked) blocked = waited;
        if (vigil_ckpt_wait(VIGIL_CKPT_LOCAL, 120) != 0) fprintf(stderr, "rank %d: %s\n", rank, vigil_ckpt_error());
    }
    vigil_ckpt_stats_get(&after);
    double flush_mbps = after.flush_ns ? (double)after.flushed_bytes / ((double)after.flush_ns / 1e9) / 1e6 : 0;
    double checksum_ms = (double)after.checksum_ns / 1e6;   /* the copier's, while staging: off the flush */
    vigil_ckpt_finalize(60);

    double mine[4] = {copy, sync, blocked, checksum_ms}, worst[4];
    double flush = 0, flush_total = 0;
    MPI_Reduce(mine, worst, 4, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    MPI_Reduce(&flush_mbps, &flush, 1, MPI_DOUBLE, MPI_MIN, 0, MPI_COMM_WORLD);
    MPI_Reduce(&flush_mbps, &flush_total, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0)
        printf("ckpt_bench compute %s bytes_per_rank %zu memcpy_ms %.1f sync_write_ms %.1f blocked_ms %.2f flush_MBps %.0f "
               "flush_total_MBps %.0f checksum_ms %.1f\n", spin ? "spin" : "sleep", bytes, worst[0] / 1e6, worst[1] / 1e6,
               worst[2] / 1e6, flush, flush_total, worst[3]);
    free(state);
    free(scratch);
    MPI_Finalize();
    return 0;
}
