/*
 * Nonblocking operations: the record is written when the request completes
 * (in a Wait or Test), so t_exit is the completion the application saw.
 * A point-to-point request costs the rank only the time it blocks in the
 * Wait that completes it (sends and receives overlap computation by design),
 * so it is posted untimed: no clock read in Isend or Irecv.
 * Pending requests live in a fixed open-addressing table keyed by handle.
 *
 * One handle can stand for two tracked operations at once, so the table is
 * a multimap and a completion takes the oldest entry of its handle:
 *   - MPI hands out one static, already complete request for some calls
 *     (Open MPI's for a buffered send, a send to MPI_PROC_NULL);
 *   - with MPI_THREAD_MULTIPLE, a handle freed inside one thread's Wait can
 *     be given to another thread's Isend before the first thread has
 *     recorded its completion.
 * A collective whose record can never be written (table full, request
 * freed, still pending at MPI_Finalize) is counted in the ring's `dropped`.
 */
#include "vigil_internal.h"

#define VIGIL_REQUEST_SLOTS 4096u
#define NEXT(s) (((s) + 1) & (VIGIL_REQUEST_SLOTS - 1))

typedef struct pending {
    MPI_Request req;      /* the handle MPI returned */
    uint64_t order;       /* tracking order: the oldest of a handle completes first */
    uint64_t comm_id;
    uint64_t seq;
    uint64_t t_post;      /* collectives only */
    uint64_t bytes;
    int32_t peer;
    uint32_t comm_size;
    uint16_t op;
    uint8_t used;
} pending;

static pending table[VIGIL_REQUEST_SLOTS];
uint32_t vigil_requests_pending;

static uint32_t slot_of(MPI_Request req) {
    uint64_t h = (uint64_t)(uintptr_t)req * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(h >> 52) & (VIGIL_REQUEST_SLOTS - 1);
}

static int is_collective(const pending *p) {
    return p->op != VIGIL_OP_P2P_SEND && p->op != VIGIL_OP_P2P_RECV;
}

static void count_dropped(void) {
    __atomic_store_n(&vigil.ring->dropped, vigil.ring->dropped + 1, __ATOMIC_RELAXED);
}

static uint64_t tracked_so_far;

static pending *claim(MPI_Request req) {
    uint32_t s = slot_of(req);
    for (uint32_t i = 0; i < VIGIL_REQUEST_SLOTS; i++, s = NEXT(s)) {
        if (!table[s].used) {
            table[s] = (pending){.req = req, .order = ++tracked_so_far, .used = 1};
            vigil_requests_pending++;
            return &table[s];
        }
    }
    count_dropped();  /* no slot: the operation runs untimed */
    return NULL;
}

static pending *find(MPI_Request req) {
    pending *oldest = NULL;
    uint32_t s = slot_of(req);
    for (uint32_t i = 0; i < VIGIL_REQUEST_SLOTS && table[s].used; i++, s = NEXT(s)) {
        if (table[s].req == req && (!oldest || table[s].order < oldest->order)) oldest = &table[s];
    }
    return oldest;
}

/* Linear probing without tombstones: shift later members of the probe chain
 * back into the hole so every lookup still stops at the first empty slot. */
static void release(pending *p) {
    uint32_t hole = (uint32_t)(p - table);
    table[hole].used = 0;
    vigil_requests_pending--;
    for (uint32_t j = NEXT(hole); table[j].used; j = NEXT(j)) {
        uint32_t home = slot_of(table[j].req);
        int stays = (hole <= j) ? (hole < home && home <= j) : (hole < home || home <= j);
        if (stays) continue;
        table[hole] = table[j];
        table[j].used = 0;
        hole = j;
    }
}

void vigil_request_track_collective(MPI_Request req, const vigil_call *call, uint64_t bytes, int root) {
    vigil_lock();
    pending *p = claim(req);
    if (p) {
        p->comm_id = call->comm->id;
        p->seq = call->seq;
        p->t_post = call->t_enter;
        p->bytes = bytes;
        p->peer = root < 0 ? -1 : vigil_world_rank(call->comm, root);
        p->comm_size = (uint32_t)call->comm->size;
        p->op = call->op;
    }
    vigil_unlock();
}

void vigil_request_track_p2p(MPI_Request req, uint16_t op, int world_peer, uint64_t bytes) {
    if (world_peer < 0) return;  /* MPI_PROC_NULL or MPI_ANY_SOURCE: no peer to count */
    vigil_lock();
    pending *p = claim(req);
    if (p) {
        p->bytes = bytes;
        p->peer = world_peer;
        p->op = op;
    }
    vigil_unlock();
}

int vigil_request_complete(MPI_Request req, int failed, uint64_t t_done, uint64_t waited_ns) {
    vigil_lock();
    pending *p = find(req);
    if (p == NULL) {
        vigil_unlock();
        return 0;
    }
    pending done = *p;
    release(p);
    vigil_unlock();

    if (!is_collective(&done)) {
        vigil_p2p_add(done.op, done.peer, done.bytes, waited_ns, t_done);
        return 1;
    }
    vigil_record r = {
        .comm_id = done.comm_id,
        .seq = done.seq,
        .t_enter = done.t_post,
        .t_exit = t_done,
        .bytes = done.bytes,
        .peer = done.peer,
        .comm_size = done.comm_size,
        .op = done.op,
        .flags = (uint16_t)((failed ? VIGIL_RECORD_FAILED : 0) | (done.peer >= 0 ? VIGIL_RECORD_ROOTED : 0)),
    };
    vigil_lock();
    vigil_emit(&r);
    vigil_unlock();
    return 0;
}

/* A request freed before completion: point-to-point traffic still counts
 * (untimed); a collective's record is lost and counted. */
void vigil_request_forget(MPI_Request req) {
    vigil_lock();
    pending *p = find(req);
    pending gone = p ? *p : (pending){0};
    if (p) {
        if (is_collective(&gone)) count_dropped();
        release(p);
    }
    vigil_unlock();
    if (p && !is_collective(&gone)) vigil_p2p_add(gone.op, gone.peer, gone.bytes, 0, vigil_now());
}

/* A cancelled point-to-point operation moved nothing: it is forgotten
 * uncounted (when the cancel came too late, that message goes uncounted). */
void vigil_request_cancel(MPI_Request req) {
    vigil_lock();
    pending *p = find(req);
    if (p && !is_collective(p)) release(p);
    vigil_unlock();
}

void vigil_requests_drop_pending(void) {
    vigil_lock();
    for (uint32_t i = 0; i < VIGIL_REQUEST_SLOTS; i++) {
        if (table[i].used && is_collective(&table[i])) count_dropped();
        table[i].used = 0;
    }
    vigil_requests_pending = 0;
    vigil_unlock();
}

uint64_t vigil_requests_wait_begin(int count, const MPI_Request requests[], uint64_t now) {
    int32_t peers[VIGIL_INFLIGHT_PEERS];
    uint32_t known = 0, listed = 0;
    uint64_t comm_id = 0, gen = 0;
    vigil_lock();
    for (int i = 0; i < count && gen == 0; i++) {
        pending *p = requests[i] == MPI_REQUEST_NULL ? NULL : find(requests[i]);
        if (p == NULL) continue;
        if (is_collective(p)) {
            gen = vigil_inflight_begin(vigil.ring, p->op, p->comm_id, p->seq, p->comm_size, now);
            continue;
        }
        int seen = 0;
        for (uint32_t j = 0; j < listed; j++) seen |= peers[j] == p->peer;
        if (seen) continue;
        if (listed < VIGIL_INFLIGHT_PEERS) peers[listed++] = p->peer;
        known++;
    }
    if (gen == 0 && known > 0)
        gen = vigil_inflight_begin_p2p(vigil.ring, VIGIL_OP_P2P_WAIT, comm_id, peers, known, now);
    vigil_unlock();
    return gen;
}
