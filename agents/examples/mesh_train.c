/*
 * vigil-mesh: a 2-D parallel training step with a pipeline. Ranks form
 * tensor-parallel groups of --tp consecutive ranks (MPI_Comm_split) and
 * data-parallel groups across them; consecutive TP groups are pipeline
 * stages that swap activations and gradients with MPI_Sendrecv, rank r with
 * r + tp (or r - tp). Each step:
 *   compute, TP allreduce of 64 KiB, pipeline Sendrecv of 256 KiB with the
 *   partner, DP allreduce of 1 MiB, world allreduce of the loss (8 bytes).
 * With 4 ranks and --tp 2: TP {0,1} {2,3}, DP {0,2} {1,3}, pipeline 0<->2, 1<->3.
 *
 *   vigil-mesh [--steps N] [--compute-us N] [--tp N] [--sleep] [--log-every N]
 */
#include "workload.h"

enum { TP_BYTES = 64 << 10, PIPE_BYTES = 256 << 10, DP_BYTES = 1 << 20 };

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    workload_options o = {.steps = 1000, .compute_us = 20000, .tp = 2, .log_every = 100};
    if (workload_parse(argc, argv, &o) != 0 || o.tp < 1 || size % o.tp != 0 || (size / o.tp) % 2 != 0) {
        if (rank == 0) fprintf(stderr, "usage: vigil-mesh [--steps N] [--compute-us N] [--tp N] [--sleep] [--log-every N]\n"
                                       "  (the world must be an even number of TP groups of --tp ranks)\n");
        MPI_Finalize();
        return 2;
    }
    MPI_Comm tp, dp;
    MPI_Comm_split(MPI_COMM_WORLD, rank / o.tp, rank, &tp);
    MPI_Comm_split(MPI_COMM_WORLD, rank % o.tp, rank, &dp);
    int stage = (rank / o.tp) % 2;
    int partner = stage == 0 ? rank + o.tp : rank - o.tp;

    double *activation = calloc(TP_BYTES / sizeof(double), sizeof(double));
    double *send = calloc(PIPE_BYTES / sizeof(double), sizeof(double));
    double *recv = calloc(PIPE_BYTES / sizeof(double), sizeof(double));
    double *grad = calloc(DP_BYTES / sizeof(double), sizeof(double));
    double loss = 1;
    for (long step = 1; step <= o.steps; step++) {
        workload_compute(o.compute_us, o.sleep);
        for (size_t i = 0; i < TP_BYTES / sizeof(double); i++) activation[i] = rank + (double)step;
        MPI_Allreduce(MPI_IN_PLACE, activation, TP_BYTES / sizeof(double), MPI_DOUBLE, MPI_SUM, tp);
        send[0] = activation[0];
        MPI_Sendrecv(send, PIPE_BYTES / sizeof(double), MPI_DOUBLE, partner, 7, recv,
                     PIPE_BYTES / sizeof(double), MPI_DOUBLE, partner, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        grad[0] = recv[0];
        MPI_Allreduce(MPI_IN_PLACE, grad, DP_BYTES / sizeof(double), MPI_DOUBLE, MPI_SUM, dp);
        double local = 1.0 / (double)(step + rank);
        MPI_Allreduce(&local, &loss, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        workload_progress(rank, step, &o, loss);
    }
    if (rank == 0) printf("VIGIL_WORKLOAD_DONE mesh steps=%ld\n", o.steps);
    free(activation);
    free(send);
    free(recv);
    free(grad);
    MPI_Comm_free(&tp);
    MPI_Comm_free(&dp);
    MPI_Finalize();
    return 0;
}
