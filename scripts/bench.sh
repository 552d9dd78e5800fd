#!/usr/bin/env bash
# make bench: figures and ratios measured in this one run, never asserted.
#   bench.sh RELEASE_DIR AGENTS_DIR
set -euo pipefail
release=$1 agents=$2
work=$(mktemp -d /tmp/vigil-bench.XXXXXX)
rings=$(mktemp -d /dev/shm/vigil-bench.XXXXXX)   # rings belong on tmpfs: on disk, writeback stalls the rank
agent_pids=()
cleanup() {
    for pid in "${agent_pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
    rm -rf "$work" "$rings"
}
trap cleanup EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

start_agent() {  # NAME RING_CAPACITY
    "$release/vigil" agent run --socket "$work/$1.sock" --ring-dir "$rings/$1" \
        --ring-capacity "$2" --log-level error &
    agent_pids+=($!)
    for _ in $(seq 100); do [ -S "$work/$1.sock" ] && break; sleep 0.1; done
}

echo "== interposer: added cost per 8-byte MPI_Allreduce at np 1 (1M calls; median of 5 interleaved runs) =="
# 'roomy': a ring that never fills (2M records), so every call takes the
# recording path. 'default': the default 64K-record ring, which at this
# call rate (tens of millions a second) fills and drops, counted.
start_agent roomy 2097152
start_agent default 65536
run() { mpirun -np 1 --bind-to core "$@" "$agents/allreduce-bench" 1000000 21 | awk '/allreduce_ns_median/ { print $2 }'; }
via() { echo -x "VIGIL_AGENT_SOCKET=$work/$1.sock" -x "LD_PRELOAD=$agents/libvigil.so"; }
for _ in 1 2 3 4 5; do   # interleaved: drift in machine load hits every variant alike
    run >> "$work/base"
    run $(via roomy) >> "$work/roomy"
    run $(via default) >> "$work/default"
    run $(via roomy) -x VIGIL_CLOCK=monotonic >> "$work/monotonic"
done
awk -v b="$(median < "$work/base")" -v r="$(median < "$work/roomy")" \
    -v d="$(median < "$work/default")" -v m="$(median < "$work/monotonic")" 'BEGIN {
    printf "allreduce_ns baseline %.2f vigil_tsc_roomy_ring %.2f vigil_tsc_default_ring %.2f vigil_clock_gettime_roomy_ring %.2f\n", b, r, d, m
    printf "interposer_added_ns tsc %.2f (default ring %.2f) clock_gettime %.2f goal 60 ratio_to_goal %.2f\n", r - b, d - b, m - b, (r - b) / 60
}'
for name in roomy default; do
    "$release/vigil" agent ranks --socket "$work/$name.sock" --json |
        awk -v n="$name" '/"consumed"/ { c += $3 } /"dropped"/ { d += $3 } END { printf "records_%s_ring consumed %d dropped %d\n", n, c, d }'
done

echo "== agent: drain rate on one core =="
"$release/vigil-bench" drain --records 20000000
