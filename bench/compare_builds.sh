#!/usr/bin/env bash
# End-to-end throughput of two builds on one capture, in one interleaved run: per round and
# per build (the order alternates between rounds), the plain libpcap loop, `wirestate decode
# --count-only` and `wirestate analyze --json > /dev/null`, each timed as a whole process:
# wall clock, CPU time (perf stat's task-clock: user + system, less disturbed than the wall
# clock when other jobs share the cores) and peak RSS (/usr/bin/time). The summary gives
# each figure's minimum over the rounds in ns/packet, and its ratio to the minimum of the
# libpcap loop of the same build in the same run (the machine's speed cancels out).
#   bench/compare_builds.sh BUILD_A BUILD_B FILE.pcap [ROUNDS]    (default 5 rounds)
# BUILD_x is a build directory holding wirestate and bench/pcap_loop_tool.
set -euo pipefail
if (($# < 3)); then
  echo "usage: $0 BUILD_A BUILD_B FILE.pcap [ROUNDS]" >&2
  exit 2
fi
builds=("$1" "$2")
file=$3
rounds=${4:-5}
packets=$("${builds[0]}/bench/pcap_loop_tool" "$file" | awk '/^packets/ {print $2}')
raw=$(mktemp)
rss=$(mktemp)
stat=$(mktemp)
trap 'rm -f "$raw" "$rss" "$stat"' EXIT

# One timed run: prints "build tool wall-ns/packet cpu-ns/packet peak-RSS-KiB".
run() {
  local build=$1 tool=$2
  shift 2
  local t0 t1 cpu_ms
  t0=$(date +%s%N)
  perf stat -x, -e task-clock -o "$stat" -- /usr/bin/time -f '%M' -o "$rss" "$@" > /dev/null
  t1=$(date +%s%N)
  cpu_ms=$(awk -F, '$3 == "task-clock" || $3 ~ /^task-clock/ {print $1}' "$stat")
  awk -v b="$build" -v t="$tool" -v ns=$((t1 - t0)) -v cpu="$cpu_ms" -v n="$packets" -v r="$(tail -n 1 "$rss")" \
    'BEGIN { printf "%s %s %.1f %.1f %d\n", b, t, ns / n, cpu * 1e6 / n, r }'
}

for ((r = 1; r <= rounds; ++r)); do
  order=(0 1)
  ((r % 2 == 0)) && order=(1 0)
  for i in "${order[@]}"; do
    b=${builds[$i]}
    run "$b" pcap_loop "$b/bench/pcap_loop_tool" "$file" >> "$raw"
    run "$b" decode_count_only "$b/wirestate" decode --count-only "$file" >> "$raw"
    run "$b" analyze_json "$b/wirestate" analyze --json "$file" >> "$raw"
  done
done

echo "# $packets packets, $rounds rounds; every run (build tool wall-ns cpu-ns rss-KiB):"
sed 's/^/#   /' "$raw"
printf '%-32s %-18s %10s %8s %10s %8s %12s\n' build tool wall_ns wall_x cpu_ns cpu_x max_rss_KiB
awk '{
  k = $1 " " $2
  if (!(k in wall) || $3 < wall[k]) wall[k] = $3
  if (!(k in cpu) || $4 < cpu[k]) cpu[k] = $4
  if ($5 > rss[k]) rss[k] = $5
  if (!(k in seen)) { seen[k] = 1; order[++n] = k }
}
END {
  for (i = 1; i <= n; ++i) {
    k = order[i]
    split(k, p, " ")
    base = p[1] " pcap_loop"
    printf "%-32s %-18s %10.1f %8.2f %10.1f %8.2f %12d\n", p[1], p[2], wall[k], wall[k] / wall[base], cpu[k], cpu[k] / cpu[base], rss[k]
  }
}' "$raw"
