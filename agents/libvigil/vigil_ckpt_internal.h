/* What the checkpoint client's parts share (vigil_ckpt.c, vigil_ckpt_restore.c). */
#ifndef VIGIL_CKPT_INTERNAL_H
#define VIGIL_CKPT_INTERNAL_H

#include "vigil.h"
#include "vigil_shard.h"

enum { ERROR_MAX = 512 };

/* The levels' directories in restore order: level 1, the buddy level (this
 * node's, holding its buddy's shards), level 2. */
enum { VIGIL_LEVEL_LOCAL, VIGIL_LEVEL_BUDDY, VIGIL_LEVEL_SHARED, VIGIL_LEVELS };

/* The registered regions (header and data pointers) and each level's
 * directory ("" for none); NULL before vigil_ckpt_init. */
const vigil_shard_header *vigil_ckpt_layout(void *const **data, const char *dirs[VIGIL_LEVELS]);

/* Sets vigil_ckpt_error()'s text (`fmt` with one %s) and returns `code`. */
int vigil_ckpt_fail(int code, const char *fmt, const char *detail);

#endif
