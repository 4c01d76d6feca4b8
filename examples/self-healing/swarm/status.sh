#!/bin/sh
# Prints one JSON line per manager node of the self-healing swarm:
#   {"ip", "netns" (null when the node is gone), "docker" (its engine's socket), "node" (its swarm node ID),
#    "state" ("ready", "down", or "unknown" when no manager answers), "reachability", "swarm_leader",
#    "replica" ("leader", "follower" or "down"), "plugins" (the replica's plugins directory)}
set -u
. "$(cd "$(dirname "$0")" && pwd)/env.sh"

list=$(swarm_nodes || true)
for ip in $NODES; do
  ns=$(netns_of "$ip" || true)
  # The entry at this address that is ready, else any (a stale one).
  line=$(echo "$list" | awk -v ip="$ip" '$2 == ip && $3 == "ready" {print; exit}')
  [ -n "$line" ] || line=$(echo "$list" | awk -v ip="$ip" '$2 == ip {print; exit}')
  set -- $line
  id=${1:-}
  state=${3:-unknown}
  reach=${4:-unknown}
  leads=false
  [ "${5:-}" = true ] && leads=true
  replica=$(replica_role "$ip")
  printf '{"ip":"%s","netns":%s,"docker":"unix://%s/docker.sock","node":"%s","state":"%s","reachability":"%s","swarm_leader":%s,"replica":"%s","plugins":"%s"}\n' \
    "$ip" "$([ -n "$ns" ] && echo "\"$ns\"" || echo null)" "$(node_dir "$ip")" "$id" "$state" "$reach" "$leads" \
    "$replica" "$(node_dir "$ip")/plugins"
done
