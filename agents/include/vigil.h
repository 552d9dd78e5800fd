/*
 * vigil.h: the checkpoint client of libvigil (docs/checkpoints.md).
 *
 * A rank registers the regions of its training state once, then asks for a
 * checkpoint at a step. The call returns at once: a background thread
 * copies the regions into a bounded host staging pool while the rank goes
 * on with its forward and backward passes (which read the state but do not
 * change it), and a second thread streams the staged bytes to the
 * node-local directory (level 1) as one shard file, checksummed while it is
 * written, fsync'd and renamed into place, and reported to the node's vigil
 * agent. The agent copies it to the shared directory (level 2); once every
 * rank's shard of a step is durable at a level, the vigil server has the
 * agents write that level's manifest, and only then is the step complete
 * there. Before the rank changes its state (the optimizer step) it calls
 * vigil_ckpt_before_update(), which waits only until this rank's copy is done.
 *
 * Every call returns 0 or a negative VIGIL_CKPT_E* code; vigil_ckpt_error()
 * says why. A failure in the background (disk full, an I/O error) is
 * returned by the next call, once, and the checkpoint it hit is abandoned:
 * training goes on. Every wait has a deadline. Not thread-safe: one
 * training thread per rank calls these.
 */
#ifndef VIGIL_H
#define VIGIL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    VIGIL_CKPT_EINVAL = -1,   /* a bad argument, or a call out of order */
    VIGIL_CKPT_EFAILED = -2,  /* an earlier checkpoint failed in the background */
    VIGIL_CKPT_ETIMEDOUT = -3,
    VIGIL_CKPT_ENOMEM = -4,
    VIGIL_CKPT_EIO = -5,
    VIGIL_CKPT_EBUSY = -6,    /* save: this rank's checkpoints wait for their commits (stalled); skipped */
};

/* How far a checkpoint has come. */
enum vigil_ckpt_level {
    VIGIL_CKPT_STAGED = 0,     /* this rank's copy in the staging pool: the state may change */
    VIGIL_CKPT_LOCAL = 1,      /* this rank's shard durable in the node-local directory */
    VIGIL_CKPT_COMMITTED = 2,  /* every rank's: complete at level 1 (its manifest on this node) */
    VIGIL_CKPT_SHARED = 3,     /* complete at level 2 (its manifest in the shared directory) */
    VIGIL_CKPT_BUDDY = 4,      /* complete at the buddy level: every node's shards also on its buddy node
                                  (the manifest in this node's buddy directory; the agent's --checkpoint-buddy) */
};

/* Directories must be absolute paths without spaces. */
typedef struct vigil_ckpt_options {
    const char *job;            /* names the job's directory; NULL: $VIGIL_JOB_ID, else "job" */
    const char *local_dir;      /* level 1; NULL: $VIGIL_CKPT_LOCAL, else the agent's --checkpoint-local */
    const char *shared_dir;     /* level 2; NULL: $VIGIL_CKPT_SHARED, else the agent's --checkpoint-shared */
    size_t staging_bytes;       /* the pool's bound; 0: 256 MiB */
} vigil_ckpt_options;

/* What this rank's checkpoints cost and moved, since vigil_ckpt_init. */
typedef struct vigil_ckpt_stats {
    uint64_t saves, failures;
    uint64_t blocked_ns;        /* training time spent waiting in save and before_update */
    uint64_t staged_bytes, flushed_bytes;
    uint64_t flush_ns;          /* time the flusher spent writing and syncing */
    uint64_t checksum_ns;       /* checksumming, done by the copier as it stages (not part of flush_ns) */
    uint64_t staging_high_water;  /* pool bytes in use at most: never above the bound */
    long last_local_step;       /* the newest step durable at level 1, -1 for none */
} vigil_ckpt_stats;

/* After MPI_Init: the rank and world size are MPI_COMM_WORLD's. Needs the
 * node's vigil agent (it commits the checkpoints): EINVAL without one. */
int vigil_ckpt_init(const vigil_ckpt_options *options);

/* `bytes` at `data`, saved and restored under `name` (unique, < 64 bytes). */
int vigil_ckpt_register(const char *name, void *data, size_t bytes);

/* Starts a checkpoint of every registered region at `step`. Waits only
 * while the previous checkpoint's copy is still under way. */
int vigil_ckpt_save(long step);

/* Waits until the copy of the checkpoint under way (if any) is done: after
 * it the rank may change its state. At most `timeout_s` seconds. */
int vigil_ckpt_before_update(double timeout_s);

/* Waits until the newest checkpoint asked for has reached `level`. */
int vigil_ckpt_wait(int level, double timeout_s);

/* Collective over MPI_COMM_WORLD: the newest step complete at some level
 * (its manifest there) whose shard verifies on every rank (size, regions,
 * checksum, as the manifest lists it), read back into the registered
 * regions, each rank from the fastest level that has it: level 1, then
 * the buddy copy (sent over MPI by a rank on the node holding it: a rank
 * on a replacement node gets its shard so), then level 2; *step is -1
 * when there is none (nothing is read). A level or step passed over is
 * said on stderr and reported to the agent. */
int vigil_ckpt_restore(long *step);

int vigil_ckpt_stats_get(vigil_ckpt_stats *out);

/* Why the last call failed, or "". */
const char *vigil_ckpt_error(void);

/* Waits for the flush under way (at most `timeout_s`), stops the threads,
 * frees the pool. */
int vigil_ckpt_finalize(double timeout_s);

#ifdef __cplusplus
}
#endif

#endif
