#define _GNU_SOURCE
#include "vigil_spawn.h"

int vigil_spawn_close_from(posix_spawn_file_actions_t *actions, int fd) {
    return posix_spawn_file_actions_addclosefrom_np(actions, fd);
}

int vigil_spawn_new_session(posix_spawnattr_t *attributes, short other_flags) {
    return posix_spawnattr_setflags(attributes, (short)(POSIX_SPAWN_SETSID | other_flags));
}
