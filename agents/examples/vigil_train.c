/*
 * vigil-train: a real data-parallel training program for tests, benches and
 * the demo. It fits a synthetic linear regression y = X w* + noise: every
 * rank owns a shard of the data, computes a gradient on a minibatch, and the
 * gradients are averaged with MPI_Allreduce every step, so the loss goes
 * down exactly as it would in DDP training.
 *
 * Optional parts make the communication pattern richer:
 *   --tp N      a tensor-parallel-like group of N ranks (MPI_Comm_split) that
 *               allreduces an activation buffer every step;
 *   --overlap   the gradient is reduced in two buckets, the first with
 *               MPI_Iallreduce overlapping the second;
 *   --p2p       a ring halo exchange with MPI_Sendrecv every step.
 * And --crash-rank R makes rank R abort right after start-up, every time:
 * a job that cannot start (a bad image, a broken import), for recovery's budget.
 *
 * With --checkpoint-every K it checkpoints its parameters with libvigil's
 * client (vigil.h) every K steps, the copy overlapping the next step's
 * gradient, and first resumes from the newest complete checkpoint
 * (printing VIGIL_TRAIN_RESUMED step=S); directories: --checkpoint-dir
 * (level 1) and --checkpoint-shared (level 2), else the node agent's.
 *
 * It counts every MPI call it makes and prints them at the end as
 *   VIGIL_TRAIN_REPORT {"rank":R,"world":{op:count...},"tp":{...},"p2p":{...}}
 * and rank 0 prints VIGIL_TRAIN_RESULT with the final loss and a checksum of
 * the parameters, so tests can compare runs with and without telemetry.
 */
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigil.h"

/* libvigil's checkpoint client, there when the job runs with libvigil
 * (LD_PRELOAD, as under vigil): vigil-train also runs without it. */
#pragma weak vigil_ckpt_init
#pragma weak vigil_ckpt_register
#pragma weak vigil_ckpt_restore
#pragma weak vigil_ckpt_before_update
#pragma weak vigil_ckpt_save
#pragma weak vigil_ckpt_wait
#pragma weak vigil_ckpt_finalize
#pragma weak vigil_ckpt_error

typedef struct options {
    int params, batch, samples, steps, tp, overlap, p2p, log_every, compute_us, checkpoint_every, crash_rank;
    double lr;
    unsigned seed;
    const char *checkpoint_dir, *checkpoint_shared;
} options;

enum { WORLD, TP, COMMS };
enum { ALLREDUCE, IALLREDUCE, BCAST, BARRIER, REDUCE, ALLGATHER, GATHER, SCATTER, OPS };
static const char *op_names[OPS] = {"allreduce", "iallreduce", "bcast", "barrier",
                                    "reduce", "allgather", "gather", "scatter"};
static long calls[COMMS][OPS];
static long p2p_sends, p2p_recvs;

static void usage(void) {
    fprintf(stderr,
            "usage: vigil-train [--params N] [--batch N] [--samples N] [--steps N] [--lr X]\n"
            "                   [--tp N] [--overlap] [--p2p] [--log-every N] [--compute-us N]\n"
            "                   [--seed N] [--checkpoint-every K] [--checkpoint-dir D]\n"
            "                   [--checkpoint-shared D] [--crash-rank R]\n");
}

static int parse(int argc, char **argv, options *o) {
    *o = (options){.params = 1024, .batch = 32, .samples = 512, .steps = 200, .tp = 1,
                   .log_every = 50, .lr = 0.05, .seed = 7, .crash_rank = -1};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--overlap")) { o->overlap = 1; continue; }
        if (!strcmp(a, "--p2p")) { o->p2p = 1; continue; }
        if (!v) return -1;
        if (!strcmp(a, "--params")) o->params = atoi(v);
        else if (!strcmp(a, "--batch")) o->batch = atoi(v);
        else if (!strcmp(a, "--samples")) o->samples = atoi(v);
        else if (!strcmp(a, "--steps")) o->steps = atoi(v);
        else if (!strcmp(a, "--tp")) o->tp = atoi(v);
        else if (!strcmp(a, "--log-every")) o->log_every = atoi(v);
        else if (!strcmp(a, "--compute-us")) o->compute_us = atoi(v);
        else if (!strcmp(a, "--lr")) o->lr = atof(v);
        else if (!strcmp(a, "--seed")) o->seed = (unsigned)atoi(v);
        else if (!strcmp(a, "--checkpoint-every")) o->checkpoint_every = atoi(v);
        else if (!strcmp(a, "--checkpoint-dir")) o->checkpoint_dir = v;
        else if (!strcmp(a, "--checkpoint-shared")) o->checkpoint_shared = v;
        else if (!strcmp(a, "--crash-rank")) o->crash_rank = atoi(v);
        else return -1;
        i++;
    }
    if (o->params < 2 || o->batch < 1 || o->samples < o->batch || o->steps < 0 || o->tp < 1 ||
        o->log_every < 1 || o->compute_us < 0)
        return -1;
    return 0;
}

/* Deterministic per-rank random numbers (xorshift), independent of libc. */
static double uniform(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (double)(*s >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

static void spin_us(int us) {
    if (us <= 0) return;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do clock_gettime(CLOCK_MONOTONIC, &t);
    while ((t.tv_sec - t0.tv_sec) * 1000000L + (t.tv_nsec - t0.tv_nsec) / 1000 < us);
}

typedef struct model {
    int p, n;
    double *x, *y, *w, *grad;
} model;

static void make_data(model *m, const options *o, unsigned shard_seed) {
    uint64_t s = 0x9E3779B97F4A7C15ull ^ shard_seed;
    uint64_t truth = 0xC0FFEEull ^ o->seed;  /* the same w* on every rank */
    double *w_true = malloc(sizeof(double) * (size_t)m->p);
    for (int j = 0; j < m->p; j++) w_true[j] = uniform(&truth);
    for (int i = 0; i < m->n; i++) {
        double dot = 0;
        for (int j = 0; j < m->p; j++) {
            m->x[(size_t)i * m->p + j] = uniform(&s);
            dot += m->x[(size_t)i * m->p + j] * w_true[j];
        }
        m->y[i] = dot + 0.01 * uniform(&s);
    }
    free(w_true);
}

/* Gradient of the mean squared error on rows [first, first + batch). */
static double local_gradient(model *m, int first, int batch) {
    memset(m->grad, 0, sizeof(double) * (size_t)m->p);
    double loss = 0;
    for (int b = 0; b < batch; b++) {
        const double *row = m->x + (size_t)((first + b) % m->n) * m->p;
        double err = -m->y[(first + b) % m->n];
        for (int j = 0; j < m->p; j++) err += row[j] * m->w[j];
        loss += err * err;
        for (int j = 0; j < m->p; j++) m->grad[j] += 2.0 * err * row[j] / batch;
    }
    return loss / batch;
}

static void reduce_gradient(model *m, const options *o, int world_size) {
    if (o->overlap) {
        int half = m->p / 2;
        MPI_Request bucket;
        MPI_Iallreduce(MPI_IN_PLACE, m->grad, half, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD, &bucket);
        calls[WORLD][IALLREDUCE]++;
        MPI_Allreduce(MPI_IN_PLACE, m->grad + half, m->p - half, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        calls[WORLD][ALLREDUCE]++;
        MPI_Wait(&bucket, MPI_STATUS_IGNORE);
    } else {
        MPI_Allreduce(MPI_IN_PLACE, m->grad, m->p, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        calls[WORLD][ALLREDUCE]++;
    }
    for (int j = 0; j < m->p; j++) m->grad[j] /= world_size;
}

static void halo_exchange(int rank, int size) {
    double out[256], in[256];
    for (int i = 0; i < 256; i++) out[i] = rank + i;
    MPI_Sendrecv(out, 256, MPI_DOUBLE, (rank + 1) % size, 1, in, 256, MPI_DOUBLE,
                 (rank + size - 1) % size, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    p2p_sends++;
    p2p_recvs++;
}

static void print_report(int rank, int tp) {
    char line[2048];
    int n = snprintf(line, sizeof line, "VIGIL_TRAIN_REPORT {\"rank\":%d", rank);
    for (int c = 0; c < COMMS; c++) {
        if (c == TP && tp <= 1) continue;
        n += snprintf(line + n, sizeof line - (size_t)n, ",\"%s\":{", c == WORLD ? "world" : "tp");
        for (int op = 0, first = 1; op < OPS; op++) {
            if (!calls[c][op]) continue;
            n += snprintf(line + n, sizeof line - (size_t)n, "%s\"%s\":%ld", first ? "" : ",",
                          op_names[op], calls[c][op]);
            first = 0;
        }
        n += snprintf(line + n, sizeof line - (size_t)n, "}");
    }
    snprintf(line + n, sizeof line - (size_t)n, ",\"p2p\":{\"send\":%ld,\"recv\":%ld}}\n", p2p_sends,
             p2p_recvs);
    fputs(line, stdout);
    fflush(stdout);
}

/* Checkpoints of the parameters and the step: on every rank or on none (a
 * rank without its agent turns them off everywhere). The step to resume
 * after, 0 for a fresh start, -1 with checkpoints off. */
static long checkpoints_start(const options *o, model *m, long *saved_step, int rank) {
    vigil_ckpt_options co = {.local_dir = o->checkpoint_dir, .shared_dir = o->checkpoint_shared};
    int linked = vigil_ckpt_init != NULL, everywhere = 0;
    int ok = linked && vigil_ckpt_init(&co) == 0 && vigil_ckpt_register("w", m->w, sizeof(double) * (size_t)m->p) == 0 &&
             vigil_ckpt_register("step", saved_step, sizeof *saved_step) == 0;
    if (!ok) fprintf(stderr, "vigil-train: rank %d: checkpoints off: %s\n", rank,
                     linked ? vigil_ckpt_error() : "libvigil is not loaded (LD_PRELOAD=libvigil.so)");
    MPI_Allreduce(&ok, &everywhere, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    calls[WORLD][ALLREDUCE]++;
    if (!everywhere) return -1;
    long restored = -1;
    if (vigil_ckpt_restore(&restored) != 0) fprintf(stderr, "vigil-train: rank %d: restore: %s\n", rank, vigil_ckpt_error());
    if (restored < 0) return 0;
    if (rank == 0) printf("VIGIL_TRAIN_RESUMED step=%ld\n", restored);
    return restored;
}

static void checkpoint_say(int r, const char *what, int rank) {
    if (r != 0) fprintf(stderr, "vigil-train: rank %d: checkpoint %s: %s\n", rank, what, vigil_ckpt_error());
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    options o;
    if (parse(argc, argv, &o) != 0) {
        if (rank == 0) usage();
        MPI_Finalize();
        return 2;
    }

    MPI_Comm tp = MPI_COMM_NULL;
    if (o.tp > 1) MPI_Comm_split(MPI_COMM_WORLD, rank / o.tp, rank, &tp);

    /* rank 0 hands every rank the seed of its data shard */
    unsigned *seeds = rank == 0 ? malloc(sizeof(unsigned) * (size_t)size) : NULL;
    for (int r = 0; rank == 0 && r < size; r++) seeds[r] = o.seed * 1000003u + (unsigned)r;
    unsigned shard_seed;
    MPI_Scatter(seeds, 1, MPI_UNSIGNED, &shard_seed, 1, MPI_UNSIGNED, 0, MPI_COMM_WORLD);
    calls[WORLD][SCATTER]++;
    free(seeds);

    model m = {.p = o.params, .n = o.samples};
    m.x = malloc(sizeof(double) * (size_t)m.n * m.p);
    m.y = malloc(sizeof(double) * (size_t)m.n);
    m.w = calloc((size_t)m.p, sizeof(double));
    m.grad = malloc(sizeof(double) * (size_t)m.p);
    make_data(&m, &o, shard_seed);
    MPI_Bcast(m.w, m.p, MPI_DOUBLE, 0, MPI_COMM_WORLD);  /* identical initial parameters */
    calls[WORLD][BCAST]++;
    if (rank == o.crash_rank) {
        fprintf(stderr, "vigil-train: rank %d: crashing at start-up (--crash-rank)\n", rank);
        abort();
    }

    long saved_step = 0;
    long resumed = o.checkpoint_every > 0 ? checkpoints_start(&o, &m, &saved_step, rank) : -1;
    int checkpointing = resumed >= 0;

    double *activation = calloc(1024, sizeof(double));
    double loss = 0;
    for (int step = checkpointing ? (int)resumed + 1 : 1; step <= o.steps; step++) {
        double local = local_gradient(&m, (step - 1) * o.batch, o.batch);
        spin_us(o.compute_us);
        if (tp != MPI_COMM_NULL) {
            for (int i = 0; i < 1024; i++) activation[i] = local * i;
            MPI_Allreduce(MPI_IN_PLACE, activation, 1024, MPI_DOUBLE, MPI_SUM, tp);
            calls[TP][ALLREDUCE]++;
        }
        reduce_gradient(&m, &o, size);
        if (o.p2p) halo_exchange(rank, size);
        if (checkpointing) checkpoint_say(vigil_ckpt_before_update(60), "copy", rank);  /* the copy reads w */
        for (int j = 0; j < m.p; j++) m.w[j] -= o.lr * m.grad[j];
        if (checkpointing && step % o.checkpoint_every == 0) {
            saved_step = step;
            checkpoint_say(vigil_ckpt_save(step), "save", rank);
        }
        MPI_Allreduce(&local, &loss, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        calls[WORLD][ALLREDUCE]++;
        loss /= size;
        if (step % o.log_every == 0 || step == o.steps) {
            double worst = 0;
            MPI_Reduce(&local, &worst, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
            calls[WORLD][REDUCE]++;
            MPI_Barrier(MPI_COMM_WORLD);
            calls[WORLD][BARRIER]++;
            if (rank == 0) printf("step %d loss %.6g worst-rank %.6g\n", step, loss, worst);
            fflush(stdout);
        }
    }

    if (checkpointing) {
        checkpoint_say(vigil_ckpt_wait(VIGIL_CKPT_LOCAL, 120), "flush", rank);
        checkpoint_say(vigil_ckpt_finalize(60), "finalize", rank);
    }
    double checksum = 0;
    for (int j = 0; j < m.p; j++) checksum += m.w[j] * (j + 1);
    double *sums = malloc(sizeof(double) * (size_t)size);
    MPI_Allgather(&checksum, 1, MPI_DOUBLE, sums, 1, MPI_DOUBLE, MPI_COMM_WORLD);
    calls[WORLD][ALLGATHER]++;
    int agree = 1;
    for (int r = 0; r < size; r++) agree &= sums[r] == checksum;
    MPI_Gather(&loss, 1, MPI_DOUBLE, sums, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    calls[WORLD][GATHER]++;
    if (tp != MPI_COMM_NULL) {
        MPI_Barrier(tp);
        calls[TP][BARRIER]++;
    }
    print_report(rank, o.tp);
    if (rank == 0)
        printf("VIGIL_TRAIN_RESULT loss=%.17g checksum=%.17g replicas_agree=%d\n", loss, checksum, agree);
    if (tp != MPI_COMM_NULL) MPI_Comm_free(&tp);
    free(sums);
    free(activation);
    free(m.x);
    free(m.y);
    free(m.w);
    free(m.grad);
    MPI_Finalize();
    return agree ? 0 : 1;
}
