#!/usr/bin/env bash
# Installs what wirestate needs to build and test on Debian 12 (run as root).
# Skips the apt step when every package is already there.
set -euo pipefail
packages=(
  g++ cmake ninja-build pkg-config
  libpcap-dev nlohmann-json3-dev libgtest-dev libgmock-dev libcli11-dev libfmt-dev
  libexpected-dev libbenchmark-dev
  # test oracles: tshark decodes our pcaps, scapy and the kernel are independent peers
  tshark tcpdump python3-scapy iproute2
  # fuzzing and the sanitizer runtime for clang
  clang libclang-rt-14-dev
  # the HTML ladder diagram is rendered headless in a test; a CJK font draws "你好"
  chromium fonts-wqy-microhei
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
