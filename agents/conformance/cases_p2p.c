/*
 * Point-to-point: every send mode blocking, nonblocking and persistent;
 * probes and matched receives; Sendrecv(_replace); sends to oneself on
 * MPI_COMM_SELF (the hang of issue 27); wildcards; derived datatypes,
 * MPI_BOTTOM and zero counts.
 */
#include <stdlib.h>
#include <string.h>

#include "conformance.h"

#define N 64

static int right_of(const conf_ctx *c) { return (c->rank + 1) % c->size; }
static int left_of(const conf_ctx *c) { return (c->rank + c->size - 1) % c->size; }

static void fill(int *buf, int n, int seed) {
    for (int i = 0; i < n; i++) buf[i] = seed * 1000 + i;
}

static int filled(const int *buf, int n, int seed) {
    for (int i = 0; i < n; i++)
        if (buf[i] != seed * 1000 + i) return 0;
    return 1;
}

/* Room for one buffered send of N ints (Bsend, Ibsend, Bsend_init). */
static void attach_send_buffer(void) {
    int size = 0;
    MPI_Pack_size(N, MPI_INT, MPI_COMM_WORLD, &size);
    size += MPI_BSEND_OVERHEAD;
    MPI_Buffer_attach(malloc((size_t)size), size);
}

static void detach_send_buffer(void) {
    void *attached;
    int size;
    MPI_Buffer_detach(&attached, &size);
    free(attached);
}

/* ---- blocking sends of every mode ---- */

typedef int (*blocking_send)(const void *, int, MPI_Datatype, int, int, MPI_Comm);

static void ring_blocking(conf_ctx *c, blocking_send send, int tag) {
    int out[N], in[N] = {0};
    fill(out, N, c->rank + tag);
    int right = right_of(c), left = left_of(c);
    /* even ranks send first, odd ranks receive first: safe for synchronous sends */
    if (c->rank % 2 == 0) {
        send(out, N, MPI_INT, right, tag, MPI_COMM_WORLD);
        MPI_Recv(in, N, MPI_INT, left, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else {
        MPI_Recv(in, N, MPI_INT, left, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        send(out, N, MPI_INT, right, tag, MPI_COMM_WORLD);
    }
    conf_tally_send(MPI_COMM_WORLD, right, sizeof out);
    conf_tally_recv(MPI_COMM_WORLD, left, sizeof in);
    conf_check(c, filled(in, N, left + tag), "blocking send: wrong data");
    conf_fold(c, in, sizeof in);
}

static void blocking_modes(conf_ctx *c) {
    ring_blocking(c, MPI_Send, 1);
    ring_blocking(c, MPI_Ssend, 2);
    attach_send_buffer();
    ring_blocking(c, MPI_Bsend, 3);
    detach_send_buffer();

    /* ready mode: the receive must be posted before the send starts */
    int out[N], in[N] = {0};
    fill(out, N, c->rank + 4);
    MPI_Request r;
    MPI_Irecv(in, N, MPI_INT, left_of(c), 4, MPI_COMM_WORLD, &r);
    PMPI_Barrier(MPI_COMM_WORLD);
    MPI_Rsend(out, N, MPI_INT, right_of(c), 4, MPI_COMM_WORLD);
    MPI_Wait(&r, MPI_STATUS_IGNORE);
    conf_tally_send(MPI_COMM_WORLD, right_of(c), sizeof out);
    conf_tally_recv(MPI_COMM_WORLD, left_of(c), sizeof in);
    conf_check(c, filled(in, N, left_of(c) + 4), "rsend: wrong data");
    conf_fold(c, in, sizeof in);
}

/* ---- nonblocking sends of every mode ---- */

static void nonblocking_modes(conf_ctx *c) {
    typedef int (*isend)(const void *, int, MPI_Datatype, int, int, MPI_Comm, MPI_Request *);
    isend modes[4] = {MPI_Isend, MPI_Issend, MPI_Ibsend, MPI_Irsend};
    int out[4][N], in[4][N];
    memset(in, 0, sizeof in);
    MPI_Request r[8];
    attach_send_buffer();
    for (int m = 0; m < 4; m++) MPI_Irecv(in[m], N, MPI_INT, left_of(c), 10 + m, MPI_COMM_WORLD, &r[m]);
    PMPI_Barrier(MPI_COMM_WORLD);   /* every receive posted: Irsend is legal */
    for (int m = 0; m < 4; m++) {
        fill(out[m], N, c->rank + 10 + m);
        modes[m](out[m], N, MPI_INT, right_of(c), 10 + m, MPI_COMM_WORLD, &r[4 + m]);
        conf_tally_send(MPI_COMM_WORLD, right_of(c), sizeof out[m]);
        conf_tally_recv(MPI_COMM_WORLD, left_of(c), sizeof in[m]);
    }
    MPI_Waitall(8, r, MPI_STATUSES_IGNORE);
    detach_send_buffer();
    for (int m = 0; m < 4; m++) conf_check(c, filled(in[m], N, left_of(c) + 10 + m), "isend modes: wrong data");
    conf_fold(c, in, sizeof in);
}

/* ---- persistent requests (not recorded: libvigil does not claim them) ---- */

static void persistent(conf_ctx *c) {
    int out[4][N], in[4][N];
    MPI_Request r[8];
    attach_send_buffer();
    for (int m = 0; m < 4; m++) MPI_Recv_init(in[m], N, MPI_INT, left_of(c), 20 + m, MPI_COMM_WORLD, &r[m]);
    MPI_Send_init(out[0], N, MPI_INT, right_of(c), 20, MPI_COMM_WORLD, &r[4]);
    MPI_Ssend_init(out[1], N, MPI_INT, right_of(c), 21, MPI_COMM_WORLD, &r[5]);
    MPI_Bsend_init(out[2], N, MPI_INT, right_of(c), 22, MPI_COMM_WORLD, &r[6]);
    MPI_Rsend_init(out[3], N, MPI_INT, right_of(c), 23, MPI_COMM_WORLD, &r[7]);
    for (int round = 0; round < 3; round++) {
        for (int m = 0; m < 4; m++) fill(out[m], N, c->rank + 20 + m + round);
        memset(in, 0, sizeof in);
        MPI_Startall(4, r);
        PMPI_Barrier(MPI_COMM_WORLD);   /* receives started before the ready send */
        MPI_Startall(4, r + 4);
        MPI_Waitall(8, r, MPI_STATUSES_IGNORE);
        for (int m = 0; m < 4; m++)
            conf_check(c, filled(in[m], N, left_of(c) + 20 + m + round), "persistent: wrong data");
        conf_fold(c, in, sizeof in);
    }
    for (int i = 0; i < 8; i++) MPI_Request_free(&r[i]);
    detach_send_buffer();
}

/* ---- probes and matched receives ---- */

static void probes(conf_ctx *c) {
    int out[N], in[N];
    MPI_Status st;
    int count = 0, flag = 0;
    for (int tag = 30; tag < 34; tag++) {
        fill(out, N - tag + 30, c->rank + tag);
        MPI_Request r;
        MPI_Isend(out, N - tag + 30, MPI_INT, right_of(c), tag, MPI_COMM_WORLD, &r);
        conf_tally_send(MPI_COMM_WORLD, right_of(c), sizeof(int) * (size_t)(N - tag + 30));
        memset(in, 0, sizeof in);
        if (tag == 30) {          /* Probe, then a Recv of the probed size (tracked) */
            MPI_Probe(left_of(c), tag, MPI_COMM_WORLD, &st);
            MPI_Get_count(&st, MPI_INT, &count);
            MPI_Recv(in, count, MPI_INT, st.MPI_SOURCE, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            conf_tally_recv(MPI_COMM_WORLD, left_of(c), sizeof(int) * (size_t)count);
        } else if (tag == 31) {   /* Iprobe until it is there, then a Recv */
            for (flag = 0; !flag;) MPI_Iprobe(left_of(c), tag, MPI_COMM_WORLD, &flag, &st);
            MPI_Get_count(&st, MPI_INT, &count);
            MPI_Recv(in, count, MPI_INT, left_of(c), tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            conf_tally_recv(MPI_COMM_WORLD, left_of(c), sizeof(int) * (size_t)count);
        } else if (tag == 32) {   /* Mprobe and Mrecv (untracked) */
            MPI_Message m;
            MPI_Mprobe(left_of(c), tag, MPI_COMM_WORLD, &m, &st);
            MPI_Get_count(&st, MPI_INT, &count);
            MPI_Mrecv(in, count, MPI_INT, &m, MPI_STATUS_IGNORE);
        } else {                  /* Improbe and Imrecv (untracked) */
            MPI_Message m;
            MPI_Request rr;
            for (flag = 0; !flag;) MPI_Improbe(left_of(c), tag, MPI_COMM_WORLD, &flag, &m, &st);
            MPI_Get_count(&st, MPI_INT, &count);
            MPI_Imrecv(in, count, MPI_INT, &m, &rr);
            MPI_Wait(&rr, MPI_STATUS_IGNORE);
        }
        MPI_Wait(&r, MPI_STATUS_IGNORE);
        conf_check(c, count == N - tag + 30 && filled(in, count, left_of(c) + tag), "probe: wrong data");
        conf_fold_int(c, count);
        conf_fold(c, in, sizeof in);
    }
}

/* ---- Sendrecv and Sendrecv_replace, with MPI_PROC_NULL at a chain's ends ---- */

static void sendrecv(conf_ctx *c) {
    int out[N], in[N] = {0};
    MPI_Status st;
    fill(out, N, c->rank + 40);
    MPI_Sendrecv(out, N, MPI_INT, right_of(c), 40, in, N, MPI_INT, left_of(c), 40, MPI_COMM_WORLD, &st);
    conf_tally_send(MPI_COMM_WORLD, right_of(c), sizeof out);
    conf_tally_recv(MPI_COMM_WORLD, left_of(c), sizeof in);
    conf_check(c, filled(in, N, left_of(c) + 40) && st.MPI_SOURCE == left_of(c), "sendrecv: wrong data");
    conf_fold(c, in, sizeof in);

    fill(in, N, c->rank + 41);
    MPI_Sendrecv_replace(in, N, MPI_INT, right_of(c), 41, left_of(c), 41, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    conf_tally_send(MPI_COMM_WORLD, right_of(c), sizeof in);
    conf_tally_recv(MPI_COMM_WORLD, left_of(c), sizeof in);
    conf_check(c, filled(in, N, left_of(c) + 41), "sendrecv_replace: wrong data");
    conf_fold(c, in, sizeof in);

    /* a chain, not a ring: the ends talk to MPI_PROC_NULL */
    int up = c->rank + 1 < c->size ? c->rank + 1 : MPI_PROC_NULL;
    int down = c->rank > 0 ? c->rank - 1 : MPI_PROC_NULL;
    fill(out, N, c->rank + 42);
    memset(in, 0, sizeof in);
    MPI_Sendrecv(out, N, MPI_INT, up, 42, in, N, MPI_INT, down, 42, MPI_COMM_WORLD, &st);
    if (up != MPI_PROC_NULL) conf_tally_send(MPI_COMM_WORLD, up, sizeof out);
    if (down != MPI_PROC_NULL) conf_tally_recv(MPI_COMM_WORLD, down, sizeof in);
    conf_check(c, down == MPI_PROC_NULL ? st.MPI_SOURCE == MPI_PROC_NULL : filled(in, N, down + 42),
               "sendrecv chain: wrong data");
    conf_fold(c, in, sizeof in);
}

/* ---- to oneself on MPI_COMM_SELF and a dup of it ---- */

static void self_exchange(conf_ctx *c, MPI_Comm comm, int variant) {
    int out[4] = {c->rank, 1, 2, variant}, in[4] = {0};
    MPI_Request r;
    MPI_Status st;
    int flag = 0;
    if (variant % 2 == 0) MPI_Isend(out, 4, MPI_INT, 0, 123, comm, &r);
    else MPI_Issend(out, 4, MPI_INT, 0, 123, comm, &r);
    if (variant == 2) MPI_Test(&r, &flag, MPI_STATUS_IGNORE);
    if (variant == 3) MPI_Probe(0, 123, comm, &st);
    MPI_Recv(in, 4, MPI_INT, 0, 123, comm, MPI_STATUS_IGNORE);
    if (!flag) MPI_Wait(&r, MPI_STATUS_IGNORE);
    conf_tally_send(comm, 0, sizeof out);
    conf_tally_recv(comm, 0, sizeof in);
    conf_check(c, memcmp(in, out, sizeof in) == 0, "self: wrong data");
    conf_fold(c, in, sizeof in);

    /* the exact program: zero bytes, NULL buffers */
    MPI_Isend(NULL, 0, MPI_BYTE, 0, 124, comm, &r);
    MPI_Recv(NULL, 0, MPI_BYTE, 0, 124, comm, MPI_STATUS_IGNORE);
    MPI_Wait(&r, MPI_STATUS_IGNORE);
    conf_tally_send(comm, 0, 0);
    conf_tally_recv(comm, 0, 0);
}

static void self(conf_ctx *c) {
    MPI_Comm dup;
    MPI_Comm_dup(MPI_COMM_SELF, &dup);
    for (int variant = 0; variant < 4; variant++) {
        self_exchange(c, MPI_COMM_SELF, variant);
        self_exchange(c, dup, variant);
    }
    MPI_Comm_free(&dup);
}

/* ---- wildcards: MPI_ANY_SOURCE and MPI_ANY_TAG ---- */

static void wildcards(conf_ctx *c) {
    int *got = calloc((size_t)c->size, sizeof(int));
    int value = 100 + c->rank;
    if (c->rank != 0) {
        MPI_Send(&value, 1, MPI_INT, 0, 50 + c->rank, MPI_COMM_WORLD);
        PMPI_Barrier(MPI_COMM_WORLD);   /* rank 0's MPI_ANY_TAG receives are done */
        MPI_Send(&value, 1, MPI_INT, 0, 60, MPI_COMM_WORLD);
        conf_tally_send(MPI_COMM_WORLD, 0, sizeof value);
        conf_tally_send(MPI_COMM_WORLD, 0, sizeof value);
    } else {
        for (int i = 1; i < c->size; i++) {   /* blocking: the status names the source */
            MPI_Status st;
            int v = 0;
            MPI_Recv(&v, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
            conf_tally_recv(MPI_COMM_WORLD, st.MPI_SOURCE, sizeof v);
            conf_check(c, st.MPI_TAG == 50 + st.MPI_SOURCE && v == 100 + st.MPI_SOURCE, "any source: wrong");
            got[st.MPI_SOURCE] += v;
        }
        PMPI_Barrier(MPI_COMM_WORLD);
        /* nonblocking with MPI_ANY_SOURCE: untracked */
        int *v = calloc((size_t)c->size, sizeof(int));
        MPI_Request *r = malloc(sizeof(MPI_Request) * (size_t)c->size);
        MPI_Status *st = malloc(sizeof(MPI_Status) * (size_t)c->size);
        for (int i = 1; i < c->size; i++) MPI_Irecv(&v[i], 1, MPI_INT, MPI_ANY_SOURCE, 60, MPI_COMM_WORLD, &r[i]);
        MPI_Waitall(c->size - 1, r + 1, st + 1);
        for (int i = 1; i < c->size; i++) got[st[i].MPI_SOURCE] += v[i];
        free(v);
        free(r);
        free(st);
    }
    conf_fold(c, got, sizeof(int) * (size_t)c->size);
    free(got);
}

/* ---- derived datatypes, MPI_BOTTOM, zero counts ---- */

static void datatypes(conf_ctx *c) {
    int grid[8][8], column[8] = {0};
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++) grid[i][j] = c->rank * 100 + i * 8 + j;
    MPI_Datatype col, pair;
    MPI_Type_vector(8, 1, 8, MPI_INT, &col);
    MPI_Type_commit(&col);
    /* one column of the neighbour's grid arrives as 8 contiguous ints */
    MPI_Sendrecv(&grid[0][3], 1, col, right_of(c), 70, column, 8, MPI_INT, left_of(c), 70, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    conf_tally_send(MPI_COMM_WORLD, right_of(c), 8 * sizeof(int));
    conf_tally_recv(MPI_COMM_WORLD, left_of(c), 8 * sizeof(int));
    conf_check(c, column[5] == left_of(c) * 100 + 5 * 8 + 3, "vector: wrong data");
    conf_fold(c, column, sizeof column);

    /* a struct with absolute addresses, sent and received at MPI_BOTTOM */
    int a = c->rank, b = c->rank * 7, ra = -1, rb = -1;
    MPI_Aint addr[2], raddr[2];
    MPI_Get_address(&a, &addr[0]);
    MPI_Get_address(&b, &addr[1]);
    MPI_Get_address(&ra, &raddr[0]);
    MPI_Get_address(&rb, &raddr[1]);
    int lengths[2] = {1, 1};
    MPI_Datatype types[2] = {MPI_INT, MPI_INT}, rpair;
    MPI_Type_create_struct(2, lengths, addr, types, &pair);
    MPI_Type_create_struct(2, lengths, raddr, types, &rpair);
    MPI_Type_commit(&pair);
    MPI_Type_commit(&rpair);
    MPI_Request r;
    MPI_Irecv(MPI_BOTTOM, 1, rpair, left_of(c), 71, MPI_COMM_WORLD, &r);
    MPI_Send(MPI_BOTTOM, 1, pair, right_of(c), 71, MPI_COMM_WORLD);
    MPI_Wait(&r, MPI_STATUS_IGNORE);
    conf_tally_send(MPI_COMM_WORLD, right_of(c), 2 * sizeof(int));
    conf_tally_recv(MPI_COMM_WORLD, left_of(c), 2 * sizeof(int));
    conf_check(c, ra == left_of(c) && rb == left_of(c) * 7, "MPI_BOTTOM: wrong data");
    conf_fold_int(c, ra * 1000 + rb);

    /* zero counts and MPI_PROC_NULL: messages without data, and no message */
    MPI_Status st;
    int count = -1;
    MPI_Sendrecv(NULL, 0, MPI_INT, right_of(c), 72, NULL, 0, MPI_INT, left_of(c), 72, MPI_COMM_WORLD, &st);
    MPI_Get_count(&st, MPI_INT, &count);
    conf_tally_send(MPI_COMM_WORLD, right_of(c), 0);
    conf_tally_recv(MPI_COMM_WORLD, left_of(c), 0);
    conf_check(c, count == 0 && st.MPI_SOURCE == left_of(c), "zero count: wrong status");
    MPI_Send(&a, 1, MPI_INT, MPI_PROC_NULL, 73, MPI_COMM_WORLD);
    MPI_Recv(&ra, 1, MPI_INT, MPI_PROC_NULL, 73, MPI_COMM_WORLD, &st);
    conf_check(c, st.MPI_SOURCE == MPI_PROC_NULL, "PROC_NULL: wrong status");
    conf_fold_int(c, count);
    MPI_Type_free(&col);
    MPI_Type_free(&pair);
    MPI_Type_free(&rpair);
}

const conf_case conf_p2p_cases[] = {
    {"p2p.blocking_modes", MPI_THREAD_SINGLE, 2, blocking_modes},
    {"p2p.nonblocking_modes", MPI_THREAD_SINGLE, 2, nonblocking_modes},
    {"p2p.persistent", MPI_THREAD_SINGLE, 2, persistent},
    {"p2p.probes", MPI_THREAD_SINGLE, 2, probes},
    {"p2p.sendrecv", MPI_THREAD_SINGLE, 2, sendrecv},
    {"p2p.self", MPI_THREAD_SINGLE, 1, self},
    {"p2p.wildcards", MPI_THREAD_SINGLE, 2, wildcards},
    {"p2p.datatypes", MPI_THREAD_SINGLE, 2, datatypes},
    {NULL, 0, 0, NULL},
};
