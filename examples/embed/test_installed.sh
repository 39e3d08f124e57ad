#!/usr/bin/env bash
# CTest test of the installed package. It installs this maas build into a temporary prefix and
# builds examples/embed against it with find_package(maas). With the installed maas binary it then
# trains a small model on data/game_intents and exports an int8 copy. On both models the C++ and C
# examples must print the same predictions as each other and the same top labels as `maas predict`,
# and likewise on multi-label and regression models trained from configs/.
# Usage: test_installed.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build_dir=$1
source_dir=$2

work=$(mktemp -d /tmp/maas-embed-XXXXXX)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/examples/embed" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" -j1 >/dev/null

# A short run is enough: the test compares the library with the binary, not model quality.
MAAS_LOG_LEVEL=warn "$work/prefix/bin/maas" train "$source_dir/configs/text.yaml" --no-progress \
  --set training.epochs=5 --set output="$work/run" >/dev/null
model=$work/run/model

"$work/prefix/bin/maas" export "$model" --output "$work/repo" --name text --quantize int8 >/dev/null
int8_model=$work/repo/text/1

texts=("wtb mana potion" "gg ez noob" "where is the blacksmith")
for candidate in "$model" "$int8_model"; do
  cpp_output=$("$work/build/classify_cpp" "$candidate" "${texts[@]}")
  c_output=$("$work/build/classify_c" "$candidate" "${texts[@]}")
  echo "$candidate:"
  echo "$cpp_output"
  if [[ "$cpp_output" != "$c_output" ]]; then
    echo "FAIL: the C example printed something else for $candidate:" >&2
    echo "$c_output" >&2
    exit 1
  fi

  # The top labels must match the maas binary on the same model.
  expected=$(printf '%s\n' "${texts[@]}" | "$work/prefix/bin/maas" predict "$candidate" |
    python3 -c 'import json, sys; [print(json.loads(line)["label"]) for line in sys.stdin]')
  actual=$(cut -f1 <<<"$cpp_output")
  if [[ "$expected" != "$actual" ]]; then
    echo "FAIL: labels for $candidate differ from 'maas predict': expected" $expected "got" $actual >&2
    exit 1
  fi
done

# The int8 model must also evaluate, and stay within 5 accuracy points of the float one on this
# small test set (96 texts, so one text is about one point).
accuracy() {
  "$work/prefix/bin/maas" eval "$1" --data "$source_dir/data/game_intents/test.csv" --json |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["accuracy"])'
}
python3 -c 'import sys; f, q = map(float, sys.argv[1:]); print(f"accuracy float {f:.4f} int8 {q:.4f}"); sys.exit(abs(f - q) > 0.05)' \
  "$(accuracy "$model")" "$(accuracy "$int8_model")"

# Multi-label and regression models: the examples must agree with each other and with the chosen
# labels or the value from `maas predict` (to 6 decimals).
chat_texts=("uninstall noob free gems at gemz4u dot net" "wtb mana potion" "gg")
for task in multi_label regression; do
  MAAS_LOG_LEVEL=warn "$work/prefix/bin/maas" train "$source_dir/configs/$task.yaml" --no-progress \
    --set output="$work/$task" >/dev/null
  cpp_output=$("$work/build/classify_cpp" "$work/$task/model" "${chat_texts[@]}")
  c_output=$("$work/build/classify_c" "$work/$task/model" "${chat_texts[@]}")
  echo "$task:"
  echo "$cpp_output"
  if [[ "$cpp_output" != "$c_output" ]]; then
    echo "FAIL: the C example printed something else for $task:" >&2
    echo "$c_output" >&2
    exit 1
  fi
  expected=$(printf '%s\n' "${chat_texts[@]}" | "$work/prefix/bin/maas" predict "$work/$task/model" |
    python3 -c 'import json, sys
for line in sys.stdin:
    p = json.loads(line)
    print((",".join(p["labels"]) or "-") if "labels" in p else "%.6f" % p["value"])')
  actual=$(cut -f1 <<<"$cpp_output")
  if [[ "$expected" != "$actual" ]]; then
    echo "FAIL: $task results differ from 'maas predict': expected" $expected "got" $actual >&2
    exit 1
  fi
done

# No internal header may leak into the installed tree.
if [[ $(find "$work/prefix/include" -type f | sort | tr '\n' ' ') != \
      "$work/prefix/include/maas/classifier.hpp $work/prefix/include/maas/export.h $work/prefix/include/maas/maas.h " ]]; then
  echo "FAIL: unexpected installed headers:" $(find "$work/prefix/include" -type f) >&2
  exit 1
fi
echo "embed example: C++ and C outputs agree with maas predict on the float and int8 models"
