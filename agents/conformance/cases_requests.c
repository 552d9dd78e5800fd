/*
 * Completing requests: every Wait and Test form (arrays with null handles
 * in them), Cancel, Request_free, and generalized requests (completed from
 * another thread while a Wait is inside MPI, at MPI_THREAD_MULTIPLE).
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "conformance.h"

#define N 32

static int right_of(const conf_ctx *c) { return (c->rank + 1) % c->size; }
static int left_of(const conf_ctx *c) { return (c->rank + c->size - 1) % c->size; }

/* Posts a receive from the left and a send to the right: r[0] recv, r[1] send. */
static void post_pair(conf_ctx *c, int *out, int *in, int tag, MPI_Request r[2]) {
    for (int i = 0; i < N; i++) out[i] = c->rank * 100 + tag + i;
    memset(in, 0, sizeof(int) * N);
    MPI_Irecv(in, N, MPI_INT, left_of(c), tag, MPI_COMM_WORLD, &r[0]);
    MPI_Isend(out, N, MPI_INT, right_of(c), tag, MPI_COMM_WORLD, &r[1]);
    conf_tally_recv(MPI_COMM_WORLD, left_of(c), sizeof(int) * N);
    conf_tally_send(MPI_COMM_WORLD, right_of(c), sizeof(int) * N);
}

static void check_pair(conf_ctx *c, const int *in, int tag) {
    conf_check(c, in[N - 1] == left_of(c) * 100 + tag + N - 1, "wait/test: wrong data");
    conf_fold(c, in, sizeof(int) * N);
}

static void wait_and_test(conf_ctx *c) {
    int out[N], in[N], flag, index, outcount, indices[3];
    MPI_Request r[3];
    MPI_Status st[3];

    post_pair(c, out, in, 1, r);
    MPI_Wait(&r[0], &st[0]);
    MPI_Wait(&r[1], MPI_STATUS_IGNORE);
    conf_check(c, st[0].MPI_SOURCE == left_of(c) && st[0].MPI_TAG == 1, "wait: wrong status");
    conf_check(c, r[0] == MPI_REQUEST_NULL && r[1] == MPI_REQUEST_NULL, "wait: handle not freed");
    check_pair(c, in, 1);

    post_pair(c, out, in, 2, r);
    for (int i = 0; i < 2; i++)
        for (flag = 0; !flag;) MPI_Test(&r[i], &flag, MPI_STATUS_IGNORE);
    check_pair(c, in, 2);

    post_pair(c, out, in, 3, r);
    r[2] = MPI_REQUEST_NULL;   /* null handles in an array are ignored */
    for (int done = 0; done < 2; done++) MPI_Waitany(3, r, &index, MPI_STATUS_IGNORE);
    MPI_Waitany(3, r, &index, MPI_STATUS_IGNORE);
    conf_check(c, index == MPI_UNDEFINED, "waitany: all null should say MPI_UNDEFINED");
    check_pair(c, in, 3);

    post_pair(c, out, in, 4, r);
    for (int done = 0; done < 2;) {
        MPI_Testany(2, r, &index, &flag, MPI_STATUS_IGNORE);
        if (flag && index != MPI_UNDEFINED) done++;
    }
    check_pair(c, in, 4);

    post_pair(c, out, in, 5, r);
    for (int done = 0; done < 2; done += outcount) MPI_Waitsome(3, r, &outcount, indices, st);
    MPI_Waitsome(3, r, &outcount, indices, st);
    conf_check(c, outcount == MPI_UNDEFINED, "waitsome: all null should say MPI_UNDEFINED");
    check_pair(c, in, 5);

    post_pair(c, out, in, 6, r);
    for (int done = 0; done < 2; done += outcount) MPI_Testsome(2, r, &outcount, indices, MPI_STATUSES_IGNORE);
    check_pair(c, in, 6);

    post_pair(c, out, in, 7, r);
    MPI_Waitall(3, r, st);
    conf_check(c, st[0].MPI_SOURCE == left_of(c), "waitall: wrong status");
    check_pair(c, in, 7);

    post_pair(c, out, in, 8, r);
    for (flag = 0; !flag;) MPI_Testall(2, r, &flag, MPI_STATUSES_IGNORE);
    check_pair(c, in, 8);

    /* an empty list and a null handle complete at once */
    MPI_Waitall(0, r, MPI_STATUSES_IGNORE);
    r[0] = MPI_REQUEST_NULL;
    MPI_Wait(&r[0], MPI_STATUS_IGNORE);
    MPI_Test(&r[0], &flag, MPI_STATUS_IGNORE);
    conf_check(c, flag == 1, "test: a null handle is complete");
}

/* A receive that nothing matches, cancelled: libvigil counts no message. */
static void cancel(conf_ctx *c) {
    int in[N];
    MPI_Request r;
    MPI_Status st;
    int cancelled = 0;
    MPI_Irecv(in, N, MPI_INT, left_of(c), 900, MPI_COMM_WORLD, &r);
    MPI_Cancel(&r);
    MPI_Wait(&r, &st);
    MPI_Test_cancelled(&st, &cancelled);
    conf_check(c, cancelled, "cancel: receive not cancelled");
    conf_fold_int(c, cancelled);

    /* the same, completed by a Test loop with the status ignored */
    int flag = 0;
    MPI_Irecv(in, N, MPI_INT, MPI_ANY_SOURCE, 901, MPI_COMM_WORLD, &r);
    MPI_Cancel(&r);
    while (!flag) MPI_Test(&r, &flag, MPI_STATUS_IGNORE);
}

/* A send released at once; its receiver sees the message all the same. */
static void request_free(conf_ctx *c) {
    int out[N], in[N] = {0};
    MPI_Request r;
    for (int i = 0; i < N; i++) out[i] = c->rank + i;
    MPI_Isend(out, N, MPI_INT, right_of(c), 910, MPI_COMM_WORLD, &r);
    MPI_Request_free(&r);
    conf_check(c, r == MPI_REQUEST_NULL, "request_free: handle not nulled");
    MPI_Recv(in, N, MPI_INT, left_of(c), 910, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    conf_tally_send(MPI_COMM_WORLD, right_of(c), sizeof out);
    conf_tally_recv(MPI_COMM_WORLD, left_of(c), sizeof in);
    conf_check(c, in[N - 1] == left_of(c) + N - 1, "request_free: wrong data");
    conf_fold(c, in, sizeof in);
    PMPI_Barrier(MPI_COMM_WORLD);   /* the freed send has completed everywhere before `out` goes */
}

/* ---- generalized requests ---- */

static int query(void *state, MPI_Status *status) {
    MPI_Status_set_elements(status, MPI_INT, *(int *)state);
    MPI_Status_set_cancelled(status, 0);
    status->MPI_SOURCE = MPI_UNDEFINED;
    status->MPI_TAG = MPI_UNDEFINED;
    return MPI_SUCCESS;
}
static int release(void *state) { (void)state; return MPI_SUCCESS; }
static int cancel_nothing(void *state, int complete) { (void)state; (void)complete; return MPI_SUCCESS; }

typedef struct completer {
    MPI_Request request;
    volatile int *waiting;
} completer;

/* Completes the request from another thread once the main thread is (about
 * to be) inside MPI_Wait: the progress engine runs the query callback there. */
static void *complete_later(void *arg) {
    completer *job = arg;
    while (!__atomic_load_n(job->waiting, __ATOMIC_ACQUIRE)) usleep(100);
    usleep(2000);
    MPI_Grequest_complete(job->request);
    return NULL;
}

static void generalized(conf_ctx *c) {
    int elements = 5 + c->rank, count = -1;
    MPI_Request g, mixed[3];
    MPI_Status st;
    MPI_Grequest_start(query, release, cancel_nothing, &elements, &g);
    MPI_Grequest_complete(g);
    MPI_Wait(&g, &st);
    MPI_Get_count(&st, MPI_INT, &count);
    conf_check(c, count == elements && g == MPI_REQUEST_NULL, "grequest: wrong status");
    conf_fold_int(c, count);

    /* in one Waitall with tracked point-to-point requests */
    int out[N], in[N];
    post_pair(c, out, in, 920, mixed);
    MPI_Grequest_start(query, release, cancel_nothing, &elements, &mixed[2]);
    MPI_Grequest_complete(mixed[2]);
    MPI_Waitall(3, mixed, MPI_STATUSES_IGNORE);
    check_pair(c, in, 920);

    if (c->level < MPI_THREAD_MULTIPLE) return;
    volatile int waiting = 0;
    completer job = {.waiting = &waiting};
    MPI_Grequest_start(query, release, cancel_nothing, &elements, &job.request);
    pthread_t thread;
    pthread_create(&thread, NULL, complete_later, &job);
    __atomic_store_n(&waiting, 1, __ATOMIC_RELEASE);
    MPI_Wait(&job.request, &st);
    pthread_join(thread, NULL);
    MPI_Get_count(&st, MPI_INT, &count);
    conf_check(c, count == elements, "grequest from a thread: wrong status");
}

/* Eight receives in one Waitall whose sender is late (it computes first):
 * the rank was blocked once, for the Waitall, not once per request, and
 * not while it computed with the requests outstanding. The record check
 * holds the next collective's busy_ns to the time since the previous one. */
static void late_sender(conf_ctx *c) {
    enum { K = 8 };
    int out[K], in[K];
    MPI_Request r[2 * K];
    MPI_Barrier(MPI_COMM_WORLD);
    conf_tally_collective("world", MPI_COMM_WORLD, VIGIL_OP_BARRIER);
    for (int i = 0; i < K; i++) {
        MPI_Irecv(&in[i], 1, MPI_INT, left_of(c), 930 + i, MPI_COMM_WORLD, &r[i]);
        conf_tally_recv(MPI_COMM_WORLD, left_of(c), sizeof(int));
    }
    usleep(20000);
    for (int i = 0; i < K; i++) {
        out[i] = c->rank * 10 + i;
        MPI_Isend(&out[i], 1, MPI_INT, right_of(c), 930 + i, MPI_COMM_WORLD, &r[K + i]);
        conf_tally_send(MPI_COMM_WORLD, right_of(c), sizeof(int));
    }
    MPI_Waitall(2 * K, r, MPI_STATUSES_IGNORE);
    MPI_Barrier(MPI_COMM_WORLD);
    conf_tally_collective("world", MPI_COMM_WORLD, VIGIL_OP_BARRIER);
    conf_check(c, in[K - 1] == left_of(c) * 10 + K - 1, "late sender: wrong data");
    conf_fold(c, in, sizeof in);
}

const conf_case conf_request_cases[] = {
    {"requests.wait_and_test", MPI_THREAD_SINGLE, 2, wait_and_test},
    {"requests.cancel", MPI_THREAD_SINGLE, 2, cancel},
    {"requests.free", MPI_THREAD_SINGLE, 2, request_free},
    {"requests.generalized", MPI_THREAD_SINGLE, 2, generalized},
    {"requests.late_sender", MPI_THREAD_SINGLE, 2, late_sender},
    {NULL, 0, 0, NULL},
};
