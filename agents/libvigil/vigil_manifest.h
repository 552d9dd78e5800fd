/*
 * A checkpoint's manifest (docs/checkpoints.md), written by the node agents
 * once every rank's shard is durable at a level: text, one field a line,
 *
 *   vigil-manifest 1 / job J / step S / level L / world W /
 *   shard <rank> <bytes> <xxh3 hex>   (one per rank, in rank order) /
 *   end <xxh3 hex of everything before this line>
 *
 * Only a step whose manifest is there, intact and naming this rank's shard
 * as it is on disk is restored.
 */
#ifndef VIGIL_MANIFEST_H
#define VIGIL_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "vigil_shard.h"

/* This rank's entry in the manifest of `step` under `dir`: 0, or -1 with
 * `why` filled (missing, damaged, another job, step or world size). */
int vigil_manifest_entry(const char *dir, const char *job, long step, uint32_t world, uint32_t rank,
                         vigil_shard_sum *out, char *why, size_t cap);

#endif
