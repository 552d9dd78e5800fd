/*
 * allreduce-bench: cost per 8-byte MPI_Allreduce, in ns.
 * Runs ROUNDS rounds of CALLS/ROUNDS calls and prints the median of the
 * per-round mean, which is robust to a stray interrupt in one round
 * without timing every single call (that would double the clock cost).
 *   usage: allreduce-bench [CALLS] [ROUNDS]
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
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

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    long calls = argc > 1 ? atol(argv[1]) : 1000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 21;
    long per_round = calls / rounds;
    double *mean = malloc(sizeof(double) * (size_t)rounds);
    double in = 1.0, out = 0.0;
    for (long i = 0; i < per_round; i++) /* warm up */
        MPI_Allreduce(&in, &out, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    for (int r = 0; r < rounds; r++) {
        double t0 = now_ns();
        for (long i = 0; i < per_round; i++)
            MPI_Allreduce(&in, &out, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        mean[r] = (now_ns() - t0) / per_round;
    }
    qsort(mean, (size_t)rounds, sizeof(double), by_value);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0) printf("allreduce_ns_median %.2f calls %ld rounds %d\n", mean[rounds / 2], calls, rounds);
    free(mean);
    MPI_Finalize();
    return 0;
}
