/* Reading a checkpoint's manifest (vigil_manifest.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "vigil_manifest.h"

enum { MANIFEST_MAX = 1 << 28 };

/* The whole file, NUL-terminated (free it), or NULL with `why` filled. */
static char *slurp(const char *path, size_t *length, char *why, size_t cap) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size > MANIFEST_MAX) {
        snprintf(why, cap, "%s: %s", path, fd < 0 ? strerror(errno) : "unreadable or too large");
        if (fd >= 0) close(fd);
        return NULL;
    }
    char *text = malloc((size_t)st.st_size + 1);
    ssize_t got = text ? pread(fd, text, (size_t)st.st_size, 0) : -1;
    close(fd);
    if (got != st.st_size) {
        snprintf(why, cap, "%s: short read", path);
        free(text);
        return NULL;
    }
    text[got] = 0;
    *length = (size_t)got;
    return text;
}

/* Checks the end line's checksum over everything before it. */
static int intact(const char *text, size_t length) {
    if (length < 21 || text[length - 1] != '\n') return 0;
    const char *end = text + length - 21;   /* "end " + 16 hex + "\n" */
    if (end != text && end[-1] != '\n') return 0;
    if (strncmp(end, "end ", 4) != 0) return 0;
    char *stop;
    unsigned long long sum = strtoull(end + 4, &stop, 16);
    return stop == end + 20 && sum == XXH3_64bits(text, (size_t)(end - text));
}

int vigil_manifest_entry(const char *dir, const char *job, long step, uint32_t world, uint32_t rank,
                         vigil_shard_sum *out, char *why, size_t cap) {
    char path[4200];
    if (vigil_shard_step_dir(path, sizeof path - 16, dir, job, step) != 0) return snprintf(why, cap, "path too long"), -1;
    strcat(path, "/" VIGIL_MANIFEST_NAME);
    size_t length = 0;
    char *text = slurp(path, &length, why, cap);
    if (!text) return -1;
    int r = -1;
    char name[VIGIL_SHARD_JOB_MAX + 1];
    long long got_step;
    unsigned level, got_world;
    int header = 0;
    if (!intact(text, length)) {
        snprintf(why, cap, "%s: damaged (its checksum does not match)", path);
    } else if (sscanf(text, "vigil-manifest 1\njob %64s\nstep %lld\nlevel %u\nworld %u\n%n", name, &got_step, &level,
                      &got_world, &header) != 4 || header == 0) {
        snprintf(why, cap, "%s: not a version 1 manifest", path);
    } else if (strcmp(name, job) != 0 || got_step != step || got_world != world) {
        snprintf(why, cap, "%s: of job %s step %lld over %u ranks, not this one", path, name, got_step, got_world);
    } else {
        const char *line = text + header;
        for (uint32_t i = 0; i < rank && line; i++) {
            const char *newline = strchr(line, '\n');
            line = newline ? newline + 1 : NULL;
        }
        unsigned got_rank;
        unsigned long long bytes, sum;
        if (line && sscanf(line, "shard %u %llu %llx", &got_rank, &bytes, &sum) == 3 && got_rank == rank) {
            out->bytes = bytes;
            out->checksum = sum;
            r = 0;
        } else {
            snprintf(why, cap, "%s: no entry for rank %u", path, rank);
        }
    }
    free(text);
    return r;
}
