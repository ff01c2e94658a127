#!/usr/bin/env bash
# Installs dependencies, builds wirestate and runs the whole test suite.
#   scripts/test.sh              normal build in build/
#   scripts/test.sh --sanitize   AddressSanitizer + UBSan build in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
# deps.sh installed every tool the tests use and this runs as root, so no test may skip: a
# skip for a missing tool, root or namespaces fails (WIRESTATE_REQUIRE_ALL=0 lets them skip).
export WIRESTATE_REQUIRE_ALL="${WIRESTATE_REQUIRE_ALL:-1}"
build=build
flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [[ "${1:-}" == "--sanitize" ]]; then
  build=build-asan
  flags=(-DCMAKE_BUILD_TYPE=Debug -DWIRESTATE_SANITIZE=ON -DWIRESTATE_BUILD_BENCH=OFF)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
cmake -S . -B "$build" -G Ninja "${flags[@]}" > /dev/null
cmake --build "$build" -j"$(nproc)"
log="$build/ctest.log"
ctest --test-dir "$build" --output-on-failure --no-tests=error -j"$(nproc)" 2>&1 | tee "$log"
# A skip that did not go through WIRESTATE_SKIP_UNLESS_REQUIRED (a bare GTEST_SKIP) still
# counts as a pass for ctest: refuse it too.
if [[ "$WIRESTATE_REQUIRE_ALL" != 0 ]] && grep -q "(Skipped)" "$log"; then
  echo "test.sh: tests were skipped although WIRESTATE_REQUIRE_ALL is set (see 'did not run' above)" >&2
  exit 1
fi
