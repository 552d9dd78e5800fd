#ifndef VIGIL_SPAWN_H
#define VIGIL_SPAWN_H
#include <spawn.h>

/* posix_spawn's GNU extensions, which Swift's Glibc module does not show. */

/* The child closes every descriptor from `fd` up. */
int vigil_spawn_close_from(posix_spawn_file_actions_t *actions, int fd);

/* The child starts a new session (setsid). */
int vigil_spawn_new_session(posix_spawnattr_t *attributes, short other_flags);

#endif
