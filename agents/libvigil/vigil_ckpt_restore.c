/*
 * Restore, collective over MPI_COMM_WORLD. A step counts at a level only
 * when its manifest is there (every rank's shard was durable at that level)
 * and this rank's shard verifies against it: its size and checksum as the
 * manifest lists them, its header as registered now, its bytes against its
 * trailer. Each rank offers the newest step it has at some level, the ranks
 * take the oldest of the offers, and load it only if every rank has it;
 * else they look below it. Each rank reads from the fastest level that has
 * its shard (level 1, then level 2: a rank on a replacement node finds
 * nothing locally). A rank never loads a step another rank lacks.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "vigil_ckpt_internal.h"
#include "vigil_internal.h"
#include "vigil_manifest.h"

enum { STEPS_MAX = 4096, ROUNDS_MAX = 64, LEVELS = 2 };

/* Levels as the docs name them, and as the agent and the server number them. */
static const int level_name[LEVELS] = {1, 2}, level_wire[LEVELS] = {1, 3};

typedef struct levels {
    const vigil_shard_header *layout;
    const char *dir[LEVELS];      /* "" for a level not configured */
} levels;

static int newest_first(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return (x < y) - (x > y);
}

/* Adds the steps with a directory under `<dir>/<job>` to `steps` (n so far); the new count. */
static int add_steps(const char *dir, const char *job, long *steps, int n) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, job);
    DIR *d = *dir ? opendir(path) : NULL;
    if (!d) return n;
    for (struct dirent *e; n < STEPS_MAX && (e = readdir(d));) {
        char *end;
        if (strncmp(e->d_name, "step-", 5) != 0) continue;
        long step = strtol(e->d_name + 5, &end, 10);
        if (*end == 0 && step >= 0) steps[n++] = step;
    }
    closedir(d);
    return n;
}

/* Every step on disk at any level, newest first, once each. */
static int steps_on_disk(const levels *lv, long *steps) {
    int n = 0;
    for (int l = 0; l < LEVELS; l++) n = add_steps(lv->dir[l], lv->layout->job, steps, n);
    qsort(steps, (size_t)n, sizeof *steps, newest_first);
    int unique = 0;
    for (int i = 0; i < n; i++)
        if (unique == 0 || steps[unique - 1] != steps[i]) steps[unique++] = steps[i];
    return unique;
}

/* Whether this rank's shard of `step` at level `l` is the one its manifest lists, whole. */
static int shard_ok(const levels *lv, int l, long step, char *why, size_t cap) {
    vigil_shard_header h = *lv->layout;
    h.step = step;
    vigil_shard_sum listed, found;
    char path[4096];
    if (vigil_manifest_entry(lv->dir[l], h.job, step, h.world, h.rank, &listed, why, cap) != 0) return 0;
    if (vigil_shard_path(path, sizeof path, lv->dir[l], h.job, step, (int)h.rank) != 0) return snprintf(why, cap, "path too long"), 0;
    if (vigil_shard_verify(path, &h, &found, why, cap) != 0) return 0;
    if (found.bytes != listed.bytes || found.checksum != listed.checksum) {
        snprintf(why, cap, "rank %u's shard of step %ld is not the one its manifest lists (size or checksum)", h.rank, step);
        return 0;
    }
    return 1;
}

static void say(const char *verb, const levels *lv, int l, long step, const char *why) {
    char line[ERROR_MAX + 4400];
    snprintf(line, sizeof line, "%s step=%ld world=%u level=%d job=%s root=%s%s%s\n", verb, step, lv->layout->world,
             level_wire[l], lv->layout->job, lv->dir[l], why ? " why=" : "", why ? why : "");
    vigil_agent_say(line);
}

/* The fastest level holding this rank's shard of `step`, or -1. A faster
 * level passed over for a slower one is said (stderr, and the agent). */
static int level_of(const levels *lv, long step, int say_why) {
    char why[LEVELS][ERROR_MAX];
    for (int l = 0; l < LEVELS; l++) {
        if (!*lv->dir[l]) {
            snprintf(why[l], sizeof why[l], "no directory");
            continue;
        }
        if (!shard_ok(lv, l, step, why[l], sizeof why[l])) continue;
        for (int earlier = 0; say_why && earlier < l; earlier++) {
            if (!*lv->dir[earlier]) continue;
            fprintf(stderr, "vigil: restore: rank %u reads step %ld from level %d, not level %d: %s\n", lv->layout->rank,
                    step, level_name[l], level_name[earlier], why[earlier]);
            say("REJECTED", lv, earlier, step, why[earlier]);
        }
        return l;
    }
    if (say_why) {
        for (int l = 0; l < LEVELS; l++) {
            if (!*lv->dir[l]) continue;
            fprintf(stderr, "vigil: restore: rank %u passes over step %ld at level %d: %s\n", lv->layout->rank, step,
                    level_name[l], why[l]);
            say("REJECTED", lv, l, step, why[l]);
        }
    }
    return -1;
}

/* This rank's newest step at or below `bound` that it has at some level
 * (and that level in *level), or -1. */
static long offer(const levels *lv, const long *steps, int n, long bound, int *level) {
    for (int i = 0; i < n; i++)
        if (steps[i] <= bound && (*level = level_of(lv, steps[i], 1)) >= 0) return steps[i];
    return -1;
}

/* The step every rank has, newest first, and the level this rank reads it
 * from (each shard verified once here, then read); -1 for none. */
static long agree(const levels *lv, const long *steps, int n, int *level) {
    long bound = LONG_MAX;
    for (int round = 0; round < ROUNDS_MAX; round++) {
        long mine = offer(lv, steps, n, bound, level), agreed = -1;
        PMPI_Allreduce(&mine, &agreed, 1, MPI_LONG, MPI_MIN, MPI_COMM_WORLD);
        if (agreed < 0) return -1;
        if (mine != agreed) *level = level_of(lv, agreed, 0);
        int here = *level >= 0, everywhere = 0;
        PMPI_Allreduce(&here, &everywhere, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
        if (everywhere) return agreed;
        bound = agreed - 1;
    }
    return -1;
}

int vigil_ckpt_restore(long *step) {
    void *const *data;
    levels lv;
    lv.layout = vigil_ckpt_layout(&data, &lv.dir[0], &lv.dir[1]);
    if (!lv.layout || !step) return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", "not initialized");
    long *steps = malloc(sizeof(long) * STEPS_MAX);
    if (!steps) return vigil_ckpt_fail(VIGIL_CKPT_ENOMEM, "%s", "no memory to list the checkpoints");
    int l = -1;
    long agreed = agree(&lv, steps, steps_on_disk(&lv, steps), &l);
    free(steps);
    *step = agreed;
    if (agreed < 0) return 0;
    vigil_shard_header h = *lv.layout;
    h.step = agreed;
    char path[4096], why[ERROR_MAX];
    vigil_shard_path(path, sizeof path, lv.dir[l], h.job, agreed, (int)h.rank);
    if (vigil_shard_read(path, &h, data, why, sizeof why) != 0) return vigil_ckpt_fail(VIGIL_CKPT_EIO, "%s", why);
    say("RESTORED", &lv, l, agreed, NULL);
    return 0;
}
