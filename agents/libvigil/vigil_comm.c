/*
 * Communicator ids that every member agrees on, without communicating.
 *
 * Constructors (dup, split, create, cart...) are collective over their
 * parent, so every member of the parent counts them alike. A new
 * communicator's id is a hash of (parent id, that count, world rank of the
 * new communicator's rank 0): the same on every member, different for the
 * disjoint communicators one split makes, and computed locally, so a rank
 * without libvigil can never be left waiting on an extra collective.
 * COMM_WORLD is id 1. Communicators whose members cannot agree this way
 * (COMM_SELF, intercommunicators, Comm_create_group, anything made by an
 * unwrapped constructor, or derived from such a one) get a rank-local id
 * with bit 63 set: their records are kept but never joined across ranks.
 */
#include <stdlib.h>

#include "vigil_internal.h"

#define SLOTS 1024u                /* open addressing; live communicators are few */
#define NEXT(s) (((s) + 1) & (SLOTS - 1))

static vigil_comm *slots[SLOTS];
static uint32_t live;              /* kept under 3/4 of SLOTS */
static uint32_t local_ids;

/* Shared by every communicator that finds the table full: records still
 * flow, under a local id. */
static vigil_comm overflow = {.id = VIGIL_LOCAL_COMM_BIT};

static uint32_t slot_of(MPI_Comm comm) {
    uint64_t h = (uint64_t)(uintptr_t)comm * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(h >> 54) & (SLOTS - 1);
}

static uint64_t mix(uint64_t h) {   /* splitmix64's finaliser */
    h ^= h >> 30;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBull;
    return h ^ (h >> 31);
}

/* comm rank -> world rank (of the remote group for an intercommunicator,
 * where roots and sources name remote ranks). */
static int *world_rank_table(MPI_Comm comm, int inter, int size) {
    MPI_Group group, world_group;
    int *local = malloc(sizeof(int) * (size_t)size);
    int *world = malloc(sizeof(int) * (size_t)size);
    if (!local || !world) {
        free(local);
        free(world);
        return NULL;
    }
    for (int i = 0; i < size; i++) local[i] = i;
    if (inter) PMPI_Comm_remote_group(comm, &group);
    else PMPI_Comm_group(comm, &group);
    PMPI_Comm_group(MPI_COMM_WORLD, &world_group);
    PMPI_Group_translate_ranks(group, size, local, world_group, world);
    PMPI_Group_free(&group);
    PMPI_Group_free(&world_group);
    free(local);
    return world;
}

static uint64_t next_local_id(void) {
    vigil_lock();
    uint64_t id = VIGIL_LOCAL_COMM_BIT | ((uint64_t)(vigil.world_rank + 1) << 32) | ++local_ids;
    vigil_unlock();
    return id;
}

/* Build an entry outside the lock (it asks MPI about groups). */
static vigil_comm *describe(MPI_Comm comm, int *inter) {
    vigil_comm *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->handle = comm;
    PMPI_Comm_test_inter(comm, inter);
    if (*inter) PMPI_Comm_remote_size(comm, &c->size);
    else PMPI_Comm_size(comm, &c->size);
    c->world_ranks = world_rank_table(comm, *inter, c->size);
    return c;
}

static void release(vigil_comm *c) {
    free(c->world_ranks);
    free(c);
}

static vigil_comm *find_locked(MPI_Comm comm) {
    for (uint32_t s = slot_of(comm); slots[s]; s = NEXT(s))
        if (slots[s]->handle == comm) return slots[s];
    return NULL;
}

/* Insert under the lock. Another thread may have described the same handle
 * meanwhile (MPI_THREAD_MULTIPLE): its entry wins and `c` is freed, so one
 * communicator never has two ids. NULL (and `c` freed) when the table is full. */
static vigil_comm *insert(vigil_comm *c) {
    vigil_lock();
    vigil_comm *known = find_locked(c->handle);
    int full = live >= SLOTS / 4 * 3;
    if (!known && !full) {
        uint32_t s = slot_of(c->handle);
        while (slots[s]) s = NEXT(s);
        slots[s] = c;
        live++;
    }
    vigil_unlock();
    if (!known && !full) return c;
    release(c);
    return known;
}

vigil_comm *vigil_comm_lookup_slow(MPI_Comm comm) {
    vigil_lock();
    vigil_comm *c = find_locked(comm);
    int full = live >= SLOTS / 4 * 3;
    vigil_unlock();
    if (c) return c;
    if (full) return &overflow;
    int inter = 0;
    c = describe(comm, &inter);
    if (!c) return &overflow;
    c->id = next_local_id();
    c = insert(c);
    return c ? c : &overflow;
}

uint64_t vigil_comm_construction(MPI_Comm parent) {
    vigil_comm *c = vigil_comm_lookup(parent);
    vigil_lock();
    uint64_t n = ++c->constructions;
    vigil_unlock();
    return n;
}

void vigil_comm_register(MPI_Comm parent, uint64_t construction, MPI_Comm newcomm) {
    if (newcomm == MPI_COMM_NULL) return;
    uint64_t parent_id = vigil_comm_lookup(parent)->id;
    int inter = 0;
    vigil_comm *c = describe(newcomm, &inter);
    if (!c) return;
    int agreed = construction != 0 && !inter && !(parent_id & VIGIL_LOCAL_COMM_BIT) && c->world_ranks;
    if (agreed) {
        uint64_t h = mix(parent_id ^ mix(construction ^ mix((uint64_t)c->world_ranks[0] + 1)));
        c->id = (h & ~VIGIL_LOCAL_COMM_BIT) | 2;   /* never 0 (p2p) or 1 (world) */
    } else {
        c->id = next_local_id();
    }
    /* A handle MPI reused after a free libvigil did not see: the new
     * communicator replaces the old entry. */
    vigil_comm_forget(newcomm);
    insert(c);
}

void vigil_comm_forget(MPI_Comm comm) {
    vigil_lock();
    uint32_t hole = slot_of(comm);
    while (slots[hole] && slots[hole]->handle != comm) hole = NEXT(hole);
    vigil_comm *gone = slots[hole];
    if (gone) {
        slots[hole] = NULL;
        live--;
        /* shift the rest of the probe chain back so lookups still find it */
        for (uint32_t j = NEXT(hole); slots[j]; j = NEXT(j)) {
            uint32_t home = slot_of(slots[j]->handle);
            int stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (stays) continue;
            slots[hole] = slots[j];
            slots[j] = NULL;
            hole = j;
        }
    }
    vigil_unlock();
    if (gone) release(gone);
}
