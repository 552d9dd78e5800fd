/*
 * Restore, collective over MPI_COMM_WORLD. A step counts at a level only
 * when its manifest is there (every rank's shard was durable at that level)
 * and this rank's shard verifies against it: its size and checksum as the
 * manifest lists it, its header as registered now, its bytes against its
 * trailer. The ranks try the newest step any of them has a manifest of; a step
 * some rank cannot get at any level is passed over for the one below, by
 * every rank. Each rank reads from the fastest level that has its shard:
 * level 1 (its node's directory); else the buddy copy, kept on another
 * node and sent over MPI by the lowest rank there (so a rank on a
 * replacement node, or one whose directory is gone, still gets it); else
 * level 2 (the shared directory). A rank never loads a step another lacks.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mpi.h>

#include "vigil_ckpt_internal.h"
#include "vigil_internal.h"
#include "vigil_manifest.h"

enum { STEPS_MAX = 4096, ROUNDS_MAX = 64, TAG = 0x7643, CHUNK = 8 << 20, NONE = INT_MAX };

/* Levels as the log says them, and as the agent and the server number them. */
static const char *const level_name[VIGIL_LEVELS] = {"level 1", "the buddy level", "level 2"};
static const int level_wire[VIGIL_LEVELS] = {1, 2, 3};

typedef struct levels {
    const vigil_shard_header *layout;
    const char *dir[VIGIL_LEVELS];  /* "" for a level not configured */
    MPI_Comm comm;                  /* a duplicate of MPI_COMM_WORLD: no message of the application's is taken */
    int world;
    int *holder, *need;             /* per rank: who holds its buddy copy; whether it needs one */
    uint64_t began_ns;              /* when the restore began: RESTORED says how long it took */
} levels;

/* Where this rank reads a step from. */
typedef struct source {
    int level;                      /* -1: nowhere */
    char path[4200];                /* the shard (for the buddy level, the copy received) */
    char root[4096];                /* the level's directory where it was, as reported */
    char why[VIGIL_LEVELS][ERROR_MAX];
} source;

static int newest_first(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return (x < y) - (x > y);
}

/* Adds the steps with a manifest under `<dir>/<job>` to `steps` (n so
 * far); the new count. A step saved but never committed (a save cut
 * short) has none: it is not worth a round. */
static int add_steps(const char *dir, const char *job, long *steps, int n) {
    char path[4096], manifest[4400];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, job);
    DIR *d = *dir ? opendir(path) : NULL;
    if (!d) return n;
    for (struct dirent *e; n < STEPS_MAX && (e = readdir(d));) {
        char *end;
        if (strncmp(e->d_name, "step-", 5) != 0) continue;
        long step = strtol(e->d_name + 5, &end, 10);
        snprintf(manifest, sizeof manifest, "%s/%.64s/" VIGIL_MANIFEST_NAME, path, e->d_name);
        if (*end == 0 && step >= 0 && stat(manifest, &st) == 0) steps[n++] = step;
    }
    closedir(d);
    return n;
}

/* Every step committed at any level here (the buddy directory's are other ranks'), newest first, once each. */
static int steps_on_disk(const levels *lv, long *steps) {
    int n = 0;
    for (int l = 0; l < VIGIL_LEVELS; l++) n = add_steps(lv->dir[l], lv->layout->job, steps, n);
    qsort(steps, (size_t)n, sizeof *steps, newest_first);
    int unique = 0;
    for (int i = 0; i < n; i++)
        if (unique == 0 || steps[unique - 1] != steps[i]) steps[unique++] = steps[i];
    return unique;
}

/* Whether `rank`'s shard of `step` at level `l` is on disk and listed by the manifest there (no data read). */
static int listed(const levels *lv, int l, long step, int rank, vigil_shard_sum *sum, char *why, size_t cap) {
    char path[4096];
    struct stat st;
    if (!*lv->dir[l]) return snprintf(why, cap, "no directory"), 0;
    if (vigil_shard_path(path, sizeof path, lv->dir[l], lv->layout->job, step, rank) != 0 || stat(path, &st) != 0)
        return snprintf(why, cap, "rank %d's shard of step %ld is not there", rank, step), 0;
    return vigil_manifest_entry(lv->dir[l], lv->layout->job, step, lv->layout->world, (uint32_t)rank, sum, why, cap) == 0;
}

/* Whether the shard at `path` is this rank's of `step` and the one `listed` names, whole. */
static int shard_matches(const levels *lv, const char *path, long step, vigil_shard_sum listed, char *why, size_t cap) {
    vigil_shard_header h = *lv->layout;
    h.step = step;
    vigil_shard_sum found;
    if (vigil_shard_verify(path, &h, &found, why, cap) != 0) return 0;
    if (found.bytes != listed.bytes || found.checksum != listed.checksum) {
        snprintf(why, cap, "rank %u's shard of step %ld is not the one its manifest lists (size or checksum)", h.rank, step);
        return 0;
    }
    return 1;
}

/* Level `l` (1 or 2) for this rank's shard of `step`, if it verifies there. */
static int take_own(const levels *lv, int l, long step, source *src) {
    vigil_shard_sum sum;
    int rank = (int)lv->layout->rank;
    if (!listed(lv, l, step, rank, &sum, src->why[l], sizeof src->why[l])) return 0;
    vigil_shard_path(src->path, sizeof src->path, lv->dir[l], lv->layout->job, step, rank);
    if (!shard_matches(lv, src->path, step, sum, src->why[l], sizeof src->why[l])) return 0;
    src->level = l;
    snprintf(src->root, sizeof src->root, "%s", lv->dir[l]);
    return 1;
}

/* For every rank, the lowest rank whose node's buddy directory holds its shard of `step` (NONE: no node). */
static void find_holders(levels *lv, long step) {
    vigil_shard_sum sum;
    char why[ERROR_MAX];
    for (int r = 0; r < lv->world; r++)
        lv->holder[r] = listed(lv, VIGIL_LEVEL_BUDDY, step, r, &sum, why, sizeof why) ? (int)lv->layout->rank : NONE;
    PMPI_Allreduce(MPI_IN_PLACE, lv->holder, lv->world, MPI_INT, MPI_MIN, lv->comm);
}

/* Buddy copies move in chunks through this buffer (restore is one thread's, and never sends and receives at once). */
static char chunk[CHUNK];

/* The holder's side: the listed size and checksum, its directory, then the file's bytes (zeros past a read error). */
static void send_copy(const levels *lv, long step, int rank) {
    uint64_t head[3] = {0, 0, 0};   /* bytes, checksum, readable */
    vigil_shard_sum sum;
    char why[ERROR_MAX], path[4096], root[4096];
    snprintf(root, sizeof root, "%s", lv->dir[VIGIL_LEVEL_BUDDY]);
    int fd = -1;
    if (listed(lv, VIGIL_LEVEL_BUDDY, step, rank, &sum, why, sizeof why) &&
        vigil_shard_path(path, sizeof path, root, lv->layout->job, step, rank) == 0 &&
        (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
        head[0] = sum.bytes;
        head[1] = sum.checksum;
        head[2] = 1;
    }
    PMPI_Send(head, 3, MPI_UINT64_T, rank, TAG, lv->comm);
    PMPI_Send(root, sizeof root, MPI_CHAR, rank, TAG, lv->comm);
    for (uint64_t left = head[0]; left > 0;) {
        size_t n = left < CHUNK ? (size_t)left : CHUNK, got = 0;
        for (ssize_t r; got < n && (r = read(fd, chunk + got, n - got)) > 0;) got += (size_t)r;
        memset(chunk + got, 0, n - got);
        PMPI_Send(chunk, (int)n, MPI_BYTE, rank, TAG, lv->comm);
        left -= n;
    }
    if (fd >= 0) close(fd);
}

/* The receiving side: the copy kept as a hidden file under this rank's
 * level-1 job directory (recreated if gone), then verified like any shard. */
static int receive_copy(const levels *lv, long step, int holder, source *src) {
    uint64_t head[3];
    char root[4096], *why = src->why[VIGIL_LEVEL_BUDDY];
    size_t cap = sizeof src->why[VIGIL_LEVEL_BUDDY];
    PMPI_Recv(head, 3, MPI_UINT64_T, holder, TAG, lv->comm, MPI_STATUS_IGNORE);
    PMPI_Recv(root, sizeof root, MPI_CHAR, holder, TAG, lv->comm, MPI_STATUS_IGNORE);
    root[sizeof root - 1] = 0;
    if (!head[2]) return snprintf(why, cap, "rank %d could not read the buddy copy", holder), 0;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", lv->dir[VIGIL_LEVEL_LOCAL], lv->layout->job);
    snprintf(src->path, sizeof src->path, "%s/.buddy-rank-%06u.shard", dir, lv->layout->rank);
    int fd = vigil_shard_mkdirs(dir) == 0 ? open(src->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
    int ok = fd >= 0;
    for (uint64_t left = head[0]; left > 0;) {
        size_t n = left < CHUNK ? (size_t)left : CHUNK;
        PMPI_Recv(chunk, (int)n, MPI_BYTE, holder, TAG, lv->comm, MPI_STATUS_IGNORE);
        for (size_t put = 0; ok && put < n;) {
            ssize_t r = write(fd, chunk + put, n - put);
            ok = r > 0;
            put += r > 0 ? (size_t)r : 0;
        }
        left -= n;
    }
    if (fd >= 0) close(fd);
    vigil_shard_sum listed = {head[0], head[1]};
    if (!ok) snprintf(why, cap, "cannot keep the buddy copy in %.400s", dir);
    if (ok && (ok = shard_matches(lv, src->path, step, listed, why, cap))) {
        src->level = VIGIL_LEVEL_BUDDY;
        snprintf(src->root, sizeof src->root, "%s", root);
    }
    if (!ok) unlink(src->path);
    return ok;
}

/* Buddy copies for the ranks that need one, each from its holder, in rank
 * order: every pair acts in the same order, so no two ranks wait on each other. */
static void fetch(levels *lv, long step, source *src) {
    int me = (int)lv->layout->rank;
    for (int r = 0; r < lv->world; r++) {
        if (!lv->need[r] || lv->holder[r] == NONE) continue;
        if (r == me && lv->holder[r] == me) take_own(lv, VIGIL_LEVEL_BUDDY, step, src);   /* its node keeps its own */
        else if (lv->holder[r] == me) send_copy(lv, step, r);
        else if (r == me) receive_copy(lv, step, lv->holder[r], src);
    }
    if (lv->need[me] && lv->holder[me] == NONE && *lv->dir[VIGIL_LEVEL_BUDDY])
        snprintf(src->why[VIGIL_LEVEL_BUDDY], sizeof src->why[0], "no node holds a buddy copy of rank %d's shard", me);
}

static int any(const int *flags, int n) {
    for (int i = 0; i < n; i++)
        if (flags[i]) return 1;
    return 0;
}

static void say(const char *verb, const levels *lv, int wire, const char *root, long step, const char *why) {
    char line[ERROR_MAX + 4400];
    uint64_t took = vigil_monotonic_ns() - lv->began_ns;
    snprintf(line, sizeof line, "%s step=%ld world=%u level=%d restore_ns=%llu job=%s root=%s%s%s\n", verb, step,
             lv->layout->world, wire, (unsigned long long)took, lv->layout->job, *root ? root : "/", why ? " why=" : "",
             why ? why : "");
    vigil_agent_say(line);
}

/* Each faster level passed over (or every level, when none had it), said on stderr and to the agent. */
static void say_passed_over(const levels *lv, long step, const source *src) {
    int until = src->level >= 0 ? src->level : VIGIL_LEVELS;
    for (int l = 0; l < until; l++) {
        if (!*lv->dir[l]) continue;
        if (src->level >= 0)
            fprintf(stderr, "vigil: restore: rank %u reads step %ld from %s, not %s: %s\n", lv->layout->rank, step,
                    level_name[src->level], level_name[l], src->why[l]);
        else
            fprintf(stderr, "vigil: restore: rank %u passes over step %ld at %s: %s\n", lv->layout->rank, step,
                    level_name[l], src->why[l]);
        say("REJECTED", lv, level_wire[l], lv->dir[l], step, src->why[l]);
    }
}

/* Whether every rank can restore `step`, and where this rank reads it
 * from. First without reading any data (every shard listed somewhere),
 * then each shard verified, the fastest level first. */
static int try_step(levels *lv, long step, source *src) {
    int me = (int)lv->layout->rank, found = 0, all = 0, holders = 0;
    vigil_shard_sum sum;
    memset(src, 0, sizeof *src);
    src->level = -1;
    int own = listed(lv, VIGIL_LEVEL_LOCAL, step, me, &sum, src->why[0], ERROR_MAX) ||
              listed(lv, VIGIL_LEVEL_SHARED, step, me, &sum, src->why[0], ERROR_MAX);
    int lacking = !own;
    PMPI_Allreduce(&lacking, &found, 1, MPI_INT, MPI_LOR, lv->comm);
    if (found) find_holders(lv, step), holders = 1;
    int possible = own || (holders && lv->holder[me] != NONE);
    PMPI_Allreduce(&possible, &all, 1, MPI_INT, MPI_LAND, lv->comm);
    if (!all) return 0;
    take_own(lv, VIGIL_LEVEL_LOCAL, step, src);
    memset(lv->need, 0, sizeof(int) * (size_t)lv->world);
    lv->need[me] = src->level < 0;
    PMPI_Allreduce(MPI_IN_PLACE, lv->need, lv->world, MPI_INT, MPI_MAX, lv->comm);
    if (any(lv->need, lv->world)) {
        if (!holders) find_holders(lv, step);
        fetch(lv, step, src);
    }
    if (src->level < 0) take_own(lv, VIGIL_LEVEL_SHARED, step, src);
    say_passed_over(lv, step, src);
    int here = src->level >= 0;
    PMPI_Allreduce(&here, &all, 1, MPI_INT, MPI_LAND, lv->comm);
    if (!all && src->level == VIGIL_LEVEL_BUDDY) unlink(src->path);
    return all;
}

/* The newest step every rank can restore (and this rank's source), or -1. */
static long agree(levels *lv, const long *steps, int n, source *src) {
    long bound = LONG_MAX;
    for (int round = 0; round < ROUNDS_MAX; round++) {
        int i = 0;
        while (i < n && steps[i] > bound) i++;
        long newest = i < n ? steps[i] : -1, candidate = -1;
        PMPI_Allreduce(&newest, &candidate, 1, MPI_LONG, MPI_MAX, lv->comm);
        if (candidate < 0) return -1;
        if (try_step(lv, candidate, src)) return candidate;
        bound = candidate - 1;
    }
    return -1;
}

int vigil_ckpt_restore(long *step) {
    void *const *data;
    levels lv = {.began_ns = vigil_monotonic_ns()};
    lv.layout = vigil_ckpt_layout(&data, lv.dir);
    if (!lv.layout || !step) return vigil_ckpt_fail(VIGIL_CKPT_EINVAL, "%s", "not initialized");
    lv.world = (int)lv.layout->world;
    long *steps = malloc(sizeof(long) * STEPS_MAX);
    source *src = malloc(sizeof *src);
    lv.holder = malloc(sizeof(int) * (size_t)lv.world);
    lv.need = malloc(sizeof(int) * (size_t)lv.world);
    int ready = steps && src && lv.holder && lv.need, everywhere = 0;
    PMPI_Allreduce(&ready, &everywhere, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    long agreed = -1;
    if (everywhere) {
        PMPI_Comm_dup(MPI_COMM_WORLD, &lv.comm);
        agreed = agree(&lv, steps, steps_on_disk(&lv, steps), src);
        PMPI_Comm_free(&lv.comm);
    }
    int r = everywhere ? 0 : vigil_ckpt_fail(VIGIL_CKPT_ENOMEM, "%s", "no memory to list the checkpoints");
    *step = everywhere ? agreed : -1;
    if (agreed >= 0) {
        vigil_shard_header h = *lv.layout;
        h.step = agreed;
        char why[ERROR_MAX];
        r = vigil_shard_read(src->path, &h, data, why, sizeof why) == 0 ? 0 : vigil_ckpt_fail(VIGIL_CKPT_EIO, "%s", why);
        if (src->level == VIGIL_LEVEL_BUDDY) unlink(src->path);
        if (r == 0) say("RESTORED", &lv, level_wire[src->level], src->root, agreed, NULL);
    }
    free(steps);
    free(src);
    free(lv.holder);
    free(lv.need);
    return r;
}
