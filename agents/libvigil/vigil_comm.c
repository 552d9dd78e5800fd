/*
 * Communicator ids that every member agrees on.
 *
 * A communicator made through a wrapped constructor gets its id from its
 * rank 0: (world rank + 1) << 32 | that process's creation counter, which is
 * unique in the job, and broadcast on the new communicator (one extra bcast
 * per creation, which is collective anyway). COMM_WORLD is id 1.
 * Communicators libvigil did not see created (COMM_SELF, intercommunicators,
 * unwrapped constructors) get a rank-local id with bit 63 set, so the agent
 * never joins them across ranks.
 */
#include <stdlib.h>

#include "vigil_internal.h"

#define VIGIL_COMM_SLOTS 1024u   /* open addressing; live communicators are few */
#define VIGIL_LOCAL_COMM_BIT (1ull << 63)

static vigil_comm *slots[VIGIL_COMM_SLOTS];
static uint32_t created;

static uint32_t slot_of(MPI_Comm comm) {
    uint64_t h = (uint64_t)(uintptr_t)comm * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(h >> 54) & (VIGIL_COMM_SLOTS - 1);
}

static int *world_rank_table(MPI_Comm comm, int size) {
    MPI_Group group, world_group;
    int *local = malloc(sizeof(int) * (size_t)size);
    int *world = malloc(sizeof(int) * (size_t)size);
    if (!local || !world) {
        free(local);
        free(world);
        return NULL;
    }
    for (int i = 0; i < size; i++) local[i] = i;
    PMPI_Comm_group(comm, &group);
    PMPI_Comm_group(MPI_COMM_WORLD, &world_group);
    PMPI_Group_translate_ranks(group, size, local, world_group, world);
    PMPI_Group_free(&group);
    PMPI_Group_free(&world_group);
    free(local);
    return world;
}

static vigil_comm *insert(MPI_Comm comm, uint64_t id) {
    vigil_comm *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->handle = comm;
    c->id = id;
    PMPI_Comm_size(comm, &c->size);
    c->world_ranks = world_rank_table(comm, c->size);
    for (uint32_t i = 0, s = slot_of(comm); i < VIGIL_COMM_SLOTS; i++, s = (s + 1) & (VIGIL_COMM_SLOTS - 1)) {
        if (slots[s] == NULL) {
            slots[s] = c;
            return c;
        }
    }
    free(c->world_ranks);
    free(c);
    return NULL;
}

/* Shared fallback when the table is full: records still flow, marked local. */
static vigil_comm overflow = {.id = VIGIL_LOCAL_COMM_BIT};

vigil_comm *vigil_comm_lookup_slow(MPI_Comm comm) {
    for (uint32_t i = 0, s = slot_of(comm); i < VIGIL_COMM_SLOTS; i++, s = (s + 1) & (VIGIL_COMM_SLOTS - 1)) {
        if (slots[s] == NULL) break;
        if (slots[s]->handle == comm) return slots[s];
    }
    uint64_t local_id = VIGIL_LOCAL_COMM_BIT | ((uint64_t)(vigil.world_rank + 1) << 32) | ++created;
    vigil_comm *c = insert(comm, local_id);
    return c ? c : &overflow;
}

void vigil_comm_register(MPI_Comm parent, MPI_Comm *newcomm) {
    (void)parent;
    if (vigil.ring == NULL || newcomm == NULL || *newcomm == MPI_COMM_NULL) return;
    int inter = 0, rank = 0;
    PMPI_Comm_test_inter(*newcomm, &inter);
    if (inter) return; /* looked up lazily with a local id */
    PMPI_Comm_rank(*newcomm, &rank);
    uint64_t id = 0;
    vigil_lock();
    if (rank == 0) id = ((uint64_t)(vigil.world_rank + 1) << 32) | ++created;
    vigil_unlock();
    PMPI_Bcast(&id, 1, MPI_UINT64_T, 0, *newcomm);
    vigil_lock();
    insert(*newcomm, id);
    vigil_unlock();
}

void vigil_comm_forget(MPI_Comm comm) {
    vigil_lock();
    uint32_t s = slot_of(comm);
    for (uint32_t i = 0; i < VIGIL_COMM_SLOTS; i++, s = (s + 1) & (VIGIL_COMM_SLOTS - 1)) {
        if (slots[s] == NULL) break;
        if (slots[s]->handle != comm) continue;
        free(slots[s]->world_ranks);
        free(slots[s]);
        slots[s] = NULL;
        /* re-insert the rest of the probe chain so lookups still find it */
        for (uint32_t j = (s + 1) & (VIGIL_COMM_SLOTS - 1); slots[j]; j = (j + 1) & (VIGIL_COMM_SLOTS - 1)) {
            vigil_comm *moved = slots[j];
            slots[j] = NULL;
            uint32_t k = slot_of(moved->handle);
            while (slots[k]) k = (k + 1) & (VIGIL_COMM_SLOTS - 1);
            slots[k] = moved;
        }
        break;
    }
    vigil_unlock();
}
