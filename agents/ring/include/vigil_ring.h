/*
 * vigil_ring.h — the shared-memory telemetry ring between one training rank
 * (producer, inside libvigil) and its node agent (consumer).
 *
 * This header is the ABI: libvigil (C) and the agent (Swift, through the
 * CVigilRing target) both compile against it. Layout and version are
 * documented in docs/telemetry.md; bump VIGIL_RING_VERSION on any change.
 *
 * Single producer, single consumer, no locks and no syscalls:
 *   - the producer owns `head` and `dropped`, the consumer owns `tail`;
 *   - a full ring drops the record and counts it, it never waits;
 *   - counters reconcile: produced = head + dropped = tail + (head - tail) + dropped.
 */
#ifndef VIGIL_RING_H
#define VIGIL_RING_H

#include <stdint.h>
#include <stddef.h>

#define VIGIL_RING_MAGIC 0x474E524C49474956ULL /* "VIGILRNG" as little-endian bytes */
#define VIGIL_RING_VERSION 2u
#define VIGIL_RING_HEADER_SIZE 4096u
#define VIGIL_RING_JOB_MAX 64u
#define VIGIL_RING_HOST_MAX 64u

/* What a record describes. Values are part of the ABI. */
enum vigil_op {
    VIGIL_OP_ALLREDUCE = 1,
    VIGIL_OP_REDUCE = 2,
    VIGIL_OP_BCAST = 3,
    VIGIL_OP_BARRIER = 4,
    VIGIL_OP_ALLGATHER = 5,
    VIGIL_OP_ALLGATHERV = 6,
    VIGIL_OP_REDUCE_SCATTER = 7,
    VIGIL_OP_REDUCE_SCATTER_BLOCK = 8,
    VIGIL_OP_ALLTOALL = 9,
    VIGIL_OP_ALLTOALLV = 10,
    VIGIL_OP_GATHER = 11,
    VIGIL_OP_SCATTER = 12,
    VIGIL_OP_IALLREDUCE = 13,
    VIGIL_OP_IBCAST = 14,
    VIGIL_OP_IALLGATHER = 15,
    /* Point-to-point window aggregates: one record per peer and direction. */
    VIGIL_OP_P2P_SEND = 32,
    VIGIL_OP_P2P_RECV = 33,
    /* In the in-flight slot only: blocked in MPI_Sendrecv, or in a Wait on
     * point-to-point requests. */
    VIGIL_OP_P2P_SENDRECV = 34,
    VIGIL_OP_P2P_WAIT = 35,
};

enum vigil_record_flags {
    VIGIL_RECORD_FAILED = 1u << 0,   /* the MPI call returned an error */
    VIGIL_RECORD_ROOTED = 1u << 1,   /* `peer` holds the root's world rank */
};

/*
 * One record, one cache line.
 * Collective: comm_id/seq identify the instance across all members;
 *             t_enter/t_exit are CLOCK_MONOTONIC ns of this rank; busy_ns =
 *             time inside point-to-point calls since its previous collective.
 * P2P window: comm_id = 0, seq = messages in the window, t_enter/t_exit =
 *             window bounds, busy_ns = summed time inside the calls.
 */
typedef struct vigil_record {
    uint64_t comm_id;
    uint64_t seq;
    uint64_t t_enter;
    uint64_t t_exit;
    uint64_t bytes;
    uint64_t busy_ns;
    int32_t peer;        /* world rank: p2p peer or collective root, else -1 */
    uint32_t comm_size;
    uint16_t op;         /* enum vigil_op */
    uint16_t flags;      /* enum vigil_record_flags */
    uint32_t reserved;
} vigil_record;

/* Rank lifecycle as the producer publishes it. */
enum vigil_rank_state {
    VIGIL_STATE_CREATED = 0,   /* agent made the ring, rank not attached yet */
    VIGIL_STATE_RUNNING = 1,
    VIGIL_STATE_FINALIZED = 2, /* MPI_Finalize returned through libvigil */
    VIGIL_STATE_TERMINATED = 3, /* SIGTERM arrived: asked to stop, not crashed */
};

#define VIGIL_INFLIGHT_PEERS 4

/*
 * The blocking call a rank is inside right now (a seqlock: `gen` is odd
 * while the producer writes; readers retry until they see the same even
 * value before and after reading the fields). A collective is named by
 * comm_id/seq; a point-to-point call (seq 0) by the world ranks it waits
 * on: the detector follows these to the rank at the end of a wait chain.
 */
typedef struct vigil_inflight {
    uint64_t gen;
    uint64_t comm_id;
    uint64_t seq;
    uint64_t t_enter;
    uint32_t op;        /* 0 = not inside a blocking call */
    uint32_t comm_size;
    int32_t peers[VIGIL_INFLIGHT_PEERS]; /* point-to-point: world ranks waited on */
    uint32_t peer_count; /* how many; more than VIGIL_INFLIGHT_PEERS: only the first listed */
    uint32_t reserved;
} vigil_inflight;

/*
 * Cache-line separation is spelled out with padding (not _Alignas) so the
 * layout is explicit in the ABI and the struct imports into Swift.
 */
typedef struct vigil_ring_header {
    /* [0, 256): written once by the agent when it creates the ring */
    uint64_t magic;
    uint32_t version;
    uint32_t header_size;
    uint32_t record_size;
    uint32_t capacity;          /* records, a power of two */
    int32_t pid;
    int32_t world_rank;
    int32_t world_size;
    uint32_t attempt;           /* the job's attempt this rank belongs to, from 1 */
    char job_id[VIGIL_RING_JOB_MAX];
    char host[VIGIL_RING_HOST_MAX];
    /* written by the producer when it attaches, before state = RUNNING */
    int64_t wall_offset_ns;     /* CLOCK_REALTIME - CLOCK_MONOTONIC at init */
    uint32_t clock_source;      /* 1 = calibrated TSC, 2 = clock_gettime */
    uint32_t thread_level;      /* MPI thread level provided */
    uint8_t pad0[72];
    /* [256, 320) */
    uint32_t state;             /* enum vigil_rank_state */
    uint8_t pad1[60];
    /* [320, 384): producer-owned */
    uint64_t head;              /* records ever written */
    uint64_t dropped;           /* records offered while full */
    uint8_t pad2[48];
    /* [384, 448): consumer-owned */
    uint64_t tail;              /* records ever consumed */
    uint8_t pad3[56];
    /* [448, 512) */
    vigil_inflight inflight;
} vigil_ring_header;

_Static_assert(offsetof(vigil_ring_header, state) == 256, "state on its own cache line");
_Static_assert(offsetof(vigil_ring_header, head) == 320, "producer line");
_Static_assert(offsetof(vigil_ring_header, tail) == 384, "consumer line");
_Static_assert(offsetof(vigil_ring_header, inflight) == 448, "in-flight line");
_Static_assert(sizeof(vigil_inflight) == 64, "in-flight slot is one cache line");

_Static_assert(sizeof(vigil_record) == 64, "vigil_record is one cache line");
_Static_assert(sizeof(vigil_ring_header) <= VIGIL_RING_HEADER_SIZE, "header fits its page");

static inline vigil_record *vigil_ring_records(vigil_ring_header *h) {
    return (vigil_record *)((char *)h + VIGIL_RING_HEADER_SIZE);
}

static inline size_t vigil_ring_bytes(uint32_t capacity) {
    return (size_t)VIGIL_RING_HEADER_SIZE + (size_t)capacity * sizeof(vigil_record);
}

/* ---- producer side (one thread at a time) ---- */

/*
 * The next free record, to be filled in place and then published with
 * vigil_ring_publish; NULL when the ring is full (the record is counted in
 * `dropped`). In place: a record built on the stack and copied in is
 * written as scalars and read back as vectors, and those store-forwarding
 * stalls were most of the interposer's cost. `cached_tail` is
 * producer-private: the consumer's cache line is only read when the cached
 * view says the ring is full.
 */
static inline vigil_record *vigil_ring_claim(vigil_ring_header *h, uint64_t *cached_tail) {
    uint64_t head = h->head;
    if (head - *cached_tail >= h->capacity) {
        *cached_tail = __atomic_load_n(&h->tail, __ATOMIC_ACQUIRE);
        if (head - *cached_tail >= h->capacity) {
            __atomic_store_n(&h->dropped, h->dropped + 1, __ATOMIC_RELAXED);
            return NULL;
        }
    }
    return &vigil_ring_records(h)[head & (h->capacity - 1)];
}

/* The claimed record is complete: the consumer may read it. */
static inline void vigil_ring_publish(vigil_ring_header *h) {
    __atomic_store_n(&h->head, h->head + 1, __ATOMIC_RELEASE);
}

/* Append a record; returns 0, or -1 when the ring is full (counted). */
static inline int vigil_ring_push(vigil_ring_header *h, uint64_t *cached_tail,
                                  const vigil_record *r) {
    vigil_record *slot = vigil_ring_claim(h, cached_tail);
    if (slot == NULL) return -1;
    *slot = *r;
    vigil_ring_publish(h);
    return 0;
}

/* Publish the call a rank is entering; returns the slot's generation,
 * which the matching vigil_inflight_end needs. */
static inline uint64_t vigil_inflight_begin(vigil_ring_header *h, uint32_t op, uint64_t comm_id,
                                            uint64_t seq, uint32_t comm_size, uint64_t t_enter) {
    vigil_inflight *f = &h->inflight;
    uint64_t g = f->gen;
    __atomic_store_n(&f->gen, g + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&f->comm_id, comm_id, __ATOMIC_RELAXED);
    __atomic_store_n(&f->seq, seq, __ATOMIC_RELAXED);
    __atomic_store_n(&f->t_enter, t_enter, __ATOMIC_RELAXED);
    __atomic_store_n(&f->comm_size, comm_size, __ATOMIC_RELAXED);
    __atomic_store_n(&f->peer_count, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&f->op, op, __ATOMIC_RELAXED);
    __atomic_store_n(&f->gen, g + 2, __ATOMIC_RELEASE);
    return g + 2;
}

/* Publish a point-to-point call blocked on `count` world ranks (at most
 * VIGIL_INFLIGHT_PEERS of them listed). */
static inline uint64_t vigil_inflight_begin_p2p(vigil_ring_header *h, uint32_t op, uint64_t comm_id,
                                                const int32_t *peers, uint32_t count, uint64_t t_enter) {
    vigil_inflight *f = &h->inflight;
    uint64_t g = f->gen;
    __atomic_store_n(&f->gen, g + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&f->comm_id, comm_id, __ATOMIC_RELAXED);
    __atomic_store_n(&f->seq, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&f->t_enter, t_enter, __ATOMIC_RELAXED);
    __atomic_store_n(&f->comm_size, 0, __ATOMIC_RELAXED);
    for (uint32_t i = 0; i < VIGIL_INFLIGHT_PEERS; i++)
        __atomic_store_n(&f->peers[i], i < count ? peers[i] : -1, __ATOMIC_RELAXED);
    __atomic_store_n(&f->peer_count, count, __ATOMIC_RELAXED);
    __atomic_store_n(&f->op, op, __ATOMIC_RELAXED);
    __atomic_store_n(&f->gen, g + 2, __ATOMIC_RELEASE);
    return g + 2;
}

/* Clear the slot, unless another thread has entered a call since (with
 * MPI_THREAD_MULTIPLE): the slot then shows that thread's call. */
static inline void vigil_inflight_end(vigil_ring_header *h, uint64_t gen) {
    vigil_inflight *f = &h->inflight;
    if (f->gen != gen) return;
    __atomic_store_n(&f->gen, gen + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&f->op, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&f->gen, gen + 2, __ATOMIC_RELEASE);
}

/* ---- consumer side (implemented in vigil_ring.c, used by the agent) ---- */

/* Validate a mapped ring of `mapped_bytes`; returns NULL or a reason. */
const char *vigil_ring_validate(const vigil_ring_header *h, size_t mapped_bytes);

/* Initialise a ring the agent has just created (zeroed memory). */
void vigil_ring_init(vigil_ring_header *h, uint32_t capacity, int32_t pid, int32_t world_rank,
                     int32_t world_size, uint32_t attempt, const char *job_id, const char *host);

/* Records available to the consumer, and the first one's index. */
uint64_t vigil_ring_readable(const vigil_ring_header *h, uint64_t *first);

/* Give `count` consumed records back to the producer. */
void vigil_ring_release(vigil_ring_header *h, uint64_t count);

/* Consistent snapshot of the in-flight slot; returns 0 on success. */
int vigil_inflight_read(const vigil_ring_header *h, vigil_inflight *out);

uint32_t vigil_ring_state(const vigil_ring_header *h);

/* Rings belong on tmpfs: on a disk-backed file system, page writeback can
 * stall the producer. */
int vigil_ring_directory_is_tmpfs(const char *path);

/* Free slots as the producer sees them (tests and benchmarks that must not drop). */
uint64_t vigil_ring_free(const vigil_ring_header *h);
uint64_t vigil_ring_dropped(const vigil_ring_header *h);

#endif
