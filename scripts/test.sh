#!/usr/bin/env bash
# Install dependencies, build, and run the whole test suite with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh build
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 900
