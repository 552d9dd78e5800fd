/*
 * Restore, collective over MPI_COMM_WORLD: every rank offers the newest
 * step whose shard of its own verifies, the ranks take the oldest of the
 * offers, and load it only if every rank's shard of that step verifies;
 * else they look below it. A rank never loads a step another rank lacks.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "vigil_ckpt_internal.h"

enum { STEPS_MAX = 4096, ROUNDS_MAX = 64 };

static int newest_first(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return (x < y) - (x > y);
}

/* The steps with a directory under `<dir>/<job>`, newest first; how many. */
static int steps_on_disk(const char *dir, const char *job, long *steps) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, job);
    DIR *d = opendir(path);
    if (!d) return 0;
    int n = 0;
    for (struct dirent *e; n < STEPS_MAX && (e = readdir(d));) {
        char *end;
        if (strncmp(e->d_name, "step-", 5) != 0) continue;
        long step = strtol(e->d_name + 5, &end, 10);
        if (*end == 0 && step >= 0) steps[n++] = step;
    }
    closedir(d);
    qsort(steps, (size_t)n, sizeof *steps, newest_first);
    return n;
}

static int shard_verifies(const vigil_shard_header *layout, const char *dir, long step, int say_why) {
    vigil_shard_header h = *layout;
    h.step = step;
    char path[4096], why[ERROR_MAX];
    if (vigil_shard_path(path, sizeof path, dir, h.job, step, (int)h.rank) != 0) return 0;
    if (vigil_shard_verify(path, &h, why, sizeof why) == 0) return 1;
    if (say_why) fprintf(stderr, "vigil: restore: rank %u passes over step %ld at level 1: %s\n", h.rank, step, why);
    return 0;
}

/* This rank's newest verifying step at or below `bound`, or -1. */
static long offer(const vigil_shard_header *layout, const char *dir, const long *steps, int n, long bound) {
    for (int i = 0; i < n; i++)
        if (steps[i] <= bound && shard_verifies(layout, dir, steps[i], 1)) return steps[i];
    return -1;
}

int vigil_ckpt_restore(long *step) {
    void *const *data;
    const char *dir;
    const vigil_shard_header *layout = vigil_ckpt_layout(&data, &dir);
    if (!layout || !step) return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", "not initialized");
    long *steps = malloc(sizeof(long) * STEPS_MAX);
    if (!steps) return vigil_ckpt_fail(VIGIL_CKPT_ENOMEM, "%s", "no memory to list the checkpoints");
    int n = steps_on_disk(dir, layout->job, steps);
    long bound = LONG_MAX, agreed = -1;
    for (int round = 0; round < ROUNDS_MAX; round++) {
        long mine = offer(layout, dir, steps, n, bound);
        PMPI_Allreduce(&mine, &agreed, 1, MPI_LONG, MPI_MIN, MPI_COMM_WORLD);
        if (agreed < 0) break;
        int here = mine == agreed || shard_verifies(layout, dir, agreed, 0), everywhere = 0;
        PMPI_Allreduce(&here, &everywhere, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
        if (everywhere) break;
        bound = agreed - 1;
        agreed = -1;
    }
    free(steps);
    *step = agreed;
    if (agreed < 0) return 0;
    vigil_shard_header h = *layout;
    h.step = agreed;
    char path[4096], why[ERROR_MAX];
    vigil_shard_path(path, sizeof path, dir, h.job, agreed, (int)h.rank);
    if (vigil_shard_read(path, &h, data, why, sizeof why) != 0) return vigil_ckpt_fail(VIGIL_CKPT_EIO, "%s", why);
    return 0;
}
