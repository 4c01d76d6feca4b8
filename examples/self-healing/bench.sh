#!/bin/sh
# Measures a self-healing example: up.sh, then ROUNDS times kill-leader.sh (a few seconds apart), then down.sh.
# Prints each round's JSON line and a summary line per timing field (min, median, max). Usage: bench.sh etcd|swarm [ROUNDS]
set -eu
variant=${1:?usage: bench.sh etcd|swarm [ROUNDS]}
rounds=${2:-5}
dir=$(cd "$(dirname "$0")" && pwd)/$variant
[ -x "$dir/up.sh" ] || { echo "no example $dir" >&2; exit 1; }
trap '"$dir/down.sh" >/dev/null 2>&1' EXIT
"$dir/up.sh"
lines=""
i=0
while [ "$i" -lt "$rounds" ]; do
  i=$((i + 1))
  sleep 3
  line=$("$dir/kill-leader.sh" 180)
  echo "$line"
  lines="$lines$line
"
done
# min, median and max of each timing field the rounds report.
for field in whole_ms elected_ms healed_ms recreated_ms; do
  printf '%s' "$lines" | sed -n "s/.*\"$field\":\([0-9]*\).*/\1/p" | sort -n | awk -v v="$variant" -v f="$field" '
    {a[NR] = $1}
    END {if (NR) printf "{\"variant\":\"%s\",\"field\":\"%s\",\"rounds\":%d,\"min\":%d,\"median\":%d,\"max\":%d}\n", v, f, NR, a[1], a[int((NR + 1) / 2)], a[NR]}'
done
