#!/usr/bin/env bash
# Times `maas train` on GameTox (5 epochs, the seed architecture of configs/gametox.yaml) against
# fastText (same dim 64, 5 epochs, the same train and test files in fastText format) in one run.
# Prints wall time, test accuracy and the time ratio, and appends a dated row to
# docs/BENCHMARKS.md.
#
# Usage: scripts/bench/train_speed.sh [BUILD_DIR]   (default: build)
# Needs: the maas binary in BUILD_DIR, fastText (Debian: apt-get install fasttext), python3, and
# the dataset in ../shared/datasets/gametox beside the clone.
set -euo pipefail
cd "$(dirname "$0")/../.."

build_dir=${1:-build}
maas="$build_dir/maas"
data=../shared/datasets/gametox
work=$(mktemp -d /tmp/maas-train-speed-XXXXXX)
trap 'rm -rf "$work"' EXIT

[[ -x "$maas" ]] || { echo "error: $maas not found; build it with cmake --build $build_dir --target maas" >&2; exit 1; }
command -v fasttext >/dev/null || { echo "error: fasttext not found; install it with apt-get install fasttext" >&2; exit 1; }
[[ -f "$data/train.csv" ]] || { echo "error: $data/train.csv not found; see README (datasets beside the clone)" >&2; exit 1; }

# fastText trains on the same 90% that maas trains on, because maas keeps the last 10% of
# train.csv for validation. The text is lower-cased and the Keras filter characters become
# spaces, which is the text the maas tokenizer splits.
python3 - "$data" "$work" <<'PY'
import csv, sys
data, work = sys.argv[1], sys.argv[2]
filters = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
table = str.maketrans({c: " " for c in filters})
def convert(src, dst, keep_fraction):
    with open(src, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows = rows[: int(len(rows) * keep_fraction)]
    with open(dst, "w", encoding="utf-8") as out:
        for row in rows:
            text = " ".join(row["text"].lower().translate(table).split())
            out.write("__label__" + row["label"].replace(" ", "_") + " " + text + "\n")
convert(f"{data}/train.csv", f"{work}/train.txt", 0.9)
convert(f"{data}/test.csv", f"{work}/test.txt", 1.0)
PY

now() { date +%s.%N; }

start=$(now)
"$maas" train configs/gametox.yaml --set training.epochs=5 --set "output=$work/run" --no-progress --json \
  > "$work/maas.json" 2> "$work/maas.log"
maas_seconds=$(echo "$(now) - $start" | bc)
maas_accuracy=$(python3 -c "import json,sys; print('%.4f' % json.load(open(sys.argv[1]))['test']['accuracy'])" "$work/maas.json")

start=$(now)
fasttext supervised -input "$work/train.txt" -output "$work/fasttext" -dim 64 -epoch 5 -thread "$(nproc)" \
  -verbose 0 > "$work/fasttext.log" 2>&1
fasttext_seconds=$(echo "$(now) - $start" | bc)
fasttext_accuracy=$(fasttext test "$work/fasttext.bin" "$work/test.txt" | awk '/^P@1/ {printf "%.4f", $2}')

ratio=$(printf "%.2f" "$(echo "scale=4; $maas_seconds / $fasttext_seconds" | bc)")
printf 'maas train     %6.2f s  test accuracy %s\n' "$maas_seconds" "$maas_accuracy"
printf 'fastText       %6.2f s  test accuracy %s\n' "$fasttext_seconds" "$fasttext_accuracy"
printf 'time ratio maas / fastText: %s\n' "$ratio"

benchmarks=docs/BENCHMARKS.md
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
cpu=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
row=$(printf '| %s | %s | %.2f | %s | %.2f | %s | %s | %s cores, %s | `scripts/bench/train_speed.sh %s` |' \
  "$(date -u +%Y-%m-%d)" "$commit" "$maas_seconds" "$maas_accuracy" "$fasttext_seconds" "$fasttext_accuracy" \
  "$ratio" "$(nproc)" "$cpu" "$build_dir")
# Other scripts add their own sections to the same page, so the row goes at the end of this
# script's table, which is created (with the page, if needed) on the first run.
python3 - "$benchmarks" "$row" <<'PY'
import os, sys
path, row = sys.argv[1], sys.argv[2]
heading = "## Training speed on GameTox (5 epochs, dim 64)"
table = [
    "| date | commit | maas s | maas test acc | fastText s | fastText test acc | ratio | machine | command |",
    "|---|---|---|---|---|---|---|---|---|",
]
lines = open(path, encoding="utf-8").read().split("\n") if os.path.exists(path) else [
    "# Benchmarks", "",
    "Each section is written by a script under `scripts/bench/` and names its command and machine.", ""]
if heading not in lines:
    while lines and lines[-1] == "":
        lines.pop()
    lines += ["", heading, "",
              "Wall-clock seconds of one run, including data loading, tokenisation and the test-set",
              "evaluation. fastText is measured in the same run on the same files.", ""] + table + [""]
start = lines.index(heading)
end = start + 1
while end < len(lines) and not lines[end].startswith("## "):
    end += 1
last_row = max(i for i in range(start, end) if lines[i].startswith("|"))
lines.insert(last_row + 1, row)
open(path, "w", encoding="utf-8").write("\n".join(lines).rstrip("\n") + "\n")
PY
echo "added a row to $benchmarks"
