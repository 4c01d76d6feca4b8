#!/bin/sh
# Prints one JSON line per node of the self-healing etcd cluster:
#   {"ip", "netns" (null when the node is gone), "etcd" (its client URL), "member" ("healthy" or "down"),
#    "etcd_leader" (its member leads the ensemble), "replica" ("leader", "follower" or "down"), "plugins" (the
#    replica's plugins directory: INFRAKIT_PLUGINS_DIR=<it> infrakit group describe nodes)}
set -u
. "$(cd "$(dirname "$0")" && pwd)/env.sh"

for ip in $NODES; do
  ns=$(netns_of "$ip" || true)
  member=down
  etcd_leader=false
  if member_healthy "$ip"; then
    member=healthy
    member_leads "$ip" && etcd_leader=true
  fi
  replica=$(replica_role "$ip")
  printf '{"ip":"%s","netns":%s,"etcd":"http://%s:%s","member":"%s","etcd_leader":%s,"replica":"%s","plugins":"%s"}\n' \
    "$ip" "$([ -n "$ns" ] && echo "\"$ns\"" || echo null)" "$ip" "$CLIENT_PORT" "$member" "$etcd_leader" "$replica" \
    "$(node_dir "$ip")/plugins"
done
