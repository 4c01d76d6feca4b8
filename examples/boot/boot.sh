#!/bin/sh
# Boots the cluster "{{ var "cluster" }}" on this machine: starts the plugins, then commits the groups rendered
# from groups.json. This file is a template (the seeds' flow):
#   infrakit template examples/boot/boot.sh --var cluster=demo --var size=3 | sh
set -e
INFRAKIT="${INFRAKIT:-infrakit}"
unset INFRAKIT_PLUGINS_DIR
export INFRAKIT_HOME="${INFRAKIT_HOME:-$HOME/.infrakit-{{ var "cluster" }}}"
mkdir -p "$INFRAKIT_HOME"
nohup "$INFRAKIT" plugin start group instance-process flavor-vanilla >"$INFRAKIT_HOME/plugins.log" 2>&1 &
tries=0
until [ -S "$INFRAKIT_HOME/plugins/group" ] && [ -S "$INFRAKIT_HOME/plugins/instance-process" ]; do
  tries=$((tries + 1))
  if [ "$tries" -gt 100 ]; then
    echo "the plugins did not start; see $INFRAKIT_HOME/plugins.log" >&2
    exit 1
  fi
  sleep 0.1
done
"$INFRAKIT" group commit - <<'GROUPS'
{{ include "groups.json" }}
GROUPS
echo "cluster {{ var "cluster" }} is up: $INFRAKIT group describe {{ var "cluster" }}-workers -o table"
