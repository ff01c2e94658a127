#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for SECONDS seconds
# (default 30) over a seed corpus made from ../shared/pcaps, the scenarios and the
# hand-written seeds. Fails when any target crashes, leaks, times out or breaks a harness
# invariant; each failing input is copied to tests/regressions/<target>/ so the normal
# test suite replays it from then on (commit it with the fix).
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 30, scripts/fuzz.sh 600 decode
# Environment: FUZZ_BUILD (default build-fuzz), FUZZ_JOBS (ninja -j, default 2).
set -uo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
build="${FUZZ_BUILD:-build-fuzz}"
jobs="${FUZZ_JOBS:-2}"

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DWIRESTATE_BUILD_FUZZ=ON -DWIRESTATE_BUILD_TESTS=OFF -DWIRESTATE_BUILD_BENCH=OFF > /dev/null || exit 2
if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  targets=()
  for src in fuzz/*_fuzz.cpp; do
    name="$(basename "$src" .cpp)"
    targets+=("${name%_fuzz}")
  done
fi
build_targets=()
for t in "${targets[@]}"; do build_targets+=("${t}_fuzz"); done
ninja -C "$build" -j"$jobs" "${build_targets[@]}" || exit 2

corpus="$build/corpus"
/usr/bin/python3 fuzz/make_seeds.py "$corpus" 2>/dev/null || exit 2

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
summary="$build/fuzz-summary.txt"
: > "$summary"
failed=0
for t in "${targets[@]}"; do
  mkdir -p "$corpus/$t" "$build/artifacts/$t"
  log="$build/fuzz-$t.log"
  max_len=8192
  [[ "$t" == pcap ]] && max_len=262144
  "$build/fuzz/${t}_fuzz" "$corpus/$t" -max_total_time="$seconds" -timeout=25 \
    -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$t/" > "$log" 2>&1
  rc=$?
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)"
  if [[ $rc -ne 0 ]]; then
    failed=1
    mkdir -p "tests/regressions/$t"
    for a in "$build/artifacts/$t"/*; do
      [[ -f "$a" ]] || continue
      cp "$a" "tests/regressions/$t/"
      echo "fuzz: $t: failing input kept as tests/regressions/$t/$(basename "$a")"
    done
    echo "fuzz: $t FAILED (exit $rc, ${execs:-?} executions); log: $log" | tee -a "$summary"
    grep -m1 -A12 -E '^==[0-9]+==ERROR|runtime error|fuzz invariant failed|ERROR: libFuzzer' "$log"
    rm -f "$build/artifacts/$t"/*
  else
    echo "fuzz: $t ok (${execs:-?} executions in ${seconds}s, corpus $(ls "$corpus/$t" | wc -l) inputs)" | tee -a "$summary"
  fi
done
exit "$failed"
