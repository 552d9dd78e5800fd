#!/bin/bash
# The namespace bench: N "hosts" on one machine, each a network namespace on
# two private bridges with its own hostname, /run, /dev/shm and sshd.
#
#   scripts/cluster.sh up N      create node1..nodeN (idempotent)
#   scripts/cluster.sh down      stop what `up` started (by pid file), remove it all
#   scripts/cluster.sh status    one line per host
#
# VIGIL_CLUSTER_SLURM=1 with `up` also starts a Slurm of the bench's own: a
# slurmctld here and a slurmd on every host (scripts/cluster-slurm.sh).
#
# Environment: VIGIL_CLUSTER_DIR (default /tmp/vigil-cluster) holds keys,
# configs, logs and pid files; VIGIL_CLUSTER_NAME (default vc, ≤ 4 chars)
# prefixes namespaces and links so several benches can coexist;
# VIGIL_CLUSTER_NET (default 10.77.0) is the /24 of the management network
# (ssh, agent → server): the controller (this root namespace) is .1 on its
# bridge, node K is .(10+K) on eth0. VIGIL_CLUSTER_DATA_NET (default: the
# third octet + 100, 10.77.100) is the data network (MPI, link probes) on
# eth1, node K again .(10+K); the controller has no address there, as a
# real cluster's server is not on its fabric. A data link cut leaves the
# management one up: the node is still heard.
# Nothing routes out of the namespaces. Only processes whose pid this script
# recorded are ever signalled.
set -euo pipefail

dir=${VIGIL_CLUSTER_DIR:-/tmp/vigil-cluster}
name=${VIGIL_CLUSTER_NAME:-vc}
net=${VIGIL_CLUSTER_NET:-10.77.0}
bridge="${name}br"
third=${net##*.}
data_net=${VIGIL_CLUSTER_DATA_NET:-${net%.*}.$(( ${third:-0} + 100 ))}
data_bridge="${name}dbr"

die() { echo "cluster: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
[[ "$name" =~ ^[a-z][a-z0-9]{0,3}$ ]] || die "VIGIL_CLUSTER_NAME must be 1-4 of [a-z0-9], starting with a letter"
[[ "$net" =~ ^10\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || die "VIGIL_CLUSTER_NET must look like 10.X.Y"
[[ "$data_net" =~ ^10\.[0-9]{1,3}\.[0-9]{1,3}$ && "${data_net##*.}" -le 255 && "$data_net" != "$net" ]] \
    || die "VIGIL_CLUSTER_DATA_NET must look like 10.X.Y, apart from VIGIL_CLUSTER_NET"

source "$(dirname "${BASH_SOURCE[0]}")/cluster-slurm.sh"

namespace() { echo "${name}-node$1"; }
address() { echo "$net.$((10 + $1))"; }
data_address() { echo "$data_net.$((10 + $1))"; }
# A zombie counts as gone: here pid 1 may never reap what it inherits.
running() { [ -r "/proc/$1/stat" ] && [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
alive() { [ -f "$1" ] && running "$(cat "$1")"; }

# The bench's keys and authorized_keys live here: a directory somebody else
# made (or a symlink) could hand them our sshds, so it must be our own.
own_directory() {
    [ ! -L "$dir" ] || die "$dir is a symlink: refusing it"
    mkdir -p -m 700 "$dir"
    [ -O "$dir" ] || die "$dir belongs to another user: refusing it"
    chmod 700 "$dir"
}

controller_keys() {
    own_directory
    [ -f "$dir/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C "vigil-cluster-controller" -f "$dir/id_ed25519"
    cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
}

bridge_up() {
    if ! ip link show "$bridge" >/dev/null 2>&1; then
        ip link add "$bridge" type bridge
        ip addr add "$net.1/24" dev "$bridge"
    fi
    ip link set "$bridge" up
    ip link show "$data_bridge" >/dev/null 2>&1 || ip link add "$data_bridge" type bridge
    ip link set "$data_bridge" up
}

# A veth from the namespace's `dev` to `bridge` (host side `veth`), with `address`.
host_link() {
    local ns=$1 dev=$2 veth=$3 to=$4 address=$5
    if ! ip -n "$ns" link show "$dev" >/dev/null 2>&1; then
        # a host-side end left from a namespace deleted moments ago goes first
        ip link del "$veth" 2>/dev/null || true
        ip link add "$veth" type veth peer name "$dev" netns "$ns"
        ip link set "$veth" master "$to" up
        ip -n "$ns" addr add "$address/24" dev "$dev"
    fi
    ip -n "$ns" link set "$dev" up
}

# The namespace, its management (eth0) and data (eth1) links; no default route.
host_network() {
    local k=$1 ns
    ns=$(namespace "$k")
    ip netns list | grep -qx "$ns\( (id: [0-9]*)\)\?" || ip netns add "$ns"
    host_link "$ns" eth0 "${name}v$k" "$bridge" "$(address "$k")"
    host_link "$ns" eth1 "${name}d$k" "$data_bridge" "$(data_address "$k")"
    ip -n "$ns" link set lo up
}

sshd_config() {
    local k=$1 home="$dir/node$1"
    mkdir -p "$home"
    [ -f "$home/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C "node$k" -f "$home/ssh_host_ed25519_key"
    cat > "$home/sshd_config" <<EOF
ListenAddress $(address "$k")
Port 22
HostKey $home/ssh_host_ed25519_key
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile /run/sshd.pid
MaxStartups 200:30:400
MaxSessions 200
Subsystem sftp internal-sftp
EOF
}

# sshd in the namespace, in a mount and UTS namespace of its own: hostname
# nodeK (Open MPI tells hosts apart by name), private /run and /dev/shm.
# `ip netns exec` mounts a fresh /sys (the namespace's own NICs), without
# the cgroup hierarchies: the host's CPU controller is mounted back, as a
# real node's agent sees it, to read its ranks' throttling (and the
# name=systemd hierarchy, which slurmd checks for).
sshd_up() {
    local k=$1 home="$dir/node$1" cgroups=":"
    alive "$home/sshd.pid" && return 0
    if mountpoint -q /sys/fs/cgroup/cpu 2>/dev/null; then
        cgroups="mount -t tmpfs cgroups /sys/fs/cgroup && mkdir /sys/fs/cgroup/cpu && mount -t cgroup -o cpu cgroup /sys/fs/cgroup/cpu"
        # slurmd (VIGIL_CLUSTER_SLURM=1) will not start without it
        if mountpoint -q /sys/fs/cgroup/systemd 2>/dev/null; then
            cgroups="$cgroups && mkdir /sys/fs/cgroup/systemd && mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd"
        fi
    fi
    setsid ip netns exec "$(namespace "$k")" unshare --mount --uts --propagation private \
        sh -c "mount -t tmpfs tmpfs /run && mkdir -p /run/sshd && mount -t tmpfs tmpfs /dev/shm \
               && { $cgroups || true; } && hostname node$k && exec /usr/sbin/sshd -D -e -f '$home/sshd_config'" \
        </dev/null >>"$home/sshd.log" 2>&1 &
    echo $! > "$home/sshd.pid"
}

client_config() {
    local n=$1 k
    : > "$dir/known_hosts.new"
    : > "$dir/ssh_config.new"
    : > "$dir/hosts.new"
    echo "# vigil launch --hosts $dir/hosts (addresses are in ssh_config)" > "$dir/hosts.new"
    for k in $(seq 1 "$n"); do
        echo "$(address "$k") $(cut -d' ' -f1,2 "$dir/node$k/ssh_host_ed25519_key.pub")" >> "$dir/known_hosts.new"
        echo "node$k $(cut -d' ' -f1,2 "$dir/node$k/ssh_host_ed25519_key.pub")" >> "$dir/known_hosts.new"
        printf 'Host node%s\n    HostName %s\n' "$k" "$(address "$k")" >> "$dir/ssh_config.new"
        echo "node$k slots=1" >> "$dir/hosts.new"
    done
    cat >> "$dir/ssh_config.new" <<EOF
Host *
    User root
    IdentityFile $dir/id_ed25519
    IdentitiesOnly yes
    UserKnownHostsFile $dir/known_hosts
    StrictHostKeyChecking yes
    BatchMode yes
    ConnectTimeout 5
EOF
    for f in known_hosts ssh_config hosts; do mv "$dir/$f.new" "$dir/$f"; done
    echo "$n" > "$dir/size"
}

wait_for_sshd() {
    local k=$1 i
    for i in $(seq 100); do
        ssh -F "$dir/ssh_config" "node$k" true 2>/dev/null && return 0
        alive "$dir/node$k/sshd.pid" || die "sshd of node$k exited: $(tail -3 "$dir/node$k/sshd.log")"
        sleep 0.1
    done
    die "node$k: sshd does not answer (log: $dir/node$k/sshd.log)"
}

up() {
    local n=${1:-4} k
    [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 200 ] || die "N must be 1-200"
    if [ -f "$dir/size" ] && [ "$(cat "$dir/size")" != "$n" ]; then
        die "a bench of $(cat "$dir/size") hosts is up in $dir: run down first"
    fi
    if [ ! -f "$dir/size" ] && ip netns list | grep -q "^${name}-node[0-9]* \?"; then
        die "namespaces ${name}-node* exist without $dir: a stale bench; run down first"
    fi
    controller_keys
    bridge_up
    for k in $(seq 1 "$n"); do
        host_network "$k"
        sshd_config "$k"
        sshd_up "$k"
    done
    client_config "$n"
    for k in $(seq 1 "$n"); do wait_for_sshd "$k"; done
    echo "cluster: $n hosts up (ssh -F $dir/ssh_config node1); hosts in $dir/hosts"
    if [ "${VIGIL_CLUSTER_SLURM:-0}" = 1 ]; then slurm_up "$n"; fi
}

stop_pids() {
    [ $# -gt 0 ] || return 0
    kill "$@" 2>/dev/null || true
    for _ in $(seq 30); do
        local left=0 pid
        for pid in "$@"; do running "$pid" && left=1; done
        [ "$left" = 0 ] && return 0
        sleep 0.1
    done
    kill -9 "$@" 2>/dev/null || true
}

down() {
    local pidfile pid ns
    slurm_down
    for pidfile in "$dir"/node*/sshd.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        # The recorded pid is sshd itself (sh execs it), running this bench's
        # config; anything else under that pid is not ours.
        if running "$pid" && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "${pidfile%/sshd.pid}/sshd_config"; then
            stop_pids "$pid"
        fi
        rm -f "$pidfile"
    done
    # What still runs inside the bench's own namespaces was started through
    # it (ssh sessions, ranks, or the sshd of a bench whose directory is
    # gone): stop it too, or it would live on unseen after the namespace.
    for ns in $(ip netns list | awk -v p="^${name}-node[0-9]+$" '$1 ~ p { print $1 }'); do
        stop_pids $(ip netns pids "$ns")
        ip netns del "$ns"
    done
    ip link show "$bridge" >/dev/null 2>&1 && ip link del "$bridge"
    ip link show "$data_bridge" >/dev/null 2>&1 && ip link del "$data_bridge"
    # Only a directory this script made: it holds our client key.
    if [ -d "$dir" ] && [ ! -L "$dir" ] && [ -O "$dir" ] && { [ -f "$dir/id_ed25519" ] || [ -z "$(ls -A "$dir")" ]; }; then
        rm -rf "$dir"
    fi
    echo "cluster: down"
}

status() {
    [ -f "$dir/size" ] || { echo "cluster: not up"; return 0; }
    local k
    for k in $(seq 1 "$(cat "$dir/size")"); do
        if alive "$dir/node$k/sshd.pid"; then s=up; else s=down; fi
        echo "node$k $(address "$k") data $(data_address "$k") sshd $s"
    done
    [ -f "$slurm_conf" ] && SLURM_CONF="$slurm_conf" sinfo -N -o '%N %t %E' || true
}

case "${1:-}" in
    up) up "${2:-4}" ;;
    down) down ;;
    status) status ;;
    *) die "usage: $0 up N | down | status" ;;
esac
