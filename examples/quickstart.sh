#!/usr/bin/env bash
# Quickstart: start the file instance plugin and the vanilla flavor, prepare an instance spec with the flavor,
# provision it, list it, then stop the plugins. Everything lives in a temporary INFRAKIT_HOME.
#   bash examples/quickstart.sh
# Set INFRAKIT to an infrakit binary to skip the build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${INFRAKIT:-}" ]; then
  cargo build -q -p infrakit
  INFRAKIT=target/debug/infrakit
fi
export INFRAKIT_HOME="${INFRAKIT_HOME:-$(mktemp -d)}"
unset INFRAKIT_PLUGINS_DIR
plugins="$INFRAKIT_HOME/plugins"

"$INFRAKIT" plugin start instance-file flavor-vanilla --dir "$INFRAKIT_HOME/instances" &
daemon=$!
trap 'kill $daemon 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [ -S "$plugins/instance-file" ] && [ -S "$plugins/flavor-vanilla" ] && break
  sleep 0.1
done

echo "== plugins running"
"$INFRAKIT" plugin ls -o table
echo "== provision an instance prepared by flavor-vanilla"
"$INFRAKIT" flavor prepare --name flavor-vanilla examples/vanilla.json examples/instance.json --size 1 \
  | "$INFRAKIT" instance provision --name instance-file -
echo "== instances"
"$INFRAKIT" instance describe --name instance-file -o table
echo "== instance files in $INFRAKIT_HOME/instances"
ls "$INFRAKIT_HOME/instances"
"$INFRAKIT" plugin stop instance-file
wait "$daemon" || true
trap - EXIT
