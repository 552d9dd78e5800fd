/* This rank's uncommitted level-1 shards, bounded (vigil_uncommitted.h). */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil_shard.h"
#include "vigil_uncommitted.h"

static int committed(const char *dir, const char *job, long step) {
    char path[4200];
    if (vigil_shard_step_dir(path, sizeof path - 16, dir, job, step) != 0) return 0;
    strcat(path, "/" VIGIL_MANIFEST_NAME);
    struct stat st;
    return stat(path, &st) == 0;
}

long vigil_uncommitted_note(vigil_uncommitted *u, const char *dir, const char *job, long step) {
    int kept = 0;
    for (int i = 0; i < u->count; i++)
        if (!committed(dir, job, u->step[i])) u->step[kept++] = u->step[i];
    u->count = kept;
    long evicted = -1;
    if (u->count == VIGIL_UNCOMMITTED_MAX) {
        evicted = u->step[0];
        memmove(u->step, u->step + 1, sizeof u->step[0] * (VIGIL_UNCOMMITTED_MAX - 1));
        u->count--;
    }
    u->step[u->count++] = step;
    return evicted;
}

void vigil_uncommitted_remove(const char *dir, const char *job, long step, int rank) {
    char path[4200];
    if (vigil_shard_path(path, sizeof path, dir, job, step, rank) == 0) unlink(path);
    if (vigil_shard_step_dir(path, sizeof path, dir, job, step) == 0) rmdir(path);   /* fails while others' shards are there */
}
