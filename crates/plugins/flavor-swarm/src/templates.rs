//! The default init script templates (InfraKit v0.5's, with the rejoin guard) and the guard itself.
//!
//! The guard is why a replacement that comes back on a lost node's engine data does not join twice: the flavor
//! cannot see the instance's volume, so the script decides at boot. It waits for the local engine, reads
//! `docker info --format '{{.Swarm.LocalNodeState}}'`, and only an engine with no swarm state (`inactive`) joins
//! (or initialises the swarm); one that is `active`, `pending` or `locked` already has a node ID and rejoins by
//! itself (a second `docker swarm join` is refused with "This node is already part of a swarm", and adding a node
//! twice can break the swarm: moby #34722). Any other answer (`error`, or no answer within a minute) fails the
//! script, so nothing joins blind. Custom templates get the same with `{{ SWARM_REJOIN_GUARD }}`, then test
//! `$INFRAKIT_SWARM_JOIN`.

/// The shell text `SWARM_REJOIN_GUARD` renders to: sets `INFRAKIT_SWARM_STATE` (the engine's local node state) and
/// `INFRAKIT_SWARM_JOIN` (`1` for a fresh engine that must join or init, `0` for one already in a swarm), or exits
/// non-zero when the state cannot be told.
pub const REJOIN_GUARD: &str = r#"# flavor-swarm's rejoin guard: an engine that already has swarm state (it came back on its data, with its node
# ID) rejoins the swarm by itself and must not run `docker swarm join` again; only a fresh engine joins.
INFRAKIT_SWARM_STATE=
infrakit_swarm_wait=0
while [ "$infrakit_swarm_wait" -lt 60 ]; do
  INFRAKIT_SWARM_STATE=$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null) && break
  infrakit_swarm_wait=$((infrakit_swarm_wait + 1))
  sleep 1
done
case "$INFRAKIT_SWARM_STATE" in
  inactive) INFRAKIT_SWARM_JOIN=1 ;;
  active|pending|locked)
    INFRAKIT_SWARM_JOIN=0
    echo "flavor-swarm: the engine is already in a swarm ($INFRAKIT_SWARM_STATE): not joining again" ;;
  *)
    echo "flavor-swarm: cannot tell whether the engine is in a swarm (state: ${INFRAKIT_SWARM_STATE:-no answer})" >&2
    exit 1 ;;
esac
"#;

/// The default manager init script: v0.5's, with the rejoin guard before `swarm init` / `swarm join`. The first
/// manager (the `SwarmJoinIP` one) still turns on the engine's tcp listener when it comes back on its data.
pub const DEFAULT_MANAGER_INIT: &str = r#"#!/bin/sh
set -o errexit
set -o nounset
set -o xtrace

mkdir -p /etc/docker
cat << EOF > /etc/docker/daemon.json
{
  "labels": {{ INFRAKIT_LABELS | jsonEncode }}
}
EOF

{{/* Reload the engine labels */}}
kill -s HUP $(cat /var/run/docker.pid)
sleep 5

{{ SWARM_REJOIN_GUARD }}
{{ if and ( eq INSTANCE_LOGICAL_ID SPEC.SwarmJoinIP ) (not SWARM_INITIALIZED) }}

  {{/* The first node of the special allocations will initialize the swarm. */}}
  if [ "$INFRAKIT_SWARM_JOIN" = 1 ]; then
    docker swarm init --advertise-addr {{ INSTANCE_LOGICAL_ID }}
  fi

  # Tell Docker to listen on port 4243 for remote API access. This is optional.
  echo DOCKER_OPTS="\"-H tcp://0.0.0.0:4243 -H unix:///var/run/docker.sock\"" >> /etc/default/docker

  # Restart Docker to let port listening take effect.
  service docker restart

{{ else }}

  {{/* The rest of the nodes will join as followers in the manager group. */}}
  if [ "$INFRAKIT_SWARM_JOIN" = 1 ]; then
    docker swarm join --token {{ SWARM_JOIN_TOKENS.Manager }} {{ SWARM_MANAGER_ADDR }}
  fi

{{ end }}
"#;

/// The default worker init script: v0.5's, with the rejoin guard before `swarm join`.
pub const DEFAULT_WORKER_INIT: &str = r#"#!/bin/sh
set -o errexit
set -o nounset
set -o xtrace

mkdir -p /etc/docker
cat << EOF > /etc/docker/daemon.json
{
  "labels": {{ INFRAKIT_LABELS | jsonEncode }}
}
EOF

# Tell engine to reload labels
kill -s HUP $(cat /var/run/docker.pid)

sleep 5

{{ SWARM_REJOIN_GUARD }}
if [ "$INFRAKIT_SWARM_JOIN" = 1 ]; then
  docker swarm join --token {{ SWARM_JOIN_TOKENS.Worker }} {{ SWARM_MANAGER_ADDR }}
fi
"#;
