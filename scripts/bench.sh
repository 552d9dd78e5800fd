#!/usr/bin/env bash
# make bench: figures and ratios measured in this one run, never asserted.
#   bench.sh RELEASE_DIR AGENTS_DIR
set -euo pipefail
release=$1 agents=$2
work=$(mktemp -d /tmp/vigil-bench.XXXXXX)
agent_pid=""
cleanup() {
    [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "== interposer: added cost per 8-byte MPI_Allreduce at np 1 (1M calls, median of 5 runs each) =="
# A ring large enough that the bench never fills it: this measures the
# recording path, not the drop path.
"$release/vigil" agent run --socket "$work/agent.sock" --ring-dir "$work/rings" \
    --ring-capacity 2097152 --log-level warning &
agent_pid=$!
for _ in $(seq 100); do [ -S "$work/agent.sock" ] && break; sleep 0.1; done

run() { mpirun -np 1 --bind-to core "$@" "$agents/allreduce-bench" 1000000 21 | awk '/allreduce_ns_median/ { print $2 }'; }
with_vigil=(-x "VIGIL_AGENT_SOCKET=$work/agent.sock" -x "LD_PRELOAD=$agents/libvigil.so")
: > "$work/base"; : > "$work/tsc"; : > "$work/mono"
for _ in 1 2 3 4 5; do   # interleaved, so drift in machine load hits all three alike
    run >> "$work/base"
    run "${with_vigil[@]}" >> "$work/tsc"
    run "${with_vigil[@]}" -x VIGIL_CLOCK=monotonic >> "$work/mono"
done
base=$(median < "$work/base"); tsc=$(median < "$work/tsc"); mono=$(median < "$work/mono")
awk -v b="$base" -v t="$tsc" -v m="$mono" 'BEGIN {
    printf "allreduce_ns baseline %.2f with_vigil_tsc %.2f with_vigil_clock_gettime %.2f\n", b, t, m
    printf "interposer_added_ns tsc %.2f clock_gettime %.2f goal 60 ratio_to_goal %.2f\n", t - b, m - b, (t - b) / 60
}'
"$release/vigil" agent ranks --socket "$work/agent.sock" | awk 'NR == 1 || /finished/' | head -4
kill "$agent_pid"; wait "$agent_pid" 2>/dev/null || true; agent_pid=""

echo "== agent: drain rate on one core =="
"$release/vigil-bench" drain --records 20000000
