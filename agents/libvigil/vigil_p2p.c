/*
 * Point-to-point traffic, aggregated per peer (world rank) and direction
 * over a time window (VIGIL_P2P_WINDOW_MS, default 1000). At the end of a
 * window each peer that saw traffic becomes one record: the raw material of
 * the node x node link matrix, at a cost that does not grow with the
 * message rate.
 */
#include <stdlib.h>

#include "vigil_internal.h"

typedef struct peer_totals {
    uint64_t count;
    uint64_t bytes;
    uint64_t busy_ns;
} peer_totals;

static peer_totals *sends, *recvs;   /* indexed by world rank */
static int *dirty;                   /* peers touched in this window */
static int dirty_count, peers;
static uint64_t window_ns, window_start;

void vigil_p2p_init(int world_size) {
    const char *env = getenv("VIGIL_P2P_WINDOW_MS");
    long ms = env ? strtol(env, NULL, 10) : 1000;
    window_ns = (uint64_t)(ms > 0 ? ms : 1000) * 1000000ull;
    peers = world_size;
    sends = calloc((size_t)world_size, sizeof *sends);
    recvs = calloc((size_t)world_size, sizeof *recvs);
    dirty = calloc((size_t)world_size, sizeof *dirty);
    if (!sends || !recvs || !dirty) peers = 0; /* out of memory: p2p goes uncounted */
    window_start = vigil_now();
}

static void emit_peer(uint16_t op, int peer, peer_totals *t, uint64_t now) {
    if (t->count == 0) return;
    vigil_record r = {
        .seq = t->count,
        .t_enter = window_start,
        .t_exit = now,
        .bytes = t->bytes,
        .busy_ns = t->busy_ns,
        .peer = peer,
        .op = op,
    };
    vigil_emit(&r);
    *t = (peer_totals){0};
}

static void flush_locked(uint64_t now) {
    for (int i = 0; i < dirty_count; i++) {
        int peer = dirty[i];
        emit_peer(VIGIL_OP_P2P_SEND, peer, &sends[peer], now);
        emit_peer(VIGIL_OP_P2P_RECV, peer, &recvs[peer], now);
    }
    dirty_count = 0;
    window_start = now;
}

void vigil_p2p_add(uint16_t op, int world_peer, uint64_t bytes, uint64_t busy_ns, uint64_t now) {
    if (world_peer < 0 || world_peer >= peers) return; /* PROC_NULL or unknown source */
    vigil_lock();
    peer_totals *t = (op == VIGIL_OP_P2P_SEND ? sends : recvs) + world_peer;
    if (sends[world_peer].count == 0 && recvs[world_peer].count == 0) dirty[dirty_count++] = world_peer;
    t->count++;
    t->bytes += bytes;
    t->busy_ns += busy_ns;
    if (now - window_start >= window_ns) flush_locked(now);
    vigil_unlock();
}

void vigil_p2p_blocked(uint64_t ns) {
    vigil_lock();
    vigil.p2p_busy_ns += ns;
    vigil_unlock();
}

void vigil_p2p_flush(uint64_t now) {
    if (peers == 0) return;
    vigil_lock();
    flush_locked(now);
    vigil_unlock();
}
