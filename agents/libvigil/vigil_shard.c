/* Shard files: written whole or not at all, verified before they are read. */
#define _GNU_SOURCE   /* sync_file_range */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vigil_shard.h"

static const char header_magic[8] = {'V', 'G', 'S', 'H', 'A', 'R', 'D', '1'};
static const char trailer_magic[8] = {'V', 'G', 'S', 'H', 'E', 'N', 'D', '1'};
enum { SHARD_VERSION = 1, IO_CHUNK = 1 << 20, STREAM_BYTES = 8 << 20 };


static int fail(char *why, size_t cap, int err, const char *what, const char *path) {
    snprintf(why, cap, "%s %s: %s", what, path, strerror(err));
    return -err;
}

int vigil_shard_step_dir(char *out, size_t cap, const char *dir, const char *job, long step) {
    int n = snprintf(out, cap, "%s/%s/step-%012ld", dir, job, step);
    return n > 0 && (size_t)n < cap ? 0 : -ENAMETOOLONG;
}

int vigil_shard_path(char *out, size_t cap, const char *dir, const char *job, long step, int rank) {
    int n = snprintf(out, cap, "%s/%s/step-%012ld/rank-%06d.shard", dir, job, step, rank);
    return n > 0 && (size_t)n < cap ? 0 : -ENAMETOOLONG;
}

int vigil_shard_mkdirs(char *path) {
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        int r = mkdir(path, 0755);
        *p = '/';
        if (r != 0 && errno != EEXIST) return -1;
    }
    return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

enum { HEADER_CAP = 8 + 4 * 6 + 8 + VIGIL_SHARD_JOB_MAX + VIGIL_SHARD_REGIONS_MAX * (4 + VIGIL_SHARD_NAME_MAX + 8) };

/* The header's bytes, in `out` (HEADER_CAP); its length. */
static size_t encode_header(const vigil_shard_header *h, unsigned char *out) {
    size_t n = 0;
#define PUT(v) do { __typeof__(v) x_ = (v); memcpy(out + n, &x_, sizeof x_); n += sizeof x_; } while (0)
    memcpy(out, header_magic, 8);
    n = 8;
    PUT((uint32_t)SHARD_VERSION);
    size_t length_at = n;
    PUT((uint32_t)0);
    PUT((int64_t)h->step);
    PUT(h->rank);
    PUT(h->world);
    PUT(h->regions);
    uint32_t job = (uint32_t)strnlen(h->job, VIGIL_SHARD_JOB_MAX);
    PUT(job);
    memcpy(out + n, h->job, job);
    n += job;
    for (uint32_t i = 0; i < h->regions; i++) {
        uint32_t name = (uint32_t)strnlen(h->region[i].name, VIGIL_SHARD_NAME_MAX);
        PUT(name);
        memcpy(out + n, h->region[i].name, name);
        n += name;
        PUT(h->region[i].bytes);
    }
    uint32_t total = (uint32_t)n;
    memcpy(out + length_at, &total, sizeof total);
#undef PUT
    return n;
}

int vigil_shard_open(vigil_shard_writer *w, const char *dir, const vigil_shard_header *h, char *why, size_t cap) {
    memset(w, 0, sizeof *w);
    w->fd = w->dir_fd = -1;
    char step_dir[4096];
    if (vigil_shard_step_dir(step_dir, sizeof step_dir, dir, h->job, h->step) != 0 ||
        vigil_shard_path(w->path, sizeof w->path, dir, h->job, h->step, (int)h->rank) != 0)
        return fail(why, cap, ENAMETOOLONG, "shard path under", dir);
    int n = snprintf(w->tmp, sizeof w->tmp, "%.4000s/.rank-%06u.shard.tmp", step_dir, h->rank);
    if (n < 0 || (size_t)n >= sizeof w->tmp) return fail(why, cap, ENAMETOOLONG, "shard path under", dir);
    if (vigil_shard_mkdirs(step_dir) != 0) return fail(why, cap, errno, "cannot create", step_dir);
    /* A step saved again: its old manifest lists the old shards, and goes first. */
    char manifest[4200];
    snprintf(manifest, sizeof manifest, "%s/" VIGIL_MANIFEST_NAME, step_dir);
    if (unlink(manifest) != 0 && errno != ENOENT) return fail(why, cap, errno, "cannot remove", manifest);
    w->dir_fd = open(step_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->dir_fd < 0 || w->fd < 0) {
        int err = errno;
        vigil_shard_abandon(w);
        return fail(why, cap, err, "cannot open", w->tmp);
    }
    unsigned char header[HEADER_CAP];
    return vigil_shard_write(w, header, encode_header(h, header), why, cap);
}

/* Every byte of `data` to the shard, counted in `written`. */
static int write_all(vigil_shard_writer *w, const void *data, size_t n, char *why, size_t cap) {
    const char *p = data;
    while (n > 0) {
        ssize_t put = write(w->fd, p, n);
        if (put < 0 && errno == EINTR) continue;
        if (put <= 0) return fail(why, cap, put < 0 ? errno : EIO, "cannot write", w->tmp);
        p += put;
        n -= (size_t)put;
        w->written += (uint64_t)put;
    }
    return 0;
}

/* Writeback as the shard grows: start the new bytes' writeback, wait for
 * the batch before and drop it from the page cache. The flush streams at
 * the disk's pace instead of filling the page cache and paying for it all
 * in the final fsync (or in the dirty-page throttling of everyone else). */
static void stream_out(vigil_shard_writer *w) {
    if (w->written - w->started < STREAM_BYTES) return;
    sync_file_range(w->fd, (off_t)w->started, (off_t)(w->written - w->started), SYNC_FILE_RANGE_WRITE);
    if (w->started > w->settled) {
        sync_file_range(w->fd, (off_t)w->settled, (off_t)(w->started - w->settled),
                        SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
        posix_fadvise(w->fd, (off_t)w->settled, (off_t)(w->started - w->settled), POSIX_FADV_DONTNEED);
        w->settled = w->started;
    }
    w->started = w->written;
}

void vigil_shard_hash_start(XXH3_state_t *hash, const vigil_shard_header *h) {
    unsigned char header[HEADER_CAP];
    XXH3_64bits_reset(hash);
    XXH3_64bits_update(hash, header, encode_header(h, header));
}

int vigil_shard_write(vigil_shard_writer *w, const void *data, size_t n, char *why, size_t cap) {
    int r = write_all(w, data, n, why, cap);
    if (r == 0) stream_out(w);
    return r;
}

int vigil_shard_commit(vigil_shard_writer *w, uint64_t digest, char *why, size_t cap) {
    unsigned char trailer[VIGIL_SHARD_TRAILER_BYTES];
    uint64_t length = w->written;
    w->digest = digest;
    memcpy(trailer, trailer_magic, 8);
    memcpy(trailer + 8, &length, 8);
    memcpy(trailer + 16, &digest, 8);
    int r = write_all(w, trailer, sizeof trailer, why, cap);
    if (r != 0) return r;
    if (fsync(w->fd) != 0) return fail(why, cap, errno, "cannot fsync", w->tmp);
    if (close(w->fd) != 0) {
        w->fd = -1;
        return fail(why, cap, errno, "cannot close", w->tmp);
    }
    w->fd = -1;
    if (rename(w->tmp, w->path) != 0) return fail(why, cap, errno, "cannot rename", w->tmp);
    if (fsync(w->dir_fd) != 0) return fail(why, cap, errno, "cannot fsync the directory of", w->path);
    close(w->dir_fd);
    w->dir_fd = -1;
    return 0;
}

void vigil_shard_abandon(vigil_shard_writer *w) {
    if (w->fd >= 0) close(w->fd);
    if (w->tmp[0]) unlink(w->tmp);
    if (w->dir_fd >= 0) close(w->dir_fd);
    w->fd = w->dir_fd = -1;
}

/* Reads the shard's header and trailer and checks them against `expect`;
 * leaves `fd` at the first data byte. Returns the data's bytes, or -1. */
static long long check_frame(int fd, const char *path, const vigil_shard_header *expect, uint64_t *digest,
                             XXH3_state_t *hash, char *why, size_t cap) {
    struct stat st;
    unsigned char want[HEADER_CAP], got[HEADER_CAP], trailer[VIGIL_SHARD_TRAILER_BYTES];
    size_t n = encode_header(expect, want);
    if (fstat(fd, &st) != 0) return fail(why, cap, errno, "cannot stat", path), -1;
    uint64_t data = 0;
    for (uint32_t i = 0; i < expect->regions; i++) data += expect->region[i].bytes;
    if ((uint64_t)st.st_size != n + data + sizeof trailer) {
        snprintf(why, cap, "%s: %lld bytes, expected %llu", path, (long long)st.st_size,
                 (unsigned long long)(n + data + sizeof trailer));
        return -1;
    }
    if (pread(fd, trailer, sizeof trailer, st.st_size - (off_t)sizeof trailer) != (ssize_t)sizeof trailer ||
        pread(fd, got, n, 0) != (ssize_t)n) {
        snprintf(why, cap, "%s: cannot read its header and trailer", path);
        return -1;
    }
    uint64_t length;
    memcpy(&length, trailer + 8, 8);
    memcpy(digest, trailer + 16, 8);
    if (memcmp(trailer, trailer_magic, 8) != 0 || length != n + data || memcmp(got, want, n) != 0) {
        snprintf(why, cap, "%s: not the shard of step %lld rank %u (header or trailer differ)", path,
                 (long long)expect->step, expect->rank);
        return -1;
    }
    XXH3_64bits_reset(hash);
    XXH3_64bits_update(hash, got, n);
    if (lseek(fd, (off_t)n, SEEK_SET) < 0) return -1;
    return (long long)data;
}

/* Streams the data through the checksum, into the regions when `into` is given. */
static int check_data(int fd, const char *path, const vigil_shard_header *expect, void *const *into,
                      uint64_t digest, XXH3_state_t *hash, char *why, size_t cap) {
    char *buffer = into ? NULL : malloc(IO_CHUNK);
    if (!into && !buffer) return fail(why, cap, ENOMEM, "cannot verify", path), -1;
    int ok = 1;
    for (uint32_t i = 0; ok && i < expect->regions; i++) {
        uint64_t left = expect->region[i].bytes;
        char *to = into ? into[i] : buffer;
        while (ok && left > 0) {
            size_t want = left < IO_CHUNK ? (size_t)left : IO_CHUNK;
            ssize_t got = read(fd, to, want);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) ok = 0;
            else {
                XXH3_64bits_update(hash, to, (size_t)got);
                left -= (uint64_t)got;
                if (into) to += got;
            }
        }
    }
    free(buffer);
    if (!ok) return snprintf(why, cap, "%s: short read", path), -1;
    if (XXH3_64bits_digest(hash) != digest) return snprintf(why, cap, "%s: checksum mismatch", path), -1;
    return 0;
}

static int check(const char *path, const vigil_shard_header *expect, void *const *into, vigil_shard_sum *sum,
                 char *why, size_t cap) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(why, cap, errno, "cannot open", path), -1;
    XXH3_state_t *hash = XXH3_createState();
    uint64_t digest = 0;
    int r = -1;
    long long data = hash ? check_frame(fd, path, expect, &digest, hash, why, cap) : -1;
    if (data >= 0) r = check_data(fd, path, expect, into, digest, hash, why, cap);
    if (r == 0 && sum) {
        sum->bytes = (uint64_t)lseek(fd, 0, SEEK_END);
        sum->checksum = digest;
    }
    if (hash) XXH3_freeState(hash);
    close(fd);
    return r;
}

int vigil_shard_verify(const char *path, const vigil_shard_header *expect, vigil_shard_sum *sum, char *why, size_t cap) {
    return check(path, expect, NULL, sum, why, cap);
}

int vigil_shard_read(const char *path, const vigil_shard_header *expect, void *const *into, char *why, size_t cap) {
    return check(path, expect, into, NULL, why, cap);
}
