#!/bin/sh
# Kills the leader's node (kill -9 of every process in its network namespace: its engine, containerd and manager
# replica) and waits until the swarm is whole again: the remaining managers elect a new leader (Swarm's own
# election, 10-14 s here), the replica on it takes over and recreates the node at the same address on the same
# volume, and its engine rejoins the swarm as the same node. Prints one JSON line:
#   {"killed", "new_leader" (the replica leading now), "whole_ms" (kill to whole), "elected_ms" (kill to the swarm's
#    new leader, from the engines' Raft logs), "healed_ms" (the swarm's new leader to whole), "recreated_ms" (the
#    swarm's new leader to the recreated node's engine starting: InfraKit's part)}
# Usage: kill-leader.sh [LIMIT_SECONDS]
set -eu
. "$(cd "$(dirname "$0")" && pwd)/env.sh"

wait_for "${1:-120}" whole || die "the swarm is not whole: nothing to heal from (./status.sh)"
victim=$(swarm_leader) || die "no manager leads the swarm"
kill_and_time "$victim" "${1:-120}" whole
# When the swarm elected its new leader, from the surviving engines' logs (Raft says "elected leader" there).
elected=""
for ip in $NODES; do
  [ "$ip" = "$victim" ] && continue
  for ts in $(grep 'elected leader' "$(node_dir "$ip")/dockerd.log" 2>/dev/null | sed -n 's/^time="\([^"]*\)".*/\1/p'); do
    t=$(date -d "$ts" +%s%N 2>/dev/null) || continue
    if [ "$t" -gt "$KILLED_AT" ] && { [ -z "$elected" ] || [ "$t" -lt "$elected" ]; }; then elected=$t; fi
  done
done
# When the recreated node's engine started (its log's last "Starting up"): InfraKit's part ends there. The rest is
# Swarm's: the new Raft leader reconnects to the node (swarmkit's gRPC back-off, up to 8 s), and dockerd answers only
# once its swarm node has heard from the leader.
started=$(grep 'msg="Starting up"' "$(node_dir "$victim")/dockerd.log" 2>/dev/null | tail -n 1 | sed -n 's/^time="\([^"]*\)".*/\1/p')
started=$(date -d "$started" +%s%N 2>/dev/null || true)
if [ -n "$elected" ]; then
  printf ',"elected_ms":%d,"healed_ms":%d' $(((elected - KILLED_AT) / 1000000)) $(((HEALED_AT - elected) / 1000000))
  [ -n "$started" ] && [ "$started" -gt "$elected" ] && printf ',"recreated_ms":%d' $(((started - elected) / 1000000))
fi
echo "}"
