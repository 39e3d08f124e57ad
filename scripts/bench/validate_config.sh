#!/usr/bin/env bash
# Scores a training config on 5 validation splits of one dataset, so that candidate configs are
# compared without test.csv. Each split trains CONFIG once on DATASET/train.csv with the config's
# training.validation_split (the last part of the file, as in Keras). Split 1 uses train.csv as
# it is. Splits 2 to 5 rotate its rows so that the 2nd, 4th, 6th or 8th tenth comes last, with the
# header kept first. The script prints each split's final-epoch val_accuracy and val_macro_f1 from
# the run's metrics.jsonl, its training wall time, and the means. The smallest classes have only a
# few rows in one split's validation part, so compare configs by the means, not by one split.
#
# Usage: scripts/bench/validate_config.sh [--json] CONFIG DATASET_DIR [--set key=value]...
#   --json    print one JSON object (splits, mean_val_accuracy, mean_val_macro_f1, mean_seconds)
#   --set     passed to `maas train` after the script's own settings, in the order given
# Environment:
#   MAAS      maas binary (default build/maas)
#   THREADS   training.threads for every run (default 1)
# The runs leave out data.test, so no test score is computed. The rotated files and run folders go
# to a mktemp folder in /tmp, which is removed on exit. Prefix the command with `nice -n 19` on a
# shared machine; the 5 runs are sequential.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
maas=${MAAS:-$here/../../build/maas}
threads=${THREADS:-1}

fail() { echo "error: $*" >&2; exit 1; }
usage() { sed -n '10,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

json=
positional=()
overrides=()
while (($#)); do
  case $1 in
    --json) json=--json ;;
    --set)
      (($# >= 2)) || fail "--set needs a key=value, such as --set training.epochs=4"
      overrides+=(--set "$2")
      shift ;;
    --set=*) overrides+=(--set "${1#--set=}") ;;
    -h | --help) usage ;;
    -*) fail "unknown option $1; expected --json or --set key=value" ;;
    *) positional+=("$1") ;;
  esac
  shift
done
((${#positional[@]} == 2)) || usage
config=${positional[0]}
dataset=${positional[1]}
train_csv=$dataset/train.csv

[[ -x "$maas" ]] ||
  fail "maas binary $maas not found or not executable; build it (cmake --build build --target maas) or set MAAS=path"
[[ -f "$config" ]] || fail "config $config not found"
[[ -f "$train_csv" ]] || fail "$train_csv not found; DATASET_DIR must hold train.csv"
[[ "$threads" =~ ^[1-9][0-9]*$ ]] ||
  fail "THREADS=$threads is not a positive integer; use 1 or nproc"

work=$(mktemp -d /tmp/maas-validate-XXXXXX)
trap 'rm -rf "$work"' EXIT

# The tenth of train.csv that each split moves to the end; 10 leaves the file as it is.
tenths=(10 2 4 6 8)
summary=()
for index in "${!tenths[@]}"; do
  tenth=${tenths[index]}
  split=$((index + 1))
  data=$(realpath "$train_csv")
  label="split $split (as is)"
  if ((tenth != 10)); then
    data=$work/train_$tenth.csv
    python3 "$here/validation_splits.py" rotate "$train_csv" "$data" "$tenth"
    label="split $split (tenth $tenth last)"
  fi
  run_dir=$work/run_$split
  start=$(date +%s.%N)
  if ! "$maas" train "$config" --set "data.train=$data" --set data.test=null \
       --set "output.dir=$run_dir" --set "training.threads=$threads" "${overrides[@]}" \
       --no-progress --json > "$run_dir.out" 2> "$run_dir.log"; then
    tail -n 5 "$run_dir.log" >&2
    fail "training failed on $label"
  fi
  end=$(date +%s.%N)
  summary+=("$label" "$(echo "$end - $start" | bc)" "$run_dir")
  if [[ -z $json ]]; then
    echo "finished $label" >&2
  fi
done

python3 "$here/validation_splits.py" summarize $json "${summary[@]}"
