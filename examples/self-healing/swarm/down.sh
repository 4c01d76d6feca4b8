#!/bin/sh
# Removes everything up.sh made: the nodes (every process in their namespaces: engines, containerd, replicas), the
# namespaces, the host's plugins, the bridge, the firewall rule and the state directory (engine data included).
# Safe to run again, or after a failed up.sh.
set -u
. "$(cd "$(dirname "$0")" && pwd)/env.sh"
teardown
