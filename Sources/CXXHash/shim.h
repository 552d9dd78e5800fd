/* libxxhash (Debian: libxxhash-dev): XXH3-64, the checksum of checkpoint shards and manifests. */
#include <xxhash.h>
