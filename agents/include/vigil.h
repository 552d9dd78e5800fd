/*
 * vigil.h: the checkpoint client of libvigil (docs/checkpoints.md).
 *
 * A rank registers the regions of its training state once, then asks for a
 * checkpoint at a step. The call returns at once: a background thread
 * copies the regions into a bounded host staging pool while the rank goes
 * on with its forward and backward passes (which read the state but do not
 * change it), and a second thread streams the staged bytes to the
 * node-local directory (level 1) as one shard file, checksummed while it is
 * written, fsync'd and renamed into place. Before the rank changes its
 * state (the optimizer step) it calls vigil_ckpt_before_update(), which
 * waits only until this rank's copy is done.
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
};

/* How far a checkpoint of this rank has come. */
enum vigil_ckpt_level {
    VIGIL_CKPT_STAGED = 0,  /* copied into the staging pool: the state may change */
    VIGIL_CKPT_LOCAL = 1,   /* this rank's shard durable in the node-local directory */
};

typedef struct vigil_ckpt_options {
    const char *job;            /* names the job's directory; NULL: $VIGIL_JOB_ID, else "job" */
    const char *local_dir;      /* level 1; NULL: $VIGIL_CKPT_LOCAL */
    size_t staging_bytes;       /* the pool's bound; 0: 256 MiB */
} vigil_ckpt_options;

/* What this rank's checkpoints cost and moved, since vigil_ckpt_init. */
typedef struct vigil_ckpt_stats {
    uint64_t saves, failures;
    uint64_t blocked_ns;        /* training time spent waiting in save and before_update */
    uint64_t staged_bytes, flushed_bytes;
    uint64_t flush_ns;          /* time the flusher spent writing and syncing */
    uint64_t checksum_ns;       /* of which, checksumming */
    uint64_t staging_high_water;  /* pool bytes in use at most: never above the bound */
    long last_local_step;       /* the newest step durable at level 1, -1 for none */
} vigil_ckpt_stats;

/* After MPI_Init: the rank and world size are MPI_COMM_WORLD's. */
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

/* Collective over MPI_COMM_WORLD: the newest step whose shard verifies
 * (size, regions, checksum) at level 1 on every rank, read back into the
 * registered regions; *step is -1 when there is none (nothing is read). */
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
