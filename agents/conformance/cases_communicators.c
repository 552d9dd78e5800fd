/*
 * Communicators: dups of COMM_WORLD and COMM_SELF, split, Comm_create,
 * Comm_create_group, Comm_idup, an intercommunicator and its merge, and a
 * communicator freed while requests on it and elsewhere are pending.
 */
#include <string.h>

#include "conformance.h"

#define N 16

/* An allreduce and a ring exchange on `comm`, tallied under `label`. */
static void exercise(conf_ctx *c, MPI_Comm comm, const char *label) {
    int rank, size, send[N], recv[N];
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    for (int i = 0; i < N; i++) send[i] = c->rank * 10 + i;
    MPI_Allreduce(send, recv, N, MPI_INT, MPI_SUM, comm);
    conf_tally_collective(label, comm, VIGIL_OP_ALLREDUCE);
    conf_fold(c, recv, sizeof recv);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    MPI_Sendrecv(send, N, MPI_INT, right, 5, recv, N, MPI_INT, left, 5, comm, MPI_STATUS_IGNORE);
    conf_tally_send(comm, right, sizeof send);
    conf_tally_recv(comm, left, sizeof recv);
    conf_fold(c, recv, sizeof recv);
}

static void derived(conf_ctx *c) {
    MPI_Comm world_dup, self_dup, parity, evens, odds, idup, shared;
    MPI_Comm_dup(MPI_COMM_WORLD, &world_dup);
    exercise(c, world_dup, "derived.world_dup");
    MPI_Comm_dup(MPI_COMM_SELF, &self_dup);
    exercise(c, self_dup, "derived.self_dup");
    exercise(c, MPI_COMM_SELF, "self");
    MPI_Comm_split(MPI_COMM_WORLD, c->rank % 2, -c->rank, &parity);   /* reversed order within */
    exercise(c, parity, "derived.split");

    MPI_Group world_group, even_group, odd_group;
    MPI_Comm_group(MPI_COMM_WORLD, &world_group);
    int range[1][3] = {{0, c->size - 1, 2}};
    MPI_Group_range_incl(world_group, 1, range, &even_group);
    MPI_Group_range_excl(world_group, 1, range, &odd_group);
    MPI_Comm_create(MPI_COMM_WORLD, even_group, &evens);   /* MPI_COMM_NULL on odd ranks */
    if (evens != MPI_COMM_NULL) {
        exercise(c, evens, "derived.create");
        MPI_Comm_free(&evens);
    }
    if (c->rank % 2 == 1) {   /* collective over the group only */
        MPI_Comm_create_group(MPI_COMM_WORLD, odd_group, 7, &odds);
        exercise(c, odds, "derived.create_group");
        MPI_Comm_free(&odds);
    }
    MPI_Request r;
    MPI_Comm_idup(MPI_COMM_WORLD, &idup, &r);
    MPI_Wait(&r, MPI_STATUS_IGNORE);
    exercise(c, idup, "derived.idup");
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, c->rank, MPI_INFO_NULL, &shared);
    int shared_size = 0;
    MPI_Comm_size(shared, &shared_size);
    if (shared_size > 1) exercise(c, shared, "derived.shared");

    MPI_Group_free(&world_group);
    MPI_Group_free(&even_group);
    MPI_Group_free(&odd_group);
    MPI_Comm_free(&shared);
    MPI_Comm_free(&idup);
    MPI_Comm_free(&parity);
    MPI_Comm_free(&self_dup);
    MPI_Comm_free(&world_dup);
}

/* Two halves joined by an intercommunicator: messages across, collectives
 * over it (an allreduce, a rooted bcast), and the merge. */
static void intercommunicator(conf_ctx *c) {
    MPI_Comm half, inter, merged;
    int low = c->rank < c->size / 2;
    MPI_Comm_split(MPI_COMM_WORLD, low, c->rank, &half);
    int remote_leader = low ? c->size / 2 : 0;
    MPI_Intercomm_create(half, 0, MPI_COMM_WORLD, remote_leader, 99, &inter);
    int local, remote_size;
    MPI_Comm_rank(inter, &local);
    MPI_Comm_remote_size(inter, &remote_size);

    int send[N], recv[N];
    for (int i = 0; i < N; i++) send[i] = c->rank * 100 + i;
    int partner = local % remote_size;
    if (local < remote_size) {   /* pairs across the halves */
        MPI_Sendrecv(send, N, MPI_INT, partner, 6, recv, N, MPI_INT, partner, 6, inter, MPI_STATUS_IGNORE);
        conf_tally_send(inter, partner, sizeof send);
        conf_tally_recv(inter, partner, sizeof recv);
        conf_fold(c, recv, sizeof recv);
    }
    MPI_Allreduce(send, recv, N, MPI_INT, MPI_SUM, inter);   /* the other half's sum */
    conf_tally_collective("inter", inter, VIGIL_OP_ALLREDUCE);
    conf_fold(c, recv, sizeof recv);
    /* the low half's rank 0 broadcasts to the high half */
    int root = low ? (local == 0 ? MPI_ROOT : MPI_PROC_NULL) : 0;
    memcpy(recv, send, sizeof recv);
    MPI_Bcast(recv, N, MPI_INT, root, inter);
    conf_tally_collective("inter", inter, VIGIL_OP_BCAST);
    conf_check(c, low || recv[0] == 0, "intercomm bcast: wrong data");
    conf_fold(c, recv, sizeof recv);

    MPI_Intercomm_merge(inter, !low, &merged);
    exercise(c, merged, "inter.merged");
    MPI_Comm_free(&merged);
    MPI_Comm_free(&inter);
    MPI_Comm_free(&half);
}

/* Comm_free marks a communicator for release; its pending operations, and
 * those on other communicators, complete as usual. */
static void free_while_pending(conf_ctx *c) {
    MPI_Comm doomed, other;
    MPI_Comm_dup(MPI_COMM_WORLD, &doomed);
    MPI_Comm_dup(MPI_COMM_WORLD, &other);
    int right = (c->rank + 1) % c->size, left = (c->rank + c->size - 1) % c->size;
    int send[2][N], recv[2][N];
    for (int i = 0; i < N; i++) send[0][i] = c->rank + i, send[1][i] = -c->rank - i;
    memset(recv, 0, sizeof recv);
    MPI_Request r[4];
    MPI_Irecv(recv[0], N, MPI_INT, left, 8, doomed, &r[0]);
    MPI_Irecv(recv[1], N, MPI_INT, left, 8, other, &r[1]);
    MPI_Isend(send[0], N, MPI_INT, right, 8, doomed, &r[2]);
    MPI_Comm_free(&doomed);
    MPI_Isend(send[1], N, MPI_INT, right, 8, other, &r[3]);
    MPI_Waitall(4, r, MPI_STATUSES_IGNORE);
    for (int k = 0; k < 2; k++) {
        conf_tally_send(MPI_COMM_WORLD, right, sizeof send[k]);
        conf_tally_recv(MPI_COMM_WORLD, left, sizeof recv[k]);
    }
    conf_check(c, recv[0][1] == left + 1 && recv[1][1] == -left - 1, "freed comm: wrong data");
    conf_fold(c, recv, sizeof recv);
    exercise(c, other, "free.other");
    MPI_Comm_free(&other);
}

const conf_case conf_communicator_cases[] = {
    {"comms.derived", MPI_THREAD_SINGLE, 2, derived},
    {"comms.intercommunicator", MPI_THREAD_SINGLE, 2, intercommunicator},
    {"comms.free_while_pending", MPI_THREAD_SINGLE, 2, free_while_pending},
    {NULL, 0, 0, NULL},
};
