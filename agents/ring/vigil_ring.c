/* Consumer side of the telemetry ring (see include/vigil_ring.h). */
#include "vigil_ring.h"

#include <string.h>
#include <sys/vfs.h>

#define TMPFS_MAGIC_NUMBER 0x01021994

static int is_power_of_two(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

const char *vigil_ring_validate(const vigil_ring_header *h, size_t mapped_bytes) {
    if (mapped_bytes < VIGIL_RING_HEADER_SIZE) return "file smaller than the ring header";
    if (h->magic != VIGIL_RING_MAGIC) return "bad magic (not a vigil ring)";
    if (h->version != VIGIL_RING_VERSION) return "unsupported ring version";
    if (h->header_size != VIGIL_RING_HEADER_SIZE) return "unexpected header size";
    if (h->record_size != sizeof(vigil_record)) return "unexpected record size";
    if (!is_power_of_two(h->capacity)) return "capacity is not a power of two";
    if (vigil_ring_bytes(h->capacity) != mapped_bytes) return "file size does not match capacity";
    if (memchr(h->job_id, 0, sizeof h->job_id) == NULL) return "job id not terminated";
    if (memchr(h->host, 0, sizeof h->host) == NULL) return "host not terminated";
    uint64_t head = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE);
    uint64_t tail = __atomic_load_n(&h->tail, __ATOMIC_ACQUIRE);
    if (head < tail || head - tail > h->capacity) return "head/tail out of range";
    return NULL;
}

void vigil_ring_init(vigil_ring_header *h, uint32_t capacity, int32_t pid, int32_t world_rank,
                     int32_t world_size, uint32_t attempt, const char *job_id, const char *host) {
    h->version = VIGIL_RING_VERSION;
    h->header_size = VIGIL_RING_HEADER_SIZE;
    h->record_size = sizeof(vigil_record);
    h->capacity = capacity;
    h->pid = pid;
    h->world_rank = world_rank;
    h->world_size = world_size;
    h->attempt = attempt;
    strncpy(h->job_id, job_id, sizeof h->job_id - 1);
    strncpy(h->host, host, sizeof h->host - 1);
    /* magic last: a reader never sees a half-initialised header as valid */
    __atomic_store_n(&h->magic, VIGIL_RING_MAGIC, __ATOMIC_RELEASE);
}

uint64_t vigil_ring_readable(const vigil_ring_header *h, uint64_t *first) {
    uint64_t head = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE);
    uint64_t tail = h->tail;
    *first = tail;
    /* The producer is another process: never trust it to stay in range. */
    if (head < tail || head - tail > h->capacity) return 0;
    return head - tail;
}

void vigil_ring_release(vigil_ring_header *h, uint64_t count) {
    __atomic_store_n(&h->tail, h->tail + count, __ATOMIC_RELEASE);
}

int vigil_inflight_read(const vigil_ring_header *h, vigil_inflight *out) {
    const vigil_inflight *f = &h->inflight;
    for (int attempt = 0; attempt < 64; attempt++) {
        uint64_t g1 = __atomic_load_n(&f->gen, __ATOMIC_ACQUIRE);
        if (g1 & 1) continue;
        out->comm_id = __atomic_load_n(&f->comm_id, __ATOMIC_RELAXED);
        out->seq = __atomic_load_n(&f->seq, __ATOMIC_RELAXED);
        out->t_enter = __atomic_load_n(&f->t_enter, __ATOMIC_RELAXED);
        out->op = __atomic_load_n(&f->op, __ATOMIC_RELAXED);
        out->comm_size = __atomic_load_n(&f->comm_size, __ATOMIC_RELAXED);
        out->peer_count = __atomic_load_n(&f->peer_count, __ATOMIC_RELAXED);
        for (int i = 0; i < VIGIL_INFLIGHT_PEERS; i++) out->peers[i] = __atomic_load_n(&f->peers[i], __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&f->gen, __ATOMIC_RELAXED) == g1) {
            out->gen = g1;
            return 0;
        }
    }
    return -1;
}

uint32_t vigil_ring_state(const vigil_ring_header *h) {
    return __atomic_load_n(&h->state, __ATOMIC_ACQUIRE);
}

uint64_t vigil_ring_dropped(const vigil_ring_header *h) {
    return __atomic_load_n(&h->dropped, __ATOMIC_RELAXED);
}

uint64_t vigil_ring_free(const vigil_ring_header *h) {
    return h->capacity - (h->head - __atomic_load_n(&h->tail, __ATOMIC_ACQUIRE));
}

int vigil_ring_directory_is_tmpfs(const char *path) {
    struct statfs info;
    return statfs(path, &info) == 0 && info.f_type == TMPFS_MAGIC_NUMBER;
}
