/*
 * Threads, at the level each case needs:
 *   FUNNELED    helper threads compute while the main thread calls MPI;
 *   SERIALIZED  four threads take turns at MPI (nonblocking calls, polled);
 *   MULTIPLE    four threads call MPI at once, each on its own communicator,
 *               then all on one shared communicator (point-to-point by tag,
 *               one thread doing its collectives), and each sending to
 *               itself on MPI_COMM_SELF (the hang of issue 27, threaded).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "conformance.h"

#define THREADS 4
#define ROUNDS 25
#define N 16

typedef struct worker {
    conf_ctx *ctx;
    int index;
    MPI_Comm comm;
    char label[32];
    pthread_mutex_t *turn;   /* SERIALIZED: held around every MPI call */
    long sum;                /* what the thread received, folded after join */
} worker;

static int right_of(const conf_ctx *c) { return (c->rank + 1) % c->size; }
static int left_of(const conf_ctx *c) { return (c->rank + c->size - 1) % c->size; }

static void run_threads(worker *w, void *(*body)(void *)) {
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, body, &w[i]);
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++) conf_fold_int(w[i].ctx, w[i].sum);
}

/* ---- FUNNELED ---- */

static void *compute(void *arg) {
    worker *w = arg;
    for (long i = 0; i < 200000; i++) w->sum += (i * (w->index + 3)) % 7;
    return NULL;
}

static void funneled(conf_ctx *c) {
    worker w[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){.ctx = c, .index = i};
        pthread_create(&t[i], NULL, compute, &w[i]);
    }
    int send[N], recv[N];
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < N; i++) send[i] = c->rank + round + i;
        MPI_Allreduce(send, recv, N, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
        conf_tally_collective("world", MPI_COMM_WORLD, VIGIL_OP_ALLREDUCE);
        conf_fold(c, recv, sizeof recv);
    }
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++) conf_fold_int(c, w[i].sum);
}

/* ---- SERIALIZED ---- */

static void *take_turns(void *arg) {
    worker *w = arg;
    conf_ctx *c = w->ctx;
    int tag = 200 + w->index;
    for (int round = 0; round < ROUNDS; round++) {
        int send[N], recv[N] = {0}, done = 0;
        for (int i = 0; i < N; i++) send[i] = c->rank * 1000 + tag + round + i;
        MPI_Request r[2];
        pthread_mutex_lock(w->turn);
        MPI_Irecv(recv, N, MPI_INT, left_of(c), tag, MPI_COMM_WORLD, &r[0]);
        MPI_Isend(send, N, MPI_INT, right_of(c), tag, MPI_COMM_WORLD, &r[1]);
        pthread_mutex_unlock(w->turn);
        while (!done) {
            pthread_mutex_lock(w->turn);
            MPI_Testall(2, r, &done, MPI_STATUSES_IGNORE);
            pthread_mutex_unlock(w->turn);
        }
        conf_tally_send(MPI_COMM_WORLD, right_of(c), sizeof send);
        conf_tally_recv(MPI_COMM_WORLD, left_of(c), sizeof recv);
        conf_check(c, recv[0] == left_of(c) * 1000 + tag + round, "serialized: wrong data");
        w->sum += recv[N - 1];
    }
    return NULL;
}

static void serialized(conf_ctx *c) {
    pthread_mutex_t turn = PTHREAD_MUTEX_INITIALIZER;
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) w[i] = (worker){.ctx = c, .index = i, .turn = &turn};
    run_threads(w, take_turns);
}

/* ---- MULTIPLE ---- */

/* Collectives, Sendrecv and Isend/Irecv/Waitall on the thread's own communicator. */
static void *own_communicator(void *arg) {
    worker *w = arg;
    conf_ctx *c = w->ctx;
    int size, rank;
    MPI_Comm_size(w->comm, &size);
    MPI_Comm_rank(w->comm, &rank);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    for (int round = 0; round < ROUNDS; round++) {
        int send[N], recv[N], ring[N];
        for (int i = 0; i < N; i++) send[i] = c->rank + w->index * 100 + round + i;
        MPI_Allreduce(send, recv, N, MPI_INT, MPI_SUM, w->comm);
        conf_tally_collective(w->label, w->comm, VIGIL_OP_ALLREDUCE);
        MPI_Sendrecv(send, N, MPI_INT, right, 1, ring, N, MPI_INT, left, 1, w->comm, MPI_STATUS_IGNORE);
        MPI_Request r[2];
        MPI_Irecv(ring, N, MPI_INT, left, 2, w->comm, &r[0]);
        MPI_Isend(send, N, MPI_INT, right, 2, w->comm, &r[1]);
        MPI_Waitall(2, r, MPI_STATUSES_IGNORE);
        for (int k = 0; k < 2; k++) {
            conf_tally_send(w->comm, right, sizeof send);
            conf_tally_recv(w->comm, left, sizeof ring);
        }
        conf_check(c, ring[0] == left + w->index * 100 + round, "own communicator: wrong data");
        w->sum += recv[N - 1] + ring[N - 1];
    }
    return NULL;
}

/* Point-to-point on the shared communicator, told apart by tag; thread 0
 * also runs the shared communicator's collectives (one thread may). */
static void *shared_communicator(void *arg) {
    worker *w = arg;
    conf_ctx *c = w->ctx;
    int tag = 300 + w->index;
    for (int round = 0; round < ROUNDS; round++) {
        int send[N], recv[N] = {0};
        for (int i = 0; i < N; i++) send[i] = c->rank * 1000 + tag + round + i;
        if (w->index % 2 == 0) {
            MPI_Sendrecv(send, N, MPI_INT, right_of(c), tag, recv, N, MPI_INT, left_of(c), tag, w->comm,
                         MPI_STATUS_IGNORE);
        } else {
            MPI_Request r;
            MPI_Irecv(recv, N, MPI_INT, left_of(c), tag, w->comm, &r);
            MPI_Send(send, N, MPI_INT, right_of(c), tag, w->comm);
            MPI_Wait(&r, MPI_STATUS_IGNORE);
        }
        conf_tally_send(w->comm, right_of(c), sizeof send);
        conf_tally_recv(w->comm, left_of(c), sizeof recv);
        conf_check(c, recv[0] == left_of(c) * 1000 + tag + round, "shared communicator: wrong data");
        if (w->index == 0) {
            int total = 0;
            MPI_Allreduce(&round, &total, 1, MPI_INT, MPI_SUM, w->comm);
            conf_tally_collective(w->label, w->comm, VIGIL_OP_ALLREDUCE);
            w->sum += total;
        }
        w->sum += recv[N - 1];
    }
    return NULL;
}

/* Each thread sends to itself on MPI_COMM_SELF, its own tag. */
static void *self_sends(void *arg) {
    worker *w = arg;
    for (int round = 0; round < ROUNDS; round++) {
        int out = w->index * 1000 + round, in = -1, tag = 400 + w->index;
        MPI_Request r;
        if (round % 2) MPI_Issend(&out, 1, MPI_INT, 0, tag, MPI_COMM_SELF, &r);
        else MPI_Isend(&out, 1, MPI_INT, 0, tag, MPI_COMM_SELF, &r);
        MPI_Recv(&in, 1, MPI_INT, 0, tag, MPI_COMM_SELF, MPI_STATUS_IGNORE);
        MPI_Wait(&r, MPI_STATUS_IGNORE);
        conf_tally_send(MPI_COMM_SELF, 0, sizeof out);
        conf_tally_recv(MPI_COMM_SELF, 0, sizeof in);
        conf_check(w->ctx, in == out, "self from a thread: wrong data");
        w->sum += in;
    }
    return NULL;
}

static void multiple(conf_ctx *c) {
    worker w[THREADS];
    MPI_Comm shared;
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){.ctx = c, .index = i};
        MPI_Comm_dup(MPI_COMM_WORLD, &w[i].comm);
        snprintf(w[i].label, sizeof w[i].label, "threads.own%d", i);
    }
    run_threads(w, own_communicator);
    for (int i = 0; i < THREADS; i++) MPI_Comm_free(&w[i].comm);

    MPI_Comm_dup(MPI_COMM_WORLD, &shared);
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){.ctx = c, .index = i, .comm = shared};
        snprintf(w[i].label, sizeof w[i].label, "threads.shared");
    }
    run_threads(w, shared_communicator);
    MPI_Comm_free(&shared);

    for (int i = 0; i < THREADS; i++) w[i] = (worker){.ctx = c, .index = i};
    run_threads(w, self_sends);
}

const conf_case conf_thread_cases[] = {
    {"threads.funneled", MPI_THREAD_FUNNELED, 1, funneled},
    {"threads.serialized", MPI_THREAD_SERIALIZED, 2, serialized},
    {"threads.multiple", MPI_THREAD_MULTIPLE, 2, multiple},
    {NULL, 0, 0, NULL},
};
