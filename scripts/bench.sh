#!/usr/bin/env bash
# make bench: figures and ratios measured in this one run, never asserted.
#   bench.sh RELEASE_DIR AGENTS_DIR
set -euo pipefail
release=$1 agents=$2
work=$(mktemp -d /tmp/vigil-bench.XXXXXX)
rings=$(mktemp -d /dev/shm/vigil-bench.XXXXXX)   # rings belong on tmpfs: on disk, writeback stalls the rank
agent_pids=()
# The namespace bench of the launch figures: a name and subnet of its own.
export VIGIL_CLUSTER_DIR="$work/cluster" VIGIL_CLUSTER_NAME=vb VIGIL_CLUSTER_NET=10.79.0
cleanup() {
    for pid in "${agent_pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
    [ -d "$VIGIL_CLUSTER_DIR" ] && bash scripts/cluster.sh down >/dev/null
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

echo "== interposer: added cost per 8-byte MPI_Allreduce and per Isend+Irecv+Waitall (to itself), at MPI_THREAD_SINGLE and MULTIPLE, np 1 (1M operations; median of 5 interleaved runs) =="
# 'roomy': a ring that never fills (2M records), so every call takes the
# recording path. 'default': the default 64K-record ring, which at this
# call rate (tens of millions a second) fills and drops, counted.
start_agent roomy 2097152
start_agent default 65536
run() {  # OP LEVEL [mpirun options]
    local op=$1 level=$2; shift 2
    mpirun -np 1 --bind-to core "$@" "$agents/interposer-bench" "$op" "$level" 1000000 21 |
        awk '/interposer_bench/ { print $7 }'
}
via() { echo -x "VIGIL_AGENT_SOCKET=$work/$1.sock" -x "LD_PRELOAD=$agents/libvigil.so"; }
cases=(allreduce:single allreduce:multiple p2p:single p2p:multiple)
for _ in 1 2 3 4 5; do   # interleaved: drift in machine load hits every variant alike
    for c in "${cases[@]}"; do
        run "${c%:*}" "${c#*:}" >> "$work/base-$c"
        run "${c%:*}" "${c#*:}" $(via roomy) >> "$work/vigil-$c"
    done
    run allreduce single $(via default) >> "$work/default"
    run allreduce single $(via roomy) -x VIGIL_CLOCK=monotonic >> "$work/monotonic"
done
# The floor: one read of the clock libvigil stamps calls with, two of
# them a collective or an Isend+Irecv+Waitall (posts are untimed; docs/telemetry.md).
read_ns=$(run clock single)
echo "interposer_clock_read_ns $read_ns floor $(awk -v r="$read_ns" 'BEGIN { printf "%.2f", 2 * r }')"
for c in "${cases[@]}"; do
    awk -v c="$c" -v b="$(median < "$work/base-$c")" -v v="$(median < "$work/vigil-$c")" -v r="$read_ns" 'BEGIN {
        split(c, p, ":")
        floor = 2 * r
        printf "interposer_%s_%s_ns baseline %.2f vigil %.2f added %.2f goal 25 ratio_to_goal %.2f above_clock_floor %.2f\n", p[1], p[2], b, v, v - b, (v - b) / 25, v - b - floor
    }'
done
awk -v b="$(median < "$work/base-allreduce:single")" -v d="$(median < "$work/default")" \
    -v m="$(median < "$work/monotonic")" 'BEGIN {
    printf "interposer_allreduce_single_added_ns default_ring %.2f clock_gettime %.2f\n", d - b, m - b
}'
for name in roomy default; do
    "$release/vigil" agent ranks --socket "$work/$name.sock" --json |
        awk -v n="$name" '/"consumed"/ { c += $3 } /"dropped"/ { d += $3 } END { printf "records_%s_ring consumed %d dropped %d\n", n, c, d }'
done

echo "== agent: drain rate on one core =="
"$release/vigil-bench" drain --records 20000000

echo "== server: ingest (decode + join + tally) on one core, 1,024 nodes x 8 ranks x 100 instances =="
"$release/vigil-bench" ingest --nodes 1024 --ranks 8 --instances 100

echo "== store: writes through the store vs a raw sqlite3 prepared-statement loop, same rows =="
"$release/vigil-bench" store --rows 200000 --per-batch 1000

echo "== server at scale: vigil simulate --nodes 1024 --ranks-per-node 8 --rate 100 for 60 s =="
# The simulator runs beside the server on this 2-core machine; the server's
# CPU is its own utime+stime from /proc over the run.
echo "scale-token" > "$work/token"
"$release/vigil" server run --listen 127.0.0.1:0 --api 127.0.0.1:0 --store "$work/scale.sqlite" \
    --token-file "$work/token" --port-file "$work/port" --api-port-file "$work/api-port" --log-level warning &
server_pid=$!
agent_pids+=("$server_pid")
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
rss_kib() { awk '/VmRSS/ { print $2 }' "/proc/$server_pid/status"; }
ticks0=$(cpu_ticks); rss0=$(rss_kib); t0=$(date +%s.%N)
"$release/vigil" simulate --server "127.0.0.1:$(cat "$work/port")" --token-file "$work/token" \
    --nodes 1024 --ranks-per-node 8 --rate 100 --duration 60 > "$work/simulate.out" &
simulate_pid=$!
agent_pids+=("$simulate_pid")
# Memory is flat when what the server holds after 15 s (every node connected,
# the join's window full) is what it holds at the end.
sleep 15; rss15=$(rss_kib)
wait "$simulate_pid" || true
cat "$work/simulate.out"
ticks1=$(cpu_ticks); rss1=$(rss_kib); t1=$(date +%s.%N)
awk -v a="$ticks0" -v b="$ticks1" -v s="$t0" -v e="$t1" -v r0="$rss0" -v r15="$rss15" -v r1="$rss1" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    printf "server_at_scale cpu_percent_of_one_core %.1f goal_below 50 rss_start_kib %d rss_15s_kib %d rss_end_kib %d growth_after_15s %.2f\n",
        (b - a) / hz / (e - s) * 100, r0, r15, r1, r1 / r15
}'

echo "== console: frame build (model -> cells) at 1,024 nodes x 8 ranks, 200x60, per view =="
"$release/vigil-bench" console --nodes 1024 --per-node 8

echo "== console at scale: vigil top (200x60, 1 s refresh) against vigil simulate 1024 x 8 x 100 Hz, 40 s after warm-up =="
# A server of its own, so the server figures above are not the consoles' too.
"$release/vigil" server run --listen 127.0.0.1:0 --api 127.0.0.1:0 --store "$work/console.sqlite" \
    --token-file "$work/token" --port-file "$work/console-port" --api-port-file "$work/console-api" --log-level warning &
console_server=$!
agent_pids+=("$console_server")
for _ in $(seq 100); do [ -s "$work/console-api" ] && break; sleep 0.1; done
"$release/vigil" simulate --server "127.0.0.1:$(cat "$work/console-port")" --token-file "$work/token" \
    --nodes 1024 --ranks-per-node 8 --rate 100 --duration 60 > "$work/console-simulate.out" &
simulate_pid=$!
agent_pids+=("$simulate_pid")
sleep 5
consoles=()
for view in overview ranks; do
    python3 scripts/console_bench.py "$release/vigil" "$view" 40 -- --api "127.0.0.1:$(cat "$work/console-api")" &
    consoles+=($!)
done
# What the two consoles cost the server: its CPU while they run, against server_at_scale above.
sleep 8; s0=$(awk '{ print $14 + $15 }' "/proc/$console_server/stat"); c0=$(date +%s.%N)
wait "${consoles[@]}"
s1=$(awk '{ print $14 + $15 }' "/proc/$console_server/stat"); c1=$(date +%s.%N)
awk -v a="$s0" -v b="$s1" -v s="$c0" -v e="$c1" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    printf "server_with_two_consoles cpu_percent_of_one_core %.1f (compare server_at_scale)\n", (b - a) / hz / (e - s) * 100 }'
wait "$simulate_pid" || true
# A postmortem: the same store read directly, no server (ages still tick: the 1,024 nodes-down incidents the end of the simulation raised).
python3 scripts/console_bench.py "$release/vigil" overview 15 -- --store "$work/console.sqlite"

echo "== ssh fan-out: 100 concurrent sessions running true against 4 bench sshds =="
bash scripts/cluster.sh up 4 >/dev/null
hosts=node1,node2,node3,node4
"$release/vigil-bench" fanout --ssh-config "$VIGIL_CLUSTER_DIR/ssh_config" --hosts "$hosts" --sessions 100
# The same without running a command: the difference is the remote login
# shell (sshd runs `$SHELL -c true`, with the account's rc files).
"$release/vigil-bench" fanout --ssh-config "$VIGIL_CLUSTER_DIR/ssh_config" --hosts "$hosts" --sessions 100 --connect-only

echo "== launch: vigil launch -> first training step in the store, 4 hosts x 2 ranks (first: agents started; then: warm) =="
"$release/vigil" server run --listen "$VIGIL_CLUSTER_NET.1:0" --api 127.0.0.1:0 --store "$work/launch.sqlite" \
    --token-file "$work/token" --port-file "$work/launch-port" --api-port-file "$work/launch-api" --log-level warning &
agent_pids+=($!)
for _ in $(seq 100); do [ -s "$work/launch-api" ] && break; sleep 0.1; done
api="127.0.0.1:$(cat "$work/launch-api")"
net="$VIGIL_CLUSTER_NET.0/24"
mpirun_args=()
for a in --mca plm_rsh_agent "ssh -F $VIGIL_CLUSTER_DIR/ssh_config" --mca oob_tcp_if_include "$net" \
         --mca btl_tcp_if_include "$net" --mca btl self,vader,tcp --bind-to none --mca mpi_yield_when_idle 1; do
    mpirun_args+=(--mpirun-arg "$a")
done
running_ranks() {  # ranks of the bench job running, reported after $1 (ns)
    "$release/vigil" ranks --json --api "$api" | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
print(sum(1 for r in items if r["snapshot"]["identity"]["job"] == "bench-launch" and r["snapshot"]["status"] == "running"
          and r["snapshot"]["counters"]["consumed"] > 0 and r["updatedNs"] > int(sys.argv[1])))' "$1"
}
for attempt in 1 2 3 4; do
    t0=$(date +%s%N)
    "$release/vigil" launch --hosts "node1:2,node2:2,node3:2,node4:2" --job bench-launch \
        --server "$VIGIL_CLUSTER_NET.1:$(cat "$work/launch-port")" --token-file "$work/token" \
        --ssh-config "$VIGIL_CLUSTER_DIR/ssh_config" --api "$api" --remote-dir "$work/remote" --deploy \
        --libvigil "$agents/libvigil.so" \
        --env OMPI_ALLOW_RUN_AS_ROOT=1 --env OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "${mpirun_args[@]}" \
        -- "$agents/vigil-train" --steps 100000000 --compute-us 2000 >/dev/null
    t1=$(date +%s%N)
    for _ in $(seq 600); do [ "$(running_ranks "$t0")" = 8 ] && break; sleep 0.05; done
    t2=$(date +%s%N)
    echo "launch_attempt $attempt command_ms $(( (t1 - t0) / 1000000 )) first_step_reported_ms $(( (t2 - t0) / 1000000 ))"
    "$release/vigil" stop bench-launch --grace 5 --token-file "$work/token" --api "$api" >/dev/null
done | tee "$work/launch.txt"
cold=$(awk '$2 == 1 { print $6 }' "$work/launch.txt")
warm=$(awk '$2 > 1 { print $6 }' "$work/launch.txt" | median)
echo "launch_to_first_step_ms cold $cold warm_median $warm"

echo "== detector: synthetic fault matrix through the server's monitor (join included), one core =="
"$release/vigil-bench" detector --ranks 1024 --trials 3
"$release/vigil-bench" detector --ranks 8192 --trials 2

echo "== checkpoints: the training thread's cost of a checkpoint, 2 ranks x 512 MiB (1 GiB), level 1 on $(dirname "$work") =="
# Blocking = save + before_update after 1 s of forward and backward that
# sleep (a rank driving a GPU), against a plain memcpy of the state and a
# synchronous write + fsync of it in the training thread; the ranks' flush
# throughput together against dd oflag=direct to the same disk. The worst
# rank's figures; then the same with forward and backward spinning (a
# CPU-bound rank: the copy competes for the two cores).
# The client needs its node's agent (which would commit the checkpoints
# with a server); the figures are the rank's: level 1 only.
start_agent ckpt 65536
ckpt() {  # RANKS BYTES_PER_RANK COMPUTE
    mkdir -p "$work/ckpt"
    mpirun -np "$1" --oversubscribe --bind-to none -x "VIGIL_AGENT_SOCKET=$work/ckpt.sock" \
        "$agents/ckpt-bench" "$work/ckpt" "$2" 1000 3 "$3"
    rm -rf "$work/ckpt"
}
ckpt 2 $((512 << 20)) sleep | tee "$work/ckpt.txt"
ckpt 2 $((512 << 20)) spin
mkdir -p "$work/ckpt"
dd_mbps=$(dd if=/dev/zero of="$work/ckpt/dd.bin" bs=1M count=512 oflag=direct 2>&1 \
    | awk '/copied/ { printf "%.0f", $1 / $(NF - 3) / 1e6 }')
rm -rf "$work/ckpt"
awk -v dd="$dd_mbps" '/^ckpt_bench/ {
    for (i = 2; i < NF; i += 2) f[$i] = $(i + 1)
    printf "ckpt_blocking_vs_memcpy %.2f (blocked %.2f ms, memcpy %.1f ms; goal <= 1.2)\n", f["blocked_ms"] / f["memcpy_ms"], f["blocked_ms"], f["memcpy_ms"]
    printf "ckpt_sync_write_vs_blocking %.0f (sync write + fsync %.1f ms; goal >= 10)\n", f["sync_write_ms"] / (f["blocked_ms"] > 0.01 ? f["blocked_ms"] : 0.01), f["sync_write_ms"]
    printf "ckpt_flush_vs_dd_direct %.2f (flush %s MB/s, slowest rank %s; dd %s MB/s; goal >= 0.8)\n", f["flush_total_MBps"] / dd, f["flush_total_MBps"], f["flush_MBps"], dd
    printf "ckpt_checksum_share_of_flush 0 (XXH3 runs in the copier as it stages, %s ms per rank over the 3 checkpoints, none in the flush; goal <= 0.03)\n", f["checksum_ms"]
}' "$work/ckpt.txt"

echo "== checkpoints from Python (agents/python over libvigil, numpy + mpi4py): 2 ranks x 512 MiB =="
# The same blocking figure for a Python loop, against numpy.copyto of the
# state and numpy.save + fsync of it in the training thread.
mkdir -p "$work/ckpt"
mpirun -np 2 --oversubscribe --bind-to none -x "VIGIL_AGENT_SOCKET=$work/ckpt.sock" -x "LD_PRELOAD=$agents/libvigil.so" \
    -x "PYTHONPATH=$PWD/agents/python" /usr/bin/python3 agents/python/examples/ckpt_bench.py "$work/ckpt" | tee "$work/ckpt-py.txt"
rm -rf "$work/ckpt"
awk '/^ckpt_bench_py/ {
    for (i = 2; i < NF; i += 2) f[$i] = $(i + 1)
    printf "ckpt_py_blocking_vs_memcpy %.3f (blocked %.2f ms, numpy.copyto %.1f ms; goal <= 1.2)\n", f["blocked_ms"] / f["memcpy_ms"], f["blocked_ms"], f["memcpy_ms"]
    printf "ckpt_py_numpy_save_vs_blocking %.0f (numpy.save + fsync %.1f ms; goal >= 10)\n", f["numpy_save_fsync_ms"] / (f["blocked_ms"] > 0.01 ? f["blocked_ms"] : 0.01), f["numpy_save_fsync_ms"]
}' "$work/ckpt-py.txt"

echo "== restore: 2 ranks x 256 MiB on two agents (two nodes), page cache dropped, from level 1, the buddy copy and level 2 =="
# A server commits the checkpoints (restore reads only complete ones); the
# figure is the slowest rank's vigil_ckpt_restore: verify, then read (for
# the buddy copy: node-b's directory lost, its rank's shard sent over MPI
# by node-a's rank, which keeps it, then verified and read).
"$release/vigil" server run --listen 127.0.0.1:0 --api 127.0.0.1:0 --store "$work/ckpt.sqlite" --token-file "$work/token" \
    --port-file "$work/restore-port" --api-port-file "$work/restore-api" --log-level error &
agent_pids+=($!)
for _ in $(seq 100); do [ -s "$work/restore-port" ] && break; sleep 0.1; done
for node in a b; do
    "$release/vigil" agent run --socket "$work/restore-$node.sock" --ring-dir "$rings/restore-$node" \
        --server "127.0.0.1:$(cat "$work/restore-port")" --token-file "$work/token" --node "bench-$node" \
        --spool "$work/spool-$node" --uplink-interval 0.2 --probe-port 0 --buddy-port 0 \
        --checkpoint-local "$work/level1-$node" --checkpoint-buddy "$work/buddy-$node" --checkpoint-shared "$work/level2" \
        --log-level error &
    agent_pids+=($!)
done
for _ in $(seq 100); do [ -S "$work/restore-a.sock" ] && [ -S "$work/restore-b.sock" ] && break; sleep 0.1; done
check() {  # ARGS...: vigil-ckpt-check, rank 0 under node-a's agent, rank 1 under node-b's
    local each=(-x VIGIL_JOB_ID=bench-restore "$agents/vigil-ckpt-check" --bytes $((256 << 20)) "$@")
    mpirun --oversubscribe --bind-to none -np 1 -x "VIGIL_AGENT_SOCKET=$work/restore-a.sock" "${each[@]}" \
        : -np 1 -x "VIGIL_AGENT_SOCKET=$work/restore-b.sock" "${each[@]}"
}
restore_ms() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
    check --steps 1 --resume | awk '/^rank / { for (i = 5; i < NF; i += 2) if ($i == "restore_ns" && $(i + 1) > m) m = $(i + 1) }
        END { printf "%.0f", m / 1e6 }'; }
check --steps 2 --every 1 --wait-level 4 --compute-us 1000 > /dev/null
for _ in $(seq 200); do   # every level's manifests: the step complete at each
    ls "$work"/level1-{a,b}/bench-restore/step-000000000002/MANIFEST "$work"/buddy-{a,b}/bench-restore/step-000000000002/MANIFEST \
        "$work/level2/bench-restore/step-000000000002/MANIFEST" > /dev/null 2>&1 && break
    sleep 0.1
done
l1=$(restore_ms)
rm -rf "$work/level1-b"
buddy=$(restore_ms)
rm -rf "$work"/level1-a "$work"/buddy-{a,b}
l2=$(restore_ms)
echo "ckpt_restore_ms level1 $l1, buddy $buddy, level2 $l2 (512 MiB; every level on this machine's one disk, the buddy copy over MPI's shared memory)"
rm -rf "$work"/level1-{a,b} "$work"/buddy-{a,b} "$work/level2"

echo "== end to end: vigil-train steps/s, 4 ranks x 2 MiB of parameters, checkpointing every 10 steps and every step against none =="
train_seconds() {  # CHECKPOINT_EVERY
    local t0 t1
    rm -rf "$work/train-ckpt"
    t0=$(date +%s.%N)
    mpirun -np 4 --oversubscribe --bind-to none -x "VIGIL_AGENT_SOCKET=$work/ckpt.sock" -x "LD_PRELOAD=$agents/libvigil.so" \
        -x VIGIL_JOB_ID=bench-train "$agents/vigil-train" --steps 200 --params 262144 --samples 16 --batch 16 --lr 0.0002 \
        --compute-us 2000 --log-every 1000 --checkpoint-every "$1" --checkpoint-dir "$work/train-ckpt" > /dev/null
    t1=$(date +%s.%N)
    echo "$t0 $t1" | awk '{ print $2 - $1 }'
}
for _ in 1 2 3; do   # interleaved, medians
    train_seconds 0 >> "$work/train0"
    train_seconds 10 >> "$work/train10"
    train_seconds 1 >> "$work/train1"
done
rm -rf "$work/train-ckpt"
s0=$(median < "$work/train0") s10=$(median < "$work/train10") s1=$(median < "$work/train1")
awk -v a="$s0" -v b="$s10" -v c="$s1" 'BEGIN {
    printf "train_steps_per_s none %.1f, every 10 steps %.1f, every step %.1f\n", 200 / a, 200 / b, 200 / c
    printf "train_every10_vs_none %.2f (goal >= 0.9); every step %.2f\n", a / b, a / c
}'

echo "== detection matrix on the namespace bench: 6 workloads (vigil-train, -mesh, -sleepy, -uneven, -pipeline, -stencil) x (6 fault classes + healthy), 4 hosts, one rank each =="
# The runs are DetectionMatrixTests' (off in make test): each prints
# "detection_matrix run W FAULT CLASS FOUND LATENCY", one
# "detection_matrix incident W FAULT CLASS CORRECT" per incident raised, and
# "detection_matrix healthy W SECONDS INCIDENTS". A bench of their own (vt, 10.78.0).
bash scripts/cluster.sh down >/dev/null
{ VIGIL_DETECTION_MATRIX=1 VIGIL_BIN="$(dirname "$release")/debug/vigil" \
    swift test --no-parallel --filter DetectionMatrixTests 2>&1 || true; } | grep '^detection_matrix' > "$work/matrix.txt" || true
python3 scripts/detection_matrix.py < "$work/matrix.txt"

echo "== recovery on the namespace bench: vigil-train on 4 hosts + 3 spares, a crash, a hang and a dead host in a 10-minute run =="
# The run is RecoveryBenchTests' (off in make test): one
# "recovery_bench fault F node N class C fault_to_incident_s X incident_to_step_s Y restored_step S"
# per fault, then "recovery_bench goodput ..." at the end of the run.
{ VIGIL_RECOVERY_BENCH=1 VIGIL_BIN="$(dirname "$release")/debug/vigil" \
    swift test --no-parallel --filter RecoveryBenchTests 2>&1 || true; } | grep '^recovery_bench' > "$work/recovery.txt" || true
awk '$2 == "fault" {
        printf "recovery %s (%s on %s): fault_to_incident_s %s incident_to_first_step_s %s (goal <= 10, ratio_to_goal %.2f) restored_step %s\n",
            $7, $3, $5, $9, $11, $11 / 10, $13 }
     $2 == "goodput" {
        line = ""; for (i = 14; i < NF; i += 2) line = line " " $i " " $(i + 1)
        printf "recovery_ettr %s over %s s, %s restarts, %s steps rolled back (goal >= 0.98, ratio_to_goal %.3f)\n", $8, $4, $10, $12, $8 / 0.98
        printf "recovery_lost_s%s\n", line }' "$work/recovery.txt"
[ -s "$work/recovery.txt" ] || echo "recovery: no figures (RecoveryBenchTests did not run; see swift test --filter RecoveryBenchTests)"

echo "== fault -> first step of the new attempt, per backend: a crash with a spare on the ssh bench (RecoveryTests) and on the Slurm bench (SlurmLifecycleTests, scheduling included) =="
# Each test prints "backend_recovery BACKEND fault F" and then name-value pairs: fault_to_incident_s,
# fault_to_decided_s, fault_to_stopped_s, fault_to_launched_s, fault_to_restored_s, fault_to_first_step_s,
# restored_step (Support/BackendRecoveryFigure.swift).
{ VIGIL_BIN="$(dirname "$release")/debug/vigil" \
    swift test --no-parallel --filter 'RecoveryTests/aFaultOnNode3IsFollowedByARestartOnTheSpare|SlurmLifecycleTests' 2>&1 || true; } \
    | grep '^backend_recovery' > "$work/backends.txt" || true
awk '{ goal = $2 == "slurm" ? 10 : 5
       for (i = 5; i < NF; i += 2) v[$i] = $(i + 1)
       printf "backend_recovery %s %s: incident %s s, decided %s s, stopped %s s, launched %s s, restored %s s, first step %s s after the fault (goal <= %d, ratio_to_goal %.2f), restored step %s\n",
           $2, $4, v["fault_to_incident_s"], v["fault_to_decided_s"], v["fault_to_stopped_s"], v["fault_to_launched_s"],
           v["fault_to_restored_s"], v["fault_to_first_step_s"], goal, v["fault_to_first_step_s"] / goal, v["restored_step"] }' "$work/backends.txt"
[ -s "$work/backends.txt" ] || echo "backend_recovery: no figures (see swift test --filter SlurmLifecycleTests)"

echo "== make demo: headless, a crash on node3 (scripts/demo.sh) =="
# From the demo's start to its first incident on screen, then each phase from the fault to training again.
demo_start=$(date +%s%N)
seen=0
bash scripts/demo.sh "$release/vigil" "$agents" --fault crash --headless 2>&1 | while IFS= read -r line; do
    case $line in
        *"INCIDENT "*) [ "$seen" = 1 ] && continue; seen=1; awk -v a="$demo_start" -v b="$(date +%s%N)" 'BEGIN { printf "demo_start_to_first_incident_s %.1f\n", (b - a) / 1e9 }' ;;
        *"PHASES "*) echo "demo_phases ${line#*PHASES }" ;;
        *"no recovery"*) echo "demo: $line" ;;
    esac
done

