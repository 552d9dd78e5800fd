/*
 * vigil-pipeline: pipeline-parallel training, 1F1B. The ranks form
 * --stages stages per pipeline (consecutive ranks) and size / stages
 * pipeline replicas. Each step runs --micro-batches micro-batches through
 * the stages in the one-forward-one-backward order: activations of
 * --activation-kb go down the pipeline, gradients come back up, by Send,
 * Recv and the Sendrecv pairs that keep the steady state free of deadlock
 * (as Megatron's send_forward_recv_backward). A forward costs --compute-us
 * (spun, or slept with --sleep), a backward twice that. Then one
 * data-parallel Allreduce of each stage's gradients across the replicas —
 * none with a single replica: such a job is paced by point-to-point alone.
 *
 *   vigil-pipeline [--steps N] [--stages N] [--micro-batches N] [--activation-kb N]
 *                  [--compute-us N] [--sleep] [--log-every N]
 */
#include "workload.h"

typedef struct stage {
    MPI_Comm pipe;       /* this replica's stages, in order */
    int index, count;    /* this stage, of how many */
    int prev, next;      /* neighbouring stages, MPI_PROC_NULL at the ends */
    int values;          /* doubles per activation or gradient */
    double *act_in, *act_out, *grad_in, *grad_out;
} stage;

static void forward(stage *s, const workload_options *o) {
    workload_compute(o->compute_us, o->sleep);
    for (int i = 0; i < s->values; i++) s->act_out[i] = s->act_in[i] * 0.5 + s->index;
}

static void backward(stage *s, const workload_options *o) {
    workload_compute(2 * o->compute_us, o->sleep);
    for (int i = 0; i < s->values; i++) s->grad_out[i] = s->grad_in[i] * 0.5 + 1;
}

static void recv_forward(stage *s) {
    MPI_Recv(s->act_in, s->values, MPI_DOUBLE, s->prev, 1, s->pipe, MPI_STATUS_IGNORE);
}

static void send_backward(stage *s) { MPI_Send(s->grad_out, s->values, MPI_DOUBLE, s->prev, 2, s->pipe); }

/* One step of 1F1B for this stage: warm-up forwards, the steady
 * one-forward-one-backward, cool-down backwards. */
static void one_step(stage *s, const workload_options *o) {
    int m = o->micro_batches, warmup = s->count - s->index - 1;
    if (warmup > m) warmup = m;
    int steady = m - warmup;
    for (int i = 0; i < warmup; i++) {
        recv_forward(s);
        forward(s, o);
        MPI_Send(s->act_out, s->values, MPI_DOUBLE, s->next, 1, s->pipe);
    }
    if (steady > 0) recv_forward(s);
    for (int i = 0; i < steady; i++) {
        forward(s, o);
        MPI_Sendrecv(s->act_out, s->values, MPI_DOUBLE, s->next, 1, s->grad_in, s->values, MPI_DOUBLE, s->next, 2,
                     s->pipe, MPI_STATUS_IGNORE);
        backward(s, o);
        if (i == steady - 1) send_backward(s);
        else
            MPI_Sendrecv(s->grad_out, s->values, MPI_DOUBLE, s->prev, 2, s->act_in, s->values, MPI_DOUBLE, s->prev, 1,
                         s->pipe, MPI_STATUS_IGNORE);
    }
    for (int i = 0; i < warmup; i++) {
        MPI_Recv(s->grad_in, s->values, MPI_DOUBLE, s->next, 2, s->pipe, MPI_STATUS_IGNORE);
        backward(s, o);
        send_backward(s);
    }
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    workload_options o = {.steps = 1000, .compute_us = 2000, .stages = 4, .micro_batches = 8, .activation_kb = 64,
                          .log_every = 100};
    if (workload_parse(argc, argv, &o) != 0 || o.stages < 2 || size % o.stages != 0 || o.micro_batches < 1 ||
        o.activation_kb < 1) {
        if (rank == 0) fprintf(stderr, "usage: vigil-pipeline [--steps N] [--stages N (divides the ranks)] [--micro-batches N]\n"
                                       "                      [--activation-kb N] [--compute-us N] [--sleep] [--log-every N]\n");
        MPI_Finalize();
        return 2;
    }
    workload_handle_slow_accelerator();
    stage s = {.index = rank % o.stages, .count = o.stages, .values = o.activation_kb * 1024 / (int)sizeof(double)};
    MPI_Comm replicas;   /* this stage in every replica: the data-parallel group */
    MPI_Comm_split(MPI_COMM_WORLD, rank / o.stages, s.index, &s.pipe);
    MPI_Comm_split(MPI_COMM_WORLD, s.index, rank, &replicas);
    s.prev = s.index > 0 ? s.index - 1 : MPI_PROC_NULL;
    s.next = s.index < o.stages - 1 ? s.index + 1 : MPI_PROC_NULL;
    s.act_in = calloc((size_t)s.values, sizeof(double));
    s.act_out = calloc((size_t)s.values, sizeof(double));
    s.grad_in = calloc((size_t)s.values, sizeof(double));
    s.grad_out = calloc((size_t)s.values, sizeof(double));
    int dp = size / o.stages;
    for (long step = 1; step <= o.steps; step++) {
        one_step(&s, &o);
        if (dp > 1)
            MPI_Allreduce(MPI_IN_PLACE, s.grad_out, s.values, MPI_DOUBLE, MPI_SUM, replicas);
        workload_progress(rank, step, &o, s.grad_out[0]);
    }
    if (rank == 0) printf("VIGIL_WORKLOAD_DONE pipeline steps=%ld\n", o.steps);
    free(s.act_in), free(s.act_out), free(s.grad_in), free(s.grad_out);
    MPI_Comm_free(&replicas);
    MPI_Comm_free(&s.pipe);
    MPI_Finalize();
    return 0;
}
