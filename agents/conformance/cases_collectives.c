/*
 * Collectives: every blocking and nonblocking collective of MPI-3, Open
 * MPI's persistent ones (MPIX_*_init), neighbourhood collectives on a
 * Cartesian and a distributed graph topology; MPI_IN_PLACE and zero counts.
 * Only those docs/telemetry.md lists are tallied.
 */
#include <stdlib.h>
#include <string.h>

#include "conformance.h"
#include <mpi-ext.h>   /* after mpi.h, which it needs */

#define N 8

typedef struct buffers {
    int *send, *recv;       /* N per rank of the communicator */
    int *counts, *displs;   /* N each, contiguous */
    MPI_Datatype *types;    /* MPI_INT each, for the w forms */
    int *bytes_displs;
} buffers;

static buffers make_buffers(const conf_ctx *c) {
    buffers b = {
        .send = malloc(sizeof(int) * N * (size_t)c->size),
        .recv = calloc((size_t)N * (size_t)c->size, sizeof(int)),
        .counts = malloc(sizeof(int) * (size_t)c->size),
        .displs = malloc(sizeof(int) * (size_t)c->size),
        .types = malloc(sizeof(MPI_Datatype) * (size_t)c->size),
        .bytes_displs = malloc(sizeof(int) * (size_t)c->size),
    };
    for (int i = 0; i < N * c->size; i++) b.send[i] = c->rank * 1000 + i;
    for (int i = 0; i < c->size; i++) {
        b.counts[i] = N;
        b.displs[i] = N * i;
        b.types[i] = MPI_INT;
        b.bytes_displs[i] = N * i * (int)sizeof(int);
    }
    return b;
}

static void free_buffers(buffers *b) {
    free(b->send);
    free(b->recv);
    free(b->counts);
    free(b->displs);
    free(b->types);
    free(b->bytes_displs);
}

/* Folds the receive buffer into the digest and clears it for the next call. */
static void take(conf_ctx *c, buffers *b) {
    conf_fold(c, b->recv, sizeof(int) * N * (size_t)c->size);
    memset(b->recv, 0, sizeof(int) * N * (size_t)c->size);
}

#define TRACKED(OP, CALL)                                  \
    do {                                                   \
        CALL;                                              \
        conf_tally_collective("world", MPI_COMM_WORLD, OP); \
    } while (0)

static void blocking(conf_ctx *c) {
    buffers b = make_buffers(c);
    MPI_Comm w = MPI_COMM_WORLD;
    int root = 1 % c->size;
    TRACKED(VIGIL_OP_ALLREDUCE, MPI_Allreduce(b.send, b.recv, N, MPI_INT, MPI_SUM, w));
    conf_check(c, b.recv[0] == 1000 * c->size * (c->size - 1) / 2, "allreduce: wrong sum");
    take(c, &b);
    memcpy(b.recv, b.send, sizeof(int) * N);
    TRACKED(VIGIL_OP_ALLREDUCE, MPI_Allreduce(MPI_IN_PLACE, b.recv, N, MPI_INT, MPI_MAX, w));
    take(c, &b);
    TRACKED(VIGIL_OP_ALLREDUCE, MPI_Allreduce(b.send, b.recv, 0, MPI_INT, MPI_SUM, w));   /* zero count */
    TRACKED(VIGIL_OP_REDUCE, MPI_Reduce(b.send, b.recv, N, MPI_INT, MPI_SUM, root, w));
    take(c, &b);
    if (c->rank == root) memcpy(b.recv, b.send, sizeof(int) * N);
    TRACKED(VIGIL_OP_REDUCE, MPI_Reduce(c->rank == root ? MPI_IN_PLACE : b.send, b.recv, N, MPI_INT, MPI_MIN,
                                        root, w));
    take(c, &b);
    memcpy(b.recv, b.send, sizeof(int) * N);
    TRACKED(VIGIL_OP_BCAST, MPI_Bcast(b.recv, N, MPI_INT, 0, w));
    take(c, &b);
    TRACKED(VIGIL_OP_BCAST, MPI_Bcast(b.recv, 0, MPI_INT, 0, w));
    TRACKED(VIGIL_OP_BARRIER, MPI_Barrier(w));
    TRACKED(VIGIL_OP_ALLGATHER, MPI_Allgather(b.send, N, MPI_INT, b.recv, N, MPI_INT, w));
    take(c, &b);
    memcpy(b.recv + N * c->rank, b.send, sizeof(int) * N);
    TRACKED(VIGIL_OP_ALLGATHER, MPI_Allgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, b.recv, N, MPI_INT, w));
    take(c, &b);
    TRACKED(VIGIL_OP_ALLGATHERV, MPI_Allgatherv(b.send, N, MPI_INT, b.recv, b.counts, b.displs, MPI_INT, w));
    take(c, &b);
    TRACKED(VIGIL_OP_REDUCE_SCATTER, MPI_Reduce_scatter(b.send, b.recv, b.counts, MPI_INT, MPI_SUM, w));
    take(c, &b);
    TRACKED(VIGIL_OP_REDUCE_SCATTER_BLOCK, MPI_Reduce_scatter_block(b.send, b.recv, N, MPI_INT, MPI_SUM, w));
    take(c, &b);
    TRACKED(VIGIL_OP_ALLTOALL, MPI_Alltoall(b.send, N, MPI_INT, b.recv, N, MPI_INT, w));
    take(c, &b);
    memcpy(b.recv, b.send, sizeof(int) * N * (size_t)c->size);
    TRACKED(VIGIL_OP_ALLTOALL, MPI_Alltoall(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, b.recv, N, MPI_INT, w));
    take(c, &b);
    TRACKED(VIGIL_OP_ALLTOALLV,
            MPI_Alltoallv(b.send, b.counts, b.displs, MPI_INT, b.recv, b.counts, b.displs, MPI_INT, w));
    take(c, &b);
    TRACKED(VIGIL_OP_GATHER, MPI_Gather(b.send, N, MPI_INT, b.recv, N, MPI_INT, root, w));
    take(c, &b);
    TRACKED(VIGIL_OP_SCATTER, MPI_Scatter(b.send, N, MPI_INT, b.recv, N, MPI_INT, root, w));
    take(c, &b);
    if (c->rank == root) {
        memcpy(b.recv + N * root, b.send, sizeof(int) * N);
        TRACKED(VIGIL_OP_GATHER, MPI_Gather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, b.recv, N, MPI_INT, root, w));
        TRACKED(VIGIL_OP_SCATTER, MPI_Scatter(b.send, N, MPI_INT, MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, root, w));
    } else {
        TRACKED(VIGIL_OP_GATHER, MPI_Gather(b.send, N, MPI_INT, NULL, 0, MPI_DATATYPE_NULL, root, w));
        TRACKED(VIGIL_OP_SCATTER, MPI_Scatter(NULL, 0, MPI_DATATYPE_NULL, b.recv, N, MPI_INT, root, w));
    }
    take(c, &b);

    /* not recorded by libvigil: the v/w forms without a record, scans, local reduction */
    MPI_Gatherv(b.send, N, MPI_INT, b.recv, b.counts, b.displs, MPI_INT, root, w);
    take(c, &b);
    MPI_Scatterv(b.send, b.counts, b.displs, MPI_INT, b.recv, N, MPI_INT, root, w);
    take(c, &b);
    MPI_Alltoallw(b.send, b.counts, b.bytes_displs, b.types, b.recv, b.counts, b.bytes_displs, b.types, w);
    take(c, &b);
    MPI_Scan(b.send, b.recv, N, MPI_INT, MPI_SUM, w);
    take(c, &b);
    MPI_Exscan(b.send, b.recv, N, MPI_INT, MPI_SUM, w);
    if (c->rank > 0) take(c, &b);   /* rank 0's result is undefined */
    memset(b.recv, 0, sizeof(int) * N);
    MPI_Reduce_local(b.send, b.recv, N, MPI_INT, MPI_SUM);
    take(c, &b);
    free_buffers(&b);
}

static void nonblocking(conf_ctx *c) {
    buffers b = make_buffers(c);
    MPI_Comm w = MPI_COMM_WORLD;
    int root = 1 % c->size, n = c->size;
    /* each its own receive buffer: all in flight at once */
    int *recv = calloc((size_t)N * (size_t)n * 16, sizeof(int));
    int *r_of[16];
    for (int i = 0; i < 16; i++) r_of[i] = recv + (size_t)i * N * (size_t)n;
    MPI_Request r[16];
    MPI_Iallreduce(b.send, r_of[0], N, MPI_INT, MPI_SUM, w, &r[0]);
    memcpy(r_of[1], b.send, sizeof(int) * N);
    MPI_Ibcast(r_of[1], N, MPI_INT, 0, w, &r[1]);
    MPI_Iallgather(b.send, N, MPI_INT, r_of[2], N, MPI_INT, w, &r[2]);
    conf_tally_collective("world", w, VIGIL_OP_IALLREDUCE);
    conf_tally_collective("world", w, VIGIL_OP_IBCAST);
    conf_tally_collective("world", w, VIGIL_OP_IALLGATHER);
    /* not recorded by libvigil */
    MPI_Ireduce(b.send, r_of[3], N, MPI_INT, MPI_SUM, root, w, &r[3]);
    MPI_Ibarrier(w, &r[4]);
    MPI_Ialltoall(b.send, N, MPI_INT, r_of[5], N, MPI_INT, w, &r[5]);
    MPI_Igather(b.send, N, MPI_INT, r_of[6], N, MPI_INT, root, w, &r[6]);
    MPI_Iscatter(b.send, N, MPI_INT, r_of[7], N, MPI_INT, root, w, &r[7]);
    MPI_Iallgatherv(b.send, N, MPI_INT, r_of[8], b.counts, b.displs, MPI_INT, w, &r[8]);
    MPI_Ialltoallv(b.send, b.counts, b.displs, MPI_INT, r_of[9], b.counts, b.displs, MPI_INT, w, &r[9]);
    MPI_Ireduce_scatter(b.send, r_of[10], b.counts, MPI_INT, MPI_SUM, w, &r[10]);
    MPI_Ireduce_scatter_block(b.send, r_of[11], N, MPI_INT, MPI_SUM, w, &r[11]);
    MPI_Iscan(b.send, r_of[12], N, MPI_INT, MPI_SUM, w, &r[12]);
    MPI_Igatherv(b.send, N, MPI_INT, r_of[13], b.counts, b.displs, MPI_INT, root, w, &r[13]);
    MPI_Iscatterv(b.send, b.counts, b.displs, MPI_INT, r_of[14], N, MPI_INT, root, w, &r[14]);
    MPI_Ialltoallw(b.send, b.counts, b.bytes_displs, b.types, r_of[15], b.counts, b.bytes_displs, b.types, w,
                   &r[15]);
    MPI_Waitall(16, r, MPI_STATUSES_IGNORE);
    conf_check(c, r_of[0][0] == 1000 * n * (n - 1) / 2, "iallreduce: wrong sum");
    conf_fold(c, recv, sizeof(int) * N * (size_t)n * 16);
    free(recv);
    free_buffers(&b);
}

/* Open MPI's persistent collectives (MPI-4's, as MPIX_ in 4.1): not recorded. */
static void persistent(conf_ctx *c) {
    int send[N] = {0}, sum[N], value[N];
    MPI_Request r[3];
    MPIX_Allreduce_init(send, sum, N, MPI_INT, MPI_SUM, MPI_COMM_WORLD, MPI_INFO_NULL, &r[0]);
    MPIX_Bcast_init(value, N, MPI_INT, 0, MPI_COMM_WORLD, MPI_INFO_NULL, &r[1]);
    MPIX_Barrier_init(MPI_COMM_WORLD, MPI_INFO_NULL, &r[2]);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) send[i] = c->rank + round + i, value[i] = c->rank == 0 ? round * i : -1;
        MPI_Startall(3, r);
        MPI_Waitall(3, r, MPI_STATUSES_IGNORE);
        conf_check(c, value[N - 1] == round * (N - 1), "persistent bcast: wrong data");
        conf_fold(c, sum, sizeof sum);
        conf_fold(c, value, sizeof value);
    }
    for (int i = 0; i < 3; i++) MPI_Request_free(&r[i]);
}

/* Neighbourhood collectives on a periodic ring and a distributed graph. */
static void neighbourhood(conf_ctx *c) {
    MPI_Comm ring, graph;
    int dims[1] = {c->size}, periods[1] = {1};
    MPI_Cart_create(MPI_COMM_WORLD, 1, dims, periods, 0, &ring);
    int send[2 * N], recv[2 * N];
    for (int i = 0; i < 2 * N; i++) send[i] = c->rank * 100 + i;
    MPI_Neighbor_allgather(send, N, MPI_INT, recv, N, MPI_INT, ring);
    conf_fold(c, recv, sizeof recv);
    MPI_Neighbor_alltoall(send, N, MPI_INT, recv, N, MPI_INT, ring);
    conf_fold(c, recv, sizeof recv);
    MPI_Request r;
    MPI_Ineighbor_allgather(send, N, MPI_INT, recv, N, MPI_INT, ring, &r);
    MPI_Wait(&r, MPI_STATUS_IGNORE);
    conf_fold(c, recv, sizeof recv);
    MPI_Barrier(ring);   /* the ring is a tracked communicator */
    conf_tally_collective("neighbourhood.ring", ring, VIGIL_OP_BARRIER);

    int right = (c->rank + 1) % c->size, left = (c->rank + c->size - 1) % c->size;
    int weight = 1;   /* not MPI_UNWEIGHTED: GCC reads it as an empty array and warns */
    MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, 1, &left, &weight, 1, &right, &weight, MPI_INFO_NULL, 0,
                                   &graph);
    MPI_Neighbor_alltoall(send, N, MPI_INT, recv, N, MPI_INT, graph);
    conf_check(c, recv[0] == left * 100, "graph neighbour: wrong data");
    conf_fold(c, recv, sizeof(int) * N);
    MPI_Allreduce(send, recv, N, MPI_INT, MPI_SUM, graph);   /* made by an unwrapped constructor */
    conf_tally_collective("neighbourhood.graph", graph, VIGIL_OP_ALLREDUCE);
    conf_fold(c, recv, sizeof(int) * N);
    MPI_Comm_free(&graph);
    MPI_Comm_free(&ring);
}

const conf_case conf_collective_cases[] = {
    {"collectives.blocking", MPI_THREAD_SINGLE, 2, blocking},
    {"collectives.nonblocking", MPI_THREAD_SINGLE, 2, nonblocking},
    {"collectives.persistent", MPI_THREAD_SINGLE, 1, persistent},
    {"collectives.neighbourhood", MPI_THREAD_SINGLE, 2, neighbourhood},
    {NULL, 0, 0, NULL},
};
