#!/bin/sh
# Slurm Prolog for Vigil: makes sure this node's agent runs before a job's
# ranks start here, so libvigil finds it. In slurm.conf:
#
#   Prolog=/etc/vigil/slurm-prolog.sh
#   PrologFlags=Alloc        # on every allocated node, before the batch script
#
# The agent takes its settings from the config file's agent section
# ($VIGIL_CONFIG, else /etc/vigil/vigil.yaml: server, token-file, ...);
# arguments given to this script are added to `vigil agent run`.
# It never fails the job: a prolog that fails drains the node, and a job
# without telemetry is better than no job. docs/slurm.md.
vigil=${VIGIL:-/usr/local/bin/vigil}
log=${VIGIL_AGENT_LOG:-/var/log/vigil-agent.log}

"$vigil" agent ranks >/dev/null 2>&1 && exit 0
setsid "$vigil" agent run "$@" </dev/null >>"$log" 2>&1 &
tries=0
while [ "$tries" -lt 100 ]; do
    "$vigil" agent ranks >/dev/null 2>&1 && exit 0
    sleep 0.1
    tries=$((tries + 1))
done
echo "vigil: the agent did not start on $(hostname) within 10 s (see $log)" >&2
exit 0
