/*
 * The steps this rank made durable at level 1 that no manifest has made
 * complete yet. Commits come from the agents and the server; a rank whose
 * commits never come (its agent cut off from the server) would otherwise
 * fill its disks with shards nothing will ever restore. So a save is
 * refused (VIGIL_CKPT_EBUSY) once commits have stalled — the oldest
 * uncommitted shard waiting longer than the stall limit (10 s, or
 * $VIGIL_CKPT_COMMIT_STALL_S) — or VIGIL_UNCOMMITTED_MAX shards wait:
 * back-pressure, never removal (a commit that is only late, say replayed
 * from the agent's spool once the server is back, still finds its shards).
 * A step older than a committed one will never complete (a rank failed
 * it): it no longer counts.
 */
#ifndef VIGIL_UNCOMMITTED_H
#define VIGIL_UNCOMMITTED_H

#include <stdint.h>

#define VIGIL_UNCOMMITTED_MAX 16
#define VIGIL_UNCOMMITTED_STALL_S 10.0

typedef struct vigil_uncommitted {
    long step[VIGIL_UNCOMMITTED_MAX + 2];   /* oldest first; room for the saves under way */
    uint64_t durable_ns[VIGIL_UNCOMMITTED_MAX + 2];
    int count;
} vigil_uncommitted;

/* Notes `step`, durable at level 1 at `now_ns` (CLOCK_MONOTONIC). */
void vigil_uncommitted_note(vigil_uncommitted *u, long step, uint64_t now_ns);

/* Forgets every step at or below the newest committed one (its manifest
 * under `dir`); whether a save must wait for commits: `in_flight` saves
 * under way count with the shards waiting, against the stall limit `stall_ns`. */
int vigil_uncommitted_full(vigil_uncommitted *u, const char *dir, const char *job, int in_flight, uint64_t now_ns,
                           uint64_t stall_ns);

#endif
