# Helpers shared by the self-healing examples (sourced by each example's env.sh after it sets VARIANT, STATE,
# BRIDGE, HOST_ADDR, PREFIX and NODES). Helpers keep their own variables under a `_<initials>_` prefix, since sh has
# no local variables.
#
# Environment:
#   INFRAKIT_BIN   the infrakit binary (default: this checkout's target/release/infrakit, else target/debug)

REPO=$(cd "$HERE/../../.." && pwd)
BOOT_NETNS=$BRIDGE-boot
case "$STATE" in
  *[[:space:]]*) echo "SELF_HEALING_DIR must not contain spaces: $STATE" >&2; exit 1 ;;
esac

say() { echo "self-healing $VARIANT: $*" >&2; }
die() { say "$*"; exit 1; }

if [ -n "${INFRAKIT_BIN:-}" ]; then
  BIN=$INFRAKIT_BIN
elif [ -x "$REPO/target/release/infrakit" ]; then
  BIN=$REPO/target/release/infrakit
else
  BIN=$REPO/target/debug/infrakit
fi

# Fails unless run as root with the tools named, and the binary hosts the built-in plugin $1.
require() {
  plugin=$1
  shift
  [ "$(id -u)" = 0 ] || die "needs root (network namespaces, a bridge, iptables)"
  for tool in ip iptables nsenter "$@"; do
    command -v "$tool" >/dev/null || die "$tool is missing (see the README's 'Self-healing cluster')"
  done
  [ -x "$BIN" ] || die "no infrakit binary at $BIN: build it (see the README's 'Self-healing cluster') or set INFRAKIT_BIN"
  "$BIN" plugin start --help 2>/dev/null | grep -q "^ *$plugin " ||
    die "$BIN has no $plugin: build it with the feature the README's 'Self-healing cluster' names"
  if [ -e "$STATE" ] || ip link show "$BRIDGE" >/dev/null 2>&1; then
    die "a cluster is already up here ($STATE, bridge $BRIDGE): run ./down.sh first"
  fi
}

# A node's directory on the host: its manager replica's plugins directory, home and logs.
node_dir() { echo "$STATE/nodes/$1"; }

# The network namespace that holds address $1 (instance-process names them ik-<instance id>).
netns_of() {
  for _no_ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^ik-'); do
    if ip -n "$_no_ns" -4 -o addr show dev eth0 2>/dev/null | grep -q " $1/"; then
      echo "$_no_ns"
      return 0
    fi
  done
  return 1
}

# Waits up to $1 seconds for the command that follows to succeed.
wait_for() {
  _wf_deadline=$(($(date +%s) + $1))
  shift
  until "$@"; do
    [ "$(date +%s)" -lt "$_wf_deadline" ] || return 1
    sleep 0.1
  done
}

# Runs infrakit against node $1's manager replica.
node_infrakit() {
  _ni_dir=$(node_dir "$1")
  shift
  INFRAKIT_HOME="$_ni_dir/home" INFRAKIT_PLUGINS_DIR="$_ni_dir/plugins" "$BIN" "$@"
}

# The role of node $1's replica: leader, follower, or down (it does not answer).
replica_role() {
  case "$(node_infrakit "$1" manager leader --name group 2>/dev/null | tr -d ' \n')" in
    *'"Leader":true'*) echo leader ;;
    *'"Leader":false'*) echo follower ;;
    *) echo down ;;
  esac
}

# The address of the node whose replica leads (none: fails).
leading_node() {
  for _ln_ip in $NODES; do
    if [ "$(replica_role "$_ln_ip")" = leader ]; then
      echo "$_ln_ip"
      return 0
    fi
  done
  return 1
}

# Whether every node's replica answers (a node just recreated starts its replica last).
replicas_up() {
  for _ru_ip in $NODES; do
    [ "$(replica_role "$_ru_ip")" != down ] || return 1
  done
}

# Whether the leading replica manages group $1 and sees $2 healthy instances in it.
converged() {
  _cv_ip=$(leading_node) || return 1
  node_infrakit "$_cv_ip" group status "$1" --name group 2>/dev/null | tr -d ' \n' | grep -q "\"healthy\":$2"
}

# The bridge (with the host's address on it) and the FORWARD rule that lets the nodes reach each other (Docker's
# dockerd sets the FORWARD policy to DROP).
make_bridge() {
  mkdir -p "$STATE/host/plugins" "$STATE/nodes" "$STATE/bootstrap/plugins"
  say "bridge $BRIDGE with $HOST_ADDR/$PREFIX for the host"
  ip link add "$BRIDGE" type bridge
  ip addr add "$HOST_ADDR/$PREFIX" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  iptables -I FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
}

# instance-process on the host, in netns mode: it makes the nodes, as a cloud API would.
start_instance_plugin() {
  say "instance-process (netns mode) on the host: it makes the nodes, as a cloud API would"
  setsid env INFRAKIT_HOME="$STATE/host" INFRAKIT_PLUGINS_DIR="$STATE/host/plugins" \
    "$BIN" plugin start instance-process --network netns --bridge "$BRIDGE" --prefix "$PREFIX" \
    >"$STATE/host/instance-process.log" 2>&1 </dev/null &
  echo $! >"$STATE/host/instance-process.pid"
  wait_for 30 test -S "$STATE/host/plugins/instance-process" ||
    die "instance-process did not start: $STATE/host/instance-process.log"
}

# The bootstrap controller, with the flavors $2..., and the group spec $STATE/$1 committed to it. With
# BOOT_ISOLATED=1 it runs in a network namespace of its own with nothing in it but loopback (BOOT_NETNS), so the
# flavors it runs reach no engine or service of this host by a node-relative address such as tcp://127.0.0.1:2375
# (plugins' UNIX sockets are files and work across namespaces); else on the host, which reaches the nodes through
# the bridge.
bootstrap() {
  _bs_spec=$1
  shift
  _bs_run=""
  if [ "${BOOT_ISOLATED:-0}" = 1 ]; then
    ip netns add "$BOOT_NETNS"
    ip -n "$BOOT_NETNS" link set lo up
    _bs_run="nsenter --net=/var/run/netns/$BOOT_NETNS --"
  fi
  ln -sfn "$STATE/host/plugins/instance-process" "$STATE/bootstrap/plugins/instance-process"
  # shellcheck disable=SC2086
  setsid env INFRAKIT_HOME="$STATE/bootstrap" INFRAKIT_PLUGINS_DIR="$STATE/bootstrap/plugins" \
    INFRAKIT_TEMPLATE_ALLOW_DIR="$HERE" $_bs_run "$BIN" plugin start group "$@" \
    >"$STATE/bootstrap/controller.log" 2>&1 </dev/null &
  echo $! >"$STATE/bootstrap/controller.pid"
  wait_for 30 test -S "$STATE/bootstrap/plugins/group" ||
    die "the bootstrap controller did not start: $STATE/bootstrap/controller.log"
  INFRAKIT_HOME="$STATE/bootstrap" INFRAKIT_PLUGINS_DIR="$STATE/bootstrap/plugins" \
    "$BIN" group commit "$STATE/$_bs_spec" >/dev/null
}

# Commits $STATE/$1 to whichever replica leads now.
commit_to_leader() {
  _cl_ip=$(leading_node) || return 1
  node_infrakit "$_cl_ip" manager commit "$STATE/$1" --name group >"$STATE/hand-over.log" 2>&1 || return 1
  say "handed the group to the replicas: the one on $_cl_ip leads"
}

# Stops the bootstrap controller (the nodes it made keep running) and commits the spec $STATE/$1 to the replica that
# leads, which keeps the group from then on (a leadership change meanwhile is retried).
hand_over() {
  say "handing the group to the replicas; the bootstrap controller leaves the nodes running"
  stop_pid "$STATE/bootstrap/controller.pid"
  ip netns delete "$BOOT_NETNS" 2>/dev/null || true
  rm -rf "$STATE/bootstrap"
  wait_for 60 commit_to_leader "$1" ||
    die "no leading replica took the group within 60 s: $(cat "$STATE/hand-over.log" 2>/dev/null)"
}

# Stops the process of a pid file: TERM, then KILL after 5 s.
stop_pid() {
  [ -f "$1" ] || return 0
  _sp_pid=$(cat "$1")
  kill "$_sp_pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$_sp_pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$_sp_pid" 2>/dev/null
  return 0
}

# kill -9 of every process in namespace $1, again until none is left (a process may fork meanwhile), for at most
# 10 s.
kill_netns() {
  for _ in $(seq 100); do
    _kn_pids=$(ip netns pids "$1" 2>/dev/null || true)
    [ -n "$_kn_pids" ] || return 0
    echo "$_kn_pids" | xargs -r kill -9 2>/dev/null
    sleep 0.1
  done
  return 0
}

# The IDs of the instances instance-process on the host holds.
instance_ids() {
  INFRAKIT_HOME="$STATE/host" INFRAKIT_PLUGINS_DIR="$STATE/host/plugins" \
    "$BIN" instance describe --name instance-process -o json 2>/dev/null | sed -n 's/^ *"ID": *"\([^"]*\)".*/\1/p'
}

# Removes everything: the bootstrap controller and the nodes' processes first (so nothing recreates anything), then
# the instances through instance-process (their namespaces and cgroups go with them), the host's plugin, what is
# left of the namespaces, the bridge and its veths, the FORWARD rule, mounts and the state directory.
teardown() {
  stop_pid "$STATE/bootstrap/controller.pid"
  ip netns delete "$BOOT_NETNS" 2>/dev/null
  for _td_ip in $NODES; do
    _td_ns=$(netns_of "$_td_ip") && kill_netns "$_td_ns"
  done
  _td_ids=$(instance_ids)
  if [ -n "$_td_ids" ]; then
    # shellcheck disable=SC2086
    INFRAKIT_HOME="$STATE/host" INFRAKIT_PLUGINS_DIR="$STATE/host/plugins" \
      "$BIN" instance destroy --name instance-process $_td_ids >/dev/null 2>&1
  fi
  stop_pid "$STATE/host/instance-process.pid"
  for _td_ip in $NODES; do
    if _td_ns=$(netns_of "$_td_ip"); then
      kill_netns "$_td_ns"
      ip netns delete "$_td_ns" 2>/dev/null
    fi
  done
  for link in $(ip -o link show master "$BRIDGE" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
    ip link delete "$link" 2>/dev/null
  done
  ip link delete "$BRIDGE" 2>/dev/null
  while iptables -C FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null; do
    iptables -D FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
  done
  # What killed processes left mounted under the state directory (dockerd bind-mounts its data root onto itself
  # and its sandboxes' namespaces into its exec root), deepest first.
  awk -v dir="$STATE/" 'index($5, dir) == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null
  done
  rm -rf "$STATE"
  say "down: nodes, namespaces, bridge, firewall rule and $STATE removed"
}

# Kills the node at $1 (kill -9 of every process in its namespace), waits up to $2 s until the command that follows
# says the cluster is whole again with a new namespace at $1, and prints the JSON line of kill-leader.sh.
# Before: waits up to $2 s for the cluster to be whole (the command that follows) with every replica up.
# Sets KILLED_AT and HEALED_AT (nanoseconds since the epoch).
kill_and_time() {
  _kt_victim=$1
  _kt_limit=$2
  shift 2
  wait_for "$_kt_limit" replicas_up || die "a replica is down: nothing to heal from (./status.sh)"
  _kt_ns=$(netns_of "$_kt_victim") || die "no namespace holds $_kt_victim"
  KILLED_AT=$(date +%s%N)
  kill_netns "$_kt_ns"
  say "killed node $_kt_victim (every process in $_kt_ns)"
  healed() { _kt_now=$(netns_of "$_kt_victim") && [ "$_kt_now" != "$_kt_ns" ] && "$@"; }
  wait_for "$_kt_limit" healed "$@" || die "not whole within $_kt_limit s"
  HEALED_AT=$(date +%s%N)
  printf '{"killed":"%s","new_leader":"%s","whole_ms":%d' "$_kt_victim" "$(leading_node || true)" \
    $(((HEALED_AT - KILLED_AT) / 1000000))
}
