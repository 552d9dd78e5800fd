/* This rank's uncommitted level-1 shards, counted (vigil_uncommitted.h). */
#include <string.h>
#include <sys/stat.h>

#include "vigil_shard.h"
#include "vigil_uncommitted.h"

enum { CAPACITY = VIGIL_UNCOMMITTED_MAX + 2 };

static int committed(const char *dir, const char *job, long step) {
    char path[4200];
    if (vigil_shard_step_dir(path, sizeof path - 16, dir, job, step) != 0) return 0;
    strcat(path, "/" VIGIL_MANIFEST_NAME);
    struct stat st;
    return stat(path, &st) == 0;
}

static void drop_first(vigil_uncommitted *u, int n) {
    u->count -= n;
    memmove(u->step, u->step + n, sizeof u->step[0] * (size_t)u->count);
    memmove(u->durable_ns, u->durable_ns + n, sizeof u->durable_ns[0] * (size_t)u->count);
}

void vigil_uncommitted_note(vigil_uncommitted *u, long step, uint64_t now_ns) {
    if (u->count == CAPACITY) drop_first(u, 1);   /* more under way than refusals allow: keep the newest */
    u->step[u->count] = step;
    u->durable_ns[u->count++] = now_ns;
}

int vigil_uncommitted_full(vigil_uncommitted *u, const char *dir, const char *job, int in_flight, uint64_t now_ns,
                           uint64_t stall_ns) {
    for (int i = u->count - 1; i >= 0; i--) {
        if (committed(dir, job, u->step[i])) {
            drop_first(u, i + 1);
            break;
        }
    }
    int stalled = u->count > 0 && now_ns - u->durable_ns[0] > stall_ns;
    return stalled || u->count + in_flight >= VIGIL_UNCOMMITTED_MAX;
}
