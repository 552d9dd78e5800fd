/*
 * vigil-sleepy: data-parallel training whose compute sleeps, as a rank
 * waiting on its GPU does: the CPU is idle between collectives, so what a
 * busy CPU would hide shows. Each step: --kernels slept pieces of
 * --compute-us in all, an allreduce of 256 KiB, an allgather of 4 KiB, an
 * allreduce of the loss. SIGUSR1 toggles a slow accelerator (its compute
 * sleeps twice as long).
 *
 *   vigil-sleepy [--steps N] [--compute-us N] [--log-every N]
 */
#include "workload.h"

enum { GRAD_BYTES = 256 << 10, GATHER_BYTES = 4 << 10, KERNELS = 4 };

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    workload_handle_slow_accelerator();
    workload_options o = {.steps = 1000, .compute_us = 15000, .log_every = 100};
    if (workload_parse(argc, argv, &o) != 0) {
        if (rank == 0) fprintf(stderr, "usage: vigil-sleepy [--steps N] [--compute-us N] [--log-every N]\n");
        MPI_Finalize();
        return 2;
    }
    double *grad = calloc(GRAD_BYTES / sizeof(double), sizeof(double));
    char *mine = calloc(GATHER_BYTES, 1), *all = calloc((size_t)GATHER_BYTES * (size_t)size, 1);
    double loss = 1;
    for (long step = 1; step <= o.steps; step++) {
        for (int k = 0; k < KERNELS; k++) workload_compute(o.compute_us / KERNELS, 1);
        grad[0] = rank + (double)step;
        MPI_Allreduce(MPI_IN_PLACE, grad, GRAD_BYTES / sizeof(double), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        mine[0] = (char)step;
        MPI_Allgather(mine, GATHER_BYTES, MPI_CHAR, all, GATHER_BYTES, MPI_CHAR, MPI_COMM_WORLD);
        double local = 1.0 / (double)(step + rank);
        MPI_Allreduce(&local, &loss, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        workload_progress(rank, step, &o, loss);
    }
    if (rank == 0) printf("VIGIL_WORKLOAD_DONE sleepy steps=%ld\n", o.steps);
    free(grad);
    free(mine);
    free(all);
    MPI_Finalize();
    return 0;
}
