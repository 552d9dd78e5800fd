/*
 * One rank's shard of one checkpoint, as a file (docs/checkpoints.md):
 *
 *   header   "VGSHARD1", u32 version, u32 header bytes, i64 step,
 *            u32 rank, u32 world size, u32 regions, u32 job bytes, job,
 *            then per region: u32 name bytes, name, u64 bytes
 *   data     every region's bytes, in the order of the header
 *   trailer  "VGSHEND1", u64 bytes before the trailer, u64 XXH3-64 of them
 *
 * Little-endian. Written under a temporary name, fsync'd, renamed, and the
 * directory fsync'd: a shard under its final name is whole. The trailer
 * lets a shard be verified alone; a manifest repeats its size and checksum.
 */
#ifndef VIGIL_SHARD_H
#define VIGIL_SHARD_H

#include <stddef.h>
#include <stdint.h>
#include <xxhash.h>

#define VIGIL_SHARD_NAME_MAX 64
#define VIGIL_SHARD_JOB_MAX 64
#define VIGIL_SHARD_REGIONS_MAX 256
#define VIGIL_SHARD_TRAILER_BYTES 24
#define VIGIL_MANIFEST_NAME "MANIFEST"

typedef struct vigil_shard_region {
    char name[VIGIL_SHARD_NAME_MAX];
    uint64_t bytes;
} vigil_shard_region;

typedef struct vigil_shard_header {
    int64_t step;
    uint32_t rank, world;
    char job[VIGIL_SHARD_JOB_MAX];
    uint32_t regions;
    vigil_shard_region region[VIGIL_SHARD_REGIONS_MAX];
} vigil_shard_header;

/* A shard being written. Its checksum is the caller's, kept as the bytes
 * are staged (vigil_shard_hash_start, then XXH3 over the data): the
 * writer only writes. */
typedef struct vigil_shard_writer {
    int fd, dir_fd;
    uint64_t written;
    uint64_t started, settled;   /* writeback started up to, and done up to */
    uint64_t digest;             /* the trailer's checksum, once committed */
    char tmp[4096], path[4096];
} vigil_shard_writer;

/* A shard file's size and its trailer's checksum: what a manifest lists. */
typedef struct vigil_shard_sum {
    uint64_t bytes, checksum;
} vigil_shard_sum;

/* `<dir>/<job>/step-<step>/` and the shard's path in it. */
int vigil_shard_path(char *out, size_t cap, const char *dir, const char *job, long step, int rank);
int vigil_shard_step_dir(char *out, size_t cap, const char *dir, const char *job, long step);

/* Creates `path` and its parents (0, or -1 with errno set); `path` is restored on return. */
int vigil_shard_mkdirs(char *path);

/* 0, or -errno with `why` filled. */
int vigil_shard_open(vigil_shard_writer *w, const char *dir, const vigil_shard_header *h, char *why, size_t cap);
int vigil_shard_write(vigil_shard_writer *w, const void *data, size_t n, char *why, size_t cap);
/* `digest`: XXH3-64 of the header and every data byte written, in order. */
int vigil_shard_commit(vigil_shard_writer *w, uint64_t digest, char *why, size_t cap);

/* Starts the checksum of the shard `h` describes: reset, then its header. */
void vigil_shard_hash_start(XXH3_state_t *hash, const vigil_shard_header *h);
void vigil_shard_abandon(vigil_shard_writer *w);

/* Whether the shard at `path` is the one `expect` describes (step, rank,
 * world, regions and their sizes) and its bytes match its trailer: 0 (with
 * `sum` filled when given), or -1 with `why` filled. */
int vigil_shard_verify(const char *path, const vigil_shard_header *expect, vigil_shard_sum *sum, char *why, size_t cap);

/* Reads a shard's regions into `into` (one pointer per region), checking
 * it as it goes. Restore verifies first: a shard failing here has already
 * overwritten some of `into`. */
int vigil_shard_read(const char *path, const vigil_shard_header *expect, void *const *into, char *why, size_t cap);

#endif
