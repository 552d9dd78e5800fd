#!/usr/bin/env bash
# make demo (first form): a node agent, vigil-train on 4 ranks under mpirun
# with libvigil preloaded, and the live per-rank view until the job ends.
#   demo.sh VIGIL_BIN AGENTS_DIR
set -euo pipefail
vigil=$1 agents=$2
work=$(mktemp -d /tmp/vigil-demo.XXXXXX)
agent_pid="" job_pid=""
cleanup() {
    [ -n "$job_pid" ] && kill "$job_pid" 2>/dev/null || true
    [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

"$vigil" agent run --socket "$work/agent.sock" --ring-dir "$work/rings" 2> "$work/agent.log" &
agent_pid=$!
for _ in $(seq 100); do [ -S "$work/agent.sock" ] && break; sleep 0.1; done

mpirun -np 4 --oversubscribe --bind-to none --mca mpi_yield_when_idle 1 \
    -x "VIGIL_AGENT_SOCKET=$work/agent.sock" -x "LD_PRELOAD=$agents/libvigil.so" \
    "$agents/vigil-train" --steps 6000 --compute-us 1500 --tp 2 --overlap --p2p --log-every 1000 \
    > "$work/train.log" 2>&1 &
job_pid=$!

"$vigil" agent ranks --socket "$work/agent.sock" --watch 0.5 --until-done
wait "$job_pid" && status=0 || status=$?
job_pid=""
echo
echo "vigil-train exited with status $status; its last lines:"
tail -n 3 "$work/train.log" | grep -v VIGIL_TRAIN_REPORT || true
