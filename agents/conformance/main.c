/*
 * vigil-conformance driver.
 *
 *   vigil-conformance --level single|funneled|serialized|multiple --out DIR
 *                     [--deadline SECONDS] [--case PREFIX]
 *
 * Runs every case the thread level and the rank count allow, in one order
 * on every rank, and writes DIR/rank-R.txt: the level provided, a line per
 * case (`case NAME ok DIGEST`, or `case NAME FAIL what`), then the tally of
 * calls libvigil claims to record. A case that does not finish within the
 * deadline (30 s) ends the process with status 124, naming the case.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conformance.h"

/* ---- digests and checks ---- */

void conf_fold(conf_ctx *ctx, const void *bytes, size_t n) {
    const unsigned char *p = bytes;
    for (size_t i = 0; i < n; i++) ctx->digest = (ctx->digest ^ p[i]) * 0x100000001b3ull;
}

void conf_fold_int(conf_ctx *ctx, long long value) { conf_fold(ctx, &value, sizeof value); }

static pthread_mutex_t check_lock = PTHREAD_MUTEX_INITIALIZER;

void conf_check(conf_ctx *ctx, int ok, const char *what) {
    if (ok) return;
    pthread_mutex_lock(&check_lock);   /* threaded cases check from every thread */
    if (ctx->failure[0] == 0) snprintf(ctx->failure, sizeof ctx->failure, "%s", what);
    pthread_mutex_unlock(&check_lock);
}

/* ---- the tally ---- */

typedef struct collective_count {
    char label[32];
    int size, op;
    long count;
} collective_count;

typedef struct peer_count {
    long messages;
    uint64_t bytes;
} peer_count;

static pthread_mutex_t tally_lock = PTHREAD_MUTEX_INITIALIZER;
static collective_count collectives[256];
static int collective_kinds;
static peer_count *sends, *recvs;   /* by world rank */
static int world_size;

/* libvigil's communicator size: the remote group's for an intercommunicator. */
static int vigil_size(MPI_Comm comm) {
    int inter = 0, size = 0;
    PMPI_Comm_test_inter(comm, &inter);
    if (inter) PMPI_Comm_remote_size(comm, &size);
    else PMPI_Comm_size(comm, &size);
    return size;
}

void conf_tally_collective(const char *label, MPI_Comm comm, int op) {
    int size = vigil_size(comm);
    pthread_mutex_lock(&tally_lock);
    int i = 0;
    while (i < collective_kinds && !(strcmp(collectives[i].label, label) == 0 && collectives[i].op == op)) i++;
    if (i == collective_kinds && collective_kinds < 256) {
        collective_kinds++;
        snprintf(collectives[i].label, sizeof collectives[i].label, "%s", label);
        collectives[i].size = size;
        collectives[i].op = op;
    }
    if (i < 256) collectives[i].count++;
    pthread_mutex_unlock(&tally_lock);
}

static int world_rank_of(MPI_Comm comm, int rank) {
    int inter = 0, world = MPI_UNDEFINED;
    MPI_Group group, world_group;
    PMPI_Comm_test_inter(comm, &inter);
    if (inter) PMPI_Comm_remote_group(comm, &group);
    else PMPI_Comm_group(comm, &group);
    PMPI_Comm_group(MPI_COMM_WORLD, &world_group);
    PMPI_Group_translate_ranks(group, 1, &rank, world_group, &world);
    PMPI_Group_free(&group);
    PMPI_Group_free(&world_group);
    return world;
}

static void tally_peer(peer_count *table, MPI_Comm comm, int rank, uint64_t bytes) {
    if (rank < 0) return;   /* MPI_PROC_NULL: no message */
    int peer = world_rank_of(comm, rank);
    if (peer < 0 || peer >= world_size) return;
    pthread_mutex_lock(&tally_lock);
    table[peer].messages++;
    table[peer].bytes += bytes;
    pthread_mutex_unlock(&tally_lock);
}

void conf_tally_send(MPI_Comm comm, int rank, uint64_t bytes) { tally_peer(sends, comm, rank, bytes); }
void conf_tally_recv(MPI_Comm comm, int rank, uint64_t bytes) { tally_peer(recvs, comm, rank, bytes); }

static void write_tally(FILE *out) {
    for (int i = 0; i < collective_kinds; i++)
        fprintf(out, "tally collective %s %d %d %ld\n", collectives[i].label, collectives[i].size,
                collectives[i].op, collectives[i].count);
    for (int p = 0; p < world_size; p++) {
        if (sends[p].messages)
            fprintf(out, "tally send %d %ld %llu\n", p, sends[p].messages, (unsigned long long)sends[p].bytes);
        if (recvs[p].messages)
            fprintf(out, "tally recv %d %ld %llu\n", p, recvs[p].messages, (unsigned long long)recvs[p].bytes);
    }
}

/* ---- the watchdog ---- */

static char running[64];
static int my_rank;

static void on_deadline(int sig) {
    (void)sig;
    char line[160];
    int n = snprintf(line, sizeof line, "vigil-conformance: rank %d: case %s did not finish in time\n",
                     my_rank, running);
    if (write(2, line, (size_t)n) < 0) _exit(125);
    _exit(124);
}

/* ---- driver ---- */

static int parse_level(const char *name) {
    if (strcmp(name, "single") == 0) return MPI_THREAD_SINGLE;
    if (strcmp(name, "funneled") == 0) return MPI_THREAD_FUNNELED;
    if (strcmp(name, "serialized") == 0) return MPI_THREAD_SERIALIZED;
    if (strcmp(name, "multiple") == 0) return MPI_THREAD_MULTIPLE;
    return -1;
}

static void run_family(const conf_case *cases, conf_ctx *base, const char *only, unsigned deadline, FILE *out) {
    for (const conf_case *c = cases; c->name; c++) {
        if (only && strncmp(c->name, only, strlen(only)) != 0) continue;
        if (base->level < c->min_level || base->size < c->min_size) continue;
        conf_ctx ctx = {.rank = base->rank, .size = base->size, .level = base->level,
                        .digest = 0xcbf29ce484222325ull};
        snprintf(running, sizeof running, "%s", c->name);
        PMPI_Barrier(MPI_COMM_WORLD);   /* the harness's own sync: not a call under test */
        alarm(deadline);
        c->run(&ctx);
        alarm(0);
        if (ctx.failure[0]) fprintf(out, "case %s FAIL %s\n", c->name, ctx.failure);
        else fprintf(out, "case %s ok %016llx\n", c->name, (unsigned long long)ctx.digest);
        fflush(out);
    }
}

int main(int argc, char **argv) {
    const char *level_name = NULL, *dir = NULL, *only = NULL;
    unsigned deadline = 30;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--level") == 0) level_name = argv[i + 1];
        else if (strcmp(argv[i], "--out") == 0) dir = argv[i + 1];
        else if (strcmp(argv[i], "--case") == 0) only = argv[i + 1];
        else if (strcmp(argv[i], "--deadline") == 0) deadline = (unsigned)atoi(argv[i + 1]);
    }
    int required = level_name ? parse_level(level_name) : -1;
    if (required < 0 || dir == NULL || deadline == 0) {
        fprintf(stderr, "usage: vigil-conformance --level single|funneled|serialized|multiple --out DIR "
                        "[--deadline SECONDS] [--case PREFIX]\n");
        return 2;
    }
    signal(SIGALRM, on_deadline);
    snprintf(running, sizeof running, "MPI_Init_thread");
    alarm(deadline);
    int provided = -1;
    MPI_Init_thread(&argc, &argv, required, &provided);
    alarm(0);
    conf_ctx base = {.level = provided};
    MPI_Comm_rank(MPI_COMM_WORLD, &base.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &base.size);
    my_rank = base.rank;
    world_size = base.size;
    sends = calloc((size_t)world_size, sizeof *sends);
    recvs = calloc((size_t)world_size, sizeof *recvs);

    char path[4096];
    snprintf(path, sizeof path, "%s/rank-%d.txt", dir, base.rank);
    FILE *out = fopen(path, "w");
    if (!out || !sends || !recvs) {
        perror(path);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    fprintf(out, "level %d required %d size %d\n", provided, required, base.size);
    const conf_case *families[] = {conf_p2p_cases, conf_request_cases, conf_collective_cases,
                                   conf_communicator_cases, conf_thread_cases};
    for (size_t f = 0; f < sizeof families / sizeof *families; f++)
        run_family(families[f], &base, only, deadline, out);
    write_tally(out);
    fprintf(out, "end\n");
    fclose(out);
    snprintf(running, sizeof running, "MPI_Finalize");
    alarm(deadline);
    MPI_Finalize();
    return 0;
}
