#!/usr/bin/env bash
# make demo / vigil demo: the whole product in one command. A server with
# its SQLite store and automatic recovery, a namespace bench of 4 hosts and
# a spare (scripts/cluster.sh), vigil-train launched over ssh with
# checkpoints, vigil top on a terminal; after a healthy period a fault on
# node3, announced, then detection, isolation, the restart on the spare
# from the checkpoint, and the goodput figure.
#   demo.sh VIGIL_BIN AGENTS_DIR [--fault hang|crash|slow|link|node|none]
#           [--healthy SECONDS] [--headless]
# --headless (or no terminal) prints the story as lines instead of opening
# the console; with the console, each line of the story is also written on
# the timeline as a note (vigil note), which vigil top shows over its views.
# Quitting, Ctrl-C, a closed terminal or a failure cleans up every process,
# namespace and file it made. Where network namespaces are not permitted it
# says so and runs one loopback agent instead, with no restart to show.
set -euo pipefail
# The demo's daemons take no configuration from this machine (a real one's alert hooks would page someone).
export VIGIL_CONFIG=none
unset "${!VIGIL_SERVER_@}" "${!VIGIL_AGENT_@}"
vigil=$1 agents=$2
shift 2
fault=crash headless=0 healthy=15
while [ $# -gt 0 ]; do
    case $1 in
        --fault|--healthy) [ $# -ge 2 ] || { echo "demo: $1 needs a value" >&2; exit 2; } ;;&
        --fault) fault=$2; shift 2 ;;
        --healthy) healthy=$2; shift 2 ;;
        --headless) headless=1; shift ;;
        *) echo "demo: unknown argument $1 (--fault hang|crash|slow|link|node|none, --healthy SECONDS, --headless)" >&2; exit 2 ;;
    esac
done
case $fault in hang|crash|slow|link|node|none) ;; *) echo "demo: --fault must be hang, crash, slow, link, node or none" >&2; exit 2 ;; esac
[[ $healthy =~ ^[0-9]+$ ]] && [ "$healthy" -ge 5 ] && [ "$healthy" -le 600 ] || { echo "demo: --healthy must be 5 to 600 seconds" >&2; exit 2; }
[ -t 0 ] && [ -t 1 ] || headless=1
here=$(cd "$(dirname "$0")" && pwd)

if ! { [ "$(id -u)" = 0 ] && ip netns add vd-probe 2>/dev/null; }; then
    echo "demo: network namespaces are not permitted here: showing one loopback agent instead (no hosts, no restart)"
    exec bash "$here/demo-loopback.sh" "$vigil" "$agents"
fi
ip netns del vd-probe

work=$(mktemp -d /tmp/vigil-demo.XXXXXX)
export VIGIL_CLUSTER_DIR=$work/cluster VIGIL_CLUSTER_NAME=vd VIGIL_CLUSTER_NET=10.79.0
server_pid="" story_pid="" bench=0 api="" t0=$(date +%s%N)
say() { awk -v t0="$t0" -v now="$(date +%s%N)" -v text="$*" 'BEGIN { printf "demo %6.1fs  %s\n", (now - t0) / 1e9, text }'; }
cleanup() {
    trap - EXIT
    trap '' INT TERM HUP   # once begun, cleaning up finishes: a second Ctrl-C or a closed window cannot cut it short
    set +e                 # nor can a failed step, or a write to a terminal that is gone
    if [ -n "$story_pid" ]; then   # the story's subshell and what it runs (sleep, python3)
        pkill -TERM -P "$story_pid" 2>/dev/null || true
        kill "$story_pid" 2>/dev/null && wait "$story_pid" 2>/dev/null || true
    fi
    if [ "$bench" = 1 ]; then
        VIGIL_API=$api "$vigil" stop demo --grace 2 --token-file "$work/token" >/dev/null 2>&1 || true
        for k in 1 2 3 4 5; do   # the agents launch started, by the pids in their namespaces
            ip netns pids "vd-node$k" 2>/dev/null | xargs -r kill 2>/dev/null || true
        done
        bash "$here/cluster.sh" down >/dev/null 2>&1 || true
    fi
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    rm -rf "$work"
    say "cleaned up: processes, namespaces and $work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'exec >/dev/null 2>&1; exit 129' HUP   # the terminal is gone (its window closed): clean up all the same

wait_for() { for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.1; done; echo "demo: $1 never appeared" >&2; exit 1; }
api_json() { "$vigil" "$@" --json 2>/dev/null || echo '[]'; }

bench=1
say "setting up 5 hosts (network namespaces with their own sshd): node1-4 train, node5 is the spare"
bash "$here/cluster.sh" up 5 >/dev/null

head -c 24 /dev/urandom | base64 > "$work/token"
"$vigil" server run --listen 10.79.0.1:0 --api 127.0.0.1:0 --store "$work/vigil.sqlite" --token-file "$work/token" \
    --port-file "$work/port" --api-port-file "$work/api-port" \
    --recovery automatic --spares node5 --stop-grace 2 2> "$work/server.log" &
server_pid=$!
wait_for "$work/port"; wait_for "$work/api-port"
api=127.0.0.1:$(cat "$work/api-port")
export VIGIL_API=$api
say "server up: agents at 10.79.0.1:$(cat "$work/port"), API at $api, store $work/vigil.sqlite, recovery automatic"

mpirun_args=(--mpirun-arg --mca --mpirun-arg plm_rsh_agent --mpirun-arg "ssh -F $VIGIL_CLUSTER_DIR/ssh_config"
             --mpirun-arg --mca --mpirun-arg oob_tcp_if_include --mpirun-arg 10.79.0.0/24
             --mpirun-arg --mca --mpirun-arg btl --mpirun-arg self,vader,tcp
             --mpirun-arg --bind-to --mpirun-arg none --mpirun-arg --mca --mpirun-arg mpi_yield_when_idle --mpirun-arg 1
             --data-network 10.79.100.0/24)
launch() {
    "$vigil" launch --hosts "$1" --job "$2" --server "10.79.0.1:$(cat "$work/port")" --token-file "$work/token" \
        --ssh-config "$VIGIL_CLUSTER_DIR/ssh_config" --remote-dir "$work/remote" --libvigil "$agents/libvigil.so" \
        --env OMPI_ALLOW_RUN_AS_ROOT=1 --env OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "${mpirun_args[@]}" -- "${@:3}"
}
# Host k's data link limited to RATE both ways: the bridge side of its veth and eth1 inside it.
limit_link() {
    local tbf="root tbf rate $2 burst 64kb latency 200ms"
    tc qdisc replace dev "vdd$1" $tbf
    ip netns exec "vd-node$1" tc qdisc replace dev eth1 $tbf
}
if [ "$fault" = slow ]; then   # a 100 Mbit/s fabric, so that a quarter of it is a slow link on any machine
    for k in 1 2 3 4 5; do limit_link "$k" 100mbit; done
fi
launch node5:1 spare-warm /bin/true > "$work/warm.log" 2>&1 || { cat "$work/warm.log" >&2; exit 1; }
say "launching vigil-train over ssh: 8 ranks on node1-4, a checkpoint every 20 steps"
# A slow link shows in a gradient worth sending: 512 KiB per allreduce for that fault.
size=(); [ "$fault" = slow ] && size=(--params 131072 --samples 16 --batch 16)
launch node1:2,node2:2,node3:2,node4:2 demo "$agents/vigil-train" --steps 100000000 --compute-us 3000 --log-every 100 "${size[@]}" \
    --checkpoint-every 20 --checkpoint-dir "$work/ckpt/local" --checkpoint-shared "$work/ckpt/shared" > "$work/launch.log" 2>&1 \
    || { cat "$work/launch.log" >&2; exit 1; }
say "training: $(grep -o 'job demo attempt 1 on 4 hosts (8 ranks)' "$work/launch.log")"

# A line of the story: printed, and in the console's mode written on the timeline for vigil top's banner.
tell() {
    say "$*"
    [ "$headless" = 1 ] || "$vigil" note --token-file "$work/token" --job demo -- "demo: $*" >/dev/null 2>&1 || true
}

# The story, told from the server's API; in the console's mode it goes to a log and, line by line, to vigil top.
story() {
    tell "healthy for ${healthy}s, then: ${fault} on node3"
    sleep "$healthy"
    local injected
    injected=$(date +%s%N)
    case $fault in
        crash|hang)
            local pid
            pid=$(api_json ranks | python3 -c 'import json,sys
ranks=[r for r in json.load(sys.stdin)["items"] if r["node"]=="node3" and r["snapshot"]["identity"]["job"]=="demo" and r["snapshot"]["status"]=="running"]
print(ranks[0]["snapshot"]["identity"]["pid"] if ranks else "")')
            [ -n "$pid" ] || { tell "no running rank on node3 to fault"; return 1; }
            kill "-$([ "$fault" = crash ] && echo KILL || echo STOP)" "$pid"
            tell "FAULT: rank process $pid on node3 $([ "$fault" = crash ] && echo killed || echo stopped)" ;;
        node) ip netns pids vd-node3 | xargs -r kill -KILL; tell "FAULT: node3 lost (every process on it killed)" ;;
        link) ip link set vdd3 down; tell "FAULT: node3's data link cut" ;;
        slow) limit_link 3 25mbit; tell "FAULT: node3's data link slowed from 100 to 25 Mbit/s" ;;
        none) tell "no fault: the job trains on"; return 0 ;;
    esac
    local notes=()
    [ "$headless" = 1 ] || notes=(--notes "$work/token")
    python3 "$here/demo-story.py" "$vigil" "$injected" "${notes[@]}"
}

if [ "$headless" = 1 ]; then
    story
else
    story > "$work/story.log" 2>&1 &
    story_pid=$!
    say "opening vigil top (q quits; 6 shows the incidents, 0 the recovery); the story goes on in $work/story.log"
    sleep 1
    "$vigil" top --token-file "$work/token" --job demo || true
    cat "$work/story.log"
fi
