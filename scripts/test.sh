#!/usr/bin/env bash
# Install dependencies (build and test-only), build, and run the whole test suite with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Test-only Debian packages: headless Chromium drives the playground page test.
test_packages=(chromium fonts-dejavu-core)
missing=()
for package in "${test_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo=sudo
  echo "test: installing ${missing[*]}" >&2
  if ! { $sudo apt-get update -qq &&
         DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    echo "test: installing ${missing[*]} failed; the browser tests will skip" >&2
  fi
fi

# The ONNX export test runs the exported graph in ONNX Runtime; it skips with a message when these
# packages are missing, so a failed install does not fail the suite.
python3 -m pip install --quiet --disable-pip-version-check onnxruntime onnx numpy ||
  echo "test: pip install of onnxruntime, onnx and numpy failed; the ONNX Runtime test will skip" >&2

bash scripts/setup.sh build
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 900
