/*
 * The checkpoint client (vigil.h, docs/checkpoints.md): DataStates-LLM's
 * lazy copy. vigil_ckpt_save() hands the step to the copier thread, which
 * copies the registered regions chunk by chunk into a bounded staging pool
 * while training computes; the flusher thread streams the filled chunks,
 * in order, into this rank's shard file at level 1, and tells the agent
 * (which takes it on to level 2 and, with the server, commits it). Training
 * waits only in before_update (until the copy is done) and in a save that
 * comes while the previous copy is still under way. A full pool stalls the
 * copier, never allocates beyond its bound. Neither thread calls MPI.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mpi.h>

#include "vigil_ckpt_internal.h"
#include "vigil_internal.h"
#include "vigil_uncommitted.h"

/* A save waits this long at most for the previous copy (a pool stalled by a wedged disk). */
#define SAVE_WAIT_S 30.0

enum { DEFAULT_STAGING = 256 << 20, MIN_CHUNKS = 2, MAX_CHUNK = 8 << 20 };

typedef struct staged {
    int index;       /* its chunk in the pool */
    size_t bytes;
    long step;
    int first, last; /* of the step's shard */
    uint64_t digest, hash_ns;  /* the last chunk's: the shard's checksum, and the time it took */
} staged;

static struct {
    int ready;
    vigil_shard_header header;     /* frozen at the first save: regions do not change after */
    void *data[VIGIL_SHARD_REGIONS_MAX];
    char local_dir[4096], buddy_dir[4096], shared_dir[4096];
    size_t staging_bound;
    unsigned char *pool;           /* allocated at the first save: no larger than the state */
    size_t chunk_bytes;
    int chunks;
    int *free_chunks, free_count;  /* a stack */
    staged *queue;                 /* filled chunks, in order: a FIFO of `chunks` */
    int queue_head, queue_count;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pthread_t copier, flusher;
    int stop;
    long wanted, copying, copied, durable, failed;  /* steps; -1 for none */
    uint64_t step_blocked_ns;      /* training's wait for the newest checkpoint */
    vigil_uncommitted uncommitted; /* durable at level 1, not yet complete: saves wait for commits */
    uint64_t commit_stall_ns;      /* commits this late have stalled */
    char async_error[ERROR_MAX];   /* a background failure the next call returns */
    char failure[ERROR_MAX];       /* the newest failure, for waits on its step */
    vigil_ckpt_stats stats;
} ck = {.lock = PTHREAD_MUTEX_INITIALIZER};

static char last_error[ERROR_MAX];

const vigil_shard_header *vigil_ckpt_layout(void *const **data, const char *dirs[VIGIL_LEVELS]) {
    *data = ck.data;
    dirs[VIGIL_LEVEL_LOCAL] = ck.local_dir;
    dirs[VIGIL_LEVEL_BUDDY] = ck.buddy_dir;
    dirs[VIGIL_LEVEL_SHARED] = ck.shared_dir;
    return ck.ready ? &ck.header : NULL;
}

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

int vigil_ckpt_fail(int code, const char *fmt, const char *detail) {
    snprintf(last_error, sizeof last_error, fmt, detail);
    return code;
}

/* Waits on `changed` until `until` (CLOCK_MONOTONIC ns); 0, or ETIMEDOUT. Under the lock. */
static int wait_until(uint64_t until) {
    uint64_t now = now_ns();
    if (now >= until) return ETIMEDOUT;
    struct timespec at = {.tv_sec = (time_t)(until / 1000000000ull), .tv_nsec = (long)(until % 1000000000ull)};
    return pthread_cond_timedwait(&ck.changed, &ck.lock, &at);
}

static uint64_t deadline(double timeout_s) {
    if (!(timeout_s >= 0)) timeout_s = 0;
    return now_ns() + (uint64_t)(timeout_s * 1e9);
}

/* A failure the background met since the last call: returned once. Under the lock. */
static int take_async_error(void) {
    if (!ck.async_error[0]) return 0;
    snprintf(last_error, sizeof last_error, "%s", ck.async_error);
    ck.async_error[0] = 0;
    return VIGIL_CKPT_EFAILED;
}

static void fail_async(long step, const char *why) {
    pthread_mutex_lock(&ck.lock);
    snprintf(ck.failure, sizeof ck.failure, "checkpoint of step %ld abandoned: %s", step, why);
    snprintf(ck.async_error, sizeof ck.async_error, "%s", ck.failure);
    if (step > ck.failed) ck.failed = step;
    ck.stats.failures++;
    pthread_cond_broadcast(&ck.changed);
    pthread_mutex_unlock(&ck.lock);
    char line[ERROR_MAX + 4400];
    snprintf(line, sizeof line, "FAILED step=%ld world=%u job=%s root=%s why=%s\n", step, ck.header.world, ck.header.job,
             ck.local_dir, why);
    vigil_agent_say(line);   /* the server then knows why the step never completes */
}

/* The agent takes the shard on (level 2) and counts it towards the commit. */
static void report_durable(long step, const vigil_shard_writer *w, uint64_t flush_ns) {
    pthread_mutex_lock(&ck.lock);
    uint64_t blocked = ck.step_blocked_ns;
    pthread_mutex_unlock(&ck.lock);
    char line[4600];
    snprintf(line, sizeof line, "SHARD step=%ld world=%u bytes=%llu xxh3=%016llx flush_ns=%llu blocked_ns=%llu job=%s root=%s\n",
             step, ck.header.world, (unsigned long long)w->written, (unsigned long long)w->digest,
             (unsigned long long)flush_ns, (unsigned long long)blocked, ck.header.job, ck.local_dir);
    if (vigil_agent_say(line) != 0) fail_async(step, "the vigil agent did not take the shard's report: it cannot be committed");
}

/* Progress before level 1, for the store and console: the agent may drop
 * it when busy (the durable report that follows is the one that counts). */
static void report_progress(const char *verb, long step, uint64_t copy_ns) {
    uint64_t bytes = 0;
    for (uint32_t i = 0; i < ck.header.regions; i++) bytes += ck.header.region[i].bytes;
    char line[4600];
    snprintf(line, sizeof line, "%s step=%ld world=%u bytes=%llu copy_ns=%llu job=%s root=%s\n", verb, step, ck.header.world,
             (unsigned long long)bytes, (unsigned long long)copy_ns, ck.header.job, ck.local_dir);
    (void)vigil_agent_say(line);
}

/* ---- the copier ---- */

static int take_chunk(void) {
    pthread_mutex_lock(&ck.lock);
    while (ck.free_count == 0 && !ck.stop) pthread_cond_wait(&ck.changed, &ck.lock);
    int index = ck.stop ? -1 : ck.free_chunks[--ck.free_count];
    uint64_t used = (uint64_t)(ck.chunks - ck.free_count) * ck.chunk_bytes;
    if (used > ck.stats.staging_high_water) ck.stats.staging_high_water = used;
    pthread_mutex_unlock(&ck.lock);
    return index;
}

static void hand_over(staged s) {
    pthread_mutex_lock(&ck.lock);
    ck.queue[(ck.queue_head + ck.queue_count) % ck.chunks] = s;
    ck.queue_count++;
    pthread_cond_broadcast(&ck.changed);
    pthread_mutex_unlock(&ck.lock);
}

/* Every region of `step` into the pool, in order, checksummed as it is
 * staged (the bytes are in cache now; the flusher then only writes); the
 * last chunk says so, with the checksum. */
static void copy_step(long step, XXH3_state_t *hash, uint64_t started_ns) {
    const vigil_shard_header *h = &ck.header;
    vigil_shard_header named = *h;
    named.step = step;
    vigil_shard_hash_start(hash, &named);
    int first = 1, region = 0;
    uint64_t offset = 0, hash_ns = 0;
    while (region < (int)h->regions && h->region[region].bytes == 0) region++;
    do {
        int index = take_chunk();
        if (index < 0) return;
        unsigned char *to = ck.pool + (size_t)index * ck.chunk_bytes;
        size_t filled = 0;
        while (region < (int)h->regions && filled < ck.chunk_bytes) {
            uint64_t left = h->region[region].bytes - offset;
            size_t n = left < ck.chunk_bytes - filled ? (size_t)left : ck.chunk_bytes - filled;
            memcpy(to + filled, (const char *)ck.data[region] + offset, n);
            filled += n;
            offset += n;
            if (offset == h->region[region].bytes) {
                offset = 0;
                do region++; while (region < (int)h->regions && h->region[region].bytes == 0);
            }
        }
        uint64_t t0 = now_ns();
        XXH3_64bits_update(hash, to, filled);
        hash_ns += now_ns() - t0;
        int last = region >= (int)h->regions;
        if (last) report_progress("STAGED", step, now_ns() - started_ns);   /* before the flusher can say durable */
        hand_over((staged){.index = index, .bytes = filled, .step = step, .first = first, .last = last,
                           .digest = last ? XXH3_64bits_digest(hash) : 0, .hash_ns = hash_ns});
        first = 0;
    } while (region < (int)h->regions);
}

static void *copier(void *unused) {
    (void)unused;
    XXH3_state_t *hash = XXH3_createState();
    pthread_mutex_lock(&ck.lock);
    for (;;) {
        while (!ck.stop && ck.wanted <= ck.copied) pthread_cond_wait(&ck.changed, &ck.lock);
        if (ck.stop) break;
        long step = ck.copying = ck.wanted;
        pthread_mutex_unlock(&ck.lock);
        uint64_t started = now_ns();
        report_progress("COPYING", step, 0);
        if (hash) copy_step(step, hash, started);
        else fail_async(step, "no memory for the checksum");
        pthread_mutex_lock(&ck.lock);
        ck.copied = step;
        ck.copying = -1;
        pthread_cond_broadcast(&ck.changed);
    }
    pthread_mutex_unlock(&ck.lock);
    XXH3_freeState(hash);
    return NULL;
}

/* ---- the flusher ---- */

static int next_staged(staged *out) {
    pthread_mutex_lock(&ck.lock);
    while (ck.queue_count == 0 && !ck.stop) pthread_cond_wait(&ck.changed, &ck.lock);
    int got = ck.queue_count > 0;
    if (got) {
        *out = ck.queue[ck.queue_head];
        ck.queue_head = (ck.queue_head + 1) % ck.chunks;
        ck.queue_count--;
    }
    pthread_mutex_unlock(&ck.lock);
    return got;
}

static void release_chunk(int index, size_t bytes) {
    pthread_mutex_lock(&ck.lock);
    ck.free_chunks[ck.free_count++] = index;
    ck.stats.staged_bytes += bytes;
    pthread_cond_broadcast(&ck.changed);
    pthread_mutex_unlock(&ck.lock);
}

static void durable(long step, uint64_t bytes, uint64_t flush_ns, uint64_t hash_ns) {
    pthread_mutex_lock(&ck.lock);
    ck.durable = step;
    vigil_uncommitted_note(&ck.uncommitted, step, now_ns());
    ck.stats.last_local_step = step;
    ck.stats.flushed_bytes += bytes;
    ck.stats.flush_ns += flush_ns;
    ck.stats.checksum_ns += hash_ns;
    pthread_cond_broadcast(&ck.changed);
    pthread_mutex_unlock(&ck.lock);
}

static void *flusher(void *unused) {
    (void)unused;
    vigil_shard_writer w = {.fd = -1, .dir_fd = -1};
    int writing = 0;
    uint64_t busy = 0;
    char why[ERROR_MAX];
    staged s;
    while (next_staged(&s)) {
        uint64_t t0 = now_ns();
        vigil_shard_header h = ck.header;
        h.step = s.step;
        if (s.first) {
            writing = vigil_shard_open(&w, ck.local_dir, &h, why, sizeof why) == 0;
            if (!writing) fail_async(s.step, why);
            busy = 0;
        }
        if (writing && vigil_shard_write(&w, ck.pool + (size_t)s.index * ck.chunk_bytes, s.bytes, why, sizeof why) != 0) {
            vigil_shard_abandon(&w);
            fail_async(s.step, why);
            writing = 0;
        }
        if (writing && s.last && vigil_shard_commit(&w, s.digest, why, sizeof why) != 0) {
            vigil_shard_abandon(&w);
            fail_async(s.step, why);
            writing = 0;
        }
        busy += now_ns() - t0;
        release_chunk(s.index, s.bytes);
        if (writing && s.last) {
            durable(s.step, w.written, busy, s.hash_ns);
            report_durable(s.step, &w, busy);
            writing = 0;
        }
    }
    if (writing) vigil_shard_abandon(&w);
    return NULL;
}

/* ---- the API ---- */

static void job_name(char *out, size_t cap, const char *given) {
    const char *job = given && *given ? given : getenv("VIGIL_JOB_ID");
    if (!job || !*job) job = "job";
    size_t n = 0;
    for (; job[n] && n + 1 < cap; n++) {
        char c = job[n];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        out[n] = ok ? c : '_';
    }
    out[n] = 0;
}

static int allocate_pool(void) {
    uint64_t state = 0;
    for (uint32_t i = 0; i < ck.header.regions; i++) state += ck.header.region[i].bytes;
    size_t staging = state + 4096 < ck.staging_bound ? (size_t)state + 4096 : ck.staging_bound;
    if (staging < 2 * 4096) staging = 2 * 4096;
    ck.chunk_bytes = staging / MIN_CHUNKS < MAX_CHUNK ? staging / MIN_CHUNKS : MAX_CHUNK;
    ck.chunks = (int)(staging / ck.chunk_bytes);
    ck.pool = malloc((size_t)ck.chunks * ck.chunk_bytes);
    ck.free_chunks = malloc(sizeof(int) * (size_t)ck.chunks);
    ck.queue = malloc(sizeof(staged) * (size_t)ck.chunks);
    if (!ck.pool || !ck.free_chunks || !ck.queue) {
        free(ck.pool);
        free(ck.free_chunks);
        free(ck.queue);
        ck.pool = NULL;
        return -1;
    }
    for (int i = 0; i < ck.chunks; i++) ck.free_chunks[i] = i;
    ck.free_count = ck.chunks;
    return 0;
}

/* The option, else the environment, else what the agent said; "" for none. */
static const char *directory(const char *given, const char *env, int level) {
    if (given) return given;
    const char *value = getenv(env);
    return value && *value ? value : vigil_agent_checkpoint_dir(level);
}

static int usable_directory(const char *dir) {
    return dir[0] == '/' && strlen(dir) < 4000 && !strpbrk(dir, " \t\n");
}

int vigil_ckpt_init(const vigil_ckpt_options *options) {
    int mpi = 0;
    MPI_Initialized(&mpi);
    if (ck.ready || !mpi) return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", ck.ready ? "already initialized" : "call after MPI_Init");
    if (!vigil.ring)
        return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", "no vigil agent on this node: checkpoints could never be committed");
    const char *dir = directory(options ? options->local_dir : NULL, "VIGIL_CKPT_LOCAL", 1);
    const char *shared = directory(options ? options->shared_dir : NULL, "VIGIL_CKPT_SHARED", 3);
    const char *buddy = vigil_agent_checkpoint_dir(2);   /* the agent's: it takes the shards there */
    if (!usable_directory(dir))
        return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", "no local directory (VIGIL_CKPT_LOCAL), or not an absolute path without spaces");
    if (*shared && (!usable_directory(shared) || strcmp(shared, dir) == 0))
        return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", "the shared directory must be an absolute path without spaces, not the local one");
    ck.staging_bound = options && options->staging_bytes ? options->staging_bytes : DEFAULT_STAGING;
    if (ck.staging_bound < 2 * 4096) return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", "staging_bytes below 8 KiB");
    int rank = 0, size = 1;
    PMPI_Comm_rank(MPI_COMM_WORLD, &rank);
    PMPI_Comm_size(MPI_COMM_WORLD, &size);
    memset(&ck.header, 0, sizeof ck.header);
    ck.header.rank = (uint32_t)rank;
    ck.header.world = (uint32_t)size;
    job_name(ck.header.job, sizeof ck.header.job, options ? options->job : NULL);
    snprintf(ck.local_dir, sizeof ck.local_dir, "%s", dir);
    snprintf(ck.shared_dir, sizeof ck.shared_dir, "%s", shared);
    snprintf(ck.buddy_dir, sizeof ck.buddy_dir, "%s", usable_directory(buddy) ? buddy : "");
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&ck.changed, &attr);
    pthread_condattr_destroy(&attr);
    ck.wanted = ck.copying = ck.copied = ck.durable = ck.failed = -1;
    ck.uncommitted.count = 0;
    const char *stall = getenv("VIGIL_CKPT_COMMIT_STALL_S");
    double stall_s = stall && *stall ? atof(stall) : VIGIL_UNCOMMITTED_STALL_S;
    ck.commit_stall_ns = (uint64_t)((stall_s > 0 ? stall_s : VIGIL_UNCOMMITTED_STALL_S) * 1e9);
    memset(&ck.stats, 0, sizeof ck.stats);
    ck.stats.last_local_step = -1;
    ck.stop = 0;
    if (pthread_create(&ck.copier, NULL, copier, NULL) != 0) return vigil_ckpt_fail(VIGIL_CKPT_ENOMEM, "%s", "cannot start the copier");
    if (pthread_create(&ck.flusher, NULL, flusher, NULL) != 0) return vigil_ckpt_fail(VIGIL_CKPT_ENOMEM, "%s", "cannot start the flusher");
    ck.ready = 1;
    last_error[0] = 0;
    return 0;
}

int vigil_ckpt_register(const char *name, void *data, size_t bytes) {
    if (!ck.ready || ck.wanted >= 0) return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", "register after init, before the first save");
    if (!name || !*name || strlen(name) >= VIGIL_SHARD_NAME_MAX || (!data && bytes))
        return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", "a region needs a name under 64 bytes and its data");
    if (ck.header.regions >= VIGIL_SHARD_REGIONS_MAX) return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", "too many regions");
    for (uint32_t i = 0; i < ck.header.regions; i++)
        if (strcmp(ck.header.region[i].name, name) == 0) return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "region %s registered twice", name);
    vigil_shard_region *r = &ck.header.region[ck.header.regions];
    snprintf(r->name, sizeof r->name, "%s", name);
    r->bytes = bytes;
    ck.data[ck.header.regions++] = data;
    return 0;
}

/* Waits (counted as blocking) until no copy is under way or due. Under the lock. */
static int wait_copied(uint64_t until) {
    uint64_t t0 = now_ns();
    int r = 0;
    while (ck.wanted > ck.copied && r != ETIMEDOUT) r = wait_until(until);
    ck.stats.blocked_ns += now_ns() - t0;
    ck.step_blocked_ns += now_ns() - t0;
    return ck.wanted > ck.copied ? VIGIL_CKPT_ETIMEDOUT : 0;
}

int vigil_ckpt_save(long step) {
    if (!ck.ready || step <= ck.wanted) return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", ck.ready ? "steps must grow" : "not initialized");
    if (!ck.pool && allocate_pool() != 0) return vigil_ckpt_fail(VIGIL_CKPT_ENOMEM, "%s", "cannot allocate the staging pool");
    pthread_mutex_lock(&ck.lock);
    uint64_t blocked_before = ck.stats.blocked_ns;
    int r = take_async_error();
    if (r == 0 && wait_copied(deadline(SAVE_WAIT_S)) != 0)
        r = vigil_ckpt_fail(VIGIL_CKPT_ETIMEDOUT, "%s", "the previous checkpoint's copy is still under way: this one is skipped");
    int in_flight = ck.wanted > ck.durable && ck.wanted > ck.failed;
    if (r == 0 && vigil_uncommitted_full(&ck.uncommitted, ck.local_dir, ck.header.job, in_flight, now_ns(), ck.commit_stall_ns))
        r = vigil_ckpt_fail(VIGIL_CKPT_EBUSY, "%s", "this rank's checkpoints wait for their commit (is the node's agent cut "
                                                   "off from the vigil server?): this one is skipped");
    if (r == 0) {
        ck.wanted = step;
        ck.step_blocked_ns = ck.stats.blocked_ns - blocked_before;
        ck.stats.saves++;
        pthread_cond_broadcast(&ck.changed);
    }
    pthread_mutex_unlock(&ck.lock);
    return r;
}

int vigil_ckpt_before_update(double timeout_s) {
    if (!ck.ready) return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", "not initialized");
    pthread_mutex_lock(&ck.lock);
    int r = take_async_error();
    if (r == 0 && wait_copied(deadline(timeout_s)) != 0) r = vigil_ckpt_fail(VIGIL_CKPT_ETIMEDOUT, "%s", "the copy is still under way");
    pthread_mutex_unlock(&ck.lock);
    return r;
}

/* Until the manifest of `step` is in `dir` (the step complete there), at most until `until`. */
static int wait_manifest(const char *dir, long step, uint64_t until) {
    char path[4200];
    if (vigil_shard_step_dir(path, sizeof path - 16, dir, ck.header.job, step) != 0)
        return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", "path too long");
    strcat(path, "/" VIGIL_MANIFEST_NAME);
    struct stat st;
    while (stat(path, &st) != 0) {
        if (now_ns() >= until) return vigil_ckpt_fail(VIGIL_CKPT_ETIMEDOUT, "not yet complete: no %s", path);
        usleep(10000);
    }
    return 0;
}

int vigil_ckpt_wait(int level, double timeout_s) {
    if (!ck.ready || level < VIGIL_CKPT_STAGED || level > VIGIL_CKPT_BUDDY)
        return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", "not initialized, or no such level");
    if (level == VIGIL_CKPT_SHARED && !ck.shared_dir[0]) return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", "no shared directory");
    if (level == VIGIL_CKPT_BUDDY && !ck.buddy_dir[0]) return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", "no buddy directory");
    if (level == VIGIL_CKPT_STAGED) return vigil_ckpt_before_update(timeout_s);
    uint64_t until = deadline(timeout_s);
    pthread_mutex_lock(&ck.lock);
    int r = 0;
    while (ck.durable < ck.wanted && ck.failed < ck.wanted && r != ETIMEDOUT) r = wait_until(until);
    r = take_async_error();
    if (ck.wanted < 0) {   /* nothing asked for: nothing to wait for */
        pthread_mutex_unlock(&ck.lock);
        return r;
    }
    if (r == 0 && ck.failed >= ck.wanted) r = vigil_ckpt_fail(VIGIL_CKPT_EFAILED, "%s", ck.failure);
    if (r == 0 && ck.durable < ck.wanted) r = vigil_ckpt_fail(VIGIL_CKPT_ETIMEDOUT, "%s", "not yet durable at level 1");
    long step = ck.wanted;
    pthread_mutex_unlock(&ck.lock);
    if (r != 0 || level == VIGIL_CKPT_LOCAL) return r;
    const char *dir = level == VIGIL_CKPT_SHARED ? ck.shared_dir : level == VIGIL_CKPT_BUDDY ? ck.buddy_dir : ck.local_dir;
    return wait_manifest(dir, step, until);
}

int vigil_ckpt_stats_get(vigil_ckpt_stats *out) {
    if (!ck.ready || !out) return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", "not initialized");
    pthread_mutex_lock(&ck.lock);
    *out = ck.stats;
    pthread_mutex_unlock(&ck.lock);
    return 0;
}

const char *vigil_ckpt_error(void) { return last_error; }

int vigil_ckpt_finalize(double timeout_s) {
    if (!ck.ready) return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", "not initialized");
    uint64_t until = deadline(timeout_s);
    pthread_mutex_lock(&ck.lock);
    int r = 0;
    while (ck.durable < ck.wanted && ck.failed < ck.wanted && r != ETIMEDOUT) r = wait_until(until);
    int late = ck.durable < ck.wanted && ck.failed < ck.wanted;
    ck.stop = 1;
    pthread_cond_broadcast(&ck.changed);
    pthread_mutex_unlock(&ck.lock);
    pthread_join(ck.copier, NULL);
    pthread_join(ck.flusher, NULL);
    free(ck.pool);
    free(ck.free_chunks);
    free(ck.queue);
    ck.pool = NULL;
    ck.ready = 0;
    return late ? vigil_ckpt_fail(VIGIL_CKPT_ETIMEDOUT, "%s", "the last checkpoint was still being flushed: abandoned") : 0;
}
