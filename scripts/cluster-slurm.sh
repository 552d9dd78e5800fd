# Slurm on the namespace bench, sourced by cluster.sh (VIGIL_CLUSTER_SLURM=1):
# a munged and a slurmctld of the bench's own in this root namespace, and a
# slurmd on every host. Each slurmd runs inside its host's sshd namespaces
# (network, mount, hostname), so a job's ranks see the same /run and
# /dev/shm as an agent started over ssh there, and Open MPI tells the hosts
# apart by name. Clients use "$dir/slurm/slurm.conf" (export SLURM_CONF).
#
# Ports come from the management network's second octet, so benches on
# other networks (the tests', `make bench`'s) never share a controller.
# VIGIL_CLUSTER_SLURM_PROLOG=PATH sets the nodes' Prolog (PrologFlags=Alloc).

slurm_dir="$dir/slurm"
slurm_conf="$slurm_dir/slurm.conf"

# Runs CMD with nothing of ours open but stdio (LOG). Slurm's daemons keep
# what they inherit, and a caller waiting for this script to end may watch
# a descriptor it handed down (Foundation's Process does): it would wait for
# the daemons too.
without_our_descriptors() {  # LOG CMD...
    local log=$1 fd
    shift
    for fd in /proc/$BASHPID/fd/*; do
        fd=${fd##*/}
        [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
    done
    exec "$@" </dev/null >>"$log" 2>&1
}

slurm_ports() {
    local second
    second=$(echo "$net" | cut -d. -f2)
    ctld_port=$((20000 + second * 4))
    slurmd_port=$((ctld_port + 1))
}

# munged of the bench's own (its socket in the bench's directory), so a
# system munged, or another bench's, is never touched. It runs as root
# (--force): the munge user could not reach a directory only root may enter.
munge_up() {
    local m="$slurm_dir/munge"
    alive "$m/munged.pid" && return 0
    [ -r /etc/munge/munge.key ] || die "no /etc/munge/munge.key: install munge (make deps)"
    mkdir -p -m 700 "$m"
    (without_our_descriptors "$m/munged.log" /usr/sbin/munged --force --socket="$m/munge.sock" \
        --pid-file="$m/munged.pid" --log-file="$m/munged.log" --seed-file="$m/munged.seed") \
        || die "munged did not start: $(tail -3 "$m/munged.log" 2>/dev/null)"
}

slurm_config() {
    local n=$1 k
    slurm_ports
    mkdir -p "$slurm_dir/state"
    cat > "$slurm_conf.new" <<EOF
# The namespace bench's Slurm (scripts/cluster-slurm.sh).
ClusterName=vigil$name
SlurmctldHost=$(hostname)($net.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthInfo=socket=$slurm_dir/munge/munge.sock
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$slurm_dir/state
SlurmctldPidFile=$slurm_dir/slurmctld.pid
SlurmctldLogFile=$slurm_dir/slurmctld.log
SlurmdSpoolDir=$slurm_dir/spool/%n
SlurmdPidFile=$slurm_dir/slurmd-%n.pid
SlurmdLogFile=$slurm_dir/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
MailProg=/bin/true
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmdTimeout=30
KillWait=5
# A client gives up on a controller that is down after this many seconds (default 10, retried)
MessageTimeout=3
EOF
    if [ -n "${VIGIL_CLUSTER_SLURM_PROLOG:-}" ]; then
        printf 'Prolog=%s\nPrologFlags=Alloc\n' "$VIGIL_CLUSTER_SLURM_PROLOG" >> "$slurm_conf.new"
    fi
    for k in $(seq 1 "$n"); do
        mkdir -p "$slurm_dir/spool/node$k"
        echo "NodeName=node$k NodeAddr=$(address "$k") CPUs=2 State=UNKNOWN" >> "$slurm_conf.new"
    done
    echo "PartitionName=vigil Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4" >> "$slurm_conf.new"
    mv "$slurm_conf.new" "$slurm_conf"
}

# The recorded pids are the daemons themselves (-D keeps them in front; nsenter execs).
slurmctld_up() {
    alive "$slurm_dir/slurmctld.run" && return 0
    (without_our_descriptors "$slurm_dir/slurmctld.out" setsid /usr/sbin/slurmctld -D -i -f "$slurm_conf") &
    echo $! > "$slurm_dir/slurmctld.run"
}

slurmd_up() {
    local k=$1
    alive "$slurm_dir/slurmd-node$k.run" && return 0
    (without_our_descriptors "$slurm_dir/slurmd-node$k.out" setsid nsenter --target "$(cat "$dir/node$k/sshd.pid")" \
        --net --mount --uts /usr/sbin/slurmd -D -f "$slurm_conf" -N "node$k") &
    echo $! > "$slurm_dir/slurmd-node$k.run"
}

# Until every node is idle in sinfo (registered with the controller).
wait_for_slurm() {
    local n=$1 i idle
    for i in $(seq 200); do
        idle=$(SLURM_CONF="$slurm_conf" sinfo -h -N -o '%N %t' 2>/dev/null | awk '$2 == "idle"' | wc -l)
        [ "$idle" -ge "$n" ] && return 0
        alive "$slurm_dir/slurmctld.run" || die "slurmctld exited: $(tail -3 "$slurm_dir/slurmctld.log" 2>/dev/null)"
        sleep 0.1
    done
    die "Slurm: $idle of $n nodes idle after 20 s (logs in $slurm_dir)"
}

slurm_up() {
    local n=$1 k
    command -v slurmctld >/dev/null || die "no slurmctld: install slurm-wlm (make deps)"
    munge_up
    slurm_config "$n"
    slurmctld_up
    for k in $(seq 1 "$n"); do slurmd_up "$k"; done
    wait_for_slurm "$n"
    echo "cluster: Slurm up (export SLURM_CONF=$slurm_conf)"
}

slurm_down() {
    [ -d "$slurm_dir" ] || return 0
    local run pids=()
    for run in "$slurm_dir"/slurmd-node*.run "$slurm_dir/slurmctld.run"; do
        [ -f "$run" ] && running "$(cat "$run")" && pids+=("$(cat "$run")")
        rm -f "$run"
    done
    stop_pids "${pids[@]}"
    if alive "$slurm_dir/munge/munged.pid"; then stop_pids "$(cat "$slurm_dir/munge/munged.pid")"; fi
}
