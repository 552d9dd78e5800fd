/*
 * The steps this rank made durable at level 1 that no manifest has made
 * complete yet. Commits come from the agents and the server within moments;
 * a rank whose commits never come (its agent cut off from the server) would
 * otherwise fill its disk with shards nothing will ever restore. So a rank
 * keeps at most VIGIL_UNCOMMITTED_MAX of them: making a newer shard durable
 * removes the oldest uncommitted one. Ranks save in lockstep and a rank's
 * flush lags its saves by at most the staging pool, so a step still on its
 * way to commit is never that far behind.
 */
#ifndef VIGIL_UNCOMMITTED_H
#define VIGIL_UNCOMMITTED_H

#define VIGIL_UNCOMMITTED_MAX 4

typedef struct vigil_uncommitted {
    long step[VIGIL_UNCOMMITTED_MAX];   /* oldest first */
    int count;
} vigil_uncommitted;

/* Forgets the steps committed since (their manifest is under `dir`), then
 * notes `step`: returns the step that no longer fits, whose shard the
 * caller removes, or -1. */
long vigil_uncommitted_note(vigil_uncommitted *u, const char *dir, const char *job, long step);

/* Removes this rank's shard of `step` under `dir`, and the step's directory once empty. */
void vigil_uncommitted_remove(const char *dir, const char *job, long step, int rank);

#endif
