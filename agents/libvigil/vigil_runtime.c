/*
 * Attaching a rank to its node agent.
 *
 * At MPI_Init the rank says HELLO on the agent's Unix socket; the agent
 * creates the ring file and answers with its path. The rank maps it,
 * publishes its clock and marks itself RUNNING. The socket stays open until
 * MPI_Finalize so the agent learns of an exit the moment it happens; the
 * checkpoint client reports its shards on it.
 * Any failure leaves libvigil in pass-through mode with one warning line:
 * the job runs exactly as without it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vigil_internal.h"

vigil_state vigil = {.world = {.id = 1}};
VIGIL_TLS int vigil_depth;
int vigil_spin;

static int agent_fd = -1;
/* The checkpoint flusher speaks to the agent too: one line at a time. */
static pthread_mutex_t agent_lock = PTHREAD_MUTEX_INITIALIZER;
static char agent_local[4096], agent_buddy[4096], agent_shared[4096];
static struct sigaction previous_sigterm;

/*
 * A rank told to stop (SIGTERM: mpirun tearing a job down after another
 * rank died, or `vigil stop`) marks its ring before going on as it would
 * have, so the agent can tell it apart from the rank that crashed.
 */
static void on_sigterm(int sig, siginfo_t *info, void *context) {
    vigil_ring_header *h = __atomic_load_n(&vigil.ring, __ATOMIC_ACQUIRE);
    uint32_t running = VIGIL_STATE_RUNNING; /* a rank already finalized stays finalized */
    if (h) __atomic_compare_exchange_n(&h->state, &running, VIGIL_STATE_TERMINATED, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
    if (previous_sigterm.sa_flags & SA_SIGINFO) {
        previous_sigterm.sa_sigaction(sig, info, context);
    } else if (previous_sigterm.sa_handler == SIG_DFL) {
        sigaction(SIGTERM, &previous_sigterm, NULL);
        raise(SIGTERM); /* blocked until this handler returns, then the default: exit */
    } else if (previous_sigterm.sa_handler != SIG_IGN) {
        previous_sigterm.sa_handler(sig);
    }
}

static void watch_sigterm(void) {
    struct sigaction mark = {.sa_sigaction = on_sigterm, .sa_flags = SA_SIGINFO | SA_RESTART};
    sigemptyset(&mark.sa_mask);
    if (sigaction(SIGTERM, NULL, &previous_sigterm) != 0 || previous_sigterm.sa_handler == SIG_IGN) return;
    sigaction(SIGTERM, &mark, NULL);
}

static void socket_path(char *out, size_t cap) {
    const char *env = getenv("VIGIL_AGENT_SOCKET");
    if (env && *env) snprintf(out, cap, "%s", env);
    else if (geteuid() == 0) snprintf(out, cap, "/run/vigil/agent.sock");
    else snprintf(out, cap, "/tmp/vigil-%u/agent.sock", (unsigned)geteuid());
}

/* The job id names the ring file, so only [A-Za-z0-9._-] survive. */
static void job_id(char *out, size_t cap) {
    const char *id = getenv("VIGIL_JOB_ID");
    if (!id || !*id) id = getenv("PMIX_NAMESPACE");
    if (!id || !*id) id = getenv("OMPI_MCA_ess_base_jobid");
    char fallback[32];
    if (!id || !*id) {
        snprintf(fallback, sizeof fallback, "ppid%d", (int)getppid());
        id = fallback;
    }
    size_t n = 0;
    for (; id[n] && n + 1 < cap; n++) {
        char c = id[n];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
        out[n] = ok ? c : '_';
    }
    out[n] = 0;
}

/* Which attempt of the job this process belongs to: `vigil launch` and
 * recovery export VIGIL_ATTEMPT; anything else (unset, garbage) is 1. */
static long attempt_number(void) {
    const char *text = getenv("VIGIL_ATTEMPT");
    char *end = NULL;
    long n = text ? strtol(text, &end, 10) : 0;
    return text && *text && end && *end == 0 && n >= 1 && n <= 1000000 ? n : 1;
}

static int connect_agent(const char *path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct timeval timeout = {.tv_sec = 2};  /* a wedged agent must not stall MPI_Init */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static int read_line(int fd, char *buf, size_t cap) {
    size_t n = 0;
    while (n + 1 < cap) {
        ssize_t got = read(fd, buf + n, 1);
        if (got <= 0) return -1;
        if (buf[n] == '\n') {
            buf[n] = 0;
            return 0;
        }
        n++;
    }
    return -1;
}

/* `key`'s value in the agent's answer, "" when absent or "-". */
static void answer_field(const char *line, const char *key, char *out, size_t cap) {
    const char *at = strstr(line, key);
    out[0] = 0;
    if (!at) return;
    at += strlen(key);
    size_t n = strcspn(at, " ");
    if (n >= cap || (n == 1 && at[0] == '-')) return;
    memcpy(out, at, n);
    out[n] = 0;
}

/* Returns NULL on success or a reason for the warning line. */
static const char *handshake(int fd, char *ring_path, size_t cap) {
    char job[VIGIL_RING_JOB_MAX], host[VIGIL_RING_HOST_MAX] = {0}, line[13312];  /* the answer names three directories */
    job_id(job, sizeof job);
    gethostname(host, sizeof host - 1);
    int len = snprintf(line, sizeof line, "HELLO 1 pid=%d rank=%d size=%d job=%s host=%s attempt=%ld\n",
                       (int)getpid(), vigil.world_rank, vigil.world_size, job, host, attempt_number());
    /* MSG_NOSIGNAL: an agent that hung up must not kill the rank with SIGPIPE */
    if (send(fd, line, (size_t)len, MSG_NOSIGNAL) != len) return "could not send HELLO";
    if (read_line(fd, line, sizeof line) != 0) return "no answer from agent";
    if (strncmp(line, "ERROR ", 6) == 0) {
        fprintf(stderr, "vigil: agent refused rank %d: %s\n", vigil.world_rank, line + 6);
        return "refused";
    }
    unsigned capacity = 0;
    if (sscanf(line, "RING 1 path=%511s capacity=%u", ring_path, &capacity) != 2 ||
        strlen(ring_path) >= cap)
        return "malformed answer from agent";
    answer_field(line, " local=", agent_local, sizeof agent_local);
    answer_field(line, " buddy=", agent_buddy, sizeof agent_buddy);
    answer_field(line, " shared=", agent_shared, sizeof agent_shared);
    return NULL;
}

const char *vigil_agent_checkpoint_dir(int level) { return level == 3 ? agent_shared : level == 2 ? agent_buddy : agent_local; }

int vigil_agent_say(const char *line) {
    size_t left = strlen(line);
    int tries = 0;
    pthread_mutex_lock(&agent_lock);
    int ok = agent_fd >= 0;
    while (ok && left > 0) {
        ssize_t put = send(agent_fd, line, left, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (put > 0) {
            line += put;
            left -= (size_t)put;
        } else if (put < 0 && (errno == EAGAIN || errno == EINTR) && tries++ < 100) {
            usleep(10000);   /* an agent busy for a moment; never longer than 1 s */
        } else {
            ok = 0;
        }
    }
    pthread_mutex_unlock(&agent_lock);
    return ok ? 0 : -1;
}

static const char *map_ring(const char *path) {
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) return "cannot open ring file";
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < (off_t)VIGIL_RING_HEADER_SIZE) {
        close(fd);
        return "ring file too small";
    }
    /* MAP_POPULATE: page-table entries now, not as faults in the hot path */
    void *mem = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
    close(fd);
    if (mem == MAP_FAILED) return "cannot map ring file";
    vigil_ring_header *h = mem;
    const char *invalid = vigil_ring_validate(h, (size_t)st.st_size);
    if (!invalid && h->pid != (int32_t)getpid()) invalid = "ring belongs to another process";
    if (invalid) {
        munmap(mem, (size_t)st.st_size);
        return invalid;
    }
    vigil.ring = h;
    vigil.cached_tail = h->tail;
    return NULL;
}

void vigil_attach(int thread_level) {
    const char *disable = getenv("VIGIL_DISABLE");
    if (disable && *disable && strcmp(disable, "0") != 0) return;
    PMPI_Comm_rank(MPI_COMM_WORLD, &vigil.world_rank);
    PMPI_Comm_size(MPI_COMM_WORLD, &vigil.world_size);
    vigil.world.handle = MPI_COMM_WORLD;
    vigil.world.size = vigil.world_size;
    vigil.multiple = thread_level == MPI_THREAD_MULTIPLE;

    char path[256], ring_path[512];
    socket_path(path, sizeof path);
    const char *failure = NULL;
    agent_fd = connect_agent(path);
    if (agent_fd < 0) failure = strerror(errno);
    if (!failure) failure = handshake(agent_fd, ring_path, sizeof ring_path);
    if (!failure) failure = map_ring(ring_path);
    if (failure) {
        fprintf(stderr, "vigil: rank %d: no telemetry (agent at %s: %s); the job runs unchanged\n",
                vigil.world_rank, path, failure);
        if (agent_fd >= 0) close(agent_fd);
        agent_fd = -1;
        return;
    }
    vigil_clock_init();
    vigil_p2p_init(vigil.world_size);
    vigil.ring->wall_offset_ns = vigil_clock_wall_offset();
    vigil.ring->clock_source = vigil_clock_state.source;
    vigil.ring->thread_level = (uint32_t)thread_level;
    __atomic_store_n(&vigil.ring->state, VIGIL_STATE_RUNNING, __ATOMIC_RELEASE);
    watch_sigterm();
}

void vigil_finalizing(void) {
    if (vigil.ring == NULL) return;
    vigil_p2p_flush(vigil_now());
    vigil_requests_drop_pending();
}

void vigil_detach(void) {
    if (vigil.ring == NULL) return;
    vigil_ring_header *h = vigil.ring;
    __atomic_store_n(&h->state, VIGIL_STATE_FINALIZED, __ATOMIC_RELEASE);
    vigil_lock();
    __atomic_store_n(&vigil.ring, NULL, __ATOMIC_RELEASE);
    vigil_unlock();
    /* The mapping stays until the process ends, moments after MPI_Finalize:
     * a SIGTERM handler on any thread may still hold the pointer. */
    pthread_mutex_lock(&agent_lock);
    close(agent_fd);  /* the agent sees EOF, drains what is left and removes the ring */
    agent_fd = -1;
    pthread_mutex_unlock(&agent_lock);
}
