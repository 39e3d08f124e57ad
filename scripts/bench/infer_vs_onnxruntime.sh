#!/usr/bin/env bash
# Latency of maas in-process inference (libmaas, maas::Classifier::classify) against ONNX Runtime
# running the same model exported with `maas export --format onnx`, at batch 1 and batch 64, on
# the same texts and thread count. Appends the results and the maas / ONNX Runtime ratio, with
# the command, machine and date, to docs/BENCHMARKS.md.
#
# The model is trained from configs/gametox.yaml when shared/datasets/gametox exists beside the
# clone, else from configs/text.yaml (data/game_intents, in this repository).
#
# Usage: scripts/bench/infer_vs_onnxruntime.sh [BUILD_DIR]   (default: build; built here if needed)
# Environment: ITERATIONS (timed calls per run, default 2000), THREADS (compute threads for both,
# default 1). Needs the Python packages onnxruntime and numpy (pip install onnxruntime numpy).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
build_dir=${1:-build}
iterations=${ITERATIONS:-2000}
threads=${THREADS:-1}

if ! python3 -c 'import onnxruntime, numpy' 2>/dev/null; then
  echo "infer_vs_onnxruntime: the Python packages onnxruntime and numpy are missing;" \
    "install them with 'pip install onnxruntime numpy'" >&2
  exit 1
fi

work=$(mktemp -d /tmp/maas-bench-onnx-XXXXXX)
trap 'rm -rf "$work"' EXIT

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" --target maas libmaas -j "$(nproc)" >/dev/null
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S examples/bench -B "$work/bench" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/bench" >/dev/null
maas=$work/prefix/bin/maas
cores=$(nproc --all)
export MAAS_LOG_LEVEL=warn OMP_NUM_THREADS=$threads

if [[ -f $root/../shared/datasets/gametox/train.csv ]]; then
  config=configs/gametox.yaml
  test_csv=$root/../shared/datasets/gametox/test.csv
else
  echo "infer_vs_onnxruntime: shared/datasets/gametox not found; using configs/text.yaml" >&2
  config=configs/text.yaml
  test_csv=$root/data/game_intents/test.csv
fi
"$maas" train "$config" --no-progress --set output="$work/run" >/dev/null
model=$work/run/model
"$maas" export "$model" --format onnx --output "$work/onnx" >/dev/null

python3 -c 'import csv, sys
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")):
    print(" ".join(row["text"].split()))' "$test_csv" >"$work/texts.txt"
"$maas" tokenize encode --model "$model" "$work/texts.txt" >"$work/ids.txt"

# ONNX Runtime gets the ids maas computed, so its times leave tokenization out; maas's include it.
ort_latency() {
  python3 - "$work/onnx/model.onnx" "$work/ids.txt" "$1" "$iterations" "$threads" <<'PY'
import json, statistics, sys, time

import numpy as np
import onnxruntime

model, ids_file, batch, iterations, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rows = np.array([[int(v) for v in line.split()] for line in open(ids_file)], dtype=np.int64)
options = onnxruntime.SessionOptions()
options.intra_op_num_threads = threads
options.inter_op_num_threads = 1
session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
start = 0
def next_chunk():
    global start
    chunk = np.take(rows, range(start, start + batch), axis=0, mode="wrap")
    start = (start + batch) % len(rows)
    return chunk
for _ in range(20):
    session.run(["probabilities"], {"ids": next_chunk()})
micros = []
for _ in range(iterations):
    chunk = next_chunk()
    begin = time.perf_counter_ns()
    session.run(["probabilities"], {"ids": chunk})
    micros.append((time.perf_counter_ns() - begin) / 1000)
micros.sort()
print(json.dumps({"median_us": statistics.median(micros), "p90_us": micros[len(micros) * 9 // 10],
                  "version": onnxruntime.__version__}))
PY
}

rows=()
for batch in 1 64; do
  maas_json=$("$work/bench/latency" "$model" "$work/texts.txt" "$batch" "$iterations")
  ort_json=$(ort_latency "$batch")
  rows+=("$(python3 -c 'import json, sys
m, o, batch = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
print("| %s | %.1f (p90 %.1f) | %.1f (p90 %.1f) | %.2f |" % (batch, m["median_us"], m["p90_us"], o["median_us"],
      o["p90_us"], m["median_us"] / o["median_us"]))' "$maas_json" "$ort_json" "$batch")")
  ort_version=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["version"])' "$ort_json")
done

{
  echo
  echo "## maas against ONNX Runtime ($(date -u +%Y-%m-%d))"
  echo
  echo "Command: \`scripts/bench/infer_vs_onnxruntime.sh\` (THREADS=$threads, ITERATIONS=$iterations), commit" \
    "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' with local changes')."
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $cores cores, $(uname -sr); ONNX Runtime $ort_version (Python)."
  echo "Model: \`maas train $config\`, exported with \`maas export --format onnx\`; texts: the test set, in turn."
  echo "maas is \`maas::Classifier::classify\` on raw text (tokenization included, examples/bench/latency.cpp);"
  echo "ONNX Runtime is \`InferenceSession.run\` on the ids maas computed (tokenization left out, Python call"
  echo "overhead included). Median and 90th percentile over $iterations calls, in microseconds per call."
  echo
  echo "| batch | maas µs | ONNX Runtime µs | maas / ONNX Runtime |"
  echo "|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee -a docs/BENCHMARKS.md
