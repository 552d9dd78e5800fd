/*
 * vigil-conformance: MPI programs that must behave exactly alike with and
 * without libvigil. Each case exercises one family of calls and folds what
 * it observed (received data, statuses, flags) into a digest; the driver
 * writes one line per case and rank, so runs can be compared line by line.
 *
 * Cases also tally the calls libvigil claims to record (docs/telemetry.md):
 * a test compares the tally with what the agent saw.
 */
#ifndef VIGIL_CONFORMANCE_H
#define VIGIL_CONFORMANCE_H

#include <mpi.h>
#include <stdint.h>
#include <stddef.h>

#include "vigil_ring.h"   /* op numbers, the ABI the agent reads */

typedef struct conf_case conf_case;

typedef struct conf_ctx {
    int rank, size;
    int level;            /* the MPI thread level provided */
    uint64_t digest;
    char failure[160];    /* the first failed check, "" when none */
} conf_ctx;

struct conf_case {
    const char *name;
    int min_level;        /* the thread level the case needs */
    int min_size;         /* ranks the case needs */
    void (*run)(conf_ctx *ctx);
};

/* Fold bytes into the case's digest (FNV-1a). */
void conf_fold(conf_ctx *ctx, const void *bytes, size_t n);
void conf_fold_int(conf_ctx *ctx, long long value);
/* Records the first failed check; the case goes on so every rank reaches
 * the same calls (a rank that stopped early would hang the others). */
void conf_check(conf_ctx *ctx, int ok, const char *what);

/* The tally of tracked calls, safe from any thread. `label` names one
 * communicator within the case (a case's own labels: "world", "dup", ...). */
void conf_tally_collective(const char *label, MPI_Comm comm, int op);
/* A point-to-point message to or from `rank` of `comm` (remote group for an
 * intercommunicator), `bytes` as libvigil counts them. */
void conf_tally_send(MPI_Comm comm, int rank, uint64_t bytes);
void conf_tally_recv(MPI_Comm comm, int rank, uint64_t bytes);

/* The cases, by family; each list ends with a case whose name is NULL. */
extern const conf_case conf_p2p_cases[];
extern const conf_case conf_request_cases[];
extern const conf_case conf_collective_cases[];
extern const conf_case conf_communicator_cases[];
extern const conf_case conf_thread_cases[];

#endif
