/*
 * libvigil internals shared by the wrapper files.
 *
 * Thread-safety policy: with MPI_THREAD_SINGLE, FUNNELED or SERIALIZED only
 * one thread is ever inside MPI, so the hot path takes no lock. With
 * MPI_THREAD_MULTIPLE every update of libvigil state (sequence numbers, the
 * communicator and request tables, peer windows, the ring) happens under one
 * spinlock. The lock is a leaf: a section holding it calls no MPI function
 * and nothing that takes the lock again (it is not re-entrant: doing so
 * would spin forever inside the training job). Everything a section needs
 * from MPI or from the communicator table is looked up before it locks.
 * The in-flight slot shows the latest call entered by any thread still
 * inside it. See docs/telemetry.md.
 */
#ifndef VIGIL_INTERNAL_H
#define VIGIL_INTERNAL_H

#include <mpi.h>
#include <sched.h>
#include <stdint.h>

#include "vigil_clock.h"
#include "vigil_ring.h"

#define VIGIL_TLS __thread __attribute__((tls_model("initial-exec")))

/* A communicator as libvigil knows it. */
typedef struct vigil_comm {
    MPI_Comm handle;
    uint64_t id;         /* the same on every member */
    uint64_t seq;        /* collectives issued on it so far */
    int size;
    int *world_ranks;    /* comm rank -> world rank; NULL for COMM_WORLD */
    uint64_t constructions; /* constructors called with it as parent */
} vigil_comm;

#define VIGIL_LOCAL_COMM_BIT (1ull << 63)

typedef struct vigil_state {
    vigil_ring_header *ring;   /* NULL: not attached, pass-through */
    uint64_t cached_tail;
    int multiple;              /* MPI_THREAD_MULTIPLE provided */
    int world_rank;
    int world_size;
    vigil_comm world;
    uint64_t p2p_busy_ns;      /* blocked in point-to-point calls since the last collective */
} vigil_state;

extern vigil_state vigil;
extern VIGIL_TLS int vigil_depth;   /* re-entrancy guard */
extern int vigil_spin;

/* Held for a few hundred ns; a holder preempted on an oversubscribed node
 * would make a pure spinner burn its whole time slice, so it yields. */
static inline void vigil_lock(void) {
    if (!vigil.multiple) return;
    for (unsigned spins = 0; __atomic_exchange_n(&vigil_spin, 1, __ATOMIC_ACQUIRE);)
        while (__atomic_load_n(&vigil_spin, __ATOMIC_RELAXED)) {
            if (++spins % 128 == 0) sched_yield();
            else __builtin_ia32_pause();
        }
}

static inline void vigil_unlock(void) {
    if (vigil.multiple) __atomic_store_n(&vigil_spin, 0, __ATOMIC_RELEASE);
}

/* ---- runtime (vigil_runtime.c) ---- */
void vigil_attach(int thread_level);
void vigil_finalizing(void);   /* before PMPI_Finalize */
void vigil_detach(void);       /* after it */
/* Sends one line to the agent from any thread (the checkpoint flusher):
 * 0, or -1 when there is no agent or it does not take the line within 1 s. */
int vigil_agent_say(const char *line);
/* The checkpoint directories the agent names (level 1, level 2), "" for none. */
const char *vigil_agent_checkpoint_dir(int level);

/* ---- communicators (vigil_comm.c) ---- */
vigil_comm *vigil_comm_lookup_slow(MPI_Comm comm);
/* A constructor is about to run on `parent`: its number among them (0 when
 * the constructor is not collective over the parent). */
uint64_t vigil_comm_construction(MPI_Comm parent);
void vigil_comm_register(MPI_Comm parent, uint64_t construction, MPI_Comm newcomm);
void vigil_comm_forget(MPI_Comm comm);

static inline vigil_comm *vigil_comm_lookup(MPI_Comm comm) {
    if (comm == MPI_COMM_WORLD) return &vigil.world;
    return vigil_comm_lookup_slow(comm);
}

static inline int vigil_world_rank(const vigil_comm *c, int rank) {
    if (rank < 0 || rank >= c->size) return -1;
    return c->world_ranks ? c->world_ranks[rank] : rank;
}

/* ---- records ---- */
static inline void vigil_emit(const vigil_record *r) {
    vigil_ring_push(vigil.ring, &vigil.cached_tail, r);
}

static inline uint64_t vigil_bytes(int count, MPI_Datatype type) {
    int size = 0;
    if (count <= 0 || type == MPI_DATATYPE_NULL) return 0;  /* an ignored argument */
    PMPI_Type_size(type, &size);
    return (uint64_t)(count > 0 ? count : 0) * (uint64_t)size;
}

uint64_t vigil_bytes_v(const int counts[], MPI_Datatype type, int n);

/* ---- one collective call, begin to end ---- */
typedef struct vigil_call {
    vigil_comm *comm;
    uint64_t seq;
    uint64_t t_enter;
    uint64_t inflight_gen;   /* the in-flight slot as this call left it */
    uint16_t op;
} vigil_call;

/* Returns 0 when the call must pass straight through (not attached, or
 * re-entered from inside another wrapper). */
static inline int vigil_collective_begin(vigil_call *call, uint16_t op, MPI_Comm comm) {
    if (__builtin_expect(vigil.ring == NULL || vigil_depth, 0)) return 0;
    vigil_depth = 1;
    call->comm = vigil_comm_lookup(comm);
    vigil_lock();
    call->seq = ++call->comm->seq;
    call->op = op;
    call->t_enter = vigil_now();
    call->inflight_gen = vigil_inflight_begin(vigil.ring, op, call->comm->id, call->seq,
                                              (uint32_t)call->comm->size, call->t_enter);
    vigil_unlock();
    return 1;
}

static inline void vigil_collective_end(vigil_call *call, int rc, uint64_t bytes, int root) {
    uint64_t t_exit = vigil_now();
    int32_t peer = root < 0 ? -1 : vigil_world_rank(call->comm, root);
    uint16_t flags = (uint16_t)((rc != MPI_SUCCESS ? VIGIL_RECORD_FAILED : 0) | (root >= 0 ? VIGIL_RECORD_ROOTED : 0));
    vigil_lock();
    vigil_inflight_end(vigil.ring, call->inflight_gen);
    vigil_record *r = vigil_ring_claim(vigil.ring, &vigil.cached_tail);
    if (r) {   /* filled in place: see vigil_ring_claim */
        r->comm_id = call->comm->id;
        r->seq = call->seq;
        r->t_enter = call->t_enter;
        r->t_exit = t_exit;
        r->bytes = bytes;
        r->busy_ns = vigil.p2p_busy_ns;
        r->peer = peer;
        r->comm_size = (uint32_t)call->comm->size;
        r->op = call->op;
        r->flags = flags;
        r->reserved = 0;
        vigil_ring_publish(vigil.ring);
    }
    vigil.p2p_busy_ns = 0;
    vigil_unlock();
    vigil_depth = 0;
}

/* ---- a blocking point-to-point call: whom it waits on, while inside ---- */
/* `comm_id` is looked up by the caller: the lookup may lock and ask MPI. */
static inline uint64_t vigil_blocked_p2p(uint16_t op, uint64_t comm_id, const int32_t *peers, uint32_t count,
                                         uint64_t t_enter) {
    vigil_lock();
    uint64_t gen = vigil_inflight_begin_p2p(vigil.ring, op, comm_id, peers, count, t_enter);
    vigil_unlock();
    return gen;
}

/* `busy_ns`: the blocked time to take out of the next collective's compute
 * gap, added under the same lock (0 when the caller decides later). */
static inline void vigil_blocked_end(uint64_t gen, uint64_t busy_ns) {
    vigil_lock();
    vigil_inflight_end(vigil.ring, gen);
    vigil.p2p_busy_ns += busy_ns;
    vigil_unlock();
}

/* ---- nonblocking requests (vigil_requests.c) ---- */
void vigil_request_track_collective(MPI_Request req, const vigil_call *call, uint64_t bytes, int root);
void vigil_request_track_p2p(MPI_Request req, uint16_t op, int world_peer, uint64_t bytes);
/* Records a finished request; a point-to-point one is counted with the
 * `waited_ns` its completing call blocked, and returns 1. */
int vigil_request_complete(MPI_Request req, int failed, uint64_t t_done, uint64_t waited_ns);
void vigil_request_forget(MPI_Request req);
void vigil_request_cancel(MPI_Request req);
void vigil_requests_drop_pending(void);
/* A Wait on `count` requests begins: publishes the tracked collective it
 * waits on, else the peers of its point-to-point requests; returns the
 * in-flight generation for vigil_blocked_end, or 0 when nothing is tracked. */
uint64_t vigil_requests_wait_begin(int count, const MPI_Request requests[], uint64_t now);
extern uint32_t vigil_requests_pending;

/* ---- point-to-point windows (vigil_p2p.c) ---- */
void vigil_p2p_init(int world_size);
/* Counts one message with a peer; `busy_ns` is the time its call blocked. */
void vigil_p2p_add(uint16_t op, int world_peer, uint64_t bytes, uint64_t busy_ns, uint64_t now);
/* Time the rank spent blocked in one point-to-point call (however many
 * peers it counted with): taken out of its next collective's compute gap. */
void vigil_p2p_blocked(uint64_t ns);
void vigil_p2p_flush(uint64_t now);

#endif
