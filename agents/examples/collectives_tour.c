/*
 * vigil-collectives-tour: calls every MPI operation libvigil intercepts,
 * each exactly once with 16 doubles per rank, so a test can check the
 * op, byte count, root and communicator of every record against the
 * conventions in docs/telemetry.md.
 *
 *   COMM_WORLD: allreduce, reduce (root 1), bcast (root 0), barrier,
 *     allgather, allgatherv, reduce_scatter, reduce_scatter_block, alltoall,
 *     alltoallv, gather (root 0), scatter (root 0); iallreduce completed by
 *     Waitall, ibcast by a Test loop, iallgather by Waitany; then alltoall,
 *     gather and scatter again with MPI_IN_PLACE (and MPI_DATATYPE_NULL for
 *     the ignored arguments, as MPI allows).
 *   a Comm_dup of COMM_WORLD: allreduce.   a 1-D Cart_create: barrier.
 *   a Comm_split by rank parity: bcast (root 0 of the split).
 *   point to point, to the right neighbour: one Isend/Irecv pair completed
 *     by Waitsome, one Send/Recv pair, one Isend released with
 *     MPI_Request_free (matched by a Recv).
 */
#include <mpi.h>
#include <stdlib.h>

#define N 16

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    double *send = calloc((size_t)N * size, sizeof(double));
    double *recv = calloc((size_t)N * size, sizeof(double));
    int *counts = malloc(sizeof(int) * (size_t)size);
    int *displs = malloc(sizeof(int) * (size_t)size);
    for (int i = 0; i < size; i++) counts[i] = N, displs[i] = N * i;

    MPI_Allreduce(send, recv, N, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    MPI_Reduce(send, recv, N, MPI_DOUBLE, MPI_SUM, 1 % size, MPI_COMM_WORLD);
    MPI_Bcast(send, N, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Allgather(send, N, MPI_DOUBLE, recv, N, MPI_DOUBLE, MPI_COMM_WORLD);
    MPI_Allgatherv(send, N, MPI_DOUBLE, recv, counts, displs, MPI_DOUBLE, MPI_COMM_WORLD);
    MPI_Reduce_scatter(send, recv, counts, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    MPI_Reduce_scatter_block(send, recv, N, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    MPI_Alltoall(send, N, MPI_DOUBLE, recv, N, MPI_DOUBLE, MPI_COMM_WORLD);
    MPI_Alltoallv(send, counts, displs, MPI_DOUBLE, recv, counts, displs, MPI_DOUBLE, MPI_COMM_WORLD);
    MPI_Gather(send, N, MPI_DOUBLE, recv, N, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    MPI_Scatter(send, N, MPI_DOUBLE, recv, N, MPI_DOUBLE, 0, MPI_COMM_WORLD);

    MPI_Request requests[2];
    MPI_Iallreduce(send, recv, N, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD, &requests[0]);
    MPI_Waitall(1, requests, MPI_STATUSES_IGNORE);
    int done = 0;
    MPI_Ibcast(send, N, MPI_DOUBLE, 0, MPI_COMM_WORLD, &requests[0]);
    while (!done) MPI_Test(&requests[0], &done, MPI_STATUS_IGNORE);
    int index;
    MPI_Iallgather(send, N, MPI_DOUBLE, recv, N, MPI_DOUBLE, MPI_COMM_WORLD, &requests[0]);
    MPI_Waitany(1, requests, &index, MPI_STATUS_IGNORE);

    MPI_Alltoall(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, recv, N, MPI_DOUBLE, MPI_COMM_WORLD);
    if (rank == 0) {
        MPI_Gather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, recv, N, MPI_DOUBLE, 0, MPI_COMM_WORLD);
        MPI_Scatter(send, N, MPI_DOUBLE, MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, 0, MPI_COMM_WORLD);
    } else {
        MPI_Gather(send, N, MPI_DOUBLE, NULL, 0, MPI_DATATYPE_NULL, 0, MPI_COMM_WORLD);
        MPI_Scatter(NULL, 0, MPI_DATATYPE_NULL, recv, N, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    }

    MPI_Comm dup, cart, half;
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    MPI_Allreduce(send, recv, N, MPI_DOUBLE, MPI_SUM, dup);
    int dims[1] = {size}, periods[1] = {1};
    MPI_Cart_create(MPI_COMM_WORLD, 1, dims, periods, 0, &cart);
    MPI_Barrier(cart);
    MPI_Comm_split(MPI_COMM_WORLD, rank % 2, rank, &half);
    MPI_Bcast(send, N, MPI_DOUBLE, 0, half);

    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    MPI_Irecv(recv, N, MPI_DOUBLE, left, 7, MPI_COMM_WORLD, &requests[0]);
    MPI_Isend(send, N, MPI_DOUBLE, right, 7, MPI_COMM_WORLD, &requests[1]);
    int completed = 0, outcount, indices[2];
    while (completed < 2) {
        MPI_Waitsome(2, requests, &outcount, indices, MPI_STATUSES_IGNORE);
        completed += outcount;
    }
    if (rank % 2 == 0) {
        MPI_Send(send, N, MPI_DOUBLE, right, 8, MPI_COMM_WORLD);
        MPI_Recv(recv, N, MPI_DOUBLE, left, 8, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else {
        MPI_Recv(recv, N, MPI_DOUBLE, left, 8, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Send(send, N, MPI_DOUBLE, right, 8, MPI_COMM_WORLD);
    }
    MPI_Isend(send, N, MPI_DOUBLE, right, 9, MPI_COMM_WORLD, &requests[0]);
    MPI_Request_free(&requests[0]);
    MPI_Recv(recv, N, MPI_DOUBLE, left, 9, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Barrier(MPI_COMM_WORLD);  /* the freed send has completed everywhere */

    MPI_Comm_free(&half);
    MPI_Comm_free(&cart);
    MPI_Comm_free(&dup);
    free(send);
    free(recv);
    free(counts);
    free(displs);
    MPI_Finalize();
    return 0;
}
