#!/usr/bin/env bash
# Install maas's build dependencies from Debian 12 packages (only those missing) and build Release.
# Usage: scripts/setup.sh [BUILD_DIR] [TARGET...]   (default: build, all targets)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
shift || true
targets=()
for target in "$@"; do targets+=(--target "$target"); done

packages=(
  build-essential cmake pkg-config
  libdnnl-dev ocl-icd-opencl-dev libcli11-dev libyaml-cpp-dev libcpp-httplib-dev libssl-dev
  libfmt-dev libspdlog-dev nlohmann-json3-dev libutf8proc-dev libgtest-dev
  libonnx-dev libprotobuf-dev
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo=sudo
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" -j "$(nproc)" "${targets[@]}"
