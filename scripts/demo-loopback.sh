#!/usr/bin/env bash
# The demo where network namespaces are not permitted (demo.sh falls back
# to it): a server, one loopback agent, vigil-train on 4 ranks under mpirun
# with libvigil preloaded, the console (vigil top) on a terminal, else the
# live per-rank view until the job ends, then the server's books for the job.
#   demo-loopback.sh VIGIL_BIN AGENTS_DIR
set -euo pipefail
# The demo's daemons take no configuration from this machine (a real one's alert hooks would page someone).
export VIGIL_CONFIG=none
unset "${!VIGIL_SERVER_@}" "${!VIGIL_AGENT_@}"
vigil=$1 agents=$2
work=$(mktemp -d /tmp/vigil-demo.XXXXXX)
rings=$(mktemp -d /dev/shm/vigil-demo.XXXXXX)
pids=()
cleanup() {
    trap '' INT TERM HUP   # once begun, cleaning up finishes
    set +e
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
    rm -rf "$work" "$rings"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'exec >/dev/null 2>&1; exit 129' HUP   # the terminal is gone (its window closed): clean up all the same

wait_for() { for _ in $(seq 100); do [ -s "$1" ] || [ -S "$1" ] && return 0; sleep 0.1; done; echo "demo: $1 never appeared" >&2; exit 1; }

head -c 24 /dev/urandom | base64 > "$work/token"
"$vigil" server run --listen 127.0.0.1:0 --api 127.0.0.1:0 --store "$work/vigil.sqlite" --token-file "$work/token" \
    --port-file "$work/port" --api-port-file "$work/api-port" 2> "$work/server.log" &
pids+=($!)
wait_for "$work/port"; wait_for "$work/api-port"
export VIGIL_API="127.0.0.1:$(cat "$work/api-port")"

"$vigil" agent run --socket "$work/agent.sock" --ring-dir "$rings" --server "127.0.0.1:$(cat "$work/port")" \
    --token-file "$work/token" --node demo-node --spool "$work/spool" 2> "$work/agent.log" &
pids+=($!)
wait_for "$work/agent.sock"

mpirun -np 4 --oversubscribe --bind-to none --mca mpi_yield_when_idle 1 \
    -x "VIGIL_AGENT_SOCKET=$work/agent.sock" -x "LD_PRELOAD=$agents/libvigil.so" \
    "$agents/vigil-train" --steps 6000 --compute-us 1500 --tp 2 --overlap --p2p --log-every 1000 \
    > "$work/train.log" 2>&1 &
job=$!
pids+=("$job")

if [ -t 0 ] && [ -t 1 ]; then
    echo "demo: opening vigil top on the job (q quits; ? lists the keys)"; sleep 1
    "$vigil" top --token-file "$work/token" || true
    kill -0 "$job" 2>/dev/null && { echo "demo: stopping vigil-train"; kill "$job"; }
else
    "$vigil" agent ranks --socket "$work/agent.sock" --watch 0.5 --until-done
fi
wait "$job" && status=0 || status=$?
echo
echo "vigil-train exited with status $status; its last lines:"
grep -v VIGIL_TRAIN_REPORT "$work/train.log" | tail -n 2
sleep 2  # one more uplink interval, so the last windows reach the server
job_id=$("$vigil" ranks --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["snapshot"]["identity"]["job"])')
echo
echo "The server's view (vigil status --job $job_id):"
"$vigil" status --job "$job_id"
