#!/usr/bin/env bash
# Float32 against int8 (maas export --quantize int8) on the GameTox and SMS Spam datasets:
# artifact size, test accuracy, predicted class mix and batch-1 latency of in-process
# classification through libmaas. Writes the results, with the command, machine and date, as the
# "## int8 against float32" section of docs/BENCHMARKS.md, replacing that section and leaving the
# others as they are. Datasets are read from shared/datasets/ beside the clone; a missing one is
# skipped with a message.
#
# Usage: scripts/bench/int8.sh [BUILD_DIR]   (default: build; built here if needed)
# Environment: ITERATIONS (timed calls per latency run, default 2000), THREADS (compute threads,
# default 1, so latency does not depend on what else runs on the machine), JOBS (parallel build
# jobs, default the number of cores).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
build_dir=${1:-build}
iterations=${ITERATIONS:-2000}
threads=${THREADS:-1}
datasets_dir=$root/../shared/datasets

work=$(mktemp -d /tmp/maas-bench-int8-XXXXXX)
trap 'rm -rf "$work"' EXIT

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" --target maas libmaas -j "${JOBS:-$(nproc)}" >/dev/null
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S examples/bench -B "$work/bench" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/bench" >/dev/null
maas=$work/prefix/bin/maas
cores=$(nproc --all)
export MAAS_LOG_LEVEL=warn OMP_NUM_THREADS=$threads

# Prints the text column of a CSV file, one text per line (newlines inside a text become spaces).
csv_texts() {
  python3 -c 'import csv, sys
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")):
    print(" ".join(row["text"].split()))' "$1"
}

# Prints "label:count ..." for the top labels `maas predict` gives on a texts file.
class_mix() {
  "$maas" predict "$1" "$2" --threads "$threads" |
    python3 -c 'import collections, json, sys
counts = collections.Counter(json.loads(line)["label"] for line in sys.stdin)
print(" ".join(f"{label}:{count}" for label, count in sorted(counts.items())))'
}

folder_bytes() { du -sb "$1" | cut -f1; }

rows=()
for dataset in gametox sms_spam; do
  if [[ ! -f $datasets_dir/$dataset/train.csv ]]; then
    echo "int8: skipping $dataset: $datasets_dir/$dataset/train.csv not found" >&2
    continue
  fi
  echo "int8: training $dataset" >&2
  "$maas" train "configs/$dataset.yaml" --no-progress --set output="$work/run-$dataset" >/dev/null
  model=$work/run-$dataset/model
  "$maas" export "$model" --output "$work/repo" --name "$dataset" --version 1 >/dev/null
  "$maas" export "$model" --output "$work/repo" --name "$dataset" --version 2 --quantize int8 >/dev/null
  float_dir=$work/repo/$dataset/1
  int8_dir=$work/repo/$dataset/2

  test_csv=$datasets_dir/$dataset/test.csv
  csv_texts "$test_csv" >"$work/$dataset-texts.txt"
  accuracy() { "$maas" eval "$1" --data "$test_csv" --json --threads "$threads" |
    python3 -c 'import json, sys; print("%.2f" % (100 * json.load(sys.stdin)["accuracy"]))'; }
  latency() { "$work/bench/latency" "$1" "$work/$dataset-texts.txt" 1 "$iterations" |
    python3 -c 'import json, sys; d = json.load(sys.stdin); print("%.1f (p90 %.1f)" % (d["median_us"], d["p90_us"]))'; }

  float_size=$(folder_bytes "$float_dir")
  int8_size=$(folder_bytes "$int8_dir")
  float_weights=$(stat -c %s "$float_dir/weights.safetensors")
  int8_weights=$(stat -c %s "$int8_dir/weights.safetensors")
  float_accuracy=$(accuracy "$float_dir")
  int8_accuracy=$(accuracy "$int8_dir")
  rows+=("| $dataset | $float_size / $int8_size ($(python3 -c "print(f'{$float_size / $int8_size:.2f}')")x) \
| $float_weights / $int8_weights ($(python3 -c "print(f'{$float_weights / $int8_weights:.2f}')")x) \
| $float_accuracy / $int8_accuracy ($(python3 -c "print(f'{$int8_accuracy - $float_accuracy:+.2f}')")) \
| $(class_mix "$float_dir" "$work/$dataset-texts.txt") / $(class_mix "$int8_dir" "$work/$dataset-texts.txt") \
| $(latency "$float_dir") / $(latency "$int8_dir") |")
done

if ((${#rows[@]} == 0)); then
  echo "int8: no dataset found under $datasets_dir; nothing measured" >&2
  exit 0
fi

section=$work/section.md
{
  echo "## int8 against float32 ($(date -u +%Y-%m-%d))"
  echo
  echo "Command: \`scripts/bench/int8.sh\` (THREADS=$threads, ITERATIONS=$iterations), commit" \
    "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' with local changes')."
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $cores cores, $(uname -sr)."
  echo "Each model is trained by \`maas train configs/DATASET.yaml\`; the int8 copy comes from"
  echo "\`maas export --quantize int8\`, a format version 3 folder: int8 weights, and a tokenizer.json that keeps"
  echo "only the options, padding and the words at ids below num_words (docs/FORMAT.md). Sizes are the"
  echo "whole model folder (\`du -sb\`) and weights.safetensors alone;"
  echo "accuracy is on the dataset's test.csv; the class mix counts the top labels \`maas predict\` gives on"
  echo "it; latency is \`maas::Classifier::classify\` on one text (tokenization included), median and 90th"
  echo "percentile over $iterations calls (examples/bench/latency.cpp)."
  echo
  echo "| dataset | folder bytes float / int8 | weights bytes float / int8 | accuracy % float / int8 | class mix float / int8 | batch-1 latency µs float / int8 |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} >"$section"
cat "$section"

# Replaces the old section (from its heading to the next "## " heading) or appends one.
python3 - docs/BENCHMARKS.md "$section" <<'PYTHON'
import re, sys
page_path, section_path = sys.argv[1], sys.argv[2]
page = open(page_path, encoding="utf-8").read()
section = open(section_path, encoding="utf-8").read().rstrip("\n") + "\n"
pattern = re.compile(r"^## int8 against float32.*?(?=^## |\Z)", re.S | re.M)
if pattern.search(page):
    page = pattern.sub(lambda match: section + ("\n" if match.end() < len(page) else ""), page, count=1)
else:
    page = page.rstrip("\n") + "\n\n" + section
open(page_path, "w", encoding="utf-8").write(page)
PYTHON
