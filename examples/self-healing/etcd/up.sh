#!/bin/sh
# Starts a self-healing etcd cluster on this machine (as root) and returns once its quorum is whole:
#   - a bridge ik-heal-etcd (198.18.9.1/24 on the host) and the host's instance-process plugin in netns mode;
#   - three nodes at 198.18.9.11, .12, .13, each a network namespace running an etcd member (data on the node's
#     volume) and an InfraKit manager replica (leadership from that etcd's Raft leader, specs in etcd);
#   - the nodes are a pet group of the cluster itself: a bootstrap controller on the host creates them, then hands
#     the group to the replicas and leaves; from then on the replica on the etcd leader keeps the nodes whole.
# Then: ./status.sh (one JSON line per node), ./kill-leader.sh (kill -9 the leader's node, time its healing),
# ./down.sh (removes everything this made).
set -eu
. "$(cd "$(dirname "$0")" && pwd)/env.sh"
require flavor-etcd etcd etcdctl

make_bridge
start_instance_plugin
sed -e "s|@BIN@|$BIN|g" -e "s|@STATE@|$STATE|g" "$HERE/nodes.yaml" >"$STATE/nodes.yaml"
say "bootstrap: a controller on the host creates the three nodes"
bootstrap nodes.yaml flavor-etcd flavor-combo flavor-vanilla
wait_for 120 whole || die "the ensemble did not form within 120 s (see $STATE/host/instance-process/logs)"
wait_for 60 leading_node >/dev/null || die "no replica leads within 60 s (see $STATE/nodes/*/manager.log)"
hand_over nodes.yaml "$(leading_node)"
wait_for 60 converged nodes 3 || die "the leading replica does not see its three healthy nodes ($STATE/nodes/*/manager.log)"
wait_for 60 whole || die "the cluster is not whole"
say "up: three nodes, the quorum is whole; the replica on $(leading_node || echo '?') leads"
