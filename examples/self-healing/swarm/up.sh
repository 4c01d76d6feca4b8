#!/bin/sh
# Starts a self-healing Docker Swarm on this machine (as root) and returns once its manager quorum is whole:
#   - a bridge ik-heal-swarm (198.18.8.1/24 on the host) and the host's instance-process plugin in netns mode;
#   - three nodes at 198.18.8.11, .12, .13, each a network namespace running a Docker engine that is a Swarm
#     manager (its data root on the node's volume) and an InfraKit manager replica that leads while its engine
#     leads the swarm (swarm:// leadership, specs in the swarm's own Raft store);
#   - the seed's bootstrap: a controller on the host creates the first node, which initialises the swarm; the group
#     is handed to that node's replica, which creates the other two (they join with the manager token); from then
#     on the replica on the Swarm leader keeps the managers whole.
# Then: ./status.sh (one JSON line per node), ./kill-leader.sh (kill -9 the leader's node, time its healing),
# ./down.sh (removes everything this made).
set -eu
. "$(cd "$(dirname "$0")" && pwd)/env.sh"
require flavor-swarm dockerd docker

make_bridge
start_instance_plugin
sed -e "s|@BIN@|$BIN|g" -e "s|@STATE@|$STATE|g" -e "s|@HERE@|$HERE|g" "$HERE/managers.yaml" >"$STATE/managers.yaml"
say "bootstrap: a controller on the host creates the first node, which initialises the swarm"
bootstrap managers.yaml flavor-swarm flavor-combo flavor-vanilla
first=${NODES%% *}
wait_for 120 sh -c "[ \"\$(docker -H unix://$(node_dir "$first")/docker.sock info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null)\" = active ]" ||
  die "the first node did not initialise the swarm within 120 s (see $(node_dir "$first")/dockerd.log)"
wait_for 60 leading_node >/dev/null || die "the first node's replica does not lead within 60 s ($(node_dir "$first")/manager.log)"
hand_over managers.yaml "$(leading_node)"
say "the replica on $first creates the other two managers"
wait_for 180 whole || die "the swarm's three managers are not ready within 180 s (see $STATE/nodes/*/*.log)"
wait_for 60 converged managers 3 || die "the leading replica does not see its three healthy managers ($STATE/nodes/*/manager.log)"
say "up: three managers, the quorum is whole; the replica on $(leading_node || echo '?') leads"
