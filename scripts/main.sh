#!/usr/bin/env bash
# Installs dependencies, builds wirestate and runs the main job: the socket example of
# DESIGN.md (timeline, ladder, pcap, expectations).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build -j"$(nproc)" --target wirestate_cli
mkdir -p out
./build/wirestate run scenarios/socket_example.json --ladder -w out/socket_example.pcap \
  --events out/socket_example.jsonl --diagram out/socket_example.html
