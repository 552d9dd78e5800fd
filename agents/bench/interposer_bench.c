/*
 * interposer-bench: cost of one small MPI operation, in ns, to compare with
 * and without libvigil:
 *   allreduce  an 8-byte MPI_Allreduce on COMM_WORLD
 *   p2p        a 8-byte MPI_Isend + MPI_Irecv to oneself + MPI_Waitall
 *   clock      one read of the clock libvigil timestamps calls with (the
 *              TSC on x86-64): the floor of any interposer that times each
 *              call, two reads a collective or an Isend+Irecv+Waitall
 * at MPI_THREAD_SINGLE or MPI_THREAD_MULTIPLE (where libvigil locks).
 * Runs ROUNDS rounds of CALLS/ROUNDS operations and prints the median of
 * the per-round mean, which is robust to a stray interrupt in one round
 * without timing every single call (that would double the clock cost).
 *   usage: interposer-bench allreduce|p2p|clock single|multiple [CALLS] [ROUNDS]
 */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int rank;

static void allreduce(long n) {
    double in = 1.0, out = 0.0;
    for (long i = 0; i < n; i++) MPI_Allreduce(&in, &out, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

static void p2p(long n) {
    double in = 1.0, out = 0.0;
    MPI_Request r[2];
    for (long i = 0; i < n; i++) {
        MPI_Irecv(&out, 1, MPI_DOUBLE, rank, 0, MPI_COMM_WORLD, &r[0]);
        MPI_Isend(&in, 1, MPI_DOUBLE, rank, 0, MPI_COMM_WORLD, &r[1]);
        MPI_Waitall(2, r, MPI_STATUSES_IGNORE);
    }
}

static void clock_reads(long n) {
    uint64_t sink = 0;
    for (long i = 0; i < n; i++) {
#if defined(__x86_64__)
        sink += __builtin_ia32_rdtsc();
#else
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        sink += (uint64_t)t.tv_nsec;
#endif
    }
    __asm__ volatile("" : : "r"(sink));
}

int main(int argc, char **argv) {
    if (argc < 3 || (strcmp(argv[1], "allreduce") && strcmp(argv[1], "p2p") && strcmp(argv[1], "clock")) ||
        (strcmp(argv[2], "single") && strcmp(argv[2], "multiple"))) {
        fprintf(stderr, "usage: interposer-bench allreduce|p2p|clock single|multiple [CALLS] [ROUNDS]\n");
        return 2;
    }
    int provided;
    MPI_Init_thread(&argc, &argv, strcmp(argv[2], "single") ? MPI_THREAD_MULTIPLE : MPI_THREAD_SINGLE, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    void (*operation)(long) = !strcmp(argv[1], "p2p") ? p2p : !strcmp(argv[1], "clock") ? clock_reads : allreduce;
    long calls = argc > 3 ? atol(argv[3]) : 1000000;
    int rounds = argc > 4 ? atoi(argv[4]) : 21;
    long per_round = calls / rounds;
    double *mean = malloc(sizeof(double) * (size_t)rounds);
    operation(per_round);   /* warm up */
    for (int r = 0; r < rounds; r++) {
        double t0 = now_ns();
        operation(per_round);
        mean[r] = (now_ns() - t0) / per_round;
    }
    qsort(mean, (size_t)rounds, sizeof(double), by_value);
    if (rank == 0)
        printf("interposer_bench %s %s provided %d ns_median %.2f calls %ld rounds %d\n", argv[1], argv[2], provided,
               mean[rounds / 2], calls, rounds);
    free(mean);
    MPI_Finalize();
    return 0;
}
