/*
 * vigil-uneven: data-parallel training whose steps are not all alike, as
 * real ones are not. Every --eval-every steps rank 0 alone evaluates for
 * --eval-ms before the next step (the others wait for it in the gradient
 * allreduce), then broadcasts the result; every --load-every steps every
 * rank waits --load-ms for data (a pause with no collective). Each step:
 * compute (spun, or slept with --sleep), allreduce of 512 KiB, allreduce of
 * the loss.
 *
 *   vigil-uneven [--steps N] [--compute-us N] [--eval-every N] [--eval-ms N]
 *                [--load-every N] [--load-ms N] [--sleep] [--log-every N]
 */
#include "workload.h"

enum { GRAD_BYTES = 512 << 10 };

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    workload_options o = {.steps = 1000, .compute_us = 5000, .eval_every = 50, .eval_ms = 300,
                          .load_every = 80, .load_ms = 400, .log_every = 100};
    if (workload_parse(argc, argv, &o) != 0 || o.eval_every < 1 || o.load_every < 1) {
        if (rank == 0) fprintf(stderr, "usage: vigil-uneven [--steps N] [--compute-us N] [--eval-every N] [--eval-ms N]\n"
                                       "                    [--load-every N] [--load-ms N] [--sleep] [--log-every N]\n");
        MPI_Finalize();
        return 2;
    }
    double *grad = calloc(GRAD_BYTES / sizeof(double), sizeof(double));
    double loss = 1, score = 0;
    for (long step = 1; step <= o.steps; step++) {
        if (step % o.load_every == 0) workload_compute(o.load_ms * 1000, 1);  /* everyone waits on data */
        workload_compute(o.compute_us, o.sleep);
        if (step % o.eval_every == 0) {
            if (rank == 0) {
                workload_compute(o.eval_ms * 1000, o.sleep);
                score = 1.0 / (double)step;
            }
            MPI_Bcast(&score, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
        }
        grad[0] = rank + (double)step;
        MPI_Allreduce(MPI_IN_PLACE, grad, GRAD_BYTES / sizeof(double), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        double local = 1.0 / (double)(step + rank);
        MPI_Allreduce(&local, &loss, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        workload_progress(rank, step, &o, loss + score);
    }
    if (rank == 0) printf("VIGIL_WORKLOAD_DONE uneven steps=%ld\n", o.steps);
    free(grad);
    MPI_Finalize();
    return 0;
}
