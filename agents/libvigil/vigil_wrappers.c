/*
 * The PMPI wrappers. Collectives, communicator constructors and request
 * completions are generated from vigil_collectives.def, sends and probes
 * from vigil_p2p.def; the few calls with a shape of their own
 * (init/finalize, receives, Sendrecv) are written out below.
 */
#include <stdlib.h>

#include "vigil_internal.h"

uint64_t vigil_bytes_v(const int counts[], MPI_Datatype type, int n) {
    if (counts == NULL || type == MPI_DATATYPE_NULL) return 0;
    uint64_t total = 0;
    for (int i = 0; i < n; i++) total += (uint64_t)(counts[i] > 0 ? counts[i] : 0);
    int size = 0;
    PMPI_Type_size(type, &size);
    return total * (uint64_t)size;
}

/* ---- request completion: the helpers VIGIL_COMPLETION expands to ---- */

static inline int completions_tracked(void) {
    return vigil.ring != NULL && !vigil_depth && vigil_requests_pending > 0;
}

/* The call overwrites finished handles, so keep a copy of what it was given. */
typedef struct request_keys {
    MPI_Request small[32];
    MPI_Request *keys;
} request_keys;

static MPI_Request *keep_keys(request_keys *k, int count, const MPI_Request requests[]) {
    if (count < 0 || requests == NULL) return NULL;
    k->keys = count <= 32 ? k->small : malloc(sizeof(MPI_Request) * (size_t)count);
    if (k->keys == NULL) return NULL;
    for (int i = 0; i < count; i++) k->keys[i] = requests[i];
    return k->keys;
}

/* `waited_ns`: how long the call blocked (0 for a Test). It is what the
 * point-to-point requests it completed cost the rank, counted once. */
static void complete_finished(request_keys *k, int count, const MPI_Request requests[], int rc,
                              uint64_t now, uint64_t waited_ns) {
    int p2p = 0;
    for (int i = 0; i < count; i++) {
        if (k->keys[i] != MPI_REQUEST_NULL && requests[i] == MPI_REQUEST_NULL)
            p2p |= vigil_request_complete(k->keys[i], rc != MPI_SUCCESS, now, waited_ns);
    }
    if (p2p && waited_ns) vigil_p2p_blocked(waited_ns);
    if (k->keys != k->small) free(k->keys);
}

/* ---- generated from the declarative list ---- */

#define VIGIL_BLOCKING(NAME, OP, PARAMS, ARGS, COMM, BYTES, ROOT)        \
    int MPI_##NAME PARAMS {                                              \
        vigil_call call;                                                 \
        if (!vigil_collective_begin(&call, OP, COMM)) return PMPI_##NAME ARGS; \
        int rc = PMPI_##NAME ARGS;                                       \
        vigil_collective_end(&call, rc, BYTES, ROOT);                    \
        return rc;                                                       \
    }
#define VIGIL_NONBLOCKING(NAME, OP, PARAMS, ARGS, COMM, BYTES, ROOT, REQUEST) \
    int MPI_##NAME PARAMS {                                              \
        vigil_call call;                                                 \
        if (!vigil_collective_begin(&call, OP, COMM)) return PMPI_##NAME ARGS; \
        int rc = PMPI_##NAME ARGS;                                       \
        vigil_lock();                                                    \
        vigil_inflight_end(vigil.ring, call.inflight_gen);               \
        vigil_unlock();                                                  \
        if (rc == MPI_SUCCESS) vigil_request_track_collective(*REQUEST, &call, BYTES, ROOT); \
        vigil_depth = 0;                                                 \
        return rc;                                                       \
    }
#define VIGIL_COMM_CONSTRUCTOR(NAME, PARAMS, ARGS, PARENT, NEWCOMM, SHARED) \
    int MPI_##NAME PARAMS {                                              \
        if (vigil.ring == NULL || vigil_depth) return PMPI_##NAME ARGS;  \
        vigil_depth = 1;                                                 \
        uint64_t construction = SHARED ? vigil_comm_construction(PARENT) : 0; \
        int rc = PMPI_##NAME ARGS;                                       \
        if (rc == MPI_SUCCESS) vigil_comm_register(PARENT, construction, *NEWCOMM); \
        vigil_depth = 0;                                                 \
        return rc;                                                       \
    }
#define VIGIL_COMPLETION(NAME, PARAMS, ARGS, COUNT, REQUESTS, BLOCKS)    \
    int MPI_##NAME PARAMS {                                              \
        request_keys k;                                                  \
        if (!completions_tracked() || !keep_keys(&k, COUNT, REQUESTS))   \
            return PMPI_##NAME ARGS;                                     \
        vigil_depth = 1;                                                 \
        uint64_t t_enter = BLOCKS ? vigil_now() : 0;                     \
        uint64_t gen = BLOCKS ? vigil_requests_wait_begin(COUNT, k.keys, t_enter) : 0; \
        int rc = PMPI_##NAME ARGS;                                       \
        if (gen) vigil_blocked_end(gen, 0);                              \
        uint64_t t_exit = vigil_now();                                   \
        complete_finished(&k, COUNT, REQUESTS, rc, t_exit, BLOCKS ? t_exit - t_enter : 0); \
        vigil_depth = 0;                                                 \
        return rc;                                                       \
    }
#include "vigil_collectives.def"
#undef VIGIL_BLOCKING
#undef VIGIL_NONBLOCKING
#undef VIGIL_COMM_CONSTRUCTOR
#undef VIGIL_COMPLETION

int MPI_Comm_free(MPI_Comm *comm) {
    if (vigil.ring && comm && *comm != MPI_COMM_NULL) vigil_comm_forget(*comm);
    return PMPI_Comm_free(comm);
}

/* ---- lifecycle ---- */

int MPI_Init(int *argc, char ***argv) {
    int rc = PMPI_Init(argc, argv);
    if (rc == MPI_SUCCESS) vigil_attach(MPI_THREAD_SINGLE);
    return rc;
}

int MPI_Init_thread(int *argc, char ***argv, int required, int *provided) {
    int rc = PMPI_Init_thread(argc, argv, required, provided);
    if (rc == MPI_SUCCESS) vigil_attach(*provided);
    return rc;
}

int MPI_Finalize(void) {
    vigil_finalizing();
    int rc = PMPI_Finalize();
    vigil_detach();
    return rc;
}

/* ---- point-to-point: aggregated per peer (vigil_p2p.c) ---- */

static inline int p2p_active(void) { return vigil.ring != NULL && !vigil_depth; }

/* A blocking point-to-point call from entry to exit: whom it waits on is
 * published in the in-flight slot while it is inside MPI. */
typedef struct p2p_call {
    vigil_comm *comm;
    uint64_t t_enter;
    uint64_t gen;
    int32_t to, from;   /* world ranks, -1 for none or unknown */
} p2p_call;

static inline void p2p_begin(p2p_call *call, uint16_t op, MPI_Comm comm, int dest, int source) {
    vigil_depth = 1;
    call->t_enter = vigil_now();
    call->comm = vigil_comm_lookup(comm);   /* before vigil_blocked_p2p locks */
    call->to = vigil_world_rank(call->comm, dest);
    call->from = vigil_world_rank(call->comm, source);
    int32_t peers[2];
    uint32_t known = 0;
    if (call->to >= 0) peers[known++] = call->to;
    if (call->from >= 0 && call->from != call->to) peers[known++] = call->from;
    call->gen = vigil_blocked_p2p(op, call->comm->id, peers, known, call->t_enter);
}

static uint64_t received_bytes(const MPI_Status *status, MPI_Datatype datatype) {
    int count = 0;
    PMPI_Get_count(status, datatype, &count);
    return count == MPI_UNDEFINED ? 0 : vigil_bytes(count, datatype);
}

/* Counts what moved: `sent` bytes to the destination, and what the status
 * says arrived (from the actual source) when `status` is given. */
static inline void p2p_end(p2p_call *call, uint64_t sent, const MPI_Status *status, MPI_Datatype recvtype) {
    uint64_t t_exit = vigil_now(), busy = t_exit - call->t_enter;
    vigil_blocked_end(call->gen, busy);   /* once, though a Sendrecv counts with two peers */
    if (call->to >= 0) vigil_p2p_add(VIGIL_OP_P2P_SEND, call->to, sent, busy, t_exit);
    if (status)
        vigil_p2p_add(VIGIL_OP_P2P_RECV, vigil_world_rank(call->comm, status->MPI_SOURCE),
                      received_bytes(status, recvtype), busy, t_exit);
    vigil_depth = 0;
}

/* Sends of every mode share one signature, so the list names them only. */
#define VIGIL_SEND(NAME)                                                           \
    int MPI_##NAME(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm) { \
        if (!p2p_active()) return PMPI_##NAME(buf, count, datatype, dest, tag, comm); \
        p2p_call call;                                                             \
        p2p_begin(&call, VIGIL_OP_P2P_SEND, comm, dest, MPI_PROC_NULL);            \
        int rc = PMPI_##NAME(buf, count, datatype, dest, tag, comm);               \
        p2p_end(&call, vigil_bytes(count, datatype), NULL, MPI_DATATYPE_NULL);     \
        return rc;                                                                 \
    }
#define VIGIL_ISEND(NAME)                                                          \
    int MPI_##NAME(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, \
                   MPI_Request *request) {                                         \
        if (!p2p_active()) return PMPI_##NAME(buf, count, datatype, dest, tag, comm, request); \
        vigil_depth = 1;                                                           \
        int32_t peer = vigil_world_rank(vigil_comm_lookup(comm), dest);            \
        int rc = PMPI_##NAME(buf, count, datatype, dest, tag, comm, request);      \
        if (rc == MPI_SUCCESS)                                                     \
            vigil_request_track_p2p(*request, VIGIL_OP_P2P_SEND, peer, vigil_bytes(count, datatype)); \
        vigil_depth = 0;                                                           \
        return rc;                                                                 \
    }
#define VIGIL_PROBE(NAME, PARAMS, ARGS, SOURCE, COMM)                              \
    int MPI_##NAME PARAMS {                                                        \
        if (!p2p_active()) return PMPI_##NAME ARGS;                                \
        p2p_call call;                                                             \
        p2p_begin(&call, VIGIL_OP_P2P_RECV, COMM, MPI_PROC_NULL, SOURCE);          \
        int rc = PMPI_##NAME ARGS;                                                 \
        p2p_end(&call, 0, NULL, MPI_DATATYPE_NULL);                                \
        return rc;                                                                 \
    }
#include "vigil_p2p.def"
#undef VIGIL_SEND
#undef VIGIL_ISEND
#undef VIGIL_PROBE

int MPI_Recv(void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm,
             MPI_Status *status) {
    if (!p2p_active()) return PMPI_Recv(buf, count, datatype, source, tag, comm, status);
    MPI_Status local;
    MPI_Status *st = status == MPI_STATUS_IGNORE ? &local : status;
    p2p_call call;   /* MPI_ANY_SOURCE: waits on no one known */
    p2p_begin(&call, VIGIL_OP_P2P_RECV, comm, MPI_PROC_NULL, source);
    int rc = PMPI_Recv(buf, count, datatype, source, tag, comm, st);
    p2p_end(&call, 0, rc == MPI_SUCCESS ? st : NULL, datatype);
    return rc;
}

int MPI_Sendrecv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, int dest, int sendtag,
                 void *recvbuf, int recvcount, MPI_Datatype recvtype, int source, int recvtag,
                 MPI_Comm comm, MPI_Status *status) {
    if (!p2p_active())
        return PMPI_Sendrecv(sendbuf, sendcount, sendtype, dest, sendtag, recvbuf, recvcount, recvtype,
                             source, recvtag, comm, status);
    MPI_Status local;
    MPI_Status *st = status == MPI_STATUS_IGNORE ? &local : status;
    p2p_call call;
    p2p_begin(&call, VIGIL_OP_P2P_SENDRECV, comm, dest, source);
    int rc = PMPI_Sendrecv(sendbuf, sendcount, sendtype, dest, sendtag, recvbuf, recvcount, recvtype,
                           source, recvtag, comm, st);
    p2p_end(&call, vigil_bytes(sendcount, sendtype), rc == MPI_SUCCESS ? st : NULL, recvtype);
    return rc;
}

int MPI_Sendrecv_replace(void *buf, int count, MPI_Datatype datatype, int dest, int sendtag, int source,
                         int recvtag, MPI_Comm comm, MPI_Status *status) {
    if (!p2p_active())
        return PMPI_Sendrecv_replace(buf, count, datatype, dest, sendtag, source, recvtag, comm, status);
    MPI_Status local;
    MPI_Status *st = status == MPI_STATUS_IGNORE ? &local : status;
    p2p_call call;
    p2p_begin(&call, VIGIL_OP_P2P_SENDRECV, comm, dest, source);
    int rc = PMPI_Sendrecv_replace(buf, count, datatype, dest, sendtag, source, recvtag, comm, st);
    p2p_end(&call, vigil_bytes(count, datatype), rc == MPI_SUCCESS ? st : NULL, datatype);
    return rc;
}

/* A receive posted for MPI_ANY_SOURCE has no peer until it completes; it is
 * left untracked (see docs/telemetry.md). */
int MPI_Irecv(void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm,
              MPI_Request *request) {
    if (!p2p_active()) return PMPI_Irecv(buf, count, datatype, source, tag, comm, request);
    vigil_depth = 1;
    int32_t peer = vigil_world_rank(vigil_comm_lookup(comm), source);
    int rc = PMPI_Irecv(buf, count, datatype, source, tag, comm, request);
    if (rc == MPI_SUCCESS)
        vigil_request_track_p2p(*request, VIGIL_OP_P2P_RECV, peer, vigil_bytes(count, datatype));
    vigil_depth = 0;
    return rc;
}

int MPI_Request_free(MPI_Request *request) {
    MPI_Request key = request ? *request : MPI_REQUEST_NULL;
    int rc = PMPI_Request_free(request);
    if (rc == MPI_SUCCESS && completions_tracked() && key != MPI_REQUEST_NULL) vigil_request_forget(key);
    return rc;
}

int MPI_Cancel(MPI_Request *request) {
    MPI_Request key = request ? *request : MPI_REQUEST_NULL;
    int rc = PMPI_Cancel(request);
    if (rc == MPI_SUCCESS && completions_tracked() && key != MPI_REQUEST_NULL) vigil_request_cancel(key);
    return rc;
}
