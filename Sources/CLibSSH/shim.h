// libssh for Swift. The version macros are function-like.
#include <libssh/libssh.h>
#include <libssh/sftp.h>
#include <libssh/callbacks.h>

static inline int vigil_libssh_version_int(void) { return LIBSSH_VERSION_INT; }
