#!/usr/bin/env bash
# Trains the seed text classifier (Embedding 64, average, Dense 64 relu, output; Adam, batch 32,
# 20000 words, length 64, 5 epochs) in maas, fastText, PyTorch and Keras, and maas's best config
# (configs/best_DATASET.yaml, else configs/best_default.yaml), on the gametox, conda, sms_spam and
# ag_news_test7600 datasets in one run. Records test accuracy, macro-F1, training wall time, CPU
# time and peak RSS of each, keeps the fastest of REPEATS runs, and replaces the section
# "Training versus peers" of docs/BENCHMARKS.md with the tables, ratios and targets.
#
# Usage: MAAS=build/maas PYTHON=/path/to/venv/bin/python scripts/bench/train_vs_peers.sh
# Environment:
#   MAAS      maas binary (default build/maas)
#   PYTHON    a Python that imports torch and tensorflow (default python3), for example a
#             virtualenv made with: python3 -m venv /tmp/peers && /tmp/peers/bin/pip install torch tensorflow
#   REPEATS   runs per tool and dataset; the least wall time is kept (default 2)
#   THREADS   compute threads for every tool (default 1, so that the tools compare per core and
#             the times of a machine shared with other jobs stay usable)
#   DATASETS  space-separated names under ../shared/datasets (default: the four above)
#   BENCHMARKS  the Markdown file to update (default docs/BENCHMARKS.md)
#   RECORDS   a JSON-lines file that keeps the scored runs between invocations (default: a
#             temporary file). The rows of each dataset run now replace that dataset's earlier
#             rows, and the tables show every dataset in the file, so DATASETS=gametox reruns
#             one dataset without rerunning the others.
# Needs: fasttext (apt-get install fasttext), GNU time at /usr/bin/time (apt-get install time),
# and the datasets in ../shared/datasets beside the clone.
set -euo pipefail
cd "$(dirname "$0")/../.."

maas=${MAAS:-build/maas}
python=${PYTHON:-python3}
repeats=${REPEATS:-2}
threads=${THREADS:-1}
datasets=${DATASETS:-gametox conda sms_spam ag_news_test7600}
benchmarks=${BENCHMARKS:-docs/BENCHMARKS.md}
bench=scripts/bench
data_root=../shared/datasets

fail() { echo "error: $*" >&2; exit 1; }
[[ -x "$maas" ]] || fail "maas binary $maas not found or not executable; build it (cmake --build build --target maas) or set MAAS=path"
command -v fasttext >/dev/null || fail "fasttext not found; install it with apt-get install fasttext"
[[ -x /usr/bin/time ]] || fail "/usr/bin/time not found; install GNU time with apt-get install time"
"$python" -c "import torch, tensorflow" 2>/dev/null ||
  fail "$python cannot import torch and tensorflow; set PYTHON to a virtualenv's python with both installed (pip install torch tensorflow)"
[[ "$repeats" =~ ^[1-9][0-9]*$ ]] || fail "REPEATS=$repeats is not a positive integer; use 2 or more"
[[ "$threads" =~ ^[1-9][0-9]*$ ]] || fail "THREADS=$threads is not a positive integer; use 1 or nproc"
for dataset in $datasets; do
  [[ -f "$data_root/$dataset/train.csv" && -f "$data_root/$dataset/test.csv" ]] ||
    fail "$data_root/$dataset/train.csv or test.csv not found; put the datasets in shared/datasets beside the clone or set DATASETS"
done

work=$(mktemp -d /tmp/maas-train-vs-peers-XXXXXX)
trap 'rm -rf "$work"' EXIT
records=${RECORDS:-$work/records.jsonl}
touch "$records"
export TF_CPP_MIN_LOG_LEVEL=2 OMP_NUM_THREADS="$threads"

# Runs a command under GNU time and stores its wall seconds in $wall. Output goes to $1.log;
# a failed run prints its log's tail and returns 1, so one broken tool does not stop the rest.
timed() {
  local log=$1
  shift
  local start end
  start=$(date +%s.%N)
  if ! /usr/bin/time -v -o "$log.time" "$@" > "$log.out" 2> "$log.log"; then
    echo "warning: failed: $*" >&2
    tail -n 5 "$log.log" >&2
    return 1
  fi
  end=$(date +%s.%N)
  wall=$(echo "$end - $start" | bc)
}

record() { python3 "$bench/peers_report.py" record "$records" "$@"; }

for dataset in $datasets; do
  dir=$(realpath "$data_root/$dataset")
  test_csv="$dir/test.csv"
  out="$work/$dataset"
  mkdir -p "$out"
  python3 "$bench/peers_fasttext_data.py" "$dir" "$out/fasttext"
  python3 "$bench/peers_report.py" drop "$records" "$dataset"
  best=configs/best_$dataset.yaml
  [[ -f "$best" ]] || best=configs/best_default.yaml

  for run in $(seq "$repeats"); do
    for variant in seed best; do
      config=configs/gametox.yaml
      [[ $variant == best ]] && config=$best
      run_dir="$out/maas_$variant.$run"
      if timed "$run_dir" "$maas" train "$config" --set "data.train=$dir/train.csv" \
           --set "data.test=$test_csv" --set "output.dir=$run_dir" --set "training.threads=$threads" \
           --no-progress --json; then
        "$maas" predict "$run_dir/model" "$test_csv" --threads "$threads" > "$run_dir.pred" 2>> "$run_dir.log"
        record "$dataset" "maas $variant" "$test_csv" "$run_dir.pred" maas "$run_dir.time" "$wall"
      fi
    done

    ft="$out/fasttext"
    if timed "$ft/run.$run" fasttext supervised -input "$ft/train.txt" -output "$ft/model" -dim 64 \
         -epoch 5 -thread "$threads" -verbose 0; then
      fasttext predict "$ft/model.bin" "$ft/test_texts.txt" > "$ft/run.$run.pred"
      record "$dataset" fastText "$test_csv" "$ft/run.$run.pred" fasttext "$ft/run.$run.time" "$wall"
    fi

    for peer in torch keras; do
      name=PyTorch
      [[ $peer == keras ]] && name=Keras
      base="$out/$peer.$run"
      if timed "$base" "$python" "$bench/peers_$peer.py" "$dir" "$base.pred" "$base.json" "$threads"; then
        record "$dataset" "$name" "$test_csv" "$base.pred" lines "$base.time" "$wall" "$base.json"
      fi
    done
  done
done

command="MAAS=$maas PYTHON=$python REPEATS=$repeats THREADS=$threads scripts/bench/train_vs_peers.sh"
[[ -n "${DATASETS:-}" ]] && command="DATASETS='$datasets' $command"
[[ -n "${RECORDS:-}" ]] && command="RECORDS=$records $command"
python3 "$bench/peers_report.py" write "$records" "$benchmarks" "$command" "$threads" "$repeats"
