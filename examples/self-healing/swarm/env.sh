# Settings and helpers of the Docker Swarm example (sourced by up.sh, status.sh, kill-leader.sh and down.sh).
#
# Environment:
#   INFRAKIT_BIN       the infrakit binary, built with `--features docker` (default: this checkout's target/release,
#                      else target/debug)
#   SELF_HEALING_DIR   where the cluster keeps its state: plugins, engine data (volumes), logs (default:
#                      /tmp/infrakit-self-healing-swarm)

HERE=$(cd "$(dirname "$0")" && pwd)
VARIANT=swarm
STATE=${SELF_HEALING_DIR:-/tmp/infrakit-self-healing-swarm}
BRIDGE=ik-heal-swarm
HOST_ADDR=198.18.8.1
PREFIX=24
NODES="198.18.8.11 198.18.8.12 198.18.8.13"
# The bootstrap controller's flavor-swarm must not find an engine at the nodes' tcp://127.0.0.1:2375 on the host.
BOOT_ISOLATED=1
. "$HERE/../common.sh"

# The Docker CLI against node $1's engine.
node_docker() {
  _nd_sock="unix://$(node_dir "$1")/docker.sock"
  shift
  docker -H "$_nd_sock" "$@"
}

# The node list of a manager that answers: one line per node, "ID ADDRESS STATE REACHABILITY LEADER".
swarm_nodes() {
  for _sn_ip in $NODES; do
    # The manager's Raft address (host part): what flavor-swarm reads too (a node's Status.Addr may be 0.0.0.0).
    out=$(node_docker "$_sn_ip" node inspect $(node_docker "$_sn_ip" node ls -q 2>/dev/null) --format \
      '{{.ID}} {{.ManagerStatus.Addr}} {{.Status.State}} {{.ManagerStatus.Reachability}} {{.ManagerStatus.Leader}}' \
      2>/dev/null) && [ -n "$out" ] && { echo "$out" | sed 's/^\([^ ]*\) \([^ :]*\):[0-9]* /\1 \2 /'; return 0; }
  done
  return 1
}

# The address of the node whose engine leads the swarm (none: fails).
swarm_leader() {
  swarm_nodes | awk '$5 == "true" {print $2; found = 1} END {exit !found}'
}

# Whether the swarm is whole: exactly three managers, all ready and reachable, one at each node's address, one
# leading.
whole() {
  list=$(swarm_nodes) || return 1
  [ "$(echo "$list" | wc -l)" = 3 ] || return 1
  for _wh_ip in $NODES; do
    echo "$list" | awk -v ip="$_wh_ip" '$2 == ip && $3 == "ready" && $4 == "reachable" {ok = 1} END {exit !ok}' || return 1
  done
  echo "$list" | awk '$5 == "true" {n++} END {exit n != 1}'
}
