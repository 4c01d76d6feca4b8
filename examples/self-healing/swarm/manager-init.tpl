#!/bin/sh
# flavor-swarm: manager {{ INSTANCE_LOGICAL_ID }} of the self-healing swarm example (rendered by the replica, or the
# bootstrap controller, that creates this node).
node="$SELF_HEALING_NODES/$INFRAKIT_ADDRESS"
mkdir -p "$node/plugins" "$node/home" "$node/exec"
ln -sfn "$HOST_PLUGINS/instance-process" "$node/plugins/instance-process"
# The engine labels link this engine's node to the instance (flavor-swarm's Healthy finds the node by them).
cat > "$node/daemon.json" <<JSON
{"labels": {{ INFRAKIT_LABELS | jsonEncode }}}
JSON
export DOCKER_HOST="unix://$node/docker.sock"
rm -f "$node/docker.pid"
dockerd --config-file "$node/daemon.json" --data-root "$INFRAKIT_VOLUME/docker" --exec-root "$node/exec" \
  --pidfile "$node/docker.pid" -H "$DOCKER_HOST" -H tcp://127.0.0.1:2375 \
  --bridge=none --iptables=false --ip-forward=false --ip-masq=false >>"$node/dockerd.log" 2>&1 &
dockerd_pid=$!
until docker info >/dev/null 2>&1; do
  kill -0 "$dockerd_pid" 2>/dev/null || { echo "dockerd exited: $node/dockerd.log" >&2; exit 1; }
  sleep 0.1
done
{{ SWARM_REJOIN_GUARD }}
if [ "$INFRAKIT_SWARM_JOIN" = 1 ]; then
{{ if and (eq INSTANCE_LOGICAL_ID SPEC.SwarmJoinIP) (not SWARM_INITIALIZED) }}
  docker swarm init --advertise-addr {{ INSTANCE_LOGICAL_ID }} || exit 1
{{ else }}
  docker swarm join --advertise-addr {{ INSTANCE_LOGICAL_ID }} --token {{ SWARM_JOIN_TOKENS.Manager }} {{ SWARM_MANAGER_ADDR }} || exit 1
{{ end }}
fi
