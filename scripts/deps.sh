#!/usr/bin/env bash
# Install the Debian packages Vigil builds and tests with. Idempotent: does
# nothing when they are all present; runs `apt-get update` once otherwise.
set -euo pipefail

packages=(
    libncurses-dev libsqlite3-dev libssh-dev      # system-library targets
    libopenmpi-dev openmpi-bin                    # libvigil, vigil-train, tests
    openssh-server openssh-client                 # launcher and namespace bench
    tmux iproute2 pkg-config                      # console tests, namespaces
    libxxhash-dev                                 # checkpoint shard checksums
    python3-mpi4py python3-numpy                  # the Python checkpoint binding's tests (Debian's python3)
    prometheus-alertmanager                       # the alert hooks' tests post to a real one
    prometheus                                    # the metrics tests: a real one scrapes server and agent
    slurm-wlm munge                               # the Slurm backend's tests: a real slurmctld and slurmds
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo=sudo
fi
echo "deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
