/* What the checkpoint client's parts share (vigil_ckpt.c, vigil_ckpt_restore.c). */
#ifndef VIGIL_CKPT_INTERNAL_H
#define VIGIL_CKPT_INTERNAL_H

#include "vigil.h"
#include "vigil_shard.h"

enum { ERROR_MAX = 512 };

/* The registered regions (header and data pointers) and the level 1 and
 * level 2 directories (level 2 "" for none); NULL before vigil_ckpt_init. */
const vigil_shard_header *vigil_ckpt_layout(void *const **data, const char **local_dir, const char **shared_dir);

/* Sets vigil_ckpt_error()'s text (`fmt` with one %s) and returns `code`. */
int vigil_ckpt_fail(int code, const char *fmt, const char *detail);

#endif
