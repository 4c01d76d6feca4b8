#!/bin/sh
# Kills the leader's node (kill -9 of every process in its network namespace: its etcd member and its manager
# replica) and waits until the cluster is whole again: the quorum elects a new leader, the replica there recreates
# the node at the same address with the same volume, and its member restarts on its data. Prints one JSON line:
#   {"killed": <ip>, "new_leader": <ip of the replica leading now>, "whole_ms": <from the kill to whole>}
# Usage: kill-leader.sh [LIMIT_SECONDS]
set -eu
. "$(cd "$(dirname "$0")" && pwd)/env.sh"

wait_for "${1:-60}" whole || die "the cluster is not whole: nothing to heal from (./status.sh)"
victim=""
for node in $NODES; do
  if member_leads "$node"; then victim=$node; fi
done
[ -n "$victim" ] || die "no member leads the ensemble"
kill_and_time "$victim" "${1:-60}" whole
echo "}"
