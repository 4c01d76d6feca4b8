# Settings and helpers of the etcd example (sourced by up.sh, status.sh, kill-leader.sh and down.sh).
#
# Environment:
#   INFRAKIT_BIN       the infrakit binary, built with `--features etcd` (default: this checkout's target/release,
#                      else target/debug)
#   SELF_HEALING_DIR   where the cluster keeps its state: plugins, volumes, logs (default:
#                      /tmp/infrakit-self-healing-etcd)

HERE=$(cd "$(dirname "$0")" && pwd)
VARIANT=etcd
STATE=${SELF_HEALING_DIR:-/tmp/infrakit-self-healing-etcd}
BRIDGE=ik-heal-etcd
HOST_ADDR=198.18.9.1
PREFIX=24
NODES="198.18.9.11 198.18.9.12 198.18.9.13"
CLIENT_PORT=2379
. "$HERE/../common.sh"

etcdctl_to() {
  _ec_endpoints=$1
  shift
  ETCDCTL_API=3 etcdctl --endpoints="$_ec_endpoints" --dial-timeout=1s --command-timeout=2s "$@"
}

# Every node's client URL, comma-separated.
endpoints() {
  _ep=""
  for _ep_ip in $NODES; do _ep="$_ep${_ep:+,}http://$_ep_ip:$CLIENT_PORT"; done
  echo "$_ep"
}

# Whether the member at $1 answers healthy.
member_healthy() { etcdctl_to "http://$1:$CLIENT_PORT" endpoint health >/dev/null 2>&1; }

# Whether the member at $1 leads the ensemble.
member_leads() { etcdctl_to "http://$1:$CLIENT_PORT" endpoint status 2>/dev/null | awk -F', ' '{print $5}' | grep -qx true; }

# How many members the ensemble lists as started (names set).
started_members() {
  etcdctl_to "$(endpoints)" member list 2>/dev/null | awk -F', ' '$2 == "started" && $3 != "" {n++} END {print n + 0}'
}

# Whether the cluster is whole: every node's member healthy, and three members started.
whole() {
  for _wh_ip in $NODES; do member_healthy "$_wh_ip" || return 1; done
  [ "$(started_members)" = 3 ]
}
