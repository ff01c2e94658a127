#!/usr/bin/env bash
# Installs dependencies, builds wirestate and runs the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build -j"$(nproc)" --target wirestate_cli
mkdir -p out
./build/wirestate decode pcaps/kernel/tcp_client_close_first.pcap
