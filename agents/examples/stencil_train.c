/*
 * vigil-stencil: a 3-D domain decomposition, paced by its neighbours.
 * Each rank owns a cube of --cells³ values in a periodic Cartesian grid of
 * ranks (MPI_Dims_create); every step it exchanges its six faces with its
 * neighbours (Irecv/Isend/Waitall), then relaxes its cube (a Jacobi sweep,
 * plus --compute-us spun, or slept with --sleep). Only every
 * --allreduce-every steps does a collective run: the residual's Allreduce.
 * A slow rank holds back its neighbours first, then theirs.
 *
 *   vigil-stencil [--steps N] [--compute-us N] [--cells N] [--allreduce-every N]
 *                 [--sleep] [--log-every N]
 */
#include "workload.h"

#define AT(n, x, y, z) ((((x) * ((n) + 2)) + (y)) * ((n) + 2) + (z))

/* Copies face `f` (0..5: -x +x -y +y -z +z) of the interior into or out of `buf`. */
static void face(double *u, int n, int f, double *buf, int out) {
    int axis = f / 2, at = f % 2 ? n : 1, halo = f % 2 ? n + 1 : 0, k = 0;
    for (int i = 1; i <= n; i++)
        for (int j = 1; j <= n; j++) {
            int plane = out ? at : halo;
            int x = axis == 0 ? plane : i, y = axis == 1 ? plane : (axis == 0 ? i : j),
                z = axis == 2 ? plane : j;
            if (out) buf[k++] = u[AT(n, x, y, z)];
            else u[AT(n, x, y, z)] = buf[k++];
        }
}

static double relax(const double *u, double *next, int n) {
    double change = 0;
    for (int x = 1; x <= n; x++)
        for (int y = 1; y <= n; y++)
            for (int z = 1; z <= n; z++) {
                double v = (u[AT(n, x - 1, y, z)] + u[AT(n, x + 1, y, z)] + u[AT(n, x, y - 1, z)] +
                            u[AT(n, x, y + 1, z)] + u[AT(n, x, y, z - 1)] + u[AT(n, x, y, z + 1)]) / 6;
                change += (v - u[AT(n, x, y, z)]) * (v - u[AT(n, x, y, z)]);
                next[AT(n, x, y, z)] = v;
            }
    return change;
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    workload_options o = {.steps = 1000, .compute_us = 5000, .cells = 16, .allreduce_every = 50, .log_every = 100};
    if (workload_parse(argc, argv, &o) != 0 || o.cells < 1 || o.allreduce_every < 1) {
        if (rank == 0) fprintf(stderr, "usage: vigil-stencil [--steps N] [--compute-us N] [--cells N] [--allreduce-every N]\n"
                                       "                     [--sleep] [--log-every N]\n");
        MPI_Finalize();
        return 2;
    }
    workload_handle_slow_accelerator();
    int dims[3] = {0, 0, 0}, periods[3] = {1, 1, 1}, n = o.cells;
    MPI_Dims_create(size, 3, dims);
    MPI_Comm grid;
    MPI_Cart_create(MPI_COMM_WORLD, 3, dims, periods, 0, &grid);
    int neighbour[6];
    for (int axis = 0; axis < 3; axis++) MPI_Cart_shift(grid, axis, 1, &neighbour[2 * axis], &neighbour[2 * axis + 1]);
    size_t cube = (size_t)(n + 2) * (n + 2) * (n + 2), plane = (size_t)n * n;
    double *u = calloc(cube, sizeof(double)), *next = calloc(cube, sizeof(double));
    double *out = malloc(6 * plane * sizeof(double)), *in = malloc(6 * plane * sizeof(double));
    u[AT(n, n / 2 + 1, n / 2 + 1, n / 2 + 1)] = 1000.0 * (rank + 1);
    double residual = 0;
    for (long step = 1; step <= o.steps; step++) {
        MPI_Request r[12];
        for (int f = 0; f < 6; f++) {
            face(u, n, f, out + f * plane, 1);
            /* what arrives on face f was sent from the neighbour's opposite face */
            MPI_Irecv(in + f * plane, (int)plane, MPI_DOUBLE, neighbour[f], f ^ 1, grid, &r[f]);
        }
        for (int f = 0; f < 6; f++) MPI_Isend(out + f * plane, (int)plane, MPI_DOUBLE, neighbour[f], f, grid, &r[6 + f]);
        MPI_Waitall(12, r, MPI_STATUSES_IGNORE);
        for (int f = 0; f < 6; f++) face(u, n, f, in + f * plane, 0);
        double change = relax(u, next, n);
        double *t = u;
        u = next, next = t;
        workload_compute(o.compute_us, o.sleep);
        if (step % o.allreduce_every == 0) MPI_Allreduce(&change, &residual, 1, MPI_DOUBLE, MPI_SUM, grid);
        workload_progress(rank, step, &o, residual);
    }
    if (rank == 0) printf("VIGIL_WORKLOAD_DONE stencil steps=%ld\n", o.steps);
    free(u), free(next), free(out), free(in);
    MPI_Comm_free(&grid);
    MPI_Finalize();
    return 0;
}
